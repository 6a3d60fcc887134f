// Opens one spreadsheet file with one JavaScript reader and prints what it read as JSON:
// {"sheets": [{"name": ..., "cells": {"A1": value, ...}}, ...]}, values as the reader gives them
// (numbers, text, booleans; a formula's cached result; dates as ISO text). Any error while
// loading is printed on stderr and the exit code is 1, so the Python test shows the reader's words.
// Usage: node read.js exceljs|sheetjs FILE
"use strict";

const fs = require("fs");

function plain(value) {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object") {
    // exceljs: {formula, result}, {richText: [...]}, {text, hyperlink}, {error}
    if ("result" in value) return plain(value.result);
    if ("richText" in value) return value.richText.map((run) => run.text).join("");
    if ("text" in value) return plain(value.text);
    if ("error" in value) return value.error;
    return null;
  }
  return value;
}

async function withExceljs(file) {
  const ExcelJS = require("exceljs");
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(file);
  const sheets = [];
  workbook.eachSheet((sheet) => {
    const cells = {};
    sheet.eachRow({ includeEmpty: false }, (row) => {
      row.eachCell({ includeEmpty: false }, (cell) => {
        const value = plain(cell.value);
        if (value !== null && value !== "") cells[cell.address] = value;
      });
    });
    sheets.push({ name: sheet.name, cells });
  });
  return sheets;
}

function withSheetjs(file) {
  const XLSX = require("xlsx");
  const workbook = XLSX.read(fs.readFileSync(file), { type: "buffer", cellDates: true });
  return workbook.SheetNames.map((name) => {
    const sheet = workbook.Sheets[name];
    const cells = {};
    for (const address of Object.keys(sheet)) {
      if (address.startsWith("!")) continue;
      const value = plain(sheet[address].v);
      if (value !== null && value !== "") cells[address] = value;
    }
    return { name, cells };
  });
}

async function main() {
  const [reader, file] = process.argv.slice(2);
  const readers = { exceljs: withExceljs, sheetjs: withSheetjs };
  if (!readers[reader] || !file) {
    process.stderr.write("usage: node read.js exceljs|sheetjs FILE\n");
    process.exit(2);
  }
  const sheets = await readers[reader](file);
  process.stdout.write(JSON.stringify({ sheets }));
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});

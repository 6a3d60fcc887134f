"""LibreOffice, a second independent reader, loads the template's VBA project: converted to .ods,
every module appears as a Basic module with its code."""

from __future__ import annotations

import re
import zipfile
from html import unescape

import pytest
from libreoffice import libreoffice  # noqa: F401  (session fixture: LibreOffice with a private profile)

from cvm_xl.excel.template import build_template
from cvm_xl.excel.template.builder import vba_modules
from cvm_xl.excel.vba.project import CLASS, DOCUMENT, STANDARD


@pytest.fixture(scope="module")
def ods(tmp_path_factory, libreoffice) -> zipfile.ZipFile:  # noqa: F811
    folder = tmp_path_factory.mktemp("lo")
    template = folder / "workbook_template.xlsm"
    template.write_bytes(build_template())
    (converted,) = libreoffice.convert([template], "ods", folder)  # fails the test under CI=true without it
    return zipfile.ZipFile(converted)


def basic_code(ods: zipfile.ZipFile, name: str) -> tuple[str, str]:
    xml = ods.read(f"Basic/VBAProject/{name}.xml").decode("utf-8")
    kind = re.search(r'script:moduleType="(\w+)"', xml)[1]
    body = unescape(re.search(r"<script:module [^>]*>(.*)</script:module>", xml, re.DOTALL)[1])
    return kind, body


def test_libreoffice_loads_every_module(ods):
    names = set(ods.namelist())
    for module in vba_modules():
        assert f"Basic/VBAProject/{module.name}.xml" in names, module.name
        kind, body = basic_code(ods, module.name)
        assert kind == {DOCUMENT: "document", CLASS: "class", STANDARD: "normal"}[module.kind], module.name
        # LibreOffice drops the Attribute lines and adds its own header; every code line survives.
        code = [line for line in module.source.split("\r\n") if line and not line.startswith("Attribute ")]
        got = body.replace("\r\n", "\n").split("\n")
        assert [line for line in code if line not in got] == [], module.name


def test_libreoffice_sees_the_macro_subs_and_udf_wrappers(ods):
    _, macros = basic_code(ods, "cvm_macros")
    assert "Sub CVM_Synthesize()" in macros and "RunPython" in macros
    _, wrappers = basic_code(ods, "xlwings_udfs")
    assert "Function CVM_VALUE(annual, Optional one_time" in wrappers

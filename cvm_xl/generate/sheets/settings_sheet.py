"""Settings sheet: the settings that produced every figure, and the lists the formulas look up."""

from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

from cvm_xl.books import layout as L
from cvm_xl.core.settings import FIELD_LABELS, SETTING_LABELS
from cvm_xl.core.sharing import AUTO, AUTO_SHOWN, SPLIT_METHODS, auto_meaning
from cvm_xl.core.values import annuity
from cvm_xl.core.verdicts import VERDICTS
from cvm_xl.generate import formulas as F
from cvm_xl.generate.sheetdata import SheetData
from cvm_xl.generate.sheets.common import RenderContext, StaticSheet, page_setup, protect, widths

MEANING = {
    "supplier": "The supplier firm (always first: supplier outcome, then customer outcome).",
    "currency": "All amounts are in these currency units.",
    "horizon_years": "Years over which annual amounts count.",
    "discount_rate": "Annual discount rate for annual amounts (0 = no discounting).",
    "indifference_threshold": "A value within plus or minus this amount is indifferent (I): no win, no loss.",
    "significance_threshold": "A Go needs at least this net value.",
    "max_one_sided_loss": "Largest loss one firm may take on a win-lose idea (blank = no limit).",
    "target_supplier_share": "The supplier's fair share of value created (passbook equity gap).",
    "max_sign_off_ideas": "At most this many ideas on the sign-off sheet.",
    "number_format": "How numbers typed as text are read back (auto: from the data).",
}
STYLE = {
    "supplier": "kv.text",
    "currency": "kv.text",
    "horizon_years": "kv.number",
    "discount_rate": "kv.rate",
    "indifference_threshold": "kv.money",
    "significance_threshold": "kv.money",
    "max_one_sided_loss": "kv.money",
    "target_supplier_share": "kv.share",
    "max_sign_off_ideas": "kv.count",
}


def setup(ws: Worksheet, ctx: RenderContext) -> None:
    widths(ws, {"A": 26, "B": 18, "C": 3, "D": 24, "E": 86})
    protect(ws)
    page_setup(ws)


def render(ctx: RenderContext) -> SheetData:
    s = ctx.settings
    sd = SheetData(ctx.styles)
    sd.text(L.TITLE_ROW, 1, "title", "Settings")
    sd.height(L.TITLE_ROW, 24)
    sd.text(
        L.NOTE_ROW,
        1,
        "note",
        "The settings that produced every figure in this workbook. The formulas "
        "read them by the names in column D, so the workbook needs no add-in.",
    )
    sd.text(L.SETTINGS_HEADER_ROW, 1, "header.input", "Setting")
    sd.text(L.SETTINGS_HEADER_ROW, 2, "header.input", "Value")
    sd.text(L.SETTINGS_HEADER_ROW, 4, "header.input", "Name in formulas")
    sd.text(L.SETTINGS_HEADER_ROW, 5, "header.input", "Meaning")
    sd.height(L.SETTINGS_HEADER_ROW, 20)
    for field in SETTING_LABELS.values():
        r = L.SETTING_ROW[field]
        sd.text(r, 1, "kv.label", FIELD_LABELS[field])
        sd.value(r, 2, STYLE.get(field, "kv.text"), getattr(s, field))
        if field in L.SETTING_NAMES:
            sd.text(r, 4, "kv.label", L.SETTING_NAMES[field])
        else:
            sd.blank(r, 4, "kv.label")
        sd.text(r, 5, "kv.label", MEANING.get(field, ""))
    r = L.ANNUITY_ROW
    sd.text(r, 1, "kv.label", "Annuity factor")
    sd.formula(r, 2, "kv.factor", F.ANNUITY, annuity(s.horizon_years, s.discount_rate))
    sd.text(r, 4, "kv.label", L.ANNUITY_NAME)
    sd.text(r, 5, "kv.label", "Present value of 1 a year over the horizon: value = one-time + annual x this.")

    sd.text(
        L.VERDICT_HEADER_ROW - 1,
        1,
        "section",
        "Verdicts (rules in this order; the first that matches decides)",
    )
    sd.text(L.VERDICT_HEADER_ROW, 1, "header.calc", "Verdict code")
    sd.text(L.VERDICT_HEADER_ROW, 2, "header.calc", "Verdict")
    for i, verdict in enumerate(VERDICTS):
        sd.text(L.VERDICT_FIRST_ROW + i, 1, "fixed.text", verdict.code)
        sd.text(L.VERDICT_FIRST_ROW + i, 2, "fixed.text", verdict.label)
    sd.text(L.METHOD_HEADER_ROW - 1, 1, "section", "Sharing methods")
    sd.text(L.METHOD_HEADER_ROW, 1, "header.calc", "Method")
    sd.text(L.METHOD_HEADER_ROW, 2, "header.calc", "Transfer T (supplier to customer)")
    sd.text(L.METHOD_HEADER_ROW, 5, "header.calc", "Meaning")
    # One row per entry of METHOD_CHOICES (auto, then the records of core.sharing): column A is the
    # SharingMethods list the formulas MATCH against.
    rows = [(AUTO, AUTO_SHOWN, auto_meaning())] + [(m.name, m.shown, m.meaning) for m in SPLIT_METHODS]
    for i, (method, shown, meaning) in enumerate(rows):
        sd.text(L.METHOD_FIRST_ROW + i, 1, "fixed.text", method)
        sd.text(L.METHOD_FIRST_ROW + i, 2, "fixed.text", shown)
        sd.text(L.METHOD_FIRST_ROW + i, 5, "fixed.text", meaning)
    return sd


BUILDER = StaticSheet(name=L.SETTINGS, setup=setup, render=render)

"""The computed columns of the Ideas table as native formulas (SPEC §3.1–3.5, §4, §7).

Each formula restates one rule of SPEC §3 in the same order of operations as
``cvm_xl.core.evaluation``; the LibreOffice recalculation tests hold them to it. The rules that
exist as data in the core are rendered from that data: the split methods and the ``auto`` rules
(``core.sharing``), which verdicts get a split (``core.verdicts``) and the accepted spellings
(``core.spellings``, through ``cells``). The inputs are read as ``core.cells`` reads them: Yes/No
in any accepted spelling, amounts and shares typed as numbers or as text (``cells.number``).

``idea_formulas`` takes the sheet's column letters and the workbook's defined names as data, so
the customer workbooks and the live master use the very same formulas.
"""

from __future__ import annotations

from collections.abc import Mapping

from cvm_xl.core import columns as col
from cvm_xl.core import spellings
from cvm_xl.core.sharing import AUTO, AUTO_OTHERWISE, AUTO_RULES, NO_SPLIT, SPLIT_METHODS
from cvm_xl.core.verdicts import SPLIT_GO_CODES
from cvm_xl.formulas.cells import amount, equals_any, is_blank, is_no, is_yes, number, text_literal
from cvm_xl.formulas.names import FormulaNames


def annuity(names: FormulaNames) -> str:
    """``core.values.annuity`` over the workbook's Horizon years and Discount rate (SPEC §3.1)."""
    h, r = names.setting("horizon_years"), names.setting("discount_rate")
    return f"IF({r}=0,{h},(1-(1+{r})^(-{h}))/{r})"


def auto_method(cell: str, one_off_yes: str) -> str:
    """The method ``auto`` picks (``sharing.AUTO_RULES``, first match wins) from the map cell."""
    chosen = text_literal(AUTO_OTHERWISE)
    for rule in reversed(AUTO_RULES):
        when = equals_any(cell, rule.cells)
        if rule.one_off_only:
            when = f"AND({when},{one_off_yes})"
        chosen = f"IF({when},{text_literal(rule.method)},{chosen})"
    return chosen


def method_transfer(method: str, refs: Mapping[str, str]) -> str:
    """T of the applied method, from each ``SplitMethod.formula`` over ``refs`` (vs, vc, share)."""
    no_transfer = "0"  # no split; a method whose transfer is 0 as well (retain) needs no branch
    formula = no_transfer
    for m in reversed(SPLIT_METHODS):
        branch = m.formula.format(**refs)
        if branch != no_transfer:
            formula = f"IF({method}={text_literal(m.name)},{branch},{formula})"
    return formula


def idea_formulas(letters: Mapping[str, str], names: FormulaNames) -> dict[str, str]:
    """Row templates of the 13 computed Ideas columns, keyed by column name: ``letters`` gives each
    Ideas column's letter on its sheet, ``names`` the workbook's defined names."""

    def c(name: str) -> str:
        return f"${letters[name]}{{r}}"

    sa, so = c(col.SUPPLIER_ANNUAL), c(col.SUPPLIER_ONE_TIME)
    ca, co = c(col.CUSTOMER_ANNUAL), c(col.CUSTOMER_ONE_TIME)
    vs, vc = c(col.SUPPLIER_VALUE), c(col.CUSTOMER_VALUE)
    s_out, c_out = c(col.SUPPLIER_OUTCOME), c(col.CUSTOMER_OUTCOME)
    cell, net, code = c(col.CELL), c(col.NET_VALUE), c(col.VERDICT_CODE)
    method, transfer = c(col.SPLIT_METHOD), c(col.TRANSFER)
    q, gf, one_off = c(col.QUANTIFIED), c(col.GOOD_FAITH), c(col.ONE_OFF)
    asked, share = c(col.SHARING_METHOD), c(col.SUPPLIER_SHARE)
    tau, sigma, lam = (
        names.setting("indifference_threshold"),
        names.setting("significance_threshold"),
        names.setting("max_one_sided_loss"),
    )
    all_blank = f"AND({is_blank(sa)},{is_blank(so)},{is_blank(ca)},{is_blank(co)})"
    one_sided = f'OR({cell}="W-L",{cell}="L-W")'
    asked_key = spellings.excel_key(asked)  # the Sharing method cell as normalise_method reads it

    def outcome(v: str) -> str:
        return f'IF({v}="","",IF({v}>{tau},"W",IF({v}<-{tau},"L","I")))'

    verdict_code = (
        f'IF(OR({vs}="",{is_no(q)}),IF({is_yes(gf)},"GO_GOOD_FAITH","POSTPONE_QUANTIFY"),'
        f'IF(AND({s_out}<>"W",{c_out}<>"W"),"NO_GO",'
        f'IF(AND({one_sided},{net}<=0),"NO_GO",'
        f'IF(AND({one_sided},{lam}<>"",-MIN({vs},{vc})>{lam}),"SHELVE",'
        f'IF({net}<{sigma},"POSTPONE_SMALL",'
        f'IF({cell}="W-W","GO_PRIORITY","GO"))))))'
    )
    # The methods list holds the methods in their canonical spelling; MATCH ignores case like the core.
    explicit = f"INDEX({names.methods},MATCH({asked_key},{names.methods},0))"
    auto = auto_method(cell, is_yes(one_off))
    split_method = (
        f"IF({equals_any(code, SPLIT_GO_CODES)},"
        f'IF(OR({asked_key}="",{asked_key}={text_literal(AUTO)}),{auto},{explicit}),'
        f"{text_literal(NO_SPLIT)})"
    )
    proportional_share = f"IF({is_blank(share)},{names.setting('target_supplier_share')},{number(share)})"
    transfer_formula = method_transfer(method, {"vs": vs, "vc": vc, "share": proportional_share})
    return {
        col.SUPPLIER_VALUE: f'IF({all_blank},"",{amount(so)}+{amount(sa)}*{names.annuity})',
        col.CUSTOMER_VALUE: f'IF({all_blank},"",{amount(co)}+{amount(ca)}*{names.annuity})',
        col.SUPPLIER_OUTCOME: outcome(vs),
        col.CUSTOMER_OUTCOME: outcome(vc),
        col.CELL: f'IF({vs}="","",{s_out}&"-"&{c_out})',
        col.NET_VALUE: f'IF({vs}="","",{vs}+{vc})',
        col.BAND: f'IF({vs}="","",ABS({vs})+ABS({vc}))',
        col.VERDICT: f"INDEX({names.verdict_labels},MATCH({code},{names.verdict_codes},0))",
        col.VERDICT_CODE: verdict_code,
        col.SPLIT_METHOD: split_method,
        col.TRANSFER: transfer_formula,
        col.SUPPLIER_FINAL: f'IF({vs}="","",{vs}-{transfer})',
        col.CUSTOMER_FINAL: f'IF({vc}="","",{vc}+{transfer})',
    }


def guarded(formulas: Mapping[str, str], key_ref: str) -> dict[str, str]:
    """The row formulas, blank on a row whose ``key_ref`` cell (its Idea ID) is blank: an empty
    row of a live master's table shows nothing (a row without an ID is no idea, SPEC §4)."""
    return {name: f'IF({is_blank(key_ref)},"",{formula})' for name, formula in formulas.items()}

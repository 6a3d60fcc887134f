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


def _any_of(cells: str, texts: tuple[str, ...]) -> str:
    """1 where a cell of the range ``cells`` holds one of the Yes/No ``texts`` (a spelling of
    ``core.spellings``), 0 elsewhere: an array for SUMPRODUCT. Only operators act on the range, as
    Gnumeric intersects a function's range argument with the formula's row (tests/gnumeric.py):
    text compared in any case, a logical cell with TRUE/FALSE and a number cell with its value
    (never a blank cell, which equals FALSE and 0)."""
    tests = [f"({cells}={text_literal(t)})" for t in texts]
    kinds = []
    for t in texts:
        if t in ("true", "false"):
            kinds.append(t.upper())
        else:
            try:
                kinds.append(repr(float(t)).removesuffix(".0"))
            except ValueError:
                continue
    typed = "+".join(f"({cells}={k})" for k in dict.fromkeys(kinds))
    if typed:
        tests.append(f'({typed})*({cells}<>"")')
    return f"(({'+'.join(tests)})>0)"


def _verdict_code(
    values: tuple[str, str, str, str, str, str], unquantified: str, good_faith: str, names: FormulaNames
) -> str:
    """SPEC §3.4 in ``verdicts.verdict``'s order over ``values`` (Vs, Vc, their outcomes, the map
    cell and the net) and the conditions ``unquantified`` (values blank or Quantified No) and
    ``good_faith``."""
    vs, vc, s_out, c_out, cell, net = values
    sigma, lam = names.setting("significance_threshold"), names.setting("max_one_sided_loss")
    one_sided = f'OR({cell}="W-L",{cell}="L-W")'
    return (
        f'IF(OR({vs}="",{unquantified}),IF({good_faith},"GO_GOOD_FAITH","POSTPONE_QUANTIFY"),'
        f'IF(AND({s_out}<>"W",{c_out}<>"W"),"NO_GO",'
        f'IF(AND({one_sided},{net}<=0),"NO_GO",'
        f'IF(AND({one_sided},{lam}<>"",-MIN({vs},{vc})>{lam}),"SHELVE",'
        f'IF({net}<{sigma},"POSTPONE_SMALL",'
        f'IF({cell}="W-W","GO_PRIORITY","GO"))))))'
    )


def _outcome(v: str, tau: str) -> str:
    return f'IF({v}="","",IF({v}>{tau},"W",IF({v}<-{tau},"L","I")))'


def idea_formulas(letters: Mapping[str, str], names: FormulaNames, rows: tuple[int, int]) -> dict[str, str]:
    """Row templates of the 16 computed Ideas columns, keyed by column name: ``letters`` gives each
    Ideas column's letter on its sheet, ``names`` the workbook's defined names, ``rows`` the first
    and last row of the table's data that a bundle's members are looked for in (bounded ranges:
    Gnumeric visits every row of a whole column)."""

    def c(name: str) -> str:
        return f"${letters[name]}{{r}}"

    def every(name: str) -> str:
        return f"${letters[name]}${rows[0]}:${letters[name]}${rows[1]}"

    sa, so = c(col.SUPPLIER_ANNUAL), c(col.SUPPLIER_ONE_TIME)
    ca, co = c(col.CUSTOMER_ANNUAL), c(col.CUSTOMER_ONE_TIME)
    vs, vc = c(col.SUPPLIER_VALUE), c(col.CUSTOMER_VALUE)
    s_out, c_out = c(col.SUPPLIER_OUTCOME), c(col.CUSTOMER_OUTCOME)
    cell, code = c(col.CELL), c(col.VERDICT_CODE)
    method, transfer = c(col.SPLIT_METHOD), c(col.TRANSFER)
    q, gf, one_off = c(col.QUANTIFIED), c(col.GOOD_FAITH), c(col.ONE_OFF)
    asked, share = c(col.SHARING_METHOD), c(col.SUPPLIER_SHARE)
    bundle, b_vs, b_vc, b_cell = (
        c(col.BUNDLE), c(col.BUNDLE_SUPPLIER_VALUE), c(col.BUNDLE_CUSTOMER_VALUE), c(col.BUNDLE_CELL),
    )  # fmt: skip
    tau = names.setting("indifference_threshold")
    all_blank = f"AND({is_blank(sa)},{is_blank(so)},{is_blank(ca)},{is_blank(co)})"
    asked_key = spellings.excel_key(asked)  # the Sharing method cell as normalise_method reads it
    yes, no = spellings.yes_spellings(), spellings.no_spellings()

    # The idea alone (SPEC §3.4, §3.5).
    alone_values = (vs, vc, s_out, c_out, cell, c(col.NET_VALUE))
    verdict_alone = _verdict_code(alone_values, is_no(q), is_yes(gf), names)
    # The methods list holds the methods in their canonical spelling; MATCH ignores case like the core.
    explicit = f"INDEX({names.methods},MATCH({asked_key},{names.methods},0))"
    auto_alone = auto_method(cell, is_yes(one_off))
    method_alone = f'IF(OR({asked_key}="",{asked_key}={text_literal(AUTO)}),{auto_alone},{explicit})'
    proportional_share = f"IF({is_blank(share)},{names.setting('target_supplier_share')},{number(share)})"
    transfer_alone = method_transfer(method, {"vs": vs, "vc": vc, "share": proportional_share})

    # Its bundle (core.bundles): the rows of the same Customer ID and Bundle, compared as typed in
    # any case, with sums and counts over them.
    member = f"(({every(col.CUSTOMER_ID)}={c(col.CUSTOMER_ID)})*({every(col.BUNDLE)}={bundle}))"

    def members(condition: str) -> str:
        return f"SUMPRODUCT({member}*{condition})"

    def bundle_sum(name: str) -> str:
        return f"SUMPRODUCT({member},{every(name)})"

    valued = members(f'({every(col.SUPPLIER_VALUE)}<>"")')
    unquantified = (
        members(f'((({every(col.SUPPLIER_VALUE)}="")+{_any_of(every(col.QUANTIFIED), no)})>0)') + ">0"
    )
    not_good_faith = members(f"(1-{_any_of(every(col.GOOD_FAITH), yes)})")
    not_one_off = members(f"(1-{_any_of(every(col.ONE_OFF), yes)})")
    bundle_values = (b_vs, b_vc, _outcome(b_vs, tau), _outcome(b_vc, tau), b_cell, f"({b_vs}+{b_vc})")
    verdict_bundle = _verdict_code(bundle_values, unquantified, f"{not_good_faith}=0", names)
    method_bundle = auto_method(b_cell, f"{not_one_off}=0")
    for m in reversed(SPLIT_METHODS):  # the first method of SPLIT_METHODS a member names wins
        named = members(f"({every(col.SHARING_METHOD)}={text_literal(m.name)})")
        method_bundle = f"IF({named}>0,{text_literal(m.name)},{method_bundle})"
    shares_given = members(f'({every(col.SUPPLIER_SHARE)}<>"")')
    bundle_share = (
        f"IF({shares_given}=0,{names.setting('target_supplier_share')},"
        f"SUMPRODUCT({member}*{every(col.SUPPLIER_SHARE)})/{shares_given})"
    )
    transfer_bundle = method_transfer(method, {"vs": b_vs, "vc": b_vc, "share": bundle_share})
    bands = bundle_sum(col.BAND)
    # T_i = T x (band_i / sum of bands); T / n when every band is 0; 0 without a split.
    transfer_member = (
        f"IF({method}={text_literal(NO_SPLIT)},0,IF({bands}=0,({transfer_bundle})/SUMPRODUCT({member}),"
        f"({transfer_bundle})*({c(col.BAND)}/{bands})))"
    )
    alone = is_blank(bundle)
    split_method = (
        f"IF({equals_any(code, SPLIT_GO_CODES)},"
        f"IF({alone},{method_alone},{method_bundle}),{text_literal(NO_SPLIT)})"
    )
    return {
        col.SUPPLIER_VALUE: f'IF({all_blank},"",{amount(so)}+{amount(sa)}*{names.annuity})',
        col.CUSTOMER_VALUE: f'IF({all_blank},"",{amount(co)}+{amount(ca)}*{names.annuity})',
        col.SUPPLIER_OUTCOME: _outcome(vs, tau),
        col.CUSTOMER_OUTCOME: _outcome(vc, tau),
        col.CELL: f'IF({vs}="","",{s_out}&"-"&{c_out})',
        col.NET_VALUE: f'IF({vs}="","",{vs}+{vc})',
        col.BAND: f'IF({vs}="","",ABS({vs})+ABS({vc}))',
        col.VERDICT: f"INDEX({names.verdict_labels},MATCH({code},{names.verdict_codes},0))",
        col.VERDICT_CODE: f"IF({alone},{verdict_alone},{verdict_bundle})",
        col.SPLIT_METHOD: split_method,
        col.TRANSFER: f"IF({alone},{transfer_alone},{transfer_member})",
        col.SUPPLIER_FINAL: f'IF({vs}="","",{vs}-{transfer})',
        col.CUSTOMER_FINAL: f'IF({vc}="","",{vc}+{transfer})',
        col.BUNDLE_SUPPLIER_VALUE: f'IF({alone},"",IF({valued}=0,"",{bundle_sum(col.SUPPLIER_VALUE)}))',
        col.BUNDLE_CUSTOMER_VALUE: f'IF({alone},"",IF({valued}=0,"",{bundle_sum(col.CUSTOMER_VALUE)}))',
        col.BUNDLE_CELL: f'IF({b_vs}="","",{_outcome(b_vs, tau)}&"-"&{_outcome(b_vc, tau)})',
    }


def guarded(formulas: Mapping[str, str], key_ref: str) -> dict[str, str]:
    """The row formulas, blank on a row whose ``key_ref`` cell (its Idea ID) is blank: an empty
    row of a live master's table shows nothing (a row without an ID is no idea, SPEC §4)."""
    return {name: f'IF({is_blank(key_ref)},"",{formula})' for name, formula in formulas.items()}

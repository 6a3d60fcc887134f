"""Native Excel formulas of the generated workbooks, one function per computed figure.

Only classic functions are used (IF, AND, OR, ABS, MIN, MAX, SUMIFS, SUMPRODUCT, COUNTIFS, INDEX,
MATCH, ROUND, IFERROR, SUM, TRIM, CLEAN) so the workbooks compute the same numbers in Excel,
LibreOffice and Google Sheets without Python. Each formula restates one rule of SPEC §3 in the same
order of operations as ``cvm_xl.core.evaluation``; the LibreOffice recalculation test holds them to it.
The rules that exist as data in the core are rendered from that data, never restated: the split
methods and the ``auto`` rules (``core.sharing``), which verdicts get a split (``core.verdicts``)
and the accepted Yes/No and method spellings (``core.spellings``).

Row formulas are returned as templates containing ``{r}`` for the row number; ``at_row`` fills it.
Texts are plain formulas without the leading '='; ``xmltext.formula_text`` escapes them for XML.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from cvm_xl.books import layout as L
from cvm_xl.core import columns as col
from cvm_xl.core import spellings
from cvm_xl.core.sharing import AUTO, AUTO_OTHERWISE, AUTO_RULES, NO_SPLIT, SPLIT_METHODS
from cvm_xl.core.verdicts import SPLIT_GO_CODES
from cvm_xl.spreadsheet.xmltext import MAX_LITERAL, criterion_literal, formula_text, lookup_literal

ALLOWED_FUNCTIONS = frozenset(
    {
        "IF",
        "AND",
        "OR",
        "ABS",
        "MIN",
        "MAX",
        "SUMIFS",
        "SUMPRODUCT",
        "COUNTIFS",
        "INDEX",
        "MATCH",
        "ROUND",
        "IFERROR",
        "SUM",
        "TRIM",
        "CLEAN",
    }
)

_N = L.SETTING_NAMES
ANNUITY = (
    f"IF({_N['discount_rate']}=0,{_N['horizon_years']},"
    f"(1-(1+{_N['discount_rate']})^(-{_N['horizon_years']}))/{_N['discount_rate']})"
)


def at_row(template: str, r: int) -> str:
    return template.replace("{r}", str(r))


def text_literal(text: str) -> str:
    """A text constant of a formula (a spelling or method name the core declares): quotes doubled.

    It may stand in an array constant, where no '&' can join pieces, so it must fit Excel's limit for
    one constant; a person's text goes through ``xmltext.string_literal``, which splits it."""
    literal = text.replace('"', '""')
    if len(literal.encode("utf-16-le")) // 2 > MAX_LITERAL:
        raise ValueError(f"A formula constant is longer than Excel's {MAX_LITERAL} characters: {text[:40]!r}")
    return f'"{literal}"'


def equals_any(expression: str, texts: tuple[str, ...]) -> str:
    """Whether ``expression`` equals one of ``texts``: one comparison, or an OR of them."""
    tests = [f"{expression}={text_literal(t)}" for t in texts]
    return tests[0] if len(tests) == 1 else f"OR({','.join(tests)})"


def _in_list(expression: str, texts: tuple[str, ...]) -> str:
    # An array constant keeps a long list short; OR over it works in Excel, LibreOffice and Sheets.
    return f"OR({expression}={{{','.join(text_literal(t) for t in texts)}}})"


def is_yes(ref: str) -> str:
    """TRUE when the cell holds a Yes spelling of ``core.spellings`` (text in any case and with
    spaces around it, TRUE, or 1), as ``parse_yes_no`` reads it."""
    return _in_list(spellings.excel_key(ref), spellings.yes_spellings())


def is_no(ref: str) -> str:
    """TRUE when the cell holds a No spelling of ``core.spellings`` (No, N, FALSE, 0 ...)."""
    return _in_list(spellings.excel_key(ref), spellings.no_spellings())


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


def idea_formulas(letters: Mapping[str, str] = L.IDEA_LETTER) -> dict[str, str]:
    """Row templates of the 13 computed Ideas columns (SPEC §3.1–3.5, §4), keyed by column name."""

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
        _N["indifference_threshold"],
        _N["significance_threshold"],
        _N["max_one_sided_loss"],
    )
    all_blank = f'AND({sa}="",{so}="",{ca}="",{co}="")'
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
    # SharingMethods lists the methods in their canonical spelling; MATCH ignores case like the core.
    explicit = f"INDEX({L.METHODS_NAME},MATCH({asked_key},{L.METHODS_NAME},0))"
    auto = auto_method(cell, is_yes(one_off))
    split_method = (
        f"IF({equals_any(code, SPLIT_GO_CODES)},"
        f'IF(OR({asked_key}="",{asked_key}={text_literal(AUTO)}),{auto},{explicit}),'
        f"{text_literal(NO_SPLIT)})"
    )
    proportional_share = f'IF({share}="",{_N["target_supplier_share"]},{share})'
    transfer_formula = method_transfer(method, {"vs": vs, "vc": vc, "share": proportional_share})
    return {
        col.SUPPLIER_VALUE: f'IF({all_blank},"",{so}+{sa}*{L.ANNUITY_NAME})',
        col.CUSTOMER_VALUE: f'IF({all_blank},"",{co}+{ca}*{L.ANNUITY_NAME})',
        col.SUPPLIER_OUTCOME: outcome(vs),
        col.CUSTOMER_OUTCOME: outcome(vc),
        col.CELL: f'IF({vs}="","",{s_out}&"-"&{c_out})',
        col.NET_VALUE: f'IF({vs}="","",{vs}+{vc})',
        col.BAND: f'IF({vs}="","",ABS({vs})+ABS({vc}))',
        col.VERDICT: f"INDEX({L.VERDICT_LABELS_NAME},MATCH({code},{L.VERDICT_CODES_NAME},0))",
        col.VERDICT_CODE: verdict_code,
        col.SPLIT_METHOD: split_method,
        col.TRANSFER: transfer_formula,
        col.SUPPLIER_FINAL: f'IF({vs}="","",{vs}-{transfer})',
        col.CUSTOMER_FINAL: f'IF({vc}="","",{vc}+{transfer})',
    }


def ideas_column(name: str, sheet: str = L.IDEAS) -> str:
    """A whole column of the Ideas sheet, e.g. Ideas!$T:$T."""
    x = L.IDEA_LETTER[name]
    return f"{L.sheet_ref(sheet)}!${x}:${x}"


ID_SLOT = "\x00"  # where an idea's ID literal goes in a cached template (never in real text)


def _lookup(id_literal: str, name: str, blank_as_empty: bool) -> str:
    found = f"INDEX({ideas_column(name)},MATCH({id_literal},{ideas_column(col.IDEA_ID)},0))"
    return f'IF({found}="","",{found})' if blank_as_empty else found


def _sum(id_criterion: str, name: str) -> str:
    return f"SUMIFS({ideas_column(name)},{ideas_column(col.IDEA_ID)},{id_criterion})"


def idea_lookup(idea_id: str, name: str, *, blank_as_empty: bool = False) -> str:
    """The value of one column for the idea with this ID (exact match, wildcards escaped)."""
    return _lookup(lookup_literal(idea_id), name, blank_as_empty)


def idea_sum(idea_id: str, name: str) -> str:
    """SUMIFS of one numeric column for this idea: a blank (unquantified) value counts as 0."""
    return _sum(criterion_literal(idea_id), name)


@lru_cache(maxsize=64)
def lookup_template(name: str, blank_as_empty: bool = False) -> str:
    """``idea_lookup`` escaped for XML, with ``ID_SLOT`` for the escaped ``lookup_literal``."""
    return formula_text(_lookup(ID_SLOT, name, blank_as_empty))


@lru_cache(maxsize=64)
def sum_template(name: str) -> str:
    """``idea_sum`` escaped for XML, with ``ID_SLOT`` for the escaped ``criterion_literal``."""
    return formula_text(_sum(ID_SLOT, name))


def map_count(cell_ref: str) -> str:
    return f"COUNTIFS({ideas_column(col.CELL)},{cell_ref})"


def map_sum(value_column: str, cell_ref: str) -> str:
    return f"SUMIFS({ideas_column(value_column)},{ideas_column(col.CELL)},{cell_ref})"


def count_blank_values(first: int, last: int) -> str:
    """Idea rows whose values are all blank (they have no map cell)."""
    ids = f"{L.IDEAS}!${L.IDEA_LETTER[col.CUSTOMER_ID]}${first}:${L.IDEA_LETTER[col.CUSTOMER_ID]}${last}"
    vs = f"{L.IDEAS}!${L.IDEA_LETTER[col.SUPPLIER_VALUE]}${first}:${L.IDEA_LETTER[col.SUPPLIER_VALUE]}${last}"
    return f'SUMPRODUCT(({ids}<>"")*({vs}=""))'

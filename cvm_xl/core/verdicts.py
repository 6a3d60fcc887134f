"""Go / no-go verdict of an idea (SPEC §3.4): the rules of the table, first match wins."""

from __future__ import annotations

from typing import NamedTuple

from cvm_xl.core.values import cell as map_cell
from cvm_xl.core.values import net as net_value


class Verdict(NamedTuple):
    code: str
    label: str


GO_GOOD_FAITH = Verdict("GO_GOOD_FAITH", "Go (good faith)")
POSTPONE_QUANTIFY = Verdict("POSTPONE_QUANTIFY", "Postpone: quantify first")
NO_GO = Verdict("NO_GO", "No go")
SHELVE = Verdict("SHELVE", "Shelve: await a counter-balancing idea")
POSTPONE_SMALL = Verdict("POSTPONE_SMALL", "Postpone: value too small")
GO_PRIORITY = Verdict("GO_PRIORITY", "Go: priority (win-win)")
GO = Verdict("GO", "Go")

# Order of the rules in SPEC §3.4; the index is used by the vectorised evaluation too.
VERDICTS: tuple[Verdict, ...] = (
    GO_GOOD_FAITH,
    POSTPONE_QUANTIFY,
    NO_GO,
    SHELVE,
    POSTPONE_SMALL,
    GO_PRIORITY,
    GO,
)
BY_CODE: dict[str, Verdict] = {v.code: v for v in VERDICTS}
GO_CODES = ("GO_PRIORITY", "GO", "GO_GOOD_FAITH")  # also the sign-off ranking order
# The verdicts whose ideas get a split proposal (SPEC §3.5): the quantified Go ideas. Go (good faith)
# ideas are unquantified, so there is nothing to split. The scalar split, the vectorised kernel,
# the master checks and the workbook formulas all read this.
SPLIT_GO_CODES = ("GO_PRIORITY", "GO")
NO_GO_CELLS = frozenset({"L-L", "L-I", "I-L", "I-I"})
ONE_SIDED_CELLS = frozenset({"W-L", "L-W"})


def is_go(code: str) -> bool:
    return code in GO_CODES


def gets_split(code: str) -> bool:
    """Whether an idea with this verdict code gets a split proposal (SPEC §3.5)."""
    return code in SPLIT_GO_CODES


def verdict(
    supplier_value: float,
    customer_value: float,
    *,
    quantified: bool = True,
    good_faith: bool = False,
    threshold: float = 0.0,
    significance: float = 0.0,
    max_one_sided_loss: float | None = None,
) -> Verdict:
    """Verdict of one idea from both firms' values; unquantified ideas ignore the values."""
    if not quantified:
        return GO_GOOD_FAITH if good_faith else POSTPONE_QUANTIFY
    c = map_cell(supplier_value, customer_value, threshold)
    n = net_value(supplier_value, customer_value)
    if c in NO_GO_CELLS:
        return NO_GO
    if c in ONE_SIDED_CELLS:
        if n <= 0:
            return NO_GO
        loss = -min(supplier_value, customer_value)
        if max_one_sided_loss is not None and loss > max_one_sided_loss:
            return SHELVE
    if n < significance:
        return POSTPONE_SMALL
    if c == "W-W":
        return GO_PRIORITY
    return GO

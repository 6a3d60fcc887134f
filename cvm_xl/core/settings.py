"""The Settings of one master workbook (SPEC §4) with the defaults of SPEC §3."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

from cvm_xl.core.cells import AUTO, NUMBER_FORMAT_CHOICES
from cvm_xl.core.columns import EXCELLENCE_PHASES


class SettingsError(ValueError):
    """A setting is outside its allowed range; the message names the setting and the fix."""

    def __init__(self, setting: str, message: str) -> None:
        super().__init__(f"{setting}: {message}")
        self.setting = setting
        self.reason = message


@dataclass(frozen=True)
class Settings:
    """Workbook-wide settings. Field names are the Settings sheet's names in snake_case."""

    supplier: str = "Supplier"
    currency: str = "EUR"
    horizon_years: float = 3.0
    discount_rate: float = 0.0
    indifference_threshold: float = 0.0
    significance_threshold: float = 0.0
    max_one_sided_loss: float | None = None
    target_supplier_share: float = 0.5
    max_sign_off_ideas: int = 12
    # Customer screening (SPEC §3.9): the prerequisites a CVM customer must meet.
    screening_max_quartile: int = 1
    screening_min_phase: str = "III"
    screening_min_culture: float = 3.0
    screening_min_co_destiny: float = 3.0
    # How numbers typed as text are read (SPEC §4; ``core.cells.NUMBER_FORMATS``): "1,234.56",
    # "1.234,56" or "1 234,56"; "auto" decides from each table's own numbers.
    number_format: str = AUTO
    # The language the workshop's raw ideas are written in (seed 000 §6.5, issue 18): the synthesis
    # stems and drops function words in it. One of WORKSHOP_LANGUAGES.
    workshop_language: str = "English"
    # Counter-balancing (issue 15): an equity gap within this fraction of the passbook total is
    # tolerated; beyond it ``cvm-xl balance`` and the Passbook advice name the ideas that close it.
    equity_tolerance: float = 0.05
    # The refresh pipeline (issue 14, ``core.pipeline``): a customer's relationship is due a new wave
    # once its last kick-off is older than this many months, or fewer open Go ideas than this remain.
    refresh_after_months: int = 6
    minimum_open_go_ideas: int = 3

    def __post_init__(self) -> None:
        for problem in settings_problems(self):
            raise SettingsError(*problem)

    def replace(self, **changes: object) -> Settings:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        return Settings(**values)


# Settings sheet label -> field name; the sheet uses the human spelling. These are the settings a
# generated workbook's Settings sheet shows (its formulas use all but the Number format).
SETTING_LABELS: dict[str, str] = {
    "Supplier": "supplier",
    "Currency": "currency",
    "Horizon years": "horizon_years",
    "Discount rate": "discount_rate",
    "Indifference threshold": "indifference_threshold",
    "Significance threshold": "significance_threshold",
    "Max one-sided loss": "max_one_sided_loss",
    "Target supplier share": "target_supplier_share",
    "Max sign-off ideas": "max_sign_off_ideas",
    # Not used by formulas, but carried into generated workbooks so that a returned workbook's
    # typed numbers are read as the master's are.
    "Number format": "number_format",
}
# The customer-screening thresholds (SPEC §3.9): rows of the same Settings table, listed apart because
# the generated workbooks' Settings sheet shows only the settings of SETTING_LABELS.
SCREENING_LABELS: dict[str, str] = {
    "Screening max quartile": "screening_max_quartile",
    "Screening min phase": "screening_min_phase",
    "Screening min culture": "screening_min_culture",
    "Screening min co-destiny": "screening_min_co_destiny",
}
# The synthesis of the workshop's raw ideas (seed 000 §6.5): a master-only setting like the screening.
WORKSHOP_LABELS: dict[str, str] = {"Workshop language": "workshop_language"}
# The equity closer of counter-balancing (issue 15, ``core.closers``): a master-only setting too, so
# that the customer books' Settings rows and the sign-off fingerprints stay as they are.
BALANCE_LABELS: dict[str, str] = {"Equity tolerance": "equity_tolerance"}
# The refresh pipeline (issue 14, ``core.pipeline``): master-only settings as well.
PIPELINE_LABELS: dict[str, str] = {
    "Refresh after months": "refresh_after_months",
    "Minimum open Go ideas": "minimum_open_go_ideas",
}
# Settings read as whole numbers (6, not 6.0), each at least 1.
WHOLE_SETTINGS = ("max_sign_off_ideas", "refresh_after_months", "minimum_open_go_ideas")
# Every row of the master's Settings table, in sheet order.
ALL_SETTING_LABELS: dict[str, str] = {
    **SETTING_LABELS, **SCREENING_LABELS, **WORKSHOP_LABELS, **BALANCE_LABELS, **PIPELINE_LABELS,
}  # fmt: skip
# The languages a workshop may be written in (issue 18): those that the synthesis' meaning model
# (USE multilingual v3), its Snowball stemmer and its stop-word lists all know.
WORKSHOP_LANGUAGES: tuple[str, ...] = (
    "English", "Dutch", "French", "German", "Italian", "Polish", "Portuguese", "Russian", "Spanish",
    "Turkish",
)  # fmt: skip


def workshop_language(text: str) -> str | None:
    """The Workshop language as spelt in WORKSHOP_LANGUAGES ('german' -> 'German'); None if unknown."""
    key = text.strip().casefold()
    return next((name for name in WORKSHOP_LANGUAGES if name.casefold() == key), None)


FIELD_LABELS: dict[str, str] = {v: k for k, v in ALL_SETTING_LABELS.items()}


def _finite(x: object) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def settings_problems(s: Settings) -> list[tuple[str, str]]:
    """Every (setting label, message) that is wrong with ``s``; empty when all are valid."""
    out: list[tuple[str, str]] = []

    def bad(name: str, message: str) -> None:
        out.append((FIELD_LABELS[name], message))

    if not _finite(s.horizon_years) or s.horizon_years <= 0:
        bad("horizon_years", "must be a number of years greater than 0, e.g. 3")
    if not _finite(s.discount_rate) or s.discount_rate < 0:
        bad("discount_rate", "must be 0 or a positive rate, e.g. 0.08 for 8%")
    for name in ("indifference_threshold", "significance_threshold"):
        value = getattr(s, name)
        if not _finite(value) or value < 0:
            bad(name, "must be 0 or a positive amount in currency units")
    if s.max_one_sided_loss is not None and (not _finite(s.max_one_sided_loss) or s.max_one_sided_loss < 0):
        bad("max_one_sided_loss", "must be blank (no limit) or a positive amount")
    if not _finite(s.target_supplier_share) or not 0 <= s.target_supplier_share <= 1:
        bad("target_supplier_share", "must be between 0 and 1 (e.g. 0.5 or 50%)")
    examples = {"max_sign_off_ideas": 12, "refresh_after_months": 6, "minimum_open_go_ideas": 3}
    for name in WHOLE_SETTINGS:
        value = getattr(s, name)
        if not _finite(value) or value < 1 or int(value) != value:
            bad(name, f"must be a whole number of at least 1, e.g. {examples[name]}")
    if not isinstance(s.supplier, str) or not s.supplier.strip():
        bad("supplier", "must name the supplier firm")
    q = s.screening_max_quartile
    if not _finite(q) or q not in (1, 2, 3, 4):
        bad("screening_max_quartile", "must be a whole number from 1 (top quartile only) to 4")
    if s.screening_min_phase not in EXCELLENCE_PHASES:
        bad("screening_min_phase", "must be I, II or III")
    for name in ("screening_min_culture", "screening_min_co_destiny"):
        value = getattr(s, name)
        if not _finite(value) or not 1 <= value <= 5:
            bad(name, "must be a score from 1 to 5, e.g. 3")
    if not isinstance(s.currency, str):
        bad("currency", "must be a currency code such as EUR or USD")
    if s.number_format not in NUMBER_FORMAT_CHOICES:
        bad("number_format", f"must be one of {', '.join(NUMBER_FORMAT_CHOICES)}")
    if s.workshop_language not in WORKSHOP_LANGUAGES:
        bad("workshop_language", f"must be one of {', '.join(WORKSHOP_LANGUAGES)}")
    if not _finite(s.equity_tolerance) or not 0 <= s.equity_tolerance <= 1:
        bad("equity_tolerance", "must be between 0 and 1 (e.g. 0.05 or 5% of the passbook total)")
    return out

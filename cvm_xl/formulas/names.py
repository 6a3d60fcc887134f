"""The defined names formulas read the settings and lists by, declared once for every workbook.

A customer workbook points these names at fixed cells of its Settings sheet
(``books.layout.settings_names``); a live master defines them as formulas over its Settings table
and its Lists sheet (``master.live``). The formula builders take a ``FormulaNames`` as data, so
they never depend on where a workbook keeps its settings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# Settings field (``core.settings.Settings``) -> the workbook-level name formulas use.
SETTING_NAMES: dict[str, str] = {
    "horizon_years": "HorizonYears",
    "discount_rate": "DiscountRate",
    "indifference_threshold": "IndifferenceThreshold",
    "significance_threshold": "SignificanceThreshold",
    "max_one_sided_loss": "MaxOneSidedLoss",
    "target_supplier_share": "TargetSupplierShare",
    "max_sign_off_ideas": "MaxSignOffIdeas",
}
ANNUITY_NAME = "AnnuityFactor"
VERDICT_CODES_NAME = "VerdictCodes"
VERDICT_LABELS_NAME = "VerdictLabels"
METHODS_NAME = "SharingMethods"


@dataclass(frozen=True)
class FormulaNames:
    """The names one workbook defines: ``settings`` maps a Settings field to its name, ``annuity``
    names the annuity factor, ``methods`` the list of sharing-method choices (auto first),
    ``verdict_codes`` and ``verdict_labels`` the verdicts in the order of ``core.verdicts.VERDICTS``."""

    settings: Mapping[str, str] = field(default_factory=lambda: dict(SETTING_NAMES))
    annuity: str = ANNUITY_NAME
    methods: str = METHODS_NAME
    verdict_codes: str = VERDICT_CODES_NAME
    verdict_labels: str = VERDICT_LABELS_NAME

    def setting(self, field_name: str) -> str:
        return self.settings[field_name]


NAMES = FormulaNames()

"""One customer's workbook: the sheets in order, stamped into the base workbook's parts.

``CUSTOMER_SHEETS`` is the list of sheet builders, in tab order. Later sheets (the wave plan, the
relationship) are added by inserting a ``SheetBuilder`` into this list; nothing else changes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from cvm_xl import __version__
from cvm_xl.books import layout as L
from cvm_xl.books.package import (
    CUSTOMER_ID_PROPERTY,
    FINGERPRINT_PROPERTY,
    GENERATED_PROPERTY,
    KIND_CUSTOMER,
    KIND_PROPERTY,
    VERSION_PROPERTY,
    WAVE_START_PROPERTY,
    core_xml,
)
from cvm_xl.core.settings import Settings
from cvm_xl.core.tracking import month_date
from cvm_xl.generate.base import Base, build_base
from cvm_xl.generate.model import CustomerData
from cvm_xl.generate.sheets import (
    actions_sheet,
    chain_sheet,
    cover,
    ideas,
    kpis_sheet,
    passbook_sheet,
    portfolio_map,
    records,
    relationship,
    settings_sheet,
    sign_off,
    tracking_report,
    wave_plan,
)
from cvm_xl.generate.sheets.common import RenderContext, Sheet, header_codes

CUSTOMER_SHEETS: list[Sheet[CustomerData]] = [
    cover.BUILDER,
    ideas.BUILDER,
    portfolio_map.BUILDER,
    passbook_sheet.BUILDER,
    chain_sheet.BUILDER,
    sign_off.BUILDER,
    wave_plan.BUILDER,
    actions_sheet.BUILDER,
    records.TRACKING,
    tracking_report.BUILDER,
    records.WORKSHOP,
    kpis_sheet.BUILDER,
    relationship.BUILDER,
    settings_sheet.BUILDER,
    records.RECORD,
]
# Sheets only some workbooks have (issue 16: the Chain sheet, for a customer with chain ideas):
# sheet name -> whether a customer's workbook has it. A run builds one base per set of them in use.
OPTIONAL_SHEETS: dict[str, Callable[[CustomerData], bool]] = {
    chain_sheet.NAME: lambda data: data.chain is not None,
}


class CustomerBookWriter:
    """Writes customer workbooks for one run (one master's settings); the base is built once."""

    def __init__(
        self,
        settings: Settings,
        builders: Sequence[Sheet[CustomerData]] | None = None,
        sign_off_lines: int = 0,
    ) -> None:
        # ``sign_off_lines``: the run's ``RunData.sign_off_lines``, when its bundles need more rows
        # on the Sign-off sheet than Max sign-off ideas (issue 15).
        layout = L.SignOffLayout(settings.max_sign_off_ideas, sign_off_lines)
        self._context = RenderContext(settings=settings, styles={}, sign_off=layout)
        self._builders = list(builders or CUSTOMER_SHEETS)
        self._lock = threading.Lock()
        # ``base``: the workbook without the optional sheets; the others are built when first needed.
        self._bases: dict[frozenset[str], Base[CustomerData]] = {}
        self.base: Base[CustomerData] = self._base(frozenset())

    def _base(self, optional: frozenset[str]) -> Base[CustomerData]:
        """The base of the workbooks that have these optional sheets (and the others of the list)."""
        found = self._bases.get(optional)
        if found is not None:
            return found
        with self._lock:  # workers may be threads
            if optional not in self._bases:
                supplier = self._context.settings.supplier
                self._bases[optional] = build_base(
                    [b for b in self._builders if b.name not in OPTIONAL_SHEETS or b.name in optional],
                    self._context,
                    lambda data: header_codes(data.name, supplier, data.generated.date()),
                )
            return self._bases[optional]

    def base_for(self, data: CustomerData) -> Base[CustomerData]:
        """The base of this customer's workbook: with the optional sheets it has."""
        names = {b.name for b in self._builders}
        return self._base(frozenset(n for n, has in OPTIONAL_SHEETS.items() if n in names and has(data)))

    def _document(self, data: CustomerData) -> tuple[bytes, dict[str, str]]:
        s = self.base.context.settings
        core = core_xml(
            title=f"Customer Value Management: {data.name}",
            subject=f"{s.supplier} and {data.name}",
            creator="cvm-xl",
            when=data.generated,
        )
        properties = {
            KIND_PROPERTY: KIND_CUSTOMER,
            CUSTOMER_ID_PROPERTY: data.customer_id,
            FINGERPRINT_PROPERTY: data.fingerprint,
            GENERATED_PROPERTY: data.generated.isoformat(),
            VERSION_PROPERTY: __version__,
        }
        if data.wave is not None:  # the contract years of its true-up settlements (books.passbook)
            properties[WAVE_START_PROPERTY] = month_date(data.wave).isoformat()
        return core, properties

    def parts(self, data: CustomerData) -> dict[str, bytes]:
        """Every part of the workbook, uncompressed."""
        return self.base_for(data).parts(data, *self._document(data))

    def workbook_bytes(self, data: CustomerData) -> bytes:
        return self.base_for(data).workbook(data, *self._document(data))

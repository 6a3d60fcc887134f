"""One customer's workbook: the sheets in order, stamped into the base workbook's parts.

``CUSTOMER_SHEETS`` is the list of sheet builders, in tab order. Later sheets (the wave plan, the
relationship) are added by inserting a ``SheetBuilder`` into this list; nothing else changes.
"""

from __future__ import annotations

from collections.abc import Sequence

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
        context = RenderContext(settings=settings, styles={}, sign_off=layout)
        self.base: Base[CustomerData] = build_base(
            builders or CUSTOMER_SHEETS,
            context,
            lambda data: header_codes(data.name, settings.supplier, data.generated.date()),
        )

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
        return self.base.parts(data, *self._document(data))

    def workbook_bytes(self, data: CustomerData) -> bytes:
        return self.base.workbook(data, *self._document(data))

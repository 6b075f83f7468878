"""Issuing a committed sale's receipt: printed, as a QR e-receipt link, or not at all."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from devices.printer import PrinterError, send_escpos, send_to_file
from kiosk.checkout.events import ReceiptKind
from kiosk.checkout.sale import SaleDraft
from kiosk.receipts.config import FilePrinter, NoPrinter, ReceiptsConfig
from kiosk.receipts.text import ReceiptContext, render_text

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class IssuedReceipt:
    sale_id: str
    kind: ReceiptKind
    text: str
    ereceipt_url: str
    printed: bool
    problem: str = ""


class ReceiptIssuer:
    def __init__(
        self, config: ReceiptsConfig, *, store_name: str, kiosk_id: str, data_dir: Path
    ) -> None:
        self.config = config
        self.store_name = store_name
        self.kiosk_id = kiosk_id
        self.data_dir = data_dir

    @property
    def has_printer(self) -> bool:
        return not isinstance(self.config.printer, NoPrinter)

    def url_for(self, sale_id: str) -> str:
        return self.config.ereceipt_url.format(sale_id=sale_id, kiosk_id=self.kiosk_id)

    def context(
        self, sale: SaleDraft, created_at: datetime, language: str, points_balance: int | None
    ) -> ReceiptContext:
        return ReceiptContext(
            store_name=self.store_name,
            kiosk_id=self.kiosk_id,
            created_at=created_at,
            language=language,
            width=self.config.width,
            ereceipt_url=self.url_for(sale.sale_id),
            header=self.config.header,
            footer=self.config.footer,
            points_balance=points_balance,
        )

    def issue(self, sale: SaleDraft, kind: ReceiptKind, ctx: ReceiptContext) -> IssuedReceipt:
        text = render_text(sale, ctx)
        url = ctx.ereceipt_url
        if kind != ReceiptKind.PRINT:
            return IssuedReceipt(sale.sale_id, kind, text, url, printed=False)
        from kiosk.receipts.escpos_render import ReceiptFontMissing

        try:
            self._print(text, url)
        except (PrinterError, ReceiptFontMissing) as e:
            logger.warning("receipt %s not printed: %s", sale.sale_id, e)
            return IssuedReceipt(sale.sale_id, kind, text, url, printed=False, problem=str(e))
        return IssuedReceipt(sale.sale_id, kind, text, url, printed=True)

    def _print(self, text: str, url: str) -> None:
        printer = self.config.printer
        if isinstance(printer, NoPrinter):
            raise PrinterError("no printer configured")
        from kiosk.receipts.escpos_render import render_escpos  # python-escpos is slow to import

        data = render_escpos(
            text, qr_url=url, width_chars=self.config.width, cjk_font=self.config.cjk_font
        )
        if isinstance(printer, FilePrinter):
            send_to_file(self.data_dir / printer.path, data)
            return
        send_escpos(printer.type, data, **printer.model_dump(exclude={"type"}))

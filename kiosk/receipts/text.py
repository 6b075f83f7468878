"""The receipt as plain text, in the shopper's language, columns aligned for CJK too."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime

from kiosk.checkout.catalog import Currency
from kiosk.checkout.rules import TaxMode
from kiosk.checkout.sale import SaleDraft
from kiosk.i18n import N_, gettext_for, plain_money

_METHOD_NAMES = {
    "card": N_("Card"),
    "qr_wallet": N_("QR wallet"),
    "member_wallet": N_("Member wallet"),
    "face": N_("Face pay (member wallet)"),
    "points": N_("Points"),
}


@dataclass(frozen=True)
class ReceiptContext:
    store_name: str
    kiosk_id: str
    created_at: datetime
    language: str
    width: int = 42
    ereceipt_url: str = ""
    header: tuple[str, ...] = ()
    footer: tuple[str, ...] = ()
    points_balance: int | None = None


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _fit(text: str, width: int) -> str:
    out, used = "", 0
    for c in text:
        w = display_width(c)
        if used + w > width:
            break
        out, used = out + c, used + w
    return out


def columns(left: str, right: str, width: int) -> str:
    left = _fit(left, max(width - display_width(right) - 1, 1))
    gap = width - display_width(left) - display_width(right)
    return left + " " * max(gap, 1) + right


def center(text: str, width: int) -> str:
    text = _fit(text, width)
    pad = (width - display_width(text)) // 2
    return " " * pad + text


def render_text(sale: SaleDraft, ctx: ReceiptContext) -> str:
    _ = gettext_for(ctx.language).gettext
    cur = Currency(sale.currency, sale.currency_exponent)
    w = ctx.width
    m = lambda amount: plain_money(amount, cur)  # noqa: E731 - short local formatter
    rule = "-" * w
    out = [center(ctx.store_name, w), *(center(h, w) for h in ctx.header)]
    out.append(center(ctx.created_at.strftime("%Y-%m-%d %H:%M"), w))
    out.append(
        center(_("Kiosk {kiosk}  Sale {sale}").format(kiosk=ctx.kiosk_id, sale=sale.sale_id[:8]), w)
    )
    out.append(rule)
    names = {a.source_id: a.name(ctx.language) for a in sale.adjustments}
    for line in sale.lines:
        name = line.name(ctx.language)
        if line.grams is not None:
            out.append(columns(name, m(line.gross), w))
            out.append(f"  {line.grams / 1000:.3f} kg @ {m(line.unit_price)}/kg")
        elif line.quantity > 1:
            out.append(columns(f"{name} x{line.quantity}", m(line.gross), w))
            out.append(f"  {line.quantity} @ {m(line.unit_price)}")
        else:
            out.append(columns(name, m(line.gross), w))
        for source_id, amount in line.discounts:
            out.append(columns(f"  {names.get(source_id, source_id)}", "-" + m(amount), w))
    out.append(rule)
    out.append(columns(_("Subtotal"), m(sale.subtotal), w))
    if sale.discount_total:
        out.append(columns(_("Savings"), "-" + m(sale.discount_total), w))
    if sale.tax_mode == TaxMode.EXCLUSIVE:
        for tax in sale.taxes:
            out.append(columns(_("Tax {rate}%").format(rate=f"{tax.rate:g}"), m(tax.tax), w))
    out.append(columns(_("TOTAL {currency}").format(currency=sale.currency), m(sale.total), w))
    if sale.points_redeemed:
        out.append(
            columns(
                _("Points used ({points})").format(points=sale.points_redeemed),
                "-" + m(sale.points_value),
                w,
            )
        )
    if sale.payment is not None:
        method = _(_METHOD_NAMES.get(sale.payment.method.value, sale.payment.method.value))
        if sale.payment.card_last4:
            method += f" ****{sale.payment.card_last4[-4:]}"
        out.append(columns(method, m(sale.payment.amount), w))
        if sale.payment.reference:
            out.append(_("Reference {ref}").format(ref=sale.payment.reference))
    if sale.tax_mode == TaxMode.INCLUSIVE:
        for tax in sale.taxes:
            label = _("incl. tax {rate}% on {base}").format(rate=f"{tax.rate:g}", base=m(tax.base))
            out.append(columns(label, m(tax.tax), w))
    if sale.member_name:
        out.append(rule)
        out.append(_("Member {name}").format(name=sale.member_name))
        out.append(columns(_("Points earned"), f"+{sale.points_earned}", w))
        if ctx.points_balance is not None:
            out.append(columns(_("Points balance"), str(ctx.points_balance), w))
    out.append(rule)
    out.extend(center(f, w) for f in ctx.footer)
    if ctx.ereceipt_url:
        out.append(center(_("Your e-receipt:"), w))
        out.append(ctx.ereceipt_url)
    out.append(center(_("Thank you for shopping with us"), w))
    return "\n".join(out) + "\n"

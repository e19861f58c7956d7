"""Charts drawn on the server as inline SVG from data the page already has: no script, no CDN,
works offline. Every label goes through markupsafe's escape."""

from __future__ import annotations

from decimal import Decimal
from typing import Sequence

from markupsafe import Markup, escape

PALETTE = ("#0b5cad", "#e07b00", "#2f8f46", "#b3261e", "#7b4fb5", "#00838f", "#8d6e63", "#5f6b7a")


def _number(value: Decimal | float | int) -> str:
    text = f"{Decimal(str(value)):,.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def bars(items: Sequence[tuple[str, Decimal | float | int]], title: str, unit: str = "万元", width: int = 640) -> Markup:
    """A horizontal bar chart: one bar per (label, value), value printed at the bar's end."""
    items = [(label, value) for label, value in items if value is not None]
    if not items:
        return Markup("")
    top = max(float(value) for _, value in items) or 1.0
    label_width, row, bar_space = 210, 24, width - 210 - 110
    height = 28 + row * len(items)
    parts = [f'<svg class="chart" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>',
             f'<text x="0" y="14" font-weight="600">{escape(title)}（{escape(unit)}）</text>']
    for index, (label, value) in enumerate(items):
        y = 24 + index * row
        length = max(1.0, bar_space * float(value) / top) if float(value) > 0 else 0
        color = PALETTE[index % len(PALETTE)]
        parts.append(f'<text x="{label_width - 6}" y="{y + 15}" text-anchor="end">{escape(_short(label))}</text>')
        parts.append(f'<rect x="{label_width}" y="{y + 3}" width="{length:.1f}" height="{row - 8}" fill="{color}">'
                     f'<title>{escape(label)}: {_number(value)} {escape(unit)}</title></rect>')
        parts.append(f'<text x="{label_width + length + 6:.1f}" y="{y + 15}">{_number(value)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def split(parts: Sequence[tuple[str, Decimal | float | int]], title: str, unit: str = "万元", width: int = 640) -> Markup:
    """One stacked bar showing how a whole splits into parts, with a legend and shares."""
    parts = [(label, value) for label, value in parts if value is not None and float(value) > 0]
    if not parts:
        return Markup("")
    total = sum(float(value) for _, value in parts)
    height = 64 + 20 * ((len(parts) + 1) // 2)
    out = [f'<svg class="chart" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
           f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>',
           f'<text x="0" y="14" font-weight="600">{escape(title)}（{escape(unit)}，合计 {_number(total)}）</text>']
    x = 0.0
    for index, (label, value) in enumerate(parts):
        share = float(value) / total
        length = width * share
        color = PALETTE[index % len(PALETTE)]
        out.append(f'<rect x="{x:.1f}" y="22" width="{length:.1f}" height="20" fill="{color}">'
                   f'<title>{escape(label)}: {_number(value)} {escape(unit)} ({share:.1%})</title></rect>')
        x += length
        lx, ly = (index % 2) * (width // 2), 60 + 20 * (index // 2)
        out.append(f'<rect x="{lx}" y="{ly - 10}" width="10" height="10" fill="{color}"/>'
                   f'<text x="{lx + 14}" y="{ly}">{escape(_short(label, 18))} {_number(value)}（{share:.1%}）</text>')
    out.append("</svg>")
    return Markup("".join(out))


def _short(text: str, limit: int = 14) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"

"""Small inline SVG charts for the HTML report: readable without JavaScript, printable, no dependency."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

PALETTE = ("#b91c1c", "#ea580c", "#ca8a04", "#2563eb", "#059669", "#7c3aed")
FONT = 'font-family="sans-serif" font-size="11"'


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # what is printed at the end of the bar
    color: str = PALETTE[3]


def horizontal_bars(
    bars: Sequence[Bar], *, title: str, maximum: float | None = None, width: int = 560
) -> str:
    """One bar per row, scaled to `maximum` (or the largest value)."""
    row, label_width, pad = 22, 170, 60
    height = row * max(len(bars), 1) + 28
    top = max((bar.value for bar in bars), default=0.0)
    scale_to = maximum if maximum is not None else top
    usable = width - label_width - pad
    parts = [_open(width, height, title)]
    for index, bar in enumerate(bars):
        y = 24 + index * row
        length = 0.0 if scale_to <= 0 else max(bar.value, 0.0) / scale_to * usable
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 12}" text-anchor="end" {FONT}>{escape(bar.label)}</text>'
        )
        parts.append(
            f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{row - 6}" fill="{bar.color}"/>'
        )
        parts.append(
            f'<text x="{label_width + length + 4:.1f}" y="{y + 12}" {FONT}>{escape(bar.text)}</text>'
        )
    if not bars:
        parts.append(f'<text x="{label_width}" y="38" {FONT}>-</text>')
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]  # one per x position; None leaves a gap
    color: str
    dashed: bool = False


def line_chart(
    series: Sequence[Series], x_labels: Sequence[str], *, title: str, width: int = 560, height: int = 200
) -> str:
    """Lines over a shared x axis (days); the y axis starts at zero and is labelled at its top."""
    left, right, top, bottom = 48, 12, 24, 34
    points = max(len(x_labels), 1)
    highest = max((v for s in series for v in s.values if v is not None), default=0.0)
    y_max = _nice_ceiling(highest)
    plot_w, plot_h = width - left - right, height - top - bottom

    def x_of(index: int) -> float:
        return left + (plot_w * index / (points - 1) if points > 1 else plot_w / 2)

    def y_of(value: float) -> float:
        return top + plot_h - (value / y_max * plot_h if y_max > 0 else 0)

    parts = [_open(width, height, title)]
    parts.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#999"/>'
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#999"/>'
        f'<text x="{left - 4}" y="{top + 4}" text-anchor="end" {FONT}>{_number(y_max)}</text>'
        f'<text x="{left - 4}" y="{top + plot_h}" text-anchor="end" {FONT}>0</text>'
    )
    for index in sorted({0, points // 2, points - 1}):
        if index < len(x_labels):
            parts.append(
                f'<text x="{x_of(index):.1f}" y="{height - 18}" text-anchor="middle" {FONT}>'
                f"{escape(x_labels[index])}</text>"
            )
    for number, line in enumerate(series):
        dash = ' stroke-dasharray="6 4"' if line.dashed else ""
        for segment in _segments(line.values):
            coords = " ".join(f"{x_of(i):.1f},{y_of(v):.1f}" for i, v in segment)
            if len(segment) == 1:
                i, v = segment[0]
                parts.append(f'<circle cx="{x_of(i):.1f}" cy="{y_of(v):.1f}" r="2.5" fill="{line.color}"/>')
            else:
                parts.append(
                    f'<polyline points="{coords}" fill="none" stroke="{line.color}" stroke-width="2"{dash}/>'
                )
        legend_x = left + number * 150
        parts.append(
            f'<rect x="{legend_x}" y="{height - 12}" width="10" height="4" fill="{line.color}"/>'
            f'<text x="{legend_x + 14}" y="{height - 6}" {FONT}>{escape(line.name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _segments(values: Sequence[float | None]) -> list[list[tuple[int, float]]]:
    segments: list[list[tuple[int, float]]] = []
    current: list[tuple[int, float]] = []
    for index, value in enumerate(values):
        if value is None:
            if current:
                segments.append(current)
            current = []
        else:
            current.append((index, value))
    if current:
        segments.append(current)
    return segments


def _nice_ceiling(value: float) -> float:
    """A round number at or above value (1, 2, 5 times a power of ten), so the axis reads easily."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1) if value >= 1 else 1
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return float(step * magnitude)
    return float(10 * magnitude)


def _number(value: float) -> str:
    return f"{value:,.0f}".replace(",", " ")


def _open(width: int, height: int, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
        f'<text x="4" y="14" font-family="sans-serif" font-size="12" font-weight="bold">'
        f"{escape(title)}</text>"
    )

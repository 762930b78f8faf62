"""Tiny inline-SVG charts for the corpus overview: horizontal bars, stacked bars, a timeline.

Charts are SVG text, not images: the reader's browser draws the labels with its own fonts, so
Chinese names render wherever the page is opened (a server-side PNG would need a CJK font on
the server). Every chart is a standalone `<svg xmlns=...>` document, usable inline in HTML and
as an `.svg` file. Each mark carries a `<title>` so hovering shows the exact number.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections.abc import Sequence
from html import escape
from typing import NamedTuple

# Fonts that carry CJK glyphs on the common desktops, then the generic fallback.
FONT_STACK = ("system-ui, -apple-system, 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', "
              "'Noto Sans CJK SC', 'Source Han Sans SC', 'WenQuanYi Micro Hei', sans-serif")

FONT_SIZE = 12
BAR_HEIGHT = 18
ROW_GAP = 6
WIDTH = 640
MAX_LABEL_WIDTH = 200
INK = "#333"
GRID = "#e4e4e4"


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """Rough rendered width: CJK characters are one em wide, Latin ones a bit over half."""
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else size * 0.6 for ch in text)


def clip_label(text: str, max_width: float, size: float = FONT_SIZE) -> str:
    """The label, cut with an ellipsis so it fits in `max_width`."""
    if text_width(text, size) <= max_width:
        return text
    out, width = [], text_width("…", size)
    for ch in text:
        width += text_width(ch, size)
        if width > max_width:
            break
        out.append(ch)
    return "".join(out) + "…"


def _attr(value: object) -> str:
    return escape(str(value), quote=True)


def _open(width: float, height: float, title: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="img" aria-label="{_attr(title)}" '
        f'font-family="{_attr(FONT_STACK)}" font-size="{FONT_SIZE}">',
        f"<title>{escape(title)}</title>",
    ]


def _empty(title: str, message: str = "nothing to show yet") -> str:
    parts = _open(WIDTH, 40, title)
    parts.append(f'<text x="8" y="24" fill="#888">{escape(message)}</text></svg>')
    return "\n".join(parts)


def _nice_ceiling(value: float) -> float:
    """A round axis maximum at or above `value` (1, 2, 5 x 10^n)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return float(step * power)
    return float(10 * power)


class Series(NamedTuple):
    """One stacked part of a bar: its key in the data, the legend text and the colour."""

    key: str
    label: str
    colour: str


def stacked_bars(title: str, rows: Sequence[tuple[str, dict[str, float]]], series: Sequence[Series],
                 unit: str = "") -> str:
    """Horizontal bars, one per label, stacked by series, with a legend; rows in the given order."""
    if not rows:
        return _empty(title)
    label_width = min(MAX_LABEL_WIDTH, max(text_width(label) for label, _ in rows) + 8)
    total_max = max(sum(parts.get(s.key, 0) for s in series) for _, parts in rows)
    axis_max = _nice_ceiling(total_max)
    legend_h = 22 if len(series) > 1 else 0
    top = 8 + legend_h
    plot_x, plot_w = label_width + 8, WIDTH - label_width - 8 - 48
    height = top + len(rows) * (BAR_HEIGHT + ROW_GAP) + 24
    parts = _open(WIDTH, height, title)
    if legend_h:
        x = plot_x
        for s in series:
            parts.append(f'<rect x="{x:.1f}" y="6" width="12" height="12" fill="{s.colour}"/>'
                         f'<text x="{x + 16:.1f}" y="16" fill="{INK}">{escape(s.label)}</text>')
            x += 16 + text_width(s.label) + 18
    # Counts: never a tick at 0.5 of a fact.
    ticks = int(axis_max) if axis_max < 4 else 4
    for tick in range(ticks + 1):
        value = axis_max * tick / ticks
        x = plot_x + plot_w * tick / ticks
        parts.append(f'<line x1="{x:.1f}" y1="{top - 2}" x2="{x:.1f}" y2="{height - 20}" stroke="{GRID}"/>'
                     f'<text x="{x:.1f}" y="{height - 6}" fill="#777" font-size="10" '
                     f'text-anchor="middle">{_tick_number(value)}</text>')
    for i, (label, values) in enumerate(rows):
        y = top + i * (BAR_HEIGHT + ROW_GAP)
        parts.append(f'<text x="{label_width:.1f}" y="{y + BAR_HEIGHT - 5}" fill="{INK}" text-anchor="end">'
                     f"<title>{escape(label)}</title>{escape(clip_label(label, label_width - 8))}</text>")
        x = plot_x
        total = 0.0
        for s in series:
            v = values.get(s.key, 0)
            if not v:
                continue
            w = plot_w * v / axis_max
            parts.append(f'<rect x="{x:.1f}" y="{y}" width="{max(w, 1):.1f}" height="{BAR_HEIGHT}" '
                         f'fill="{s.colour}"><title>{escape(label)} · {escape(s.label)}: '
                         f"{_tick_number(v)}{escape(unit)}</title></rect>")
            x += w
            total += v
        parts.append(f'<text x="{x + 4:.1f}" y="{y + BAR_HEIGHT - 5}" fill="#555" font-size="11">'
                     f"{_tick_number(total)}</text>")
    parts.append("</svg>")
    return "\n".join(parts)


def bars(title: str, rows: Sequence[tuple[str, float]], colour: str = "#4c78a8", unit: str = "") -> str:
    """Horizontal bars, one per label, in the given order."""
    return stacked_bars(title, [(label, {"value": v}) for label, v in rows],
                        [Series("value", title, colour)], unit)


def _tick_number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


class TimelineMark(NamedTuple):
    """One event on the timeline: its lane (event type), dates, a short label and the hover text."""

    lane: str
    start: dt.date
    end: dt.date
    label: str
    tooltip: str
    href: str | None = None


def timeline(title: str, marks: Sequence[TimelineMark], colour: str = "#7a64b8") -> str:
    """Events as marks on a date axis, one lane per event type; labels are drawn where they fit."""
    if not marks:
        return _empty(title)
    lanes = sorted({m.lane for m in marks})
    first = min(m.start for m in marks)
    last = max(m.end for m in marks)
    first, last = _axis_bounds(first, last)
    lane_w = min(MAX_LABEL_WIDTH, max(text_width(lane) for lane in lanes) + 8)
    plot_x, plot_w = lane_w + 8, WIDTH - lane_w - 8 - 12
    lane_h = 36
    top = 8
    height = top + len(lanes) * lane_h + 26
    span_days = max((last - first).days, 1)

    def x_of(day: dt.date) -> float:
        return plot_x + plot_w * (day - first).days / span_days

    parts = _open(WIDTH, height, title)
    for tick, text in _date_ticks(first, last):
        x = x_of(tick)
        parts.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{height - 22}" stroke="{GRID}"/>'
                     f'<text x="{x:.1f}" y="{height - 8}" fill="#777" font-size="10" '
                     f'text-anchor="middle">{escape(text)}</text>')
    for i, lane in enumerate(lanes):
        y = top + i * lane_h
        parts.append(f'<line x1="{plot_x}" y1="{y + 12}" x2="{plot_x + plot_w}" y2="{y + 12}" stroke="#ccc"/>'
                     f'<text x="{lane_w:.1f}" y="{y + 16}" fill="{INK}" text-anchor="end">'
                     f"{escape(clip_label(lane, lane_w - 8))}</text>")
        label_end = -1.0
        for m in sorted((m for m in marks if m.lane == lane), key=lambda m: (m.start, m.end, m.label)):
            x0, x1 = x_of(m.start), x_of(m.end + dt.timedelta(days=1))
            w = max(x1 - x0, 4)
            mark = (f'<rect x="{x0:.1f}" y="{y + 6}" width="{w:.1f}" height="12" rx="2" fill="{colour}" '
                    f'fill-opacity="0.75"><title>{escape(m.tooltip)}</title></rect>')
            if m.href:
                mark = f'<a href="{_attr(m.href)}">{mark}</a>'
            parts.append(mark)
            label = clip_label(m.label, 120, 10)
            if x0 >= label_end and x0 + text_width(label, 10) <= plot_x + plot_w + 8:
                parts.append(f'<text x="{x0:.1f}" y="{y + 30}" fill="#555" font-size="10">'
                             f"<title>{escape(m.tooltip)}</title>{escape(label)}</text>")
                label_end = x0 + text_width(label, 10) + 6
    parts.append("</svg>")
    return "\n".join(parts)


def _axis_bounds(first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    """Whole months around the events, so the first and last marks are not on the frame."""
    start = dt.date(first.year, first.month, 1)
    end_month = dt.date(last.year + (last.month == 12), last.month % 12 + 1, 1)
    return start, end_month


def _date_ticks(first: dt.date, last: dt.date) -> list[tuple[dt.date, str]]:
    """Year ticks for long spans, quarter or month ticks for short ones; at most about eight."""
    years = last.year - first.year
    if years >= 3:
        step = max(1, math.ceil((years + 1) / 8))
        return [(dt.date(y, 1, 1), str(y)) for y in range(first.year, last.year + 1, step)
                if first <= dt.date(y, 1, 1) <= last]
    months_total = (last.year - first.year) * 12 + last.month - first.month
    step = 1 if months_total <= 8 else 3 if months_total <= 24 else 6
    ticks = []
    y, mo = first.year, first.month
    while dt.date(y, mo, 1) <= last:
        if (mo - 1) % step == 0:
            ticks.append((dt.date(y, mo, 1), f"{y}-{mo:02d}"))
        y, mo = (y + 1, 1) if mo == 12 else (y, mo + 1)
    return ticks


def unicode_bars(rows: Sequence[tuple[str, float]], width: int = 24) -> str:
    """The same bars as a markdown table with block characters: a chart preview for the Dagster UI,
    whose markdown renderer shows no inline SVG."""
    if not rows:
        return "_(no data)_"
    top = max(v for _, v in rows) or 1
    lines = ["| | count | |", "| --- | ---: | --- |"]
    for label, v in rows:
        label_md = label.replace("|", "\\|")
        lines.append(f"| {label_md} | {_tick_number(v)} | {'█' * max(1, round(width * v / top))} |")
    return "\n".join(lines)

"""Server-side SVG bar charts: geometry here, markup in seizures/chart_markup.py.

A chart shows one base unit (quantities in kg, l and pieces cannot share a scale); the
dashboard draws one panel per unit present, and a table with every number under it.

Drawn to be read on a 360-px phone as on a desktop:
- each row puts its label above its bar, so the drawing is narrow (``WIDTH`` user units) and
  is shown at its own size (never scaled down below it), keeping text at ``FONT_SIZE`` px;
- the bars leave room on their right for the longest value label, so no value is cut;
- every scale is linear from zero unless the reader switches to a logarithmic one (``log``),
  said so on the axis and above the chart; bars are sorted from largest to smallest;
- time series are drawn on a linear scale from zero, one year at a time, with every month
  between the first and the last (or the filtered dates) present, zero where nothing was
  seized.
- a long tail (routes: up to one per pair of countries) is folded into one "other" group
  (``fold_tail``), so a chart and its table stay a few dozen rows whatever the data.
"""

from __future__ import annotations

import math
from datetime import date

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .templatetags.seizures import quantity
from .templatetags.seizures import unit_symbol as _unit_symbol

WIDTH = 340
FONT_SIZE = 12
#: Width of a character of the value labels at FONT_SIZE (tabular digits are about 0.6 em).
CHAR_WIDTH = 7.4
ROW_HEIGHT = 36
BAR_HEIGHT = 14
AXIS_HEIGHT = 40
LABEL_CHARS = 44
#: Above this ratio of the largest to the smallest bar, a linear scale hides the small ones.
LOG_SCALE_RATIO = 50
#: The filtered date range widens the monthly series only up to this many months.
MAX_FILLED_MONTHS = 240
#: A chart of groups (not a time series) shows at most this many: the largest by number of
#: reports, the rest folded into one "other" group.
MAX_GROUPS = 15
PALETTE = {"kg": "#1565c0", "l": "#2e7d32", "pieces": "#ef6c00", "count": "#6a1b9a"}


def unit_label(unit: str) -> str:
    return {
        "kg": _("kilograms (kg)"),
        "l": _("litres (l)"),
        "pieces": _("pieces"),
        "count": _("reports"),
    }.get(unit, unit)


def unit_symbol(unit: str) -> str:
    """The short unit of a base unit, for table headers and axes."""
    return _unit_symbol(unit)


# --- Long tails -----------------------------------------------------------------------------


def fold_tail(results: list[dict], *, keep: int = MAX_GROUPS) -> list[dict]:
    """At most ``keep`` groups: beyond that, the ``keep - 1`` with the most reports and one
    group ``other`` (``"other": True``) with the rest's reports and totals, so a chart and its
    table cost the same with 200 routes as with 15. Sums are kept exactly."""
    if len(results) <= keep:
        return results
    ranked = sorted(results, key=lambda r: (-r["count"], str(r["key"])))
    shown, rest = ranked[: keep - 1], ranked[keep - 1 :]
    totals: dict[str, float] = {}
    for result in rest:
        for unit, value in result["totals"].items():
            totals[unit] = totals.get(unit, 0) + value
    other = {
        "key": "other",
        "label": ngettext("Other (%(count)d group)", "Other (%(count)d groups)", len(rest))
        % {"count": len(rest)},
        "count": sum(r["count"] for r in rest),
        "totals": totals,
        "other": True,
    }
    order = {id(r): i for i, r in enumerate(results)}
    return sorted(shown, key=lambda r: order[id(r)]) + [other]


# --- Monthly series -------------------------------------------------------------------------


def _month_index(key: str) -> int:
    year, month = key.split("-")
    return int(year) * 12 + int(month) - 1


def fill_months(results: list[dict], *, date_from=None, date_to=None) -> list[dict]:
    """The monthly results with every month from the first to the last present, zero where
    nothing was seized. A filtered date range widens the series to its bounds (up to
    ``MAX_FILLED_MONTHS``). Every month then carries every unit of the series (0 if none), so
    that the bars and the table show the same zeros."""
    if not results:
        return results
    by_key = {row["key"]: row for row in results}
    indexes = [_month_index(key) for key in by_key]
    bounds = [d.year * 12 + d.month - 1 for d in (date_from, date_to) if d]
    first = min(indexes + bounds)
    last = max(indexes + bounds)
    if last - first >= MAX_FILLED_MONTHS:
        first, last = min(indexes or bounds), max(indexes or bounds)
    units = [u for u in ("kg", "l", "pieces") if any(u in r["totals"] for r in results)]
    filled = []
    for index in range(first, last + 1):
        year, month = divmod(index, 12)
        key = f"{year:04d}-{month + 1:02d}"
        row = by_key.get(key)
        if row is None:
            label = formats.date_format(date(year, month + 1, 1), "YEAR_MONTH_FORMAT")
            row = {"key": key, "label": label, "count": 0, "totals": {}}
        row["totals"] = {u: row["totals"].get(u, 0.0) for u in units}
        filled.append(row)
    return filled


# --- Scales ---------------------------------------------------------------------------------


def _nice_step(span: float, ticks: int = 4) -> float:
    raw = span / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


class LinearScale:
    log = False

    def __init__(self, peak: float, whole: bool = False):
        self.step = _nice_step(peak or 1)
        if whole:  # counts of reports: no tick at 0.25 of a report
            self.step = max(1, math.ceil(self.step))
        self.top = math.ceil((peak or 1) / self.step) * self.step

    def fraction(self, value: float) -> float:
        return max(0.0, value / self.top)

    def ticks(self) -> list[float]:
        count = round(self.top / self.step)
        return [i * self.step for i in range(count + 1)]


class LogScale:
    """Decades from the one below the smallest value to the one above the largest, so the
    smallest bar keeps a visible length."""

    log = True

    def __init__(self, smallest: float, peak: float):
        self.low = math.ceil(math.log10(smallest)) - 1
        self.high = max(math.ceil(math.log10(peak)), self.low + 1)

    def fraction(self, value: float) -> float:
        if value <= 0:
            return 0.0
        return max(0.0, (math.log10(value) - self.low) / (self.high - self.low))

    def ticks(self) -> list[float]:
        return [10.0**power for power in range(self.low, self.high + 1)]


def _scale(values: list[float], log: bool, whole: bool = False):
    positive = [v for v in values if v > 0]
    peak = max(positive, default=0)
    if log and positive:
        return LogScale(min(positive), peak)
    return LinearScale(peak, whole=whole)


def log_would_help(results: list[dict], units: list[str]) -> bool:
    """Do the groups of some unit differ by more than ``LOG_SCALE_RATIO``, so that on a
    linear scale the small ones are hard to see (the page then points to the log switch)?"""
    for unit in units:
        positive = [r["totals"][unit] for r in results if r["totals"].get(unit, 0) > 0]
        if positive and max(positive) / min(positive) > LOG_SCALE_RATIO:
            return True
    return False


# --- Panels ---------------------------------------------------------------------------------


def bar_panel(results: list[dict], unit: str, *, series: bool = False, log: bool = False) -> dict:
    """Geometry of one panel: the groups that have a total in ``unit`` (or, for
    ``unit="count"``, every group by its number of reports). ``series`` keeps the results'
    order (time) and a linear scale; otherwise bars go from largest to smallest, on a linear
    scale from zero, or a logarithmic one with ``log``. Each bar keeps its result's ``url``."""
    if unit == "count":
        values = [(r, float(r["count"])) for r in results]
    else:
        values = [(r, float(r["totals"][unit])) for r in results if unit in r["totals"]]
    if not series:
        values.sort(key=lambda pair: -pair[1])
    scale = _scale([v for _r, v in values], log=log and not series, whole=unit == "count")
    texts = [quantity(v) for _r, v in values]
    ticks = scale.ticks()
    tick_texts = [quantity(t) for t in ticks]
    # Room on the right for the longest value label (and for the last tick's label).
    value_room = max([len(t) for t in texts] + [1]) * CHAR_WIDTH + 8
    tick_room = len(tick_texts[-1]) * CHAR_WIDTH / 2 + 2
    bar_width = WIDTH - 2 - max(value_room, tick_room)
    bars = []
    for index, ((result, value), text) in enumerate(zip(values, texts, strict=True)):
        width = round(scale.fraction(value) * bar_width, 1)
        if value > 0:
            width = max(width, 2.0)
        top = index * ROW_HEIGHT
        bars.append(
            {
                "key": result["key"],
                "label": result["label"],
                "url": result.get("url", ""),
                "value": value,
                "value_text": text,
                "label_y": top + FONT_SIZE + 2,
                "y": top + FONT_SIZE + 6,
                "text_y": top + FONT_SIZE + 6 + BAR_HEIGHT - 2,
                "width": width,
                "value_x": round(width + 6, 1),
            }
        )
    plot_height = len(bars) * ROW_HEIGHT
    # Every tick gets a grid line; labels are thinned so that they never overlap.
    spacing = bar_width / max(len(ticks) - 1, 1)
    widest = max(len(text) for text in tick_texts) * CHAR_WIDTH + 8
    every = max(1, math.ceil(widest / spacing))
    last = len(ticks) - 1
    axis_ticks = [
        {
            "x": round(scale.fraction(t) * bar_width, 1),
            "text": text if (last - index) % every == 0 else "",
        }
        for index, (t, text) in enumerate(zip(ticks, tick_texts, strict=True))
    ]
    symbol = unit_symbol(unit)
    if scale.log:
        axis_title = _("%(unit)s, logarithmic scale (each step ×10)") % {"unit": symbol}
    else:
        axis_title = symbol
    return {
        "unit": unit,
        "unit_label": unit_label(unit),
        "color": PALETTE.get(unit, "#455a64"),
        "bars": bars,
        "log": scale.log,
        "ticks": axis_ticks,
        "axis_title": axis_title,
        "axis_y": plot_height + 2,
        "tick_text_y": plot_height + 2 + FONT_SIZE + 4,
        "axis_title_y": plot_height + 2 + 2 * FONT_SIZE + 10,
        "plot_width": bar_width,
        "height": plot_height + AXIS_HEIGHT,
        "width": WIDTH,
        "label_chars": LABEL_CHARS,
        "font_size": FONT_SIZE,
        "bar_height": BAR_HEIGHT,
    }

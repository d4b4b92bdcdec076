"""Server-side SVG bar charts: geometry here, markup in templates/seizures/_chart.html.

A chart shows one base unit (quantities in kg, l and pieces cannot share a scale); the
dashboard draws one panel per unit present, and a table with every number under it."""

from __future__ import annotations

from django.utils.translation import gettext as _

ROW_HEIGHT = 22
LABEL_WIDTH = 190
BAR_WIDTH = 330
VALUE_WIDTH = 120
WIDTH = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
PALETTE = {"kg": "#1565c0", "l": "#2e7d32", "pieces": "#ef6c00", "count": "#6a1b9a"}


def unit_label(unit: str) -> str:
    return {
        "kg": _("kilograms (kg)"),
        "l": _("litres (l)"),
        "pieces": _("pieces"),
        "count": _("reports"),
    }.get(unit, unit)


def bar_panel(results: list[dict], unit: str) -> dict:
    """Geometry of one panel: the groups that have a total in ``unit`` (or, for
    ``unit="count"``, every group by its number of reports)."""
    if unit == "count":
        values = [(r, float(r["count"])) for r in results]
    else:
        values = [(r, r["totals"][unit]) for r in results if unit in r["totals"]]
    peak = max((v for _r, v in values), default=0) or 1
    bars = []
    for index, (result, value) in enumerate(values):
        width = max(1.0, round(value / peak * BAR_WIDTH, 1))
        bars.append(
            {
                "key": result["key"],
                "label": result["label"],
                "value": value,
                "y": index * ROW_HEIGHT + 4,
                "text_y": index * ROW_HEIGHT + 16,
                "width": width,
                "value_x": LABEL_WIDTH + width + 6,
            }
        )
    return {
        "unit": unit,
        "unit_label": unit_label(unit),
        "color": PALETTE.get(unit, "#455a64"),
        "bars": bars,
        "height": len(bars) * ROW_HEIGHT + 8,
        "width": WIDTH,
        "label_width": LABEL_WIDTH,
        "bar_x": LABEL_WIDTH,
        "label_x": LABEL_WIDTH - 6,
    }

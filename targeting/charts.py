"""The targeting page's chart: per month, the notices profiles selected and those with a
finding, as pairs of bars on one linear scale from zero (``seizures.charts``' scale, and its
look: drawn narrow, label above each pair, every month present), with a table of the same
figures under it. Geometry here, markup in templates/targeting/_chart.html."""

from __future__ import annotations

from django.utils.translation import gettext as _

from seizures.charts import CHAR_WIDTH, FONT_SIZE, WIDTH, LinearScale

BAR_HEIGHT = 11
ROW_HEIGHT = FONT_SIZE + 6 + 2 * BAR_HEIGHT + 10
AXIS_HEIGHT = 40
SERIES = (
    ("selected", "#1565c0"),
    ("findings", "#c62828"),
)


def month_chart(months: list[dict]) -> dict:
    """Geometry of the chart of ``months`` (``selectors.member_months``' rows)."""
    peak = max([row[name] for row in months for name, _c in SERIES] + [0])
    scale = LinearScale(peak, whole=True)
    ticks = scale.ticks()
    longest = max([len(str(row[name])) for row in months for name, _c in SERIES] + [1])
    plot_width = WIDTH - 2 - max(longest * CHAR_WIDTH + 8, len(str(int(ticks[-1]))) * CHAR_WIDTH)
    rows = []
    for index, row in enumerate(months):
        top = index * ROW_HEIGHT
        bars = []
        for position, (name, color) in enumerate(SERIES):
            value = row[name]
            width = round(scale.fraction(value) * plot_width, 1)
            if value > 0:
                width = max(width, 2.0)
            y = top + FONT_SIZE + 6 + position * BAR_HEIGHT
            bars.append(
                {
                    "name": name,
                    "value": value,
                    "color": color,
                    "y": y,
                    "width": width,
                    "text_x": round(width + 5, 1),
                    "text_y": y + BAR_HEIGHT - 2,
                }
            )
        rows.append(
            {"key": row["key"], "label": row["label"], "label_y": top + FONT_SIZE, "bars": bars}
        )
    plot_height = len(rows) * ROW_HEIGHT
    return {
        "rows": rows,
        "ticks": [
            {"x": round(scale.fraction(t) * plot_width, 1), "text": str(int(t))} for t in ticks
        ],
        "plot_width": round(plot_width, 1),
        "axis_y": plot_height + 2,
        "tick_text_y": plot_height + 2 + FONT_SIZE + 4,
        "axis_title_y": plot_height + 2 + 2 * FONT_SIZE + 10,
        "axis_title": _("notices, linear scale from zero"),
        "height": plot_height + AXIS_HEIGHT,
        "width": WIDTH,
        "font_size": FONT_SIZE,
        "bar_height": BAR_HEIGHT,
        "legend": [
            {"name": "selected", "color": SERIES[0][1], "label": _("selected by profiles")},
            {"name": "findings", "color": SERIES[1][1], "label": _("with a finding")},
        ],
    }

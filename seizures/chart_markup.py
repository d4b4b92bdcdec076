"""The markup of one bar chart (``dashboard_views.chart_data``): its year switch, scale hint,
SVG panels and the table of the same numbers.

Written as Python rather than as a template because a dashboard draws seven charts of up to
fifteen bars, each bar and table cell a dozen values: about 5,000 template variables per page,
which made template rendering three quarters of the dashboard's CPU time. Every value is
escaped here as the template engine would. Translated strings are taken outside the f-strings:
``makemessages`` does not find a ``gettext`` call inside one."""

from __future__ import annotations

from django.http import QueryDict
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from .templatetags.seizures import quantity, query_string_with, raw_number


def _query(params: QueryDict, **changes) -> str:
    """The current query string with some parameters replaced (None removes one), escaped."""
    return escape(query_string_with(params, **changes))


def chart_html(chart: dict, params: QueryDict) -> SafeString:
    name = escape(chart["name"])
    parts = [f'<section class="chart" id="chart-{name}" data-chart="{name}">\n']
    parts.append(f"  <h2>{escape(chart['title'])}</h2>\n")
    if len(chart["years"]) > 1:
        year_label, year_prompt = escape(_("Year")), escape(_("Year:"))
        parts.append(
            f'  <nav class="chart-switch" aria-label="{year_label}" '
            f'data-testid="year-switch"><span>{year_prompt}</span>'
        )
        for year in chart["years"]:
            current = ' aria-current="true"' if year == chart["year"] else ""
            parts.append(
                f' <a href="?{_query(params, year=f"{year:d}")}#chart-{name}"{current}>{year:d}</a>'
            )
        parts.append("</nav>\n")
    if chart["log_would_help"]:
        hint = escape(_("Some groups are much smaller than others and their bars are short."))
        offer = escape(_("Show on a logarithmic scale"))
        parts.append(
            '  <p class="muted chart-hint">'
            f"{hint}"
            f' <a href="?{_query(params, scale="log")}#chart-{name}">'
            f"{offer}</a></p>\n"
        )
    if chart["results"]:
        parts.extend(_panel(chart, panel) for panel in chart["panels"])
        parts.append(_table(chart))
    else:
        nothing = escape(_("No seizures match the filters."))
        parts.append(f'  <p class="muted">{nothing}</p>\n')
    parts.append("</section>")
    return mark_safe("".join(parts))  # noqa: S308 (every value above is escaped)


def _panel(chart: dict, panel: dict) -> str:
    name = escape(chart["name"])
    title, unit_label = str(chart["title"]), str(panel["unit_label"])
    if panel["log"]:
        label = _("%(title)s, in %(unit)s, on a logarithmic scale")
        scale = escape(_("logarithmic scale"))
        caption = f" · <strong>{scale}</strong>"
    else:
        label, caption = _("%(title)s, in %(unit)s"), ""
    label = label % {"title": title, "unit": unit_label}
    width, height = panel["width"], panel["height"]
    parts = [
        f'    <figure class="chart-panel{" chart-log" if panel["log"] else ""}">\n',
        f'      <figcaption class="muted">{escape(unit_label)}{caption}</figcaption>\n',
        f'      <svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}"'
        f' width="{width}" height="{height}" preserveAspectRatio="xMinYMin meet"'
        f' font-size="{panel["font_size"]}" aria-label="{escape(label)}">\n',
    ]
    axis_y = panel["axis_y"]
    for tick in panel["ticks"]:
        x = raw_number(tick["x"])
        parts.append(f'<line class="grid" x1="{x}" x2="{x}" y1="0" y2="{axis_y}"/>')
    unit, color, bar_height = escape(panel["unit"]), escape(panel["color"]), panel["bar_height"]
    for bar in panel["bars"]:
        key = escape(bar["key"])
        opening = f'a href="{escape(bar["url"])}"' if bar["url"] else "g"
        label_text = escape(Truncator(bar["label"]).chars(panel["label_chars"]))
        value_text = escape(bar["value_text"])
        parts.append(
            f'\n<{opening} class="bar-row" data-key="{key}">'
            f'<text x="0" y="{bar["label_y"]}" class="bar-label">{label_text}</text>'
            f'<rect class="bar" x="0" y="{bar["y"]}" width="{raw_number(bar["width"])}"'
            f' height="{bar_height}" fill="{color}" data-chart="{name}" data-key="{key}"'
            f' data-unit="{unit}" data-value="{raw_number(bar["value"])}">'
            f"<title>{escape(bar['label'])}: {value_text}</title></rect>"
            f'<text x="{raw_number(bar["value_x"])}" y="{bar["text_y"]}" class="bar-value">'
            f"{value_text}</text></{'a' if bar['url'] else 'g'}>"
        )
    parts.append(
        f'\n<g class="axis"><line x1="0" x2="{raw_number(panel["plot_width"])}"'
        f' y1="{axis_y}" y2="{axis_y}"/>'
    )
    for index, tick in enumerate(panel["ticks"]):
        if tick["text"]:
            anchor = "start" if index == 0 else "middle"
            parts.append(
                f'<text x="{raw_number(tick["x"])}" y="{panel["tick_text_y"]}"'
                f' text-anchor="{anchor}" class="tick">{escape(tick["text"])}</text>'
            )
    parts.append(
        f'<text x="0" y="{panel["axis_title_y"]}" class="axis-title">'
        f"{escape(panel['axis_title'])}</text></g>\n      </svg>\n    </figure>\n"
    )
    return "".join(parts)


def _table(chart: dict) -> str:
    name = escape(chart["name"])
    group, reports = escape(_("Group")), escape(_("Reports"))
    parts = [
        '    <div class="table-scroll">\n'
        f'    <table class="compact chart-table" data-chart="{name}">\n'
        f'      <thead><tr><th scope="col">{group}</th>'
        f'<th scope="col" class="number">{reports}</th>'
    ]
    parts.extend(
        f'<th scope="col" class="number">{escape(symbol)}</th>' for symbol in chart["unit_symbols"]
    )
    parts.append("</tr></thead>\n      <tbody>")
    units = [(unit, escape(unit)) for unit in chart["units"]]
    for row in chart["results"]:
        key, label = escape(row["key"]), escape(row["label"])
        heading = f'<a href="{escape(row["url"])}">{label}</a>' if row.get("url") else label
        parts.append(
            f'\n<tr data-key="{key}"><th scope="row">{heading}</th>'
            f'<td class="number" data-chart="{name}" data-key="{key}" data-unit="count"'
            f' data-value="{row["count"]}">{quantity(row["count"])}</td>'
        )
        totals = row["totals"] or {}
        for unit, unit_escaped in units:
            value = totals.get(unit)
            parts.append(
                f'<td class="number" data-chart="{name}" data-key="{key}"'
                f' data-unit="{unit_escaped}" data-value="{raw_number(value)}">'
                f"{quantity(value)}</td>"
            )
        parts.append("</tr>")
    parts.append("\n      </tbody>\n    </table>\n    </div>\n")
    return "".join(parts)

"""Charts that tell the truth: linear scales from zero by default, a logarithmic one on
request (said so) where small categories stay visible beside huge ones, months without
seizures drawn as zero, labels readable and values never cut."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from seizures import charts
from tests.factories.seizures import SeizureReportFactory

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


def _panels(content: str, chart: str) -> list[ET.Element]:
    """The SVG panels of one chart of a rendered page."""
    section = re.search(rf'<section class="chart" id="chart-{chart}".*?</section>', content, re.S)
    assert section, chart
    return [ET.fromstring(svg) for svg in re.findall(r"<svg .*?</svg>", section.group(0), re.S)]


def _bars(panel: ET.Element) -> dict[str, float]:
    return {rect.get("data-key"): float(rect.get("width")) for rect in panel.iter(f"{SVG}rect")}


def _dashboard(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("seizures:dashboard"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_on_the_log_scale_a_585_kg_bar_beside_a_237000_kg_bar_is_at_least_20_px_long(
    client, analyst_kz, kz
):
    SeizureReportFactory(reporting_member=kz, commodity="heroin", quantity=585, unit="kg")
    SeizureReportFactory(
        reporting_member=kz, commodity="consumer-goods", quantity=237000, unit="kg"
    )
    content = _dashboard(client, analyst_kz, scale="log")
    (kg_panel,) = [p for p in _panels(content, "commodity") if "kg" in ET.tostring(p, "unicode")]
    bars = _bars(kg_panel)
    assert bars["heroin"] >= 20
    assert bars["consumer-goods"] > bars["heroin"]
    # The scale is said to be logarithmic, on the axis and above the chart.
    axis_title = next(t for t in kg_panel.iter(f"{SVG}text") if t.get("class") == "axis-title")
    assert "logarithmic" in axis_title.text
    assert "logarithmic scale" in re.search(
        r'id="chart-commodity".*?</figcaption>', content, re.S
    ).group(0)
    # Largest first.
    assert list(bars) == ["consumer-goods", "heroin"]


def test_similar_sizes_keep_a_linear_scale_from_zero(client, analyst_kz, kz):
    SeizureReportFactory(reporting_member=kz, commodity="heroin", quantity=40, unit="kg")
    SeizureReportFactory(reporting_member=kz, commodity="opium", quantity=80, unit="kg")
    content = _dashboard(client, analyst_kz)
    (panel,) = _panels(content, "commodity")
    bars = _bars(panel)
    assert bars["heroin"] == pytest.approx(bars["opium"] / 2, abs=0.2)
    assert "logarithmic" not in ET.tostring(panel, "unicode")


def test_a_month_without_seizures_appears_as_zero_in_the_chart_and_the_table(
    client, analyst_kz, kz
):
    SeizureReportFactory(reporting_member=kz, seized_on=datetime.date(2024, 1, 10))
    SeizureReportFactory(reporting_member=kz, seized_on=datetime.date(2024, 3, 5))
    content = _dashboard(client, analyst_kz)
    row = re.search(r'<tr data-key="2024-02">.*?</tr>', content, re.S)
    assert row, "February 2024 is missing from the monthly table"
    assert 'data-unit="count" data-value="0"' in row.group(0)
    assert 'data-unit="kg" data-value="0"' in row.group(0)
    for panel in _panels(content, "month"):
        assert list(_bars(panel)) == ["2024-01", "2024-02", "2024-03"]
        assert _bars(panel)["2024-02"] == 0


def test_the_filtered_dates_widen_the_monthly_series_with_zeros(client, analyst_kz, kz):
    SeizureReportFactory(reporting_member=kz, seized_on=datetime.date(2024, 3, 5))
    content = _dashboard(client, analyst_kz, **{"from": "2024-01-01", "to": "2024-04-30"})
    keys = re.findall(r'<tr data-key="(2024-\d\d)">', content)
    assert keys == ["2024-01", "2024-02", "2024-03", "2024-04"]


def test_labels_are_at_least_11_px_and_no_value_is_cut(client, analyst_kz, kz):
    SeizureReportFactory(reporting_member=kz, commodity="heroin", quantity=585, unit="kg")
    SeizureReportFactory(
        reporting_member=kz, commodity="consumer-goods", quantity=237000.125, unit="kg"
    )
    content = _dashboard(client, analyst_kz)
    for chart in ["category", "commodity", "month", "member", "route"]:
        for panel in _panels(content, chart):
            assert float(panel.get("font-size")) >= 11
            # Drawn at its own width: the browser does not shrink it below that on a phone.
            assert panel.get("width") == panel.get("viewBox").split()[2]
            width = float(panel.get("width"))
            for text in panel.iter(f"{SVG}text"):
                if text.get("class") == "bar-value":
                    end = float(text.get("x")) + len(text.text) * charts.CHAR_WIDTH
                    assert end <= width, (chart, text.text)


def test_fill_months_keeps_existing_rows_and_adds_zero_months():
    results = [
        {"key": "2023-11", "label": "November 2023", "count": 2, "totals": {"kg": 5.0}},
        {"key": "2024-02", "label": "February 2024", "count": 1, "totals": {"pieces": 10.0}},
    ]
    filled = charts.fill_months(results)
    assert [r["key"] for r in filled] == ["2023-11", "2023-12", "2024-01", "2024-02"]
    assert filled[1] == {
        "key": "2023-12",
        "label": "December 2023",
        "count": 0,
        "totals": {"kg": 0.0, "pieces": 0.0},
    }
    assert filled[0]["totals"] == {"kg": 5.0, "pieces": 0.0}


def _route_rows(content: str) -> dict[str, str]:
    section = re.search(r'<section class="chart" id="chart-route".*?</section>', content, re.S)
    return dict(
        re.findall(
            r'<tr data-key="([^"]+)">\s*<th scope="row">(?:<a [^>]*>)?([^<]*)(?:</a>)?</th>',
            section[0],
        )
    )


def test_a_long_tail_of_routes_is_folded_into_other_with_exact_sums(client, analyst_kz, kz):
    origins = ["AF", "PK", "IR", "CN", "TR", "IN", "AE", "RU", "BY", "DE", "NL", "BE"]
    # 12 origins x 2 destinations = 24 routes; the AF routes have the most reports.
    for origin in origins:
        for destination in ("KZ", "UZ"):
            for _ in range(3 if origin == "AF" else 1):
                SeizureReportFactory(
                    reporting_member=kz,
                    origin_country=origin,
                    destination_country=destination,
                    quantity=2,
                )
    rows = _route_rows(_dashboard(client, analyst_kz))
    assert len(rows) == charts.MAX_GROUPS
    assert {"AF-KZ", "AF-UZ"} <= set(rows)
    assert rows["other"] == f"Other ({24 - (charts.MAX_GROUPS - 1)} groups)"
    # The folded groups' reports and kilograms are in the "other" row, none lost.
    section = re.search(
        r'<section class="chart" id="chart-route".*?</section>',
        _dashboard(client, analyst_kz),
        re.S,
    )[0]
    counts = re.findall(r'data-key="([^"]+)" data-unit="count" data-value="(\d+)"', section)
    assert sum(int(value) for _key, value in counts) == 2 * 3 * 1 + 22
    assert dict(counts)["other"] == str(24 - (charts.MAX_GROUPS - 1))


def test_groups_up_to_the_limit_are_all_shown_unfolded():
    results = [
        {"key": f"g{n}", "label": f"G{n}", "count": n + 1, "totals": {"kg": 1.0}}
        for n in range(charts.MAX_GROUPS)
    ]
    assert charts.fold_tail(results) == results
    folded = charts.fold_tail(results, keep=5)
    assert [r["key"] for r in folded] == ["g11", "g12", "g13", "g14", "other"]
    assert folded[-1]["count"] == sum(n + 1 for n in range(11))
    assert folded[-1]["totals"] == {"kg": 11.0}

"""Charts you can open: linear scales from zero unless the reader switches to a logarithmic
one (a labelled switch), every bar and every month a link to the reports it counts, and the
month chart one chart of one year with a year selector."""

import datetime
import re
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from tests.factories.seizures import SeizureReportFactory

from .test_charts import SVG, _bars, _dashboard, _panels

pytestmark = pytest.mark.django_db


@pytest.fixture
def seizures(kz, uz):
    SeizureReportFactory(
        reporting_member=kz,
        commodity="heroin",
        quantity=585,
        unit="kg",
        seized_on=datetime.date(2024, 1, 12),
        detection_method="",
        origin_country="AF",
        destination_country="KZ",
    )
    SeizureReportFactory(
        reporting_member=kz,
        commodity="consumer-goods",
        quantity=237000,
        unit="kg",
        seized_on=datetime.date(2024, 3, 12),
        detection_method="x-ray",
    )
    SeizureReportFactory(
        reporting_member=kz,
        commodity="cigarettes",
        quantity=5,
        unit="kg",
        seized_on=datetime.date(2023, 7, 1),
    )


def _links(panel: ET.Element) -> dict[str, str]:
    return {a.get("data-key"): a.get("href") for a in panel.iter(f"{SVG}a")}


def test_the_default_scale_is_linear_from_zero(client, analyst_kz, seizures):
    content = _dashboard(client, analyst_kz)
    (panel,) = _panels(content, "commodity")
    bars = _bars(panel)
    # Proportional: 585 kg is 585/237,000 of the largest bar (drawn at least 2 px).
    assert bars["heroin"] <= 3 and bars["consumer-goods"] > 150
    assert "logarithmic" not in ET.tostring(panel, "unicode")
    ticks = [t.text for t in panel.iter(f"{SVG}text") if t.get("class") == "tick"]
    assert ticks[0] == "0"
    # The labelled switch: linear is current, the logarithmic scale one click away.
    switch = re.search(r'data-testid="scale-switch".*?</nav>', content, re.S).group(0)
    assert re.search(r'aria-current="true" data-scale="linear"', switch)
    assert "scale=log" in switch and "logarithmic" in switch


def test_the_switch_turns_every_chart_logarithmic(client, analyst_kz, seizures):
    content = _dashboard(client, analyst_kz, scale="log")
    (panel,) = _panels(content, "commodity")
    assert _bars(panel)["heroin"] >= 20
    assert "logarithmic" in ET.tostring(panel, "unicode")
    switch = re.search(r'data-testid="scale-switch".*?</nav>', content, re.S).group(0)
    assert re.search(r'aria-current="true" data-scale="log"', switch)


def test_every_bar_links_to_its_reports(client, analyst_kz, seizures):
    content = _dashboard(client, analyst_kz, member="KZ")
    expected = {
        "commodity": ("commodity", "heroin"),
        "category": ("category", "narcotics"),
        "member": ("member", "KZ"),
        "transport_mode": ("transport_mode", None),
        "detection_method": ("detection_method", "unknown"),
    }
    for chart, (param, key) in expected.items():
        (panel, *_rest) = _panels(content, chart)
        links = _links(panel)
        assert links and set(links) == set(_bars(panel)), chart
        key = key or next(iter(links))
        url = urlsplit(links[key].replace("&amp;", "&"))
        assert url.path == reverse("seizures:report-list")
        query = parse_qs(url.query)
        assert query[param] == [key] and query["member"] == ["KZ"], (chart, query)
    route = _links(_panels(content, "route")[0])["AF-KZ"]
    assert parse_qs(urlsplit(route).query) == {
        "member": ["KZ"],
        "origin": ["AF"],
        "destination": ["KZ"],
    }


def test_a_bar_opens_the_reports_it_counts(client, analyst_kz, seizures):
    content = _dashboard(client, analyst_kz)
    for chart, key in [
        ("commodity", "heroin"),
        ("detection_method", "unknown"),
        ("detection_method", "x-ray"),
        ("route", "AF-KZ"),
        ("month", "2024-03"),
    ]:
        # The chart's own count of the group (its table), and the list its bar opens.
        count = int(
            re.search(
                rf'data-chart="{chart}" data-key="{key}" data-unit="count" data-value="(\d+)"',
                content,
            ).group(1)
        )
        assert count >= 1
        href = _links(_panels(content, chart)[0])[key]
        page = client.get(href)
        assert page.status_code == 200
        rows = re.findall(r'<tr[^>]*data-testid="report-row"', page.content.decode())
        assert len(rows) == count, (chart, key, href)


def test_the_month_chart_is_one_chart_of_one_year_with_a_year_selector(
    client, analyst_kz, seizures
):
    content = _dashboard(client, analyst_kz)
    (panel,) = _panels(content, "month")  # one panel, whatever the units
    assert list(_bars(panel)) == ["2024-01", "2024-02", "2024-03"]
    month = urlsplit(_links(panel)["2024-02"]).query
    assert parse_qs(month) == {"from": ["2024-02-01"], "to": ["2024-02-29"]}
    years = re.search(r'data-testid="year-switch".*?</nav>', content, re.S).group(0)
    assert "year=2023" in years and re.search(r'aria-current="true">2024<', years)
    (earlier,) = _panels(_dashboard(client, analyst_kz, year="2023"), "month")
    assert list(_bars(earlier)) == ["2023-07"]

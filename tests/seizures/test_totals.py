"""Pre-aggregated totals (``SeizureTotal``, ``SeizureRouteTotal``): exact after every write,
read by the dashboard and the stats API where the filters allow, under the reports' own
visibility rule, and checked by ``manage.py seizure_totals_check``."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from seizures import selectors, services
from seizures.filtersets import GROUP_BY_CHOICES, SeizureStatsFilterSet
from seizures.models import SeizureRouteSum, SeizureRouteTotal, SeizureTotal
from seizures.totals import MONTH_GROUPING_COLUMNS, totals_drift, totals_rebuild
from tests.factories.seizures import OperationFactory

from .conftest import csv_bytes, row

pytestmark = pytest.mark.django_db

FILTERS = [
    {},
    {"from": "2024-01-01", "to": "2024-12-31"},
    {"from": "2024-03-01", "to": "2024-03-31", "member": "KZ"},
    {"category": "tobacco"},
    {"commodity": "heroin", "transport_mode": "road"},
    {"operation": "nicotiana"},
    {"from": "2024-03-10"},  # not on a month's start: answered from the reports
]


def _import(user, rows):
    return services.seizures_import(user=user, content=csv_bytes(rows), filename="s.csv")


def _raw_totals(monkeypatch, **kwargs):
    """The same aggregate with the pre-aggregated tables switched off."""
    with monkeypatch.context() as patch:
        patch.setattr(selectors, "totals_source", lambda **_: None)
        return selectors.seizure_totals(**kwargs)


def _stats_filters(params):
    filters = SeizureStatsFilterSet(params)
    assert filters.is_valid(), filters.errors
    return filters


@pytest.fixture
def mixed_series(kz, uz, analyst_kz, analyst_uz):
    """Single entries, two imports (two members) and reports linked to an operation."""
    OperationFactory(code="nicotiana", coordinating_member=kz, participants=[uz])
    services.seizure_report_create(user=analyst_kz, data=row(reference="E-1"))
    services.seizure_report_create(
        user=analyst_kz,
        data=row(
            reference="E-2",
            sharing="national",
            commodity="cigarettes",
            quantity="12000",
            unit="pieces",
            operation="nicotiana",
            seized_on="2024-11-02",
        ),
    )
    _import(
        analyst_kz,
        [
            row(
                reference=f"I-{n}",
                seized_on=f"202{3 + n % 2}-{1 + n % 12:02d}-{1 + n % 28:02d}",
                commodity=["heroin", "cigarettes", "pregabalin"][n % 3],
                unit=["g", "pieces", "pills"][n % 3],
                quantity=str(1 + n),
                transport_mode=["road", "rail", "air-cargo"][n % 3],
                detection_method=["x-ray", "", "canine"][n % 3],
                origin_country=["AF", "CN", ""][n % 3],
                operation="nicotiana" if n % 3 == 1 else "",
                sharing="national" if n % 4 == 0 else "network",
                container_number="",
            )
            for n in range(60)
        ],
    )
    _import(
        analyst_uz,
        [
            row(
                reference=f"U-{n}",
                member="UZ",
                commodity="cigarettes",
                unit="pieces",
                quantity="500",
                operation="nicotiana",
                destination_country="UZ",
                sharing="national" if n % 2 else "network",
            )
            for n in range(10)
        ],
    )


def test_totals_equal_the_reports_after_entries_imports_and_an_operation_link(mixed_series):
    assert totals_drift() == []
    assert sum(SeizureTotal.objects.values_list("reports", flat=True)) == 72
    assert sum(SeizureRouteTotal.objects.values_list("reports", flat=True)) == 72
    assert sum(SeizureRouteSum.objects.values_list("reports", flat=True)) == 72


@pytest.mark.parametrize("params", FILTERS)
def test_every_grouping_from_the_totals_equals_the_raw_aggregate(
    mixed_series, monkeypatch, analyst_kz, analyst_uz, analyst_tj, params
):
    for user in (analyst_kz, analyst_uz, analyst_tj):
        for group_by in GROUP_BY_CHOICES:
            filters = _stats_filters({**params, "group_by": group_by})
            fast = selectors.seizure_totals(user=user, filters=filters, group_by=group_by)
            raw = _raw_totals(monkeypatch, user=user, filters=filters, group_by=group_by)
            assert fast == raw, (user.username, group_by, params)


@pytest.mark.parametrize("params", FILTERS)
def test_the_dashboards_groupings_at_once_equal_the_raw_aggregates(
    mixed_series, monkeypatch, analyst_kz, analyst_uz, analyst_tj, params
):
    groupings = list(GROUP_BY_CHOICES)
    for user in (analyst_kz, analyst_uz, analyst_tj):
        filters = _stats_filters(params)
        together = selectors.seizure_totals_many(user=user, filters=filters, groupings=groupings)
        for group_by in groupings:
            raw = _raw_totals(monkeypatch, user=user, filters=filters, group_by=group_by)
            assert together[group_by] == raw, (user.username, group_by, params)


def test_the_dashboards_month_table_groupings_are_one_statement(mixed_series, analyst_kz):
    selectors.seizure_totals_many(user=analyst_kz, groupings=["commodity"])  # vocabularies
    month_table = list(MONTH_GROUPING_COLUMNS)
    with CaptureQueriesContext(connection) as queries:
        together = selectors.seizure_totals_many(user=analyst_kz, groupings=month_table)
    totals = [q["sql"] for q in queries.captured_queries if "seizuretotal" in q["sql"]]
    assert len(totals) == 1 and "GROUPING SETS" in totals[0]
    assert all(together[name] for name in month_table)


def test_an_operation_page_from_the_totals_equals_the_raw_aggregate(
    mixed_series, monkeypatch, analyst_uz
):
    from seizures.models import Operation

    operation = Operation.objects.get(code="nicotiana")
    fast = selectors.seizure_totals(user=analyst_uz, group_by="member", operation=operation)
    raw = _raw_totals(monkeypatch, user=analyst_uz, group_by="member", operation=operation)
    assert fast == raw and sum(r["count"] for r in fast) > 10


def test_stats_api_reads_the_totals_where_the_filters_allow(client, analyst_kz):
    _import(analyst_kz, [row(reference=f"R-{n}") for n in range(3)])
    SeizureTotal.objects.update(reports=999)  # a tampered table shows who answered
    client.force_login(analyst_kz)
    url = "/api/v1/seizures/stats/"
    assert client.get(url, {"group_by": "member"}).json()["results"][0]["count"] == 999
    # A period not on a month's edges is answered from the reports themselves.
    period = {"group_by": "member", "from": "2024-03-02", "to": "2024-03-31"}
    assert client.get(url, period).json()["results"][0]["count"] == 3


def test_national_totals_do_not_reach_another_member(client, analyst_kz, analyst_tj):
    _import(analyst_kz, [row(reference="N-1", sharing="national")])
    _import(analyst_kz, [row(reference="W-1", sharing="network", commodity="opium")])
    for group_by in ("commodity", "route", "member"):
        seen_by_tj = selectors.seizure_totals(user=analyst_tj, group_by=group_by)
        seen_by_kz = selectors.seizure_totals(user=analyst_kz, group_by=group_by)
        assert sum(r["count"] for r in seen_by_tj) == 1
        assert sum(r["count"] for r in seen_by_kz) == 2
    keys = [r["key"] for r in selectors.seizure_totals(user=analyst_tj, group_by="commodity")]
    assert keys == ["opium"]


def test_network_admin_sees_only_shared_totals(admin_user, analyst_kz):
    _import(analyst_kz, [row(reference="N-1", sharing="national"), row(reference="W-1")])
    results = selectors.seizure_totals(user=admin_user, group_by="member")
    assert [r["count"] for r in results] == [1]


def test_rejected_import_leaves_the_totals_untouched(analyst_kz):
    _import(analyst_kz, [row(reference="A")])
    before = list(SeizureTotal.objects.values_list("reports", "quantity_base"))
    with pytest.raises(services.ImportRejected):
        _import(analyst_kz, [row(reference="B"), row(reference="C", unit="parsecs")])
    assert list(SeizureTotal.objects.values_list("reports", "quantity_base")) == before
    assert totals_drift() == []


def test_an_import_updates_each_totals_table_with_one_statement(analyst_kz):
    rows = [
        row(reference=f"Q-{n}", seized_on=f"2024-{1 + n % 12:02d}-01", container_number="")
        for n in range(1200)
    ]
    with CaptureQueriesContext(connection) as captured:
        _import(analyst_kz, rows)
    writes = [
        q["sql"] for q in captured.captured_queries if "INSERT INTO seizures_seizure" in q["sql"]
    ]
    month_writes = [sql for sql in writes if "seizures_seizuretotal" in sql.split("(")[0]]
    route_writes = [sql for sql in writes if "seizures_seizureroutetotal" in sql.split("(")[0]]
    sum_writes = [sql for sql in writes if "seizures_seizureroutesum" in sql.split("(")[0]]
    assert (len(month_writes), len(route_writes), len(sum_writes)) == (1, 1, 1)
    assert totals_drift() == []


def test_check_command_fails_on_drift_and_rebuild_repairs_it(analyst_kz, capsys):
    _import(analyst_kz, [row(reference="A"), row(reference="B", seized_on="2023-05-05")])
    call_command("seizure_totals_check")
    assert "agree" in capsys.readouterr().out
    SeizureTotal.objects.filter(month__year=2023).delete()
    SeizureRouteTotal.objects.update(reports=7)
    with pytest.raises(CommandError, match="cells of the seizure totals differ"):
        call_command("seizure_totals_check")
    call_command("seizure_totals_check", "--rebuild")
    call_command("seizure_totals_check")
    assert totals_drift() == []


def test_the_route_sums_are_checked_and_rebuilt_like_the_other_totals(analyst_kz):
    _import(analyst_kz, [row(reference="A"), row(reference="B", commodity="opium")])
    assert [cell.reports for cell in SeizureRouteSum.objects.all()] == [2]
    SeizureRouteSum.objects.update(reports=5)
    assert any(problem.startswith("route sum") for problem in totals_drift())
    totals_rebuild()
    assert totals_drift() == [] and SeizureRouteSum.objects.get().reports == 2


def test_the_route_chart_reads_the_sums_unless_a_commodity_narrows_it(mixed_series, analyst_kz):
    for params, table in [
        ({}, "seizures_seizureroutesum"),
        ({"from": "2024-01-01", "to": "2024-12-31"}, "seizures_seizureroutesum"),
        ({"category": "tobacco"}, "seizures_seizureroutetotal"),
    ]:
        filters = _stats_filters({**params, "group_by": "route"})
        with CaptureQueriesContext(connection) as queries:
            selectors.seizure_totals(user=analyst_kz, filters=filters, group_by="route")
        assert any(f'FROM "{table}"' in q["sql"] for q in queries.captured_queries), params


# --- The dashboard's charts, cached until the totals change -------------------------------------


def _dashboard(client, user, **params):
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/seizures/", params)
    assert response.status_code == 200
    aggregates = [q for q in captured.captured_queries if "SUM(" in q["sql"]]
    return response.content.decode(), aggregates


def test_dashboard_charts_come_from_the_cache_until_a_report_is_written(client, analyst_kz):
    _import(analyst_kz, [row(reference=f"D-{n}") for n in range(3)])
    page, aggregates = _dashboard(client, analyst_kz)
    assert "3 seizure reports match the filters" in page and aggregates
    page, aggregates = _dashboard(client, analyst_kz)
    assert "3 seizure reports match the filters" in page and aggregates == []
    services.seizure_report_create(user=analyst_kz, data=row(reference="D-new"))
    page, aggregates = _dashboard(client, analyst_kz)
    assert "4 seizure reports match the filters" in page and aggregates


def test_cached_dashboard_charts_never_cross_to_another_member(client, analyst_kz, analyst_tj):
    _import(analyst_kz, [row(reference="N-1", sharing="national"), row(reference="W-1")])
    kz_page, _ = _dashboard(client, analyst_kz)
    assert "2 seizure reports match the filters" in kz_page
    tj_page, aggregates = _dashboard(client, analyst_tj)
    assert "1 seizure report matches the filters" in tj_page and aggregates
    filtered, _ = _dashboard(client, analyst_kz, commodity="opium")
    assert "0 seizure reports match the filters" in filtered


def test_taking_reports_out_keeps_the_totals_exact(analyst_kz):
    from seizures.models import SeizureReport
    from seizures.totals import totals_add

    _import(analyst_kz, [row(reference=f"T-{n}", seized_on=f"2024-0{1 + n}-05") for n in range(3)])
    gone = list(SeizureReport.objects.filter(reference__in=["T-0", "T-1"]))
    SeizureReport.objects.filter(pk__in=[r.pk for r in gone]).delete()
    totals_add(gone, sign=-1)
    assert totals_drift() == []
    assert SeizureTotal.objects.count() == 1

""" "At most one extra SQL statement per request for reads": the query page, the seizure report
page and their API details are counted with the read recorded and with recording switched off
(the recording function replaced by a no-op), for a reader from another member and for the
owner's focal point. The de-duplicated read (the same user again within the hour) costs no
SQL at all. The owner's "Access history" section is a feature of the page, not the recording:
it is shown in both runs."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from exchange import auditing as exchange_auditing
from seizures import auditing as seizures_auditing
from tests.factories.seizures import SeizureReportFactory


@pytest.fixture(autouse=True)
def _no_other_caches(settings):
    """Only the audit trail's read de-duplication may use the cache here: the rights and
    vocabulary caches (members.caching) would make the counts depend on what was cleared."""
    settings.PERMISSIONS_CACHE_SECONDS = 0
    settings.VOCABULARY_CACHE_SECONDS = 0
    settings.DASHBOARD_CACHE_SECONDS = 0
    # With Redis, sessions are read from the cache too (cached_db): clearing the cache would
    # add the session's SELECT to one run and not the other.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"


@pytest.fixture(autouse=True)
def _vocabulary(db):
    from seizures.vocabulary import ensure_commodities

    ensure_commodities()


@pytest.fixture
def report_kz(kz):
    return SeizureReportFactory(reporting_member=kz, sharing="network", reference="KZ-SZ-1")


def _statements(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return [q["sql"] for q in queries]


def _costs(client, monkeypatch, url, module, name):
    """Statements of one request: read recorded, read de-duplicated, recording off."""
    client.get(url)  # warm the session, the user's caches and the templates
    cache.clear()
    recorded = _statements(client, url)
    deduplicated = _statements(client, url)
    with monkeypatch.context() as patch:
        patch.setattr(module, name, lambda **kwargs: None)
        cache.clear()
        off = _statements(client, url)
    return recorded, deduplicated, off


def _check(recorded, deduplicated, off):
    assert len(recorded) - len(off) <= 1, "recording a read must cost at most one statement"

    # It does record (the difference is the INSERT), and a repeat within the hour costs none.
    def inserts(statements):
        return [s for s in statements if s.startswith("INSERT INTO") and "auditevent" in s]

    assert len(inserts(recorded)) == 1 and inserts(off) == [] and inserts(deduplicated) == []
    assert len(recorded) == len(off) + 1
    assert len(deduplicated) == len(off)


@pytest.mark.parametrize("viewer", ["focal_uz", "focal_kz"])
def test_query_page_read_costs_at_most_one_statement(
    client, monkeypatch, request, query_kz_uz, viewer
):
    client.force_login(request.getfixturevalue(viewer))
    url = reverse("exchange:detail", args=[query_kz_uz.pk])
    _check(*_costs(client, monkeypatch, url, exchange_auditing, "query_read_record"))


def test_query_api_detail_read_costs_at_most_one_statement(
    client, monkeypatch, focal_uz, query_kz_uz
):
    client.force_login(focal_uz)
    url = f"/api/v1/queries/{query_kz_uz.pk}/"
    _check(*_costs(client, monkeypatch, url, exchange_auditing, "query_read_record"))


@pytest.mark.parametrize("viewer", ["focal_uz", "analyst_kz"])
def test_report_page_read_costs_at_most_one_statement(
    client, monkeypatch, request, report_kz, viewer
):
    client.force_login(request.getfixturevalue(viewer))
    url = reverse("seizures:report-detail", args=[report_kz.pk])
    _check(*_costs(client, monkeypatch, url, seizures_auditing, "seizure_read_record"))


def test_report_api_detail_read_costs_at_most_one_statement(
    client, monkeypatch, focal_uz, report_kz
):
    client.force_login(focal_uz)
    url = f"/api/v1/seizures/{report_kz.pk}/"
    _check(*_costs(client, monkeypatch, url, seizures_auditing, "seizure_read_record"))


def test_access_history_of_the_owner_is_one_bounded_list(
    client, focal_kz, focal_uz, query_kz_uz, django_assert_max_num_queries
):
    """What the owner's section adds does not grow with the number of accesses listed."""
    url = reverse("exchange:detail", args=[query_kz_uz.pk])
    client.force_login(focal_uz)
    client.get(url)
    client.force_login(focal_kz)
    client.get(url)
    few = len(_statements(client, url))
    from members.audit import audit_record

    for n in range(30):
        audit_record(
            action="query.read",
            actor=focal_uz,
            obj=query_kz_uz,
            members=["KZ", "UZ"],
            detail={"n": n},
        )
    with django_assert_max_num_queries(few):
        response = client.get(url)
    assert len(response.context["access_history"]) >= 31

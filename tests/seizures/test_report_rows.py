"""The report list's rows: the unfiltered first page reads only what its rows show and each
row is written once per process for its values and language (``seizures.list_markup``). The
rows follow every change of what they show at once, match a filtered page's rows byte for
byte in both languages, and never show a report the reader may not see."""

import re
from decimal import Decimal

import pytest

from members.models import MemberStatus
from tests.factories.members import network_admin
from tests.factories.seizures import OperationFactory, SeizureReportFactory, commodity

pytestmark = pytest.mark.django_db

LIST = "/seizures/reports/"


def _rows(response) -> list[str]:
    assert response.status_code == 200
    return re.findall(r'<tr data-testid="report-row">.*?</tr>', response.content.decode(), re.S)


def test_first_page_rows_match_a_filtered_pages_rows_in_both_languages(client, analyst_kz, kz):
    operation = OperationFactory(code="op-rows", name="Operation Rows", coordinating_member=kz)
    SeizureReportFactory(reporting_member=kz, reference="ROW-1", operation=operation)
    SeizureReportFactory(
        reporting_member=kz, reference="ROW-2", commodity="cocaine", quantity=Decimal("2.5")
    )
    client.force_login(analyst_kz)
    pages = {}
    for language in ("en", "ru", "en"):
        first = _rows(client.get(LIST, HTTP_ACCEPT_LANGUAGE=language))
        filtered = _rows(client.get(LIST, {"member": "KZ"}, HTTP_ACCEPT_LANGUAGE=language))
        assert len(first) == 2
        assert first == filtered
        pages[language] = "".join(first)
    assert 'data-label="Date seized"' in pages["en"] and "kg" in pages["en"]
    assert 'data-label="Дата изъятия"' in pages["ru"] and "кг" in pages["ru"]
    assert "Operation Rows" in pages["en"] and "Operation Rows" in pages["ru"]


def test_rows_follow_each_change_of_what_they_show(client, analyst_kz, kz):
    report = SeizureReportFactory(reporting_member=kz, reference="ROW-3")
    client.force_login(analyst_kz)
    (before,) = _rows(client.get(LIST))
    assert ">10 kg<" in before and "ROW-3" in before

    report.quantity, report.reference = Decimal("12"), "ROW-3B"
    report.save(update_fields=["quantity", "reference"])
    (after,) = _rows(client.get(LIST))
    assert ">12 kg<" in after and "ROW-3B" in after

    heroin = commodity("heroin")
    heroin.name_ru = "Героин (изменено)"
    heroin.save(update_fields=["name_ru"])
    (russian,) = _rows(client.get(LIST, HTTP_ACCEPT_LANGUAGE="ru"))
    assert "Героин (изменено)" in russian
    assert "12 кг" in russian


def test_rows_never_show_what_the_reader_may_not_see(client, analyst_kz, analyst_tj, kz):
    SeizureReportFactory(reporting_member=kz, reference="ROW-KZ-OWN", sharing="national")
    for outsider in (analyst_tj, network_admin("netadmin.rows")):
        client.force_login(outsider)
        response = client.get(LIST)
        assert "ROW-KZ-OWN" not in response.content.decode()
        assert response.status_code in (200, 403)
    client.force_login(analyst_kz)
    assert ["ROW-KZ-OWN" in row for row in _rows(client.get(LIST))] == [True]
    kz.status = MemberStatus.SUSPENDED
    kz.save(update_fields=["status"])
    response = client.get(LIST)
    assert "ROW-KZ-OWN" not in response.content.decode()
    assert response.status_code == 302  # a suspended member's people are signed out
    assert response["Location"].startswith("/accounts/login/")

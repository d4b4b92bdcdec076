"""The whole loop through real endpoints: UZ selects 100 % of unselected notices at random;
GE files ordinary and tobacco notices to UZ; a UZ analyst writes a draft profile, backtests it,
activates it; the expected tobacco notices are screened again, red, with the profile's reason
and no longer at random; UZ's officer records the outcomes (a seizure among them); the
profile's stats and the page show it, with its lift against random selection."""

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from alerts.models import Alert
from seizures.services import seizure_report_create
from targeting.models import Selection
from tests.seizures.conftest import row

from .conftest import ARRIVALS, PROFILES, client_for, notice_file, profile_body, screening_of

SETTINGS = "/api/v1/targeting/settings/"


def _tobacco(number: int) -> dict:
    return {
        "transport_document": f"MEDU10000{number:02d}",
        "containers": [{"number": "MSCU4455663", "seals": [f"GE7{number:05d}"]}],
        "goods": [
            {"description": "Spare parts", "hs_code": "2402.20", "packages": 500, "gross_kg": 6500}
        ],
    }


def _outcome(officer, notice_id, outcome, report=None):
    body = {"outcome": outcome, **({"seizure_report": report.pk} if report else {})}
    response = client_for(officer).post(f"{ARRIVALS}{notice_id}/outcome/", body, format="json")
    assert response.status_code == 200, response.content


def test_write_backtest_activate_rescreen_outcome_stats_and_page(
    officer_ge, officer_uz, analyst_uz, focal_uz, django_capture_on_commit_callbacks
):
    assert (
        client_for(focal_uz).put(SETTINGS, {"random_rate": 1.0}, format="json").status_code == 200
    )
    when = {
        "expected_arrival": (timezone.now() + timedelta(days=2)).isoformat(),
        "departed_at": (timezone.now() - timedelta(days=1)).isoformat(),
    }
    ordinary = [
        notice_file(officer_ge, transport_document=f"MEDU20000{n:02d}", **when) for n in range(4)
    ]
    tobacco = [notice_file(officer_ge, **_tobacco(n), **when) for n in range(2)]
    for notice_id in ordinary + tobacco:
        screening = screening_of(officer_uz, notice_id)
        assert screening["lane"] == "amber"
        assert [r["source"] for r in screening["reasons"]] == ["random"]

    analyst = client_for(analyst_uz)
    draft = analyst.post(PROFILES, profile_body(active=False), format="json").json()
    url = f"{PROFILES}{draft['id']}/"
    since = (timezone.localdate() - timedelta(days=30)).isoformat()
    backtest = analyst.post(f"{url}backtest/", {"since": since}, format="json")
    assert backtest.json() == {"notices": 6, "selected": 2, "with_finding": 0}
    assert screening_of(officer_uz, tobacco[0])["lane"] == "amber"  # a draft screens nothing

    with django_capture_on_commit_callbacks(execute=True):
        activated = analyst.put(url, {"active": True}, format="json")
    assert activated.json()["active"] is True
    for notice_id in tobacco:
        screening = screening_of(officer_uz, notice_id)
        assert screening["lane"] == "red"
        assert screening["reasons"] == [
            {
                "source": "profile",
                "profile": draft["id"],
                "text": f"{draft['name']}: {draft['description']}",
            }
        ]
    assert screening_of(officer_uz, ordinary[0])["lane"] == "amber"
    # Turned red: the receiving side is alerted as for a red notice on receipt.
    assert Alert.objects.filter(event="arrival-red", subject_id__in=tobacco).exists()

    report = seizure_report_create(
        user=officer_uz,
        data=row(
            reference="UZ-2026-901",
            member="UZ",
            destination_country="UZ",
            commodity="cigarettes",
            quantity="500000",
            unit="pieces",
            container_number="MSCU4455663",
        ),
    )
    _outcome(officer_uz, tobacco[0], "seizure", report)
    _outcome(officer_uz, tobacco[1], "examined_nothing_found")
    _outcome(officer_uz, ordinary[0], "discrepancy")
    for notice_id in ordinary[1:]:
        _outcome(officer_uz, notice_id, "examined_nothing_found")

    stats = analyst.get(url).json()["stats"]
    # Profile: 1 finding in 2 examined; random: 1 in 4; lift 0.5 / 0.25.
    assert stats == {
        "selected": 2,
        "examined": 2,
        "findings": 1,
        "seizures": 1,
        "hit_rate": 0.5,
        "lift": 2.0,
    }
    assert Selection.objects.filter(profile__isnull=True).count() == 4

    browser = Client()
    browser.force_login(analyst_uz)
    page = browser.get("/targeting/")
    assert page.status_code == 200
    html = page.content.decode()
    figures = html[html.index('data-testid="profile-figures"') :]
    row_html = figures[figures.index(f'data-profile="{draft["id"]}"') :]
    assert 'data-stat="seizures">1<' in row_html
    assert 'data-stat="hit_rate">50.0 %<' in row_html
    assert 'data-stat="lift">×2.00<' in row_html
    assert 'data-series="findings" data-value="1"' in html
    assert 'data-series="selected" data-value="2"' in html

    again = analyst.post(f"{url}backtest/", {"since": since}, format="json").json()
    assert again == {"notices": 6, "selected": 2, "with_finding": 1}

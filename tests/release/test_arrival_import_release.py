"""A GE manifest import held under GE's release policy as one item (``arrival_import``), seen
from every side: its uploader, GE's releasers, the receiving member (UZ), a third country
(TJ), the network admin; matching before and after release; the job in the browser."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from alerts.models import Alert, AlertChannel, AlertEvent
from arrivals import partitioning
from arrivals.models import ArrivalImportJob, ArrivalNotice
from matching.lists import watch_entry_create
from matching.models import Hit, IdentifierEntry
from members.models import AuditEvent, RoleName
from members.releases import release_policy_set
from seizures.services import seizure_report_create
from tests.arrivals.conftest import client_for
from tests.factories import ControlUnitFactory, MemberFactory, member_user
from tests.seizures.conftest import row

pytestmark = pytest.mark.django_db

IMPORT_URL = "/api/v1/arrivals/import/"
CONTAINER = "CSQU3054383"
HEADER = (
    "mode,transport_document,transport_document_kind,to_member,to_unit,from_unit,"
    "expected_arrival,place_of_loading,transit_countries,container,seals,hs_code,description,"
    "packages,gross_kg,handling_code\n"
)


def _line(document, container, code="H0"):
    return (
        f"sea,{document},bill_of_lading,UZ,UZ-TAS-PCU,GE-PTI-PCU,2026-12-20T08:00:00Z,GEPTI,"
        f"AZ;KZ,{container},S1;S2,6907.21,Tiles,10,1000,{code}\n"
    )


#: Two notices (three lines) held, one (H1, outside the policy) going out at once.
MANIFEST = (
    HEADER
    + _line("MEDU1", CONTAINER)
    + _line("MEDU1", "MSCU1234566")
    + _line("MEDU2", "TGHU1234567", code="H2")
    + _line("MEDU3", "TCLU1234568", code="H1")
)


@pytest.fixture(autouse=True)
def _partitions_forgotten():
    # Partitions made inside a rolled-back test are gone: the process must not remember them.
    partitioning.forget_known()
    yield
    partitioning.forget_known()


@pytest.fixture
def ge(db):
    return MemberFactory(code="GE")


@pytest.fixture
def officer_ge(ge):
    poti = ControlUnitFactory(member=ge, code="GE-PTI-PCU", name="Poti PCU")
    return member_user(ge, RoleName.UNIT_OFFICER, control_unit=poti, username="officer.ge")


@pytest.fixture
def focal_ge(ge):
    return member_user(ge, RoleName.FOCAL_POINT, username="focal.ge")


@pytest.fixture
def tashkent(uz):
    return ControlUnitFactory(
        member=uz, code="UZ-TAS-PCU", name="Tashkent dry port", kind="dry-port"
    )


@pytest.fixture
def officer_uz(uz, tashkent):
    return member_user(uz, RoleName.UNIT_OFFICER, control_unit=tashkent, username="officer.uz")


@pytest.fixture
def releaser_ge(ge):
    return member_user(ge, RoleName.RELEASER, username="releaser.ge")


@pytest.fixture
def admin_ge(ge):
    return member_user(ge, RoleName.MEMBER_ADMIN, username="admin.ge")


@pytest.fixture
def ge_policy(ge, admin_ge):
    return release_policy_set(
        member=ge, actor=admin_ge, kinds=["arrival"], handling_codes=["H0", "H2"]
    )


def _upload(user, text=MANIFEST, name="manifest.csv"):
    upload = SimpleUploadedFile(name, text.encode(), "text/csv")
    return client_for(user).post(IMPORT_URL, {"file": upload}, format="multipart")


@pytest.fixture
def held(ge_policy, officer_ge, focal_ge, officer_uz, focal_uz, focal_tj):
    """officer.ge's manifest: its H0 and H2 notices await release as one import."""
    response = _upload(officer_ge)
    assert response.status_code == 201, response.json()
    return response.json()


def _held_notices():
    return ArrivalNotice.objects.filter(transport_document__in=["MEDU1", "MEDU2"])


def _queue(user):
    return client_for(user).get("/api/v1/releases/").json()


def _release(user, job_id):
    return client_for(user).post(f"/api/v1/releases/arrival_import/{job_id}/release/")


def _return(user, job_id, note="Split the H2 consignment into its own manifest."):
    return client_for(user).post(
        f"/api/v1/releases/arrival_import/{job_id}/return/", {"note": note}, format="json"
    )


def _detail(user, notice_id):
    return client_for(user).get(f"/api/v1/arrivals/{notice_id}/")


def _listed(user, **params) -> set[int]:
    results = client_for(user).get("/api/v1/arrivals/", params).json()["results"]
    return {n["id"] for n in results}


def _job_state(job_id) -> str:
    return ArrivalImportJob.objects.get(pk=job_id).release_state


# --- Filing --------------------------------------------------------------------------------------


def test_the_import_answer_names_the_job_awaiting_release(held):
    assert held["imported"] == 3 and held["lines"] == 4
    assert held["release_state"] == "awaiting_release"
    job = ArrivalImportJob.objects.get(pk=held["job"])
    assert job.release_state == "awaiting_release" and job.held == 2
    assert job.held_summary == {
        "notices": 3,
        "lines": 4,
        "handling_codes": ["H0", "H2"],
        "to_members": ["UZ"],
    }


def test_the_held_notices_are_marked_with_the_job_and_the_rest_goes_out(held, officer_uz):
    assert {n.import_job_id for n in _held_notices()} == {held["job"]}
    assert {n.release_state for n in _held_notices()} == {"awaiting_release"}
    out = ArrivalNotice.objects.get(transport_document="MEDU3")
    assert out.release_state == "released" and out.import_job_id is None
    assert _listed(officer_uz, direction="incoming") == {out.pk}


def test_an_import_outside_the_policy_makes_no_held_job(ge_policy, officer_ge, tashkent):
    response = _upload(officer_ge, HEADER + _line("MEDU9", CONTAINER, code="H1"))
    assert response.json() == {"imported": 1, "lines": 1}
    assert not ArrivalImportJob.objects.exists()


def test_without_a_policy_the_import_answers_as_before(officer_ge, tashkent):
    assert _upload(officer_ge).json() == {"imported": 3, "lines": 4}
    assert not ArrivalNotice.objects.exclude(release_state="released").exists()


# --- Before release: who sees it -----------------------------------------------------------------


def test_the_queue_shows_one_item_with_its_summary(held, focal_ge):
    rows = _queue(focal_ge)
    assert [(r["kind"], r["id"], r["author"]) for r in rows] == [
        ("arrival_import", held["job"], "officer.ge")
    ]
    assert rows[0]["reference"] == "GE/manifest.csv"
    assert rows[0]["handling_code"] == "H0, H2"


def test_the_releasers_are_alerted_once_for_the_import(releaser_ge, held):
    alerts = Alert.objects.filter(event=AlertEvent.AWAITING_RELEASE, channel=AlertChannel.PORTAL)
    assert {(a.recipient.username, a.release_kind, a.release_item_id) for a in alerts} == {
        ("focal.ge", "arrival_import", held["job"]),
        ("releaser.ge", "arrival_import", held["job"]),
    }
    assert alerts.count() == 2


def test_the_receiving_member_sees_nothing_of_the_held_notices(held, officer_uz, focal_uz):
    for user in (officer_uz, focal_uz):
        for notice in _held_notices():
            assert _detail(user, notice.pk).status_code == 404
        assert not {n.pk for n in _held_notices()} & _listed(user)
        assert _queue(user) == []
        assert client_for(user).get(f"{IMPORT_URL}{held['job']}/").status_code == 404
        assert _release(user, held["job"]).status_code == 404
    held_ids = [n.pk for n in _held_notices()]
    assert not Alert.objects.filter(recipient__in=[officer_uz, focal_uz], subject_id__in=held_ids)
    assert not Alert.objects.filter(release_kind="arrival_import", recipient=focal_uz).exists()


def test_the_receiving_member_has_no_audit_event_of_the_held_notices(held):
    event = AuditEvent.objects.get(action="arrival.import")
    assert event.detail["awaiting_release"] == 2
    # UZ is a party to the import only for the notice that went out at once.
    assert not AuditEvent.objects.filter(action__startswith="arrival.release").exists()


def test_the_third_country_and_the_network_admin_see_nothing(held, focal_tj, admin_user):
    for user in (focal_tj, admin_user):
        for notice in _held_notices():
            assert _detail(user, notice.pk).status_code == 404
        assert _queue(user) == []
        assert _release(user, held["job"]).status_code in (403, 404)
        assert _return(user, held["job"]).status_code in (403, 404)
    assert not Alert.objects.filter(recipient__in=[focal_tj, admin_user]).exists()
    assert _job_state(held["job"]) == "awaiting_release"


def test_the_uploader_sees_the_held_notices_and_the_job(held, officer_ge):
    for notice in _held_notices():
        assert _detail(officer_ge, notice.pk).json()["release_state"] == "awaiting_release"
    job = client_for(officer_ge).get(f"{IMPORT_URL}{held['job']}/").json()
    assert job["release_state"] == "awaiting_release" and job["imported"] == 3


def test_a_held_notice_of_the_import_is_no_item_of_its_own(held, focal_ge):
    notice = _held_notices().first()
    response = client_for(focal_ge).post(f"/api/v1/releases/arrival/{notice.pk}/release/")
    assert response.status_code == 404
    assert ArrivalNotice.objects.get(pk=notice.pk).release_state == "awaiting_release"


# --- Who may not release -------------------------------------------------------------------------


def test_the_uploader_cannot_release_or_return_their_own_import(held, officer_ge, officer_uz):
    assert _release(officer_ge, held["job"]).status_code in (403, 404)
    assert _return(officer_ge, held["job"]).status_code in (403, 404)
    assert _job_state(held["job"]) == "awaiting_release"
    assert {n.release_state for n in _held_notices()} == {"awaiting_release"}
    assert _listed(officer_uz) == {ArrivalNotice.objects.get(transport_document="MEDU3").pk}


def test_a_focal_point_cannot_release_their_own_import(ge_policy, focal_ge, tashkent):
    manifest = HEADER.replace(",from_unit", "") + (
        f"sea,MEDU7,bill_of_lading,UZ,UZ-TAS-PCU,2026-12-20T08:00:00Z,GEPTI,AZ;KZ,"
        f"{CONTAINER},S1,6907.21,Tiles,10,1000,H0\n"
    )
    response = _upload(focal_ge, manifest)
    assert response.status_code == 201, response.json()
    assert _release(focal_ge, response.json()["job"]).status_code == 403
    assert _job_state(response.json()["job"]) == "awaiting_release"


def test_a_member_admin_who_is_no_releaser_cannot_release(held, admin_ge):
    assert _release(admin_ge, held["job"]).status_code in (403, 404)
    assert _job_state(held["job"]) == "awaiting_release"


# --- Release -------------------------------------------------------------------------------------


def test_release_sends_every_notice_as_if_just_filed(held, releaser_ge, officer_uz, focal_uz):
    response = _release(releaser_ge, held["job"])
    assert response.status_code == 200 and response.json() == {"release_state": "released"}
    for notice in _held_notices():
        assert notice.release_state == "released" and notice.released_by_id == releaser_ge.pk
        assert notice.lane == "green" and notice.screening["lane"] == "green"
        assert _detail(officer_uz, notice.pk).status_code == 200
    assert _listed(focal_uz, direction="incoming") == set(
        ArrivalNotice.objects.values_list("pk", flat=True)
    )
    # Green notices: the receiving side's digest, as at filing.
    for notice in _held_notices():
        alerted = Alert.objects.filter(subject_id=notice.pk, event="arrival-notice")
        assert {a.recipient_id for a in alerted} == {officer_uz.pk, focal_uz.pk}


def test_a_red_notice_of_the_import_alerts_the_receiver_only_after_release(
    ge_policy, officer_ge, focal_ge, officer_uz, focal_uz
):
    watch_entry_create(user=focal_uz, kind="container", value=CONTAINER)
    job_id = _upload(officer_ge).json()["job"]
    red = Alert.objects.filter(event="arrival-red", channel=AlertChannel.PORTAL)
    assert not red.exists()

    _release(focal_ge, job_id)
    notice = ArrivalNotice.objects.get(transport_document="MEDU1")
    assert notice.lane == "red"
    assert {a.recipient_id for a in red.filter(subject_id=notice.pk)} == {
        officer_uz.pk,
        focal_uz.pk,
    }


def test_release_is_recorded_once_and_the_uploader_told(held, focal_ge, officer_ge, focal_tj):
    _release(focal_ge, held["job"])
    event = AuditEvent.objects.get(action="arrival.release")
    assert event.actor_id == focal_ge.pk and sorted(event.members) == ["GE", "UZ"]
    assert event.object_type == "arrival_import" and event.detail["notices"] == 2
    assert Alert.objects.filter(
        recipient=officer_ge, event=AlertEvent.RELEASED, release_kind="arrival_import"
    ).exists()
    job = ArrivalImportJob.objects.get(pk=held["job"])
    assert job.released_by_id == focal_ge.pk and job.released_at is not None
    assert _queue(focal_ge) == []
    assert not Alert.objects.filter(recipient=focal_tj).exists()


def test_releasing_twice_is_a_conflict(held, ge, focal_ge):
    second = member_user(ge, RoleName.FOCAL_POINT, username="focal2.ge")
    _release(focal_ge, held["job"])
    assert _release(second, held["job"]).status_code == 409
    assert _return(second, held["job"]).status_code == 409


def test_the_queue_count_counts_the_import_once(held, focal_ge, officer_ge):
    from members.releases import releases_count

    assert releases_count(user=focal_ge) == 1
    assert releases_count(user=officer_ge) == 0


# --- Return --------------------------------------------------------------------------------------


def test_return_needs_a_note(held, focal_ge):
    assert _return(focal_ge, held["job"], note=" ").status_code == 400
    assert _job_state(held["job"]) == "awaiting_release"


def test_a_returned_import_never_leaves(held, focal_ge, officer_ge, officer_uz, focal_uz):
    response = _return(focal_ge, held["job"])
    assert response.status_code == 200 and response.json() == {"release_state": "returned"}
    for notice in _held_notices():
        assert notice.release_state == "returned"
        assert notice.release_note == "Split the H2 consignment into its own manifest."
        assert _detail(focal_uz, notice.pk).status_code == 404
    alert = Alert.objects.get(
        recipient=officer_ge, event=AlertEvent.RETURNED, channel=AlertChannel.PORTAL
    )
    assert alert.release_kind == "arrival_import"
    assert alert.note == "Split the H2 consignment into its own manifest."
    event = AuditEvent.objects.get(action="arrival.return")
    assert event.actor_id == focal_ge.pk and event.members == ["GE"]
    assert _release(focal_ge, held["job"]).status_code == 409
    held_ids = [n.pk for n in _held_notices()]
    assert not Alert.objects.filter(recipient__in=[officer_uz, focal_uz], subject_id__in=held_ids)


# --- Matching ------------------------------------------------------------------------------------


def test_an_identifier_of_a_held_import_raises_no_hit_until_released(held, analyst_kz, focal_ge):
    seizure_report_create(user=analyst_kz, data=row(container_number=CONTAINER))
    held_ids = [n.pk for n in _held_notices()]
    assert not IdentifierEntry.objects.filter(record_type="arrival", record_id__in=held_ids)
    assert not Hit.objects.filter(holder_record_type="arrival", holder_record_id__in=held_ids)
    assert not Hit.objects.filter(record_type="arrival", record_id__in=held_ids)

    _release(focal_ge, held["job"])
    notice = ArrivalNotice.objects.get(transport_document="MEDU1")
    assert IdentifierEntry.objects.filter(record_type="arrival", record_id=notice.pk).exists()
    assert Hit.objects.filter(
        for_member_id=analyst_kz.member_id, holder_record_type="arrival", holder_record_id=notice.pk
    ).exists()
    assert notice.lane == "amber"


def test_a_returned_import_never_raises_a_hit(held, analyst_kz, focal_ge):
    _return(focal_ge, held["job"])
    seizure_report_create(user=analyst_kz, data=row(container_number=CONTAINER))
    held_ids = [n.pk for n in _held_notices()]
    assert not IdentifierEntry.objects.filter(record_type="arrival", record_id__in=held_ids)
    assert not Hit.objects.filter(holder_record_type="arrival", holder_record_id__in=held_ids)


# --- A large manifest, run as a job on a worker -------------------------------------------------


def test_a_large_held_manifest_awaits_release_as_its_own_job(
    ge_policy, officer_ge, focal_ge, officer_uz, settings, django_capture_on_commit_callbacks
):
    settings.ARRIVALS_IMPORT_SYNC_MAX_ROWS = 1
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(officer_ge)
    assert response.status_code == 202
    job_id = response.json()["job"]
    job = client_for(officer_ge).get(f"{IMPORT_URL}{job_id}/").json()
    assert job["state"] == "done" and job["release_state"] == "awaiting_release"
    assert ArrivalImportJob.objects.count() == 1
    assert [(r["kind"], r["id"]) for r in _queue(focal_ge)] == [("arrival_import", job_id)]
    assert {n.import_job_id for n in _held_notices()} == {job_id}
    _release(focal_ge, job_id)
    for notice in _held_notices():
        assert _detail(officer_uz, notice.pk).status_code == 200


# --- Browser -------------------------------------------------------------------------------------


def test_the_queue_page_shows_the_import_with_its_summary(held, focal_ge, client):
    client.force_login(focal_ge)
    page = client.get(reverse("release-queue")).content.decode()
    assert 'data-kind="arrival_import"' in page and "GE/manifest.csv" in page
    assert "2 of 3 notices (4 lines) await release." in page
    assert "Handling codes: H0, H2. To: UZ." in page


def test_the_job_page_offers_release_to_a_releaser_and_not_to_the_uploader(
    held, focal_ge, officer_ge, client
):
    url = reverse("arrivals:import-job", args=[held["job"]])
    client.force_login(focal_ge)
    page = client.get(url).content.decode()
    assert 'data-testid="import-release-summary"' in page
    assert 'data-testid="release-button"' in page
    client.force_login(officer_ge)
    page = client.get(url).content.decode()
    assert 'data-testid="release-state"' in page and 'data-testid="release-button"' not in page


def test_the_job_page_is_a_404_for_the_receiver_and_the_third_country(
    held, officer_uz, focal_tj, client
):
    for user in (officer_uz, focal_tj):
        client.force_login(user)
        assert client.get(reverse("arrivals:import-job", args=[held["job"]])).status_code == 404


def test_a_held_notices_page_points_to_its_import_without_buttons(held, focal_ge, client):
    notice = _held_notices().first()
    client.force_login(focal_ge)
    page = client.get(reverse("arrivals:detail", args=[notice.pk])).content.decode()
    assert 'data-testid="release-with-import"' in page
    assert reverse("arrivals:import-job", args=[held["job"]]) in page
    assert 'data-testid="release-button"' not in page


def test_the_browser_release_and_the_job_page_says_who_released_it(
    held, focal_ge, officer_ge, officer_uz, client
):
    client.force_login(focal_ge)
    response = client.post(reverse("release-item-release", args=["arrival_import", held["job"]]))
    assert response.status_code == 302
    assert _job_state(held["job"]) == "released"
    client.force_login(officer_ge)
    page = client.get(reverse("arrivals:import-job", args=[held["job"]])).content.decode()
    assert 'data-testid="released-by"' in page and "focal.ge" in page


def test_the_browser_upload_of_a_held_manifest_opens_its_job(held, ge_policy, officer_ge, client):
    client.force_login(officer_ge)
    upload = SimpleUploadedFile("second.csv", MANIFEST.replace("MEDU", "MSKU").encode())
    response = client.post(reverse("arrivals:import"), {"file": upload})
    job = ArrivalImportJob.objects.get(filename="second.csv")
    assert response.status_code == 302
    assert response["Location"] == reverse("arrivals:import-job", args=[job.pk])
    assert job.release_state == "awaiting_release"


def test_the_receivers_rescreening_leaves_a_held_import_alone(held, focal_ge, focal_uz, uz):
    from targeting.services import notices_rescreen_for

    watch_entry_create(user=focal_uz, kind="container", value=CONTAINER)
    notices_rescreen_for(member_ids=[uz.pk])
    notice = ArrivalNotice.objects.get(transport_document="MEDU1")
    assert notice.lane == "" and notice.screening == {}
    assert not Alert.objects.filter(event="arrival-red").exists()

    _release(focal_ge, held["job"])
    assert ArrivalNotice.objects.get(pk=notice.pk).lane == "red"
    assert Alert.objects.filter(event="arrival-red", recipient=focal_uz).exists()

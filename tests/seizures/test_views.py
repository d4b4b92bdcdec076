"""Browser pages: dashboard, entry form, imports with progress, operations, vocabulary."""

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from seizures import services
from seizures.models import Commodity, ImportJob, Operation, SeizureReport
from tests.factories.seizures import OperationFactory, SeizureReportFactory

from .conftest import csv_bytes, row, xlsx_bytes

pytestmark = pytest.mark.django_db


def _upload(content, name="seizures.csv"):
    return SimpleUploadedFile(name, content)


# --- Dashboard -----------------------------------------------------------------------------


def test_dashboard_bars_carry_the_same_numbers_as_the_table(client, analyst_kz, kz):
    SeizureReportFactory(reporting_member=kz, commodity="ferrosilicon", quantity=55, unit="t")
    SeizureReportFactory(reporting_member=kz, commodity="ferrosilicon", quantity=5000, unit="kg")
    client.force_login(analyst_kz)
    content = client.get(reverse("seizures:dashboard")).content.decode()
    # One bar, the longest the panel draws (its scale ends at the next round number).
    assert re.search(
        r'class="bar" x="0" y="\d+" width="[1-9][\d.]*" height="14" fill="#1565c0"', content
    )
    assert 'data-chart="commodity" data-key="ferrosilicon" data-unit="kg" data-value="60000"' in (
        content
    )
    assert ">60,000</td>" in content


def test_dashboard_draws_seven_charts_in_one_query_each(
    client, analyst_kz, kz, django_assert_max_num_queries
):
    SeizureReportFactory(reporting_member=kz)
    client.force_login(analyst_kz)
    # session, user, two for rights, three for the filter drop-downs, seven aggregates and
    # three lookups of commodity and member names
    with django_assert_max_num_queries(19):
        response = client.get(reverse("seizures:dashboard"))
    assert [c["name"] for c in response.context["charts"]] == [
        "category",
        "commodity",
        "month",
        "member",
        "transport_mode",
        "detection_method",
        "route",
    ]


def test_dashboard_shows_a_field_error_for_a_malformed_date(client, analyst_kz):
    client.force_login(analyst_kz)
    response = client.get(reverse("seizures:dashboard"), {"from": "31.12.2024"})
    assert response.status_code == 200
    assert 'data-field="from"' in response.content.decode()


def test_export_with_a_bad_filter_is_a_400_not_a_500(client, analyst_kz):
    client.force_login(analyst_kz)
    response = client.get(reverse("seizures:export", args=["csv"]), {"commodity": "nope"})
    assert response.status_code == 400


def test_report_list_takes_a_fixed_number_of_queries(
    client, analyst_kz, kz, django_assert_max_num_queries
):
    for i in range(25):
        SeizureReportFactory(reporting_member=kz, reference=f"L{i}")
    client.force_login(analyst_kz)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("seizures:report-list"))
    assert len(response.context["page"]) == 25


# --- Entry form ----------------------------------------------------------------------------


def _form_data(**values):
    data = {
        "reference": "KZ-F-1",
        "member": "KZ",
        "seized_on": "2024-02-01",
        "transport_mode": "air-cargo",
        "commodity": "pregabalin",
        "quantity": "1200",
        "unit": "pills",
        "sharing": "national",
        "persons_detained": "0",
    }
    data.update(values)
    return data


def test_analyst_enters_a_report_in_the_browser(client, analyst_kz):
    client.force_login(analyst_kz)
    response = client.post(reverse("seizures:report-new"), _form_data())
    report = SeizureReport.objects.get()
    assert response.status_code == 302
    assert (report.quantity_base, report.dimension) == (1200, "count")


def test_entry_form_shows_the_dimension_error_on_the_unit_field(client, analyst_kz):
    client.force_login(analyst_kz)
    response = client.post(reverse("seizures:report-new"), _form_data(commodity="heroin"))
    assert response.status_code == 200
    assert "Heroin cannot be reported in pills" in " ".join(response.context["form"].errors["unit"])
    assert SeizureReport.objects.count() == 0


def test_entry_form_shows_a_future_date_error_on_the_date_field(client, analyst_kz):
    client.force_login(analyst_kz)
    response = client.post(reverse("seizures:report-new"), _form_data(seized_on="2999-12-31"))
    assert response.context["form"].errors["seized_on"] == [
        "The date of the seizure cannot be in the future."
    ]


def test_member_admin_without_the_report_right_gets_404_on_entry(client, kz):
    from members.models import RoleName
    from tests.factories import member_user

    admin_kz = member_user(kz, RoleName.MEMBER_ADMIN, username="admin.kz")
    client.force_login(admin_kz)
    assert client.get(reverse("seizures:report-new")).status_code == 404


# --- Imports -------------------------------------------------------------------------------


def test_small_import_is_done_at_once(client, analyst_kz):
    client.force_login(analyst_kz)
    response = client.post(
        reverse("seizures:import"), {"file": _upload(csv_bytes([row(reference="S1")]))}
    )
    job = ImportJob.objects.get()
    assert response.url == reverse("seizures:import-job", args=[job.pk])
    assert (job.status, job.imported) == ("succeeded", 1)


def test_large_import_runs_in_celery_and_reports_progress(
    client, analyst_kz, settings, django_capture_on_commit_callbacks
):
    settings.SEIZURES_IMPORT_SYNC_MAX_ROWS = 3
    rows = [row(reference=f"B{i}") for i in range(5)]
    client.force_login(analyst_kz)
    with django_capture_on_commit_callbacks() as callbacks:
        client.post(reverse("seizures:import"), {"file": _upload(xlsx_bytes(rows), "b.xlsx")})
    job = ImportJob.objects.get()
    assert job.status == "pending" and job.total_rows == 5
    for callback in callbacks:
        callback()
    status = client.get(reverse("seizures:import-job-status", args=[job.pk])).json()
    assert status == {
        "status": "succeeded",
        "finished": True,
        "percent": 100,
        "processed_rows": 5,
        "total_rows": 5,
        "imported": 5,
        "failed": False,
        "waiting": False,
        "message": "",
    }


def test_failed_import_page_lists_row_column_and_reason(client, analyst_kz):
    client.force_login(analyst_kz)
    content = csv_bytes([row(reference="A"), row(reference="B", quantity="0")])
    response = client.post(reverse("seizures:import"), {"file": _upload(content)}, follow=True)
    page = response.content.decode()
    assert '<td class="number">3</td><td><code>quantity</code></td>' in page
    assert "The quantity must be greater than zero." in page
    assert SeizureReport.objects.count() == 0


def test_import_job_of_another_user_is_404(client, analyst_kz, focal_kz):
    job = services.import_job_create(user=analyst_kz, content=csv_bytes([row()]), filename="a.csv")
    client.force_login(focal_kz)
    assert client.get(reverse("seizures:import-job", args=[job.pk])).status_code == 404
    assert client.get(reverse("seizures:import-job-status", args=[job.pk])).status_code == 404


def test_import_job_run_twice_imports_once(analyst_kz):
    job = services.import_job_create(user=analyst_kz, content=csv_bytes([row()]), filename="a.csv")
    services.import_job_run(job_id=job.pk)
    assert SeizureReport.objects.count() == 1
    assert ImportJob.objects.get().status == "succeeded"


def test_import_page_refuses_other_file_types(client, analyst_kz):
    client.force_login(analyst_kz)
    response = client.post(reverse("seizures:import"), {"file": _upload(b"x", "a.pdf")})
    assert response.context["form"].errors["file"] == ["Upload a CSV or XLSX file."]


# --- Operations ----------------------------------------------------------------------------


def _operation_data(**values):
    data = {
        "code": "nicotiana",
        "name": "Nicotiana",
        "coordinating_member": "",
        "starts_on": "2022-10-01",
        "ends_on": "2022-12-31",
        "target_categories": ["tobacco"],
        "description": "Tobacco.",
    }
    data.update(values)
    return data


def test_focal_point_creates_an_operation_coordinated_by_their_member(client, focal_kz, kz, uz):
    client.force_login(focal_kz)
    response = client.post(
        reverse("seizures:operation-new"),
        _operation_data(coordinating_member=kz.pk, participating_members=[uz.pk]),
    )
    assert response.status_code == 302
    operation = Operation.objects.get()
    assert {m.code for m in operation.participating_members.all()} == {"KZ", "UZ"}


def test_focal_point_may_not_coordinate_for_another_member(client, focal_kz, uz):
    client.force_login(focal_kz)
    response = client.post(
        reverse("seizures:operation-new"), _operation_data(coordinating_member=uz.pk)
    )
    assert "coordinating_member" in response.context["form"].errors
    assert not Operation.objects.exists()


def test_analyst_gets_404_on_the_new_operation_page(client, analyst_kz):
    client.force_login(analyst_kz)
    assert client.get(reverse("seizures:operation-new")).status_code == 404


def test_network_admin_creates_an_operation_for_any_member(admin_user, uz):
    operation = services.operation_create(
        user=admin_user,
        code="Silk-Road",
        name="Silk Road",
        coordinating_member=uz,
        starts_on="2024-01-01",
        ends_on="2024-02-01",
    )
    assert operation.code == "silk-road"


def test_operation_ending_before_it_starts_is_refused(client, focal_kz, kz):
    client.force_login(focal_kz)
    response = client.post(
        reverse("seizures:operation-new"),
        _operation_data(coordinating_member=kz.pk, ends_on="2022-01-01"),
    )
    assert response.context["form"].errors["ends_on"]


def test_operation_page_shows_results_by_participant_and_commodity(client, analyst_kz, kz, uz):
    operation = OperationFactory(code="nicotiana", coordinating_member=kz, participants=[uz])
    SeizureReportFactory(
        reporting_member=kz,
        commodity="cigarettes",
        quantity=200000,
        unit="pieces",
        operation=operation,
    )
    SeizureReportFactory(
        reporting_member=uz,
        commodity="hookah-tobacco",
        quantity=1.2,
        unit="t",
        operation=operation,
    )
    client.force_login(analyst_kz)
    response = client.get(reverse("seizures:operation-detail", args=["nicotiana"]))
    results = response.context["results"]
    assert [r["key"] for r in results["by_member"]] == ["KZ", "UZ"]
    assert results["totals"] == {"kg": 1200.0, "pieces": 200000.0}


def test_unknown_operation_is_404(client, analyst_kz):
    client.force_login(analyst_kz)
    assert client.get(reverse("seizures:operation-detail", args=["nope"])).status_code == 404


# --- Vocabulary ----------------------------------------------------------------------------


def test_network_admin_adds_a_commodity(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("seizures:commodities"),
        {"code": "caviar", "name": "Caviar", "category": "cites", "dimensions": ["mass"]},
    )
    assert response.status_code == 302
    assert Commodity.objects.get(code="caviar").dimensions == ["mass"]


def test_analyst_may_not_add_a_commodity(client, analyst_kz):
    client.force_login(analyst_kz)
    response = client.post(
        reverse("seizures:commodities"),
        {"code": "caviar", "name": "Caviar", "category": "cites", "dimensions": ["mass"]},
    )
    assert response.status_code == 404
    assert not Commodity.objects.filter(code="caviar").exists()


def test_demo_seed_reproduces_the_published_results_and_is_idempotent(db):
    from members.models import MemberAdministration
    from seizures import demo, selectors
    from tests.factories import MemberFactory, network_admin

    for code in ["AF", "AZ", "GE", "KZ", "KG", "PK", "TJ", "TM", "UA", "UZ"]:
        MemberFactory(code=code)
    members = {str(m.code): m for m in MemberAdministration.objects.all()}
    demo.seed(members=members)
    demo.seed(members=members)
    admin = network_admin()
    totals = {r["key"]: r for r in selectors.seizure_totals(user=admin, group_by="commodity")}
    assert totals["heroin"]["totals"] == {"kg": 580.0} and totals["heroin"]["count"] == 9
    assert totals["pregabalin"]["totals"] == {"pieces": 127344.0}
    assert totals["ferrosilicon"]["totals"] == {"kg": 55000.0}
    assert totals["cigarettes"]["totals"] == {"pieces": 550000.0}
    assert totals["consumer-goods"]["totals"] == {"kg": 237000.0}
    assert Operation.objects.get(code="nicotiana").coordinating_member.code == "KZ"


def test_xlsx_export_over_the_limit_sends_back_to_the_dashboard(client, analyst_kz, kz, settings):
    settings.SEIZURES_EXPORT_XLSX_MAX_ROWS = 1
    SeizureReportFactory(reporting_member=kz, reference="X1")
    SeizureReportFactory(reporting_member=kz, reference="X2")
    client.force_login(analyst_kz)
    response = client.get(reverse("seizures:export", args=["xlsx"]), {"member": "KZ"})
    assert response.status_code == 302
    assert response.url == reverse("seizures:dashboard") + "?member=KZ"


def test_large_import_runs_in_the_request_when_the_broker_is_down(
    analyst_kz, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError

    from seizures import tasks

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.run_seizure_import, "delay", broker_down)
    settings.SEIZURES_IMPORT_SYNC_MAX_ROWS = 1
    rows = [row(reference=f"D{i}") for i in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        job = services.import_job_create(user=analyst_kz, content=csv_bytes(rows), filename="d.csv")
    job.refresh_from_db()
    assert (job.status, job.imported) == ("succeeded", 3)


def test_job_left_waiting_by_a_lost_message_is_resumed(analyst_kz, settings):
    import datetime

    from django.utils import timezone

    settings.SEIZURES_IMPORT_SYNC_MAX_ROWS = 0  # queued, and the message is "lost"
    job = services.import_job_create(user=analyst_kz, content=csv_bytes([row()]), filename="l.csv")
    ImportJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    assert services.import_jobs_resume() == 1
    job.refresh_from_db()
    assert (job.status, job.imported) == ("succeeded", 1)


def test_job_already_running_elsewhere_is_not_taken_over(analyst_kz, settings):
    from django.utils import timezone

    settings.SEIZURES_IMPORT_SYNC_MAX_ROWS = 0
    job = services.import_job_create(user=analyst_kz, content=csv_bytes([row()]), filename="r.csv")
    ImportJob.objects.filter(pk=job.pk).update(status="running", started_at=timezone.now())
    services.import_job_run(job_id=job.pk)
    assert SeizureReport.objects.count() == 0
    assert ImportJob.objects.get(pk=job.pk).status == "running"


def test_export_columns_and_cells_come_from_one_column_list(client, analyst_kz, kz):
    import csv
    import io

    from seizures.columns import EXPORT_COLUMNS

    SeizureReportFactory(
        reporting_member=kz,
        reference="COLS-1",
        quantity=Decimal("2500"),
        unit="g",
        transit_countries=["UZ", "KG"],
    )
    client.force_login(analyst_kz)
    response = client.get(reverse("seizures:export", args=["csv"]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text))
    assert next(reader) == EXPORT_COLUMNS
    row = dict(zip(EXPORT_COLUMNS, next(reader), strict=True))
    assert (row["quantity"], row["unit"]) == ("2500", "g")
    assert (row["quantity_base"], row["base_unit"]) == ("2.5", "kg")
    assert row["transit_countries"] == "UZ,KG"
    assert row["member"] == "KZ"


def test_import_template_lists_the_import_columns_and_imports_once_filled(client, analyst_kz):
    from seizures.columns import IMPORT_COLUMNS

    client.force_login(analyst_kz)
    response = client.get(reverse("seizures:import-template", args=["csv"]))
    assert response.status_code == 200
    template = response.content.decode("utf-8-sig")
    assert template.strip() == ",".join(IMPORT_COLUMNS)
    filled = template + ",".join(str(row()[c]) for c in IMPORT_COLUMNS) + "\r\n"
    assert services.seizures_import(user=analyst_kz, content=filled.encode(), filename="t.csv") == 1


def test_import_template_is_404_for_those_who_may_not_import(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("seizures:import-template", args=["csv"])).status_code == 404

"""Retention: notices with no finding go after ARRIVALS_RETENTION_DAYS with their index rows;
those with a discrepancy, a seizure or a query stay; whole months go as partitions."""

from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from arrivals import partitioning
from arrivals.models import ArrivalNotice
from arrivals.services import arrivals_prune, notice_arrived
from matching.models import IdentifierEntry
from members.models import AuditEvent

from .conftest import client_for, notice_data

URL = "/api/v1/arrivals/"


def _file(user, expected, **changes):
    response = client_for(user).post(
        URL,
        notice_data(
            expected_arrival=expected.isoformat(),
            departed_at=(expected - timedelta(days=1)).isoformat(),
            **changes,
        ),
        format="json",
    )
    assert response.status_code == 201, response.json()
    return ArrivalNotice.objects.get(pk=response.json()["id"])


def test_prune_removes_old_innocent_notices_and_keeps_findings(officer_ge, officer_uz, settings):
    settings.ARRIVALS_RETENTION_DAYS = 180
    old = timezone.now() - timedelta(days=400)
    innocent = _file(officer_ge, old)
    found = _file(officer_ge, old + timedelta(hours=1), transport_document="MEDU7654321")
    notice_arrived(user=officer_uz, notice=found, data={"containers": [], "gross_kg": 20000})
    recent = _file(officer_ge, timezone.now(), transport_document="MEDU1111111")

    result = arrivals_prune()

    assert result["removed"] == 1
    assert set(ArrivalNotice.objects.values_list("pk", flat=True)) == {found.pk, recent.pk}
    assert not IdentifierEntry.objects.filter(record_type="arrival", record_id=innocent.pk).exists()
    assert IdentifierEntry.objects.filter(record_type="arrival", record_id=found.pk).exists()
    event = AuditEvent.objects.get(action="arrival.prune")
    assert event.detail["removed"] == 1


def test_a_month_of_removable_notices_goes_as_a_partition(officer_ge, tashkent, settings):
    settings.ARRIVALS_RETENTION_DAYS = 180
    old = timezone.now() - timedelta(days=400)
    _file(officer_ge, old)
    name = partitioning.partition_name(partitioning.month_start(old))
    assert name in partitioning.partitions()
    call_command("arrivals_prune")
    assert name not in partitioning.partitions()
    assert not ArrivalNotice.objects.exists()


def test_notices_land_in_their_months_partition(officer_ge, tashkent):
    notice = _file(officer_ge, timezone.now() + timedelta(days=40))
    name = partitioning.partition_name(partitioning.month_start(notice.expected_arrival))
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {name}")
        assert cursor.fetchone()[0] == 1
        cursor.execute(f"SELECT count(*) FROM {partitioning.DEFAULT_PARTITION}")
        assert cursor.fetchone()[0] == 0


def test_beat_creates_the_partitions_ahead_outside_a_transaction(db, settings):
    from arrivals.tasks import ensure_partitions

    settings.ARRIVALS_PARTITIONS_AHEAD = 2
    ensure_partitions.apply()
    ahead = partitioning.month_start(timezone.now() + timedelta(days=62))
    assert partitioning.partition_name(ahead) in partitioning.partitions()


def test_prune_removes_the_hits_of_a_notice_and_their_alerts(
    officer_ge, officer_uz, focal_kz, analyst_kz, settings
):
    from alerts.models import Alert
    from matching.models import Hit
    from seizures.services import seizure_report_create
    from tests.seizures.conftest import row

    settings.ARRIVALS_RETENTION_DAYS = 180
    seizure_report_create(user=analyst_kz, data=row(container_number="CSQU3054383"))
    notice = _file(officer_ge, timezone.now() - timedelta(days=400))
    # KZ learns that UZ holds a record with its container: a hit, alerted to KZ.
    hits = Hit.objects.filter(holder_record_type="arrival", holder_record_id=notice.pk)
    assert Alert.objects.filter(hit__in=hits, recipient=focal_kz).exists()
    assert Hit.objects.filter(record_type="arrival", record_id=notice.pk).exists()
    arrivals_prune()
    assert not Hit.objects.filter(record_type="arrival", record_id=notice.pk).exists()
    assert not Hit.objects.filter(holder_record_type="arrival", holder_record_id=notice.pk).exists()

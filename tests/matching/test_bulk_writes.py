"""Batches of index rows and hits go in by COPY on PostgreSQL (``bulk_create`` on SQLite):
what is stored must be exactly what ``bulk_create`` would store, every hit must have its pk,
and the table's sequence must stay ahead of the pks taken."""

from core import bulk
from exchange.models import Alert
from matching import services as matching
from matching.models import Hit, IdentifierEntry
from seizures.matching import seizure_report_index, seizure_reports_index

from .conftest import kz_report, tj_query

# A backslash, COPY's NULL marker as text, and what an array literal has to quote.
AWKWARD = "Firm \\N \"7\", {a} 'b'"


def test_a_batch_written_by_copy_keeps_every_field(monkeypatch, kz, tj, focal_tj):
    monkeypatch.setattr(matching, "COPY_MIN_ROWS", 1)
    monkeypatch.setattr(bulk, "COPY_PIECE_ROWS", 2)  # several pieces per COPY
    tj_query(focal_tj, recipients=("KZ",), consignee=AWKWARD)
    reports = [
        kz_report(kz, index=False, reference=f'B\\{i}\t",{{}}', consignee=AWKWARD) for i in range(3)
    ]
    made = seizure_reports_index(reports=reports)

    # Container and company, both sides, for each of the three reports.
    assert len(made) == 12
    stored = {hit.pk: hit for hit in Hit.objects.all()}
    assert set(stored) == {hit.pk for hit in made}
    for hit in made:
        row = stored[hit.pk]
        for field in Hit._meta.concrete_fields:
            assert getattr(row, field.attname) == getattr(hit, field.attname), field.name
    assert {h.display for h in made if h.kind == "company"} == {AWKWARD}
    assert {h.record_reference for h in made if h.for_member_id == kz.pk} == {
        f'KZ/B\\{i}\t",{{}}' for i in range(3)
    }
    assert set(
        IdentifierEntry.objects.filter(kind="company").values_list("display", flat=True)
    ) == {AWKWARD}
    # The alerts point at the hits written (TJ's hits are alerted to its focal point).
    alerted = [h for h in made if h.alerted and h.for_member_id == tj.pk]
    assert alerted
    assert set(
        Alert.objects.filter(recipient=focal_tj, hit__isnull=False).values_list("hit_id", flat=True)
    ) == {h.pk for h in alerted}

    # The alerts went in by COPY too: the same rows bulk_create writes (compared field by
    # field with the ones made for the later hit below, by INSERT).
    copied = list(Alert.objects.filter(hit__in=alerted).order_by("hit_id", "channel"))
    assert {a.channel for a in copied} == {"portal", "email"}

    # A later hit written by INSERT takes a pk after those.
    monkeypatch.setattr(matching, "COPY_MIN_ROWS", 10_000)
    later = seizure_report_index(report=kz_report(kz, index=False, reference="C-1"))
    assert later and min(h.pk for h in later) > max(stored)
    inserted = list(Alert.objects.filter(hit__in=later).order_by("hit_id", "channel"))
    assert inserted and min(a.pk for a in inserted) > max(a.pk for a in copied)
    varying = {"id", "hit", "created_at", "next_attempt_at", "claimed_at", "sent_at"}
    shape = [f.attname for f in Alert._meta.concrete_fields if f.name not in varying]
    by_channel = {a.channel: a for a in inserted}
    for alert in copied:
        twin = by_channel[alert.channel]
        assert [getattr(alert, n) for n in shape] == [getattr(twin, n) for n in shape]
        assert (alert.claimed_at is None) == (twin.claimed_at is None)
        assert (alert.sent_at is None) == (twin.sent_at is None)

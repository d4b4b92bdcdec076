"""``manage.py identifiers_reindex`` indexes what is already there, and is safe to run twice."""

from io import StringIO

from django.core.management import call_command

from matching.models import Hit, IdentifierEntry

from .conftest import CONTAINER, kz_report, tj_query


def test_reindex_indexes_existing_records_and_is_safe_twice(kz, uz, tj, focal_tj):
    report = kz_report(kz, index=False, vessel_imo="9074729", shipper="Dushanbe Trade LLC")
    query = tj_query(focal_tj)
    IdentifierEntry.objects.all().delete()
    Hit.objects.all().delete()
    query.vessel_imo = "9074729"
    query.save()

    out = StringIO()
    call_command("identifiers_reindex", "--chunk-size", "1", stdout=out)
    assert "exchange: 1 record(s) indexed" in out.getvalue()
    assert "seizures: 1 record(s) indexed" in out.getvalue()
    kinds = set(
        IdentifierEntry.objects.filter(record_type="seizure", record_id=report.pk).values_list(
            "kind", "value"
        )
    )
    assert kinds == {
        ("container", CONTAINER),
        ("company", "AKTAU CERAMICS"),
        ("company", "DUSHANBE TRADE"),
        ("vessel-imo", "9074729"),
    }
    tj_hits = set(Hit.objects.filter(for_member=tj).values_list("kind", flat=True))
    assert tj_hits == {"container", "company", "vessel-imo"}
    count = Hit.objects.count()
    call_command("identifiers_reindex", stdout=StringIO())
    assert Hit.objects.count() == count
    assert IdentifierEntry.objects.count() == len(kinds) + 3

"""The disclosure rule, case by case, through the real index services: a KZ record carrying a
container that another member holds (a TJ report shared with the network) or watches (a UZ
watch entry). Each row of the table says whether that member learns of KZ's record (a hit)
and whether it may see the record's reference (``holder_visible``)."""

import datetime
import random

import pytest

from matching import services as matching
from matching.models import Hit, IdentifierEntry, MemberMatchingSetting, WatchEntry

CONTAINER = "CSQU3054383"
KZ_RECORD = 500

pytestmark = pytest.mark.django_db

# (record type, visibility, parties, handling, matched outward, KZ national reports off)
#   → None (no hit) or holder_visible. ``parties``: "learner" names the member that learns.
CASES = [
    ("seizure", "network", (), "", True, False, True),
    ("seizure", "network", (), "", True, True, True),  # the switch is for national reports
    ("seizure", "parties", (), "", True, False, False),  # a national report: no reference
    ("seizure", "parties", (), "", True, True, None),  # ... switched off: nothing at all
    ("seizure", "network", (), "", False, False, None),  # marked excluded
    ("seizure", "parties", (), "", False, False, None),
    ("query", "parties", ("learner",), "H0", True, False, True),
    ("query", "parties", (), "H0", True, False, False),
    ("query", "parties", ("learner",), "H1", True, False, True),
    ("query", "parties", ("other",), "H1", True, False, False),
    ("query", "parties", ("other",), "H1", True, True, False),  # queries ignore the switch
    ("query", "parties", ("learner",), "H2", True, False, True),
    ("query", "parties", ("other", "learner"), "H2", True, False, True),
    ("query", "parties", ("other",), "H2", True, False, None),  # H2: its parties only
    ("query", "parties", (), "H2", True, False, None),
    ("query", "parties", ("learner",), "H3", False, False, None),  # H3: never outward
    ("query", "parties", ("learner",), "H1", False, False, None),  # marked excluded
]


def _kz_record(kz, learner, other, case, record_id=KZ_RECORD, value=("container", CONTAINER)):
    record_type, visibility, parties, handling, outward, _off, _expected = case
    named = {"learner": learner.pk, "other": other.pk}
    return {
        "record_type": record_type,
        "record_id": record_id,
        "record_reference": f"KZ-{record_id}",
        "owner_member_id": kz.pk,
        "visibility": visibility,
        "party_member_ids": [named[p] for p in parties],
        "matchable_outward": outward,
        "handling": handling,
        "seen_on": datetime.date(2026, 5, 12),
        "identifiers": [value],
    }


def _network_report(member, record_id, value=("container", CONTAINER)) -> dict:
    return {
        "record_type": "seizure",
        "record_id": record_id,
        "record_reference": f"{member.code}-{record_id}",
        "owner_member_id": member.pk,
        "visibility": "network",
        "seen_on": datetime.date(2026, 4, 2),
        "identifiers": [value],
    }


def _switch(kz, off: bool) -> None:
    MemberMatchingSetting.objects.update_or_create(
        member=kz, defaults={"national_reports_match": not off}
    )


def _learned(member, record_id=KZ_RECORD) -> list[bool]:
    return list(
        Hit.objects.filter(
            for_member=member,
            holder_record_type__in=["seizure", "query"],
            holder_record_id=record_id,
        ).values_list("holder_visible", flat=True)
    )


@pytest.mark.parametrize("case", CASES, ids=[str(n) for n in range(len(CASES))])
def test_a_member_holding_the_value_learns_of_the_record_as_the_rule_says(kz, uz, tj, case):
    _switch(kz, case[5])
    matching.identifiers_index_many(records=[_network_report(tj, 1)], new=True)
    matching.identifiers_index_many(records=[_kz_record(kz, tj, uz, case)], new=True)

    expected = case[-1]
    assert _learned(tj) == ([] if expected is None else [expected])
    # The other way, KZ always learns of TJ's shared report (what KZ's record discloses is
    # no matter), and UZ, holding nothing, learns of nothing.
    assert _learned(kz, record_id=1) == [True]
    assert not Hit.objects.filter(for_member=uz).exists()


@pytest.mark.parametrize("case", CASES, ids=[str(n) for n in range(len(CASES))])
def test_a_member_watching_the_value_learns_of_the_record_as_the_rule_says(kz, uz, tj, case):
    _switch(kz, case[5])
    WatchEntry.objects.create(member=uz, kind="container", value=CONTAINER, display=CONTAINER)
    matching.identifiers_index_many(records=[_kz_record(kz, uz, tj, case)], new=True)

    expected = case[-1]
    learned = Hit.objects.filter(for_member=uz, record_type="watch")
    assert list(learned.values_list("holder_visible", flat=True)) == (
        [] if expected is None else [expected]
    )
    assert not Hit.objects.filter(for_member=tj).exists()


def test_an_edit_that_closes_a_record_takes_back_the_open_hits_and_hides_its_reference(kz, uz, tj):
    """Indexing a record again (``new=False``) applies the same rule to the hits it made."""
    matching.identifiers_index_many(records=[_network_report(tj, 1)], new=True)
    shared = ("query", "parties", ("learner",), "H1", True, False, True)
    matching.identifiers_index_many(records=[_kz_record(kz, tj, uz, shared)], new=True)
    assert _learned(tj) == [True]

    not_a_party = ("query", "parties", ("other",), "H1", True, False, False)
    matching.identifiers_index_many(records=[_kz_record(kz, tj, uz, not_a_party)])
    assert _learned(tj) == [False]

    h2 = ("query", "parties", ("other",), "H2", True, False, None)
    matching.identifiers_index_many(records=[_kz_record(kz, tj, uz, h2)])
    assert _learned(tj) == []
    # KZ's own hit on TJ's report stays.
    assert _learned(kz, record_id=1) == [True]


def test_a_batch_makes_the_hits_its_records_make_one_by_one(settings, kz, uz, tj):
    """Every case at once (one pairing statement) and each case alone make the same
    hits; none is made twice when the batch is indexed again."""
    settings.MATCHING_COMMON_THRESHOLD = 1000
    rng = random.Random(19)
    cases = [case for case in CASES if not case[5]]  # (the switch stays on)
    records = [_network_report(tj, n, ("company", f"Firm {n} LLP")) for n in range(len(cases))]
    batch = [
        _kz_record(kz, tj, uz, case, record_id=100 + n, value=("company", f"Firm {n} LLP"))
        for n, case in enumerate(cases)
    ]
    rng.shuffle(batch)

    def hits() -> set[tuple]:
        return set(
            Hit.objects.values_list(
                "for_member_id", "value", "record_id", "holder_record_id", "holder_visible",
                "alerted", "common", "month",
            )
        )  # fmt: skip

    matching.identifiers_index_many(records=records, new=True)
    for record in batch:
        matching.identifiers_index_many(records=[record], new=True)
    one_by_one = hits()
    Hit.objects.all().delete()
    IdentifierEntry.objects.filter(owner_member=kz).delete()
    matching.identifiers_index_many(records=batch, new=True)
    assert hits() == one_by_one
    expected = sum(1 for case in cases if case[-1] is not None) + len(cases)
    assert len(one_by_one) == expected
    assert matching.identifiers_index_many(records=batch) == []
    assert hits() == one_by_one

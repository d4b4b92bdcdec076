"""A large batch is paired inside PostgreSQL (``matching.services._pairs_match_in_database``)
with the SQL forms of the matching rules; smaller ones, and SQLite, pair in Python. Both must
make exactly the same hits: these tests check the SQL rules against the Python ones case by
case, and the two ways of pairing against each other on a mixed network."""

import datetime
import inspect
import itertools
import random

import pytest
from django.db import connection

from matching import permissions as rules
from matching import services as matching
from matching.models import Hit, IdentifierEntry, party_ids_text

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Pairing in the database is PostgreSQL's (SQLite always pairs in Python).",
)


def test_the_row_class_takes_its_fields_in_the_order_they_are_read():
    parameters = list(inspect.signature(matching._Row.__init__).parameters)[1:]
    assert tuple(parameters) == matching._ROW_FIELDS


@postgresql_only
@pytest.mark.django_db
def test_sql_rules_decide_as_the_python_rules_for_every_case(kz, uz, tj):
    members = [kz.pk, uz.pk, tj.pk]
    entries = []
    cases = itertools.product(
        ("seizure", "query"),
        ("network", "parties"),
        ("", "H0", "H1", "H2", "H3"),
        (True, False),
        members,
        ("", party_ids_text([kz.pk]), party_ids_text([tj.pk, uz.pk])),
    )
    for n, (record_type, visibility, handling, outward, owner, parties) in enumerate(cases):
        entries.append(
            IdentifierEntry(
                kind="container",
                value=f"V{n}",
                display=f"V{n}",
                record_type=record_type,
                record_id=n,
                record_reference=f"R{n}",
                owner_member_id=owner,
                visibility=visibility,
                party_ids=parties,
                matchable_outward=outward,
                handling=handling,
                seen_on=datetime.date(2026, 5, 1),
            )  # fmt: skip
        )
    IdentifierEntry.objects.bulk_create(entries)
    stored = list(IdentifierEntry.objects.all())
    checked = 0
    for learner, national_off in itertools.product(members, (frozenset(), frozenset([kz.pk]))):
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT a.id FROM {IdentifierEntry._meta.db_table} a"
                f" WHERE {rules.disclosable_sql('a', str(learner))}",
                [sorted(national_off)],
            )
            in_sql = {pk for (pk,) in cursor.fetchall()}
            cursor.execute(
                f"SELECT a.id FROM {IdentifierEntry._meta.db_table} a"
                f" WHERE {rules.visible_sql('a', str(learner))}"
            )
            visible_in_sql = {pk for (pk,) in cursor.fetchall()}
        in_python = {e.pk for e in stored if rules.disclosable(e, learner, national_off)}
        visible_in_python = {e.pk for e in stored if rules.visible(e, learner)}
        assert in_sql == in_python
        assert visible_in_sql == visible_in_python
        # Both decisions go both ways in the matrix (the check is not vacuous).
        assert 0 < len(in_python) < len(stored)
        assert 0 < len(visible_in_python) < len(stored)
        checked += len(stored)
    assert checked == 6 * len(stored)


def _network(kz, uz, tj, rng: random.Random, count: int, first_id: int) -> list[dict]:
    """Records of three members sharing a small pool of values, with every kind of handling,
    visibility and party list."""
    members = [kz.pk, uz.pk, tj.pk]
    records = []
    for n in range(count):
        owner = rng.choice(members)
        record_type = rng.choice(["seizure", "query"])
        parties = rng.sample(members, rng.randint(0, 2)) if record_type == "query" else []
        records.append(
            {
                "record_type": record_type,
                "record_id": first_id + n,
                "record_reference": f"R-{first_id + n}",
                "owner_member_id": owner,
                "visibility": rng.choice(["network", "parties"]),
                "party_member_ids": parties,
                "matchable_outward": rng.random() > 0.15,
                "handling": rng.choice(["", "H0", "H1", "H2"]) if record_type == "query" else "",
                "seen_on": datetime.date(2026, rng.randint(1, 12), rng.randint(1, 28)),
                "identifiers": [
                    ("container", f"MSKU{rng.randrange(40):07d}"),
                    ("company", f"Firm {rng.randrange(30)} LLP"),
                ],
            }
        )
    return records


def _hits() -> set[tuple]:
    return set(
        Hit.objects.values_list(
            "for_member_id",
            "kind",
            "value",
            "display",
            "record_type",
            "record_id",
            "record_reference",
            "holder_member_id",
            "holder_record_type",
            "holder_record_id",
            "holder_record_reference",
            "holder_visible",
            "month",
            "state",
            "alerted",
            "common",
        )  # fmt: skip
    )


def _pair(
    monkeypatch, earlier, batch, *, in_database: bool, national_off=(), batch_size=1
) -> set[tuple]:
    Hit.objects.all().delete()
    IdentifierEntry.objects.all().delete()
    monkeypatch.setattr(matching, "PAIR_IN_DATABASE", False)
    matching.identifiers_index_many(records=earlier, new=True)
    before = _hits()
    monkeypatch.setattr(matching, "PAIR_IN_DATABASE", in_database)
    # (From COPY_MIN_ROWS on, the database pairs as a batch: without JIT, rows by COPY.)
    monkeypatch.setattr(matching, "COPY_MIN_ROWS", batch_size if in_database else 10**9)
    made = matching.identifiers_index_many(records=batch, new=True)
    added = _hits() - before
    assert len(made) == len(added)
    return added


@postgresql_only
@pytest.mark.django_db
def test_a_batch_paired_in_the_database_makes_the_hits_python_makes(
    monkeypatch, settings, kz, uz, tj
):
    settings.MATCHING_COMMON_THRESHOLD = 12
    rng = random.Random(20261129)
    earlier = _network(kz, uz, tj, rng, 60, first_id=1)
    batch = _network(kz, uz, tj, rng, 40, first_id=1000)
    in_python = _pair(monkeypatch, earlier, batch, in_database=False)
    in_database = _pair(monkeypatch, earlier, batch, in_database=True)
    assert in_database == in_python
    # Below the batch size (a single record's path) too.
    assert _pair(monkeypatch, earlier, batch, in_database=True, batch_size=10**9) == in_python
    # The network is mixed enough for the comparison to mean something: hits both shown and
    # hidden, alerted and not, and values left out as common.
    assert len(in_python) > 50
    assert {h[11] for h in in_python} == {True, False}
    assert {h[14] for h in in_python} == {True, False}
    assert IdentifierEntry.objects.values("kind", "value").distinct().count() > len(
        {(h[1], h[2]) for h in in_python}
    )


@postgresql_only
@pytest.mark.django_db
def test_a_batch_indexed_again_adds_no_hit_twice(monkeypatch, kz, uz, tj):
    rng = random.Random(7)
    earlier = _network(kz, uz, tj, rng, 30, first_id=1)
    batch = _network(kz, uz, tj, rng, 30, first_id=500)
    assert _pair(monkeypatch, earlier, batch, in_database=True)
    stored = _hits()
    # An edit indexes the same records again (new=False): the hits that exist stay as they
    # are, and none is written twice.
    again = matching.identifiers_index_many(records=batch)
    assert again == []
    assert _hits() == stored
    assert Hit.objects.count() == len(stored)


def _alerts() -> set[tuple]:
    from exchange.models import Alert

    return set(
        Alert.objects.values_list(
            "recipient_id", "event", "channel", "hit__record_type", "hit__record_id",
            "hit__for_member_id", "hit__holder_record_id", "hit__kind", "hit__value",
        )
    )  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("batch_size", [1, 10**9])
def test_an_import_that_takes_no_hits_back_writes_and_alerts_the_same_hits(
    monkeypatch, kz, uz, tj, focal_kz, focal_uz, focal_tj, batch_size
):
    """``identifiers_index_import`` (an import: only the number of hits comes back, and on
    PostgreSQL the pairing statement returns only what the alerts read) writes exactly the
    hits and alerts that ``identifiers_index_many`` writes, as a batch and below one."""
    from exchange.models import Alert
    from matching.models import WatchEntry

    # (Watch hits are made in Python beside the paired ones, and alerted with them.)
    for n in range(10):
        WatchEntry.objects.create(member=uz, kind="company", value=f"FIRM {n}", display=f"F{n}")
    monkeypatch.setattr(matching, "COPY_MIN_ROWS", batch_size)
    outcomes = []
    for index in (matching.identifiers_index_many, matching.identifiers_index_import):
        Hit.objects.all().delete()
        IdentifierEntry.objects.all().delete()
        Alert.objects.all().delete()
        rng = random.Random(20261130)
        matching.identifiers_index_many(records=_network(kz, uz, tj, rng, 40, 1), new=True)
        before_hits, before_alerts = _hits(), _alerts()
        batch = _network(kz, uz, tj, rng, 30, 1000)
        made = (
            index(records=batch, new=True)
            if index is matching.identifiers_index_many
            else (index(records=batch))
        )
        added = _hits() - before_hits
        assert (len(made) if isinstance(made, list) else made) == len(added)
        outcomes.append((added, _alerts() - before_alerts))
    (hits_many, alerts_many), (hits_import, alerts_import) = outcomes
    assert hits_import == hits_many
    assert alerts_import == alerts_many
    assert len(hits_many) > 20 and len(alerts_many) > 5
    assert {hit[4] for hit in hits_many} >= {"watch", "seizure", "query"}

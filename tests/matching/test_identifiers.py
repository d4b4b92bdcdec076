"""Normalisation: every spelling of one identifier gives one key; anything else is refused."""

import pytest

from core.identifiers import InvalidIdentifier, normalise, normalise_or_none

SAME_KEY = [
    # containers: case, spaces, dashes, dots
    ("container", ["CSQU3054383", "csqu3054383", "CSQU 305438 3", "CSQU-305438-3", "csqu.3054383"]),
    # bills of lading: separators do not count
    ("bill-of-lading", ["MAEU123456789", "maeu-123456789", "MAEU 123 456 789", "MAEU/123456789"]),
    # air waybills: 11 digits, displayed NNN-NNNNNNNN
    ("air-waybill", ["176-12345675", "17612345675", "176 1234 5675", "176.12345675"]),
    # vessels: with or without the IMO prefix
    ("vessel-imo", ["9074729", "IMO 9074729", "imo9074729", "IMO9074729"]),
    # plates: case, spaces, dashes, Cyrillic look-alikes
    ("vehicle", ["A123BC01", "a 123 bc 01", "А123ВС-01", "а123вс01", "A-123-BC-01"]),
    # companies: case, punctuation, quotes, legal forms, script
    (
        "company",
        [
            "AKTAU CERAMICS, LLP",
            "Aktau Ceramics LLP",
            "ТОО «Aktau Ceramics»",
            '"Aktau Ceramics" L.L.P.',
            "aktau   ceramics",
            "Aktau-Ceramics",
            "AKTAU CERAMICS LTD.",
            "ООО 'Aktau Ceramics'",
            "АО “Aktau Ceramics”",
            "Aktau Ceramics GmbH",
            "Aktau Ceramics JSC",
            "OJSC Aktau Ceramics",
            "ЧП Aktau Ceramics",
        ],
    ),
    ("company", ["Актау Керамикс", "AKTAU KERAMIKS", "ТОО «Актау Керамикс»"]),
    ("company", ["Шымкент Сауда", "SHYMKENT SAUDA LLP"]),
    ("company", ["Qazaq Trans Co.", "QAZAQ TRANS COMPANY LIMITED", "Qazaq Trans Inc"]),
]


@pytest.mark.parametrize(("kind", "spellings"), SAME_KEY)
def test_every_spelling_gives_the_same_key(kind, spellings):
    keys = {normalise(kind, s) for s in spellings}
    assert len(keys) == 1, keys


@pytest.mark.parametrize(
    ("kind", "raw", "key"),
    [
        ("container", "csqu 305438-3", "CSQU3054383"),
        ("air-waybill", "17612345675", "176-12345675"),
        ("vessel-imo", "IMO 9074729", "9074729"),
        ("vehicle", "а123вс01", "A123BC01"),
        ("company", "ТОО «Aktau Ceramics»", "AKTAU CERAMICS"),
        ("company", "Қазақ Темір Жолы АО", "QAZAQ TEMIR ZHOLY"),
        ("bill-of-lading", "maeu-123 456 789", "MAEU123456789"),
    ],
)
def test_key(kind, raw, key):
    assert normalise(kind, raw) == key


@pytest.mark.parametrize(
    ("kind", "raw"),
    [
        ("container", "CSQU3054384"),  # wrong check digit
        ("container", "CSQ3054383"),  # too short
        ("container", ""),
        ("air-waybill", "176-12345676"),  # mod 7 fails
        ("air-waybill", "176-1234567"),  # ten digits
        ("vessel-imo", "9074728"),  # wrong check digit
        ("vessel-imo", "IMO 12345"),
        ("vehicle", "-"),
        ("company", "LLP"),  # nothing left but a legal form
        ("company", "«»"),
        ("company", "   "),
        ("bill-of-lading", "AB"),
        ("bill-of-lading", "X" * 36),
        ("nonsense", "CSQU3054383"),
    ],
)
def test_invalid_identifiers_are_refused(kind, raw):
    with pytest.raises(InvalidIdentifier):
        normalise(kind, raw)
    assert normalise_or_none(kind, raw) is None


def test_different_companies_stay_different():
    assert normalise("company", "Aktau Ceramics LLP") != normalise("company", "Aktau Ceramic LLP")
    assert normalise("company", "Aktau Ceramics") != normalise("company", "Atyrau Ceramics")


def test_the_fast_container_check_accepts_exactly_what_stdnum_accepts():
    """``_container_valid`` (the import's per-row check) against ``stdnum.iso6346`` on
    20,000 numbers of the right form, each with a random check digit (one in ten right)
    and with its right one."""
    import random
    import string

    from stdnum import iso6346

    from core.identifiers import _container_valid

    rng = random.Random(6346)
    accepted = 0
    for _ in range(10_000):
        owner = "".join(rng.choices(string.ascii_uppercase, k=3)) + rng.choice("UJZR")
        base = owner + "".join(rng.choices(string.digits, k=6))
        for number in (base + rng.choice(string.digits), base + iso6346.calc_check_digit(base)):
            assert _container_valid(number) == iso6346.is_valid(number), number
            accepted += _container_valid(number)
    assert 10_000 < accepted < 12_000

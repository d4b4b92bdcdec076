"""Risk-profile criteria: every field and operator against notices, in both scripts, and the
refusals that name what is wrong."""

import pytest

from targeting.criteria import (
    FIELDS,
    InvalidCriteria,
    NoticeFacts,
    compile_profile,
    criteria_clean,
)

NOTICE = {
    "mode": "sea",
    "vessel_imo": "IMO 9074729",
    "place_of_loading": "AEJEA",
    "place_of_discharge": "GEPTI",
    "transit_countries": ["GE", "AZ"],
    "from_member": "GE",
    "shipper": "Jebel Trading FZE",
    "shipper_country": "AE",
    "consignee": "ТОО «Алтын Дала»",
    "consignee_country": "KZ",
    "containers": [{"number": "MSKU9070323", "seals": ["S1"]}],
    "goods": [
        {"description": "Запасные части (spare parts)", "hs_code": "8708.99", "packages": 10,
         "gross_kg": "1200"},
        {"description": "Cigarettes", "hs_code": "240220", "packages": 400, "gross_kg": "4000"},
    ],
}  # fmt: skip


def selects(criteria, notice=NOTICE, modes=(), **facts):
    profile = compile_profile(criteria_clean(criteria), modes)
    return profile.selects(NoticeFacts(notice, **facts))


def one(field, op, value):
    return [{"field": field, "op": op, "value": value}]


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        (one("hs_code", "prefix", ["2402", "2403"]), True),
        (one("hs_code", "prefix", "8708"), True),
        (one("hs_code", "prefix", ["2403"]), False),
        (one("description", "contains", ["spare parts"]), True),
        # The Russian word typed in Latin letters, and in Cyrillic capitals.
        (one("description", "contains", ["zapasnye"]), True),
        (one("description", "contains", ["ЗАПАСНЫЕ ЧАСТИ"]), True),
        (one("description", "contains", ["CIGARETTES", "tyres"]), True),
        (one("description", "contains", ["tyres"]), False),
        (one("place_of_loading", "in", ["AEJEA", "GEPTI"]), True),
        (one("place_of_loading", "in", ["aejea"]), True),
        (one("place_of_loading", "in", ["CNSHA"]), False),
        (one("place_of_discharge", "in", ["GEPTI"]), True),
        (one("place_of_discharge", "in", ["AEJEA"]), False),
        (one("transit_country", "in", ["AZ"]), True),
        (one("transit_country", "in", ["TM"]), False),
        (one("shipper_country", "in", ["AE"]), True),
        (one("shipper_country", "in", ["CN"]), False),
        (one("consignee_country", "in", ["KZ"]), True),
        (one("consignee_country", "in", ["UZ"]), False),
        (one("from_member", "in", ["GE"]), True),
        (one("from_member", "in", ["AZ"]), False),
        # Company names as matching keys them: legal forms, quotes and script.
        (one("shipper", "equals", "JEBEL TRADING"), True),
        (one("shipper", "equals", ["Jebel Trading, FZCO"]), True),
        (one("shipper", "equals", "Other Trading"), False),
        (one("consignee", "equals", "Altyn Dala LLP"), True),
        (one("consignee", "equals", "ТОО Алтын Дала"), True),
        (one("consignee", "equals", "Altyn Tau"), False),
        (one("container_owner", "in", ["MSKU", "MAEU"]), True),
        (one("container_owner", "in", ["CSQU"]), False),
        (one("vessel_imo", "in", ["9074729"]), True),
        (one("vessel_imo", "in", ["IMO9176187"]), False),
        (one("gross_kg_per_package", "gt", 100), True),  # 1200 kg in 10 packages
        (one("gross_kg_per_package", "gt", 150), False),
        (one("gross_kg_per_package", "lt", 11), True),  # 4000 kg in 400 packages
        (one("gross_kg_per_package", "lt", 10), False),
        (one("to_order", "is", False), True),
        (one("to_order", "is", True), False),
    ],
)
def test_each_field_and_operator(criteria, expected):
    assert selects(criteria) is expected


def test_all_criteria_must_hold():
    tobacco = one("hs_code", "prefix", ["2402"])
    assert selects(tobacco + one("place_of_loading", "in", ["AEJEA"]))
    assert not selects(tobacco + one("place_of_loading", "in", ["CNSHA"]))


def test_modes_limit_a_profile_and_empty_means_every_mode():
    tobacco = one("hs_code", "prefix", ["2402"])
    assert selects(tobacco, modes=["sea", "rail"])
    assert not selects(tobacco, modes=["air"])
    assert selects(tobacco, modes=[])


@pytest.mark.parametrize(
    "consignee", ["", "TO ORDER", "to the order of Bank Centrekredit", "  To Order  "]
)
def test_a_consignee_to_order_or_blank(consignee):
    assert selects(one("to_order", "is", True), {**NOTICE, "consignee": consignee})


def test_new_consignee_is_asked_only_when_a_profile_reads_it():
    asked = []

    def is_new():
        asked.append(True)
        return True

    assert not selects(one("hs_code", "prefix", ["9999"]), consignee_is_new=is_new)
    assert asked == []
    assert selects(one("new_consignee", "is", True), consignee_is_new=is_new)
    assert not selects(one("new_consignee", "is", False), consignee_is_new=is_new)
    assert len(asked) == 2


def test_a_notice_without_goods_or_containers_is_not_selected_by_their_criteria():
    bare = {"mode": "road", "consignee": "Someone"}
    for criteria in (
        one("hs_code", "prefix", ["24"]),
        one("description", "contains", ["tobacco"]),
        one("container_owner", "in", ["MSKU"]),
        one("gross_kg_per_package", "gt", 0),
        one("transit_country", "in", ["KZ"]),
    ):
        assert not selects(criteria, bare)


@pytest.mark.parametrize(
    ("criteria", "named"),
    [
        ("not a list", "list"),
        ([], "list"),
        ([{"field": "colour", "op": "in", "value": ["red"]}], "colour"),
        ([{"field": "hs_code", "op": "in", "value": ["2402"]}], "prefix"),
        ([{"field": "hs_code", "op": "prefix", "value": ["tobacco"]}], "hs_code"),
        ([{"field": "hs_code", "op": "prefix", "value": []}], "hs_code"),
        ([{"field": "gross_kg_per_package", "op": "gt", "value": "heavy"}], "gross_kg"),
        ([{"field": "gross_kg_per_package", "op": "gt", "value": True}], "gross_kg"),
        ([{"field": "new_consignee", "op": "is", "value": "yes"}], "new_consignee"),
        ([{"field": "shipper", "op": "equals", "value": "LLC"}], "shipper"),
        ([{"field": "vessel_imo", "op": "in", "value": ["1234568"]}], "vessel_imo"),
        ([{"field": "hs_code", "op": "prefix"}], "field"),
        ([{"field": "description", "op": "contains", "value": [""]}], "description"),
    ],
)
def test_a_wrong_criterion_is_refused_naming_it(criteria, named):
    with pytest.raises(InvalidCriteria) as refused:
        criteria_clean(criteria)
    assert named in " ".join(refused.value.messages)


def test_every_wrong_criterion_is_named_at_once():
    with pytest.raises(InvalidCriteria) as refused:
        criteria_clean(
            [
                {"field": "colour", "op": "in", "value": ["red"]},
                {"field": "hs_code", "op": "prefix", "value": ["2402"]},
                {"field": "to_order", "op": "is", "value": 1},
            ]
        )
    assert len(refused.value.messages) == 2
    assert "1" in refused.value.messages[0] and "3" in refused.value.messages[1]


def test_stored_criteria_keep_what_the_author_wrote():
    written = one("description", "contains", ["Табак", "tobacco"])
    assert criteria_clean(written) == written


def test_every_field_has_an_operator_tested_here():
    tested = {c[0][0]["field"] for c in test_each_field_and_operator.pytestmark[0].args[1]}
    assert tested | {"new_consignee"} == set(FIELDS)

"""Every field and operator of a profile against notices filed through the API: GE (Poti)
files to UZ (Tashkent); UZ's analyst writes two active profiles per case, one whose criterion
holds on the notice (red) and one whose does not (amber). The receiving officer reads the
notice: red, with the holding profile's name and reason only. Descriptions and company names
are tried in both scripts."""

import pytest

from .conftest import (
    client_for,
    notice_file,
    profile_write,
    screening_of,
)


def _goods(description="Ceramic tiles", hs_code="6907.21", packages=40, gross_kg=20000):
    return [
        {"description": description, "hs_code": hs_code, "packages": packages, "gross_kg": gross_kg}
    ]


# (case, notice changes, criterion that holds, criterion that does not)
CASES = [
    (
        "hs_code prefix",
        {"goods": _goods(hs_code="2402.20")},
        {"field": "hs_code", "op": "prefix", "value": ["2403", "2402"]},
        {"field": "hs_code", "op": "prefix", "value": ["6907.22"]},
    ),
    (
        "description contains, Latin word on Cyrillic text",
        {"goods": _goods(description="Табак курительный")},
        {"field": "description", "op": "contains", "value": ["cigarettes", "TABAK"]},
        {"field": "description", "op": "contains", "value": ["tiles"]},
    ),
    (
        "description contains, Cyrillic word on Latin text",
        {"goods": _goods(description="TABAK for hookah, 50 g packs")},
        {"field": "description", "op": "contains", "value": ["табак"]},
        {"field": "description", "op": "contains", "value": ["сигареты"]},
    ),
    (
        "place_of_loading in",
        {"place_of_loading": "AEJEA"},
        {"field": "place_of_loading", "op": "in", "value": ["GEPTI", "aejea"]},
        {"field": "place_of_loading", "op": "in", "value": ["GEPTI"]},
    ),
    (
        "place_of_discharge in",
        {},
        {"field": "place_of_discharge", "op": "in", "value": ["UZTAS"]},
        {"field": "place_of_discharge", "op": "in", "value": ["KZAKT"]},
    ),
    (
        "transit_country in",
        {"transit_countries": ["TR", "AZ"]},
        {"field": "transit_country", "op": "in", "value": ["AZ"]},
        {"field": "transit_country", "op": "in", "value": ["KZ", "IR"]},
    ),
    (
        "shipper_country in",
        {},
        {"field": "shipper_country", "op": "in", "value": ["AE", "GE"]},
        {"field": "shipper_country", "op": "in", "value": ["TR"]},
    ),
    (
        "consignee_country in",
        {},
        {"field": "consignee_country", "op": "in", "value": ["UZ"]},
        {"field": "consignee_country", "op": "in", "value": ["KZ"]},
    ),
    (
        "from_member in",
        {},
        {"field": "from_member", "op": "in", "value": ["GE"]},
        {"field": "from_member", "op": "in", "value": ["KZ", "AZ"]},
    ),
    (
        "shipper equals, legal form and case aside",
        {"shipper": "Black Sea Trading LLC"},
        {"field": "shipper", "op": "equals", "value": ["BLACK SEA TRADING"]},
        {"field": "shipper", "op": "equals", "value": ["Black Sea Shipping"]},
    ),
    (
        "shipper equals, Cyrillic name on a Latin notice",
        {"shipper": "OOO Chilonzor Savdo"},
        {"field": "shipper", "op": "equals", "value": ["ООО Чилонзор Савдо"]},
        {"field": "shipper", "op": "equals", "value": ["ООО Юнусабад Савдо"]},
    ),
    (
        "consignee equals, Latin name on a Cyrillic notice",
        {"consignee": "Ташкент Керамикс"},
        {"field": "consignee", "op": "equals", "value": ["Tashkent Keramiks LLP"]},
        {"field": "consignee", "op": "equals", "value": ["Tashkent Ceramics"]},
    ),
    (
        "container_owner in",
        {},
        {"field": "container_owner", "op": "in", "value": ["MSCU", "csqu"]},
        {"field": "container_owner", "op": "in", "value": ["MSCU"]},
    ),
    (
        "vessel_imo in",
        {},
        {"field": "vessel_imo", "op": "in", "value": ["IMO 9074729"]},
        {"field": "vessel_imo", "op": "in", "value": ["9321483"]},
    ),
    (
        "gross_kg_per_package gt",
        {},  # 20,000 kg in 40 packages: 500 kg each
        {"field": "gross_kg_per_package", "op": "gt", "value": 499.5},
        {"field": "gross_kg_per_package", "op": "gt", "value": 500},
    ),
    (
        "gross_kg_per_package lt",
        {},
        {"field": "gross_kg_per_package", "op": "lt", "value": "500.5"},
        {"field": "gross_kg_per_package", "op": "lt", "value": 500},
    ),
    (
        "to_order is true (TO ORDER)",
        {"consignee": "To order of the bank"},
        {"field": "to_order", "op": "is", "value": True},
        {"field": "to_order", "op": "is", "value": False},
    ),
    (
        "to_order is true (blank)",
        {"consignee": ""},
        {"field": "to_order", "op": "is", "value": True},
        {"field": "to_order", "op": "is", "value": False},
    ),
    (
        "to_order is false (a named consignee)",
        {},
        {"field": "to_order", "op": "is", "value": False},
        {"field": "to_order", "op": "is", "value": True},
    ),
]


def _profiles(analyst, holds, fails):
    holding = profile_write(analyst, name="Holds", description="It holds.", criteria=[holds])
    profile_write(analyst, name="Fails", description="It does not.", lane="amber", criteria=[fails])
    return holding


@pytest.mark.parametrize(("case", "changes", "holds", "fails"), CASES, ids=[c[0] for c in CASES])
def test_each_field_and_operator_selects_through_the_api(
    case, changes, holds, fails, officer_ge, officer_uz, analyst_uz
):
    holding = _profiles(analyst_uz, holds, fails)
    notice_id = notice_file(officer_ge, **changes)
    screening = screening_of(officer_uz, notice_id)
    assert screening["lane"] == "red"
    assert screening["reasons"] == [
        {"source": "profile", "profile": holding["id"], "text": "Holds: It holds."}
    ]


def test_all_criteria_must_hold(officer_ge, officer_uz, analyst_uz):
    profile_write(
        analyst_uz,
        criteria=[
            {"field": "hs_code", "op": "prefix", "value": ["6907"]},
            {"field": "place_of_loading", "op": "in", "value": ["AEJEA"]},
        ],
    )
    notice_id = notice_file(officer_ge)  # 6907 from Poti: one of two holds
    assert screening_of(officer_uz, notice_id) == {"lane": "green", "reasons": []}


def test_new_consignee_is_true_only_for_the_first_notice_in_a_year(
    officer_ge, officer_uz, analyst_uz
):
    holding = profile_write(
        analyst_uz,
        name="New consignee",
        description="First cargo for this importer.",
        criteria=[{"field": "new_consignee", "op": "is", "value": True}],
    )
    first = notice_file(officer_ge, consignee="Fergana Import LLC")
    second = notice_file(
        officer_ge, consignee="ООО Фергана Импорт", transport_document="MEDU7654321"
    )
    reasons = screening_of(officer_uz, first)["reasons"]
    assert [r["profile"] for r in reasons] == [holding["id"]]
    # The same company, written in Cyrillic, is no longer new.
    assert screening_of(officer_uz, second) == {"lane": "green", "reasons": []}


def test_new_consignee_is_false_once_the_consignee_is_known(officer_ge, officer_uz, analyst_uz):
    notice_file(officer_ge, consignee="Fergana Import LLC")
    known = profile_write(
        analyst_uz,
        name="Known consignee",
        description="A regular importer.",
        lane="amber",
        criteria=[{"field": "new_consignee", "op": "is", "value": False}],
    )
    second = notice_file(officer_ge, consignee="Fergana Import", transport_document="MEDU7654321")
    screening = screening_of(officer_uz, second)
    assert screening["lane"] == "amber"
    assert [r["profile"] for r in screening["reasons"]] == [known["id"]]


def test_modes_limit_a_profile_and_empty_modes_mean_every_mode(officer_ge, officer_uz, analyst_uz):
    criteria = [{"field": "hs_code", "op": "prefix", "value": ["6907"]}]
    rail = profile_write(analyst_uz, name="Rail", modes=["rail"], criteria=criteria)
    every = profile_write(analyst_uz, name="Every", modes=[], lane="amber", criteria=criteria)
    sea = profile_write(analyst_uz, name="Sea", modes=["sea", "road"], criteria=criteria)
    notice_id = notice_file(officer_ge)  # sea
    profiles = {r["profile"] for r in screening_of(officer_uz, notice_id)["reasons"]}
    assert profiles == {every["id"], sea["id"]}
    assert rail["id"] not in profiles


def test_the_lane_is_the_highest_of_the_reasons(officer_ge, officer_uz, analyst_uz):
    criteria = [{"field": "hs_code", "op": "prefix", "value": ["6907"]}]
    profile_write(analyst_uz, name="Amber one", lane="amber", criteria=criteria)
    profile_write(analyst_uz, name="Red one", lane="red", criteria=criteria)
    screening = screening_of(officer_uz, notice_file(officer_ge))
    assert screening["lane"] == "red"
    assert len(screening["reasons"]) == 2


def test_inactive_and_out_of_validity_profiles_do_not_screen(officer_ge, officer_uz, analyst_uz):
    criteria = [{"field": "hs_code", "op": "prefix", "value": ["6907"]}]
    profile_write(analyst_uz, name="Draft", active=False, criteria=criteria)
    profile_write(analyst_uz, name="Over", valid_until="2020-12-31", criteria=criteria)
    profile_write(analyst_uz, name="Not yet", valid_from="2099-01-01", criteria=criteria)
    current = profile_write(
        analyst_uz,
        name="Current",
        valid_from="2020-01-01",
        valid_until="2099-12-31",
        criteria=criteria,
    )
    reasons = screening_of(officer_uz, notice_file(officer_ge))["reasons"]
    assert [r["profile"] for r in reasons] == [current["id"]]


def test_a_sender_files_without_learning_the_lane(officer_ge, tashkent, analyst_uz):
    profile_write(analyst_uz, criteria=[{"field": "hs_code", "op": "prefix", "value": ["6907"]}])
    notice_id = notice_file(officer_ge)
    body = client_for(officer_ge).get(f"/api/v1/arrivals/{notice_id}/").json()
    assert "screening" not in body and "lane" not in body


def test_a_rescreened_notice_keeps_the_new_consignee_answer_of_its_filing(
    officer_ge, officer_uz, analyst_uz, django_capture_on_commit_callbacks
):
    first = notice_file(officer_ge, consignee="Fergana Import LLC")
    second = notice_file(officer_ge, consignee="Fergana Import", transport_document="MEDU7654321")
    with django_capture_on_commit_callbacks(execute=True):
        profile = profile_write(
            analyst_uz, criteria=[{"field": "new_consignee", "op": "is", "value": True}]
        )
    assert [r["profile"] for r in screening_of(officer_uz, first)["reasons"]] == [profile["id"]]
    assert screening_of(officer_uz, second) == {"lane": "green", "reasons": []}

"""The seizures API: entry with field-level errors, filters and statistics."""

import datetime

import pytest
from django.urls import reverse

from seizures.models import SeizureReport
from tests.factories.seizures import OperationFactory, SeizureReportFactory

pytestmark = pytest.mark.django_db


def _payload(**values):
    data = {
        "reference": "KZ-API-1",
        "member": "KZ",
        "seized_on": "2024-05-01",
        "transport_mode": "road",
        "commodity": "heroin",
        "quantity": "12.5",
        "unit": "kg",
        "origin_country": "AF",
        "transit_countries": ["TJ", "UZ"],
        "destination_country": "KZ",
        "detection_method": "canine",
        "sharing": "network",
        "estimated_value_usd": "125000",
    }
    data.update(values)
    return data


@pytest.fixture
def api(client, analyst_kz):
    client.force_login(analyst_kz)
    return client


def _post(api, **values):
    return api.post(reverse("seizure-list"), _payload(**values), content_type="application/json")


def test_create_answers_201_with_the_normalised_quantity(api):
    response = _post(api, quantity="500", unit="g")
    assert response.status_code == 201
    body = response.json()
    assert (body["quantity"], body["unit"], body["quantity_base"], body["base_unit"]) == (
        500.0,
        "g",
        0.5,
        "kg",
    )
    assert body["transit_countries"] == ["TJ", "UZ"]
    assert body["reporting_member"] == "KZ"


def test_create_accepts_reporting_member_as_the_member_field(api):
    data = _payload()
    data["reporting_member"] = data.pop("member")
    response = api.post(reverse("seizure-list"), data, content_type="application/json")
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"quantity": "-1"}, "quantity", "The quantity must be greater than zero."),
        ({"quantity": "0"}, "quantity", "The quantity must be greater than zero."),
        ({"quantity": "lots"}, "quantity", "“lots” is not a number"),
        ({"unit": "bales"}, "unit", "“bales” is not a unit"),
        ({"commodity": "moonrock"}, "commodity", "“moonrock” is not a commodity"),
        ({"unit": "pieces"}, "unit", "Heroin cannot be reported in pieces"),
        ({"commodity": "cigarettes", "unit": "l"}, "unit", "Cigarettes cannot be reported in l"),
        ({"seized_on": "2024-13-45"}, "seized_on", "is not a date of the form YYYY-MM-DD"),
        ({"seized_on": "yesterday"}, "seized_on", "is not a date of the form YYYY-MM-DD"),
        ({"seized_on": "2999-01-01"}, "seized_on", "cannot be in the future"),
        ({"member": "ZZ"}, "member", "“ZZ” is not a member of the network."),
        ({"member": "UZ"}, "member", "You may not report seizures for UZ."),
        ({"origin_country": "XX"}, "origin_country", "“XX” is not an ISO 3166-1"),
        ({"transit_countries": ["TJ", "QQ"]}, "transit_countries", "“QQ” is not an ISO"),
        ({"container_number": "ABCD1234567"}, "container_number", "ISO 6346"),
        ({"transport_mode": "teleport"}, "transport_mode", "“teleport” is not one of"),
        ({"detection_method": "psychic"}, "detection_method", "“psychic” is not one of"),
        ({"operation": "nope"}, "operation", "“nope” is not a known operation."),
        ({"sharing": "public"}, "sharing", "“public” is not one of"),
        ({"estimated_value_usd": "-3"}, "estimated_value_usd", "cannot be negative"),
        ({"reference": ""}, "reference", "Enter the member's reference"),
    ],
)
def test_bad_input_gets_a_field_level_400_and_writes_nothing(api, uz, values, field, message):
    response = _post(api, **values)
    assert response.status_code == 400
    assert message in " ".join(response.json()[field])
    assert SeizureReport.objects.count() == 0


def test_duplicate_reference_of_the_member_is_a_reference_error(api, kz):
    SeizureReportFactory(reporting_member=kz, reference="KZ-API-1")
    response = _post(api)
    assert response.status_code == 400
    assert "reference" in response.json()


def test_list_takes_a_fixed_number_of_queries(api, kz, uz, django_assert_max_num_queries):
    for i in range(30):
        SeizureReportFactory(reporting_member=kz if i % 2 else uz, reference=f"R{i}")
    with django_assert_max_num_queries(8):
        response = api.get(reverse("seizure-list"))
    body = response.json()
    assert len(body["results"]) == 30 and body["next"] is None


def test_list_filters_by_commodity_and_period(api, kz):
    SeizureReportFactory(
        reporting_member=kz, commodity="heroin", seized_on=datetime.date(2024, 1, 5)
    )
    SeizureReportFactory(
        reporting_member=kz, commodity="heroin", seized_on=datetime.date(2023, 1, 5)
    )
    SeizureReportFactory(
        reporting_member=kz, commodity="opium", seized_on=datetime.date(2024, 1, 5)
    )
    response = api.get(
        reverse("seizure-list"), {"commodity": "heroin", "from": "2024-01-01", "to": "2024-12-31"}
    )
    assert len(response.json()["results"]) == 1


def test_stats_groups_by_commodity_with_totals_per_base_unit(api, kz):
    SeizureReportFactory(reporting_member=kz, commodity="pregabalin", quantity=127344, unit="pills")
    SeizureReportFactory(reporting_member=kz, commodity="pregabalin", quantity=2, unit="kg")
    SeizureReportFactory(reporting_member=kz, commodity="heroin", quantity=580, unit="kg")
    response = api.get(reverse("seizure-stats"), {"group_by": "commodity"})
    assert response.status_code == 200
    assert response.json() == {
        "group_by": "commodity",
        "results": [
            {
                "key": "pregabalin",
                "label": "Pregabalin (Regapen)",
                "count": 2,
                "totals": {"kg": 2.0, "pieces": 127344.0},
            },
            {"key": "heroin", "label": "Heroin", "count": 1, "totals": {"kg": 580.0}},
        ],
    }


@pytest.mark.parametrize(
    ("group_by", "key"),
    [
        ("category", "narcotics"),
        ("member", "KZ"),
        ("month", "2024-03"),
        ("transport_mode", "sea-container"),
        ("detection_method", "profiling"),
        ("route", "AF-KZ"),
    ],
)
def test_stats_keys_are_stable_codes(api, kz, group_by, key):
    SeizureReportFactory(reporting_member=kz, seized_on=datetime.date(2024, 3, 15))
    response = api.get(reverse("seizure-stats"), {"group_by": group_by})
    assert [r["key"] for r in response.json()["results"]] == [key]


def test_stats_filters_by_category_operation_and_transport_mode(api, kz):
    operation = OperationFactory(code="nicotiana", coordinating_member=kz)
    SeizureReportFactory(
        reporting_member=kz, commodity="cigarettes", unit="pieces", quantity=5, operation=operation
    )
    SeizureReportFactory(reporting_member=kz, commodity="cigarettes", unit="pieces", quantity=7)
    SeizureReportFactory(reporting_member=kz, commodity="heroin", operation=operation)
    response = api.get(
        reverse("seizure-stats"),
        {
            "group_by": "category",
            "category": "tobacco",
            "operation": "nicotiana",
            "transport_mode": "sea-container",
            "member": "kz",
        },
    )
    assert response.json()["results"] == [
        {"key": "tobacco", "label": "Tobacco", "count": 1, "totals": {"pieces": 5.0}}
    ]


def test_unknown_group_by_is_a_400_naming_the_field(api):
    response = api.get(reverse("seizure-stats"), {"group_by": "colour"})
    assert response.status_code == 400
    assert "“colour” is not a grouping" in response.json()["group_by"][0]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "01/02/2024"}, "from"),
        ({"to": "soon"}, "to"),
        ({"member": "XX"}, "member"),
        ({"commodity": "moonrock"}, "commodity"),
        ({"category": "sweets"}, "category"),
        ({"operation": "nope"}, "operation"),
        ({"transport_mode": "teleport"}, "transport_mode"),
        ({"from": "2024-05-01", "to": "2024-01-01"}, "to"),
    ],
)
def test_bad_filter_is_a_400_naming_the_field(api, params, field):
    response = api.get(reverse("seizure-stats"), {"group_by": "member", **params})
    assert response.status_code == 400
    assert field in response.json()


def test_stats_route_is_not_taken_for_a_detail(api):
    assert api.get("/api/v1/seizures/stats/?group_by=month").status_code == 200


def test_commodities_list_the_vocabulary_with_dimensions(api):
    response = api.get(reverse("commodity-list"))
    by_code = {c["code"]: c for c in response.json()["results"]}
    assert by_code["pregabalin"]["name"] == "Pregabalin (Regapen)"
    assert by_code["heroin"]["dimensions"] == ["mass"]
    assert by_code["cigarettes"]["category"] == "tobacco"


def test_stats_take_a_fixed_number_of_queries(api, kz, uz, django_assert_max_num_queries):
    for i in range(20):
        SeizureReportFactory(reporting_member=kz if i % 2 else uz, reference=f"Q{i}")
    # session, user, two for rights, the commodity lookup, the aggregate
    with django_assert_max_num_queries(6):
        response = api.get(reverse("seizure-stats"), {"group_by": "commodity"})
    assert response.json()["results"][0]["count"] == 20


def test_openapi_parameters_of_list_and_stats_come_from_the_filtersets(api):
    schema = api.get("/api/schema/", {"format": "json"}).json()

    def parameters(path):
        return {p["name"]: p for p in schema["paths"][path]["get"]["parameters"]}

    filters = {"from", "to", "member", "category", "commodity", "operation", "transport_mode"}
    listed = parameters("/api/v1/seizures/")
    assert filters <= set(listed)
    assert listed["from"]["schema"]["format"] == "date"
    assert "tobacco" in listed["category"]["schema"]["enum"]
    stats = parameters("/api/v1/seizures/stats/")
    assert filters | {"group_by"} <= set(stats)
    assert "route" in stats["group_by"]["schema"]["enum"]

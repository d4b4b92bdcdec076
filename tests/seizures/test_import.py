"""Imports of CSV and XLSX files: normalisation, all-or-nothing, row reports, scale."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse

from seizures import selectors, services
from seizures.models import SeizureReport
from tests.factories import ControlUnitFactory
from tests.factories.seizures import OperationFactory, SeizureReportFactory

from .conftest import csv_bytes, row, xlsx_bytes

pytestmark = pytest.mark.django_db


def _import(user, rows, *, maker=csv_bytes, filename="seizures.csv"):
    return services.seizures_import(user=user, content=maker(rows), filename=filename)


def _rejected(user, rows, **kwargs) -> list[dict]:
    with pytest.raises(services.ImportRejected) as caught:
        _import(user, rows, **kwargs)
    return caught.value.row_errors


def test_text_that_looks_like_a_null_marker_is_kept_as_text(analyst_kz):
    """An import is written by COPY: a cell reading ``\\N`` (COPY's text NULL) or
    nothing must still be stored as that text, and the report's pk must be its own."""
    _import(
        analyst_kz, [row(reference="N-1", concealment="\\N"), row(reference="N-2", concealment="")]
    )
    stored = {r.reference: r for r in SeizureReport.objects.filter(reference__startswith="N-")}
    assert stored["N-1"].concealment == "\\N"
    assert stored["N-2"].concealment == ""
    assert stored["N-2"].control_unit_id is None
    assert SeizureReport.objects.get(pk=stored["N-1"].pk).reference == "N-1"


def test_tonnes_and_kilograms_total_in_kilograms(analyst_kz):
    _import(
        analyst_kz,
        [
            row(reference="A", commodity="ferrosilicon", quantity="55", unit="t"),
            row(reference="B", commodity="ferrosilicon", quantity="5000", unit="kg"),
        ],
    )
    results = selectors.seizure_totals(user=analyst_kz, group_by="commodity")
    assert results == [
        {"key": "ferrosilicon", "label": "Ferrosilicon", "count": 2, "totals": {"kg": 60000.0}}
    ]


def test_normalised_quantity_is_stored_with_the_reported_one(analyst_kz):
    _import(analyst_kz, [row(quantity="250", unit="g")])
    report = SeizureReport.objects.get()
    assert (report.quantity, report.unit) == (Decimal("250"), "g")
    assert (report.quantity_base, report.dimension, report.base_unit) == (
        Decimal("0.25"),
        "mass",
        "kg",
    )


def test_mixed_units_of_one_commodity_total_exactly(analyst_kz):
    _import(
        analyst_kz,
        [
            row(reference="1", commodity="pregabalin", quantity="127000", unit="pills"),
            row(reference="2", commodity="pregabalin", quantity="344", unit="pieces"),
            row(reference="3", commodity="pregabalin", quantity="1.5", unit="kg"),
            row(reference="4", commodity="pregabalin", quantity="500", unit="g"),
            row(reference="5", commodity="pregabalin", quantity="250", unit="mg"),
        ],
    )
    results = selectors.seizure_totals(user=analyst_kz, group_by="commodity")
    assert results[0]["count"] == 5
    assert results[0]["totals"] == {"kg": 2.00025, "pieces": 127344.0}
    exact = SeizureReport.objects.filter(dimension="mass").aggregate(t=Sum("quantity_base"))
    assert exact["t"] == Decimal("2.00025")


def test_volumes_total_in_litres(analyst_kz):
    _import(
        analyst_kz,
        [
            row(reference="1", commodity="acetic-anhydride", quantity="2", unit="l"),
            row(reference="2", commodity="acetic-anhydride", quantity="750", unit="ml"),
        ],
    )
    results = selectors.seizure_totals(user=analyst_kz, group_by="category")
    assert results[0]["key"] == "precursors"
    assert results[0]["totals"] == {"l": 2.75}


def test_xlsx_file_is_imported_like_csv(analyst_kz):
    rows = [
        row(reference="X1", seized_on=datetime.date(2024, 1, 2), quantity=12.5),
        row(reference="X2", quantity=3, unit="t", commodity="Ferrosilicon"),
    ]
    count = _import(analyst_kz, rows, maker=xlsx_bytes, filename="seizures.xlsx")
    assert count == 2
    assert SeizureReport.objects.get(reference="X1").quantity_base == Decimal("12.5")
    assert SeizureReport.objects.get(reference="X2").quantity_base == Decimal("3000")


def test_commodity_may_be_given_by_name(analyst_kz):
    _import(analyst_kz, [row(commodity="Pregabalin (Regapen)", unit="pills", quantity="10")])
    assert SeizureReport.objects.get().commodity.code == "pregabalin"


def test_semicolon_separated_csv_is_read(analyst_kz):
    content = csv_bytes([row()]).decode().replace(",", ";").encode()
    assert services.seizures_import(user=analyst_kz, content=content, filename="x.csv") == 1


def test_one_bad_row_rejects_the_whole_file(analyst_kz):
    errors = _rejected(
        analyst_kz,
        [row(reference="OK-1"), row(reference="BAD", quantity="-5"), row(reference="OK-2")],
    )
    assert errors == [
        {"row": 3, "column": "quantity", "message": "The quantity must be greater than zero."}
    ]
    assert SeizureReport.objects.count() == 0


def test_row_report_names_every_bad_row_column_and_reason(analyst_kz):
    errors = _rejected(
        analyst_kz,
        [
            row(reference="1", quantity="0"),
            row(reference="2", unit="bags"),
            row(reference="3", commodity="unobtainium"),
            row(reference="4", commodity="heroin", unit="pieces"),
            row(reference="5", commodity="cigarettes", unit="l"),
            row(reference="6", seized_on="15/03/2024"),
            row(reference="7", seized_on="2999-01-01"),
            row(reference="8", member="XX"),
            row(reference="9", origin_country="QQ"),
            row(reference="10", container_number="CSQU3054384"),
            row(reference="11", transport_mode="camel"),
            row(reference="12", sharing="everyone"),
        ],
    )
    by_row = {e["row"]: (e["column"], e["message"]) for e in errors}
    assert by_row[2] == ("quantity", "The quantity must be greater than zero.")
    assert by_row[3][0] == "unit" and "“bags” is not a unit" in by_row[3][1]
    assert by_row[4] == ("commodity", "“unobtainium” is not a commodity of the vocabulary.")
    assert by_row[5][0] == "unit" and "Heroin cannot be reported in pieces" in by_row[5][1]
    assert by_row[6][0] == "unit" and "Cigarettes cannot be reported in l" in by_row[6][1]
    assert by_row[7] == ("seized_on", "“15/03/2024” is not a date of the form YYYY-MM-DD.")
    assert by_row[8] == ("seized_on", "The date of the seizure cannot be in the future.")
    assert by_row[9] == ("member", "“XX” is not a member of the network.")
    assert by_row[10] == ("origin_country", "“QQ” is not an ISO 3166-1 alpha-2 country code.")
    assert by_row[11][0] == "container_number"
    assert by_row[12][0] == "transport_mode"
    assert by_row[13][0] == "sharing"
    assert len(errors) == 12
    assert SeizureReport.objects.count() == 0


def test_row_for_another_member_is_rejected(analyst_kz, uz):
    errors = _rejected(analyst_kz, [row(reference="1"), row(reference="2", member="UZ")])
    assert errors == [
        {"row": 3, "column": "member", "message": "You may not report seizures for UZ."}
    ]
    assert SeizureReport.objects.count() == 0


def test_network_admin_may_not_import_for_a_member(admin_user, kz):
    errors = _rejected(admin_user, [row()])
    assert errors[0]["column"] == "member"


def test_reference_repeated_in_the_file_is_rejected(analyst_kz):
    errors = _rejected(analyst_kz, [row(reference="R"), row(reference="R")])
    assert errors == [
        {
            "row": 3,
            "column": "reference",
            "message": "The reference R is already used in row 2.",
        }
    ]


def test_reference_already_stored_for_the_member_is_rejected(analyst_kz, kz):
    SeizureReportFactory(reporting_member=kz, reference="KZ-OLD")
    errors = _rejected(analyst_kz, [row(reference="KZ-OLD")])
    assert errors == [
        {"row": 2, "column": "reference", "message": "KZ already has a seizure report KZ-OLD."}
    ]


def test_same_reference_is_fine_for_another_member(analyst_kz, uz):
    SeizureReportFactory(reporting_member=uz, reference="2024-1")
    assert _import(analyst_kz, [row(reference="2024-1")]) == 1


def test_control_unit_of_another_member_is_rejected(analyst_kz, uz):
    unit = ControlUnitFactory(member=uz)
    errors = _rejected(analyst_kz, [row(control_unit=unit.code)])
    assert errors[0]["column"] == "control_unit"


def test_operation_the_member_does_not_take_part_in_is_rejected(analyst_kz, uz):
    OperationFactory(code="nicotiana", coordinating_member=uz)
    errors = _rejected(analyst_kz, [row(operation="nicotiana")])
    assert errors == [
        {
            "row": 2,
            "column": "operation",
            "message": "KZ does not take part in the operation nicotiana.",
        }
    ]


def test_missing_columns_are_reported_from_the_header(analyst_kz):
    content = b"reference,seized_on,member\nA,2024-01-01,KZ\n"
    with pytest.raises(services.ImportRejected) as caught:
        services.seizures_import(user=analyst_kz, content=content, filename="a.csv")
    assert caught.value.row_errors[0]["row"] == 1
    assert "commodity" in caught.value.row_errors[0]["column"]


def test_unreadable_xlsx_is_rejected_without_error_500(analyst_kz):
    with pytest.raises(services.ImportRejected) as caught:
        services.seizures_import(user=analyst_kz, content=b"PK\x03\x04garbage", filename="a.xlsx")
    assert caught.value.row_errors[0]["message"] == "The file is not a readable XLSX workbook."


def _ten_thousand_rows(kz):
    OperationFactory(code="nicotiana", coordinating_member=kz)
    commodities = ["cigarettes", "hookah-tobacco", "heroin", "ferrosilicon"]
    units = {"cigarettes": "pieces", "hookah-tobacco": "kg", "heroin": "g", "ferrosilicon": "t"}
    rows = [
        row(
            reference=f"KZ-{i:05d}",
            commodity=commodities[i % 4],
            unit=units[commodities[i % 4]],
            quantity=str(1 + i % 7),
            operation="nicotiana" if i % 2 else "",
            seized_on=f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}",
        )
        for i in range(10_000)
    ]
    return csv_bytes(rows)


def _assert_ten_thousand_imported(analyst_kz):
    totals = selectors.seizure_totals(user=analyst_kz, group_by="commodity")
    assert sum(r["count"] for r in totals) == 10_000


def test_ten_thousand_rows_import_with_few_queries(analyst_kz, kz, django_assert_max_num_queries):
    content = _ten_thousand_rows(kz)
    # Matching adds, per batch and never per row, about ten statements to index
    # and match (the new pks come from the sequence in one statement, never read back).
    with django_assert_max_num_queries(40 + 10):
        imported = services.seizures_import(user=analyst_kz, content=content, filename="big.csv")
    assert imported == 10_000
    _assert_ten_thousand_imported(analyst_kz)


# --- Through the API ---------------------------------------------------------------------------


def test_api_import_answers_201_with_the_number_imported(client, analyst_kz):
    client.force_login(analyst_kz)
    upload = _upload(csv_bytes([row(reference="1"), row(reference="2")]))
    response = client.post(reverse("seizure-import-file"), {"file": upload})
    assert response.status_code == 201
    assert response.json() == {"imported": 2}


def test_api_import_answers_400_with_the_row_errors(client, analyst_kz):
    client.force_login(analyst_kz)
    upload = _upload(csv_bytes([row(reference="1"), row(reference="2", unit="pieces")]))
    response = client.post(reverse("seizure-import-file"), {"file": upload})
    assert response.status_code == 400
    body = response.json()
    assert body["imported"] == 0
    assert body["errors"][0]["row"] == 3 and body["errors"][0]["column"] == "unit"
    assert SeizureReport.objects.count() == 0


def test_api_import_without_a_file_is_a_field_error(client, analyst_kz):
    client.force_login(analyst_kz)
    response = client.post(reverse("seizure-import-file"), {})
    assert response.status_code == 400
    assert "file" in response.json()


def test_api_import_route_is_not_taken_for_a_detail(client, analyst_kz):
    client.force_login(analyst_kz)
    assert client.get("/api/v1/seizures/import/").status_code == 405


def _upload(content: bytes, name="seizures.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_spreadsheet_float_noise_is_not_a_fourth_decimal(analyst_kz):
    rows = [row(reference="F1", quantity=0.1 + 0.2), row(reference="F2", quantity=1.2345)]
    errors = _rejected(analyst_kz, rows, maker=xlsx_bytes, filename="f.xlsx")
    assert errors == [
        {
            "row": 3,
            "column": "quantity",
            "message": "The quantity has at most three decimal places.",
        }
    ]


def test_every_checked_value_is_stored_as_it_was_checked(analyst_kz, kz):
    """The rows go in by COPY, which is handed the checked values as they are: each stored
    field reads back as the value the check gave it: text with quotes and commas, dates,
    decimals, flags, empty optional columns, and the transit countries' list."""
    from seizures.columns import IMPORT_OPTIONAL_COLUMNS
    from seizures.importing import read_import_file, seizures_validate, seizures_write

    columns = [*row().keys(), *IMPORT_OPTIONAL_COLUMNS]
    full = row(
        reference='F-1, "quoted"', concealment="in the roof; ‘Cyrillic’ тайник",
        transit_countries="KG; UZ", vessel_or_flight="MV Caspian", vehicle="01 KZ 123 ABC",
        bill_of_lading="MEDU1234567", air_waybill="", vessel_imo="IMO 9074729",
        shipper="Aktau Ceramics, LLP", consignee="ТОО «Aktau Ceramics»",
        estimated_value_usd="1250.50", revenue_recovered_usd="",
    )  # fmt: skip
    bare = row(reference="F-2", seized_on="2023-12-31", quantity="0.125", persons_detained="0")
    reports = seizures_validate(
        user=analyst_kz, rows=read_import_file(csv_bytes([full, bare], columns), "f.csv")
    )
    assert seizures_write(reports) == 2
    for checked in reports:
        stored = SeizureReport.objects.get(reference=checked["reference"])
        for name, value in checked.items():
            kept = getattr(stored, SeizureReport._meta.get_field(name.removesuffix("_id")).attname)
            if name == "transit_countries":
                kept = [country.code for country in kept]
            assert kept == value, name
    assert SeizureReport.objects.get(reference="F-2").transit_countries == []

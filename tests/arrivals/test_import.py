"""Manifest import: rows grouped by transport document, checked whole before writing."""

from arrivals.models import ArrivalNotice

from .conftest import client_for

URL = "/api/v1/arrivals/import/"
HEADER = (
    "mode,transport_document,transport_document_kind,to_member,to_unit,from_unit,"
    "expected_arrival,place_of_loading,transit_countries,container,seals,hs_code,description,"
    "packages,gross_kg\n"
)


def _upload(client, text: str, name="manifest.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        URL, {"file": SimpleUploadedFile(name, text.encode(), "text/csv")}, format="multipart"
    )


def _line(document, container, hs="6907.21", expected="2026-12-20T08:00:00Z"):
    return (
        f"sea,{document},bill_of_lading,UZ,UZ-TAS-PCU,GE-PTI-PCU,{expected},GEPTI,AZ;KZ,"
        f"{container},S1;S2,{hs},Tiles,10,1000\n"
    )


def test_rows_sharing_a_document_form_one_notice(officer_ge, tashkent):
    text = (
        HEADER
        + _line("MEDU1", "CSQU3054383")
        + _line("MEDU1", "MSCU1234566")
        + _line("MEDU2", "CSQU3054383")
    )
    response = _upload(client_for(officer_ge), text)
    assert response.status_code == 201, response.json()
    assert response.json() == {"imported": 2, "lines": 3}
    first = ArrivalNotice.objects.get(transport_document="MEDU1")
    assert [c["number"] for c in first.containers] == ["CSQU3054383", "MSCU1234566"]
    assert first.containers[0]["seals"] == ["S1", "S2"]
    assert first.transit_countries == ["AZ", "KZ"]
    assert len(first.goods) == 2


def test_one_bad_row_rejects_the_whole_file(officer_ge, tashkent):
    text = HEADER + _line("MEDU1", "CSQU3054383") + _line("MEDU2", "CSQU3054384", hs="69")
    response = _upload(client_for(officer_ge), text)
    assert response.status_code == 400
    body = response.json()
    assert body["imported"] == 0
    assert body["error_count"] == 2
    assert {(e["row"], e["field"]) for e in body["errors"]} == {(3, "container"), (3, "hs_code")}
    assert "detail" in body
    assert not ArrivalNotice.objects.exists()


def test_unknown_column_is_named(officer_ge, tashkent):
    response = _upload(client_for(officer_ge), "transport_document,colour\nX,red\n")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "colour"


def test_a_large_manifest_runs_as_a_job(
    officer_ge, tashkent, settings, django_capture_on_commit_callbacks
):
    settings.ARRIVALS_IMPORT_SYNC_MAX_ROWS = 1
    text = HEADER + _line("MEDU1", "CSQU3054383") + _line("MEDU2", "CSQU3054383")
    client = client_for(officer_ge)
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, text)
    assert response.status_code == 202
    job = client.get(f"{URL}{response.json()['job']}/").json()
    assert job["state"] == "done"
    assert job["imported"] == 2
    assert job["processed_rows"] == 2


def test_only_the_uploader_sees_a_job(officer_ge, focal_ge, tashkent, settings):
    settings.ARRIVALS_IMPORT_SYNC_MAX_ROWS = 1
    text = HEADER + _line("MEDU1", "CSQU3054383") + _line("MEDU2", "CSQU3054383")
    job_id = _upload(client_for(officer_ge), text).json()["job"]
    assert client_for(focal_ge).get(f"{URL}{job_id}/").status_code == 404

"""One size limit (``SEIZURES_IMPORT_MAX_BYTES``) on every import path: the browser form and
the API. Tested with a small limit: the same file is refused on both paths, nothing is
written, and it goes in once the limit allows it."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from members.models import RoleName
from seizures import services
from seizures.models import ImportJob, SeizureReport
from tests.factories import member_user
from tests.seizures.conftest import csv_bytes, row

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst(kz):
    from seizures.vocabulary import ensure_commodities

    ensure_commodities()
    return member_user(kz, RoleName.ANALYST, username="analyst.kz.limit")


@pytest.fixture
def content():
    return csv_bytes([row(reference="LIMIT-1"), row(reference="LIMIT-2")])


@pytest.fixture
def small_limit(settings, content, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SEIZURES_IMPORT_MAX_BYTES = len(content) - 1
    return settings


def _upload(content):
    return SimpleUploadedFile("reports.csv", content, content_type="text/csv")


def test_api_import_over_the_limit_is_a_400_naming_the_file(client, analyst, content, small_limit):
    client.force_login(analyst)
    response = client.post(reverse("seizure-import-file"), {"file": _upload(content)})
    assert response.status_code == 400
    assert "too large" in response.json()["file"][0]
    assert not SeizureReport.objects.exists()


def test_browser_import_over_the_limit_is_a_field_error(client, analyst, content, small_limit):
    client.force_login(analyst)
    response = client.post(reverse("seizures:import"), {"file": _upload(content)})
    assert response.status_code == 200
    assert "too large" in response.context["form"].errors["file"][0]
    assert not ImportJob.objects.exists()
    assert not SeizureReport.objects.exists()


def test_services_refuse_a_file_over_the_limit_whoever_calls_them(analyst, content, small_limit):
    with pytest.raises(ValidationError) as caught:
        services.seizures_import(user=analyst, content=content, filename="a.csv")
    assert "file" in caught.value.message_dict
    with pytest.raises(ValidationError):
        services.import_job_create(user=analyst, content=content, filename="a.csv")
    assert not ImportJob.objects.exists()
    assert not SeizureReport.objects.exists()


def test_a_file_within_the_limit_goes_in_on_both_paths(client, analyst, content, small_limit):
    small_limit.SEIZURES_IMPORT_MAX_BYTES = len(content)
    client.force_login(analyst)
    response = client.post(reverse("seizure-import-file"), {"file": _upload(content)})
    assert response.status_code == 201
    second = content.replace(b"LIMIT-", b"LIMIT-B")
    small_limit.SEIZURES_IMPORT_MAX_BYTES = len(second)
    response = client.post(reverse("seizures:import"), {"file": _upload(second)})
    assert response.status_code == 302
    assert SeizureReport.objects.count() == 4

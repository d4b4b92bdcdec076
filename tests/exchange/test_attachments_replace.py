"""A file chosen again after a form error replaces the kept copy of the same name instead of
being filed twice; kept files are listed at the file field, each with a "Remove" button that
brings the form back as it was, without that file and without filing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from exchange.models import Attachment, Query

from .test_forms_keep_work import FORM, PDF

pytestmark = pytest.mark.django_db

NEWER = b"%PDF-1.4 bill of lading 42, corrected\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _fail_with(client, *uploads, draft=""):
    data = {**FORM, "subject": "", "attachments": list(uploads)}
    if draft:
        data["draft"] = draft
    response = client.post(reverse("exchange:file"), data)
    assert response.status_code == 200
    return response


def test_a_file_chosen_again_is_filed_once_in_its_newer_copy(client, focal_kz, uz):
    client.force_login(focal_kz)
    failed = _fail_with(client, SimpleUploadedFile("bill.pdf", PDF))
    filed = client.post(
        reverse("exchange:file"),
        {
            **FORM,
            "draft": failed.context["draft"],
            "attachments": [SimpleUploadedFile("bill.pdf", NEWER)],
        },
    )
    assert filed.status_code == 302
    [attachment] = Attachment.objects.filter(query=Query.objects.get())
    assert attachment.original_name == "bill.pdf"
    with attachment.file.open("rb") as handle:
        assert handle.read() == NEWER


def test_a_file_chosen_again_after_a_second_error_is_kept_once(client, focal_kz, uz):
    client.force_login(focal_kz)
    first = _fail_with(client, SimpleUploadedFile("bill.pdf", PDF))
    second = _fail_with(client, SimpleUploadedFile("bill.pdf", NEWER), draft=first.context["draft"])
    assert [u["name"] for u in second.context["pending_uploads"]] == ["bill.pdf"]
    assert second.content.decode().count('data-testid="pending-upload"') == 1


def test_remove_takes_the_kept_file_away_without_filing_or_complaining(client, focal_kz, uz):
    client.force_login(focal_kz)
    failed = _fail_with(
        client, SimpleUploadedFile("bill.pdf", PDF), SimpleUploadedFile("photo.pdf", PDF)
    )
    bill = next(u for u in failed.context["pending_uploads"] if u["name"] == "bill.pdf")
    page = client.post(
        reverse("exchange:file"),
        {**FORM, "draft": failed.context["draft"], "remove_upload": bill["id"]},
    )
    assert page.status_code == 200
    assert not Query.objects.exists()
    assert [u["name"] for u in page.context["pending_uploads"]] == ["photo.pdf"]
    html = page.content.decode()
    assert 'data-testid="remove-upload"' in html
    assert 'role="alert"' not in html  # no error shown for a form still being written
    assert f'value="{FORM["body"]}"' in html or FORM["body"] in html


def test_enter_in_a_field_files_the_query_rather_than_removing_a_file(client, focal_kz, uz):
    client.force_login(focal_kz)
    html = _fail_with(client, SimpleUploadedFile("bill.pdf", PDF)).content.decode()
    form = html[html.index('data-testid="query-form"') :]
    first_button = form.index("<button")
    assert form.index('class="default-submit"') < form.index('name="remove_upload"')
    assert form[first_button : form.index(">", first_button)].count("default-submit") == 1

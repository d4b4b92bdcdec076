"""The filing form never loses work (kept attachments, an error summary, required
marks), and a risk alert's outcome starts empty."""

import os
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from exchange.forms import OutcomeForm
from exchange.models import Attachment, Query
from exchange.pending_uploads import SESSION_KEY
from tests.factories.exchange import VALID_CONTAINER

pytestmark = pytest.mark.django_db

FORM = {
    "sender_member": "KZ",
    "recipients": ["UZ"],
    "kind": "request",
    "priority": "urgent",
    "handling_code": "H2",
    "source_evaluation": "B",
    "information_evaluation": "2",
    "subject": "Undeclared cigarettes",
    "body": "Please examine on arrival.",
    "container_numbers": VALID_CONTAINER,
}
PDF = b"%PDF-1.4 bill of lading 42\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _draft(response) -> str:
    return response.context["draft"]


def test_failed_filing_keeps_its_attachment_and_files_it_on_the_second_submit(
    client, focal_kz, uz, settings
):
    client.force_login(focal_kz)
    upload = SimpleUploadedFile("bill.pdf", PDF, "application/pdf")
    failed = client.post(reverse("exchange:file"), {**FORM, "subject": "", "attachments": [upload]})
    assert failed.status_code == 200
    assert not Query.objects.exists()
    assert b'data-testid="pending-upload">bill.pdf<' in failed.content
    draft = _draft(failed)
    assert f'name="draft" value="{draft}"'.encode() in failed.content

    filed = client.post(reverse("exchange:file"), {**FORM, "draft": draft})
    assert filed.status_code == 302
    attachment = Attachment.objects.get(query=Query.objects.get())
    assert attachment.original_name == "bill.pdf"
    with attachment.file.open("rb") as handle:
        assert handle.read() == PDF
    # Filed, so the kept copy and its session entry are gone.
    assert draft not in client.session.get(SESSION_KEY, {})
    assert not (settings.MEDIA_ROOT / "tmp" / "uploads" / draft).exists()


def test_kept_attachment_is_not_filed_twice_when_also_chosen_again(client, focal_kz, uz):
    client.force_login(focal_kz)
    failed = client.post(
        reverse("exchange:file"),
        {**FORM, "body": "", "attachments": [SimpleUploadedFile("a.pdf", PDF)]},
    )
    client.post(
        reverse("exchange:file"),
        {**FORM, "draft": _draft(failed), "attachments": [SimpleUploadedFile("b.pdf", b"%PDF b")]},
    )
    names = sorted(Attachment.objects.values_list("original_name", flat=True))
    assert names == ["a.pdf", "b.pdf"]


def test_a_removed_kept_attachment_is_not_filed(client, focal_kz, uz, settings):
    client.force_login(focal_kz)
    failed = client.post(
        reverse("exchange:file"),
        {**FORM, "subject": "", "attachments": [SimpleUploadedFile("bill.pdf", PDF)]},
    )
    [kept] = failed.context["pending_uploads"]
    client.post(
        reverse("exchange:file"),
        {**FORM, "draft": _draft(failed), "discard_upload": [kept["id"]]},
    )
    assert Query.objects.count() == 1
    assert not Attachment.objects.exists()
    assert not (settings.MEDIA_ROOT / "tmp" / "uploads" / _draft(failed) / kept["id"]).exists()


def test_a_draft_token_of_another_session_reaches_no_file(client, focal_kz, uz, focal_uz):
    client.force_login(focal_kz)
    failed = client.post(
        reverse("exchange:file"),
        {**FORM, "subject": "", "attachments": [SimpleUploadedFile("secret.pdf", PDF)]},
    )
    draft = _draft(failed)
    other = client.__class__()
    other.force_login(focal_kz)  # the same person in another browser: a different session
    other.post(reverse("exchange:file"), {**FORM, "draft": draft})
    assert Query.objects.count() == 1
    assert not Attachment.objects.exists()


def test_a_refused_file_is_not_kept(client, focal_kz, uz):
    client.force_login(focal_kz)
    response = client.post(
        reverse("exchange:file"),
        {**FORM, "attachments": [SimpleUploadedFile("run.exe", b"MZ")]},
    )
    assert response.status_code == 200
    assert response.context["pending_uploads"] == []
    assert b"run.exe is not an allowed kind of file" in response.content


def test_prune_removes_kept_files_older_than_the_limit_only(client, focal_kz, uz, settings):
    client.force_login(focal_kz)
    old = client.post(
        reverse("exchange:file"),
        {**FORM, "subject": "", "attachments": [SimpleUploadedFile("old.pdf", PDF)]},
    )
    fresh = client.post(
        reverse("exchange:file"),
        {**FORM, "subject": "", "attachments": [SimpleUploadedFile("new.pdf", PDF)]},
    )
    root = settings.MEDIA_ROOT / "tmp" / "uploads"
    old_folder, fresh_folder = root / _draft(old), root / _draft(fresh)
    assert old_folder.is_dir() and fresh_folder.is_dir()
    past = time.time() - (settings.EXCHANGE_PENDING_UPLOAD_HOURS * 3600 + 60)
    for path in [old_folder, *old_folder.iterdir()]:
        os.utime(path, (past, past))
    call_command("pending_uploads_prune")
    assert not old_folder.exists()
    assert fresh_folder.is_dir()


def test_error_summary_links_to_each_field_in_error(client, focal_kz, uz):
    client.force_login(focal_kz)
    response = client.post(
        reverse("exchange:file"), {**FORM, "recipients": [], "subject": "", "body": ""}
    )
    content = response.content.decode()
    summary = content[content.index('data-testid="error-summary"') :]
    summary = summary[: summary.index("</div>")]
    for field in ("recipients", "subject", "body"):
        assert f'href="#id_{field}"' in summary
    assert 'href="#id_kind"' not in summary
    # The summary comes before the first field.
    assert content.index('data-testid="error-summary"') < content.index('name="handling_code"')


def test_required_fields_carry_a_mark_and_aria_required(client, focal_kz, uz):
    client.force_login(focal_kz)
    content = client.get(reverse("exchange:file")).content.decode()
    subject = content[content.index('for="id_subject"') :]
    assert 'class="required-mark"' in subject[: subject.index("</label>")]
    assert 'aria-required="true"' in subject[: subject.index("</label>")]
    shipper = content[content.index('for="id_shipper"') :]
    assert "required-mark" not in shipper[: shipper.index("</label>")]


def test_seizure_report_form_shows_the_error_summary_and_marks(client, analyst_kz):
    client.force_login(analyst_kz)
    page = client.get(reverse("seizures:report-new")).content.decode()
    reference = page[page.index('for="id_reference"') :]
    assert "required-mark" in reference[: reference.index("</label>")]
    response = client.post(reverse("seizures:report-new"), {"reference": ""})
    assert b'data-testid="error-summary"' in response.content
    assert b'href="#id_reference"' in response.content


def test_outcome_form_has_no_initial_value():
    form = OutcomeForm()
    assert form["outcome"].value() in (None, "")
    assert '<option value="" selected>' in str(form["outcome"])
    assert "selected" not in str(form["outcome"]).split('<option value="" selected>')[1]


def test_outcome_blank_is_refused_through_the_view_and_a_choice_is_recorded(
    client, focal_kz, focal_uz
):
    from exchange.models import QueryRecipient
    from tests.factories.exchange import file_query

    query = file_query(focal_kz, recipients=["UZ"], kind="risk-alert")
    client.force_login(focal_uz)
    page = client.get(reverse("exchange:detail", args=[query.pk])).content.decode()
    select = page[page.index('name="outcome"') :]
    select = select[: select.index("</select>")]
    assert "nothing-found" in select and '<option value="" selected>' in select
    refused = client.post(reverse("exchange:outcome", args=[query.pk]), {"outcome": ""})
    assert refused.status_code == 400
    recipient = QueryRecipient.objects.get(query=query)
    assert recipient.outcome in ("", None)
    client.post(reverse("exchange:outcome", args=[query.pk]), {"outcome": "seized"})
    recipient.refresh_from_db()
    assert recipient.outcome == "seized"

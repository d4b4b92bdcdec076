"""The audit page reads as sentences ("focal.uz read query IREN-KZ-…"): no action code such
as ``auth.login`` or ``query.read`` and no "user 35" on the page; the CSV keeps the codes.
Every action the portal records has a sentence of its own."""

import csv
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from members.audit import audit_record
from members.audit_sentences import SENTENCES
from members.models import AuditEvent

pytestmark = pytest.mark.django_db

CODE = re.compile(r"\b[a-z_]+\.[a-z_]+\b")


def _visible(html: str) -> str:
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"<input[^>]*>", " ", html)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.fixture
def trail(client, focal_kz, focal_uz, admin_kz, query_kz_uz):
    client.force_login(focal_uz)
    assert client.get(reverse("exchange:detail", args=[query_kz_uz.pk])).status_code == 200
    audit_record(action="auth.login", actor=focal_kz)
    audit_record(action="auth.password_change", actor=focal_kz, obj=focal_kz)
    audit_record(action="role.grant", actor=admin_kz, obj=focal_kz, object_type="user",
                 detail={"role": "focal_point"}, members=["KZ"])  # fmt: skip
    client.logout()
    return query_kz_uz


def test_the_audit_page_shows_sentences_not_codes(client, admin_kz, focal_kz, trail):
    client.force_login(admin_kz)
    page = client.get(reverse("audit")).content.decode()
    text = " ".join(_visible(page).split())
    assert f"focal.uz read query {trail.reference}" in text
    assert f"focal.kz filed query {trail.reference}" in text
    assert "admin.kz gave focal.kz the role Focal point" in text
    assert "focal.kz changed their password" in text
    assert "focal.kz signed in" in text
    prefixes = {action.split(".")[0] for action in SENTENCES}
    codes = [code for code in CODE.findall(text) if code.split(".")[0] in prefixes]
    assert codes == [], codes
    assert not re.search(r"\buser \d+", text)


def test_the_russian_audit_page_shows_no_codes(client, admin_kz, trail):
    client.force_login(admin_kz)
    client.cookies["django_language"] = "ru"
    text = _visible(client.get(reverse("audit")).content.decode())
    assert "query.read" not in text and "auth.login" not in text
    assert trail.reference in text


def test_the_csv_keeps_the_action_codes(client, admin_kz, trail):
    client.force_login(admin_kz)
    response = client.get(reverse("audit-export"))
    body = b"".join(response.streaming_content).decode()
    actions = {row["action"] for row in csv.DictReader(io.StringIO(body))}
    assert {"query.read", "query.file", "auth.login"} <= actions


def test_every_recorded_action_has_a_sentence():
    """Each ``action="…"`` the code records (audit_record and its wrappers) is mapped."""
    base = Path(settings.BASE_DIR)
    recorded = set()
    for path in base.glob("*/**/*.py"):
        if ".venv" in path.parts or "tests" in path.parts or "migrations" in path.parts:
            continue
        text = path.read_text()
        recorded |= set(re.findall(r'action="([a-z_]+\.[a-z_]+)"', text))
        for pair in re.findall(r'"([a-z_]+\.[a-z_]+)" if \w+ else "([a-z_]+\.[a-z_]+)"', text):
            recorded |= set(pair)
    assert {"person.change", "person.deactivate", "auth.password_reset"} <= recorded
    assert recorded, "no actions found"
    assert sorted(recorded - set(SENTENCES)) == []
    assert AuditEvent.objects.count() == 0

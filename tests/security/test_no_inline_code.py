"""No inline style or script in any of the portal's templates: the Content-Security-Policy
allows neither, so such markup would be blocked in the browser (and a policy loosened for it
would let injected markup run). Every template under templates/ and under each of the portal's
own apps' template folders is scanned for ``style="…"``, ``<style>``, a ``<script>`` without
``src`` and ``on…=`` event-handler attributes."""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client
from django.urls import reverse

ROOT = Path(settings.BASE_DIR)

_TAG = re.compile(r"<[a-zA-Z][^<>]*>", re.S)
_STYLE_ATTRIBUTE = re.compile(r"(?<![\w:-])style\s*=", re.I)
_EVENT_ATTRIBUTE = re.compile(r"(?<![\w:-])on[a-z]+\s*=", re.I)
_STYLE_ELEMENT = re.compile(r"<style\b", re.I)
_SCRIPT = re.compile(r"<script\b[^>]*>", re.I)
_SRC = re.compile(r"(?<![\w:-])src\s*=", re.I)


def template_dirs() -> list[Path]:
    dirs = [Path(d) for engine in settings.TEMPLATES for d in engine.get("DIRS", [])]
    for config in apps.get_app_configs():
        path = Path(config.path)
        if ROOT in path.parents and ".venv" not in path.parts:
            dirs.append(path / "templates")
    return [d for d in dirs if d.is_dir()]


def templates() -> list[Path]:
    return sorted(p for d in template_dirs() for p in d.rglob("*") if p.suffix in (".html", ".txt"))


def inline_code(text: str) -> list[str]:
    """What in ``text`` is inline style or script."""
    found = []
    for tag in _TAG.findall(text):
        if _STYLE_ATTRIBUTE.search(tag):
            found.append(f"style attribute: {tag[:80]}")
        if _EVENT_ATTRIBUTE.search(tag):
            found.append(f"event handler: {tag[:80]}")
    found += [f"style element at {m.start()}" for m in _STYLE_ELEMENT.finditer(text)]
    found += [f"inline script: {m.group(0)[:80]}" for m in _SCRIPT.finditer(text)
              if not _SRC.search(m.group(0))]  # fmt: skip
    return found


@pytest.mark.parametrize(
    ("markup", "kind"),
    [
        ('<article style="max-width:32rem">', "style attribute"),
        ("<div class='x' STYLE='color:red'>", "style attribute"),
        ("<style>p{}</style>", "style element"),
        ("<script>alert(1)</script>", "inline script"),
        ('<button onclick="go()">', "event handler"),
        ('<img src="x.png" onerror="go()">', "event handler"),
    ],
)
def test_the_scanner_finds_inline_code(markup, kind):
    found = inline_code(markup)
    assert found and found[0].startswith(kind), found


@pytest.mark.parametrize(
    "markup",
    [
        "<script src=\"{% static 'js/portal.js' %}\" defer></script>",
        '<article class="narrow-card" data-style="x" data-onload="y">',
        "<p>Click on the button to continue.</p>",
    ],
)
def test_the_scanner_lets_clean_markup_pass(markup):
    assert inline_code(markup) == []


def test_the_scan_covers_the_portal_templates():
    names = {p.relative_to(ROOT).as_posix() for p in templates()}
    assert "templates/base.html" in names
    assert "templates/accounts/recovery_codes.html" in names
    assert len(names) > 30


def test_no_template_has_inline_style_or_script():
    problems = [
        f"{path.relative_to(ROOT)}: {finding}"
        for path in templates()
        for finding in inline_code(path.read_text(encoding="utf-8"))
    ]
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_the_recovery_codes_page_has_no_style_attribute(focal_kz, settings):
    """The page the audit named, as it is served: after enrolment, with its codes."""
    from django_otp.oath import totp

    from accounts import services

    settings.TWO_FACTOR_ROLES = ["focal_point"]
    client = Client()
    client.force_login(focal_kz)
    page = client.get(reverse("two-factor-enrol"))
    assert page.status_code == 200
    device = services.totp_device_start(user=focal_kz)
    response = client.post(reverse("two-factor-enrol"), {"code": f"{totp(device.bin_key):06d}"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<code>" in html  # the recovery codes are on it
    assert inline_code(html) == []

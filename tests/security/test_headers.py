"""Item 6 (headers): a Content-Security-Policy without inline script on every page, no inline
script or event handler in any rendered page, Cache-Control: no-store on pages and API answers
that carry content, and a Permissions-Policy."""

import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from members.models import RoleName
from seizures.models import ImportJob, ImportStatus
from tests.factories.exchange import file_query
from tests.factories.members import member_user
from tests.factories.seizures import OperationFactory, SeizureReportFactory

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.I)
JAVASCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.I)


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(kz, uz, focal_kz, focal_uz, analyst_kz, admin_user):
    query = file_query(focal_kz, recipients=["UZ"])
    report = SeizureReportFactory(reporting_member=kz, sharing="national")
    operation = OperationFactory(code="nicotiana", coordinating_member=kz)
    job = ImportJob.objects.create(
        created_by=analyst_kz, filename="s.csv", status=ImportStatus.RUNNING, total_rows=10
    )
    job.file.save("s.csv", ContentFile(b"reference\n"), save=True)
    member_admin = member_user(kz, RoleName.MEMBER_ADMIN, username="admin.kz")
    return {
        "query": query,
        "report": report,
        "operation": operation,
        "job": job,
        "member_admin": member_admin,
    }


def pages(world):
    """(who, url) for every main page."""
    q, r, o, j = world["query"], world["report"], world["operation"], world["job"]
    return [
        (None, reverse("login")),
        (None, reverse("password_reset")),
        ("focal.kz", reverse("home")),
        ("focal.kz", reverse("directory")),
        ("focal.kz", reverse("member-detail", args=["KZ"])),
        ("focal.kz", reverse("exchange:inbox")),
        ("focal.kz", reverse("exchange:file")),
        ("focal.kz", reverse("exchange:detail", args=[q.pk])),
        ("focal.kz", reverse("exchange:notifications")),
        ("focal.kz", reverse("password_change")),
        ("analyst.kz", reverse("seizures:dashboard")),
        ("analyst.kz", reverse("seizures:report-list")),
        ("analyst.kz", reverse("seizures:report-new")),
        ("analyst.kz", reverse("seizures:report-detail", args=[r.pk])),
        ("analyst.kz", reverse("seizures:import")),
        ("analyst.kz", reverse("seizures:import-job", args=[j.pk])),
        ("analyst.kz", reverse("seizures:operation-list")),
        ("analyst.kz", reverse("seizures:operation-detail", args=[o.code])),
        ("analyst.kz", reverse("seizures:commodities")),
        ("admin.kz", reverse("member-people", args=["KZ"])),
        ("admin.kz", reverse("member-person-new", args=["KZ"])),
        ("admin.kz", reverse("member-units", args=["KZ"])),
        ("admin", reverse("member-onboard")),
        ("admin", reverse("exchange:figures")),
        ("admin", reverse("member-detail", args=["UZ"])),
    ]


def as_user(client, username):
    from django.contrib.auth import get_user_model

    client.logout()
    if username:
        client.force_login(get_user_model().objects.get(username=username))
    return client


def csp_directives(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, "no Content-Security-Policy header"
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def test_every_main_page_has_a_strict_csp_and_no_inline_script(client, world):
    for who, url in pages(world):
        response = as_user(client, who).get(url)
        assert response.status_code == 200, (who, url, response.status_code)
        csp = csp_directives(response)
        script_src = csp.get("script-src", csp.get("default-src"))
        assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src, url
        assert csp.get("style-src") == ["'self'"], url
        assert csp.get("object-src") == ["'none'"] and csp.get("frame-ancestors") == ["'none'"]
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), (url, INLINE_SCRIPT.search(html).group(0))
        assert not EVENT_HANDLER.search(html), (url, EVENT_HANDLER.search(html).group(0))
        assert not STYLE_ATTRIBUTE.search(html), (url, STYLE_ATTRIBUTE.search(html).group(0))
        assert not JAVASCRIPT_URL.search(html), url


def test_pages_load_their_script_from_a_static_file(client, world):
    response = as_user(client, "analyst.kz").get(
        reverse("seizures:import-job", args=[world["job"].pk])
    )
    assert b"seizures/import_progress.js" in response.content
    response = as_user(client, "focal.kz").get(reverse("home"))
    assert b"js/portal.js" in response.content
    assert b"data-autosubmit" in response.content


def test_api_and_error_pages_carry_the_csp_too(client, world):
    as_user(client, "focal.kz")
    for url in ("/api/v1/queries/", "/no-such-page/", "/api/docs/"):
        script_src = csp_directives(client.get(url)).get("script-src")
        assert script_src == ["'self'"], url


def no_store(response) -> bool:
    return "no-store" in response.headers.get("Cache-Control", "")


def test_query_page_is_not_stored(client, world):
    response = as_user(client, "focal.kz").get(reverse("exchange:detail", args=[world["query"].pk]))
    assert response.status_code == 200
    assert no_store(response)


def test_api_json_is_not_stored(client, world):
    as_user(client, "focal.kz")
    for url in ("/api/v1/queries/", f"/api/v1/queries/{world['query'].pk}/", "/api/v1/members/"):
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"].startswith(
            "application/json"
        )
        assert no_store(response), url


def test_seizure_csv_export_is_not_stored(client, world):
    response = as_user(client, "analyst.kz").get(reverse("seizures:export", args=["csv"]))
    assert response.status_code == 200
    assert no_store(response)


def test_anonymous_api_answer_is_not_stored(client, world):
    response = as_user(client, None).get("/api/v1/queries/")
    assert response.status_code == 401
    assert no_store(response)


def test_static_files_keep_their_caching(settings, world):
    from django.test import Client

    # WhiteNoise serves from the finders, as under runserver (no collectstatic in tests).
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    response = Client().get("/static/css/portal.css")
    assert response.status_code == 200
    assert not no_store(response)


def test_permissions_policy_turns_off_unused_features(client, world):
    header = as_user(client, "focal.kz").get(reverse("home")).headers["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in header

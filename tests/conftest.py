"""Shared fixtures: a sender country, a recipient country and an outsider country; a real SMTP
server on 127.0.0.1 (aiosmtpd); Playwright launched with Debian's Chromium."""

import os
import socket
import threading
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from members.models import RoleName
from tests.factories import MemberFactory, member_user, network_admin

# Playwright's sync API runs an event loop in the test thread; Django's ORM must be allowed
# to run there (see tests/e2e).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


# --- Countries and people ---------------------------------------------------------------------


@pytest.fixture
def kz(db):
    return MemberFactory(code="KZ")


@pytest.fixture
def uz(db):
    return MemberFactory(code="UZ")


@pytest.fixture
def tj(db):
    """The outsider: a third country that must never see KZ–UZ business."""
    return MemberFactory(code="TJ")


@pytest.fixture
def focal_kz(kz):
    return member_user(kz, RoleName.FOCAL_POINT, username="focal.kz")


@pytest.fixture
def focal_uz(uz):
    return member_user(uz, RoleName.FOCAL_POINT, username="focal.uz")


@pytest.fixture
def focal_tj(tj):
    return member_user(tj, RoleName.FOCAL_POINT, username="focal.tj")


@pytest.fixture
def admin_kz(kz):
    return member_user(kz, RoleName.MEMBER_ADMIN, username="admin.kz")


@pytest.fixture
def admin_uz(uz):
    return member_user(uz, RoleName.MEMBER_ADMIN, username="admin.uz")


@pytest.fixture
def admin_tj(tj):
    """The outsider's member admin: must never see KZ–UZ business, audit events included."""
    return member_user(tj, RoleName.MEMBER_ADMIN, username="admin.tj")


@pytest.fixture
def analyst_kz(kz):
    return member_user(kz, RoleName.ANALYST, username="analyst.kz")


@pytest.fixture
def analyst_tj(tj):
    return member_user(tj, RoleName.ANALYST, username="analyst.tj")


@pytest.fixture
def admin_user(db):
    return network_admin("admin")


# --- Mail: a real SMTP server on 127.0.0.1 ----------------------------------------------------


class _Collector:
    def __init__(self):
        self.messages = []
        self._event = threading.Condition()

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self._event:
            self.messages.append(
                {"from": envelope.mail_from, "to": list(envelope.rcpt_tos), "message": message}
            )
            self._event.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count, timeout=20):
        """Block until ``count`` messages arrived (or the timeout passed); return them."""
        with self._event:
            self._event.wait_for(lambda: len(self.messages) >= count, timeout=timeout)
            return list(self.messages)

    def body(self, index):
        message = self.messages[index]["message"]
        part = message.get_body(preferencelist=("plain",))
        return part.get_content()


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1; Django's SMTP backend is pointed at it."""
    collector = _Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    yield collector
    controller.stop()


# --- Browser: Playwright with Debian's Chromium ----------------------------------------------

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture
def offline_page(page, live_server):
    """A Playwright page that records every request; the test fails if one leaves
    127.0.0.1."""
    from urllib.parse import urlparse

    foreign = []

    def _check(request):
        url = urlparse(request.url)
        if url.scheme in ("data", "blob", "about"):
            return
        if url.hostname != "127.0.0.1":
            foreign.append(request.url)

    page.on("request", _check)
    page.set_default_timeout(15_000)
    yield page
    assert foreign == [], f"requests left the host: {foreign}"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2 at production strength costs half a second per user; tests do not need it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _celery_eager():
    """Tasks run in-process in tests unless a test starts a real worker (see
    tests/exchange for the worker fixture, which switches this off)."""
    from ireN.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: the test client's requests leave the language
    they asked for active in the thread, and work done outside a request (a task's messages)
    would otherwise speak whatever an earlier test asked."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


def pytest_collection_modifyitems(config, items):
    """Browser journeys need Debian's Chromium; CI (IREN_REQUIRE_BROWSER=1) insists on it."""
    if os.path.exists("/usr/bin/chromium") or os.environ.get("IREN_REQUIRE_BROWSER"):
        return
    skip = pytest.mark.skip(reason="Debian's Chromium is not installed at /usr/bin/chromium")
    for item in items:
        if "/e2e/" in str(item.path):
            item.add_marker(skip)


# --- Data the migrations seed ------------------------------------------------------------------


_DATABASE_FIXTURES = ("db", "transactional_db", "live_server", "django_db_reset_sequences")


@pytest.fixture(autouse=True)
def _migration_seeds(request):
    """The commodity vocabulary migration 0002 seeds, for every test that uses the database.

    A transactional test (workers, browser journeys) ends with a flush that empties every table,
    seeds included, and pytest-django does not promise that no database test runs after one."""
    marker = request.node.get_closest_marker("django_db")
    names = [name for name in _DATABASE_FIXTURES if name in request.fixturenames]
    if marker is None and not names:
        return
    if marker is not None and not names:
        transactional = marker.kwargs.get("transaction", bool(marker.args and marker.args[0]))
        names = ["transactional_db" if transactional else "db"]
    request.getfixturevalue(names[0])
    from seizures.vocabulary import ensure_commodities

    ensure_commodities()


# --- Authentication (accounts): second factor off by default, fresh throttling counters -------


@pytest.fixture(autouse=True)
def _two_factor_off(settings):
    """Tests log people in with force_login or the login form; the second-factor requirement
    is switched on only by the tests about it (tests/security/test_two_factor.py)."""
    settings.TWO_FACTOR_ROLES = []


@pytest.fixture(autouse=True)
def _fresh_cache():
    """API throttling counts in Django's cache: start every test from zero. With Redis, only
    the portal's own keys are removed (the database also holds Celery's queues)."""
    from django.core.cache import cache

    backend = cache._cache if hasattr(cache, "_cache") else None
    if backend is not None and hasattr(backend, "get_client"):
        client = backend.get_client(write=True)
        keys = list(client.scan_iter(match=f"{cache.key_prefix}:*"))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()
    yield

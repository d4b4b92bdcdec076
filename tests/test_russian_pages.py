"""Every main page, rendered in Russian (the language cookie set by /i18n/setlang/) as the
roles that use it — focal.kz, analyst.kz, a KZ member admin and the network admin — shows no
string of the catalogue in English.

The probe: every catalogue msgid whose Russian differs from it (placeholders become
gaps; only fragments of two words or more, or of 8 characters or more, so that "OK" or "kg"
do not match inside data) must not occur in the visible text of the page (tags stripped;
titles, placeholders and labels of buttons included). Data names are checked too: countries
(django-countries' Russian), commodities and control units (``name_ru``), units of measure.
"""

import datetime
import re
from functools import cache
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse

from exchange import services as exchange_services
from exchange.indexing import query_index
from matching.models import WatchEntry
from members.models import MemberAdministration, RoleName
from seizures.columns import EXPORT_COLUMNS
from seizures.matching import seizure_report_index
from seizures.models import DetectionMethod, ImportJob, ImportStatus, Sharing, TransportMode, Unit
from tests.factories.exchange import file_query
from tests.factories.members import ControlUnitFactory, member_user
from tests.factories.seizures import OperationFactory, SeizureReportFactory

pytestmark = pytest.mark.django_db

PO = Path(settings.BASE_DIR) / "locale" / "ru" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]")
CONTAINER = "CSQU3054383"


# --- The probe -------------------------------------------------------------------------------


def _fragments(msgid: str) -> list[str]:
    """The parts of ``msgid`` between its placeholders that are long enough to tell English
    from data: two words or more, or 8 characters or more, with a letter in them."""
    found = []
    for part in PLACEHOLDER.split(" ".join(msgid.split())):
        part = part.strip()
        if re.search(r"[A-Za-z]", part) and (len(part) >= 8 or len(part.split()) >= 2):
            found.append(part)
    return found


@cache
def machine_codes() -> frozenset[str]:
    """Codes of the import format (column names, units, transport and detection codes): the
    translated help sentences quote them as they are, so a msgid equal to one is no probe."""
    codes = set(EXPORT_COLUMNS)
    for choices in (Unit, TransportMode, DetectionMethod, Sharing):
        codes.update(str(value) for value in choices.values)
    return frozenset(codes)


@cache
def catalogue_probes() -> tuple[tuple[str, str], ...]:
    """(msgid, fragment) for every catalogue string whose Russian differs from its English."""
    probes = []
    for entry in polib.pofile(str(PO)):
        if entry.obsolete:
            continue
        russian = entry.msgstr_plural.get(0, "") if entry.msgid_plural else entry.msgstr
        for msgid in filter(None, (entry.msgid, entry.msgid_plural)):
            if russian and russian != msgid and msgid not in machine_codes():
                probes.extend((msgid, fragment) for fragment in _fragments(msgid))
    return tuple(probes)


class _VisibleText(HTMLParser):
    """Text a reader sees: character data outside script and style, and the attributes a
    browser shows (title, placeholder, aria-label, alt, button values). Text in <code> is left
    out: it holds machine names that stay as they are (import columns, unit codes)."""

    SHOWN = ("title", "placeholder", "aria-label", "alt")
    HIDDEN = ("script", "style", "code")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self._hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self._hidden += 1
        attrs = dict(attrs)
        self.parts.extend(attrs[a] for a in self.SHOWN if attrs.get(a))
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return " ".join(" ".join(unescape(p) for p in parser.parts).split())


def english_left(text: str, probes=None) -> list[str]:
    """The msgids of ``probes`` (the catalogue's by default) that show in ``text``: a fragment
    found as a whole (not inside a longer Latin word or a machine name such as
    ``detection_method`` or ``sea-container``)."""
    left = []
    for msgid, fragment in probes or catalogue_probes():
        if fragment in text and msgid not in left:
            edge = re.compile(rf"(?<![A-Za-z_-]){re.escape(fragment)}(?![A-Za-z_-])")
            if edge.search(text):
                left.append(msgid)
    return left


# --- The network and its pages ---------------------------------------------------------------


@pytest.fixture
def network(kz, uz, tj, focal_kz, focal_uz, focal_tj, analyst_kz, admin_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    ControlUnitFactory(
        member=kz, code="KZ-AKT-PCU", name="Aktau Seaport PCU", name_ru="ГПК морского порта Актау"
    )
    member_user(kz, RoleName.MEMBER_ADMIN, username="admin.kz")
    query = file_query(
        focal_kz, recipients=("UZ",), subject="Сигареты под видом салфеток", body="Проверьте."
    )
    exchange_services.query_reply(query=query, user=focal_uz, body="Контейнер досмотрен.")
    # A risk alert to KZ: its page carries the acknowledgement and the outcome form.
    alert = file_query(
        focal_uz,
        recipients=("KZ",),
        kind="risk-alert",
        subject="Героин в сухофруктах",
        body="Проверьте груз по прибытии.",
        container_numbers=["MSCU1234566"],
    )
    report = SeizureReportFactory(
        reporting_member=kz,
        reference="KZ-RU-0001",
        commodity="heroin",
        quantity=585,
        unit="kg",
        transit_countries=["TJ", "UZ"],
        seized_on=datetime.date(2026, 5, 12),
        container_number=CONTAINER,
        concealment="двойное дно",
    )
    SeizureReportFactory(reporting_member=kz, commodity="cigarettes", quantity=5000, unit="pieces")
    seizure_report_index(report=report)
    # KZ watches the container; a later TJ query carrying it: a hit for KZ (and one for TJ).
    WatchEntry.objects.create(
        member=kz, kind="container", value=CONTAINER, display=CONTAINER, created_by=focal_kz
    )
    query_index(
        query=file_query(
            focal_tj,
            recipients=("UZ",),
            subject="Запрос ТЖ",
            handling_code="H1",
            container_numbers=[CONTAINER],
        )
    )
    job = ImportJob.objects.create(
        created_by=analyst_kz, filename="kz.csv", status=ImportStatus.SUCCEEDED
    )
    operation = OperationFactory(code="nicotiana", name="Nicotiana", coordinating_member=kz)
    return {"query": query, "alert": alert, "report": report, "job": job, "operation": operation}


def _pages(network, people) -> dict[str, list[str]]:
    kz_person = people["focal.kz"].pk
    return {
        "focal.kz": [
            reverse("home"),
            reverse("exchange:inbox"),
            reverse("exchange:inbox") + "?q=no-such-text",
            reverse("exchange:detail", args=[network["query"].pk]),
            reverse("exchange:detail", args=[network["alert"].pk]),
            reverse("exchange:file"),
            reverse("exchange:notifications"),
            reverse("matching:hits"),
            reverse("matching:watchlist"),
            reverse("matching:lookup"),
            reverse("matching:lookup") + f"?kind=container&value={CONTAINER}",
            reverse("exchange:inbox") + "?status=open&sort=-due_at",
            reverse("profile"),
            reverse("two-factor-enrol"),
            reverse("directory"),
            reverse("member-detail", args=["KZ"]),
        ],
        "analyst.kz": [
            reverse("seizures:dashboard"),
            reverse("seizures:report-list"),
            reverse("seizures:report-list") + "?q=двойное&sort=-seized_on",
            reverse("seizures:report-detail", args=[network["report"].pk]),
            reverse("seizures:report-new"),
            reverse("seizures:import"),
            reverse("seizures:import-job", args=[network["job"].pk]),
            reverse("seizures:commodities"),
            reverse("seizures:operation-list"),
            reverse("seizures:operation-detail", args=[network["operation"].code]),
        ],
        "admin.kz": [
            reverse("member-people", args=["KZ"]),
            reverse("member-person-new", args=["KZ"]),
            reverse("member-person-edit", args=["KZ", kz_person]),
            reverse("member-units", args=["KZ"]),
            reverse("member-unit-new", args=["KZ"]),
            reverse("member-unit-edit", args=["KZ", "KZ-AKT-PCU"]),
            reverse("audit"),
            reverse("matching:national"),
        ],
        "admin": [
            reverse("home"),
            reverse("member-onboard"),
            reverse("exchange:figures"),
            reverse("directory"),
            reverse("member-detail", args=["KZ"]),
            reverse("audit"),
            reverse("matching:exclusions"),
            reverse("seizures:commodities"),
            reverse("seizures:operation-new"),
            reverse("member-people", args=["KZ"]),
        ],
    }


def _russian_client(client, user):
    client.force_login(user)
    response = client.post(reverse("set_language"), {"language": "ru", "next": "/"})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"
    return client


def test_every_main_page_in_russian_shows_no_english_catalogue_string(
    client, network, django_user_model
):
    people = {u.username: u for u in django_user_model.objects.all()}
    rendered, problems = {}, {}
    for username, urls in _pages(network, people).items():
        _russian_client(client, people[username])
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (username, url, response.status_code)
            assert response["Content-Language"] == "ru", url
            text = visible_text(response.content.decode())
            rendered[(username, url)] = text
            if left := english_left(text):
                problems[f"{username} {url}"] = left
        client.logout()
    assert problems == {}, problems

    # The pages did render what they are about, in Russian.
    dashboard = rendered[("analyst.kz", reverse("seizures:dashboard"))]
    assert "Героин" in dashboard and "кг" in dashboard and "штуки" in dashboard
    bad = re.search(r"\b(kg|pieces|Heroin|Cigarettes)\b", dashboard)
    assert not bad, dashboard[max(0, bad.start() - 200) : bad.end() + 100]
    detail = rendered[
        ("analyst.kz", reverse("seizures:report-detail", args=[network["report"].pk]))
    ]
    assert "Афганистан → Таджикистан → Узбекистан → Казахстан" in detail
    inbox = rendered[("focal.kz", reverse("exchange:inbox"))]
    assert network["query"].reference in inbox
    nothing = rendered[("focal.kz", reverse("exchange:inbox") + "?q=no-such-text")]
    assert "Подходящих запросов нет." in nothing
    hits = rendered[("focal.kz", reverse("matching:hits"))]
    assert CONTAINER in hits and "Таджикистан" in hits
    units = rendered[("admin.kz", reverse("member-units", args=["KZ"]))]
    assert "ГПК морского порта Актау" in units and "Aktau Seaport PCU" not in units
    # Country names come from django-countries in Russian. (The administrations' official
    # names, "Customs of Kazakhstan" here, are recorded data with no Russian field yet.)
    official = re.compile(
        "|".join(re.escape(m.administration) for m in MemberAdministration.objects.all())
    )
    country = re.compile(r"\b(Kazakhstan|Uzbekistan|Tajikistan|Afghanistan)\b")
    english_names = {}
    for page, text in rendered.items():
        if found := country.search(text := official.sub("", text)):
            english_names[page] = text[max(0, found.start() - 80) : found.end() + 40]
    assert english_names == {}


def test_the_filing_form_and_the_report_form_list_countries_in_russian(client, network, focal_kz):
    """The recipients of a query, and all 249 countries of the transit list, in Russian."""
    _russian_client(client, focal_kz)
    form = client.get(reverse("exchange:file")).content.decode()
    assert "Узбекистан (UZ)" in form and "Uzbekistan" not in form
    client.logout()
    analyst = network["report"].reporting_member.people.filter(username="analyst.kz").get()
    _russian_client(client, analyst)
    page = client.get(reverse("seizures:report-new")).content.decode()
    transit = re.search(r'<select name="transit_countries".*?</select>', page, re.S).group(0)
    options = re.findall(r"<option value=\"[A-Z]{2}\"[^>]*>([^<]+)</option>", transit)
    assert len(options) == 249
    assert "Афганистан" in options and "Германия" in options and "Казахстан" in options
    assert not [o for o in options if re.fullmatch(r"[A-Za-z ,.'()-]+", o)]


def test_the_commodity_page_shows_russian_names_and_units(client, network, analyst_kz):
    _russian_client(client, analyst_kz)
    text = visible_text(client.get(reverse("seizures:commodities")).content.decode())
    assert "Героин" in text and "Сигареты" in text
    assert "Масса" in text and "Количество (шт.)" in text
    assert not re.search(r"\b(Heroin|Cigarettes|Mass|Volume|Count)\b", text)


def test_the_second_factor_and_error_pages_in_russian(client, network, focal_kz, settings):
    """Pages outside the navigation: entering a code after the password (a confirmed
    authenticator, required for the role) and a missing page."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    _russian_client(client, focal_kz)
    missing = client.get("/queries/999999/")
    settings.TWO_FACTOR_ROLES = [RoleName.FOCAL_POINT]
    TOTPDevice.objects.create(user=focal_kz, name="phone", confirmed=True)
    session = client.session
    session.pop("accounts_two_factor", None)  # the step is worked out again: enter a code
    session.save()
    assert client.get(reverse("exchange:inbox")).status_code == 302  # a code is due first
    verify = client.get(reverse("two-factor-verify"))
    pages = {"verify": verify, "missing": missing}
    assert (verify.status_code, missing.status_code) == (200, 404)
    texts = {name: visible_text(r.content.decode()) for name, r in pages.items()}
    assert "Двухфакторная аутентификация" in texts["verify"]
    assert "Страница не найдена" in texts["missing"]
    assert {name: english_left(text) for name, text in texts.items()} == {
        "verify": [],
        "missing": [],
    }


# --- The probe can fail ----------------------------------------------------------------------


def test_the_probe_finds_english_in_a_page_and_a_fake_untranslated_string(client, network):
    """The same page in English is full of catalogue strings; and a Russian page that shows
    a string the probe knows as untranslated (here a fake catalogue entry holding the query's
    reference between placeholders) is caught."""
    focal = network["query"].author
    client.force_login(focal)
    english = visible_text(client.get(reverse("exchange:inbox")).content.decode())
    found = english_left(english)
    assert "Urgent queries" in found and len(found) >= 5

    _russian_client(client, focal)
    russian = visible_text(client.get(reverse("exchange:inbox")).content.decode())
    assert english_left(russian) == []
    fake = f"%(count)s {network['query'].reference} %(due)s"
    assert english_left(russian, [(fake, f) for f in _fragments(fake)]) == [fake]
    assert _fragments("OK") == [] and _fragments("%(days)d d") == []
    assert _fragments("%(count)s alert could not be delivered") == ["alert could not be delivered"]

"""A crawl of every URL pattern of the URLconf, with its path parameters filled from objects of
KZ and UZ (a KZ<->UZ query with an attachment and a reply, a national KZ seizure report, a KZ
import job, KZ people and units, an alert, an operation, a KZ watch entry and a KZ matching
hit, a KZ->UZ pre-arrival notice and a KZ manifest import job; their audit events) and a
missing id, requested (GET) as every role of a third country, TJ, and as the network admin.
Every pattern is crawled, so the accounts/, matching/, audit, ops and arrivals pages are too
(``test_the_crawl_covers_the_newer_apps`` makes sure). It asserts:

- no content of the KZ<->UZ query and no national KZ report in any answer;
- no answer that differs between a real id the caller may not see and a missing one;
- no 5xx.

A second crawl takes a KZ focal point and the network admin signed in with the password alone
(the second factor not given) as its roles: every API pattern answers them 401 or 403, with or
without an ``Authorization`` header that is not a valid token.

Patterns that cannot be crawled this way are listed in SKIPPED with the reason.
"""

import datetime
import itertools
import re
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts import sessions
from arrivals import partitioning
from arrivals import services as arrival_services
from arrivals.models import ArrivalImportJob
from exchange import services as exchange_services
from exchange.models import Alert
from matching.lists import watch_entry_create
from matching.models import Hit
from members.models import RoleName
from seizures.models import ImportJob, ImportStatus
from targeting.services import profile_create, profile_update
from tests.factories.exchange import file_query
from tests.factories.members import PASSWORD, ControlUnitFactory, member_user, network_admin
from tests.factories.seizures import OperationFactory, SeizureReportFactory

pytestmark = pytest.mark.django_db

MARKERS = {
    "query subject": "CRAWLMARK-SUBJECT-7f3a",
    "query body": "CRAWLMARK-BODY-91c2",
    "reply": "CRAWLMARK-REPLY-44d0",
    "attachment": "CRAWLMARK-ATTACHMENT-0b5e",
    "national report notes": "CRAWLMARK-NATIONAL-NOTES-e81d",
    "national report concealment": "CRAWLMARK-NATIONAL-HIDE-2c9f",
    "KZ watch note": "CRAWLMARK-WATCH-NOTE-5a17",
    "KZ hit record": "CRAWLMARK-HIT-REF-3d88",
    "notice remarks": "CRAWLMARK-NOTICE-6e0a",
    "notice consignee": "CRAWLMARK-CONSIGNEE-b7f1",
    "KZ profile name": "CRAWLMARK-PROFILE-NAME-1a6c",
    "KZ profile reason": "CRAWLMARK-PROFILE-REASON-77e3",
}
MISSING = 999_999

#: url name -> why it is not crawled.
SKIPPED = {
    "password_reset_confirm": "needs a valid one-time token; covered by the escalation test",
}
#: url name -> the 5xx status that is its documented answer (not a server error).
EXPECTED_5XX = {
    # Readiness: 503 while a required check fails (no Celery worker or beat heartbeat in this
    # test); tests/ops/test_health.py checks when it answers 200 and when 503.
    "readyz": 503,
}
#: unnamed patterns written as regular expressions (full route) -> the URL requested for it.
UNNAMED = {"admin/(?P<url>.*)$": "/admin/no-such-admin-page/"}


@dataclass(frozen=True)
class Candidate:
    label: str
    value: object
    secret: bool  # an object of KZ/UZ the crawling roles must not see


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(kz, uz, tj, focal_kz, focal_uz):
    query = file_query(
        focal_kz,
        recipients=["UZ"],
        subject=MARKERS["query subject"],
        body=MARKERS["query body"],
        attachments=[
            SimpleUploadedFile(
                "evidence.txt", MARKERS["attachment"].encode(), content_type="text/plain"
            )
        ],
    )
    reply = exchange_services.query_reply(query=query, user=focal_uz, body=MARKERS["reply"])
    report = SeizureReportFactory(
        reporting_member=kz,
        sharing="national",
        notes=MARKERS["national report notes"],
        concealment=MARKERS["national report concealment"],
    )
    analyst_kz = member_user(kz, RoleName.ANALYST, username="analyst.kz")
    job = ImportJob.objects.create(
        created_by=analyst_kz, filename="kz.csv", status=ImportStatus.SUCCEEDED
    )
    unit = ControlUnitFactory(member=kz, code="KZ-ALA-ACCU")
    operation = OperationFactory(code="kz-only-op", coordinating_member=kz, participants=[uz])
    alert = Alert.objects.filter(recipient=focal_uz).first()
    watch_entry = watch_entry_create(
        user=focal_kz, kind="container", value="CSQU3054383", note=MARKERS["KZ watch note"]
    )
    hit = Hit.objects.create(
        for_member=kz,
        kind="container",
        value="CSQU3054383",
        display="CSQU 305438 3",
        record_type="watch",
        record_id=watch_entry.pk,
        record_reference=MARKERS["KZ hit record"],
        holder_member=uz,
        holder_record_type="query",
        holder_record_id=query.pk,
        holder_record_reference=query.reference,
        holder_visible=False,
        month=datetime.date.today().replace(day=1),
        state="new",
    )
    now = timezone.now()
    partitioning.forget_known()  # partitions made in an earlier, rolled-back test are gone
    notice = arrival_services.notice_file(
        author=focal_kz,
        data={
            "mode": "road",
            "conveyance": "KZ 123 ABC 02",
            "transport_document": "CMR-2026-771",
            "transport_document_kind": "cmr",
            "place_of_loading": "KZALA",
            "place_of_discharge": "UZTAS",
            "departed_at": (now - datetime.timedelta(days=1)).isoformat(),
            "expected_arrival": (now + datetime.timedelta(days=3)).isoformat(),
            "shipper": "Almaty Foods LLP",
            "shipper_country": "KZ",
            "consignee": MARKERS["notice consignee"],
            "consignee_country": "UZ",
            "containers": [],
            "goods": [
                {"description": "Flour", "hs_code": "1101", "packages": 20, "gross_kg": 1000}
            ],
            "to_member": "UZ",
            "remarks": MARKERS["notice remarks"],
        },
    )
    profile = profile_create(
        user=analyst_kz,
        data={
            "name": MARKERS["KZ profile name"],
            "description": MARKERS["KZ profile reason"],
            "scope": "national",
            "lane": "red",
            "active": True,
            "criteria": [{"field": "hs_code", "op": "prefix", "value": ["1101"]}],
        },
    )
    profile_update(user=analyst_kz, profile=profile, data={"lane": "amber"})
    arrival_job = ArrivalImportJob.objects.create(
        created_by=focal_kz, filename="manifest.csv", content=b""
    )
    callers = {
        "focal.tj": member_user(tj, RoleName.FOCAL_POINT, username="crawl.focal.tj"),
        "officer.tj": member_user(tj, RoleName.UNIT_OFFICER, username="crawl.officer.tj"),
        "analyst.tj": member_user(tj, RoleName.ANALYST, username="crawl.analyst.tj"),
        "admin.tj": member_user(tj, RoleName.MEMBER_ADMIN, username="crawl.admin.tj"),
        "network admin": network_admin("crawl.netadmin"),
    }
    return {
        "query": query,
        "reply": reply,
        "attachment": query.attachments.get(),
        "report": report,
        "job": job,
        "unit": unit,
        "operation": operation,
        "alert": alert,
        "watch entry": watch_entry,
        "hit": hit,
        "notice": notice,
        "arrival job": arrival_job,
        "profile": profile,
        "person": focal_kz,
        "callers": callers,
    }


#: Which secret object a pk of a URL names, by words of the URL name (else: every one).
PK_OBJECTS = [
    ("arrival", ["notice"]),
    ("targeting:", ["profile"]),
    ("profile", ["profile"]),
    ("hit", ["hit"]),
    ("watch", ["watch entry"]),
    ("attachment", ["attachment"]),
    ("notification", ["alert"]),
    ("import", ["import job"]),
    ("report", ["report"]),
    ("seizure", ["report"]),
    ("person", ["KZ person"]),
    ("exchange:", ["query"]),
    ("query", ["query"]),
]
CODE_OBJECTS = [("operation", ["operation"]), ("control-unit", ["unit"])]


def candidates_for(world, url_name: str, name: str) -> list[Candidate] | None:
    """Candidates for ``name`` in the URL named ``url_name``: the objects it is about."""
    found = candidates(world, name)
    if found is None or url_name.startswith("admin:") or url_name.startswith("unnamed"):
        return found
    table = {"pk": PK_OBJECTS, "code": CODE_OBJECTS}.get(name)
    if table is None:
        return found
    for word, labels in table:
        if word in url_name:
            return [c for c in found if c.label in labels or c.label.startswith("missing")]
    if name == "code":
        return [c for c in found if c.label in ("KZ", "UZ", "missing code")]
    return found


def candidates(world, name: str) -> list[Candidate]:
    """Values to try for the path parameter ``name``."""
    ids = {
        "query": world["query"].pk,
        "reply": world["reply"].pk,
        "attachment": world["attachment"].pk,
        "report": world["report"].pk,
        "import job": world["job"].pk,
        "alert": world["alert"].pk,
        "KZ person": world["person"].pk,
        "watch entry": world["watch entry"].pk,
        "hit": world["hit"].pk,
        "notice": world["notice"].pk,
        "profile": world["profile"].pk,
    }
    secret_ids = [Candidate(label, value, True) for label, value in ids.items()]
    missing = Candidate("missing id", MISSING, False)
    return {
        "pk": [*secret_ids, missing],
        "query_pk": [Candidate("query", world["query"].pk, True), missing],
        "job_id": [Candidate("arrival job", world["arrival job"].pk, True), missing],
        "number": [Candidate("version", 1, False), Candidate("missing version", 99, False)],
        "attachment_pk": [Candidate("attachment", world["attachment"].pk, True), missing],
        "object_id": [*secret_ids, missing],
        "object_pk": [*secret_ids, missing],
        "user_id": [Candidate("KZ person", world["person"].pk, True), missing],
        "group_id": [Candidate("group", 1, False), missing],
        "id": [Candidate("KZ person", world["person"].pk, True), missing],
        # Members, units, operations and commodities are in the network's directory: every
        # network user may see them, so they are not "secret" here (but must not leak content).
        "code": [
            Candidate("KZ", "KZ", False),
            Candidate("UZ", "UZ", False),
            Candidate("operation", world["operation"].code, False),
            Candidate("unit", world["unit"].code, False),
            Candidate("missing code", "zz-missing", False),
        ],
        "unit_code": [Candidate("unit", world["unit"].code, False), Candidate("x", "KZ-X", False)],
        # Items held under a release policy, by kind and id.
        "kind": [Candidate(k, k, False) for k in ("query", "seizure", "seizure_import", "x")],
        "item_id": [
            Candidate("query", world["query"].pk, True),
            Candidate("report", world["report"].pk, True),
            Candidate("import job", world["job"].pk, True),
            missing,
        ],
        "fmt": [Candidate("csv", "csv", False), Candidate("xlsx", "xlsx", False)],
        "app_label": [Candidate(a, a, False) for a in ("members", "exchange", "seizures")],
        "content_type_id": [Candidate("ct", 1, False)],
        "url": [Candidate("x", "x/", False)],
        "uidb64": [Candidate("uid", "MQ", False)],
        "token": [Candidate("token", "set-password", False)],
    }.get(name)


def url_patterns(resolver=None, namespace=None, prefix=""):
    """(full name or None, pattern, full route) for every URL pattern, recursively."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = ":".join(n for n in (namespace, entry.namespace) if n) or None
            yield from url_patterns(entry, ns, route)
        elif isinstance(entry, URLPattern):
            name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
            yield name, entry, route


def _unnamed_urls(world, route):
    """URLs for an unnamed pattern written as a route (``<conv:name>`` parts)."""
    if route in UNNAMED:
        return [(UNNAMED[route], ())]
    names = re.findall(r"<(?:\w+:)?(\w+)>", route)
    if "^" in route or "(?P" in route:
        return None
    choices = [candidates(world, n) or [] for n in names]
    urls = []
    for combo in itertools.product(*choices):
        url = route
        for name, candidate in zip(names, combo, strict=True):
            url = re.sub(rf"<(?:\w+:)?{name}>", str(candidate.value), url)
        urls.append(("/" + url, combo))
    return urls


def all_requests(world):
    """(url name, url, secret labels) for every pattern and combination of candidates."""
    seen = set()
    requests, unnamed, unmapped = [], [], []
    for name, _pattern, route in url_patterns():
        if name is None:
            urls = _unnamed_urls(world, route)
            if urls is None:
                unnamed.append(route)
            for url, combo in urls or ():
                requests.append((f"unnamed {route}", url, combo))
            continue
        if name.split(":")[-1] in SKIPPED or name in seen:
            continue
        seen.add(name)
        names = _names_for(name)
        if names is None:
            unnamed.append(name)
            continue
        choices = [candidates_for(world, name, n) for n in names]
        if any(c is None for c in choices):
            unmapped.append(f"{name}: {names}")
            continue
        for combo in itertools.product(*choices):
            kwargs = {n: c.value for n, c in zip(names, combo, strict=True)}
            try:
                url = reverse(name, kwargs=kwargs)
            except Exception:  # a candidate the converter does not accept (e.g. int)
                continue
            requests.append((name, url, combo))
    assert not unmapped, f"path parameters without candidates (add them): {unmapped}"
    return requests, unnamed


def _names_for(name):
    """The kwarg names ``reverse(name)`` needs (from the resolver's reverse dictionary)."""
    resolver = get_resolver()
    *namespaces, short = name.split(":")
    for ns in namespaces:
        resolver = resolver.namespace_dict[ns][1]
    entries = resolver.reverse_dict.getlist(short)
    if not entries:
        return None
    possibilities = entries[0][0]
    return list(possibilities[0][1])


def leaks(response) -> list[str]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    text = content.decode("utf-8", errors="replace") + response.get("Location", "")
    return [label for label, marker in MARKERS.items() if marker in text]


NETWORK_ADMIN_MANAGES = re.compile(r"^member-(person|unit|people|units)")


def test_crawl_every_url_as_outsiders(client, world):
    requests, unnamed = all_requests(world)
    assert len(requests) > 100, "the crawl found too few URLs to mean anything"
    names = {name for name, _url, _combo in requests}
    for expected in ("exchange:detail", "seizures:report-detail", "query-detail", "admin:index"):
        assert expected in names, expected
    assert not unnamed, f"unnamed URL patterns (name them or skip them): {unnamed}"
    problems = []
    for role, user in world["callers"].items():
        client.force_login(user)
        answers: dict[tuple, list] = {}
        for name, url, combo in requests:
            response = client.get(url)
            status = response.status_code
            if status >= 500 and EXPECTED_5XX.get(name.split(":")[-1]) != status:
                problems.append(f"{role} GET {url}: {status}")
            leaked = leaks(response)
            if leaked:
                problems.append(f"{role} GET {url}: shows {leaked}")
            if (
                response.status_code == 200
                and not response.streaming
                and (name.startswith("api-") or "/api/" in url)
                and url.endswith("/")
                and "results" in (response.content[:200].decode(errors="ignore"))
            ):
                # A list: ask it again with filters naming KZ and UZ.
                filtered = client.get(url, {"member": "KZ", "counterpart": "UZ", "q": "CRAWLMARK"})
                if filtered.status_code >= 500 or leaks(filtered):
                    problems.append(f"{role} GET {url}?member=KZ…: {filtered.status_code}")
            key = (name, tuple(c.label for c in combo if not c.secret and c.label != "missing id"))
            answers.setdefault(key, []).append((combo, response))
        # Real (secret) id versus missing id: the same answer.
        for (name, _), items in answers.items():
            if role == "network admin" and NETWORK_ADMIN_MANAGES.match(name.split(":")[-1]):
                continue  # network admins manage every member's people and units by design
            missing = [
                r
                for combo, r in items
                if all(c.secret is False for c in combo)
                and any(c.label == "missing id" for c in combo)
            ]
            if not missing:
                continue
            reference = missing[0]
            for combo, response in items:
                if not any(c.secret for c in combo):
                    continue
                if response.status_code != reference.status_code:
                    labels = [c.label for c in combo]
                    problems.append(
                        f"{role} {name} {labels}: {response.status_code} but "
                        f"{reference.status_code} for a missing id"
                    )
        client.logout()
    assert not problems, "\n".join(problems[:50])


@pytest.mark.parametrize("header", [None, "Bearer x", "Basic Zm9jYWwua3o6eA=="])
def test_crawl_every_api_url_as_a_half_verified_session(client, world, settings, header):
    settings.TWO_FACTOR_ROLES = ["network_admin", "member_admin", "focal_point"]
    network_admin("crawl.netadmin.half")
    requests, _unnamed = all_requests(world)
    api_requests = [(name, url) for name, url, _combo in requests if url.startswith("/api/")]
    assert len(api_requests) > 30, "the crawl found too few API URLs to mean anything"
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    problems = []
    for username in ("focal.kz", "crawl.netadmin.half"):
        login = client.post(reverse("login"), {"username": username, "password": PASSWORD})
        assert login.status_code == 302
        assert client.session[sessions.TWO_FACTOR] != sessions.DONE
        for name, url in api_requests:
            response = client.get(url, **extra)
            if response.status_code not in (401, 403):
                problems.append(f"{username} GET {url} ({name}): {response.status_code}")
            leaked = leaks(response)
            if leaked:
                problems.append(f"{username} GET {url}: shows {leaked}")
        client.logout()
    assert not problems, "\n".join(problems[:50])


def test_the_crawl_sees_content_where_it_is_allowed(client, world, focal_kz):
    """The markers are really on the pages the crawl visits: the parties see them."""
    client.force_login(focal_kz)
    page = client.get(reverse("exchange:detail", args=[world["query"].pk]))
    assert leaks(page) == ["query subject", "query body", "reply"]
    report = client.get(reverse("seizures:report-detail", args=[world["report"].pk]))
    assert "national report notes" in leaks(report)
    download = client.get(
        reverse("exchange:attachment", args=[world["query"].pk, world["attachment"].pk])
    )
    assert leaks(download) == ["attachment"]


def test_the_crawl_covers_the_newer_apps(world):
    """Sign-in (accounts/), matching, audit and operations patterns are all in the crawl."""
    requests, _unnamed = all_requests(world)
    names = {name for name, _url, _combo in requests}
    for expected in (
        "profile",
        "token-revoke",
        "two-factor-enrol",
        "member-person-unlock",
        "member-person-two-factor-reset",
        "member-suspend",
        "matching:hits",
        "matching:hit-action",
        "matching:watch-delete",
        "matching:lookup",
        "hit-detail",
        "watch-entry-detail",
        "audit",
        "audit-export",
        "api-audit-list",
        "healthz",
        "readyz",
        "metrics",
        "arrivals:detail",
        "arrivals:import-job",
        "arrival-detail",
        "targeting:detail",
        "targeting:restore",
        "profile-detail",
        "profile-versions",
        "targeting-settings",
    ):
        assert expected in names, expected
    hit_urls = [url for name, url, _c in requests if name == "hit-detail"]
    assert any(f"/{world['hit'].pk}/" in url for url in hit_urls)


def test_the_profile_markers_are_seen_by_their_owner(client, world):
    """KZ's national profile is on the pages the crawl visits, for KZ's analysts."""
    analyst_kz = world["profile"].created_by
    client.force_login(analyst_kz)
    assert "KZ profile name" in leaks(client.get(f"/targeting/{world['profile'].pk}/"))
    assert "KZ profile reason" in leaks(client.get(f"/api/v1/profiles/{world['profile'].pk}/"))


def test_the_matching_markers_are_seen_by_their_owner(client, world, focal_kz):
    """KZ's own watch note and hit are on the pages the crawl visits, for KZ."""
    client.force_login(focal_kz)
    assert "KZ watch note" in leaks(client.get(reverse("matching:watchlist")))
    assert "KZ hit record" in leaks(client.get(f"/api/v1/hits/{world['hit'].pk}/"))


def test_the_notice_markers_are_seen_by_its_parties(client, world, focal_kz):
    """The KZ->UZ notice's remarks and consignee are on its page, for KZ: the crawl would see
    them if they leaked."""
    client.force_login(focal_kz)
    page = client.get(reverse("arrivals:detail", args=[world["notice"].pk]))
    assert set(leaks(page)) >= {"notice remarks", "notice consignee"}

"""Reads of cross-country matching, restricted by ``matching.permissions``: a member's hits
(with what its people may see of either record), the lookup, watch entries and the
exclusion list."""

from __future__ import annotations

from django.db.models import Aggregate, Count, DurationField, ExpressionWrapper, F, Max, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.identifiers import IdentifierKind, normalise
from members import compiled, permissions

from . import permissions as rules
from .models import (
    Hit,
    HitState,
    IdentifierEntry,
    MatchingExclusion,
    MemberMatchingSetting,
    WatchEntry,
)
from .services import excluded_keys, national_matching_off

LOOKUP_VISIBLE_LIMIT = 100


class _Median(Aggregate):
    """PostgreSQL's ``percentile_cont(0.5)``: the median, computed in the database."""

    function = "percentile_cont"
    template = "percentile_cont(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


def hits_for(
    *, user, state: str | None = None, kind: str | None = None, open_flags: bool = True
) -> QuerySet[Hit]:
    """The hits of the members the user works with for matching, newest first, each
    annotated with whether the user may open its own record and the holder's
    (``own_open``, ``holder_open``: read by ``hit_presentation``; in the same statement).
    ``open_flags=False``: without them (the caller sets them on the rows it shows with
    ``hits_open_attach``)."""
    rows = Hit.objects.filter(for_member_id__in=rules.matching_member_ids(user))
    if state:
        rows = rows.filter(state=state)
    if kind:
        rows = rows.filter(kind=kind)
    rows = rows.select_related("holder_member", "for_member").order_by("-created_at", "-id")
    return rules.hits_open_annotate(user, rows) if open_flags else rows


def hits_open_attach(user, hits: list[Hit]) -> None:
    """Set ``own_open`` and ``holder_open`` on each of ``hits`` (as ``hits_open_annotate``
    would): one statement, built from the user's rights and the hits' ids only, so compiled
    once per person, rights and number of hits (``members.compiled.rows_for``)."""
    if not hits:
        return
    rows = compiled.rows_for(
        user,
        "matching.hits_open",
        lambda ids: (
            rules.hits_open_annotate(user, Hit.objects.filter(pk__in=ids))
            .order_by()
            .values_list("pk", "own_open", "holder_open")
        ),
        [hit.pk for hit in hits],
    )
    flags = {pk: (bool(own), bool(holder)) for pk, own, holder in rows}
    for hit in hits:
        hit.own_open, hit.holder_open = flags.get(hit.pk, (False, False))


def record_matches(*, user, record_type: str, record_id: int) -> list[dict]:
    """The "Matches" section of a query or report page: the hits of the user's members whose
    own side is this record, each as ``{"hit", "shown", "ask"}`` (what ``hit_presentation``
    lets the user see). One statement when the record has no hit (most records: the flags of
    who may open which record are costly to build), two otherwise, whatever the number. The
    hits are read by a statement built from the user's rights, the record type and id alone,
    so compiled once per person, rights and record type (``members.compiled``)."""
    rows = compiled.instances_for(
        user,
        f"matching.record_matches:{record_type}",
        lambda ids: (
            Hit.objects.filter(
                for_member_id__in=rules.matching_member_ids(user),
                record_type=record_type,
                record_id__in=ids,
            )
            .select_related("holder_member", "for_member")
            .order_by("-created_at", "-id")
        ),
        [record_id],
    )
    hits_open_attach(user, rows)
    return [
        {
            "hit": hit,
            "shown": hit_presentation(hit, user=user),
            "ask": hit_ask_initial(hit),
        }
        for hit in rows
    ]


#: The hit badge counts new hits up to this many and then shows "99+".
HIT_BADGE_MAX = 99


def hits_new_count(*, user) -> int:
    """The number on the hit badge, at most ``HIT_BADGE_MAX + 1`` (the badge is on every page:
    a member with tens of thousands of new hits must not pay for counting them all)."""
    members = rules.matching_member_ids(user)
    if not members:
        return 0

    def build():
        new = Hit.objects.filter(for_member_id__in=sorted(members), state=HitState.NEW)
        return new.order_by().values("pk")[: HIT_BADGE_MAX + 1]

    # Built from the user's rights alone: compiled once per person and rights.
    return compiled.count_for(user, "matching.hits_new_count", build)


def _open_flags(hit: Hit, user) -> tuple[bool, bool]:
    """``own_open``, ``holder_open`` of a hit: as annotated by ``hits_for`` and
    ``record_matches``, else read (one statement)."""
    if hasattr(hit, "own_open") and hasattr(hit, "holder_open"):
        return bool(hit.own_open), bool(hit.holder_open)
    flags = (
        rules.hits_open_annotate(user, Hit.objects.filter(pk=hit.pk))
        .values_list("own_open", "holder_open")
        .first()
    )
    return (bool(flags[0]), bool(flags[1])) if flags else (False, False)


def hit_presentation(hit: Hit, *, user) -> dict:
    """What the user may see of a hit: the id and reference of either record only when the
    user may open that record (by its page's own rule, decided per person: an analyst sees
    their member's queries as held by the member, without id or reference); otherwise the
    kind of record, the holding member and the month."""
    own_visible, holder_visible = _open_flags(hit, user)
    return {
        "id": hit.pk,
        "state": hit.state,
        "kind": hit.kind,
        "value": hit.value,
        "display": hit.display,
        "record": {
            "type": hit.record_type,
            "id": hit.record_id if own_visible else None,
            "reference": hit.record_reference if own_visible else None,
        },
        "holder": hit.holder_member.code.code,
        "holder_record": {
            "type": hit.holder_record_type,
            "id": hit.holder_record_id if holder_visible else None,
            "reference": hit.holder_record_reference if holder_visible else None,
        },
        "month": hit.month.strftime("%Y-%m"),
        "created_at": hit.created_at,
        "follow_up_query": hit.follow_up_query_id,
        "common": hit.common,
        "alerted": hit.alerted,
        "dismiss_reason": hit.dismiss_reason,
    }


def identifiers_lookup(*, user, kind: str, value: str) -> dict:
    """Hit/no-hit on demand: which members hold records with this identifier (counts and
    latest month) and the references of the records the user may open. Counted are only the
    records the network may learn of (``network_disclosable_sql``) that matching would disclose
    to the user's members: other members' records, and their own member's records the user
    may not open (held by the member, no id, no reference). Listed under ``visible`` are the
    records the user may open (``record_open_q``: their pages' own rules). A fixed number of
    statements. Raises ``InvalidIdentifier`` on a bad value."""
    value = normalise(kind, value)
    members = rules.matching_member_ids(user)
    answer = {"kind": kind, "value": value, "holders": [], "visible": []}
    if not members or (kind, value) in excluded_keys():
        return answer
    rows = IdentifierEntry.objects.filter(kind=kind, value=value)
    national_off = national_matching_off()
    opened = rules.record_open_q(user, type_field="record_type", id_field="record_id")
    # Within what the network may learn of, matching discloses every record but a member's own
    # to it: counted are other members' records and the user's members' records they may not
    # open.
    counted = rows.filter(rules.network_disclosable_condition(national_off)).filter(
        ~Q(owner_member_id__in=sorted(members)) | ~opened
    )
    for row in (
        counted.values("owner_member__code")
        .annotate(records=Count("id"), latest=Max("seen_on"))
        .order_by("owner_member__code")
    ):
        answer["holders"].append(
            {
                "member": str(row["owner_member__code"]),
                "records": row["records"],
                "latest": row["latest"].strftime("%Y-%m"),
            }
        )
    seen = rows.filter(opened).select_related("owner_member").order_by("-seen_on", "-id")
    for row in seen[:LOOKUP_VISIBLE_LIMIT]:
        answer["visible"].append(
            {
                "member": row.owner_member.code.code,
                "record_type": row.record_type,
                "record_id": row.record_id,
                "reference": row.record_reference,
                "month": row.seen_on.strftime("%Y-%m"),
            }
        )
    return answer


def watch_entries(*, user) -> QuerySet[WatchEntry]:
    return (
        WatchEntry.objects.filter(member_id__in=rules.matching_member_ids(user))
        .select_related("member", "created_by")
        .order_by("-created_at", "-id")
    )


def exclusions(*, user) -> QuerySet[MatchingExclusion]:
    if not rules.may_manage_exclusions(user):
        return MatchingExclusion.objects.none()
    return MatchingExclusion.objects.select_related("created_by").order_by("kind", "value")


def national_settings(*, user) -> list[dict]:
    """The members whose national-reports setting the user may change, with its state."""
    from members.models import MemberAdministration

    member_ids = rules.national_setting_member_ids(user)
    settings = {
        s.member_id: s
        for s in MemberMatchingSetting.objects.filter(member_id__in=member_ids).select_related(
            "changed_by"
        )
    }
    return [
        {"member": member, "setting": settings.get(member.pk)}
        for member in MemberAdministration.objects.filter(pk__in=member_ids).order_by("code")
    ]


KIND_CHOICES = IdentifierKind.choices


#: The filing form's field for each identifier kind (for "Ask <member>").
ASK_FIELDS = {
    "container": "container_numbers",
    "bill-of-lading": "bill_of_lading_numbers",
    "air-waybill": "air_waybill_numbers",
    "vessel-imo": "vessel_imo",
    "vehicle": "body",
    "company": "consignee",
}


#: Each kind of identifier named in a sentence ("container MSKU9070323").
_IDENTIFIER_PHRASES = {
    "container": gettext_lazy("container %(value)s"),
    "bill-of-lading": gettext_lazy("bill of lading %(value)s"),
    "air-waybill": gettext_lazy("air waybill %(value)s"),
    "vessel-imo": gettext_lazy("vessel IMO %(value)s"),
    "vehicle": gettext_lazy("vehicle %(value)s"),
    "company": gettext_lazy("company %(value)s"),
}


def hit_ask_draft(hit: Hit, *, user) -> dict:
    """What "Ask <member>" starts from: the form's initial data (``hit_ask_initial``) with a
    subject and a message naming the hit's identifier and, when the asker may open it, their
    own record's reference; and the banner that says what the query is about ("About
    container MSKU9070323, held by PK")."""
    shown = hit_presentation(hit, user=user)
    identifier = _IDENTIFIER_PHRASES.get(hit.kind, "%(value)s") % {
        "value": hit.display or hit.value
    }
    values = {
        "identifier": identifier,
        "member": shown["holder"],
        "reference": shown["record"]["reference"] or "",
        "month": shown["month"],
    }
    if values["reference"]:
        body = _(
            "Cross-country matching found %(identifier)s both in our record %(reference)s and "
            "in a record of yours (%(month)s). Please tell us what you know of it."
        )
    else:
        body = _(
            "Cross-country matching found %(identifier)s both in one of our records and in a "
            "record of yours (%(month)s). Please tell us what you know of it."
        )
    initial = hit_ask_initial(hit)
    initial["subject"] = (_("About %(identifier)s") % values)[:200]
    initial["body"] = body % values
    return {
        "initial": initial,
        "banner": _("About %(identifier)s, held by %(member)s") % values,
    }


def hit_ask_initial(hit: Hit) -> dict:
    """Initial data of the filing form for "Ask <member>": an urgent request to the holding
    member naming the identifier, linked to the hit (``hit``; the filing view should call
    ``matching.hits.hit_ask`` once the query is filed)."""
    return {
        "recipients": [hit.holder_member.code.code],
        "kind": "request",
        ASK_FIELDS[hit.kind]: hit.display or hit.value,
        "hit": hit.pk,
    }


def matching_figures(*, user) -> dict:
    """For network admins (the network figures page), counts only: hits per month (when they
    were found), the share asked (a follow-up query was filed), the share confirmed, and the
    median time from hit to follow-up query (PostgreSQL's ``percentile_cont``)."""
    if not permissions.may_view_network_figures(user):
        return {"months": [], "total": None}
    wait = ExpressionWrapper(
        F("follow_up_query__created_at") - F("created_at"), output_field=DurationField()
    )
    counts = {
        "hits": Count("id"),
        "asked": Count("id", filter=Q(follow_up_query__isnull=False)),
        "confirmed": Count("id", filter=Q(state=HitState.CONFIRMED)),
        "median_to_ask": _Median(wait),
    }
    rows = list(
        Hit.objects.annotate(found=TruncMonth("created_at"))
        .values("found")
        .annotate(**counts)
        .order_by("found")
    )
    total = Hit.objects.aggregate(**counts)

    def shares(row: dict) -> dict:
        hits = row["hits"] or 0
        row["share_asked"] = row["asked"] / hits if hits else None
        row["share_confirmed"] = row["confirmed"] / hits if hits else None
        return row

    return {"months": [shares(r) for r in rows], "total": shares(total)}

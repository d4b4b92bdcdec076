"""Writes of the lists people keep around matching: a member's watch entries, the network
admins' exclusion list, and each member's choice about its national reports."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import Invalid, NotAllowed
from core.identifiers import IdentifierKind, InvalidIdentifier, display_value, normalise

from . import permissions as rules
from .models import Hit, HitState, MatchingExclusion, MemberMatchingSetting, WatchEntry

OPEN_STATES = (HitState.NEW, HitState.SEEN)


def _clean_identifier(kind: str, value: str, errors: dict) -> str | None:
    if kind not in IdentifierKind.values:
        errors["kind"] = [
            _("“%(kind)s” is not one of: %(choices)s.")
            % {"kind": kind or "", "choices": ", ".join(IdentifierKind.values)}
        ]
        return None
    try:
        return normalise(kind, value)
    except InvalidIdentifier:
        errors["value"] = [
            _("This is not a valid %(kind)s.") % {"kind": IdentifierKind(kind).label.lower()}
        ]
        return None


@transaction.atomic
def watch_entry_create(
    *,
    user,
    kind: str,
    value: str,
    note: str = "",
    expires_on: date | None = None,
    member_id: int | None = None,
) -> WatchEntry:
    """Watch an identifier for a member the user works for (the only one, if not given)."""
    errors: dict[str, list[str]] = {}
    members = sorted(rules.matching_member_ids(user))
    if member_id is None and len(members) == 1:
        member_id = members[0]
    if member_id is None or not rules.may_keep_watch_entries(user, member_id):
        errors["member"] = [_("You may not keep watch entries for this member.")]
    normalised = _clean_identifier(kind, value, errors)
    note = (note or "").strip()
    if len(note) > 2000:
        errors["note"] = [_("The note may have at most 2000 characters.")]
    if expires_on is not None and expires_on < timezone.localdate():
        errors["expires_on"] = [_("The expiry date is in the past.")]
    if (
        not errors
        and WatchEntry.objects.filter(member_id=member_id, kind=kind, value=normalised).exists()
    ):
        errors["value"] = [_("Your member already watches this identifier.")]
    if errors:
        raise Invalid(errors)
    return WatchEntry.objects.create(
        member_id=member_id,
        created_by=user,
        kind=kind,
        value=normalised,
        display=display_value(value),
        note=note,
        expires_on=expires_on,
    )


@transaction.atomic
def watch_entry_delete(*, user, entry: WatchEntry) -> None:
    if not rules.may_keep_watch_entries(user, entry.member_id):
        raise NotAllowed(_("This watch entry is not your member's."))
    Hit.objects.filter(record_type="watch", record_id=entry.pk, state__in=OPEN_STATES).delete()
    entry.delete()


@transaction.atomic
def matching_exclusion_add(*, user, kind: str, value: str, note: str = "") -> MatchingExclusion:
    """Network admins keep a value out of matching; its hits nobody acted on yet go."""
    if not rules.may_manage_exclusions(user):
        raise NotAllowed(_("Only network admins keep the exclusion list."))
    errors: dict[str, list[str]] = {}
    normalised = _clean_identifier(kind, value, errors)
    if not errors and MatchingExclusion.objects.filter(kind=kind, value=normalised).exists():
        errors["value"] = [_("This value is already excluded.")]
    if errors:
        raise Invalid(errors)
    Hit.objects.filter(kind=kind, value=normalised, state__in=OPEN_STATES).delete()
    return MatchingExclusion.objects.create(
        kind=kind,
        value=normalised,
        display=display_value(value),
        note=(note or "").strip()[:200],
        created_by=user,
    )


@transaction.atomic
def matching_exclusion_remove(*, user, exclusion: MatchingExclusion) -> None:
    if not rules.may_manage_exclusions(user):
        raise NotAllowed(_("Only network admins keep the exclusion list."))
    exclusion.delete()


@transaction.atomic
def member_matching_set(
    *, user, member_id: int, national_reports_match: bool
) -> MemberMatchingSetting:
    """A member's admins switch its national reports in or out of matching (recorded: who,
    when). Switching out takes back the hits on its national reports nobody acted on yet."""
    if not rules.may_set_national_matching(user, member_id):
        raise NotAllowed(_("Only the member's admins change this."))
    setting, _created = MemberMatchingSetting.objects.select_for_update().get_or_create(
        member_id=member_id
    )
    setting.national_reports_match = bool(national_reports_match)
    setting.changed_by = user
    setting.changed_at = timezone.now()
    setting.save()
    if not setting.national_reports_match:
        # Hits whose holder record the member could not see are on national reports (shared
        # reports are visible to everyone).
        Hit.objects.filter(
            holder_member_id=member_id,
            holder_record_type="seizure",
            holder_visible=False,
            state__in=OPEN_STATES,
        ).delete()
    return setting

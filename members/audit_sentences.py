"""Audit events as sentences a person reads ("focal.kz read query IREN-PK-2026-00001"): one
translated sentence per action, with the actor, the object's reference and, for roles, the
role filled in. The audit page shows these; the CSV export and the API keep the codes."""

from __future__ import annotations

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import RoleName

#: Each action's sentence: ``%(actor)s`` who acted, ``%(object)s`` the object's reference,
#: ``%(role)s`` the role granted or revoked.
SENTENCES = {
    "auth.login": gettext_lazy("%(actor)s signed in"),
    "auth.logout": gettext_lazy("%(actor)s signed out"),
    "auth.login_failed": gettext_lazy("A sign-in as %(object)s failed"),
    "auth.password_change": gettext_lazy("%(actor)s changed their password"),
    "auth.password_reset": gettext_lazy("%(object)s set a new password through a reset link"),
    "invitation.accept": gettext_lazy("%(object)s accepted the invitation and set a password"),
    "invitation.send": gettext_lazy("%(actor)s sent an invitation to %(object)s"),
    "account.locked": gettext_lazy("The account %(object)s was locked after failed sign-ins"),
    "account.unlocked": gettext_lazy("%(actor)s unlocked the account %(object)s"),
    "token.created": gettext_lazy("%(actor)s created an API token for %(object)s"),
    "token.revoked": gettext_lazy("%(actor)s revoked an API token of %(object)s"),
    "two_factor.enrolled": gettext_lazy("%(actor)s set up a second factor"),
    "two_factor.reset": gettext_lazy("%(actor)s reset the second factor of %(object)s"),
    "person.create": gettext_lazy("%(actor)s created the account %(object)s"),
    "person.change": gettext_lazy("%(actor)s changed the account %(object)s"),
    "person.deactivate": gettext_lazy("%(actor)s deactivated the account %(object)s"),
    "role.grant": gettext_lazy("%(actor)s gave %(object)s the role %(role)s"),
    "role.revoke": gettext_lazy("%(actor)s took the role %(role)s from %(object)s"),
    "member.onboard": gettext_lazy("%(actor)s onboarded the member %(object)s"),
    "member.suspended": gettext_lazy("%(actor)s suspended the member %(object)s"),
    "member.reinstated": gettext_lazy("%(actor)s reinstated the member %(object)s"),
    "control_unit.create": gettext_lazy("%(actor)s added the control unit %(object)s"),
    "control_unit.change": gettext_lazy("%(actor)s changed the control unit %(object)s"),
    "query.file": gettext_lazy("%(actor)s filed query %(object)s"),
    "query.read": gettext_lazy("%(actor)s read query %(object)s"),
    "query.acknowledge": gettext_lazy("%(actor)s acknowledged query %(object)s"),
    "query.reply": gettext_lazy("%(actor)s replied to query %(object)s"),
    "query.outcome": gettext_lazy("%(actor)s recorded the outcome of query %(object)s"),
    "query.close": gettext_lazy("%(actor)s closed query %(object)s"),
    "query.export": gettext_lazy("%(actor)s exported query %(object)s"),
    "attachment.upload": gettext_lazy("%(actor)s attached a file to %(object)s"),
    "attachment.download": gettext_lazy("%(actor)s downloaded an attachment of %(object)s"),
    "seizure.create": gettext_lazy("%(actor)s entered seizure report %(object)s"),
    "seizure.read": gettext_lazy("%(actor)s read seizure report %(object)s"),
    "seizures.import": gettext_lazy("%(actor)s imported seizure reports"),
    "seizures.export": gettext_lazy("%(actor)s exported seizure reports"),
    "operation.create": gettext_lazy("%(actor)s created the operation %(object)s"),
    "vocabulary.change": gettext_lazy("%(actor)s changed the commodity %(object)s"),
    "hit.ask": gettext_lazy("%(actor)s asked the holding member about a hit"),
    "hit.dismiss": gettext_lazy("%(actor)s dismissed a hit"),
    "identifier.lookup": gettext_lazy("%(actor)s looked up an identifier"),
    "alert.preferences": gettext_lazy("%(actor)s changed their alert settings"),
    "alert.email_sent": gettext_lazy("The portal emailed an alert about %(object)s"),
    "alert.digest_sent": gettext_lazy("The portal emailed a daily digest to %(object)s"),
    "audit.export": gettext_lazy("%(actor)s exported the audit trail"),
    "audit.prune": gettext_lazy("%(actor)s removed expired audit events"),
    "hit.confirm": gettext_lazy("%(actor)s confirmed a hit through a linked report"),
    "arrival.file": gettext_lazy("%(actor)s sent pre-arrival notice %(object)s"),
    "arrival.read": gettext_lazy("%(actor)s read pre-arrival notice %(object)s"),
    "arrival.import": gettext_lazy("%(actor)s imported a manifest of pre-arrival notices"),
    "arrival.arrived": gettext_lazy("%(actor)s recorded the arrival of notice %(object)s"),
    "arrival.outcome": gettext_lazy("%(actor)s recorded the outcome of notice %(object)s"),
    "arrival.prune": gettext_lazy("The portal removed expired pre-arrival notices"),
    "arrival.release": gettext_lazy("%(actor)s released pre-arrival notice %(object)s"),
    "arrival.return": gettext_lazy(
        "%(actor)s returned pre-arrival notice %(object)s to its author"
    ),
    "query.release": gettext_lazy("%(actor)s released query %(object)s"),
    "query.return": gettext_lazy("%(actor)s returned query %(object)s to its author"),
    "seizure.release": gettext_lazy("%(actor)s released seizure report %(object)s"),
    "seizure.return": gettext_lazy("%(actor)s returned seizure report %(object)s to its author"),
    "release_policy.change": gettext_lazy("%(actor)s changed the release policy of %(object)s"),
    "profile.create": gettext_lazy("%(actor)s wrote risk profile %(object)s"),
    "profile.read": gettext_lazy("%(actor)s read risk profile %(object)s"),
    "profile.update": gettext_lazy("%(actor)s changed risk profile %(object)s"),
    "profile.delete": gettext_lazy("%(actor)s deleted risk profile %(object)s"),
    "profile.restore": gettext_lazy(
        "%(actor)s restored an earlier version of risk profile %(object)s"
    ),
    "profile.backtest": gettext_lazy("%(actor)s backtested risk profile %(object)s"),
    "targeting.random_rate": gettext_lazy(
        "%(actor)s changed the random selection rate of %(object)s"
    ),
}


def audit_sentence_html(event) -> str:
    """``audit_sentence`` as HTML for the audit page: the actor and the reference are kept
    on one line each (a reference such as IREN-PK-2026-00001 never breaks at its hyphens)."""
    return audit_sentence(
        event, wrap=lambda text: format_html('<span class="nowrap">{}</span>', text)
    )


def audit_sentence(event, wrap=None) -> str:
    """The event as one sentence in the active language. Nothing the reader may not see is
    added: the actor and reference are the event's own (already redacted for the reader); a
    missing reference reads "(hidden)", never an object id. ``wrap``: makes HTML of each
    value (the sentence is then HTML, its own text escaped)."""
    actor = event.actor_username or _("The portal")
    reference = event.object_reference or _("(hidden)")
    detail = event.detail if isinstance(event.detail, dict) else {}
    role = detail.get("role")
    values = {
        "actor": actor,
        "object": reference,
        "role": str(RoleName(role).label) if role in RoleName.values else _("(hidden)"),
    }
    template = SENTENCES.get(event.action)
    if template is None:
        # An action without a sentence of its own still reads as words, not as a code.
        values["action"] = event.action.replace(".", " ").replace("_", " ")
        template = _("%(actor)s: %(action)s (%(object)s)")
    if wrap is None:
        return str(template) % values
    escaped = {name: wrap(value) for name, value in values.items()}
    return mark_safe(conditional_escape(str(template)) % escaped)  # noqa: S308 (escaped)

"""Each person's choice, per kind of event, of how alerts reach them: in the portal only, by
email at once (the default), or in one daily digest email (``exchange.send_digests``)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AlertKind(models.TextChoices):
    QUERY_RECEIVED = "query-received", _("Query received")
    REPLY = "reply", _("Reply")
    REMINDER = "reminder", _("Reminder")
    HIT = "hit", _("Hit")
    WATCHLIST_HIT = "watchlist-hit", _("Watchlist hit")
    ARRIVAL = "arrival", _("Pre-arrival notice")


class AlertMode(models.TextChoices):
    PORTAL = "portal", _("In the portal only")
    IMMEDIATE = "immediate", _("Email at once")
    DIGEST = "digest", _("Daily digest email")


#: The kind of event (as people choose it) of each alert event. Events not listed here
#: (acknowledged, outcome, closed) always mail at once.
EVENT_KINDS = {
    "filed": AlertKind.QUERY_RECEIVED,
    "reply": AlertKind.REPLY,
    "reminder": AlertKind.REMINDER,
    "escalation": AlertKind.REMINDER,
    "hit": AlertKind.HIT,
    "watchlist-hit": AlertKind.WATCHLIST_HIT,
    "arrival-red": AlertKind.ARRIVAL,
    "arrival-outcome": AlertKind.ARRIVAL,
}


class AlertPreference(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="alert_preferences",
        verbose_name=_("person"),
    )
    event = models.CharField(max_length=16, choices=AlertKind.choices, verbose_name=_("event"))
    mode = models.CharField(
        max_length=10,
        choices=AlertMode.choices,
        default=AlertMode.IMMEDIATE,
        verbose_name=_("how alerts reach the person"),
    )

    class Meta:
        verbose_name = _("alert preference")
        verbose_name_plural = _("alert preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "event"], name="alert_preference_unique"),
            models.CheckConstraint(
                condition=models.Q(mode__in=AlertMode.values), name="alert_preference_mode_valid"
            ),
        ]

    def __str__(self):
        return f"{self.user_id} {self.event}: {self.mode}"

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    """Alerts: the outbox, its transports, each person's preferences, the daily digest and
    every outgoing email (``alerts.emails``). Below exchange and matching: an alert names its
    query, reply or hit by foreign key and reads them through it."""

    name = "alerts"
    verbose_name = _("Alerts")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Operations: health and metrics endpoints, heartbeats, the login-failure counter and the
    database-outage answers. Cross-cutting and read-only towards the domain apps: it reads
    their models through the app registry and none of them imports it."""

    name = "ops"
    verbose_name = _("Operations")

    def ready(self):
        from core.api import exception_responder_register

        from . import signals  # noqa: F401  (connects the receivers)
        from .outage import DATABASE_ERRORS, SERVICE_ERRORS, database_outage_response

        exception_responder_register(DATABASE_ERRORS + SERVICE_ERRORS, database_outage_response)

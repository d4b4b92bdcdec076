from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")

    def ready(self):
        from django.db.backends.signals import connection_created

        from core import request_context

        from . import audit, audit_signals, caching

        connection_created.connect(
            audit.sqlite_register_functions, dispatch_uid="iren-audit-sqlite-functions"
        )
        audit_signals.connect()
        request_context.request_signals_connect()
        caching.signals_connect()

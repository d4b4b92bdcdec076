from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")

    def ready(self):
        from core import request_context

        from . import audit_signals, caching
        from .home import home_section_register
        from .home_releases import releases_section

        home_section_register("releases", releases_section, order=40)
        audit_signals.connect()
        request_context.request_signals_connect()
        caching.signals_connect()

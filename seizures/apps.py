from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SeizuresConfig(AppConfig):
    name = "seizures"
    verbose_name = _("Seizures")

    def ready(self):
        from exchange.panels import query_panel_register

        from .panels import query_seizure_reports_panel

        # The API's query detail lists the panel's ids under this name (a contract).
        query_panel_register("seizure_reports", query_seizure_reports_panel)

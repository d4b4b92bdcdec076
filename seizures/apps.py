from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SeizuresConfig(AppConfig):
    name = "seizures"
    verbose_name = _("Seizures")

    def seed_demo(self, *, members) -> str:
        """Demo data of this app for ``manage.py seed_demo`` (which knows no app by name)."""
        from .demo import seed

        return seed(members=members)

    def ready(self):
        from exchange.panels import query_panel_register
        from matching.models import RecordType
        from matching.permissions import record_reader_register

        from .panels import query_seizure_reports_panel
        from .permissions import restrict_seizures
        from .vocabulary import vocabulary_signals_connect

        # Who may open a report, for what matching shows of one: the report page's own rule.
        record_reader_register(RecordType.SEIZURE, restrict_seizures)

        # The API's query detail lists the panel's ids under this name (a contract).
        query_panel_register("seizure_reports", query_seizure_reports_panel)
        vocabulary_signals_connect()

        from members.home import home_section_register

        from .home import latest_reports_section

        home_section_register("reports", latest_reports_section, order=50)

        # Held under a release policy: network-shared reports, one by one or a whole import.
        from members.releases import release_kind_register

        from .releasing import SEIZURE_IMPORT_RELEASE_KIND, SEIZURE_RELEASE_KIND

        release_kind_register(SEIZURE_RELEASE_KIND)
        release_kind_register(SEIZURE_IMPORT_RELEASE_KIND)

    def matching_reindex(self, *, chunk_size: int = 2000) -> int:
        """Index every seizure report for matching (``manage.py identifiers_reindex``)."""
        from .matching import seizure_reports_reindex

        return seizure_reports_reindex(chunk_size=chunk_size)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArrivalsConfig(AppConfig):
    name = "arrivals"
    verbose_name = _("Pre-arrival notices")

    def ready(self):
        from alerts.subjects import alert_subject_register
        from matching.models import RecordType
        from matching.permissions import record_reader_register
        from members.home import home_section_register
        from members.releases import release_kind_register
        from seizures.panels import seizure_report_panel_register

        from . import alerting, panels, permissions, releasing, screening
        from .home import red_arrivals_section

        # The lower apps learn of notices only through these hooks. Who may open a notice,
        # for what matching shows of one: the notice page's own rule.
        record_reader_register(RecordType.ARRIVAL, permissions.restrict_notices)
        alert_subject_register(alerting.SUBJECT_TYPE, alerting.ARRIVAL_ALERTS)
        seizure_report_panel_register("arrival_notices", panels.seizure_report_notices_panel)
        screening.screening_sources_register_builtin()
        home_section_register("arrivals", red_arrivals_section, order=30)
        release_kind_register(releasing.ARRIVAL_RELEASE_KIND)
        release_kind_register(releasing.ARRIVAL_IMPORT_RELEASE_KIND)

    def seed_demo(self, *, members) -> str:
        """Demo data of this app for ``manage.py seed_demo`` (which knows no app by name)."""
        from .demo import seed

        return seed(members=members)

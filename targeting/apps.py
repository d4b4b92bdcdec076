from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetingConfig(AppConfig):
    name = "targeting"
    verbose_name = _("Targeting")

    def ready(self):
        from alerts.subjects import alert_subject_register
        from arrivals.screening import (
            screening_outcome_listener_register,
            screening_source_register,
        )

        from . import alerting, screening

        # Arrivals knows nothing of profiles: it runs whatever sources are registered.
        screening_source_register("profile", screening.profile_source)
        screening_source_register("random", screening.random_source, fallback=True)
        screening_outcome_listener_register("targeting", screening.selections_outcome_record)
        alert_subject_register(alerting.SUBJECT_TYPE, alerting.PROFILE_ALERTS)

    def seed_demo(self, *, members) -> str:
        """Demo data of this app for ``manage.py seed_demo`` (which knows no app by name)."""
        from .demo import seed

        return seed(members=members)

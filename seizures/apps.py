from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SeizuresConfig(AppConfig):
    name = "seizures"
    verbose_name = _("Seizures")

    def seed_demo(self, *, members) -> str:
        """Demo data of this app for ``manage.py seed_demo`` (which knows no app by name)."""
        from .demo import seed

        return seed(members=members)

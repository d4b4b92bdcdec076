from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    """Cross-country matching: the identifier index, hits, watch lists, exclusions, lookup.
    The apps whose records feed the index (exchange, seizures) call its services; it imports
    none of them."""

    name = "matching"
    verbose_name = _("Matching")

    def ready(self):
        from .services import matching_cache_signals_connect

        matching_cache_signals_connect()

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    """Cross-country matching: the identifier index, hits, watch lists, exclusions, lookup.
    The apps whose records feed the index (exchange, seizures) call its services; it imports
    none of them."""

    name = "matching"
    verbose_name = _("Matching")

    def ready(self):
        from members.home import home_section_register

        from .home import new_hits_section
        from .services import matching_cache_signals_connect

        matching_cache_signals_connect()
        home_section_register("hits", new_hits_section, order=20)

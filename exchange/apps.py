from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "exchange"
    verbose_name = _("Exchange")

    def ready(self):
        from matching.models import RecordType
        from matching.permissions import record_reader_register
        from members.releases import release_kind_register

        from .matches_panel import query_matches_panel
        from .panels import query_panel_register
        from .permissions import restrict_queries

        # Who may open a query, for what matching shows of one: the query page's own rule.
        record_reader_register(RecordType.QUERY, restrict_queries)
        query_panel_register("matches", query_matches_panel)
        # Held under a release policy: how queries are listed, released and returned.
        from .releasing import QUERY_RELEASE_KIND

        release_kind_register(QUERY_RELEASE_KIND)

        from members.home import home_section_register

        from .home import queries_waiting_section

        home_section_register("queries", queries_waiting_section, order=10)

    def seed_demo(self, *, members) -> str:
        """Demo data of this app for ``manage.py seed_demo`` (which knows no app by name)."""
        from .demo import seed

        return seed(members=members)

    def seed_demo_held(self, *, members) -> str:
        """Demo items awaiting release, once the demo release policies are set."""
        from .demo import seed_held

        return seed_held(members=members)

    def matching_reindex(self, *, chunk_size: int = 2000) -> int:
        """Index every urgent query for matching (``manage.py identifiers_reindex``)."""
        from .indexing import queries_reindex

        return queries_reindex(chunk_size=chunk_size)

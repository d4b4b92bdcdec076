"""Index every existing record for cross-country matching. Each app that feeds the index
(exchange: queries; seizures: reports) says how, through its AppConfig's
``matching_reindex``: this command knows no app by name. Safe to run again: a record's rows are
replaced, and hits that exist already are not made twice."""

from django.apps import apps
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Index existing queries and seizure reports for cross-country matching."

    def add_arguments(self, parser):
        parser.add_argument("--chunk-size", type=int, default=2000)

    def handle(self, *args, chunk_size, **options):
        for config in apps.get_app_configs():
            reindex = getattr(config, "matching_reindex", None)
            if reindex is None:
                continue
            count = reindex(chunk_size=chunk_size)
            self.stdout.write(f"{config.label}: {count} record(s) indexed")

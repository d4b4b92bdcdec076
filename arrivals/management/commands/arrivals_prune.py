from django.core.management.base import BaseCommand

from arrivals.services import arrivals_prune


class Command(BaseCommand):
    help = (
        "Remove pre-arrival notices ARRIVALS_RETENTION_DAYS after their expected arrival "
        "(closed with no finding or never closed), with their index rows; audited as a count."
    )

    def handle(self, *args, **options):
        result = arrivals_prune()
        self.stdout.write(
            f"Removed {result['removed']} notice(s); "
            f"dropped {len(result['partitions_dropped'])} monthly partition(s)."
        )

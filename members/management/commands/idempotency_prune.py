from django.core.management.base import BaseCommand

from members.idempotency import idempotency_prune


class Command(BaseCommand):
    help = "Delete Idempotency-Key records older than IDEMPOTENCY_KEY_TTL_SECONDS."

    def handle(self, *args, **options):
        deleted = idempotency_prune()
        self.stdout.write(f"{deleted} expired idempotency key(s) deleted.")

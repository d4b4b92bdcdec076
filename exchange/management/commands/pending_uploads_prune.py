from django.core.management.base import BaseCommand

from exchange.pending_uploads import pending_uploads_prune


class Command(BaseCommand):
    help = (
        "Delete the attachments kept for filing forms that came back with an error, once "
        "they are older than EXCHANGE_PENDING_UPLOAD_HOURS."
    )

    def handle(self, *args, **options):
        removed = pending_uploads_prune()
        self.stdout.write(f"{removed} abandoned form upload folder(s) deleted.")

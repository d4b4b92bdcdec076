"""Print the tip of the audit chain as one JSON line, an anchor to keep outside the database."""

from django.core.management.base import BaseCommand

from members.audit_anchor import anchor_line, audit_anchor


class Command(BaseCommand):
    help = (
        'Print the audit chain\'s tip as one JSON line ({"id", "hash", "count", "at"}); '
        "keep it outside the database and check it with audit_verify --anchor FILE."
    )

    def handle(self, *args, **options):
        self.stdout.write(anchor_line(audit_anchor()))

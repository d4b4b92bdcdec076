"""Remove audit events older than AUDIT_RETENTION_DAYS (the only way rows leave the trail),
and record what was removed as an event of its own."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from members.audit import audit_record
from members.models import AuditEvent


def audit_prune(*, days: int) -> int:
    """Delete the oldest events, a prefix of the chain (every id before the first event newer
    than the cut-off), so what remains still verifies from its first row's ``prev_hash``.
    Returns how many rows were removed."""
    cutoff = timezone.now() - timedelta(days=days)
    with transaction.atomic():
        first_kept = (
            AuditEvent.objects.filter(at__gte=cutoff).order_by("id").values_list("id", flat=True)
        ).first()
        if first_kept is None:
            # Keep the newest row whatever its age: the prune event chains on to it.
            first_kept = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
        if first_kept is None:
            return 0
        doomed = AuditEvent.objects.filter(id__lt=first_kept)
        bounds = doomed.order_by("id").values_list("id", "at")
        oldest, newest = bounds.first(), bounds.last()
        if oldest is None:
            return 0
        table = connection.ops.quote_name(AuditEvent._meta.db_table)
        with connection.cursor() as cursor:
            # The append-only trigger lets a DELETE through only in this transaction.
            cursor.execute("SET LOCAL iren.audit_prune = 'on'")
            cursor.execute(f"DELETE FROM {table} WHERE id <= %s", [newest[0]])
            removed = cursor.rowcount
        audit_record(
            action="audit.prune",
            detail={
                "removed": removed,
                "first_id": oldest[0],
                "last_id": newest[0],
                "oldest_at": oldest[1].isoformat(),
                "newest_at": newest[1].isoformat(),
                "retention_days": days,
            },
        )
    return removed


class Command(BaseCommand):
    help = "Remove audit events older than AUDIT_RETENTION_DAYS and record the removal."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, help="Override AUDIT_RETENTION_DAYS.")

    def handle(self, *args, days=None, **options):
        days = days if days is not None else settings.AUDIT_RETENTION_DAYS
        if days is None:
            self.stdout.write("AUDIT_RETENTION_DAYS is unset: audit events are kept forever.")
            return
        if days < 1:
            raise CommandError("The retention must be at least one day.")
        removed = audit_prune(days=days)
        self.stdout.write(f"{removed} audit events older than {days} days removed.")

"""Walk the audit chain in id order and name the first row that does not match."""

import time

from django.core.management.base import BaseCommand, CommandError

from members.audit import PAYLOAD_FIELDS, chain_hash, row_payload
from members.models import AuditEvent

FIELDS = ("id", *PAYLOAD_FIELDS, "prev_hash", "hash")


def audit_chain_verify(*, chunk_size: int = 5000) -> tuple[int, dict | None]:
    """(rows checked, first bad row or None). Streams the table; starts from the first
    remaining row's ``prev_hash`` (older rows may have been pruned)."""
    expected_prev = None
    checked = 0
    rows = AuditEvent.objects.order_by("id").values(*FIELDS).iterator(chunk_size=chunk_size)
    for row in rows:
        if expected_prev is not None and row["prev_hash"] != expected_prev:
            return checked, {**row, "problem": "prev_hash does not match the previous row"}
        if chain_hash(row["prev_hash"], row_payload(row)) != row["hash"]:
            return checked, {**row, "problem": "hash does not match the row's fields"}
        expected_prev = row["hash"]
        checked += 1
    return checked, None


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain; exits non-zero naming the first bad row."

    def handle(self, *args, **options):
        started = time.monotonic()
        checked, bad = audit_chain_verify()
        elapsed = max(time.monotonic() - started, 1e-9)
        self.stdout.write(
            f"{checked} events checked in {elapsed:.2f} s ({checked / elapsed:,.0f} events/s)."
        )
        if bad is not None:
            raise CommandError(
                f"Audit event {bad['id']} (at {bad['at'].isoformat()}, action {bad['action']}) "
                f"does not verify: {bad['problem']}."
            )
        self.stdout.write(self.style.SUCCESS("The audit chain verifies."))

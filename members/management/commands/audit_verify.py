"""Walk the audit chain in id order and name the first row that does not match; with
``--anchor FILE``, also check the chain against the anchors kept outside the database."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from members.audit import PAYLOAD_FIELDS, chain_hash, row_payload
from members.audit_anchor import AnchorFormatError, anchor_problem, anchors_parse
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
    help = (
        "Verify the audit trail's hash chain; exits non-zero naming the first bad row. With "
        "--anchor FILE (lines printed by audit_anchor), also fails when the chain no longer "
        "reaches an anchored event or lost events before it without a recorded prune."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--anchor",
            metavar="FILE",
            help="A file of anchors, one JSON line each, as audit_anchor prints them.",
        )

    def handle(self, *args, anchor=None, **options):
        anchors = self._anchors(anchor) if anchor else []
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
        problems = [problem for problem in map(anchor_problem, anchors) if problem]
        if problems:
            raise CommandError(
                "The audit chain does not match its anchors: " + "; ".join(problems) + "."
            )
        if anchors:
            self.stdout.write(f"{len(anchors)} anchors checked.")
        self.stdout.write(self.style.SUCCESS("The audit chain verifies."))

    def _anchors(self, path: str) -> list[dict]:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read the anchor file {path}: {error}") from error
        try:
            anchors = anchors_parse(text)
        except AnchorFormatError as error:
            raise CommandError(f"{path}: {error}.") from error
        if not anchors:
            raise CommandError(f"{path} holds no audit anchor.")
        return anchors

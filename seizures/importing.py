"""Importing a file of seizure reports (CSV or XLSX, from the browser or the API): reading it,
checking every row with the one validator, and writing all rows in one transaction, or none.

Import jobs (the browser's path, with progress) are in ``seizures.import_jobs``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from operator import itemgetter

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.bulk import copy_rows, gc_paused, sequence_take
from members.models import ReleaseState
from members.releases import release_required

from .auditing import seizures_import_record
from .columns import (
    IMPORT_OPTIONAL_COLUMNS,
)
from .import_files import (  # noqa: F401  (the importing API, where callers find it)
    KNOWN_COLUMNS,
    MAX_REPORTED_ERRORS,
    ImportRejected,
    detect_format,
    import_size_check,
    read_import_file,
    xlsx_archive_check,
)
from .matching import seizure_values_index
from .models import SeizureReport, Sharing
from .releasing import seizure_held_alert
from .totals import totals_add
from .validation import SeizureValidator, references_taken


class ImportCheck:
    """Checking the rows of an import, one after the other, with a state that can be saved
    part-way and taken up again (an import job's checkpoints, ``seizures.import_jobs``): the
    reports of the rows checked so far, their problems, and the (member, reference) pairs seen
    (a reference used twice in one file is a problem of the second row). ``finish`` adds the
    references already in the database and raises, or returns the reports."""

    def __init__(self, *, user, member_ids: Iterable[int] | None = None):
        self.user = user
        self.validator = SeizureValidator(user=user, member_ids=member_ids)
        self.problems: list[dict] = []
        self.reports: list[dict] = []
        self.seen: dict[tuple[int, str], int] = {}

    def check(
        self,
        rows: list[tuple[int, dict]],
        *,
        start: int = 0,
        every: Callable[[int], None] | None = None,
    ) -> None:
        """Check ``rows[start:]``; ``every(done)`` is called after each thousandth row."""
        # The optional columns go in when the file has them (an export does).
        extra = bool(rows) and any(c in rows[0][1] for c in IMPORT_OPTIONAL_COLUMNS)
        for index, (number, values, errors) in enumerate(
            self._cleaned(rows, start, extra), start=start + 1
        ):
            if errors:
                self.problems += (
                    {"row": number, "column": column, "message": errors[column]}
                    for column in KNOWN_COLUMNS
                    if column in errors
                )
            if values["reference"] and values["reporting_member_id"]:
                key = (values["reporting_member_id"], values["reference"])
                if key in self.seen:
                    self.problems.append(
                        {
                            "row": number,
                            "column": "reference",
                            "message": _(
                                "The reference %(reference)s is already used in row %(row)s."
                            )
                            % {"reference": key[1], "row": self.seen[key]},
                        }
                    )
                else:
                    self.seen[key] = number
            if not errors:
                values["created_by_id"] = getattr(self.user, "pk", None)
                self.reports.append(values)
            if every is not None and index % 1000 == 0:
                every(index)

    def _cleaned(self, rows: list[tuple[int, dict]], start: int, extra: bool):
        """(row number, values, errors) of ``rows[start:]``, checked a thousand rows at a time
        (``SeizureValidator.clean_many``), the pieces ending where the progress is reported."""
        piece = 1000
        while start < len(rows):
            end = min(len(rows), (start // piece + 1) * piece)
            numbers = [number for number, _data in rows[start:end]]
            cleaned = self.validator.clean_many([data for _n, data in rows[start:end]], extra=extra)
            for number, (values, errors) in zip(numbers, cleaned, strict=True):
                yield number, values, errors
            start = end

    def finish(self) -> list[dict]:
        """Add the references the database already has; raise ``ImportRejected`` naming every
        problem, or return the reports to write."""
        problems = self.problems
        taken = references_taken(self.seen)
        if taken:
            for (member_id, reference), number in self.seen.items():
                if (member_id, reference) in taken:
                    problems.append(
                        {
                            "row": number,
                            "column": "reference",
                            "message": _("%(member)s already has a seizure report %(reference)s.")
                            % {
                                "member": self.validator.member_codes[member_id],
                                "reference": reference,
                            },
                        }
                    )
        if problems:
            problems.sort(
                key=lambda p: (
                    p["row"],
                    KNOWN_COLUMNS.index(p["column"]) if p["column"] in KNOWN_COLUMNS else -1,
                )
            )
            raise ImportRejected(problems)
        return self.reports


def seizures_validate(
    *,
    user,
    rows: list[tuple[int, dict]],
    progress: Callable[[int], None] | None = None,
    member_ids: Iterable[int] | None = None,
) -> list[dict]:
    """Check every row of an import (no writes). Returns the field values of each report, or
    raises ``ImportRejected`` naming each bad row, column and reason. ``member_ids`` replaces
    the user's reporting rights for the demo data only."""
    check = ImportCheck(user=user, member_ids=member_ids)
    check.check(rows, every=progress)
    reports = check.finish()
    if progress is not None:
        progress(len(rows))
    return reports


#: Columns written by COPY, with the value for those an import does not set.
_COPY_DEFAULTS = {
    "vessel_or_flight": "",
    "vehicle": "",
    "estimated_value_usd": None,
    "revenue_recovered_usd": None,
    "transit_countries": "",
    "notes": "",
    "query_id": None,
}


def _copy_reports(reports: list[dict]) -> list[int]:
    """Stream the rows with COPY, several times faster than INSERTs. The pks are
    taken from the table's sequence first, in one statement, so nothing has to be read back.
    Returns them, in the order of ``reports``.

    The checked values go to the CSV writer as they are: it writes None as the empty field
    (NULL in the nullable columns, empty text in the others), and numbers, decimals, dates
    and flags as their text, which PostgreSQL reads back as the same value. Only the lists of
    a ``CountryField(multiple=True)`` are joined (its column holds ``KZ,UZ``)."""
    table = SeizureReport._meta.db_table
    pks = sequence_take(table, len(reports))
    now = timezone.now().isoformat()
    fields = list(reports[0].keys())
    defaults = {k: v for k, v in _COPY_DEFAULTS.items() if k not in fields}
    columns = ["id", *fields, *defaults.keys(), "created_at"]
    tail = [*defaults.values(), now]
    by_column = {f.column: f for f in SeizureReport._meta.concrete_fields}
    joined = [n for n, f in enumerate(fields, 1) if getattr(by_column[f], "multiple", False)]
    values_of = itemgetter(*fields)

    def rows():
        for pk, values in zip(pks, reports, strict=True):
            row = [pk, *values_of(values), *tail]
            for n in joined:
                row[n] = ",".join(row[n] or ())
            yield row

    copy_rows(table, columns, [c for c in columns if not by_column[c].null], rows())
    return pks


def _mark_held(reports: list[dict], *, job_id: int | None) -> int:
    """Mark the network-shared reports of members whose release policy lists ``seizure`` as
    awaiting release (one policy read per member). With an import job and one such member,
    they await release together as the job (``import_job_id``); otherwise each on its own.
    Returns how many are held."""
    members = {r["reporting_member_id"] for r in reports if r.get("sharing") == Sharing.NETWORK}
    holding = {m for m in members if release_required(member_id=m, kind="seizure")}
    if not holding:
        return 0
    job_for = job_id if len(holding) == 1 else None
    held = 0
    for values in reports:
        is_held = (
            values.get("sharing") == Sharing.NETWORK and values["reporting_member_id"] in holding
        )
        values["release_state"] = (
            ReleaseState.AWAITING_RELEASE if is_held else ReleaseState.RELEASED
        )
        values["import_job_id"] = job_for if is_held else None
        held += is_held
    return held


@transaction.atomic
def seizures_write(reports: list[dict], *, job_id: int | None = None) -> int:
    """Write checked reports in one transaction (COPY), then index their identifiers for
    cross-country matching in the same transaction (set-based: a fixed number of statements
    per batch, none per row). Reports held under their member's release policy are written
    ``awaiting_release`` and go into neither the totals nor the index (see ``_mark_held``)."""
    if not reports:
        return 0
    held = _mark_held(reports, job_id=job_id)
    released = [
        i
        for i, values in enumerate(reports)
        if values.get("release_state", ReleaseState.RELEASED) == ReleaseState.RELEASED
    ]
    try:
        with transaction.atomic():
            pks = _copy_reports(reports)
            # The pre-aggregated totals, in the same transaction: one upsert per table.
            totals_add(reports if not held else [reports[i] for i in released])
    except IntegrityError:
        # Another import took one of these references between validation and writing.
        raise ImportRejected(
            [
                {
                    "row": 0,
                    "column": "reference",
                    "message": _(
                        "A reference in the file was taken while it was imported; "
                        "nothing was imported. Try again."
                    ),
                }
            ]
        ) from None
    if not held:
        seizure_values_index(reports=reports, pks=pks)
        return len(reports)
    seizure_values_index(reports=[reports[i] for i in released], pks=[pks[i] for i in released])
    on_their_own = [
        pks[i]
        for i, values in enumerate(reports)
        if values["release_state"] == ReleaseState.AWAITING_RELEASE
        and values["import_job_id"] is None
    ]
    for report in SeizureReport.objects.filter(pk__in=on_their_own).select_related(
        "reporting_member", "created_by"
    ):
        seizure_held_alert(report=report, author=report.created_by)
    return len(reports)


def seizures_import(
    *,
    user,
    content: bytes,
    filename: str = "",
    progress: Callable[[int], None] | None = None,
    notes: list[str] | None = None,
) -> int:
    """Import a CSV or XLSX file of seizure reports: every row is checked before anything is
    written, then all rows go in, in one transaction, or none (``ImportRejected``). Returns the
    number imported; lines for the uploader (ignored columns) are added to ``notes``."""
    import_size_check(len(content))
    xlsx_archive_check(content)
    with gc_paused():
        rows = read_import_file(content, filename, notes)
        reports = seizures_validate(user=user, rows=rows, progress=progress)
        with transaction.atomic():
            imported = seizures_write(reports)
            seizures_import_record(user=user, reports=reports, filename=filename)
    return imported

"""Import jobs of seizure reports, and the checkpoints a job resumes from."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.choices import ChoiceLabels
from members.models import ReleaseState


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Imported")
    FAILED = "failed", _("Rejected")


def _import_upload_to(instance, filename):
    return f"seizure-imports/{instance.created_by_id or 0}/{filename}"


class ImportJob(ChoiceLabels, models.Model):
    """One uploaded file of seizure reports; its progress and its row report."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="seizure_import_jobs",
        verbose_name=_("created by"),
    )
    file = models.FileField(upload_to=_import_upload_to, verbose_name=_("file"))
    filename = models.CharField(max_length=255, verbose_name=_("file name"))
    status = models.CharField(
        max_length=10,
        choices=ImportStatus.choices,
        default=ImportStatus.PENDING,
        db_index=True,
        verbose_name=_("status"),
    )
    total_rows = models.PositiveIntegerField(default=0, verbose_name=_("rows"))
    processed_rows = models.PositiveIntegerField(default=0, verbose_name=_("rows checked"))
    imported = models.PositiveIntegerField(default=0, verbose_name=_("reports imported"))
    errors = models.JSONField(default=list, blank=True, verbose_name=_("errors"))
    #: Lines for the uploader about a file that was imported (e.g. columns ignored).
    notes = models.JSONField(default=list, blank=True, verbose_name=_("notes"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    started_at = models.DateTimeField(null=True, blank=True, verbose_name=_("started at"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finished at"))
    # The worker running the job stamps this every SEIZURES_IMPORT_HEARTBEAT_SECONDS; a running
    # job whose stamp is older than SEIZURES_IMPORT_LEASE_SECONDS lost its worker.
    heartbeat_at = models.DateTimeField(null=True, blank=True, verbose_name=_("last sign of life"))
    resumes = models.PositiveSmallIntegerField(default=0, verbose_name=_("times resumed"))
    # Release: an import whose network-shared reports its member's policy holds awaits release
    # as one job (``held`` of them); empty when nothing in it was held.
    release_state = models.CharField(
        max_length=16,
        choices=ReleaseState.choices,
        blank=True,
        default="",
        db_default="",
        verbose_name=_("release"),
    )
    reporting_member = models.ForeignKey(
        "members.MemberAdministration",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reporting member of the held reports"),
    )
    held = models.PositiveIntegerField(default=0, verbose_name=_("reports awaiting release"))
    released_at = models.DateTimeField(null=True, blank=True, verbose_name=_("released at"))
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("released by"),
    )
    release_note = models.TextField(blank=True, verbose_name=_("note from the releaser"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("seizure import")
        verbose_name_plural = _("seizure imports")

    def __str__(self):
        return self.filename

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.SUCCEEDED, ImportStatus.FAILED)

    @property
    def waiting_to_resume(self) -> bool:
        """Its worker stopped (died, or a transient error gave the job back) and another one
        will take it up: the page says so rather than show a progress bar that never moves."""
        from datetime import timedelta

        from django.utils import timezone

        if self.status == ImportStatus.PENDING:
            return self.processed_rows > 0 or self.resumes > 0
        if self.status != ImportStatus.RUNNING:
            return False
        last = self.heartbeat_at or self.started_at
        lease = timedelta(seconds=settings.SEIZURES_IMPORT_LEASE_SECONDS)
        return last is not None and last < timezone.now() - lease

    @property
    def percent(self) -> int:
        # A rejected file is not "done": its bar must not show full.
        if self.status == ImportStatus.SUCCEEDED:
            return 100
        if self.status == ImportStatus.FAILED:
            return 0
        if not self.total_rows:
            return 0
        return min(99, int(self.processed_rows * 100 / self.total_rows))


class ImportCheckpoint(models.Model):
    """What checking the rows of an import job found, for one stretch of rows: the reports to
    write, the problems, and the (member, reference) pairs seen. A job taken up again after its
    worker died starts after its last checkpoint instead of from the first row; the
    checkpoints go when the job ends."""

    job = models.ForeignKey(
        ImportJob, on_delete=models.CASCADE, related_name="checkpoints", verbose_name=_("import")
    )
    rows_done = models.PositiveIntegerField(verbose_name=_("rows checked"))
    reports = models.JSONField(default=list, encoder=DjangoJSONEncoder)
    problems = models.JSONField(default=list, encoder=DjangoJSONEncoder)
    seen = models.JSONField(default=list, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["job", "rows_done"]
        verbose_name = _("import checkpoint")
        verbose_name_plural = _("import checkpoints")
        constraints = [
            models.UniqueConstraint(fields=["job", "rows_done"], name="import_checkpoint_uniq")
        ]

    def __str__(self):
        return f"{self.job_id}: {self.rows_done}"

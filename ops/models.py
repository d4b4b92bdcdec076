"""Two tiny tables that several processes (web, worker, beat) must share: heartbeats and
counters. The database is the one store every process already has; a cache would be per
process unless one is configured."""

from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    """The last time a background process showed it was alive (``worker``, ``beat``)."""

    name = models.CharField(max_length=32, primary_key=True, verbose_name=_("name"))
    beat_at = models.DateTimeField(verbose_name=_("last heartbeat"))

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self):
        return f"{self.name} @ {self.beat_at:%Y-%m-%d %H:%M:%S}"

    @classmethod
    def record(cls, name: str, at=None) -> None:
        cls.objects.update_or_create(name=name, defaults={"beat_at": at or timezone.now()})


class Counter(models.Model):
    """A monotonically increasing count shared by every process (exposed as a Prometheus
    counter, e.g. ``iren_login_failures_total``)."""

    name = models.CharField(max_length=64, primary_key=True, verbose_name=_("name"))
    value = models.BigIntegerField(default=0, verbose_name=_("value"))

    class Meta:
        verbose_name = _("counter")
        verbose_name_plural = _("counters")

    def __str__(self):
        return f"{self.name} = {self.value}"

    @classmethod
    def increment(cls, name: str, by: int = 1) -> None:
        # A single UPDATE is atomic across processes; the row is created on first use.
        if not cls.objects.filter(name=name).update(value=F("value") + by):
            obj, created = cls.objects.get_or_create(name=name, defaults={"value": by})
            if not created:
                cls.objects.filter(name=name).update(value=F("value") + by)

    @classmethod
    def get(cls, name: str) -> int:
        return cls.objects.filter(name=name).values_list("value", flat=True).first() or 0

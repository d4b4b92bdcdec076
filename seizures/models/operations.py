"""Joint, time-boxed operations that seizure reports link to."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .vocabulary import Category


class Operation(models.Model):
    """A joint, time-boxed operation (e.g. "Nicotiana" on tobacco) that seizures link to."""

    code = models.SlugField(
        max_length=50,
        unique=True,
        verbose_name=_("code"),
        help_text=_("Stable identifier used in imports, e.g. nicotiana."),
    )
    name = models.CharField(max_length=200, verbose_name=_("name"))
    coordinating_member = models.ForeignKey(
        "members.MemberAdministration",
        on_delete=models.PROTECT,
        related_name="coordinated_operations",
        verbose_name=_("coordinating member"),
    )
    participating_members = models.ManyToManyField(
        "members.MemberAdministration",
        related_name="operations",
        blank=True,
        verbose_name=_("participating members"),
    )
    starts_on = models.DateField(verbose_name=_("start date"))
    ends_on = models.DateField(verbose_name=_("end date"))
    target_categories = models.JSONField(
        default=list,
        blank=True,
        verbose_name=_("target categories"),
        help_text=_("Category codes, e.g. tobacco."),
    )
    description = models.TextField(blank=True, verbose_name=_("description"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        ordering = ["-starts_on", "code"]
        verbose_name = _("operation")
        verbose_name_plural = _("operations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="operation_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.name

    def target_category_labels(self) -> list[str]:
        labels = dict(Category.choices)
        return [str(labels.get(c, c)) for c in self.target_categories]

    def member_ids(self) -> set[int]:
        """The coordinating member and every participant."""
        ids = {m.pk for m in self.participating_members.all()}
        ids.add(self.coordinating_member_id)
        return ids

"""The alert outbox in the Django admin, read only: to see what was sent, what waits and why
an alert failed. Alerts are written and re-sent only through ``alerts.outbox``."""

from django.contrib import admin

from .models import Alert


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "event",
        "channel",
        "state",
        "recipient",
        "query",
        "attempts",
        "created_at",
        "next_attempt_at",
        "sent_at",
        "failed_at",
    ]
    list_filter = ["state", "channel", "event"]
    list_select_related = ["recipient", "query"]
    search_fields = ["query__reference", "recipient__username"]
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-id"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

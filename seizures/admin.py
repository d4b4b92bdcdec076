from django.contrib import admin

from .auditing import vocabulary_change_record
from .models import Commodity, ImportJob, Operation


@admin.register(Commodity)
class CommodityAdmin(admin.ModelAdmin):
    """Network admins extend the vocabulary here or on the portal's commodities page."""

    list_display = ["code", "name", "category", "allows_mass", "allows_volume", "allows_count"]
    list_filter = ["category", "active"]
    search_fields = ["code", "name"]

    def save_model(self, request, obj, form, change):
        """Every change of the vocabulary is on record (the admin's view is one transaction)."""
        super().save_model(request, obj, form, change)
        vocabulary_change_record(
            user=request.user, commodity=obj, created=not change, fields=form.changed_data
        )


@admin.register(Operation)
class OperationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "coordinating_member", "starts_on", "ends_on"]
    search_fields = ["code", "name"]
    filter_horizontal = ["participating_members"]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["filename", "created_by", "status", "total_rows", "imported", "created_at"]
    list_filter = ["status"]
    readonly_fields = ["errors"]

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from guardian.admin import GuardedModelAdmin

from .models import ControlUnit, MemberAdministration, Role, User


@admin.register(MemberAdministration)
class MemberAdministrationAdmin(GuardedModelAdmin):
    list_display = ["code", "name", "administration", "status", "joined_on"]
    list_filter = ["status"]
    search_fields = ["code", "name", "administration"]


@admin.register(ControlUnit)
class ControlUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "member", "kind", "city", "active"]
    list_filter = ["member", "kind", "active"]
    search_fields = ["code", "name", "city"]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["group", "member", "name"]
    list_filter = ["name", "member"]


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    fieldsets = [*UserAdmin.fieldsets, ("IREN", {"fields": ["member", "control_unit", "phone"]})]
    list_display = ["username", "email", "member", "control_unit", "is_active"]
    list_filter = ["member", "is_active", "groups"]

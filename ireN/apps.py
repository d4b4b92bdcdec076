from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    """django.contrib.admin with the portal's site: superusers only (see ireN/admin.py)."""

    default_site = "ireN.admin.SuperuserAdminSite"

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and sign-in")

    def ready(self):
        from django.conf import settings
        from django.core.exceptions import ImproperlyConfigured

        from members.models import RoleName

        from . import signals  # noqa: F401  (connects the receivers)

        unknown = set(settings.TWO_FACTOR_ROLES) - set(RoleName.values)
        if unknown:
            raise ImproperlyConfigured(
                f"TWO_FACTOR_ROLES names unknown roles: {', '.join(sorted(unknown))}. "
                f"Known: {', '.join(RoleName.values)}."
            )

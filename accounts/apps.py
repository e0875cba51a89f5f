from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import audit_actions  # noqa: F401  (the history's sentences, core.audit)
        from .registry_staff import ensure_registry_staff_group

        post_migrate.connect(ensure_registry_staff_group, dispatch_uid="accounts.registry_staff_group")

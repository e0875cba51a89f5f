from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Platform")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import audit_actions  # noqa: F401  (the history's sentences, core.audit)
        from .roles import create_declared_permissions

        # The permissions capabilities declare on bodies (core.roles) exist after every migrate and flush.
        post_migrate.connect(
            create_declared_permissions, sender=self, dispatch_uid="core.declared_permissions"
        )

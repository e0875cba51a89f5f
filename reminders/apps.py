from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    name = "reminders"
    verbose_name = _("Deadlines and notifications")

    def ready(self) -> None:
        # Declares the engine's dashboard panels (deadlines, notifications) and its registry home queue
        # (overdue deadlines) with the kernel, and tells registry staff when the audit trail does not verify.
        from . import audit_alerts, panels, registry_home  # noqa: F401

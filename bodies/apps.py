from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BodiesConfig(AppConfig):
    name = "bodies"
    verbose_name = _("Bodies and accreditation")

    def ready(self) -> None:
        # Declares this capability's deadline, document and notice kinds with the platform's engines, and its
        # dashboard panels and role grants with the kernel.
        from . import audit_actions, deadlines, documents, notices, panels, roles  # noqa: F401
        from . import registry_home  # noqa: F401  (its queues and charts on the registry home)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BodiesConfig(AppConfig):
    name = "bodies"
    verbose_name = _("Bodies and accreditation")

    def ready(self) -> None:
        # Declares this capability's deadline, document and notice kinds with the platform's engines, and its
        # dashboard panels, registry home queues and charts, audit sentences and role grants with the kernel.
        from . import audit_actions, deadlines, documents, notices, panels, registry_home, roles  # noqa: F401

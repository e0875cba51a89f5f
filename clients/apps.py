from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClientsConfig(AppConfig):
    name = "clients"
    verbose_name = _("Clients and projects")

    def ready(self) -> None:
        # Declares this capability's role grants with the kernel and how its audit events read.
        from . import audit_actions, landing, notices, roles  # noqa: F401

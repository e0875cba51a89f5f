from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImpartialityConfig(AppConfig):
    name = "impartiality"
    verbose_name = _("Impartiality")

    def ready(self) -> None:
        # Declares this capability to the kernel's and engines' registries (roles, audit actions, notices,
        # deadlines, documents, the registry home).
        from . import audit_actions, deadlines, documents, notices, registry_home, roles  # noqa: F401

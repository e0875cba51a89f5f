from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = _("Engagements")

    def ready(self) -> None:
        # Declares this capability to the kernel's and engines' registries (roles, audit actions, notices,
        # deadlines, documents).
        from . import audit_actions, deadlines, documents, notices, roles  # noqa: F401

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompetenceConfig(AppConfig):
    name = "competence"
    verbose_name = _("People and competence")

    def ready(self) -> None:
        # Declares this capability's deadline and document kinds with the engines, its role grants with the kernel.
        from . import audit_actions, deadlines, documents, roles  # noqa: F401

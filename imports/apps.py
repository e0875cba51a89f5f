from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    """The bulk-import engine: a capability declares an import kind; the engine reads, previews and applies."""

    name = "imports"
    verbose_name = _("Bulk imports")

    def ready(self) -> None:
        # each capability declares its import kinds in `<app>/importing.py` (like admin.py for the admin site)
        autodiscover_modules("importing")
        from . import audit_actions  # noqa: F401  (the history's record kinds, core.audit)

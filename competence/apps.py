from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompetenceConfig(AppConfig):
    name = "competence"
    verbose_name = _("People and competence")

    def ready(self) -> None:
        from . import deadlines, documents  # noqa: F401

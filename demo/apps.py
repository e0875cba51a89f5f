from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo data for `./run.sh` (`manage.py seed_demo`); it sits on top of every layer and nothing imports it."""

    name = "demo"
    verbose_name = _("Demo data")

    def ready(self) -> None:
        # Each capability's part of the demo data, declared with the demo registry.
        from .contributors import (  # noqa: F401
            audits,
            audits_findings,
            bodies,
            certification,
            clients,
            competence,
            impartiality,
            impartiality_register,
            reminders,
            webhooks,
        )

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BodiesConfig(AppConfig):
    name = "bodies"
    verbose_name = _("Bodies and accreditation")

    def ready(self) -> None:
        # Declares this capability's deadline, document and notice kinds with the platform's engines, and its
        # dashboard panels, registry home queues and charts, audit sentences and role grants with the kernel.
        from django.db.models.signals import post_migrate

        from . import audit_actions, deadlines, documents, notices, panels, registry_home, roles  # noqa: F401
        from .services.memberships import membership_grants_resync

        # after every migrate the people already holding a role get what the role table now grants it
        post_migrate.connect(membership_grants_resync, sender=self, dispatch_uid="bodies.membership_grants")

"""The audits capability: engagements (planning, teams and their gates, the life cycle up to the decision), findings
and the client's responses, audit time and multi-site sampling. `ready()` imports its declaration modules so the
kernel and the engines know its roles, audit actions, notices, deadline kinds and document kinds."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = _("Engagements")

    def ready(self) -> None:
        # Declares this capability to the kernel's and engines' registries (roles, audit actions, notices,
        # deadlines, documents, webhook events).
        from . import audit_actions, deadlines, documents, notices, roles, webhooks  # noqa: F401

"""The certification capability: independent review and decisions on engagements, certificates and GHG
statements with their life cycle, the three-year programme, public verification and the IAF CertSearch export.
`ready()` imports its declaration modules so the kernel and the engines know its roles, audit actions, notices,
deadline kinds, document kinds and webhook events."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificationConfig(AppConfig):
    name = "certification"
    verbose_name = _("Certification")

    def ready(self) -> None:
        from . import audit_actions, deadlines, documents, notices, roles, webhooks  # noqa: F401

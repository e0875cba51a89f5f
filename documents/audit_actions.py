"""How the documents engine's audit events read in the history (`core.audit`)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.audit import declare_audit_actions, declare_audit_record
from core.labels import RegistryChoices

from .registry import KINDS

declare_audit_actions(
    {
        "documents.document.requested": _("asked for the document"),
        "documents.document.rendered": _("issued the document"),
        "documents.document.superseded": _("superseded the document"),
        "documents.document.failed": _("could not render the document"),
        "documents.document.rerender_requested": _("asked for the document to be rendered again"),
    }
)

declare_audit_record(
    "documents.document",
    url=lambda document: reverse("documents:download", args=[document.pk]),
    choices={"kind": RegistryChoices(KINDS)},  # the document kind's name, not its code
)

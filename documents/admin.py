"""The registry's back office for documents: oversight, and re-rendering the ones that failed."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import StaffReadOnlyAdmin
from core.admin_labels import registry_kind_filter
from core.errors import PermissionDenied, TransitionNotAllowed
from core.labels import registry_label

from .models import Document
from .registry import KINDS
from .services import document_rerender


@admin.register(Document)
class DocumentAdmin(StaffReadOnlyAdmin):
    list_display = ("number", "kind_label", "body", "status", "requested_at", "rendered_at", "superseded_at")
    list_filter = (registry_kind_filter(KINDS), "status", ("body", admin.RelatedOnlyFieldListFilter))
    search_fields = ("number", "sha256")
    date_hierarchy = "requested_at"
    list_select_related = ("body",)
    ordering = ("-requested_at",)
    actions = ["rerender"]
    fields = (
        "number",
        "kind_label",
        "body",
        "subject_type",
        "subject_id",
        "status",
        "download",
        "sha256",
        "size",
        "requested_by",
        "requested_at",
        "claimed_at",
        "rendered_at",
        "attempts",
        "error",
        "superseded_at",
    )
    readonly_fields = fields

    @admin.display(description=_("kind"), ordering="kind")
    def kind_label(self, obj: Document) -> str:
        return registry_label(KINDS, obj.kind)

    @admin.display(description=_("file"))
    def download(self, obj: Document) -> str:
        if obj.status != Document.Status.READY:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("documents:download", args=[obj.pk]), obj.file.name)

    @admin.action(description=_("Re-render the selected failed documents"))
    def rerender(self, request: HttpRequest, queryset: QuerySet[Document]) -> None:
        failed = list(queryset.filter(status=Document.Status.FAILED))
        queued, skipped = 0, queryset.count() - len(failed)
        for document in failed:
            try:
                document_rerender(document=document, actor=request.user)
            except (TransitionNotAllowed, PermissionDenied):
                skipped += 1  # someone else re-rendered it meanwhile
            else:
                queued += 1
        if queued:
            self.message_user(
                request,
                ngettext(
                    "%(count)d document queued for rendering.",
                    "%(count)d documents queued for rendering.",
                    queued,
                )
                % {"count": queued},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d document was skipped: only failed documents can be rendered again.",
                    "%(count)d documents were skipped: only failed documents can be rendered again.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )

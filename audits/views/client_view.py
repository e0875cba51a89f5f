"""The client view of engagements: a client's users read their engagements' plan (team names and roles, sites,
dates, audit days), the findings addressed to them, and answer those findings with versioned responses.

Access is `clients.permissions.client_ids_for_user`, always (through `audits.selectors`): everyone else — the
body's own people included, who have the portal — gets 404. Never shown: the team's internal notes on findings,
the engagement's internal notes, the team's declarations, the internal audit-time calculation.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from clients.selectors import client_view_clients
from core.errors import PermissionDenied, TransitionNotAllowed, ValidationError
from core.portal import form_add_service_errors
from core.uploads import CONTENT_TYPES, detect_kind

from ..forms.findings import ResponseForm
from ..models import RESPONSE_KINDS, Finding, FindingEvidence, FindingStatus
from ..selectors.findings import (
    client_view_engagements,
    client_view_evidence,
    client_view_finding,
    client_view_findings,
    client_view_plan,
)
from ..services import finding_response_submit


def evidence_file_response(evidence: FindingEvidence) -> FileResponse:
    """The stored file as an attachment, its type judged by its content, its SHA-256 in a header."""
    try:
        handle = evidence.file.storage.open(evidence.file.name, "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    kind = detect_kind(handle)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.filename,
        content_type=CONTENT_TYPES.get(kind or "", "application/octet-stream"),
    )
    response["X-Content-SHA256"] = evidence.sha256
    response["Cache-Control"] = "private, no-cache"
    return response


class ClientEngagementsView(LoginRequiredMixin, TemplateView):
    """A client's engagements (404 unless the person reads the client)."""

    template_name = "audits/client_view/engagements.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        client = get_object_or_404(client_view_clients(self.request.user), pk=kwargs["pk"])
        context["client"] = client
        context["engagements"] = list(client_view_engagements(self.request.user).filter(client=client))
        return context


class ClientEngagementView(LoginRequiredMixin, TemplateView):
    """One engagement's plan and the findings addressed to the client."""

    template_name = "audits/client_view/engagement.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        engagement = get_object_or_404(client_view_engagements(self.request.user), pk=kwargs["pk"])
        context["engagement"] = engagement
        context["client"] = engagement.client
        context["plan"] = client_view_plan(engagement)
        context["findings"] = list(client_view_findings(self.request.user).filter(engagement=engagement))
        return context


class ClientFindingView(LoginRequiredMixin, TemplateView):
    """One finding: the auditor's statement, clause, evidence, due date and status; earlier responses with the
    team's comments; the response form while the finding waits for one."""

    template_name = "audits/client_view/finding.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        found = client_view_finding(request.user, kwargs["pk"])
        if found is None:
            raise Http404
        self.finding: Finding = found
        return super().dispatch(request, *args, **kwargs)

    def can_answer(self) -> bool:
        return self.finding.kind in RESPONSE_KINDS and self.finding.status == FindingStatus.OPEN

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["finding"] = self.finding
        context["engagement"] = self.finding.engagement
        context["client"] = self.finding.engagement.client
        context["responses"] = list(self.finding.responses.all())
        context["team_files"] = self.finding.team_files  # type: ignore[attr-defined]
        if self.can_answer():
            context.setdefault("form", ResponseForm())
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not self.can_answer():
            messages.error(request, _("This finding does not wait for a response."))
            return redirect(request.get_full_path())
        form = ResponseForm(request.POST, request.FILES)
        if form.is_valid():
            data = dict(form.cleaned_data)
            files = data.pop("files") or []
            try:
                finding_response_submit(finding=self.finding, actor=request.user, fields=data, files=files)
            except ValidationError as exc:
                form_add_service_errors(form, exc, {})
            except TransitionNotAllowed as exc:
                messages.error(request, exc.message)
                return redirect(request.get_full_path())
            except PermissionDenied as exc:
                raise Http404 from exc
            else:
                messages.success(request, _("Your response was sent to the audit team."))
                return redirect(reverse("audits:client-finding", args=[self.finding.pk]))
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ClientFindingFileView(LoginRequiredMixin, TemplateView):
    """A file of a finding addressed to the client: the team's evidence or the client's own."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        evidence = client_view_evidence(request.user, kwargs["finding_id"], kwargs["pk"])
        if evidence is None:
            raise Http404
        return evidence_file_response(evidence)

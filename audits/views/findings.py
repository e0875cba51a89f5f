"""The team's pages for findings: the findings section of an engagement's page (htmx), a finding's page with
its evidence, the client's responses (every version) and the team's actions (accept, reject, verify, close),
and the internal note (the team and the body's readers only; never the client)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, FormView

from core.errors import TransitionNotAllowed, ValidationError
from core.portal import (
    BodyScopedMixin,
    PortalMixin,
    ServiceActionView,
    ServiceFormMixin,
    form_add_service_errors,
)

from ..forms.findings import EvidenceForm, FindingForm, JudgeForm, ResponseForm, VerifyForm
from ..models import RESPONSE_KINDS, Engagement, Finding, FindingStatus
from ..permissions import can_manage_engagements, can_work_on_findings, is_client_user_of
from ..selectors.findings import (
    client_user_ids,
    engagement_findings,
    finding_detail,
    findings_visible_to,
    team_engagement_ids,
)
from ..services import (
    finding_close,
    finding_evidence_add,
    finding_raise,
    finding_response_accept,
    finding_response_reject,
    finding_response_submit,
    finding_update,
    finding_verify,
    findings_carry_forward,
)
from .client_view import evidence_file_response

PARTIAL = "audits/findings/partials/_engagement_findings.html"


def engagement_for(request: HttpRequest, body: Any, pk: Any) -> Engagement:
    """An engagement of the active body the person reads (granted, a reader of all, or on its team), or 404."""
    user = request.user
    readable = Engagement.objects.for_body(body).granted_to(user).values("pk")
    rows = Engagement.objects.for_body(body).filter(Q(pk__in=readable) | Q(pk__in=team_engagement_ids(user)))
    return get_object_or_404(rows, pk=pk)


def findings_section_context(
    request: HttpRequest, engagement: Engagement, form: Any = None, *, in_place: bool = True
) -> dict[str, Any]:
    """The context of the findings section of an engagement's page (also used by H9's engagement page). Rendered
    alone (`in_place`, swapped by htmx) the section shows the messages; inside the page the base template does."""
    can_raise = can_work_on_findings(request.user, engagement)
    return {
        "engagement": engagement,
        "messages_in_place": in_place,
        "findings": engagement_findings(engagement),
        "can_raise": can_raise,
        "finding_form": form
        if form is not None
        else (FindingForm(engagement=engagement) if can_raise else None),
    }


class FindingScopedMixin(BodyScopedMixin):
    """One finding of the active body that the person reads (its engagement's readers and team)."""

    model = Finding

    def scoped_queryset(self) -> QuerySet[Finding]:
        return finding_detail(findings_visible_to(self.request.user))  # type: ignore[attr-defined]


class EngagementFindingsView(PortalMixin, View):
    """GET: the findings section (htmx); POST: a team member raises a finding, the section comes back."""

    def check_object_access(self) -> None:
        self.engagement = engagement_for(self.request, self.body, self.kwargs["pk"])  # type: ignore[attr-defined]

    def has_permission(self) -> bool:
        if self.request.method == "POST":  # type: ignore[attr-defined]
            return can_work_on_findings(self.request.user, self.engagement)  # type: ignore[attr-defined]
        return True

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return render(request, PARTIAL, findings_section_context(request, self.engagement))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = FindingForm(request.POST, engagement=self.engagement)
        status = 200
        if form.is_valid():
            try:
                finding = finding_raise(
                    engagement=self.engagement, actor=request.user, fields=form.cleaned_data
                )
            except ValidationError as exc:
                form_add_service_errors(form, exc, {})
                status = 400
            except TransitionNotAllowed as exc:
                form.add_error(None, exc.message)
                status = 409
            else:
                messages.success(request, _("Finding %(number)s raised.") % {"number": finding.number})
                form = None
        else:
            status = 400
        return render(
            request, PARTIAL, findings_section_context(request, self.engagement, form), status=status
        )


class CarryForwardView(PortalMixin, View):
    """POST: carry the previous engagement's open FARs or accepted minor nonconformities into this one."""

    http_method_names = ["post"]

    def check_object_access(self) -> None:
        self.engagement = engagement_for(self.request, self.body, self.kwargs["pk"])  # type: ignore[attr-defined]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            carried = findings_carry_forward(engagement=self.engagement, actor=request.user)
        except TransitionNotAllowed as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("%(count)s findings carried forward.") % {"count": len(carried)})
        return render(request, PARTIAL, findings_section_context(request, self.engagement))


class FindingDetailView(FindingScopedMixin, DetailView):
    template_name = "audits/findings/detail.html"
    context_object_name = "finding"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        finding: Finding = self.object
        team = can_work_on_findings(self.request.user, finding.engagement)
        context.update(
            engagement=finding.engagement,
            responses=list(finding.responses.all()),
            team_files=finding.team_files,  # type: ignore[attr-defined]
            is_team=team,
            needs_response=finding.kind in RESPONSE_KINDS,
            can_close=team
            and (
                finding.status == FindingStatus.VERIFIED
                or (finding.status == FindingStatus.OPEN and finding.kind not in RESPONSE_KINDS)
            ),
            judge_form=JudgeForm(),
            can_record_response=finding.status == FindingStatus.OPEN
            and finding.kind in RESPONSE_KINDS
            and can_manage_engagements(self.request.user, finding.engagement.body),
            response_form=ResponseForm(),
            client_user_ids=client_user_ids(finding),
            verify_form=VerifyForm(),
            evidence_form=EvidenceForm(),
        )
        return context


class FindingEditView(FindingScopedMixin, ServiceFormMixin, FormView):
    template_name = "audits/findings/edit.html"
    form_class = FindingForm
    success_message = gettext_lazy("The finding was changed.")

    def has_permission(self) -> bool:
        return can_work_on_findings(self.request.user, self.get_object().engagement)

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        finding = self.get_object()
        kwargs["engagement"] = finding.engagement
        kwargs["initial"] = {name: getattr(finding, name) for name in FindingForm.base_fields}
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["finding"] = self.get_object()
        return context

    def perform(self, form: Any) -> Finding:
        finding = self.get_object()
        changed = {
            name: value for name, value in form.cleaned_data.items() if getattr(finding, name) != value
        }
        if not changed:
            return finding
        return finding_update(finding=finding, actor=self.request.user, fields=changed)

    def get_success_url(self, result: Any = None) -> str:
        return reverse("audits:finding-detail", args=[self.get_object().pk])

    def get_refused_url(self) -> str:
        return self.get_success_url()


class _FindingAction(FindingScopedMixin, ServiceActionView):
    def has_permission(self) -> bool:
        return can_work_on_findings(self.request.user, self.get_object().engagement)

    def get_success_url(self, result: Any) -> str:
        return reverse("audits:finding-detail", args=[self.get_object().pk])


class FindingAcceptView(_FindingAction):
    form_class = JudgeForm
    success_message = gettext_lazy("The response was accepted.")

    def act(self, record: Finding, form: Any) -> Finding:
        return finding_response_accept(
            finding=record, actor=self.request.user, comment=form.cleaned_data["comment"]
        )


class FindingRejectView(_FindingAction):
    form_class = JudgeForm
    success_message = gettext_lazy("The response was rejected; the client was told why.")

    def act(self, record: Finding, form: Any) -> Finding:
        return finding_response_reject(
            finding=record, actor=self.request.user, comment=form.cleaned_data["comment"]
        )


class FindingVerifyView(_FindingAction):
    form_class = VerifyForm
    success_message = gettext_lazy("The verification of effectiveness was recorded.")

    def act(self, record: Finding, form: Any) -> Finding:
        return finding_verify(finding=record, actor=self.request.user, note=form.cleaned_data["note"])


class FindingCloseView(_FindingAction):
    success_message = gettext_lazy("The finding was closed.")

    def act(self, record: Finding, form: Any) -> Finding:
        return finding_close(finding=record, actor=self.request.user)


class FindingEvidenceAddView(_FindingAction):
    form_class = EvidenceForm
    success_message = gettext_lazy("The evidence file was added.")

    def act(self, record: Finding, form: Any) -> Any:
        return finding_evidence_add(
            finding=record,
            actor=self.request.user,
            upload=form.cleaned_data["file"],
            description=form.cleaned_data["description"],
        )


class FindingRecordResponseView(FindingScopedMixin, ServiceActionView):
    """A planner records a response the client sent otherwise (by email), marked as on the client's behalf."""

    form_class = ResponseForm
    success_message = gettext_lazy("The client's response was recorded on their behalf.")

    def has_permission(self) -> bool:
        return can_manage_engagements(self.request.user, self.get_object().engagement.body)

    def act(self, record: Finding, form: Any) -> Any:
        data = dict(form.cleaned_data)
        files = data.pop("files") or []
        return finding_response_submit(finding=record, actor=self.request.user, fields=data, files=files)

    def get_success_url(self, result: Any) -> str:
        return reverse("audits:finding-detail", args=[self.get_object().pk])


class FindingFileView(FindingScopedMixin, View):
    """A file of a finding (the team's evidence or the client's), for those who read the finding."""

    http_method_names = ["get"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        finding = self.get_object()
        evidence = finding.files.filter(pk=kwargs["file_id"]).first()
        if evidence is None:
            raise Http404
        return evidence_file_response(evidence)


class FindingOpenView(View):
    """Where a reminder about a finding leads: the client view for the client's users, the portal otherwise."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect(f"{reverse('accounts:login')}?next={request.get_full_path()}")
        finding = Finding.objects.select_related("engagement").filter(pk=kwargs["pk"]).first()
        if finding is None:
            raise Http404
        if is_client_user_of(request.user, finding.engagement):
            return redirect("audits:client-finding", finding.pk)
        if findings_visible_to(request.user).filter(pk=finding.pk).exists():
            return redirect("audits:finding-detail", finding.pk)
        raise Http404

"""The portal's engagement pages: the list (filtered; a member without `view_all_engagements` sees the engagements
they are on), a new engagement, one engagement with its facts, team, actions and findings, its team page with
the candidates and why each cannot be assigned (htmx), and the forms of the actions that need words (cancel,
reopen the team, send to review, audit time). Every write goes through `audits.services`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, FormView, ListView

from bodies.models.tenants import Role
from core.errors import TransitionNotAllowed, ValidationError
from core.permissions import has_body_perm
from core.portal import (
    BodyScopedMixin,
    FilteredListMixin,
    PortalMixin,
    ServiceActionView,
    ServiceFormMixin,
    form_add_service_errors,
    is_htmx,
)
from core.transitions import allowed_actions

from ..forms.engagements import (
    AuditTimeForm,
    CandidateRoleForm,
    EngagementFilterForm,
    EngagementForm,
    ReasonForm,
    ReviewerForm,
    TeamMemberForm,
)
from ..models import Engagement, TeamMember
from ..permissions import MANAGE_ENGAGEMENTS
from ..selectors import engagement_detail, engagement_filter, engagement_list, lead_auditor_of
from ..services import (
    engagement_cancel,
    engagement_confirm_team,
    engagement_create,
    engagement_draft_report,
    engagement_plan,
    engagement_propose_team,
    engagement_reopen_team,
    engagement_send_to_review,
    engagement_set_audit_time,
    engagement_start,
    engagement_update,
    team_candidates,
    team_member_add,
    team_member_remove,
)
from .findings import findings_section_context

#: the buttons of the engagement page: action → (service, label); those needing words have their own forms
BUTTONS = {
    "plan": (engagement_plan, gettext_lazy("Plan")),
    "propose_team": (engagement_propose_team, gettext_lazy("Propose the team")),
    "confirm_team": (engagement_confirm_team, gettext_lazy("Confirm the team")),
    "start": (engagement_start, gettext_lazy("Start the fieldwork")),
    "draft_report": (engagement_draft_report, gettext_lazy("Record the report as drafted")),
}
#: actions only planners take (the others: the lead auditor, a planner for `start`)
PLANNER_ACTIONS = {"plan", "propose_team", "confirm_team", "reopen_team", "send_to_review", "cancel"}


def _can_manage(request: HttpRequest, body: Any) -> bool:
    return has_body_perm(request.user, body, MANAGE_ENGAGEMENTS)


def _is_lead(request: HttpRequest, engagement: Engagement) -> bool:
    lead = lead_auditor_of(engagement)
    return lead is not None and lead.membership.user_id == request.user.pk


def may_take(request: HttpRequest, engagement: Engagement, action: str) -> bool:
    """Whether the person may take `action` (the services decide again)."""
    if action in PLANNER_ACTIONS:
        return _can_manage(request, engagement.body)
    if action == "start":
        return _can_manage(request, engagement.body) or _is_lead(request, engagement)
    if action == "draft_report":
        return _is_lead(request, engagement)
    return False


class EngagementScopedMixin(BodyScopedMixin):
    model = Engagement

    def scoped_queryset(self) -> QuerySet[Engagement]:
        return engagement_detail()


# --- list -----------------------------------------------------------------------------------------------------


class EngagementListView(PortalMixin, FilteredListMixin, ListView):
    """The active body's engagements (a member without `view_all_engagements`: the ones they are on)."""

    template_name = "audits/engagements/list.html"
    context_object_name = "engagements"
    paginate_by = 50
    filter_class = EngagementFilterForm

    def get_filter_kwargs(self) -> dict[str, Any]:
        return {**super().get_filter_kwargs(), "body": self.body}

    def get_queryset(self) -> QuerySet[Engagement]:
        queryset = engagement_list().for_body(self.body).granted_to(self.request.user)  # type: ignore[attr-defined]
        return self.filtered(queryset)

    def filter_queryset(self, queryset: QuerySet[Any], list_filter: Any) -> QuerySet[Any]:
        data = list_filter.cleaned_data
        person = data.get("person")
        return engagement_filter(
            queryset,
            kind=data.get("kind") or "",
            status=data.get("status") or "",
            client=data.get("client"),
            person=person.user_id if person is not None else None,
            starts_after=data.get("starts_after"),
            starts_before=data.get("starts_before"),
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_manage"] = _can_manage(self.request, self.body)
        return context


# --- create and edit ------------------------------------------------------------------------------------------


class EngagementCreateView(PortalMixin, ServiceFormMixin, FormView):
    required_perm = MANAGE_ENGAGEMENTS
    form_class = EngagementForm
    template_name = "audits/engagements/form.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "body": self.body}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["title"] = _("New engagement")
        context["cancel_url"] = reverse("audits:engagement-list")
        return context

    def perform(self, form: EngagementForm) -> Engagement:
        return engagement_create(body=self.body, actor=self.request.user, fields=form.service_fields())  # type: ignore[arg-type]

    def get_success_message(self, result: Engagement) -> str:
        return _("%(reference)s recorded.") % {"reference": result.reference}

    def get_success_url(self, result: Any = None) -> str:
        return reverse("audits:engagement-detail", args=[result.pk])


class EngagementEditView(EngagementScopedMixin, ServiceFormMixin, FormView):
    required_perm = MANAGE_ENGAGEMENTS
    form_class = EngagementForm
    template_name = "audits/engagements/form.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {
            **super().get_form_kwargs(),
            "body": self.body,
            "editing": True,
            "instance": self.get_object(),
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        engagement = self.get_object()
        context["title"] = _("Change %(reference)s") % {"reference": engagement.reference}
        context["engagement"] = engagement
        context["cancel_url"] = reverse("audits:engagement-detail", args=[engagement.pk])
        return context

    def perform(self, form: EngagementForm) -> Engagement:
        fields = {name: value for name, value in form.service_fields().items() if name in form.changed_data}
        # the form is bound to an instance it has already changed in memory: the service reads the stored row
        return engagement_update(engagement=self.get_object(), actor=self.request.user, fields=fields)  # type: ignore[arg-type]

    def get_success_message(self, result: Engagement) -> str:
        return _("%(reference)s changed.") % {"reference": result.reference}

    def get_success_url(self, result: Any = None) -> str:
        return reverse("audits:engagement-detail", args=[self.get_object().pk])


# --- one engagement -------------------------------------------------------------------------------------------


class EngagementDetailView(EngagementScopedMixin, DetailView):
    template_name = "audits/engagements/detail.html"
    context_object_name = "engagement"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        engagement = self.object
        allowed = set(allowed_actions(engagement))
        context["buttons"] = [
            (action, label)
            for action, (_service, label) in BUTTONS.items()
            if action in allowed and may_take(self.request, engagement, action)
        ]
        context["can_manage"] = _can_manage(self.request, self.body)
        context["can_cancel"] = "cancel" in allowed and context["can_manage"]
        context["can_reopen"] = "reopen_team" in allowed and context["can_manage"]
        context["can_send_to_review"] = "send_to_review" in allowed and context["can_manage"]
        context["team"] = engagement.team_members
        context["lead"] = lead_auditor_of(engagement)
        context.update(findings_section_context(self.request, engagement, in_place=False))
        return context


class EngagementTransitionView(ServiceActionView):
    """One button of the engagement page (plan, propose or confirm the team, start, draft the report)."""

    model = Engagement

    def scoped_queryset(self) -> QuerySet[Engagement]:
        return engagement_detail()

    def has_permission(self) -> bool:
        action = self.kwargs["action"]
        if action not in BUTTONS:
            raise Http404
        return may_take(self.request, self.get_object(), action)

    def act(self, record: Engagement, form: Any) -> Engagement:
        service, _label = BUTTONS[self.kwargs["action"]]
        return service(engagement=record, actor=self.request.user)  # type: ignore[no-any-return]

    def get_success_message(self, result: Engagement) -> str:
        return _("%(reference)s is now %(status)s.") % {
            "reference": result.reference,
            "status": result.get_status_display().lower(),
        }

    def get_success_url(self, result: Any) -> str:
        return reverse("audits:engagement-detail", args=[result.pk])


class _EngagementFormView(EngagementScopedMixin, ServiceFormMixin, FormView):
    """A form about one engagement, by a planner, back to the engagement's page."""

    required_perm = MANAGE_ENGAGEMENTS
    template_name = "audits/engagements/action_form.html"
    title: Any = ""
    intro: Any = ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        engagement = self.get_object()
        context.update(
            engagement=engagement,
            title=self.title,
            intro=self.intro,
            cancel_url=reverse("audits:engagement-detail", args=[engagement.pk]),
        )
        return context

    def get_success_url(self, result: Any = None) -> str:
        return reverse("audits:engagement-detail", args=[self.get_object().pk])

    def get_refused_url(self) -> str:
        return self.get_success_url()


class EngagementCancelView(_EngagementFormView):
    form_class = ReasonForm
    title = gettext_lazy("Cancel the engagement")
    intro = gettext_lazy("The team is told. A cancelled engagement keeps its reference.")
    success_message = gettext_lazy("The engagement is cancelled.")

    def perform(self, form: ReasonForm) -> Engagement:
        return engagement_cancel(
            engagement=self.get_object(),
            actor=self.request.user,  # type: ignore[arg-type]
            reason=form.cleaned_data["reason"],
        )


class EngagementReopenTeamView(_EngagementFormView):
    form_class = ReasonForm
    title = gettext_lazy("Reopen the team")
    intro = gettext_lazy("The team can change again; it is confirmed again through every check.")
    success_message = gettext_lazy("The team is reopened.")

    def perform(self, form: ReasonForm) -> Engagement:
        return engagement_reopen_team(
            engagement=self.get_object(),
            actor=self.request.user,  # type: ignore[arg-type]
            reason=form.cleaned_data["reason"],
        )


class EngagementSendToReviewView(_EngagementFormView):
    form_class = ReviewerForm
    title = gettext_lazy("Send to independent review")
    intro = gettext_lazy("The reviewer holds the independent reviewer role and is not on the team.")
    success_message = gettext_lazy("The engagement is sent to independent review.")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "body": self.body}

    def perform(self, form: ReviewerForm) -> Engagement:
        return engagement_send_to_review(
            engagement=self.get_object(),
            actor=self.request.user,  # type: ignore[arg-type]
            reviewer=form.cleaned_data["reviewer"],
        )


class EngagementAuditTimeView(_EngagementFormView):
    form_class = AuditTimeForm
    title = gettext_lazy("Audit time")
    intro = gettext_lazy("The person-days the planner accepts, in half days, and how they were reached.")
    success_message = gettext_lazy("The audit time is saved.")
    service_error_fields = {"audit_days": "days", "audit_time_justification": "justification"}

    def get_initial(self) -> dict[str, Any]:
        engagement = self.get_object()
        return {"days": engagement.audit_days, "justification": engagement.audit_time_justification}

    def perform(self, form: AuditTimeForm) -> Engagement:
        return engagement_set_audit_time(
            engagement=self.get_object(),
            actor=self.request.user,  # type: ignore[arg-type]
            days=form.cleaned_data["days"],
            justification=form.cleaned_data["justification"],
        )


# --- the team -------------------------------------------------------------------------------------------------


class EngagementTeamView(EngagementScopedMixin, DetailView):
    """The team and, for planners, the candidates for a role with why each cannot be assigned (htmx swaps the
    candidates when the role changes); POST adds a person."""

    template_name = "audits/engagements/team.html"
    partial_template_name = "audits/engagements/partials/_candidates.html"
    context_object_name = "engagement"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        engagement = self.object
        can_manage = _can_manage(self.request, self.body)
        role_form = CandidateRoleForm(self.request.GET or None)
        role = (
            role_form.cleaned_data["role"]
            if role_form.is_valid() and role_form.cleaned_data["role"]
            else Role.AUDITOR
        )
        context.update(
            can_manage=can_manage,
            team=engagement.team_members,
            role=role,
            role_form=role_form,
            team_open="propose_team" in allowed_actions(engagement)
            or engagement.status in ("draft", "planned", "team_proposed"),
            candidates=team_candidates(engagement=engagement, role=role) if can_manage else [],
            add_form=kwargs.get("add_form") or TeamMemberForm(body=self.body, initial={"role": role}),
        )
        return context

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        context = self.get_context_data()
        if is_htmx(request):
            return render(request, self.partial_template_name, context)
        return self.render_to_response(context)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = engagement = self.get_object()
        if not _can_manage(request, self.body):
            raise PermissionDenied
        form = TeamMemberForm(request.POST, body=self.body)
        if form.is_valid():
            try:
                member = team_member_add(
                    engagement=engagement,
                    actor=request.user,  # type: ignore[arg-type]
                    membership=form.cleaned_data["membership"],
                    role=form.cleaned_data["role"],
                )
            except ValidationError as exc:
                form_add_service_errors(form, exc, {})
            except TransitionNotAllowed as exc:
                messages.error(request, exc.message)
                return redirect("audits:engagement-team", pk=engagement.pk)
            else:
                messages.success(
                    request,
                    _("%(name)s is on the team as %(role)s.")
                    % {"name": member.membership.user, "role": member.get_role_display().lower()},
                )
                return redirect("audits:engagement-team", pk=engagement.pk)
        return self.render_to_response(self.get_context_data(add_form=form), status=400)


class TeamMemberRemoveView(ServiceActionView):
    model = TeamMember
    required_perm = MANAGE_ENGAGEMENTS
    object_kwarg = "member"

    def scoped_queryset(self) -> QuerySet[TeamMember]:
        return TeamMember.objects.select_related("engagement__body", "membership__user").filter(
            engagement_id=self.kwargs["pk"]
        )

    def get_queryset(self) -> QuerySet[TeamMember]:
        if self.body is None:
            raise Http404
        return self.scoped_queryset().filter(body=self.body)

    def act(self, record: TeamMember, form: Any) -> None:
        team_member_remove(member=record, actor=self.request.user)  # type: ignore[arg-type]

    def get_success_message(self, result: Any) -> str:
        return _("The person is off the team.")

    def get_success_url(self, result: Any) -> str:
        return reverse("audits:engagement-team", args=[self.kwargs["pk"]])

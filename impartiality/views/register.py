"""The portal's impartiality register and committee pages.

Every active member of the body reads the register (risks with their rating, owner, mitigation and reviews),
the committee's members and its meetings: the register is not confidential like declarations of interest.
Its keepers (`manage_impartiality`: the body's administrators and committee members) add, change, review and
close risks, record meetings and request the register pack (PDF); an action's owner marks it done too.
Client users reach none of it (they have no body: `PortalMixin` sends them to their client view).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView

from bodies.models.tenants import Membership
from core.portal import (
    BodyScopedMixin,
    FilteredListMixin,
    PortalMixin,
    ServiceActionView,
    ServiceFormMixin,
    is_htmx,
)
from documents.registry import get_kind
from documents.selectors import document_latest_for_subject
from documents.services import document_request

from ..documents import REGISTER_PACK
from ..forms import register as register_forms
from ..models.register import CommitteeAction, CommitteeMeeting, Risk, RiskStatus
from ..permissions import MANAGE_IMPARTIALITY, can_manage_impartiality
from ..selectors.register import (
    action_list,
    committee_members,
    meeting_detail,
    meeting_list,
    risk_filter,
    risk_list,
)
from ..services.register import (
    action_complete,
    can_complete_action,
    meeting_record,
    register_today,
    review_date_limit,
    risk_close,
    risk_create,
    risk_is_overdue,
    risk_reopen,
    risk_review,
    risk_update,
)


def active_people(body: Any) -> QuerySet[Membership]:
    """The body's active people (owners of risks and actions), by name."""
    return (
        Membership.objects.active()
        .filter(body_id=body.pk, user__is_active=True)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


class KeeperMixin:
    """Whether the person keeps the register (the buttons to add, change, review and record)."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context["can_manage"] = can_manage_impartiality(self.request.user, self.body)  # type: ignore[attr-defined]
        context["today"] = register_today(self.body)  # type: ignore[attr-defined]
        return context  # type: ignore[no-any-return]


class ObjectMixin(BodyScopedMixin):
    """A page about one record of the active body, in `self.object`: another body's is a 404 first."""

    def check_object_access(self) -> None:
        self.object = self.get_object()


# --- the register ---------------------------------------------------------------------------------------------


class RiskListView(KeeperMixin, PortalMixin, FilteredListMixin, ListView):
    """The body's impartiality register, filtered by threat, status and overdue review; open risks first, the
    soonest review first."""

    template_name = "impartiality/register/risk_list.html"
    context_object_name = "risks"
    paginate_by = 50
    filter_class = register_forms.RiskFilterForm

    def get_queryset(self) -> QuerySet[Risk]:
        rows = risk_list().filter(body=self.body).order_by("-status", "next_review_on", "title", "id")
        return self.filtered(rows)

    def filter_queryset(self, queryset: QuerySet[Any], list_filter: Any) -> QuerySet[Any]:
        data = list_filter.cleaned_data
        overdue = {"yes": True, "no": False}.get(data["overdue"])
        return risk_filter(
            queryset,
            threat=data["threat"],
            status=data["status"],
            overdue=overdue,
            today=register_today(self.body),
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        today = context["today"]
        for risk in context["risks"]:
            risk.is_overdue = risk_is_overdue(risk, today=today)
        context["pack"] = document_latest_for_subject(kind=REGISTER_PACK, subject=self.body)
        return context


class RiskFormMixin:
    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()  # type: ignore[misc]
        kwargs["people"] = active_people(self.body)  # type: ignore[attr-defined]
        return kwargs  # type: ignore[no-any-return]


class RiskCreateView(RiskFormMixin, PortalMixin, ServiceFormMixin, FormView):
    required_perm = MANAGE_IMPARTIALITY
    form_class = register_forms.RiskForm
    template_name = "impartiality/register/form.html"

    def get_initial(self) -> dict[str, Any]:
        return {"next_review_on": review_date_limit(register_today(self.body)), "owner": self.membership}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["title"] = _("Add a risk")
        context["cancel_url"] = reverse("impartiality:risk-list")
        return context

    def perform(self, form: register_forms.RiskForm) -> Any:
        return risk_create(body=self.body, actor=self.request.user, fields=form.service_fields())

    def get_success_message(self, result: Risk) -> str:
        return _("The risk %(name)s is added to the register.") % {"name": result}

    def get_success_url(self, result: Any = None) -> str:
        return reverse("impartiality:risk-detail", args=[result.pk])


class RiskDetailView(KeeperMixin, ObjectMixin, DetailView):
    """One risk: its rating, source, mitigation, owner, reviews, the meetings that reviewed it."""

    model = Risk
    template_name = "impartiality/register/risk_detail.html"
    context_object_name = "risk"

    def scoped_queryset(self) -> QuerySet[Risk]:
        return risk_list()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        risk = self.object
        risk.is_overdue = risk_is_overdue(risk, today=context["today"])
        context["meetings"] = risk.meetings.order_by("-held_on")
        context["review_form"] = register_forms.RiskReviewForm(
            initial={"next_review_on": review_date_limit(context["today"])}
        )
        context["close_form"] = register_forms.RiskCloseForm()
        context["reopen_form"] = register_forms.RiskReopenForm(
            initial={"next_review_on": review_date_limit(context["today"])}
        )
        return context


class RiskEditView(RiskFormMixin, ObjectMixin, ServiceFormMixin, FormView):
    model = Risk
    required_perm = MANAGE_IMPARTIALITY
    form_class = register_forms.RiskForm
    template_name = "impartiality/register/form.html"
    success_message = gettext_lazy("The risk is saved.")

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.object
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["title"] = _("Edit the risk %(name)s") % {"name": self.object}
        context["risk"] = self.object
        context["cancel_url"] = reverse("impartiality:risk-detail", args=[self.object.pk])
        return context

    def perform(self, form: register_forms.RiskForm) -> Any:
        return risk_update(risk=self.object, actor=self.request.user, fields=form.service_fields())

    def get_success_url(self, result: Any = None) -> str:
        return reverse("impartiality:risk-detail", args=[self.object.pk])

    def get_refused_url(self) -> str:
        return reverse("impartiality:risk-detail", args=[self.object.pk])


class RiskReviewView(ObjectMixin, ServiceFormMixin, FormView):
    """Record today's review of a risk and set its next review."""

    model = Risk
    required_perm = MANAGE_IMPARTIALITY
    form_class = register_forms.RiskReviewForm
    template_name = "impartiality/register/form.html"
    success_message = gettext_lazy("The risk is marked reviewed today.")

    def get_initial(self) -> dict[str, Any]:
        return {"next_review_on": review_date_limit(register_today(self.body))}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["title"] = _("Review the risk %(name)s") % {"name": self.object}
        context["risk"] = self.object
        context["cancel_url"] = reverse("impartiality:risk-detail", args=[self.object.pk])
        return context

    def perform(self, form: register_forms.RiskReviewForm) -> Any:
        return risk_review(
            risk=self.object, actor=self.request.user, next_review_on=form.cleaned_data["next_review_on"]
        )

    def get_success_url(self, result: Any = None) -> str:
        return reverse("impartiality:risk-detail", args=[self.object.pk])

    def get_refused_url(self) -> str:
        return reverse("impartiality:risk-detail", args=[self.object.pk])


class RiskActionView(ServiceActionView):
    model = Risk
    required_perm = MANAGE_IMPARTIALITY

    def get_success_url(self, result: Any) -> str:
        return reverse("impartiality:risk-detail", args=[result.pk])


class RiskCloseView(RiskActionView):
    """POST (a reason): the risk no longer applies; its reminders stop."""

    form_class = register_forms.RiskCloseForm
    success_message = gettext_lazy("The risk is closed.")

    def act(self, record: Risk, form: Any) -> Risk:
        return risk_close(risk=record, actor=self.request.user, reason=form.cleaned_data["reason"])  # type: ignore[return-value]


class RiskReopenView(RiskActionView):
    """POST (the next review): a closed risk applies again."""

    form_class = register_forms.RiskReopenForm
    success_message = gettext_lazy("The risk is open again.")

    def act(self, record: Risk, form: Any) -> Risk:
        return risk_reopen(  # type: ignore[return-value]
            risk=record, actor=self.request.user, next_review_on=form.cleaned_data["next_review_on"]
        )


class RegisterPackView(PortalMixin, View):
    """POST: the register with the committee's minutes as one PDF, rendered in the background; answers with the
    polling status (htmx) or goes back to the register."""

    required_perm = MANAGE_IMPARTIALITY
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        body = self.body
        if not get_kind(REGISTER_PACK).can_request(request.user, body):
            raise PermissionDenied
        document = document_request(kind=REGISTER_PACK, subject=body, body=body, actor=request.user)
        if is_htmx(request):
            return render(request, "documents/partials/_status.html", {"document": document})
        messages.success(request, _("The register pack (PDF) is being prepared."))
        return redirect("impartiality:risk-list")


# --- the committee --------------------------------------------------------------------------------------------


class CommitteeView(KeeperMixin, PortalMixin, TemplateView):
    """The body's impartiality committee: its members, its meetings (latest first), its open actions."""

    template_name = "impartiality/register/committee.html"
    meetings_shown = 50

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["members"] = committee_members(self.body)  # type: ignore[arg-type]
        context["meetings"] = meeting_list().filter(body=self.body)[: self.meetings_shown]
        context["open_actions"] = action_list().filter(body=self.body, status=CommitteeAction.Status.OPEN)
        return context


class MeetingCreateView(PortalMixin, ServiceFormMixin, FormView):
    """Record a meeting: attendees from the committee, the open risks it reviewed, its conclusions, and its
    actions (rows added in place)."""

    required_perm = MANAGE_IMPARTIALITY
    form_class = register_forms.MeetingForm
    template_name = "impartiality/register/meeting_form.html"
    success_message = gettext_lazy("The meeting is recorded.")

    def get_initial(self) -> dict[str, Any]:
        return {"held_on": register_today(self.body)}

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["members"] = committee_members(self.body)  # type: ignore[arg-type]
        kwargs["risks"] = Risk.objects.for_body(self.body).filter(status=RiskStatus.OPEN).order_by("title")
        kwargs["people"] = active_people(self.body)
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = context["form"]
        context["actions"] = form.actions
        context["prefix"] = register_forms.ACTION_PREFIX
        context["full"] = form.actions.total_form_count() >= register_forms.ACTION_MAX_ROWS
        context["max_rows"] = register_forms.ACTION_MAX_ROWS
        return context

    def perform(self, form: register_forms.MeetingForm) -> CommitteeMeeting:
        return meeting_record(body=self.body, actor=self.request.user, **form.service_arguments())

    def get_success_url(self, result: Any = None) -> str:
        return reverse("impartiality:meeting-detail", args=[result.pk])


class MeetingActionRowView(PortalMixin, View):
    """ "Add an action" on the meeting form (htmx GET): the next blank row, numbered by the form's current row
    count (`actions-TOTAL_FORMS`, sent by the button), the count raised by one out of band; past
    `ACTION_MAX_ROWS` (or an unreadable count) it answers 400 with a message."""

    required_perm = MANAGE_IMPARTIALITY
    http_method_names = ["get"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        prefix = register_forms.ACTION_PREFIX
        raw = request.GET.get(f"{prefix}-TOTAL_FORMS", "")
        index = int(raw) if raw.isdigit() else -1
        if not 0 <= index < register_forms.ACTION_MAX_ROWS:
            return HttpResponseBadRequest(
                ngettext(
                    "A meeting takes at most %(num)d action.",
                    "A meeting takes at most %(num)d actions.",
                    register_forms.ACTION_MAX_ROWS,
                )
                % {"num": register_forms.ACTION_MAX_ROWS},
                content_type="text/plain",
            )
        context = {
            "row": register_forms.action_row_form(index=index, people=active_people(self.body)),
            "number": index + 1,
            "total_forms": index + 1,
            "prefix": prefix,
            "max_rows": register_forms.ACTION_MAX_ROWS,
            "full": index + 1 >= register_forms.ACTION_MAX_ROWS,
            "oob": True,
        }
        return render(request, "impartiality/register/partials/_action_row_added.html", context)


class MeetingDetailView(KeeperMixin, ObjectMixin, DetailView):
    """One meeting's minutes: attendees, risks reviewed, conclusions, actions with their status."""

    model = CommitteeMeeting
    template_name = "impartiality/register/meeting_detail.html"
    context_object_name = "meeting"

    def scoped_queryset(self) -> QuerySet[CommitteeMeeting]:
        return meeting_detail()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        keeper = context["can_manage"]
        context["completable"] = {
            action.pk
            for action in self.object.actions.all()
            if action.status == CommitteeAction.Status.OPEN
            and can_complete_action(user, action, keeper=keeper)
        }
        context["complete_form"] = register_forms.ActionCompleteForm()
        return context


class ActionCompleteView(ServiceActionView):
    """POST (a note): the action's owner or a keeper of the register marks it done."""

    model = CommitteeAction
    form_class = register_forms.ActionCompleteForm
    success_message = gettext_lazy("The action is marked done.")

    def scoped_queryset(self) -> QuerySet[CommitteeAction]:
        return CommitteeAction.objects.select_related("owner__user", "body")

    def has_permission(self) -> bool:
        return can_complete_action(self.request.user, self.get_object())

    def act(self, record: CommitteeAction, form: Any) -> CommitteeAction:
        return action_complete(action=record, actor=self.request.user, note=form.cleaned_data["note"])

    def get_success_url(self, result: Any) -> str:
        return reverse("impartiality:meeting-detail", args=[result.meeting_id])

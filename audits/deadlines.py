"""Deadline kinds of the audits capability (`reminders.registry`): a team member's per-engagement declaration
of interest missing before the team can be confirmed, the report not drafted after the last audit day, a
finding's response coming due (before, on the day, overdue) and an accepted response waiting for the verification
of effectiveness. Each kind names its recipients (computed in a few queries per batch), its message and its
portal page."""

from __future__ import annotations

from collections import defaultdict
from typing import Any
from uuid import UUID

from django.apps import apps
from django.conf import settings
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.urls import NoReverseMatch, reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from bodies.models.tenants import Role
from reminders.models import Deadline
from reminders.recipients import body_admins_of, days_to_due
from reminders.registry import DeadlineKind, page_url, register

from .models import EngagementStatus, TeamMember
from .selectors.findings import findings_visible_to

#: the statuses in which the team is not yet confirmed (a missing declaration still matters)
TEAM_OPEN_STATUSES = (EngagementStatus.DRAFT, EngagementStatus.PLANNED, EngagementStatus.TEAM_PROPOSED)


# engagements and teams
def _members_of(deadlines: list[Deadline]) -> dict[str, TeamMember]:
    rows = TeamMember.objects.filter(pk__in=[d.subject_id for d in deadlines]).select_related(
        "membership__user", "engagement__client"
    )
    return {str(row.pk): row for row in rows}


def _cleared(members: list[TeamMember]) -> set[Any]:
    """The team members holding a reviewed, not barring per-engagement declaration for their engagement's
    client or project (one query)."""
    declaration_model = apps.get_model("impartiality", "Declaration")
    rows = (
        declaration_model.objects.filter(
            membership_id__in={m.membership_id for m in members}, kind="engagement", status="reviewed"
        )
        .exclude(review_outcome="barring")
        .values_list("membership_id", "client_id", "project_id")
    )
    found = set(rows)
    cleared: set[Any] = set()
    for member in members:
        engagement = member.engagement
        if engagement.project_id is not None:
            hit = any(m == member.membership_id and p == engagement.project_id for m, _c, p in found)
        else:
            hit = any(
                m == member.membership_id and c == engagement.client_id and p is None for m, c, p in found
            )
        if hit:
            cleared.add(member.pk)
    return cleared


def _declaration_recipients(deadlines: list[Deadline]) -> dict[UUID, list[Any]]:
    """The team member and the body's planners (administrators), while the member has no cleared declaration
    and the team is not confirmed: three queries for a batch."""
    admins = body_admins_of(deadlines)
    members = _members_of(deadlines)
    cleared = _cleared(list(members.values()))
    result: dict[UUID, list[Any]] = {}
    for deadline in deadlines:
        member = members.get(str(deadline.subject_id))
        if member is None or member.pk in cleared or member.engagement.status not in TEAM_OPEN_STATUSES:
            result[deadline.id] = []
            continue
        chosen = [member.membership.user] if member.membership.user.is_active else []
        chosen.extend(admin for admin in admins.get(deadline.id, []) if admin not in chosen)
        result[deadline.id] = chosen
    return result


def _declaration_message(deadline: Deadline, offset: int) -> tuple[str, str]:
    member = deadline.subject
    values = {
        "person": member.membership.user.full_name if member else _("(no longer on record)"),
        "reference": member.engagement.reference if member else "",
        "client": member.engagement.client.legal_name if member else "",
        "start": formats.date_format(deadline.due_on, "DATE_FORMAT"),
    }
    title = _("Declaration of interest missing for %(reference)s") % values
    text = (
        _(
            "%(person)s has no reviewed declaration of interest for %(client)s, and %(reference)s starts on "
            "%(start)s. The team cannot be confirmed without it."
        )
        % values
    )
    return title, text


def _member_url(deadline: Deadline) -> str:
    member = deadline.subject
    try:
        return reverse("audits:engagement-detail", args=[member.engagement_id]) if member else "/"
    except NoReverseMatch:
        return "/"


register(
    DeadlineKind(
        code="audits.engagement_declaration",
        label=gettext_lazy("Per-engagement declaration of interest missing"),
        offsets=lambda: (-settings.ENGAGEMENT_DECLARATION_REMINDER_DAYS,),
        recipients=_declaration_recipients,
        message=_declaration_message,
        url=_member_url,
    )
)


def _report_recipients(deadlines: list[Deadline]) -> dict[UUID, list[Any]]:
    """The engagement's lead auditor, while the report is not drafted: two queries for a batch."""
    leads = TeamMember.objects.filter(
        engagement_id__in=[d.subject_id for d in deadlines], role=Role.LEAD_AUDITOR
    ).select_related("membership__user", "engagement")
    by_engagement = {str(lead.engagement_id): lead for lead in leads}
    result: dict[UUID, list[Any]] = {}
    for deadline in deadlines:
        lead = by_engagement.get(str(deadline.subject_id))
        if (
            lead is None
            or lead.engagement.status != EngagementStatus.IN_PROGRESS
            or not lead.membership.user.is_active
        ):
            result[deadline.id] = []
        else:
            result[deadline.id] = [lead.membership.user]
    return result


def _report_message(deadline: Deadline, offset: int) -> tuple[str, str]:
    engagement = deadline.subject
    values = {
        "reference": engagement.reference if engagement else _("(no longer on record)"),
        "last_day": formats.date_format(deadline.due_on, "DATE_FORMAT"),
        "days": settings.REPORT_DRAFT_REMINDER_DAYS,
    }
    title = _("The report of %(reference)s is not drafted") % values
    text = _("The last audit day of %(reference)s was %(last_day)s. Draft the report.") % values
    return title, text


register(
    DeadlineKind(
        code="audits.report_draft",
        label=gettext_lazy("Report not drafted"),
        offsets=lambda: (settings.REPORT_DRAFT_REMINDER_DAYS,),
        recipients=_report_recipients,
        message=_report_message,
        url=page_url("audits:engagement-detail", with_subject=True),
    )
)


# findings: a response coming due (the client's users and the lead auditor) and an accepted response waiting
# for the verification of effectiveness (the lead auditor); three queries per batch


def findings_deadlines_readable_by(user: Any) -> Q:
    """A finding's deadlines are read by those who read the finding (its engagement's readers and team)."""
    readable = findings_visible_to(user).annotate(subject=Cast("id", CharField())).values("subject")
    return Q(subject_id__in=readable)


def _findings_of(deadlines: list[Deadline]) -> dict[str, Any]:
    finding = apps.get_model("audits", "Finding")
    rows = finding.objects.filter(pk__in=[d.subject_id for d in deadlines]).select_related("engagement")
    return {str(row.pk): row for row in rows}


def _lead_auditors(engagement_ids: set[Any]) -> dict[Any, list[Any]]:
    team_member = apps.get_model("audits", "TeamMember")
    leads: dict[Any, list[Any]] = defaultdict(list)
    rows = team_member.objects.filter(
        engagement_id__in=engagement_ids, role="lead_auditor", membership__status="active"
    ).select_related("membership__user")
    for row in rows:
        leads[row.engagement_id].append(row.membership.user)
    return leads


def _finding_recipients(*, client_users: bool) -> Any:
    def recipients(deadlines: list[Deadline]) -> dict[UUID, list[Any]]:
        findings = _findings_of(deadlines)
        leads = _lead_auditors({f.engagement_id for f in findings.values()})
        clients: dict[Any, list[Any]] = defaultdict(list)
        if client_users:
            client_user = apps.get_model("clients", "ClientUser")
            rows = client_user.objects.filter(
                client_id__in={f.engagement.client_id for f in findings.values()},
                status="active",
                user__isnull=False,
            ).select_related("user")
            for row in rows:
                clients[row.client_id].append(row.user)
        result: dict[UUID, list[Any]] = {}
        for deadline in deadlines:
            finding = findings.get(str(deadline.subject_id))
            if finding is None:
                result[deadline.id] = []
                continue
            people = [*clients.get(finding.engagement.client_id, []), *leads.get(finding.engagement_id, [])]
            result[deadline.id] = [person for person in people if person.is_active]
        return result

    return recipients


def _finding_values(deadline: Deadline) -> dict[str, Any]:
    finding = deadline.subject
    return {
        "number": finding.number if finding else "",
        "engagement": finding.engagement.reference if finding else "",
        "due": formats.date_format(deadline.due_on),
        "days": abs(days_to_due(deadline)),
    }


def _response_due_message(deadline: Deadline, offset: int) -> tuple[str, str]:
    values = _finding_values(deadline)
    days = days_to_due(deadline)
    if days > 0:
        title = ngettext(
            "Response to finding %(number)s of %(engagement)s due in %(days)s day",
            "Response to finding %(number)s of %(engagement)s due in %(days)s days",
            days,
        )
        text = _("The response to finding %(number)s of %(engagement)s is due on %(due)s.")
    elif days == 0:
        title = _("Response to finding %(number)s of %(engagement)s due today")
        text = _("The response to finding %(number)s of %(engagement)s is due today (%(due)s).")
    else:
        title = _("Response to finding %(number)s of %(engagement)s overdue")
        text = _("The response to finding %(number)s of %(engagement)s was due on %(due)s and has not come.")
    return title % values, text % values


def _verification_message(deadline: Deadline, offset: int) -> tuple[str, str]:
    values = _finding_values(deadline)
    title = _("Finding %(number)s of %(engagement)s waits for verification")
    text = _(
        "The response to finding %(number)s of %(engagement)s was accepted; verify the corrective action's "
        "effectiveness."
    )
    return title % values, text % values


register(
    DeadlineKind(
        code="audits.finding_response_due",
        label=gettext_lazy("Response to a finding due"),
        offsets=lambda: settings.FINDING_RESPONSE_REMINDER_OFFSETS,
        recipients=_finding_recipients(client_users=True),
        message=_response_due_message,
        url=page_url("audits:finding-open", with_subject=True),
        readable_by=findings_deadlines_readable_by,
    )
)
register(
    DeadlineKind(
        code="audits.finding_verification_due",
        label=gettext_lazy("Finding waiting for verification"),
        offsets=lambda: (0,),
        recipients=_finding_recipients(client_users=False),
        message=_verification_message,
        url=page_url("audits:finding-detail", with_subject=True),
        readable_by=findings_deadlines_readable_by,
    )
)

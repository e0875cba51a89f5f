"""Notices of the audits capability (`reminders.notices`): an engagement's team confirmed and the engagement
cancelled (to its team), an engagement sent to independent review (to the reviewer), and a finding raised, answered,
accepted or rejected (to the client's users, or to the lead auditor for an answer). Each kind names its audience,
its message and its portal page."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from bodies.models.tenants import Membership
from reminders.notices import Notice, NoticeKind, page_url, register


# engagements
def _team(notice: Notice) -> list[Any]:
    """The engagement's team (one query)."""
    return [
        member.membership.user
        for member in notice.subject.team.select_related("membership__user").order_by("role", "id")
        if member.membership.status == Membership.Status.ACTIVE
    ]


def _reviewer(notice: Notice) -> list[Any]:
    reviewer = notice.subject.reviewer
    return [reviewer.user] if reviewer is not None and reviewer.status == Membership.Status.ACTIVE else []


def _engagement_values(engagement: Any) -> dict[str, Any]:
    return {
        "reference": engagement.reference,
        "kind": engagement.get_kind_display().lower(),
        "client": engagement.client.legal_name,
        "start": date_format(engagement.planned_start, "DATE_FORMAT"),
    }


register(
    NoticeKind(
        key="audits.engagement.team_confirmed",
        title=_("You are on the confirmed team of %(reference)s"),
        message=_(
            "The team of %(reference)s (%(kind)s for %(client)s, starting %(start)s) in %(body)s is confirmed, "
            "and you are on it."
        ),
        audience=_team,
        url=page_url("audits:engagement-detail", with_subject=True),
        values=_engagement_values,
        label=_("Engagement team confirmed"),
    )
)
register(
    NoticeKind(
        key="audits.engagement.cancelled",
        title=_("%(reference)s is cancelled"),
        message=_("%(reference)s (%(kind)s for %(client)s, starting %(start)s) in %(body)s is cancelled."),
        audience=_team,
        url=page_url("audits:engagement-detail", with_subject=True),
        values=_engagement_values,
        label=_("Engagement cancelled"),
    )
)
register(
    NoticeKind(
        key="audits.engagement.sent_to_review",
        title=_("%(reference)s is waiting for your independent review"),
        message=_(
            "The report of %(reference)s (%(kind)s for %(client)s) in %(body)s is ready for your review."
        ),
        audience=_reviewer,
        url=page_url("audits:engagement-detail", with_subject=True),
        values=_engagement_values,
        label=_("Engagement sent to independent review"),
    )
)


# findings
def finding_client_users(notice: Notice) -> list[Any]:
    """The active client users of the finding's engagement's client (who answer it in the client view)."""
    client_user = apps.get_model("clients", "ClientUser")
    rows = client_user.objects.filter(
        client_id=notice.subject.engagement.client_id, status="active", user__isnull=False
    ).select_related("user")
    return [row.user for row in rows]


def finding_lead_auditor(notice: Notice) -> list[Any]:
    """The lead auditor of the finding's engagement."""
    team_member = apps.get_model("audits", "TeamMember")
    rows = team_member.objects.filter(
        engagement_id=notice.subject.engagement_id, role="lead_auditor", membership__status="active"
    ).select_related("membership__user")
    return [row.membership.user for row in rows]


def _finding_values(finding: Any) -> dict[str, Any]:
    return {
        "number": finding.number,
        "kind": finding.get_kind_display(),
        "engagement": finding.engagement.reference,
        "due_on": finding.due_on or "",
    }


for _key, _title, _message, _audience, _url, _label in (
    (
        "audits.finding.raised",
        _("Finding %(number)s of %(engagement)s needs your response"),
        _("The audit team raised a %(kind)s. Your response is due on %(due_on)s."),
        finding_client_users,
        "audits:client-finding",
        _("A finding needs your response"),
    ),
    (
        "audits.finding.responded",
        _("The client answered finding %(number)s of %(engagement)s"),
        _("A response to the %(kind)s waits for the team's judgement."),
        finding_lead_auditor,
        "audits:finding-detail",
        _("The client answered a finding"),
    ),
    (
        "audits.finding.accepted",
        _("Your response to finding %(number)s of %(engagement)s was accepted"),
        _("The audit team accepted your response to the %(kind)s."),
        finding_client_users,
        "audits:client-finding",
        _("Response to a finding accepted"),
    ),
    (
        "audits.finding.rejected",
        _("Your response to finding %(number)s of %(engagement)s was not accepted"),
        _("The audit team asks for a new response to the %(kind)s."),
        finding_client_users,
        "audits:client-finding",
        _("Response to a finding rejected"),
    ),
):
    register(
        NoticeKind(
            key=_key,
            title=_title,
            message=_message,
            audience=_audience,
            url=page_url(_url, with_subject=True),
            values=_finding_values,
            label=_label,
        )
    )

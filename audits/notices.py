"""The audits capability's notices declarations (see docs/DEVELOPING.md)."""

from __future__ import annotations

from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from bodies.models.tenants import Membership
from reminders.notices import Notice, NoticeKind, page_url, register

# --- engagements, teams and gates (H9) ---


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


# --- findings and corrective actions (H10) ---
from typing import Any as _FindingAny  # noqa: E402

from django.apps import apps as _finding_apps  # noqa: E402
from django.utils.translation import gettext_lazy as _finding_lazy  # noqa: E402

from reminders.notices import Notice as _FindingNotice  # noqa: E402
from reminders.notices import NoticeKind as _FindingNoticeKind  # noqa: E402
from reminders.notices import page_url as _finding_page_url  # noqa: E402
from reminders.notices import register as _finding_register  # noqa: E402


def finding_client_users(notice: _FindingNotice) -> list[_FindingAny]:
    """The active client users of the finding's engagement's client (who answer it in the client view)."""
    client_user = _finding_apps.get_model("clients", "ClientUser")
    rows = client_user.objects.filter(
        client_id=notice.subject.engagement.client_id, status="active", user__isnull=False
    ).select_related("user")
    return [row.user for row in rows]


def finding_lead_auditor(notice: _FindingNotice) -> list[_FindingAny]:
    """The lead auditor of the finding's engagement."""
    team_member = _finding_apps.get_model("audits", "TeamMember")
    rows = team_member.objects.filter(
        engagement_id=notice.subject.engagement_id, role="lead_auditor", membership__status="active"
    ).select_related("membership__user")
    return [row.membership.user for row in rows]


def _finding_values(finding: _FindingAny) -> dict[str, _FindingAny]:
    return {
        "number": finding.number,
        "kind": finding.get_kind_display(),
        "engagement": finding.engagement.reference,
        "due_on": finding.due_on or "",
    }


for _key, _title, _message, _audience, _url, _label in (
    (
        "audits.finding.raised",
        _finding_lazy("Finding %(number)s of %(engagement)s needs your response"),
        _finding_lazy("The audit team raised a %(kind)s. Your response is due on %(due_on)s."),
        finding_client_users,
        "audits:client-finding",
        _finding_lazy("A finding needs your response"),
    ),
    (
        "audits.finding.responded",
        _finding_lazy("The client answered finding %(number)s of %(engagement)s"),
        _finding_lazy("A response to the %(kind)s waits for the team's judgement."),
        finding_lead_auditor,
        "audits:finding-detail",
        _finding_lazy("The client answered a finding"),
    ),
    (
        "audits.finding.accepted",
        _finding_lazy("Your response to finding %(number)s of %(engagement)s was accepted"),
        _finding_lazy("The audit team accepted your response to the %(kind)s."),
        finding_client_users,
        "audits:client-finding",
        _finding_lazy("Response to a finding accepted"),
    ),
    (
        "audits.finding.rejected",
        _finding_lazy("Your response to finding %(number)s of %(engagement)s was not accepted"),
        _finding_lazy("The audit team asks for a new response to the %(kind)s."),
        finding_client_users,
        "audits:client-finding",
        _finding_lazy("Response to a finding rejected"),
    ),
):
    _finding_register(
        _FindingNoticeKind(
            key=_key,
            title=_title,
            message=_message,
            audience=_audience,
            url=_finding_page_url(_url, with_subject=True),
            values=_finding_values,
            label=_label,
        )
    )

"""The audits capability's notices declarations (see docs/DEVELOPING.md)."""

from __future__ import annotations

# --- engagements, teams and gates (H9) ---

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

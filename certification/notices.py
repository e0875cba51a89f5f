"""Notices of the certification capability (`reminders.notices`)."""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from bodies.models.tenants import Membership, Role
from reminders.notices import Notice, NoticeKind, page_url, register
from reminders.recipients import body_administrators


# --- reviews and decisions ---
def _review_team(notice: Notice) -> list[Any]:
    """The reviewed engagement's team (one query)."""
    team = notice.subject.engagement.team.select_related("membership__user").order_by("role", "id")
    return [member.membership.user for member in team if member.membership.status == Membership.Status.ACTIVE]


def _reviewer(notice: Notice) -> list[Any]:
    reviewer = notice.subject.reviewer
    return [reviewer.user] if reviewer.status == Membership.Status.ACTIVE else []


def _engagement_decision_makers(notice: Notice) -> list[Any]:
    """The body's active decision makers who may decide the engagement: neither on its team nor its reviewer."""
    engagement = notice.subject.engagement
    excluded = {*engagement.team.values_list("membership__user_id", flat=True)}
    if engagement.reviewer_id is not None:
        excluded.add(engagement.reviewer.user_id)
    makers = (
        Membership.objects.active()
        .with_role(Role.DECISION_MAKER)
        .filter(body_id=engagement.body_id, user__is_active=True)
        .exclude(user_id__in=excluded)
        .select_related("user")
        .order_by("user__email")
    )
    return [membership.user for membership in makers]


def _decision_audience(notice: Notice) -> list[Any]:
    """An engagement's decision: its team; a certificate's: the body's administrators."""
    decision = notice.subject
    if decision.engagement_id is not None:
        team = decision.engagement.team.select_related("membership__user").order_by("role", "id")
        return [m.membership.user for m in team if m.membership.status == Membership.Status.ACTIVE]
    return body_administrators(notice)


def _review_values(review: Any) -> dict[str, Any]:
    engagement = review.engagement
    return {
        "reference": engagement.reference,
        "kind": engagement.get_kind_display().lower(),
        "client": engagement.client.legal_name,
        "round": review.round,
    }


def _decision_values(decision: Any) -> dict[str, Any]:
    subject = decision.engagement.reference if decision.engagement_id else decision.certificate.number
    return {"decision": decision.get_kind_display(), "subject": subject}


def _review_url(review: Any) -> str:
    try:
        return reverse("certification:review-detail", args=[review.engagement_id])
    except NoReverseMatch:
        return "/"


register(
    NoticeKind(
        key="certification.review.returned",
        title=_("The reviewer returned the report of %(reference)s"),
        message=_(
            "The independent reviewer returned the report of %(reference)s (%(kind)s for %(client)s) in %(body)s "
            "to the team with comments of round %(round)s: answer them and send the report back."
        ),
        audience=_review_team,
        url=_review_url,
        values=_review_values,
        label=_("Report returned by the reviewer"),
    )
)
register(
    NoticeKind(
        key="certification.review.resubmitted",
        title=_("The report of %(reference)s is back for review"),
        message=_(
            "The team answered the comments on the report of %(reference)s (%(kind)s for %(client)s) in %(body)s; "
            "round %(round)s of the independent review has started."
        ),
        audience=_reviewer,
        url=_review_url,
        values=_review_values,
        label=_("Report back for review"),
    )
)
register(
    NoticeKind(
        key="certification.review.completed",
        title=_("%(reference)s awaits a decision"),
        message=_(
            "The independent review of %(reference)s (%(kind)s for %(client)s) in %(body)s is complete: the "
            "engagement awaits its decision."
        ),
        audience=_engagement_decision_makers,
        url=_review_url,
        values=_review_values,
        label=_("Engagement awaiting decision"),
    )
)
register(
    NoticeKind(
        key="certification.decision.recorded",
        title=_("Decision on %(subject)s: %(decision)s"),
        message=_('A decision maker of %(body)s recorded the decision "%(decision)s" on %(subject)s.'),
        audience=_decision_audience,
        url=page_url("certification:decision-detail", with_subject=True),
        values=_decision_values,
        label=_("Decision recorded"),
    )
)


# --- certificates and proposals ---
def _client_users_and_admins(notice: Notice) -> list[Any]:
    """The certificate's client's active users, then the body's administrators (two queries)."""
    from django.apps import apps

    client_user = apps.get_model("clients", "ClientUser")
    rows = client_user.objects.filter(
        client_id=notice.subject.client_id, status="active", user__isnull=False, user__is_active=True
    ).select_related("user")
    return [row.user for row in rows] + body_administrators(notice)


def _body_decision_makers(notice: Notice) -> list[Any]:
    """The body's active decision makers (one query)."""
    makers = (
        Membership.objects.active()
        .with_role(Role.DECISION_MAKER)
        .filter(body_id=notice.subject.body_id, user__is_active=True)
        .select_related("user")
        .order_by("user__email")
    )
    return [membership.user for membership in makers]


def _certificate_values(certificate: Any) -> dict[str, Any]:
    return {
        "number": certificate.number,
        "client": certificate.client.legal_name,
        "standard": certificate.standard.name,
        "expires": certificate.expires_on,
        "status": certificate.get_status_display().lower(),
    }


def _proposal_values(proposal: Any) -> dict[str, Any]:
    return {**_certificate_values(proposal.certificate), "proposal": proposal.get_kind_display().lower()}


register(
    NoticeKind(
        key="certification.certificate.issued",
        title=_("Certificate %(number)s issued"),
        message=_(
            "%(body)s issued certificate %(number)s to %(client)s (%(standard)s), valid until %(expires)s."
        ),
        audience=_client_users_and_admins,
        url=page_url("certification:certificate-detail", with_subject=True),
        values=_certificate_values,
        label=_("Certificate issued"),
    )
)
register(
    NoticeKind(
        key="certification.certificate.changed",
        title=_("Certificate %(number)s: %(change)s"),
        message=_(
            "A decision of %(body)s on certificate %(number)s of %(client)s (%(standard)s): %(change)s. It is now "
            "%(status)s, valid until %(expires)s."
        ),
        audience=_client_users_and_admins,
        url=page_url("certification:certificate-detail", with_subject=True),
        values=_certificate_values,
        label=_("Certificate changed by a decision"),
    )
)
register(
    NoticeKind(
        key="certification.certificate.expired",
        title=_("Certificate %(number)s has expired"),
        message=_(
            "Certificate %(number)s of %(client)s (%(standard)s) in %(body)s was valid until %(expires)s and has "
            "expired."
        ),
        audience=_client_users_and_admins,
        url=page_url("certification:certificate-detail", with_subject=True),
        values=_certificate_values,
        label=_("Certificate expired"),
    )
)
register(
    NoticeKind(
        key="certification.proposal.created",
        title=_("Proposed: %(proposal)s for certificate %(number)s"),
        message=_(
            "The platform proposes a decision on certificate %(number)s of %(client)s in %(body)s: %(proposal)s. "
            "%(reason)s Decide it or dismiss it; nothing changes until a decision maker decides."
        ),
        audience=_body_decision_makers,
        url=page_url("certification:proposal-list"),
        values=_proposal_values,
        label=_("Decision proposed by the platform"),
    )
)

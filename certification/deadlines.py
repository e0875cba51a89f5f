"""Deadline kinds of the certification capability (`reminders.registry`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext, gettext_lazy

from reminders.registry import DeadlineKind, page_url, register

# --- reviews and decisions: decisions and reviews waiting ---
# A review waiting for its reviewer (from its opening or resubmission until it is returned or completed) and an
# engagement waiting for its decision (from the completed review until the decision): each reminds once, after
# REVIEW_REMINDER_DAYS / DECISION_REMINDER_DAYS, the people who may act, while it still waits.
REVIEW_WAITING = "certification.review_waiting"
DECISION_WAITING = "certification.decision_waiting"


def _review_recipients(deadlines: list[Any]) -> dict[Any, list[Any]]:
    """The reviewer, while the review is in progress: one query for a batch."""
    from .models import Review

    reviews = {
        str(r.pk): r
        for r in Review.objects.filter(pk__in=[d.subject_id for d in deadlines]).select_related(
            "reviewer__user"
        )
    }
    result: dict[Any, list[Any]] = {}
    for deadline in deadlines:
        review = reviews.get(str(deadline.subject_id))
        waiting = (
            review is not None
            and review.status == "in_review"
            and review.reviewer.status == "active"
            and review.reviewer.user.is_active
        )
        result[deadline.id] = [review.reviewer.user] if waiting and review is not None else []
    return result


def _review_message(deadline: Any, offset: int) -> tuple[str, str]:

    review = deadline.subject
    values = {
        "reference": review.engagement.reference if review else gettext("(no longer on record)"),
        "days": settings.REVIEW_REMINDER_DAYS,
    }
    return (
        gettext("The report of %(reference)s waits for your review") % values,
        gettext("The report of %(reference)s has waited %(days)s days for your independent review.") % values,
    )


def _review_url(deadline: Any) -> str:
    review = deadline.subject
    try:
        return reverse("certification:review-detail", args=[review.engagement_id]) if review else "/"
    except NoReverseMatch:
        return "/"


def _decision_recipients(deadlines: list[Any]) -> dict[Any, list[Any]]:
    """The body's active decision makers neither on the team nor the reviewer, while the engagement awaits its
    decision: three queries for a batch."""
    from django.apps import apps

    from bodies.models.tenants import Membership, Role

    engagements = {
        str(e.pk): e
        for e in apps.get_model("audits", "Engagement")
        .objects.filter(pk__in=[d.subject_id for d in deadlines])
        .select_related("reviewer")
    }
    team: dict[str, set[Any]] = {}
    for engagement_id, user_id in (
        apps.get_model("audits", "TeamMember")
        .objects.filter(engagement_id__in=[d.subject_id for d in deadlines])
        .values_list("engagement_id", "membership__user_id")
    ):
        team.setdefault(str(engagement_id), set()).add(user_id)
    makers: dict[Any, list[Any]] = {}
    for membership in (
        Membership.objects.active()
        .with_role(Role.DECISION_MAKER)
        .filter(body_id__in={d.body_id for d in deadlines}, user__is_active=True)
        .select_related("user")
        .order_by("user__email")
    ):
        makers.setdefault(membership.body_id, []).append(membership.user)
    result: dict[Any, list[Any]] = {}
    for deadline in deadlines:
        engagement = engagements.get(str(deadline.subject_id))
        if engagement is None or engagement.status != "awaiting_decision":
            result[deadline.id] = []
            continue
        excluded = set(team.get(str(engagement.pk), set()))
        if engagement.reviewer is not None:
            excluded.add(engagement.reviewer.user_id)
        result[deadline.id] = [u for u in makers.get(deadline.body_id, []) if u.pk not in excluded]
    return result


def _decision_message(deadline: Any, offset: int) -> tuple[str, str]:

    engagement = deadline.subject
    values = {
        "reference": engagement.reference if engagement else gettext("(no longer on record)"),
        "days": settings.DECISION_REMINDER_DAYS,
    }
    return (
        gettext("%(reference)s waits for a decision") % values,
        gettext(
            "The independent review of %(reference)s was completed %(days)s days ago; it waits for a decision."
        )
        % values,
    )


def _decision_url(deadline: Any) -> str:
    try:
        return f"{reverse('certification:decision-create')}?engagement={deadline.subject_id}"
    except NoReverseMatch:
        return "/"


register(
    DeadlineKind(
        code=REVIEW_WAITING,
        label=gettext_lazy("Review waiting"),
        offsets=lambda: (settings.REVIEW_REMINDER_DAYS,),
        recipients=_review_recipients,
        message=_review_message,
        url=_review_url,
    )
)
register(
    DeadlineKind(
        code=DECISION_WAITING,
        label=gettext_lazy("Decision waiting"),
        offsets=lambda: (settings.DECISION_REMINDER_DAYS,),
        recipients=_decision_recipients,
        message=_decision_message,
        url=_decision_url,
    )
)
# --- programme and certificates: surveillance and recertification due, certificate expiry, suspension ageing ---
# One deadline row per subject and kind (`reminders.services.deadline_upsert` / `deadline_close`): a programme
# date's (surveillance, recertification) from its generation until it is done or no longer due; a certificate's
# expiry while it certifies; a suspension's normal limit while it lasts. Each offset reminds once.


def _planners_of(deadlines: list[Any]) -> dict[Any, list[Any]]:
    """The body's planners (administrators, who create engagements): one query for the batch."""
    from reminders.recipients import body_admins_of

    return body_admins_of(deadlines)


def _dues_of(deadlines: list[Any]) -> dict[str, Any]:
    from .models import ProgrammeDue

    rows = ProgrammeDue.objects.filter(pk__in=[d.subject_id for d in deadlines]).select_related(
        "certificate__client"
    )
    return {str(row.pk): row for row in rows}


def _due_recipients(deadlines: list[Any]) -> dict[Any, list[Any]]:
    """The planners, while the programme date is still due or planned and the certificate still certifies or is
    suspended: two queries for a batch."""
    admins = _planners_of(deadlines)
    dues = _dues_of(deadlines)
    result: dict[Any, list[Any]] = {}
    for deadline in deadlines:
        due = dues.get(str(deadline.subject_id))
        live = (
            due is not None
            and due.status in ("due", "planned")
            and due.certificate.status in ("valid", "scope_reduced", "suspended")
        )
        result[deadline.id] = list(admins.get(deadline.id, [])) if live else []
    return result


def _due_message(deadline: Any, offset: int) -> tuple[str, str]:
    from django.utils import formats
    from django.utils.translation import ngettext

    from reminders.recipients import days_to_due

    due = deadline.subject
    values = {
        "what": due.get_kind_display().lower() if due else "",
        "number": due.certificate.number if due else gettext("(no longer on record)"),
        "client": due.certificate.client.legal_name if due else "",
        "due": formats.date_format(deadline.due_on, "DATE_FORMAT"),
        "days": abs(days_to_due(deadline)),
    }
    days = days_to_due(deadline)
    if days > 0:
        title = ngettext(
            "The %(what)s of certificate %(number)s is due in %(days)s day",
            "The %(what)s of certificate %(number)s is due in %(days)s days",
            days,
        )
        text = gettext("The %(what)s of certificate %(number)s (%(client)s) is due no later than %(due)s.")
    elif days == 0:
        title = gettext("The %(what)s of certificate %(number)s is due today")
        text = gettext("The %(what)s of certificate %(number)s (%(client)s) is due today (%(due)s).")
    else:
        title = gettext("The %(what)s of certificate %(number)s is overdue")
        text = gettext(
            "The %(what)s of certificate %(number)s (%(client)s) was due no later than %(due)s and has not been "
            "decided."
        )
    return title % values, text % values


def _due_url(deadline: Any) -> str:
    due = deadline.subject
    try:
        return reverse("certification:certificate-detail", args=[due.certificate_id]) if due else "/"
    except NoReverseMatch:
        return "/"


register(
    DeadlineKind(
        code="certification.surveillance_due",
        label=gettext_lazy("Surveillance due"),
        offsets=lambda: settings.PROGRAMME_REMINDER_OFFSETS,
        recipients=_due_recipients,
        message=_due_message,
        url=_due_url,
    )
)
register(
    DeadlineKind(
        code="certification.recertification_due",
        label=gettext_lazy("Recertification due"),
        offsets=lambda: settings.PROGRAMME_REMINDER_OFFSETS,
        recipients=_due_recipients,
        message=_due_message,
        url=_due_url,
    )
)


def _certificates_of(deadlines: list[Any]) -> dict[str, Any]:
    from .models import Certificate

    rows = Certificate.objects.filter(pk__in=[d.subject_id for d in deadlines]).select_related("client")
    return {str(row.pk): row for row in rows}


def _certificate_recipients(*, statuses: tuple[str, ...], decision_makers: bool) -> Any:
    def recipients(deadlines: list[Any]) -> dict[Any, list[Any]]:
        """The body's administrators (and its decision makers), while the certificate is in one of `statuses`:
        two or three queries for a batch."""
        from bodies.models.tenants import Membership, Role

        admins = _planners_of(deadlines)
        certificates = _certificates_of(deadlines)
        makers: dict[Any, list[Any]] = {}
        if decision_makers:
            rows = (
                Membership.objects.active()
                .with_role(Role.DECISION_MAKER)
                .filter(body_id__in={d.body_id for d in deadlines}, user__is_active=True)
                .select_related("user")
                .order_by("user__email")
            )
            for row in rows:
                makers.setdefault(row.body_id, []).append(row.user)
        result: dict[Any, list[Any]] = {}
        for deadline in deadlines:
            certificate = certificates.get(str(deadline.subject_id))
            if certificate is None or certificate.status not in statuses:
                result[deadline.id] = []
                continue
            people = [*makers.get(deadline.body_id, [])]
            people.extend(admin for admin in admins.get(deadline.id, []) if admin not in people)
            result[deadline.id] = people
        return result

    return recipients


def _certificate_values(deadline: Any) -> dict[str, Any]:
    from django.utils import formats

    from reminders.recipients import days_to_due

    certificate = deadline.subject
    return {
        "number": certificate.number if certificate else gettext("(no longer on record)"),
        "client": certificate.client.legal_name if certificate else "",
        "due": formats.date_format(deadline.due_on, "DATE_FORMAT"),
        "days": abs(days_to_due(deadline)),
    }


def _expiry_message(deadline: Any, offset: int) -> tuple[str, str]:
    from django.utils.translation import ngettext

    from reminders.recipients import days_to_due

    values = _certificate_values(deadline)
    days = days_to_due(deadline)
    if days > 0:
        title = ngettext(
            "Certificate %(number)s expires in %(days)s day",
            "Certificate %(number)s expires in %(days)s days",
            days,
        )
    else:
        title = gettext("Certificate %(number)s is valid for the last day")
    text = gettext(
        "Certificate %(number)s of %(client)s is valid until %(due)s. Recertification must be decided by then."
    )
    return title % values, text % values


def _suspension_message(deadline: Any, offset: int) -> tuple[str, str]:
    from django.conf import settings as conf

    from reminders.recipients import days_to_due

    values = {**_certificate_values(deadline), "months": conf.SUSPENSION_MAX_MONTHS}
    if days_to_due(deadline) > 0:
        title = gettext("The suspension of certificate %(number)s nears %(months)s months")
    else:
        title = gettext("Certificate %(number)s has been suspended for %(months)s months")
    text = gettext(
        "Certificate %(number)s of %(client)s is suspended; a suspension normally lasts at most %(months)s months "
        "(until %(due)s). Decide whether to reinstate it, reduce its scope or withdraw it."
    )
    return title % values, text % values


register(
    DeadlineKind(
        code="certification.certificate_expiry",
        label=gettext_lazy("Certificate expiry"),
        offsets=lambda: settings.CERTIFICATE_EXPIRY_REMINDER_OFFSETS,
        recipients=_certificate_recipients(
            statuses=("valid", "scope_reduced", "suspended"), decision_makers=False
        ),
        message=_expiry_message,
        url=page_url("certification:certificate-detail", with_subject=True),
    )
)
register(
    DeadlineKind(
        code="certification.suspension_ageing",
        label=gettext_lazy("Suspension ageing"),
        offsets=lambda: settings.SUSPENSION_REMINDER_OFFSETS,
        recipients=_certificate_recipients(statuses=("suspended",), decision_makers=True),
        message=_suspension_message,
        url=page_url("certification:certificate-detail", with_subject=True),
    )
)
# --- CertSearch: the monthly export reminder ---
# Subject: the body. Due a month after the last export or upload (`certification.services.certsearch`), since
# IAF MD 28 asks for at least monthly updates; the body's administrators are reminded on the day and a week late.


def _certsearch_message(deadline: Any, offset: int) -> tuple[str, str]:
    from django.utils import formats

    values = {"due": formats.date_format(deadline.due_on, "DATE_FORMAT")}
    if offset <= 0:
        return (
            gettext("Time to update IAF CertSearch"),
            gettext(
                "A month has passed since the certificates were last sent to IAF CertSearch (due %(due)s)."
            )
            % values,
        )
    return (
        gettext("IAF CertSearch has not been updated for more than a month"),
        gettext("The certificates were due in IAF CertSearch on %(due)s (IAF MD 28: at least monthly).")
        % values,
    )


def _certsearch_recipients(deadlines: list[Any]) -> dict[Any, list[Any]]:
    from reminders.recipients import body_admins_of

    return body_admins_of(deadlines)


register(
    DeadlineKind(
        code="certification.certsearch_update",
        label=gettext_lazy("IAF CertSearch update"),
        offsets=lambda: settings.CERTSEARCH_REMINDER_OFFSETS,
        recipients=_certsearch_recipients,
        message=_certsearch_message,
        url=page_url("certification:certsearch"),
    )
)

"""Who is told what about a body's approval and its accreditations (declared with the reminders engine).

The services call `reminders.notices.notify(kind=..., subject=..., body=..., reason=...)` inside their
transaction. Registry staff hear of a new application, an accreditation waiting for verification and a body's
reply to the review (links to the back office); the body's active administrators hear of every registry
decision, with its reason (links to the portal). The engine adds the reason after the message.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from reminders.notices import NoticeKind, admin_url, page_url, register
from reminders.recipients import body_administrators, registry_staff

from .models import Accreditation

BODY_APPLIED = "bodies.body.applied"
ACCREDITATION_AWAITING_VERIFICATION = "bodies.accreditation.awaiting_verification"
BODY_REPLIED = "bodies.body.replied"
BODY_REVIEW_STARTED = "bodies.body.review_started"
BODY_APPROVED = "bodies.body.approved"
BODY_SUSPENDED = "bodies.body.suspended"
BODY_REINSTATED = "bodies.body.reinstated"
BODY_WITHDRAWN = "bodies.body.withdrawn"
ACCREDITATION_VERIFIED = "bodies.accreditation.verified"
ACCREDITATION_REFUSED = "bodies.accreditation.refused"
#: a person's API tokens lapsed with their authority (membership ended or suspended, administrator role removed)
API_TOKENS_LAPSED = "bodies.api_tokens.lapsed"


def _accreditation_values(accreditation: Any) -> Mapping[str, Any]:
    """`accreditation`: its standard's label and certificate number (rendered in each recipient's language)."""
    return {"accreditation": str(accreditation)}


def _reply_values(subject: Any) -> Mapping[str, Any]:
    """`changed`: what the body changed, its profile or one of its accreditations."""
    if isinstance(subject, Accreditation):
        return {"changed": gettext("the accreditation %(accreditation)s") % {"accreditation": subject}}
    return {"changed": pgettext("what a body changed", "its profile")}


_body_profile = page_url("bodies:profile")
_accreditation_page = page_url("bodies:accreditation-detail", with_subject=True)


# --- to registry staff ----------------------------------------------------------------------------------------

register(
    NoticeKind(
        key=BODY_APPLIED,
        label=_("New application"),
        title=_("New application to ICR: %(body)s"),
        message=_(
            "%(body)s has applied for ICR approval. Its application waits in the approval queue for the "
            "registry to start the review."
        ),
        audience=registry_staff,
        url=admin_url,
    )
)

register(
    NoticeKind(
        key=ACCREDITATION_AWAITING_VERIFICATION,
        label=_("Accreditation to verify"),
        title=_("Accreditation to verify: %(accreditation)s (%(body)s)"),
        message=_(
            "%(body)s has recorded a new or changed accreditation, %(accreditation)s. It does not count for "
            "eligibility, the directory or the approval letter until the registry verifies it against its "
            "certificate."
        ),
        audience=registry_staff,
        url=admin_url,
        values=_accreditation_values,
    )
)

register(
    NoticeKind(
        key=BODY_REPLIED,
        label=_("Reply to the review"),
        title=_("%(body)s has replied to the registry's review"),
        message=_(
            "%(body)s changed %(changed)s while its application waits for the registry's decision. Look at "
            "the changes before deciding."
        ),
        audience=registry_staff,
        url=admin_url,
        values=_reply_values,
    )
)


# --- to the body's administrators, each with the registry's reason ----------------------------------------------

register(
    NoticeKind(
        key=BODY_REVIEW_STARTED,
        label=_("Review started"),
        title=_("ICR has started reviewing %(body)s"),
        message=_(
            "The ICR registry has started reviewing the application of %(body)s. You will be told of its "
            "decision; meanwhile keep the profile and the accreditations complete."
        ),
        audience=body_administrators,
        url=_body_profile,
    )
)

register(
    NoticeKind(
        key=BODY_APPROVED,
        label=_("Body approved"),
        title=_("%(body)s is approved by ICR"),
        message=_(
            "The ICR registry has approved %(body)s. The body is listed in the directory, and its approval "
            "letter can be downloaded from the body's profile."
        ),
        audience=body_administrators,
        url=_body_profile,
    )
)

register(
    NoticeKind(
        key=BODY_SUSPENDED,
        label=_("Approval suspended"),
        title=_("ICR has suspended the approval of %(body)s"),
        message=_(
            "The ICR registry has suspended the approval of %(body)s. While it is suspended the body is not "
            "listed as approved and cannot take on new work under ICR."
        ),
        audience=body_administrators,
        url=_body_profile,
    )
)

register(
    NoticeKind(
        key=BODY_REINSTATED,
        label=_("Approval reinstated"),
        title=_("ICR has reinstated the approval of %(body)s"),
        message=_("The ICR registry has reinstated the approval of %(body)s. The body is approved again."),
        audience=body_administrators,
        url=_body_profile,
    )
)

register(
    NoticeKind(
        key=BODY_WITHDRAWN,
        label=_("Body withdrawn"),
        title=_("ICR has withdrawn %(body)s"),
        message=_(
            "The ICR registry has withdrawn %(body)s. The body is no longer approved or under review, and its "
            "profile can no longer be changed."
        ),
        audience=body_administrators,
        url=_body_profile,
    )
)

register(
    NoticeKind(
        key=ACCREDITATION_VERIFIED,
        label=_("Accreditation verified"),
        title=_("Accreditation %(accreditation)s is verified"),
        message=_(
            "The ICR registry has verified the accreditation %(accreditation)s of %(body)s. While it is "
            "active it counts for eligibility, the directory and the approval letter."
        ),
        audience=body_administrators,
        url=_accreditation_page,
        values=_accreditation_values,
    )
)

register(
    NoticeKind(
        key=ACCREDITATION_REFUSED,
        label=_("Accreditation refused"),
        title=_("Accreditation %(accreditation)s is refused"),
        message=_(
            "The ICR registry has refused the accreditation %(accreditation)s of %(body)s. It does not count "
            "for eligibility, the directory or the approval letter. Correct it or attach the right "
            "certificate, and it will be verified again."
        ),
        audience=body_administrators,
        url=_accreditation_page,
        values=_accreditation_values,
    )
)


# --- to the body's administrators, about the body's own people ------------------------------------------------

register(
    NoticeKind(
        key=API_TOKENS_LAPSED,
        label=_("API tokens lapsed"),
        title=_("API tokens of %(body)s stopped working"),
        message=_(
            "%(person)s no longer holds the authority to keep the API tokens of %(body)s, so the tokens they "
            "created stopped working: %(tokens)s. Create new tokens on the API tokens page for the "
            "integrations that still need them."
        ),
        audience=body_administrators,
        url=page_url("bodies:tokens"),
    )
)

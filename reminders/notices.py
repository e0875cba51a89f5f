"""Notices: the one place that decides who is told what, when something happens to a record.

A capability declares its kinds of notice in `<app>/notices.py` (imported from its `ready()`):

    register(NoticeKind(
        key="bodies.body.approved",
        title=gettext_lazy("%(body)s is approved by ICR"),
        message=gettext_lazy("The registry approved %(body)s."),
        audience=body_administrators,          # from reminders.recipients
        url=lambda body: reverse("bodies:profile"),
    ))

and its services call, inside their transaction,

    notify(kind="bodies.body.approved", subject=body, body=body, reason=reason)

Each person of the kind's audience gets one notification in the notification centre, written at once with the
service's change (so nothing is told when it rolls back), and an email sent after commit. The title and the
message are rendered per recipient, in the recipient's language (`User.language`), with dates in the values
formatted for that language (and date-times in the body's time zone). A reason, when given, is shown after the
message unless the message places `%(reason)s` itself.

Values every kind may use: `body` (the body's name), `subject` (the record's name), `reason`; a kind's own
`values(subject)` and the caller's `values` add more (the caller's win). Lazy strings, dates and date-times
among them are rendered for each language.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from core.registry import Registry

from .services.notifications import notifications_insert

if TYPE_CHECKING:
    from accounts.models import User
    from bodies.models.tenants import Body

#: a kind's key is at most this long, so the notification's idempotency key fits its column
KEY_MAX_LENGTH = 80


@dataclass(frozen=True)
class Notice:
    """One occurrence being told: of which kind, about which record, for which body, and why."""

    kind: NoticeKind
    subject: Any
    body: Body | None
    reason: str = ""
    values: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class NoticeKind:
    """One kind of notice, e.g. `bodies.body.approved`."""

    #: "<app>.<entity>.<what>" (like the audit action it usually accompanies); stored as the notification's kind
    key: str
    #: lazy translatable strings with `%(name)s` placeholders, rendered per recipient
    title: Any
    message: Any
    #: the people to tell: a function of the notice (helpers in `reminders.recipients`); a constant few queries
    audience: Callable[[Notice], Iterable[User]]
    #: the page the notification links to (a path), a function of the notice's subject
    url: Callable[[Any], str]
    #: placeholders of the kind's own, from the subject; called under each recipient's language
    values: Callable[[Any], Mapping[str, Any]] | None = None
    #: a short human name of the kind (lazy translation), for lists and filters; the key when not given
    label: Any = None

    def __post_init__(self) -> None:
        if len(self.key) > KEY_MAX_LENGTH:
            raise ImproperlyConfigured(f"The notice kind key {self.key!r} is longer than {KEY_MAX_LENGTH}.")


def _unknown(key: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(
        f"Unknown notice kind {key!r}: declare it in <app>/notices.py and import that module in the app's ready()."
    )


#: every kind of notice, keyed by `key`; asking for an undeclared one is a configuration error
KINDS = Registry[NoticeKind]("notice kind", key=lambda kind: kind.key, unknown=_unknown)
register = KINDS.register
unregister = KINDS.unregister
get_kind = KINDS.get
find_kind = KINDS.find
all_kinds = KINDS.all


def page_url(viewname: str, *, with_subject: bool = False) -> Callable[[Any], str]:
    """A kind's `url`: the page `viewname` (given the subject's id when `with_subject`), or "/" where that
    page's URLs are not installed."""

    def url(subject: Any) -> str:
        try:
            return reverse(viewname, args=[subject.pk] if with_subject else None)
        except NoReverseMatch:
            return "/"

    return url


def admin_url(subject: Any) -> str:
    """A kind's `url` for registry staff: the subject's change page in the back office ("/" if it has none)."""
    meta = subject._meta
    try:
        return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[subject.pk])
    except NoReverseMatch:
        return "/"


def _zone(body: Body | None) -> ZoneInfo | None:
    name = getattr(body, "time_zone", None)
    if not name:
        return None
    try:
        return ZoneInfo(str(name))
    except (KeyError, ValueError):
        return None


def localized_value(value: Any, *, zone: ZoneInfo | None = None) -> Any:
    """One placeholder's value for the active language: dates in its date format, date-times in its date-time
    format (in `zone`, the body's time zone, when given), lazy strings translated; anything else unchanged."""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value, zone) if zone else timezone.localtime(value)
        return formats.date_format(value, "DATETIME_FORMAT")
    if isinstance(value, date):
        return formats.date_format(value, "DATE_FORMAT")
    if isinstance(value, Promise):
        return str(value)
    return value


def render_notice(notice: Notice, language: str) -> tuple[str, str]:
    """(title, message) of a notice in `language`."""
    kind = notice.kind
    with translation.override(language):
        raw: dict[str, Any] = {
            "body": str(notice.body) if notice.body is not None else "",
            "subject": str(notice.subject),
            "reason": notice.reason,
        }
        if kind.values is not None:
            raw.update(kind.values(notice.subject))
        raw.update(notice.values)
        zone = _zone(notice.body)
        values = {name: localized_value(value, zone=zone) for name, value in raw.items()}
        template = str(kind.message)
        message = template % values
        if notice.reason and "%(reason)s" not in template:
            reason = _("Reason: %(reason)s") % {"reason": notice.reason}
            message = f"{message}\n\n{reason}" if message else reason
        title = str(kind.title) % values
    return " ".join(title.split())[:300], message


def _occurrence_digest(notice: Notice, occurrence: str) -> str:
    subject = notice.subject
    identity = f"{type(subject).__module__}.{type(subject).__qualname__}:{getattr(subject, 'pk', subject)}"
    return hashlib.sha256(f"{identity}:{occurrence}".encode()).hexdigest()[:24]


def notify(
    *,
    kind: str,
    subject: Any,
    body: Body | None = None,
    reason: str = "",
    values: Mapping[str, Any] | None = None,
    key: str | None = None,
) -> int:
    """Tells the kind's audience about `subject`; returns the number of people told.

    Call it inside the service's transaction: every recipient's notification is written at once (one query
    for the audience, one insert), the emails are sent after commit, and a rollback tells nobody. Inactive
    people are never told. `key` names the occurrence for idempotency (e.g. the id of the audit event):
    notifying the same kind about the same subject with the same key again tells nobody a second time.
    Without it every call is an occurrence of its own.
    """
    notice_kind = get_kind(kind)
    notice = Notice(kind=notice_kind, subject=subject, body=body, reason=reason, values=dict(values or {}))
    digest = _occurrence_digest(notice, key if key is not None else uuid.uuid4().hex)
    url = notice_kind.url(subject)
    body_id = body.pk if body is not None else None
    texts: dict[str, tuple[str, str]] = {}
    rows: list[tuple[Any, ...]] = []
    seen: set[Any] = set()
    for user in notice_kind.audience(notice):
        if user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        language = user.language or translation.get_language() or "en"
        if language not in texts:
            texts[language] = render_notice(notice, language)
        title, message = texts[language]
        rows.append(
            (
                uuid.uuid4(),
                f"{kind}:{digest}:{user.pk}",
                user.pk,
                body_id,
                None,
                None,
                kind,
                title,
                message,
                url,
            )
        )
    created = notifications_insert(rows, timezone.now())
    if created:
        from .tasks import notification_send_email_task

        def send() -> None:
            for notification_id in created:
                notification_send_email_task.delay(str(notification_id))

        # robust: the notifications are committed; if the broker is down the email reconciler sends them later
        transaction.on_commit(send, robust=True)
    return len(created)

"""Deadlines the platform watches, and the notifications (portal + email) their reminders produce."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from core.models import TenantModel
from core.tenancy import TenantQuerySet

from .registry import find_kind


class DeadlineQuerySet(TenantQuerySet["Deadline"]):
    def open(self) -> DeadlineQuerySet:
        return self.filter(closed_at__isnull=True)

    def visible_to(self, user: Any, token: Any = None) -> DeadlineQuerySet:
        """The bodies' deadlines, narrowed by each kind's read rule for a person (a token reads its body's)."""
        visible = super().visible_to(user, token)
        return visible if token is not None else visible.readable_by(user)

    def readable_by(self, user: Any) -> DeadlineQuerySet:
        """Narrowed by each kind's read rule (`DeadlineKind.readable_by`): e.g. a person's competence expiry."""
        from .registry import readable_condition

        return self.filter(readable_condition(user))


class Deadline(TenantModel):
    """A date the platform watches for one record (its `subject`), e.g. an accreditation's expiry.

    `due_on` is a calendar date in the body's time zone; `time_zone` is copied from the body so the sweep
    needs no join. `next_reminder_on` is the date of the earliest offset that has not fired yet (null once
    every offset has fired or the deadline is closed); the sweep reads only rows whose `next_reminder_on`
    has come, through a partial index, so millions of quiet deadlines cost nothing.
    """

    kind = models.CharField(_("kind"), max_length=100)
    body = models.ForeignKey("bodies.Body", on_delete=models.CASCADE, related_name="deadlines")
    subject_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    subject_id = models.CharField(max_length=64)
    subject = GenericForeignKey("subject_type", "subject_id")
    due_on = models.DateField(_("due on"))
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    next_reminder_on = models.DateField(_("next reminder on"), null=True, blank=True)
    last_offset_fired = models.IntegerField(_("last offset fired (days)"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = DeadlineQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_type", "subject_id"], name="deadline_kind_subject_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(closed_at__isnull=True) | models.Q(next_reminder_on__isnull=True),
                name="deadline_closed_has_no_reminder",
            ),
        ]
        indexes = [
            # The sweep: `next_reminder_on <= horizon AND closed_at IS NULL ORDER BY next_reminder_on, id`.
            models.Index(
                fields=["next_reminder_on", "id"],
                condition=models.Q(next_reminder_on__isnull=False, closed_at__isnull=True),
                name="deadline_sweep",
            ),
            models.Index(fields=["body", "due_on"], name="deadline_body_due"),
            # registry staff's list (every body's deadlines) in its order; the sweep never changes due_on
            models.Index(fields=["due_on", "id"], name="deadline_due"),
        ]

    def __str__(self) -> str:
        return f"{self.kind_label}, {date_format(self.due_on)}"

    def get_absolute_url(self) -> str:
        kind = find_kind(self.kind)
        return kind.url(self) if kind else "/"

    @property
    def kind_label(self) -> str:
        kind = find_kind(self.kind)
        return str(kind.label) if kind else self.kind

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class NotificationQuerySet(TenantQuerySet["Notification"]):
    def visible_to(self, user: Any, token: Any = None) -> NotificationQuerySet:  # type: ignore[override]
        """Notifications are private to their person: not the body's, not registry staff's, not a token's."""
        if token is not None or user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(user_id=user.pk)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class NotificationEmailStatus(models.TextChoices):
    """Where a notification's email stands (module level, so the table's constraints read the choices)."""

    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped")


#: the emails the reconciler still has to send
EMAIL_OPEN = (
    NotificationEmailStatus.PENDING,
    NotificationEmailStatus.SENDING,
    NotificationEmailStatus.FAILED,
)


class Notification(models.Model):
    """One message to one person in the notification centre, also sent by email.

    `key` is the idempotency key (for a reminder: deadline, due date, offset and person), unique in the
    database, so a second sweep or two concurrent schedulers never notify anyone twice.
    """

    EmailStatus = NotificationEmailStatus

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    key = models.CharField(max_length=160, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    body = models.ForeignKey(
        "bodies.Body", null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    deadline = models.ForeignKey(
        Deadline, null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )
    offset_days = models.IntegerField(null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=100)
    title = models.CharField(_("title"), max_length=300)
    message = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    email_status = models.CharField(
        _("email status"), max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("email attempts"), default=0)
    last_error = models.TextField(blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(email_status__in=NotificationEmailStatus.values),
                name="notification_email_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_user_read"),
            models.Index(fields=["user", "-created_at"], name="notification_user_created"),
            # The email reconciler reads only the few rows still to send.
            models.Index(
                fields=["created_at"],
                condition=models.Q(email_status__in=[str(status) for status in EMAIL_OPEN]),
                name="notification_email_open",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def kind_label(self) -> str:
        """The human name of the notification's kind: its deadline kind's or its notice kind's label."""
        from .notices import find_kind as find_notice_kind

        deadline_kind = find_kind(self.kind)
        if deadline_kind is not None:
            return str(deadline_kind.label)
        notice_kind = find_notice_kind(self.kind)
        if notice_kind is not None and notice_kind.label is not None:
            return str(notice_kind.label)
        return self.kind

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

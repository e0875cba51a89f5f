"""Writes of the reminders engine: watching deadlines (`deadlines`), sweeping them into notifications
(`sweep`), a person's notifications (`notifications`, whose `notifications_insert` is the one writer the sweep
and `reminders.notices.notify` share) and sending their emails (`emails`). A capability tells people of an
event through `reminders.notices.notify`, never by writing notifications itself.

Schedule rules (one rule, applied everywhere):

* A deadline reminds at `due_on + offset` for each offset of its kind, judged by the calendar date in the
  body's own time zone.
* When several offsets are due at once (the deadline was created or moved late, or the sweep was down for
  a while), only the **latest** of them fires; the earlier ones are skipped, not sent as a burst of stale
  reminders. So creating a deadline 10 days before its due date sends the -30 reminder at the next sweep
  and the 0 reminder on the day, but never the -90 one.
* Moving the due date restarts the schedule for the new date (the same rule then applies); reopening a
  closed deadline with the same due date continues where it stopped (nothing is repeated).

Deadlines and notifications are derived bookkeeping, not regulated records: the capability that owns the
subject (e.g. an accreditation) records its own change in the audit trail in the same transaction, and the
notification rows are themselves the record of who was reminded of what and when.
"""

from .deadlines import deadline_close, deadline_upsert, deadlines_body_time_zone_changed
from .emails import EMAIL_MAX_ATTEMPTS, EmailRunResult, notification_send_email, notifications_send_pending
from .notifications import (
    notification_create,
    notification_mark_read,
    notifications_insert,
    notifications_mark_all_read,
)
from .sweep import MAX_UTC_OFFSET, SweepResult, deadlines_sweep

__all__ = [
    "EMAIL_MAX_ATTEMPTS",
    "MAX_UTC_OFFSET",
    "EmailRunResult",
    "SweepResult",
    "deadline_close",
    "deadline_upsert",
    "deadlines_body_time_zone_changed",
    "deadlines_sweep",
    "notification_create",
    "notification_mark_read",
    "notification_send_email",
    "notifications_insert",
    "notifications_mark_all_read",
    "notifications_send_pending",
]

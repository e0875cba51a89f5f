"""Deadline kinds of this capability (declared with the reminders engine)."""

"""Demo data for `./run.sh`: each capability's part (`demo/contributors/`), run in order in one transaction.

Everything is created through the services, so the audit trail, deadlines, notifications and approval letters
are real. Running it again changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import User

from ...contributors.bodies import STAFF
from ...registry import PASSWORD, DemoContext, all_contributors


class Command(BaseCommand):
    help = "Loads realistic demo data (idempotent) and prints the demo logins."

    def handle(self, *args: Any, **options: Any) -> None:
        # The registry staff account is the first thing the demo creates: its presence means "already loaded".
        if User.objects.filter(email=STAFF[0]).exists():
            self.stdout.write("Demo data already loaded.")
        else:
            self._load()
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self._print_logins()

    @transaction.atomic
    def _load(self) -> None:
        context = DemoContext(today=timezone.localdate())
        for contributor in all_contributors():
            contributor.load(context)

    def _print_logins(self) -> None:
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {PASSWORD})")
        for contributor in all_contributors():
            if contributor.logins is not None:
                for email, what in contributor.logins():
                    self.stdout.write(f"  {email:<42} {what}".rstrip())

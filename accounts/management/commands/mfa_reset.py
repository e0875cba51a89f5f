"""`manage.py mfa_reset EMAIL --reason "..."`: removes a person's two-step login when they lost both the phone
and the recovery codes (after the registry checked who they are). Audited as the platform, the person emailed."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.mfa.services import mfa_reset
from accounts.models import User


class Command(BaseCommand):
    help = "Removes a person's authenticator app and recovery codes (a lost phone), with the reason."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--reason", required=True, help="how the person's identity was checked")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email__iexact=options["email"].strip()).first()
        if user is None:
            raise CommandError(f"No account has the email address {options['email']}.")
        try:
            mfa_reset(user=user, reason=options["reason"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"Two-step login removed for {user.email}."))

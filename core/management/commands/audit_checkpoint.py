import base64
import os

from django.core.management.base import BaseCommand

from core.audit_checkpoints import checkpoint_write, public_key_text, signing_key


class Command(BaseCommand):
    help = (
        "Writes a signed checkpoint of every audit chain's head to the audit_checkpoints storage "
        "(AUDIT_CHECKPOINT_DIR); ship those files off the host."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument(
            "--public-key", action="store_true", help="print the public key that verifies the checkpoints"
        )
        parser.add_argument(
            "--new-key", action="store_true", help="print a new random AUDIT_CHECKPOINT_KEY and write nothing"
        )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        if options["new_key"]:
            self.stdout.write(base64.b64encode(os.urandom(32)).decode())
            return
        if options["public_key"]:
            self.stdout.write(public_key_text(signing_key().public_key()))
            return
        name = checkpoint_write()
        self.stdout.write(self.style.SUCCESS(f"Checkpoint written: {name}"))

from django.core.management.base import BaseCommand, CommandError

from core.audit import audit_verify_all, audit_verify_chain


class Command(BaseCommand):
    help = "Verifies the hash chain of the audit trail (every chain, or one body's)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--chain", help="a body id, or 'registry'")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        reports = [audit_verify_chain(options["chain"])] if options["chain"] else audit_verify_all()
        broken = [r for r in reports if not r.ok]
        for report in reports:
            status = "ok" if report.ok else f"BROKEN: {report.problem}"
            self.stdout.write(f"{report.chain}: {report.events} events, {status}")
        if broken:
            raise CommandError(f"{len(broken)} chain(s) failed verification.")
        self.stdout.write(self.style.SUCCESS(f"{len(reports)} chain(s) verified."))

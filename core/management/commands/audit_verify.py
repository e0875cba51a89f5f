from django.core.management.base import BaseCommand, CommandError

from core.audit import TrailReport, audit_verify_all, audit_verify_chain


class Command(BaseCommand):
    help = (
        "Verifies the audit trail: every chain's hashes with the chain key, its head, and every signed checkpoint "
        "(a chain deleted or cut short since a checkpoint is reported). Exits non-zero listing the problems."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--chain", help="one chain only: a body id, or 'registry' (checkpoints not read)")
        parser.add_argument(
            "--no-checkpoints", action="store_true", help="do not compare the chains with the checkpoints"
        )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        if options["chain"]:
            report = TrailReport(chains=[audit_verify_chain(options["chain"])])
        else:
            report = audit_verify_all(checkpoints=not options["no_checkpoints"])
        for chain in report.chains:
            status = "ok" if chain.ok else f"BROKEN: {chain.problem}"
            self.stdout.write(f"{chain.chain}: {chain.events} events, {status}")
        for problem in report.checkpoint_problems:
            self.stdout.write(f"BROKEN: {problem}")
        if not report.ok:
            listing = "\n".join(f"  - {problem}" for problem in report.problems)
            raise CommandError(f"{len(report.problems)} problem(s) found in the audit trail:\n{listing}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(report.chains)} chain(s) verified against {report.checkpoints} checkpoint(s)."
            )
        )

"""Check the pre-aggregated seizure totals against the reports; ``--rebuild`` recomputes them.

Exits 1 when the totals drift from the reports (each differing cell is printed), 0 when they
agree (or after a rebuild)."""

from django.core.management.base import BaseCommand, CommandError

from seizures.totals import totals_drift, totals_rebuild


class Command(BaseCommand):
    help = "Check the pre-aggregated seizure totals against the reports (exit 1 on drift)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--rebuild", action="store_true", help="Recompute the totals from the reports."
        )
        parser.add_argument("--limit", type=int, default=20, help="Differing cells to print.")

    def handle(self, *args, rebuild=False, limit=20, **options):
        if rebuild:
            months, routes = totals_rebuild()
            self.stdout.write(f"Rebuilt: {months} month cells, {routes} route cells.")
            return
        problems = totals_drift()
        if problems:
            for line in problems[:limit]:
                self.stderr.write(line)
            raise CommandError(
                f"{len(problems)} cells of the seizure totals differ from the reports; "
                "run `manage.py seizure_totals_check --rebuild`."
            )
        self.stdout.write("The seizure totals agree with the reports.")

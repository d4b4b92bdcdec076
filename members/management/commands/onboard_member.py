from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from members import services


class Command(BaseCommand):
    help = (
        "Onboard a new member country: its administration, role groups and first focal points, "
        "who are emailed an invitation to set their password."
    )

    def add_arguments(self, parser):
        parser.add_argument("--code", required=True, help="ISO 3166-1 alpha-2 code, e.g. AZ.")
        parser.add_argument("--name", required=True, help="Country name.")
        parser.add_argument(
            "--administration", required=True, help="Official name of the customs administration."
        )
        parser.add_argument(
            "--joined-on", required=True, help="Accession to the IREN memorandum (YYYY-MM-DD)."
        )
        parser.add_argument(
            "--focal-point",
            action="append",
            default=[],
            dest="focal_points",
            metavar='"Name <email>"',
            help="A first focal point; repeat the option for more.",
        )
        parser.add_argument(
            "--base-url", default=None, help="Portal address used in the invitation links."
        )

    def handle(self, *args, code, name, administration, joined_on, focal_points, base_url, **kw):
        errors: list[str] = []
        try:
            joined = date.fromisoformat(joined_on)
        except ValueError:
            joined = None
            errors.append(f"--joined-on: “{joined_on}” is not a date of the form YYYY-MM-DD.")
        parsed = []
        for text in focal_points:
            try:
                parsed.append(services.FocalPoint.parse(text))
            except ValidationError as error:
                errors.append(f"--focal-point: {' '.join(error.messages)}")
        try:
            if errors:
                # Still validate the rest so that every problem is reported at once.
                services.member_onboard_validate(
                    code=code,
                    name=name,
                    administration=administration,
                    joined_on=joined or date.min,
                    focal_points=parsed,
                )
            else:
                member = services.member_onboard(
                    code=code,
                    name=name,
                    administration=administration,
                    joined_on=joined,
                    focal_points=parsed,
                    base_url=base_url,
                )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                option = "--" + field.replace("_", "-").removesuffix("s")
                errors.extend(f"{option}: {m}" for m in messages)
        if errors:
            raise CommandError("Nothing was created:\n" + "\n".join(f"  {e}" for e in errors))
        self.stdout.write(
            self.style.SUCCESS(
                f"Onboarded {member.name} ({member.code}) with {len(parsed)} focal point(s); "
                "invitations sent."
            )
        )

"""django-axes' ``axes_reset_username``, recording each unlock in the audit trail.

Same arguments and output as the original; the accounts app comes before axes in
INSTALLED_APPS so that this one is the command Django runs."""

from axes.management.commands.axes_reset_username import Command as AxesCommand

from accounts import services


class Command(AxesCommand):
    def handle(self, *args, **options):
        count = 0
        for username in options["username"]:
            count += services.username_unlock(username=username)
        if count:
            self.stdout.write(f"{count} attempts removed.")
        else:
            self.stdout.write("No attempts found.")

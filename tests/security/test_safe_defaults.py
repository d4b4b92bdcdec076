"""Finding 13: with nothing set, DEBUG is off and the portal refuses to start without
SECRET_KEY, with a clear message. The development commands set what they need."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PORTAL_VARIABLES = ("SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE")


def clean_env(**extra):
    """The environment with none of the portal's settings, and no .env to read."""
    env = {k: v for k, v in os.environ.items() if k not in PORTAL_VARIABLES}
    env.update(extra)
    return env


def run(code, **extra):
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean_env(**extra),
        capture_output=True,
        text=True,
        timeout=120,
    )


SETUP = (
    "import os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'ireN.settings');"
    "import django; django.setup(); from django.conf import settings;"
)


def no_dotenv_sets_them():
    dotenv = ROOT / ".env"
    if not dotenv.exists():
        return True
    names = {line.split("=", 1)[0].strip() for line in dotenv.read_text().splitlines()}
    return not names & {"SECRET_KEY", "DEBUG"}


def test_without_secret_key_the_portal_refuses_to_start_with_a_clear_message():
    assert no_dotenv_sets_them(), "a .env beside manage.py sets SECRET_KEY or DEBUG"
    result = run(SETUP + "print(settings.DEBUG)")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY is not set" in result.stderr


def test_manage_py_check_refuses_to_start_too():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_with_only_a_secret_key_debug_is_off():
    assert no_dotenv_sets_them()
    result = run(SETUP + "print('DEBUG', settings.DEBUG)", SECRET_KEY="a" * 50)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "DEBUG False"


def test_debug_is_on_only_when_asked():
    result = run(SETUP + "print('DEBUG', settings.DEBUG)", SECRET_KEY="a" * 50, DEBUG="1")
    assert result.stdout.strip() == "DEBUG True"


def test_make_run_sets_debug_and_a_generated_key():
    makefile = (ROOT / "Makefile").read_text()
    assert "var/dev-secret-key" in makefile
    assert 'DEBUG="$${DEBUG:-1}"' in makefile
    dry_run = subprocess.run(
        ["make", "-n", "run"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert dry_run.returncode == 0, dry_run.stderr
    assert "SECRET_KEY=" in dry_run.stdout and "manage.py runserver" in dry_run.stdout


def test_var_is_ignored_by_git():
    assert "var/" in (ROOT / ".gitignore").read_text().split()

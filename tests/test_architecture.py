"""The house rules that keep each app in its room: dependencies point one way, down the
layers ireN -> ops -> targeting -> arrivals -> seizures -> exchange -> matching -> accounts ->
alerts -> members -> core (the contract lives in pyproject.toml, [tool.importlinter])."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _lint_imports(*args):
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from importlinter.cli import lint_imports_command;"
            " sys.exit(lint_imports_command())",
            *args,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_members_imports_neither_exchange_nor_seizures_and_exchange_not_seizures():
    result = _lint_imports()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_the_import_contract_catches_a_reverse_import(tmp_path):
    """The check can fail: a copy of the config whose layers are reversed must break."""
    config = (ROOT / "pyproject.toml").read_text()
    order = [
        "ireN",
        "ops",
        "targeting",
        "arrivals",
        "seizures",
        "exchange",
        "matching",
        "accounts",
        "alerts",
        "members",
    ]
    layers = ", ".join(f'"{name}"' for name in [*order, "core"])
    reversed_layers = ", ".join(f'"{name}"' for name in ["core", *reversed(order)])
    reversed_config = config.replace(f"layers = [{layers}]", f"layers = [{reversed_layers}]")
    assert reversed_config != config
    path = tmp_path / "reversed.toml"
    path.write_text(reversed_config)
    result = _lint_imports("--config", str(path))
    assert result.returncode != 0
    assert "BROKEN" in result.stdout

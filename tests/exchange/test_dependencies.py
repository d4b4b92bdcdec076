"""Dependencies point one way (seizures → exchange → members): no module of the exchange app
imports the seizures app, at the top or inside a function. Seizures adds to the exchange
through its extension points (``exchange.panels``)."""

import ast
from pathlib import Path

import exchange

EXCHANGE = Path(exchange.__file__).parent


def _imported_modules(path: Path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module
        elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "__import__":
            if node.args and isinstance(node.args[0], ast.Constant):
                yield str(node.args[0].value)


def test_exchange_imports_nothing_from_seizures():
    offenders = {
        f"{path.relative_to(EXCHANGE.parent)}: {module}"
        for path in EXCHANGE.rglob("*.py")
        for module in _imported_modules(path)
        if module == "seizures" or module.startswith("seizures.")
    }
    assert offenders == set()


def test_the_check_sees_an_import_when_there_is_one(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from seizures.models import SeizureReport\n")
    assert "seizures.models" in set(_imported_modules(sample))

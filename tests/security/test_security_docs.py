"""docs/SECURITY.md stays true: every test its findings index names exists, every setting it
names is read in ireN/settings.py, and every security setting read there is documented."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "SECURITY.md").read_text()
SETTINGS = (ROOT / "ireN" / "settings.py").read_text()

#: Environment variables read in settings.py that belong to security (by name).
SECURITY_NAMES = re.compile(
    r"^(SECRET_KEY|DEBUG|ALLOWED_HOSTS|CSRF_|SECURE_|SESSION_|CSP_|AXES_|API_TOKEN|API_USER|"
    r"API_NUM|TRUSTED_PROXY|TWO_FACTOR|OTP_|INVITATION_|METRICS_ALLOWED|SEIZURES_IMPORT_MAX_BYTES|"
    r"SEIZURES_IMPORT_XLSX_|"
    r"EXCHANGE_ATTACHMENT_MAX_BYTES|AUDIT_)"
)


def environment_names() -> set[str]:
    return set(re.findall(r"env(?:\.\w+)?\(\s*\"([A-Z][A-Z0-9_]+)\"", SETTINGS))


def documented_settings() -> set[str]:
    section = DOC[DOC.index("## Settings") : DOC.index("## How to")]
    return set(re.findall(r"`([A-Z][A-Z0-9_]{2,})`", section))


def indexed_tests() -> list[tuple[str, str]]:
    section = DOC[: DOC.index("## The model")]
    found = []
    for row in re.findall(r"^\| \d+ \|.*$", section, flags=re.M):
        current = None
        for ref in re.findall(r"`([\w/.]*?)::(\w+)`", row):
            current = ref[0] or current
            found.append((current, ref[1]))
    return found


def test_every_test_the_findings_index_names_exists():
    refs = indexed_tests()
    numbers = re.findall(r"^\| (\d+) \|", DOC[: DOC.index("## The model")], flags=re.M)
    assert numbers == [str(n) for n in range(1, 14)]
    assert len(refs) >= 13
    for path, name in refs:
        module = ROOT / "tests" / "security" / path
        assert module.exists(), path
        functions = {
            node.name
            for node in ast.walk(ast.parse(module.read_text()))
            if isinstance(node, ast.FunctionDef)
        }
        assert name in functions, f"{path}::{name}"


def test_every_documented_setting_is_read_in_the_settings():
    read = environment_names()
    fixed = set(re.findall(r"^([A-Z][A-Z0-9_]+) =", SETTINGS, flags=re.M))
    missing = {name for name in documented_settings() if name not in read | fixed}
    assert not missing, f"documented but not in ireN/settings.py: {sorted(missing)}"


def test_every_security_setting_of_the_settings_is_documented():
    security = {name for name in environment_names() if SECURITY_NAMES.match(name)}
    assert {"AXES_FAILURE_LIMIT", "TWO_FACTOR_ROLES", "SECRET_KEY"} <= security
    undocumented = security - documented_settings()
    assert not undocumented, f"read in ireN/settings.py, not in docs/SECURITY.md: {undocumented}"


def test_the_readme_links_to_security_docs_that_exist():
    readme = (ROOT / "README.md").read_text()
    for target in re.findall(r"docs/[\w-]+\.md", readme):
        assert (ROOT / target).exists(), target

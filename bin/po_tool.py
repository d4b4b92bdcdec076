#!/usr/bin/env python3
"""Helpers for keeping the Russian catalogue complete (run after `make messages`).

    bin/po_tool.py stats                 # translated / fuzzy / untranslated counts
    bin/po_tool.py todo [--start N] [--count M]
                                         # untranslated and fuzzy entries as JSON, in chunks
    bin/po_tool.py apply FILE.json       # write reviewed translations, clear their fuzzy flag

FILE.json maps a msgid (prefixed by "context\\u0004" when the entry has a msgctxt) to its
msgstr, or to a list of the three Russian plural forms. Only entries named in the file are
touched; a fuzzy flag is removed only from an entry given a translation there, i.e. one a
person has checked. Nothing here translates by itself.
"""

import argparse
import json
import sys
from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "locale" / "ru" / "LC_MESSAGES" / "django.po"


def _key(entry):
    return f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid


def _todo(po):
    return [e for e in po if not e.obsolete and (e.fuzzy or not e.translated())]


def cmd_stats(po, _args):
    todo = _todo(po)
    fuzzy = sum(1 for e in todo if e.fuzzy)
    done = len(po.translated_entries())
    print(f"translated={done} fuzzy={fuzzy} untranslated={len(todo) - fuzzy}")


def cmd_todo(po, args):
    rows = []
    for e in _todo(po)[args.start : args.start + args.count]:
        row = {"key": _key(e), "where": [f"{f}:{n}" for f, n in e.occurrences[:2]]}
        if e.msgid_plural:
            row["plural"] = e.msgid_plural
        if e.fuzzy:
            row["fuzzy_was"] = e.previous_msgid or ""
            row["fuzzy_str"] = e.msgstr_plural or e.msgstr
        rows.append(row)
    json.dump(rows, sys.stdout, ensure_ascii=False, indent=1)
    print()


def cmd_apply(po, args):
    given = json.loads(Path(args.file).read_text(encoding="utf-8"))
    by_key = {_key(e): e for e in po if not e.obsolete}
    missing = [k for k in given if k not in by_key]
    if missing:
        sys.exit(f"not in the catalogue: {missing!r}")
    for key, value in given.items():
        entry = by_key[key]
        if entry.msgid_plural:
            if not (isinstance(value, list) and len(value) == 3):
                sys.exit(f"{key!r}: a plural entry needs a list of 3 forms")
            entry.msgstr_plural = dict(enumerate(value))
        else:
            if not isinstance(value, str):
                sys.exit(f"{key!r}: a singular entry needs a string")
            entry.msgstr = value
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
    po.save()
    print(f"applied {len(given)} entries")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("stats")
    todo = sub.add_parser("todo")
    todo.add_argument("--start", type=int, default=0)
    todo.add_argument("--count", type=int, default=40)
    apply = sub.add_parser("apply")
    apply.add_argument("file")
    args = parser.parse_args()
    po = polib.pofile(str(PO), wrapwidth=79)
    {"stats": cmd_stats, "todo": cmd_todo, "apply": cmd_apply}[args.cmd](po, args)


if __name__ == "__main__":
    main()

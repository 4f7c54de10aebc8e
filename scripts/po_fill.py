"""Fill the catalogs' empty translations from a JSON file, or list what is missing.

Usage:
    .venv/bin/python scripts/po_fill.py translations.json   # fill
    .venv/bin/python scripts/po_fill.py --missing           # list untranslated per language

The JSON maps a msgid to its translations per language:
    {"Save": {"de": "Speichern", "ar": "حفظ", ...}}
A plural entry is keyed "singular|plural" and holds a list of forms per language
(as many as the language's Plural-Forms header asks for).
Existing translations are kept unless --overwrite is given. The catalogs are
written back the way `make translations-update` writes them, so a fill adds no
unrelated diff.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po
from babel.messages.pofile import write_po

ROOT = Path(__file__).resolve().parent.parent / "web" / "translations"


def catalogs() -> list[Path]:
    """The catalogs of every language."""
    return sorted(ROOT.glob("*/LC_MESSAGES/messages.po"))


def load(path: Path):  # type: ignore[no-untyped-def]
    """Read one catalog."""
    with path.open("rb") as handle:
        return read_po(handle, locale=path.parent.parent.name)


def save(path: Path, catalog) -> None:  # type: ignore[no-untyped-def]
    """Write a catalog back as translations-update would."""
    with path.open("wb") as handle:
        write_po(handle, catalog, sort_by_file=True, include_lineno=False, width=76)


def untranslated(message) -> bool:  # type: ignore[no-untyped-def]
    """Whether a message still lacks a translation (any plural form)."""
    if not message.id:
        return False
    if isinstance(message.string, (list, tuple)):
        return not all(message.string)
    return not message.string


def missing() -> int:
    """Print what each language lacks; 1 if anything does."""
    total = 0
    for path in catalogs():
        catalog = load(path)
        ids = [m.id for m in catalog if untranslated(m)]
        total += len(ids)
        print(f"{path.parent.parent.name}: {len(ids)} missing")
        for msgid in ids[:50]:
            print("   ", msgid if isinstance(msgid, str) else "|".join(msgid))
    return 1 if total else 0


def fill(source: Path, overwrite: bool) -> int:
    """Fill empty translations from the JSON table."""
    table: dict[str, dict[str, object]] = json.loads(source.read_text(encoding="utf-8"))
    for path in catalogs():
        language = path.parent.parent.name
        catalog = load(path)
        changed = 0
        for message in catalog:
            if not message.id:
                continue
            key = message.id if isinstance(message.id, str) else "|".join(message.id)
            entry = table.get(key)
            if not entry or language not in entry:
                continue
            if not overwrite and not untranslated(message):
                continue
            value = entry[language]
            if isinstance(message.id, (list, tuple)):
                forms = value if isinstance(value, list) else [value]
                needed = catalog.num_plurals
                forms = (list(forms) + [forms[-1]] * needed)[:needed]
                message.string = tuple(forms)
            else:
                message.string = value if isinstance(value, str) else value[0]
            if "fuzzy" in message.flags:
                message.flags.discard("fuzzy")
            changed += 1
        save(path, catalog)
        print(f"{language}: {changed} filled")
    return 0


if __name__ == "__main__":
    args = sys.argv[1:]
    if args == ["--missing"]:
        raise SystemExit(missing())
    overwrite = "--overwrite" in args
    files = [a for a in args if not a.startswith("--")]
    if len(files) != 1:
        raise SystemExit(__doc__)
    raise SystemExit(fill(Path(files[0]), overwrite))

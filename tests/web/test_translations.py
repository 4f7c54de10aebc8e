"""Every text marked for translation is in every catalog, translated.

The same extraction as ``make translations-update`` runs over the source; a
text missing from a catalog means that step was skipped, an empty or fuzzy
``msgstr`` that a language still lacks its translation.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from web.config import DefaultConfig
from web.i18n import LANGUAGE_NAMES

ROOT = Path(__file__).resolve().parents[2]
CATALOGS = ROOT / "web" / "translations"


def catalog(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


@pytest.fixture(scope="module")
def marked_texts(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """The msgids ``make translations-update`` would extract from the source now."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    args = ["pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg")]
    args += ["-k", "N_", "-k", "lazy_gettext", "-k", "_l", "-o", str(pot), "--no-location"]
    CommandLineInterface().run([*args, str(ROOT)])
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalog(pot) if m.id}


def test_every_language_has_a_catalog_and_its_own_name() -> None:
    found = {p.parent.parent.name for p in CATALOGS.glob("*/LC_MESSAGES/messages.po")}
    assert found == set(DefaultConfig.LANGUAGES)
    assert set(LANGUAGE_NAMES) == set(DefaultConfig.LANGUAGES)
    assert set(DefaultConfig.RTL_LANGUAGES) <= set(DefaultConfig.LANGUAGES)


@pytest.mark.parametrize("language", DefaultConfig.LANGUAGES)
def test_every_marked_text_is_translated(language: str, marked_texts: set[str]) -> None:
    messages = {
        m.id if isinstance(m.id, str) else m.id[0]: m
        for m in catalog(CATALOGS / language / "LC_MESSAGES" / "messages.po")
        if m.id
    }
    assert sorted(marked_texts - set(messages)) == [], "run make translations-update"
    untranslated = sorted(
        text
        for text in marked_texts
        if messages[text].fuzzy
        or not (
            all(messages[text].string)
            if isinstance(messages[text].string, tuple)
            else messages[text].string
        )
    )
    assert untranslated == [], f"fill these msgstr in {language}"

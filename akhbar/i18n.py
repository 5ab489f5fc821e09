"""The language akhbar speaks to its user: English, or Arabic from gettext catalogs.

Every message the command line, the preview server and the problems print is written in English
in the code and marked for translation: `_("…")` for a sentence, `count(n, "{n} thing", "{n} things")`
(akhbar.messages) for a counted phrase (gettext's ngettext, with the language's plural rule),
`N_("…")` for a constant translated where it is used. Placeholders are named (`{path}`), never
positional, so a translation may move them. `make messages` extracts the marked messages into
akhbar/locale/akhbar.pot and updates the Arabic catalog, akhbar/locale/ar/LC_MESSAGES/akhbar.po.

The catalog ships as its .po text and is compiled in memory the first time Arabic is asked for
(no binary in git to fall out of step with the text). The language is one setting per process,
chosen by the command line (`--lang`, else the POSIX locale variables); forked worker processes
inherit it. Messages are translated when they are made, so anything that keeps messages between
builds (the parse cache, the last build's summary) keys them by language.
"""

from __future__ import annotations

import gettext
import io
import os
from collections.abc import Mapping
from functools import cache
from pathlib import Path

LANGUAGES = ("en", "ar")
DOMAIN = "akhbar"
LOCALE_DIR = Path(__file__).parent / "locale"
_current = {"language": "en"}


def language() -> str:
    """The language messages are made in now: 'en' or 'ar'."""
    return _current["language"]


def set_language(lang: str) -> None:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; akhbar speaks {', '.join(LANGUAGES)}")
    _current["language"] = lang


def from_environment(environ: Mapping[str, str] | None = None) -> str:
    """The language the POSIX locale variables ask for: the first of LC_ALL, LC_MESSAGES and LANG
    that is set and not empty decides; one starting with 'ar' (ar, ar_SY.UTF-8) is Arabic, any
    other (C, en_US.UTF-8, fr_FR) English."""
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:
            return "ar" if value.lower().startswith("ar") else "en"
    return "en"


def catalog_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The catalog for `lang`, compiled from its .po in memory; English is the code's own text."""
    if lang == "en":
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with open(catalog_path(lang), "rb") as handle:
        catalog = read_po(handle, locale=lang, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def _(message: str) -> str:
    """`message` in the current language."""
    return translations(_current["language"]).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a counted message for `n` in the current language (English: one and other;
    Arabic: zero, one, two, few, many and other, by CLDR's rule)."""
    return translations(_current["language"]).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks `message` for the catalog without translating it (a constant, translated where used)."""
    return message


def is_arabic() -> bool:
    return _current["language"] == "ar"

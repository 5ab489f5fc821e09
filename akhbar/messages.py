"""Counted phrases: the one place where a message's plural form is chosen.

Every message that counts something says so through `count`, with the whole phrase and a named
placeholder (`"{n} warning"`, `"{n} warnings"`), never a noun glued to a number. `count` is gettext's
`ngettext` in the current language (akhbar.i18n): English has two forms, Arabic six (CLDR's zero,
one, two, few, many and other), which the Arabic catalog spells out; a form may leave out `{n}`
where Arabic says the number in the word ("مقالة واحدة", "مقالتان").
"""

from __future__ import annotations

from .i18n import ngettext


def count(n: int, one: str, other: str, **fields: object) -> str:
    """The phrase for `n` things in the current language, with `{n}` and any other named fields filled in."""
    return ngettext(one, other, n).format(n=n, **fields)


def Nn_(one: str, other: str) -> tuple[str, str]:
    """Marks a counted phrase's two English forms for the catalog; `count(n, *pair)` translates it."""
    return one, other


def articles(n: int) -> str:
    return count(n, "{n} article", "{n} articles")


def pages(n: int) -> str:
    return count(n, "{n} page", "{n} pages")


def unresolved(n: int) -> str:
    return count(n, '{n} unresolved "see also" entry', '{n} unresolved "see also" entries')


def warnings(n: int) -> str:
    return count(n, "{n} warning", "{n} warnings")

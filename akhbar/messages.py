"""Counted phrases: the one place where a message's plural form is chosen.

Every message that counts something says so through `count` (English) or `count_ar` (Arabic),
with the whole phrase and a named placeholder (`"{n} warning"`, `"{n} warnings"`), never a noun
glued to a number. Translating the command line later means wrapping `count` in gettext's
`ngettext`, which takes the same arguments.
"""

from __future__ import annotations

from functools import lru_cache


def count(n: int, one: str, other: str, **fields: object) -> str:
    """`one` when n is 1, else `other`, with `{n}` and any other named fields filled in."""
    return (one if n == 1 else other).format(n=n, **fields)


@lru_cache(maxsize=1)
def _arabic_rule():  # type: ignore[no-untyped-def]
    from babel import Locale

    return Locale.parse("ar").plural_form


def count_ar(n: int, forms: dict[str, str]) -> str:
    """The Arabic phrase for `n` things: `forms` maps CLDR's categories (zero, one, two, few,
    many, other) to phrases with `{n}`; a missing category falls back to `other`."""
    category = _arabic_rule()(n)
    return forms.get(category, forms["other"]).format(n=n)


def articles(n: int) -> str:
    return count(n, "{n} article", "{n} articles")


def pages(n: int) -> str:
    return count(n, "{n} page", "{n} pages")


def unresolved(n: int) -> str:
    return count(n, '{n} unresolved "see also" entry', '{n} unresolved "see also" entries')


def warnings(n: int) -> str:
    return count(n, "{n} warning", "{n} warnings")

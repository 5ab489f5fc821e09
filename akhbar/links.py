"""Resolve "see also" entries to articles and collect backlinks, over lookup tables (no pairwise scans)."""

from __future__ import annotations

import bisect
import difflib
import functools
import heapq
import posixpath
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from .arabic import headline_key
from .content import Article, SeeAlso, as_datetime
from .i18n import N_, _, language
from .messages import count
from .problems import Level, Problem, Problems, shown


@dataclass(frozen=True)
class Unresolved:
    """A "see also" entry that names no article, with the closest headlines or slugs there are."""

    article: Article
    entry: SeeAlso
    suggestions: tuple[str, ...] = ()

    @property
    def message(self) -> str:
        return _(NO_ARTICLE[_kind(self.entry.text)]).format(text=self.entry.text)

    @property
    def hint(self) -> str:
        if not self.suggestions:
            return ""
        from babel.lists import format_list

        names = format_list([f"«{s}»" for s in self.suggestions], style="or", locale=language())
        return _("did you mean {names}?").format(names=names)

    def format(self) -> str:
        """`path:line: no article has the headline «…» (did you mean «…»?)`."""
        hint = f" ({self.hint})" if self.hint else ""
        return shown(f"{self.article.path}:{self.entry.line}: {self.message}{hint}")

    def problem(self) -> Problem:
        """The same, as a warning (for --strict, which fails on it)."""
        return Problem(self.article.path, self.entry.line, self.message, Level.WARNING, self.hint)


def _is_address(text: str) -> bool:
    return bool(re.match(r"^(https?:)?//|^/|^[^\s/]+/", text)) and " " not in text


def _is_slug(text: str) -> bool:
    return bool(_SLUG_LIKE.match(text)) and not text.isdigit()


_SLUG_LIKE = re.compile(r"^[\w.]+(?:[-_][\w.]+)+$|^[A-Za-z0-9._-]+$")


NO_ARTICLE = {"address": N_("no article has the address «{text}»"), "slug": N_("no article has the slug «{text}»"),
              "headline": N_("no article has the headline «{text}»")}


def _kind(text: str) -> str:
    return "address" if _is_address(text) else "slug" if _is_slug(text) else "headline"


class LinkIndex:
    """Lookup tables from slugs, addresses and normalised headlines to articles."""

    def __init__(self, articles: Iterable[Article]):
        self.by_slug: dict[str, Article] = {}
        self.by_address: dict[str, Article] = {}
        self.by_headline: dict[str, list[Article]] = defaultdict(list)
        for article in articles:
            self.by_slug.setdefault(article.slug, article)
            if article.source_url:
                self.by_address.setdefault(_address_key(article.source_url), article)
            self.by_headline[headline_key(article.title)].append(article)

    def candidates(self, entry: SeeAlso) -> list[Article]:
        """Articles the entry may name, most specific way first."""
        text = entry.text
        if _is_address(text):
            found = self.by_address.get(_address_key(text))
            if found:
                return [found]
            slug = _last_segment(text)
            return [self.by_slug[slug]] if slug in self.by_slug else []
        if text in self.by_slug and " " not in text:
            return [self.by_slug[text]]
        return list(self.by_headline.get(headline_key(text), ()))


def _address_key(url: str) -> str:
    parts = urlsplit(url.strip())
    path = unquote(parts.path).rstrip("/")
    return (parts.netloc.lower().removeprefix("www.") + path).casefold()


def _last_segment(url: str) -> str:
    path = unquote(urlsplit(url).path).rstrip("/")
    if path.endswith("/index.html"):
        path = path[: -len("/index.html")]
    segment = posixpath.basename(path)
    return segment[:-5] if segment.endswith(".html") else segment


def _teaser_key(teaser: str) -> str:
    """The words a teaser quotes from the start of an article, as a headline key ("" if none)."""
    words = headline_key(teaser.rstrip(" .…")).split()
    if len(words) > 1:
        words = words[:-1]  # the last word is often cut in the middle
    return " ".join(words)


def _teaser_matches(wanted: str, article: Article) -> bool:
    """Does the teaser (its key) quote the start of the article (dateline optional)?"""
    if not wanted:
        return False
    lead, with_dateline = _lead_keys(article.dateline, article.lead)
    return lead.startswith(wanted) or with_dateline.startswith(wanted)


@functools.lru_cache(maxsize=1 << 14)
def _lead_keys(dateline: str, lead: str) -> tuple[str, str]:
    """The lead's headline key, without and with the dateline (an article is often a candidate many times)."""
    return headline_key(lead), headline_key(f"{dateline} {lead}")


def choose(citing: Article, entry: SeeAlso, candidates: list[Article]) -> Article | None:
    """Pick the one article an entry names; None when the choice would be a guess."""
    others = [c for c in candidates if c is not citing]
    if len(others) <= 1:
        return others[0] if others else None
    if entry.teaser:
        wanted = _teaser_key(entry.teaser)
        quoted = [c for c in others if _teaser_matches(wanted, c)]
        if len(quoted) == 1:
            return quoted[0]
        others = quoted or others
    if citing.date is None:
        return None
    when = as_datetime(citing.date).replace(tzinfo=None)
    earlier = [c for c in others if c.date and as_datetime(c.date).replace(tzinfo=None) <= when]
    if not earlier:
        return None
    earlier.sort(key=lambda c: as_datetime(c.date).replace(tzinfo=None))  # type: ignore[arg-type]
    best = earlier[-1]
    if len(earlier) > 1 and earlier[-2].date == best.date:
        return None  # two equally close: do not guess
    return best


class Suggester:
    """The closest headlines (compared as headline keys) and slugs to an entry that names no article.

    Candidates share a word with the entry (only words that few headlines use count), or for a
    slug its first letters; the few that share most are compared with difflib, whose ratio
    decides. Cheap on a large archive: no entry is compared with every headline.
    """

    CUTOFF = 0.6
    SHOWN = 3
    POOL = 40  # candidates sharing most words...
    COMPARED = 8  # ...of which those with the most words in common (Jaccard) go to difflib

    def __init__(self, index: LinkIndex):
        self.titles = {key: found[0].title for key, found in index.by_headline.items() if found}
        self.slugs = sorted(index.by_slug)
        self.headline_words = _postings(self.titles, str.split)
        self.slug_words = _postings(self.slugs, _slug_words)

    def suggest(self, text: str) -> tuple[str, ...]:
        """At most three close headlines (or slugs, for an entry written as a slug or address)."""
        if _is_address(text) or _is_slug(text):
            wanted = _last_segment(text) if _is_address(text) else text
            near = self._prefixed(wanted)
            slugs = self._close(wanted, _slug_words(wanted), self.slug_words, _slug_words, near)
            if slugs or _is_address(text):
                return tuple(slugs)
        key = headline_key(text)
        keys = self._close(key, key.split(), self.headline_words, str.split, [])
        return tuple(self.titles[k] for k in keys)

    def _prefixed(self, wanted: str) -> list[str]:
        """The slugs beside `wanted` in sorted order that start as it does (a slug of one word has no
        word to share), nearest first."""
        at = bisect.bisect_left(self.slugs, wanted)
        near = self.slugs[max(0, at - self.COMPARED // 2): at + self.COMPARED // 2]
        return [s for s in near if s[:4] == wanted[:4]]

    def _close(self, wanted: str, words: list[str], postings: dict[str, list[str]],
               split: Callable[[str], list[str]], extra: list[str]) -> list[str]:
        common = max(50, len(self.slugs) // 50)  # a word in more than 2% of headlines says little
        shared: dict[str, int] = defaultdict(int)
        for word in set(words):
            found = postings.get(word, ())
            if len(found) <= common:
                for key in found:
                    shared[key] += 1
        mine = set(words)
        pool = heapq.nsmallest(self.POOL, shared, key=lambda k: (-shared[k], k))
        pool.sort(key=lambda k: -len(mine & set(split(k))) / len(mine | set(split(k))))
        compared = list(dict.fromkeys(pool[: self.COMPARED] + extra[: self.COMPARED]))
        return difflib.get_close_matches(wanted, compared, n=self.SHOWN, cutoff=self.CUTOFF)


def _slug_words(slug: str) -> list[str]:
    return [w for w in re.split(r"[-_.]+", slug.casefold()) if w]


def _postings(keys: Iterable[str], words: Callable[[str], list[str]]) -> dict[str, list[str]]:
    """word -> the keys it occurs in."""
    found: dict[str, list[str]] = defaultdict(list)
    for key in keys:
        for word in set(words(key)):
            found[word].append(key)
    return found


def resolve(articles: list[Article], problems: Problems) -> list[Unresolved]:
    """Point every "see also" entry at its article and fill in backlinks; return the unresolved."""
    index = LinkIndex(articles)
    unresolved: list[Unresolved] = []
    for article in articles:
        article.backlinks = []
    for article in articles:
        for entry in article.see_also:
            candidates = index.candidates(entry)
            if candidates and all(c is article for c in candidates):
                problems.warning(article.path, entry.line,
                                 _('the "see also" entry «{text}» names this article itself').format(text=entry.text),
                                 _("remove it or name another article"))
                entry.target = None
                continue
            entry.target = choose(article, entry, candidates)
            if entry.target is None:
                if len(candidates) > 1:
                    problems.warning(
                        article.path, entry.line,
                        count(len(candidates), 'the "see also" entry «{text}» matches {n} article',
                              'the "see also" entry «{text}» matches {n} articles', text=entry.text),
                        _("name one by its slug: {names}").format(names=", ".join(sorted(c.slug for c in candidates))))
                unresolved.append(Unresolved(article, entry))
            elif article not in entry.target.backlinks:
                entry.target.backlinks.append(article)
    for article in articles:
        article.backlinks.sort(key=lambda a: a.sort_key, reverse=True)
    if not unresolved:
        return unresolved
    suggester = Suggester(index)
    return [Unresolved(u.article, u.entry, () if len(index.candidates(u.entry)) > 1
                       else tuple(s for s in suggester.suggest(u.entry.text) if s != u.article.title))
            for u in unresolved]

"""Resolve "see also" entries to articles and collect backlinks, over lookup tables (no pairwise scans)."""

from __future__ import annotations

import functools
import posixpath
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from .arabic import headline_key
from .content import Article, SeeAlso, as_datetime
from .problems import Problems, shown


@dataclass(frozen=True)
class Unresolved:
    article: Article
    entry: SeeAlso

    def format(self) -> str:
        return shown(f"{self.article.path}:{self.entry.line}: no article has the headline «{self.entry.text}»")


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
        if re.match(r"^(https?:)?//|^/|^[^\s/]+/", text) and " " not in text:
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
                                 f"the \"see also\" entry «{entry.text}» names this article itself",
                                 "remove it or name another article")
                entry.target = None
                continue
            entry.target = choose(article, entry, candidates)
            if entry.target is None:
                if len(candidates) > 1:
                    problems.warning(
                        article.path, entry.line,
                        f"the \"see also\" entry «{entry.text}» matches {len(candidates)} articles",
                        "name one by its slug: " + ", ".join(sorted(c.slug for c in candidates)))
                unresolved.append(Unresolved(article, entry))
            elif article not in entry.target.backlinks:
                entry.target.backlinks.append(article)
    for article in articles:
        article.backlinks.sort(key=lambda a: a.sort_key, reverse=True)
    return unresolved

"""Atom feeds, sitemaps and robots.txt: the machine-readable ways into the archive. Pure: text out."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from .content import Article, as_utc

SITE_FEED = "feed.xml"
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
SITEMAP_URLS = 50_000  # the sitemaps.org protocol's limits per file
SITEMAP_BYTES = 50 * 1024 * 1024
MAX_LOC = 2048  # characters in a <loc>
ATOM = "http://www.w3.org/2005/Atom"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

Absolute = Callable[[str], str]


@dataclass(frozen=True)
class Feed:
    """One Atom feed: where it goes, its title, the page it mirrors and its newest dated articles."""

    path: str
    title: str
    page: str
    articles: tuple[Article, ...]


@dataclass(frozen=True)
class SitemapEntry:
    loc: str  # absolute URL
    lastmod: str = ""  # W3C datetime, or empty


# ---------------------------------------------------------------- dates


def atom_time(value: date | datetime) -> str:
    """RFC 3339 for Atom; a time without a zone gets '-00:00' (RFC 3339: UTC, local offset unknown)."""
    if isinstance(value, datetime):
        text = value.isoformat(timespec="seconds")
        return text if value.tzinfo else text + "-00:00"
    return f"{value.isoformat()}T00:00:00-00:00"


def w3c_date(value: date | datetime | None) -> str:
    """A sitemap <lastmod>: the date alone unless the time has a zone (W3C datetime needs one)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds") if value.tzinfo else value.date().isoformat()
    return value.isoformat()


# ---------------------------------------------------------------- Atom


def section_feed_path(term_path: str) -> str:
    """A section's feed sits beside its listing: sections/x/index.html → sections/x/feed.xml."""
    return posixpath.join(posixpath.dirname(term_path), "feed.xml")


def plan_feeds(title: str, ordered: Sequence[Article], sections: Iterable[Any], size: int) -> list[Feed]:
    """The whole archive's feed and one per section, each with its `size` newest dated articles.

    `sections` are navigation terms (name, path, articles newest first); a section without a
    dated article gets no feed (an Atom entry needs a date and none is invented).
    """
    feeds = [Feed(SITE_FEED, title, "index.html", tuple(a for a in ordered if a.date)[:size])]
    for term in sections:
        dated = tuple(a for a in term.articles if a.date)[:size]
        if dated:
            feeds.append(Feed(section_feed_path(term.path), f"{title}: {term.name}", term.path, dated))
    return feeds


def _text(value: str) -> str:
    return escape(_NOT_XML.sub("", value))


def _attr(value: str) -> str:
    return quoteattr(_NOT_XML.sub("", value))


def updated_of(article: Article) -> date | datetime | None:
    """When the article last changed: its `updated` date, else its publication date."""
    return article.updated or article.date


def atom_entry(article: Article, absolute: Absolute, language: str, author: str, summary: str,
               content: str | None = None) -> str:
    """One <entry>: the article's headline, address, dates, authors, categories, summary and text.

    The authors are the article's reporters, else its source, else the publisher (`author`);
    `content` is the body's HTML with absolute image addresses (default: the stored body).
    """
    url = absolute(article.url)
    when = atom_time(article.date) if article.date else ""
    changed = updated_of(article)
    lang = f" xml:lang={_attr(article.lang)}" if article.lang and article.lang != language else ""
    names = article.authors or (article.source or author,)
    lines = [
        f"<entry{lang}>",
        f"<title>{_text(article.title)}</title>",
        f'<link rel="alternate" type="text/html" href={_attr(url)}/>',
        f"<id>{_text(url)}</id>",
        f"<published>{when}</published>",
        f"<updated>{atom_time(changed) if changed else ''}</updated>",
        *(f"<author><name>{_text(name)}</name></author>" for name in names),
    ]
    lines += [f"<category term={_attr(term)}/>" for term in dict.fromkeys((article.section, *article.tags)) if term]
    if article.source_url:
        lines.append(f'<link rel="via" href={_attr(article.source_url)}/>')
    lines.append(f"<summary>{_text(summary)}</summary>")
    lines.append(f'<content type="html">{_text(article.body_html if content is None else content)}</content>')
    lines.append("</entry>")
    return "\n".join(lines)


def atom_feed(feed: Feed, absolute: Absolute, language: str, author: str, subtitle: str,
              summary_of: Callable[[Article], str], content_of: Callable[[Article], str] | None = None) -> str:
    """A complete Atom 1.0 document (RFC 4287). Its <updated> is its latest entry's: no clock is read."""
    self_url = absolute(feed.path)
    changes = [d for d in map(updated_of, feed.articles) if d is not None]
    updated = atom_time(max(changes, key=as_utc)) if changes else "1970-01-01T00:00:00Z"
    head = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="{ATOM}" xml:lang={_attr(language)}>',
        f"<title>{_text(feed.title)}</title>",
    ]
    if subtitle:
        head.append(f"<subtitle>{_text(subtitle)}</subtitle>")
    head += [
        f"<id>{_text(self_url)}</id>",
        f'<link rel="self" type="application/atom+xml" href={_attr(self_url)}/>',
        f'<link rel="alternate" type="text/html" href={_attr(absolute(feed.page))}/>',
        f"<updated>{updated}</updated>",
        f"<author><name>{_text(author)}</name></author>",
        "<generator>akhbar</generator>",
    ]
    entries = [atom_entry(a, absolute, language, author, summary_of(a), content_of(a) if content_of else None)
               for a in feed.articles]
    return "\n".join(head + entries + ["</feed>", ""])


# ---------------------------------------------------------------- sitemaps


def _url(entry: SitemapEntry) -> str:
    lastmod = f"<lastmod>{entry.lastmod}</lastmod>" if entry.lastmod else ""
    return f"<url><loc>{_text(entry.loc)}</loc>{lastmod}</url>\n"


_URLSET_HEAD = f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}">\n'
_URLSET_TAIL = "</urlset>\n"


def _chunks(entries: Sequence[SitemapEntry], max_urls: int, max_bytes: int) -> list[list[str]]:
    """Split the <url> lines so that no file passes either limit of the protocol."""
    room = max_bytes - len(_URLSET_HEAD.encode()) - len(_URLSET_TAIL.encode())
    chunks: list[list[str]] = [[]]
    size = 0
    for entry in entries:
        line = _url(entry)
        length = len(line.encode())
        if chunks[-1] and (len(chunks[-1]) >= max_urls or size + length > room):
            chunks.append([])
            size = 0
        chunks[-1].append(line)
        size += length
    return chunks


def sitemap_files(entries: Sequence[SitemapEntry], absolute: Absolute, max_urls: int = SITEMAP_URLS,
                  max_bytes: int = SITEMAP_BYTES) -> list[tuple[str, str]]:
    """(path, text) of the sitemap: one sitemap.xml, or a sitemap index over sitemap-N.xml files."""
    chunks = _chunks(entries, max_urls, max_bytes)
    if len(chunks) == 1:
        return [(SITEMAP, _URLSET_HEAD + "".join(chunks[0]) + _URLSET_TAIL)]
    files = []
    index = [f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{SITEMAP_NS}">\n']
    start = 0
    for number, chunk in enumerate(chunks, 1):
        path = f"sitemap-{number}.xml"
        files.append((path, _URLSET_HEAD + "".join(chunk) + _URLSET_TAIL))
        newest = max((e.lastmod for e in entries[start:start + len(chunk)]), default="")
        lastmod = f"<lastmod>{newest}</lastmod>" if newest else ""
        index.append(f"<sitemap><loc>{_text(absolute(path))}</loc>{lastmod}</sitemap>\n")
        start += len(chunk)
    index.append("</sitemapindex>\n")
    return files + [(SITEMAP, "".join(index))]


def sitemap_paths(entries: Sequence[SitemapEntry], max_urls: int = SITEMAP_URLS,
                  max_bytes: int = SITEMAP_BYTES) -> list[str]:
    """The files sitemap_files writes for these entries, without writing them."""
    count = len(_chunks(entries, max_urls, max_bytes))
    return [SITEMAP] if count == 1 else [f"sitemap-{n}.xml" for n in range(1, count + 1)] + [SITEMAP]


def robots_txt(sitemap_url: str) -> str:
    """Let every crawler in and point it to the sitemap."""
    return ("# Crawlers read robots.txt only at the root of a host; under a project sub-path\n"
            "# (user.github.io/repo/) this copy is ignored, and the sitemap is found from here:\n"
            f"User-agent: *\nDisallow:\n\nSitemap: {sitemap_url}\n")

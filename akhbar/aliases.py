"""Old addresses of articles (front matter `aliases:`): checked while loading, built as redirect pages.

An alias is written as a site address: `articles/old-slug/`, `/news/2017/old.html`, or a full URL
under base_url. A leading '/' means the site's root (under a project sub-path too). Only folder
addresses and .html pages can redirect on a static host; query strings and #fragments cannot.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from urllib.parse import unquote

from .config import Settings
from .content import Article
from .problems import Problems
from .render import Page

# The site's own files and folders, which no alias may replace.
SITE_FILES = frozenset({"index.html", "404.html", "feed.xml", "sitemap.xml", "robots.txt", "CNAME"})
SITE_FOLDERS = frozenset({"archive", "assets", "search", "pagefind", "sections", "sources", "places", "tags",
                          "authors", "media"})
HINT = "write an old address of this article, such as articles/old-slug/ or news/2017/old-slug.html"


@dataclass(frozen=True)
class Redirect:
    """A page at an old address that sends readers on to the article."""

    path: str  # output path, e.g. 'articles/old-slug/index.html'
    article: Article


def alias_path(alias: str, base_url: str) -> tuple[str, str]:
    """(output path, '') for a usable alias, or ('', why not) in words for the editor."""
    text = alias.strip()
    if text.lower().startswith(("http://", "https://")):
        if not text.startswith(base_url):
            return "", f"'{alias}' is not under this site's address {base_url}"
        text = text[len(base_url):]
    if "?" in text or "#" in text:
        return "", f"'{alias}' has a '?' or '#' part, which a static host cannot redirect"
    text = unicodedata.normalize("NFC", unquote(text)).lstrip("/")
    if not text:
        return "", "an alias cannot be the site's home page"
    parts = text.rstrip("/").split("/")
    for part in parts:
        if part in ("", ".", "..") or "\\" in part:
            return "", f"'{alias}' has an empty, '.' or '..' segment; it must stay inside the site"
        if part.startswith("."):
            return "", f"'{alias}' names a hidden file or folder, which hosts do not publish"
        if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in part):
            return "", f"'{alias}' contains invisible control or direction characters"
    last = parts[-1]
    if text.endswith("/") or "." not in last:
        return "/".join(parts) + "/index.html", ""
    if last.lower().endswith((".html", ".htm")):
        return text, ""
    return "", f"'{alias}' is not a folder or an .html page; a static host cannot redirect it"


def _folders(path: str) -> list[str]:
    parts = path.split("/")
    return ["/".join(parts[:n]) for n in range(1, len(parts))]


def check(settings: Settings, articles: list[Article], problems: Problems) -> list[Redirect]:
    """Every article's aliases as redirects; a bad or colliding alias is an error at its line."""
    owners = {a.url.casefold(): a for a in articles}
    folders = {f.casefold() for a in articles for f in _folders(a.url)}
    redirects: dict[str, Redirect] = {}
    for article in sorted(articles, key=lambda a: a.path):
        line = article.line_of("aliases")
        for alias in article.aliases:
            path, why = alias_path(alias, settings.base_url)
            why = why or _collision(path, article, owners, folders, redirects)
            if why:
                problems.error(article.path, line, f"alias {why}", HINT)
            else:
                redirects[path.casefold()] = Redirect(path, article)
    return sorted(redirects.values(), key=lambda r: r.path)


def _collision(path: str, article: Article, owners: dict[str, Article], folders: set[str],
               redirects: dict[str, Redirect]) -> str:
    key = path.casefold()
    if key in SITE_FILES or key.split("/")[0] in SITE_FOLDERS:
        return f"'{path}' is an address the site itself uses"
    owner = owners.get(key)
    if owner is article:
        return f"'{path}' is this article's own address; remove it from aliases"
    if owner is not None:
        return f"'{path}' is the address of {owner.path}; an alias must not replace another article"
    if key in redirects:
        return f"'{path}' is already an alias of {redirects[key].article.path}"
    if key in folders or any(f in owners or f in redirects for f in (x.casefold() for x in _folders(path))):
        return f"'{path}' clashes with the folder or file of another address"
    return ""


def redirect_page(redirect: Redirect) -> Page:
    """The page at an old address: a meta refresh (no JavaScript needed) and a canonical link."""
    article = redirect.article
    return Page(redirect.path, "redirect.html", article.title, {"target": article, "redirect": True}, [])

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
from .i18n import N_, _
from .problems import Problems
from .render import Page

# The site's own files and folders, which no alias may replace.
SITE_FILES = frozenset({"index.html", "404.html", "feed.xml", "sitemap.xml", "robots.txt", "CNAME"})
SITE_FOLDERS = frozenset({"archive", "assets", "search", "pagefind", "sections", "sources", "places", "tags",
                          "authors", "media"})
HINT = N_("write an old address of this article, such as articles/old-slug/ or news/2017/old-slug.html")


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
            return "", _("'{alias}' is not under this site's address {base_url}").format(alias=alias, base_url=base_url)
        text = text[len(base_url):]
    if "?" in text or "#" in text:
        return "", _("'{alias}' has a '?' or '#' part, which a static host cannot redirect").format(alias=alias)
    text = unicodedata.normalize("NFC", unquote(text)).lstrip("/")
    if not text:
        return "", _("an alias cannot be the site's home page")
    parts = text.rstrip("/").split("/")
    for part in parts:
        if part in ("", ".", "..") or "\\" in part:
            return "", _("'{alias}' has an empty, '.' or '..' segment; it must stay inside the site").format(
                alias=alias)
        if part.startswith("."):
            return "", _("'{alias}' names a hidden file or folder, which hosts do not publish").format(alias=alias)
        if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in part):
            return "", _("'{alias}' contains invisible control or direction characters").format(alias=alias)
    last = parts[-1]
    if text.endswith("/") or "." not in last:
        return "/".join(parts) + "/index.html", ""
    if last.lower().endswith((".html", ".htm")):
        return text, ""
    return "", _("'{alias}' is not a folder or an .html page; a static host cannot redirect it").format(alias=alias)


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
                problems.error(article.path, line, _("alias {why}").format(why=why), _(HINT))
            else:
                redirects[path.casefold()] = Redirect(path, article)
    return sorted(redirects.values(), key=lambda r: r.path)


def _collision(path: str, article: Article, owners: dict[str, Article], folders: set[str],
               redirects: dict[str, Redirect]) -> str:
    key = path.casefold()
    if key in SITE_FILES or key.split("/")[0] in SITE_FOLDERS:
        return _("'{path}' is an address the site itself uses").format(path=path)
    owner = owners.get(key)
    if owner is article:
        return _("'{path}' is this article's own address; remove it from aliases").format(path=path)
    if owner is not None:
        return _("'{path}' is the address of {owner}; an alias must not replace another article").format(
            path=path, owner=owner.path)
    if key in redirects:
        return _("'{path}' is already an alias of {owner}").format(path=path, owner=redirects[key].article.path)
    if key in folders or any(f in owners or f in redirects for f in (x.casefold() for x in _folders(path))):
        return _("'{path}' clashes with the folder or file of another address").format(path=path)
    return ""


def redirect_page(redirect: Redirect) -> Page:
    """The page at an old address: a meta refresh (no JavaScript needed) and a canonical link."""
    article = redirect.article
    return Page(redirect.path, "redirect.html", article.title, {"target": article, "redirect": True}, [])

"""The publishing stage of a build: share cards, redirects, feeds, sitemaps, robots.txt, CNAME and the
size check against GitHub Pages, plus the template helpers that link pages to all of these."""

from __future__ import annotations

import os
import posixpath
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup, escape
from PIL import Image

from . import aliases, cards, feeds, incremental, media, share, timings
from .arabic import language_direction
from .collections import term_key
from .content import Article
from .i18n import _
from .messages import count
from .output import Output
from .problems import Problems
from .render import Page, Renderer

PAGES_LIMIT = 1_000_000_000  # GitHub Pages publishes sites of at most 1 GB
PAGES_WARN = 0.8  # warn from this share of the limit
LOGO = "assets/logo.png"
SITE_CARD = "assets/card.png"
# Pages crawlers are told not to index (noindex) or that answer for missing addresses; redirects stay out too.
NOT_IN_SITEMAP = frozenset({"404.html", "search/index.html"})


@dataclass
class PublishReport:
    """What the publishing stage did, for the build summary."""

    cards_drawn: int = 0
    cards_reused: int = 0
    card_seconds: float = 0.0
    feeds: int = 0
    sitemap_files: int = 0
    redirects: int = 0
    images: media.MediaReport = field(default_factory=media.MediaReport)
    problems: Problems = field(default_factory=Problems)


def default_cache() -> Path:
    """Where share cards are kept between builds: the user's cache, never the site folder.

    Cards are stored under a hash of everything drawn on them, so sites may share the folder.
    """
    home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(home) / "akhbar" / "cards"


def card_path(article: Article) -> str:
    """Where an article's share card goes: beside its page (articles/x/card.png, 2018/x.card.png)."""
    if article.url.endswith("index.html"):
        return article.url[: -len("index.html")] + "card.png"
    return posixpath.splitext(article.url)[0] + ".card.png"


def pages_size_note(size: int, articles: int = 0) -> str:
    """The build's size as a share of GitHub Pages' limit, e.g. '1% of GitHub Pages' 1 GB', and
    with `articles`, how many such articles one Pages site holds: '…; about 45,000 articles per 1 GB
    Pages site' (two significant figures, rounded down)."""
    share_of = size / PAGES_LIMIT
    shown = f"{share_of:.0%}" if share_of >= 0.01 else "<1%"
    note = _("{share} of GitHub Pages' 1 GB").format(share=shown)
    if articles > 0 and size > 0:
        fit = PAGES_LIMIT * articles // size
        step = 10 ** max(0, len(str(fit)) - 2)
        note += count(fit // step * step, "; about {n:,} article per 1 GB Pages site",
                      "; about {n:,} articles per 1 GB Pages site")
    return note


def sitemap_entry(page: Page, absolute: Any) -> feeds.SitemapEntry | None:
    """The page's sitemap entry, dated by its newest article; None for redirects, the 404 page and the search page."""
    if page.path in NOT_IN_SITEMAP or page.data.get("redirect"):
        return None
    article = page.data.get("article")
    dates = [article] if article is not None else page.data.get("articles") or []
    newest = max((a for a in dates if a.date), key=lambda a: a.sort_key, default=None)
    return feeds.SitemapEntry(absolute(page.path), feeds.w3c_date(newest.date) if newest is not None else "")


@dataclass(frozen=True)
class ShareImage:
    """The picture a shared article shows: its own lead image, else its card."""

    url: str
    mime: str  # empty for a remote image
    size: tuple[int, int] | None  # None for a remote image
    alt: str


class Share:
    """Template helpers for share tags: card and logo addresses, locales, NewsArticle JSON-LD."""

    def __init__(self, publisher: Publisher):
        self.p = publisher

    def image(self, article: Article) -> ShareImage | None:
        """The article's lead image (its largest size), else its card; None when there is neither."""
        picture = article.picture
        alt = article.image_alt or article.title
        if picture is not None:
            largest = picture.largest
            if largest is None:
                return ShareImage(picture.src, "", None, alt)
            return ShareImage(self.p.absolute(largest.path), picture.mime, (largest.width, largest.height), alt)
        card = self.card(article)
        return ShareImage(card, "image/png", self.card_size(article), self.card_alt(article)) if card else None

    def card(self, article: Article) -> str | None:
        """The article's own card; with `cards: false`, the site's card (None when there is none)."""
        if not self.p.settings.cards:
            return self.site_card()
        return self.p.absolute(card_path(article)) if self.p.fonts else None

    def card_alt(self, article: Article) -> str:
        """What the article's share image shows: its headline, or the site's name on the site's card."""
        return article.title if self.p.settings.cards else self.p.settings.title

    def card_size(self, article: Article) -> tuple[int, int]:
        return cards.CARD_SIZE if self.p.settings.cards else self.site_card_size()

    def site_card(self) -> str | None:
        return self.p.absolute(SITE_CARD) if self.p.fonts or self.p.own_static(SITE_CARD) else None

    def site_card_size(self) -> tuple[int, int]:
        """1200×630 for the drawn card; a site's own static/assets/card.png is measured."""
        return self.p.site_card_size()

    def locale(self, language: str) -> str:
        return share.og_locale(language or self.p.settings.language)

    def description(self, article: Article) -> str:
        return share.description(article)

    def news_article(self, article: Article) -> Markup:
        settings = self.p.settings
        logo = self.p.absolute(LOGO) if self.p.fonts or self.p.own_static(LOGO) else None
        publisher = share.publisher_of(settings.publisher, settings.base_url, logo, cards.LOGO_SIZE)
        found = self.image(article)
        image: str | dict[str, Any] | None = found.url if found else None
        if found and article.picture is not None:
            image = share.image_object(found.url, found.size, article.image_caption, article.image_credit)
        authors = [share.person(name, self.p.author_page(name)) for name in article.authors]
        data = share.news_article(article, self.p.absolute(article.url), settings.language, publisher,
                                  image, authors)
        return share.json_ld(data)


class Publisher:
    """Collects what the pages need to know, then writes everything that is not a page."""

    def __init__(self, site: Any, renderer: Renderer, nav: Any, cache: Path | None = None):
        self.site = site
        self.settings = site.settings
        self.renderer = renderer
        self.absolute = renderer.urls.absolute
        self.report = PublishReport()
        self.fonts, note = cards.find_fonts()
        if note:
            self.report.problems.warning("share cards", 0, note)
        self.cache = cards.CardCache(cache if cache is not None else default_cache())
        sections = getattr(nav, "terms", {}).get("section", [])
        ordered = getattr(nav, "ordered", None) or sorted(site.articles, key=lambda a: a.sort_key, reverse=True)
        self.feeds = feeds.plan_feeds(self.settings.title, ordered, sections, self.settings.feed_size)
        self.author_pages = {t.key: t.path for t in getattr(nav, "terms", {}).get("authors", [])}
        self.media_cache = cache / "media" if cache is not None else media.default_cache()
        self.feed_paths = {f.page: f for f in self.feeds}
        self.sitemap: list[feeds.SitemapEntry] = []
        # set by an incremental build: cards unchanged since the previous build are linked from it
        self.previous: incremental.OutState | None = None
        self.state: incremental.OutState | None = None
        self._site_card_size: tuple[int, int] | None = None
        renderer.env.globals.update(share=Share(self), feed_links=self.feed_links)

    def author_page(self, name: str) -> str | None:
        """The absolute address of an author's page on the site."""
        path = self.author_pages.get(term_key(name))
        return self.absolute(path) if path else None

    def own_static(self, rel: str) -> bool:
        """Does the site's static/ folder bring this file itself?"""
        return (self.site.root / "static" / rel).is_file()

    def site_card_size(self) -> tuple[int, int]:
        if self._site_card_size is None:
            self._site_card_size = cards.CARD_SIZE
            if self.own_static(SITE_CARD):
                try:
                    with Image.open(self.site.root / "static" / SITE_CARD) as image:
                        self._site_card_size = image.size
                except (OSError, ValueError, Image.DecompressionBombError):
                    pass  # not an image Pillow reads: give the size a card should have
        return self._site_card_size

    def feed_links(self, page: Page) -> list[tuple[str, str]]:
        """(title, path) of the feeds a page announces: the whole archive's and its section's."""
        links = [(self.feeds[0].title, self.feeds[0].path)]
        by_kind = page.data.get("terms")  # an article's terms by kind (a taxonomy page has a list)
        terms = list(by_kind.get("section", [])) if isinstance(by_kind, dict) else []
        if page.data.get("term") is not None:
            terms.append(page.data["term"])
        for term in terms:
            feed = self.feed_paths.get(getattr(term, "path", ""))
            if feed is not None and (feed.title, feed.path) not in links:
                links.append((feed.title, feed.path))
        return links

    def saw(self, page: Page) -> None:
        """Note a written page for the sitemap (redirects, the 404 page and the noindex search page stay out)."""
        entry = sitemap_entry(page, self.absolute)
        if entry is None:
            return
        if len(entry.loc) > feeds.MAX_LOC:
            self.report.problems.warning(page.path, 0,
                                         _("the page's address is {length:,} characters long; sitemaps take at "
                                           "most {most:,}, so it was left out").format(length=len(entry.loc),
                                                                                      most=feeds.MAX_LOC),
                                         _("shorten the article's slug"))
            return
        self.sitemap.append(entry)

    def write(self, output: Output) -> PublishReport:
        """Write redirects, cards, feeds, sitemaps, robots.txt and CNAME into the staging folder."""
        self.write_redirects(output)
        with timings.span("share cards"):
            self.write_cards(output)
        with timings.span("images"):
            self.report.images = media.write(self.site.images, self.site.root, output, self.media_cache,
                                             self.previous, self.state)
        self.write_feeds(output)
        for path, text in feeds.sitemap_files(self.sitemap, self.absolute):
            output.write(path, text)
            self.report.sitemap_files += 1
        output.write(feeds.ROBOTS, feeds.robots_txt(self.absolute(feeds.SITEMAP)))
        if self.settings.cname:
            output.write("CNAME", self.settings.cname + "\n")
        return self.report

    def write_redirects(self, output: Output) -> None:
        for redirect in getattr(self.site, "redirects", []):
            output.write(redirect.path, self.renderer.render(aliases.redirect_page(redirect)))
            self.report.redirects += 1

    def write_feeds(self, output: Output) -> None:
        settings = self.settings
        for feed in self.feeds:
            text = feeds.atom_feed(feed, self.absolute, settings.language, settings.publisher,
                                   settings.description, share.description, self.feed_content)
            output.write(feed.path, text)
            self.report.feeds += 1

    def feed_content(self, article: Article) -> str:
        """An article's text for feeds: its lead image, then its body, images at absolute addresses."""
        body = str(media.body_html(article, self.absolute))
        if article.picture is None:
            return body
        alt = article.image_alt
        figure = f"<figure>{media.img_html(article.picture, self.absolute, alt, lazy=False)}"
        caption = " — ".join(filter(None, (article.image_caption, article.image_credit)))
        figure += f"<figcaption>{escape(caption)}</figcaption></figure>\n" if caption else "</figure>\n"
        return figure + body

    def write_cards(self, output: Output) -> None:
        """Every article's card (drawn, or reused from the cache) unless `cards: false`, the site's card
        unless the site brings its own, and the publisher's logo."""
        if self.fonts is None:
            return
        started = time.perf_counter()
        # an article with a lead image is shared with that picture: it needs no card
        articles = sorted((a for a in self.site.articles if a.picture is None), key=lambda a: a.url) \
            if self.settings.cards else []
        jobs = [(card_path(a), self.card_text(a)) for a in articles]
        if not self.own_static(SITE_CARD):
            jobs.append((SITE_CARD, self.site_card_text()))
        stats = cards.CardStats()
        keys = [cards.card_key(text, self.fonts).encode() for _, text in jobs]
        previous, state = self.previous, self.state
        todo = []
        for (target, text), key in zip(jobs, keys, strict=True):
            if previous and state and incremental.carry(previous, state, output, target, key):
                stats.reused += 1  # the same card is in the previous site: linked
            else:
                todo.append((target, text, key))
        drawn = cards.render_cards([text for _target, text, _key in todo], self.fonts, self.cache, stats)
        for (target, _text, key), data in zip(todo, drawn, strict=True):
            info = output.write(target, data).stat()
            if state is not None:
                state.pages[target] = incremental.PageRecord(key, info.st_size, info.st_mtime_ns)
        if not self.own_static(LOGO):
            output.write(LOGO, cards.draw_logo(self.settings.title, self.fonts, self.rtl(self.settings.language)))
        self.report.cards_drawn += stats.drawn
        self.report.cards_reused += stats.reused
        self.report.card_seconds += time.perf_counter() - started

    def rtl(self, language: str) -> bool:
        return language_direction(language) == "rtl"

    def host(self) -> str:
        parts = urlsplit(self.settings.base_url)
        return (parts.netloc + parts.path).rstrip("/")

    def card_text(self, article: Article) -> cards.CardText:
        """What an article's card shows: headline; date, place and source; the site's name."""
        date = self.renderer.format_date(article.date) if article.date else ""
        footer = " · ".join(part for part in (date, article.place, article.source) if part)
        return cards.CardText(article.title, footer, self.settings.title, self.host(),
                              self.rtl(article.lang or self.settings.language),
                              self.rtl(self.settings.language))

    def site_card_text(self) -> cards.CardText:
        settings = self.settings
        rtl = self.rtl(settings.language)
        return cards.CardText(settings.title, settings.description, settings.title, self.host(), rtl, rtl)

    def check_size(self, size: int) -> None:
        """Warn as the site nears GitHub Pages' 1 GB limit."""
        if size >= PAGES_LIMIT * PAGES_WARN:
            said = (_("the site is {size} MB and is over GitHub Pages' 1 GB limit") if size > PAGES_LIMIT
                    else _("the site is {size} MB and is near GitHub Pages' 1 GB limit"))
            self.report.problems.warning(
                "build", 0, said.format(size=f"{size / 1e6:,.0f}"),
                _("host it elsewhere, or split it into shards by date, each its own site (site.yaml shards:)"))


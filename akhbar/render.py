"""Jinja environment, URL helpers and page rendering. No file writes, no link resolution."""

from __future__ import annotations

import functools
import posixpath
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from babel.dates import format_date, format_time
from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    select_autoescape,
)
from markupsafe import Markup

from . import media
from .arabic import arabic_digits, language_direction
from .config import Settings
from .content import Article, Picture, date_iso
from .i18n import _
from .problems import Problem, Problems
from .share import deep_links

THEME = Path(__file__).parent / "theme"


@dataclass
class Page:
    """One output page: its path inside the output folder, its template and its data."""

    path: str
    template: str
    title: str
    data: dict[str, Any] = field(default_factory=dict)
    breadcrumbs: list[tuple[str, str]] = field(default_factory=list)  # (label, target path)


class Urls:
    """Relative and absolute addresses between output paths (e.g. 'articles/x/index.html')."""

    def __init__(self, settings: Settings, elsewhere: Mapping[str, str] | None = None, home: str = ""):
        self.settings = settings
        # a sharded archive: pages another shard publishes (path -> that shard's base_url), and the
        # home page readers are sent to (the newest shard's) when this is an older shard
        self.elsewhere = elsewhere or {}
        self.home = home

    def href(self, target: str, current: str) -> str:
        """A link from the page at `current` to `target` that works from disk and any sub-path;
        a page of another shard is linked by its absolute address there."""
        if self.elsewhere or self.home:
            if self.home and target == "index.html":
                return self.home
            base = self.elsewhere.get(target)
            if base is not None:
                return base + quote(self._link_path(target), safe="/#.-_~")
        return _href(self._link_path(target), posixpath.dirname(current))

    def absolute(self, target: str) -> str:
        """An absolute address under base_url (canonical links, feeds, share cards); a page of another
        shard under that shard's."""
        base = self.elsewhere.get(target, self.settings.base_url) if self.elsewhere else self.settings.base_url
        return base + quote(self._link_path(target), safe="/#.-_~")

    def _link_path(self, target: str) -> str:
        if not self.settings.index_links and (target == "index.html" or target.endswith("/index.html")):
            return target[: -len("index.html")]
        return target


class TextLoader(BaseLoader):
    """The site's templates as read while loading the site: (text, file) by template name."""

    def __init__(self, templates: Mapping[str, tuple[str, str]]):
        self.templates = templates

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        found = self.templates.get(template)
        if found is None:
            raise TemplateNotFound(template)
        return found[0], found[1], lambda: True

    def list_templates(self) -> list[str]:
        return sorted(self.templates)


class Renderer:
    """Renders pages with the site's templates, falling back to the bundled theme.

    `templates` are the site's own, read by the loading stage (sources.read_templates); without
    them they are read from `site_dir`/templates as pages need them.
    """

    def __init__(self, settings: Settings, site_dir: Path, templates: Mapping[str, tuple[str, str]] | None = None,
                 urls: Urls | None = None):
        self.settings = settings
        self.urls = urls or Urls(settings)
        self.site_dir = site_dir
        loaders: list[BaseLoader] = []
        if templates is not None:
            loaders.append(TextLoader(templates))
        elif (site_dir / "templates").is_dir():
            loaders.append(FileSystemLoader(site_dir / "templates"))
        loaders.append(FileSystemLoader(THEME / "templates"))
        self.env = Environment(
            loader=ChoiceLoader(loaders),
            autoescape=select_autoescape(default=True, default_for_string=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.filters["digits"] = self.digits
        self.env.filters["iso"] = date_iso
        self.env.filters["articles"] = self.articles_count
        self.env.filters["deep_links"] = deep_links  # a "#" link on every anchored paragraph
        # the same dates are shown on many pages, and Babel and the Hijri calendar are slow
        self.format_date = functools.lru_cache(maxsize=1 << 16)(self.format_date)  # type: ignore[method-assign]
        self.hijri_date = functools.lru_cache(maxsize=1 << 16)(self.hijri_date)  # type: ignore[method-assign]
        self.env.globals["settings"] = settings
        self.env.globals["direction_of"] = language_direction
        self.env.globals["lang_attrs"] = self.lang_attrs
        self.env.globals["site_origin"] = origin_of(settings.base_url)
        self.env.globals["section_of"] = lambda article: None  # the site sets the real one (site.build)

    def digits(self, value: Any) -> str:
        """Show numbers in the site's chosen digits."""
        text = str(value)
        return arabic_digits(text) if self.settings.digits == "arabic" else text

    def lang_attrs(self, item: Any) -> Markup:
        """' lang="en" dir="ltr"' for an article (or headline) in another language than the site's, else ''.

        Direction follows the language, never the first letter: an Arabic headline that opens with
        'iPhone' stays right to left, an English one inside an Arabic page is isolated as left to right.
        """
        lang = getattr(item, "lang", "") or ""
        if not lang or lang == self.settings.language:
            return Markup("")
        return Markup(' lang="{}" dir="{}"').format(lang, language_direction(lang))

    def articles_count(self, n: int) -> str:
        """'12 مقالاً': a count of articles with the noun in agreement, in the site's digits."""
        return self.digits(count_noun(n, ARTICLE_FORMS))

    def format_date(self, value: date | datetime | None, with_time: bool = False) -> str:
        """A reader-facing date in the site's locale, e.g. '17 أيلول 2018' for ar_SY."""
        if value is None:
            return "بلا تاريخ"
        text = format_date(value, "d MMMM y", locale=self.settings.locale)
        if with_time and isinstance(value, datetime):
            text += " " + format_time(value, "HH:mm", locale=self.settings.locale)
        return self.digits(text)

    def hijri_date(self, value: date | datetime | None) -> str:
        """The Umm al-Qura Hijri date, e.g. '26 جمادى الآخرة 1439 هـ'; empty outside its range."""
        if value is None or not self.settings.hijri:
            return ""
        from hijridate import Gregorian

        try:
            hijri = Gregorian(value.year, value.month, value.day).to_hijri()
        except (OverflowError, ValueError):
            return ""
        return self.digits(f"{hijri.day} {hijri.month_name('ar')} {hijri.year} هـ")

    def render(self, page: Page) -> str:
        """Render one page to HTML text."""
        here = page.path
        context = dict(page.data)
        # the 404 page is served at any depth, so its links must be absolute
        url = self.urls.absolute if page.data.get("absolute_links") else self._url_helper(here)
        context.update(
            page=page,
            url=url,
            absolute=self.urls.absolute,
            article_url=lambda a: self.urls.href(a.url, here),
            format_date=self.format_date,
            hijri_date=self.hijri_date,
            article_body=lambda a: media.body_html(a, url),
            picture=lambda p, alt="", **options: _picture(p, url, alt, **options),
            image_origins=lambda: media.origins([page.data.get("article"), *page.data.get("articles", ())]),
        )
        html = self.env.get_template(page.template).render(context)
        return minify(html) if self.settings.minify else html

    def _url_helper(self, here: str) -> Callable[[str], str]:
        return lambda target: self.urls.href(target, here)

    def check(self, names: list[str], problems: Problems) -> None:
        """Compile each of the site's templates, so that a syntax error stops `check` as it stops a build."""
        for name in names:
            try:
                self.env.get_template(name)
            except TemplateSyntaxError as exc:
                problems.error(f"templates/{name}", exc.lineno or 1, _("the template is not valid Jinja: "
                                                                       "{message}").format(message=exc.message),
                               _("fix it, or delete it to use the theme's own"))
            except TemplateError as exc:
                problems.error(f"templates/{name}", 1, _("the template is not valid Jinja: "
                                                         "{message}").format(message=exc.message),
                               _("fix it, or delete it to use the theme's own"))


class PageError(Exception):
    """A page could not be rendered; carries the problem, at the template's line (picklable, for workers)."""

    def __init__(self, problem: Problem):
        super().__init__(problem)
        self.problem = problem


def template_problem(exc: TemplateError, site_dir: Path, page: str) -> Problem:
    """Where in which template rendering `page` failed, as an editor's problem."""
    where, line = "templates", 0
    for frame in traceback.extract_tb(exc.__traceback__):
        for folder, prefix in ((site_dir / "templates", "templates"), (THEME / "templates", "akhbar/theme/templates")):
            try:
                rel = Path(frame.filename).relative_to(folder).as_posix()
            except ValueError:
                continue
            where, line = f"{prefix}/{rel}", frame.lineno or 0
    return Problem(where, line, _("the page {page} could not be rendered: {reason}").format(
        page=page, reason=exc.message or exc),
                   hint=_("fix the template; the previous site is unchanged"))


def _picture(picture: Picture | None, url: Callable[[str], str], alt: str, **options: Any) -> str:
    """Template helper: an <img> for a picture (see media.img_html), nothing for None."""
    return media.img_html(picture, url, alt, **options) if picture is not None else ""


def article_page(article: Article, nav: dict[str, Any]) -> Page:
    """The page of one article; `nav` holds its terms and its neighbours in time."""
    crumbs = [("الرئيسية", "index.html")]
    sections = nav.get("terms", {}).get("section")
    if sections:
        crumbs.append((sections[0].name, sections[0].path))
    return Page(article.url, "article.html", article.title, {"article": article, **nav}, crumbs)


# The Arabic noun after a number, by CLDR plural category (as Intl.PluralRules("ar") in search-page.js).
ARTICLE_FORMS = {"zero": "لا مقالات", "one": "مقال واحد", "two": "مقالان", "few": "{n} مقالات",
                 "many": "{n} مقالاً", "other": "{n} مقال"}


def plural_category(n: int) -> str:
    """The CLDR plural category of a whole number in Arabic: zero, one, two, few, many or other."""
    if n in (0, 1, 2):
        return ("zero", "one", "two")[n]
    rest = n % 100
    return "few" if 3 <= rest <= 10 else "many" if 11 <= rest <= 99 else "other"


def count_noun(n: int, forms: dict[str, str]) -> str:
    """A number with its noun in agreement: 3 مقالات, 12 مقالاً, 100 مقال, مقالان."""
    return forms[plural_category(n)].format(n=n)


def origin_of(url: str) -> str:
    """'https://user.github.io' for 'https://user.github.io/archive/'; empty when there is none."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}"


@functools.lru_cache(maxsize=1 << 16)
def _href(link: str, base: str) -> str:
    """The quoted relative link from folder `base` to `link` (both relative to the site's root)."""
    if link.endswith("/") or link == "":
        rel = relative_path(link.rstrip("/") or ".", base or ".")
        rel = "./" if rel == "." else rel + "/"
    else:
        rel = relative_path(link, base or ".")
    return quote(rel, safe="/#.-_~")


def relative_path(path: str, start: str) -> str:
    """posixpath.relpath for normalised paths relative to one root, without touching the disk."""
    target = [p for p in path.split("/") if p and p != "."]
    origin = [p for p in start.split("/") if p and p != "."]
    common = 0
    while common < min(len(target), len(origin)) and target[common] == origin[common]:
        common += 1
    return "/".join([".."] * (len(origin) - common) + target[common:]) or "."


def minify(html: str) -> str:
    """Smaller HTML from minify-html (whitespace, quotes, optional tags), keeping what readers and
    checkers rely on: closing tags, <html> and <head>, and scripts and styles as written."""
    import minify_html

    return str(minify_html.minify(html, keep_closing_tags=True, keep_html_and_head_opening_tags=True,
                                  minify_css=False, minify_js=False))

"""The pipeline: load and check everything, then render and write, as a flat list of stages."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import aliases, collections, links, publishing, search
from .config import Settings, load_settings
from .content import ARTICLE_SUFFIXES, LARGE_FILE_BYTES, MAX_FILE_BYTES, Article, parse_article
from .output import Output
from .problems import Problems, SiteError
from .render import THEME, Page, Renderer, article_page

Progress = Callable[[int, int], None]


@dataclass
class Site:
    """Everything known about a site once it is loaded and checked."""

    root: Path
    settings: Settings
    articles: list[Article]
    unresolved: list[links.Unresolved]
    problems: Problems
    redirects: list[aliases.Redirect] = field(default_factory=list)  # old addresses (front matter aliases)


@dataclass
class BuildResult:
    site: Site
    pages: int = 0
    files: int = 0
    bytes: int = 0
    seconds: float = 0.0
    out: Path = field(default_factory=Path)
    published: publishing.PublishReport | None = None  # cards, feeds, sitemaps, redirects, size warnings


def article_files(root: Path, problems: Problems) -> Iterator[tuple[str, Path]]:
    """Every article file under content/, sorted; names starting with '_' or '.' are skipped."""
    content = root / "content"
    if not content.is_dir():
        problems.error("content", 0, "the content/ folder is missing", "create it and put articles in it")
        return
    real_content = content.resolve()
    for dirpath, dirnames, filenames in os.walk(content, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "_")))
        for name in list(dirnames):
            folder = Path(dirpath) / name
            if folder.is_symlink():  # never followed: a link inside content/ would read articles twice
                dirnames.remove(name)
                if not folder.resolve().is_relative_to(real_content):
                    problems.error(folder.relative_to(root).as_posix(), 0,
                                   "this folder is a link to outside content/; it was not read",
                                   "copy the articles into content/ instead of linking to them")
        for name in sorted(filenames):
            if name.startswith((".", "_")) or not name.endswith(ARTICLE_SUFFIXES):
                continue
            path = Path(dirpath) / name
            rel = path.relative_to(root).as_posix()
            if path.is_symlink() and not path.resolve().is_relative_to(real_content):
                problems.error(rel, 1, "this link points outside content/; it was not read",
                               "copy the article into content/ instead of linking to it")
                continue
            if not path.is_file():
                problems.error(rel, 1, "this is not a regular file (a broken link, a pipe or a device); "
                               "it was not read", "replace it with the article's text or remove it")
                continue
            yield rel, path


def read_articles(root: Path, problems: Problems, progress: Progress | None = None) -> list[Article]:
    """Parse every article; problems are collected, never raised."""
    files = list(article_files(root, problems))
    articles = []
    for done, (rel, path) in enumerate(files, 1):
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                problems.error(rel, 1, f"the file is {size / 1e6:.1f} MB; articles over "
                               f"{MAX_FILE_BYTES / 1e6:.0f} MB are not read", "split it or remove it")
                continue
            data = path.read_bytes()
        except OSError as exc:
            problems.error(rel, 1, f"the file could not be read: {exc.strerror or exc}",
                           "check that it exists and that you may read it")
            continue
        article = parse_article(rel, data, problems)
        if article is not None:
            articles.append(article)
            if size > LARGE_FILE_BYTES:
                problems.warning(rel, 1, f"the article is {size / 1e6:.1f} MB; it was built, but a page "
                                 "this large is slow to open", "is it several articles in one? split it")
        if progress:
            progress(done, len(files))
    return articles


def permalink(settings: Settings, article: Article) -> str:
    """The article's output path, from the permalink pattern; it always ends in the slug."""
    d = article.date
    pattern = settings.permalink
    if d is None and any(f in pattern for f in ("{year}", "{month}", "{day}")):
        pattern = "undated/{slug}" + ("/" if pattern.endswith("/") else ".html")
    path = pattern.format(
        slug=article.slug,
        year=f"{d.year:04d}" if d else "", month=f"{d.month:02d}" if d else "",
        day=f"{d.day:02d}" if d else "", section=_segment(article.section) or "general",
    )
    if path.endswith("/"):
        path += "index.html"
    return path


def _segment(text: str) -> str:
    from .content import check_slug

    candidate = "-".join(text.split())
    return candidate if candidate and check_slug(candidate) is None else ""


def assign_urls(settings: Settings, articles: list[Article], problems: Problems) -> None:
    """Give each article its path; two articles claiming one address is an error naming both."""
    owners: dict[str, Article] = {}
    reserved = {"index.html", "404.html", "archive/index.html", search.SEARCH_PAGE}
    for article in articles:
        article.url = permalink(settings, article)
        key = article.url.casefold()
        if key in owners:
            other = owners[key]
            problems.error(article.path, article.line_of("slug"),
                           f"this article has the same address as {other.path} ({article.url})",
                           "give one of them a different 'slug:'")
        elif article.url in reserved:
            problems.error(article.path, article.line_of("slug"),
                           f"the address {article.url} is used by the site itself", "choose another slug")
        else:
            owners[key] = article


def load(root: Path, base_url: str | None = None, progress: Progress | None = None) -> Site:
    """Gather and check everything; raise SiteError listing every problem before anything is written."""
    problems = Problems()
    settings = load_settings(root, problems, base_url)
    articles = read_articles(root, problems, progress)
    if settings is None:
        raise SiteError(problems)
    assign_urls(settings, articles, problems)
    apply_labels(settings, articles)
    for article in articles:
        if article.date is None:
            problems.warning(article.path, article.line_of("date"),
                             "the article has no date; it is listed as undated",
                             "add a line such as 'date: 2017-09-17' to the front matter")
    unresolved = links.resolve(articles, problems)
    site = Site(root, settings, articles, unresolved, problems)
    site.redirects = aliases.check(settings, articles, problems)
    if problems.errors:
        raise SiteError(problems)
    return site


def apply_labels(settings: Settings, articles: list[Article]) -> None:
    """Show raw CMS values (section 'culture') under the names chosen in site.yaml's labels."""
    if not settings.labels:
        return
    for article in articles:
        article.section = settings.label("section", article.section)
        article.source = settings.label("source", article.source)
        article.place = settings.label("place", article.place)
        article.tags = tuple(settings.label("tags", t) for t in article.tags)


def pages(site: Site, nav: collections.Navigation) -> Iterator[Page]:
    """Every page of the site, in a stable order."""
    for article in sorted(site.articles, key=lambda a: a.url):
        yield article_page(article, nav.for_article(article))
    yield from collections.listing_pages(site.settings, nav)
    if site.settings.search:
        yield search.search_page(site.articles)
    yield Page("404.html", "404.html", "الصفحة غير موجودة", {"absolute_links": True}, [])


def build(site: Site, out: Path, progress: Progress | None = None, cache: Path | None = None) -> BuildResult:
    """Render every page into a staging folder and swap it in for `out`; `cache` keeps share cards."""
    started = time.perf_counter()
    renderer = Renderer(site.settings, site.root)
    nav = collections.navigation(site.articles)
    renderer.env.globals["menu"] = collections.menu(nav)
    publisher = publishing.Publisher(site, renderer, nav, cache)
    output = Output(out)
    output.start()
    count = 0
    try:
        output.copy_tree(THEME / "static")
        if (site.root / "static").is_dir():
            output.copy_tree(site.root / "static")
        output.write(".nojekyll", "")
        total = len(site.articles)
        for page in pages(site, nav):
            output.write(page.path, renderer.render(page))
            publisher.saw(page)
            count += 1
            if progress:
                progress(min(count, total), total)
        if site.settings.search:
            search.build_index(site.articles, renderer, output)
        report = publisher.write(output)
        publisher.check_size(output.bytes_written)
        output.commit()
    except BaseException:
        output.abort()
        raise
    return BuildResult(site, count, output.files_written, output.bytes_written,
                       time.perf_counter() - started, output.out, report)

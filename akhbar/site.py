"""The pipeline: load and check everything, then render and write, as a flat list of stages."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import pickle
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import TemplateError

from . import (
    aliases,
    cards,
    collections,
    feeds,
    incremental,
    links,
    media,
    publishing,
    search,
    sources,
    timings,
    workers,
)
from .config import Settings, Shard, load_settings
from .content import LARGE_FILE_BYTES, MAX_FILE_BYTES, Article, parse_article
from .i18n import N_, _
from .output import Claim, Output, build_lock, collisions, path_key
from .problems import Problem, Problems, SiteError, read_hint, reason, unicode_forms, write_hint
from .render import THEME, Page, PageError, Renderer, Urls, article_page, template_problem

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
    images: media.Media = field(default_factory=media.Media)  # the image files the site publishes
    templates: dict[str, tuple[str, str]] = field(default_factory=dict)  # the site's own, read while loading
    static: list[sources.Source] = field(default_factory=list)  # the site's static/ files
    nav: collections.Navigation | None = None  # ordered articles, terms, neighbours (made while loading)
    pages: list[Page] | None = None  # every page, listed while loading (to check their addresses)
    # a shard of a sharded archive (for_shard): the whole archive, and the pages other shards publish
    archive: list[Article] | None = None
    urls: Urls | None = None  # links to other shards' pages
    archive_page: Page | None = None  # the archive index, listing every shard's years
    shards: list[tuple[str, str, list[Article]]] | None = None  # for the search page, newest first


@dataclass
class BuildResult:
    site: Site
    pages: int = 0
    files: int = 0
    bytes: int = 0
    seconds: float = 0.0
    rendered: int = 0  # pages rendered by this build; the rest were unchanged and reused
    reused: int = 0
    search_indexed: bool = False  # the search index was built (not reused)
    search_stale: bool = False  # defer_search kept an index older than the articles
    stamp: str = ""  # incremental.tree_stamp of the folder swapped in (with build(stamp=True))
    out: Path = field(default_factory=Path)
    published: publishing.PublishReport | None = None  # cards, feeds, sitemaps, redirects, size warnings


def article_files(root: Path, problems: Problems) -> list[sources.Source]:
    """Every article file under content/, in order; names starting with '_' or '.' are skipped."""
    if not os.path.lexists(root / "content"):
        problems.error("content", 0, _("the content/ folder is missing"), _("create it and put articles in it"))
        return []
    return sources.walk(root, sources.CONTENT, problems, wanted=sources.is_article, skip=sources.skipped_in_content)


def read_articles(root: Path, problems: Problems, progress: Progress | None = None,
                  jobs: int | None = None, cached: bool = True) -> list[Article]:
    """Parse every article; problems are collected, never raised.

    Files parsed by an earlier build with the same bytes come from the parse cache; the rest
    are parsed in worker processes when there are many.
    """
    started = time.perf_counter()
    files = article_files(root, problems)
    cache = incremental.ParseCache(incremental.state_dir(root) if cached else None)
    slots: list[tuple[str, bytes, bytes, tuple[bytes | None, list[Problem]] | None]] = []
    for source in files:
        rel = source.rel
        if source.size > MAX_FILE_BYTES:
            problems.error(rel, 1, _("the file is {size} MB; articles over {most} MB are not read").format(
                size=f"{source.size / 1e6:.1f}", most=f"{MAX_FILE_BYTES / 1e6:.0f}"), _("split it or remove it"))
            continue
        try:
            data = source.path.read_bytes()
        except OSError as exc:
            problems.error(rel, 1, _("the file could not be read: {reason}").format(reason=reason(exc)),
                           read_hint(exc))
            continue
        key = cache.key(rel, data)
        slots.append((rel, data, key, cache.get(key)))
    missing = [(rel, data) for rel, data, _key, found in slots if found is None]
    parsed = _parse_all(missing, jobs)
    articles = []
    for done, (rel, data, key, found) in enumerate(slots, 1):
        if found is None:
            found = next(parsed)
            cache.put(key, *found)
        pickled, found_problems = found
        problems.items.extend(found_problems)
        if pickled is not None:
            articles.append(pickle.loads(pickled))
            if len(data) > LARGE_FILE_BYTES:
                problems.warning(rel, 1, _("the article is {size} MB; it was built, but a page this large is slow to "
                                           "open").format(size=f"{len(data) / 1e6:.1f}"),
                                 _("is it several articles in one? split it"))
        if progress:
            progress(done, len(slots))
    cache.save()
    timings.record("read and parse articles", started)
    return articles


def read_theme(root: Path, problems: Problems) -> tuple[dict[str, tuple[str, str]], list[sources.Source]]:
    """The site's own templates (read) and static files (listed and opened once), all checked."""
    templates = sources.read_templates(sources.walk(root, sources.TEMPLATES, problems), problems)
    static = sources.walk(root, sources.STATIC, problems)
    sources.check_readable(static, problems)
    return templates, static


def _parse_one(item: tuple[str, bytes]) -> tuple[bytes | None, list[Problem]]:
    """Parse one file; the article comes back pickled, as the cache keeps it."""
    rel, data = item
    found = Problems()
    article = parse_article(rel, data, found)
    return (pickle.dumps(article, protocol=pickle.HIGHEST_PROTOCOL) if article else None), found.items


def _parse_all(items: list[tuple[str, bytes]], jobs: int | None) -> Iterator[tuple[bytes | None, list[Problem]]]:
    return workers.chunked(lambda a, b: [_parse_one(item) for item in items[a:b]], len(items), jobs,
                           parallel_from=PARALLEL_FROM)


PARALLEL_FROM = workers.PARALLEL_FROM  # tests lower it to use worker processes on small sites


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
    for article in articles:
        article.url = permalink(settings, article)
        key = article.url.casefold()
        if key in owners:
            other = owners[key]
            forms = unicode_forms(article.path, other.path)
            problems.error(article.path, article.line_of("slug"),
                           _("this article has the same address as {path} ({url})").format(path=other.path,
                                                                                            url=article.url)
                           + (f"; {forms}" if forms else ""), _("give one of them a different 'slug:'"))
        else:
            owners[key] = article


def load(root: Path, base_url: str | None = None, progress: Progress | None = None, *,
         search: bool | None = None, jobs: int | None = None, cached: bool = True) -> Site:
    """Gather and check everything; raise SiteError listing every problem before anything is written.

    `search=False` builds without the search index and page, whatever site.yaml says; `cached`
    reuses articles parsed by earlier builds when their files are unchanged.
    """
    problems = Problems()
    settings = load_settings(root, problems, base_url)
    articles = read_articles(root, problems, progress, jobs, cached)
    templates, static = read_theme(root, problems)
    if settings is None:
        raise SiteError(problems)
    Renderer(settings, root, templates).check(sorted(templates), problems)
    if search is not None and search != settings.search:
        settings = dataclasses.replace(settings, search=search)
    assign_urls(settings, articles, problems)
    apply_labels(settings, articles)
    with timings.span("check images"):
        images = media.attach(root, articles, problems, incremental.state_dir(root) if cached else None)
    for article in articles:
        if article.date is None:
            problems.warning(article.path, article.line_of("date"),
                             _("the article has no date; it is listed as undated"),
                             _("add a line such as 'date: 2017-09-17' to the front matter"))
    with timings.span("resolve see-also links"):
        unresolved = links.resolve(articles, problems)
    site = Site(root, settings, articles, unresolved, problems, images=images, templates=templates, static=static)
    site.redirects = aliases.check(settings, articles, problems)
    site.nav = collections.navigation(articles)
    with timings.span("check every output address"):
        check_addresses(site, problems)
    if problems.errors:
        raise SiteError(problems)
    return site


def claimed_outputs(site: Site) -> list[Claim]:
    """Every file (or whole folder) the build will write, with what wants it there, before anything is
    written: static files (the theme's, then the site's), pages, images, redirects, cards, feeds,
    sitemaps, robots.txt, CNAME and the search index."""
    settings, nav = site.settings, site.nav or collections.navigation(site.articles)
    own = {source.rel.split("/", 1)[1] for source in site.static}
    claims = [Claim(rel, _("the theme's file {path}").format(path=rel), kind="theme")
              for rel in theme_static() if rel not in own]
    claims += [Claim(rel, _("the file static/{path}").format(path=rel), f"static/{rel}", 0, "static")
               for rel in sorted(own)]
    claims.append(Claim(".nojekyll", _("the .nojekyll file GitHub Pages needs")))
    if site.pages is None:
        site.pages = list(pages(site, nav))
    for page in site.pages:
        article = page.data.get("article")
        if article is not None:
            claims.append(Claim(page.path, _("the article {path}").format(path=article.path), article.path,
                                article.line_of("slug"),
                                "article"))
        else:
            claims.append(Claim(page.path, _("the site's page «{title}»").format(title=page.title)))
    for job in media.jobs(site.images):
        claims.append(Claim(job.variant.path, _("the image {source} as published").format(source=job.source),
                            kind="image"))
    for redirect in site.redirects:
        source = redirect.article.path
        claims.append(Claim(redirect.path, _("an alias of {source}").format(source=source), source,
                            redirect.article.line_of("aliases"), "alias"))
    if cards.find_fonts()[0] is not None:
        for article in site.articles if settings.cards else ():
            claims.append(Claim(publishing.card_path(article), _("the share card of {path}").format(path=article.path),
                                article.path, article.line_of("slug"), "card"))
        if publishing.SITE_CARD not in own:
            claims.append(Claim(publishing.SITE_CARD, _("the site's share card")))
        if publishing.LOGO not in own:
            claims.append(Claim(publishing.LOGO, _("the publisher's logo")))
    sections = nav.terms.get("section", [])
    for feed in feeds.plan_feeds(settings.title, nav.ordered, sections, settings.feed_size):
        claims.append(Claim(feed.path, _("the Atom feed «{title}»").format(title=feed.title)))
    claims += [Claim(path, _("the site's sitemap")) for path in _sitemap_paths(site.pages, settings)]
    claims.append(Claim(feeds.ROBOTS, _("the site's robots.txt")))
    if settings.cname:
        claims.append(Claim("CNAME", _("the CNAME file (cname: in site.yaml)")))
    if settings.search:
        claims += [Claim(f"{b.folder}/", _("the search index")) for b in search.plan_bundles(site.articles)]
    return claims


def _sitemap_paths(all_pages: list[Page], settings: Settings) -> list[str]:
    """The sitemap files the build writes; one, unless the pages may pass a sitemap's limits."""
    most = sum(3 * len(page.path.encode()) for page in all_pages)  # quoted, each byte at most '%XX'
    if len(all_pages) < feeds.SITEMAP_URLS and most + len(all_pages) * 200 < feeds.SITEMAP_BYTES // 2:
        return [feeds.SITEMAP]
    absolute = Urls(settings).absolute
    entries = [e for e in map(lambda p: publishing.sitemap_entry(p, absolute), all_pages)
               if e is not None and len(e.loc) <= feeds.MAX_LOC]
    return feeds.sitemap_paths(entries)


def theme_static() -> list[str]:
    """The bundled theme's static files, by their path in the site."""
    folder = THEME / "static"
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                  if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts))


_BLAME = {"static": 0, "alias": 1, "card": 2, "article": 2}  # who is told: the most likely mistake first
# What the editor's file is told (translated where it is said): "{subject} {path} {clash}", and the fix.
_SUBJECT = {"static": N_("this file would be published as {path}, which {clash}"),
            "alias": N_("the alias {path} {clash}"),
            "card": N_("this article's share card {path} {clash}"),
            "article": N_("this article's address {path} {clash}")}
_FIX = {"static": N_("rename or remove it"), "alias": N_("remove it from aliases"),
        "card": N_("give the article another 'slug:'"), "article": N_("give it another 'slug:', or change 'permalink'")}


def check_addresses(site: Site, problems: Problems) -> None:
    """Two things the build would write to one path (or a file where a folder must be) is an error
    at the editor's file, naming both. Two articles are reported by assign_urls already."""
    for first, later in collisions(claimed_outputs(site)):
        if {first.kind, later.kind} <= {"article", "card"}:
            continue  # two articles on one address (and so their cards): assign_urls names both
        blamed, other = sorted((first, later), key=lambda c: _BLAME.get(c.kind, 9))
        if not blamed.source:
            continue  # two of the site's own pages (terms spelt alike): not the editor's to fix
        if path_key(blamed.path) == path_key(other.path):
            clash = _("is also the address of {owner}").format(owner=other.owner)
            if blamed.path != other.path:
                forms = unicode_forms(blamed.path, other.path)
                clash += _(", written {path}").format(path=other.path) + (f" ({forms})" if forms else "")
        elif other.path.endswith("/") and path_key(blamed.path).startswith(path_key(other.path) + "/"):
            clash = _("lies inside {path}, the folder of {owner}").format(path=other.path, owner=other.owner)
        else:
            clash = _("clashes with {path} ({owner}): one is a file where the other needs a folder").format(
                path=other.path, owner=other.owner)
        problems.error(blamed.source, blamed.line, _(_SUBJECT[blamed.kind]).format(path=blamed.path, clash=clash),
                       _(_FIX[blamed.kind]))


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
    yield from collections.listing_pages(site.settings, nav, site.archive_page)
    if site.settings.search:
        yield search.search_page(site.articles, shards=site.shards or ())
    yield Page("404.html", "404.html", "الصفحة غير موجودة", {"absolute_links": True}, [])


def build(site: Site, out: Path, progress: Progress | None = None, cache: Path | None = None, *,
          jobs: int | None = None, incremental_build: bool = True, defer_search: bool = False,
          stamp: bool = False) -> BuildResult:
    """Render every page into a staging folder and swap it in for `out`; `cache` keeps share cards.

    With `incremental_build`, pages whose inputs did not change since the last build into `out`
    are linked from it rather than rendered, and an unchanged search index is reused; pages to
    render are shared among `jobs` worker processes (default: every core). `defer_search` keeps
    the previous search index when the articles changed (the preview server re-indexes after).
    `stamp` records in the result what the no-op check compares the output folder with.
    """
    with build_lock(out):
        return _build(site, out, progress, cache, jobs, incremental_build, defer_search, stamp)


def _build(site: Site, out: Path, progress: Progress | None, cache: Path | None, jobs: int | None,
           incremental_build: bool, defer_search: bool, stamp: bool) -> BuildResult:
    started = time.perf_counter()
    renderer = Renderer(site.settings, site.root, site.templates, site.urls)
    nav = site.nav or collections.navigation(site.articles)
    renderer.env.globals["menu"] = collections.menu(nav)
    renderer.env.globals["section_of"] = nav.section_of
    publisher = publishing.Publisher(site, renderer, nav, cache)
    output = Output(out, site.root)
    result = BuildResult(site, out=output.out)
    indexing: search.IndexJob | None = None
    try:
        output.start()
        search.sweep_all_scratch()
        previous = incremental.load_out_state(site.root, output.out) if incremental_build else incremental.OutState()
        state = incremental.OutState()
        prints = incremental.Fingerprints(_salt(site, renderer, nav, publisher))
        if site.settings.search:  # Pagefind indexes in the background while pages and cards are made
            indexing = _search_index(site, renderer, output, previous, state, prints, defer_search, result)
        with timings.span("copy static files"):
            output.copy_tree(THEME / "static")
            for source in site.static:
                output.copy(source.rel.split("/", 1)[1], source.path)
            output.write(".nojekyll", "")
        fingerprinting = time.perf_counter()
        all_pages = site.pages if site.pages is not None and nav is site.nav else list(pages(site, nav))
        todo: list[Page] = []
        for page in all_pages:
            fingerprint = prints.page(page.path, page.template, page.title, page.data, page.breadcrumbs)
            if incremental.carry(previous, state, output, page.path, fingerprint):
                result.reused += 1
            else:
                todo.append(page)
                if fingerprint is not None:
                    state.pages[page.path] = incremental.PageRecord(fingerprint, 0, 0)
        timings.record("list and fingerprint pages", fingerprinting)
        rendering = time.perf_counter()
        written = _write_pages(renderer, output, todo, jobs)
        for count, (page, (size, mtime_ns)) in enumerate(zip(todo, written, strict=True), 1):
            record = state.pages.get(page.path)
            if record is not None:
                record.size, record.mtime_ns = size, mtime_ns
            if progress:
                progress(count, len(todo))
        for page in all_pages:
            publisher.saw(page)
        timings.record("render and write pages", rendering)
        result.pages = len(all_pages)
        result.rendered = len(todo)
        publisher.previous, publisher.state = previous, state
        with timings.span("cards, feeds and sitemaps"):
            result.published = publisher.write(output)
        if indexing is not None:
            with timings.span("wait for the search index"):
                indexing.finish()
            indexing = None
        publisher.check_size(output.bytes_written)
        # what the next build checks the folder against is taken from this build's own folder
        identity = incremental.folder_identity(output.staging)
        result.stamp = incremental.tree_stamp(output.staging) if stamp else ""
        with timings.span("swap in the new site"):
            output.commit()
    except BaseException as exc:
        if indexing is not None:
            indexing.cancel()
        output.abort()
        failure = _failure(exc, site, output)
        if failure is not None:
            raise SiteError(Problems([failure])) from exc
        raise
    incremental.save_out_state(site.root, output.out, state, identity)  # accurate after a clean build too
    result.files, result.bytes = output.files_written, output.bytes_written
    result.seconds = time.perf_counter() - started
    return result


def _failure(exc: BaseException, site: Site, output: Output) -> Problem | None:
    """What stopped a build, as a problem for the editor (None: not one the editor can act on).

    A page's template fails at its line; the machine's failures name the output folder (a full
    disk, a read-only or busy file system) or the site's file that could not be read.
    """
    if isinstance(exc, PageError):
        return exc.problem
    if isinstance(exc, TemplateError):
        return template_problem(exc, site.root, "a page")
    if not isinstance(exc, OSError):
        return None
    filename = Path(os.fsdecode(exc.filename)) if isinstance(exc.filename, (str, bytes)) else None
    ours = filename is None or filename == output.out.parent or any(
        filename.is_relative_to(f) for f in (output.staging, output.out))
    if not ours and filename is not None and filename.is_relative_to(site.root):
        return Problem(filename.relative_to(site.root).as_posix(), 0,
                       _("the file could not be read: {reason}").format(reason=reason(exc)), hint=read_hint(exc))
    if not ours and filename is not None:  # a temporary folder (the search index's sources)
        return Problem(str(filename), 0, _("the build's temporary files could not be written: "
                                           "{reason}").format(reason=reason(exc)),
                       hint=write_hint(exc))
    return Problem(str(output.out), 0, _("the new site could not be written: {reason}").format(reason=reason(exc)),
                   hint=write_hint(exc))


def _salt(site: Site, renderer: Renderer, nav: collections.Navigation, publisher: publishing.Publisher) -> bytes:
    """Everything every page depends on: the generator, the site's settings, templates and menu."""
    h = hashlib.blake2b(incremental.code_digest(), digest_size=20)
    h.update(repr(site.settings).encode())
    for name, (text, _file) in sorted(site.templates.items()):
        h.update(f"{name}\0{text}\0".encode("utf-8", "surrogateescape"))
    h.update(repr(renderer.env.globals["menu"]).encode())
    # every listing labels its items with their section: its shown name and address
    h.update(repr([(t.key, t.name, t.path) for t in nav.terms["section"]]).encode())
    h.update(repr([(f.title, f.path, f.page) for f in publisher.feeds]).encode())
    h.update(repr((publisher.fonts is not None, publisher.own_static(publishing.SITE_CARD),
                   publisher.own_static(publishing.LOGO))).encode())
    return h.digest()


def _write_one(renderer: Renderer, output: Output, page: Page) -> tuple[int, int]:
    try:
        html = renderer.render(page)
    except TemplateError as exc:  # in a worker process too: the problem travels back, the traceback would not
        raise PageError(template_problem(exc, renderer.site_dir, page.path)) from None
    info = output.write(page.path, html, count=False).stat()
    return info.st_size, info.st_mtime_ns


def _write_pages(renderer: Renderer, output: Output, todo: list[Page], jobs: int | None) -> Iterator[tuple[int, int]]:
    """Render and write each page; yield (size, modification time) in order.

    With many pages, worker processes forked with the whole site each render and write a share
    of them; every page depends on its inputs only, so the bytes are the same either way.
    """
    for size, mtime_ns in workers.chunked(lambda a, b: [_write_one(renderer, output, p) for p in todo[a:b]],
                                          len(todo), jobs, parallel_from=PARALLEL_FROM):
        output.bytes_written += size
        output.files_written += 1
        yield size, mtime_ns


def _search_index(site: Site, renderer: Renderer, output: Output, previous: incremental.OutState,
                  state: incremental.OutState, prints: incremental.Fingerprints, defer: bool,
                  result: BuildResult) -> search.IndexJob | None:
    """Start indexing the search bundles whose articles changed; link the others from the previous site.

    A bundle's fingerprint covers its articles, the spellings shown in filters (taken from
    the whole archive) and the site's search synonyms (its variant table is made from them).
    With `defer`, a previous index with the same bundles is kept as it is.
    """
    bundles = search.plan_bundles(site.articles)
    names = json.dumps(search.filter_names(site.archive or site.articles), ensure_ascii=False,
                       sort_keys=True).encode()
    synonyms = json.dumps(site.settings.search_synonyms, ensure_ascii=False).encode()
    wanted = {}
    for bundle in bundles:
        ordered = sorted(bundle.articles, key=lambda a: a.url)
        parts = [bundle.folder.encode(), names, synonyms, *(prints.article_own(a) for a in ordered)]
        wanted[bundle.folder] = incremental.digest_of(parts, prints.salt)
    have = {folder for folder, fingerprint in previous.bundles.items() if (output.out / folder).is_dir()}
    if defer and previous.bundles.keys() == wanted.keys() and have == set(wanted):
        _link_folders(output, tuple(wanted))
        state.bundles = dict(previous.bundles)  # the next full build re-indexes what changed
        result.search_stale = previous.bundles != wanted
        return None
    todo = set()
    for folder, fingerprint in wanted.items():
        if folder in have and previous.bundles[folder] == fingerprint:
            _link_folders(output, (folder,))
        else:
            todo.add(folder)
        state.bundles[folder] = fingerprint
    if not todo:
        return None
    result.search_indexed = True
    return search.IndexJob(site.articles, renderer, output=output, only=todo, archive=site.archive)


def _link_folders(output: Output, folders: tuple[str, ...]) -> None:
    """Link the previous build's copies of `folders` into the new site."""
    for folder in folders:
        source = output.out / folder
        for path in sorted(source.rglob("*")):
            if path.is_file() and not path.is_symlink():
                output.link(path.relative_to(output.out).as_posix(), path)


# ---------------------------------------------------------------- shards


def shard_of(shards: tuple[Shard, ...], article: Article) -> Shard:
    """The shard holding an article: the first whose `until` is on or after its date; undated: the last."""
    if article.date is not None:
        day = article.date if not hasattr(article.date, "date") else article.date.date()  # type: ignore[union-attr]
        for shard in shards[:-1]:
            if shard.until is not None and day <= shard.until:
                return shard
    return shards[-1]


def shard_problem(site: Site, name: str) -> Problem | None:
    """Why `build --shard NAME` cannot build that shard (None: it can)."""
    names = [s.name for s in site.settings.shards]
    if not names:
        return Problem("site.yaml", 1, _("--shard {name}: site.yaml has no 'shards:'").format(name=name),
                       hint=_("add shards: (see the README's «Archives larger than one site»), or build without "
                              "--shard"))
    if name not in names:
        import difflib

        close = difflib.get_close_matches(name, names, n=1)
        return Problem("site.yaml", 1, _("--shard {name}: no shard has that name").format(name=name),
                       hint=_("did you mean {names}?").format(names=close[0]) if close
                       else _("the shards are {names}").format(names=", ".join(names)))
    return None


def for_shard(site: Site, name: str) -> Site:
    """The part of a sharded archive one shard publishes, from the whole archive loaded and checked.

    Its pages, listings, feeds, sitemap, images, redirects and search bundles are its own articles';
    links to articles (and archive years and months) of other shards are absolute addresses under
    their base_url, so "see also" entries, backlinks and the next and previous articles cross shards.
    Its search page also searches the other shards' bundles. An older shard's links to the home page
    go to the newest shard's.
    """
    shards = site.settings.shards
    shard = next(s for s in shards if s.name == name)
    held = {s.name: [] for s in shards}  # type: dict[str, list[Article]]
    for article in site.articles:
        held[shard_of(shards, article).name].append(article)
    own = held[name]
    mine = {id(a) for a in own}
    settings = dataclasses.replace(site.settings, base_url=shard.base_url, shard=name)
    elsewhere = {a.url: shard_of(shards, a).base_url for a in site.articles if id(a) not in mine}
    # the archive index: every year and month of the archive, linked to the shard holding it (to this
    # one when it holds part of it, else to the newest shard that holds it)
    periods: dict[str, list[str]] = {}
    for article in site.articles:
        if article.date is not None:
            d = article.date
            for parts in ((d.year,), (d.year, d.month)):
                path = collections.page_path(collections.period_folder(parts), 1)
                holders = periods.setdefault(path, [])
                base = shard_of(shards, article).base_url
                if base not in holders:
                    holders.append(base)
    if any(a.date is None for a in site.articles):
        periods["archive/undated/index.html"] = [shards[-1].base_url]
    period_links = {path: max(holders, key=[s.base_url for s in shards].index)
                    for path, holders in periods.items() if shard.base_url not in holders}
    elsewhere.update(period_links)
    home = shards[-1].base_url if shard is not shards[-1] else ""
    urls = Urls(settings, elsewhere, home)
    ordered_all = collections.newest_first(site.articles)
    archive_page = collections.archive_index(settings, ordered_all, period_links)
    nav = collections.navigation(own)
    # the next and previous article run on across shards
    dated = [a for a in ordered_all if a.date]
    for newer, older in zip(dated, dated[1:], strict=False):
        if id(older) in mine:
            nav.newer[id(older)] = newer
        if id(newer) in mine:
            nav.older[id(newer)] = older
    shown = {p.src for a in own for p in (a.picture, *a.pictures) if p is not None}
    images = media.Media(site.images.files, {rel: p for rel, p in site.images.pictures.items() if p.src in shown})
    part = Site(site.root, settings, own, [u for u in site.unresolved if id(u.article) in mine], site.problems,
                redirects=[r for r in site.redirects if id(r.article) in mine], images=images,
                templates=site.templates, static=site.static, nav=nav, archive=site.articles, urls=urls,
                archive_page=archive_page,
                shards=[(s.name, "" if s is shard else s.base_url, held[s.name]) for s in reversed(shards)])
    problems = Problems()
    check_addresses(part, problems)
    if problems.errors:
        raise SiteError(problems)
    return part

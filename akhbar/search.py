"""The search index over the written site: Pagefind bundles, made Arabic-aware and usable from disk.

Pagefind (the pinned binary from the `pagefind[bin]` package) does not index the article pages
themselves. For every article this module writes an *index source* page into a temporary folder,
at the article's own path, whose text is the article's words already normalised by
`akhbar.arabic` (one whitespace token per original word, so Pagefind's word positions point at
the original words). The original text rides along as metadata, so the browser can show excerpts
in the article's own spelling. The sources go to tmpfs when it has room (each new file on disk
costs more than its bytes); Pagefind's CLI indexes them, in a background thread while the build
renders pages, straight into the staging folder, so a failed index leaves the previous site in
place. Workers started meanwhile run at a lower priority: the index is the build's longest chain.

Opened from disk (file://), browsers block Pagefind's module import, fetch() and Web Worker.
For that case every bundle file also gets a `<file>.js` twin that hands its bytes to the page
as a classic script (fragments share one twin per hash prefix, `fragment/pack-<xx>.js`), and
`pagefind-file.js` is Pagefind's own loader rewritten as a classic script whose fetch() reads
those twins. HTTP visitors use the stock files only.
"""

from __future__ import annotations

import functools
import html
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from . import collections, matching, timings, workers
from .content import Article, date_iso
from .i18n import _
from .output import Output, pid_alive
from .pagefind_bundle import (
    PAGEFIND_VERSION,
    SearchError,
    file_twins,
    pack_of,
    pack_script,
    reproducible,
    without_text,
)
from .render import Page, Renderer

INDEX_LANGUAGE = "und"  # no Pagefind stemmer: akhbar.arabic does the Arabic matching
SPLIT_ABOVE = 10_000  # articles per bundle before the index is split by date
SEARCH_PAGE = "search/index.html"
BUNDLE = "pagefind"
PLACEHOLDER = matching.PLACEHOLDER
RULES_FILE = "akhbar-rules.js"  # beside each bundle: the variant table its index was made with
WORDS_FILE = "akhbar-words.js"  # beside each bundle: spellings that queries may be corrected to
# Pagefind's own UIs: the search page is built on the JS API, so these are not shipped.
UNUSED = re.compile(r"^pagefind-(ui|component-ui|modular-ui|highlight)\.(js|css)$")
_BLOCKS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "br", "div", "blockquote",
                     "pre", "tr", "td", "th", "dt", "dd", "hr", "table", "ul", "ol"})
FILTERS = ("section", "source", "place")  # and the year, from the date
FilterNames = dict[str, dict[str, str]]  # filter → normalised key → the spelling shown


@dataclass(frozen=True)
class Bundle:
    """One Pagefind bundle: its folder in the site and the articles it indexes."""

    folder: str
    articles: tuple[Article, ...]


# ---------------------------------------------------------------- what is indexed


class _TextParser(HTMLParser):
    """Plain text of rendered article HTML, with a space wherever a block ends."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text(fragment: str) -> str:
    """The text a reader sees in a piece of rendered HTML."""
    parser = _TextParser()
    parser.feed(fragment)
    parser.close()
    return "".join(parser.parts)


def article_chunks(article: Article) -> tuple[list[str], list[str]]:
    """The article's searchable text as whitespace-separated chunks: (headline, the rest)."""
    rest = " ".join(filter(None, (article.summary, html_text(article.body_html), " ".join(article.tags))))
    return article.title.split(), rest.split()


def index_token(chunk: str, rules: matching.Rules | None = None) -> str:
    """The token that stands for one chunk in the index (phrases aside: see matching.index_tokens)."""
    return matching.index_tokens([chunk], rules or _default_rules())[0]


def query_terms(query: str, rules: matching.Rules | None = None) -> list[str]:
    """The Pagefind terms for a reader's query (mirrors terms() in search-normalise.js)."""
    return list(dict.fromkeys(term.group for term in matching.query_terms(query, rules or _default_rules())))


@functools.cache
def _default_rules() -> matching.Rules:
    return matching.site_rules()


# Pagefind 1.5 indexes every metadata field for search. The original text, kept for excerpts,
# is stored with no word characters at all (Arabic letters as Braille patterns, other printable
# ASCII as box-drawing characters, anything else escaped), so it adds nothing to the index.
_ARABIC, _ARABIC_AS = 0x0600, 0x2800
_ASCII, _ASCII_AS, _ASCII_LAST = 0x21, 0x2500, 0x7E
_ESCAPE_OPEN, _ESCAPE_CLOSE = "\u2580", "\u2581"


class _HideTable(dict[int, str]):
    """str.translate table for hide_words: fixed blocks for Arabic and ASCII, escapes for the rest."""

    def __missing__(self, code: int) -> str:
        if _ARABIC <= code <= _ARABIC + 0xFF:
            value = chr(_ARABIC_AS + code - _ARABIC)
        elif _ASCII <= code <= _ASCII_LAST:
            value = chr(_ASCII_AS + code - _ASCII)
        else:
            value = _ESCAPE_OPEN + "".join(chr(_ASCII_AS + ord(d) - _ASCII) for d in f"{code:x}") + _ESCAPE_CLOSE
        self[code] = value
        return value


_HIDE = _HideTable()


def hide_words(text: str) -> str:
    """Encode text (without whitespace) so that it holds no word characters; see reveal_words."""
    return text.translate(_HIDE)


def reveal_words(text: str) -> str:
    """Decode hide_words (mirrored by search.js)."""
    out, i = [], 0
    while i < len(text):
        code = ord(text[i])
        if text[i] == _ESCAPE_OPEN:
            end = text.index(_ESCAPE_CLOSE, i)
            out.append(chr(int("".join(chr(ord(d) - _ASCII_AS + _ASCII) for d in text[i + 1:end]), 16)))
            i = end
        elif _ARABIC_AS <= code <= _ARABIC_AS + 0xFF:
            out.append(chr(_ARABIC + code - _ARABIC_AS))
        elif _ASCII_AS <= code <= _ASCII_AS + _ASCII_LAST - _ASCII:
            out.append(chr(_ASCII + code - _ASCII_AS))
        else:
            out.append(text[i])
        i += 1
    return "".join(out)


def _meta(kind: str, name: str, value: str) -> str:
    return f'<meta data-pagefind-{kind}="{name}[content]" content="{html.escape(value)}">\n'


def filter_names(articles: Sequence[Article]) -> FilterNames:
    """One spelling per section, source and place, as on their listing pages ('د.ب.أ' = 'د ب أ')."""
    return {kind: collections.display_names([getattr(a, kind) for a in articles if getattr(a, kind)])
            for kind in FILTERS}


def _filter_value(names: FilterNames | None, kind: str, value: str) -> str:
    if not value or names is None:
        return value
    return names[kind].get(collections.term_key(value), value)


def index_source(article: Article, date_label: str, names: FilterNames | None = None,
                 rules: matching.Rules | None = None) -> str:
    """The page Pagefind indexes for one article: normalised words, original text as hidden metadata.

    The headline's keys are also its `title` metadata, so that Pagefind ranks a match in the
    headline above one in the body; everything else shown with a result is stored hidden, so that
    only the keys are words of the index.
    """
    rules = rules or _default_rules()
    title, rest = article_chunks(article)
    filters = {kind: _filter_value(names, kind, getattr(article, kind)) for kind in FILTERS}
    filters["year"] = article.year
    headline = " ".join(matching.index_tokens(title, rules))
    shown = {"date": date_iso(article.date) if article.date else "", "date_label": date_label,
             "section": filters["section"], "source": filters["source"], "place": filters["place"]}
    metas = {"title": headline, "text": " ".join(map(hide_words, title + rest)), "tn": str(len(title)),
             **{k: hide_words(v) for k, v in shown.items()}}
    head = "".join(_meta("meta", k, v) for k, v in metas.items() if v)
    head += "".join(_meta("filter", k, v) for k, v in filters.items() if v)
    head += _meta("sort", "date", date_iso(article.date) if article.date else "0000")
    words = " ".join(matching.index_tokens(rest, rules))
    return (f'<!DOCTYPE html>\n<html lang="{INDEX_LANGUAGE}">\n<head>\n<meta charset="utf-8">\n{head}'
            f"</head>\n<body>\n<main data-pagefind-body>\n"
            f"<h1>{html.escape(headline)}</h1>\n"
            f"<p>{html.escape(words)}</p>\n</main>\n</body>\n</html>\n")


def bundle_rules(articles: Sequence[Article], rules: matching.Rules,
                 parallel: bool = True) -> tuple[matching.Rules, list[str]]:
    """The variant table of one bundle (the site's, with what its articles add) and its suggestion words."""
    vocabulary = matching.Vocabulary()

    def count(start: int, end: int) -> list[matching.Vocabulary]:
        part = matching.Vocabulary()
        for article in articles[start:end]:
            title, rest = article_chunks(article)
            part.add_article(title + rest)
        return [part]

    for part in (workers.chunked(count, len(articles)) if parallel else count(0, len(articles))):
        vocabulary.merge(part)
    known = vocabulary.articles

    def pairs(start: int, end: int) -> list[Counter[tuple[str, str]]]:
        found: Counter[tuple[str, str]] = Counter()
        for article in articles[start:end]:
            title, rest = article_chunks(article)
            found.update(matching.compound_pairs(title, known) | matching.compound_pairs(rest, known))
        return [found]

    compounds: Counter[tuple[str, str]] = Counter()
    for part_pairs in (workers.chunked(pairs, len(articles)) if parallel else pairs(0, len(articles))):
        compounds.update(part_pairs)
    return matching.derive_rules(rules, vocabulary, compounds), matching.suggestion_words(vocabulary)


def rules_script(rules: matching.Rules) -> str:
    """The bundle's variant table as a classic script (it loads from disk too)."""
    return f"window.__akhbarSearchRules({rules.as_json()});\n"


def words_script(words: Sequence[str]) -> str:
    """The bundle's suggestion words as a classic script, commonest first."""
    return f"window.__akhbarSearchWords({json.dumps(list(words), ensure_ascii=False, separators=(',', ':'))});\n"


# ---------------------------------------------------------------- bundles


def plan_bundles(articles: Sequence[Article], split_above: int | None = None) -> list[Bundle]:
    """Group articles into bundles of at most `split_above`, newest first, whole years together.

    A small archive has one bundle, `pagefind/`. A large one gets `pagefind/` (the newest
    articles), then `pagefind-2/`, `pagefind-3/`…, each a run of consecutive dates, so that
    indexing memory stays bounded and results sorted by date can be merged in bundle order.
    """
    limit = split_above or SPLIT_ABOVE
    ordered = collections.newest_first(articles)
    groups: list[list[Article]] = []
    for _year, run in _runs_by_year(ordered):
        if groups and len(groups[-1]) + len(run) <= limit:
            groups[-1].extend(run)
            continue
        for start in range(0, len(run), limit):
            groups.append(run[start:start + limit])
    return [Bundle(BUNDLE if n == 1 else f"{BUNDLE}-{n}", tuple(group)) for n, group in enumerate(groups, 1)]


def _runs_by_year(ordered: list[Article]) -> Iterator[tuple[str, list[Article]]]:
    run: list[Article] = []
    for article in ordered:
        if run and article.year != run[-1].year:
            yield run[-1].year, run
            run = []
        run.append(article)
    if run:
        yield run[-1].year, run


def run_pagefind(source: Path, bundle: Path, started: Callable[[subprocess.Popen[str]], None] | None = None) -> None:
    """Index the pages under `source` into `bundle` with the Pagefind CLI; raise SearchError on failure."""
    command = [sys.executable, "-m", "pagefind", "--site", str(source), "--output-path", str(bundle),
               "--keep-index-url", "--silent"]
    try:
        # killed with the build (also as `python -m pagefind` execs the binary), in its own process group
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   preexec_fn=functools.partial(workers.die_with_parent, os.getpid()),
                                   process_group=0)
    except OSError as exc:
        raise SearchError(_("could not run Pagefind: {reason}").format(reason=exc)) from exc
    if started is not None:
        started(process)
    stdout, stderr = process.communicate()
    if process.returncode != 0 or not (bundle / "pagefind-entry.json").is_file():
        detail = (stderr or stdout).strip().splitlines()[-1:] or ["no output"]
        raise SearchError(_("Pagefind failed to index the site ({reason}); install it with: pip install "
                            "'pagefind[bin]=={version}'").format(reason=detail[0], version=PAGEFIND_VERSION))


def write_sources(articles: Sequence[Article], renderer: Renderer, names: FilterNames | None, source: Path,
                  parallel: bool = True, stop: Callable[[], bool] | None = None,
                  rules: matching.Rules | None = None) -> None:
    """Write the page Pagefind indexes for each article under `source`, in the articles' order.

    With `parallel`, the pages are made in worker processes when there are many; else here,
    checking `stop()` as it goes. Either way this process writes the files, one after another:
    Pagefind numbers pages in the order it finds them, which in tmpfs is the order they were
    created, so files written by racing workers would make the index differ from build to build.
    """

    def source_of(article: Article) -> str:
        return index_source(article, renderer.format_date(article.date), names, rules)

    def make_range(start: int, end: int) -> list[str]:
        return [source_of(article) for article in articles[start:end]]

    def write(article: Article, text: str) -> None:
        target = source / article.url
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    if not parallel:
        for article in articles:
            if stop is not None and stop():
                break
            write(article, source_of(article))
        return
    for article, text in zip(articles, workers.chunked(make_range, len(articles)), strict=True):
        write(article, text)


BACKGROUND_NICE = 10  # workers started while Pagefind runs yield to it: it is the longest chain
SOURCE_BYTES = 8_000  # a generous size for one article's index source (about 4.6 kB on average)
MEMORY_FOLDER = Path("/dev/shm")


def scratch_folder(size: int, memory: Path = MEMORY_FOLDER) -> str | None:
    """Where to write `size` bytes of index sources: memory (tmpfs) when it has plenty of room.

    Pagefind reads each source once, so they need not reach the disk, where each new file costs
    more than its bytes. With less than four times `size` free there, the system's temporary
    folder (None) is used instead.
    """
    try:
        info = os.statvfs(memory)
    except OSError:
        return None
    free = info.f_bavail * info.f_frsize
    if free < 4 * size or not os.access(memory, os.W_OK | os.X_OK):
        return None
    return str(memory)


SCRATCH_PREFIX = "akhbar-search-"  # then the building process's id


def sweep_scratch(folder: str | None) -> list[str]:
    """Remove the scratch folders of builds that were killed before they could (their process is gone).

    In tmpfs they would hold memory until the machine restarts. Returns the names removed.
    """
    where = Path(folder or tempfile.gettempdir())
    removed: list[str] = []
    try:
        names = [entry.name for entry in os.scandir(where) if entry.name.startswith(SCRATCH_PREFIX)]
    except OSError:
        return removed
    for name in names:
        pid = name[len(SCRATCH_PREFIX):].partition("-")[0]
        if not pid.isdigit() or int(pid) == os.getpid() or pid_alive(int(pid)):
            continue
        shutil.rmtree(where / name, ignore_errors=True)
        removed.append(name)
    return removed


def sweep_all_scratch() -> None:
    """Remove what killed builds left in memory and in the temporary folder (a build without search too)."""
    for folder in (str(MEMORY_FOLDER), None):
        sweep_scratch(folder)


class IndexJob:
    """The search index of a build, indexed by Pagefind in a background thread.

    The first bundle's sources are written first (here, in worker processes); Pagefind then runs,
    one bundle after another so that memory stays bounded, while the build renders pages and draws
    share cards, and while Pagefind indexes one bundle this thread writes the next one's sources
    (each bundle's are deleted once indexed, so at most two bundles' sources exist at a time).
    Pagefind writes each bundle straight into the staging folder and this thread adds the files'
    disk twins there. `finish()` waits for all that; `cancel()` stops Pagefind.
    """

    def __init__(self, articles: Sequence[Article], renderer: Renderer, output: Output,
                 split_above: int | None = None, only: set[str] | None = None,
                 archive: Sequence[Article] | None = None):
        # `only`: the folders of the bundles to index (the others are unchanged); default: all
        # `archive`: the whole archive a shard belongs to (filters show one spelling in every shard)
        self.bundles = [b for b in plan_bundles(articles, split_above) if only is None or b.folder in only]
        self.for_disk = renderer.settings.index_links
        self.output = output
        self.files = self.bytes = 0  # written into `output` by the thread, counted by finish()
        scratch = scratch_folder(len(articles) * SOURCE_BYTES)
        sweep_scratch(scratch)
        self.tmp = tempfile.TemporaryDirectory(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-", dir=scratch)
        self.error: BaseException | None = None
        self.process: subprocess.Popen[str] | None = None
        self.cancelled = False
        self.renderer = renderer
        self.names = filter_names(archive or articles)
        self.site_rules = site_rules(renderer.settings.search_synonyms)
        self.rules: dict[int, tuple[matching.Rules, list[str]]] = {}  # bundle → its table and words
        self.upcoming = 0  # the bundle whose sources the thread writes while Pagefind runs
        try:
            if self.bundles:  # the others' are written by the thread, each while the one before is indexed
                with timings.span(f"write search sources {self.bundles[0].folder}"):
                    self._write_sources(0, parallel=True)
        except BaseException:
            self.tmp.cleanup()
            raise
        self.thread = threading.Thread(target=self._index, name="akhbar-pagefind", daemon=True)
        workers.background["nice"] = BACKGROUND_NICE
        self.thread.start()

    def _write_sources(self, number: int, parallel: bool) -> None:
        """Make bundle `number`'s variant table from its articles, then write its index sources."""
        articles = self.bundles[number].articles
        self.rules[number] = bundle_rules(articles, self.site_rules, parallel)
        write_sources(articles, self.renderer, self.names, self._source(number), parallel=parallel,
                      stop=None if parallel else (lambda: self.cancelled), rules=self.rules[number][0])

    def _source(self, number: int) -> Path:
        return Path(self.tmp.name) / f"site-{number}"

    def _built(self, number: int) -> Path:
        return self.output.staging / self.bundles[number].folder

    def _index(self) -> None:
        try:
            for number in range(len(self.bundles)):
                if self.cancelled:
                    return
                folder = self.bundles[number].folder
                self.upcoming = number + 1
                with timings.span(f"pagefind {folder}"):
                    run_pagefind(self._source(number), self._built(number), self._started)
                shutil.rmtree(self._source(number), ignore_errors=True)  # memory, when in tmpfs
                with timings.span(f"reproducible and twins {folder}"):
                    reproducible(self._built(number))
                    without_text(self._built(number))
                    self._complete(self._built(number), folder, self.output)
                    rules, words = self.rules.pop(number)
                    self._twin(self.output, f"{folder}/{RULES_FILE}", rules_script(rules))
                    self._twin(self.output, f"{folder}/{WORDS_FILE}", words_script(words))
        except BaseException as exc:  # handed to finish(), in the build's own thread
            self.error = exc

    def _complete(self, built: Path, folder: str, output: Output) -> None:
        """In the staging folder: drop Pagefind's unused UI files, add the disk twins, count it all."""
        packs: dict[str, list[tuple[str, bytes]]] = {}
        for path in sorted(p for p in built.rglob("*") if p.is_file()):
            rel = path.relative_to(built).as_posix()
            if UNUSED.match(rel):
                path.unlink()
                continue
            self.files += 1
            if not self.for_disk:
                self.bytes += path.stat().st_size
                continue
            data = path.read_bytes()
            self.bytes += len(data)
            pack = pack_of(rel)
            if pack is not None:
                packs.setdefault(pack, []).append((rel, data))
            for name, text in file_twins(rel, data):
                self._twin(output, f"{folder}/{name}", text)
        for pack, files in sorted(packs.items()):
            self._twin(output, f"{folder}/{pack}", pack_script(files))

    def _twin(self, output: Output, rel: str, text: str) -> None:
        written = output.write(rel, text, count=False)
        self.files += 1
        self.bytes += written.stat().st_size

    def _started(self, process: subprocess.Popen[str]) -> None:
        """Pagefind runs: meanwhile, write the next bundle's sources (in this thread: workers are busy)."""
        self.process = process
        if self.cancelled:
            process.kill()
            return
        if self.upcoming >= len(self.bundles):
            return
        bundle = self.bundles[self.upcoming]
        try:
            with timings.span(f"write search sources {bundle.folder}"):
                self._write_sources(self.upcoming, parallel=False)
        except BaseException:
            process.kill()
            process.communicate()
            raise

    def finish(self) -> list[Bundle]:
        """Wait for Pagefind and the twins; count the bundles' files in the staging folder's totals."""
        workers.background["nice"] = 0
        try:
            self.thread.join()
            if self.error is not None:
                raise self.error
            self.output.files_written += self.files
            self.output.bytes_written += self.bytes
            return self.bundles
        finally:
            self.tmp.cleanup()

    def cancel(self) -> None:
        """Stop indexing (the build failed or was interrupted) and remove the temporary files."""
        self.cancelled = True
        workers.background["nice"] = 0
        if self.process is not None and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)  # Pagefind and anything it started
            except OSError:
                self.process.kill()
        self.thread.join()
        self.tmp.cleanup()


def site_rules(synonyms: Sequence[Sequence[str]] = ()) -> matching.Rules:
    """The variant table of a site: akhbar's own, with site.yaml's search synonyms (cached)."""
    return _site_rules(tuple(tuple(group) for group in synonyms))


@functools.cache
def _site_rules(synonyms: tuple[tuple[str, ...], ...]) -> matching.Rules:
    return matching.site_rules(synonyms)


# ---------------------------------------------------------------- the search page


def search_page(articles: Sequence[Article], split_above: int | None = None,
                shards: Sequence[tuple[str, str, Sequence[Article]]] = ()) -> Page:
    """The search page; it names the bundles so that archiveSearch can load them all.

    In a sharded archive `shards` lists every shard newest first, as (name, base_url, articles),
    base_url empty for the shard being built: the others' bundles are named by absolute address,
    so that one search covers the whole archive, and their origins are admitted by the page's CSP.
    """
    from .render import origin_of

    folders, names, origins = [], [], []
    for name, base, items in shards or (("", "", articles),):
        for bundle in plan_bundles(items, split_above):
            folders.append(f"{base}{bundle.folder}/")
            names.append(name)
        if base and origin_of(base) not in origins:
            origins.append(origin_of(base))
    crumbs = [("الرئيسية", "index.html")]
    data = {"bundles": " ".join(folders), "bundle_shards": " ".join(names) if shards else "",
            "search_origins": origins}
    return Page(SEARCH_PAGE, "search.html", "البحث في الأرشيف", data, crumbs)

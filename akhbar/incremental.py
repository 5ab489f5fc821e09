"""Incremental builds: what the last build of a site knew, kept in the user's cache.

Three things are remembered per site folder, under `$XDG_CACHE_HOME/akhbar/builds/<site>/`:

* parsed articles, by a hash of each file's path and bytes (a changed file is parsed again);
* per output folder, a fingerprint of everything each page was rendered from, and the size and
  time of the file written for it: a page whose fingerprint is unchanged is linked from the
  previous site instead of rendered again, when that file is still the one the build wrote;
* per output folder, a digest of every input (content, site.yaml, templates, static, the
  generator's own code and options) with the printed summary: when nothing at all changed and
  the output folder is the one the last build made, the build has nothing to do.

The cache only ever saves work: deleting it (or `build --clean`) gives the same site, byte for
byte, and the tests hold incremental builds to that.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
from collections.abc import Iterable
from datetime import date, datetime
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from . import sources
from .content import Article
from .i18n import language
from .output import MARKER, store_file
from .problems import Problems

CACHE_VERSION = "2"
_PACKAGE = Path(__file__).resolve().parent
_VERSIONED = ("jinja2", "markdown-it-py", "pyyaml", "babel", "pillow", "pagefind", "arabic-reshaper",
              "python-bidi", "hijridate", "markupsafe")


def cache_root() -> Path:
    home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(home) / "akhbar" / "builds"


def _short(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogateescape"), digest_size=10).hexdigest()


def state_dir(root: Path) -> Path:
    """The folder holding what earlier builds of the site in `root` left for the next one."""
    return cache_root() / _short(str(root.resolve()))


@lru_cache(maxsize=1)
def code_digest() -> bytes:
    """The generator itself: its code, its bundled theme and the versions of what it renders with."""
    h = hashlib.blake2b(CACHE_VERSION.encode(), digest_size=20)
    for path in sorted(_PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            h.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for name in _VERSIONED:
        try:
            h.update(f"{name}={metadata.version(name)}\0".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name}=none\0".encode())
    return h.digest()


INPUTS = (  # what a build reads from the site folder besides site.yaml: (folder, wanted file, skipped name)
    (sources.CONTENT, sources.is_article, sources.skipped_in_content),
    (sources.TEMPLATES, lambda name: True, sources.hidden),
    (sources.STATIC, lambda name: True, sources.hidden),
)


def inputs(root: Path) -> tuple[list[sources.Source], Problems]:
    """site.yaml and every file of content/, templates/ and static/ a build reads, with the problems
    walking them met (a build would report those)."""
    problems = Problems()
    found = []
    try:
        info = os.stat(root / "site.yaml")
        found.append(sources.Source("site.yaml", root / "site.yaml", info.st_size, info.st_mtime_ns, info.st_ctime_ns))
    except OSError as exc:
        problems.error("site.yaml", 0, str(exc))
    for top, wanted, skip in INPUTS:
        found.extend(sources.walk(root, top, problems, wanted, skip))
    return found, problems


def input_digest(root: Path, options: dict[str, Any]) -> tuple[str, str]:
    """Everything a build reads, hashed (equal digests give byte-identical sites), and the inputs'
    signature: their names, sizes and times, as input_signature gives them."""
    h = hashlib.blake2b(code_digest(), digest_size=20)
    h.update(repr(sorted({**options, "language": language()}.items())).encode())  # the messages it saves
    found, problems = inputs(root)
    for source in found:
        h.update(source.rel.encode("utf-8", "surrogateescape") + b"\0")
        try:
            h.update(hashlib.blake2b(source.path.read_bytes(), digest_size=16).digest())
        except OSError as exc:
            h.update(f"!{exc.errno}".encode())  # the build will report it
    h.update(repr(problems.items).encode("utf-8", "surrogateescape"))
    return h.hexdigest(), _signature(found, problems)


def input_signature(root: Path) -> str:
    """The names, sizes and times (modified and changed) of everything a build reads: when it is the
    same after a build as before it, no input changed while the build read it."""
    return _signature(*inputs(root))


def _signature(found: list[sources.Source], problems: Problems) -> str:
    h = hashlib.blake2b(digest_size=20)
    for s in found:
        h.update(f"{s.rel}\0{s.size}\0{s.mtime_ns}\0{s.ctime_ns}\0".encode("utf-8", "surrogateescape"))
    h.update(repr(problems.items).encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def folder_identity(out: Path) -> tuple[int, ...] | None:
    """The output folder as the last build left it (device, inode and its marker's inode and time)."""
    try:
        folder, marker = out.stat(), (out / MARKER).stat()
    except OSError:
        return None
    return (folder.st_dev, folder.st_ino, marker.st_ino, marker.st_mtime_ns)


def _load(path: Path) -> Any:
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, ValueError, TypeError):
        return None


def _save(path: Path, value: Any) -> None:
    try:
        store_file(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        pass  # a read-only cache only costs time on the next build


# ---------------------------------------------------------------- parsed articles


class ParseCache:
    """Parsed articles (pickled as they left the parser) with the problems parsing reported."""

    def __init__(self, folder: Path | None):
        self.path = folder / "parsed.pickle" if folder else None
        loaded = _load(self.path) if self.path else None
        self.old: dict[bytes, tuple[bytes | None, list[Any]]] = (
            loaded[1] if isinstance(loaded, tuple) and len(loaded) == 2 and loaded[0] == code_digest() else {})
        self.new: dict[bytes, tuple[bytes | None, list[Any]]] = {}

    @staticmethod
    def key(rel: str, data: bytes) -> bytes:
        """The file's name and bytes, and the language its problems were reported in."""
        return hashlib.blake2b(rel.encode("utf-8", "surrogateescape") + b"\0" + language().encode() + b"\0" + data,
                               digest_size=20).digest()

    def get(self, key: bytes) -> tuple[bytes | None, list[Any]] | None:
        found = self.old.get(key)
        if found is not None:
            self.new[key] = found
        return found

    def put(self, key: bytes, article: bytes | None, problems: list[Any]) -> None:
        self.new[key] = (article, problems)

    def save(self) -> None:
        """Keep the entries of this build only, so the cache never outgrows the site."""
        if self.path is not None and self.new.keys() != self.old.keys():
            _save(self.path, (code_digest(), self.new))


# ---------------------------------------------------------------- page fingerprints


class Fingerprints:
    """A digest of everything a page is rendered from; Articles count by their content and links."""

    def __init__(self, salt: bytes):
        self.salt = salt
        self.own: dict[int, bytes] = {}
        self.full: dict[int, bytes] = {}

    def article_own(self, a: Article) -> bytes:
        key = id(a)
        found = self.own.get(key)
        if found is None:
            fields = (a.path, a.slug, a.title, _when(a.date), a.place, a.source, a.section, a.tags, a.summary,
                      a.lang, a.source_url, a.dateline, a.aliases, a.body_html, a.lead, a.url, a.authors,
                      a.image, a.image_alt, a.image_caption, a.image_credit, _when(a.updated), a.dateline_read,
                      a.images, a.picture, a.pictures)
            found = self.own[key] = hashlib.blake2b(repr(fields).encode(), digest_size=16).digest()
        return found

    def article(self, a: Article) -> bytes:
        """The article with what its page shows of other articles: "see also" targets and backlinks."""
        key = id(a)
        found = self.full.get(key)
        if found is None:
            h = hashlib.blake2b(self.article_own(a), digest_size=16)
            for entry in a.see_also:
                h.update(repr((entry.text, entry.teaser, entry.line)).encode())
                h.update(self.article_own(entry.target) if entry.target is not None else b"-")
            h.update(b"\0backlinks\0")
            for other in a.backlinks:
                h.update(self.article_own(other))
            found = self.full[key] = h.digest()
        return found

    def page(self, path: str, template: str, title: str, data: Any, crumbs: Any) -> bytes | None:
        """The page's fingerprint, or None when it holds something this cannot vouch for."""
        h = hashlib.blake2b(self.salt, digest_size=20)
        try:
            self._feed(h, (path, template, title, crumbs, data))
        except TypeError:
            return None
        return h.digest()

    def _feed(self, h: Any, value: Any) -> None:
        if isinstance(value, Article):
            h.update(b"A" + self.article(value))
        elif value is None or isinstance(value, (str, int, float, bool, date, datetime)):
            h.update(f"{type(value).__name__}:{value!r}\0".encode("utf-8", "surrogateescape"))
        elif isinstance(value, dict):
            h.update(b"{")
            for key in sorted(value, key=repr):
                self._feed(h, key)
                self._feed(h, value[key])
            h.update(b"}")
        elif isinstance(value, (list, tuple)):
            h.update(b"[")
            for item in value:
                self._feed(h, item)
            h.update(b"]")
        elif type(value).__name__ == "Term":
            # an article page shows a term's name, address and count, not its articles
            self._feed(h, (value.taxonomy.kind, value.key, value.name, value.slug, value.path,
                           len(value.articles)))
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            h.update(type(value).__name__.encode())
            for f in dataclasses.fields(value):
                self._feed(h, getattr(value, f.name))
        else:
            raise TypeError(f"cannot fingerprint {type(value).__name__}")


def _when(value: date | datetime | None) -> str:
    return value.isoformat() if value else ""


@dataclasses.dataclass
class PageRecord:
    fingerprint: bytes
    size: int
    mtime_ns: int


@dataclasses.dataclass
class OutState:
    """What the last build wrote into one output folder."""

    identity: tuple[int, ...] | None = None
    pages: dict[str, PageRecord] = dataclasses.field(default_factory=dict)
    bundles: dict[str, bytes] = dataclasses.field(default_factory=dict)  # search bundle -> its inputs
    input: str = ""  # input_digest of a build that ran through the command line
    stamp: str = ""  # every file of the output folder as that build left it (name, size, time)
    summary: Any = None  # what that build printed


def out_state_path(root: Path, out: Path) -> Path:
    return state_dir(root) / f"out-{_short(str(out.absolute()))}.pickle"


def load_out_state(root: Path, out: Path) -> OutState:
    """The previous build's record for `out`, or an empty one when it no longer describes `out`."""
    state = _load(out_state_path(root, out))
    if not isinstance(state, OutState) or state.identity is None or state.identity != folder_identity(out):
        return OutState()
    return state


def save_out_state(root: Path, out: Path, state: OutState, identity: tuple[int, ...] | None = None) -> None:
    """Keep what a build wrote into `out`; `identity` is its folder's, taken before it was swapped in
    (so that it describes this build's folder even if another one replaced it since)."""
    state.identity = identity or folder_identity(out)
    _save(out_state_path(root, out), state)


def tree_stamp(out: Path) -> str:
    """A digest of the name, size and modification time of every file in `out`."""
    h = hashlib.blake2b(digest_size=20)
    stack = [(out, "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            h.update(f"!{prefix}\0".encode("utf-8", "surrogateescape"))
            continue
        for entry in entries:
            rel = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                stack.append((Path(entry.path), rel + "/"))
                continue
            info = entry.stat(follow_symlinks=False)
            h.update(f"{rel}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_mode}\0".encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def unchanged(root: Path, out: Path, digest: str) -> Any:
    """The saved summary when the last build of `root` into `out` had exactly these inputs and
    the output folder still holds exactly the files that build wrote."""
    state = load_out_state(root, out)
    if not state.input or state.input != digest or state.stamp != tree_stamp(out):
        return None
    return state.summary


def remember(root: Path, out: Path, digest: str, summary: Any, stamp: str) -> None:
    """Note that `out` holds the build of inputs `digest`, what that build printed, and `stamp`, the
    tree_stamp of the folder that build swapped in (taken before the swap)."""
    path = out_state_path(root, out)
    state = _load(path)
    if isinstance(state, OutState) and state.identity == folder_identity(out):
        state.input, state.summary, state.stamp = digest, summary, stamp
        _save(path, state)


def reusable(previous: OutState, out: Path, rel: str, fingerprint: bytes | None) -> Path | None:
    """The previous build's file for page `rel` when it was rendered from the same inputs."""
    record = previous.pages.get(rel)
    if fingerprint is None or record is None or record.fingerprint != fingerprint:
        return None
    path = out / rel
    try:
        info = path.stat()
    except OSError:
        return None
    if info.st_size != record.size or info.st_mtime_ns != record.mtime_ns:
        return None  # someone changed the file since
    return path


def carry(previous: OutState, state: OutState, output: Any, rel: str, fingerprint: bytes | None) -> bool:
    """Link the previous build's file for `rel` into the new site, and keep its record, when it was
    made from the same inputs; False when it must be made again."""
    found = reusable(previous, output.out, rel, fingerprint)
    if found is None:
        return False
    output.link(rel, found)
    state.pages[rel] = previous.pages[rel]
    return True


def digest_of(parts: Iterable[bytes], salt: bytes = b"") -> bytes:
    h = hashlib.blake2b(salt, digest_size=20)
    for part in parts:
        h.update(part)
    return h.digest()

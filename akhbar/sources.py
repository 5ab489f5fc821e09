"""The site's own folders (content/, templates/, static/) walked as a compiler reads its sources.

Every file a build reads is found here, in one stable order (a folder's files, then its
sub-folders, by name), and whatever cannot be listed, followed or opened is a problem at its
path: a folder the build may not read is never taken for an empty one. The build, `check`, the
no-op check's digest and the preview server's watcher all walk through `walk`, so they agree on
what the site is made of. Links are read when they lead to a file inside the same folder;
one leading outside (a system file, another site) is an error, and a linked folder is never
followed (it would read the same files twice).
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .content import ARTICLE_SUFFIXES
from .i18n import N_, _
from .problems import Problems, read_hint, reason

CONTENT, TEMPLATES, STATIC = "content", "templates", "static"
_NOUNS = {CONTENT: (N_("article"), N_("articles"), N_("the article's text"))}  # others: file, files


@dataclass(frozen=True)
class Source:
    """One file of the site: its path from the site folder, where it is, and its size and time."""

    rel: str  # 'content/2017/a.md', always with '/'
    path: Path
    size: int
    mtime_ns: int
    ctime_ns: int = 0


def hidden(name: str) -> bool:
    """Names a build never reads in templates/ and static/: dot files and editors' backups."""
    return name.startswith(".") or name.endswith("~")


def skipped_in_content(name: str) -> bool:
    """Names starting with '_' or '.' are notes, not articles (content/_ATTRIBUTION.md)."""
    return name.startswith((".", "_")) or name.endswith("~")


def is_article(name: str) -> bool:
    return name.endswith(ARTICLE_SUFFIXES)


def walk(root: Path, top: str, problems: Problems, wanted: Callable[[str], bool] = lambda name: True,
         skip: Callable[[str], bool] = hidden) -> list[Source]:
    """Every wanted file under `root/top`, in order; what cannot be walked is reported in `problems`.

    `skip` leaves out files and folders by name; `wanted` picks the files that matter among the
    rest (only those are checked). A missing `top` gives no files and no problem: the caller
    decides whether it must exist.
    """
    base = root / top
    try:
        info = os.stat(base)  # follows a link: content/ may be one
    except FileNotFoundError:
        if os.path.islink(base):
            problems.error(top, 0, _("{top}/ is a link to "
                                     "nothing").format(top=top), _("make {top}/ a folder, or link it to "
                                                                   "one").format(top=top))
        return []
    except OSError as exc:
        problems.error(top, 0, _("the {top}/ folder could not be read: "
                                 "{reason}").format(top=top, reason=reason(exc)), read_hint(exc))
        return []
    if not stat.S_ISDIR(info.st_mode):
        problems.error(top, 0, _("{top} is not a "
                                 "folder").format(top=top), _("make {top}/ a folder holding the site's "
                                                              "files").format(top=top))
        return []
    walker = _Walker(top, os.path.realpath(base), problems, wanted, skip)
    found: list[Source] = []
    stack = [(str(base), top)]
    while stack:
        folder, rel = stack.pop()
        files, folders = walker.folder(folder, rel)
        found.extend(files)
        stack.extend(reversed(folders))
    return found


class _Walker:
    """What one walk knows: its top folder (as written and real), what it wants, where problems go."""

    def __init__(self, top: str, real_top: str, problems: Problems, wanted: Callable[[str], bool],
                 skip: Callable[[str], bool]):
        self.top, self.real_top, self.problems = top, real_top, problems
        self.wanted, self.skip = wanted, skip
        self.one, self.many, self.text = _NOUNS.get(top, (N_("file"), N_("files"), N_("a regular file")))

    def folder(self, folder: str, rel: str) -> tuple[list[Source], list[tuple[str, str]]]:
        """The wanted files and the sub-folders of one folder, by name."""
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            self.problems.error(rel, 0, _("this folder could not be read: "
                                          "{reason}").format(reason=reason(exc)), read_hint(exc))
            return [], []
        files: list[Source] = []
        folders: list[tuple[str, str]] = []
        for entry in entries:
            if self.skip(entry.name):
                continue
            child = f"{rel}/{entry.name}"
            try:
                if entry.is_symlink():
                    self._link(entry, child, files)
                elif entry.is_dir(follow_symlinks=False):
                    folders.append((entry.path, child))
                elif self.wanted(entry.name):
                    self._file(entry.path, child, entry.stat(follow_symlinks=False), files)
            except OSError as exc:
                self.problems.error(child, 0, _("this could not be read: "
                                                "{reason}").format(reason=reason(exc)), read_hint(exc))
        return files, folders

    def _file(self, path: str, rel: str, info: os.stat_result, files: list[Source]) -> None:
        if stat.S_ISREG(info.st_mode):
            files.append(Source(rel, Path(path), info.st_size, info.st_mtime_ns, info.st_ctime_ns))
        else:
            self.problems.error(rel, 1, _("this is not a regular file (a broken link, a pipe or a device); it "
                                          "was not read"), _("replace it with {text} or remove "
                                                             "it").format(text=_(self.text)))

    def _link(self, entry: os.DirEntry[str], rel: str, files: list[Source]) -> None:
        """A link is read when it leads to a file inside the walked folder; a linked folder is not followed."""
        try:
            info = os.stat(entry.path)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                self.problems.error(rel, 0, _("this link leads back to itself (a loop of links); it was not read"),
                                    _("replace the link with the {one} it should name").format(one=_(self.one)))
            elif self.wanted(entry.name):
                self._file(entry.path, rel, os.lstat(entry.path), files)  # a broken link: not a regular file
            return
        inside = _inside(os.path.realpath(entry.path), self.real_top)
        if stat.S_ISDIR(info.st_mode):
            if not inside:
                self.problems.error(rel, 0, _("this folder is a link to outside {top}/; it was not "
                                              "read").format(top=self.top),
                                    _("copy the {many} into {top}/ instead of linking to "
                                      "them").format(many=_(self.many), top=self.top))
        elif self.wanted(entry.name):
            if not inside:
                self.problems.error(rel, 1, _("this link points outside {top}/; it was not read").format(top=self.top),
                                    _("copy the {one} into {top}/ instead of linking to "
                                      "it").format(one=_(self.one), top=self.top))
            else:
                self._file(entry.path, rel, info, files)


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def check_readable(sources: list[Source], problems: Problems) -> None:
    """Open each file once, so that one the build may not read is reported before anything is written."""
    for source in sources:
        try:
            os.close(os.open(source.path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)))
        except OSError as exc:
            problems.error(source.rel, 1, _("the file could not be read: "
                                            "{reason}").format(reason=reason(exc)), read_hint(exc))


def read_templates(sources: list[Source], problems: Problems) -> dict[str, tuple[str, str]]:
    """The site's templates as text, by the name a template loads them with ('partials/csp.html'),
    each with the file it came from: read once, so every page renders from the same bytes."""
    found: dict[str, tuple[str, str]] = {}
    for source in sources:
        try:
            data = source.path.read_bytes()
        except OSError as exc:
            problems.error(source.rel, 1, _("the file could not be read: {reason}").format(reason=reason(exc)),
                           read_hint(exc))
            continue
        try:
            text = data.decode("utf-8")  # as Jinja's own file loader reads it
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            problems.error(source.rel, line, _("the template is not valid UTF-8"), _("save it as UTF-8 text"))
            continue
        found[source.rel.split("/", 1)[1]] = (text, str(source.path))
    return found

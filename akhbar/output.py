"""The only module that writes files: a staging folder swapped in atomically when complete."""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import fcntl
import hashlib
import os
import posixpath
import re
import shutil
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from .i18n import N_, _
from .problems import Problem
from .workers import name_process

MARKER = ".akhbar-build"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


class OutputError(Exception):
    """The output folder cannot be used; the message (and hint) are for the editor, about `path`."""

    def __init__(self, message: str, path: str = "", hint: str = ""):
        super().__init__(message)
        self.message, self.path, self.hint = message, path, hint

    def problem(self, out: Path) -> Problem:
        return Problem(self.path or str(out), 0, self.message, hint=self.hint)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories in one atomic step (Linux renameat2); False when the system cannot.

    Any other failure (a busy or read-only folder) is raised: falling back to two renames would
    then strand the previous site under another name.
    """
    name = ctypes.util.find_library("c")
    if not name:
        return False
    libc = ctypes.CDLL(name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def resolve_out(out: Path) -> Path:
    """The folder a build replaces for `--out`: absolute, and a link followed to the folder it names
    (the link itself stays; replacing it would strand the site it pointed at)."""
    return Path(os.path.realpath(out.absolute()))


def mount_points() -> set[str]:
    """Every mount point of this system (/proc/self/mountinfo), bind mounts included."""
    try:
        lines = Path("/proc/self/mountinfo").read_text(encoding="utf-8", errors="surrogateescape").splitlines()
    except OSError:
        return set()
    found = set()
    for line in lines:
        fields = line.split(" ")
        if len(fields) > 4:  # octal escapes for space, tab, newline and backslash
            found.add(re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), fields[4]))
    return found


def is_mount(folder: Path) -> bool:
    return os.path.ismount(folder) or str(folder) in mount_points()


def pid_alive(pid: int) -> bool:
    """Whether process `pid` still runs (someone else's counts as running)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove(folder: Path) -> None:
    """Delete a folder a build made, its marker last: one cut short by a kill is still known as ours."""
    if not folder.is_dir() or folder.is_symlink():
        return
    for child in folder.iterdir():
        if child.name == MARKER:
            continue
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)
    (folder / MARKER).unlink(missing_ok=True)
    try:
        folder.rmdir()
    except OSError:
        pass


def _ours(folder: Path) -> bool:
    """Did a build make this folder (it holds the marker, or nothing yet)?"""
    return folder.is_dir() and ((folder / MARKER).exists() or not any(folder.iterdir()))


class Output:
    """Collects a whole site in a staging folder beside `out`, then replaces `out` at once.

    `site` is the folder of the site being built: the output may not lie inside what it reads.
    """

    def __init__(self, out: Path, site: Path | None = None):
        self.out = resolve_out(out)
        self.site = site
        self.staging = self.out.parent / f".{self.out.name}.staging-{os.getpid()}"
        self.bytes_written = 0
        self.files_written = 0
        self._folders: set[str] = set()  # folders of the staging folder known to exist

    def check(self) -> None:
        """Refuse an output folder a build must not replace, before anything is written."""
        out = self.out
        if self.site is not None:
            check_place(out, self.site)
        if out.exists() and not out.is_dir():
            raise OutputError(_("the output folder exists and is not a folder"), str(out),
                              _("choose another --out folder"))
        if out.is_dir() and is_mount(out):
            raise OutputError(_("the output folder is a mount point; a build replaces the folder itself, which a "
                                "mount point cannot be"), str(out),
                              _("choose a folder inside it, such as {path}").format(path=out / "site"))
        if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
            raise OutputError(_("the output folder is not empty and was not made by a build"), str(out),
                              _("choose another --out folder or empty it first"))

    def recover(self) -> None:
        """Tidy what a killed build left: restore a moved-away site, drop dead staging folders."""
        parent = self.out.parent
        if not parent.is_dir():
            return
        prefix = f".{self.out.name}."  # compared as text: the name may hold any character, glob's too
        for leftover in sorted(parent / name for name in os.listdir(parent) if name.startswith(prefix)):
            kind, _, pid = leftover.name.rpartition("-")
            if kind not in (f".{self.out.name}.staging", f".{self.out.name}.old") or not _ours(leftover):
                continue  # a folder someone else made that happens to look like ours
            if not pid.isdigit() or (int(pid) != os.getpid() and pid_alive(int(pid))):
                continue
            if kind.endswith(".old") and not self.out.exists():
                os.rename(leftover, self.out)
            else:
                _remove(leftover)

    def start(self) -> None:
        if not self.out.parent.is_dir():
            self.out.parent.mkdir(parents=True, exist_ok=True)
        self.recover()
        self.check()
        shutil.rmtree(self.staging, ignore_errors=True)
        self.staging.mkdir()
        self._folders = {""}
        (self.staging / MARKER).write_text("Made by akhbar; the next build replaces this folder.\n")

    def _target(self, rel: str) -> Path:
        """Where `rel` goes in the staging folder; its folder is made. The check is lexical: the
        staging folder is new and only this class writes into it, so it holds no links."""
        clean = posixpath.normpath(rel)
        if clean.startswith(("/", "../")) or clean in ("..", ".") or "\0" in clean:
            raise OutputError(f"refusing to write outside the output folder: {rel}")
        target = self.staging / clean
        folder = posixpath.dirname(clean)
        if folder not in self._folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(folder)
        return target

    def write(self, rel: str, data: bytes | str, count: bool = True) -> Path:
        """Write one file of the new site; return where it went.

        `count=False` leaves the totals to the caller (a worker process's totals would be lost).
        """
        target = self._target(rel)
        payload = data.encode("utf-8") if isinstance(data, str) else data
        target.write_bytes(payload)
        if count:
            self.bytes_written += len(payload)
            self.files_written += 1
        return target

    def link(self, rel: str, source: Path) -> None:
        """Put an unchanged file of the previous site into the new one: a hard link, else a copy.

        Builds never change a written file in place (they replace whole folders), so the two
        sites may share it.
        """
        target = self._target(rel)
        try:
            os.link(source, target, follow_symlinks=False)
        except OSError:
            shutil.copy2(source, target)
        self.bytes_written += target.stat().st_size
        self.files_written += 1

    def copy(self, rel: str, source: Path) -> None:
        """Copy one static file into the new site."""
        self.write(rel, source.read_bytes())

    def copy_tree(self, source: Path, rel: str = "") -> None:
        """Copy a folder of static files into the new site (later copies win)."""
        for path in sorted(source.rglob("*")):
            if path.is_file() and not any(p.startswith(".") for p in path.relative_to(source).parts):
                self.write(posixjoin(rel, path.relative_to(source).as_posix()), path.read_bytes())

    def commit(self) -> None:
        """Put the new site in place of the old in one step."""
        if self.out.exists():
            if not _exchange(self.staging, self.out):
                old = self.out.parent / f".{self.out.name}.old-{os.getpid()}"
                os.rename(self.out, old)
                os.rename(self.staging, self.out)
                _remove(old)
                return
            dispose(self.staging)  # now holds the previous site
        else:
            os.rename(self.staging, self.out)

    def abort(self) -> None:
        _remove(self.staging)


def check_place(out: Path, site: Path) -> None:
    """Refuse an output folder inside what the build reads, or holding the site itself."""
    site = Path(os.path.realpath(site))
    for name, what in (("content", N_("the output folder is inside content/; every build would read the one before "
                                      "as articles")),
                       ("templates", N_("the output folder is inside templates/; every build would read the one "
                                        "before as templates")),
                       ("static", N_("the output folder is inside static/; every build would read the one before "
                                     "into itself"))):
        folder = Path(os.path.realpath(site / name))
        if out == folder or out.is_relative_to(folder):
            raise OutputError(_(what), str(out),
                              _("choose an --out folder outside content/, templates/ and static/, such as public/"))
    if site.is_relative_to(out):
        raise OutputError(_("the output folder holds the site itself; a build would replace the site's own files"),
                          str(out), _("choose an --out folder inside the site folder, such as public/, or elsewhere"))


_HELD: dict[str, list[int]] = {}  # output folder -> [lock file descriptor, holds], for this process


def lock_path(out: Path) -> Path:
    """The lock file of an output folder, in the user's cache (the output's parent may be anyone's)."""
    home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    key = hashlib.blake2b(os.fsencode(resolve_out(out)), digest_size=10).hexdigest()
    return Path(home) / "akhbar" / "locks" / f"out-{key}.lock"


def _open_lock(out: Path) -> tuple[int, bool]:
    """(descriptor, is the lock file): the lock file, else the output's parent folder itself."""
    path = lock_path(out)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o644), True
    except OSError:  # no cache: lock the parent folder (every build beside this one waits too)
        return os.open(out.parent if out.parent.is_dir() else "/", os.O_RDONLY), False


def _holder(out: Path) -> str:
    try:
        pid = lock_path(out).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return ""
    return _(" (process {pid})").format(pid=pid) if pid.isdigit() else ""


@contextmanager
def build_lock(out: Path, waiting: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the output folder `out` for one build: another build into it (in any process, with any
    options) waits until this one has swapped its site in and recorded what it wrote.

    `waiting` is told, once, that this build waits. Holding it again in the same process is free.
    """
    key = str(resolve_out(out))
    held = _HELD.get(key)
    if held is not None:
        held[1] += 1
        try:
            yield
        finally:
            held[1] -= 1
        return
    fd, is_file = _open_lock(resolve_out(out))
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting is not None:
                waiting(_("another build into {path} is running{holder}; waiting for it to finish…").format(
                    path=key, holder=_holder(Path(key))))
            fcntl.flock(fd, fcntl.LOCK_EX)
        if is_file:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        _HELD[key] = [fd, 1]
        try:
            yield
        finally:
            del _HELD[key]
    finally:
        os.close(fd)  # releases the lock


def trash_folder() -> Path:
    home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(home) / "akhbar" / "trash"


def dispose(folder: Path) -> None:
    """Delete a replaced site without waiting for it.

    Deleting thousands of folders can take seconds (on file systems mounted with `discard`,
    each one waits for the disk), so the folder is moved to the user's cache and deleted by a
    detached process; where that is not possible (another file system, no fork), it is deleted
    here. Trash left by an interrupted deletion is removed by the next build.
    """
    trash = trash_folder()
    try:
        trash.mkdir(parents=True, exist_ok=True)
        if trash.stat().st_dev != folder.stat().st_dev or not hasattr(os, "fork"):
            raise OSError("not on one file system")
        target = trash / f"site-{os.getpid()}-{time.time_ns()}"
        os.rename(folder, target)
    except OSError:
        _remove(folder)
        return
    _empty_trash_in_background(trash)


def _empty_trash_in_background(trash: Path) -> None:
    try:
        child = os.fork()
    except OSError:
        shutil.rmtree(trash, ignore_errors=True)
        return
    if child:
        os.waitpid(child, 0)
        return
    try:  # the child: start a grandchild in its own session, then leave at once
        os.setsid()
        if os.fork() == 0:
            name_process(b"akhbar-trash")  # it outlives the build on purpose: only deletes the user's trash
            # hold no pipe or socket of the build's: whoever reads its output must not wait for this
            devnull = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(devnull, fd)
            os.closerange(3, 65536)
            for path in sorted(trash.iterdir()):
                shutil.rmtree(path, ignore_errors=True)
    finally:
        os._exit(0)


@dataclass(frozen=True)
class Claim:
    """One output path and what wants it there, for the collision check.

    `path` is relative to the output folder; one ending in '/' claims a whole folder (a search
    bundle). `owner` names the claimant in words ("the article content/a.md"); `source` and
    `line` are where an editor can change it ('' for the site's own files).
    """

    path: str
    owner: str
    source: str = ""
    line: int = 0
    kind: str = "site"  # article, alias, card, static, theme, site


def path_key(path: str) -> str:
    """Paths that one host or one unpacked copy may take for the same (case, Unicode form) are one."""
    return unicodedata.normalize("NFC", path).casefold().rstrip("/")


def collisions(claims: Iterable[Claim]) -> list[tuple[Claim, Claim]]:
    """Every pair of claims on one output path, or on a file and a folder of one name: (earlier, later).

    Works on the complete list of what a build will write, before anything is written. A file
    standing where many claims need a folder is paired once, with the first of them.
    """
    files: dict[str, Claim] = {}  # files, and folders claimed whole
    folders: dict[str, Claim] = {}  # every folder some claim needs -> the first such claim
    blocking: set[str] = set()  # files already paired with a claim that needs them as a folder
    found: list[tuple[Claim, Claim]] = []
    for claim in claims:
        key = path_key(claim.path)
        parts = key.split("/")
        above = ["/".join(parts[:n]) for n in range(1, len(parts))]
        for folder in above:
            if folder in files and folder not in blocking:
                found.append((files[folder], claim))
                blocking.add(folder)
                break
        if key in files:
            found.append((files[key], claim))
        elif key in folders and key not in blocking and folders[key].owner != claim.owner:
            found.append((folders[key], claim))
            blocking.add(key)
        files.setdefault(key, claim)
        for folder in above:
            folders.setdefault(folder, claim)
    return found


def posixjoin(a: str, b: str) -> str:
    return f"{a.rstrip('/')}/{b}" if a else b


@contextmanager
def atomic_file(path: Path) -> Iterator[IO[bytes]]:
    """Write one file outside the site (a cache entry, a zip) so readers never see it half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", suffix=".part", delete=False)
    try:
        with handle:
            yield handle
        os.chmod(handle.name, 0o644)
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def store_file(path: Path, data: bytes) -> None:
    """Write `data` to `path` in one step (see atomic_file)."""
    with atomic_file(path) as handle:
        handle.write(data)

"""The only module that writes files: a staging folder swapped in atomically when complete."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import posixpath
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

MARKER = ".akhbar-build"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


class OutputError(Exception):
    """The output folder cannot be used; the message is for the editor."""


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories in one atomic step (Linux renameat2); False when unsupported."""
    name = ctypes.util.find_library("c")
    if not name:
        return False
    libc = ctypes.CDLL(name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


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
    """Collects a whole site in a staging folder beside `out`, then replaces `out` at once."""

    def __init__(self, out: Path):
        self.out = out.absolute()
        self.staging = self.out.parent / f".{self.out.name}.staging-{os.getpid()}"
        self.bytes_written = 0
        self.files_written = 0
        self._folders: set[str] = set()  # folders of the staging folder known to exist

    def check(self) -> None:
        """Refuse to replace a folder that an earlier build did not make."""
        if self.out.exists() and not self.out.is_dir():
            raise OutputError(f"{self.out} exists and is not a folder")
        if self.out.is_dir() and any(self.out.iterdir()) and not (self.out / MARKER).exists():
            raise OutputError(
                f"{self.out} is not empty and was not made by a build; "
                "choose another --out folder or empty it first")

    def recover(self) -> None:
        """Tidy what a killed build left: restore a moved-away site, drop dead staging folders."""
        parent = self.out.parent
        if not parent.is_dir():
            return
        for leftover in sorted(parent.glob(f".{self.out.name}.*-*")):
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
            # hold no pipe or socket of the build's: whoever reads its output must not wait for this
            devnull = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(devnull, fd)
            os.closerange(3, 65536)
            for path in sorted(trash.iterdir()):
                shutil.rmtree(path, ignore_errors=True)
    finally:
        os._exit(0)


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

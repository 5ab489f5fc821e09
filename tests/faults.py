"""Faults injected into the file-system calls a build makes, as a full disk or a failing one would.

CI runs as root, so `chmod` denies nothing: instead a test makes the calls themselves fail for
the paths it names, with the errno it chooses. Forked worker processes inherit the faults.

    faults.fail("scandir", site / "content" / "2017", errno.EACCES)
    faults.fail("open", lambda path: ".staging-" in path, errno.ENOSPC, writing=True)

Calls: "scandir" (listing a folder), "stat" (os.stat, and the entries of a listing: is_dir,
is_symlink, stat), "open" (os.open and open(); `writing` limits it to opening for writing),
"mkdir" and "rename".
"""

from __future__ import annotations

import builtins
import io
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

Where = Path | str | Callable[[str], bool]


@dataclass(frozen=True)
class Rule:
    call: str
    where: Callable[[str], bool]
    code: int
    writing: bool


def _matcher(where: Where) -> Callable[[str], bool]:
    if callable(where):
        return where
    target = os.path.abspath(where)
    return lambda path: os.path.abspath(path) == target


class Faults:
    """The rules of one test; the patched calls look them up on every call."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch):
        self.rules: list[Rule] = []
        self.hits = 0
        real = {name: getattr(os, name) for name in ("scandir", "stat", "open", "mkdir", "rename")}
        real_open = io.open

        def check(call: str, path: Any, writing: bool = False) -> None:
            if isinstance(path, int):
                return
            text = os.fsdecode(path)
            for rule in self.rules:
                if rule.call == call and (writing or not rule.writing) and rule.where(text):
                    self.hits += 1
                    raise OSError(rule.code, os.strerror(rule.code), text)

        def scandir(path: Any = ".") -> Any:
            check("scandir", path)
            listing = real["scandir"](path)
            return _Listing(listing, check) if any(r.call == "stat" for r in self.rules) else listing

        def stat(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
            check("stat", path)
            return real["stat"](path, *args, **kwargs)

        def os_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
            check("open", path, bool(flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT)))
            return real["open"](path, flags, *args, **kwargs)

        def file_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
            if isinstance(file, (str, bytes, os.PathLike)):
                check("open", os.fspath(file), any(c in mode for c in "wax+"))
            return real_open(file, mode, *args, **kwargs)

        def mkdir(path: Any, *args: Any, **kwargs: Any) -> None:
            check("mkdir", path, True)
            return real["mkdir"](path, *args, **kwargs)

        def rename(src: Any, dst: Any, *args: Any, **kwargs: Any) -> None:
            check("rename", src, True)
            return real["rename"](src, dst, *args, **kwargs)

        for name, patched in (("scandir", scandir), ("stat", stat), ("open", os_open), ("mkdir", mkdir),
                              ("rename", rename)):
            monkeypatch.setattr(os, name, patched)
        monkeypatch.setattr(io, "open", file_open)
        monkeypatch.setattr(builtins, "open", file_open)

    def fail(self, call: str, where: Where, code: int, writing: bool = False) -> None:
        """From now on, `call` on `where` (a path, or a test of the path) fails with errno `code`."""
        self.rules.append(Rule(call, _matcher(where), code, writing))

    def clear(self) -> None:
        self.rules.clear()


class _Listing:
    """os.scandir's iterator, with entries whose checks go through the faults."""

    def __init__(self, listing: Any, check: Callable[..., None]):
        self.listing, self.check = listing, check

    def __enter__(self) -> _Listing:
        return self

    def __exit__(self, *exc: object) -> None:
        self.listing.close()

    def __iter__(self) -> Iterator[_Entry]:
        return (_Entry(entry, self.check) for entry in self.listing)

    def close(self) -> None:
        self.listing.close()


class _Entry:
    def __init__(self, entry: os.DirEntry[str], check: Callable[..., None]):
        self.entry, self.check = entry, check
        self.name, self.path = entry.name, entry.path

    def is_symlink(self) -> bool:
        self.check("stat", self.path)
        return self.entry.is_symlink()

    def is_dir(self, *, follow_symlinks: bool = True) -> bool:
        self.check("stat", self.path)
        return self.entry.is_dir(follow_symlinks=follow_symlinks)

    def is_file(self, *, follow_symlinks: bool = True) -> bool:
        self.check("stat", self.path)
        return self.entry.is_file(follow_symlinks=follow_symlinks)

    def stat(self, *, follow_symlinks: bool = True) -> os.stat_result:
        self.check("stat", self.path)
        return self.entry.stat(follow_symlinks=follow_symlinks)

    def inode(self) -> int:
        return self.entry.inode()

    def __fspath__(self) -> str:
        return self.path

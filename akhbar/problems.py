"""The one error vocabulary: every problem an editor can fix has a path, a line and a message."""

from __future__ import annotations

import errno
import os
import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum

from .i18n import N_, _

# Characters a terminal would act on or hide: controls, direction overrides, line separators.
_UNSHOWN = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")


class Level(StrEnum):
    ERROR = "error"
    WARNING = "warning"

    @property
    def said(self) -> str:
        """The word printed before a message, in the current language."""
        return _(LEVEL_WORDS[self.value])


LEVEL_WORDS = {"error": N_("error"), "warning": N_("warning")}


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    message: str
    level: Level = Level.ERROR
    hint: str = ""

    def format(self) -> str:
        """Render as `path:line: level: message (hint)`, like a compiler. The location stays as it is in
        every language, at the start of the line, so editors and grep find it; the rest is translated
        (the message and hint were made in the current language)."""
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: {self.level.said}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return shown(text)


def unicode_forms(here: str, there: str) -> str:
    """Words telling apart two names that differ only in Unicode form (NFC 'آ' and NFD 'ا' + U+0653),
    which a terminal shows alike; '' for any other two names."""
    if here == there or unicodedata.normalize("NFC", here) != unicodedata.normalize("NFC", there):
        return ""
    start = 0
    while here[start] == there[start]:
        start += 1
    end = 0
    while end < min(len(here), len(there)) - start and here[-1 - end] == there[-1 - end]:
        end += 1

    def codes(text: str) -> str:
        return " ".join(f"U+{ord(ch):04X}" for ch in text)

    return _("the two names differ only in Unicode form: {here} here, {there} there").format(
        here=codes(here[start:len(here) - end]), there=codes(there[start:len(there) - end]))


def shown(text: str) -> str:
    """Text safe to print on one terminal line: invisible and control characters as <U+202E>."""
    return _UNSHOWN.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


@dataclass
class Problems:
    """An ordered collection of problems gathered over a whole build."""

    items: list[Problem] = field(default_factory=list)

    def error(self, path: str, line: int, message: str, hint: str = "") -> None:
        self.items.append(Problem(path, line, message, Level.ERROR, hint))

    def warning(self, path: str, line: int, message: str, hint: str = "") -> None:
        self.items.append(Problem(path, line, message, Level.WARNING, hint))

    def extend(self, other: Problems) -> None:
        self.items.extend(other.items)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.level is Level.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.level is Level.WARNING]

    def sorted(self) -> list[Problem]:
        return sorted(self.items, key=lambda p: (p.path, p.line, p.level != Level.ERROR, p.message))

    def __len__(self) -> int:
        return len(self.items)


class SiteError(Exception):
    """Raised when a site cannot be built; carries every problem found."""

    def __init__(self, problems: Problems):
        super().__init__(f"{len(problems.errors)} error(s)")
        self.problems = problems


# ---------------------------------------------------------------- the machine's failures, in words


def reason(exc: OSError) -> str:
    """The system's words for a failure ('Permission denied'), whoever raised it."""
    return os.strerror(exc.errno) if exc.errno else str(exc)


def read_hint(exc: OSError) -> str:
    """What an editor can do about a file or folder the build could not read."""
    code = exc.errno
    if code == errno.ELOOP:
        return _("a link leads back to itself; replace it with the folder or file it should name")
    if code in (errno.EACCES, errno.EPERM):
        return _("check that you may read it")
    if code == errno.EIO:
        return _("the disk may be failing; check it, or copy the files again")
    if code == errno.ENOENT:
        return _("it was moved or deleted while the build read it; build again")
    return _("check that it exists and that you may read it")


def write_hint(exc: OSError) -> str:
    """What to do about a folder the build could not write to."""
    code = exc.errno
    if code in (errno.ENOSPC, errno.EDQUOT):
        return _("free some space on that disk, then build again")
    if code == errno.EROFS:
        return _("choose an --out folder on a writable disk")
    if code in (errno.EACCES, errno.EPERM):
        return _("check that you may write to that folder")
    if code == errno.EBUSY:
        return _("is it a mount point, or open in another program? choose a folder inside it as --out")
    if code == errno.EIO:
        return _("the disk may be failing; check it")
    if code in (errno.EMFILE, errno.ENFILE):
        return _("too many files are open; raise the limit (ulimit -n) and build again")
    return _("check the disk that holds it")

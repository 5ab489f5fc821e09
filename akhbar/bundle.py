"""The offline copy: a zip of a built site that a reader unpacks and opens from disk (search included)."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from .i18n import _
from .output import MARKER, OutputError, atomic_file

ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest date zip can hold: no clock, the same bytes every time
STORED = (".png", ".jpg", ".jpeg", ".webp", ".woff2", ".woff", ".gz", ".zip")  # already compressed
README = "README.txt"
README_TEXT = """افتح الملف index.html في متصفحك لتقرأ الأرشيف. يعمل كل شيء من القرص، من دون إنترنت، والبحث كذلك.

Open index.html in a web browser to read the archive. Everything works from disk, with no
network, search included.
"""


COMMENT = b"Made by akhbar bundle; the next bundle may replace this file."


@dataclass(frozen=True)
class Bundled:
    folder: str  # the folder inside the zip that holds the site
    files: int
    bytes: int  # the zip's size


def site_files(site: Path) -> list[tuple[str, Path]]:
    """(path inside the site, file) for every file a reader needs, sorted; hidden files are left out."""
    files = []
    for path in sorted(site.rglob("*")):
        rel = path.relative_to(site).as_posix()
        if path.is_file() and not any(part.startswith(".") for part in rel.split("/")) and rel != MARKER:
            files.append((rel, path))
    return files


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, ZIP_TIME)
    info.create_system = 3  # Unix, so the permission bits below are read
    info.external_attr = 0o644 << 16
    info.compress_type = zipfile.ZIP_STORED if name.lower().endswith(STORED) else zipfile.ZIP_DEFLATED
    return info


def ours(target: Path) -> bool:
    """Did `akhbar bundle` write this zip? (Its comment says so; zips from before the comment hold
    one folder with the README.txt written here.)"""
    try:
        with zipfile.ZipFile(target) as archive:
            if archive.comment == COMMENT:
                return True
            names = archive.namelist()
            folders = {name.split("/", 1)[0] for name in names}
            readme = f"{next(iter(folders))}/{README}" if len(folders) == 1 else ""
            return readme in names and archive.read(readme) == README_TEXT.encode("utf-8")
    except (OSError, zipfile.BadZipFile, KeyError, ValueError):
        return False


def check_target(target: Path, site: Path, sources: Path | None = None) -> None:
    """Refuse a zip that would land inside the site it holds (or what a build reads, `sources`'
    content/, templates/ or static/), or replace a file that akhbar did not write."""
    real = target.resolve()
    if real.is_relative_to(site.resolve()):
        raise OutputError(_("the zip cannot be written inside the site it holds"), str(target),
                          _("choose a --zip file outside the output folder"))
    for name in ("content", "templates", "static") if sources is not None else ():
        assert sources is not None
        if real.is_relative_to((sources / name).resolve()):
            raise OutputError(_("the zip cannot be written inside {folder}/; the next build would read it").format(
                folder=name), str(target), _("choose a --zip file outside content/, templates/ and static/"))
    if target.is_dir():
        raise OutputError(_("--zip names a folder"), str(target), _("give the name of the zip file to write"))
    if target.exists() and not ours(target):
        raise OutputError(_("this file exists and is not a zip written by akhbar bundle; it was not replaced"),
                          str(target), _("choose another --zip name, or move the file away first"))


def write_zip(site: Path, target: Path, folder: str | None = None) -> Bundled:
    """Zip the built `site` into `target`, under one folder (default: the zip's name without .zip).

    An existing `target` is replaced only when akhbar wrote it (OutputError otherwise).
    """
    if not (site / "index.html").is_file():
        raise ValueError(_("{folder} holds no built site (no index.html)").format(folder=site))
    check_target(target, site)
    folder = folder or target.stem
    files = site_files(site)
    with atomic_file(target) as handle, zipfile.ZipFile(handle, "w", compresslevel=9) as archive:
        archive.comment = COMMENT
        if README not in dict(files):
            archive.writestr(_entry(f"{folder}/{README}"), README_TEXT.encode("utf-8"))
        for rel, path in files:
            archive.writestr(_entry(f"{folder}/{rel}"), path.read_bytes())
    return Bundled(folder, len(files) + (README not in dict(files)), target.stat().st_size)

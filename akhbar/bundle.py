"""The offline copy: a zip of a built site that a reader unpacks and opens from disk (search included)."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from .output import MARKER, atomic_file

ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest date zip can hold: no clock, the same bytes every time
STORED = (".png", ".jpg", ".jpeg", ".webp", ".woff2", ".woff", ".gz", ".zip")  # already compressed
README = "README.txt"
README_TEXT = """افتح الملف index.html في متصفحك لتقرأ الأرشيف. يعمل كل شيء من القرص، من دون إنترنت، والبحث كذلك.

Open index.html in a web browser to read the archive. Everything works from disk, with no
network, search included.
"""


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


def write_zip(site: Path, target: Path, folder: str | None = None) -> Bundled:
    """Zip the built `site` into `target`, under one folder (default: the zip's name without .zip)."""
    if not (site / "index.html").is_file():
        raise ValueError(f"{site} holds no built site (no index.html)")
    if target.resolve().is_relative_to(site.resolve()):
        raise ValueError("the zip cannot be written inside the site it holds")
    folder = folder or target.stem
    files = site_files(site)
    with atomic_file(target) as handle, zipfile.ZipFile(handle, "w", compresslevel=9) as archive:
        if README not in dict(files):
            archive.writestr(_entry(f"{folder}/{README}"), README_TEXT.encode("utf-8"))
        for rel, path in files:
            archive.writestr(_entry(f"{folder}/{rel}"), path.read_bytes())
    return Bundled(folder, len(files) + (README not in dict(files)), target.stat().st_size)

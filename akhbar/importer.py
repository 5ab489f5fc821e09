"""Import scraped .txt articles with their metadata from a CMS export (JSON Lines or CSV)."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import Any

import yaml

from .content import check_slug, parse_date, split_front_matter
from .problems import Problems, SiteError

# export column -> front-matter key; the first column present wins
FIELDS = {
    "date": ("date", "published", "datetime"),
    "source": ("source", "agency", "outlet"),
    "section": ("section", "category"),
    "source_url": ("source_url", "url", "link"),
    "place": ("place",),
    "tags": ("tags",),
}
KEY_COLUMNS = ("id", "slug", "file", "filename", "path")


def _rows(metadata: Path, problems: Problems) -> list[tuple[int, dict[str, Any]]]:
    shown = metadata.name
    try:
        text = metadata.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        problems.error(shown, 0, f"cannot read the metadata file: {exc}")
        return []
    if metadata.suffix.lower() == ".csv":
        reader = csv.DictReader(text.splitlines())
        return [(number, row) for number, row in enumerate(reader, 2)]
    if metadata.suffix.lower() not in (".jsonl", ".ndjson", ".json"):
        problems.error(shown, 0, "the metadata file must end in .jsonl or .csv")
        return []
    rows = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.error(shown, number, f"this line is not valid JSON: {exc.msg}")
            continue
        if not isinstance(row, dict):
            problems.error(shown, number, "each line must be a JSON object")
            continue
        rows.append((number, row))
    return rows


def _index(rows: list[tuple[int, dict[str, Any]]], metadata: Path, problems: Problems) -> dict[str, tuple[int, dict]]:
    index: dict[str, tuple[int, dict]] = {}
    for number, row in rows:
        keys = {Path(str(row[c])).name.removesuffix(".txt") for c in KEY_COLUMNS if row.get(c)}
        if not keys:
            problems.error(metadata.name, number, "this row names no file",
                           "give it an 'id' (the file name without .txt) or a 'file' column")
        for key in keys:
            index.setdefault(key, (number, row))
    return index


def front_matter(row: dict[str, Any], where: tuple[str, int], problems: Problems) -> dict[str, Any]:
    """The front-matter mapping for one export row; dates and addresses are checked."""
    out: dict[str, Any] = {}
    for key, columns in FIELDS.items():
        value = next((row[c] for c in columns if row.get(c) not in (None, "", [])), None)
        if value is None:
            continue
        if key == "date":
            try:
                parse_date(str(value))
            except ValueError as exc:
                problems.error(where[0], where[1], str(exc))
                continue
        if key == "source_url" and not str(value).lower().startswith(("http://", "https://")):
            problems.warning(where[0], where[1], f"'{value}' is not a web address; it was left out")
            continue
        out[key] = value if key == "tags" and isinstance(value, list) else str(value)
    return out


def import_articles(
    sources: list[Path], metadata: Path, site: Path, into: str, force: bool, problems: Problems
) -> int:
    """Copy every .txt source into content/ with front matter; check all, then write all."""
    rows = _rows(metadata, problems)
    index = _index(rows, metadata, problems)
    dest_dir = (site / "content" / into).resolve()
    if not dest_dir.is_relative_to((site / "content").resolve()):
        problems.error("--into", 0, "the folder must be inside content/")
    files = sorted({f for s in sources for f in (sorted(s.rglob("*.txt")) if s.is_dir() else [s])})
    if not files:
        problems.error(", ".join(map(str, sources)), 0, "no .txt files to import")
    planned: list[tuple[Path, bytes]] = []
    for path in files:
        stem = path.stem
        reason = check_slug(stem)
        if reason:
            problems.error(path.name, 0, f"the file name cannot be an address: {reason}")
            continue
        body = path.read_bytes()
        if split_front_matter(body.decode("utf-8", "replace"))[0] is not None:
            problems.error(path.name, 1, "the file already has front matter; copy it by hand")
            continue
        target = dest_dir / path.name
        if target.exists() and not force:
            problems.error(path.name, 0, f"{target.relative_to(site)} already exists", "use --force to replace it")
            continue
        found = index.get(stem)
        if found is None:
            problems.warning(path.name, 0, "no metadata row for this file; copied without front matter")
            planned.append((target, body))
            continue
        meta = front_matter(found[1], (metadata.name, found[0]), problems)
        header = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=10_000).encode("utf-8")
        planned.append((target, b"---\n" + header + b"---\n" + body))
    if problems.errors:
        raise SiteError(problems)
    dest_dir.mkdir(parents=True, exist_ok=True)
    for target, data in planned:
        temporary = target.with_name(f".{target.name}.importing")
        temporary.write_bytes(data)
        os.replace(temporary, target)
    return len(planned)

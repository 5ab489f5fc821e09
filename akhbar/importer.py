"""Import scraped .txt articles with their metadata from a CMS export (JSON Lines or CSV)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import aliases, wordpress
from . import site as pipeline
from .config import load_settings
from .content import Article, check_slug, parse_article, parse_date, split_front_matter
from .i18n import _
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


# Line breaks that str.splitlines() also splits at, but CSV and JSON keep inside a value.
_OTHER_BREAKS = re.compile("[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def _csv_rows(text: str) -> list[tuple[int, dict[str, Any]]]:
    """Rows with the line each starts on; a quoted cell may hold line breaks of any kind."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows, start = [], 2
    for row in reader:
        rows.append((start, row))
        start = reader.line_num + 1
    return rows


def _single_lines(rows: list[tuple[int, dict[str, Any]]], shown: str, problems: Problems) -> None:
    """Unicode line and paragraph separators inside a value become spaces (a front-matter value is one line)."""
    for number, row in rows:
        for column, value in row.items():
            found = _OTHER_BREAKS.search(value) if isinstance(value, str) else None
            if found is not None:
                problems.warning(shown, number, _("the '{column}' value holds a line separator (U+{code}); it was "
                                                  "read as a space").format(column=column,
                                                                            code=f"{ord(found.group()):04X}"),
                                 _("check that the row was exported whole"))
                row[column] = _OTHER_BREAKS.sub(" ", value)


def _rows(metadata: Path, problems: Problems) -> list[tuple[int, dict[str, Any]]]:
    shown = metadata.name
    try:
        text = metadata.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        problems.error(shown, 0, _("cannot read the metadata file: {reason}").format(reason=exc))
        return []
    if metadata.suffix.lower() == ".csv":
        rows = _csv_rows(text)
        _single_lines(rows, shown, problems)
        return rows
    if metadata.suffix.lower() not in (".jsonl", ".ndjson", ".json"):
        problems.error(shown, 0, _("the metadata file must end in .jsonl or .csv"))
        return []
    rows = []
    for number, line in enumerate(text.split("\n"), 1):  # not splitlines(): U+2028 may sit in a JSON string
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.error(shown, number, _("this line is not valid JSON: {reason}").format(reason=exc.msg))
            continue
        if not isinstance(row, dict):
            problems.error(shown, number, _("each line must be a JSON object"))
            continue
        rows.append((number, row))
    _single_lines(rows, shown, problems)
    return rows


def _index(rows: list[tuple[int, dict[str, Any]]], metadata: Path, problems: Problems) -> dict[str, tuple[int, dict]]:
    index: dict[str, tuple[int, dict]] = {}
    for number, row in rows:
        keys = {Path(str(row[c])).name.removesuffix(".txt") for c in KEY_COLUMNS if row.get(c)}
        if not keys:
            problems.error(metadata.name, number, _("this row names no file"),
                           _("give it an 'id' (the file name without .txt) or a 'file' column"))
        for key in sorted(keys):
            if key in index:
                problems.error(metadata.name, number,
                               _("a second row for '{key}' (the first is on line {line})").format(key=key,
                                                                                                   line=index[key][0]),
                               _("keep one row per article; the import cannot tell which is right"))
            else:
                index[key] = (number, row)
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
            problems.warning(where[0], where[1],
                             _("'{value}' is not a web address; it was left out").format(value=value))
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
        problems.error("--into", 0, _("the folder must be inside content/"))
    files = sorted({f for s in sources for f in (sorted(s.rglob("*.txt")) if s.is_dir() else [s])})
    if not files:
        problems.error(", ".join(map(str, sources)), 0, _("no .txt files to import"))
    planned: list[tuple[Path, bytes | Path]] = []
    for path in files:
        stem = path.stem
        reason = check_slug(stem)
        if reason:
            problems.error(path.name, 0, _("the file name cannot be an address: {reason}").format(reason=reason))
            continue
        body = path.read_bytes()
        if split_front_matter(body.decode("utf-8", "replace"))[0] is not None:
            problems.error(path.name, 1, _("the file already has front matter; copy it by hand"))
            continue
        target = dest_dir / path.name
        if target.exists() and not force:
            problems.error(path.name, 0, _("{path} already exists").format(path=target.relative_to(site)),
                           _("use --force to replace it"))
            continue
        found = index.get(stem)
        if found is None:
            problems.warning(path.name, 0, _("no metadata row for this file; copied without front matter"))
            planned.append((target, body))
            continue
        meta = front_matter(found[1], (metadata.name, found[0]), problems)
        header = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=10_000).encode("utf-8")
        planned.append((target, b"---\n" + header + b"---\n" + body))
    if problems.errors:
        raise SiteError(problems)
    _write_all(list(planned))
    return len(planned)


@dataclass
class WordPressReport:
    """What `import --wordpress` did, for the summary."""

    folder: Path
    posts: int = 0
    pages: int = 0
    copied: int = 0  # image files copied from --uploads
    remote: int = 0  # images shown from their https:// address
    linked: int = 0  # images only linked (http:// addresses pages cannot show)
    aliases: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    ignored: dict[str, int] = field(default_factory=dict)
    comments: int = 0


def import_wordpress(export_path: Path, site: Path, into: str, force: bool, problems: Problems, *,
                     pages: bool = False, uploads: Path | None = None) -> WordPressReport:
    """Turn a WordPress export into Markdown articles under content/<into>; check all, then write all."""
    shown = export_path.name
    settings = load_settings(site, problems)
    dest_dir = (site / "content" / into).resolve()
    if not dest_dir.is_relative_to((site / "content").resolve()):
        problems.error("--into", 0, _("the folder must be inside content/"))
    if uploads is not None and not uploads.is_dir():
        problems.error(str(uploads), 0, _("--uploads must be a folder (WordPress's wp-content/uploads)"))
        uploads = None
    export = wordpress.read_export(export_path, shown, problems)
    if export is None or settings is None:
        raise SiteError(problems)
    planned = wordpress.plan(export, shown, problems, pages=pages, uploads=uploads, language=settings.language)
    report = WordPressReport(dest_dir, skipped=dict(planned.skipped), ignored=dict(planned.ignored),
                             comments=planned.comments)
    prefix = (Path("content") / into).as_posix().rstrip("/")
    files: list[tuple[Path, bytes | Path]] = []
    parsed: list[Article] = []
    _claim_addresses(settings, planned, export, shown, problems, prefix)
    for article in planned.articles:
        report.aliases += len(article.front.get("aliases", ()))
        text = _article_text(article.front, article.body)
        checked = parse_article(f"{prefix}/{article.slug}.md", text, problems)  # as the build will read it
        if checked is not None:
            parsed.append(checked)
        files.append((dest_dir / f"{article.slug}.md", text))
        if article.item.kind == "page":
            report.pages += 1
        else:
            report.posts += 1
    if not problems.errors:  # what the build will check: one address each, aliases that can redirect
        pipeline.assign_urls(settings, parsed, problems)
        aliases.check(settings, parsed, problems)
    for rel, source in sorted(planned.images.copies.items()):
        files.append((dest_dir / rel, source))
    for image in planned.images.used.values():
        report.remote += image.kind == "remote"
        report.linked += image.kind == "link"
    report.copied = len(planned.images.copies)
    for target, data in files:
        if target.exists() and not force and not _same(target, data):
            problems.error(shown, 0, _("{path} already exists").format(path=target.relative_to(site).as_posix()),
                           _("use --force to replace it, or --into to import into another folder"))
    if problems.errors:
        raise SiteError(problems)
    _write_all(files)
    return report


def _claim_addresses(settings: Any, planned: Any, export: Any, shown: str, problems: Problems,
                     prefix: str) -> None:
    """Give each article its old addresses as aliases, unless the site, another article or another
    alias has the address (listed, never an error: the article is still imported)."""
    claimed: dict[str, str] = {}
    for article in planned.articles:
        date = parse_date(article.front["date"]) if "date" in article.front else None
        model = Article(path=f"{prefix}/{article.slug}.md", slug=article.slug, title=article.front["title"],
                        date=date, section=article.front.get("section", ""))
        claimed[pipeline.permalink(settings, model).casefold()] = article.slug
    folders = {"/".join(key.split("/")[:n]) for key in claimed for n in range(1, key.count("/") + 1)}
    for article in planned.articles:
        kept = []
        for old in wordpress.old_addresses(article.item, export):
            path, why = aliases.alias_path("/" + old, settings.base_url)
            key = path.casefold()
            parents = ["/".join(key.split("/")[:n]) for n in range(1, key.count("/") + 1)]
            if claimed.get(key) == article.slug:
                continue  # the old address is the new one
            if not why and (key in aliases.SITE_FILES or key.split("/")[0] in aliases.SITE_FOLDERS):
                why = _("the site itself uses it")
            elif not why and key in claimed:
                why = _("it is «{claimed}»'s").format(claimed=claimed[key])
            elif not why and (key in folders or any(p in claimed for p in parents)):
                why = _("it clashes with the folder of another address")
            if why:
                problems.warning(shown, article.item.line,
                                 _("«{slug}»: the old address /{old} was not kept as an alias: {why}").format(
                                     slug=article.slug, old=old, why=why))
                continue
            claimed[key] = article.slug
            folders.update(parents)
            kept.append("/" + old)
        if kept:
            article.front["aliases"] = kept


def _article_text(front: dict[str, Any], body: str) -> bytes:
    header = yaml.safe_dump(front, allow_unicode=True, sort_keys=False, width=10_000)
    return ("---\n" + header + "---\n" + (body + "\n" if body else "")).encode("utf-8")


def _same(target: Path, data: bytes | Path) -> bool:
    """Does `target` already hold these bytes (an image imported before)?"""
    if isinstance(data, bytes):
        return False  # an article: replacing it needs --force
    try:
        return target.stat().st_size == data.stat().st_size and target.read_bytes() == data.read_bytes()
    except OSError:
        return False


def _write_all(files: list[tuple[Path, bytes | Path]]) -> None:
    """Write every file through a temporary name beside it, so that none is ever half-written."""
    for target, data in files:
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.importing")
        if isinstance(data, Path):
            shutil.copyfile(data, temporary)
        else:
            temporary.write_bytes(data)
        os.replace(temporary, target)

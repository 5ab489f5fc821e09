"""The Article model and its two parsers: Markdown with front matter, and scraped plain text."""

from __future__ import annotations

import codecs
import html
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .arabic import CONTROL_CHARS, clean_text, headline_key, latin_digits
from .datelines import leading_dateline, read_dateline
from .i18n import _
from .messages import count
from .problems import Problems
from .yamltext import Entry, load_mapping

ARTICLE_SUFFIXES = (".md", ".txt")
FRONT_MATTER_KEYS = (
    "title", "date", "place", "source", "section", "tags", "slug", "summary",
    "see_also", "lang", "source_url", "aliases", "author", "image", "image_alt", "image_caption",
    "image_credit", "updated",
)
IMAGE_TEXT_KEYS = ("image_alt", "image_caption", "image_credit")
MAX_AUTHOR_LENGTH = 100
SEE_ALSO_MARKER = headline_key("انظر ايضاً")
MAX_SLUG_LENGTH = 200
MAX_FILE_BYTES = 50_000_000  # larger files are not read
LARGE_FILE_BYTES = 5_000_000  # larger articles build, with a warning
MAX_HEADLINE = 300  # characters; a longer headline builds, with a warning (the corpus's longest: 111)

_DATE = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$"
)
_SLUG_FORBIDDEN = re.compile(r"[^\w.\-]")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_FINAL_PUNCTUATION = ".!?؟…:؛,،\"”»'’)"


@dataclass
class SeeAlso:
    """One "see also" entry as written: a headline (or slug or URL) and an optional teaser."""

    text: str
    teaser: str
    line: int
    target: Article | None = None


When = date | datetime  # a front-matter date: a day, or a day and time


@dataclass(frozen=True)
class ImageRef:
    """An image an article refers to: the front matter's `image:` or a Markdown `![alt](src)`."""

    src: str  # as written; for Markdown, markdown-it's percent-encoded form
    line: int
    alt: str = ""
    title: str = ""
    block: int = 0  # the top-level block of the body it is in (1 = the first)


@dataclass(frozen=True)
class Variant:
    """One published size of an image."""

    path: str  # output path, e.g. media/3f2a…-960.jpg
    width: int
    height: int
    resize: int = 0  # the width it is resized to; 0: the file is published as it is


@dataclass(frozen=True)
class Picture:
    """An image as the site publishes it: its sizes (narrowest first), or a remote https:// address."""

    src: str  # the file inside the site folder (content/…), or the https:// address
    width: int = 0  # as shown (EXIF orientation applied); 0 when remote
    height: int = 0
    mime: str = ""
    digest: str = ""  # of the file's bytes
    variants: tuple[Variant, ...] = ()

    @property
    def remote(self) -> bool:
        return not self.variants

    @property
    def largest(self) -> Variant | None:
        return self.variants[-1] if self.variants else None


@dataclass
class Article:
    path: str  # relative to the site folder, with forward slashes
    slug: str
    title: str
    date: date | datetime | None = None
    place: str = ""
    source: str = ""
    section: str = ""
    tags: tuple[str, ...] = ()
    summary: str = ""
    lang: str = ""
    source_url: str = ""
    dateline: str = ""
    aliases: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    image: ImageRef | None = None  # the lead image (front matter)
    image_alt: str = ""
    image_caption: str = ""
    image_credit: str = ""
    updated: When | None = None
    dateline_read: bool = False  # the dateline's parts went into place, source or author
    images: tuple[ImageRef, ...] = ()  # Markdown images, in order; the body holds <img data-image="N">
    body_html: str = ""
    lead: str = ""  # the first paragraph as plain text
    picture: Picture | None = None  # the lead image as published, filled in by the site (media.attach)
    pictures: tuple[Picture | None, ...] = ()  # each of `images`, likewise
    see_also: list[SeeAlso] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)  # front-matter key -> line
    url: str = ""  # site-relative output path, filled in by the site
    backlinks: list[Article] = field(default_factory=list)

    def __hash__(self) -> int:
        return id(self)

    def __eq__(self, other: object) -> bool:
        return self is other

    @property
    def sort_key(self) -> tuple[str, str]:
        """Newest first when sorted in reverse; undated last."""
        return (date_iso(self.date) if self.date else "", self.slug)

    @property
    def year(self) -> str:
        return f"{self.date.year:04d}" if self.date else ""

    def line_of(self, key: str) -> int:
        return self.lines.get(key, 1)


def date_iso(value: date | datetime) -> str:
    """ISO 8601 text for a date or date-time, as used in <time datetime> and feeds."""
    return value.isoformat()


def as_datetime(value: date | datetime) -> datetime:
    """A date-time for ordering and feeds; a bare date counts as its midnight."""
    if isinstance(value, datetime):
        return value
    return datetime(value.year, value.month, value.day)


# ---------------------------------------------------------------- reading files


def read_text(data: bytes, path: str, problems: Problems) -> str | None:
    """Decode an article's bytes; report encodings we cannot trust."""
    if not data.strip():
        problems.error(path, 1, _("the file is empty"), _("delete it or give it a headline and text"))
        return None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            problems.error(path, data[: exc.start].decode("utf-16", "ignore").count("\n") + 1,
                           _("the file starts as UTF-16 but is not valid UTF-16 (is it cut short?)"),
                           _("save it again, as UTF-8"))
            return None
        problems.warning(path, 1, _("the file is UTF-16; it was read, but UTF-8 is expected"),
                         _("convert it with: iconv -f UTF-16 -t UTF-8"))
    else:
        if b"\x00" in data:
            line = data[: data.index(b"\x00")].count(b"\n") + 1
            utf16 = _looks_like_utf16(data)
            problems.error(path, line, _("the file is not text (it contains NUL bytes)"),
                           _("it looks like {encoding} without a byte-order mark; convert it with: "
                             "iconv -f {encoding} -t UTF-8").format(encoding=utf16) if utf16 else
                           _("remove it from content/ or replace it with the article's text"))
            return None
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            hint = _("convert it with: iconv -f UTF-8 -t UTF-8 -c")
            if exc.end == len(data) and "end of data" in exc.reason:
                hint = _("it ends in the middle of a character: is it cut short? save it again")
            elif _looks_like_cp1256(data) and data[: exc.start].isascii():
                hint = _("it looks like Windows-1256; convert it with: iconv -f CP1256 -t UTF-8")
            problems.error(path, line, _("the file is not valid UTF-8"), hint)
            return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    control = CONTROL_CHARS.search(text)
    if control:
        found = len(CONTROL_CHARS.findall(text))
        problems.warning(path, text.count("\n", 0, control.start()) + 1,
                         count(found, "the file contains {n} control character (U+{code}); it was removed",
                               "the file contains {n} control characters (the first is U+{code}); they were removed",
                               code=f"{ord(control.group()):04X}"),
                         _("they are invisible and break feeds; delete them from the file"))
        text = CONTROL_CHARS.sub("", text)
    return unicodedata.normalize("NFC", text)


def _looks_like_utf16(data: bytes) -> str | None:
    """'UTF-16LE' or 'UTF-16BE' when NUL-bearing bytes read as UTF-16 text without a byte-order mark."""
    if len(data) % 2:
        return None
    for name, nuls in (("UTF-16LE", data[1::2]), ("UTF-16BE", data[0::2])):
        if nuls.count(0) * 2 >= data.count(0):
            try:
                text = data.decode(name)
            except UnicodeDecodeError:
                continue
            if not CONTROL_CHARS.search(text.replace("\r", "")):
                return name
    return None


def _looks_like_cp1256(data: bytes) -> bool:
    try:
        sample = data.decode("cp1256")
    except UnicodeDecodeError:
        return False
    return sum("\u0600" <= ch <= "\u06ff" for ch in sample) > len(sample) // 10


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """Return (front matter, body, line number where the body starts)."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return None, text, 1
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1:]), i + 2
    return "\n".join(lines[1:]), "", len(lines) + 1


# ---------------------------------------------------------------- front matter


def parse_date(value: Any, key: str = "date") -> date | datetime | None:
    """Parse a front-matter date; raise ValueError with an editor-facing reason."""
    if isinstance(value, (date, datetime)):
        return value
    if not isinstance(value, str):
        raise ValueError(_("{key} must look like 2017-09-17 or 2017-09-17T14:30:00").format(key=key))
    match = _DATE.match(latin_digits(value.strip()))
    if not match:
        raise ValueError(_("'{value}' is not a date; write it like 2017-09-17 or 2017-09-17T14:30:00").format(
            value=value))
    y, mo, d, h, mi, s, tz = match.groups()
    try:
        day = date(int(y), int(mo), int(d))
        if h is None:
            return day
        zone = None
        if tz:
            zone = UTC if tz == "Z" else _offset(tz)
        return datetime(day.year, day.month, day.day, int(h), int(mi), int(s or 0), tzinfo=zone)
    except ValueError:
        raise ValueError(_("{value} is not a real date (check the month, day and time)").format(value=value)) from None


def _offset(text: str) -> timezone:
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def check_slug(slug: str) -> str | None:
    """Return why `slug` cannot be an address segment, or None when it is safe."""
    if not slug:
        return _("the slug is empty")
    if len(slug) > MAX_SLUG_LENGTH:
        return _("the slug is {length} characters long; keep it under {most}").format(length=len(slug),
                                                                                    most=MAX_SLUG_LENGTH)
    if "/" in slug or "\\" in slug or slug in (".", "..") or ".." in slug:
        return _("the slug must not contain '/', '\\' or '..' (it would leave its folder)")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in slug):
        return _("the slug contains invisible control or direction characters")
    if slug.startswith(".") or slug.startswith("-"):
        return _("the slug must not start with '.' or '-'")
    bad = _SLUG_FORBIDDEN.search(slug)
    if bad:
        shown = "a space" if bad.group().isspace() else f"'{bad.group()}'"
        return _("the slug contains {shown}; use letters, digits, '-' and '_'").format(shown=shown)
    return None


def _text_value(key: str, entry: Entry, path: str, problems: Problems) -> str:
    value = entry.value
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        problems.error(path, entry.line, _("'{key}' must be text, not a list or mapping").format(key=key),
                       _("write the text after the key, in quotes if it starts with '[', '{' or '-'"))
        return ""
    return clean_text(str(value)).strip()


def _list_value(key: str, entry: Entry, path: str, problems: Problems) -> list[str]:
    value = entry.value
    if value is None:
        return []
    if isinstance(value, str):
        return [clean_text(v).strip() for v in re.split(r"[,،]", value) if clean_text(v).strip()]
    if not isinstance(value, list):
        problems.error(path, entry.line, _("'{key}' must be a list, such as [سياسة, اقتصاد]").format(key=key))
        return []
    out = []
    for item in value:
        if isinstance(item, (str, int, float)) and not isinstance(item, bool):
            if str(item).strip():
                out.append(clean_text(str(item)).strip())
        else:
            problems.error(path, entry.line, _("every item of '{key}' must be text").format(key=key))
    return out


def apply_front_matter(article: Article, entries: dict[str, Entry], problems: Problems) -> None:
    """Check every front-matter key and copy its value onto `article`."""
    path = article.path
    for key, entry in entries.items():
        article.lines[key] = entry.line
        if key not in FRONT_MATTER_KEYS:
            import difflib

            close = difflib.get_close_matches(key, FRONT_MATTER_KEYS, n=1)
            problems.error(path, entry.line, _("unknown front-matter key '{key}'").format(key=key),
                           _("did you mean '{close}'?").format(close=close[0]) if close
                           else _("known keys: {names}").format(names=", ".join(FRONT_MATTER_KEYS)))
        elif key in ("date", "updated"):
            if entry.value in (None, ""):
                continue
            try:
                setattr(article, key, parse_date(entry.value, key))
            except ValueError as exc:
                problems.error(path, entry.line, str(exc))
        elif key == "author":
            article.authors = _authors(entry, path, problems)
        elif key == "image":
            article.image = _lead_image(entry, path, problems)
        elif key in ("tags", "aliases"):
            values = _list_value(key, entry, path, problems)
            setattr(article, key, tuple(dict.fromkeys(values)))
        elif key == "see_also":
            article.see_also.extend(_see_also_entries(entry, path, problems))
        elif key == "slug":
            slug = _text_value(key, entry, path, problems)
            # check what was written: clean_text would silently drop direction marks
            written = entry.value.strip() if isinstance(entry.value, str) else slug
            reason = check_slug(unicodedata.normalize("NFC", written))
            if reason:
                problems.error(path, entry.line, reason, _("choose a slug like 'moscow-strikes-2017'"))
            else:
                article.slug = slug
        elif key == "source_url":
            url = _text_value(key, entry, path, problems)
            if url and not re.match(r"^https?://\S+$", url, re.IGNORECASE):
                problems.error(path, entry.line, _("source_url must be a web address starting with https://"),
                               _("such as https://www.example.com/news/123; javascript:, data: and other kinds "
                                 "of address are refused"))
            else:
                article.source_url = url
        elif key == "lang":
            lang = _text_value(key, entry, path, problems)
            if lang and not re.match(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$", lang):
                problems.error(path, entry.line, _("lang must be a language tag such as ar, en or fr"))
            else:
                article.lang = lang
        else:
            setattr(article, key, _text_value(key, entry, path, problems))
    _check_newsroom_keys(article, entries, problems)


def _authors(entry: Entry, path: str, problems: Problems) -> tuple[str, ...]:
    """One name or a list of names ('author: أحمد الريدي، فيصل الحربي' holds two)."""
    if isinstance(entry.value, dict):
        problems.error(path, entry.line, _("'author' must be a name or a list of names"),
                       _("such as author: أحمد الريدي, or author: [أحمد الريدي, فيصل الحربي]"))
        return ()
    names = tuple(dict.fromkeys(_list_value("author", entry, path, problems)))
    for name in names:
        if len(name) > MAX_AUTHOR_LENGTH:
            problems.error(path, entry.line, _("the author's name is {length} characters long; names are at most "
                                               "{most}").format(length=len(name), most=MAX_AUTHOR_LENGTH),
                           _("put one name per item, such as author: [أحمد الريدي, فيصل الحربي]"))
            return ()
    return names


def _lead_image(entry: Entry, path: str, problems: Problems) -> ImageRef | None:
    src = _text_value("image", entry, path, problems)
    if not src:
        return None
    reason = image_address_problem(src)
    if reason:
        problems.error(path, entry.line, *reason)
        return None
    return ImageRef(src, entry.line)


def image_address_problem(src: str) -> tuple[str, str] | None:
    """Why an image address cannot be published (message, hint), or None when it can.

    A file path (relative to the article, or to content/ when it starts with '/') or an https://
    address; http:// images are blocked on https pages, and data:, javascript: and other kinds of
    address are refused.
    """
    scheme = _SCHEME.match(src)
    kind = scheme.group(1).lower() if scheme else ""
    if kind == "https":
        if re.match(r"^https://[^/\s?#]+", src, re.IGNORECASE) and not re.search(r"[\s<>\"]", src):
            return None
        return (_("'{src}' is not a web address").format(src=src), _("write it like https://www.example.com/photo.jpg"))
    if kind == "http":
        return (_("the image '{src}' is an http:// address; pages do not load insecure images").format(src=src),
                _("use its https:// address, or save the image beside the article and give its file name"))
    if scheme and len(kind) > 1:  # 'c:' is a Windows drive, not a scheme
        return (_("the image address starts with '{kind}:'; {kind}: images are refused").format(kind=kind),
                _("save the image as a file beside the article and give its file name, or give an https:// address"))
    if src.startswith("//"):
        return (_("the image '{src}' has no https: in front").format(src=src),
                _("write https:{src}, or give the file's path inside content/").format(src=src))
    if "\\" in src or re.match(r"^[A-Za-z]:", src):
        return (_("the image path '{src}' is written the Windows way").format(src=src),
                _("use '/' between folders, relative to the article or to content/ (such as /images/photo.jpg)"))
    return None


def _check_newsroom_keys(article: Article, entries: dict[str, Entry], problems: Problems) -> None:
    """Keys that only mean something together: image_alt without image, updated before date."""
    for key in IMAGE_TEXT_KEYS:
        if key in entries and getattr(article, key) and "image" not in entries:
            problems.error(article.path, entries[key].line,
                           _("'{key}' is given but the article has no 'image:'").format(key=key),
                           _("add image: with the picture's file name, or remove this line"))
    if article.updated and article.date and _earlier(article.updated, article.date):
        problems.error(article.path, entries["updated"].line,
                       _("the article was updated ({updated}) before it was published ({date})").format(
                           updated=date_iso(article.updated), date=date_iso(article.date)),
                       _("check both dates; 'updated' is the later one"))


def _earlier(a: When, b: When) -> bool:
    """Is `a` before `b`? A bare date is compared by its day: '2018-03-05' is not before 10:00 that day."""
    if isinstance(a, datetime) and isinstance(b, datetime):
        return as_utc(a) < as_utc(b)
    return (a.date() if isinstance(a, datetime) else a) < (b.date() if isinstance(b, datetime) else b)


def as_utc(value: date | datetime) -> datetime:
    """A comparable date-time: a zone-less time counts as UTC, a bare date as its midnight."""
    moment = as_datetime(value)
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _see_also_entries(entry: Entry, path: str, problems: Problems) -> list[SeeAlso]:
    value = entry.value
    items = value if isinstance(value, list) else [value] if value else []
    out = []
    for index, item in enumerate(items):
        line = entry.item_line(index)
        if isinstance(item, dict):
            text = item.get("title") or item.get("slug") or item.get("url") or ""
            teaser = item.get("teaser") or ""
        else:
            text, teaser = item, ""
        if not isinstance(text, (str, int)) or not isinstance(teaser, str) or not str(text).strip():
            problems.error(path, line, _("every see_also item must be a headline, a slug or an address"),
                           _("write one item per line, such as: - قمة الرياض"))
            continue
        out.append(SeeAlso(clean_text(str(text)).strip(), clean_text(teaser).strip(), line))
    return out


# ---------------------------------------------------------------- the two body forms

_markdown = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)
_tokenize_blocks = _markdown.block.tokenize


def _tokenize_noting_depth(state: Any, start: int, end: int) -> None:
    """markdown-it's block tokenizer, noting in env where maxNesting made it drop the rest."""
    line = state.skipEmptyLines(start)
    if (state.level >= _markdown.options.maxNesting and line < end
            and state.sCount[line] >= state.blkIndent and "too_deep" not in state.env):
        state.env["too_deep"] = line
    _tokenize_blocks(state, start, end)


_markdown.block.tokenize = _tokenize_noting_depth  # type: ignore[method-assign,assignment]


def _image_placeholder(_renderer: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
    """An image stands in the body as <img data-image="N">; each page fills it in (media.body_html)."""
    return f'<img data-image="{tokens[idx].meta["image"]}">'


_markdown.add_render_rule("image", _image_placeholder)
IMAGE_PLACEHOLDER = re.compile(r'<img data-image="(\d+)">')


def _collect_images(tokens: list[Token], first_line: int) -> list[ImageRef]:
    """Note every image of the body with its line, alt text and top-level block; number it for its placeholder."""
    images: list[ImageRef] = []
    block = 0
    for tok in tokens:
        if tok.level == 0 and tok.nesting >= 0:
            block += 1
        if tok.type != "inline" or not tok.children:
            continue
        line = first_line + (tok.map[0] if tok.map else 0)
        for child in tok.children:
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            elif child.type == "image":
                child.meta["image"] = len(images)
                images.append(ImageRef(str(child.attrs.get("src", "")), line, _plain(child),
                                       clean_text(str(child.attrs.get("title") or "")), block))
    return images


def _render_markdown(body: str, title_from_heading: bool, env: dict[str, Any] | None = None,
                     first_line: int = 1) -> tuple[str, str, str, list[ImageRef]]:
    """Render Markdown; return (html, first heading text, first paragraph text, images).

    With `title_from_heading`, a leading `# heading` is the headline and leaves the body.
    `env["too_deep"]` is set to the 0-based line where nesting too deep for markdown-it begins.
    Images become numbered placeholders (see _image_placeholder); `first_line` is the body's line in the file.
    """
    tokens = _markdown.parse(body, {} if env is None else env)
    images = _collect_images(tokens, first_line)
    first_heading = ""
    lead = ""
    paragraph = 0
    drop_until = -1
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open":
            if title_from_heading and tok.tag == "h1" and not first_heading and not lead:
                first_heading = tokens[i + 1].content
                drop_until = i + 2
            # the headline is the page's only h1: body headings move one level down
            level = min(int(tok.tag[1]) + 1, 6)
            tok.tag = f"h{level}"
        elif tok.type == "heading_close":
            tok.tag = f"h{min(int(tok.tag[1]) + 1, 6)}"
        elif tok.type == "paragraph_open" and tok.level == 0:
            paragraph += 1
            tok.attrSet("id", f"p{paragraph}")
            if not lead and i + 1 < len(tokens):
                lead = _plain(tokens[i + 1])
    if drop_until >= 0:
        tokens = tokens[: drop_until - 2] + tokens[drop_until + 1:]
    rendered = _markdown.renderer.render(tokens, _markdown.options, {})
    return rendered, first_heading, lead, images


def _plain(inline: Token) -> str:  # an inline token, or an image (its children are its alt text)
    """The text a reader sees in an inline token: link texts and image descriptions, no markup."""
    parts = [child.content or " " for child in inline.children or ()
             if child.type in ("text", "code_inline", "image", "softbreak", "hardbreak")]
    return " ".join("".join(parts).split())


def _blocks(body: str, first_line: int) -> list[tuple[int, str]]:
    """Split plain text into (line, text) blocks separated by blank lines."""
    blocks: list[tuple[int, str]] = []
    start, lines = 0, list[str]()
    for offset, raw in enumerate(body.split("\n")):
        line = raw.strip()
        if line:
            if not lines:
                start = first_line + offset
            lines.append(line)
        elif lines:
            blocks.append((start, " ".join(lines)))
            lines = []
    if lines:
        blocks.append((start, " ".join(lines)))
    return blocks


def is_subheadline(text: str) -> bool:
    """A short line without final punctuation reads as a sub-headline."""
    return len(text) <= 120 and len(text.split()) <= 18 and text[-1] not in _FINAL_PUNCTUATION


def _apply_dateline(article: Article, blocks: list[tuple[int, str]]) -> int:
    """Read the dateline (a line of its own, or the start of the first paragraph); return the blocks it took.

    Front matter wins: the dateline only fills place, source and author where it is silent.
    """
    if len(blocks) < 2:
        return 0
    dateline = read_dateline(blocks[0][1])
    taken = 1 if dateline else 0
    if dateline is None:
        dateline = leading_dateline(blocks[0][1])  # stays part of the paragraph
    if dateline is None:
        return 0
    if taken:
        article.dateline = dateline.text
    article.dateline_read = dateline.classified
    article.place = article.place or dateline.place
    article.source = article.source or dateline.source
    article.authors = article.authors or ((dateline.author,) if dateline.author else ())
    return taken


SEE_ALSO_ENTRY_MAX = 250  # characters of a "see also" headline or teaser (the corpus's longest: 174)


def _could_be_entry(text: str) -> bool:
    """A headline or a teaser ('…'), not a paragraph: short, and no long sentence ending in a full stop."""
    return len(text) <= SEE_ALSO_ENTRY_MAX and not (len(text) > 100 and text[-1] in ".!?؟")


def _see_also_start(blocks: list[tuple[int, str]], path: str, problems: Problems) -> int | None:
    """Where the "see also" block opens: the first «انظر ايضاً» line followed by entries only.

    One followed by paragraphs stands inside the text (a quote, a heading): it stays text, with a
    warning, rather than turning the rest of the article into "see also" entries.
    """
    markers = [i for i, (_line, text) in enumerate(blocks) if len(text) <= 40 and headline_key(text) == SEE_ALSO_MARKER]
    for number, start in enumerate(markers):
        end = markers[number + 1] if number + 1 < len(markers) else len(blocks)
        if all(_could_be_entry(text) for _line, text in blocks[start + 1:end]):
            return start
        problems.warning(path, blocks[start][0], _('the line «{line}» is followed by paragraphs, not "see also" '
                                                   'entries; it was kept in the text').format(line=blocks[start][1]),
                         _("if it opens the \"see also\" block, put that block after the article's last paragraph"))
    return None


def _render_text(article: Article, blocks: list[tuple[int, str]], problems: Problems) -> None:
    """Turn the scraped layout's blocks into headings, paragraphs and "see also" entries."""
    parts: list[str] = []
    paragraph = 0
    rest = blocks[_apply_dateline(article, blocks):]
    start = _see_also_start(rest, article.path, problems)
    for position, (_line, text) in enumerate(rest):
        if position == start:
            article.see_also[:0] = _see_also_block(rest[position + 1:])
            break
        if is_subheadline(text) and position + 1 < len(rest):
            parts.append(f"<h2>{html.escape(text, quote=False)}</h2>")
        else:
            paragraph += 1
            if not article.lead:
                article.lead = text
            parts.append(f'<p id="p{paragraph}">{html.escape(text, quote=False)}</p>')
    article.body_html = "\n".join(parts)


def _see_also_block(blocks: list[tuple[int, str]]) -> list[SeeAlso]:
    entries: list[SeeAlso] = []
    for line, text in blocks:
        is_teaser = text.endswith(("…", "...")) and entries and not entries[-1].teaser
        if is_teaser:
            entries[-1].teaser = text
        else:
            entries.append(SeeAlso(text, "", line))
    return entries


def _checked_images(images: list[ImageRef], path: str, problems: Problems) -> Iterator[ImageRef]:
    """The body's images, each address checked as the front matter's `image:` is."""
    for image in images:
        reason = image_address_problem(image.src)
        if reason:
            problems.error(path, image.line, *reason)
        yield image


_SENTENCE_END = re.compile(r"[.!?؟…](?=\s)")


def _split_headline(blocks: list[tuple[int, str]], first_line: str, path: str,
                    problems: Problems) -> list[tuple[int, str]]:
    """The blocks of a scraped text with a headline of a sensible length first.

    The headline is line 1. When the first block runs on past MAX_HEADLINE characters, the
    headline is its first line if that is short (the text follows without a blank line), else,
    for a file without line breaks, its first sentence, or failing that its first words with
    '…' (the text then keeps them: nothing is lost). Both are warned about.
    """
    line, text = blocks[0]
    if len(text) <= MAX_HEADLINE:
        return blocks
    first = clean_text(first_line).strip()
    if len(first) <= MAX_HEADLINE:
        problems.warning(path, line, _("the headline runs on into the next line with no blank line between; "
                                       "line {line} was taken as the headline and the rest as text").format(line=line),
                         _("put a blank line after the headline"))
        return [(line, first), (line, text[len(first):].strip()), *blocks[1:]]
    end = _SENTENCE_END.search(text, 0, MAX_HEADLINE)
    if end is not None and end.start() >= 10:  # a headline keeps its '!' or '؟', not a full stop
        stop = end.start() + (text[end.start()] != ".")
        headline, rest = text[:stop], text[end.end():].strip()
        what = _("its first sentence became the headline and the rest the text")
    else:
        cut = text.rfind(" ", 0, 120)
        headline, rest = text[: cut if cut > 0 else 120] + " …", text
        what = _("its first words became the headline, and the whole line the text")
    problems.warning(path, line, _("the first line is {length:,} characters long (has the file lost its line "
                                   "breaks?); {what}").format(length=len(first), what=what),
                     _("put the headline on the first line, and a blank line before each paragraph"))
    return [(line, headline), *([(line, rest)] if rest else []), *blocks[1:]]


def parse_article(rel_path: str, data: bytes, problems: Problems) -> Article | None:
    """Parse one article file (Markdown or scraped text); report every problem in it."""
    before = len(problems.errors)
    text = read_text(data, rel_path, problems)
    if text is None:
        return None
    front, body, body_line = split_front_matter(text)
    stem = unicodedata.normalize("NFC", Path(rel_path).stem)
    article = Article(path=rel_path, slug=stem, title="")
    entries: dict[str, Entry] = {}
    if front is not None:
        loaded = load_mapping(front, rel_path, 2, problems, _("the front matter"))
        if loaded is None:
            return None
        entries = loaded
        apply_front_matter(article, entries, problems)
    if "slug" not in entries:
        reason = check_slug(stem)
        if reason:
            problems.error(rel_path, 1,
                           _("the file name cannot be used as the address: {reason}").format(reason=reason),
                           _("rename the file or add a 'slug:' line to the front matter"))
    if rel_path.endswith(".md"):
        env: dict[str, Any] = {}
        body_html, heading, lead, images = _render_markdown(body, not article.title, env, body_line)
        article.images = tuple(_checked_images(images, rel_path, problems))
        if "too_deep" in env:
            problems.warning(rel_path, body_line + env["too_deep"],
                             _("the Markdown here is nested more than {levels} levels deep; the rest of the "
                               "article was left out").format(levels=_markdown.options.maxNesting),
                             _("remove the extra '>' marks or list indentation"))
        article.body_html, article.lead = body_html, lead
        article.title = article.title or clean_text(heading).strip()
    else:
        # a block of nothing but direction marks (scrapers leave such lines) is no block at all
        blocks = [(line, text) for line, t in _blocks(body, body_line) if (text := clean_text(t).strip())]
        if blocks and not article.title:
            blocks = _split_headline(blocks, body.split("\n")[blocks[0][0] - body_line], rel_path, problems)
            article.title = blocks[0][1]
        _render_text(article, blocks[1:] if blocks else [], problems)
    if len(article.title) > MAX_HEADLINE:
        problems.warning(rel_path, article.line_of("title"),
                         _("the headline is {length:,} characters long; it was built, but readers expect a line or "
                           "two (share cards show its start)").format(length=len(article.title)),
                         _("shorten it"))
    if not article.title:
        problems.error(rel_path, article.line_of("title"), _("the article has no headline"),
                       _("add 'title:' to the front matter") if rel_path.endswith(".md")
                       else _("put the headline on the first line"))
    if len(problems.errors) > before:
        return None
    return article

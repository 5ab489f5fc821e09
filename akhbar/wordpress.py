"""Read a WordPress export (WXR) into articles: published posts (and pages), their images, old addresses.

Reading is safe: the XML goes through defusedxml (no DTD, no entity expansion, no external entities)
and is streamed item by item, keeping the line where each item starts for `path:line` messages.
Post HTML becomes Markdown through markdownify (BeautifulSoup underneath), after WordPress's own
constructs are turned into plain HTML: paragraphs of the classic editor (wpautop), `[caption]`,
`[gallery]`, `[embed]`, `[audio]`, `[video]`, `<!--more-->` and `<!--nextpage-->`. Whatever cannot be
converted is kept as text, or for scripts and styles removed, and listed: never dropped silently.
Nothing here writes a file; `importer.import_wordpress` checks the plan, then writes it.
"""

from __future__ import annotations

import html
import posixpath
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit
from xml.etree.ElementTree import ParseError

from bs4 import BeautifulSoup
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from markdownify import MarkdownConverter

from .arabic import clean_text
from .content import MAX_SLUG_LENGTH, check_slug
from .i18n import N_, _
from .messages import Nn_, count
from .problems import Problems

NAMESPACES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://wellformedweb.org/CommentAPI/": "wfw",
}
SKIPPED_STATUS = {"draft": "draft", "auto-draft": "draft", "pending": "draft", "future": "scheduled",
                  "private": "private", "trash": "trashed"}
UNCATEGORIZED = "uncategorized"  # WordPress's default category: a section of no meaning
UPLOADS = "uploads"  # copied images go to content/<into>/uploads/, mirroring wp-content/uploads/
REMOVED_TAGS = ("script", "style", "noscript", "template")  # code, not text: removed, and listed
EMBED_TAGS = ("iframe", "video", "audio", "embed", "object", "source")  # become links, and are listed
TEXT_ONLY_TAGS = ("form", "input", "button", "select", "textarea", "canvas", "svg", "math", "map")
_SHORTCODE = re.compile(r"\[(\[?)([a-z][a-z0-9_-]*)(\s[^\]]*)?\](?:(.*?)\[/\2\])?(\]?)", re.S)
_HANDLED_SHORTCODES = ("caption", "wp_caption", "gallery", "embed", "audio", "video")
_ATTRIBUTE = re.compile(r'([\w-]+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\'|([^\s"\']+))')
_MORE = re.compile(r"<!--more(.*?)?-->", re.S)
_NEXTPAGE = re.compile(r"<!--nextpage-->")
_BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:.*?-->", re.S)
_BLOCK_TAGS = ("address|article|aside|blockquote|caption|col|colgroup|dd|div|dl|dt|details|fieldset|"
               "figcaption|figure|footer|form|h[1-6]|header|hr|li|main|nav|ol|p|pre|section|table|tbody|"
               "td|tfoot|th|thead|tr|ul|iframe|script|style")
_STARTS_BLOCK = re.compile(rf"^\s*(<(?:{_BLOCK_TAGS})[\s>/]|\[(?:caption|wp_caption|gallery|embed|audio|video)\b)",
                           re.I)
_ZERO_DATE = "0000-00-00 00:00:00"


# ---------------------------------------------------------------- reading the export


@dataclass
class Item:
    """One <item> of the export, as text: its fields by name ('title', 'wp:post_id'…), terms, metadata."""

    line: int
    fields: dict[str, str] = field(default_factory=dict)
    terms: list[tuple[str, str, str]] = field(default_factory=list)  # (domain, nicename, name)
    meta: dict[str, str] = field(default_factory=dict)
    old_slugs: list[str] = field(default_factory=list)  # every _wp_old_slug (a post may have several)
    comments: int = 0

    def get(self, name: str) -> str:
        return self.fields.get(name, "")

    @property
    def id(self) -> str:
        return self.get("wp:post_id").strip()

    @property
    def kind(self) -> str:
        return self.get("wp:post_type").strip()


@dataclass
class Export:
    """The whole export: the site's addresses and language, authors, categories, and every item."""

    base_url: str = ""
    language: str = ""
    authors: dict[str, str] = field(default_factory=dict)  # login -> display name
    categories: dict[str, tuple[str, str]] = field(default_factory=dict)  # term id -> (nicename, name)
    items: list[Item] = field(default_factory=list)


def _name(tag: str) -> str:
    """'{http://wordpress.org/export/1.2/}post_id' -> 'wp:post_id' (any WXR version)."""
    if not tag.startswith("{"):
        return tag
    uri, local = tag[1:].split("}", 1)
    if uri.startswith("http://wordpress.org/export/"):
        return ("excerpt:" if uri.rstrip("/").endswith("excerpt") else "wp:") + local
    return f"{NAMESPACES.get(uri, uri)}:{local}"


class _Reader:
    """A parser target that keeps items as small records (never a whole tree) with their lines."""

    def __init__(self) -> None:
        self.export = Export()
        self.stack: list[str] = []
        self.text: list[str] = []
        self.item: Item | None = None
        self.record: dict[str, str] = {}  # the fields of the wp:author, wp:category or wp:postmeta being read
        self.attributes: dict[str, str] = {}
        self.line = lambda: 0

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        name = _name(tag)
        self.stack.append(name)
        self.text = []
        if name == "item" and self.stack[-2:-1] == ["channel"]:
            self.item = Item(self.line())
        elif name in ("wp:author", "wp:category", "wp:postmeta"):
            self.record = {}
        elif name == "category":
            self.attributes = dict(attributes)
        elif name == "wp:comment" and self.item is not None:
            self.item.comments += 1

    def data(self, text: str) -> None:
        self.text.append(text)

    def end(self, tag: str) -> None:
        name = self.stack.pop()
        text = "".join(self.text)
        self.text = []
        parent = self.stack[-1] if self.stack else ""
        item, export = self.item, self.export
        if name == "item" and item is not None:
            export.items.append(item)
            self.item = None
        elif parent in ("wp:author", "wp:category", "wp:postmeta"):
            self.record[name] = text
        elif name == "wp:author":
            login = self.record.get("wp:author_login", "")
            export.authors[login] = clean_text(self.record.get("wp:author_display_name", "") or login).strip()
        elif name == "wp:category" and parent == "channel":
            export.categories[self.record.get("wp:term_id", "").strip()] = (
                self.record.get("wp:category_nicename", ""), _plain(self.record.get("wp:cat_name", "")))
        elif name == "wp:postmeta" and item is not None:
            key, value = self.record.get("wp:meta_key", ""), self.record.get("wp:meta_value", "")
            item.meta[key] = value
            if key == "_wp_old_slug" and value.strip():
                item.old_slugs.append(value.strip())
        elif item is not None and parent == "item":
            if name == "category":
                item.terms.append((self.attributes.get("domain", ""), self.attributes.get("nicename", ""),
                                   _plain(text)))
            else:
                item.fields[name] = text
        elif parent == "channel" and name in ("wp:base_blog_url", "wp:base_site_url", "language"):
            if name == "language":
                export.language = text.strip()
            elif name == "wp:base_blog_url" or not export.base_url:
                export.base_url = text.strip()

    def close(self) -> Export:
        return self.export


def read_export(path: Path, shown: str, problems: Problems) -> Export | None:
    """Read a WXR file safely; report a file that is not one, at its line."""
    reader = _Reader()
    parser = DefusedXMLParser(target=reader, forbid_dtd=True)
    reader.line = lambda: parser.parser.CurrentLineNumber
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                parser.feed(chunk)
        export = parser.close()
    except OSError as exc:
        problems.error(shown, 0, _("the export could not be read: {reason}").format(reason=exc.strerror or exc))
        return None
    except ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else 0
        problems.error(shown, line, _("the export is not well-formed XML: {reason}").format(
            reason=str(exc).split(":")[0]),
                       _("export it again from WordPress (Tools → Export); a file cut short ends like this"))
        return None
    except DefusedXmlException as exc:
        problems.error(shown, reader.line(), _("the export declares a DTD or entities ({name}); it was not "
                                               "read").format(name=type(exc).__name__),
                       _("WordPress exports never do: is this file really one?"))
        return None
    if not export.items and not export.base_url:
        problems.error(shown, 1, _("this is XML, but not a WordPress export (no <channel> with items)"),
                       _("export it from WordPress: Tools → Export → All content"))
        return None
    return export


# ---------------------------------------------------------------- text helpers


def _plain(fragment: str) -> str:
    """The text of an HTML fragment (a title, an excerpt, a category name): tags out, entities decoded."""
    if "<" in fragment or "&" in fragment:
        fragment = BeautifulSoup(fragment, "html.parser").get_text(" ")
        fragment = html.unescape(fragment)
    return " ".join(clean_text(fragment).split())


def safe_slug(post_name: str, fallback: str) -> str:
    """The post's slug as an address segment: URL-decoded (Arabic kept), made safe by check_slug's rules."""
    slug = unicodedata.normalize("NFC", clean_text(unquote(post_name.strip())))
    slug = re.sub(r"[^\w.\-]+", "-", slug)
    slug = re.sub(r"\.{2,}", ".", re.sub(r"-{2,}", "-", slug)).strip(".-")[:MAX_SLUG_LENGTH].strip(".-")
    return slug if slug and check_slug(slug) is None else fallback


def wp_date(local: str, gmt: str) -> str:
    """WordPress's local date and time as ISO 8601, with the site's offset (from the GMT copy) when known."""
    local, gmt = local.strip(), gmt.strip()
    if not local or local.startswith("0000"):
        return ""
    try:
        when = datetime.strptime(local, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return ""
    text = when.isoformat()
    try:
        utc = datetime.strptime(gmt, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return text
    minutes = round((when - utc).total_seconds() / 60)
    if abs(minutes) > 14 * 60 or minutes % 15:
        return text
    sign = "+" if minutes >= 0 else "-"
    return f"{text}{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def shortcode_attributes(text: str) -> dict[str, str]:
    """`id="attachment_5" align=left width='300'` -> {'id': 'attachment_5', …}."""
    found = {}
    for match in _ATTRIBUTE.finditer(text or ""):
        found[match.group(1).lower()] = next(g for g in match.groups()[1:] if g is not None)
    return found


def autop(text: str) -> str:
    """WordPress's wpautop, simplified: blank lines separate paragraphs; a single newline is a <br>.

    Classic-editor posts are stored without <p>; block-editor posts already have them.
    """
    blocks = []
    for chunk in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        if not chunk.strip():
            continue
        if _STARTS_BLOCK.match(chunk):
            blocks.append(chunk)
        else:
            blocks.append("<p>" + "<br>\n".join(line for line in chunk.strip().split("\n")) + "</p>")
    return "\n\n".join(blocks)


# ---------------------------------------------------------------- images


@dataclass(frozen=True)
class Attachment:
    id: str
    url: str
    file: str  # _wp_attached_file: the path under wp-content/uploads/
    alt: str
    caption: str
    credit: str
    parent: str
    order: int


def attachments(export: Export) -> dict[str, Attachment]:
    """Every attachment of the export by its id."""
    found = {}
    for item in export.items:
        if item.kind != "attachment":
            continue
        credit = re.search(r's:6:"credit";s:\d+:"(.*?)";', item.meta.get("_wp_attachment_metadata", ""))
        try:
            order = int(item.get("wp:menu_order") or 0)
        except ValueError:
            order = 0
        found[item.id] = Attachment(
            item.id, (item.get("wp:attachment_url") or item.get("guid")).strip(),
            item.meta.get("_wp_attached_file", ""), _plain(item.meta.get("_wp_attachment_image_alt", "")),
            _plain(item.get("excerpt:encoded")), _plain(credit.group(1)) if credit else "",
            item.get("wp:post_parent").strip(), order)
    return found


@dataclass(frozen=True)
class Image:
    """Where an image of the export ends up: a copied file, an https:// address, or a link only."""

    kind: str  # "local" | "remote" | "link"
    src: str  # for "local", the path under content/<into>/ (uploads/2018/03/x.jpg)
    source: Path | None = None  # the file copied, for "local"


class Images:
    """Finds each image address in --uploads (copied), else keeps https:// addresses and links http:// ones."""

    def __init__(self, uploads: Path | None):
        self.uploads = uploads
        self.used: dict[str, Image] = {}

    def find(self, url: str, attached_file: str = "") -> Image:
        """The image at `url` (or the attachment's file under wp-content/uploads/)."""
        url = html.unescape(url.strip())
        key = url + "\0" + attached_file
        if key not in self.used:
            self.used[key] = self._find(url, attached_file)
        return self.used[key]

    def _find(self, url: str, attached_file: str) -> Image:
        if self.uploads is not None:
            for tail in _upload_tails(url, attached_file):
                candidate = self.uploads / tail
                if candidate.is_file() and candidate.resolve().is_relative_to(self.uploads.resolve()):
                    return Image("local", f"{UPLOADS}/{tail}", candidate)
        if url.lower().startswith("https://"):
            return Image("remote", url)
        return Image("link", url)

    @property
    def copies(self) -> dict[str, Path]:
        return {image.src: image.source for image in self.used.values() if image.source is not None}


def _upload_tails(url: str, attached_file: str) -> list[str]:
    """Paths under wp-content/uploads/ the image may have: the attachment's own, then the address's."""
    tails = [attached_file] if attached_file else []
    path = unquote(urlsplit(url).path)
    if "/wp-content/uploads/" in path:
        tail = path.split("/wp-content/uploads/", 1)[1]
        tails.append(tail)
        multisite = re.match(r"^sites/\d+/(.+)$", tail)
        if multisite:
            tails.append(multisite.group(1))
    safe = []
    for tail in tails:
        parts = [p for p in tail.strip("/").split("/") if p not in ("", ".")]
        if parts and ".." not in parts and all(check_slug(p) is None or " " in p for p in parts):
            safe.append("/".join(parts))
    return list(dict.fromkeys(safe))


def markdown_src(src: str) -> str:
    """An image or link destination Markdown reads back as written."""
    return quote(src, safe="/:?#=&%~+,;@!$'*") if re.search(r"[\s()<>]", src) else src


# ---------------------------------------------------------------- one post


KIND_WORDS = {"post": N_("post"), "page": N_("page")}


class Notes:
    """What a post's conversion could not do as written, counted: one line per kind in the report."""

    def __init__(self) -> None:
        self.counts: dict[tuple[str, str, tuple[tuple[str, object], ...]], int] = {}

    def add(self, one: str, other: str = "", **fields: object) -> None:
        """Note `one` (said `other`, with {n}, when it happened several times), both marked for the
        catalog (N_, Nn_) and translated when the notes are said, with `fields` filled in."""
        key = (one, other, tuple(sorted(fields.items())))
        self.counts[key] = self.counts.get(key, 0) + 1

    def messages(self) -> list[str]:
        said = []
        for (one, other, fields), n in self.counts.items():
            if other:
                said.append(count(n, one, other, **dict(fields)))
            else:
                note = _(one).format(**dict(fields))
                said.append(note if n == 1 else count(n, "{n} time: {note}", "{n} times: {note}", note=note))
        return said


@dataclass
class Converted:
    """A post's body as Markdown, its summary, and what could not be converted."""

    markdown: str
    teaser: str  # the text before <!--more-->, as plain text ("" without one)
    notes: Notes = field(default_factory=Notes)


class Converter:
    """HTML of WordPress posts into Markdown, with the export's attachments and images at hand."""

    def __init__(self, export: Export, images: Images):
        self.attachments = attachments(export)
        self.children: dict[str, list[Attachment]] = {}
        for attachment in sorted(self.attachments.values(), key=lambda a: (a.order, int(a.id or 0))):
            self.children.setdefault(attachment.parent, []).append(attachment)
        self.by_url = {a.url: a for a in self.attachments.values()}
        self.images = images

    def convert(self, item: Item) -> Converted:
        """The post's body as Markdown; notes name each thing kept as text, made a link, or removed."""
        notes = Notes()
        raw = item.get("content:encoded")
        more = _MORE.search(raw)
        teaser = ""
        if more:
            teaser = self._markdown(self._html(raw[: more.start()], item, Notes()), Notes()).strip()
            raw = raw[: more.start()] + "\n\n" + raw[more.end():]
        raw = _NEXTPAGE.sub("\n\n", raw)
        return Converted(self._markdown(self._html(raw, item, notes), notes), _markdown_text(teaser), notes)

    def _html(self, raw: str, item: Item, notes: Notes) -> str:
        """Plain HTML: block comments out, paragraphs made, WordPress shortcodes replaced."""
        gutenberg = "<!-- wp:" in raw
        text = _BLOCK_COMMENT.sub("", raw)
        if not gutenberg:
            text = autop(text)
        return _SHORTCODE.sub(lambda m: self._shortcode(m, item, notes), text)

    def _shortcode(self, match: re.Match[str], item: Item, notes: Notes) -> str:
        escaped, name, attributes, inner, closing = match.groups()
        if escaped and closing:  # [[gallery]] is how WordPress writes the text "[gallery]"
            return match.group(0)[1:-1]
        name = name.lower()
        found = shortcode_attributes(attributes or "")
        if name in ("caption", "wp_caption"):
            return self._caption(inner or "", found)
        if name == "gallery":
            return self._gallery(item, found, notes)
        if name == "embed" and inner:
            return _link_paragraph(inner.strip())
        if name in ("audio", "video"):
            src = found.get("src") or next((v for k, v in found.items() if k in ("mp3", "m4a", "ogg", "wav",
                                                                                  "mp4", "webm", "ogv")), "")
            if src:
                return _link_paragraph(src)
        notes.add(*Nn_("the shortcode [{name}] was kept as text", "the shortcode [{name}] was kept as text {n} times"),
                  name=name)
        return html.escape(match.group(0), quote=False)

    def _caption(self, inner: str, found: dict[str, str]) -> str:
        """[caption]<img …> The caption.[/caption] -> a figure with its caption (older exports put it
        in caption="…")."""
        image = re.search(r"(<a\b[^>]*>\s*)?<img\b[^>]*>(\s*</a>)?", inner, re.I)
        caption = found.get("caption", "")
        if image:
            caption = (inner[: image.start()] + inner[image.end():]).strip() or caption
            picture = image.group(0)
        else:
            picture = ""
        return f"<figure>{picture}<figcaption>{caption}</figcaption></figure>"

    def _gallery(self, item: Item, found: dict[str, str], notes: Notes) -> str:
        """[gallery ids="1,2"] (or the images attached to the post) -> one figure per image."""
        ids = [i.strip() for i in (found.get("ids") or found.get("include") or "").split(",") if i.strip()]
        shown = [self.attachments[i] for i in ids if i in self.attachments] if ids else self.children.get(item.id, [])
        missing = [i for i in ids if i not in self.attachments]
        if missing:
            notes.add(count(len(missing), "a gallery names an image that is not in the export (id {ids}); it was "
                            "left out", "a gallery names {n} images that are not in the export (ids {ids}); they "
                            "were left out", ids=", ".join(missing)))  # said already: its own words and count
        if not shown:
            notes.add(*Nn_("a [gallery] with no images in the export was left out",
                           "{n} [gallery] shortcodes with no images in the export were left out"))
            return ""
        figures = []
        for attachment in shown:
            caption = f"<figcaption>{html.escape(attachment.caption)}</figcaption>" if attachment.caption else ""
            figures.append(f'<figure><img src="{html.escape(attachment.url)}" alt="{html.escape(attachment.alt)}" '
                           f'data-file="{html.escape(attachment.file)}">{caption}</figure>')
        return "\n".join(figures)

    def _markdown(self, fragment: str, notes: Notes) -> str:
        soup = BeautifulSoup(fragment, "html.parser")
        self._prepare(soup, notes)
        markdown = _Markdown(heading_style="ATX", bullets="-", escape_misc=False).convert_soup(soup)
        return re.sub(r"\n{3,}", "\n\n", markdown).strip()

    def _prepare(self, soup: Any, notes: Notes) -> None:
        """Make the HTML say only what Markdown can: images found or linked, embeds as links, the rest listed."""
        for tag in soup.find_all(REMOVED_TAGS):
            notes.add(*Nn_("a <{tag}> was removed (code, not text)", "{n} <{tag}> were removed (code, not text)"),
                      tag=tag.name)
            tag.decompose()
        for tag in soup.find_all(EMBED_TAGS):
            src = tag.get("src") or tag.get("data") or ""
            if tag.name == "source" and tag.find_parent(("video", "audio")):
                continue
            if not src:
                inner = tag.find("source")
                src = inner.get("src", "") if inner else ""
            if src:
                notes.add(*Nn_("an embedded <{tag}> became a link", "{n} embedded <{tag}> became links"), tag=tag.name)
            else:
                notes.add(*Nn_("an embedded <{tag}> without an address was kept as text",
                               "{n} embedded <{tag}> without an address were kept as text"), tag=tag.name)
            tag.replace_with(_soup_link(soup, src, tag.get("title") or "") if src else tag.get_text(" "))
        for tag in soup.find_all(TEXT_ONLY_TAGS):
            notes.add(*Nn_("a <{tag}> was kept as text", "{n} <{tag}> were kept as text"), tag=tag.name)
            tag.replace_with(tag.get_text(" "))
        for wrapper in soup.select("figure.wp-block-embed"):
            text = wrapper.get_text(" ").strip()
            if re.match(r"^https?://\S+$", text):
                wrapper.replace_with(_soup_link(soup, text))
        for img in soup.find_all("img"):
            self._image(soup, img, notes)

    def _image(self, soup: Any, img: Any, notes: Notes) -> None:
        src = img.get("src") or ""
        attachment = self.by_url.get(src)
        found = self.images.find(src, img.get("data-file") or (attachment.file if attachment else ""))
        alt = img.get("alt") or (attachment.alt if attachment else "")
        if found.kind == "link":
            notes.add(*Nn_("an image at an http:// address became a link (pages cannot show http:// images; "
                           "give --uploads to copy it)", "{n} images at http:// addresses became links (pages cannot "
                           "show http:// images; give --uploads to copy them)"))
            img.replace_with(_soup_link(soup, src, alt or "صورة"))
            return
        img.attrs = {"src": markdown_src(found.src), "alt": alt}


class _Markdown(MarkdownConverter):  # type: ignore[misc]
    """markdownify's converter, with a figure's caption as its own emphasised paragraph under the image."""

    def convert_figcaption(self, el: Any, text: str, parent_tags: Any) -> str:
        text = " ".join(text.split())
        return f"\n\n*{text}*\n\n" if text else ""

    def convert_figure(self, el: Any, text: str, parent_tags: Any) -> str:
        return f"\n\n{text.strip()}\n\n"


def _soup_link(soup: Any, href: str, text: str = "") -> Any:
    paragraph = soup.new_tag("p")
    link = soup.new_tag("a", href=href)
    link.string = text or href
    paragraph.append(link)
    return paragraph


def _link_paragraph(url: str) -> str:
    url = html.escape(url, quote=True)
    return f'<p><a href="{url}">{url}</a></p>'


def _markdown_text(markdown: str) -> str:
    """Markdown as one line of plain text (for a summary): marks and link targets out."""
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[*_`#>|]+|\\(?=\S)", "", text)
    return " ".join(text.split())


# ---------------------------------------------------------------- the plan


@dataclass
class Article:
    """One post or page to write: its file name, front matter, body, and the export line it came from."""

    item: Item
    slug: str
    front: dict[str, Any]
    body: str
    notes: Notes


@dataclass
class Plan:
    articles: list[Article] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)  # why posts were not imported
    ignored: Counter[str] = field(default_factory=Counter)  # other items: pages, attachments, menus…
    comments: int = 0
    images: Images = field(default_factory=lambda: Images(None))


def plan(export: Export, shown: str, problems: Problems, *, pages: bool, uploads: Path | None,
         language: str) -> Plan:
    """Every published post (and page, with `pages`) as an article to write; the rest counted."""
    result = Plan(images=Images(uploads))
    converter = Converter(export, result.images)
    slugs: dict[str, Item] = {}
    for item in export.items:
        kind = item.kind
        if kind not in ("post", "page") or (kind == "page" and not pages):
            result.ignored["page" if kind == "page" else kind or "item"] += 1
            continue
        status = item.get("wp:status").strip()
        why = "password-protected" if item.get("wp:post_password").strip() else SKIPPED_STATUS.get(
            status, "" if status == "publish" else status or "without a status")
        if why:
            result.skipped[why] += 1
            continue
        result.comments += item.comments
        article = _article(item, export, converter, language)
        if article.slug in slugs:
            first = slugs[article.slug]
            article.slug = f"{article.slug}-{item.id}"
            article.notes.add(N_("the slug is also the {kind} on line {line}'s; it became {slug}"),
                              kind=_(KIND_WORDS.get(first.kind, first.kind)), line=first.line, slug=article.slug)
        slugs[article.slug] = item
        result.articles.append(article)
    for article in result.articles:
        for note in article.notes.messages():
            problems.warning(shown, article.item.line, _("«{slug}»: {note}").format(slug=article.slug, note=note))
    return result


def _article(item: Item, export: Export, converter: Converter, language: str) -> Article:
    converted = converter.convert(item)
    slug = safe_slug(item.get("wp:post_name"), f"{item.kind}-{item.id}")
    notes = converted.notes
    title = _plain(item.get("title"))
    if not title:
        words = _markdown_text(converted.markdown).split()
        title = " ".join(words[:10]) + ("…" if len(words) > 10 else "") if words else slug
        notes.add(N_("the post has no title; «{title}» was used"), title=title)
    front: dict[str, Any] = {"title": title}
    date = wp_date(item.get("wp:post_date"), item.get("wp:post_date_gmt"))
    if date:
        front["date"] = date
    else:
        notes.add(N_("the post has no date; the article is listed as undated"))
    modified = wp_date(item.get("wp:post_modified"), item.get("wp:post_modified_gmt"))
    if modified and date and modified[:19] > date[:19]:
        front["updated"] = modified
    login = item.get("dc:creator").strip()
    if login:
        front["author"] = export.authors.get(login) or login
    section, tags = _terms(item, export)
    if section:
        front["section"] = section
    if tags:
        front["tags"] = tags
    summary = _plain(item.get("excerpt:encoded")) or converted.teaser
    if summary:
        front["summary"] = summary
    front.update(_featured(item, converter, notes))
    lang = export.language.split("-")[0].lower()
    if lang and lang != language.split("-")[0].lower():
        front["lang"] = export.language
    link = item.get("link").strip()
    if re.match(r"^https?://\S+$", link, re.I):
        front["source_url"] = link
    return Article(item, slug, front, converted.markdown, notes)


def _terms(item: Item, export: Export) -> tuple[str, list[str]]:
    """The section (the primary category, else the first) and tags (the post's tags, then its other categories)."""
    categories = [(nicename, name) for domain, nicename, name in item.terms
                  if domain == "category" and name and unquote(nicename) != UNCATEGORIZED]
    primary_id = (item.meta.get("_yoast_wpseo_primary_category") or item.meta.get("rank_math_primary_category")
                  or "").strip()
    primary = export.categories.get(primary_id)
    names = [name for _, name in categories]
    if primary and primary[1] in names:
        names.remove(primary[1])
        names.insert(0, primary[1])
    tags = [name for domain, _, name in item.terms if domain == "post_tag" and name]
    section = names[0] if names else ""
    return section, list(dict.fromkeys([*tags, *names[1:]]))


def _featured(item: Item, converter: Converter, notes: Notes) -> dict[str, str]:
    """The featured image as `image:` (with its alt text, caption and credit), when pages can show it."""
    attachment = converter.attachments.get(item.meta.get("_thumbnail_id", "").strip())
    if attachment is None:
        if item.meta.get("_thumbnail_id", "").strip():
            notes.add(N_("the featured image is not in the export; it was left out"))
        return {}
    found = converter.images.find(attachment.url, attachment.file)
    if found.kind == "link":
        notes.add(N_("the featured image {url} is an http:// address that pages cannot show; it was left out "
                     "(give --uploads to copy it)"), url=attachment.url)
        return {}
    front = {"image": found.src}
    for key, value in (("image_alt", attachment.alt), ("image_caption", attachment.caption),
                       ("image_credit", attachment.credit)):
        if value:
            front[key] = value
    return front


def old_addresses(item: Item, export: Export) -> list[str]:
    """The post's old addresses on its WordPress site, relative to it: its permalink's path, and the same
    with each old slug WordPress kept (_wp_old_slug), as folders or .html pages."""
    link = item.get("link").strip()
    base = urlsplit(export.base_url).path.rstrip("/")
    parts = urlsplit(link)
    if not link or parts.query or parts.fragment:
        return []
    path = unquote(parts.path)
    if base and path.startswith(base + "/"):
        path = path[len(base):]
    path = path.lstrip("/")
    if not path or not (path.endswith("/") or path.endswith(".html")):
        return []
    found = [path]
    slug = posixpath.basename(path.rstrip("/"))
    stem, end = path.rstrip("/")[: -len(slug)] if slug else "", path[len(path.rstrip("/")):]
    for old in item.old_slugs:
        if slug and unquote(old) != slug and "/" not in unquote(old):
            found.append(stem + unquote(old) + end)
    return list(dict.fromkeys(found))

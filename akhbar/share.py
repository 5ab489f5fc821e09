"""What a shared or cited article shows elsewhere: descriptions, Open Graph locales, NewsArticle
JSON-LD and paragraph deep links. Pure: text in, text out."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from markupsafe import Markup

from .content import Article
from .feeds import w3c_date

DESCRIPTION_LENGTH = 300
# Open Graph wants language_TERRITORY; these are the usual territories of bare language tags.
_TERRITORIES = {"ar": "AR", "en": "US", "fr": "FR", "fa": "IR", "ur": "PK", "he": "IL", "tr": "TR",
                "ku": "TR", "es": "ES", "de": "DE", "ru": "RU", "zh": "CN", "ja": "JP", "pt": "PT"}
_PARAGRAPH = re.compile(r'<p id="p(\d+)">(.*?)</p>', re.S)


def description(article: Article, length: int = DESCRIPTION_LENGTH) -> str:
    """The summary, else the first paragraph, cut at a word to `length` characters."""
    text = " ".join((article.summary or article.lead or article.title).split())
    if len(text) <= length:
        return text
    cut = text[: length - 2].rsplit(" ", 1)[0]
    return f"{cut} …"


def og_locale(language: str) -> str:
    """An Open Graph locale for a language tag: ar → ar_AR, en-GB → en_GB."""
    parts = re.split(r"[-_]", language)
    lang = parts[0].lower()
    region = next((p.upper() for p in parts[1:] if len(p) == 2 and p.isalpha()), "")
    return f"{lang}_{region or _TERRITORIES.get(lang, lang.upper())}"


def news_article(article: Article, canonical: str, language: str, publisher: dict[str, Any],
                 image: str | dict[str, Any] | None, authors: list[dict[str, Any]] | None = None,
                 ) -> dict[str, Any] | None:
    """schema.org NewsArticle for an article page; None for an undated article (no date is invented).

    `image` is an address (the share card) or an ImageObject (the article's own picture); `authors`
    are Person nodes (one is given alone, several as a list); without them the source is the author.
    """
    if article.date is None:
        return None
    published = w3c_date(article.date)  # a time without a zone is given as its date: no zone is invented
    author: Any = {"@type": "Organization", "name": article.source or publisher["name"]}
    if authors:
        author = authors[0] if len(authors) == 1 else authors
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "inLanguage": article.lang or language,
        "datePublished": published,
        "dateModified": w3c_date(article.updated) if article.updated else published,
        "url": canonical,
        "mainEntityOfPage": {"@type": "WebPage", "@id": canonical},
        "author": author,
        "publisher": publisher,
    }
    if image:
        data["image"] = [image]
    if article.source:
        data["sourceOrganization"] = {"@type": "Organization", "name": article.source}
    if article.place:
        data["contentLocation"] = {"@type": "Place", "name": article.place}
    if article.section:
        data["articleSection"] = article.section
    if article.tags:
        data["keywords"] = list(article.tags)
    if article.source_url:
        data["isBasedOn"] = article.source_url
    return data


def person(name: str, url: str | None = None) -> dict[str, Any]:
    """A schema.org Person, with the address of their page on the site when there is one."""
    data: dict[str, Any] = {"@type": "Person", "name": name}
    if url:
        data["url"] = url
    return data


def image_object(url: str, size: tuple[int, int] | None, caption: str, credit: str) -> dict[str, Any]:
    """A schema.org ImageObject for an article's own picture."""
    data: dict[str, Any] = {"@type": "ImageObject", "url": url}
    if size:
        data["width"], data["height"] = size
    if caption:
        data["caption"] = caption
    if credit:
        data["creditText"] = credit
    return data


def publisher_of(name: str, url: str, logo: str | None, logo_size: tuple[int, int]) -> dict[str, Any]:
    """The publishing organisation, with its logo when there is one."""
    data: dict[str, Any] = {"@type": "Organization", "name": name, "url": url}
    if logo:
        data["logo"] = {"@type": "ImageObject", "url": logo, "width": logo_size[0], "height": logo_size[1]}
    return data


def json_ld(data: dict[str, Any] | None) -> Markup:
    """A <script type="application/ld+json"> block on one line; '<', '>' and '&' are escaped so no text can end it."""
    if data is None:
        return Markup("")
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(f'<script type="application/ld+json">\n{text}\n</script>')


def deep_links(body_html: str, label: Callable[[int], str] = lambda n: f"رابط الفقرة {n}") -> Markup:
    """Give every anchored paragraph (id="pN") a visible '#' link to itself, in the HTML.

    The theme no longer uses this filter (`deep_links`): assets/js/deep-links.js adds the same link
    in the browser, so the page carries no markup per paragraph. It stays for sites whose own
    article template wants the links without JavaScript."""

    def add(match: re.Match[str]) -> str:
        number, inner = match.group(1), match.group(2)
        link = (f'<a class="para-link" href="#p{number}" aria-label="{label(int(number))}" '
                f'data-pagefind-ignore>#</a>')
        return f'<p id="p{number}">{inner} {link}</p>'

    return Markup(_PARAGRAPH.sub(add, body_html))

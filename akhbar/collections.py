"""Listing pages: home, the full archive and undated articles, with pagination. Pure."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .config import Settings
from .content import Article
from .render import Page


@dataclass(frozen=True)
class Pager:
    number: int
    count: int
    prev_path: str | None
    next_path: str | None
    first_path: str


def page_path(folder: str, number: int) -> str:
    """Stable path of page `number` of a listing: folder/index.html, folder/page/2/index.html."""
    prefix = f"{folder}/" if folder else ""
    return f"{prefix}index.html" if number == 1 else f"{prefix}page/{number}/index.html"


def paginate(
    folder: str, title: str, articles: Sequence[Article], size: int,
    crumbs: list[tuple[str, str]], extra: dict | None = None,
) -> Iterator[Page]:
    """Split a listing into pages of `size` articles with prev/next paths."""
    count = max(1, -(-len(articles) // size))
    for number in range(1, count + 1):
        chunk = articles[(number - 1) * size: number * size]
        pager = Pager(
            number, count,
            page_path(folder, number - 1) if number > 1 else None,
            page_path(folder, number + 1) if number < count else None,
            page_path(folder, 1),
        )
        shown = title if number == 1 else f"{title} (صفحة {number})"
        data = {"articles": chunk, "pager": pager, "heading": title, "total": len(articles)}
        data.update(extra or {})
        yield Page(page_path(folder, number), "list.html", shown, data, crumbs)


def newest_first(articles: Sequence[Article]) -> list[Article]:
    """Dated articles newest first, then undated ones by slug."""
    dated = sorted((a for a in articles if a.date), key=lambda a: a.sort_key, reverse=True)
    undated = sorted((a for a in articles if not a.date), key=lambda a: a.slug)
    return dated + undated


def listing_pages(settings: Settings, ordered: list[Article]) -> Iterator[Page]:
    """Home, the whole archive paginated, and the undated list."""
    home = [("الرئيسية", "index.html")]
    yield Page("index.html", "home.html", settings.title,
               {"articles": ordered[: settings.home_size], "total": len(ordered)}, [])
    yield from paginate("archive", "كل المقالات", ordered, settings.page_size, home)
    undated = [a for a in ordered if not a.date]
    if undated:
        crumbs = home + [("كل المقالات", "archive/index.html")]
        yield from paginate("archive/undated", "مقالات بلا تاريخ", undated, settings.page_size, crumbs)

"""Listing pages: home, date archives, taxonomies and pagination. Pure: no files, no printing."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

from .arabic import headline_key
from .config import Settings
from .content import Article, check_slug
from .render import Page

HOME = ("الرئيسية", "index.html")
ARCHIVE = ("الأرشيف", "archive/index.html")


@dataclass(frozen=True)
class Taxonomy:
    kind: str  # the Article attribute: section, tags, place, source, authors
    folder: str
    plural: str  # heading of the taxonomy's index page
    singular: str  # label before a term on article pages


TAXONOMIES = (
    Taxonomy("section", "sections", "الأقسام", "القسم"),
    Taxonomy("source", "sources", "المصادر", "المصدر"),
    Taxonomy("place", "places", "الأماكن", "المكان"),
    Taxonomy("tags", "tags", "الوسوم", "الوسم"),
    Taxonomy("authors", "authors", "الكتّاب", "الكاتب"),
)


@dataclass(eq=False)
class Term:
    """One section, source, place, tag or author, with every article filed under it (newest first)."""

    taxonomy: Taxonomy
    key: str
    name: str
    slug: str
    articles: list[Article] = field(default_factory=list)

    @property
    def path(self) -> str:
        return f"{self.taxonomy.folder}/{self.slug}/index.html"


@dataclass(frozen=True)
class Pager:
    number: int
    count: int
    prev_path: str | None
    next_path: str | None
    first_path: str


@dataclass(frozen=True)
class Period:
    """A year, month or day that has articles."""

    parts: tuple[int, ...]
    label: str
    path: str
    count: int
    short: str = ""  # the label within its parent: the month's name in a year, the day's number in a month


@dataclass(frozen=True)
class Headline:
    """What a box of other articles shows of each: headline, address, date and language.

    Pages that list other articles' headlines (more from the section, a term's latest) hold these
    rather than the articles, so that their fingerprints change when what they show changes, and
    only then (not when the body or the backlinks of a listed article change)."""

    title: str
    url: str
    date: date | None
    lang: str

    @classmethod
    def of(cls, article: Article) -> Headline:
        return cls(article.title, article.url, article.date, article.lang)


@dataclass(frozen=True)
class CalendarDay:
    """One day of a month's calendar: its number, its articles and its page (when it has one)."""

    day: int
    count: int
    path: str | None


# ---------------------------------------------------------------- names and slugs


def term_key(name: str) -> str:
    """Key under which spellings of one name meet: 'د ب أ', 'د.ب.أ' and 'موسكـو' variants alike."""
    return headline_key(name).replace(" ", "")


def readable_slug(name: str) -> str:
    """A safe, readable address segment for a name; Arabic letters are kept."""
    text = unicodedata.normalize("NFKC", name)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Mn", "Cf", "Cc"))
    text = re.sub(r"[^\w]+", "-", text.replace("_", "-").casefold()).strip("-")
    text = text[:80].strip("-")
    return text if text and check_slug(text) is None else "term"


def display_names(values: Sequence[str]) -> dict[str, str]:
    """Map each key to its most common spelling (ties: the first in sorted order)."""
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for value in values:
        spellings[term_key(value)][value] += 1
    return {key: min(c, key=lambda s: (-c[s], s)) for key, c in spellings.items()}


def _values(article: Article, taxonomy: Taxonomy) -> list[str]:
    value = getattr(article, taxonomy.kind)
    items = list(value) if isinstance(value, tuple) else [value] if value else []
    return [v for v in items if term_key(v)]


def build_terms(articles: Sequence[Article], taxonomy: Taxonomy) -> list[Term]:
    """Group articles by normalised name; give each group a unique readable slug."""
    names = display_names([v for a in articles for v in _values(a, taxonomy)])
    terms: dict[str, Term] = {}
    used: set[str] = set()
    for key in sorted(names, key=lambda k: (names[k], k)):
        base = readable_slug(names[key])
        slug, number = base, 1
        while slug in used or slug == "page":
            number += 1
            slug = f"{base}-{number}"
        used.add(slug)
        terms[key] = Term(taxonomy, key, names[key], slug)
    for article in newest_first(articles):
        for key in dict.fromkeys(term_key(v) for v in _values(article, taxonomy)):
            terms[key].articles.append(article)
    return sorted(terms.values(), key=lambda t: (-len(t.articles), t.name))


# ---------------------------------------------------------------- order and neighbours


def newest_first(articles: Sequence[Article]) -> list[Article]:
    """Dated articles newest first, then undated ones by slug."""
    dated = sorted((a for a in articles if a.date), key=lambda a: a.sort_key, reverse=True)
    undated = sorted((a for a in articles if not a.date), key=lambda a: a.slug)
    return dated + undated


@dataclass
class Navigation:
    """What the pipeline attaches to the site: ordered articles, terms and each article's neighbours."""

    ordered: list[Article]
    terms: dict[str, list[Term]]
    article_terms: dict[int, dict[str, list[Term]]]
    newer: dict[int, Article]
    older: dict[int, Article]

    def for_article(self, article: Article) -> dict:
        key = id(article)
        terms = self.article_terms.get(key, {})
        return {"terms": terms, "newer": self.newer.get(key), "older": self.older.get(key),
                "more": more_from(terms.get("section", []), article)}

    def section_of(self, article: Article) -> Term | None:
        """The section an article is filed under (listings label each item with it)."""
        sections = self.article_terms.get(id(article), {}).get("section")
        return sections[0] if sections else None


MORE_FROM_SECTION = 4  # headlines in an article page's «المزيد من القسم»
TERM_LATEST = 3  # headlines under each term of a taxonomy's index


def more_from(sections: list[Term], article: Article, count: int = MORE_FROM_SECTION) -> list[Headline]:
    """The latest headlines of the article's section, without the article itself."""
    if not sections:
        return []
    return [Headline.of(a) for a in sections[0].articles[: count + 1] if a is not article][:count]


def navigation(articles: Sequence[Article]) -> Navigation:
    """Order articles, build every taxonomy and link each dated article to its neighbours in time."""
    ordered = newest_first(articles)
    terms = {t.kind: build_terms(ordered, t) for t in TAXONOMIES}
    article_terms: dict[int, dict[str, list[Term]]] = defaultdict(dict)
    for kind, kind_terms in terms.items():
        for term in kind_terms:
            for article in term.articles:
                article_terms[id(article)].setdefault(kind, []).append(term)
    _bylines_in_order(ordered, article_terms)
    dated = [a for a in ordered if a.date]
    newer = {id(b): a for a, b in zip(dated, dated[1:], strict=False)}
    older = {id(a): b for a, b in zip(dated, dated[1:], strict=False)}
    return Navigation(ordered, terms, dict(article_terms), newer, older)


def _bylines_in_order(articles: Sequence[Article], article_terms: dict[int, dict[str, list[Term]]]) -> None:
    """An article's authors are named in its own order (the first author first), not by their counts."""
    for article in articles:
        found = article_terms.get(id(article), {}).get("authors")
        if found and len(found) > 1:
            order = [term_key(name) for name in article.authors]
            found.sort(key=lambda term: order.index(term.key))


# ---------------------------------------------------------------- pagination


def page_path(folder: str, number: int) -> str:
    """Stable path of page `number` of a listing: folder/index.html, folder/page/2/index.html."""
    prefix = f"{folder}/" if folder else ""
    return f"{prefix}index.html" if number == 1 else f"{prefix}page/{number}/index.html"


def paginate(
    folder: str, title: str, articles: Sequence[Article], size: int,
    crumbs: list[tuple[str, str]], extra: dict | None = None, template: str = "list.html",
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
        page_crumbs = crumbs if number == 1 else crumbs + [(title, page_path(folder, 1))]
        data = {"articles": chunk, "pager": pager, "heading": title, "total": len(articles),
                "children": [], "calendar": [], "newer_period": None, "older_period": None, "term": None,
                "compact": False}
        data.update(extra or {})
        yield Page(page_path(folder, number), template, shown, data, page_crumbs)


# ---------------------------------------------------------------- date archives


class DateLabels:
    """Names periods in the site's locale (month names differ: أيلول in ar_SY, سبتمبر in ar_EG)."""

    def __init__(self, settings: Settings):
        self.locale = settings.locale

    def __call__(self, parts: tuple[int, ...]) -> str:
        from babel.dates import format_date

        if len(parts) == 1:
            return str(parts[0])
        day = date(parts[0], parts[1], parts[2] if len(parts) > 2 else 1)
        return format_date(day, "MMMM y" if len(parts) == 2 else "d MMMM y", locale=self.locale)

    def short(self, parts: tuple[int, ...]) -> str:
        """The label within the parent period: the month's name alone, the day's number alone."""
        from babel.dates import format_date

        if len(parts) == 2:
            return format_date(date(parts[0], parts[1], 1), "MMMM", locale=self.locale)
        return str(parts[-1])


def period_folder(parts: tuple[int, ...]) -> str:
    return "archive/" + "/".join(f"{p:02d}" if i else f"{p:04d}" for i, p in enumerate(parts))


def _group(articles: Sequence[Article], depth: int) -> dict[tuple[int, ...], list[Article]]:
    groups: dict[tuple[int, ...], list[Article]] = defaultdict(list)
    for article in articles:
        d = article.date
        if d is not None:
            groups[(d.year, d.month, d.day)[:depth]].append(article)
    return groups


def _periods(groups: dict[tuple[int, ...], list[Article]], label: DateLabels) -> list[Period]:
    return [Period(k, label(k), page_path(period_folder(k), 1), len(v), label.short(k))
            for k, v in sorted(groups.items())]


SATURDAY = 5  # date.weekday() of the first column: the Arab week starts on Saturday


def month_calendar(year: int, month: int, days: dict[int, tuple[int, str | None]]) -> list[list[CalendarDay | None]]:
    """The weeks of a month, Saturday first, as rows of seven cells (None outside the month).

    `days` maps a day's number to its article count and its page (None when it has none)."""
    import calendar

    first = date(year, month, 1)
    length = calendar.monthrange(year, month)[1]
    cells: list[CalendarDay | None] = [None] * ((first.weekday() - SATURDAY) % 7)
    for day in range(1, length + 1):
        count, path = days.get(day, (0, None))
        cells.append(CalendarDay(day, count, path))
    cells += [None] * (-len(cells) % 7)
    return [cells[i: i + 7] for i in range(0, len(cells), 7)]


def date_pages(settings: Settings, ordered: list[Article]) -> Iterator[Page]:
    """Year and month pages (and day pages for dense months), each linking its neighbours."""
    label = DateLabels(settings)
    years, months, days = (_group(ordered, n) for n in (1, 2, 3))
    dense = {m for m, items in months.items() if len(items) >= settings.day_pages_from}
    days = {d: items for d, items in days.items() if d[:2] in dense}
    children = {1: _periods(months, label), 2: _periods(days, label), 3: []}
    for groups in (years, months, days):
        periods = _periods(groups, label)
        for index, period in enumerate(periods):
            crumbs = [HOME, ARCHIVE]
            for depth in range(1, len(period.parts)):
                crumbs.append((label(period.parts[:depth]), page_path(period_folder(period.parts[:depth]), 1)))
            own = [c for c in children[len(period.parts)] if c.parts[:-1] == period.parts]
            extra = {
                "older_period": periods[index - 1] if index > 0 else None,
                "newer_period": periods[index + 1] if index + 1 < len(periods) else None,
                "children": own,
                "calendar": month_calendar(*period.parts, {c.parts[2]: (c.count, c.path) for c in own})
                if len(period.parts) == 2 and own else [],
                # a month's page shows each article's teaser; its year's and its days' list headlines
                "compact": len(period.parts) != 2,
            }
            yield from paginate(period_folder(period.parts), period.label, groups[period.parts],
                                settings.page_size, crumbs, extra)


def archive_index(settings: Settings, ordered: list[Article], elsewhere: dict[str, str] | None = None) -> Page:
    """The archive's front page: every year with its months and counts.

    In a sharded archive `ordered` is the whole archive and `elsewhere` maps the pages of the years
    and months this shard does not hold to the base_url of the shard that does (the links follow it).
    """
    label = DateLabels(settings)
    months = _periods(_group(ordered, 2), label)
    years = [(y, [m for m in months if m.parts[:1] == y.parts]) for y in reversed(_periods(_group(ordered, 1), label))]
    undated = sum(1 for a in ordered if not a.date)
    data = {"years": years, "undated": undated, "total": len(ordered), "elsewhere": elsewhere or {}}
    return Page("archive/index.html", "archive.html", "الأرشيف", data, [HOME])


# ---------------------------------------------------------------- the whole set


def menu(nav: Navigation) -> list[tuple[str, str]]:
    """The site menu: home, the archive, and each taxonomy that has terms."""
    items = [HOME, ARCHIVE]
    items += [(t.plural, f"{t.folder}/index.html") for t in TAXONOMIES if nav.terms[t.kind]]
    return items


def taxonomy_pages(settings: Settings, nav: Navigation) -> Iterator[Page]:
    """An index page per taxonomy with counts, and a paginated listing per term."""
    for taxonomy in TAXONOMIES:
        terms = nav.terms[taxonomy.kind]
        if not terms:
            continue
        index = f"{taxonomy.folder}/index.html"
        entries = [(term, [Headline.of(a) for a in term.articles[:TERM_LATEST]]) for term in terms]
        yield Page(index, "terms.html", taxonomy.plural, {"entries": entries, "taxonomy": taxonomy}, [HOME])
        for term in terms:
            crumbs = [HOME, (taxonomy.plural, index)]
            # a section's page shows teasers; a source's, place's, tag's or author's, headlines
            extra = {"term": term, "compact": taxonomy.kind != "section"}
            yield from paginate(f"{taxonomy.folder}/{term.slug}", term.name, term.articles,
                                settings.page_size, crumbs, extra)


def listing_pages(settings: Settings, nav: Navigation, archive: Page | None = None) -> Iterator[Page]:
    """Home, the archive by date, every article paginated, undated articles and the taxonomies.

    `archive`: the archive index to use (a shard's lists the whole archive's years)."""
    ordered = nav.ordered
    sections = nav.terms["section"]
    desks = [(term, [Headline.of(a) for a in term.articles[:TERM_LATEST]]) for term in sections]
    yield Page("index.html", "home.html", settings.title,
               {"articles": ordered[: settings.home_size], "total": len(ordered), "sections": desks}, [])
    yield archive or archive_index(settings, ordered)
    yield from paginate("archive/all", "كل المقالات", ordered, settings.page_size, [HOME, ARCHIVE],
                        {"compact": True})
    yield from date_pages(settings, ordered)
    undated = [a for a in ordered if not a.date]
    if undated:
        yield from paginate("archive/undated", "مقالات بلا تاريخ", undated, settings.page_size, [HOME, ARCHIVE])
    yield from taxonomy_pages(settings, nav)

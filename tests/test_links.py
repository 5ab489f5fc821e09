"""Resolving "see also" entries to articles, and backlinks."""

from __future__ import annotations

from datetime import date

from akhbar import site as pipeline
from akhbar.content import Article, SeeAlso
from akhbar.links import resolve
from akhbar.problems import Problems
from tests.conftest import sample_2k_manifest


def art(slug: str, title: str, day: date | None = None, lead: str = "", see: list[SeeAlso] | None = None) -> Article:
    return Article(path=f"content/{slug}.txt", slug=slug, title=title, date=day, lead=lead,
                   see_also=see or [])


def test_headline_is_matched_after_normalisation() -> None:
    target = art("t", "الدفاع الروسية: إسقاط أكثر من 100 مسيرة أوكرانية", date(2018, 1, 1))
    citing = art("c", "خبر", date(2018, 2, 1), see=[SeeAlso("الدفاعُ الروسيّة إسقاط اكثر من ١٠٠ مسيرة أوكرانيـة", "", 9)])
    unresolved = resolve([target, citing], Problems())
    assert citing.see_also[0].target is target
    assert target.backlinks == [citing]
    assert unresolved == []


def test_slug_and_address_name_an_article_directly() -> None:
    target = art("moscow-2017", "عنوان")
    target.source_url = "https://www.sana.sy/?p=123"
    citing = art("c", "خبر", see=[SeeAlso("moscow-2017", "", 3),
                                  SeeAlso("https://example.org/archive/articles/moscow-2017/index.html", "", 4),
                                  SeeAlso("https://sana.sy/?p=123", "", 5)])
    resolve([target, citing], Problems())
    assert [e.target for e in citing.see_also] == [target, target, target]
    assert target.backlinks == [citing]  # one backlink however often it is cited


def test_unknown_headline_stays_unresolved_with_its_line() -> None:
    citing = art("c", "خبر", see=[SeeAlso("عنوان لا وجود له", "نص…", 12)])
    [item] = resolve([citing], Problems())
    assert item.entry.target is None
    assert item.format() == "content/c.txt:12: no article has the headline «عنوان لا وجود له»"


def test_entry_naming_its_own_article_is_a_warning_not_a_link() -> None:
    citing = art("c", "خبر مهم", see=[SeeAlso("خبر مهم", "", 7)])
    problems = Problems()
    resolve([citing], problems)
    assert citing.see_also[0].target is None and citing.backlinks == []
    [warning] = problems.warnings
    assert warning.line == 7 and "names this article itself" in warning.message


def test_shared_headline_prefers_the_closest_earlier_article() -> None:
    old = art("old", "قمة عربية", date(2017, 1, 1))
    recent = art("recent", "قمة عربية", date(2018, 1, 1))
    later = art("later", "قمة عربية", date(2019, 1, 1))
    citing = art("c", "خبر", date(2018, 6, 1), see=[SeeAlso("قمة عربية", "", 3)])
    resolve([old, recent, later, citing], Problems())
    assert citing.see_also[0].target is recent


def test_shared_headline_uses_the_teaser_first() -> None:
    a = art("a", "قمة عربية", date(2017, 1, 1), lead="انطلقت في الرياض أعمال القمة العربية اليوم")
    b = art("b", "قمة عربية", date(2018, 1, 1), lead="اختتمت في عمان أعمال القمة")
    citing = art("c", "خبر", date(2018, 6, 1), see=[SeeAlso("قمة عربية", "انطلقت في الرياض أعمال الق…", 3)])
    resolve([a, b, citing], Problems())
    assert citing.see_also[0].target is a


def test_shared_headline_with_no_earlier_candidate_is_not_guessed() -> None:
    a = art("a", "قمة عربية", date(2019, 1, 1))
    b = art("b", "قمة عربية", date(2020, 1, 1))
    citing = art("c", "خبر", date(2018, 6, 1), see=[SeeAlso("قمة عربية", "", 3)])
    problems = Problems()
    unresolved = resolve([a, b, citing], problems)
    assert citing.see_also[0].target is None and len(unresolved) == 1
    assert "name one by its slug: a, b" in problems.warnings[0].format()


def test_undated_citing_article_with_ambiguous_headline_is_not_guessed() -> None:
    a = art("a", "قمة عربية", date(2019, 1, 1))
    b = art("b", "قمة عربية", date(2020, 1, 1))
    citing = art("c", "خبر", None, see=[SeeAlso("قمة عربية", "", 3)])
    resolve([a, b, citing], Problems())
    assert citing.see_also[0].target is None


def test_cycles_of_see_also_are_fine() -> None:
    a = art("a", "أ", see=[SeeAlso("ب", "", 3)])
    b = art("b", "ب", see=[SeeAlso("أ", "", 3)])
    resolve([a, b], Problems())
    assert a.backlinks == [b] and b.backlinks == [a]


def test_sample_2k_resolution_matches_the_ground_truth(sample_2k_site: pipeline.Site) -> None:
    site, rows = sample_2k_site, sample_2k_manifest()
    right = wrong = missed = out_of_set_linked = out_of_set = 0
    by_slug = {a.slug: a for a in site.articles}
    titles = {}
    for a in site.articles:
        titles.setdefault(a.title, []).append(a.slug)
    for article in site.articles:
        truth = rows[article.slug]["see_also"]
        assert len(article.see_also) == len(truth), article.path
        for entry, expected in zip(article.see_also, truth, strict=True):
            if expected["in_set"]:
                if entry.target is None:
                    missed += 1
                elif entry.target.slug == expected["id"]:
                    right += 1
                else:
                    wrong += 1
            else:
                out_of_set += 1
                # may only link when another article carries exactly that headline
                if entry.target is not None:
                    out_of_set_linked += 1
                    assert entry.target.slug in titles.get(expected["title"], []), entry
    in_set = right + wrong + missed
    assert out_of_set == 79
    assert wrong == 0, "precision must be 1.0"
    assert right / in_set >= 0.99, f"recall {right / in_set:.4f}"
    assert out_of_set_linked == 0
    assert len(site.unresolved) == missed + out_of_set
    # every resolved entry shows up as a backlink on its target
    for article in site.articles:
        for entry in article.see_also:
            if entry.target:
                assert article in by_slug[entry.target.slug].backlinks


# ---------------------------------------------------------------- "did you mean" for unresolved entries


def test_unresolved_slug_suggests_the_closest_slug() -> None:
    target = art("energy-plan", "خطة الطاقة")
    citing = art("c", "خبر", see=[SeeAlso("energy-plann", "", 6)])
    [item] = resolve([target, citing], Problems())
    assert item.format() == "content/c.txt:6: no article has the slug «energy-plann» (did you mean «energy-plan»?)"


def test_unresolved_headline_suggests_headlines_compared_after_normalisation() -> None:
    target = art("t", "خطة الطاقة الجديدة للحكومة")
    other = art("o", "مباراة كرة القدم")
    citing = art("c", "خبر", see=[SeeAlso("خطه الطاقه الجديده للحكومه السوريّة", "", 9)])
    [item] = resolve([target, other, citing], Problems())
    assert item.suggestions == ("خطة الطاقة الجديدة للحكومة",)
    assert item.problem().hint == "did you mean «خطة الطاقة الجديدة للحكومة»?"
    assert item.problem().line == 9


def test_unrelated_headline_and_the_citing_article_itself_are_not_suggested() -> None:
    citing = art("c", "قمة الرياض تنتهي ببيان", see=[SeeAlso("قمة الرياض تنتهي", "", 4),
                                                       SeeAlso("مباراة كرة القدم", "", 5)])
    other = art("o", "افتتاح معرض الكتاب")
    found = resolve([citing, other], Problems())
    assert [u.suggestions for u in found] == [(), ()]
    assert "did you mean" not in found[0].format()


def test_suggestions_hold_on_a_large_archive() -> None:
    # every headline shares its common words with thousands of others: only rare words find candidates
    articles = [art(f"n{n}", f"خبر عاجل من العاصمة رقم {n} حول {word}")
                for n in range(3000) for word in [f"الموضوع{n}"]]
    citing = art("c", "خبر", see=[SeeAlso("خبر عاجل من العاصمه رقم 1234 حول الموضوع1234 اليوم", "", 3)])
    [item] = resolve([*articles, citing], Problems())
    assert item.suggestions[0] == "خبر عاجل من العاصمة رقم 1234 حول الموضوع1234"


def test_sample_2k_headlines_cut_short_are_suggested(sample_2k_site: pipeline.Site) -> None:
    """Independent of the suggester's rules: the manifest's true targets, each cited by its headline
    with the last word dropped, should be suggested (a reader who half-remembers a headline)."""
    from akhbar.links import LinkIndex, Suggester

    suggester = Suggester(LinkIndex(sample_2k_site.articles))
    targets = {t["title"] for row in sample_2k_manifest().values() for t in row["see_also"]
               if t.get("in_set") and len(t["title"].split()) >= 5}
    found = sum(title in suggester.suggest(" ".join(title.split()[:-1])) for title in sorted(targets))
    assert found >= 0.97 * len(targets), f"{found} of {len(targets)}"

#!/usr/bin/env python3
"""Relevance for the search benchmarks, judged from the articles' raw text, never by akhbar's rules.

    python benchmarks/search_judge.py audit CONCEPT [--probe REGEX]   # hand-check a concept's pattern
    python benchmarks/search_judge.py count [--queries FILE]          # relevant articles per query

A query set (YAML: benchmarks/search_queries.yaml and search_queries_dev2.yaml, tuned on;
search_queries_final2.yaml, held out) names
*concepts*, each a hand-written regular expression over the articles' own text, and *queries*, each
what a reader types, its kind, and the concepts (or inline patterns) that an article must show to
be relevant: all of them, anywhere in its headline or body. A concept may list `except` patterns
(a match lying inside one does not count: «مصر على» is "insists", not Egypt) and a query may list
hand-checked article ids under `not`. A query's `first` pattern marks the articles that should
rank first (the adjacent phrase, the exact spelling, the headline): it is scored as a ranking
figure, not as relevance.

The text is read straight from the corpus files (headline, then the body up to the «انظر ايضاً»
block, without the dateline line named in the manifest). The only normalisation here is the one
no pattern should have to spell out: NFKC (presentation forms), and no harakat, tatweel or
direction marks. Every other spelling difference (أ/ا, ة/ه, ى/ي, attached prefixes, suffixes,
transliterations) is written out in the patterns by hand, so they are checked against the text,
not against the index's own folding. `{P}` in a pattern stands for the attached prefixes a word
may carry: و ف, then ب ك ل or لل, then ال. Patterns match whole words ('_' separates words, as
in hashtags).
"""

from __future__ import annotations

import argparse
import collections
import functools
import json
import os
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("AKHBAR_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus" / "sample-2k"
DEV = Path(__file__).with_name("search_queries.yaml")
DEV_SETS = (DEV, Path(__file__).with_name("search_queries_dev2.yaml"))  # what the rules are tuned on
FINAL = Path(__file__).with_name("search_queries_final2.yaml")  # held out: run once, never tuned on

PREFIX = "(?:[وف]?(?:[بكل]|لل)?(?:ال)?)"
_IGNORED = re.compile("[\u064b-\u065f\u0670\u0640\u200b-\u200f\u202a-\u202e\u2066-\u2069\u061c\ufeff\u00ad]")
_SEE_ALSO = re.compile(r"^\s*انظر\s+[اأ]يضا?ً?\s*$")
_LETTER = r"[^\W_]"


def clean(text: str) -> str:
    """NFKC, without harakat, tatweel and direction marks: the judge's only normalisation."""
    return _IGNORED.sub("", unicodedata.normalize("NFKC", text))


@dataclass(frozen=True)
class Text:
    """An article as a reader sees it: headline and body, cleaned."""

    id: str
    headline: str
    body: str

    @property
    def all(self) -> str:
        return self.headline + "\n" + self.body


def read_article(path: Path, dateline: str | None) -> Text:
    """Headline (line 1) and body (up to «انظر ايضاً», without the manifest's dateline line)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    body: list[str] = []
    for line in lines[1:]:
        if _SEE_ALSO.match(clean(line)):
            break
        if dateline and line.strip() == dateline.strip():
            dateline = None  # only the first such line is the dateline
            continue
        body.append(line)
    return Text(path.stem, clean(lines[0]), clean("\n".join(body)))


@functools.cache
def corpus_texts(corpus: Path = CORPUS) -> tuple[Text, ...]:
    """Every article of the corpus, in file-name order."""
    manifest = corpus.parent / f"{corpus.name}.manifest.jsonl"
    datelines = {}
    for line in manifest.read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        datelines[entry["id"]] = entry.get("dateline")
    return tuple(read_article(path, datelines.get(path.stem)) for path in sorted(corpus.glob("*.txt")))


@functools.cache
def compile_pattern(pattern: str, whole_words: bool = True) -> re.Pattern[str]:
    """A hand-written pattern with {P} expanded, matching whole words only."""
    body = pattern.replace("{P}", PREFIX)
    return re.compile(f"(?<!{_LETTER})(?:{body})(?!{_LETTER})" if whole_words else body)


@dataclass(frozen=True)
class Concept:
    """What a reader means by a word: a pattern over the text, and contexts where it means something else."""

    name: str
    pattern: str
    exceptions: tuple[str, ...] = ()

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where the concept occurs in text (matches inside an exception do not count)."""
        excluded = [m.span() for e in self.exceptions for m in compile_pattern(e).finditer(text)]
        return [m.span() for m in compile_pattern(self.pattern).finditer(text)
                if not any(s <= m.start() and m.end() <= e for s, e in excluded)]

    def found_in(self, text: str) -> bool:
        return bool(self.spans(text))


@dataclass
class Query:
    """A query as a reader types it, with what an article must show to be relevant to it."""

    query: str
    kind: str
    needs: list[Concept]
    first: Concept | None = None
    first_in: str = "all"  # or "headline"
    excluded: frozenset[str] = frozenset()
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def relevant(self, texts: tuple[Text, ...]) -> list[str]:
        """The ids of the articles relevant to this query, sorted."""
        return sorted(t.id for t in texts
                      if t.id not in self.excluded and all(c.found_in(t.all) for c in self.needs))

    def ranked_first(self, texts: tuple[Text, ...]) -> list[str]:
        """Relevant articles that should rank above the others (empty when the query says nothing)."""
        if self.first is None:
            return []
        first = self.first
        relevant = set(self.relevant(texts))
        return sorted(t.id for t in texts if t.id in relevant
                      and first.found_in(t.headline if self.first_in == "headline" else t.all))


@dataclass
class QuerySet:
    about: str
    kinds: dict[str, str]
    concepts: dict[str, Concept]
    queries: list[Query]


def _concept(spec: Any, concepts: dict[str, Concept], name: str) -> Concept:
    if isinstance(spec, str) and spec.startswith("@"):
        return concepts[spec[1:]]
    if isinstance(spec, str):
        return Concept(name, spec)
    base = _concept(spec["pattern"], concepts, name)
    return Concept(name, base.pattern, base.exceptions + tuple(spec.get("except", ())))


def load(path: Path) -> QuerySet:
    """Read a query set; problems (unknown concepts or kinds, repeated queries) raise ValueError."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    concepts = {name: _concept(spec, {}, name) for name, spec in (data.get("concepts") or {}).items()}
    kinds = data["kinds"]
    queries, seen, problems = [], set(), []
    for number, item in enumerate(data["queries"], 1):
        q = str(item["q"])
        if q in seen:
            problems.append(f"query {number} ({q}) is repeated")
        seen.add(q)
        if item["kind"] not in kinds:
            problems.append(f"query {number} ({q}): unknown kind {item['kind']}")
        try:
            needs = [_concept(spec, concepts, f"{q}#{i}") for i, spec in enumerate(item["all"])]
            first = _concept(item["first"], concepts, f"{q}#first") if "first" in item else None
        except KeyError as exc:
            problems.append(f"query {number} ({q}): unknown concept {exc}")
            continue
        queries.append(Query(q, item["kind"], needs, first, item.get("first_in", "all"),
                             frozenset(item.get("not", ())), item.get("note", ""),
                             {k: v for k, v in item.items() if k in ("intended",)}))
    if problems:
        raise ValueError(f"{path}: " + "; ".join(problems))
    return QuerySet(data["about"], kinds, concepts, queries)


# ---------------------------------------------------------------- hand-checking


def _words_of(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text)


def audit(concept: Concept, probe: str | None, texts: tuple[Text, ...], limit: int = 60) -> str:
    """The word forms a concept matches, and the forms it misses that contain `probe`, with counts."""
    matched: collections.Counter[str] = collections.Counter()
    articles = 0
    for t in texts:
        spans = concept.spans(t.all)
        articles += bool(spans)
        matched.update(t.all[s:e] for s, e in spans)
    lines = [f"{concept.name}: {articles} articles, {sum(matched.values())} matches",
             "matched: " + ", ".join(f"{w} {n}" for w, n in matched.most_common(limit))]
    if probe:
        near: collections.Counter[str] = collections.Counter()
        pattern = compile_pattern(concept.pattern)
        for t in texts:
            near.update(w for w in _words_of(t.all) if re.search(probe, w) and not pattern.fullmatch(w))
        lines.append(f"missed ({probe}): " + ", ".join(f"{w} {n}" for w, n in near.most_common(limit)))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("audit", "count"))
    parser.add_argument("concept", nargs="?")
    parser.add_argument("--probe")
    parser.add_argument("--queries", type=Path, default=DEV)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args(argv)
    texts = corpus_texts(args.corpus)
    spec = load(args.queries)
    if args.command == "audit":
        names = [args.concept] if args.concept else list(spec.concepts)
        for name in names:
            concept = spec.concepts.get(name) or Concept(name, name)
            print(audit(concept, args.probe, texts), end="\n\n")
        return 0
    counts = collections.Counter(q.kind for q in spec.queries)
    for q in spec.queries:
        first = f" first {len(q.ranked_first(texts))}" if q.first else ""
        print(f"{q.kind:<15} {q.query:<28} {len(q.relevant(texts)):>5}{first}")
    print(dict(counts), len(spec.queries))
    return 0


if __name__ == "__main__":
    sys.exit(main())

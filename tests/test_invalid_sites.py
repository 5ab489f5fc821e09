"""Every broken site under tests/sites/invalid/ fails with exactly the problems in its expected.txt.

Each folder is a tiny site with one kind of mistake (site.yaml + content/); `expected.txt`
holds the problem lines the CLI prints, without their numbering. Both `check` and `build`
must exit 1, print all of them in one run, and write nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from akhbar.cli import EXIT_PROBLEMS, main

INVALID = Path(__file__).resolve().parent / "sites" / "invalid"
CASES = sorted(p.name for p in INVALID.iterdir() if p.is_dir())
_NUMBERED = re.compile(r"^\s*\d+\. (.*)$")

REQUIRED_CASES = {
    "yaml-broken", "front-matter-not-mapping", "unknown-front-matter-key", "unknown-site-key",
    "site-yaml-missing-title", "site-yaml-bad-base-url", "bad-date-impossible", "bad-date-word",
    "slug-dotdot", "slug-slash", "duplicate-url", "empty-headline", "empty-file", "binary-md",
    "cp1256-txt", "source-url-javascript", "duplicate-key", "several-problems-at-once",
}


def expected_lines(case: str) -> list[str]:
    return (INVALID / case / "expected.txt").read_text(encoding="utf-8").splitlines()


def problem_lines(printed: str) -> list[str]:
    """The numbered lines the CLI printed, without their numbers."""
    return [m.group(1) for m in map(_NUMBERED.match, printed.splitlines()) if m]


def site_snapshot(folder: Path) -> dict[str, bytes]:
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in files}


def test_every_required_mistake_has_a_case() -> None:
    assert REQUIRED_CASES <= set(CASES)


@pytest.mark.parametrize("case", CASES)
def test_case_folder_is_a_small_site_with_expected_problems(case: str) -> None:
    folder = INVALID / case
    assert (folder / "site.yaml").is_file()
    assert (folder / "content").is_dir()
    lines = expected_lines(case)
    assert lines, "expected.txt must list at least one problem"
    assert all(re.match(r"^[^:]+:\d+: (error|warning): \S", line) for line in lines), lines
    assert any(": error: " in line for line in lines)
    assert sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) < 4000


@pytest.mark.parametrize("case", CASES)
def test_check_reports_exactly_the_expected_problems(case: str, capsys: pytest.CaptureFixture[str]) -> None:
    folder = INVALID / case
    before = site_snapshot(folder)
    code = main(["check", "--site", str(folder)])
    printed = capsys.readouterr()
    assert code == EXIT_PROBLEMS
    assert problem_lines(printed.err) == expected_lines(case)
    assert problem_lines(printed.out) == []
    assert site_snapshot(folder) == before


@pytest.mark.parametrize("case", CASES)
def test_build_reports_the_same_problems_and_writes_nothing(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = INVALID / case
    before = site_snapshot(folder)
    out = tmp_path / "out"
    code = main(["build", "--site", str(folder), "--out", str(out), "--quiet"])
    printed = capsys.readouterr()
    assert code == EXIT_PROBLEMS
    assert problem_lines(printed.err) == expected_lines(case)
    assert "Nothing was written." in printed.err
    assert not printed.out.startswith("Built")
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []  # no .out.staging-* or .out.old-* left behind
    assert not (folder / "public").exists()
    assert site_snapshot(folder) == before


@pytest.mark.parametrize("case", CASES)
def test_failed_build_leaves_an_earlier_build_untouched(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / ".akhbar-build").write_text("Made by akhbar\n")
    (out / "index.html").write_text("<p>the previous site</p>\n")
    code = main(["build", "--site", str(INVALID / case), "--out", str(out), "--quiet"])
    capsys.readouterr()
    assert code == EXIT_PROBLEMS
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert (out / "index.html").read_text() == "<p>the previous site</p>\n"
    assert sorted(p.name for p in out.iterdir()) == [".akhbar-build", "index.html"]


def test_several_problems_are_reported_in_one_run(capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", "--site", str(INVALID / "several-problems-at-once")])
    lines = problem_lines(capsys.readouterr().err)
    assert len(lines) == 3
    assert {line.split(":")[0] for line in lines} == {"content/a.md", "content/b.md"}


def test_duplicate_url_names_both_files(capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", "--site", str(INVALID / "duplicate-url")])
    (line,) = problem_lines(capsys.readouterr().err)
    assert "content/2017/first.md" in line and "content/2018/second.md" in line

"""The command line: commands, exit codes (0 ok, 1 site problems, 2 bad usage) and what it prints."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from akhbar import __version__
from akhbar.cli import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, SHOWN_BY_DEFAULT, main
from akhbar.output import MARKER
from tests.conftest import MakeSite

Capsys = pytest.CaptureFixture[str]

DATED = """\
---
title: {title}
date: 2017-09-17
---
نص الخبر.
"""

UNDATED = """\
---
title: خبر بلا تاريخ
---
نص الخبر.
"""

WITH_SEE_ALSO = """\
---
title: قمة في موسكو
date: 2017-09-18
see_also:
  - خبر لم يكتب بعد
  - خبر أول
---
نص الخبر.
"""

TXT_WITH_SEE_ALSO = """\
وصول الوفود إلى دمشق

دمشق-سانا

وصلت الوفود صباح اليوم.

انظر أيضاً

عنوان لا يوجد في الأرشيف
"""


def run(argv: Sequence[str], **kwargs: object) -> int:
    """main() with argparse's SystemExit turned into a return code, as the shell would see it."""
    try:
        return main(list(argv), **kwargs)  # type: ignore[arg-type]
    except SystemExit as exc:
        return int(exc.code or 0)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (hidden ones too) with its bytes."""
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in files}


def numbered(text: str) -> list[str]:
    return [m.group(1) for m in map(re.compile(r"^\s*\d+\. (.*)$").match, text.splitlines()) if m]


@pytest.fixture
def good_site(make_site: MakeSite) -> Path:
    return make_site({
        "content/first.md": DATED.format(title="خبر أول"),
        "content/second.md": WITH_SEE_ALSO,
    })


# ---------------------------------------------------------------- help and usage


@pytest.mark.parametrize("argv", [["--help"], ["-h"], ["build", "--help"], ["check", "--help"],
                                  ["import", "--help"], ["check", "-h"]])
def test_help_for_every_command_exits_0(argv: list[str], tmp_path: Path, capsys: Capsys) -> None:
    assert run(argv, default_site=tmp_path) == EXIT_OK
    out = capsys.readouterr().out
    assert out.startswith("usage: build.py")
    assert list(tmp_path.iterdir()) == []


def test_help_lists_the_commands_and_the_default(tmp_path: Path, capsys: Capsys) -> None:
    run(["--help"], default_site=tmp_path)
    out = capsys.readouterr().out
    for command in ("build", "check", "import"):
        assert re.search(rf"^\s+{command}\s+\S", out, re.MULTILINE)
    assert "With no command, builds" in out


def test_build_help_documents_every_option(tmp_path: Path, capsys: Capsys) -> None:
    run(["build", "--help"], default_site=tmp_path)
    out = capsys.readouterr().out
    for option in ("--site", "--base-url", "--strict", "--verbose", "--out", "--quiet", "--timings"):
        assert option in out


def test_version_exits_0(capsys: Capsys) -> None:
    assert run(["--version"]) == EXIT_OK
    assert capsys.readouterr().out.strip() == f"akhbar {__version__}"


@pytest.mark.parametrize("argv", [
    ["frobnicate"],
    ["biuld", "--site", "."],
    ["build", "--no-such-option"],
    ["check", "--out", "x"],
    ["--no-such-option"],
    ["build", "--site"],
    ["import"],
    ["import", "a.txt"],
])
def test_bad_usage_exits_2(argv: list[str], good_site: Path, capsys: Capsys) -> None:
    before = snapshot(good_site)
    assert run(argv, default_site=good_site) == EXIT_USAGE
    printed = capsys.readouterr()
    assert "usage:" in printed.err
    assert "error:" in printed.err
    assert printed.out == ""
    assert snapshot(good_site) == before


def test_unknown_command_is_named(tmp_path: Path, capsys: Capsys) -> None:
    assert run(["biuld"], default_site=tmp_path) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "unknown command 'biuld'" in err
    assert "build, check, import" in err


# ---------------------------------------------------------------- build


def test_build_prints_summary_with_articles_pages_unresolved_warnings_seconds(
    make_site: MakeSite, tmp_path: Path, capsys: Capsys
) -> None:
    site = make_site({
        "content/first.md": DATED.format(title="خبر أول"),
        "content/second.md": WITH_SEE_ALSO,
        "content/third.md": UNDATED,
    })
    out = tmp_path / "out"
    assert run(["build", "--site", str(site), "--out", str(out)]) == EXIT_OK
    printed = capsys.readouterr()
    summary, opened, served = printed.out.strip().splitlines()
    match = re.fullmatch(
        r"Built 3 articles, (\d+) pages \(\d+\.\d MB in (\d+) files, <1% of GitHub Pages' 1 GB; "
        r"about [\d,]+ articles per 1 GB Pages site\) "
        r"into (.+) in \d+\.\d s; "
        r"1 unresolved \"see also\" entry, 1 warning\.", summary)
    assert match, summary
    assert opened == f"Open it from disk: {(out / 'index.html').as_uri()}"
    assert served == (f"Or preview it: akhbar serve --site {site} --out {out}  "
                      "(then open http://127.0.0.1:8000/)")
    assert int(match.group(1)) >= 3 + 1  # the articles and at least the home page
    assert int(match.group(2)) == sum(1 for p in out.rglob("*") if p.is_file()) - 1  # not the marker
    assert match.group(3) == str(out)
    assert (out / MARKER).is_file()
    assert (out / "index.html").is_file()


def test_timings_name_each_step_with_its_start_and_length(good_site: Path, tmp_path: Path, capsys: Capsys) -> None:
    assert run(["build", "--site", str(good_site), "--out", str(tmp_path / "out"), "--timings"]) == EXIT_OK
    err = capsys.readouterr().err
    table = err[err.index("step "):].splitlines()
    assert table[0].split() == ["step", "start", "s", "took", "s"]
    rows = {re.sub(r"\s+[\d.]+\s+[\d.]+$", "", line): [float(x) for x in line.split()[-2:]] for line in table[1:]}
    for step in ("read and parse articles", "resolve see-also links", "render and write pages", "share cards",
                 "pagefind pagefind", "wait for the search index", "swap in the new site"):
        assert step in rows, (step, table)
    starts = [start for start, _ in rows.values()]
    assert starts == sorted(starts) and all(took >= 0 for _, took in rows.values())
    assert rows["render and write pages"][0] >= rows["read and parse articles"][0] + rows["read and parse articles"][1]
    assert run(["build", "--site", str(good_site), "--out", str(tmp_path / "out2")]) == EXIT_OK
    assert "start s" not in capsys.readouterr().err  # only when asked


def test_build_writes_into_public_inside_the_site_by_default(good_site: Path, capsys: Capsys) -> None:
    assert run(["build", "--site", str(good_site), "--quiet"]) == EXIT_OK
    assert (good_site / "public" / "index.html").is_file()
    assert "Built 2 articles" in capsys.readouterr().out


def test_no_command_builds_default_site(good_site: Path, tmp_path: Path, capsys: Capsys) -> None:
    out = tmp_path / "out"
    assert run(["--out", str(out)], default_site=good_site) == EXIT_OK
    assert (out / "index.html").is_file()
    assert capsys.readouterr().out.startswith("Built 2 articles")


def test_no_arguments_at_all_builds_default_site_into_its_public_folder(
    good_site: Path, capsys: Capsys
) -> None:
    assert run([], default_site=good_site) == EXIT_OK
    assert (good_site / "public" / "index.html").is_file()
    assert capsys.readouterr().out.startswith("Built 2 articles")


def test_rebuild_replaces_an_earlier_build(good_site: Path, tmp_path: Path, capsys: Capsys) -> None:
    out = tmp_path / "out"
    assert run(["build", "--site", str(good_site), "--out", str(out)]) == EXIT_OK
    (out / "stale.html").write_text("old")
    assert run(["build", "--site", str(good_site), "--out", str(out)]) == EXIT_OK
    assert not (out / "stale.html").exists()
    assert (out / "index.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "site"]  # no staging left


def test_out_folder_not_made_by_us_is_refused(good_site: Path, tmp_path: Path, capsys: Capsys) -> None:
    out = tmp_path / "precious"
    out.mkdir()
    (out / "thesis.docx").write_bytes(b"years of work")
    (out / "notes").mkdir()
    (out / "notes" / "a.txt").write_text("keep me")
    before = snapshot(out)
    assert run(["build", "--site", str(good_site), "--out", str(out)]) == EXIT_PROBLEMS
    printed = capsys.readouterr()
    assert "not made by a build" in printed.err
    assert str(out) in printed.err
    assert not printed.out.startswith("Built")
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["precious", "site"]


def dead_pid() -> int:
    """The id of a process that has already ended."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_build_leaves_look_alike_folders_beside_out_alone(
    good_site: Path, tmp_path: Path, capsys: Capsys
) -> None:
    pid = dead_pid()
    mine = [tmp_path / f".out.backup-{pid}", tmp_path / f".out.old-{pid}", tmp_path / f".out.staging-{pid}"]
    for folder in mine:  # made by a person, not by a build: no marker inside
        folder.mkdir()
        (folder / "keep.txt").write_text("keep me")
    # what a killed build leaves: its process id is one no process can have (above the kernel's
    # pid_max), so no other process can take it while the build runs and keep the folder alive
    stale = tmp_path / f".out.staging-{int(Path('/proc/sys/kernel/pid_max').read_text()) + 1}"
    stale.mkdir()
    (stale / MARKER).write_text("")
    assert run(["build", "--site", str(good_site), "--out", str(tmp_path / "out")]) == EXIT_OK
    for folder in mine:
        assert (folder / "keep.txt").read_text() == "keep me"
    assert not stale.exists()


def test_out_that_is_a_file_is_refused(good_site: Path, tmp_path: Path, capsys: Capsys) -> None:
    out = tmp_path / "out"
    out.write_text("not a folder")
    assert run(["build", "--site", str(good_site), "--out", str(out)]) == EXIT_PROBLEMS
    assert "not a folder" in capsys.readouterr().err
    assert out.read_text() == "not a folder"


def test_empty_out_folder_is_used(good_site: Path, tmp_path: Path, capsys: Capsys) -> None:
    out = tmp_path / "out"
    out.mkdir()
    assert run(["build", "--site", str(good_site), "--out", str(out)]) == EXIT_OK
    assert (out / MARKER).is_file()


def test_site_folder_itself_is_refused_as_out(good_site: Path, capsys: Capsys) -> None:
    before = snapshot(good_site)
    assert run(["build", "--site", str(good_site), "--out", str(good_site)]) == EXIT_PROBLEMS
    assert snapshot(good_site) == before


def test_base_url_option_overrides_site_yaml(good_site: Path, tmp_path: Path, capsys: Capsys) -> None:
    out = tmp_path / "out"
    argv = ["build", "--site", str(good_site), "--out", str(out), "--base-url", "https://news.example.net/x"]
    assert run(argv) == EXIT_OK
    pages = "".join(p.read_text(encoding="utf-8") for p in out.rglob("*.html"))
    assert "https://news.example.net/x/" in pages
    assert "https://example.org/archive/" not in pages


def test_bad_base_url_option_is_a_problem_not_usage(good_site: Path, tmp_path: Path, capsys: Capsys) -> None:
    out = tmp_path / "out"
    argv = ["build", "--site", str(good_site), "--out", str(out), "--base-url", "example.net"]
    assert run(argv) == EXIT_PROBLEMS
    assert numbered(capsys.readouterr().err) == [
        "command line: error: --base-url must be an absolute web address "
        "(for example https://user.github.io/archive/)"]
    assert not out.exists()


def test_missing_site_folder_reports_both_missing_parts(tmp_path: Path, capsys: Capsys) -> None:
    assert run(["check", "--site", str(tmp_path / "nowhere")]) == EXIT_PROBLEMS
    lines = numbered(capsys.readouterr().err)
    assert any(line.startswith("site.yaml: error: site.yaml is missing") for line in lines)
    assert any(line.startswith("content: error: the content/ folder is missing") for line in lines)


def test_problems_go_to_stderr_and_the_summary_to_stdout(
    make_site: MakeSite, tmp_path: Path, capsys: Capsys
) -> None:
    site = make_site({"content/a.md": UNDATED})
    assert run(["build", "--site", str(site), "--out", str(tmp_path / "out")]) == EXIT_OK
    printed = capsys.readouterr()
    assert "warning: the article has no date" in printed.err
    assert "warning" not in printed.out.replace("1 warning.", "")
    assert printed.out.startswith("Built 1 article, ")


# ---------------------------------------------------------------- check


def test_check_writes_nothing(good_site: Path, tmp_path: Path, capsys: Capsys) -> None:
    before = snapshot(good_site)
    assert run(["check", "--site", str(good_site)]) == EXIT_OK
    out = capsys.readouterr().out
    assert out.strip() == 'OK: 2 articles checked, 1 unresolved "see also" entry, 0 warnings.'
    assert snapshot(good_site) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_check_of_a_broken_site_exits_1_and_says_so(make_site: MakeSite, capsys: Capsys) -> None:
    site = make_site({"content/a.md": "---\ntitle: خبر\ndate: 2017-02-30\n---\nنص.\n"})
    assert run(["check", "--site", str(site)]) == EXIT_PROBLEMS
    err = capsys.readouterr().err
    assert numbered(err) == [
        "content/a.md:3: error: 2017-02-30 is not a real date (check the month, day and time)"]
    assert "1 error:" in err
    assert "The site has errors." in err


# ---------------------------------------------------------------- --strict


@pytest.mark.parametrize("command", ["build", "check"])
def test_strict_turns_warnings_into_failure(
    command: str, make_site: MakeSite, tmp_path: Path, capsys: Capsys
) -> None:
    site = make_site({"content/dated.md": DATED.format(title="خبر"), "content/undated.md": UNDATED})
    out = tmp_path / "out"
    extra = ["--out", str(out)] if command == "build" else []
    assert run([command, "--site", str(site), "--strict", *extra]) == EXIT_PROBLEMS
    err = capsys.readouterr().err
    assert numbered(err) == [
        "content/undated.md:1: warning: the article has no date; it is listed as undated "
        "(add a line such as 'date: 2017-09-17' to the front matter)"]
    assert '--strict: warnings and unresolved "see also" entries count as errors.' in err
    assert not out.exists()
    assert not (site / "public").exists()
    # without --strict the same site passes
    assert run([command, "--site", str(site), *extra]) == EXIT_OK
    capsys.readouterr()


def test_strict_passes_a_site_without_warnings(make_site: MakeSite, tmp_path: Path, capsys: Capsys) -> None:
    site = make_site({"content/first.md": DATED.format(title="خبر أول"),
                      "content/second.md": WITH_SEE_ALSO.replace("  - خبر لم يكتب بعد\n", "")})
    out = tmp_path / "out"
    assert run(["build", "--site", str(site), "--strict", "--out", str(out)]) == EXIT_OK
    assert (out / "index.html").is_file()
    assert '0 unresolved "see also" entries, 0 warnings.' in capsys.readouterr().out


@pytest.mark.parametrize("command", ["build", "check"])
def test_strict_fails_on_an_unresolved_see_also_entry_alone(
    command: str, good_site: Path, tmp_path: Path, capsys: Capsys
) -> None:
    out = tmp_path / "out"
    extra = ["--out", str(out)] if command == "build" else []
    assert run([command, "--site", str(good_site), "--strict", *extra]) == EXIT_PROBLEMS
    err = capsys.readouterr().err
    assert numbered(err) == ["content/second.md:5: no article has the headline «خبر لم يكتب بعد»"]
    assert '--strict: warnings and unresolved "see also" entries count as errors.' in err
    assert not out.exists()


def test_strict_fails_on_a_rebuild_with_nothing_changed(good_site: Path, tmp_path: Path, capsys: Capsys) -> None:
    out = tmp_path / "out"
    assert run(["build", "--site", str(good_site), "--out", str(out)]) == EXIT_OK
    assert run(["build", "--site", str(good_site), "--out", str(out)]) == EXIT_OK
    assert "Nothing changed" in capsys.readouterr().out
    assert run(["build", "--site", str(good_site), "--out", str(out), "--strict"]) == EXIT_PROBLEMS
    assert "--strict: warnings and unresolved" in capsys.readouterr().err


# ---------------------------------------------------------------- unresolved "see also"


def test_unresolved_see_also_listed_with_path_and_line(make_site: MakeSite, capsys: Capsys) -> None:
    site = make_site({
        "content/first.md": DATED.format(title="خبر أول"),
        "content/second.md": WITH_SEE_ALSO,
        "content/arrival.txt": TXT_WITH_SEE_ALSO,
    })
    assert run(["check", "--site", str(site)]) == EXIT_OK
    printed = capsys.readouterr()
    assert '2 "see also" entries name no article in the site' in printed.err
    assert numbered(printed.err)[-2:] == [  # in the order the files are read
        "content/arrival.txt:9: no article has the headline «عنوان لا يوجد في الأرشيف»",
        "content/second.md:5: no article has the headline «خبر لم يكتب بعد»",
    ]
    assert '2 unresolved "see also" entries' in printed.out
    assert run(["check", "--site", str(site), "--strict"]) == EXIT_PROBLEMS
    assert '--strict: warnings and unresolved "see also" entries count as errors.' in capsys.readouterr().err


# ---------------------------------------------------------------- --verbose


def test_verbose_lists_everything(make_site: MakeSite, capsys: Capsys) -> None:
    count = SHOWN_BY_DEFAULT + 5
    files = {
        f"content/a{n:02d}.md": f"---\ntitle: خبر رقم {n}\nsee_also: [غائب {n}]\n---\nنص.\n"
        for n in range(count)
    }
    site = make_site(files)

    assert run(["check", "--site", str(site)]) == EXIT_OK
    err = capsys.readouterr().err
    lines = numbered(err)
    assert sum(": warning: " in line for line in lines) == SHOWN_BY_DEFAULT
    assert sum("no article has the headline" in line for line in lines) == SHOWN_BY_DEFAULT
    assert err.count("… and 5 more (use --verbose to list them all)") == 2
    assert f"{count} warnings:" in err

    assert run(["check", "--site", str(site), "--verbose"]) == EXIT_OK
    err = capsys.readouterr().err
    lines = numbered(err)
    assert sum(": warning: " in line for line in lines) == count
    assert sum("no article has the headline" in line for line in lines) == count
    assert "more (use --verbose" not in err
    for n in range(count):
        assert f"content/a{n:02d}.md:1: warning: the article has no date" in err
        assert f"content/a{n:02d}.md:3: no article has the headline «غائب {n}»" in err


def test_errors_are_never_cut_short(make_site: MakeSite, capsys: Capsys) -> None:
    count = SHOWN_BY_DEFAULT + 3
    site = make_site({f"content/b{n:02d}.md": "---\ndate: 2017-09-17\n---\nنص.\n" for n in range(count)})
    assert run(["check", "--site", str(site)]) == EXIT_PROBLEMS
    lines = numbered(capsys.readouterr().err)
    assert len(lines) == count
    assert all(": error: the article has no headline" in line for line in lines)

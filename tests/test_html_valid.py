"""Every page of the bundled archive is valid HTML5, checked by the Nu HTML Checker (vnu).

scripts/check-html.sh runs vnu once over the whole built folder; by default it also counts
vnu's language warnings ("appears to be written in Arabic. Consider adding dir=rtl", a wrong
lang=) as errors, so a page without lang="ar" dir="rtl" fails here too.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from tests import tools

SCRIPT = tools.REPO_ROOT / "scripts" / "check-html.sh"


def _html_files(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*") if p.is_file() and p.suffix.lower() in {".html", ".htm", ".xhtml"})


def test_every_page_is_valid_html(bundled_site: Path) -> None:
    bash = tools.require("bash", "bash is needed to run scripts/check-html.sh")
    tools.require("java", "java is missing: run `bash scripts/setup-system.sh` (Debian: default-jre-headless)")
    tools.require(tools.vnu_jar(), "vnu.jar is missing: run `npm ci --no-audit --no-fund` in the repository")

    pages = _html_files(bundled_site)
    # Every kind of page is there: home, the archive listing, the 404 page and the articles.
    for needed in ("index.html", "archive/index.html", "404.html"):
        assert (bundled_site / needed).is_file(), f"the build has no {needed}"
    assert sum(1 for p in pages if p.relative_to(bundled_site).parts[0] == "articles") > 0

    run = subprocess.run(
        [bash, str(SCRIPT), str(bundled_site)],
        capture_output=True, text=True, timeout=600, cwd=tools.REPO_ROOT,
    )
    report = f"exit {run.returncode}\n--- stdout\n{run.stdout}\n--- stderr\n{run.stderr}"
    assert run.returncode == 0, f"vnu found problems in the built site:\n{report}"

    # The script must have looked at every page, not at a subset.
    checked = re.search(r"checking (\d+) HTML files", run.stderr)
    assert checked, f"check-html.sh did not say how many files it checked:\n{report}"
    assert int(checked.group(1)) == len(pages), report
    assert re.search(r"^vnu: 0 errors in 0 files", run.stdout, re.M), report


def test_every_page_declares_language_and_direction(bundled_site: Path) -> None:
    """vnu only guesses the language of long pages (a short 404 page without lang passes it), so the
    root element of every page is checked directly: the site's language is Arabic, written right to left."""
    root_tag = re.compile(r"<html\b[^>]*>", re.I)
    wrong = []
    for page in _html_files(bundled_site):
        text = page.read_text(encoding="utf-8")
        tag = root_tag.search(text)
        start = tag.group(0) if tag else ""
        if not text.startswith("<!DOCTYPE html>") or ' lang="ar"' not in start or ' dir="rtl"' not in start:
            wrong.append(f"{page.relative_to(bundled_site)}: {text[:80]!r}")
    assert not wrong, "pages without <!DOCTYPE html> and <html lang=\"ar\" dir=\"rtl\">:\n" + "\n".join(wrong)


def test_minified_pages_are_smaller_valid_and_say_the_same(make_site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from akhbar import site as pipeline
    from akhbar.search import html_text

    bash = tools.require("bash", "bash is needed to run scripts/check-html.sh")
    tools.require("java", "java is missing: run `bash scripts/setup-system.sh` (Debian: default-jre-headless)")
    tools.require(tools.vnu_jar(), "vnu.jar is missing: run `npm ci --no-audit --no-fund` in the repository")
    files = {
        "content/a.md": "---\ntitle: خبر أول\ndate: 2018-01-01\nplace: دمشق\n---\nنص   الخبر  الأول.\n\n- بند\n- بند آخر\n",
        "content/b.txt": "---\ndate: 2018-02-01\n---\nخبر ثان\n\nموسكو-سانا\n\nنص الخبر الثاني.\n\nانظر ايضاً\n\nخبر أول\n\nنص…\n",
    }
    plain = make_site({**files, "site.yaml": "title: أرشيف\nbase_url: https://example.org/\nsearch: false\n"}, name="plain")
    small = make_site({**files, "site.yaml": "title: أرشيف\nbase_url: https://example.org/\nsearch: false\n"
                                             "minify: true\n"}, name="small")
    pipeline.build(pipeline.load(plain), tmp_path / "plain-out")
    pipeline.build(pipeline.load(small), tmp_path / "small-out")
    pages = _html_files(tmp_path / "plain-out")
    assert pages
    for page in pages:
        rel = page.relative_to(tmp_path / "plain-out")
        before, after = page.read_text(encoding="utf-8"), (tmp_path / "small-out" / rel).read_text(encoding="utf-8")
        assert len(after) < len(before), rel
        # the same characters in the same order (whitespace between block elements may go)
        assert "".join(html_text(after).split()) == "".join(html_text(before).split()), rel
    run = subprocess.run([bash, str(SCRIPT), str(tmp_path / "small-out")], capture_output=True, text=True,
                         timeout=600, cwd=tools.REPO_ROOT)
    assert run.returncode == 0 and re.search(r"^vnu: 0 errors in 0 files", run.stdout, re.M), run.stdout + run.stderr

"""`akhbar init`: a new archive that builds clean, and the installed wheel used the way a new user would."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from akhbar import newsite
from akhbar import site as pipeline
from akhbar.cli import EXIT_OK, EXIT_PROBLEMS
from tests.test_cli import run
from tests.tools import REPO_ROOT

Capsys = pytest.CaptureFixture[str]
FILES = ["site.yaml", "content/welcome.md", "content/scraped-article.txt", ".github/workflows/pages.yml",
         ".gitignore", "requirements.txt"]


def test_init_writes_a_new_archive_that_builds_with_no_warnings(tmp_path: Path, capsys: Capsys) -> None:
    folder = tmp_path / "news"
    assert run(["init", str(folder)]) == EXIT_OK
    said = capsys.readouterr().out
    assert said.startswith(f"Created a new archive in {folder}:")
    assert f"Build it: cd {folder} && akhbar build" in said
    written = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert written == sorted(FILES)
    assert not list(tmp_path.glob(".news.init-*"))  # the staging folder is gone
    site_yaml = (folder / "site.yaml").read_text(encoding="utf-8")
    assert site_yaml.count("\n# ") >= 10  # commented key by key
    assert yaml.safe_load(site_yaml)["title"] == newsite.DEFAULT_TITLE
    assert "public/" in (folder / ".gitignore").read_text(encoding="utf-8").splitlines()

    out = tmp_path / "out"
    assert run(["build", "--site", str(folder), "--out", str(out), "--strict"]) == EXIT_OK
    assert '2 articles, ' in capsys.readouterr().out
    loaded = pipeline.load(folder)
    assert (loaded.unresolved, loaded.problems.items) == ([], [])
    by_path = {a.path: a for a in loaded.articles}
    markdown, scraped = by_path["content/welcome.md"], by_path["content/scraped-article.txt"]
    assert [e.target for e in markdown.see_also] == [scraped]
    assert [e.target for e in scraped.see_also] == [markdown]
    assert (scraped.place, scraped.source, scraped.date) == ("بيروت", "وكالات", date.today())
    assert "<h2>" in scraped.body_html  # a sub-headline, as the article says
    page = (out / "articles" / "welcome" / "index.html").read_text(encoding="utf-8")
    assert "scraped-article/index.html" in page


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path, capsys: Capsys) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    assert run(["init", str(folder)]) == EXIT_PROBLEMS
    err = capsys.readouterr().err
    assert (f"{folder}: error: the folder is not empty; akhbar init writes only into a new or empty folder "
            "(choose a new folder, or empty this one)") in err
    assert "Nothing was written." in err
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
    (tmp_path / "file").write_text("x", encoding="utf-8")
    assert run(["init", str(tmp_path / "file")]) == EXIT_PROBLEMS
    assert "this is a file, not a folder" in capsys.readouterr().err


def test_init_fills_an_empty_folder_and_keeps_any_title(tmp_path: Path, capsys: Capsys) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    title = 'أرشيف "الجريدة": #1 — {slug}'
    assert run(["init", str(folder), "--title", title, "--base-url", "https://user.github.io/paper/"]) == EXIT_OK
    settings = yaml.safe_load((folder / "site.yaml").read_text(encoding="utf-8"))
    assert (settings["title"], settings["base_url"]) == (title, "https://user.github.io/paper/")
    assert settings["permalink"] == "articles/{slug}/"


def test_init_with_a_bad_base_url_writes_nothing(tmp_path: Path, capsys: Capsys) -> None:
    assert run(["init", str(tmp_path / "news"), "--base-url", "javascript:alert(1)"]) == EXIT_PROBLEMS
    assert "base_url must be an absolute web address" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_build_py_init_says_how_to_build_with_build_py(tmp_path: Path, capsys: Capsys) -> None:
    assert run(["init", str(tmp_path / "news")], default_site=REPO_ROOT) == EXIT_OK
    said = capsys.readouterr().out
    assert re.search(rf"^Build it: python \S*build\.py build --site {re.escape(str(tmp_path / 'news'))}$", said, re.M)


def test_the_new_workflow_builds_with_akhbar_as_the_repositorys_own_does() -> None:
    ours = yaml.safe_load((REPO_ROOT / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8"))
    new = yaml.safe_load((newsite.SKELETON / "github" / "workflows" / "pages.yml").read_text(encoding="utf-8"))

    def actions(flow: dict[str, Any]) -> list[str]:
        return [step["uses"] for job in flow["jobs"].values() for step in job["steps"] if "uses" in step]

    assert actions(new) == actions(ours)  # the same actions, at the same versions
    steps = {step.get("name"): step for step in new["jobs"]["build"]["steps"]}
    assert steps["Install akhbar"]["run"] == "python -m pip install -r requirements.txt"
    assert steps["Build"]["run"].startswith('akhbar build --out _site --base-url "${{ steps.pages.outputs.base_url }}"')
    assert new["permissions"] == ours["permissions"] and new[True] == ours[True]  # `on:` reads as True


def test_requirement_names_where_akhbar_was_installed_from(monkeypatch: pytest.MonkeyPatch) -> None:
    class Installed:
        def __init__(self, recorded: dict[str, Any] | None):
            self.recorded = recorded

        def read_text(self, name: str) -> str | None:
            return json.dumps(self.recorded) if self.recorded else None

    import importlib.metadata

    def use(recorded: dict[str, Any] | None) -> tuple[str, bool]:
        monkeypatch.setattr(importlib.metadata, "distribution", lambda name: Installed(recorded))
        monkeypatch.setattr(newsite, "_git", lambda folder, *words: "")
        return newsite.akhbar_requirement()

    assert use({"url": "https://github.com/news/akhbar", "vcs_info": {"vcs": "git", "commit_id": "abc123"}}) == (
        "akhbar @ git+https://github.com/news/akhbar@abc123", True)
    assert use({"url": "https://example.org/akhbar-0.1.0-py3-none-any.whl", "archive_info": {}}) == (
        "akhbar @ https://example.org/akhbar-0.1.0-py3-none-any.whl", True)
    assert use({"url": "file:///home/me/akhbar", "dir_info": {"editable": True}}) == ("akhbar==0.1.0", False)
    text = newsite._requirements("akhbar==0.1.0", False)
    assert text.splitlines()[-1] == "akhbar==0.1.0" and "replace the line below" in text


# ---------------------------------------------------------------- the wheel, as a new user installs it


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtual environment with akhbar installed from its wheel (not editable).

    The wheel is built offline from a copy of the sources (nothing is written into the checkout);
    akhbar's dependencies are taken from this environment through a .pth file rather than
    downloaded, so the test needs no network: what it checks is akhbar's own wheel.
    """
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO_ROOT / name, source)
    shutil.copytree(REPO_ROOT / "akhbar", source / "akhbar", ignore=shutil.ignore_patterns("__pycache__"))
    quiet = {"capture_output": True, "text": True, "timeout": 600}
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                            "--no-index", "-w", str(work / "dist"), str(source)], **quiet)  # type: ignore[call-overload]
    assert built.returncode == 0, built.stdout + built.stderr
    [wheel] = (work / "dist").glob("akhbar-*.whl")
    venv = work / "venv"
    base = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base, "-m", "venv", "--without-pip", str(venv)], check=True)
    done = subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install",
                           "--no-deps", "--no-index", str(wheel)], **quiet)  # type: ignore[call-overload]
    assert done.returncode == 0, done.stdout + done.stderr
    purelib = subprocess.run([str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             **quiet).stdout.strip()  # type: ignore[call-overload]
    paths = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    (Path(purelib) / "zz_akhbar_dependencies.pth").write_text("\n".join(paths) + "\n", encoding="utf-8")
    return venv


@pytest.mark.browser
def test_the_wheel_installed_in_a_new_environment_inits_builds_and_opens(installed: Path, tmp_path: Path,
                                                                         browser: Any) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    akhbar = str(installed / "bin" / "akhbar")

    def akhbar_run(*words: str, cwd: Path = tmp_path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([akhbar, *words], capture_output=True, text=True, cwd=cwd, env=env, timeout=600)

    where = subprocess.run([str(installed / "bin" / "python"), "-c", "import akhbar; print(akhbar.__file__)"],
                           capture_output=True, text=True, cwd=tmp_path, env=env)
    assert Path(where.stdout.strip()).is_relative_to(installed), where  # the wheel's copy, not the checkout's
    made = akhbar_run("init", "news")
    assert made.returncode == 0, made.stderr
    assert "Build it: cd news && akhbar build" in made.stdout
    built = akhbar_run("build", "--strict", cwd=tmp_path / "news")
    assert built.returncode == 0, built.stderr
    summary, opened, served = built.stdout.strip().splitlines()
    assert summary.startswith("Built 2 articles, ") and '0 unresolved "see also" entries, 0 warnings.' in summary
    index = tmp_path / "news" / "public" / "index.html"
    assert opened == f"Open it from disk: {index.as_uri()}"
    assert served.startswith("Or preview it: akhbar serve")
    # the Arabic catalog ships in the wheel
    checked = akhbar_run("check", "--lang", "ar", cwd=tmp_path / "news")
    assert checked.stdout.startswith("سليم: فُحص مقالتان؛ "), checked

    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(index.as_uri())
    assert page.evaluate("document.documentElement.dir") == "rtl"
    page.get_by_role("link", name="مرحباً بك في أرشيفك الجديد").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "مرحباً بك في أرشيفك الجديد"
    page.get_by_role("link", name="كيف تضيف مقالاً منسوخاً من موقع إخباري").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "كيف تضيف مقالاً منسوخاً من موقع إخباري"
    assert page.url.endswith("/articles/scraped-article/index.html")
    assert not errors, errors
    page.close()


def test_init_shards_writes_a_sharded_archive_and_a_workflow_publishing_each_shard(
        tmp_path: Path, capsys: Capsys) -> None:
    folder = tmp_path / "news"
    assert run(["init", str(folder), "--shards", "--base-url", "https://org.github.io/archive/"]) == EXIT_OK
    assert f"Build it: cd {folder} && akhbar build --all-shards" in capsys.readouterr().out
    written = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert written == sorted(FILES)  # one workflow: the sharded one, in pages.yml
    settings = yaml.safe_load((folder / "site.yaml").read_text(encoding="utf-8"))
    assert [s["name"] for s in settings["shards"]] == ["older", "latest"]
    assert settings["shards"][0]["base_url"] == "https://org.github.io/archive-older/"
    assert settings["shards"][-1]["base_url"] == settings["base_url"]
    out = tmp_path / "out"
    assert run(["build", "--site", str(folder), "--all-shards", "--out", str(out), "--strict"]) == EXIT_OK
    assert (out / "latest" / "articles" / "welcome" / "index.html").is_file()  # dated today: the newest shard
    older_search = (out / "older" / "search" / "index.html").read_text(encoding="utf-8")
    assert 'data-bundles="https://org.github.io/archive/pagefind/"' in older_search  # it has no articles yet
    flow = yaml.safe_load((folder / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8"))
    assert list(flow["jobs"]) == ["plan", "build", "deploy"]
    build = flow["jobs"]["build"]
    assert build["strategy"]["matrix"]["shard"] == "${{ fromJSON(needs.plan.outputs.shards) }}"
    steps = {step.get("name"): step for step in build["steps"]}
    assert steps["Build"]["run"] == 'akhbar build --shard "${{ matrix.shard.name }}" --out _site --quiet'
    # the plan job's script, run on this site.yaml: every shard, with the repository serving it
    script = flow["jobs"]["plan"]["steps"][-1]["run"]
    output = tmp_path / "github-output"
    subprocess.run([sys.executable, "-c", script], cwd=folder, check=True,
                   env={**os.environ, "GITHUB_OUTPUT": str(output)})
    plan = json.loads(output.read_text(encoding="utf-8").removeprefix("shards="))
    assert plan == [{"name": "older", "repo": "org/archive-older", "newest": False},
                    {"name": "latest", "repo": "org/archive", "newest": True}]
    ours = yaml.safe_load((REPO_ROOT / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8"))
    used = {step["uses"] for job in flow["jobs"].values() for step in job["steps"] if "uses" in step}
    assert used <= {step["uses"] for job in ours["jobs"].values() for step in job["steps"] if "uses" in step}

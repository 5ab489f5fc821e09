"""The `init` command: a new archive, with settings, two example articles and a publishing workflow."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from . import __version__
from .config import load_settings
from .i18n import _
from .problems import Problems

SKELETON = Path(__file__).resolve().parent / "skeleton"
# Package data leaves out names starting with a dot, so the skeleton stores these without it.
DOTTED = {"gitignore": ".gitignore", "github": ".github"}
DEFAULT_TITLE = "أرشيف الأخبار"
DEFAULT_BASE_URL = "https://example.github.io/archive/"


@dataclass(frozen=True)
class NewSite:
    """What `init` wrote: the folder, its files, and where GitHub will get akhbar from."""

    folder: Path
    files: tuple[str, ...]
    requirement: str
    source_known: bool


WORKFLOW, SHARDS_WORKFLOW = ".github/workflows/pages.yml", ".github/workflows/pages-shards.yml"


def skeleton_files(title: str, base_url: str, today: date, requirement: str, source_known: bool,
                   shards: bool = False) -> dict[str, bytes]:
    """Every file of the new archive by its path, filled in. With `shards`, site.yaml splits the
    archive into two shards and the workflow builds and publishes each (README: sharded archives)."""
    files: dict[str, bytes] = {}
    for path in sorted(SKELETON.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        parts = path.relative_to(SKELETON).parts
        rel = "/".join((DOTTED.get(parts[0], parts[0]), *parts[1:]))
        if rel == (WORKFLOW if shards else SHARDS_WORKFLOW):
            continue
        rel = WORKFLOW if rel == SHARDS_WORKFLOW else rel
        text = path.read_text(encoding="utf-8")
        text = (text.replace("@title@", _yaml_text(title)).replace("@base_url@", _yaml_text(base_url))
                .replace("@date@", today.isoformat()))
        if rel == "site.yaml" and shards:
            text += _shards_yaml(base_url, today)
        files[rel] = text.encode("utf-8")
    files["requirements.txt"] = _requirements(requirement, source_known).encode("utf-8")
    return files


def _shards_yaml(base_url: str, today: date) -> str:
    """site.yaml's shards: two shards, the older one on a site of its own beside base_url's."""
    older = base_url.rstrip("/") + "-older/"
    until = date(today.year - 1, 12, 31).isoformat()
    return f"""
# An archive larger than one GitHub Pages site (1 GB) is split by date into shards, each its own
# site; readers get one archive: links cross shards and every shard's search page searches all.
# Oldest first; `until` is the last date a shard holds (inclusive); the last shard has no until,
# takes the rest (undated articles too) and its base_url is the base_url above. Build one with
# `akhbar build --shard NAME`; .github/workflows/pages.yml builds and publishes every shard.
shards:
  - {{name: older, base_url: {_yaml_text(older)}, until: {until}}}
  - {{name: latest, base_url: {_yaml_text(base_url)}}}
"""


def _yaml_text(value: str) -> str:
    """A YAML scalar holding exactly `value` (a JSON string is valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def _requirements(requirement: str, source_known: bool) -> str:
    lines = ["# What GitHub Actions installs to build this archive (.github/workflows/pages.yml)."]
    if not source_known:
        lines += ["# akhbar was installed here from a copy GitHub cannot reach: replace the line below",
                  "# with where your akhbar comes from, such as",
                  "#   akhbar @ git+https://github.com/USER/akhbar@COMMIT-OR-TAG"]
    return "\n".join([*lines, requirement, ""])


def akhbar_requirement() -> tuple[str, bool]:
    """The pip requirement for this akhbar that GitHub can install, and whether its source is known.

    Known: installed from a web address (pip records it, PEP 610) or running from a git checkout
    whose `origin` is an https address. Otherwise the version alone, to be replaced by hand.
    """
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        recorded = distribution("akhbar").read_text("direct_url.json")
    except PackageNotFoundError:
        recorded = None
    if recorded:
        found = json.loads(recorded)
        url, vcs = found.get("url", ""), found.get("vcs_info")
        if url.startswith("https://"):
            return (f"akhbar @ git+{url}@{vcs['commit_id']}" if vcs else f"akhbar @ {url}"), True
    checkout = Path(__file__).resolve().parent.parent
    remote, commit = _git(checkout, "remote", "get-url", "origin"), _git(checkout, "rev-parse", "HEAD")
    if remote.startswith("https://") and commit:
        return f"akhbar @ git+{remote}@{commit}", True
    return f"akhbar=={__version__}", False


def _git(folder: Path, *words: str) -> str:
    if not (folder / ".git").exists() or shutil.which("git") is None:
        return ""
    done = subprocess.run(["git", "-C", str(folder), *words], capture_output=True, text=True, timeout=30)
    return done.stdout.strip() if done.returncode == 0 else ""


def create(folder: Path, problems: Problems, title: str = DEFAULT_TITLE, base_url: str = DEFAULT_BASE_URL,
           today: date | None = None, shards: bool = False) -> NewSite | None:
    """Write a new archive into `folder` (new or empty); None, with the problems, when it cannot.

    The files are written into a staging folder beside it and checked (site.yaml is read back as
    a build reads it) before the staging folder takes the new archive's name.
    """
    shown = str(folder)
    if folder.exists() and not folder.is_dir():
        problems.error(shown, 0, _("this is a file, not a folder"), _("choose a new folder for the archive"))
        return None
    if folder.is_dir() and any(folder.iterdir()):
        problems.error(shown, 0, _("the folder is not empty; akhbar init writes only into a new or empty folder"),
                       _("choose a new folder, or empty this one"))
        return None
    requirement, known = akhbar_requirement()
    files = skeleton_files(title, base_url, today or date.today(), requirement, known, shards)
    staging = folder.parent / f".{folder.name}.init-{os.getpid()}"
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        for rel, data in files.items():
            target = staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        if load_settings(staging, problems) is None or problems.errors:
            return None
        if folder.is_dir():
            folder.rmdir()
        staging.rename(folder)
    except OSError as exc:
        problems.error(shown, 0, _("the archive could not be written: {reason}").format(reason=exc.strerror or exc),
                       _("check that the folder above it exists and that you may write there"))
        return None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return NewSite(folder, tuple(files), requirement, known)

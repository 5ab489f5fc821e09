"""Shared fixtures: small throwaway sites, and the bundled archive built once per session."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from akhbar import site as pipeline
from akhbar.i18n import set_language
from tests import tools
from tests.tools import REPO_ROOT, require_shared

SITE_YAML = "title: أرشيف الاختبار\nbase_url: https://example.org/archive/\n"

MakeSite = Callable[..., Path]


@pytest.fixture(autouse=True, scope="session")
def private_cache(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """Builds keep share cards and incremental state under $XDG_CACHE_HOME: one of this session's own."""
    folder = tmp_path_factory.mktemp("xdg-cache")
    old = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(folder)
    yield folder
    if old is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = old


@pytest.fixture(autouse=True, scope="session")
def english_locale() -> Iterator[None]:
    """The tests read akhbar's English messages: a developer's Arabic locale must not change them
    (tests of the Arabic messages ask for them with --lang ar or their own LANG)."""
    saved = {name: os.environ.pop(name, None) for name in ("LC_ALL", "LC_MESSAGES", "LANG")}
    os.environ["LANG"] = "C.UTF-8"
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(autouse=True)
def english_messages() -> Iterator[None]:
    """A test that ran the command line with --lang ar leaves the next one in English."""
    yield
    set_language("en")


@pytest.fixture
def make_site(tmp_path: Path) -> MakeSite:
    """Write a site folder from {relative path: text}; site.yaml gets a default unless given."""

    def make(files: dict[str, str | bytes], name: str = "site") -> Path:
        root = tmp_path / name
        (root / "content").mkdir(parents=True, exist_ok=True)
        files = {"site.yaml": SITE_YAML, **files}
        for rel, data in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(data, bytes):
                path.write_bytes(data)
            else:
                path.write_text(textwrap.dedent(data).lstrip("\n"), encoding="utf-8")
        return root

    return make


@pytest.fixture(scope="session")
def bundled_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's own archive, built once into a temporary folder (never into the tree)."""
    out = tmp_path_factory.mktemp("bundled") / "public"
    loaded = pipeline.load(REPO_ROOT)
    pipeline.build(loaded, out, cache=out.parent / "cache")  # share cards are cached outside the tree
    return out


@pytest.fixture(scope="session")
def copy_tree() -> Callable[[Path, Path], Path]:
    def copy(src: Path, dest: Path) -> Path:
        shutil.copytree(src, dest)
        return dest

    return copy


@pytest.fixture(scope="session")
def sample_2k_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site made of the shared sample-2k corpus, dated from its manifest (as a CMS export would)."""
    corpus = require_shared("the sample-2k corpus") / "corpus"
    root = tmp_path_factory.mktemp("sample2k")
    (root / "site.yaml").write_text("title: t\nbase_url: https://example.org/\n", encoding="utf-8")
    content = root / "content"
    shutil.copytree(corpus / "sample-2k", content)
    for row in sample_2k_manifest().values():
        path = content / f"{row['id']}.txt"
        path.write_bytes(f"---\ndate: '{row['date']}'\nsection: {row['category']}\n"
                         f"source: {row['source']}\n---\n".encode() + path.read_bytes())
    return root


def sample_2k_manifest() -> dict[str, dict]:
    """The manifest rows of sample-2k by article id."""
    manifest = require_shared("the sample-2k corpus") / "corpus" / "sample-2k.manifest.jsonl"
    rows = map(json.loads, manifest.read_text(encoding="utf-8").splitlines())
    return {r["id"]: r for r in rows}


@pytest.fixture(scope="session")
def sample_2k_site(sample_2k_root: Path) -> pipeline.Site:
    return pipeline.load(sample_2k_root)


@pytest.fixture(scope="session")
def sample_2k_public(sample_2k_site: pipeline.Site, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """sample-2k built once per session."""
    out = tmp_path_factory.mktemp("sample2k-out") / "public"
    pipeline.build(sample_2k_site, out)
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, driven by Playwright for Python (never `playwright install`)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        tools.require(None, "playwright for Python is missing: run `make venv` (pip install -e '.[test]')")
    executable = tools.require(tools.find_chromium(),
                               "Chromium is missing (/usr/bin/chromium): run `bash scripts/setup-system.sh`")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=executable, args=tools.CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def firefox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Debian's firefox-esr, headless, driven over Marionette (the marionette_driver package; there is
    no geckodriver here), with a fresh profile. Firefox gives every file: page an origin of its own,
    unlike Chromium, which is what the tests that use it are for."""
    try:
        from marionette_driver.marionette import Marionette
    except ImportError:
        tools.require(None, "marionette_driver is missing: run `make venv` (pip install -e '.[test]')")
    executable = tools.require(tools.find_firefox(),
                               "firefox-esr is missing: run `bash scripts/setup-system.sh`")
    profile = tmp_path_factory.mktemp("firefox-profile")
    port = tools.free_port()
    (profile / "user.js").write_text("".join(f'user_pref("{k}", {json.dumps(v)});\n'
                                             for k, v in {**tools.FIREFOX_PREFS, "marionette.port": port}.items()),
                                     encoding="utf-8")
    process = subprocess.Popen([executable, "--headless", "--marionette", "--no-remote", "--profile", str(profile)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env={**os.environ, "MOZ_HEADLESS": "1"})
    client = Marionette(host="127.0.0.1", port=port)
    try:
        client.raise_for_port(timeout=90)
        client.start_session()
        client.timeout.page_load = 30
        yield client
    finally:
        try:
            client.delete_session()
        except Exception:  # the browser may already be gone; it is stopped below either way
            pass
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=20)

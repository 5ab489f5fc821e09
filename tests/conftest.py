"""Shared fixtures: small throwaway sites, and the bundled archive built once per session."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from akhbar import site as pipeline
from tests.tools import REPO_ROOT

SITE_YAML = "title: أرشيف الاختبار\nbase_url: https://example.org/archive/\n"

MakeSite = Callable[..., Path]


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
    pipeline.build(loaded, out)
    return out


@pytest.fixture(scope="session")
def copy_tree() -> Callable[[Path, Path], Path]:
    def copy(src: Path, dest: Path) -> Path:
        shutil.copytree(src, dest)
        return dest

    return copy

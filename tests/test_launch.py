"""`python build.py` with a Python that lacks akhbar's packages: run through .venv, or one line saying
how to set it up (never a traceback)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from akhbar import __version__
from akhbar.launch import EXIT_NO_ENVIRONMENT, missing, required
from tests.tools import REPO_ROOT


@pytest.fixture(scope="module")
def bare_python(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A Python with nothing installed: a new virtual environment without pip."""
    folder = tmp_path_factory.mktemp("bare")
    base = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base, "-m", "venv", "--without-pip", str(folder / "venv")], check=True)
    return str(folder / "venv" / "bin" / "python")


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("AKHBAR_VENV_TRIED", "VIRTUAL_ENV", "PYTHONPATH")}


def test_every_dependency_in_pyproject_is_checked() -> None:
    import tomllib

    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert len(required(REPO_ROOT)) == len(project["dependencies"])
    assert "pytest" in required(REPO_ROOT, "test") and "pytest" not in required(REPO_ROOT)
    assert missing(REPO_ROOT) == []  # this test runs in the project's environment


def test_build_py_runs_through_the_projects_venv(bare_python: str) -> None:
    if not (REPO_ROOT / ".venv" / "bin" / "python").is_file():
        pytest.skip("this checkout has no .venv (make site makes it)")
    done = subprocess.run([bare_python, str(REPO_ROOT / "build.py"), "--version"], capture_output=True,
                          text=True, env=clean_env(), timeout=120)
    assert (done.returncode, done.stdout.strip(), done.stderr) == (0, f"akhbar {__version__}", "")


def test_build_py_without_an_environment_says_how_to_make_one(bare_python: str, tmp_path: Path) -> None:
    copy = tmp_path / "clone"
    copy.mkdir()
    shutil.copy(REPO_ROOT / "build.py", copy)
    shutil.copy(REPO_ROOT / "pyproject.toml", copy)
    shutil.copytree(REPO_ROOT / "akhbar", copy / "akhbar", ignore=shutil.ignore_patterns("__pycache__"))
    done = subprocess.run([bare_python, str(copy / "build.py"), "build"], capture_output=True, text=True,
                          env=clean_env(), cwd=copy, timeout=120)
    assert done.returncode == EXIT_NO_ENVIRONMENT
    assert done.stdout == ""
    [line] = done.stderr.splitlines()
    assert line.startswith("build.py: akhbar's Python packages are not installed for ")
    assert "jinja2, markdown-it-py" in line and line.endswith(f"set them up once with `make site` in {copy}")
    assert not (copy / "public").exists()

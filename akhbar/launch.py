"""Start a repository script in the project's environment: standard library only, any Python 3.

`python build.py` may be typed with a Python that lacks akhbar's packages (a fresh clone, a
system Python). Then the script runs again through the repository's `.venv` when it exists, or
stops with one line saying how to make it; never with a traceback from a missing import.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

EXIT_NO_ENVIRONMENT = 3
_TRIED = "AKHBAR_VENV_TRIED"  # set before running again through .venv, so that it happens once
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def required(root: Path, extra: str = "") -> list[str]:
    """The distributions pyproject.toml asks for (and those of `extra`), by name."""
    import tomllib

    with open(root / "pyproject.toml", "rb") as handle:
        project = tomllib.load(handle)["project"]
    wanted = list(project.get("dependencies", []))
    if extra:
        wanted += project.get("optional-dependencies", {}).get(extra, [])
    return [m.group(1) for m in map(_NAME.match, wanted) if m]


def missing(root: Path, extra: str = "") -> list[str]:
    """The required distributions this Python does not have installed."""
    from importlib.metadata import PackageNotFoundError, version

    absent = []
    for name in required(root, extra):
        try:
            version(name)
        except PackageNotFoundError:
            absent.append(name)
    return absent


def ensure_environment(root: Path, script: str, extra: str = "", setup: str = "make site") -> None:
    """Return when this Python can run `script`; else run it again through `root/.venv`, or exit
    with one line saying how to set the environment up (exit code 3)."""
    venv = root / ".venv"
    absent = missing(root, extra) if sys.version_info >= (3, 11) else ["Python 3.11 or newer"]
    if not absent:
        return
    in_venv = Path(sys.prefix).resolve() == venv.resolve()
    if (venv / "bin" / "python").is_file() and not in_venv and os.environ.get(_TRIED) != "1":
        os.environ[_TRIED] = "1"
        python = str(venv / "bin" / "python")
        os.execv(python, [python, script, *sys.argv[1:]])
    where = "in .venv" if in_venv else f"for {sys.executable}"
    shown = ", ".join(absent[:4]) + (f" and {len(absent) - 4} more" if len(absent) > 4 else "")
    print(f"{Path(script).name}: akhbar's Python packages are not installed {where} ({shown} missing); "
          f"set them up once with `{setup}` in {root}", file=sys.stderr)
    sys.exit(EXIT_NO_ENVIRONMENT)

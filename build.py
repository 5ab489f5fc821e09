#!/usr/bin/env python3
"""Build the archive: `python build.py --help` lists the commands."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from akhbar.launch import ensure_environment  # noqa: E402  (standard library only)

ensure_environment(ROOT, __file__)  # runs again through .venv, or says how to make it

from akhbar.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(default_site=ROOT))

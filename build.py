#!/usr/bin/env python3
"""Build the archive: `python build.py --help` lists the commands."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from akhbar.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(default_site=Path(__file__).resolve().parent))

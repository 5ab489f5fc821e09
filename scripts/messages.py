"""Extract akhbar's messages into its catalog template and update the Arabic catalog (make messages).

    python scripts/messages.py            rewrite akhbar/locale/akhbar.pot, update ar/LC_MESSAGES/akhbar.po
    python scripts/messages.py --check    only say which messages the code and the template disagree on

It runs `pybabel extract` (with babel.cfg and the keywords below) and `pybabel update`; a message
new in the code arrives in the .po with an empty translation, which tests/test_i18n.py refuses
until someone writes it. The .po is compiled when akhbar runs (akhbar/i18n.py), so no .mo is kept.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "akhbar" / "locale" / "akhbar.pot"
LANGUAGES = ("ar",)
# _("…"), N_("…") and the counted phrases: count(n, one, other), Nn_(one, other), ngettext(one, other, n)
KEYWORDS = ("_", "N_", "count:2,3", "Nn_:1,2", "ngettext:1,2")


def extract(target: Path) -> None:
    argv = ["pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"), "--no-default-keywords",
            "--no-location", "--sort-output", "--add-comments", "TRANSLATORS:",
            "--project", "akhbar", "--copyright-holder", "akhbar's authors",
            "--msgid-bugs-address", "https://github.com/", "-o", str(target)]
    for keyword in KEYWORDS:
        argv += ["-k", keyword]
    CommandLineInterface().run([*argv, str(ROOT / "akhbar")])


def _undated(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if "-Date: " not in line]


def ids(path: Path) -> set[object]:
    with open(path, "rb") as handle:
        return {message.id for message in read_po(handle) if message.id}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare only; write nothing")
    args = parser.parse_args()
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            fresh = Path(tmp) / "akhbar.pot"
            extract(fresh)
            new, old = ids(fresh), ids(TEMPLATE)
        for message in sorted(map(repr, new - old)):
            print(f"in the code, not in {TEMPLATE.relative_to(ROOT)}: {message}")
        for message in sorted(map(repr, old - new)):
            print(f"in {TEMPLATE.relative_to(ROOT)}, no longer in the code: {message}")
        return 1 if new != old else 0
    TEMPLATE.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "akhbar.pot"
        extract(fresh)
        if not TEMPLATE.exists() or _undated(fresh) != _undated(TEMPLATE):  # else keep the file (and its date)
            shutil.copyfile(fresh, TEMPLATE)
    for lang in LANGUAGES:
        po = TEMPLATE.parent / lang / "LC_MESSAGES" / "akhbar.po"
        command = "update" if po.exists() else "init"
        argv = ["pybabel", "-q", command, "-i", str(TEMPLATE), "-D", "akhbar", "-d", str(TEMPLATE.parent), "-l", lang]
        if command == "update":
            argv += ["--no-fuzzy-matching", "--ignore-obsolete"]
        CommandLineInterface().run(argv)
        print(f"{po.relative_to(ROOT)}: {command} from {TEMPLATE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

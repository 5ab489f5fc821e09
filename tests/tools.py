"""Where the external tools used by the tests live, and how a test asks for them.

Rule: a missing tool skips the test on a developer machine, but fails it on CI
(``CI=true``), where ``bash .ci/run`` has installed everything and a skip would hide
a broken setup.  The same holds for ``../shared`` (the corpus): CI lays it beside the
clone; a user's clone has none, so tests that need it skip there with a clear reason.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import NoReturn

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("AKHBAR_SHARED", REPO_ROOT.parent / "shared"))

CHROMIUM = "/usr/bin/chromium"
# Flags this machine needs: root (no sandbox), no GPU, no network, a fresh profile per run.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def on_ci() -> bool:
    return os.environ.get("CI") == "true"


def find_chromium() -> str | None:
    """Debian's Chromium (installed by scripts/setup-system.sh), or None."""
    return CHROMIUM if os.access(CHROMIUM, os.X_OK) else None


def vnu_jar() -> Path | None:
    """node_modules/vnu-jar/build/dist/vnu.jar under the repo root (from `npm ci`), or None."""
    jar = REPO_ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
    return jar if jar.is_file() else None


def _missing(reason: str) -> NoReturn:
    if on_ci():
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


def require(tool_or_path: str | os.PathLike[str] | None, reason: str) -> str:
    """Return the tool's path, or skip (fail on CI) with ``reason`` when it is missing.

    ``tool_or_path`` is a command name looked up on PATH (``"java"``), a file path
    (``vnu_jar()``), or None (e.g. ``find_chromium()`` found nothing).
    """
    if tool_or_path is None or str(tool_or_path) == "":
        _missing(reason)
    name = os.fspath(tool_or_path)
    if os.sep in name or isinstance(tool_or_path, os.PathLike):
        if os.path.exists(name):
            return name
        _missing(reason)
    found = shutil.which(name)
    if found is None:
        _missing(reason)
    return found


def require_shared(what: str = "the shared corpus") -> Path:
    """Return ../shared (or $AKHBAR_SHARED); skip when it is absent, fail on CI.

    CI lays a copy of shared/ beside the clone, so its absence there is a fault;
    a user's clone has none, and building never needs it.
    """
    if not SHARED.is_dir():
        _missing(f"../shared is absent ({SHARED}): {what} is needed for this test")
    return SHARED

FIREFOX = "/usr/bin/firefox-esr"
# A test profile: no first-run pages, updates, telemetry or other calls home (there is no network).
FIREFOX_PREFS: dict[str, object] = {
    "browser.shell.checkDefaultBrowser": False,
    "browser.startup.homepage_override.mstone": "ignore",
    "browser.aboutwelcome.enabled": False,
    "app.update.disabledForTesting": True,
    "datareporting.policy.dataSubmissionEnabled": False,
    "toolkit.telemetry.reportingpolicy.firstRun": False,
    "browser.safebrowsing.update.enabled": False,
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
    "extensions.update.enabled": False,
    "intl.accept_languages": "ar",
}


def find_firefox() -> str | None:
    """Debian's firefox-esr (installed by scripts/setup-system.sh), or None."""
    return FIREFOX if os.access(FIREFOX, os.X_OK) else None


def free_port() -> int:
    """A TCP port nothing listens on now (for a browser's remote-control port)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def txt(title: str, date: str, body: str, see_also: list[tuple[str, str]] = ()) -> str:  # type: ignore[assignment]
    """A scraped article in the seed layout: front matter, headline, dateline, body, "see also"."""
    text = f"---\ndate: {date}\nsection: اقتصاد\n---\n{title}\n\nدمشق-سانا\n\n{body}\n"
    if see_also:
        text += "\nانظر ايضاً\n\n" + "\n\n".join(f"{h}\n\n{t}" for h, t in see_also) + "\n"
    return text

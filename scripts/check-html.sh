#!/usr/bin/env bash
# Check every HTML file of a built site with the Nu HTML Checker (vnu.jar from the npm
# package vnu-jar, pinned in package.json), in one JVM run for the whole folder.
#
# usage: scripts/check-html.sh SITE_DIR [extra vnu options...]
#
# Prints one finding per line as `path:line:col: kind: message` (path relative to
# SITE_DIR), then one summary line `vnu: N errors in M files`.
#
# env:  WARNINGS=1      also show vnu's warnings (shown, never fail the check)
#       STRICT_LANG=0   do not count vnu's language warnings ("This document appears to be
#                       written in Arabic. Consider adding dir=rtl" / wrong lang=) as errors.
#                       By default they ARE errors, like the project's external vnu judge;
#                       STRICT_LANG=0 without WARNINGS=1 runs plain `vnu --errors-only`.
#       VNU_FILTER=RE   drop messages matching RE (vnu --filterpattern)
#       VNU_JAR=PATH    vnu.jar to use (default: node_modules/vnu-jar/build/dist/vnu.jar)
#       JAVA=PATH       java binary (default: java on PATH)
# exit: 0 clean, 1 errors found, 2 tool missing, tool failure or bad usage.
set -uo pipefail

die() { echo "check-html: $*" >&2; exit 2; }

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
[ $# -ge 1 ] || die "usage: $0 SITE_DIR [extra vnu options...]"
[ -d "$1" ] || die "not a directory: $1"
site=$(cd "$1" && pwd -P)
shift

jar=${VNU_JAR:-$ROOT/node_modules/vnu-jar/build/dist/vnu.jar}
java=${JAVA:-java}
[ -f "$jar" ] || die "vnu.jar missing: $jar (run: npm ci --no-audit --no-fund)"
command -v "$java" >/dev/null 2>&1 || die "java missing (run: bash scripts/setup-system.sh)"
command -v python3 >/dev/null 2>&1 || die "python3 missing"

nfiles=$(find "$site" -type f \( -iname '*.html' -o -iname '*.htm' -o -iname '*.xhtml' \) | wc -l)
if [ "$nfiles" -eq 0 ]; then
  echo "check-html: no HTML files under $site" >&2
  echo "vnu: 0 errors in 0 files"
  exit 0
fi
echo "check-html: checking $nfiles HTML files under $site" >&2

args=(--format gnu --stdout --skip-non-html)
if [ "${WARNINGS:-0}" != 1 ] && [ "${STRICT_LANG:-1}" = 0 ]; then
  args+=(--errors-only)
fi
[ -n "${VNU_FILTER:-}" ] && args+=(--filterpattern "$VNU_FILTER")

tmp=$(mktemp -d) || die "mktemp failed"
trap 'rm -rf "$tmp"' EXIT

# -Xss8m: deep documents overflow the default thread stack (the judge uses the same).
# The directory is passed as is: vnu walks it itself, so ~2,500 files cost one JVM start.
"$java" -Xss8m -jar "$jar" "${args[@]}" "$@" "$site" >"$tmp/out" 2>"$tmp/err"
vnu_rc=$?

python3 - "$tmp" "$site" "$vnu_rc" "${WARNINGS:-0}" "${STRICT_LANG:-1}" <<'PY'
import os
import re
import sys
from urllib.parse import unquote

tmp, site, vnu_rc = sys.argv[1], sys.argv[2], int(sys.argv[3])
show_warnings, strict_lang = sys.argv[4] == "1", sys.argv[5] == "1"

# "file:/abs/path.html":FIRSTLINE.FIRSTCOL-LASTLINE.LASTCOL: kind: message
# (vnu may also print LINE.COL alone, or no location at all)
LINE = re.compile(r'^(?:"(?P<url>[^"]*)")?:(?P<loc>[0-9.\-]*):? ?(?P<kind>[a-z][a-z -]*): (?P<msg>.*)$')
LANG = "appears to be written in"


def where(url):
    if not url:
        return "-"
    path = unquote(url[5:] if url.startswith("file:") else url)
    if os.path.isabs(path):
        rel = os.path.relpath(path, site)
        if not rel.startswith(".." + os.sep):
            return rel
    return path


def location(loc):
    # Same convention as the judge: the last line of the range, its first column.
    nums = [p.split(".") for p in loc.split("-") if p]
    if not nums:
        return ""
    line = nums[-1][0]
    col = nums[0][1] if len(nums[0]) > 1 else "1"
    return f"{line}:{col}:"


errors, warnings, bad_files, unparsed, findings = 0, 0, set(), [], []
with open(os.path.join(tmp, "out"), encoding="utf-8", errors="replace") as fh:
    for raw in fh:
        raw = raw.rstrip("\n")
        if not raw.strip():
            continue
        m = LINE.match(raw)
        if not m:
            unparsed.append(raw)
            continue
        kind, msg = m["kind"].strip(), m["msg"]
        if "error" in kind or "fatal" in kind:
            label = "error"
        elif strict_lang and LANG in msg:
            label = "error"
        elif show_warnings:
            label = "warning" if "warning" in kind else "info"
        else:
            continue
        path = where(m["url"])
        loc = location(m["loc"])
        findings.append((path, f"{path}:{loc} {label}: {msg}" if loc else f"{path}: {label}: {msg}"))
        if label == "error":
            errors += 1
            bad_files.add(path)
        else:
            warnings += 1

# vnu walks directories in file-system order: sort by path (stable: keeps vnu's order in a file).
for _, text in sorted(findings, key=lambda f: f[0]):
    print(text)

with open(os.path.join(tmp, "err"), encoding="utf-8", errors="replace") as fh:
    err = [ln.rstrip("\n") for ln in fh if ln.strip() and not ln.startswith("Picked up ")]

failed = bool(unparsed) or vnu_rc not in (0, 1) or (vnu_rc == 1 and errors == 0)
failed = failed or any(re.search(r"Exception|java\.lang\.\w*Error|^Error:", ln) for ln in err)
for ln in unparsed + err:
    print(f"check-html: vnu said: {ln}", file=sys.stderr)

summary = f"vnu: {errors} errors in {len(bad_files)} files"
if show_warnings:
    summary += f", {warnings} warnings"
if failed:
    print(f"check-html: vnu failed (exit {vnu_rc}); findings above may be incomplete", file=sys.stderr)
    print(summary)
    sys.exit(2)
print(summary)
sys.exit(1 if errors else 0)
PY

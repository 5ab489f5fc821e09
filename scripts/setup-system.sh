#!/usr/bin/env bash
# Install the Debian packages the test suite needs, only those that are missing.
# Idempotent: when everything is present it installs nothing and touches no network.
#
#   chromium              browser tests (Playwright for Python drives /usr/bin/chromium)
#   default-jre-headless  java for vnu.jar (skipped when a working `java` is already on PATH)
#   libxml2-utils         xmllint (feed and sitemap checks)
#   fonts-noto-core       TTF fonts (Arabic included) for drawing images
#   fonts-dejavu-core     DejaVu Sans, measured for the theme's fallback font (scripts/font-fallback.py)
#   firefox-esr           browser tests in Firefox too (driven over Marionette; tests/test_firefox.py)
#   strace                fault injection (a full disk, a read-only or busy folder) into real builds
#
# Uses apt-get only; root or sudo is required when something is missing.
set -euo pipefail

installed() {  # is Debian package $1 installed?
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
java -version >/dev/null 2>&1 || need+=(default-jre-headless)
command -v xmllint >/dev/null 2>&1 || need+=(libxml2-utils)
installed fonts-noto-core || need+=(fonts-noto-core)
installed fonts-dejavu-core || need+=(fonts-dejavu-core)
[ -x /usr/bin/firefox-esr ] || need+=(firefox-esr)
command -v strace >/dev/null 2>&1 || need+=(strace)

if [ ${#need[@]} -eq 0 ]; then
  echo "setup-system: chromium, firefox-esr, java, xmllint, fonts and strace already present"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo -n)   # -n: never prompt (CI has no stdin); fails clearly instead
else
  echo "setup-system: missing Debian packages: ${need[*]}" >&2
  echo "setup-system: need root or sudo to install them; run as root:" >&2
  echo "  apt-get update && apt-get install -y --no-install-recommends ${need[*]}" >&2
  exit 1
fi
command -v apt-get >/dev/null 2>&1 || {
  echo "setup-system: apt-get not found; install by hand: ${need[*]}" >&2
  exit 1
}

echo "setup-system: apt-get install ${need[*]}"
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null

# Verify what the tests rely on actually works now.
fail=0
[ -x /usr/bin/chromium ] || { echo "setup-system: /usr/bin/chromium still missing" >&2; fail=1; }
java -version >/dev/null 2>&1 || { echo "setup-system: java still not working" >&2; fail=1; }
command -v xmllint >/dev/null 2>&1 || { echo "setup-system: xmllint still missing" >&2; fail=1; }
installed fonts-noto-core || { echo "setup-system: fonts-noto-core still missing" >&2; fail=1; }
installed fonts-dejavu-core || { echo "setup-system: fonts-dejavu-core still missing" >&2; fail=1; }
[ -x /usr/bin/firefox-esr ] || { echo "setup-system: /usr/bin/firefox-esr still missing" >&2; fail=1; }
command -v strace >/dev/null 2>&1 || { echo "setup-system: strace still missing" >&2; fail=1; }
[ $fail -eq 0 ] || exit 1
echo "setup-system: done"

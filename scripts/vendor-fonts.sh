#!/usr/bin/env bash
# Vendor the Noto Naskh Arabic web font into the default theme.
#
# Fetches the pinned @fontsource/noto-naskh-arabic tarball from the npm
# registry (no CDN at build or run time), then copies only what the theme
# uses into akhbar/theme/static/assets/fonts/:
#   - woff2 files for the `arabic` and `latin` subsets, weights 400 and 700,
#     normal style, under short stable names (noto-naskh-arabic-<subset>-<weight>.woff2)
#   - the font's licence (SIL OFL 1.1) as LICENSE-NotoNaskhArabic.txt
#
# The @font-face rules live in akhbar/theme/static/assets/css/site.css (top); their
# unicode-range values come from this package version's 400.css / 700.css.
# If you bump the version, re-check those ranges against the new package.
#
# Usage: scripts/vendor-fonts.sh   (needs bash, npm/node, tar; run from anywhere)
set -euo pipefail

PKG="@fontsource/noto-naskh-arabic"
VERSION="5.3.0"
# dist.integrity of ${PKG}@${VERSION} as published on registry.npmjs.org.
INTEGRITY="sha512-S/GDgQ6mh/PKo4mz5+eXNYbEarvpI7yh6eCdOz8tTVbeM7+OUiacIEscaYEibr/+egDtGbO2ZB00sjy1bJC1kQ=="

SUBSETS=(arabic latin)
WEIGHTS=(400 700)

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "${script_dir}/.." && pwd)"
dest="${repo_root}/akhbar/theme/static/assets/fonts"
licence_dest="${dest}/LICENSE-NotoNaskhArabic.txt"

for tool in npm node tar; do
    command -v "$tool" >/dev/null 2>&1 || { echo "error: '$tool' not found" >&2; exit 1; }
done

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "Fetching ${PKG}@${VERSION} from the npm registry..."
tarball="$(cd "$tmp" && npm pack "${PKG}@${VERSION}" --silent --pack-destination "$tmp" | tail -n 1)"
tarball="${tmp}/${tarball}"
[[ -f "$tarball" ]] || { echo "error: npm pack did not produce a tarball" >&2; exit 1; }

actual="sha512-$(node -e 'process.stdout.write(require("crypto").createHash("sha512").update(require("fs").readFileSync(process.argv[1])).digest("base64"))' "$tarball")"
if [[ "$actual" != "$INTEGRITY" ]]; then
    echo "error: integrity mismatch for ${PKG}@${VERSION}" >&2
    echo "  expected: $INTEGRITY" >&2
    echo "  actual:   $actual" >&2
    exit 1
fi

tar -xzf "$tarball" -C "$tmp"
pkg_dir="${tmp}/package"

mkdir -p "$dest"

for subset in "${SUBSETS[@]}"; do
    for weight in "${WEIGHTS[@]}"; do
        src="${pkg_dir}/files/noto-naskh-arabic-${subset}-${weight}-normal.woff2"
        out="${dest}/noto-naskh-arabic-${subset}-${weight}.woff2"
        [[ -f "$src" ]] || { echo "error: missing ${src#"$tmp"/} in package" >&2; exit 1; }
        # Sanity check: woff2 files start with the 'wOF2' signature.
        [[ "$(head -c 4 "$src")" == "wOF2" ]] || { echo "error: ${src##*/} is not woff2" >&2; exit 1; }
        cp "$src" "$out"
        echo "  ${out#"$repo_root"/}"
    done
done

licence_src=""
for name in LICENSE LICENSE.txt LICENSE.md OFL.txt; do
    if [[ -f "${pkg_dir}/${name}" ]]; then
        licence_src="${pkg_dir}/${name}"
        break
    fi
done

if [[ -n "$licence_src" ]]; then
    cp "$licence_src" "$licence_dest"
else
    echo "warning: package has no licence file; writing the OFL 1.1 notice" >&2
    cat >"$licence_dest" <<'EOF'
Noto Naskh Arabic
Copyright 2022 The Noto Project Authors (https://github.com/notofonts/arabic)

This Font Software is licensed under the SIL Open Font License, Version 1.1.
The full licence text, with a FAQ, is available at:
https://openfontlicense.org
EOF
fi
echo "  ${licence_dest#"$repo_root"/}"

echo "Done: ${PKG}@${VERSION} vendored into ${dest#"$repo_root"/}/"

#!/usr/bin/env bash
# Vendor the TTF fonts that share cards are drawn with (akhbar/cards.py) into
# akhbar/theme/fonts-cards/: Noto Naskh Arabic Regular and Bold, static instances, from the
# pinned npm package @expo-google-fonts/noto-naskh-arabic (SIL OFL 1.1), checked by its
# registry integrity and by the sha256 of each file (see akhbar/theme/fonts-cards/SOURCE.txt).
#
# Usage: scripts/vendor-card-fonts.sh   (needs bash, npm/node, tar, sha256sum)
set -euo pipefail

PKG="@expo-google-fonts/noto-naskh-arabic"
VERSION="0.4.5"
INTEGRITY="sha512-KN73tROdoKQubTZ/ZsERCdAlZ1cBLRbRIe196tISAcPLgIqMvIgFCUs1xsrS/pe3fIYxT9l+c95sQF8wv48ijA=="
declare -A FILES=(
  ["400Regular/NotoNaskhArabic_400Regular.ttf"]="NotoNaskhArabic-Regular.ttf 706b4580c025f6c75ec1c06013e17f00a23ec1780091b77a5a5b339469bda94d"
  ["700Bold/NotoNaskhArabic_700Bold.ttf"]="NotoNaskhArabic-Bold.ttf 35418f91100645a36e4d72d75866b61c5da14dc5ebbade64db434d2c9e76234c"
)

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="${repo_root}/akhbar/theme/fonts-cards"
for tool in npm node tar sha256sum; do
  command -v "$tool" >/dev/null 2>&1 || { echo "error: '$tool' not found" >&2; exit 1; }
done
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "Fetching ${PKG}@${VERSION} from the npm registry..."
tarball="${tmp}/$(cd "$tmp" && npm pack "${PKG}@${VERSION}" --silent --pack-destination "$tmp" | tail -n 1)"
actual="sha512-$(node -e 'process.stdout.write(require("crypto").createHash("sha512").update(require("fs").readFileSync(process.argv[1])).digest("base64"))' "$tarball")"
[[ "$actual" == "$INTEGRITY" ]] || { echo "error: integrity mismatch: $actual" >&2; exit 1; }
tar -xzf "$tarball" -C "$tmp"

mkdir -p "$dest"
for src in "${!FILES[@]}"; do
  read -r name sum <<<"${FILES[$src]}"
  echo "${sum}  ${tmp}/package/${src}" | sha256sum --check --quiet
  cp "${tmp}/package/${src}" "${dest}/${name}"
  echo "  ${dest#"$repo_root"/}/${name}"
done
cp "${tmp}/package/LICENSE_FONT" "${dest}/OFL.txt"
echo "  ${dest#"$repo_root"/}/OFL.txt"

#!/bin/bash
# Fetches the 55 clean photographs the pretrained denoiser was trained on (docs/model-zoo.md) from Debian's packages:
# apt-get download and dpkg-deb -x, nothing is installed. Each photograph's package, path, licence and SHA-256 are in
# tools/debian-photos.tsv; a photograph whose digest differs (another package version) is named and the script fails.
# Usage: tools/fetch_debian_photos.sh OUTDIR   ->  OUTDIR/<package>/<name>, OUTDIR/SHA256SUMS, OUTDIR/LICENCES.tsv
set -euo pipefail
out=${1:?usage: tools/fetch_debian_photos.sh OUTDIR}
table=$(cd "$(dirname "$0")" && pwd)/debian-photos.tsv
mkdir -p "$out"; out=$(cd "$out" && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
packages=$(grep -v '^#' "$table" | cut -f1 | sort -u)
cd "$tmp"
# shellcheck disable=SC2086
apt-get download $packages >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1; apt-get download $packages >/dev/null; }
for p in $packages; do mkdir -p "x/$p" && dpkg-deb -x "$p"_*.deb "x/$p"; done
bad=0
while IFS=$'\t' read -r package version path saved licence sha; do
  mkdir -p "$out/$(dirname "$saved")"
  cp -L "x/$package$path" "$out/$saved"
  got=$(sha256sum "$out/$saved" | cut -d' ' -f1)
  if [ "$got" != "$sha" ]; then echo "digest differs: $saved ($package, expected $version)" >&2; bad=1; fi
done < <(grep -v '^#' "$table")
(cd "$out" && grep -v '^#' "$table" | awk -F'\t' '{print $6"  "$4}' > SHA256SUMS)
cp "$table" "$out/LICENCES.tsv"
[ $bad = 0 ] || { echo "some photographs differ from the ones the model was trained on (above)" >&2; exit 1; }
echo "$(grep -vc '^#' "$table") photographs in $out (licences: $out/LICENCES.tsv)"

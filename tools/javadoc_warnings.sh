#!/bin/bash
# Counts the Javadoc warnings of every module's main sources with all of doclint on, by kind (issue 40's measure of
# undocumented public API). javadoc stops reporting at 100 warnings a module unless told otherwise: -Xmaxwarns lifts
# the cap (a count taken without it read 5 "no comment" warnings where there were 31).
#   tools/javadoc_warnings.sh            after `mvn -o install -DskipTests` (the modules' classes must exist)
set -euo pipefail
cd "$(dirname "$0")/.."
modules=(dna-api dna-samediff dna-onnx dna-ort dna-models dna-cli dna-spark dna-bench examples)
classes=$(printf '%s/target/classes:' "${modules[@]}")
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for m in "${modules[@]}"; do
  [ -d "$m/src/main/java" ] || continue
  mvn -q -o -B -Dstyle.color=never dependency:build-classpath -pl "$m" -Dmdep.outputFile="$tmp/cp" >/dev/null
  javadoc -Xdoclint:all -Xmaxwarns 100000 -quiet -d "$tmp/html-$m" -cp "$(cat "$tmp/cp"):$classes" \
    -sourcepath "$m/src/main/java" -subpackages dev.dna > "$tmp/$m.log" 2>&1 || true
  printf '%-13s %5d warnings, %3d errors\n' "$m" "$(grep -c 'warning:' "$tmp/$m.log" || true)" \
    "$(grep -c 'error:' "$tmp/$m.log" || true)"
  cat "$tmp/$m.log" >> "$tmp/all.log"
done
echo "by kind:"
grep -o 'warning: .*' "$tmp/all.log" | sed -E 's/ for .*//' | sort | uniq -c | sort -rn
echo "undocumented ('no comment'):"
sed "s/\x1b\[[0-9;]*m//g" "$tmp/all.log" | grep "no comment" | sed -E "s/: warning.*//" | sort | uniq -c || true

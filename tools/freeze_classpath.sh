#!/bin/bash
# Copies the benchmark's runtime classpath (dna's module jars and every dependency) into one folder, so that a long run
# in the background keeps its classes while the checkout is rebuilt, tested or moved to another commit:
#   tools/freeze_classpath.sh DIR
#   setsid nohup java -Xmx8g -cp "DIR/*" dev.dna.bench.DenoisingBenchmark --sidd ... --out runs/X > runs/X.log 2>&1 &
# The runs of docs/results.md were made so (docs/lab/ names each folder's commit). Builds the modules first (no tests).
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
dir=$1
[ -e "$dir" ] && { echo "$dir exists: give a new folder (a running job may be reading the old one)" >&2; exit 1; }
cd "$(dirname "$0")/.."
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
mvn -q -B -ntp package -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true -pl dna-bench -am \
  dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$dir"
cp dna-bench/target/dna-bench-*.jar "$dir"/
rm -f "$dir"/*-sources.jar "$dir"/*-javadoc.jar
echo "$(ls "$dir" | wc -l) jars in $dir (commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo ', with uncommitted changes'))"

#!/usr/bin/env bash
# Load benchmark of `mtbench serve` on loopback (issue: the live classroom page).
#   bench/serve_load.sh RUN_DIR [SECONDS=60] [CLIENTS=16] [BUILD_DIR=build]
# Starts `mtbench serve --run RUN_DIR`, then for each mix runs CLIENTS concurrent clients for
# SECONDS, sending sentences of Multi30k test_2016_flickr (../shared) or RUN_DIR's test source:
#   1. every system, no explanations   2. every system, with explanations
#   3. rule-based + phrase-based only (labels from the run)
# and finally SIGTERM under load: the server must exit 0 having answered every request it read.
# Prints one line per mix: requests, statuses, answered/s, latency p50/p95/p99, server RSS.
set -euo pipefail
run_dir=${1:?usage: bench/serve_load.sh RUN_DIR [SECONDS] [CLIENTS] [BUILD_DIR]}
seconds=${2:-60}
clients=${3:-16}
build=${4:-build}
here=$(cd "$(dirname "$0")/.." && pwd)
cmake --build "$build" --target mtbench serve_load >/dev/null
tmp=$(mktemp -d)
trap 'kill $(cat "$tmp/pid" 2>/dev/null) 2>/dev/null || true; rm -rf "$tmp"' EXIT
sentences="$tmp/sentences.de"
shared="$here/../shared/corpora/multi30k/test_2016_flickr.de.gz"
if [[ -f "$shared" ]]; then zcat "$shared" | head -1000 > "$sentences"; else
  echo "serve_load: $shared not found; using a few built-in sentences" >&2
  printf '%s\n' "Ein kleines Mädchen klettert auf einen Baum." "Zwei Männer spielen Fußball." \
    "Ein Hund läuft durch den Schnee." > "$sentences"
fi
"$build/mtbench" --threads 2 serve --run "$run_dir" --port 0 --port-file "$tmp/port" 2> "$tmp/serve.log" &
echo $! > "$tmp/pid"
for _ in $(seq 600); do [[ -s "$tmp/port" ]] && break; sleep 0.1; done
[[ -s "$tmp/port" ]] || { cat "$tmp/serve.log"; exit 1; }
port=$(cat "$tmp/port"); pid=$(cat "$tmp/pid")
grep '^serve:' "$tmp/serve.log"
labels=$(curl -s "http://127.0.0.1:$port/api/systems" | python3 -c '
import json, sys
print(",".join(s["label"] for s in json.load(sys.stdin)["systems"] if s["loaded"] and s["paradigm"] != "neural"))')
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
"$build/bench/serve_load" "$port" "$clients" "$seconds" all 0 "$sentences" "$pid"
"$build/bench/serve_load" "$port" "$clients" "$seconds" all 1 "$sentences" "$pid"
"$build/bench/serve_load" "$port" "$clients" "$seconds" "$labels" 0 "$sentences" "$pid"
# SIGTERM under load.
"$build/bench/serve_load" "$port" "$clients" 8 all 0 "$sentences" "$pid" > "$tmp/term.txt" || true &
load=$!
sleep 3
kill -TERM "$pid"
status=0; wait "$pid" || status=$?
wait "$load" || true
echo "SIGTERM under load: exit status $status; $(grep 'stopped after' "$tmp/serve.log")"

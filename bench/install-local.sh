#!/usr/bin/env bash
# bench/install-local.sh — warm installs of local wheel files, side by side:
#
#   ferry install -p VENV FILES...
#   python -m pip install --no-index --find-links DIR --no-deps --no-compile NAMES...
#   uv pip install --python VENV --no-index --find-links DIR --no-deps NAMES...   (when uv is on PATH)
#
# The wheels are the ones the interpreter's ensurepip bundles (pip,
# setuptools) plus any *.whl in $WHEELS. Every run installs into a fresh
# virtual environment made without pip (untimed); caches are warm (one
# untimed install first). pip is told not to compile bytecode, as ferry and
# uv do not by default. Timing is wall clock of the whole command, median of
# $RUNS runs (hyperfine when installed).
#
# Usage: bench/install-local.sh            (RUNS=10 PYTHON=python3 WHEELS=dir UV=uv)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${RUNS:-10}
python=${PYTHON:-python3}
python=$("$python" -c 'import sys; print(sys.executable)')
uv=${UV:-$(command -v uv || true)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$root" && go build -o "$work/ferry" ./cmd/ferry)
ferry=$work/ferry
export FERRY_CACHE_DIR=$work/ferry-cache UV_CACHE_DIR=$work/uv-cache PIP_DISABLE_PIP_VERSION_CHECK=1

wheels=$work/wheels
mkdir -p "$wheels"
bundled=$("$python" -c 'import ensurepip, os; print(os.path.join(os.path.dirname(ensurepip.__file__), "_bundled"))')
cp "$bundled"/*.whl "$wheels"/
if [ -n "${WHEELS:-}" ]; then cp "$WHEELS"/*.whl "$wheels"/; fi
names=$(for w in "$wheels"/*.whl; do basename "$w" | cut -d- -f1; done | tr '\n' ' ')
echo "wheels: $(ls "$wheels" | tr '\n' ' ')"
echo "python: $python"

fresh() { rm -rf "$work/venv"; "$python" -m venv --without-pip "$work/venv"; }
ferry_cmd="$ferry install -q -p $work/venv $(echo "$wheels"/*.whl)"
pip_cmd="$python -m pip -q --python $work/venv/bin/python install --no-index --find-links $wheels --no-deps --no-compile $names"
uv_cmd="$uv pip install -q --python $work/venv/bin/python --no-index --find-links $wheels --no-deps $names"

# Warm every cache once.
fresh; eval "$ferry_cmd"
if [ -n "$uv" ]; then fresh; eval "$uv_cmd"; fi

if command -v hyperfine >/dev/null; then
  printf '#!/bin/sh\nrm -rf "%s" && exec "%s" -m venv --without-pip "%s"\n' "$work/venv" "$python" "$work/venv" > "$work/prepare"
  chmod +x "$work/prepare"
  args=(--runs "$runs" --warmup 1 --prepare "$work/prepare" -N)
  cmds=(-n ferry "$ferry_cmd" -n pip "$pip_cmd")
  if [ -n "$uv" ]; then cmds+=(-n uv "$uv_cmd"); fi
  hyperfine "${args[@]}" --export-json "$work/result.json" "${cmds[@]}"
  "$python" - "$work/result.json" <<'PY'
import json, sys
rs = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
f = rs["ferry"]["median"]
for name, r in rs.items():
    print("%-6s median %7.1f ms   %5.2fx ferry" % (name, r["median"] * 1000, r["median"] / f))
PY
  exit 0
fi

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
measure() {
  local cmd=$1
  for _ in $(seq "$runs"); do
    fresh
    local s e
    s=$(date +%s%N); eval "$cmd"; e=$(date +%s%N)
    echo $(( (e - s) / 1000000 ))
  done | median
}
f=$(measure "$ferry_cmd"); echo "ferry  median ${f} ms"
p=$(measure "$pip_cmd"); echo "pip    median ${p} ms   $(awk "BEGIN {printf \"%.2f\", $p/$f}")x ferry"
if [ -n "$uv" ]; then
  u=$(measure "$uv_cmd"); echo "uv     median ${u} ms   $(awk "BEGIN {printf \"%.2f\", $u/$f}")x ferry"
fi

#!/usr/bin/env bash
# Fuzz every parser: each cargo-fuzz target in turn (one at a time: the
# machines have two cores), SECONDS each (default 1800), from a corpus
# seeded from the test fixtures, with the target's dictionary.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]     (default: every target)
#
# Each crash, timeout, out-of-memory or leak libFuzzer finds is minimised
# (crashes and OOMs, with libFuzzer's -minimize_crash) and stored as fuzz/regressions/<target>/<kind>-<sha1>;
# `cargo test` replays every input stored there through the same entry
# point (discscope::harness) on stable, so a regression fails CI without
# nightly. A summary line per target (executions, coverage, features,
# corpus, findings) is printed and appended to fuzz/campaigns.log.
#
# A new target is one entry in discscope::harness::TARGETS, a three-line
# fuzz/fuzz_targets/<name>.rs, a [[bin]] in fuzz/Cargo.toml and
# fuzz/dict/<name>.dict (a test checks they agree), plus a line in
# seed() below if fixtures exist for it.
#
# Needs: a nightly toolchain and cargo-fuzz (cargo install cargo-fuzz).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SECONDS_EACH=${1:-1800}
shift || true
FUZZ=$ROOT/fuzz
FIX=$ROOT/tests/fixtures
# Inputs larger than this are cut (seeds) or never made (mutations).
MAX_LEN=${MAX_LEN:-1048576}
# Per-input bounds: a hang or a blow-up is a finding like a crash.
TIMEOUT=${TIMEOUT:-30}
RSS_MB=${RSS_MB:-1024}
# Known false leak reports (see the file).
export LSAN_OPTIONS="suppressions=$FUZZ/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

cargo +nightly fuzz --help >/dev/null 2>&1 || {
  echo "fuzz.sh: needs nightly and cargo-fuzz (rustup toolchain install nightly; cargo install cargo-fuzz)" >&2
  exit 2
}

# Built once, before the campaigns (release, debug assertions and overflow
# checks on, AddressSanitizer): edits made while they run do not rebuild.
echo "== building the fuzz targets" >&2
(cd "$FUZZ" && cargo +nightly fuzz build >/dev/null)
BIN=$FUZZ/target/x86_64-unknown-linux-gnu/release

if [ $# -gt 0 ]; then
  TARGETS=("$@")
else
  mapfile -t TARGETS < <(cd "$FUZZ" && cargo +nightly fuzz list)
fi

# Copies a fixture into a corpus, gunzipped, cut to MAX_LEN.
add() {
  local corpus=$1 file=$2 name
  [ -f "$file" ] || return 0
  name=$(basename "${file%.gz}")
  case "$file" in
    # (gzip stops early when head has enough: not a failure.)
    *.gz) (gzip -dc "$file" || true) | head -c "$MAX_LEN" >"$corpus/$name" ;;
    *) head -c "$MAX_LEN" "$file" >"$corpus/$name" ;;
  esac
}

# A CloneCD seed as the ccd target reads it: the .ccd, a NUL, whole raw
# sectors (.img), then the .sub.
ccd_seed() {
  local corpus=$1 dir=$2 stem=$3 sectors=$4
  {
    cat "$dir/$stem.ccd"
    printf '\0'
    head -c $((2352 * sectors)) "$dir/$stem.img"
    [ -f "$dir/$stem.sub" ] && head -c $((96 * sectors)) "$dir/$stem.sub"
  } >"$corpus/$stem-$(basename "$dir").seed"
}

# Seeds a target's corpus from the fixtures (only when it is empty).
seed() {
  local t=$1 corpus=$FUZZ/corpus/$1 f
  mkdir -p "$corpus"
  [ -z "$(ls -A "$corpus")" ] || return 0
  case "$t" in
    cue)
      for f in "$FIX"/cue/*/*.cue "$FIX"/cue/hostile/*.cue; do add "$corpus" "$f"; done ;;
    iso)
      for f in "$FIX"/iso/*.iso "$FIX"/iso/hostile/*.iso "$FIX"/disk/*.iso.gz \
        "$FIX"/udf/bridge.iso.gz "$FIX"/hfs/hybrid-*.iso.gz; do add "$corpus" "$f"; done ;;
    disk)
      for f in "$FIX"/disk/floppy.img "$FIX"/disk/*.img.gz "$FIX"/disk/hostile/*.img \
        "$FIX"/disk/hybrid-*.iso.gz; do add "$corpus" "$f"; done ;;
    raw)
      MAX_LEN=$((2352 * 48)) add "$corpus" "$FIX/sector/videocd.bin"
      MAX_LEN=$((2352 * 48)) add "$corpus" "$FIX/cue/mode1/data.bin"
      MAX_LEN=$((2352 * 48)) add "$corpus" "$FIX/cue/mixed/single.bin" ;;
    ccd)
      ccd_seed "$corpus" "$FIX/ccd/good" data 49
      ccd_seed "$corpus" "$FIX/ccd/badq" data 49
      ccd_seed "$corpus" "$FIX/ccd/mixed" mixed 24 ;;
    udf)
      for f in "$FIX"/udf/gen-*.img.gz "$FIX"/udf/hostile-*.img.gz "$FIX"/udf/mk-hd-512-2.01.img.gz \
        "$FIX"/udf/mk-cdr-2048-2.01.img.gz; do add "$corpus" "$f"; done ;;
    hfs)
      for f in "$FUZZ"/seeds/hfs/* "$FIX"/hfs/*.img.gz "$FIX"/hfs/hostile/*.img.gz; do add "$corpus" "$f"; done ;;
    fat)
      for f in "$FIX"/disk/floppy.img "$FIX"/disk/hostile/*.img; do add "$corpus" "$f"; done ;;
    chd)
      for f in "$FIX"/chd/*/*.chd; do add "$corpus" "$f"; done ;;
    toc)
      for f in "$FIX"/toc/*/*.toc; do add "$corpus" "$f"; done ;;
    nrg)
      for f in "$FIX"/nrg/*.nrg.gz "$FIX"/nrg/*.nrg "$FIX"/nrg/hostile/*; do add "$corpus" "$f"; done ;;
    mds)
      for f in "$FIX"/mds/*.mds "$FIX"/mds/hostile/*.mds; do add "$corpus" "$f"; done ;;
    cdi)
      for f in "$FIX"/cdi/*.cdi.gz "$FIX"/cdi/hostile/*; do add "$corpus" "$f"; done ;;
    whole)
      for f in "$FIX"/iso/rich.iso "$FIX"/disk/floppy.img "$FIX"/disk/floppy.imz \
        "$FIX"/disk/gpt16.img.gz "$FIX"/udf/gen-rich-2.01.img.gz "$FIX"/hfs/plus.img.gz \
        "$FIX"/cue/mode1/single.cue; do add "$corpus" "$f"; done
      MAX_LEN=$((2352 * 32)) add "$corpus" "$FIX/sector/videocd.bin" ;;
  esac
  for f in "$FUZZ"/regressions/"$t"/*; do [ -f "$f" ] && cp "$f" "$corpus/"; done
  return 0
}

# Stores each finding, minimised, as a regression input.
keep_findings() {
  local t=$1 art=$FUZZ/artifacts/$1 f kind min sum found=0
  [ -d "$art" ] || { echo 0; return; }
  mkdir -p "$FUZZ/regressions/$t"
  for f in "$art"/crash-* "$art"/timeout-* "$art"/oom-* "$art"/leak-* "$art"/slow-unit-*; do
    [ -f "$f" ] || continue
    kind=$(basename "$f" | sed 's/-[0-9a-f]*$//')
    min=$f.min
    # Crashes and OOMs shrink; a timeout is kept as found (minimising a
    # hang takes a timeout per try, and on a loaded machine a slow unit
    # may not reproduce at all: the replay then shows it is fast).
    case "$kind" in
      crash | oom | leak)
        timeout 600 "$BIN/$t" -minimize_crash=1 -runs=2000 -exact_artifact_path="$min" \
          "$f" >/dev/null 2>&1 || true ;;
    esac
    [ -s "$min" ] || cp "$f" "$min"
    sum=$(sha1sum "$min" | cut -c1-12)
    mv "$min" "$FUZZ/regressions/$t/$kind-$sum"
    rm -f "$f"
    found=$((found + 1))
  done
  echo "$found"
}

for t in "${TARGETS[@]}"; do
  seed "$t"
  log=$FUZZ/artifacts/$t.log
  mkdir -p "$FUZZ/artifacts/$t"
  : >"$log"
  dict=()
  [ -f "$FUZZ/dict/$t.dict" ] && dict=(-dict="dict/$t.dict")
  echo "== $t for ${SECONDS_EACH}s" >&2
  started=$(date +%s)
  runs=0 found=0 status=0
  # libFuzzer stops at its first finding: keep it and go on until the
  # time is used.
  while :; do
    left=$((SECONDS_EACH - ($(date +%s) - started)))
    [ "$left" -gt 0 ] || break
    status=0
    (cd "$FUZZ" && "$BIN/$t" "corpus/$t" -artifact_prefix="artifacts/$t/" \
      -max_total_time="$left" -max_len="$MAX_LEN" -timeout="$TIMEOUT" \
      -rss_limit_mb="$RSS_MB" -print_final_stats=1 "${dict[@]}") >"$log.run" 2>&1 || status=$?
    cat "$log.run" >>"$log"
    # The executions of this run: its final stats, or its last status line
    # when a finding ended it.
    n=$(grep -o 'stat::number_executed_units: *[0-9]*' "$log.run" | grep -o '[0-9]*$' | tail -1 || true)
    [ -n "$n" ] || n=$(grep -oE '^#[0-9]+' "$log.run" | tail -1 | tr -d '#' || true)
    runs=$((runs + ${n:-0}))
    found=$((found + $(keep_findings "$t")))
    [ "$status" -ne 0 ] || break
    # A failure that left no finding (a build error) would loop forever.
    [ -n "$(ls -A "$FUZZ/regressions/$t" 2>/dev/null)" ] || break
    grep -qE '^#[0-9]+' "$log.run" || break
  done
  rm -f "$log.run"
  last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
  cov=$(echo "$last" | grep -o 'cov: [0-9]*' | grep -o '[0-9]*' || true)
  ft=$(echo "$last" | grep -o 'ft: [0-9]*' | grep -o '[0-9]*' || true)
  corp=$(echo "$last" | grep -o 'corp: [0-9]*' | grep -o '[0-9]*' || true)
  line="$(date -u +%Y-%m-%dT%H:%MZ) $t seconds=$(($(date +%s) - started)) execs=$runs cov=${cov:-?} ft=${ft:-?} corpus=${corp:-?} findings=$found exit=$status"
  echo "$line" | tee -a "$FUZZ/campaigns.log"
done

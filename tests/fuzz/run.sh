#!/usr/bin/env bash
# run.sh NAME SECONDS SOURCE...
#
# Build tests/fuzz/fuzz_NAME.c and the given pure-C sources (no DPDK) with clang's
# libFuzzer, AddressSanitizer and UndefinedBehaviorSanitizer (every report aborts), run it
# for SECONDS starting from the committed seeds in tests/fuzz/corpus/NAME/, and report the
# executions. New inputs, logs and any crash go to $HUB_BUILD/fuzz-NAME/, never into the
# source tree. Ends with the "N passed, N failed" line scripts/test adds up.
set -u
. tests/lib.sh

if [ $# -lt 3 ]; then
	echo "usage: $0 NAME SECONDS SOURCE..." >&2
	exit 2
fi
name=$1
secs=$2
shift 2

CC=
for c in clang-14 clang; do
	if command -v "$c" >/dev/null 2>&1; then
		CC=$c
		break
	fi
done
[ -n "$CC" ] || t_skip_all "clang is not installed (Debian: clang libclang-rt-14-dev)"

OUT=$(realpath -m "${HUB_BUILD:-build}/fuzz-$name")
rm -rf "$OUT"
mkdir -p "$OUT/corpus" "$OUT/artifacts"
SEEDS=tests/fuzz/corpus/$name
nseeds=$(find "$SEEDS" -type f 2>/dev/null | wc -l)

if "$CC" -std=c11 -D_GNU_SOURCE -g -O1 -Wall -Wextra -Werror \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-I. "$@" "tests/fuzz/fuzz_$name.c" -o "$OUT/fuzz_$name" >"$OUT/build.log" 2>&1; then
	t_ok "built fuzz_$name with $CC (libFuzzer, ASan, UBSan) from $# sources"
else
	cat "$OUT/build.log"
	t_fail "build fuzz_$name"
	t_done
	exit 1
fi
if [ "$nseeds" -gt 0 ]; then
	t_ok "$nseeds seeds in $SEEDS"
else
	t_fail "no seeds in $SEEDS"
fi

# -rss_limit_mb and -timeout turn a leak or a hang into a failure too.
"$OUT/fuzz_$name" -max_total_time="$secs" -print_final_stats=1 -timeout=10 \
	-rss_limit_mb=2048 -artifact_prefix="$OUT/artifacts/" \
	"$OUT/corpus" "$SEEDS" >"$OUT/run.log" 2>&1
rc=$?
stat() { sed -n "s/^stat::$1: *//p" "$OUT/run.log" | tail -n 1; }
execs=$(stat number_of_executed_units)
rate=$(stat average_exec_per_sec)
units=$(find "$OUT/corpus" -type f | wc -l)
crashes=$(find "$OUT/artifacts" -type f | wc -l)
if [ "$rc" -eq 0 ] && [ "$crashes" -eq 0 ] && [ -n "$execs" ]; then
	t_ok "fuzz_$name ran ${secs}s: $execs executions, $rate exec/s," \
		"$units new inputs, no crash"
else
	tail -n 60 "$OUT/run.log"
	t_fail "fuzz_$name: exit $rc, $crashes crash artifacts in $OUT/artifacts"
fi
echo "fuzz_$name: total executions ${execs:-0}, exec/s ${rate:-0}"
t_done

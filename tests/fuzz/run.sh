#!/usr/bin/env bash
# run.sh NAME SECONDS SOURCE...
#
# Build tests/fuzz/fuzz_NAME.c and the given C sources with clang's
# libFuzzer, AddressSanitizer and UndefinedBehaviorSanitizer (every report aborts), run it
# for SECONDS starting from the committed seeds in tests/fuzz/corpus/NAME/, and report the
# executions. New inputs, logs and any crash go to $HUB_BUILD/fuzz-NAME/, never into the
# source tree. Ends with the "N passed, N failed" line scripts/test adds up.
#
# A SOURCE of the form pkg:NAME stands for `pkg-config --cflags --libs NAME` (pkg:libdpdk
# links DPDK for targets that drive mbufs through an EAL); anything else starting with '-'
# goes to the compiler as is. Environment: FUZZ_RUNS=N stops after N inputs (or SECONDS,
# whichever comes first); FUZZ_EXTRA_CORPUS=DIR adds DIR's inputs to the seeds
# (./scripts/fuzz keeps its long runs' corpus there); FUZZ_TIMEOUT=S is the wall-clock
# seconds one input may take before it counts as a hang (default 25).
set -u
. tests/lib.sh

if [ $# -lt 3 ]; then
	echo "usage: $0 NAME SECONDS SOURCE..." >&2
	exit 2
fi
name=$1
secs=$2
shift 2
args=()
for a in "$@"; do
	case $a in
	pkg:*)
		# shellcheck disable=SC2207
		args+=($(pkg-config --cflags --libs "${a#pkg:}")) || exit 2
		[ "${a#pkg:}" = libdpdk ] && args+=(-DALLOW_EXPERIMENTAL_API -Wno-unused-parameter)
		;;
	*) args+=("$a") ;;
	esac
done

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
	-I. "tests/fuzz/fuzz_$name.c" "${args[@]}" -o "$OUT/fuzz_$name" >"$OUT/build.log" 2>&1; then
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

# -rss_limit_mb and -timeout turn a leak or a hang into a failure too. The timeout is wall
# clock: on a 2-core machine shared with other work (load average 20) a fuzz_cli input that
# takes 0.2 s of CPU was seen taking 13 s, so it is generous; a hang still trips it. A dictionary
# tests/fuzz/NAME.dict (keywords of the format) is used when there is one.
# tests/fuzz/NAME.options holds extra libFuzzer flags for the target, one line.
dict=()
[ -f "tests/fuzz/$name.dict" ] && dict=(-dict="tests/fuzz/$name.dict")
# shellcheck disable=SC2207
[ -f "tests/fuzz/$name.options" ] && dict+=($(cat "tests/fuzz/$name.options"))
limit=(-max_total_time="$secs")
[ -n "${FUZZ_RUNS:-}" ] && limit+=(-runs="$FUZZ_RUNS")
# ASan keeps freed memory in a quarantine (256 MiB by default) to catch use after free;
# filled by a long run, every new allocation faults in fresh pages: profiled, fuzz_cfg spent
# over a third of its time in page faults and memset and took 2.2x the CPU time (8.9 s
# against 4.0 s for 20 000 inputs). 32 MiB still holds what many inputs free, so a use after free within an input or the next
# ones is caught. A caller's ASAN_OPTIONS come after and win.
ASAN_OPTIONS=quarantine_size_mb=32${ASAN_OPTIONS:+:$ASAN_OPTIONS} \
LSAN_OPTIONS=suppressions=$PWD/tests/fuzz/lsan.supp:print_suppressions=0 \
"$OUT/fuzz_$name" "${limit[@]}" "${dict[@]}" -print_final_stats=1 -timeout="${FUZZ_TIMEOUT:-25}" \
	-rss_limit_mb=2048 -artifact_prefix="$OUT/artifacts/" \
	"$OUT/corpus" "$SEEDS" ${FUZZ_EXTRA_CORPUS:+"$FUZZ_EXTRA_CORPUS"} >"$OUT/run.log" 2>&1
rc=$?
stat() { sed -n "s/^stat::$1: *//p" "$OUT/run.log" | tail -n 1; }
execs=$(stat number_of_executed_units)
rate=$(stat average_exec_per_sec)
units=$(find "$OUT/corpus" -type f | wc -l)
# slow-unit-* files are libFuzzer's notes of inputs slower than 10 s (a loaded machine), not
# failures: crashes, leaks, timeouts and out-of-memory inputs are.
crashes=$(find "$OUT/artifacts" -type f ! -name 'slow-unit-*' | wc -l)
if [ "$rc" -eq 0 ] && [ "$crashes" -eq 0 ] && [ -n "$execs" ]; then
	t_ok "fuzz_$name ran ${FUZZ_RUNS:+$FUZZ_RUNS runs, }${secs}s budget: $execs executions, $rate exec/s," \
		"$units new inputs, no crash"
else
	tail -n 60 "$OUT/run.log"
	t_fail "fuzz_$name: exit $rc, $crashes crash artifacts in $OUT/artifacts"
fi
echo "fuzz_$name: total executions ${execs:-0}, exec/s ${rate:-0}"
t_done

#!/usr/bin/env bash
# ./scripts/bench runs end to end: one quick GRE hairpin scenario, the hub and the
# dpdk-testpmd baseline, JSON written. Performance is not checked here (docs/benchmarks.md
# holds the numbers); only that both sides forwarded and the report is complete.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

HUB=${HUB_BUILD:-build}/control/dmvpn-hub
DIR=$(mktemp -d /tmp/dmvpn-bench-smoke.XXXXXX)
trap 'rm -rf "$DIR"' EXIT

[ -x "$HUB" ] || { t_fail "hub binary $HUB missing"; t_done; exit 1; }
command -v dpdk-testpmd >/dev/null || t_skip_all "dpdk-testpmd missing (Debian package dpdk)"

mkdir -p "$DIR/tmp"
TMPDIR=$DIR/tmp BENCH_ID=t$T_ID timeout -s KILL 240 ./scripts/bench --quick --hub "$HUB" --json "$DIR/out.json" \
	gre-hairpin-64 > "$DIR/bench.log" 2>&1
rc=$?
t_check "scripts/bench --quick gre-hairpin-64 exits 0 (rc=$rc)" [ "$rc" -eq 0 ]
[ "$rc" -eq 0 ] || tail -n 40 "$DIR/bench.log"

check_json() {
	/usr/bin/python3 - "$DIR/out.json" "$1" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
r = rows[0]
ok = {
    "parses": isinstance(rows, list) and len(rows) == 1,
    "fields": all(k in r for k in ("name", "workers", "pkt_size", "mpps", "gbps", "cycles_per_pkt",
                                   "baseline", "baseline_mpps", "ratio")),
    "scenario": r["name"] == "gre-hairpin-64" and r["pkt_size"] == 64 and r["workers"] == 1
                and r["baseline"] == "testpmd-io",
    "hub": r["mpps"] > 0 and r["cycles_per_pkt"] > 0,
    "baseline": r["baseline_mpps"] > 0,
    "ratio": abs(r["ratio"] - r["mpps"] / r["baseline_mpps"]) < 0.01,
}[sys.argv[2]]
sys.exit(0 if ok else 1)
PY
}
t_check "JSON parses: one object" check_json parses
t_check "JSON has name, workers, pkt_size, mpps, gbps, cycles_per_pkt, baseline, baseline_mpps, ratio" \
	check_json fields
t_check "JSON describes gre-hairpin-64, 1 worker, baseline testpmd-io" check_json scenario
t_check "hub forwarded: mpps > 0" check_json hub
t_check "testpmd forwarded: baseline_mpps > 0" check_json baseline
t_check "ratio = mpps / baseline_mpps" check_json ratio
t_check "no DPDK runtime directory left behind" \
	bash -c "! ls -d /var/run/dpdk/dmvpn-bencht$T_ID-* 2>/dev/null | grep -q ."
t_check "no temporary files left behind" bash -c "! ls -A '$DIR/tmp' | grep -q ."
grep -E '^gre-hairpin' "$DIR/bench.log"
t_done

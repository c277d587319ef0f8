#!/usr/bin/env bash
# ./scripts/bench runs end to end: two quick scenarios (the GRE hairpin on one port, LAN to
# spoke across two ports), the hub and the dpdk-testpmd baseline, the crypto-limit tool,
# the AES-GCM-128 ESP hairpin (the hub decrypts every generated packet: no integrity
# failure, nothing dropped), the hub's ESP stage against rte_ipsec (the two agree on every
# packet), JSON written. Performance is not checked here
# (docs/benchmarks.md holds the numbers); only that both sides forwarded and the report is
# complete. Also: the shipped configs/bench-*.conf are what the generator writes.
#
# Against a sanitizer build (the ASan/UBSan step of scripts/test; the hub links libasan)
# only the hub's own paths run, trimmed: gre-hairpin-64 and esp-gcm128-hairpin-64 (millions
# of packets through the worker's GRE and ESP stages under ASan and UBSan) and
# nhrp-register with 500 spokes. lan-to-gre, crypto-limit and esp-vs-rte-ipsec measure
# IPsec-MB, rte_ipsec and code those two already cover; under ASan they added about
# 2.5 minutes to a step that must keep the suite under 20.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

HUB=${HUB_BUILD:-build}/control/dmvpn-hub
DIR=$(mktemp -d /tmp/dmvpn-bench-smoke.XXXXXX)
trap 'rm -rf "$DIR"; ip netns del "dmvpn-t$T_ID-bport" 2>/dev/null' EXIT

[ -x "$HUB" ] || { t_fail "hub binary $HUB missing"; t_done; exit 1; }
command -v dpdk-testpmd >/dev/null || t_skip_all "dpdk-testpmd missing (Debian package dpdk)"
SAN=0
ldd "$HUB" 2>/dev/null | grep -q 'libasan\|libubsan' && SAN=1
if [ $SAN = 1 ]; then
	FWD="gre-hairpin-64"
	SCEN="gre-hairpin-64 esp-gcm128-hairpin-64"
	REG_SPOKES=500
	echo "  (sanitizer build: $SCEN and nhrp-register with $REG_SPOKES spokes only)"
else
	FWD="gre-hairpin-64 lan-to-gre-64"
	SCEN="gre-hairpin-64 lan-to-gre-64 crypto-limit esp-gcm128-hairpin-64 esp-vs-rte-ipsec"
	REG_SPOKES=2000
fi

t_check "configs/bench-gre.conf is bench_gen.py config gre-hairpin's output" \
	bash -c "/usr/bin/python3 scripts/bench_gen.py config gre-hairpin | cmp -s - configs/bench-gre.conf"
t_check "configs/bench-lan.conf is bench_gen.py config gre-to-lan's output" \
	bash -c "/usr/bin/python3 scripts/bench_gen.py config gre-to-lan | cmp -s - configs/bench-lan.conf"
for alg in gcm128 gcm256 cbc128-sha1; do
	t_check "configs/bench-esp-$alg.conf is bench_gen.py config gre-hairpin --esp $alg's output" \
		bash -c "/usr/bin/python3 scripts/bench_gen.py config gre-hairpin --esp $alg | cmp -s - configs/bench-esp-$alg.conf"
	t_check "configs/bench-esp-$alg.conf passes --check-config" \
		bash -c "'$HUB' --check-config -c configs/bench-esp-$alg.conf > /dev/null"
done

mkdir -p "$DIR/tmp"
TMPDIR=$DIR/tmp BENCH_ID=t$T_ID timeout -s KILL 270 ./scripts/bench --quick --hub "$HUB" \
	--json "$DIR/out.json" $SCEN > "$DIR/bench.log" 2>&1
rc=$?
t_check "scripts/bench --quick $SCEN exits 0 (rc=$rc)" [ "$rc" -eq 0 ]
[ "$rc" -eq 0 ] || tail -n 40 "$DIR/bench.log"

check_json() {
	/usr/bin/python3 - "$DIR/out.json" "$1" "$FWD" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
want_fwd = set(sys.argv[3].split())
fwd = {r["name"]: r for r in rows if r.get("baseline") == "testpmd-io" and not r["name"].startswith("esp-")}
esp = [r for r in rows if r["name"] == "esp-gcm128-hairpin-64"]
cry = [r for r in rows if r.get("baseline") == "ipsec-mb"]
ok = {
    "parses": isinstance(rows, list) and set(fwd) == want_fwd,
    "fields": all(all(k in r for k in ("name", "workers", "pkt_size", "mpps", "gbps", "cycles_per_pkt",
                                       "baseline", "baseline_mpps", "ratio", "drops")) for r in fwd.values()),
    "scenario": all(r["pkt_size"] == 64 and r["workers"] == 1 for r in fwd.values()),
    "hub": all(r["mpps"] > 0 and r["cycles_per_pkt"] > 0 for r in fwd.values()),
    "baseline": all(r["baseline_mpps"] > 0 for r in fwd.values()),
    "ratio": all(abs(r["ratio"] - r["mpps"] / r["baseline_mpps"]) < 0.01 for r in fwd.values()),
    "crypto": len(cry) == 9 and all(r["crypto_limit_mpps"] > 0 and r["cycles_per_pkt"] > 0 for r in cry)
              and {r["algorithm"] for r in cry} == {"aes-gcm-128", "aes-gcm-256", "aes-cbc-128-hmac-sha1"},
    "esp": len(esp) == 1 and esp[0]["mpps"] > 0 and esp[0]["baseline_mpps"] > 0
           and esp[0]["crypto_limit_mpps"] > 0
           and abs(esp[0]["fraction_of_limit"] - esp[0]["mpps_per_worker"] / esp[0]["crypto_limit_mpps"]) < 0.01,
    "esp-clean": len(esp) == 1 and esp[0]["drops"] == 0 and not esp[0]["drop_reasons"],
    # Per-stage TSC cycles (--quick: the hub run itself had --stage-cycles): every stage
    # reported, the path's stages non-zero, ESP stages only on the ESP hairpin, and the sum
    # within a factor of two of the whole-run cycles per packet.
    "stages": all(set(r.get("stage_cycles_per_pkt", {})) ==
                  {"rx", "classify", "forward", "esp_in", "esp_out", "tx", "other"}
                  and all(r["stage_cycles_per_pkt"][k] > 0 for k in ("rx", "classify", "forward", "tx"))
                  and (r["stage_cycles_per_pkt"]["esp_in"] > 0 and r["stage_cycles_per_pkt"]["esp_out"] > 0)
                      == r["name"].startswith("esp-")
                  and 0.5 * r["cycles_per_pkt"] <= r["stage_cycles_total"] <= 2 * r["cycles_per_pkt"]
                  for r in list(fwd.values()) + esp) and len(esp) == 1,
    "rte-ipsec": len([r for r in rows if r.get("baseline") == "rte_ipsec"]) == 12
                 and all(r["hub_cycles_per_pkt"] > 0 and r["rte_ipsec_cycles_per_pkt"] > 0
                         for r in rows if r.get("baseline") == "rte_ipsec"),
}[sys.argv[2]]
sys.exit(0 if ok else 1)
PY
}
t_check "JSON parses: $FWD" check_json parses
t_check "JSON has name, workers, pkt_size, mpps, gbps, cycles_per_pkt, baseline, baseline_mpps, ratio, drops" \
	check_json fields
t_check "JSON rows are 64 B, 1 worker" check_json scenario
t_check "hub forwarded: mpps > 0" check_json hub
t_check "testpmd forwarded: baseline_mpps > 0" check_json baseline
t_check "ratio = mpps / baseline_mpps" check_json ratio
[ $SAN = 0 ] && t_check "crypto limit: 3 algorithms × 3 sizes measured" check_json crypto
t_check "ESP hairpin (AES-GCM-128) ran: hub and testpmd forwarded, crypto_limit_mpps and fraction_of_limit" \
	check_json esp
t_check "TSC cycles per packet by stage: rx, classify, forward, tx > 0, ESP stages only with ESP, sum ≈ cycles_per_pkt" \
	check_json stages
t_check "ESP hairpin: the hub decrypted every packet (no drop of any reason in the window)" check_json esp-clean
t_check "ESP hairpin: no integrity, padding, SPI, peer or length failure over the whole run" \
	bash -c "! grep -Eq 'esp-(integrity-failure|bad-padding|unknown-spi|peer-mismatch|truncated) [1-9]' '$DIR/bench.log'"
[ $SAN = 0 ] && t_check "esp-vs-rte-ipsec: 2 algorithms × 3 sizes × 2 directions measured on both paths" \
	check_json rte-ipsec
t_check "a progress line per second" grep -q "gre-hairpin-64 .* hub .* Mpps" "$DIR/bench.log"
t_check "no DPDK runtime directory left behind" \
	bash -c "! ls -d /var/run/dpdk/dmvpn-bencht$T_ID-* 2>/dev/null | grep -q ."
t_check "no temporary files left behind" bash -c "! ls -A '$DIR/tmp' | grep -q ."
grep -E '^(gre-hairpin|lan-to-gre|crypto|esp-)' "$DIR/bench.log"

# A port that is not net_pcap (--port, as for a NIC): a veth pair in a namespace of this
# test, the hub and testpmd in turn on net_af_packet at one end, the generator (testpmd
# replaying the pcap) at the other, sharing the two cores (--no-rt). Not under a
# sanitizer: the path is the script's; the hub's code is the same as on net_pcap.
if [ $SAN = 0 ]; then
	PNS=dmvpn-t$T_ID-bport
	ip netns add "$PNS" 2>/dev/null
	if ip -n "$PNS" link add va type veth peer name vb && ip -n "$PNS" link set va up &&
		ip -n "$PNS" link set vb up; then
		TMPDIR=$DIR/tmp BENCH_ID=p$T_ID timeout -s KILL 180 ip netns exec "$PNS" ./scripts/bench --quick \
			--hub "$HUB" --json "$DIR/port.json" --port net_af_packet0,iface=vb \
			--gen-port net_af_packet1,iface=va --gen-lcores 0-1 --no-rt gre-hairpin-64 > "$DIR/port.log" 2>&1
		rc=$?
	else
		rc=veth
	fi
	ip netns del "$PNS" 2>/dev/null
	t_check "scripts/bench --port (net_af_packet on a veth) --gen-port ... exits 0 (rc=$rc)" [ "$rc" = 0 ]
	[ "$rc" = 0 ] || tail -n 30 "$DIR/port.log"
	t_check "--port: the hub and testpmd forwarded the generator's traffic on the port, row tagged with it" \
		/usr/bin/python3 -c '
import json, sys
r = [x for x in json.load(open(sys.argv[1])) if x["name"] == "gre-hairpin-64"]
sys.exit(0 if len(r) == 1 and r[0]["port"] == "net_af_packet0,iface=vb" and r[0]["mpps"] > 0
         and r[0]["baseline_mpps"] > 0 and r[0]["drops"] == 0 else 1)' "$DIR/port.json"
	t_check "--port: no DPDK runtime directory left behind (hub, testpmd, generator)" \
		bash -c "! ls -d /var/run/dpdk/dmvpn-benchp$T_ID-* 2>/dev/null | grep -q ."
	t_check "--port: on its own, refused for a two-port scenario" \
		bash -c "! ./scripts/bench --quick --hub '$HUB' --port x --gen-port y gre-to-lan-64 2>/dev/null"
	grep -E '^gre-hairpin' "$DIR/port.log"
fi

# The control-plane scenario: 2000 spokes (500 under a sanitizer) register over net_memif
# (tests/tools/nhrp_reggen), saturated then paced; the JSON row must carry measured figures, not placeholders.
REGGEN=$(dirname "$HUB")/../tests/tools/nhrp_reggen
if [ -x "$REGGEN" ]; then
	TMPDIR=$DIR/tmp BENCH_ID=r$T_ID timeout -s KILL 240 ./scripts/bench --quick --hub "$HUB" \
		--json "$DIR/reg.json" --spokes $REG_SPOKES nhrp-register > "$DIR/reg.log" 2>&1
	rc=$?
	t_check "scripts/bench --quick --spokes $REG_SPOKES nhrp-register exits 0 (rc=$rc)" [ "$rc" -eq 0 ]
	[ "$rc" -eq 0 ] || tail -n 40 "$DIR/reg.log"
	t_check "nhrp-register JSON: every spoke registered, figures measured" /usr/bin/python3 - "$DIR/reg.json" $REG_SPOKES <<'PY'
import json, sys
n = int(sys.argv[2])
rows = [r for r in json.load(open(sys.argv[1])) if r.get("name") == "nhrp-register"]
r = rows[0] if len(rows) == 1 else {}
need = ("name", "workers", "regs_per_s", "latency_p50_us", "latency_p99_us", "bytes_per_peer_per_worker",
        "reg_to_fwd_p50_us", "reg_to_fwd_p99_us", "baseline", "spokes")
ok = (all(k in r for k in need) and r["spokes"] == n and r["regs_per_s"] > 0 and
      0 < r["latency_p50_us"] <= r["latency_p99_us"] and 0 < r["reg_to_fwd_p50_us"] <= r["reg_to_fwd_p99_us"] and
      100 < r["bytes_per_peer_per_worker"] < 4096 and r["replica_slots"] == n and
      (r["baseline"] != "none" or r.get("baseline_reason")))
if not ok:
    print(json.dumps(r), file=sys.stderr)
sys.exit(0 if ok else 1)
PY
	t_check "nhrp-register: no DPDK runtime directory left behind" \
		bash -c "! ls -d /var/run/dpdk/dmvpn-benchr$T_ID-* 2>/dev/null | grep -q ."
	grep -E '^nhrp-register' "$DIR/reg.log"
else
	t_fail "nhrp-register: $REGGEN missing (built with the tests)"
fi
t_done

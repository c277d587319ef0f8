#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Instructions per packet of the hub's worker on a hairpin benchmark, counted by callgrind:
# a figure that does not depend on the machine's load (docs/benchmarks.md, "Instructions
# per packet"). The hub runs the benchmark's configuration and pcap (scripts/bench_gen.py,
# 16 spokes x 16 flows, net_pcap infinite_rx, one worker) under valgrind for SECONDS, is
# stopped with SIGINT, and its worker thread's instructions are divided by the packets it
# received (its own exit counters).
#
#   tests/tools/callgrind_hairpin.sh [--esp gcm128|gcm256|cbc128-sha1] [--seconds S] HUB
#
# HUB must be built for valgrind (no AVX-512 on this VM's valgrind):
#   meson setup build-cg -Dc_args='-march=x86-64-v3 -mno-avx512f -g'
#   ninja -C build-cg control/dmvpn-hub
# With -g the breakdown is by source file of the inlined code (the stages of the hot path:
# dp_classify.h, dp_gre.h, dp_inner.h, dp_fwd.c, dp_tx.h, ...); without it, by function.
# Valgrind slows the hub about 50 times: the control thread needs some seconds before the
# first ARP resolves, so give it at least 60 s (what it receives before counts as rx too).
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PY=/usr/bin/python3
ESP= SECS=90
while [ $# -gt 1 ]; do
	case $1 in
	--esp) ESP=$2; shift 2 ;;
	--seconds) SECS=$2; shift 2 ;;
	*) echo "usage: $0 [--esp ALG] [--seconds S] HUB" >&2; exit 2 ;;
	esac
done
HUB=${1:?usage: $0 [--esp ALG] [--seconds S] HUB}
HUB=$(realpath "$HUB") || exit 2
command -v valgrind > /dev/null || { echo "$0: valgrind is not installed" >&2; exit 1; }
DIR=$(mktemp -d /tmp/cg-hairpin.XXXXXX)
PREFIX=cg-hairpin$$
trap 'rm -rf "$DIR" "/var/run/dpdk/$PREFIX"' EXIT

$PY "$ROOT/scripts/bench_gen.py" pcap gre-hairpin "$DIR/in.pcap" --aux "$DIR/arp.pcap" \
	--size 64 --spokes 16 --flows 16 ${ESP:+--esp "$ESP"} || exit 1
$PY "$ROOT/scripts/bench_gen.py" config gre-hairpin --spokes 16 --workers 1 \
	--main "$DIR/in.pcap" --aux "$DIR/arp.pcap" ${ESP:+--esp "$ESP"} > "$DIR/hub.conf" || exit 1
(cd "$DIR" && timeout -s INT "$SECS" valgrind --tool=callgrind --fair-sched=yes \
	--callgrind-out-file="$DIR/cg.out" "$HUB" -l 0-1 --no-huge -m 1024 --no-pci \
	--file-prefix "$PREFIX" -- -c "$DIR/hub.conf" > "$DIR/hub.log" 2>&1)
# Exit status 130 (SIGINT) or 0: either way the counters are in the log.
$PY - "$DIR/hub.log" "$DIR/cg.out" <<'EOF'
import re, subprocess, sys

log = open(sys.argv[1]).read()
m = re.search(r'worker 0 \(lcore 1\): rx (\d+)', log)
f = re.search(r'total: forwarded (\d+)', log)
if not m or not f or int(m.group(1)) == 0:
    sys.exit('callgrind_hairpin: the hub received nothing; its log:\n' + log[-2000:])
rx, fwd = int(m.group(1)), int(f.group(1))
if fwd < 0.95 * rx:
    print(f'warning: only {fwd} of {rx} packets forwarded: run longer', file=sys.stderr)
def annotate(incl):
    return subprocess.run(['callgrind_annotate', '--threshold=100',
                           '--inclusive=' + ('yes' if incl else 'no'), sys.argv[2]],
                          capture_output=True, text=True, check=True).stdout
row = re.compile(r'\s*([\d,]+) \(\s*[\d.]+%\)\s+(\S+:\S+)(?: \[\S+\])?$')
worker = max((int(r.group(1).replace(',', '')) for r in map(row.match, annotate(True).splitlines())
              if r and r.group(2).endswith(':dp_worker_main')), default=0)
print(f'rx {rx} packets, forwarded {fwd}')
print(f'dp_worker_main (the whole worker thread, PMD rx and tx included): '
      f'{worker / rx:.1f} instructions per packet')
print('self instructions per packet, by source file:function (>= 1):')
agg = {}
for r in map(row.match, annotate(False).splitlines()):
    if r:
        name = r.group(2).split('/')[-1]
        agg[name] = agg.get(name, 0) + int(r.group(1).replace(',', ''))
for name, n in sorted(agg.items(), key=lambda x: -x[1]):
    if n / rx >= 1:
        print(f'{n / rx:8.1f}  {name}')
EOF

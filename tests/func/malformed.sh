#!/usr/bin/env bash
# The malformed-traffic corpus (tests/func/malformed.py) replayed through a running hub on
# net_pcap: the hub keeps running, every packet is handled or counted under its named drop
# reason (each reason's count equals the packets sent for it, and they add up to all
# packets), and the mempool's in-use count returns to an idle hub's.
#
# Two runs of the same configuration: an idle one (one frame for another MAC) gives the
# baseline counters and mbufs in use; the second replays the corpus. Both are asked over
# rte_telemetry (/dmvpn/stats with its mbufs_in_use, /dmvpn/nhrp).
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

HUB=${HUB_BUILD:-build}/control/dmvpn-hub
PY=/usr/bin/python3
PREFIX=dmvpn-t$T_ID-malformed
DIR=$(mktemp -d /tmp/dmvpn-malformed.XXXXXX)
pid=
cleanup() {
	[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
	rm -rf "$DIR" "/var/run/dpdk/$PREFIX"
}
trap cleanup EXIT
[ -n "${MALFORMED_KEEP:-}" ] && trap - EXIT

$PY tests/func/malformed.py gen "$DIR" || { t_fail "generate the corpus"; t_done; exit 1; }
n=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["packets"])' "$DIR/expect.json")
$PY - "$DIR/idle.pcap" <<'PY'
import struct, sys
frame = bytes.fromhex("020000000099" "020000000008" "88b5") + b"\0" * 46
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    f.write(struct.pack("<IIII", 0, 0, len(frame), len(frame)) + frame)
PY

# Static maps give the GRE data its known source (1.1.1.8); 203.0.113.0/24 has no route.
conf() {
	cat <<CONF
ports = ( { name = "nbma0"; address = "1.1.1.1/24"; mtu = 9000;
            device = "net_pcap0,rx_pcap=$1,tx_pcap=$DIR/out-w.pcap,tx_pcap=$DIR/out-c.pcap"; } );
tunnels = ( { name = "Tunnel0"; address = "192.168.1.1/24"; source = "nbma0"; key = 42;
              nhrp = { max_peers = 64;
                       maps = ( { tunnel = "192.168.1.6"; nbma = "1.1.1.6"; },
                                { tunnel = "192.168.1.8"; nbma = "1.1.1.8"; } ); }; } );
routes = ( { prefix = "66.66.66.0/24"; via = "192.168.1.6"; } );
cli = { port = 0; };
CONF
}

# run NAME PCAP PACKETS: start the hub on PCAP, wait until it received PACKETS, settle,
# ask telemetry twice (the first starts the snapshots), stop it.
run() {
	local name=$1 pcap=$2 want=$3 i
	conf "$pcap" > "$DIR/$name.conf"
	timeout -s KILL 90 "$HUB" -l 0-1 $(t_eal_mem) --no-pci --file-prefix "$PREFIX" \
		-- -c "$DIR/$name.conf" > "$DIR/$name.log" 2>&1 &
	pid=$!
	if ! t_wait_for 30 grep -qs "running:" "$DIR/$name.log"; then
		t_fail "$name: hub starts on net_pcap"; cat "$DIR/$name.log"; return 1
	fi
	for i in $(seq 1 40); do
		$PY tests/func/malformed.py tel "$PREFIX" "$DIR/$name.json" /dmvpn/stats \
			/dmvpn/nhrp 2>/dev/null &&
			[ "$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["/dmvpn/stats"].get("rx", -1))' "$DIR/$name.json")" -ge "$want" ] && break
		sleep 0.5
	done
	# Control answers what was punted; snapshots are taken about once a second.
	sleep 2
	$PY tests/func/malformed.py tel "$PREFIX" "$DIR/$name.json" /dmvpn/stats /dmvpn/nhrp
	t_check "$name: the hub is still running after the replay" kill -0 "$pid"
	kill -TERM "$pid"; wait "$pid"; local rc=$?
	pid=
	t_check "$name: hub exits 0 after SIGTERM (rc=$rc)" [ "$rc" -eq 0 ]
	rm -rf "/var/run/dpdk/$PREFIX"
}

run idle "$DIR/idle.pcap" 1 || { t_done; exit 1; }
run corpus "$DIR/in.pcap" "$n" || { t_done; exit 1; }
cp "$DIR/idle.json" "$DIR/stats0.json"
cp "$DIR/corpus.json" "$DIR/stats.json"
# The idle run's one frame (eth-not-for-us) is not part of the corpus: count from zero.
$PY - "$DIR/stats0.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
for k in ("/dmvpn/stats", "/dmvpn/nhrp"):
    s[k] = {key: 0 for key in s[k]}
json.dump(s, open(sys.argv[1], "w"))
PY
out=$($PY tests/func/malformed.py check "$DIR" 2>&1)
echo "$out" | grep -v '^[0-9]* passed'
p=$(echo "$out" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
f=$(echo "$out" | sed -n 's/^[0-9]* passed, \([0-9]*\) failed.*/\1/p')
if [ -n "$p" ] && [ -n "$f" ]; then
	T_PASS=$((T_PASS + p))
	T_FAIL=$((T_FAIL + f))
else
	t_fail "the checker ran to its end"
fi
t_done

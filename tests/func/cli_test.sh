#!/usr/bin/env bash
# The telnet CLI end to end: the hub on net_af_packet in its own namespace with static NHRP
# maps, static routes and a LAN port; a Linux peer namespace answers ARP for the spokes'
# NBMA addresses and the LAN gateway. tests/func/cli_test.py drives the CLI over TCP
# (IAC negotiation, every command against golden text, JSON forms, bad input, 100
# sessions, garbage, slow and vanishing clients, runtime changes). A second hub on
# net_null checks the password prompt and the idle timeout. Then SIGTERM must end the
# hub cleanly with nothing of the CLI on its stdout.
#
# CLI_GOLDEN_UPDATE=1 rewrites tests/func/cli_golden/*.txt from this run.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

HUB=${HUB_BUILD:-build}/control/dmvpn-hub
# Waits and time limits times HUB_TIME_SCALE (the ASan/UBSan step of scripts/test sets it;
# cli_client.py and cli_test.py scale theirs): sec N prints N scaled, a whole number.
sec() { awk -v n="$1" -v s="${HUB_TIME_SCALE:-1}" 'BEGIN { s += 0; if (s < 1 || s > 100) s = 1; printf "%d", n * s + 0.5 }'; }
PY=/usr/bin/python3 # Debian's: the PATH python3 may be a pyenv without the same modules
NS_HUB=dmvpn-t$T_ID-clihub
NS_PEER=dmvpn-t$T_ID-clipeer
NS_PW=dmvpn-t$T_ID-clipw
NS_EXC=dmvpn-t$T_ID-cliexc
PREFIX=dmvpn-t$T_ID-cli
DIR=$(mktemp -d /tmp/dmvpn-cli.XXXXXX)
HUB_PID=
PW_PID=
EXC_PID=

# Each hub runs as `timeout ... dmvpn-hub` (ip netns exec execs timeout): SIGKILL to
# timeout alone would orphan the hub, which then polls on with its namespace gone (seen
# when the exception hub did not start within its wait on a loaded machine).
kill_tree() {
	local pid=$1 c
	[ -n "$pid" ] || return 0
	for c in $(cat /proc/"$pid"/task/*/children 2>/dev/null); do kill -KILL "$c" 2>/dev/null; done
	kill -KILL "$pid" 2>/dev/null
}
cleanup() {
	kill_tree "$HUB_PID"
	kill_tree "$PW_PID"
	kill_tree "$EXC_PID"
	ip netns del "$NS_EXC" 2>/dev/null
	ip netns del "$NS_HUB" 2>/dev/null
	ip netns del "$NS_PEER" 2>/dev/null
	ip netns del "$NS_PW" 2>/dev/null
	rm -rf "$DIR" "/var/run/dpdk/$PREFIX" "/var/run/dpdk/$PREFIX-pw" "/var/run/dpdk/$PREFIX-exc"
}
trap cleanup EXIT

[ -x "$HUB" ] || { t_fail "hub binary $HUB missing"; t_done; exit 1; }
[ -x "$PY" ] || t_skip_all "$PY missing"

ip netns add "$NS_HUB" && ip netns add "$NS_PEER" && ip netns add "$NS_PW" ||
	{ t_fail "create namespaces"; t_done; exit 1; }
for ns in "$NS_HUB" "$NS_PEER" "$NS_PW"; do
	# No IPv6 chatter (router solicitations, MLD) in the counters the goldens show.
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	ip -n "$ns" link set lo up
done
ip link add nbma0 netns "$NS_HUB" type veth peer name peer0 netns "$NS_PEER"
ip link add lan0 netns "$NS_HUB" type veth peer name peerlan0 netns "$NS_PEER"
# Fixed MACs: they appear in show arp and show interfaces.
ip -n "$NS_HUB" link set nbma0 address 02:00:00:00:01:01
ip -n "$NS_HUB" link set lan0 address 02:00:00:00:02:01
ip -n "$NS_PEER" link set peer0 address 02:00:00:00:01:02
ip -n "$NS_PEER" link set peerlan0 address 02:00:00:00:02:02
ip -n "$NS_HUB" link set nbma0 up
ip -n "$NS_HUB" link set lan0 up
ip -n "$NS_PEER" addr add 1.1.1.2/24 dev peer0
ip -n "$NS_PEER" addr add 1.1.1.3/24 dev peer0
ip -n "$NS_PEER" addr add 1.1.1.4/24 dev peer0
ip -n "$NS_PEER" addr add 10.0.0.254/24 dev peerlan0
ip -n "$NS_PEER" link set peer0 up
ip -n "$NS_PEER" link set peerlan0 up
for d in "$NS_HUB nbma0" "$NS_HUB lan0" "$NS_PEER peer0" "$NS_PEER peerlan0"; do
	set -- $d
	ip netns exec "$1" ethtool -K "$2" tx off >/dev/null 2>&1
done

cat > "$DIR/hub.conf" <<CONF
ports = (
	{ name = "nbma0"; device = "net_af_packet0,iface=nbma0"; address = "1.1.1.1/24"; },
	{ name = "lan0"; device = "net_af_packet1,iface=lan0"; role = "lan";
	  address = "10.0.0.1/24"; }
);
tunnels = (
	{ name = "Tunnel0"; address = "192.168.1.1/24"; source = "nbma0"; key = 42;
	  tcp_mss = 1360;
	  nhrp = { max_peers = 8192;
		   maps = ( { tunnel = "192.168.1.2"; nbma = "1.1.1.2"; },
			    { tunnel = "192.168.1.3"; nbma = "1.1.1.3"; multicast = true; } ); }; },
	{ name = "Tunnel1"; address = "10.255.0.1/16"; source = "nbma0"; key = 43;
	  nhrp = { max_peers = 8192; }; }
);
routes = (
	{ prefix = "10.2.0.0/16"; via = "192.168.1.2"; },
	{ prefix = "10.9.0.0/16"; via = "192.168.1.9"; },
	{ prefix = "172.16.0.0/12"; via = "10.0.0.254"; }
);
mempool = { mbufs = 8191; };
cli = { listen = "127.0.0.1"; port = 2323; idle_timeout = 600; };
CONF

ip netns exec "$NS_HUB" timeout -s KILL $(sec 600) "$HUB" -l 0-1 $(t_eal_mem) --no-pci \
	--file-prefix "$PREFIX" -- -c "$DIR/hub.conf" --idle-sleep 50 \
	> "$DIR/hub.log" 2>&1 &
HUB_PID=$!
if t_wait_for $(sec 30) grep -qs "running:" "$DIR/hub.log"; then
	t_ok "hub starts with the CLI"
else
	t_fail "hub starts"; cat "$DIR/hub.log"; t_done; exit 1
fi
t_check "the CLI listens on 127.0.0.1:2323" grep -q "CLI on 127.0.0.1:2323" "$DIR/hub.log"
# A spoke registers (192.168.1.4 at 1.1.1.4): the views then show a dynamic entry too.
t_check "a Registration Request is sent from the peer namespace" \
	ip netns exec "$NS_PEER" "$PY" tests/func/cli_test.py --register peer0 1.1.1.4/192.168.1.4

# The checks of the Python driver, one "ok"/"FAIL" line each, counted here.
ip netns exec "$NS_HUB" timeout -s KILL $(sec 400) "$PY" tests/func/cli_test.py --port 2323 \
	--golden tests/func/cli_golden --log "$DIR/hub.log" --peer-ns "$NS_PEER" > "$DIR/py.out" 2>&1
rc=$?
while IFS= read -r line; do
	case "$line" in
	"ok   - "*) t_ok "${line#ok   - }" ;;
	"FAIL - "*) t_fail "${line#FAIL - }" ;;
	*) echo "  $line" ;;
	esac
done < "$DIR/py.out"
t_check "the Python driver ran to its end (rc=$rc)" [ "$rc" -eq 0 -o "$rc" -eq 1 ]

# rte_telemetry: the same data for dpdk-telemetry.py. The first question starts fresh
# snapshots (about one a second while someone asks); the second reads a fresh one.
TEL="$PY /usr/bin/dpdk-telemetry.py -f $PREFIX"
if [ -x /usr/bin/dpdk-telemetry.py ]; then
	echo /dmvpn/peers | $TEL > /dev/null 2>&1
	sleep 1.5
	printf '/dmvpn/peers\n/dmvpn/stats\n/dmvpn/nhrp\n' | $TEL > "$DIR/tel.out" 2>&1
	t_check "telemetry /dmvpn/peers: fresh, counts and the static peers" "$PY" -c '
import json, sys
sys.path.insert(0, "tests/func")
from cli_client import SCALE
r = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
p = r[0]["/dmvpn/peers"]
i = p["tunnel"].index("192.168.1.2")
sys.exit(not (p["static"] >= 2 and p["total"] == p["listed"] and p["nbma"][i] == "1.1.1.2"
              and p["type"][i] == "static" and p["snapshot_age_ms"] < 1500 * SCALE))' "$DIR/tel.out"
	t_check "telemetry /dmvpn/stats: packets and every drop reason" "$PY" -c '
import json, sys
r = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
s = r[1]["/dmvpn/stats"]
sys.exit(not (s["rx"] > 0 and "drop_ipv4_bad_checksum" in s))' "$DIR/tel.out"
	t_check "telemetry /dmvpn/nhrp: the spoke's three registrations (one, two more for debug nhrp) were counted" "$PY" -c '
import json, sys
r = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
n = r[2]["/dmvpn/nhrp"]
sys.exit(not (n["rx_registration_request"] == 3 and n["tx_registration_reply"] == 3))' "$DIR/tel.out"
else
	echo "  (no /usr/bin/dpdk-telemetry.py: telemetry checks skipped)"
fi

# A second hub on net_null: password prompt and idle timeout (a non-loopback listen
# address needs a password).
cat > "$DIR/pw.conf" <<CONF
ports = ( { name = "nbma0"; device = "net_null0"; address = "1.1.1.1/24"; } );
mempool = { mbufs = 2047; cache = 64; };
cli = { listen = "0.0.0.0"; port = 2424; password = "s3cret!"; idle_timeout = 2; };
CONF
# Small and without hugepages: it only serves the CLI.
ip netns exec "$NS_PW" timeout -s KILL $(sec 120) "$HUB" -l 0-1 --no-huge -m 256 --no-shconf --no-pci \
	--file-prefix "$PREFIX-pw" -- -c "$DIR/pw.conf" --idle-sleep 50 > "$DIR/pw.log" 2>&1 &
PW_PID=$!
if t_wait_for $(sec 30) grep -qs "running:" "$DIR/pw.log"; then
	ip netns exec "$NS_PW" timeout -s KILL $(sec 60) "$PY" tests/func/cli_test.py --port 2424 \
		--password-tests "s3cret!" > "$DIR/pw.out" 2>&1
	while IFS= read -r line; do
		case "$line" in
		"ok   - "*) t_ok "${line#ok   - }" ;;
		"FAIL - "*) t_fail "${line#FAIL - }" ;;
		*) echo "  $line" ;;
		esac
	done < "$DIR/pw.out"
	kill -TERM "$PW_PID"; wait "$PW_PID"; PW_PID=
	t_check "the password hub logged the bad passwords" grep -q "wrong password" "$DIR/pw.log"
else
	t_fail "password hub starts"; cat "$DIR/pw.log"
fi

# A third hub with an exception interface and the FPM server (net_null underlay that
# receives nothing): clear counters must zero their counters too.
cat > "$DIR/exc.conf" <<CONF
ports = ( { name = "nbma0"; device = "net_null0,no-rx=1"; address = "1.1.1.1/24"; } );
tunnels = (
	{ name = "Tunnel0"; address = "192.168.1.1/24"; source = "nbma0"; key = 42;
	  exception_interface = "dmvpn0";
	  nhrp = { max_peers = 64;
		   maps = ( { tunnel = "192.168.1.6"; nbma = "1.1.1.6"; multicast = true; } ); }; }
);
mempool = { mbufs = 2047; cache = 64; };
cli = { listen = "127.0.0.1"; port = 2525; };
fpm = { enabled = true; port = 2626; stale_time = 600; };
CONF
ip netns add "$NS_EXC" && ip netns exec "$NS_EXC" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
	net.ipv6.conf.default.disable_ipv6=1 && ip -n "$NS_EXC" link set lo up
ip netns exec "$NS_EXC" timeout -s KILL $(sec 120) "$HUB" -l 0-1 --no-huge -m 256 --no-shconf --no-pci \
	--file-prefix "$PREFIX-exc" -- -c "$DIR/exc.conf" --idle-sleep 50 > "$DIR/exc.log" 2>&1 &
EXC_PID=$!
if t_wait_for $(sec 30) grep -qs "running:" "$DIR/exc.log"; then
	ip netns exec "$NS_EXC" timeout -s KILL $(sec 90) "$PY" tests/func/cli_test.py --port 2525 \
		--fpm-port 2626 --clear-tests 192.168.1.6 > "$DIR/exc.out" 2>&1
	while IFS= read -r line; do
		case "$line" in
		"ok   - "*) t_ok "${line#ok   - }" ;;
		"FAIL - "*) t_fail "${line#FAIL - }" ;;
		*) echo "  $line" ;;
		esac
	done < "$DIR/exc.out"
	kill -TERM "$EXC_PID"; wait "$EXC_PID"; EXC_PID=
else
	t_fail "exception/FPM hub starts"; cat "$DIR/exc.log"
fi

# SIGTERM with a session open: the client is told, the hub exits 0.
ip netns exec "$NS_HUB" "$PY" -c '
import socket, sys, time
s = socket.create_connection(("127.0.0.1", 2323)); s.settimeout(10)
data = b""
while b"dmvpn-hub> " not in data: data += s.recv(4096)
print("connected", flush=True)
while True:
    d = s.recv(4096)
    if not d: break
    data += d
sys.stdout.write(data.decode("ascii", "replace"))
' > "$DIR/stop.out" 2>&1 &
WATCH=$!
t_wait_for $(sec 10) grep -qs connected "$DIR/stop.out"
pid=$HUB_PID
kill -TERM "$HUB_PID"
wait "$HUB_PID"; rc=$?
HUB_PID=
wait "$WATCH"
t_check "SIGTERM ends the hub with exit 0 (rc=$rc)" [ "$rc" -eq 0 ]
t_check "an open session is told the hub is stopping" grep -q "The hub is stopping" "$DIR/stop.out"
t_check "the CLI's counters are logged at stop" grep -q "CLI stopped:" "$DIR/hub.log"
# Only log lines on the process's output: no command output ever goes there.
t_check "nothing of the CLI's output reached the hub's stdout" \
	bash -c "! grep -Eq 'Type:Hub|NBMA address|Invalid input|Routing entry|dmvpn-hub> ' '$DIR/hub.log'"
t_check "no hub process is left" bash -c "! kill -0 $pid 2>/dev/null"
t_done

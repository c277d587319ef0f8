#!/usr/bin/env bash
# Routes from a real FRR 8.4 zebra over FPM, and the exception interface, without the UML
# lab: the hub on net_af_packet in its own namespace, with `exception_interface = "dmvpn0"`
# (a net_tap the hub creates there, carrying 192.168.1.1/24) and the FPM server on
# 127.0.0.1:2620; zebra (-M dplane_fpm_nl) and staticd in the same namespace. A peer
# namespace answers ARP for the spokes' NBMA addresses and captures what the hub sends.
#
# Checks: zebra's routes appear in the hub's RIB with source fpm and the right next hops
# (a spoke, a LAN gateway, ECMP over two spokes, a blackhole); a static route wins over
# zebra's; a withdrawn route goes; zebra restarted with fewer routes -> the re-sync sweeps
# the missing one; a malformed frame resets the connection, is counted, changes nothing;
# the kernel's ping out of dmvpn0 leaves the hub as GRE towards the spoke (exception path);
# the kernel's multicast is replicated to both multicast spokes, and a spoke's multicast
# (crafted with scapy) reaches the kernel on dmvpn0.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

HUB=${HUB_BUILD:-build}/control/dmvpn-hub
PY=/usr/bin/python3
CLI="$PY tests/func/cli_client.py --port 2323"
NS=dmvpn-t$T_ID-fpmhub
NS_PEER=dmvpn-t$T_ID-fpmpeer
PREFIX=dmvpn-t$T_ID-fpm
DIR=$(mktemp -d /tmp/dmvpn-fpm.XXXXXX)
HUB_PID=
TCPDUMP_PID=

frr_stop() {
	local d
	for d in staticd zebra; do
		[ -r "$DIR/$d.pid" ] && kill -TERM "$(cat "$DIR/$d.pid")" 2>/dev/null
	done
	sleep 0.5
	for d in staticd zebra; do
		[ -r "$DIR/$d.pid" ] && kill -KILL "$(cat "$DIR/$d.pid")" 2>/dev/null
		rm -f "$DIR/$d.pid"
	done
}
cleanup() {
	frr_stop
	[ -n "$TCPDUMP_PID" ] && kill -KILL "$TCPDUMP_PID" 2>/dev/null
	[ -n "$HUB_PID" ] && kill -KILL "$HUB_PID" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	ip netns del "$NS_PEER" 2>/dev/null
	rm -rf "$DIR" "/var/run/dpdk/$PREFIX"
}
trap cleanup EXIT

[ -x "$HUB" ] || { t_fail "hub binary $HUB missing"; t_done; exit 1; }
[ -x /usr/lib/frr/zebra ] || t_skip_all "FRR is not installed"
[ -r /usr/lib/x86_64-linux-gnu/frr/modules/dplane_fpm_nl.so ] || t_skip_all "no dplane_fpm_nl"

ip netns add "$NS" && ip netns add "$NS_PEER" || { t_fail "namespaces"; t_done; exit 1; }
for ns in "$NS" "$NS_PEER"; do
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
	ip -n "$ns" link set lo up
done
ip link add nbma0 netns "$NS" type veth peer name peer0 netns "$NS_PEER"
ip link add lan0 netns "$NS" type veth peer name peerlan0 netns "$NS_PEER"
ip -n "$NS" link set nbma0 up
ip -n "$NS" link set lan0 up
ip -n "$NS_PEER" addr add 1.1.1.6/24 dev peer0
ip -n "$NS_PEER" addr add 1.1.1.8/24 dev peer0
ip -n "$NS_PEER" addr add 10.0.0.254/24 dev peerlan0
ip -n "$NS_PEER" link set peer0 up
ip -n "$NS_PEER" link set peerlan0 up
for d in "$NS nbma0" "$NS lan0" "$NS_PEER peer0" "$NS_PEER peerlan0"; do
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
	  exception_interface = "dmvpn0";
	  nhrp = { max_peers = 1024;
		   maps = ( { tunnel = "192.168.1.6"; nbma = "1.1.1.6"; multicast = true; },
			    { tunnel = "192.168.1.8"; nbma = "1.1.1.8"; multicast = true; } ); }; }
);
routes = ( { prefix = "172.16.0.0/16"; via = "192.168.1.6"; } );
mempool = { mbufs = 8191; };
cli = { listen = "127.0.0.1"; port = 2323; };
fpm = { enabled = true; stale_time = 600; };
CONF

ip netns exec "$NS" timeout -s KILL 300 "$HUB" -l 0-1 $(t_eal_mem) --no-pci \
	--file-prefix "$PREFIX" -- -c "$DIR/hub.conf" --idle-sleep 50 \
	> "$DIR/hub.log" 2>&1 &
HUB_PID=$!
if t_wait_for 60 grep -qs "running:" "$DIR/hub.log"; then
	t_ok "hub starts with the FPM server and the exception interface"
else
	t_fail "hub starts"; cat "$DIR/hub.log"; t_done; exit 1
fi
t_check "the FPM server listens on 127.0.0.1:2620" grep -q "fpm: listening on 127.0.0.1:2620" "$DIR/hub.log"
t_check "dmvpn0 exists in the hub's namespace with 192.168.1.1/24" \
	sh -c "ip -n $NS -4 addr show dev dmvpn0 | grep -q '192.168.1.1/24'"

# --- zebra + staticd ------------------------------------------------------------------------
chmod 777 "$DIR"
write_static() {
	{
		echo "ip route 88.88.88.0/24 192.168.1.8"
		[ "${1:-}" = "no66" ] || echo "ip route 66.66.66.0/24 192.168.1.6"
		echo "ip route 77.0.0.0/8 192.168.1.6"
		echo "ip route 77.0.0.0/8 192.168.1.8"
		echo "ip route 99.99.0.0/16 blackhole"
		echo "ip route 44.0.0.0/8 10.0.0.254 dmvpn0 onlink"
		echo "ip route 172.16.0.0/16 192.168.1.8"
	} > "$DIR/staticd.conf"
	chmod 644 "$DIR/staticd.conf"
}
printf 'hostname hub\nfpm address 127.0.0.1\n' > "$DIR/zebra.conf"
chmod 644 "$DIR/zebra.conf"
frr_start() {
	ip netns exec "$NS" /usr/lib/frr/zebra -d -u frr -g frr -M dplane_fpm_nl \
		-f "$DIR/zebra.conf" -i "$DIR/zebra.pid" -z "$DIR/zserv.api" \
		--vty_socket "$DIR" --log "file:$DIR/zebra.log" 2>>"$DIR/frr.err" &&
	t_wait_for 10 test -S "$DIR/zserv.api" &&
	ip netns exec "$NS" /usr/lib/frr/staticd -d -u frr -g frr -f "$DIR/staticd.conf" \
		-i "$DIR/staticd.pid" -z "$DIR/zserv.api" --vty_socket "$DIR" \
		--log "file:$DIR/staticd.log" 2>>"$DIR/frr.err"
}
write_static
t_check "zebra (dplane_fpm_nl) and staticd start" frr_start

# route_json PREFIX: the hub's RIB entry for PREFIX as one JSON line (or nothing).
routes() { ip netns exec "$NS" $CLI "show ip route json" 2>/dev/null; }
route_is() { # PREFIX PYTHON-EXPR (r = the route dict, or None)
	routes | "$PY" -c '
import json, sys
d = json.loads(sys.stdin.read())
r = next((x for x in d["routes"] if x["prefix"] == sys.argv[1]), None)
sys.exit(0 if eval(sys.argv[2]) else 1)' "$1" "$2"
}
fpm_is() { # PYTHON-EXPR on the show fpm json dict f
	ip netns exec "$NS" $CLI "show fpm json" 2>/dev/null | "$PY" -c '
import json, sys
f = json.loads(sys.stdin.read())
sys.exit(0 if eval(sys.argv[1]) else 1)' "$1"
}

if t_wait_for 20 route_is 88.88.88.0/24 'r and r["source"] == "fpm"'; then
	t_ok "zebra's routes arrive over FPM"
else
	t_fail "zebra's routes arrive over FPM"; routes; cat "$DIR/zebra.log"
fi
t_check "66.66.66.0/24 via spoke 192.168.1.6 (source fpm, peer next hop)" \
	route_is 66.66.66.0/24 'r and r["source"] == "fpm" and r["via"] == "192.168.1.6" and r["nexthop"] == "peer" and r["interface"] == "Tunnel0"'
t_check "77.0.0.0/8 is ECMP over both spokes (a next-hop group)" \
	route_is 77.0.0.0/8 'r and r["nexthop"] == "group" and sorted(r["vias"]) == ["192.168.1.6", "192.168.1.8"]'
t_check "99.99.0.0/16 is a blackhole" route_is 99.99.0.0/16 'r and r["nexthop"] == "drop"'
t_check "44.0.0.0/8 via the LAN gateway 10.0.0.254" \
	route_is 44.0.0.0/8 'r and r["nexthop"] == "lan" and r["via"] == "10.0.0.254" and r["interface"] == "lan0"'
t_check "the static 172.16.0.0/16 wins over zebra's (still via 192.168.1.6)" \
	route_is 172.16.0.0/16 'r and r["source"] == "static" and r["via"] == "192.168.1.6"'
t_check "zebra's connected 192.168.1.0/24 leaves the hub's connected route alone" \
	route_is 192.168.1.0/24 'r and r["source"] == "connected"'
t_check "show fpm: synced, counters add up" \
	fpm_is 'f["state"] in ("syncing", "synced") and f["connects"] == 1 and f["route_add"] >= 5 and f["shadowed"] >= 2 and f["nexthop_add"] >= 4 and sum(f["malformed"].values()) == 0'
ip netns exec "$NS" $CLI "show ip route" "show fpm" | sed 's/^/  /'

# --- the exception path: the kernel's ping to a spoke leaves as GRE -------------------------------
ip netns exec "$NS_PEER" timeout 20 tcpdump -n -i peer0 -c 1 -w "$DIR/gre.pcap" \
	'ip proto 47 and dst host 1.1.1.6' >/dev/null 2>&1 &
TCPDUMP_PID=$!
sleep 1
ip netns exec "$NS" ping -c 2 -W 1 -I dmvpn0 192.168.1.6 >/dev/null 2>&1
wait "$TCPDUMP_PID" 2>/dev/null
TCPDUMP_PID=
t_check "a ping out of dmvpn0 to 192.168.1.6 leaves the hub as GRE to 1.1.1.6" \
	sh -c "tcpdump -n -r '$DIR/gre.pcap' 2>/dev/null | grep -q 'GREv0, key=0x2a.*192.168.1.1 > 192.168.1.6: ICMP echo request'"
ip netns exec "$NS" $CLI "show exception json" > "$DIR/exc.json"
t_check "show exception: ARP answered and unicast forwarded" "$PY" -c '
import json, sys
x = json.load(open(sys.argv[1]))
sys.exit(not (x["arp_replied"] >= 1 and x["unicast"] >= 1 and x["interfaces"][0]["interface"] == "dmvpn0"))' "$DIR/exc.json"

# --- multicast: from the kernel replicated to both spokes; from a spoke to the kernel -------------
ip netns exec "$NS_PEER" timeout 20 tcpdump -n -i peer0 -c 2 -w "$DIR/mc.pcap" \
	'ip proto 47 and (dst host 1.1.1.6 or dst host 1.1.1.8)' >/dev/null 2>&1 &
TCPDUMP_PID=$!
sleep 1
ip netns exec "$NS" ping -c 1 -W 1 -t 1 -I dmvpn0 224.0.0.5 >/dev/null 2>&1
wait "$TCPDUMP_PID" 2>/dev/null
TCPDUMP_PID=
t_check "multicast out of dmvpn0 (224.0.0.5) is replicated to both multicast spokes" \
	sh -c "n=\$(tcpdump -n -r '$DIR/mc.pcap' 2>/dev/null | grep -c '192.168.1.1 > 224.0.0.5'); [ \"\$n\" -eq 2 ] && tcpdump -n -r '$DIR/mc.pcap' 2>/dev/null | grep -q '> 1.1.1.6' && tcpdump -n -r '$DIR/mc.pcap' 2>/dev/null | grep -q '> 1.1.1.8'"
ip netns exec "$NS" timeout 20 tcpdump -n -i dmvpn0 -c 1 -w "$DIR/k.pcap" \
	'dst host 224.0.0.5 and src host 192.168.1.6' >/dev/null 2>&1 &
TCPDUMP_PID=$!
sleep 1
ip netns exec "$NS_PEER" "$PY" - <<'PY' >/dev/null 2>&1
from scapy.all import Ether, IP, GRE, Raw, sendp, getmacbyip, conf
conf.verb = 0
# An OSPF-like packet (protocol 89) from spoke 192.168.1.6 (NBMA 1.1.1.6) to 224.0.0.5.
inner = IP(src="192.168.1.6", dst="224.0.0.5", proto=89, ttl=1) / Raw(b"x" * 44)
pkt = IP(src="1.1.1.6", dst="1.1.1.1") / GRE(key_present=1, key=42, proto=0x0800) / inner
sendp(Ether(dst=getmacbyip("1.1.1.1")) / pkt, iface="peer0")
PY
wait "$TCPDUMP_PID" 2>/dev/null
TCPDUMP_PID=
t_check "multicast from a spoke (192.168.1.6 -> 224.0.0.5) reaches the kernel on dmvpn0" \
	sh -c "tcpdump -n -r '$DIR/k.pcap' 2>/dev/null | grep -q '192.168.1.6 > 224.0.0.5'"
ip netns exec "$NS" $CLI "show exception json" > "$DIR/exc.json"
t_check "show exception: multicast counted both ways" "$PY" -c '
import json, sys
x = json.load(open(sys.argv[1]))
sys.exit(not (x["multicast"] >= 1 and x["to_kernel"] >= 1))' "$DIR/exc.json"

# --- withdraw ------------------------------------------------------------------------------
ip netns exec "$NS" vtysh --vty_socket "$DIR" -c 'conf t' -c 'no ip route 88.88.88.0/24 192.168.1.8' \
	>/dev/null 2>&1
t_check "a withdrawn route (88.88.88.0/24) leaves the hub's FIB" \
	t_wait_for 10 route_is 88.88.88.0/24 'r is None'
ip netns exec "$NS" vtysh --vty_socket "$DIR" -c 'conf t' -c 'no ip route 77.0.0.0/8 192.168.1.8' \
	>/dev/null 2>&1
t_check "77.0.0.0/8 loses a path: a single next hop again" \
	t_wait_for 10 route_is 77.0.0.0/8 'r and r["nexthop"] == "peer" and r["via"] == "192.168.1.6"'

# --- zebra goes: routes stay; a malformed frame resets, changes nothing ------------------------
# SIGKILL, as a crash: a zebra stopped cleanly may withdraw its routes on the way out. zebra
# first: with staticd gone first, zebra would withdraw the static routes over FPM itself.
for d in zebra staticd; do kill -KILL "$(cat "$DIR/$d.pid")" 2>/dev/null; done
frr_stop
t_check "zebra gone: the hub notices, its routes stay for the hold time" \
	t_wait_for 30 fpm_is 'f["state"] == "listening" and f["disconnects"] == 1 and f["routes"] >= 4'
[ "$T_FAIL" = 0 ] || ip netns exec "$NS" $CLI "show fpm json" 2>&1 | sed 's/^/  fpm: /'
ip netns exec "$NS" "$PY" - > "$DIR/bad.out" 2>&1 <<'PY'
import socket, struct, time
s = socket.create_connection(("127.0.0.1", 2620), timeout=5)
# A good frame: 55.0.0.0/8 via 192.168.1.6 (RTM_NEWROUTE, table main, unicast).
rt = struct.pack("=BBBBBBBBI", 2, 8, 0, 0, 254, 186, 0, 1, 0)
attrs = struct.pack("=HH4s", 8, 1, socket.inet_aton("55.0.0.0")) + \
        struct.pack("=HH4s", 8, 5, socket.inet_aton("192.168.1.6"))
body = rt + attrs
nl = struct.pack("=IHHII", 16 + len(body), 24, 0x501, 0, 0) + body
s.sendall(struct.pack("!BBH", 1, 1, 4 + len(nl)) + nl)
# 56.0.0.0/8 naming next-hop object 999 before the object exists, then the object
# (192.168.1.8): the route must appear once its object does.
rt = struct.pack("=BBBBBBBBI", 2, 8, 0, 0, 254, 186, 0, 1, 0)
body = rt + struct.pack("=HH4s", 8, 1, socket.inet_aton("56.0.0.0")) + struct.pack("=HHI", 8, 30, 999)
nl = struct.pack("=IHHII", 16 + len(body), 24, 0x501, 0, 0) + body
s.sendall(struct.pack("!BBH", 1, 1, 4 + len(nl)) + nl)
time.sleep(0.3)
body = struct.pack("=BBBBI", 2, 0, 11, 0, 0) + struct.pack("=HHI", 8, 1, 999) + \
       struct.pack("=HH4s", 8, 6, socket.inet_aton("192.168.1.8"))
nl = struct.pack("=IHHII", 16 + len(body), 104, 0x501, 0, 0) + body
s.sendall(struct.pack("!BBH", 1, 1, 4 + len(nl)) + nl)
time.sleep(0.5)
# A bad one: nlmsg_len past the end of the frame.
bad = struct.pack("=IHHII", 200, 24, 0x501, 0, 0) + body
s.sendall(struct.pack("!BBH", 1, 1, 4 + len(bad)) + bad)
try:
    d = s.recv(10)
    print("closed" if d == b"" else "data")
except ConnectionResetError:
    print("reset")
PY
t_check "a malformed frame: the connection is reset" grep -q reset "$DIR/bad.out"
t_check "counted as bad-netlink-length; the good frame before it was applied" \
	fpm_is 'f["malformed"]["bad-netlink-length"] == 1 and f["resets"] == 1'
t_check "55.0.0.0/8 from the good frame is in the RIB" route_is 55.0.0.0/8 'r and r["source"] == "fpm"'
t_check "56.0.0.0/8, sent before its next-hop object, is in the RIB via 192.168.1.8" \
	route_is 56.0.0.0/8 'r and r["source"] == "fpm" and r["via"] == "192.168.1.8"'
t_check "show fpm: one route waited for its object" fpm_is 'f["unknown_nexthop"] == 1'

# --- zebra returns without 66.66.66.0/24: the re-sync sweeps what it did not send again ---------
write_static no66
t_check "zebra and staticd start again" frr_start
both_gone() { route_is 66.66.66.0/24 'r is None' && route_is 55.0.0.0/8 'r is None' && route_is 56.0.0.0/8 'r is None'; }
t_check "after the re-sync 66.66.66.0/24 and 55.0.0.0/8 are gone" t_wait_for 20 both_gone
t_check "routes zebra sent again are there (77.0.0.0/8)" \
	t_wait_for 20 route_is 77.0.0.0/8 'r and r["source"] == "fpm"'
t_check "show fpm: a second connection, a completed re-sync, swept routes" \
	t_wait_for 10 fpm_is 'f["connects"] == 3 and f["state"] == "synced" and f["swept"] >= 2'

kill -TERM "$HUB_PID" 2>/dev/null
t_check "the hub stops on SIGTERM" t_wait_for 10 sh -c "! kill -0 $HUB_PID 2>/dev/null"
HUB_PID=
t_sanitizer_check "$DIR/hub.log"
grep -q "fpm:" "$DIR/hub.log" && grep "fpm:" "$DIR/hub.log" | sed 's/^/  log: /' | head -20
t_done

#!/bin/bash
# OSPF point-to-multipoint between the hub and the FRR spokes of the lab (tests/interop/lab.sh,
# docs/route-exchange.md), judged by real FRR ospfd on both sides.
#
# The hub runs with its exception interface (dmvpn0) and its FPM server; FRR zebra
# (-M dplane_fpm_nl) and ospfd run in the hub's namespace on dmvpn0
# (`ip ospf network point-to-multipoint`, hello 2 s, dead 10 s). Each UML spoke runs ospfd on
# gre1 (point-to-multipoint too) and advertises its LAN; its nhrpd has
# `ip nhrp map multicast 1.1.1.1` and `nhrp multicast-nflog-group 2`, with an iptables rule
# that hands OSPF's multicast leaving gre1 to nhrpd (NFLOG group 2) instead of the kernel:
# that is how FRR spokes send multicast over an mGRE tunnel (the kernel alone would send it
# to the NBMA address 224.0.0.5). The hub has no static route to the LANs: only OSPF brings
# them, and redirects are off so spoke-to-spoke traffic stays on the hub.
#
# Both sides use a /32 on the tunnel: FRR spokes need one (nhrpd), and FRR's ospfd checks
# a hello's network mask on point-to-multipoint unless its own address is a /32 (RFC 2328
# 10.5 checks it on broadcast and NBMA networks only; FRR extends the exemption to p2mp
# /32). So the test gives dmvpn0 192.168.1.1/32 plus an on-link route for the tunnel
# subnet, as FRR DMVPN hubs are configured.
#
# Checks: the hub's hellos (224.0.0.5, TTL 1, from dmvpn0) are replicated by the dataplane
# to both spokes inside GRE and the spokes' hellos reach the hub's kernel; adjacencies reach
# Full on the hub and on both spokes; each spoke's LAN appears in the hub's show ip route as
# source fpm via the spoke's tunnel address; R8's LAN pings R6's LAN through the hub along
# those routes (hairpin counter rises); R6's ospfd frozen (SIGSTOP: silent, as a dead
# router) -> after the dead interval the hub drops the adjacency and 66.66.66.0/24 leaves
# its FIB while 88.88.88.0/24 stays.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

[ "$(id -u)" = 0 ] || t_skip_all "needs root (namespaces, taps)"
[ -x /usr/bin/linux.uml ] || t_skip_all "user-mode-linux is not installed"
[ -x /usr/lib/frr/ospfd ] || t_skip_all "frr is not installed"
[ -r /usr/lib/x86_64-linux-gnu/frr/modules/dplane_fpm_nl.so ] || t_skip_all "no dplane_fpm_nl"
for p in ethtool modprobe pgrep tshark iptables-legacy; do
	command -v $p >/dev/null || t_skip_all "$p is not installed"
done

. tests/interop/lab.sh
FRR_DIR=$(mktemp -d /tmp/dmvpn-ospf-hub.XXXXXX)
HUB_LOG=$FRR_DIR/hub.log
HUB_PREFIX=dmvpn-t$T_ID-ospf
HUB_LIFETIME=1260
. tests/interop/hub.sh
CAP=$FRR_DIR/ospf.pcap
stop_all() {
	lab_hub_frr_stop "$FRR_DIR"
	hub_stop
	lab_down
	rm -rf "$FRR_DIR"
}
trap stop_all EXIT
trap 'exit 130' INT TERM

# Short timers, but not 1/4 s: with the UML spokes on a loaded 2-core machine hellos were
# seen late by more than 4 s and adjacencies flapped.
HELLO=2 DEAD=10
hub_vtysh() { ip netns exec "$HUB_NS" vtysh --vty_socket "$FRR_DIR" "$@" 2>/dev/null; }
route_is() { # PREFIX PYTHON-EXPR (r = the hub's route dict, or None)
	hub_cli "show ip route json" 2>/dev/null | "$HUB_PY" -c '
import json, sys
d = json.loads(sys.stdin.read())
r = next((x for x in d["routes"] if x["prefix"] == sys.argv[1]), None)
sys.exit(0 if eval(sys.argv[2]) else 1)' "$1" "$2" 2>/dev/null
}
# Neighbours in state Full in `show ip ospf neighbor` (hub or spoke), by router ID.
hub_full() { [ "$(hub_vtysh -c 'show ip ospf neighbor' | grep -cE "^192\.168\.1\.[68] .* Full/")" = "$1" ]; }
spoke_full() { lab_vtysh "$1" 'show ip ospf neighbor' 2>/dev/null | grep -qE '^192\.168\.1\.1 .* Full/'; }
fail_logs() {
	echo "--- hub log (tail)"; tail -n 30 "$HUB_LOG"
	echo "--- hub ospfd (tail)"; tail -n 30 "$FRR_DIR/ospfd.log" 2>/dev/null
	hub_vtysh -c 'show ip ospf neighbor' -c 'show ip ospf interface' -c 'show ip route' |
		sed 's/^/# hub frr: /'
	hub_cli "show exception" "show fpm" "show drops" | sed 's/^/# hub: /'
	local s
	for s in R6 R8; do
		echo "--- $s"
		lab_vtysh "$s" 'show ip ospf neighbor' 'show ip route' 2>&1 | tail -n 30
		tail -n 15 "$(lab_log "$s" ospfd)" "$(lab_log "$s" nhrpd)" 2>/dev/null
	done
}

T_START=$(ms)
if ! lab_up --spokes none --lifetime 1200; then
	t_fail "lab_up (UML boot, spoke namespaces)"
	t_done
	exit
fi
t_ok "lab_up in $(($(ms) - T_START)) ms"
HUB_NS=$(lab_hub_ns)

# The lab's hub configuration without its static LAN routes and with no Traffic
# Indications, plus the exception interface and the FPM server.
sed -e '/^routes = (/,/^);/d' \
	-e 's/^\t\tsource = "nbma0";/\t\tsource = "nbma0";\n\t\texception_interface = "dmvpn0";/' \
	-e '/^\t\t\tnetwork_id = 1;/a\			redirect = false;' \
	configs/lab-hub.conf > "$FRR_DIR/hub.conf"
printf 'fpm = { enabled = true; };\n' >> "$FRR_DIR/hub.conf"
# Not through t_run: hub_start sets HUB_PID and HUB_NS_RUN in this shell.
if hub_start "$HUB_NS" "$FRR_DIR/hub.conf"; then
	t_ok "hub starts with dmvpn0 and the FPM server"
else
	t_fail "hub starts with dmvpn0 and the FPM server"; t_done; exit
fi
readdress() {
	ip -n "$HUB_NS" addr del 192.168.1.1/24 dev dmvpn0 &&
		ip -n "$HUB_NS" addr add 192.168.1.1/32 dev dmvpn0 &&
		ip -n "$HUB_NS" route add 192.168.1.0/24 dev dmvpn0
}
t_run "dmvpn0 readdressed 192.168.1.1/32 + on-link 192.168.1.0/24 (FRR p2mp /32)" readdress

printf 'hostname hub\nfpm address 127.0.0.1\n' > "$FRR_DIR/zebra.conf"
cat > "$FRR_DIR/ospfd.conf" <<EOF
hostname hub
interface dmvpn0
 ip ospf network point-to-multipoint
 ip ospf hello-interval $HELLO
 ip ospf dead-interval $DEAD
exit
router ospf
 ospf router-id 192.168.1.1
 network 192.168.1.0/24 area 0
exit
EOF
t_check "zebra (dplane_fpm_nl) and ospfd start in the hub's namespace" \
	lab_hub_frr_start "$FRR_DIR" "$FRR_DIR/zebra.conf" "ospfd:$FRR_DIR/ospfd.conf"

# OSPF's multicast out of gre1 goes to nhrpd (NFLOG group 2), not to the kernel's GRE. The
# UML kernel has iptables but no nftables IPv4 family: iptables-legacy.
# Generous timeouts: on a loaded 2-core machine UML starts a process in seconds.
uml_slow() { LAB_TIMEOUT=300 lab_uml "$@"; }
spoke_slow() { local s=$1; shift; LAB_TIMEOUT=300 lab_spoke "$s" "$@"; }
vtysh_slow() { local s=$1; shift; LAB_TIMEOUT=300 lab_vtysh "$s" "$@"; }
t_run "iptables and NFLOG modules load in the UML kernel" \
	uml_slow "$(lab_dir)/src/modprobe -a ip_tables iptable_filter xt_NFLOG nfnetlink_log"
NFLOG_RULES="iptables-legacy -A OUTPUT -o gre1 -d 224.0.0.0/24 -j NFLOG --nflog-group 2 &&
	iptables-legacy -A OUTPUT -o gre1 -d 224.0.0.0/24 -j DROP"
spoke_start() { LAB_TIMEOUT=300 lab_spoke_start "$1" --routes 192.168.1.0/24 --if-line 'ip nhrp map multicast 1.1.1.1'; }
for s in R6 R8; do
	tun=$(_lab_field $s 6) lan=$(_lab_field $s 7)
	t_run "$s: iptables hands gre1's multicast to NFLOG group 2" spoke_slow $s "$NFLOG_RULES"
	# The hub's tunnel MTU (1400, `ip mtu 1400` on a Cisco spoke): OSPF refuses a
	# neighbour whose Database Description announces a larger MTU than its own (RFC 2328
	# 10.6), and Linux gives a keyed GRE on a 1500-byte link 1472.
	t_run "$s: gre1 MTU 1400, as the hub's tunnel" spoke_slow $s "ip link set gre1 mtu 1400"
	# Only the tunnel subnet via the hub: the LANs must come from OSPF.
	t_run "FRR (nhrpd with map multicast 1.1.1.1) starts on $s" \
		spoke_start $s
	t_run "$s: nhrp multicast-nflog-group 2" \
		vtysh_slow $s 'configure terminal' 'nhrp multicast-nflog-group 2'
	t_check "$s: nhrpd listens on NFLOG group 2" \
		wait_until 30 grep -q "Register nflog group: 2" "$(lab_log $s nhrpd)"
	cat > "$FRR_DIR/ospfd-$s.conf" <<EOF
hostname $s
log file $LAB_DIR/$s/ospfd.log
interface gre1
 ip ospf network point-to-multipoint
 ip ospf hello-interval $HELLO
 ip ospf dead-interval $DEAD
exit
interface lan0
 ip ospf passive
exit
router ospf
 ospf router-id $tun
 network 192.168.1.0/24 area 0
 network $(_lab_net "$lan") area 0
exit
EOF
	t_run "ospfd starts on $s" lab_spoke_frrd $s ospfd "$FRR_DIR/ospfd-$s.conf"
done

t0=$(ms)
t_check "the hub's ospfd reaches Full with both spokes" wait_until 240 hub_full 2
echo "# timing: both adjacencies Full $(($(ms) - t0)) ms after the spokes' ospfd started"
hub_vtysh -c 'show ip ospf neighbor' | sed 's/^/#   hub: /'
for s in R6 R8; do
	t_check "$s's ospfd has the hub (192.168.1.1) Full" wait_until 60 spoke_full $s
done

# On the wire (both directions at the hub's veth, 3 hello intervals): the hub's hello
# leaves as one GRE copy per spoke, inner 192.168.1.1 -> 224.0.0.5 with TTL 1 untouched;
# each spoke's hello comes in the same way.
lab_capture_start "$CAP" --hub-peer 'ip proto 47' && sleep $((3 * HELLO)) && lab_capture_stop "$CAP"
hellos() { # OUTER-SRC OUTER-DST: OSPF hellos to 224.0.0.5 with inner TTL 1 in the capture
	# Fields: outer,inner of each (tshark's aggregator is a comma).
	tshark -r "$CAP" -Y 'ospf.msg == 1' -T fields -E occurrence=a \
		-e ip.src -e ip.dst -e ip.ttl 2>/dev/null |
		awk -F'\t' -v s="$1," -v d="$2,224.0.0.5" \
			'index($1, s) == 1 && $2 == d && $3 ~ /,1$/ { n++ } END { print n + 0 }'
}
for pair in "1.1.1.1 6.6.6.6" "1.1.1.1 8.8.8.8" "6.6.6.6 1.1.1.1" "8.8.8.8 1.1.1.1"; do
	set -- $pair
	n=$(hellos "$1" "$2")
	t_check "capture: OSPF hellos $1 -> $2 in GRE, inner 224.0.0.5 TTL 1 ($n in $((3 * HELLO)) s)" [ "$n" -ge 2 ]
done
x=$(hub_cli "show exception json")
echo "#   hub: $x"
t_check "show exception: multicast replicated from dmvpn0 and hellos handed to the kernel" \
	"$HUB_PY" -c 'import json, sys; x = json.loads(sys.argv[1]); sys.exit(not (x["multicast"] >= 4 and x["to_kernel"] >= 4))' "$x"

t_check "66.66.66.0/24 in the hub's RIB: source fpm, via 192.168.1.6 (peer)" \
	wait_until 60 route_is 66.66.66.0/24 'r and r["source"] == "fpm" and r["via"] == "192.168.1.6" and r["nexthop"] == "peer"'
t_check "88.88.88.0/24 in the hub's RIB: source fpm, via 192.168.1.8 (peer)" \
	wait_until 30 route_is 88.88.88.0/24 'r and r["source"] == "fpm" and r["via"] == "192.168.1.8" and r["nexthop"] == "peer"'
hub_cli "show ip route" | sed 's/^/#   hub: /'

# Spoke to spoke along the OSPF routes: R8's route to R6's LAN is OSPF's, via the hub.
ospf_route() { lab_spoke R8 ip route show 66.66.66.0/24 2>/dev/null | grep -q 'via 192.168.1.1 dev gre1'; }
t_check "R8 routes 66.66.66.0/24 via the hub into gre1 (OSPF)" wait_until 30 ospf_route
lab_spoke R8 ip route show 66.66.66.0/24 2>&1 | sed 's/^/#   R8: /'
hp0=$(hub_tel /dmvpn/stats hairpin)
for round in 1 2 3; do
	out=$(LAB_TIMEOUT=40 lab_spoke R8 ping -c 3 -W 5 -I 88.88.88.88 66.66.66.66 2>&1)
	echo "$out" | grep 'packets transmitted' | sed "s/^/#   round $round: /"
	grep -qE ' 3 received' <<<"$out" && break
done
t_check "ping from R8's LAN 88.88.88.88 to R6's LAN 66.66.66.66 (routes from OSPF)" \
	grep -qE ' 3 received' <<<"$out"
hp1=$(hub_tel /dmvpn/stats hairpin)
rose() { [ -n "$hp0" ] && [ -n "$hp1" ] && [ "$((hp1 - hp0))" -ge 6 ]; }
t_check "the echoes crossed the hub (telemetry hairpin ${hp0:-?} -> ${hp1:-?})" rose

# R6's ospfd goes silent (frozen, so it flushes nothing): only the dead interval can end
# the adjacency.
gone() { route_is 66.66.66.0/24 'r is None'; }
t_run "R6's ospfd frozen (SIGSTOP)" lab_spoke_frrd_signal R6 ospfd STOP
t0=$(ms)
wait_until 60 gone
rc=$?
dt=$(($(ms) - t0))
t_check "66.66.66.0/24 leaves the hub's FIB once R6 is dead" [ $rc = 0 ]
echo "# timing: route gone $dt ms after R6's ospfd froze (dead interval $DEAD s, hello $HELLO s)"
after_dead() { [ $rc = 0 ] && [ "$dt" -ge $(((DEAD - HELLO) * 1000)) ]; }
t_check "... not before the dead interval ran out (${dt} ms >= $(((DEAD - HELLO) * 1000)) ms)" after_dead
t_check "the hub's ospfd keeps only R8 Full" hub_full 1
t_check "88.88.88.0/24 stays (fpm, via 192.168.1.8)" \
	route_is 88.88.88.0/24 'r and r["source"] == "fpm" and r["via"] == "192.168.1.8"'
hub_cli "show fpm" | sed 's/^/#   hub: /'

[ "$T_FAIL" -gt 0 ] && fail_logs
hub_sanitizer_check
echo "# whole test $(($(ms) - T_START)) ms"
t_done

#!/bin/bash
# BGP route exchange in the spoke lab (tests/interop/lab.sh, docs/route-exchange.md): the
# hub runs with an exception interface (dmvpn0, 192.168.1.1/24) and its FPM server; FRR
# zebra (-M dplane_fpm_nl) and bgpd run in the hub's namespace as a route reflector with
# `bgp listen range 192.168.1.0/24`; each UML spoke (FRR nhrpd) runs bgpd too and
# advertises its LAN. The hub has no static route to the LANs: only BGP brings them.
#
# Checks: both sessions establish over the DMVPN (through the exception path); the LANs
# appear in the hub's show ip route with source fpm and the spoke's tunnel address as next
# hop; R8's LAN reaches R6's LAN through the hub; withdrawing R6's LAN removes it from the
# hub's FIB.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

[ "$(id -u)" = 0 ] || t_skip_all "needs root (namespaces, taps)"
[ -x /usr/bin/linux.uml ] || t_skip_all "user-mode-linux is not installed"
[ -x /usr/lib/frr/bgpd ] || t_skip_all "frr is not installed"
[ -r /usr/lib/x86_64-linux-gnu/frr/modules/dplane_fpm_nl.so ] || t_skip_all "no dplane_fpm_nl"
for p in ethtool modprobe pgrep; do
	command -v $p >/dev/null || t_skip_all "$p is not installed"
done
PY=/usr/bin/python3

. tests/interop/lab.sh
FRR_DIR=$(mktemp -d /tmp/dmvpn-bgp-hub.XXXXXX)
HUB_LOG=$FRR_DIR/hub.log
HUB_PREFIX=dmvpn-t$T_ID-bgp
HUB_LIFETIME=950
. tests/interop/hub.sh
[ -x "$HUB_BIN" ] || { t_fail "hub binary $HUB_BIN missing"; t_done; exit 1; }
stop_all() {
	lab_hub_frr_stop "$FRR_DIR"
	hub_stop
	lab_down
	rm -rf "$FRR_DIR"
}
trap stop_all EXIT
trap 'exit 130' INT TERM

hub_vtysh() { ip netns exec "$HUB_NS" vtysh --vty_socket "$FRR_DIR" "$@" 2>/dev/null; }
route_is() { # PREFIX PYTHON-EXPR (r = the hub's route dict, or None)
	hub_cli "show ip route json" 2>/dev/null | "$PY" -c '
import json, sys
d = json.loads(sys.stdin.read())
r = next((x for x in d["routes"] if x["prefix"] == sys.argv[1]), None)
sys.exit(0 if eval(sys.argv[2]) else 1)' "$1" "$2" 2>/dev/null
}
established() { # the hub's bgpd has N sessions up
	[ "$(hub_vtysh -c 'show bgp ipv4 unicast summary json' | "$PY" -c '
import json, sys
d = json.loads(sys.stdin.read())
print(sum(1 for p in d.get("peers", {}).values() if p.get("state") == "Established"))' 2>/dev/null)" = "$1" ]
}
fail_logs() {
	echo "--- hub log (tail)"; tail -n 30 "$HUB_LOG"
	echo "--- hub bgpd (tail)"; tail -n 20 "$FRR_DIR/bgpd.log" 2>/dev/null
	hub_vtysh -c 'show bgp summary' -c 'show ip route' | sed 's/^/# hub frr: /'
	hub_cli "show exception" "show fpm" "show drops" | sed 's/^/# hub: /'
	local s
	for s in R6 R8; do
		echo "--- $s bgpd"; lab_vtysh "$s" 'show bgp summary' 'show ip route' 2>&1 | tail -n 30
	done
}

T_START=$(ms)
# The spokes route only the tunnel subnet through the hub: the LANs must come from BGP.
if ! lab_up --spokes none --lifetime 900; then
	t_fail "lab_up (UML boot, spoke namespaces)"
	t_done
	exit
fi
t_ok "lab_up in $(($(ms) - T_START)) ms"
HUB_NS=$(lab_hub_ns)

# The lab's hub configuration without its static LAN routes, plus the exception interface
# and the FPM server.
sed -e '/^routes = (/,/^);/d' \
	-e 's/^\t\tsource = "nbma0";/\t\tsource = "nbma0";\n\t\texception_interface = "dmvpn0";/' \
	configs/lab-hub.conf > "$FRR_DIR/hub.conf"
printf 'fpm = { enabled = true; };\n' >> "$FRR_DIR/hub.conf"
# Not through t_run: hub_start sets HUB_PID and HUB_NS_RUN in this shell.
if hub_start "$HUB_NS" "$FRR_DIR/hub.conf"; then
	t_ok "hub starts with dmvpn0 and the FPM server"
else
	t_fail "hub starts with dmvpn0 and the FPM server"; t_done; exit
fi

printf 'hostname hub\nfpm address 127.0.0.1\n' > "$FRR_DIR/zebra.conf"
cat > "$FRR_DIR/bgpd.conf" <<'EOF'
hostname hub
router bgp 65000
 bgp router-id 192.168.1.1
 no bgp ebgp-requires-policy
 neighbor SPOKES peer-group
 neighbor SPOKES remote-as 65000
 bgp listen range 192.168.1.0/24 peer-group SPOKES
 address-family ipv4 unicast
  neighbor SPOKES route-reflector-client
 exit-address-family
EOF
t_check "zebra (dplane_fpm_nl) and bgpd start in the hub's namespace" \
	lab_hub_frr_start "$FRR_DIR" "$FRR_DIR/zebra.conf" "bgpd:$FRR_DIR/bgpd.conf"

spoke_start() { LAB_TIMEOUT=300 lab_spoke_start "$1" --routes 192.168.1.0/24; }
for s in R6 R8; do
	tun=$(_lab_field $s 6) lan=$(_lab_field $s 7)
	# Generous timeouts: on a loaded 2-core machine UML starts a process in seconds.
	t_check "FRR (nhrpd) starts on $s" spoke_start $s
	cat > "$FRR_DIR/bgpd-$s.conf" <<EOF
hostname $s
log file $LAB_DIR/$s/bgpd.log
router bgp 65000
 bgp router-id $tun
 no bgp ebgp-requires-policy
 neighbor 192.168.1.1 remote-as 65000
 neighbor 192.168.1.1 update-source $tun
 neighbor 192.168.1.1 timers connect 3
 address-family ipv4 unicast
  network $(_lab_net "$lan")
 exit-address-family
EOF
	t_check "bgpd starts on $s" lab_spoke_bgpd $s "$FRR_DIR/bgpd-$s.conf"
done

t0=$(ms)
t_check "both BGP sessions establish over the DMVPN (through dmvpn0)" wait_until 240 established 2
echo "# timing: sessions up $(($(ms) - t0)) ms after the spokes' bgpd started"
lab_vtysh R6 'show bgp ipv4 unicast' 2>&1 | sed 's/^/#   R6: /'
t_check "66.66.66.0/24 in the hub's RIB: source fpm, via 192.168.1.6" \
	wait_until 30 route_is 66.66.66.0/24 'r and r["source"] == "fpm" and r["via"] == "192.168.1.6" and r["nexthop"] == "peer"'
t_check "88.88.88.0/24 in the hub's RIB: source fpm, via 192.168.1.8" \
	wait_until 30 route_is 88.88.88.0/24 'r and r["source"] == "fpm" and r["via"] == "192.168.1.8"'
hub_cli "show ip route" | sed 's/^/#   hub: /'

# Spoke to spoke through the hub's FPM routes (the hub has no other route to the LANs).
# R8's route to R6's LAN is the reflected BGP route via 192.168.1.6, i.e. into gre1 (its
# default route would take the underlay, where R6 answers for every address it owns).
gre_route() { lab_spoke R8 ip route get 66.66.66.66 from 88.88.88.88 2>/dev/null | grep -q 'dev gre1'; }
t_check "R8 routes 66.66.66.66 into the tunnel (the reflected BGP route)" wait_until 30 gre_route
lab_spoke R8 ip route show 66.66.66.0/24 2>&1 | sed 's/^/#   R8: /'
for round in 1 2 3; do
	out=$(LAB_TIMEOUT=40 lab_spoke R8 ping -c 3 -W 5 -I 88.88.88.88 66.66.66.66 2>&1)
	echo "$out" | grep 'packets transmitted' | sed "s/^/#   round $round: /"
	grep -qE ' 3 received' <<<"$out" && break
done
t_check "ping from R8's LAN 88.88.88.88 to R6's LAN 66.66.66.66 (routes from BGP)" \
	grep -qE ' 3 received' <<<"$out"

# Withdraw R6's LAN: its interface goes down, the connected route goes, and bgpd (network
# import-check) withdraws the prefix.
LAB_TIMEOUT=120 lab_spoke R6 ip link set lan0 down 2>&1 | sed 's/^/#   R6: /'
t_check "withdrawing 66.66.66.0/24 on R6 removes it from the hub's FIB" \
	wait_until 90 route_is 66.66.66.0/24 'r is None'
t_check "88.88.88.0/24 stays" route_is 88.88.88.0/24 'r and r["source"] == "fpm"'
hub_cli "show fpm" "show exception" | sed 's/^/#   hub: /'

[ "$T_FAIL" -gt 0 ] && fail_logs
hub_sanitizer_check
echo "# whole test $(($(ms) - T_START)) ms"
t_done

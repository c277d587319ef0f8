#!/bin/bash
# The NHRP server against real FRR 8.4 spokes in the spoke lab (tests/interop/lab.sh,
# docs/lab.md), scenarios 1, 2, 3 and 7 of issue 6 on one lab bring-up. The hub runs on
# net_af_packet in the lab's hub namespace with configs/lab-hub.conf; R6 and R8 start after
# it, while tcpdump captures everything the hub sends and receives.
#   1. both spokes register: the hub's `show dmvpn` (CLI over telnet) lists both D / UP with
#      their NBMA addresses; each spoke's `show ip nhrp nhs` / `show ip nhrp cache` has the
#      hub up;
#   2. R8's LAN pings R6's LAN through the hub (the hub's hairpin counter rises);
#   3. Phase 3: the hub sends Traffic Indications, the spokes resolve each other's LAN
#      through the hub, shortcuts appear on both (`show ip nhrp shortcut`, cache, kernel
#      routes), then the hub's hairpin counter stays still while the pings go on;
#   7. the capture, decoded by tshark: no malformed NHRP; op 3 then 4 per spoke; then 8
#      (hub -> R8), 1 (R8 -> hub), 1 (hub -> R6), 2 (R6 -> hub), 2 (hub -> R8).
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

[ "$(id -u)" = 0 ] || t_skip_all "needs root (namespaces, taps)"
[ -x /usr/bin/linux.uml ] || t_skip_all "user-mode-linux is not installed"
[ -x /usr/lib/frr/nhrpd ] || t_skip_all "frr is not installed"
for p in ethtool modprobe pgrep tshark tcpdump; do
	command -v $p >/dev/null || t_skip_all "$p is not installed"
done

# UML boots in 5-7 s on a quiet machine, but took over 2 minutes on a shared one.
: "${LAB_BOOT_TIMEOUT:=300}"
. tests/interop/lab.sh
. tests/interop/hub.sh
[ -x "$HUB_BIN" ] || { t_fail "hub binary $HUB_BIN missing"; t_done; exit 1; }
HUB_LIFETIME=1260
stop_all() {
	hub_stop
	lab_down
	rm -f "$HUB_LOG"
}
trap stop_all EXIT
trap 'exit 130' INT TERM

quote() { sed "s/^/#   $1: /"; }
rose() { [ -n "$1" ] && [ -n "$2" ] && [ "$2" -gt "$1" ]; }
# still BEFORE AFTER PING-OUTPUT: the counter did not move while echoes did cross
still() { [ -n "$1" ] && [ "$1" = "$2" ] && grep -qE ' [1-9][0-9]* received' <<<"$3"; }
fail_logs() {
	local s
	echo "--- hub: show dmvpn, show ip nhrp, show ip nhrp traffic"
	hub_cli 'show dmvpn' 'show ip nhrp' 'show ip nhrp traffic' 2>&1
	echo "--- hub log (tail, without CLI sessions)"
	grep -v 'hub.cli: session' "$HUB_LOG" | tail -n 40
	for s in R6 R8; do
		echo "--- $s nhrpd.log (tail)"
		tail -n 25 "$(lab_log $s nhrpd)" 2>/dev/null
	done
	echo "--- NHRP on the wire"
	[ -s "$CAP" ] && tshark -r "$CAP" -Y "$HUB_WIRE_NHRP" 2>/dev/null | tail -n 40
}

T_START=$(ms)
if ! lab_up --spokes none --lifetime 1200; then
	t_fail "lab_up (UML boot, spoke namespaces)"
	t_done
	exit
fi
t_ok "lab_up in $(($(ms) - T_START)) ms"
HUB_NS=$(lab_hub_ns)
CAP=$LAB_DIR/hub.pcap

# The hub first: FRR spokes that get no answer back off up to 64 s between attempts.
if ! hub_start "$HUB_NS" configs/lab-hub.conf; then
	t_fail "hub starts in $HUB_NS"
	t_done
	exit
fi
t_ok "hub starts in $HUB_NS"
t_check "capture of the hub's traffic starts (hub0, the other end of its veth)" \
	lab_capture_start "$CAP" --hub-peer

# --- 1. both spokes register
t0=$(ms)
t_run "FRR starts on R6" lab_spoke_start R6
t_run "FRR starts on R8" lab_spoke_start R8
echo "# timing: FRR up on both spokes in $(($(ms) - t0)) ms"
t0=$(ms)
peer_is() { [ "$(hub_peer "$1")" = "$2" ]; }
t_check "the hub holds R6: dynamic, up, NBMA 6.6.6.6 (show dmvpn json)" \
	wait_until 90 peer_is 192.168.1.6 "dynamic up 6.6.6.6"
t_check "the hub holds R8: dynamic, up, NBMA 8.8.8.8 (show dmvpn json)" \
	wait_until 60 peer_is 192.168.1.8 "dynamic up 8.8.8.8"
echo "# timing: both registered $(($(ms) - t0)) ms after FRR was up"
out=$(hub_cli 'show dmvpn')
quote hub <<<"$out"
t_check "hub show dmvpn: '1 6.6.6.6 192.168.1.6 UP ... D'" \
	grep -qE '^ +1 +6\.6\.6\.6 +192\.168\.1\.6 +UP +[0-9:dhw]+ +D$' <<<"$out"
t_check "hub show dmvpn: '1 8.8.8.8 192.168.1.8 UP ... D'" \
	grep -qE '^ +1 +8\.8\.8\.8 +192\.168\.1\.8 +UP +[0-9:dhw]+ +D$' <<<"$out"
t_check "hub show dmvpn: Type:Hub, 2 peers registered" grep -q 'Tunnel0, Type:Hub' <<<"$out"

# spoke_nhs_up SPOKE: its nhs line has the hub's protocol address (FRR shows it only after
# a successful registration) and its cache an nhs entry for it. Leaves the output in OUT.
spoke_nhs_up() {
	OUT=$(LAB_TIMEOUT=90 lab_vtysh "$1" 'show ip nhrp nhs' 'show ip nhrp cache' 2>&1)
	grep -qE '^gre1 +1\.1\.1\.1 +1\.1\.1\.1 +192\.168\.1\.1' <<<"$OUT" &&
		grep -qE '^gre1 +nhs +192\.168\.1\.1 +1\.1\.1\.1 ' <<<"$OUT"
}
for s in R6 R8; do
	t_check "$s: show ip nhrp nhs lists the hub up (1.1.1.1 -> 192.168.1.1), cache has it as nhs" \
		wait_until 30 spoke_nhs_up $s
	quote $s <<<"$OUT"
done

# --- 2. ping through the hub
hp0=$(hub_tel /dmvpn/stats hairpin)
# The first echo may race neighbour resolution (hub, spokes) or zebra installing the route
# via the hub: up to three rounds of three echoes, one must get 3/3.
for round in 1 2 3; do
	out=$(LAB_TIMEOUT=60 lab_spoke R8 ping -c 3 -W 5 -I 88.88.88.88 66.66.66.66 2>&1)
	{ grep 'packets transmitted' <<<"$out" || echo "$out"; } | quote "round $round"
	grep -qE ' 3 received' <<<"$out" && break
done
t_check "ping from R8's LAN 88.88.88.88 to R6's LAN 66.66.66.66 through the hub" \
	grep -qE ' 3 received' <<<"$out"
hp1=$(hub_tel /dmvpn/stats hairpin)
t_check "the echoes crossed the hub (telemetry hairpin ${hp0:-?} -> ${hp1:-?})" \
	rose "$hp0" "$hp1"

# --- 3. Phase 3: Traffic Indication, resolution through the hub, shortcuts on both spokes
# R8's echoes hairpin (TI to R8, which resolves 66.66.66.66), and so do R6's replies (TI to
# R6, which resolves 88.88.88.88): keep pinging until both kernels have the shortcut routes.
shortcuts_up() {
	local a b
	a=$(LAB_TIMEOUT=60 lab_spoke R8 'ping -c 3 -i 0.3 -W 2 -I 88.88.88.88 66.66.66.66 >/dev/null; ip -4 route show 66.66.66.0/24' 2>/dev/null)
	b=$(lab_spoke R6 'ip -4 route show 88.88.88.0/24' 2>/dev/null)
	R8_RT=$a R6_RT=$b
	grep -q 'via 192\.168\.1\.6 ' <<<"$a" && grep -q 'via 192\.168\.1\.8 ' <<<"$b"
}
# At most 75 s; after 25 s without a single Traffic Indication from the hub, give up.
phase3() {
	local deadline=$(($(ms) + 75000)) no_ti=$(($(ms) + 25000))
	while [ "$(ms)" -lt "$deadline" ]; do
		shortcuts_up && return 0
		if [ "$(ms)" -ge "$no_ti" ] &&
			[ "$(hub_json 'show ip nhrp traffic json' 'd["sent"]["traffic-indication"]')" = 0 ]; then
			echo "#   the hub sent no Traffic Indication in 25 s of hairpinning pings"
			return 1
		fi
	done
	return 1
}
t0=$(ms)
R8_RT='' R6_RT=''
t_check "shortcut routes: R8 66.66.66.0/24 via 192.168.1.6, R6 88.88.88.0/24 via 192.168.1.8" \
	phase3
echo "# timing: shortcuts in the kernels $(($(ms) - t0)) ms after the pings started"
quote "R8 route" <<<"$R8_RT"
quote "R6 route" <<<"$R6_RT"
# vtysh starts slowly in UML (1.3 s quiet, 10-30 s when the machine is loaded)
out8=$(LAB_TIMEOUT=90 lab_vtysh R8 'show ip nhrp shortcut' 'show ip nhrp cache' 2>&1)
quote R8 <<<"$out8"
out6=$(LAB_TIMEOUT=90 lab_vtysh R6 'show ip nhrp shortcut' 'show ip nhrp cache' 2>&1)
quote R6 <<<"$out6"
t_check "R8: show ip nhrp shortcut has 66.66.66.0/24 via 192.168.1.6" \
	grep -qE '66\.66\.66\.0/24 +192\.168\.1\.6' <<<"$out8"
t_check "R8: its cache resolved 192.168.1.6 to 6.6.6.6" grep -qE '^gre1 +[a-z]+ +192\.168\.1\.6 +6\.6\.6\.6 ' <<<"$out8"
t_check "R6: show ip nhrp shortcut has 88.88.88.0/24 via 192.168.1.8" \
	grep -qE '88\.88\.88\.0/24 +192\.168\.1\.8' <<<"$out6"
t_check "R6: its cache resolved 192.168.1.8 to 8.8.8.8" grep -qE '^gre1 +[a-z]+ +192\.168\.1\.8 +8\.8\.8\.8 ' <<<"$out6"
out=$(hub_cli 'show ip nhrp traffic')
quote hub <<<"$out"
n=$(hub_json 'show ip nhrp traffic json' 'd["sent"]["traffic-indication"] > 0 and d["received"]["resolution-request"] > 0 and d["sent"]["resolution-request"] > 0 and d["received"]["resolution-reply"] > 0 and d["sent"]["resolution-reply"] > 0')
t_check "hub counters: Traffic Indications sent, Resolution Requests and Replies received and sent on" \
	[ "$n" = True ]
sleep 2 # echoes in flight when the routes changed
hp2=$(hub_tel /dmvpn/stats hairpin)
out=$(LAB_TIMEOUT=60 lab_spoke R8 ping -c 10 -i 0.3 -W 3 -I 88.88.88.88 66.66.66.66 2>&1)
{ grep 'packets transmitted' <<<"$out" || echo "$out"; } | quote "direct"
hp3=$(hub_tel /dmvpn/stats hairpin)
t_check "10 echoes R8 LAN -> R6 LAN over the shortcut" grep -qE ' 10 received' <<<"$out"
t_check "while they crossed, the hub's hairpin counter stood still (${hp2:-?} -> ${hp3:-?})" \
	still "$hp2" "$hp3" "$out"

# --- 7. the capture
lab_capture_stop "$CAP"
TS=(tshark -r "$CAP")
n=$("${TS[@]}" -Y "$HUB_WIRE_NHRP" 2>/dev/null | wc -l)
bad=$("${TS[@]}" -Y "$HUB_WIRE_BAD" 2>/dev/null)
t_check "tshark: $n NHRP packets on the wire, none malformed or with a bad checksum" \
	[ "$n" -gt 0 -a -z "$bad" ]
[ -n "$bad" ] && echo "$bad" | head -n 20
"${TS[@]}" -Y "$HUB_WIRE_NHRP" -T fields -E occurrence=f -e frame.number -e ip.src -e ip.dst -e nhrp.hdr.op.type \
	2>/dev/null >"$LAB_DIR/ops.txt"
# "op src>dst" per NHRP packet, consecutive repeats folded
awk '{k = $4 " " $2 ">" $3; if (k != last) printf "%s%s", (n++ ? ", " : ""), k; last = k} END {print ""}' \
	"$LAB_DIR/ops.txt" | fold -w 100 | quote "NHRP ops"
# order "op src dst" ...: each one's first appearance comes after the previous one's.
order() {
	awk -v want="$*" 'BEGIN {n = split(want, w, " ")}
		{for (i = 1; i <= n; i += 3) if (!(i in at) && $4 == w[i] && $2 == w[i + 1] && $3 == w[i + 2]) at[i] = $1}
		END {prev = 0; for (i = 1; i <= n; i += 3) {if (!(i in at) || at[i] < prev) exit 1; prev = at[i]} }' \
		"$LAB_DIR/ops.txt"
}
for s in "6.6.6.6 R6" "8.8.8.8 R8"; do
	set -- $s
	t_check "order on the wire for $2: Registration Request (3) from $1, then Reply (4) to it" \
		order 3 "$1" 1.1.1.1 4 1.1.1.1 "$1"
done
t_check "order on the wire for Phase 3: 8 hub>R8, 1 R8>hub, 1 hub>R6, 2 R6>hub, 2 hub>R8" \
	order 8 1.1.1.1 8.8.8.8 1 8.8.8.8 1.1.1.1 1 1.1.1.1 6.6.6.6 2 6.6.6.6 1.1.1.1 2 1.1.1.1 8.8.8.8

[ "$T_FAIL" -gt 0 ] && fail_logs
hub_sanitizer_check
echo "# whole test $(($(ms) - T_START)) ms"
t_done

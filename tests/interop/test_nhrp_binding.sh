#!/bin/bash
# The lives of a binding against real FRR 8.4 spokes in the spoke lab (docs/lab.md),
# scenarios 5 and 6 of issue 6 on one lab bring-up, hub with configs/lab-hub.conf.
#   6. a silent spoke: R6 registers with `ip nhrp holdtime 24` (it refreshes every 8 s),
#      then its nhrpd is frozen (SIGSTOP: no Purge, no goodbye, as a hung router). Its
#      binding stays while the holdtime runs (R8's LAN still reaches R6's LAN through the
#      hub's worker), then leaves show dmvpn, and the worker drops traffic to R6's LAN
#      (peer-incomplete) instead of sending it to 6.6.6.6.
#   5. R8 (unique binding from 8.8.8.8) comes back from 8.8.8.9: refused with CIE code 14
#      (R8's nhrpd log, the wire, the hub's counters) while the binding lives; accepted
#      after `clear ip nhrp 192.168.1.8` on the hub; then back from 8.8.8.8 with
#      `ip nhrp registration no-unique`: accepted at once (its first answer is code 0).
# The expiry of scenario 6 runs while R8 restarts (a watcher notes when the entry goes);
# the worker's side of it is checked once R8 is registered again.
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
WATCH_PID=
stop_all() {
	[ -n "$WATCH_PID" ] && kill "$WATCH_PID" 2>/dev/null
	hub_stop
	lab_down
	rm -f "$HUB_LOG"
}
trap stop_all EXIT
trap 'exit 130' INT TERM

quote() { sed "s/^/#   $1: /"; }
peer_is() { [ "$(hub_peer "$1")" = "$2" ]; }
fail_logs() {
	local s
	echo "--- hub: show dmvpn, show ip nhrp, show ip nhrp traffic, show drops"
	hub_cli 'show dmvpn' 'show ip nhrp' 'show ip nhrp traffic' 'show drops' 2>&1
	echo "--- hub log (tail, without CLI sessions)"
	grep -v 'hub.cli: session' "$HUB_LOG" | tail -n 40
	for s in R6 R8; do
		echo "--- $s nhrpd.log (tail)"
		tail -n 25 "$(lab_log $s nhrpd)" 2>/dev/null
	done
	echo "--- NHRP on the wire"
	[ -s "$CAP" ] && tshark -r "$CAP" -Y "$HUB_WIRE_NHRP" 2>/dev/null | tail -n 40
}
# ping8 N: R8's LAN -> R6's LAN, N echoes; prints ping's summary line
ping8() {
	local out
	out=$(LAB_TIMEOUT=60 lab_spoke R8 ping -c "$1" -i 0.5 -W 3 -I 88.88.88.88 66.66.66.66 2>&1)
	grep 'packets transmitted' <<<"$out" || echo "$out"
}
drops() { hub_json 'show drops json' "d['reasons']['$1']['workers']"; }

T_START=$(ms)
if ! lab_up --spokes none --lifetime 1200; then
	t_fail "lab_up (UML boot, spoke namespaces)"
	t_done
	exit
fi
t_ok "lab_up in $(($(ms) - T_START)) ms"
HUB_NS=$(lab_hub_ns)
CAP=$LAB_DIR/hub.pcap
if ! hub_start "$HUB_NS" configs/lab-hub.conf; then
	t_fail "hub starts in $HUB_NS"
	t_done
	exit
fi
t_ok "hub starts in $HUB_NS"
t_check "capture of the hub's traffic starts" lab_capture_start "$CAP" --hub-peer

t0=$(ms)
t_run "FRR starts on R6 with ip nhrp holdtime 24" lab_spoke_start R6 --holdtime 24
t_run "FRR starts on R8" lab_spoke_start R8
echo "# timing: FRR up on both spokes in $(($(ms) - t0)) ms"
t_check "the hub holds R6 (dynamic, up, 6.6.6.6)" wait_until 90 peer_is 192.168.1.6 "dynamic up 6.6.6.6"
t_check "the hub holds R8 (dynamic, up, 8.8.8.8)" wait_until 60 peer_is 192.168.1.8 "dynamic up 8.8.8.8"
out=$(hub_cli 'show ip nhrp 192.168.1.6 detail' 'show ip nhrp 192.168.1.8 detail')
quote hub <<<"$out"
t_check "R6's binding has the holdtime R6 asked for (24 s)" grep -q 'holdtime 24 s' <<<"$out"
t_check "R8's binding is unique (U flag)" grep -A1 '^192\.168\.1\.8/32' <<<"$out" | grep -q unique

# --- 6. R6 goes silent
t_check "R6's nhrpd frozen (SIGSTOP)" lab_spoke R6 'kill -STOP $(cat /run/dmvpn-lab/R6/nhrpd.pid)'
T_SILENT=$(ms)
t_check "right after, the hub still holds R6" peer_is 192.168.1.6 "dynamic up 6.6.6.6"
# The watcher notes when the entry leaves show dmvpn (at most 90 s).
(
	for ((i = 0; i < 90; i++)); do
		hub_peer_line 192.168.1.6 | grep -q ' D$' || { ms >"$LAB_DIR/r6-gone"; exit 0; }
		sleep 1
	done
) &
WATCH_PID=$!
hp0=$(hub_tel /dmvpn/stats hairpin)
out=$(ping8 2)
quote "R8 -> R6 while R6 is silent" <<<"$out"
hp1=$(hub_tel /dmvpn/stats hairpin)
t_check "while its binding lives, the worker still forwards R8's packets to R6 (hairpin ${hp0:-?} -> ${hp1:-?})" \
	[ "${hp1:-0}" -ge $((${hp0:-0} + 2)) ]

# --- 5. R8 comes back with a new NBMA address, unique
t0=$(ms)
t_run "R8 restarts on NBMA 8.8.8.9" lab_spoke_set_nbma R8 8.8.8.9
echo "# timing: R8 restarted in $(($(ms) - t0)) ms"
refused() { grep -q 'CIE registration: 192\.168\.1\.8: 14' "$(lab_log R8 nhrpd)"; }
t_check "R8's nhrpd: registration from 8.8.8.9 answered with CIE code 14" wait_until 40 refused
grep -E 'CIE registration|Registration-(Request|Reply)' "$(lab_log R8 nhrpd)" | head -n 4 | quote "R8 nhrpd"
t_check "the hub kept R8's unique binding at 8.8.8.8" peer_is 192.168.1.8 "dynamic up 8.8.8.8"
n=$(hub_json 'show ip nhrp traffic json' 'd["reasons"]["refused-unique"]')
t_check "show ip nhrp traffic counts the refusal (refused-unique $n)" [ "${n:-0}" -ge 1 ]
t_check "hub clear ip nhrp 192.168.1.8" [ -z "$(hub_cli 'clear ip nhrp 192.168.1.8')" ]
t0=$(ms)
t_check "after the clear, R8's next attempt from 8.8.8.9 is accepted" \
	wait_until 70 peer_is 192.168.1.8 "dynamic up 8.8.8.9"
echo "# timing: accepted $(($(ms) - t0)) ms after the clear (FRR retries after 1, 2, 4, ... s)"
hub_peer_line 192.168.1.8 | quote hub

# --- 6, continued: R6's binding has expired meanwhile (24 s after its last refresh). R8 is
# registered again, so its static route via the hub is back: its packets reach the hub.
t_check "R6's entry left show dmvpn" wait_until 60 test -s "$LAB_DIR/r6-gone"
gone=$(cat "$LAB_DIR/r6-gone" 2>/dev/null || echo 0)
dt=$((gone - T_SILENT))
echo "# timing: R6's entry went $dt ms after R6 went silent (holdtime 24 s, refresh every 8 s)"
t_check "it went when its holdtime ran out: 14-36 s after the silence ($dt ms)" \
	[ "$dt" -ge 14000 -a "$dt" -le 36000 ]
t_check "hub log: binding 192.168.1.6 expired (holdtime 24 s)" \
	grep -q 'binding 192.168.1.6 expired (holdtime 24 s)' "$HUB_LOG"
hub_peer_line 192.168.1.6 | quote hub
r8_route() { lab_spoke R8 ip -4 route show 66.66.66.0/24 | grep -q 'via 192\.168\.1\.1'; }
t_check "R8's route to R6's LAN via the hub is back" wait_until 30 r8_route
pi0=$(drops peer-incomplete)
hp0=$(hub_tel /dmvpn/stats hairpin)
out=$(ping8 2)
quote "R8 -> R6 after expiry" <<<"$out"
pi1=$(drops peer-incomplete)
hp1=$(hub_tel /dmvpn/stats hairpin)
t_check "the worker now drops R8's packets to R6's LAN (peer-incomplete ${pi0:-?} -> ${pi1:-?})" \
	[ "${pi1:-0}" -ge $((${pi0:-0} + 2)) ]
t_check "and sends nothing to R6 any more (hairpin ${hp0:-?} -> ${hp1:-?})" [ -n "$hp0" -a "$hp0" = "$hp1" ]

# Back to 8.8.8.8 without U: the unique binding at 8.8.8.9 is replaced at once.
t0=$(ms)
t_run "R8 restarts on NBMA 8.8.8.8 with registration no-unique" \
	lab_spoke_restart R8 --nbma 8.8.8.8 --no-unique
t_check "the hub moves R8 to 8.8.8.8" wait_until 40 peer_is 192.168.1.8 "dynamic up 8.8.8.8"
echo "# timing: moved $(($(ms) - t0)) ms after the restart began"
first=$(grep -m1 'CIE registration: 192\.168\.1\.8' "$(lab_log R8 nhrpd)")
quote "R8 nhrpd" <<<"$first"
t_check "accepted at once: R8's first answer from 8.8.8.8 non-unique is code 0" \
	grep -q 'CIE registration: 192\.168\.1\.8: 0$' <<<"$first"
out=$(hub_cli 'show ip nhrp 192.168.1.8')
quote hub <<<"$out"
lacks() { ! grep -q "$1" <<<"$2"; }
t_check "R8's binding is no longer unique" lacks unique "$out"

# --- the wire: the refusal (code 14 to 8.8.8.9), then acceptances
lab_capture_stop "$CAP"
codes=$(tshark -r "$CAP" -Y "$HUB_WIRE_NHRP && nhrp.hdr.op.type == 4 && ip.dst == 8.8.8.9" -T fields -E occurrence=f -e nhrp.code \
	2>/dev/null | cut -d, -f1 | uniq | tr '\n' ' ')
t_check "on the wire, Registration Replies to 8.8.8.9: code 14 first, then 0 ($codes)" \
	grep -qE '^14 (14 )*0 ' <<<"$codes"
bad=$(tshark -r "$CAP" -Y "$HUB_WIRE_BAD" 2>/dev/null)
t_check "no malformed NHRP on the wire" [ -z "$bad" ]

[ "$T_FAIL" -gt 0 ] && fail_logs
hub_sanitizer_check
echo "# whole test $(($(ms) - T_START)) ms"
t_done

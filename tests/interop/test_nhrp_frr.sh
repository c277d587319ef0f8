#!/bin/bash
# The NHRP server against real FRR 8.4 spokes (tests/interop/lab.sh, docs/lab.md): the hub
# runs on net_af_packet in the lab's hub namespace with configs/lab-hub.conf; R6 and R8
# register with it, their nhrpd shows the NHS up, the hub holds both as dynamic bindings,
# and a ping from R8's LAN address to R6's LAN address crosses the hub.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

[ "$(id -u)" = 0 ] || t_skip_all "needs root (namespaces, taps)"
[ -x /usr/bin/linux.uml ] || t_skip_all "user-mode-linux is not installed"
[ -x /usr/lib/frr/nhrpd ] || t_skip_all "frr is not installed"
for p in ethtool modprobe pgrep; do
	command -v $p >/dev/null || t_skip_all "$p is not installed"
done
HUB_BIN=${HUB_BUILD:-build}/control/dmvpn-hub
[ -x "$HUB_BIN" ] || { t_fail "hub binary $HUB_BIN missing"; t_done; exit 1; }

. tests/interop/lab.sh
HUB_PID=
HUB_LOG=/tmp/dmvpn-nhrp-frr-$T_ID.log
PREFIX=dmvpn-t$T_ID-nhrp
stop_all() {
	[ -n "$HUB_PID" ] && kill -TERM "$HUB_PID" 2>/dev/null && sleep 1
	[ -n "$HUB_PID" ] && kill -KILL "$HUB_PID" 2>/dev/null
	lab_down
	rm -rf "/var/run/dpdk/$PREFIX" "$HUB_LOG"
}
trap stop_all EXIT
trap 'exit 130' INT TERM

ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }
# wait_until SECONDS command...: poll every second.
wait_until() {
	local deadline=$(($(ms) + $1 * 1000))
	shift
	while [ "$(ms)" -lt "$deadline" ]; do
		"$@" && return 0
		sleep 1
	done
	return 1
}
fail_logs() {
	local s
	echo "--- hub log (tail)"
	tail -n 30 "$HUB_LOG" 2>/dev/null
	for s in R6 R8; do
		echo "--- $s nhrpd.log (tail)"
		tail -n 15 "$(lab_log $s nhrpd)" 2>/dev/null
	done
}
nhs_up() { lab_vtysh "$1" 'show ip nhrp nhs' 2>/dev/null | grep -q '1\.1\.1\.1.*192\.168\.1\.1'; }
hub_has() { grep -q "registration of $1 from $2: 1 of 1 accepted" "$HUB_LOG"; }

T_START=$(ms)
if ! lab_up --spokes none --lifetime 420; then
	t_fail "lab_up (UML boot, spoke namespaces)"
	t_done
	exit
fi
t_ok "lab_up in $(($(ms) - T_START)) ms"
HUB_NS=$(lab_hub_ns)

# The hub first: FRR spokes that get no answer back off up to 64 s between attempts.
ip netns exec "$HUB_NS" timeout -s KILL 450 "$HUB_BIN" -l 0-1 $(t_eal_mem) --no-pci \
	--file-prefix "$PREFIX" --log-level=hub.nhrp:debug -- -c configs/lab-hub.conf \
	--idle-sleep 100 >"$HUB_LOG" 2>&1 &
HUB_PID=$!
if ! t_wait_for 30 grep -qs "running:" "$HUB_LOG"; then
	t_fail "hub starts in $HUB_NS"
	cat "$HUB_LOG"
	t_done
	exit
fi
t_ok "hub starts in $HUB_NS"

t_check "FRR starts on R6" lab_spoke_start R6
t_check "FRR starts on R8" lab_spoke_start R8
t0=$(ms)
t_check "the hub accepts R6's registration (192.168.1.6 from 6.6.6.6)" \
	wait_until 90 hub_has 192.168.1.6 6.6.6.6
t_check "the hub accepts R8's registration (192.168.1.8 from 8.8.8.8)" \
	wait_until 60 hub_has 192.168.1.8 8.8.8.8
echo "# timing: both registrations accepted $(($(ms) - t0)) ms after FRR was up"
for s in R6 R8; do
	t_check "$s: 'show ip nhrp nhs' shows the hub up (1.1.1.1, 192.168.1.1)" \
		wait_until 30 nhs_up $s
done
out=$(lab_vtysh R6 'show ip nhrp nhs' 'show ip nhrp cache' 2>/dev/null)
echo "$out" | sed 's/^/#   R6: /'
t_check "R6's cache holds the hub as its NHS" grep -qE 'nhs +192\.168\.1\.1 +1\.1\.1\.1' <<<"$out"

# The first echo may race the neighbour resolution on the way (hub, spokes) or zebra
# installing the route via the hub: up to three rounds of three echoes, one must get 3/3.
for round in 1 2 3; do
	out=$(LAB_TIMEOUT=40 lab_spoke R8 ping -c 3 -W 5 -I 88.88.88.88 66.66.66.66 2>&1)
	echo "$out" | grep 'packets transmitted' | sed "s/^/#   round $round: /"
	grep -qE ' 3 received' <<<"$out" && break
done
t_check "ping from R8's LAN 88.88.88.88 to R6's LAN 66.66.66.66 through the hub" \
	grep -qE ' 3 received' <<<"$out"

[ "$T_FAIL" -gt 0 ] && fail_logs
echo "# whole test $(($(ms) - T_START)) ms"
t_done

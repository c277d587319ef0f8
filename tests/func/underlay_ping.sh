#!/usr/bin/env bash
# The hub on net_af_packet in its own namespace; a Linux peer in another namespace pings
# the hub's underlay address (ARP, then ICMP). Then SIGTERM must end the hub within 2 s
# with exit code 0 and nothing left behind.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

HUB=${HUB_BUILD:-build}/control/dmvpn-hub
NS_HUB=dmvpn-t$T_ID-hub
NS_PEER=dmvpn-t$T_ID-peer
PREFIX=dmvpn-t$T_ID
DIR=$(mktemp -d /tmp/dmvpn-ping.XXXXXX)
HUB_PID=

cleanup() {
	[ -n "$HUB_PID" ] && kill -KILL "$HUB_PID" 2>/dev/null
	ip netns del "$NS_HUB" 2>/dev/null
	ip netns del "$NS_PEER" 2>/dev/null
	rm -rf "$DIR" "/var/run/dpdk/$PREFIX"
}
trap cleanup EXIT

[ -x "$HUB" ] || { t_fail "hub binary $HUB missing"; t_done; exit 1; }

ip netns add "$NS_HUB" && ip netns add "$NS_PEER" || { t_fail "create namespaces"; t_done; exit 1; }
ip link add nbma0 netns "$NS_HUB" type veth peer name peer0 netns "$NS_PEER"
for ns in "$NS_HUB" "$NS_PEER"; do ip -n "$ns" link set lo up; done
ip -n "$NS_HUB" link set nbma0 up
ip -n "$NS_PEER" addr add 1.1.1.2/24 dev peer0
ip -n "$NS_PEER" link set peer0 up
ip netns exec "$NS_HUB" ethtool -K nbma0 tx off >/dev/null 2>&1
ip netns exec "$NS_PEER" ethtool -K peer0 tx off >/dev/null 2>&1
HUB_MAC=$(ip -n "$NS_HUB" -br link show nbma0 | awk '{print $3}')

cat > "$DIR/hub.conf" <<CONF
ports = ( { name = "nbma0"; device = "net_af_packet0,iface=nbma0"; address = "1.1.1.1/24";
            gateway = "1.1.1.2"; } );
cli = { port = 0; };
CONF

start=$(date +%s)
ip netns exec "$NS_HUB" timeout -s KILL 120 "$HUB" -l 0-1 $(t_eal_mem) --no-pci \
	--file-prefix "$PREFIX" --log-level=hub.*:debug -- -c "$DIR/hub.conf" --idle-sleep 50 \
	> "$DIR/hub.log" 2>&1 &
HUB_PID=$!
if t_wait_for 30 grep -qs "running:" "$DIR/hub.log"; then
	t_ok "hub starts on net_af_packet ($(( $(date +%s) - start )) s)"
else
	t_fail "hub starts"; cat "$DIR/hub.log"; t_done; exit 1
fi

# The hub pins its gateway (the peer) and ARPs for it; the peer then knows the hub's MAC.
t_check "hub resolves its gateway by ARP" \
	t_wait_for 5 grep -q "1.1.1.2 is at" "$DIR/hub.log"
out=$(ip netns exec "$NS_PEER" ping -c 3 -i 0.2 -W 2 1.1.1.1 2>&1)
t_check "peer pings the hub: 3 of 3 replies" grep -q "3 received" <<<"$out"
t_check "peer's ARP entry for 1.1.1.1 is the hub port's MAC ($HUB_MAC)" \
	grep -qi "lladdr $HUB_MAC" <<<"$(ip -n "$NS_PEER" neigh show 1.1.1.1)"
out=$(ip netns exec "$NS_PEER" ping -c 2 -i 0.2 -W 2 -s 1400 1.1.1.1 2>&1)
t_check "large echo (1428 bytes) is answered" grep -q "2 received" <<<"$out"
ip -n "$NS_PEER" neigh replace 1.1.1.9 lladdr "$HUB_MAC" dev peer0
out=$(ip netns exec "$NS_PEER" ping -c 1 -W 1 1.1.1.9 2>&1)
t_check "echo to an address that is not the hub's gets no reply" grep -q "0 received" <<<"$out"

# SIGTERM: clean exit within 2 s, final counters logged.
pid=$HUB_PID
kill -TERM "$HUB_PID"
t0=$(date +%s%N)
wait "$HUB_PID"; rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
HUB_PID=
t_check "SIGTERM ends the hub with exit 0 (rc=$rc)" [ "$rc" -eq 0 ]
t_check "SIGTERM ends the hub within 2 s (${ms} ms)" [ "$ms" -le 2000 ]
t_check "final counters are logged" grep -q "port nbma0: rx" "$DIR/hub.log"
t_check "echo replies were counted as tx" grep -Eq "port nbma0: rx [0-9]+ tx [1-9]" "$DIR/hub.log"
t_check "the foreign echo was dropped as ipv4-not-for-us" grep -q "drop ipv4-not-for-us: [1-9]" "$DIR/hub.log"
t_check "no hub process is left" bash -c "! kill -0 $pid 2>/dev/null && [ -z \"\$(ip netns pids $NS_HUB)\" ]"
t_check "nothing is left under /var/run/dpdk/$PREFIX" bash -c "[ ! -e /var/run/dpdk/$PREFIX ] || [ -z \"\$(ls -A /var/run/dpdk/$PREFIX)\" ]"
t_done

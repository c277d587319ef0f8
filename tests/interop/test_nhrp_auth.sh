#!/bin/bash
# Scenario 4 of the spoke lab (docs/lab.md), and the hub-default half of scenario 6:
# NHRP authentication and expiry against a crafted spoke. FRR 8.4's nhrpd has no
# `ip nhrp authentication`, so the spoke is tests/interop/nhrp_craft.py (scapy): an FRR
# 8.4 Registration Request, byte for byte, plus the Cisco cleartext extension. No UML here:
# the crafted spoke runs in a namespace of its own on a veth to the hub's nbma0.
#
# The hub runs configs/lab-hub-auth.conf (authentication "lab-pw42", default holdtime 20 s).
#   - a wrong password and a missing one: Error Indication code 11 back (seen by the spoke
#     and on the wire, decoded by tshark), counted (show ip nhrp traffic, show drops),
#     no binding;
#   - the right password: Registration Reply, code 0, holdtime 20 (the CIE said 0: the
#     configured default), the hub's password in the reply; show dmvpn lists the spoke;
#     its data (an echo to the hub's tunnel address inside GRE) is answered;
#   - silent for 20 s: the binding expires, leaves show dmvpn, and the worker then drops
#     the spoke's data as from an unknown peer (gre-unknown-peer).
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

[ "$(id -u)" = 0 ] || t_skip_all "needs root (namespaces)"
for p in tshark tcpdump ethtool; do
	command -v $p >/dev/null || t_skip_all "$p is not installed"
done
/usr/bin/python3 -c 'import scapy' 2>/dev/null || t_skip_all "python3-scapy is not installed"

. tests/interop/hub.sh
NS_HUB=dmvpn-t$T_ID-authhub
NS_SPOKE=dmvpn-t$T_ID-authspoke
DIR=$(mktemp -d /tmp/dmvpn-auth.XXXXXX)
CAP=$DIR/hub.pcap
CAP_PID=
CFG=configs/lab-hub-auth.conf
PW=lab-pw42

cleanup() {
	[ -n "$CAP_PID" ] && kill -INT "$CAP_PID" 2>/dev/null && sleep 0.5
	[ -n "$CAP_PID" ] && kill -KILL "$CAP_PID" 2>/dev/null
	hub_stop
	ip netns del "$NS_HUB" 2>/dev/null
	ip netns del "$NS_SPOKE" 2>/dev/null
	rm -rf "$DIR" "$HUB_LOG"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

T_START=$(ms)
[ -x "$HUB_BIN" ] || { t_fail "hub binary $HUB_BIN missing"; t_done; exit 1; }
t_run "$CFG passes --check-config" "$HUB_BIN" --check-config -c "$CFG"

ip netns add "$NS_HUB" && ip netns add "$NS_SPOKE" || { t_fail "create namespaces"; t_done; exit 1; }
for ns in "$NS_HUB" "$NS_SPOKE"; do
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	ip -n "$ns" link set lo up
done
# No IPv4 address on either side: the hub process owns 1.1.1.1, the crafted spoke answers
# ARP for 6.6.6.6 itself (a kernel address would answer GRE with ICMP unreachables).
ip link add nbma0 netns "$NS_HUB" type veth peer name spoke0 netns "$NS_SPOKE" &&
	ip -n "$NS_HUB" link set nbma0 up && ip -n "$NS_SPOKE" link set spoke0 up ||
	{ t_fail "veth set-up"; t_done; exit 1; }
ip netns exec "$NS_HUB" ethtool -K nbma0 tx off >/dev/null
ip netns exec "$NS_SPOKE" ethtool -K spoke0 tx off >/dev/null

if ! hub_start "$NS_HUB" "$CFG"; then
	t_fail "hub starts with $CFG"
	t_done
	exit
fi
t_ok "hub starts with $CFG in $NS_HUB"
# On the spoke's end of the veth: net_af_packet sends with PACKET_QDISC_BYPASS, so a capture
# on the hub's own nbma0 sees only what the hub receives, never what it sends.
ip netns exec "$NS_SPOKE" tcpdump -i spoke0 -n -U -s 0 -w "$CAP" >"$DIR/tcpdump.log" 2>&1 </dev/null &
CAP_PID=$!
t_wait_for 10 grep -q 'listening on' "$DIR/tcpdump.log"

# spoke ARGS...: the crafted spoke 6.6.6.6 / 192.168.1.6 (prints its JSON line)
spoke() {
	ip netns exec "$NS_SPOKE" /usr/bin/python3 tests/interop/nhrp_craft.py "$@" \
		--iface spoke0 --nbma 6.6.6.6 --proto 192.168.1.6 --timeout 15
}
# jf JSON EXPR: a field of a JSON line (d)
jf() { /usr/bin/python3 -c 'import json, sys; d = json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2" 2>/dev/null; }

# --- wrong password, then no authentication extension at all
out=$(spoke register --auth wrong-pw --holdtime 0 --reqid 101)
echo "#   wrong password: $out"
t_check "wrong password: Error Indication code 11 (authentication failure) back" \
	[ "$(jf "$out" 'd["op"], d["error_code"]')" = "(7, 11)" ]
out=$(spoke register --holdtime 0 --reqid 102)
echo "#   no authentication: $out"
t_check "no Authentication extension: Error Indication code 11 back" \
	[ "$(jf "$out" 'd["op"], d["error_code"]')" = "(7, 11)" ]
# (show dmvpn lists 192.168.1.6 as incomplete: lab-hub's route to 66.66.66.0/24 uses it)
p=$(hub_peer 192.168.1.6)
t_check "no binding for 192.168.1.6 after the refusals (entry: ${p:-none})" \
	grep -qvE '^(dynamic|static)' <<<"${p:-none}"
n=$(hub_json 'show ip nhrp traffic json' 'd["reasons"]["auth-failure"], d["dropped"]["registration-request"], d["sent"]["error-indication"], d["bindings"]["registered"]')
t_check "show ip nhrp traffic: 2 auth-failure, 2 requests refused, 2 Error Indications sent, 0 registered ($n)" \
	[ "$n" = "(2, 2, 2, 0)" ]
n=$(hub_json 'show drops json' 'd["reasons"]["nhrp-auth-failure"]["total"]')
t_check "show drops: nhrp-auth-failure 2 ($n)" [ "$n" = 2 ]

# --- the right password; the CIE's holdtime 0 asks for the hub's default (20 s)
out=$(spoke register --auth "$PW" --holdtime 0 --reqid 103)
T_REG=$(ms)
echo "#   right password: $out"
t_check "right password: Registration Reply, code 0, holdtime 20 (the configured default)" \
	[ "$(jf "$out" 'd["op"], d["reqid"], d["codes"], d["holdtimes"]')" = "(4, 103, [0], [20])" ]
t_check "the reply carries the hub's password ($(jf "$out" 'd["auth"]'))" [ "$(jf "$out" 'd["auth"]')" = "$PW" ]
line=$(hub_peer_line 192.168.1.6)
echo "#   show dmvpn: $line"
t_check "show dmvpn lists 6.6.6.6 192.168.1.6 UP D" grep -qE '^ +1 +6\.6\.6\.6 +192\.168\.1\.6 +UP +[^ ]+ +D$' <<<"$line"
out=$(spoke echo --count 2 --reqid 1)
echo "#   echo to 192.168.1.1 inside GRE: $out"
t_check "the registered spoke's data is forwarded (echo to the hub's tunnel address answered)" \
	[ "$(jf "$out" 'd["received"] > 0')" = True ]

# --- silent: the binding expires after 20 s, from control and from the worker
unknown0=$(hub_json 'show drops json' 'd["reasons"]["gre-unknown-peer"]["workers"]')
gone() { [ -z "$(hub_peer_line 192.168.1.6 | grep ' D$')" ]; }
t_check "the silent spoke's D entry leaves show dmvpn when its 20 s run out" wait_until 40 gone
line=$(hub_peer_line 192.168.1.6)
echo "#   show dmvpn: ${line:-(no line)}"
echo "# timing: binding gone $(($(ms) - T_REG)) ms after the registration (holdtime 20 s)"
t_check "it did not go before its holdtime ($(($(ms) - T_REG)) ms)" [ $(($(ms) - T_REG)) -ge 19000 ]
n=$(hub_json 'show ip nhrp traffic json' 'd["bindings"]["expired"]')
t_check "show ip nhrp traffic: 1 binding expired ($n)" [ "$n" = 1 ]
out=$(spoke echo --count 2 --reqid 2)
echo "#   echo after expiry: $out"
t_check "after expiry its data is not answered" [ "$(jf "$out" 'd["received"]')" = 0 ]
unknown1=$(hub_json 'show drops json' 'd["reasons"]["gre-unknown-peer"]["workers"]')
t_check "the worker dropped it as from an unknown peer (gre-unknown-peer $unknown0 -> $unknown1)" \
	[ "$unknown1" -ge $((unknown0 + 2)) ]

# --- the wire, decoded by tshark (Wireshark reads Cisco cleartext authentication right
# only with auth_ext_has_addr off: by default it takes 4 password bytes for an address).
kill -INT "$CAP_PID" 2>/dev/null
wait "$CAP_PID" 2>/dev/null
CAP_PID=
TS=(tshark -r "$CAP" -o nhrp.auth_ext_has_addr:FALSE)
ei=$("${TS[@]}" -Y "$HUB_WIRE_NHRP && nhrp.hdr.op.type == 7 && ip.src == 1.1.1.1 && ip.dst == 6.6.6.6" \
	-T fields -E occurrence=f -e nhrp.err.code 2>/dev/null | sort | uniq -c | tr -s ' \n' ' ')
t_check "on the wire: 2 Error Indications code 11 from the hub ($ei)" [ "$ei" = " 2 11 " ]
rep=$("${TS[@]}" -Y "$HUB_WIRE_NHRP && nhrp.hdr.op.type == 4 && ip.src == 1.1.1.1" -T fields \
	-e nhrp.reqid -e nhrp.code -e nhrp.htime -e nhrp.auth_ext.data 2>/dev/null | head -n1)
echo "#   Registration Reply on the wire (reqid, code, holdtime, auth data): $rep"
t_check "on the wire: the Registration Reply to request 103 (0x67), code 0, holdtime 20" \
	grep -qE '^0x00000067	0(,0)*	20' <<<"$rep"
bad=$("${TS[@]}" -Y "$HUB_WIRE_BAD" 2>/dev/null)
t_check "no malformed NHRP on the wire" [ -z "$bad" ]
[ -n "$bad" ] && echo "$bad"

if [ "$T_FAIL" -gt 0 ]; then
	echo "--- hub: show ip nhrp traffic"
	hub_cli 'show ip nhrp traffic' 2>&1
	echo "--- hub: show drops"
	hub_cli 'show drops' 2>&1
	echo "--- hub log (tail)"
	tail -n 40 "$HUB_LOG"
	echo "--- capture"
	"${TS[@]}" -Y 'nhrp || arp' 2>/dev/null | tail -n 30
fi
hub_sanitizer_check
echo "# whole test $(($(ms) - T_START)) ms"
t_done

#!/bin/bash
# NAT-T (RFC 3948) between the hub and two Linux XFRM spokes behind one masquerading NAT
# (docs/esp.md). The lab namespace, which bridges the spokes' taps to the hub, becomes a NAT
# router: R6 (6.6.6.6) and R8 (8.8.8.8) sit on an inside bridge, the hub on the outside one,
# and nftables masquerades everything they send to 9.9.9.9. The host kernel does the NAT
# (nf_nat in a network namespace); the UML kernel runs the spokes' XFRM with `encap espinudp
# 4500 4500`, and a small UDP_ENCAP_ESPINUDP socket per spoke (what an IKE daemon would hold)
# receives ESP-in-UDP and sends a NAT-keepalive every 5 s. Both spokes share the NAT's
# address and differ only by the UDP port the NAT gave them: the hub's two NAT-T SAs learn
# their ports from the first authenticated packet, both spokes register and ping each other
# through the hub at the same time, and the underlay between NAT and hub carries only UDP
# 4500 (and ARP).
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

[ "$(id -u)" = 0 ] || t_skip_all "needs root (namespaces, taps)"
[ -x /usr/bin/linux.uml ] || t_skip_all "user-mode-linux is not installed"
[ -x /usr/lib/frr/nhrpd ] || t_skip_all "frr is not installed"
for p in ethtool nft pgrep tshark; do
	command -v $p >/dev/null || t_skip_all "$p is not installed"
done
HUB_BIN=${HUB_BUILD:-build}/control/dmvpn-hub
[ -x "$HUB_BIN" ] || { t_fail "hub binary $HUB_BIN missing"; t_done; exit 1; }

# UML boots in ~5 s on a quiet machine, minutes on a loaded 2-core one (docs/lab.md).
: "${LAB_BOOT_TIMEOUT:=300}"
. tests/interop/lab.sh
HUB_PID=
HUB_LOG=/tmp/dmvpn-esp-natt-$T_ID.log
HUB_CONF=/tmp/dmvpn-esp-natt-$T_ID.conf
CAP_OUT=/tmp/dmvpn-esp-natt-$T_ID-outside.pcap
PREFIX=dmvpn-t$T_ID-natt
NAT=9.9.9.9
stop_all() {
	lab_capture_stop 2>/dev/null
	[ -n "$HUB_PID" ] && kill -TERM "$HUB_PID" 2>/dev/null && sleep 1
	[ -n "$HUB_PID" ] && kill -KILL "$HUB_PID" 2>/dev/null
	lab_down
	rm -rf "/var/run/dpdk/$PREFIX" "$HUB_LOG" "$HUB_CONF" "$CAP_OUT"
}
trap stop_all EXIT
trap 'exit 130' INT TERM

# Keys (hex). AES-GCM keys end with their 4-byte salt, as both sides take them.
R6_IN=0x0102030405060708090a0b0c0d0e0f10a1a2a3a4	# R6 -> hub, SPI 0x1006
R6_OUT=0x1112131415161718191a1b1c1d1e1f20b1b2b3b4	# hub -> R6, SPI 0x2006
R8_ENC_IN=0x2122232425262728292a2b2c2d2e2f30
R8_AUTH_IN=0x3132333435363738393a3b3c3d3e3f4041424344
R8_ENC_OUT=0x5152535455565758595a5b5c5d5e5f60
R8_AUTH_OUT=0x6162636465666768696a6b6c6d6e6f7071727374

# Both spokes' SAs name the NAT's address: that is where their packets come from. natt =
# true: ESP-in-UDP, the port learned from the first authenticated packet.
sed -e '/^\t\tkey = 42;/a\		protection = "required";' \
	-e '/^\t\t\tnetwork_id = 1;/a\			redirect = false;' configs/lab-hub.conf >"$HUB_CONF"
cat >>"$HUB_CONF" <<CONF

crypto = {
	sas = (
		{ peer = "$NAT"; spi_in = 0x1006; spi_out = 0x2006; cipher = "aes-gcm-128";
		  key_in = "$R6_IN"; key_out = "$R6_OUT"; replay_window = 64; natt = true; },
		{ peer = "$NAT"; spi_in = 0x1008; spi_out = 0x2008; cipher = "aes-cbc-128";
		  integrity = "hmac-sha1-96"; replay_window = 64; natt = true;
		  key_in = "$R8_ENC_IN"; auth_in = "$R8_AUTH_IN";
		  key_out = "$R8_ENC_OUT"; auth_out = "$R8_AUTH_OUT"; }
	);
};
CONF
t_check "the NAT-T lab configuration is valid (two spokes' SAs on one address)" \
	bash -c "'$HUB_BIN' --check-config -c '$HUB_CONF' >/dev/null"

ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }
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
	tail -n 40 "$HUB_LOG" 2>/dev/null
	echo "--- NAT conntrack"
	ip netns exec "$LAB_NS" cat /proc/net/nf_conntrack 2>/dev/null | head -20
	for s in R6 R8; do
		echo "--- $s nhrpd.log (tail)"
		tail -n 10 "$(lab_log $s nhrpd)" 2>/dev/null
		echo "--- $s ip -s xfrm state"
		lab_spoke $s ip -s xfrm state 2>/dev/null | head -40
		echo "--- $s xfrm_stat (non-zero), gre1 neighbours, routes"
		lab_spoke $s "grep -v ' 0\$' /proc/net/xfrm_stat; ip neigh show dev gre1; ip route" \
			2>/dev/null | head -30
	done
}
nhs_up() { lab_vtysh "$1" 'show ip nhrp nhs' 2>/dev/null | grep -q '1\.1\.1\.1.*192\.168\.1\.1'; }
hub_has() { grep -q "registration of $1 from $NAT (NAT): 1 of 1 accepted" "$HUB_LOG"; }
hub_cli() {
	ip netns exec "$HUB_NS" timeout 10 bash -c \
		'exec 3<>/dev/tcp/127.0.0.1/2323 || exit 1
		 printf "%s\nquit\n" "$1" >&3
		 tr -d "\r" <&3 | tr -c "[:print:]\n" " "' _ "$1"
}

# The NAT: the lab namespace routes between br0 (outside: hub0, 9.9.9.9) and br1 (inside:
# the spokes' taps, proxy ARP so the spokes' on-link route to 1.1.1.1 works) and
# masquerades what leaves by br0.
nat_up() {
	ip -n "$LAB_NS" link add br1 type bridge forward_delay 0 stp_state 0 mcast_snooping 0 &&
		ip -n "$LAB_NS" link set br1 up &&
		ip -n "$LAB_NS" link set tap6 master br1 &&
		ip -n "$LAB_NS" link set tap8 master br1 &&
		ip -n "$LAB_NS" addr add $NAT/32 dev br0 &&
		ip -n "$LAB_NS" addr add 10.255.0.1/32 dev br1 &&
		ip netns exec "$LAB_NS" sysctl -qw net.ipv4.ip_forward=1 \
			net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.br0.rp_filter=0 \
			net.ipv4.conf.br1.rp_filter=0 net.ipv4.conf.br1.proxy_arp=1 &&
		ip -n "$LAB_NS" route add 1.1.1.1/32 dev br0 &&
		ip -n "$LAB_NS" route add 6.6.6.6/32 dev br1 &&
		ip -n "$LAB_NS" route add 8.8.8.8/32 dev br1 &&
		ip netns exec "$LAB_NS" nft -f - <<-EOF
			table ip natt {
				chain post {
					type nat hook postrouting priority 100;
					oifname "br0" masquerade
				}
			}
		EOF
}

# xfrm_spoke SPOKE NBMA "ALGOS-OUT" "ALGOS-IN" SPI_OUT SPI_IN: transport SAs in UDP 4500
xfrm_spoke() {
	local s=$1 me=$2 out=$3 in=$4 spi_out=$5 spi_in=$6 encap='encap espinudp 4500 4500 0.0.0.0'
	LAB_TIMEOUT=300 lab_spoke "$s" "set -e
		ip xfrm state add src $me dst 1.1.1.1 proto esp spi $spi_out mode transport $encap $out
		ip xfrm state add src 1.1.1.1 dst $me proto esp spi $spi_in mode transport $encap $in
		ip xfrm policy add src $me dst 1.1.1.1 proto gre dir out \
			tmpl src $me dst 1.1.1.1 proto esp mode transport
		ip xfrm policy add src 1.1.1.1 dst $me proto gre dir in \
			tmpl src 1.1.1.1 dst $me proto esp mode transport"
}

# The spoke's UDP 4500 socket with UDP_ENCAP_ESPINUDP (100, 2): without one the kernel does
# not take ESP-in-UDP in. It also sends RFC 3948 2.3 NAT-keepalives (one 0xFF byte) every
# 5 s, as an IKE daemon would, and ends by itself before the lab's lifetime.
encap_socket() {
	# Python starts slowly in UML on a loaded host: allow minutes.
	LAB_TIMEOUT=240 lab_spoke "$1" "setsid /usr/bin/python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_UDP, 100, 2)
s.bind((\"0.0.0.0\", 4500))
open(\"/run/dmvpn-lab/$1/encap.ready\", \"w\").close()
end = time.time() + 800
while time.time() < end:
    s.sendto(b\"\\xff\", (\"1.1.1.1\", 4500))
    time.sleep(5)
' >/dev/null 2>&1 </dev/null & 
		for i in \$(seq 1 1100); do [ -e /run/dmvpn-lab/$1/encap.ready ] && exit 0; sleep 0.2; done
		exit 1"
}

T_START=$(ms)
if ! lab_up --spokes none --lifetime 1200; then
	t_fail "lab_up (UML boot, spoke namespaces)"
	t_done
	exit
fi
t_ok "lab_up in $(($(ms) - T_START)) ms"
HUB_NS=$(lab_hub_ns)
t_check "the lab namespace becomes a masquerading NAT (nftables) with R6 and R8 inside" nat_up
t0=$(ms)
t_check "XFRM and ESP modules load in the UML kernel" \
	lab_uml "$(lab_dir)/src/modprobe -a xfrm_user esp4 gcm ghash-generic cbc hmac authenc seqiv echainiv"
t_check "R6: XFRM transport SAs in UDP 4500 (rfc4106(gcm(aes)) 128)" \
	xfrm_spoke R6 6.6.6.6 "replay-window 32 aead 'rfc4106(gcm(aes))' $R6_IN 128" \
	"replay-window 32 aead 'rfc4106(gcm(aes))' $R6_OUT 128" 0x1006 0x2006
t_check "R8: XFRM transport SAs in UDP 4500 (cbc(aes) + hmac(sha1) 96)" \
	xfrm_spoke R8 8.8.8.8 "replay-window 32 enc 'cbc(aes)' $R8_ENC_IN auth-trunc 'hmac(sha1)' $R8_AUTH_IN 96" \
	"replay-window 32 enc 'cbc(aes)' $R8_ENC_OUT auth-trunc 'hmac(sha1)' $R8_AUTH_OUT 96" 0x1008 0x2008
echo "# timing: modules and XFRM set-up $(($(ms) - t0)) ms"

ip netns exec "$HUB_NS" timeout -s KILL 900 "$HUB_BIN" -l 0-1 $(t_eal_mem) --no-pci \
	--file-prefix "$PREFIX" --log-level=hub.nhrp:debug --log-level=hub.esp:info -- \
	-c "$HUB_CONF" --idle-sleep 100 >"$HUB_LOG" 2>&1 &
HUB_PID=$!
if ! t_wait_for 30 grep -qs "running:" "$HUB_LOG"; then
	t_fail "hub starts in $HUB_NS"
	cat "$HUB_LOG"
	t_done
	exit
fi
t_ok "hub starts with 4 NAT-T SAs for one address"
t_check "capture between the NAT and the hub starts" lab_capture_start "$CAP_OUT" --hub-peer
t_check "R6: UDP_ENCAP socket on 4500 (keepalives every 5 s)" encap_socket R6
t_check "R8: UDP_ENCAP socket on 4500 (keepalives every 5 s)" encap_socket R8

t_check "FRR starts on R6" lab_spoke_start R6
t_check "FRR starts on R8" lab_spoke_start R8
t0=$(ms)
t_check "the hub accepts R6's registration in ESP-in-UDP from the NAT" \
	wait_until 120 hub_has 192.168.1.6
t_check "the hub accepts R8's registration in ESP-in-UDP from the same NAT address" \
	wait_until 90 hub_has 192.168.1.8
echo "# timing: both registrations accepted $(($(ms) - t0)) ms after FRR was up"
for s in R6 R8; do
	t_check "$s sees the hub up: its Registration Reply came back through the NAT" \
		wait_until 120 nhs_up $s
done

sa=$(hub_cli "show crypto ipsec sa")
echo "$sa" | grep -E '^SA|keepalives' | sed 's/^/#   hub: /'
ports=$(grep -oE 'NAT-T port [0-9]+ \(learned\)' <<<"$sa" | awk '{print $3}' | sort -u | tr '\n' ' ')
echo "# learned NAT-T ports: $ports"
t_check "all four SAs learned a NAT-T port, two different ones (one per spoke)" \
	bash -c "[ \$(grep -c 'NAT-T port [0-9]* (learned)' <<<'$sa') -eq 4 ] && [ \$(wc -w <<<'$ports') -eq 2 ]"
nhrp=$(hub_cli "show ip nhrp detail")
echo "$nhrp" | grep -E 'NBMA|NAT' | sed 's/^/#   hub: /'
t_check "two NHRP bindings on NBMA $NAT, told apart by their NAT-T ports" \
	bash -c "[ \$(grep -cE 'NAT-T port [0-9]+' <<<'$nhrp') -eq 2 ]"

# Both ways at once: R8 LAN -> R6 LAN and R6 LAN -> R8 LAN, each through the hub.
for round in 1 2 3 4 5; do
	LAB_TIMEOUT=40 lab_spoke R6 ping -c 3 -W 5 -I 66.66.66.66 88.88.88.88 >"$LAB_DIR/ping6" 2>&1 &
	p6=$!
	out8=$(LAB_TIMEOUT=40 lab_spoke R8 ping -c 3 -W 5 -I 88.88.88.88 66.66.66.66 2>&1)
	wait $p6
	out6=$(cat "$LAB_DIR/ping6")
	echo "# round $round: R8->R6 $(grep -o '[0-9]* received' <<<"$out8"), R6->R8 $(grep -o '[0-9]* received' <<<"$out6")"
	grep -q ' 3 received' <<<"$out8" && grep -q ' 3 received' <<<"$out6" && break
done
t_check "ping R8 LAN -> R6 LAN through the hub, both spokes behind the NAT" \
	grep -q ' 3 received' <<<"$out8"
t_check "ping R6 LAN -> R8 LAN at the same time" grep -q ' 3 received' <<<"$out6"
sleep 6 # one more keepalive round
lab_capture_stop

n_ip=$(tshark -r "$CAP_OUT" -Y ip 2>/dev/null | wc -l)
n_esp=$(tshark -r "$CAP_OUT" -Y 'udp.port == 4500 && esp' 2>/dev/null | wc -l)
n_ka=$(tshark -r "$CAP_OUT" -Y 'udp.port == 4500 && udp.length == 9' 2>/dev/null | wc -l)
n_other=$(tshark -r "$CAP_OUT" -Y 'ip && !(udp.port == 4500)' 2>/dev/null | wc -l)
n_src=$(tshark -r "$CAP_OUT" -Y "ip.dst == 1.1.1.1" -T fields -e ip.src -e udp.srcport 2>/dev/null |
	awk '{print $1 ":" $2}' | sort -u | tr '\n' ' ')
echo "# outside capture: $n_ip IPv4 frames, $n_esp ESP-in-UDP, $n_ka keepalives, $n_other other; sources: $n_src"
t_check "outside the NAT: ESP-in-UDP both ways ($n_esp frames)" [ "$n_esp" -ge 12 ]
t_check "outside the NAT: NAT-keepalives seen ($n_ka)" [ "$n_ka" -ge 2 ]
t_check "outside the NAT: nothing but UDP 4500 over IPv4 (no GRE, no plain ESP)" \
	[ "$n_other" -eq 0 ]
t_check "outside the NAT: the hub hears both spokes from $NAT only, on two ports" \
	bash -c "[ \$(wc -w <<<'$n_src') -eq 2 ] && ! tr ' ' '\n' <<<'$n_src' | grep . | grep -qv '^$NAT:[0-9]*\$'"

sa=$(hub_cli "show crypto ipsec sa")
t_check "hub: every SA counted packets, with no replay, integrity or padding error" \
	bash -c "[ \$(grep -c 'packets [1-9]' <<<'$sa') -eq 4 ] && ! grep -qE '(replay|integrity|padding|truncated) [1-9]' <<<'$sa'"
t_check "hub: NAT-keepalives absorbed and counted" \
	grep -qE 'NAT-T keepalives [1-9]' <<<"$sa"
drops=$(hub_cli "show drops")
echo "$drops" | grep -E 'esp-|natt|udp-' | sed 's/^/#   hub: /'
t_check "hub: no ESP or NAT-T drops" bash -c "! grep -qE '(esp-|natt-|udp-port)[a-z-]* +[1-9]' <<<'$drops'"
for s in R6 R8; do
	st=$(lab_spoke $s cat /proc/net/xfrm_stat 2>/dev/null | grep '^XfrmIn')
	echo "$st" | grep -vE '\s0$' | sed "s/^/#   $s xfrm_stat: /"
	t_check "$s's kernel took the hub's ESP-in-UDP with no inbound error" \
		bash -c "[ -n '$st' ] && ! grep -qE '\s[1-9][0-9]*\$' <<<'$st'"
done

[ "$T_FAIL" -gt 0 ] && fail_logs
if [ "${HUB_SANITIZED:-0}" = 1 ]; then
	# The sanitizer build: stop the hub (SIGTERM: its shutdown runs too), then read its log.
	kill -TERM "$HUB_PID" 2>/dev/null
	t_wait_for 10 sh -c "! kill -0 $HUB_PID 2>/dev/null"
	HUB_PID=
	t_sanitizer_check "$HUB_LOG"
fi
echo "# whole test $(($(ms) - T_START)) ms"
t_done

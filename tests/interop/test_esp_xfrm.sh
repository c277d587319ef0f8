#!/bin/bash
# ESP between the hub and Linux XFRM spokes (docs/esp.md): R6 and R8 in the UML lab get
# `ip xfrm state` / `ip xfrm policy` (transport mode, protocol gre) with the keys the hub
# has in its configuration: R6 AES-GCM-128 (RFC 4106), R8 AES-CBC-128 + HMAC-SHA1-96 with
# extended sequence numbers. The tunnel has `protection = "required"`. Registration and a
# spoke -> hub -> spoke ping must work, the hub's underlay capture must hold only ESP (and
# ARP), the counters on both sides must agree that packets were protected with no error,
# and once R6 drops its XFRM state its clear GRE is refused by the hub as "unprotected".
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

[ "$(id -u)" = 0 ] || t_skip_all "needs root (namespaces, taps)"
[ -x /usr/bin/linux.uml ] || t_skip_all "user-mode-linux is not installed"
[ -x /usr/lib/frr/nhrpd ] || t_skip_all "frr is not installed"
for p in ethtool modprobe pgrep tshark; do
	command -v $p >/dev/null || t_skip_all "$p is not installed"
done
HUB_BIN=${HUB_BUILD:-build}/control/dmvpn-hub
[ -x "$HUB_BIN" ] || { t_fail "hub binary $HUB_BIN missing"; t_done; exit 1; }

. tests/interop/lab.sh
HUB_PID=
HUB_LOG=/tmp/dmvpn-esp-xfrm-$T_ID.log
HUB_CONF=/tmp/dmvpn-esp-xfrm-$T_ID.conf
CAP6=/tmp/dmvpn-esp-xfrm-$T_ID-r6.pcap
CAP8=/tmp/dmvpn-esp-xfrm-$T_ID-r8.pcap
PREFIX=dmvpn-t$T_ID-esp
stop_all() {
	lab_capture_stop 2>/dev/null
	[ -n "$HUB_PID" ] && kill -TERM "$HUB_PID" 2>/dev/null && sleep 1
	[ -n "$HUB_PID" ] && kill -KILL "$HUB_PID" 2>/dev/null
	lab_down
	rm -rf "/var/run/dpdk/$PREFIX" "$HUB_LOG" "$HUB_CONF" "$CAP6" "$CAP8"
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

# The lab hub's configuration, protected. No Traffic Indications: the spokes have SAs with
# the hub only, so a Phase 3 shortcut between them would carry clear GRE (spoke-to-spoke
# SAs are not configured by this test; docs/esp.md).
sed -e '/^\t\tkey = 42;/a\		protection = "required";' \
	-e '/^\t\t\tnetwork_id = 1;/a\			redirect = false;' configs/lab-hub.conf >"$HUB_CONF"
cat >>"$HUB_CONF" <<CONF

crypto = {
	sas = (
		{ peer = "6.6.6.6"; spi_in = 0x1006; spi_out = 0x2006; cipher = "aes-gcm-128";
		  key_in = "$R6_IN"; key_out = "$R6_OUT"; replay_window = 64; },
		{ peer = "8.8.8.8"; spi_in = 0x1008; spi_out = 0x2008; cipher = "aes-cbc-128";
		  integrity = "hmac-sha1-96"; esn = true; replay_window = 128;
		  key_in = "$R8_ENC_IN"; auth_in = "$R8_AUTH_IN";
		  key_out = "$R8_ENC_OUT"; auth_out = "$R8_AUTH_OUT"; }
	);
};
CONF
t_check "the protected lab configuration is valid" \
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
	tail -n 30 "$HUB_LOG" 2>/dev/null
	for s in R6 R8; do
		echo "--- $s nhrpd.log (tail)"
		tail -n 10 "$(lab_log $s nhrpd)" 2>/dev/null
		echo "--- $s ip -s xfrm state"
		lab_spoke $s ip -s xfrm state 2>/dev/null | head -40
	done
}
nhs_up() { lab_vtysh "$1" 'show ip nhrp nhs' 2>/dev/null | grep -q '1\.1\.1\.1.*192\.168\.1\.1'; }
hub_has() { grep -q "registration of $1 from $2: 1 of 1 accepted" "$HUB_LOG"; }
# One CLI command on the hub's telnet port (no password in the lab config).
hub_cli() {
	ip netns exec "$HUB_NS" timeout 10 bash -c \
		'exec 3<>/dev/tcp/127.0.0.1/2323 || exit 1
		 printf "%s\nquit\n" "$1" >&3
		 tr -d "\r" <&3 | tr -c "[:print:]\n" " "' _ "$1"
}

# xfrm_spoke SPOKE NBMA "STATE-ALGOS-OUT" "STATE-ALGOS-IN" SPI_OUT SPI_IN [FLAGS]
xfrm_spoke() {
	local s=$1 me=$2 out=$3 in=$4 spi_out=$5 spi_in=$6 flags=${7:-}
	# The first SA of an algorithm makes the UML kernel load and self-test its crypto
	# (and seed its DRBG): minutes on a busy 2-core host, a few seconds on a quiet one.
	LAB_TIMEOUT=300 lab_spoke "$s" "set -e
		ip xfrm state add src $me dst 1.1.1.1 proto esp spi $spi_out mode transport $flags $out
		ip xfrm state add src 1.1.1.1 dst $me proto esp spi $spi_in mode transport $flags $in
		ip xfrm policy add src $me dst 1.1.1.1 proto gre dir out \
			tmpl src $me dst 1.1.1.1 proto esp mode transport
		ip xfrm policy add src 1.1.1.1 dst $me proto gre dir in \
			tmpl src 1.1.1.1 dst $me proto esp mode transport"
}

T_START=$(ms)
if ! lab_up --spokes none --lifetime 840; then
	t_fail "lab_up (UML boot, spoke namespaces)"
	t_done
	exit
fi
t_ok "lab_up in $(($(ms) - T_START)) ms"
HUB_NS=$(lab_hub_ns)
t0=$(ms)
t_check "XFRM and ESP modules load in the UML kernel" \
	lab_uml "$(lab_dir)/src/modprobe -a xfrm_user esp4 gcm ghash-generic cbc hmac authenc authencesn seqiv echainiv"

t_check "R6: XFRM transport SAs (rfc4106(gcm(aes)) 128) and GRE policies" \
	xfrm_spoke R6 6.6.6.6 "replay-window 32 aead 'rfc4106(gcm(aes))' $R6_IN 128" \
	"replay-window 32 aead 'rfc4106(gcm(aes))' $R6_OUT 128" 0x1006 0x2006
t_check "R8: XFRM transport SAs (cbc(aes) + hmac(sha1) 96, ESN) and GRE policies" \
	xfrm_spoke R8 8.8.8.8 "enc 'cbc(aes)' $R8_ENC_IN auth-trunc 'hmac(sha1)' $R8_AUTH_IN 96" \
	"enc 'cbc(aes)' $R8_ENC_OUT auth-trunc 'hmac(sha1)' $R8_AUTH_OUT 96" 0x1008 0x2008 \
	"flag esn replay-window 128"
echo "# timing: modules and XFRM set-up $(($(ms) - t0)) ms"

ip netns exec "$HUB_NS" timeout -s KILL 600 "$HUB_BIN" -l 0-1 $(t_eal_mem) --no-pci \
	--file-prefix "$PREFIX" --log-level=hub.nhrp:debug -- -c "$HUB_CONF" \
	--idle-sleep 100 >"$HUB_LOG" 2>&1 &
HUB_PID=$!
if ! t_wait_for 30 grep -qs "running:" "$HUB_LOG"; then
	t_fail "hub starts in $HUB_NS"
	cat "$HUB_LOG"
	t_done
	exit
fi
t_ok "hub starts with 4 SAs from its configuration"
# On the spokes' taps: both directions (the hub's own nbma0 does not show what the hub
# sends, which net_af_packet writes past the kernel's taps).
caps_start() { lab_capture_start "$CAP6" --tap R6 && lab_capture_start "$CAP8" --tap R8; }
t_check "captures on the spokes' underlay taps start" caps_start

t_check "FRR starts on R6" lab_spoke_start R6
t_check "FRR starts on R8" lab_spoke_start R8
t0=$(ms)
t_check "the hub accepts R6's registration inside ESP (AES-GCM)" \
	wait_until 90 hub_has 192.168.1.6 6.6.6.6
t_check "the hub accepts R8's registration inside ESP (AES-CBC/HMAC-SHA1, ESN)" \
	wait_until 60 hub_has 192.168.1.8 8.8.8.8
echo "# timing: both registrations accepted $(($(ms) - t0)) ms after FRR was up"
# The reply comes back inside ESP too: the spokes' "dir in" policy refuses clear GRE.
for s in R6 R8; do
	t_check "$s sees the hub up: its Registration Reply came back inside ESP" \
		wait_until 120 nhs_up $s
done

for round in 1 2 3; do
	out=$(LAB_TIMEOUT=40 lab_spoke R8 ping -c 3 -W 5 -I 88.88.88.88 66.66.66.66 2>&1)
	echo "$out" | grep 'packets transmitted' | sed "s/^/#   round $round: /"
	grep -qE ' 3 received' <<<"$out" && break
done
t_check "ping R8 LAN -> R6 LAN through the hub: decrypted from R8 (CBC), encrypted to R6 (GCM)" \
	grep -qE ' 3 received' <<<"$out"
lab_capture_stop

for c in "$CAP6" "$CAP8"; do
	n_ip=$(tshark -r "$c" -Y ip 2>/dev/null | wc -l)
	n_esp=$(tshark -r "$c" -Y esp 2>/dev/null | wc -l)
	n_clear=$(tshark -r "$c" -Y 'ip && !esp' 2>/dev/null | wc -l)
	echo "# capture ${c##*-}: $n_ip IPv4 frames, $n_esp ESP, $n_clear other"
	t_check "${c##*-}: the underlay holds ESP both ways ($n_esp frames)" [ "$n_esp" -ge 6 ]
	t_check "${c##*-}: ... and nothing else over IPv4: no clear GRE or NHRP" [ "$n_clear" -eq 0 ]
done
spis=$(for c in "$CAP6" "$CAP8"; do tshark -r "$c" -Y esp -T fields -e esp.spi 2>/dev/null; done |
	sort -u | tr '\n' ' ')
echo "# ESP SPIs seen: $spis"
t_check "all four SAs carried traffic (SPIs 0x1006 0x1008 0x2006 0x2008)" \
	bash -c "for s in 0x00001006 0x00001008 0x00002006 0x00002008; do grep -q \$s <<<'$spis' || exit 1; done"

sa=$(hub_cli "show crypto ipsec sa")
echo "$sa" | grep -E '^SA|packets' | sed 's/^/#   hub: /'
t_check "hub: every SA counted packets, with no replay, integrity or padding error" \
	bash -c "[ \$(grep -c 'packets [1-9]' <<<'$sa') -eq 4 ] && ! grep -qE '(replay|integrity|padding|truncated) [1-9]' <<<'$sa'"
for s in R6 R8; do
	# inbound errors: integrity (StateProtoError), replay (StateSeqError), no state, ...
	st=$(lab_spoke $s cat /proc/net/xfrm_stat 2>/dev/null | grep '^XfrmIn')
	echo "$st" | grep -vE '\s0$' | sed "s/^/#   $s xfrm_stat: /"
	t_check "$s's kernel took the hub's ESP with no inbound error (xfrm_stat XfrmIn* all 0)" \
		bash -c "[ -n '$st' ] && ! grep -qE '\s[1-9][0-9]*\$' <<<'$st'"
done

# Protection required: clear GRE from R6 is refused once R6 stops using ESP.
lab_spoke R6 'ip xfrm policy flush; ip xfrm state flush' >/dev/null
LAB_TIMEOUT=20 lab_spoke R6 ping -c 3 -W 1 192.168.1.1 >/dev/null 2>&1
drops=$(hub_cli "show drops")
echo "$drops" | grep -E 'unprotected|esp-' | sed 's/^/#   hub: /'
t_check "hub: R6's clear GRE dropped as 'unprotected'" \
	grep -qE 'unprotected +[1-9]' <<<"$drops"

[ "$T_FAIL" -gt 0 ] && fail_logs
echo "# whole test $(($(ms) - T_START)) ms"
t_done

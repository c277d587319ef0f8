#!/bin/bash
# ESP between the hub and Linux XFRM spokes (docs/esp.md): R6 and R8 in the UML lab get
# `ip xfrm state` / `ip xfrm policy` (transport mode, protocol gre) with the keys the hub
# has in its configuration: R6 AES-GCM-128 (RFC 4106), R8 AES-CBC-128 + HMAC-SHA1-96 with
# extended sequence numbers. The spokes also key each other (AES-GCM-128, their own keys,
# SPIs 0x6008 and 0x8006), so Phase 3 shortcuts are protected too: the hub runs with
# redirects on. The tunnel has `protection = "required"`. Registration and a
# spoke -> hub -> spoke ping must work; then the shortcut forms (Traffic Indication and
# resolution inside ESP) and 10 echoes cross it while the hub's hairpin counter stands
# still; the captures on both spokes' taps must hold only ESP (and ARP) -- no clear GRE or
# NHRP to the hub or between the spokes -- with all six SAs seen; the counters on both
# sides must agree that packets were protected with no error; and once R6 drops its XFRM
# state its clear GRE is refused by the hub as "unprotected".
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

[ "$(id -u)" = 0 ] || t_skip_all "needs root (namespaces, taps)"
[ -x /usr/bin/linux.uml ] || t_skip_all "user-mode-linux is not installed"
[ -x /usr/lib/frr/nhrpd ] || t_skip_all "frr is not installed"
for p in ethtool modprobe pgrep tshark; do
	command -v $p >/dev/null || t_skip_all "$p is not installed"
done

. tests/interop/lab.sh
HUB_LOG=/tmp/dmvpn-esp-xfrm-$T_ID.log
HUB_PREFIX=dmvpn-t$T_ID-esp
HUB_LIFETIME=1260
. tests/interop/hub.sh
[ -x "$HUB_BIN" ] || { t_fail "hub binary $HUB_BIN missing"; t_done; exit 1; }
HUB_CONF=/tmp/dmvpn-esp-xfrm-$T_ID.conf
CAP6=/tmp/dmvpn-esp-xfrm-$T_ID-r6.pcap
CAP8=/tmp/dmvpn-esp-xfrm-$T_ID-r8.pcap
stop_all() {
	lab_capture_stop 2>/dev/null
	hub_stop
	lab_down
	rm -rf "$HUB_LOG" "$HUB_CONF" "$CAP6" "$CAP8"
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
# Spoke to spoke (the hub never sees these): AES-GCM-128 with salt.
R6_R8=0x7172737475767778797a7b7c7d7e7f80c1c2c3c4	# R6 -> R8, SPI 0x6008
R8_R6=0x8182838485868788898a8b8c8d8e8f90d1d2d3d4	# R8 -> R6, SPI 0x8006

# The lab hub's configuration, protected; Traffic Indications on (the default), since the
# spokes key each other for their shortcuts.
sed -e '/^\t\tkey = 42;/a\		protection = "required";' configs/lab-hub.conf >"$HUB_CONF"
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

# xfrm_spoke SPOKE NBMA PEER "STATE-ALGOS-OUT" "STATE-ALGOS-IN" SPI_OUT SPI_IN [FLAGS]
# Transport SAs and GRE policies between NBMA (this spoke) and PEER (the hub or a spoke).
xfrm_spoke() {
	local s=$1 me=$2 peer=$3 out=$4 in=$5 spi_out=$6 spi_in=$7 flags=${8:-}
	# The first SA of an algorithm makes the UML kernel load and self-test its crypto
	# (and seed its DRBG): minutes on a busy 2-core host, a few seconds on a quiet one.
	LAB_TIMEOUT=300 lab_spoke "$s" "set -e
		ip xfrm state add src $me dst $peer proto esp spi $spi_out mode transport $flags $out
		ip xfrm state add src $peer dst $me proto esp spi $spi_in mode transport $flags $in
		ip xfrm policy add src $me dst $peer proto gre dir out \
			tmpl src $me dst $peer proto esp mode transport
		ip xfrm policy add src $peer dst $me proto gre dir in \
			tmpl src $peer dst $me proto esp mode transport"
}
GCM="replay-window 32 aead 'rfc4106(gcm(aes))'"

T_START=$(ms)
if ! lab_up --spokes none --lifetime 1200; then
	t_fail "lab_up (UML boot, spoke namespaces)"
	t_done
	exit
fi
t_ok "lab_up in $(($(ms) - T_START)) ms"
HUB_NS=$(lab_hub_ns)
t0=$(ms)
# Generous: on a loaded 2-core machine UML starts a process in seconds.
uml_slow() { LAB_TIMEOUT=300 lab_uml "$@"; }
t_check "XFRM and ESP modules load in the UML kernel" \
	uml_slow "$(lab_dir)/src/modprobe -a xfrm_user esp4 gcm ghash-generic cbc hmac authenc authencesn seqiv echainiv"

t_check "R6: XFRM transport SAs with the hub (rfc4106(gcm(aes)) 128) and GRE policies" \
	xfrm_spoke R6 6.6.6.6 1.1.1.1 "$GCM $R6_IN 128" "$GCM $R6_OUT 128" 0x1006 0x2006
t_check "R8: XFRM transport SAs with the hub (cbc(aes) + hmac(sha1) 96, ESN) and GRE policies" \
	xfrm_spoke R8 8.8.8.8 1.1.1.1 "enc 'cbc(aes)' $R8_ENC_IN auth-trunc 'hmac(sha1)' $R8_AUTH_IN 96" \
	"enc 'cbc(aes)' $R8_ENC_OUT auth-trunc 'hmac(sha1)' $R8_AUTH_OUT 96" 0x1008 0x2008 \
	"flag esn replay-window 128"
t_check "R6: XFRM SAs and GRE policies with R8 for shortcuts (rfc4106(gcm(aes)) 128)" \
	xfrm_spoke R6 6.6.6.6 8.8.8.8 "$GCM $R6_R8 128" "$GCM $R8_R6 128" 0x6008 0x8006
t_check "R8: XFRM SAs and GRE policies with R6 for shortcuts (rfc4106(gcm(aes)) 128)" \
	xfrm_spoke R8 8.8.8.8 6.6.6.6 "$GCM $R8_R6 128" "$GCM $R6_R8 128" 0x8006 0x6008
echo "# timing: modules and XFRM set-up $(($(ms) - t0)) ms"

# Not through t_run: hub_start sets HUB_PID and HUB_NS_RUN in this shell.
if hub_start "$HUB_NS" "$HUB_CONF"; then
	t_ok "hub starts with 4 SAs from its configuration"
else
	t_fail "hub starts with 4 SAs from its configuration"; t_done; exit
fi
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

hp0=$(hub_tel /dmvpn/stats hairpin)
for round in 1 2 3; do
	out=$(LAB_TIMEOUT=40 lab_spoke R8 ping -c 3 -W 5 -I 88.88.88.88 66.66.66.66 2>&1)
	echo "$out" | grep 'packets transmitted' | sed "s/^/#   round $round: /"
	grep -qE ' 3 received' <<<"$out" && break
done
t_check "ping R8 LAN -> R6 LAN through the hub: decrypted from R8 (CBC), encrypted to R6 (GCM)" \
	grep -qE ' 3 received' <<<"$out"
hp1=$(hub_tel /dmvpn/stats hairpin)
# With redirects on, the shortcut may form before all of them are answered: at least the
# first crossed the hub.
rose() { [ -n "$hp0" ] && [ -n "$hp1" ] && [ "$hp1" -gt "$hp0" ]; }
t_check "the first echoes crossed the hub (telemetry hairpin ${hp0:-?} -> ${hp1:-?})" rose

# Phase 3 inside ESP: the hub's Traffic Indications and the resolution through it are
# protected like everything else; the shortcut then runs over the spoke-to-spoke SAs.
shortcuts_up() {
	local a b
	a=$(LAB_TIMEOUT=60 lab_spoke R8 'ping -c 3 -i 0.3 -W 2 -I 88.88.88.88 66.66.66.66 >/dev/null; ip -4 route show 66.66.66.0/24' 2>/dev/null)
	b=$(lab_spoke R6 'ip -4 route show 88.88.88.0/24' 2>/dev/null)
	R8_RT=$a R6_RT=$b
	grep -q 'via 192\.168\.1\.6 .*proto nhrp' <<<"$a" && grep -q 'via 192\.168\.1\.8 .*proto nhrp' <<<"$b"
}
t0=$(ms)
R8_RT='' R6_RT=''
t_check "shortcut routes: R8 66.66.66.0/24 via 192.168.1.6, R6 88.88.88.0/24 via 192.168.1.8 (proto nhrp)" \
	wait_until 90 shortcuts_up
echo "# timing: shortcuts in the kernels $(($(ms) - t0)) ms after the pings started"
echo "$R8_RT" | sed 's/^/#   R8: /'
echo "$R6_RT" | sed 's/^/#   R6: /'
n=$(hub_json 'show ip nhrp traffic json' 'd["sent"]["traffic-indication"] > 0 and d["received"]["resolution-request"] > 0 and d["received"]["resolution-reply"] > 0')
t_check "hub: Traffic Indications sent, Resolution Request and Reply passed on (all inside ESP)" \
	[ "$n" = True ]
sleep 2 # echoes in flight when the routes changed
hp2=$(hub_tel /dmvpn/stats hairpin)
out=$(LAB_TIMEOUT=60 lab_spoke R8 ping -c 10 -i 0.3 -W 3 -I 88.88.88.88 66.66.66.66 2>&1)
echo "$out" | grep 'packets transmitted' | sed 's/^/#   shortcut: /'
t_check "10 echoes R8 LAN -> R6 LAN over the shortcut" grep -qE ' 10 received' <<<"$out"
hp3=$(hub_tel /dmvpn/stats hairpin)
still() { [ -n "$hp2" ] && [ "$hp2" = "$hp3" ]; }
t_check "... while the hub's hairpin counter stood still (${hp2:-?} -> ${hp3:-?})" still
lab_capture_stop

for c in "$CAP6" "$CAP8"; do
	n_ip=$(tshark -r "$c" -Y ip 2>/dev/null | wc -l)
	n_esp=$(tshark -r "$c" -Y esp 2>/dev/null | wc -l)
	n_clear=$(tshark -r "$c" -Y 'ip && !esp' 2>/dev/null | wc -l)
	echo "# capture ${c##*-}: $n_ip IPv4 frames, $n_esp ESP, $n_clear other"
	t_check "${c##*-}: the underlay holds ESP both ways ($n_esp frames)" [ "$n_esp" -ge 6 ]
	t_check "${c##*-}: ... and nothing else over IPv4: no clear GRE or NHRP" [ "$n_clear" -eq 0 ]
done
for c in "$CAP6" "$CAP8"; do
	n=$(tshark -r "$c" -Y 'esp && ((ip.src == 6.6.6.6 && ip.dst == 8.8.8.8) || (ip.src == 8.8.8.8 && ip.dst == 6.6.6.6))' 2>/dev/null | wc -l)
	t_check "${c##*-}: the shortcut between the spokes is ESP ($n frames; 10 echoes and replies)" \
		[ "$n" -ge 20 ]
done
spis=$(for c in "$CAP6" "$CAP8"; do tshark -r "$c" -Y esp -T fields -e esp.spi 2>/dev/null; done |
	sort -u | tr '\n' ' ')
echo "# ESP SPIs seen: $spis"
t_check "all six SAs carried traffic (SPIs 0x1006 0x1008 0x2006 0x2008, spokes 0x6008 0x8006)" \
	bash -c "for s in 0x00001006 0x00001008 0x00002006 0x00002008 0x00006008 0x00008006; do grep -q \$s <<<'$spis' || exit 1; done"

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
hub_sanitizer_check
echo "# whole test $(($(ms) - T_START)) ms"
t_done

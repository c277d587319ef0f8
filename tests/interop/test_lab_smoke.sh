#!/bin/bash
# Smoke test of the spoke lab (tests/interop/lab.sh, docs/lab.md): boot UML, start two
# FRR 8.4 nhrpd spokes, and check on the hub side of the wire that they send NHRP
# Registration Requests to 1.1.1.1; that commands in the spokes work (output, exit codes,
# timeouts); that spokes restart with other options (NBMA address, no-unique,
# authentication); and that lab_down leaves nothing behind.
#
# No hub process runs here: for this test only, the hub namespace's kernel owns 1.1.1.1
# so that it answers the spokes' ARP (and ping; GRE it answers with ICMP unreachable).
# LAB_SAVE_REG_PCAP=FILE saves one captured Registration Request (whole frame) to FILE.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

[ "$(id -u)" = 0 ] || t_skip_all "needs root (namespaces, taps)"
[ -x /usr/bin/linux.uml ] || t_skip_all "user-mode-linux is not installed"
[ -x /usr/lib/frr/nhrpd ] || t_skip_all "frr is not installed"
for p in tshark tcpdump ethtool modprobe pgrep; do
	command -v $p >/dev/null || t_skip_all "$p is not installed"
done

. tests/interop/lab.sh
trap 'lab_down' EXIT
trap 'exit 130' INT TERM

# t_not "description" command...: passes when the command fails.
t_not() { local d=$1; shift; if "$@"; then t_fail "$d"; else t_ok "$d"; fi; }
ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }
T_START=$(ms)
CAP=$LAB_DIR/hub.pcap
HUB=$(lab_hub_ns)

fail_logs() { # print what helps when something failed
	local s
	for s in R6 R8; do
		echo "--- $s nhrpd.log (tail)"
		tail -n 15 "$(lab_log $s nhrpd)" 2>/dev/null
	done
	echo "--- uml-init.log"
	tail -n 15 "$LAB_DIR/uml-init.log" 2>/dev/null
}

# reg_from SRC: "op hopcnt U-flag ext-types" lines of Registration Requests from SRC.
reg_fields() {
	tshark -r "$CAP" -Y "nhrp.hdr.op.type == 3 && ip.src == $1 && ip.dst == 1.1.1.1 && !icmp" \
		-T fields -E separator=' ' -E aggregator=, \
		-e frame.number -e nhrp.hdr.hopcnt -e nhrp.flag.u -e nhrp.src.nbma.addr \
		-e nhrp.src.prot.addr -e nhrp.dst.prot.addr -e nhrp.ext.type -e nhrp.ext.c 2>/dev/null
}
# wait_reg SRC SECONDS: wait until a Registration Request from SRC is in the capture.
wait_reg() {
	local deadline=$(($(ms) + $2 * 1000))
	while [ "$(ms)" -lt "$deadline" ]; do
		[ -n "$(reg_fields "$1")" ] && return 0
		sleep 1
	done
	return 1
}

# --- bring-up: UML and the spoke namespaces, then the FRR daemons while capturing.
if ! lab_up --spokes none --lifetime 390; then
	t_fail "lab_up (UML boot, spoke namespaces)"
	fail_logs
	t_done
	exit
fi
t_ok "lab_up: UML booted in ${LAB_T_BOOT} ms, spoke namespaces in ${LAB_T_NS} ms"
ip -n "$HUB" addr add 1.1.1.1/32 dev nbma0 && ip -n "$HUB" route add 0.0.0.0/0 dev nbma0
t_check "capture on the hub's nbma0 starts" lab_capture_start "$CAP"

t0=$(ms)
t_check "FRR starts on R6" lab_spoke_start R6
T_R6=$(($(ms) - t0))
t0=$(ms)
t_check "FRR starts on R8" lab_spoke_start R8
T_R8=$(($(ms) - t0))
echo "# timing: FRR up on R6 in $T_R6 ms, on R8 in $T_R8 ms; lab up $(($(ms) - T_START)) ms after start"

for s in R6 R8; do
	t_check "$s: zebra, staticd and nhrpd run" lab_spoke_status "$s" zebra staticd nhrpd >/dev/null
done

t0=$(ms)
wait_reg 6.6.6.6 60 && wait_reg 8.8.8.8 30
T_REG=$(($(ms) - t0))
echo "# timing: Registration Requests from both spokes seen ${T_REG} ms after FRR was up"
for src in 6.6.6.6 8.8.8.8; do
	n=$(reg_fields $src | wc -l)
	t_check "hub side sees NHRP Registration Requests (op 3) from $src to 1.1.1.1 ($n)" [ "$n" -ge 1 ]
done
# What an FRR 8.4 spoke sends (DESIGN.md §3): hop count 1, U set (unique is the default),
# NBMA/protocol source from the spoke, destination = the NHS's tunnel address,
# extensions 4, 5, 3 (empty, compulsory), 9 NAT (not compulsory), End. (Wireshark shows the
# type without the compulsory bit, which is the field nhrp.ext.c.)
read -r frame hop u nbma psrc pdst exts extc <<<"$(reg_fields 6.6.6.6 | head -n1)"
t_check "R6's Registration: hop count 1 (got $hop)" [ "$hop" = 1 ]
t_check "R6's Registration: U flag set (got $u)" grep -qxE 'True|1' <<<"$u"
t_check "R6's Registration: NBMA 6.6.6.6, 192.168.1.6 -> 192.168.1.1 (got $nbma $psrc -> $pdst)" \
	[ "$nbma $psrc $pdst" = "6.6.6.6 192.168.1.6 192.168.1.1" ]
t_check "R6's Registration: extensions 4,5,3,9,0 (got $exts)" \
	[ "$exts" = "0x0004,0x0005,0x0003,0x0009,0x0000" ]
t_check "R6's Registration: compulsory bits 1,1,1,0,1 (got $extc)" \
	grep -qxE '1,1,1,0,1|True,True,True,False,True' <<<"$extc"
gre=$(tshark -r "$CAP" -Y "frame.number == $frame" -T fields -e gre.proto -e gre.key 2>/dev/null)
t_check "R6's Registration rides in GRE 0x2001 with key 42 (got $gre)" [ "$gre" = "$(printf '0x2001\t0x0000002a')" ]
if [ -n "${LAB_SAVE_REG_PCAP:-}" ] && [ -n "$frame" ]; then
	tshark -r "$CAP" -Y "frame.number == $frame" -w "$LAB_SAVE_REG_PCAP" 2>/dev/null &&
		echo "# saved frame $frame to $LAB_SAVE_REG_PCAP"
fi

nlog=$(lab_log R6 nhrpd)
t_check "R6's nhrpd logs its Registration Requests" grep -q 'Send Registration-Request' "$nlog"
t_not "nhrpd accepted the tunnel addresses (no 'not a host prefix')" \
	grep -qi 'not a host prefix' "$(lab_log R6 nhrpd)" "$(lab_log R8 nhrpd)"
out=$(lab_vtysh R6 'show ip nhrp nhs')
t_check "vtysh on R6: 'show ip nhrp nhs' lists NHS 1.1.1.1" grep -q '1\.1\.1\.1' <<<"$out"

# --- commands in the spokes
t0=$(ms)
out=$(lab_spoke R6 echo hello)
T_RT=$(($(ms) - t0))
t_check "lab_spoke prints stdout (round trip $T_RT ms)" [ "$out" = hello ]
t_check "lab_spoke round trip under 3 s ($T_RT ms)" [ "$T_RT" -lt 3000 ]
lab_spoke R6 'exit 3'
t_check "lab_spoke returns the exit code (3 -> $?)" [ $? = 3 ]
out=$(lab_spoke R6 'echo to-err >&2' 2>&1 >/dev/null)
t_check "lab_spoke passes stderr" [ "$out" = to-err ]
t0=$(ms)
LAB_TIMEOUT=2 lab_spoke R6 sleep 60
rc=$?
t_check "a command is killed at its timeout (rc $rc after $(($(ms) - t0)) ms)" \
	[ $rc = 124 -a $(($(ms) - t0)) -lt 20000 ]
t_check "R6 pings the hub's NBMA address 1.1.1.1" lab_spoke R6 ping -c1 -W5 1.1.1.1 >/dev/null
t_check "R6 pings R8's NBMA address 8.8.8.8 directly" lab_spoke R6 ping -c1 -W5 8.8.8.8 >/dev/null

# Checksums on the hub side: UDP straight on the NBMA, and UDP inside GRE (a temporary
# binding of 192.168.1.99 to NBMA 1.1.1.1 on gre1). The vector driver leaves checksums
# to the host, which completes them when it sends the frame out of hub0 (tx off).
lab_spoke R6 'echo udp-nbma >/dev/udp/1.1.1.1/9
	ip neigh replace 192.168.1.99 lladdr 1.1.1.1 dev gre1 nud permanent &&
	ip route add 192.168.1.99/32 dev gre1 &&
	echo udp-gre >/dev/udp/192.168.1.99/9
	ip route del 192.168.1.99/32 dev gre1; ip neigh del 192.168.1.99 dev gre1' 2>/dev/null
sleep 1
udp=$(tshark -r "$CAP" -o udp.check_checksum:TRUE -Y 'udp.dstport == 9 && !icmp' \
	-T fields -e ip.src -e ip.dst -e udp.checksum.status 2>/dev/null | sort -u | tr '\t\n' ' |')
t_check "UDP from R6 reaches the hub with a good checksum, bare and inside GRE ($udp)" \
	[ "$udp" = "6.6.6.6 1.1.1.1 1|6.6.6.6,192.168.1.6 1.1.1.1,192.168.1.99 1|" ]

# --- restart R8 with another NBMA address, registration no-unique and authentication.
t0=$(ms)
t_check "R8 stops" lab_spoke_stop R8 >/dev/null
t_not "lab_spoke_status reports R8's daemons stopped" lab_spoke_status R8 zebra staticd nhrpd >/dev/null
err=$(lab_spoke_start R8 --nbma 8.8.8.9 --no-unique --auth secret1 2>&1 >/dev/null)
rc=$?
echo "# timing: R8 stop + reconfigure + start in $(($(ms) - t0)) ms"
# FRR 8.4's nhrpd has no 'ip nhrp authentication' (later FRR versions have it): the lab
# reports configuration lines a daemon rejected with exit code 3, daemons running.
if [ $rc = 3 ] && grep -q 'ip nhrp authentication' <<<"$err"; then
	t_ok "R8 restarted; lab_spoke_start reports that this nhrpd rejects 'ip nhrp authentication' (rc 3)"
	AUTH=0
else
	t_check "R8 restarts with NBMA 8.8.8.9, no-unique, authentication (rc $rc: $err)" [ $rc = 0 ]
	AUTH=1
fi
t_check "R8's daemons run again" lab_spoke_status R8 >/dev/null
out=$(lab_spoke R8 ip -4 -o addr show dev nbma0)
t_check "R8's nbma0 carries 8.8.8.9/32 only ($(awk '{print $4}' <<<"$out" | tr '\n' ' '))" \
	[ "$(awk '{print $4}' <<<"$out")" = 8.8.8.9/32 ]
wait_reg 8.8.8.9 60
read -r frame hop u nbma psrc pdst exts extc <<<"$(reg_fields 8.8.8.9 | head -n1)"
t_check "R8 registers from 8.8.8.9 (frame ${frame:-none})" [ "${nbma:-}" = 8.8.8.9 ]
t_check "R8's Registration: U flag clear with no-unique (got $u)" grep -qxE 'False|0' <<<"$u"
if [ $AUTH = 1 ]; then
	t_check "R8's Registration: authentication extension 7 present (got $exts)" \
		grep -q '0x8007\|0x0007' <<<"$exts"
	tshark -r "$CAP" -Y "frame.number == ${frame:-0}" -w "$LAB_DIR/r8-auth.pcap" 2>/dev/null
	t_check "R8's Registration carries the password in clear (Cisco form)" grep -q secret1 "$LAB_DIR/r8-auth.pcap"
else
	t_check "R8's Registration: no authentication extension (got $exts)" \
		[ "$exts" = "0x0004,0x0005,0x0003,0x0009,0x0000" ]
fi

lab_capture_stop
t_not "capture stopped" compgen -G "$LAB_DIR/cap/*.pid"

[ "$T_FAIL" -gt 0 ] && fail_logs

# --- teardown leaves nothing behind
UML_PGID=$(cat "$LAB_DIR/uml.pid" 2>/dev/null)
t0=$(ms)
lab_down
echo "# timing: lab_down in $(($(ms) - t0)) ms; whole test $(($(ms) - T_START)) ms"
t_not "no namespace of this run is left" bash -c "ip netns list | grep -q -- '-$T_ID\b'"
t_not "no linux.uml of this run is left" pgrep -f -- "$LAB_DIR/src/uml-init.sh"
[ -n "$UML_PGID" ] && t_not "UML's process group $UML_PGID is gone" pgrep -g "$UML_PGID"
t_not "no tcpdump of this run is left" pgrep -f -- "$CAP"
t_check "the per-run directory is gone" [ ! -e "$LAB_DIR" ]
lab_down
t_check "lab_down is idempotent" [ $? = 0 ]
t_done

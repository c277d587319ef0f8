#!/bin/bash
# Spoke management inside the lab's UML kernel (run by uml-agent.sh, see docs/lab.md).
#
#   spoke.sh setup NAME VECDEV NBMA TUNADDR LANADDR   (UML root namespace)
#       create namespace NAME, move VECDEV into it as nbma0 with NBMA/32 and an on-link
#       default route, mGRE gre1 (key 42) with TUNADDR/32, dummy lan0 with LANADDR,
#       and start the namespace's own agent.
#   spoke.sh start NAME KEY=VALUE...    (inside the namespace: FRR zebra, staticd, nhrpd)
#       nbma=ADDR (re-address nbma0 when it differs), nhs_proto=ADDR|dynamic, nhs_nbma=ADDR,
#       auth=STRING, unique=0|1, holdtime=SECONDS, routes="PFX ...", distance=N,
#       debug="event kernel ..." (common is always on), ifline="LINE|LINE" (extra lines under interface gre1)
#   spoke.sh stop NAME                  (inside the namespace: stop the daemons)
#   spoke.sh status NAME [DAEMON...]    (exit 0 when every daemon named runs)
set -u
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
DAEMONS="zebra staticd nhrpd"
RUN=/run/dmvpn-lab

die() { echo "spoke.sh: $*" >&2; exit 1; }

# daemon_pid NAME DAEMON: DPID = pid of the running daemon (not a zombie). No subshell.
daemon_pid() {
	local pf=$RUN/$1/$2.pid st
	DPID=
	[ -r "$pf" ] || return 1
	read -r DPID <"$pf" || return 1
	[ -n "$DPID" ] && [ -r "/proc/$DPID/stat" ] || return 1
	{ read -r _ _ st _ <"/proc/$DPID/stat"; } 2>/dev/null || return 1
	[ "$st" != Z ]
}

cmd_setup() {
	local name=$1 vec=$2 nbma=$3 tun=$4 lan=$5
	[ -d "$LAB_DIR/ctl/$name" ] || die "no control directory for $name"
	# Forks are expensive in UML: one ip batch in the root namespace, one shell inside the
	# new one. IPv6 goes off before any device is made there (new namespaces do not get the
	# UML root's default.disable_ipv6, devconf_inherit_init_net notwithstanding).
	ip -b - <<-EOF || die "ip batch (root)"
		netns add $name
		link set $vec netns $name
	EOF
	local c=/proc/sys/net/ipv6/conf
	# The vector driver hands TSO/GSO super-frames to the host tap (virtio-net header):
	# ethtool turns that off, so the bridge carries ordinary frames. Its tx checksum
	# offload cannot be turned off (HW_CSUM is not in its hw_features): frames leave UML
	# with partial checksums, which the host completes when it sends them out of hub0
	# (tx off there).
	ip netns exec "$name" sh -e -c "
		echo 1 >$c/all/disable_ipv6; echo 1 >$c/default/disable_ipv6; echo 1 >$c/$vec/disable_ipv6
		ip -b - <<-EOF
		link set lo up
		link set $vec name nbma0
		link set nbma0 addrgenmode none
		link set nbma0 up
		addr add $nbma/32 dev nbma0
		route add 0.0.0.0/0 dev nbma0
		tunnel add gre1 mode gre key 42 ttl 64 dev nbma0
		link set gre1 up
		addr add $tun/32 dev gre1
		link add lan0 type dummy
		link set lan0 up
		addr add $lan dev lan0
		EOF
		ethtool -K nbma0 sg off tso off gso off >/dev/null 2>&1 ||
			echo 'spoke.sh: ethtool -K nbma0 failed (offloads stay on)' >&2
	" || die "network set-up of $name failed"
	install -d -o frr -g frr "$RUN/$name"
	echo "$nbma" >"$RUN/$name/nbma"
	# The namespace's own agent, detached from this command.
	setsid ip netns exec "$name" bash "$LAB_SRC/uml-agent.sh" "$name" \
		>>"$LAB_DIR/agent-$name.log" 2>&1 </dev/null &
	local i
	for ((i = 0; i < 200; i++)); do
		[ -s "$LAB_DIR/ctl/$name/agent.pid" ] && return 0
		sleep 0.05
	done
	die "agent of $name did not start"
}

# The last line of nhrpd's configuration is a deliberately unknown command: nhrpd logs
# "No such command on config line N: lab-config-end" when it has read its whole
# configuration (the -d parent returns before that), with any real error before it.
# (zebra and staticd of FRR 8.4 do not log configuration errors to their log file.)
END_MARKER=lab-config-end
end_marker() {
	echo "! The next line is deliberately unknown: its error in the log marks the end of"
	echo "! the configuration for the lab (tests/interop/spoke.sh)."
	echo "$END_MARKER"
}

write_configs() {
	local name=$1 cfg=$2 logdir=$3
	local d
	{
		echo "hostname $name"
		echo "log file $logdir/zebra.log debugging"
		echo "log timestamp precision 3"
		echo "!"
		echo "interface gre1"
		echo "exit"
	} >"$cfg/zebra.conf"
	{
		echo "hostname $name"
		echo "log file $logdir/staticd.log debugging"
		echo "log timestamp precision 3"
		echo "!"
		if [ "$nhs_proto" != dynamic ]; then
			for p in $routes; do
				echo "ip route $p $nhs_proto $distance"
			done
		fi
	} >"$cfg/staticd.conf"
	{
		echo "hostname $name"
		echo "log file $logdir/nhrpd.log debugging"
		echo "log timestamp precision 3"
		echo "debug nhrp common"
		for d in $debug; do [ "$d" = common ] || echo "debug nhrp $d"; done
		echo "!"
		echo "interface gre1"
		echo " ip nhrp network-id 1"
		echo " ip nhrp nhs $nhs_proto nbma $nhs_nbma"
		[ "$unique" = 1 ] || echo " ip nhrp registration no-unique"
		[ -n "$holdtime" ] && echo " ip nhrp holdtime $holdtime"
		[ -n "$auth" ] && echo " ip nhrp authentication $auth"
		echo " ip nhrp shortcut"
		local IFS='|' l
		for l in $ifline; do [ -n "$l" ] && echo " $l"; done
		echo "exit"
		end_marker
	} >"$cfg/nhrpd.conf"
}

cmd_start() {
	local name=$1; shift
	local nbma='' nhs_proto=192.168.1.1 nhs_nbma=1.1.1.1 auth='' unique=1 holdtime=''
	local routes='' distance=200 debug='common' ifline='' kv
	for kv in "$@"; do
		case "$kv" in
		nbma=* | nhs_proto=* | nhs_nbma=* | auth=* | unique=* | holdtime=* | routes=* | distance=* | debug=* | ifline=*)
			printf -v "${kv%%=*}" '%s' "${kv#*=}" ;;
		*) die "unknown start option $kv" ;;
		esac
	done
	local run=$RUN/$name logdir=$LAB_DIR/$name cfg=$LAB_DIR/$name/etc
	local d cur=''
	for d in $DAEMONS; do
		daemon_pid "$name" "$d" && die "$d already runs (pid $DPID): stop first"
	done
	# Re-address nbma0 when asked (add the new address, drop the old one, restore the
	# route: deleting the last address of a device flushes its routes). The current
	# address is kept in a state file: every process started here costs ~60-200 ms.
	[ -r "$run/nbma" ] && read -r cur <"$run/nbma"
	if [ -n "$nbma" ] && [ "$cur" != "$nbma" ]; then
		ip addr add "$nbma/32" dev nbma0 || die "add $nbma"
		[ -n "$cur" ] && ip addr del "$cur/32" dev nbma0
		ip route replace 0.0.0.0/0 dev nbma0 || die "default route"
		ip neigh flush dev gre1 2>/dev/null
		echo "$nbma" >"$run/nbma"
	fi
	# $logdir and $cfg are made (world-writable) by the host, which also removes old logs.
	write_configs "$name" "$cfg" "$logdir"
	# zebra first: staticd and nhrpd then find it at once. Each -d parent returns once its
	# daemon has read its configuration.
	local common=(-d -u frr -g frr -P 0 --vty_socket "$run" -z "$run/zserv.api")
	for d in $DAEMONS; do
		/usr/lib/frr/$d "${common[@]}" -f "$cfg/$d.conf" -i "$run/$d.pid" \
			>>"$logdir/$d.stderr" 2>&1 </dev/null || die "$d did not start (see $logdir/$d.stderr)"
	done
	# Wait (bounded) until nhrpd has read its configuration; it runs on without the lines it
	# did not understand (FRR 8.4's nhrpd has no 'ip nhrp authentication', for one):
	# report those and fail.
	local l bad='' seen=0 end=$((SECONDS + 60))
	while [ $SECONDS -lt $end ]; do
		bad=''
		if [ -r "$logdir/nhrpd.log" ]; then
			while IFS= read -r l; do
				case "$l" in
				*"config line"*": $END_MARKER") seen=1 ;;
				*"command on config line"* | *"rror on config line"*) bad+="nhrpd: ${l#*] }"$'\n' ;;
				esac
			done <"$logdir/nhrpd.log"
		fi
		[ $seen = 1 ] && break
		sleep 0.1
	done
	[ $seen = 1 ] || echo "spoke.sh: nhrpd did not finish reading its configuration in 60 s" >&2
	if [ -n "$bad" ]; then
		cmd_status "$name"
		printf 'spoke.sh: FRR rejected configuration lines (daemons run without them):\n%s' "$bad" >&2
		return 3
	fi
	cmd_status "$name"
}

cmd_stop() {
	local name=$1 d pid pids=() i
	for d in nhrpd staticd zebra; do
		daemon_pid "$name" "$d" && { kill -TERM "$DPID"; pids+=("$DPID"); }
	done
	# Bounded wait (5 s), then SIGKILL.
	for ((i = 0; i < 50; i++)); do
		local alive=0
		for pid in "${pids[@]}"; do
			[ -r "/proc/$pid/stat" ] && { read -r _ _ st _ <"/proc/$pid/stat"; [ "$st" != Z ] && alive=1; } 2>/dev/null
		done
		[ $alive = 0 ] && break
		sleep 0.1
	done
	for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null; done
	rm -f "$RUN/$name"/*.pid
	return 0
}

cmd_status() {
	local name=$1; shift
	local d rc=0
	for d in ${*:-$DAEMONS}; do
		if daemon_pid "$name" "$d"; then echo "$d running $DPID"; else echo "$d stopped"; rc=1; fi
	done
	return $rc
}

[ -n "${LAB_DIR:-}" ] && [ -n "${LAB_SRC:-}" ] || die "LAB_DIR and LAB_SRC must be set"
# Run as "bash spoke.sh ..." or sourced (". spoke.sh ...") by an agent's command subshell,
# which saves starting a bash (~200 ms in UML).
op=${1:-}; shift || true
case "$op" in
setup) [ $# -eq 5 ] || die "usage: setup NAME VEC NBMA TUN LAN"; cmd_setup "$@" ;;
start) [ $# -ge 1 ] || die "usage: start NAME [KEY=VALUE...]"; cmd_start "$@" ;;
stop) [ $# -eq 1 ] || die "usage: stop NAME"; cmd_stop "$@" ;;
status) [ $# -ge 1 ] || die "usage: status NAME [DAEMON...]"; cmd_status "$@" ;;
*) die "unknown command '$op'" ;;
esac

# The spoke lab: real FRR 8.4 nhrpd spokes over Linux mGRE inside a user-mode-Linux
# kernel, reachable from a "hub" network namespace on the host. Source it (after
# tests/lib.sh, which sets T_ID); see docs/lab.md for the topology and the facts behind it.
#
#   lab_up [options]            namespaces, bridge, taps, boot UML, set up R6 + R8, start FRR
#       --hub-ns NAME           hub namespace (default dmvpn-hub-$T_ID; reused if it exists)
#       --spokes "R6 R8"|none   whose FRR daemons to start (both namespaces always exist)
#       --auth STRING           ip nhrp authentication STRING on the spokes (FRR 8.4's
#                               nhrpd has no such command: spoke start then fails with 3)
#       --no-unique/--unique    ip nhrp registration no-unique (default: unique)
#       --nhs-nbma ADDR         NBMA address of the NHS (default 1.1.1.1)
#       --nhs-proto ADDR|dynamic  tunnel address of the NHS (default 192.168.1.1)
#       --holdtime SECONDS      ip nhrp holdtime (default: FRR's 7200)
#       --r8-nbma ADDR          R8's NBMA address (default 8.8.8.8)
#       --debug "event kernel"  more 'debug nhrp X' lines ('common' is always on)
#       --if-line LINE          extra line under 'interface gre1' (repeatable)
#       --lifetime SECONDS      hard lifetime of the UML kernel (default 900)
#   lab_down                    tear everything down; idempotent, trap-safe
#   lab_hub_ns                  print the hub namespace's name
#   lab_spoke SPOKE CMD...      run CMD (bash) in SPOKE's namespace inside UML; prints its
#                               stdout/stderr, returns its exit code (124: timeout)
#   lab_vtysh SPOKE 'show ...' [...]  vtysh of SPOKE's daemons
#   lab_uml CMD...              run CMD in the UML root namespace
#   lab_spoke_start SPOKE [options]   start (or reconfigure+start) SPOKE's FRR; the
#                               lab_up spoke options plus --nbma ADDR, --no-auth,
#                               --routes "PFX...", --distance N; options not given keep
#                               the spoke's last values. Returns once nhrpd has read its
#                               configuration; 3 when FRR rejected configuration lines
#   lab_spoke_stop SPOKE        stop SPOKE's FRR daemons (addresses stay)
#   lab_spoke_restart SPOKE [options]
#   lab_spoke_set_nbma SPOKE ADDR   stop, re-address nbma0, start again
#   lab_spoke_status SPOKE [DAEMON...]  "zebra running PID" lines; 0 when all run
#   lab_spoke_addr SPOKE nbma|tun|lan|mac   print an address of SPOKE
#   lab_log SPOKE DAEMON        print the host path of SPOKE's DAEMON log
#   lab_capture_start FILE [--bridge|--tap SPOKE|--hub-peer] [FILTER...]  tcpdump into FILE
#                               on the hub's nbma0 (default: what the hub receives only, see
#                               docs/lab.md), the lab bridge br0 (sees broadcasts and flooded
#                               frames only), SPOKE's tap (all its frames) or hub0, the
#                               other end of the hub's veth (all the hub sends and receives);
#                               lab_capture_stop [FILE] stops that capture (default: all)
#   lab_dir                     the per-run directory (logs, configs) on the host
# Timeouts: LAB_CMD_TIMEOUT (30 s per command; LAB_TIMEOUT=N overrides it for one call),
# LAB_BOOT_TIMEOUT (120 s). The machine is shared with compilers: under load everything in
# UML runs several times slower than the timings in docs/lab.md.
# LAB_KEEP=1 keeps the per-run directory (logs) after lab_down. LAB_UML_MEM (default 256M):
# the UML kernel's memory (tests/interop/frrhub.sh needs more for 10k+ FRR peers).

: "${T_ID:=$$}"
LAB_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB_ID=$T_ID
LAB_NS=dmvpn-lab-$LAB_ID
LAB_HUB_NS=${LAB_HUB_NS:-dmvpn-hub-$LAB_ID}
LAB_DIR=/tmp/dmvpn-lab-$LAB_ID
LAB_CMD_TIMEOUT=${LAB_CMD_TIMEOUT:-30}
LAB_BOOT_TIMEOUT=${LAB_BOOT_TIMEOUT:-120}
LAB_UML=${LAB_UML:-/usr/bin/linux.uml}

# The spokes: NAME UML-device host-tap MAC NBMA tunnel LAN(address/len)
LAB_SPOKE_TABLE="R6 vec0 tap6 02:00:00:00:06:06 6.6.6.6 192.168.1.6 66.66.66.66/24
R8 vec1 tap8 02:00:00:00:08:08 8.8.8.8 192.168.1.8 88.88.88.88/24"
LAB_SPOKES_ALL="R6 R8"

_lab_log() { echo "lab: $*" >&2; }
_lab_now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }

# The hub namespace's name (lab_up --hub-ns is remembered in the per-run directory, so
# subshells and lab_down agree on it).
lab_hub_ns() {
	[ -r "$LAB_DIR/hub-ns" ] && read -r LAB_HUB_NS <"$LAB_DIR/hub-ns"
	echo "$LAB_HUB_NS"
}
lab_dir() { echo "$LAB_DIR"; }

# _lab_field SPOKE N: field N of the spoke table (2 vec, 3 tap, 4 mac, 5 nbma, 6 tun, 7 lan)
_lab_field() {
	local f
	while read -r -a f; do
		[ "${f[0]}" = "$1" ] && { echo "${f[$2 - 1]}"; return 0; }
	done <<<"$LAB_SPOKE_TABLE"
	return 1
}

lab_spoke_addr() {
	local s=$1 what=$2 v
	case "$what" in
	mac) _lab_field "$s" 4 ;;
	tun) _lab_field "$s" 6 ;;
	lan) v=$(_lab_field "$s" 7) && echo "${v%/*}" ;;
	nbma)
		if [ -r "$LAB_DIR/$s/params" ]; then
			sed -n 's/^nbma=//p' "$LAB_DIR/$s/params"
		else
			_lab_field "$s" 5
		fi ;;
	*) return 1 ;;
	esac
}

lab_log() { echo "$LAB_DIR/$1/$2.log"; }

# lab_cmd NAME TIMEOUT COMMAND: run COMMAND through the agent NAME (uml, R6, R8).
lab_cmd() {
	local name=$1 tmo=$2 cmd=$3 dir=$LAB_DIR/ctl/$1 tmp id rc=124 deadline next_alive
	if [ ! -s "$dir/agent.pid" ]; then
		_lab_log "no agent '$name' (lab not up?)"
		return 125
	fi
	tmp=$(mktemp "$dir/.c.XXXXXXXX") || return 125
	id=${tmp##*/.c.}
	printf '%s\n%s' "$tmo" "$cmd" >"$tmp" && mv -f "$tmp" "$dir/c.$id" || return 125
	# The agent kills the command at TIMEOUT; allow UML's slow process start on top.
	deadline=$(($(_lab_now_ms) + (tmo + 15) * 1000))
	next_alive=$(($(_lab_now_ms) + 1000))
	while :; do
		if [ -s "$dir/r.$id" ]; then
			read -r rc <"$dir/r.$id"
			[ -e "$dir/o.$id" ] && cat "$dir/o.$id"
			[ -s "$dir/e.$id" ] && cat "$dir/e.$id" >&2
			rm -f "$dir/c.$id" "$dir/o.$id" "$dir/e.$id" "$dir/r.$id"
			return "${rc:-125}"
		fi
		local now
		now=$(_lab_now_ms)
		if [ "$now" -ge "$deadline" ]; then
			_lab_log "command on $name timed out after ${tmo}s: $cmd"
			rm -f "$dir/c.$id"
			return 124
		fi
		if [ "$now" -ge "$next_alive" ]; then
			next_alive=$((now + 1000))
			if ! _lab_uml_alive; then
				_lab_log "UML is not running (command on $name: $cmd)"
				rm -f "$dir/c.$id"
				return 125
			fi
		fi
		sleep 0.02
	done
}

lab_uml() { lab_cmd uml "${LAB_TIMEOUT:-$LAB_CMD_TIMEOUT}" "$*"; }
lab_spoke() {
	local s=$1; shift
	lab_cmd "$s" "${LAB_TIMEOUT:-$LAB_CMD_TIMEOUT}" "$*"
}
lab_vtysh() {
	local s=$1 c args=''; shift
	for c in "$@"; do args+=" -c $(printf %q "$c")"; done
	lab_cmd "$s" "${LAB_TIMEOUT:-$LAB_CMD_TIMEOUT}" "vtysh --vty_socket /run/dmvpn-lab/$s$args"
}

_lab_uml_alive() {
	local pid
	[ -r "$LAB_DIR/uml.pid" ] && read -r pid <"$LAB_DIR/uml.pid" && [ -n "$pid" ] &&
		kill -0 "$pid" 2>/dev/null
}

# Parse spoke options into the spoke's params file (KEY=VALUE lines, spoke.sh start's keys).
_lab_spoke_params() {
	local s=$1; shift
	local pf=$LAB_DIR/$s/params
	local -A p=()
	local line k
	if [ -r "$pf" ]; then
		while IFS= read -r line; do p[${line%%=*}]=${line#*=}; done <"$pf"
	fi
	local iflines_set=0
	while [ $# -gt 0 ]; do
		case "$1" in
		--auth) p[auth]=$2; shift ;;
		--no-auth) p[auth]='' ;;
		--no-unique) p[unique]=0 ;;
		--unique) p[unique]=1 ;;
		--nhs-nbma) p[nhs_nbma]=$2; shift ;;
		--nhs-proto) p[nhs_proto]=$2; shift ;;
		--holdtime) p[holdtime]=$2; shift ;;
		--nbma) p[nbma]=$2; shift ;;
		--routes) p[routes]=$2; shift ;;
		--distance) p[distance]=$2; shift ;;
		--debug) p[debug]=$2; shift ;;
		--if-line)
			[ $iflines_set = 1 ] && p[ifline]+="|$2" || p[ifline]=$2
			iflines_set=1; shift ;;
		*) _lab_log "unknown spoke option '$1'"; return 1 ;;
		esac
		shift
	done
	: "${p[nbma]:=$(_lab_field "$s" 5)}"
	if [ -z "${p[routes]+x}" ]; then
		local o r=''
		for o in $LAB_SPOKES_ALL; do
			[ "$o" = "$s" ] && continue
			local lan
			lan=$(_lab_field "$o" 7)
			r+="$(_lab_net "$lan") "
		done
		p[routes]="${r}192.168.1.0/24"
	fi
	: "${p[unique]:=1}" "${p[nhs_nbma]:=1.1.1.1}" "${p[nhs_proto]:=192.168.1.1}"
	: "${p[distance]:=200}" "${p[debug]:=common}"
	mkdir -p "$LAB_DIR/$s"
	for k in nbma nhs_proto nhs_nbma auth unique holdtime routes distance debug ifline; do
		printf '%s=%s\n' "$k" "${p[$k]:-}"
	done >"$pf.tmp" && mv -f "$pf.tmp" "$pf"
}

# 66.66.66.66/24 -> 66.66.66.0/24 (lengths 8, 16, 24, 32 only)
_lab_net() {
	local a=${1%/*} l=${1#*/} IFS=.
	set -- $a
	case "$l" in
	8) echo "$1.0.0.0/8" ;; 16) echo "$1.$2.0.0/16" ;; 24) echo "$1.$2.$3.0/24" ;;
	*) echo "$a/$l" ;;
	esac
}

lab_spoke_start() {
	local s=$1; shift
	[ -d "$LAB_DIR/ctl/$s" ] || { _lab_log "unknown spoke $s"; return 1; }
	_lab_spoke_params "$s" "$@" || return 1
	local args='' line
	while IFS= read -r line; do args+=" $(printf %q "$line")"; done <"$LAB_DIR/$s/params"
	# Fresh logs; the directories are written by FRR (user frr inside UML) through hostfs.
	mkdir -p "$LAB_DIR/$s/etc" && chmod 777 "$LAB_DIR/$s" && chmod 755 "$LAB_DIR/$s/etc"
	rm -f "$LAB_DIR/$s"/*.log "$LAB_DIR/$s"/*.stderr
	lab_cmd "$s" "${LAB_TIMEOUT:-120}" ". \$LAB_SRC/spoke.sh start $s$args"
}
lab_spoke_stop() { lab_cmd "$1" 60 ". \$LAB_SRC/spoke.sh stop $1"; }
lab_spoke_restart() {
	local s=$1; shift
	lab_spoke_stop "$s" && lab_spoke_start "$s" "$@"
}
lab_spoke_set_nbma() { lab_spoke_restart "$1" --nbma "$2"; }
lab_spoke_status() {
	local s=$1; shift
	lab_cmd "$s" 30 ". \$LAB_SRC/spoke.sh status $s $*"
}

# Commands the lab needs, with their Debian packages. scripts/common.sh installs most;
# whatever is missing is installed here (root, Debian's registry only).
LAB_DEPS="ping:iputils-ping modprobe:kmod pgrep:procps tcpdump:tcpdump ethtool:ethtool
tshark:tshark vtysh:frr /usr/lib/frr/nhrpd:frr /usr/bin/linux.uml:user-mode-linux ip:iproute2"
lab_deps() {
	local d missing=()
	for d in $LAB_DEPS; do
		command -v "${d%%:*}" >/dev/null 2>&1 || missing+=("${d#*:}")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	_lab_log "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	{ timeout 300 apt-get update -q && timeout 600 apt-get install -y -q --no-install-recommends \
		"${missing[@]}"; } >/dev/null 2>&1 || { _lab_log "could not install ${missing[*]}"; return 1; }
}

# The file systems of UML's init (uml-init.sh mounts them with one mount -a).
_lab_write_fstab() {
	local u g d
	u=$(id -u frr) && g=$(id -g frr) || { _lab_log "no user frr"; return 1; }
	echo "proc /proc proc defaults 0 0"
	echo "sysfs /sys sysfs defaults 0 0"
	echo "devpts /dev/pts devpts mode=620,ptmxmode=666,X-mount.mkdir 0 0"
	echo "tmpfs /dev/shm tmpfs X-mount.mkdir 0 0"
	echo "tmpfs /run tmpfs mode=755 0 0"
	echo "tmpfs /tmp tmpfs mode=1777 0 0"
	echo "tmpfs /var/tmp tmpfs mode=1777 0 0"
	echo "tmpfs /var/log tmpfs mode=755 0 0"
	for d in /var/lib/frr /etc/frr; do
		[ -d "$d" ] && echo "tmpfs $d tmpfs mode=755,uid=$u,gid=$g 0 0"
	done
	echo "hostfs $LAB_DIR hostfs $LAB_DIR,X-mount.mkdir 0 0"
}

lab_up() {
	local spokes=$LAB_SPOKES_ALL lifetime=900 r8_nbma='' sopts=() t0 t1 hub=$LAB_HUB_NS
	while [ $# -gt 0 ]; do
		case "$1" in
		--hub-ns) hub=$2; shift ;;
		--spokes) spokes=$2; [ "$spokes" = none ] && spokes=''; shift ;;
		--lifetime) lifetime=$2; shift ;;
		--r8-nbma) r8_nbma=$2; shift ;;
		--auth | --nhs-nbma | --nhs-proto | --holdtime | --debug | --if-line)
			sopts+=("$1" "$2"); shift ;;
		--no-unique | --unique) sopts+=("$1") ;;
		*) _lab_log "unknown option '$1'"; return 1 ;;
		esac
		shift
	done
	[ "$(id -u)" = 0 ] || { _lab_log "must run as root"; return 1; }
	lab_deps || return 1
	t0=$(_lab_now_ms)
	# Leftovers of an earlier run with the same id are ours: clear them.
	[ -e "$LAB_DIR" ] && lab_down
	ip netns list | grep -q "^$LAB_NS\b" && ip netns del "$LAB_NS"
	LAB_HUB_NS=$hub
	mkdir -p "$LAB_DIR/src" "$LAB_DIR/ctl/uml" || return 1
	chmod 755 "$LAB_DIR"
	echo "$LAB_HUB_NS" >"$LAB_DIR/hub-ns"
	# UML runs its own copy: the work tree may sit under a path UML covers with tmpfs.
	cp "$LAB_SRC/uml-init.sh" "$LAB_SRC/uml-agent.sh" "$LAB_SRC/spoke.sh" "$LAB_DIR/src/" &&
		chmod 755 "$LAB_DIR/src/"*.sh || return 1
	_lab_write_fstab >"$LAB_DIR/src/fstab" || return 1
	printf '#!/bin/sh\nexec /usr/sbin/modprobe -d /run/modroot "$@"\n' >"$LAB_DIR/src/modprobe" &&
		chmod 755 "$LAB_DIR/src/modprobe" || return 1
	local s
	for s in $LAB_SPOKES_ALL; do mkdir -p "$LAB_DIR/ctl/$s" "$LAB_DIR/$s"; done

	# Host side: hub namespace with nbma0 (no IPv4: the hub process owns 1.1.1.1), the lab
	# namespace with bridge br0 joining the veth peer hub0 and one tap per spoke.
	if ip netns list | grep -q "^$LAB_HUB_NS\b"; then
		: >"$LAB_DIR/hub-ns-reused"
	else
		ip netns add "$LAB_HUB_NS" || return 1
		ip netns exec "$LAB_HUB_NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1
	fi
	ip netns add "$LAB_NS" || return 1
	ip netns exec "$LAB_NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
	ip -n "$LAB_NS" link add br0 type bridge forward_delay 0 stp_state 0 mcast_snooping 0 &&
		ip -n "$LAB_NS" link set br0 up &&
		ip -n "$LAB_NS" link add hub0 type veth peer name nbma0 netns "$LAB_HUB_NS" &&
		ip -n "$LAB_NS" link set hub0 master br0 up &&
		ip -n "$LAB_HUB_NS" link set lo up &&
		ip -n "$LAB_HUB_NS" link set nbma0 up || { _lab_log "host network set-up failed"; return 1; }
	ip netns exec "$LAB_HUB_NS" sysctl -qw net.ipv6.conf.nbma0.disable_ipv6=1
	ip netns exec "$LAB_HUB_NS" ethtool -K nbma0 tx off >/dev/null
	ip netns exec "$LAB_NS" ethtool -K hub0 tx off >/dev/null
	local vecs=() vec tap mac
	for s in $LAB_SPOKES_ALL; do
		vec=$(_lab_field "$s" 2) tap=$(_lab_field "$s" 3) mac=$(_lab_field "$s" 4)
		ip -n "$LAB_NS" tuntap add dev "$tap" mode tap &&
			ip -n "$LAB_NS" link set "$tap" master br0 up || { _lab_log "tap $tap failed"; return 1; }
		vecs+=("$vec:transport=tap,ifname=$tap,mac=$mac")
	done

	# Boot UML in the lab namespace. linux.uml makes itself a session leader, so a
	# watchdog (not timeout(1), which would kill only the main process and leave its
	# helper processes behind) kills its whole process group at the end of the lifetime.
	(
		cd "$LAB_DIR" || exit 1
		exec setsid bash -c '
			echo $$ >wrapper.pid
			lifetime=$1; shift
			"$@" >uml.log 2>&1 </dev/null &
			uml=$!
			echo $uml >uml.pid
			( sleep "$lifetime"; echo "lab: lifetime over" >>uml.log; kill -KILL -- -$uml ) &
			dog=$!
			wait $uml
			kill -KILL -- -$uml 2>/dev/null
			pkill -KILL -P $dog 2>/dev/null
			kill -KILL $dog 2>/dev/null
			rm -f uml.pid' lab "$lifetime" \
			ip netns exec "$LAB_NS" "$LAB_UML" \
			mem="${LAB_UML_MEM:-256M}" rootfstype=hostfs rootflags=/ ro \
			init="$LAB_DIR/src/uml-init.sh" \
			con=null ssl=null con0=null,fd:1 \
			uml_dir="$LAB_DIR" umid=uml \
			"${vecs[@]}" \
			LAB_DIR="$LAB_DIR" LAB_SRC="$LAB_DIR/src" \
			</dev/null >/dev/null 2>&1
	) &
	local deadline=$(($(_lab_now_ms) + LAB_BOOT_TIMEOUT * 1000))
	until [ -s "$LAB_DIR/ctl/uml/agent.pid" ]; do
		if [ "$(_lab_now_ms)" -ge "$deadline" ] || { [ -s "$LAB_DIR/uml.pid" ] && ! _lab_uml_alive; }; then
			_lab_log "UML did not come up; tail of uml.log and uml-init.log:"
			tail -n 20 "$LAB_DIR/uml.log" "$LAB_DIR/uml-init.log" >&2 2>/dev/null
			return 1
		fi
		sleep 0.05
	done
	t1=$(_lab_now_ms)
	LAB_T_BOOT=$((t1 - t0))
	_lab_log "UML up in ${LAB_T_BOOT} ms"

	# Spoke namespaces (both, always), then the FRR daemons of the chosen spokes.
	for s in $LAB_SPOKES_ALL; do
		local nbma
		nbma=$(_lab_field "$s" 5)
		[ "$s" = R8 ] && [ -n "$r8_nbma" ] && nbma=$r8_nbma
		lab_cmd uml 120 ". \$LAB_SRC/spoke.sh setup $s $(_lab_field "$s" 2) $nbma $(_lab_field "$s" 6) $(_lab_field "$s" 7)" ||
			{ _lab_log "set-up of $s failed"; return 1; }
		_lab_spoke_params "$s" --nbma "$nbma" "${sopts[@]}" || return 1
	done
	LAB_T_NS=$(($(_lab_now_ms) - t1))
	_lab_log "spoke namespaces up in ${LAB_T_NS} ms"
	t1=$(_lab_now_ms)
	# One spoke after the other: in parallel they only compete for UML's single CPU
	# (measured: 21 s for two in parallel against 2 x 6 s).
	for s in $spokes; do
		lab_spoke_start "$s" >"$LAB_DIR/$s/start.out" 2>&1 ||
			{ _lab_log "FRR did not start on $s:"; cat "$LAB_DIR/$s/start.out" >&2; return 1; }
	done
	LAB_T_FRR=$(($(_lab_now_ms) - t1))
	LAB_T_TOTAL=$(($(_lab_now_ms) - t0))
	_lab_log "FRR up on [${spokes}] in ${LAB_T_FRR} ms; lab up in ${LAB_T_TOTAL} ms"
}

lab_capture_start() {
	local file=$1 ns dev=nbma0; shift
	ns=$(lab_hub_ns)
	case "${1:-}" in
	--bridge) ns=$LAB_NS dev=br0; shift ;;
	--tap) ns=$LAB_NS dev=$(_lab_field "$2" 3) || { _lab_log "no spoke $2"; return 1; }; shift 2 ;;
	--hub-peer) ns=$LAB_NS dev=hub0; shift ;;
	esac
	mkdir -p "$LAB_DIR/cap" || return 1
	local n log
	n=$(mktemp -u XXXXXX)
	log=$LAB_DIR/cap/$n.log
	ip netns exec "$ns" tcpdump -i "$dev" -n -U -Z root -s 0 -w "$file" "$@" >"$log" 2>&1 </dev/null &
	echo "$! $file" >"$LAB_DIR/cap/$n.pid"
	local i
	for ((i = 0; i < 200; i++)); do
		grep -q 'listening on' "$log" 2>/dev/null && return 0
		kill -0 "$!" 2>/dev/null || break
		sleep 0.05
	done
	_lab_log "tcpdump did not start: $(cat "$log")"
	return 1
}

lab_capture_stop() {
	local want=${1:-} f pid file i
	for f in "$LAB_DIR"/cap/*.pid; do
		[ -e "$f" ] || continue
		read -r pid file <"$f"
		[ -n "$want" ] && [ "$file" != "$want" ] && continue
		kill -INT "$pid" 2>/dev/null
		for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
		kill -KILL "$pid" 2>/dev/null
		rm -f "$f"
	done
	return 0
}

lab_down() {
	local pid i
	[ -d "$LAB_DIR/cap" ] && lab_capture_stop
	# UML's process group (linux.uml and its helpers), then the wrapper's session.
	if [ -r "$LAB_DIR/uml.pid" ] && read -r pid <"$LAB_DIR/uml.pid" && [ -n "$pid" ]; then
		kill -KILL -- "-$pid" 2>/dev/null
		for ((i = 0; i < 100; i++)); do
			pgrep -g "$pid" >/dev/null || break
			sleep 0.05
		done
		pgrep -g "$pid" >/dev/null && _lab_log "UML process group $pid still has processes"
	fi
	if [ -r "$LAB_DIR/wrapper.pid" ] && read -r pid <"$LAB_DIR/wrapper.pid" && [ -n "$pid" ]; then
		kill -KILL -- "-$pid" 2>/dev/null
	fi
	rm -f "$LAB_DIR/uml.pid" "$LAB_DIR/wrapper.pid"
	if ip netns list | grep -q "^$LAB_NS\b"; then
		local s tap
		for s in $LAB_SPOKES_ALL; do
			tap=$(_lab_field "$s" 3)
			ip -n "$LAB_NS" link del "$tap" 2>/dev/null
		done
		ip -n "$LAB_NS" link del hub0 2>/dev/null
		ip -n "$LAB_NS" link del br0 2>/dev/null
		ip netns del "$LAB_NS"
	fi
	lab_hub_ns >/dev/null
	if ip netns list | grep -q "^$LAB_HUB_NS\b"; then
		if [ -e "$LAB_DIR/hub-ns-reused" ]; then
			ip -n "$LAB_HUB_NS" link del nbma0 2>/dev/null
		else
			ip netns del "$LAB_HUB_NS"
		fi
	fi
	if [ -d "$LAB_DIR" ]; then
		if [ "${LAB_KEEP:-0}" = 1 ]; then
			_lab_log "kept $LAB_DIR"
		else
			rm -rf "$LAB_DIR"
		fi
	fi
	return 0
}

# --- FRR routing daemons for the route-exchange tests (docs/route-exchange.md) ----------------
#   lab_spoke_bgpd SPOKE FILE   start bgpd on SPOKE (beside its zebra) with configuration FILE
#                               (a host path; copied to the spoke's etc directory)
#   lab_spoke_bgpd_stop SPOKE   stop it (spoke.sh stop leaves bgpd alone)
#   lab_hub_frr_start DIR ZEBRA-CONF DAEMON:CONF...   zebra (-M dplane_fpm_nl) and the given
#                               daemons in the hub namespace, as user frr, sockets and pid
#                               files in DIR (vtysh --vty_socket DIR); 0 when all started
#   lab_hub_frr_stop DIR        stop them (TERM, then KILL after 3 s)
lab_spoke_bgpd() {
	local s=$1 file=$2 run=/run/dmvpn-lab/$1
	mkdir -p "$LAB_DIR/$s/etc" && cp "$file" "$LAB_DIR/$s/etc/bgpd.conf" &&
		chmod 644 "$LAB_DIR/$s/etc/bgpd.conf" || return 1
	lab_cmd "$s" 120 "/usr/lib/frr/bgpd -d -u frr -g frr -P 0 --vty_socket $run -z $run/zserv.api \
		-f \$LAB_DIR/$s/etc/bgpd.conf -i $run/bgpd.pid >>\$LAB_DIR/$s/bgpd.stderr 2>&1 </dev/null"
}
lab_spoke_bgpd_stop() {
	local run=/run/dmvpn-lab/$1
	lab_cmd "$1" 30 "[ -r $run/bgpd.pid ] && kill -TERM \$(cat $run/bgpd.pid); rm -f $run/bgpd.pid; true"
}
lab_hub_frr_start() {
	local dir=$1 zconf=$2 ns d c rc=0
	shift 2
	ns=$(lab_hub_ns)
	chmod 777 "$dir" && chmod 644 "$zconf" || return 1
	ip netns exec "$ns" /usr/lib/frr/zebra -d -u frr -g frr -M dplane_fpm_nl -f "$zconf" \
		-i "$dir/zebra.pid" -z "$dir/zserv.api" --vty_socket "$dir" \
		--log "file:$dir/zebra.log" >>"$dir/frr.stderr" 2>&1 </dev/null || return 1
	for c in "$@"; do
		d=${c%%:*}
		chmod 644 "${c#*:}"
		ip netns exec "$ns" /usr/lib/frr/"$d" -d -u frr -g frr -f "${c#*:}" -i "$dir/$d.pid" \
			-z "$dir/zserv.api" --vty_socket "$dir" --log "file:$dir/$d.log" \
			>>"$dir/frr.stderr" 2>&1 </dev/null || rc=1
	done
	return $rc
}
lab_hub_frr_stop() {
	local dir=$1 f pid
	for f in "$dir"/*.pid; do
		[ -r "$f" ] && read -r pid <"$f" && kill -TERM "$pid" 2>/dev/null
	done
	sleep 0.5
	for f in "$dir"/*.pid; do
		[ -r "$f" ] && read -r pid <"$f" && kill -0 "$pid" 2>/dev/null && sleep 2.5 &&
			kill -KILL "$pid" 2>/dev/null
		rm -f "$f"
	done
	return 0
}
#   lab_spoke_frrd SPOKE DAEMON FILE   start any FRR daemon (ospfd, ...) on SPOKE beside its
#                               zebra with configuration FILE (a host path, copied)
#   lab_spoke_frrd_signal SPOKE DAEMON SIG   send SIG (STOP, CONT, TERM) to it
lab_spoke_frrd() {
	local s=$1 d=$2 file=$3 run=/run/dmvpn-lab/$1
	mkdir -p "$LAB_DIR/$s/etc" && cp "$file" "$LAB_DIR/$s/etc/$d.conf" &&
		chmod 644 "$LAB_DIR/$s/etc/$d.conf" || return 1
	lab_cmd "$s" 120 "/usr/lib/frr/$d -d -u frr -g frr -P 0 --vty_socket $run -z $run/zserv.api \
		-f \$LAB_DIR/$s/etc/$d.conf -i $run/$d.pid >>\$LAB_DIR/$s/$d.stderr 2>&1 </dev/null"
}
lab_spoke_frrd_signal() {
	local run=/run/dmvpn-lab/$1
	lab_cmd "$1" 30 "[ -r $run/$2.pid ] && kill -$3 \$(cat $run/$2.pid)"
}

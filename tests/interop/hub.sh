# The hub under test in the lab's hub namespace (or any namespace with an nbma0): start,
# stop, CLI, telemetry. Source it after tests/lib.sh, from the repository root.
#
#   hub_start NS CONFIG [hub options...]  start dmvpn-hub in NS with CONFIG (bounded by
#                               HUB_LIFETIME, default 600 s; --idle-sleep 100; EAL memory
#                               HUB_EAL_MEM or t_eal_mem's); waits until it runs and its
#                               CLI answers. HUB_BIN, HUB_LOG, HUB_PREFIX may be set before
#                               sourcing; HUB_PID is timeout(1)'s pid, the hub its child
#   hub_stop                    SIGTERM, 10 s, then SIGKILL; idempotent, trap-safe
#   hub_cli 'cmd' ['cmd'...]    run CLI commands over telnet (tests/func/cli_client.py) in
#                               the hub's namespace; prints their output
#   hub_json 'cmd json' EXPR    print EXPR (Python, the document is d) of a JSON command
#   hub_tel PATH KEY            a fresh value of rte_telemetry PATH's KEY (dpdk-telemetry.py)
#   hub_peer_line TUNADDR       the hub's `show dmvpn` line for a tunnel address (or nothing)
#   hub_peer TUNADDR            "TYPE STATE NBMA" of the hub's entry for TUNADDR (show dmvpn
#                               json: "dynamic up 6.6.6.6", "incomplete nhrp None") or nothing
#   wait_until SECONDS CMD...   run CMD every second until it succeeds (bounded)
#   ms                          milliseconds now
#   HUB_WIRE_NHRP, HUB_WIRE_BAD tshark filters: NHRP packets on the wire (GRE 0x2001 in the
#                               outer IP, not NHRP quoted in an ICMP error; a Traffic
#                               Indication's quoted packet is part of it), and those of them
#                               that are malformed; with -T fields use -E occurrence=f
#   t_run "description" CMD...  t_check that keeps CMD's output and prints it on failure
#   hub_sanitizer_check         with HUB_SANITIZED=1: stop the hub, fail on a sanitizer report
#                               in the log of any hub this test started
HUB_PY=/usr/bin/python3
HUB_BIN=${HUB_BIN:-${HUB_BUILD:-build}/control/dmvpn-hub}
HUB_LIFETIME=${HUB_LIFETIME:-600}
HUB_PID=
HUB_NS_RUN=
HUB_RUNS=0
HUB_LOG=${HUB_LOG:-/tmp/dmvpn-hub-$T_ID.log}
HUB_PREFIX=${HUB_PREFIX:-dmvpn-t$T_ID-hub}
HUB_WIRE_NHRP='frame.protocols matches "^eth:ethertype:ip:gre:nhrp"'
HUB_WIRE_BAD="$HUB_WIRE_NHRP && (_ws.malformed || nhrp.hdr.chksum.status == 0 || nhrp.hdr.pktsz.invalid || nhrp.hdr.extoff.invalid || nhrp.hdr.bad_checksum || nhrp.ext.not_allowed || nhrp.ext.malformed || nhrp.ext.extra)"
HUB_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

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

t_run() {
	local d=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	if [ $rc = 0 ]; then
		t_ok "$d"
	else
		t_fail "$d (exit $rc)"
		sed 's/^/#   | /' <<<"$out"
	fi
	return $rc
}

hub_start() {
	local ns=$1 cfg=$2 i; shift 2
	[ -x "$HUB_BIN" ] || { echo "hub: no binary $HUB_BIN" >&2; return 1; }
	HUB_NS_RUN=$ns
	# A second hub of the same test writes the same log: keep the first one's for
	# hub_sanitizer_check.
	[ "$HUB_RUNS" = 0 ] && rm -f "$HUB_LOG.earlier"
	[ "$HUB_RUNS" != 0 ] && [ -s "$HUB_LOG" ] && cat "$HUB_LOG" >>"$HUB_LOG.earlier"
	HUB_RUNS=$((HUB_RUNS + 1))
	# timeout(1) bounds the hub's life even if this shell dies; ip netns exec execs it, so
	# HUB_PID is timeout's pid and the hub is its only child.
	ip netns exec "$ns" timeout -s KILL "$HUB_LIFETIME" "$HUB_BIN" -l 0-1 ${HUB_EAL_MEM:-$(t_eal_mem)} --no-pci \
		--file-prefix "$HUB_PREFIX" --log-level=hub.nhrp:debug -- -c "$cfg" \
		--idle-sleep 100 "$@" >"$HUB_LOG" 2>&1 </dev/null &
	HUB_PID=$!
	for ((i = 0; i < 300; i++)); do
		grep -qs "running:" "$HUB_LOG" && break
		kill -0 "$HUB_PID" 2>/dev/null || break
		sleep 0.1
	done
	grep -qs "running:" "$HUB_LOG" || { echo "hub: did not start" >&2; cat "$HUB_LOG" >&2; return 1; }
	# The CLI listens once the control loop runs.
	for ((i = 0; i < 50; i++)); do
		hub_cli 'show version' >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	echo "hub: the CLI does not answer" >&2
	return 1
}

hub_stop() {
	local pid=$HUB_PID child i
	HUB_PID=
	[ -n "$pid" ] || return 0
	child=$(pgrep -P "$pid" 2>/dev/null)
	kill -TERM "$pid" 2>/dev/null # timeout(1) passes it to the hub
	for ((i = 0; i < 100; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	[ -n "$child" ] && kill -KILL "$child" 2>/dev/null
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rm -rf "/var/run/dpdk/$HUB_PREFIX"
	return 0
}

# hub_sanitizer_check: with a sanitizer build of the hub (HUB_SANITIZED=1: scripts/test's
# ASan+UBSan step), stop it and check that its log holds no sanitizer report, including
# any from shutdown. Call it before t_done. Without HUB_SANITIZED it does nothing.
hub_sanitizer_check() {
	[ "${HUB_SANITIZED:-0}" = 1 ] || return 0
	hub_stop
	local logs=("$HUB_LOG")
	[ -e "$HUB_LOG.earlier" ] && logs+=("$HUB_LOG.earlier")
	t_sanitizer_check "${logs[@]}"
	rm -f "$HUB_LOG.earlier"
}

hub_cli() {
	ip netns exec "$HUB_NS_RUN" "$HUB_PY" "$HUB_SRC/tests/func/cli_client.py" "$@"
}

hub_json() {
	hub_cli "$1" | "$HUB_PY" -c 'import json, sys
d = json.loads(sys.stdin.read())
print(eval(sys.argv[1], {"d": d}))' "$2"
}

# Telemetry answers from a snapshot the hub rebuilds about once a second while someone asks
# (docs/cli.md): ask, then ask again until the snapshot is younger than the question.
hub_tel() {
	local path=$1 key=$2 i out
	for ((i = 0; i < 10; i++)); do
		out=$(echo "$path" | "$HUB_PY" /usr/bin/dpdk-telemetry.py -f "$HUB_PREFIX" 2>/dev/null |
			"$HUB_PY" -c 'import json, sys
for l in sys.stdin:
    if l.startswith("{"):
        r = json.loads(l)[sys.argv[1]]
        if r.get("snapshot_age_ms", 0) < 1000 * float(sys.argv[3]):
            print(r[sys.argv[2]])
        break' "$path" "$key" "$((i > 0 ? 1 : 0))" 2>/dev/null)
		[ -n "$out" ] && { echo "$out"; return 0; }
		sleep 1.2
	done
	return 1
}

hub_peer_line() {
	hub_cli 'show dmvpn' | grep -E "^ +[0-9]+ +[^ ]+ +${1//./\\.} "
}

hub_peer() {
	hub_cli 'show dmvpn json' | "$HUB_PY" -c 'import json, sys
for t in json.loads(sys.stdin.read())["tunnels"]:
    for p in t["peers"]:
        if p["tunnel"] == sys.argv[1]:
            print(p["type"], p["state"], p["nbma"])' "$1"
}

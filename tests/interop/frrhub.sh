#!/usr/bin/env bash
# FRR 8.4 nhrpd as the hub, driven by the same registration generator as our hub
# (tests/tools/nhrp_reggen): the baseline of ./scripts/bench nhrp-register. See
# docs/benchmarks.md, "FRR nhrpd as the hub, side by side".
#
#   tests/interop/frrhub.sh [--spokes "1000 10000"] [--window W] [--retry-ms MS]
#                           [--budget S] [--reggen PATH] [--json FILE] [--lifetime S]
#                           [--latency-spokes N]
#
# Defaults: window 16 outstanding requests, retransmission after 10000 ms (nhrpd answers
# in tens of milliseconds to seconds here: a spoke's 1 s would only add duplicates),
# budget 300 s per generator run, UML lifetime 1800 s, and first a latency run of
# --latency-spokes 100 spokes with one request outstanding ("paced"; 0: none).
#
# The spoke lab (lab.sh) comes up without spoke daemons; spoke namespace R6 inside the UML
# kernel becomes the hub: nbma0 10.0.0.1/32, mGRE gre1 (key 42) 172.16.0.1/32, a route
# for the generator's spokes (100.64.0.0/10, RFC 6598) via 10.0.0.254 on nbma0, and zebra
# + nhrpd with "ip nhrp network-id 1" and no NHS on gre1 (an FRR hub needs nothing more).
# The generator runs on the host in the lab's hub namespace on DPDK's net_af_packet over
# nbma0, the veth the lab bridges to R6's tap (the path our hub takes in the interop
# tests), sends each spoke's Registration Request from the spoke's own NBMA address to
# R6's MAC (unicast: the bridge would flood broadcast to R8 too) and answers the UML
# hub's ARP for 10.0.0.254, so one neighbour entry carries every reply back.
#
# For each N: fresh zebra + nhrpd (nothing registered), their VmRSS and the UML kernel's
# slab size read from /proc inside UML, the generator's run (registrations/s = accepted
# replies / (last reply - first request), RTT p50/p99 from the generator's TSC), the time
# until the kernel holds all N neighbour entries on gre1 (nhrpd installs them through
# zebra), the same /proc figures again. Every step is bounded (--budget seconds per
# generator run, LAB_CMD_TIMEOUT per command, the UML kernel's --lifetime).
# Output: one JSON object per N on stdout (and appended to --json FILE).
# Exit: 0 all N measured, 1 a run failed (the JSON says how far it got), 2 usage,
# 77 the lab cannot run here (not root, no user-mode-linux/FRR).
set -u
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$SRC/../.." && pwd)
T_ID=${T_ID:-frrhub$$}
. "$SRC/lab.sh"
HUB=R6                      # the spoke namespace that plays the hub
HUB_RUN=/run/dmvpn-lab/$HUB # its daemons' sockets and pid files inside UML
HUB_MAC=$(lab_spoke_addr "$HUB" mac)
GEN_PREFIX=dmvpn-frrhub$$
GEN_PID='' QUIET_PID=''
PY=/usr/bin/python3
WINDOW=16 RETRY_MS=10000 BUDGET=300 REGGEN=${REGGEN:-}

log() { echo "frrhub: $*" >&2; }
now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }

# The hub's configuration: no debugging (nhrpd logs every packet with 'debug nhrp common',
# which would measure its logging), the lab's end marker last (spoke.sh).
write_conf() {
	local etc=$LAB_DIR/$HUB/etc
	mkdir -p "$etc" && chmod 777 "$LAB_DIR/$HUB" && chmod 755 "$etc" || return 1
	printf '%s\n' "hostname frrhub" "log file $LAB_DIR/$HUB/zebra.log informational" "!" \
		"interface gre1" "exit" >"$etc/zebra.conf"
	printf '%s\n' "hostname frrhub" "log file $LAB_DIR/$HUB/nhrpd.log informational" "!" \
		"interface gre1" " ip nhrp network-id 1" "exit" \
		"! The next line is deliberately unknown: its error marks the end of the configuration." \
		"lab-config-end" >"$etc/nhrpd.conf"
	chmod 644 "$etc"/*.conf
}

# Inside R6: stop any daemons, clear what they installed, start zebra then nhrpd, wait for
# nhrpd to have read its configuration.
hub_restart() {
	rm -f "$LAB_DIR/$HUB"/*.log
	# No process per wait step (a fork costs UML 50-500 ms under load): read -t on a FIFO
	# as the sleep, kill -0 as the test; every loop bounded by SECONDS.
	LAB_TIMEOUT=330 lab_spoke "$HUB" "
		[ -p /run/frrhub.fifo ] || mkfifo /run/frrhub.fifo; exec 8<>/run/frrhub.fifo
		end=\$((SECONDS + 300)) pids=
		for d in nhrpd zebra; do [ -r $HUB_RUN/\$d.pid ] && read -r p <$HUB_RUN/\$d.pid && kill -TERM \$p && pids+=\" \$p\"; done
		for p in \$pids; do
			while kill -0 \$p 2>/dev/null && [ \$SECONDS -lt \$((end - 240)) ]; do read -t 0.2 -u 8; done
			kill -KILL \$p 2>/dev/null
		done
		rm -f $HUB_RUN/*.pid
		ip neigh flush dev gre1; ip route flush dev gre1
		for d in zebra nhrpd; do
			/usr/lib/frr/\$d -d -u frr -g frr -P 0 --vty_socket $HUB_RUN -z $HUB_RUN/zserv.api \
				-f $LAB_DIR/$HUB/etc/\$d.conf -i $HUB_RUN/\$d.pid \
				>>$LAB_DIR/$HUB/\$d.stderr 2>&1 </dev/null || { echo \"\$d did not start\"; exit 1; }
		done
		while [ \$SECONDS -lt \$end ]; do
			while IFS= read -r l; do case \$l in *lab-config-end*) exit 0 ;; esac; done <$LAB_DIR/$HUB/nhrpd.log 2>/dev/null
			read -t 0.5 -u 8
		done
		echo 'nhrpd did not read its configuration in time'; exit 1" || {
		log "restarting FRR failed ($?): $(tail -n 3 "$LAB_DIR/$HUB/nhrpd.stderr" "$LAB_DIR/$HUB/zebra.stderr" 2>/dev/null)"
		return 1
	}
}

# One line of figures from inside UML: nhrpd and zebra VmRSS (kB) and CPU time (user +
# system, ticks of 10 ms), the UML kernel's busy (user + nice + system) and idle ticks,
# Slab (kB), neighbours and routes on gre1.
hub_probe() {
	LAB_TIMEOUT=120 lab_spoke "$HUB" "
		r() { local k v u; while read -r k v u; do [ \"\$k\" = VmRSS: ] && { echo \$v; return; }; done </proc/\$1/status; echo 0; }
		t() { local f; read -r -a f </proc/\$1/stat; echo \$((f[13] + f[14])); }
		s=0; while read -r k v u; do [ \"\$k\" = Slab: ] && s=\$v; done </proc/meminfo
		read -r c us ni sy id rest </proc/stat
		np=\$(cat $HUB_RUN/nhrpd.pid) zp=\$(cat $HUB_RUN/zebra.pid)
		echo nhrpd_rss_kb=\$(r \$np) zebra_rss_kb=\$(r \$zp) nhrpd_cpu_ticks=\$(t \$np) zebra_cpu_ticks=\$(t \$zp) \
			uml_busy_ticks=\$((us + ni + sy)) uml_idle_ticks=\$id \
			slab_kb=\$s neigh=\$(ip -4 neigh show dev gre1 | wc -l) routes=\$(ip -4 route show dev gre1 | wc -l)"
}

# The lab's command agents (one per namespace inside UML, uml-agent.sh) poll their
# directories 33 times a second; on UML's single, slow CPU that costs about half of it
# (measured: idle UML 89 % busy with three agents, 52 % with two stopped). During a
# measurement they are stopped (SIGSTOP), so nhrpd and zebra have the CPU to themselves.
# frrhub_up stops the agents of the UML root and of R8 for good once the hub is set up
# (nothing needs them after that; lab_down kills UML whole).
# quiet_start N SECONDS: in the background, a command in the hub's namespace stops the
# hub's own agent (the command runs on as its own process), waits until the host
# creates $LAB_DIR/quiet.end, then until the kernel holds N neighbour entries on gre1
# (polled every 2 s; fewer when the host writes the number accepted into quiet.end) or
# SECONDS pass, resumes the agents and prints
# "neigh=COUNT t=EPOCHREALTIME" (UML's clock is the host's). quiet_stop waits for it (not
# in a subshell: the background lab command is this shell's child). Every loop there is
# bounded by SECONDS, so the agents come back even if the host side dies.
quiet_start() {
	local n=$1 limit=$2 pids
	pids=$(cat "$LAB_DIR/ctl/$HUB/agent.pid")
	rm -f "$LAB_DIR/quiet.on" "$LAB_DIR/quiet.end" "$LAB_DIR/quiet.out"
	LAB_TIMEOUT=$((limit + 60)) lab_spoke "$HUB" "
		rm -f /run/quiet.fifo; mkfifo /run/quiet.fifo; exec 8<>/run/quiet.fifo
		end=\$((SECONDS + $limit)); c=0
		kill -STOP $pids; : >$LAB_DIR/quiet.on
		while [ ! -e $LAB_DIR/quiet.end ] && [ \$SECONDS -lt \$end ]; do read -t 0.2 -u 8; done
		want=$n; read -r want <$LAB_DIR/quiet.end; [ -n \"\$want\" ] || want=$n
		while [ \$SECONDS -lt \$end ]; do
			c=\$(ip -4 neigh show dev gre1 | wc -l)
			[ \$c -ge \$want ] && break
			read -t 2 -u 8
		done
		t=\$EPOCHREALTIME; kill -CONT $pids
		echo neigh=\$c t=\$t" >"$LAB_DIR/quiet.out" 2>&1 &
	QUIET_PID=$!
	for _ in $(seq 300); do
		[ -e "$LAB_DIR/quiet.on" ] && return 0
		kill -0 "$QUIET_PID" 2>/dev/null || break
		sleep 0.1
	done
	log "the agents were not stopped: $(cat "$LAB_DIR/quiet.out")"
	return 1
}
quiet_stop() { # quiet_stop [ACCEPTED]: the neighbour count to wait for (default N)
	echo "${1:-}" >"$LAB_DIR/quiet.end"
	wait "$QUIET_PID"
	QUIET_PID=
}

# CPU time (user + system, host ticks of 10 ms) the host gave the UML kernel's processes
# so far (linux.uml and its helpers: one process group): what the registrations cost the
# machine, whatever else competes for its cores.
host_uml_ticks() {
	local pg p f sum=0
	read -r pg <"$LAB_DIR/uml.pid" || { echo 0; return; }
	for p in $(pgrep -g "$pg"); do
		read -r -a f <"/proc/$p/stat" 2>/dev/null || continue
		sum=$((sum + f[13] + f[14]))
	done
	echo "$sum"
}

# The lab, and R6 turned into the hub (sourced: call it, then frrhub_measure N).
frrhub_up() {
	local lifetime=${1:-1800}
	log "lab up (UML, no spoke daemons) ..."
	lab_up --spokes none --lifetime "$lifetime" >&2 || { log "lab did not come up"; return 1; }
	# The neighbour table's garbage collector limits (one table for every namespace of the UML
	# kernel; default gc_thresh3 1024 would refuse entries beyond it): room for a million.
	lab_uml "sysctl -qw net.ipv4.neigh.default.gc_thresh1=1048576 net.ipv4.neigh.default.gc_thresh2=1048576 \
		net.ipv4.neigh.default.gc_thresh3=1048576" || { log "sysctl in UML failed"; return 1; }
	LAB_TIMEOUT=60 lab_spoke "$HUB" "ip -b - <<-EOF
		addr flush dev nbma0
		addr add 10.0.0.1/32 dev nbma0
		route replace 0.0.0.0/0 dev nbma0
		route replace 100.64.0.0/10 via 10.0.0.254 dev nbma0 onlink
		addr flush dev gre1
		addr add 172.16.0.1/32 dev gre1
		EOF
		echo 10.0.0.1 >$HUB_RUN/nbma" || { log "re-addressing $HUB failed"; return 1; }
	write_conf || return 1
	local a others=''
	for a in uml $LAB_SPOKES_ALL; do
		[ "$a" = "$HUB" ] || others+=" $(cat "$LAB_DIR/ctl/$a/agent.pid")"
	done
	lab_spoke "$HUB" "kill -STOP$others" || { log "could not stop the other agents"; return 1; }
	FRR_VERSION=$(/usr/lib/frr/nhrpd --version 2>/dev/null | sed -n 's/.*version \([^ ]*\).*/\1/p' | head -n 1)
	UML_KERNEL=$(LAB_TIMEOUT=30 lab_spoke "$HUB" "uname -r")
	HUB_NS=$(lab_hub_ns)
	ip netns exec "$HUB_NS" ip link set nbma0 mtu 1500
	
}

# frrhub_measure N: fresh daemons, N spokes, one JSON object on stdout. 0: all N accepted
# within BUDGET seconds; 1: incomplete (the object says how far it got) or a failure.
frrhub_measure() {
	local n=$1 before after load load2 t0 t1 t2 h0 h1 grc neigh rec q
	log "N=$n: fresh zebra + nhrpd ..."
	hub_restart >&2 || { log "FRR did not start"; return 1; }
	before=$(hub_probe) || { log "probe failed"; return 1; }
	load=$(cut -d' ' -f1-3 /proc/loadavg)
	log "N=$n: before: $before; load $load; generator (window $WINDOW, retry ${RETRY_MS} ms, budget ${BUDGET} s) ..."
	quiet_start "$n" $((2 * BUDGET)) || return 1
	h0=$(host_uml_ticks)
	t0=$(now_ms)
	timeout -s KILL $((BUDGET + 60)) ip netns exec "$HUB_NS" "$REGGEN" -l 0 --no-huge -m 256 \
		--no-shconf --no-telemetry --no-pci --file-prefix "$GEN_PREFIX" --log-level=error \
		--vdev "net_af_packet0,iface=nbma0,framecnt=4096,qpairs=1" -- \
		--spokes "$n" --window "$WINDOW" --retry-ms "$RETRY_MS" --seconds "$BUDGET" \
		--idle-us 100 --rxq 1 --txq 1 --hub-mac "$HUB_MAC" >"$LAB_DIR/gen-$n.json" 2>"$LAB_DIR/gen-$n.err" &
	GEN_PID=$!
	wait "$GEN_PID"
	grc=$?
	GEN_PID=
	t1=$(now_ms)
	rm -rf "/var/run/dpdk/$GEN_PREFIX"
	[ -s "$LAB_DIR/gen-$n.json" ] || {
		quiet_stop
		log "generator produced nothing ($grc): $(tail -n 5 "$LAB_DIR/gen-$n.err")"
		return 1
	}
	# nhrpd answers before zebra has put the binding into the kernel: the quiet command
	# waits for the last neighbour entry (bounded by the same budget).
	quiet_stop "$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["accepted"])' "$LAB_DIR/gen-$n.json" 2>/dev/null)"
	q=$(cat "$LAB_DIR/quiet.out")
	[[ $q =~ neigh=([0-9]+)\ t=([0-9]+)\.([0-9]{3}) ]] || { log "no neighbour count: $q"; return 1; }
	neigh=${BASH_REMATCH[1]} t2=${BASH_REMATCH[2]}${BASH_REMATCH[3]}
	h1=$(host_uml_ticks)
	load2=$(cut -d' ' -f1-3 /proc/loadavg)
	after=$(hub_probe) || { log "probe failed"; return 1; }
	log "N=$n: after: $after"
	rec=$($PY - "$n" "$before" "$after" "$((t1 - t0))" "$((t2 - t0))" "$neigh" "$grc" "$load" \
		"$FRR_VERSION" "$UML_KERNEL" "$WINDOW" "$RETRY_MS" "$BUDGET" "$LAB_DIR/gen-$n.json" "$((h1 - h0))" "$load2" <<'PYEOF'
import json, sys
a = sys.argv[1:]
n = int(a[0])
kv = lambda s: {k: int(v) for k, v in (x.split("=") for x in s.split())}
b, f = kv(a[1]), kv(a[2])
g = json.load(open(a[13]))
# Per peer: per spoke registered (all N, or what a run cut by its budget reached).
peers = max(1, g["accepted"])
per = lambda k: round((f[k] - b[k]) * 1024 / peers, 1)
r = {"name": "nhrp-register-frr", "baseline": "frr-nhrpd-uml", "spokes": n,
     "mode": "paced" if int(a[10]) == 1 else "saturated",
     "frr": a[8], "uml_kernel": a[9], "window": int(a[10]), "retry_ms": int(a[11]), "budget_s": int(a[12]),
     "complete": a[6] == "0" and g["accepted"] == n,
     "accepted": g["accepted"], "refused": g["refused"], "unanswered": g["unanswered"],
     "sent": g["sent"], "retries": g["retries"],
     "regs_per_s": round(g["regs_per_s"], 1), "elapsed_s": g["elapsed_s"],
     "rtt_p50_us": g["latency_p50_us"], "rtt_p90_us": g["latency_p90_us"],
     "rtt_p99_us": g["latency_p99_us"], "rtt_max_us": g["latency_max_us"],
     "generator_wall_s": round(int(a[3]) / 1000, 1),
     "kernel_neigh": int(a[5]), "all_in_kernel_s": round(int(a[4]) / 1000, 1),
     "before": b, "after": f,
     "nhrpd_bytes_per_peer": per("nhrpd_rss_kb"), "zebra_bytes_per_peer": per("zebra_rss_kb"),
     "kernel_slab_bytes_per_peer": per("slab_kb"),
     "bytes_per_peer": round(((f["nhrpd_rss_kb"] - b["nhrpd_rss_kb"]) + (f["zebra_rss_kb"] - b["zebra_rss_kb"])) * 1024 / peers, 1),
     "routes_on_gre1": f["routes"], "loadavg": a[7], "loadavg_after": a[15],
     # host CPU the UML kernel used from the generator's start to the last neighbour, per
     # peer, and the rate that would give if UML had a host core to itself (a bound
     # derived from it, not measured: UML's one CPU is a single host thread)
     "host_uml_cpu_ms_per_peer": round(int(a[14]) * 10.0 / peers, 2),
     "cpu_bound_regs_per_s": round(peers * 100.0 / max(1, int(a[14])), 1)}
# CPU inside UML over the run (generator start to the last neighbour installed), ms per peer;
# uml_busy_share: the UML CPU's busy share of that time (1.0: the UML CPU was the limit).
cpu = lambda k: round((f[k] - b[k]) * 10.0 / peers, 3)
r.update(nhrpd_cpu_ms_per_peer=cpu("nhrpd_cpu_ticks"), zebra_cpu_ms_per_peer=cpu("zebra_cpu_ticks"),
         uml_cpu_ms_per_peer=cpu("uml_busy_ticks"),
         uml_busy_share=round((f["uml_busy_ticks"] - b["uml_busy_ticks"]) /
                              max(1, f["uml_busy_ticks"] - b["uml_busy_ticks"] + f["uml_idle_ticks"] - b["uml_idle_ticks"]), 3))
print(json.dumps(r))
print("frrhub: N=%d: %d/%d accepted, %.1f regs/s, RTT p50/p99 %.0f/%.0f us, %d neighbours after %.1f s, "
      "nhrpd+zebra %.0f B/peer, kernel slab %.0f B/peer; CPU ms/peer nhrpd %.2f zebra %.2f UML %.2f (busy %.0f %%), host CPU for UML %.2f ms/peer (load %s -> %s)" % (
      n, r["accepted"], n, r["regs_per_s"], r["rtt_p50_us"],
      r["rtt_p99_us"], r["kernel_neigh"], r["all_in_kernel_s"], r["bytes_per_peer"], r["kernel_slab_bytes_per_peer"],
      r["nhrpd_cpu_ms_per_peer"], r["zebra_cpu_ms_per_peer"], r["uml_cpu_ms_per_peer"], 100 * r["uml_busy_share"],
      r["host_uml_cpu_ms_per_peer"], r["loadavg"], r["loadavg_after"]),
      file=sys.stderr)
PYEOF
) || { log "could not read the generator's output: $(cat "$LAB_DIR/gen-$n.json")"; return 1; }
	echo "$rec"
	[ "$grc" = 0 ]
}

frrhub_main() {
	local spokes="1000 10000" lifetime=1800 json='' n rc=0 rec lat=100 w
	while [ $# -gt 0 ]; do
		case $1 in
		--spokes) spokes=$2; shift ;;
		--window) WINDOW=$2; shift ;;
		--retry-ms) RETRY_MS=$2; shift ;;
		--budget) BUDGET=$2; shift ;;
		--reggen) REGGEN=$2; shift ;;
		--json) json=$2; shift ;;
		--lifetime) lifetime=$2; shift ;;
		--latency-spokes) lat=$2; shift ;;
		-h | --help) sed -n '2,34p' "$0"; return 0 ;;
		*) echo "frrhub: unknown option $1" >&2; return 2 ;;
		esac
		shift
	done
	for n in $spokes; do
		[[ $n =~ ^[1-9][0-9]*$ && $n -le 1048574 ]] || { echo "frrhub: --spokes takes counts 1..1048574" >&2; return 2; }
	done
	[[ $WINDOW =~ ^[1-9][0-9]*$ && $RETRY_MS =~ ^[1-9][0-9]*$ && $BUDGET =~ ^[1-9][0-9]*$ ]] ||
		{ echo "frrhub: --window, --retry-ms and --budget take counts >= 1" >&2; return 2; }
	[ "$(id -u)" = 0 ] || { echo "frrhub: needs root (namespaces, the UML lab)" >&2; return 77; }
	for f in /usr/bin/linux.uml /usr/lib/frr/nhrpd /usr/lib/frr/zebra; do
		[ -x "$f" ] || { echo "frrhub: no $f (user-mode-linux, frr)" >&2; return 77; }
	done
	[ -n "$REGGEN" ] || REGGEN=${HUB_BUILD:-$ROOT/build}/tests/tools/nhrp_reggen
	[ -x "$REGGEN" ] || { echo "frrhub: no generator $REGGEN (build the hub's tests)" >&2; return 2; }
	trap frrhub_cleanup EXIT
	trap 'exit 1' INT TERM
	[[ $lat =~ ^[0-9]+$ ]] || { echo "frrhub: --latency-spokes takes a count" >&2; return 2; }
	export LAB_UML_MEM=${LAB_UML_MEM:-1536M} # nhrpd + zebra + kernel: about 10 kB per peer
	export LAB_BOOT_TIMEOUT=${LAB_BOOT_TIMEOUT:-300} # a loaded machine boots UML slowly
	frrhub_up "$lifetime" || return 1
	# Latency without a queue first: one request outstanding at a time.
	if [ "$lat" -gt 0 ]; then
		w=$WINDOW WINDOW=1
		rec=$(frrhub_measure "$lat")
		rc=$?
		WINDOW=$w
		[ -n "$rec" ] && { echo "$rec"; [ -n "$json" ] && echo "$rec" >>"$json"; }
		[ $rc = 0 ] || { log "the latency run ($lat spokes, window 1) failed"; return 1; }
	fi
	for n in $spokes; do
		rec=$(frrhub_measure "$n")
		rc=$?
		[ -n "$rec" ] && { echo "$rec"; [ -n "$json" ] && echo "$rec" >>"$json"; }
		[ $rc = 0 ] || { log "N=$n incomplete or failed: larger N skipped"; return 1; }
	done
	return 0
}

frrhub_cleanup() {
	[ -n "$GEN_PID" ] && kill -KILL "$GEN_PID" 2>/dev/null
	[ -n "$QUIET_PID" ] && kill -KILL "$QUIET_PID" 2>/dev/null
	rm -rf "/var/run/dpdk/$GEN_PREFIX"
	lab_down
}

# Run, unless sourced (T_ID=... . tests/interop/frrhub.sh; frrhub_up; frrhub_measure N).
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	frrhub_main "$@"
	exit $?
fi

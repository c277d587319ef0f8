#!/bin/bash
# Command agent inside the spoke lab's UML kernel: one per network namespace ("uml" for
# the UML root namespace, R6, R8, ... each started inside its namespace by spoke.sh).
#
# The host (lab.sh, lab_cmd) writes $LAB_DIR/ctl/NAME/c.ID atomically (write + rename):
# line 1 is a timeout in seconds (0: none), the rest a bash command. The agent runs each
# new command in the background and writes o.ID (stdout), e.ID (stderr), then r.ID (exit
# code, one write: the host waits for it to be non-empty; 124 when the agent killed it at
# its timeout). The host deletes the files.
#
# Starting a process inside UML is slow (fork ~50 ms, exec of bash ~180 ms, of timeout(1)
# ~80 ms more), so the agent creates exactly one process per command: a subshell that
# evals the command. Job control (set -m) gives each such subshell its own process group,
# which the agent kills whole at the timeout. Polling creates no process: a glob, and
# read -t on a private FIFO as the sleep.
name=$1
dir=$LAB_DIR/ctl/$name
[ -n "$name" ] && [ -d "$dir" ] || { echo "uml-agent: no directory $dir" >&2; exit 1; }
fifo=/run/lab-agent.$name.fifo
rm -f "$fifo"
mkfifo "$fifo" || exit 1
exec 9<>"$fifo"
exec </dev/null
set -m
declare -A seen=() deadline=() cmdid=()
echo "uml-agent $name: running as $$"

run() { # ID COMMAND, in its own process group
	exec 9>&- >"$dir/o.$1" 2>"$dir/e.$1"
	trap 'echo $? >"$dir/r.'"$1"'"' EXIT
	set +m
	cd / || exit 125
	eval "$2"
}


echo "$$" >"$dir/agent.pid"
while :; do
	[ -e "$dir/stop" ] && { echo "uml-agent $name: stop"; exit 0; }
	for f in "$dir"/c.*; do
		[ -e "$f" ] || continue
		id=${f##*/c.}
		[ -n "${seen[$id]}" ] && continue
		seen[$id]=1
		tmo=0 cmd=
		{ IFS= read -r tmo; IFS= read -r -d '' cmd; } <"$f"
		run "$id" "$cmd" &
		if [ "$tmo" -gt 0 ] 2>/dev/null; then
			t=${EPOCHREALTIME/./}
			deadline[$!]=$((t / 1000 + tmo * 1000))
			cmdid[$!]=$id
		fi
	done
	if [ ${#deadline[@]} -gt 0 ]; then
		t=${EPOCHREALTIME/./}
		t=$((t / 1000))
		for pid in "${!deadline[@]}"; do
			if ! kill -0 "$pid" 2>/dev/null; then
				unset "deadline[$pid]" "cmdid[$pid]"
			elif [ "$t" -ge "${deadline[$pid]}" ]; then
				kill -KILL -- "-$pid" 2>/dev/null
				echo 124 >"$dir/r.${cmdid[$pid]}"
				unset "deadline[$pid]" "cmdid[$pid]"
			fi
		done
	fi
	# Forget commands whose files the host has removed.
	for id in "${!seen[@]}"; do
		[ -e "$dir/c.$id" ] || unset "seen[$id]"
	done
	read -r -t 0.03 -u 9 _
done

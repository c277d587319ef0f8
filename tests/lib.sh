# Shared helpers for shell tests. Source it; call t_ok/t_fail per check and t_done last.
# t_done prints the closing line scripts/test adds up: "N passed, N failed".
T_PASS=0
T_FAIL=0
t_ok()   { T_PASS=$((T_PASS + 1)); echo "ok   - $*"; }
t_fail() { T_FAIL=$((T_FAIL + 1)); echo "FAIL - $*"; }
# t_check "description" command...: passes when the command exits 0.
t_check() { local d=$1; shift; if "$@"; then t_ok "$d"; else t_fail "$d"; fi; }
t_done() {
	echo "$T_PASS passed, $T_FAIL failed"
	[ "$T_FAIL" -eq 0 ]
}
# t_sanitizer_check LOG...: in scripts/test's ASan+UBSan step (HUB_SANITIZED=1: the hub
# under test is the sanitizer build), one check that the logs of the stopped hub(s) hold
# no AddressSanitizer or UBSan report, shutdown included; prints any. Otherwise nothing.
T_SANITIZER_REPORT='ERROR: (Address|Leak)Sanitizer|runtime error:|SUMMARY: UndefinedBehaviorSanitizer'
t_sanitizer_check() {
	[ "${HUB_SANITIZED:-0}" = 1 ] || return 0
	local f missing=0
	for f in "$@"; do [ -r "$f" ] || missing=1; done
	if [ $missing = 0 ] && ! grep -Eqs "$T_SANITIZER_REPORT" "$@"; then
		t_ok "the sanitizer-built hub's log has no AddressSanitizer or UBSan report"
	else
		t_fail "the sanitizer-built hub's log has no AddressSanitizer or UBSan report ($*)"
		grep -E -A 20 "$T_SANITIZER_REPORT" "$@" 2>/dev/null | head -n 60
	fi
}
# t_skip_all "why": a suite that cannot run here says so and counts nothing as passed.
t_skip_all() { echo "SKIP - $*"; echo "0 passed, 0 failed, 1 skipped"; exit 77; }
# Unique names for namespaces and files of this run.
T_ID=${T_ID:-$$}

# EAL memory arguments: hugepages when enough are free (256 x 2 MiB), else --no-huge.
t_eal_mem() {
	if [ "$(awk '/^HugePages_Free:/ {print $2}' /proc/meminfo 2>/dev/null || echo 0)" -ge 256 ]; then
		echo "--in-memory"
	else
		echo "--no-huge -m 512"
	fi
}

# t_wait_for SECONDS CMD...: run CMD every 0.2 s until it succeeds or SECONDS pass.
t_wait_for() {
	local limit=$1 end; shift
	end=$(( $(date +%s%N) / 1000000 + limit * 1000 ))
	while [ $(( $(date +%s%N) / 1000000 )) -lt $end ]; do
		"$@" && return 0
		sleep 0.2
	done
	return 1
}

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
# t_skip_all "why": a suite that cannot run here says so and counts nothing as passed.
t_skip_all() { echo "SKIP - $*"; echo "0 passed, 0 failed, 1 skipped"; exit 77; }
# Unique names for namespaces and files of this run.
T_ID=${T_ID:-$$}

#!/usr/bin/env bash
# Live capture of a running hub with dpdk-dumpcap (rte_pdump, docs/cli.md "Live capture"):
# the hub runs with a shared runtime (hugepages in a hugetlbfs mounted privately for this
# test), a peer pings it, dpdk-dumpcap attaches as a secondary process and writes the
# pings and the hub's replies to a pcapng file that tshark decodes.
set -u
cd "$(dirname "$0")/../.." || exit 1
# A private mount namespace for the hugetlbfs mount: nothing is left mounted on the host.
if [ -z "${LIVE_CAPTURE_INNER:-}" ]; then
	exec unshare --mount --propagation private env LIVE_CAPTURE_INNER=1 bash "$0" "$@"
fi
. tests/lib.sh

HUB=${HUB_BUILD:-build}/control/dmvpn-hub
NS_HUB=dmvpn-t$T_ID-caph
NS_PEER=dmvpn-t$T_ID-capp
PREFIX=dmvpn-t$T_ID-cap
DIR=$(mktemp -d /tmp/dmvpn-capture.XXXXXX)
HUB_PID=

cleanup() {
	[ -n "$HUB_PID" ] && kill -TERM "$HUB_PID" 2>/dev/null && sleep 1
	[ -n "$HUB_PID" ] && kill -KILL "$HUB_PID" 2>/dev/null
	ip netns del "$NS_HUB" 2>/dev/null
	ip netns del "$NS_PEER" 2>/dev/null
	umount "$DIR/huge" 2>/dev/null
	rm -rf "$DIR" "/var/run/dpdk/$PREFIX"
}
trap cleanup EXIT

[ -x "$HUB" ] || { t_fail "hub binary $HUB missing"; t_done; exit 1; }
command -v dpdk-dumpcap >/dev/null || t_skip_all "dpdk-dumpcap is not installed (package dpdk)"
command -v tshark >/dev/null || t_skip_all "tshark is not installed"
free=$(awk '/HugePages_Free/ {print $2}' /proc/meminfo)
[ "${free:-0}" -ge 160 ] || t_skip_all "a secondary process needs hugepages: $free free, 160 wanted"

mkdir -p "$DIR/huge"
mount -t hugetlbfs -o pagesize=2M none "$DIR/huge" || { t_fail "mount hugetlbfs"; t_done; exit 1; }
ip netns add "$NS_HUB" && ip netns add "$NS_PEER" || { t_fail "create namespaces"; t_done; exit 1; }
ip link add nbma0 netns "$NS_HUB" type veth peer name peer0 netns "$NS_PEER"
for ns in "$NS_HUB" "$NS_PEER"; do ip -n "$ns" link set lo up; done
ip -n "$NS_HUB" link set nbma0 up
ip -n "$NS_PEER" addr add 1.1.1.2/24 dev peer0
ip -n "$NS_PEER" link set peer0 up
ip netns exec "$NS_HUB" ethtool -K nbma0 tx off >/dev/null 2>&1
ip netns exec "$NS_PEER" ethtool -K peer0 tx off >/dev/null 2>&1

cat > "$DIR/hub.conf" <<CONF
ports = ( { name = "nbma0"; device = "net_af_packet0,iface=nbma0"; address = "1.1.1.1/24";
            gateway = "1.1.1.2"; } );
cli = { port = 0; };
CONF

# A shared runtime: no --in-memory, hugepages from the private mount. dpdk-dumpcap, a
# secondary process, must map the hub's memory at the hub's addresses; EAL's default
# choice, near the top of the address space, can be taken in dumpcap by its own libraries
# (seen with the sanitizer build, whose shadow memory moves the hub's mappings: "Cannot
# reserve ... at [0x7fbabaa00000] - please use '--base-virtaddr'"). An address far from
# both (and above ASan's shadow, which ends at 0x10007fff7fff) makes the attach reliable.
ip netns exec "$NS_HUB" timeout -s KILL 90 "$HUB" -l 0-1 --no-pci --huge-dir "$DIR/huge" \
	-m 256 --base-virtaddr 0x200000000000 --file-prefix "$PREFIX" -- -c "$DIR/hub.conf" --idle-sleep 50 \
	> "$DIR/hub.log" 2>&1 &
HUB_PID=$!
if t_wait_for 30 grep -qs "running:" "$DIR/hub.log"; then
	t_ok "hub starts with a shared runtime"
else
	t_fail "hub starts"; cat "$DIR/hub.log"; t_done; exit 1
fi
t_check "the hub says live capture is ready and how to attach" \
	grep -q "live capture ready: dpdk-dumpcap --file-prefix=$PREFIX" "$DIR/hub.log"

# Pings go on while dumpcap attaches and takes 6 packets.
ip netns exec "$NS_PEER" ping -c 40 -i 0.2 -W 1 1.1.1.1 > "$DIR/ping.log" 2>&1 &
PING_PID=$!
ip netns exec "$NS_HUB" timeout -s KILL 30 dpdk-dumpcap --file-prefix="$PREFIX" -i 0 -c 6 \
	-w "$DIR/cap.pcapng" > "$DIR/dumpcap.log" 2>&1
rc=$?
kill "$PING_PID" 2>/dev/null
wait "$PING_PID" 2>/dev/null
t_check "dpdk-dumpcap attaches to the running hub and exits 0 (rc=$rc)" test "$rc" = 0
got=$(sed -n "s|.*received/dropped on interface 'net_af_packet0': \([0-9]*\)/\([0-9]*\).*|\1 \2|p" \
	"$DIR/dumpcap.log")
t_check "dumpcap received at least 6 packets and dropped none ($got)" \
	test "${got% *}" -ge 6 -a "${got#* }" = 0
out=$(tshark -r "$DIR/cap.pcapng" 2>/dev/null)
t_check "the capture holds the peer's echo requests" grep -q "1.1.1.2 → 1.1.1.1 .*Echo (ping) request" <<<"$out"
t_check "... and the hub's echo replies (its tx path is captured too)" \
	grep -q "1.1.1.1 → 1.1.1.2 .*Echo (ping) reply" <<<"$out"
t_check "the hub keeps answering after the capture ended" \
	ip netns exec "$NS_PEER" ping -c 2 -i 0.2 -W 2 1.1.1.1
kill -TERM "$HUB_PID"
t_check "hub exits 0 on SIGTERM after a capture" wait "$HUB_PID"
HUB_PID=
if [ "$T_FAIL" != 0 ]; then
	echo "--- dumpcap"; cat "$DIR/dumpcap.log"; echo "--- tshark"; echo "$out"
	echo "--- hub"; tail -20 "$DIR/hub.log"
fi
t_done

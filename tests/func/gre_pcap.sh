#!/usr/bin/env bash
# GRE fast path, pcap in -> pcap out through net_pcap: hairpin, spoke <-> LAN, keys, unknown sources, TTL,
# MTU (ICMP and fragmentation), MSS clamping, punts (NHRP, echo to the tunnel address),
# redirect triggers, and the named drop counters. gre_pcap.py builds and checks the packets.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

HUB=${HUB_BUILD:-build}/control/dmvpn-hub
PREFIX=dmvpn-t$T_ID-gre
DIR=$(mktemp -d /tmp/dmvpn-gre.XXXXXX)
cleanup() { rm -rf "$DIR" "/var/run/dpdk/$PREFIX"; }
trap cleanup EXIT

/usr/bin/python3 tests/func/gre_pcap.py gen "$DIR" || { t_fail "generate input pcap"; t_done; exit 1; }
cat > "$DIR/hub.conf" <<CONF
ports = ( { name = "nbma0"; address = "1.1.1.1/24"; mtu = 9000;
            device = "net_pcap0,rx_pcap=$DIR/in.pcap,tx_pcap=$DIR/out-worker.pcap,tx_pcap=$DIR/out-control.pcap"; },
          { name = "lan0"; address = "10.10.0.1/24"; role = "lan";
            device = "net_pcap1,rx_pcap=$DIR/lan-in.pcap,tx_pcap=$DIR/lan-out-worker.pcap,tx_pcap=$DIR/lan-out-control.pcap"; } );
tunnels = ( { name = "Tunnel0"; address = "192.168.1.1/24"; source = "nbma0"; key = 42;
              mtu = 1400; tcp_mss = 1360;
              nhrp = { max_peers = 1024;
                       maps = ( { tunnel = "192.168.1.6"; nbma = "1.1.1.6"; },
                                { tunnel = "192.168.1.8"; nbma = "1.1.1.8"; } ); }; } );
routes = ( { prefix = "66.66.66.0/24"; via = "192.168.1.6"; },
           { prefix = "88.88.88.0/24"; via = "192.168.1.8"; },
           { prefix = "77.77.0.0/16"; via = "10.10.0.254"; } );
cli = { port = 0; };
CONF

timeout -s KILL 60 "$HUB" -l 0-1 $(t_eal_mem) --no-pci --file-prefix "$PREFIX" \
	-- -c "$DIR/hub.conf" > "$DIR/hub.log" 2>&1 &
pid=$!
if ! t_wait_for 30 grep -qs "running:" "$DIR/hub.log"; then
	t_fail "hub starts on net_pcap"; cat "$DIR/hub.log"; t_done; exit 1
fi
t_ok "hub starts on net_pcap"
# The pcap is read at once; give control time to answer what was punted, then stop.
sleep 2
kill -TERM "$pid"; wait "$pid"; rc=$?
t_check "hub exits 0 after SIGTERM (rc=$rc)" [ "$rc" -eq 0 ]
out=$(/usr/bin/python3 tests/func/gre_pcap.py check "$DIR")
echo "$out" | grep -v '^[0-9]* passed'
T_PASS=$((T_PASS + $(echo "$out" | sed -n 's/^\([0-9]*\) passed.*/\1/p')))
T_FAIL=$((T_FAIL + $(echo "$out" | sed -n 's/^[0-9]* passed, \([0-9]*\) failed.*/\1/p')))
sed -n '/hub.main: port/,$p' "$DIR/hub.log"
t_done

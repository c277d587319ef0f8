#!/usr/bin/python3
# Traffic for scripts/soak, sent from the peer namespace onto the hub's veth.
#
#   soak_traffic.py IFACE HUB_MAC SECONDS
#
# Every second, a batch of:
#  - GRE data between the two static spokes (1.1.1.8 -> hub -> 1.1.1.6: hairpin, with
#    TCP SYNs for MSS clamping, large packets for fragmentation, TTL 1 for ICMP errors),
#  - Registration Requests from 100 dynamic spokes (1.1.1.20-119 claiming 192.168.1.20-119)
#    with short holdtimes (10-30 s) of which a rotating third pause for a while, so that
#    bindings register, refresh, expire and come back all the time (registration churn),
#  - the whole malformed corpus (tests/func/malformed.py) once every 10 s.
# Prints one line per 10 s with what was sent.
import os
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import malformed as mf  # noqa: E402
from scapy.all import ICMP, IP, TCP, Ether, Raw, conf, raw  # noqa: E402

iface, hub_mac, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
SPOKE_MAC = "02:00:00:00:00:08"


def gre(src, inner_pkt, proto=0x0800):
    g = struct.pack("!HHI", 0x2000, proto, mf.KEY) + inner_pkt
    return raw(Ether(src=SPOKE_MAC, dst=hub_mac, type=0x0800)) + mf.outer_raw(g, src=src)[14:]


def registration(i, holdtime):
    p = mf.nhrp_base()
    p[31] = 20 + i                       # src NBMA 1.1.1.(20+i)
    p[35] = 20 + i                       # src protocol 192.168.1.(20+i)
    struct.pack_into("!I", p, 24, 0x1000 + i)  # request ID
    struct.pack_into("!H", p, 46, holdtime)    # CIE holdtime
    return gre(f"1.1.1.{20 + i}", mf.nhrp_fix(p), proto=0x2001)


def main():
    data = [
        gre("1.1.1.8", raw(IP(src="88.88.88.8", dst="66.66.66.6") / ICMP() / Raw(b"soak" * 10))),
        gre("1.1.1.8", raw(IP(src="88.88.88.8", dst="66.66.66.6") / TCP(flags="S", options=[("MSS", 1460)]))),
        gre("1.1.1.8", raw(IP(src="88.88.88.8", dst="66.66.66.6") / Raw(bytes(range(256)) * 8))),
        gre("1.1.1.8", raw(IP(src="88.88.88.8", dst="66.66.66.6", ttl=1) / ICMP())),
        gre("1.1.1.6", raw(IP(src="66.66.66.6", dst="88.88.88.8") / ICMP(type=0))),
    ]
    corpus = [f for f, _ in mf.cases()]
    s = conf.L2socket(iface=iface)
    start = time.time()
    sec = 0
    sent = 0
    while time.time() - start < seconds:
        batch = data * 40
        for i in range(100):
            # A third of the spokes is silent for 40 s of every 120 s: their bindings expire.
            if (i + sec // 40) % 3 != 0:
                batch.append(registration(i, 10 + (i % 3) * 10))
        if sec % 10 == 0:
            batch += corpus
        for f in batch:
            s.send(f)
        sent += len(batch)
        sec += 1
        if sec % 10 == 0:
            print(f"t={int(time.time() - start)}s sent {sent}", flush=True)
        delay = start + sec - time.time()
        if delay > 0:
            time.sleep(delay)
    s.close()
    print(f"done: {sent} frames in {int(time.time() - start)} s", flush=True)


if __name__ == "__main__":
    main()

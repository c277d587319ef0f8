#!/usr/bin/env python3
# GRE fast path, pcap in -> pcap out. `gen DIR` writes DIR/in.pcap; `check DIR` reads
# DIR/out-worker.pcap, DIR/out-control.pcap and DIR/hub.log and checks every case field by
# field. Addresses match the test's configuration (tests/func/gre_pcap.sh).
import sys

from scapy.all import (ARP, ICMP, IP, TCP, Ether, GRE, Raw, rdpcap, wrpcap, raw)

HUB = "1.1.1.1"
R6, R8, STRANGER = "1.1.1.6", "1.1.1.8", "1.1.1.9"
MAC6, MAC8, MAC9 = "02:00:00:00:00:06", "02:00:00:00:00:08", "02:00:00:00:00:09"
BCAST = "ff:ff:ff:ff:ff:ff"  # the hub takes frames to broadcast; its pcap MAC is not ours to pick
KEY = 42
LAN_GW, LAN_HOST = "10.10.0.254", "10.10.0.5"
MAC_GW, MAC_HOST = "02:00:00:00:0a:fe", "02:00:00:00:0a:05"
FILLER = 50000


def gre_from(nbma, mac, inner, key=KEY, proto=0x0800):
    g = GRE(proto=proto, key_present=1, key=key) if key is not None else GRE(proto=proto)
    return Ether(src=mac, dst=BCAST) / IP(src=nbma, dst=HUB, ttl=64) / g / inner


def gen(d):
    pkts = [
        # The spokes announce their MACs (replies to the hub: RFC 826 merge learns them).
        Ether(src=MAC6, dst=BCAST) / ARP(op=2, hwsrc=MAC6, psrc=R6, hwdst=BCAST, pdst=HUB),
        Ether(src=MAC8, dst=BCAST) / ARP(op=2, hwsrc=MAC8, psrc=R8, hwdst=BCAST, pdst=HUB),
    ]
    # Filler the worker drops at once (local experimental ethertype): it gives control time
    # to learn the MACs and push the peers' outer headers, so what follows normally takes
    # the worker's encap path. Every check below holds on either path.
    pkts += [Ether(src=MAC8, dst=BCAST, type=0x88B5) / Raw(b"\0" * 46)] * FILLER
    # 1. R8's LAN -> R6's LAN: hairpin through the hub, 5 echo requests.
    for seq in range(5):
        pkts.append(gre_from(R8, MAC8, IP(src="88.88.88.88", dst="66.66.66.66", ttl=64) /
                             ICMP(id=0x88, seq=seq) / Raw(b"hairpin" * 4)))
    # 2. wrong key, 3. no key, 4. unknown outer source.
    pkts.append(gre_from(R8, MAC8, IP(src="88.88.88.88", dst="66.66.66.66") / ICMP(id=1), key=43))
    pkts.append(gre_from(R8, MAC8, IP(src="88.88.88.88", dst="66.66.66.66") / ICMP(id=2), key=None))
    pkts.append(gre_from(STRANGER, MAC9, IP(src="99.99.99.99", dst="66.66.66.66") / ICMP(id=3)))
    # 5. TTL 1: ICMP time exceeded back to 88.88.88.88 through R8.
    pkts.append(gre_from(R8, MAC8, IP(src="88.88.88.88", dst="66.66.66.66", ttl=1) /
                         ICMP(id=0x77, seq=1)))
    # 6. DF and bigger than the tunnel MTU (1400): ICMP fragmentation needed, MTU 1400.
    pkts.append(gre_from(R8, MAC8, IP(src="88.88.88.88", dst="66.66.66.66", flags="DF") /
                         ICMP(id=0x66) / Raw(b"x" * 1450)))
    # 7. no DF, 3000 bytes: fragmented, then each fragment encapsulated to R6.
    pkts.append(gre_from(R8, MAC8, IP(src="88.88.88.88", dst="66.66.66.66", id=0x4242) /
                         ICMP(id=0x55) / Raw(bytes(range(256)) * 12)))
    # 8. an NHRP packet (ar$pktsz 0: malformed): punted to control, counted by the NHRP server.
    pkts.append(gre_from(R8, MAC8, Raw(b"\x00\x01\x08\x00" + b"\x00" * 16), proto=0x2001))
    # 9. echo to the hub's tunnel address: answered by control through the tunnel.
    pkts.append(gre_from(R8, MAC8, IP(src="192.168.1.8", dst="192.168.1.1") /
                         ICMP(id=0x11, seq=7) / Raw(b"to-the-hub")))
    # 10. TCP SYN with MSS 1460: clamped to 1360 on the way to R6.
    pkts.append(gre_from(R8, MAC8, IP(src="88.88.88.88", dst="66.66.66.66") /
                         TCP(sport=40000, dport=22, flags="S", options=[("MSS", 1460)])))
    # 11. a tunnel address nobody registered.
    pkts.append(gre_from(R8, MAC8, IP(src="88.88.88.88", dst="192.168.1.7") / ICMP(id=4)))
    # 12. not our address at all (underlay) and a truncated GRE header.
    pkts.append(Ether(src=MAC8, dst=BCAST) / IP(src=R8, dst="1.1.1.77") / GRE(key_present=1, key=KEY) /
                IP(src="88.88.88.88", dst="66.66.66.66") / ICMP())
    pkts.append(Ether(src=MAC8, dst=BCAST) / IP(src=R8, dst=HUB, proto=47) / Raw(b"\x20\x00"))
    # 13. spoke R6's LAN -> a host on the hub's LAN (glean, then a /32) and -> a network
    # behind the LAN gateway (static route via 10.10.0.254).
    for i in range(3):
        pkts.append(gre_from(R6, MAC6, IP(src="66.66.66.66", dst=LAN_HOST, ttl=64) /
                             ICMP(id=0x605, seq=i)))
    pkts.append(gre_from(R6, MAC6, IP(src="66.66.66.66", dst="77.77.1.1", ttl=64) / ICMP(id=0x677)))
    wrpcap(f"{d}/in.pcap", pkts)

    lan = [
        Ether(src=MAC_GW, dst=BCAST) / ARP(op=2, hwsrc=MAC_GW, psrc=LAN_GW, hwdst=BCAST, pdst="10.10.0.1"),
        Ether(src=MAC_HOST, dst=BCAST) / ARP(op=2, hwsrc=MAC_HOST, psrc=LAN_HOST, hwdst=BCAST,
                                            pdst="10.10.0.1"),
    ]
    lan += [Ether(src=MAC_GW, dst=BCAST, type=0x88B5) / Raw(b"\0" * 46)] * FILLER
    # 14. LAN -> spokes: a LAN host to R6's LAN, a network behind the gateway to R8's LAN.
    lan.append(Ether(src=MAC_HOST, dst=BCAST) / IP(src=LAN_HOST, dst="66.66.66.66", ttl=64) /
               ICMP(id=0x105))
    lan.append(Ether(src=MAC_GW, dst=BCAST) / IP(src="77.77.1.1", dst="88.88.88.88", ttl=64) /
               ICMP(id=0x177))
    wrpcap(f"{d}/lan-in.pcap", lan)


PASS = FAIL = 0


def check(desc, cond):
    global PASS, FAIL
    if cond:
        PASS += 1
        print(f"ok   - {desc}")
    else:
        FAIL += 1
        print(f"FAIL - {desc}")


def tcp_csum_ok(ip_layer):
    x = IP(raw(ip_layer))
    got = x[TCP].chksum
    del x[TCP].chksum
    return IP(raw(x))[TCP].chksum == got


def outer_ok(p, dst_ip, dst_mac):
    ip = p[IP]
    return (p[Ether].dst == dst_mac and ip.src == HUB and ip.dst == dst_ip and ip.proto == 47 and
            ip.flags.DF and ip.ttl == 64 and IP(raw(ip)).chksum == ip.chksum and
            p[GRE].key_present == 1 and p[GRE].key == KEY)


def inner(p):
    return p[GRE].payload


def read(path):
    try:
        return list(rdpcap(path))
    except FileNotFoundError:
        return []


def check_out(d):
    worker = read(f"{d}/out-worker.pcap")
    control = read(f"{d}/out-control.pcap")
    lan_out = read(f"{d}/lan-out-worker.pcap") + read(f"{d}/lan-out-control.pcap")
    log = open(f"{d}/hub.log").read()
    allp = worker + control
    gre = [p for p in allp if GRE in p and IP in p]

    to6 = [p for p in gre if p[IP].dst == R6]
    to8 = [p for p in gre if p[IP].dst == R8]
    hair = [p for p in to6 if ICMP in inner(p) and inner(p)[ICMP].id == 0x88]
    check(f"5 hairpin echoes leave toward R6 ({len(hair)})", len(hair) == 5)
    check("hairpin outer header: hub -> R6, R6's MAC, DF, TTL 64, key 42, valid checksum",
          hair != [] and all(outer_ok(p, R6, MAC6) for p in hair))
    check("hairpin inner packet: TTL decremented to 63, payload intact, checksum valid",
          hair != [] and all(inner(p)[IP].ttl == 63 and raw(inner(p)[Raw]).startswith(b"hairpin")
                             and IP(raw(inner(p))).chksum == inner(p)[IP].chksum for p in hair))
    check("hairpin sequence numbers 0..4 in order",
          [inner(p)[ICMP].seq for p in hair] == list(range(5)))
    check("nothing left for the wrong key, the missing key, the stranger or 192.168.1.7",
          not any(ICMP in inner(p) and inner(p)[ICMP].id in (1, 2, 3, 4) for p in gre))
    te = [p for p in to8 if ICMP in inner(p) and inner(p)[ICMP].type == 11]
    check("TTL 1 -> ICMP time exceeded to 88.88.88.88 via R8, from 192.168.1.1",
          len(te) == 1 and inner(te[0])[IP].src == "192.168.1.1" and
          inner(te[0])[IP].dst == "88.88.88.88" and outer_ok(te[0], R8, MAC8))
    fn = [p for p in to8 if ICMP in inner(p) and inner(p)[ICMP].type == 3]
    check("DF + 1478 bytes -> ICMP fragmentation needed (type 3 code 4) with MTU 1400",
          len(fn) == 1 and inner(fn[0])[ICMP].code == 4 and inner(fn[0])[ICMP].nexthopmtu == 1400)
    frags = [p for p in to6 if inner(p)[IP].id == 0x4242]
    check(f"3000-byte packet without DF -> fragments toward R6 ({len(frags)})", len(frags) >= 3)
    check("every fragment fits the tunnel MTU (1400)",
          frags != [] and all(inner(p)[IP].len <= 1400 for p in frags))
    data = b"".join(raw(inner(p)[IP].payload)[: inner(p)[IP].len - 20]
                    for p in sorted(frags, key=lambda p: inner(p)[IP].frag))
    check("fragments reassemble to the original ICMP payload",
          data[8:] == bytes(range(256)) * 12)
    er = [p for p in to8 if ICMP in inner(p) and inner(p)[ICMP].type == 0 and inner(p)[ICMP].id == 0x11]
    check("echo to 192.168.1.1 answered by control through the tunnel to R8",
          len(er) == 1 and inner(er[0])[IP].src == "192.168.1.1" and
          raw(inner(er[0])[Raw]) == b"to-the-hub" and outer_ok(er[0], R8, MAC8))
    syn = [p for p in to6 if TCP in inner(p)]
    mss = dict((k, v) for k, v in syn[0][TCP].options).get("MSS") if syn else None
    check(f"TCP SYN MSS 1460 clamped to 1360 ({mss})", mss == 1360)
    check("clamped SYN has a valid TCP checksum", syn != [] and tcp_csum_ok(inner(syn[0])))
    lan_ip = [p for p in lan_out if IP in p and ICMP in p]
    h = [p for p in lan_ip if p[ICMP].id == 0x605]
    check(f"spoke -> LAN host: 3 packets on the LAN port ({len(h)})", len(h) == 3)
    check("... to the host's MAC, from the hub's LAN port, TTL 63, no GRE",
          h != [] and all(p[Ether].dst == MAC_HOST and p[IP].ttl == 63 and GRE not in p and
                          p[IP].src == "66.66.66.66" for p in h))
    g = [p for p in lan_ip if p[ICMP].id == 0x677]
    check("spoke -> network behind the LAN gateway: sent to the gateway's MAC",
          len(g) == 1 and g[0][Ether].dst == MAC_GW and g[0][IP].dst == "77.77.1.1")
    l6 = [p for p in to6 if ICMP in inner(p) and inner(p)[ICMP].id == 0x105]
    check("LAN host -> R6's LAN: encapsulated toward R6, TTL 63",
          len(l6) == 1 and outer_ok(l6[0], R6, MAC6) and inner(l6[0])[IP].ttl == 63)
    l8 = [p for p in to8 if ICMP in inner(p) and inner(p)[ICMP].id == 0x177]
    check("network behind the LAN gateway -> R8's LAN: encapsulated toward R8",
          len(l8) == 1 and outer_ok(l8[0], R8, MAC8))
    for reason in (f"ethertype-unsupported: {2 * FILLER}", "gre-wrong-key: 2", "gre-unknown-peer: 1", "ttl-exceeded: 1",
                   "mtu-exceeded: 1", "no-nhrp-binding: 1", "ipv4-not-for-us: 1",
                   "gre-truncated: 1", "nhrp-malformed: 1"):
        check(f"drop counter {reason}", f"drop {reason}\n" in log)
    check("control received the NHRP packet (nhrp-rx 1)", "nhrp-rx 1 " in log)
    # 5 echoes and the SYN went spoke -> hub -> spoke; one (R8, 66.66.66.66) trigger per
    # second passes the limiter, the rest are suppressed.
    check("hairpin counted: 6 packets", " hairpin 6 " in log)
    check("exactly one redirect trigger reached control (rate limit)", "redirect-triggers 1\n" in log)
    check("the other 5 triggers were suppressed", "redirect-suppressed 5\n" in log)

if __name__ == "__main__":
    if sys.argv[1] == "gen":
        gen(sys.argv[2])
    else:
        check_out(sys.argv[2])
        print(f"{PASS} passed, {FAIL} failed")
        sys.exit(1 if FAIL else 0)

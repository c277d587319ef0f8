#!/usr/bin/python3
# Seeds for fuzz_dp (tests/fuzz/fuzz_dp.c): `seeds_dp.py DIR` writes one file per case:
# byte 0 the harness's switches, byte 1 the split offset / 8, then the frame. Addresses
# match the harness's fixed world (ports 1.1.1.1 and 10.10.0.1, tunnels 192.168.1.1 key 42
# and 192.168.2.1 without key, spokes 1.1.1.6/.8/.9/.7).
import os
import sys

from scapy.all import ARP, GRE, ICMP, IP, TCP, UDP, Ether, Raw, raw

HUB_MAC, LAN_MAC = "02:00:00:00:00:01", "02:00:00:00:0a:01"
S6, S8, S9, S7 = "1.1.1.6", "1.1.1.8", "1.1.1.9", "1.1.1.7"
MAC = "02:00:00:00:00:06"
FIX = 0x02 | 0x04 | 0x08 | 0x10  # lengths and every checksum fixed by the harness


def gre(src, inner, key=42, proto=0x0800, **kw):
    g = GRE(proto=proto, key_present=1, key=key, **kw) if key is not None else GRE(proto=proto, **kw)
    return Ether(src=MAC, dst=HUB_MAC) / IP(src=src, dst="1.1.1.1") / g / inner


def lan(inner):
    return Ether(src="02:00:00:00:0a:fe", dst=LAN_MAC) / inner


def main(d):
    os.makedirs(d, exist_ok=True)
    big = Raw(bytes(range(256)) * 12)
    cases = {
        "hairpin-icmp": (0, gre(S8, IP(src="88.88.88.8", dst="66.66.66.6") / ICMP() / Raw(b"x" * 40))),
        "hairpin-tcp-syn-mss": (0, gre(S8, IP(src="88.88.88.8", dst="66.66.66.6") /
                                       TCP(flags="S", options=[("MSS", 1460), ("NOP", None), ("WScale", 7)]))),
        "spoke-to-lan": (0, gre(S8, IP(src="88.88.88.8", dst="172.16.5.5") / UDP() / Raw(b"y" * 30))),
        "spoke-to-lan-unresolved": (0, gre(S8, IP(src="88.88.88.8", dst="172.31.5.5") / UDP())),
        "spoke-to-glean": (0, gre(S8, IP(src="88.88.88.8", dst="10.10.0.9") / UDP())),
        "spoke-to-blackhole": (0, gre(S8, IP(src="88.88.88.8", dst="10.99.0.9") / UDP())),
        "spoke-to-hub": (0, gre(S8, IP(src="192.168.1.8", dst="192.168.1.1") / ICMP())),
        "spoke-to-tunnel-addr": (0, gre(S8, IP(src="192.168.1.8", dst="192.168.1.6") / ICMP())),
        "spoke-to-unbound": (0, gre(S8, IP(src="192.168.1.8", dst="192.168.1.77") / ICMP())),
        "spoke-to-incomplete": (0, gre(S8, IP(src="88.88.88.8", dst="44.44.0.1") / ICMP())),
        "spoke-to-no-mac": (0, gre(S8, IP(src="88.88.88.8", dst="99.99.0.1") / ICMP())),
        "ttl1": (0, gre(S8, IP(src="88.88.88.8", dst="66.66.66.6", ttl=1) / ICMP())),
        "df-too-big": (0, gre(S8, IP(src="88.88.88.8", dst="66.66.66.6", flags="DF") / ICMP() / Raw(b"z" * 1450))),
        "fragment-3000": (0x20 | (400 // 8 << 8), gre(S8, IP(src="88.88.88.8", dst="66.66.66.6") / ICMP() / big)),
        "keyless-frag": (0, gre(S7, IP(src="77.77.1.1", dst="77.77.2.2", options=b"\x94\x04\x00\x00") / UDP() / Raw(b"q" * 700), key=None)),
        "gre-csum-seq": (0, gre(S8, IP(src="88.88.88.8", dst="66.66.66.6") / ICMP(), chksum_present=1, seqnum_present=1, seqence_number=5)),
        "gre-wrong-key": (0, gre(S8, IP(src="88.88.88.8", dst="66.66.66.6") / ICMP(), key=43)),
        "gre-stranger": (0, gre("1.1.1.99", IP(src="88.88.88.8", dst="66.66.66.6") / ICMP())),
        "gre-proto-other": (0, gre(S8, Raw(b"\x00" * 40), proto=0x86dd)),
        "nhrp": (0, gre(S8, Raw(b"\x00\x01\x08\x00" + b"\x00" * 16), proto=0x2001)),
        "arp-request": (0, Ether(src=MAC, dst="ff:ff:ff:ff:ff:ff") / ARP(psrc=S6, pdst="1.1.1.1", hwsrc=MAC)),
        "echo-to-port": (0, Ether(src=MAC, dst=HUB_MAC) / IP(src=S6, dst="1.1.1.1") / ICMP() / Raw(b"ping")),
        "echo-to-lan-port": (1, lan(IP(src="10.10.0.9", dst="10.10.0.1") / ICMP())),
        "lan-to-spoke": (1, lan(IP(src="172.16.1.1", dst="66.66.66.6") / TCP(flags="SA", options=[("MSS", 1460)]))),
        "lan-to-spoke-big": (0x21 | (1000 // 8 << 8), lan(IP(src="172.16.1.1", dst="77.77.3.3") / UDP() / big)),
        "lan-to-lan": (1, lan(IP(src="172.16.1.1", dst="172.16.9.9", ttl=2) / UDP())),
        "lan-ttl1": (1, lan(IP(src="172.16.1.1", dst="66.66.66.6", ttl=1) / UDP())),
        "outer-options": (0, Ether(src=MAC, dst=HUB_MAC) / IP(src=S8, dst="1.1.1.1", options=b"\x01\x01\x01\x00") /
                             GRE(proto=0x0800, key_present=1, key=42) / IP(src="88.88.88.8", dst="66.66.66.6") / ICMP()),
        "outer-fragment": (0, Ether(src=MAC, dst=HUB_MAC) / IP(src=S8, dst="1.1.1.1", flags="MF") /
                              GRE(proto=0x0800, key_present=1, key=42) / IP(src="88.88.88.8", dst="66.66.66.6")),
        "padded": (0, Ether(src=MAC, dst=HUB_MAC) / IP(src=S8, dst="1.1.1.1") /
                      GRE(proto=0x0800, key_present=1, key=42) / IP(src="88.88.88.8", dst="66.66.66.6") / ICMP()),
    }
    for name, (sw, pkt) in cases.items():
        flags = (sw & 0xff) | FIX
        split = (sw >> 8) & 0xff
        data = bytes([flags, split]) + raw(pkt)
        if name == "padded":
            # Ethernet padding past the outer total length, which must stay as built.
            data = bytes([flags & ~0x02, split]) + raw(pkt) + b"\0" * 20
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main(sys.argv[1])

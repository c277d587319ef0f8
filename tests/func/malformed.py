#!/usr/bin/python3
# The malformed-traffic corpus (tests/func/malformed.sh, docs/security.md).
#
#   malformed.py gen DIR     writes DIR/in.pcap and DIR/expect.json: every packet with the
#                            named drop reason (lib/drop_reason.h) or NHRP server reason
#                            (control/nhrp_stats.h) it must be counted under
#   malformed.py check DIR   compares DIR/stats.json (telemetry /dmvpn/stats, /dmvpn/nhrp and
#                            /mempool/info after the replay) with DIR/stats0.json (the same
#                            from an idle hub) and the expectations; prints t_ok/t_fail
#                            lines and the closing "N passed, N failed"
#   malformed.py tel PREFIX OUT CMD...   asks the hub's telemetry socket, answers to OUT
#
# Families: truncation at every offset (outer Ethernet, IPv4, GRE, inner IPv4), bad lengths,
# bad checksums, IP options, fragments, every GRE flag bit and version, wrong and missing
# keys, unknown sources, ICMP, ARP, and NHRP with each header field broken. Packets that
# are valid up to the inner destination go to one with no route (inner-no-route), so every
# packet ends under exactly one named reason, deterministically, without neighbours.
#
# ESP cases (unknown SPI; the keyed ones are in tests/unit/test_esp.c) are in esp_cases().
import json
import os
import struct
import sys
from collections import Counter

from scapy.all import ARP, GRE, ICMP, IP, TCP, UDP, Ether, Raw, raw

HUB, HUB_TUN = "1.1.1.1", "192.168.1.1"
R8, MAC8 = "1.1.1.8", "02:00:00:00:00:08"
BCAST = "ff:ff:ff:ff:ff:ff"
KEY = 42
NOROUTE = "203.0.113.5"  # no route in the test's FIB: a valid packet ends as inner-no-route


def ip_csum(b):
    s = 0
    if len(b) % 2:
        b += b"\0"
    for i in range(0, len(b), 2):
        s += (b[i] << 8) | b[i + 1]
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def inner(dst=NOROUTE, **kw):
    return IP(src="88.88.88.8", dst=dst, **kw) / ICMP(id=7) / Raw(b"malformed")


def gre_frame(payload, key=KEY, proto=0x0800, src=R8, **gkw):
    g = GRE(proto=proto, key_present=1, key=key, **gkw) if key is not None else GRE(proto=proto, **gkw)
    return Ether(src=MAC8, dst=BCAST) / IP(src=src, dst=HUB, ttl=64) / g / payload


def outer_raw(gre_bytes, src=R8, options=b"", flags=0, frag=0, proto=47):
    """Ethernet + a hand-built outer IPv4 header (valid checksum) + the bytes given."""
    ihl = 5 + len(options) // 4
    hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, ihl * 4 + len(gre_bytes), 1,
                      (flags << 13) | frag, 64, proto, 0, bytes(map(int, src.split("."))),
                      bytes(map(int, HUB.split(".")))) + options
    hdr = hdr[:10] + struct.pack("!H", ip_csum(hdr)) + hdr[12:]
    return raw(Ether(src=MAC8, dst=BCAST, type=0x0800)) + hdr + gre_bytes


def gre_bytes(flags, proto=0x0800, fields=b"", payload=b""):
    return struct.pack("!HH", flags, proto) + fields + payload


def inner_ok():
    return raw(inner())


def nhrp_base(nbma=20, proto=(192, 168, 1, 20), flags=0x8000):
    """A Registration Request as an FRR spoke sends it (RFC 2332 5.2.3): fixed header, the
    mandatory part with one CIE (prefix 32, no addresses: take them from the header), and
    the End extension. By default 1.1.1.20 registers 192.168.1.20, unique (U), with the hub
    192.168.1.1."""
    mand = bytes([4, 4]) + struct.pack("!HI", flags, 0x1003)           # spln, tpln, flags, id
    mand += bytes([1, 1, 1, nbma]) + bytes(proto) + bytes([192, 168, 1, 1])  # src NBMA, src, dst
    cie = struct.pack("!BBHHHBBBB", 0, 32, 0, 1400, 7200, 0, 0, 0, 0)
    end = struct.pack("!HH", 0x8000, 0)                                # End, compulsory
    pkt = bytearray(20)
    # ar$afn 0, ar$pro.type 2, ar$pro.snap 4-8, ar$hopcnt 9, ar$pktsz 10, ar$chksum 12,
    # ar$extoff 14, ar$op.version 16, ar$op.type 17, ar$shtl 18, ar$sstl 19 (RFC 2332 5.1)
    struct.pack_into("!HH", pkt, 0, 1, 0x0800)
    pkt[9] = 1
    struct.pack_into("!H", pkt, 10, 20 + len(mand) + len(cie) + len(end))
    struct.pack_into("!H", pkt, 14, 20 + len(mand) + len(cie))
    pkt[16], pkt[17], pkt[18], pkt[19] = 1, 3, 4, 0
    return pkt + mand + cie + end


def nhrp_fix(pkt, csum=True):
    struct.pack_into("!H", pkt, 12, 0)
    if csum:
        struct.pack_into("!H", pkt, 12, ip_csum(bytes(pkt)))
    return bytes(pkt)


def cases():
    """(frame bytes, expected reason) pairs. A reason is a drop name, or nhrp:REASON."""
    out = []
    add = lambda f, why: out.append((raw(f) if not isinstance(f, (bytes, bytearray)) else bytes(f), why))

    base = raw(gre_frame(inner()))
    # A valid packet: everything holds up to the FIB.
    add(base, "inner-no-route")
    # Truncation of the whole frame at every offset (the IPv4 length still claims it all).
    for n in range(1, len(base)):
        add(base[:n], "eth-truncated" if n < 14 else "ipv4-truncated")
    # Truncation of the GRE payload at every offset with consistent outer lengths.
    g = gre_bytes(0x2000, fields=struct.pack("!I", KEY), payload=inner_ok())
    for n in range(0, len(g)):
        add(outer_raw(g[:n]), "gre-truncated" if n < 8 else "inner-truncated")
    # The same with every optional GRE field present (C, K, S): 16 header bytes.
    body = inner_ok()
    gfull = bytearray(gre_bytes(0xB000, fields=b"\0\0\0\0" + struct.pack("!II", KEY, 9), payload=body))
    struct.pack_into("!H", gfull, 4, ip_csum(bytes(gfull)))
    add(outer_raw(bytes(gfull)), "inner-no-route")
    for n in range(0, 16):
        add(outer_raw(bytes(gfull[:n])), "gre-truncated")
    # Outer IPv4 header fields.
    b = bytearray(base)
    for name, mut, why in [
        ("version 6", lambda p: p.__setitem__(14, 0x65), "ipv4-bad-header"),
        ("ihl 4", lambda p: p.__setitem__(14, 0x44), "ipv4-bad-header"),
        ("ihl 0", lambda p: p.__setitem__(14, 0x40), "ipv4-bad-header"),
        ("ihl above total", lambda p: (p.__setitem__(14, 0x4F), struct.pack_into("!H", p, 16, 40)), "ipv4-bad-header"),
        ("total below ihl", lambda p: struct.pack_into("!H", p, 16, 19), "ipv4-bad-header"),
        ("total past frame", lambda p: struct.pack_into("!H", p, 16, len(base)), "ipv4-truncated"),
        ("total 0xffff", lambda p: struct.pack_into("!H", p, 16, 0xFFFF), "ipv4-truncated"),
        ("checksum", lambda p: struct.pack_into("!H", p, 24, struct.unpack_from("!H", p, 24)[0] ^ 1), "ipv4-bad-checksum"),
    ]:
        p = bytearray(b)
        mut(p)
        if why != "ipv4-bad-checksum":
            # Keep the header checksum right where only the field is under test.
            ihl = (p[14] & 0xF) * 4
            if name != "checksum" and ihl >= 20 and 14 + ihl <= len(p):
                struct.pack_into("!H", p, 24, 0)
                struct.pack_into("!H", p, 24, ip_csum(bytes(p[14:14 + ihl])))
        add(p, why)
    # Options (valid: NOP NOP NOP EOL, record route) go through; fragments do not.
    add(outer_raw(g, options=b"\x01\x01\x01\x00"), "inner-no-route")
    add(outer_raw(g, options=b"\x07\x07\x04\x00\x00\x00\x00\x00"), "inner-no-route")
    add(outer_raw(g, options=b"\x44" * 40), "inner-no-route")  # garbage options: not parsed
    add(outer_raw(g, flags=1), "ipv4-fragment")
    add(outer_raw(g, frag=185), "ipv4-fragment")
    add(outer_raw(g, flags=2), "inner-no-route")  # DF alone is fine
    # Ethernet and addressing.
    add(Ether(src=MAC8, dst="02:00:00:00:00:99") / IP(src=R8, dst=HUB) / GRE(), "eth-not-for-us")
    add(Ether(src=MAC8, dst=BCAST, type=0x86DD) / Raw(b"\x60" + b"\0" * 60), "ethertype-unsupported")
    add(Ether(src=MAC8, dst=BCAST, type=0x8100) / Raw(b"\0" * 46), "ethertype-unsupported")
    add(Ether(src=MAC8, dst=BCAST) / IP(src=R8, dst="1.1.1.2") / GRE() / inner(), "ipv4-not-for-us")
    # UDP 4500 is NAT-T (RFC 3948): this payload reads as ESP-in-UDP with SPI 0x78787878.
    add(Ether(src=MAC8, dst=BCAST) / IP(src=R8, dst=HUB) / UDP(dport=4500) / Raw(b"x" * 20), "esp-unknown-spi")
    add(Ether(src=MAC8, dst=BCAST) / IP(src=R8, dst=HUB) / UDP(dport=4501) / Raw(b"x" * 20), "udp-port")
    add(Ether(src=MAC8, dst=BCAST) / IP(src=R8, dst=HUB) / UDP(sport=4500, dport=4500) / Raw(b"\0" * 28), "natt-ike")
    add(Ether(src=MAC8, dst=BCAST) / IP(src=R8, dst=HUB) / UDP(dport=4500, len=200) / Raw(b"x" * 20), "natt-truncated")
    add(Ether(src=MAC8, dst=BCAST) / IP(src=R8, dst=HUB) / UDP(dport=4500) / Raw(b"\x01\x02\x03"), "natt-truncated")
    add(Ether(src=MAC8, dst=BCAST) / IP(src=R8, dst=HUB) / TCP(dport=179), "ipv4-protocol")
    add(Ether(src=MAC8, dst=BCAST) / IP(src=R8, dst=HUB, proto=50) / Raw(b"\0" * 40), "esp-unknown-spi")
    add(Ether(src=MAC8, dst=BCAST) / IP(src=R8, dst=HUB) / ICMP(type=0) / Raw(b"x"), "icmp-unhandled")
    add(Ether(src=MAC8, dst=BCAST) / IP(src=R8, dst=HUB) / ICMP(type=8, code=1), "icmp-unhandled")
    add(outer_raw(b"\x08\x00\x00", proto=1), "icmp-malformed")
    # ARP: too short for the worker; wrong sizes or not for us, for control.
    add(Ether(src=MAC8, dst=BCAST, type=0x0806) / Raw(b"\0\x01\x08\x00\x06\x04\0\x01"), "arp-malformed")
    add(Ether(src=MAC8, dst=BCAST) / ARP(hwlen=8, hwsrc=MAC8, psrc=R8, pdst=HUB), "arp-malformed")
    add(Ether(src=MAC8, dst=BCAST) / ARP(ptype=0x86DD, hwsrc=MAC8, psrc=R8, pdst=HUB), "arp-malformed")
    # (From a sender with no neighbour entry: one with an entry is an RFC 826 merge, handled.)
    add(Ether(src=MAC8, dst=BCAST) / ARP(op=1, hwsrc=MAC8, psrc="1.1.1.55", pdst="1.1.1.77"), "arp-not-for-us")
    # Every GRE flag bit on its own, and every version.
    for bit in range(16):
        flags = 0x8000 >> bit
        if bit == 0:  # C, with a wrong checksum (a right one is above)
            add(outer_raw(gre_bytes(0xA000, fields=b"\x12\x34\0\0" + struct.pack("!I", KEY), payload=body)), "gre-bad-checksum")
        elif bit == 2:  # K alone is the base case; K with the wrong key and without K:
            add(outer_raw(gre_bytes(0x2000, fields=struct.pack("!I", KEY + 1), payload=body)), "gre-wrong-key")
            add(outer_raw(gre_bytes(0x0000, payload=body)), "gre-wrong-key")
        elif bit == 3:  # S: skipped, not enforced
            add(outer_raw(gre_bytes(0x3000, fields=struct.pack("!II", KEY, 1), payload=body)), "inner-no-route")
        elif bit in (1, 4, 5):
            add(outer_raw(gre_bytes(0x2000 | flags, fields=struct.pack("!I", KEY), payload=body)), "gre-flags")
        elif bit <= 12:  # reserved0 bits 6-12: ignored on receipt (RFC 2784 2.3)
            add(outer_raw(gre_bytes(0x2000 | flags, fields=struct.pack("!I", KEY), payload=body)), "inner-no-route")
    for ver in range(1, 8):
        add(outer_raw(gre_bytes(0x2000 | ver, fields=struct.pack("!I", KEY), payload=body)), "gre-version")
    add(outer_raw(gre_bytes(0x2000, proto=0x86DD, fields=struct.pack("!I", KEY), payload=b"\x60" + b"\0" * 39)), "gre-protocol")
    add(outer_raw(gre_bytes(0x2000, proto=0x6558, fields=struct.pack("!I", KEY), payload=b"\0" * 40)), "gre-protocol")
    add(outer_raw(gre_bytes(0x2000, fields=struct.pack("!I", KEY), payload=body), src="1.1.1.99"), "gre-unknown-peer")
    # Inner IPv4 header fields.
    ib = bytearray(body)
    for mut, why in [
        (lambda p: p.__setitem__(0, 0x65), "inner-bad-header"),
        (lambda p: p.__setitem__(0, 0x44), "inner-bad-header"),
        (lambda p: struct.pack_into("!H", p, 2, 19), "inner-bad-header"),
        (lambda p: struct.pack_into("!H", p, 2, len(body) + 1), "inner-truncated"),
        (lambda p: p.__setitem__(0, 0x4F), "inner-truncated"),
        (lambda p: struct.pack_into("!H", p, 10, struct.unpack_from("!H", p, 10)[0] ^ 0x100), "inner-bad-checksum"),
    ]:
        p = bytearray(ib)
        mut(p)
        if why != "inner-bad-checksum":
            ihl = (p[0] & 0xF) * 4
            if 20 <= ihl <= len(p):
                struct.pack_into("!H", p, 10, 0)
                struct.pack_into("!H", p, 10, ip_csum(bytes(p[:ihl])))
        add(outer_raw(gre_bytes(0x2000, fields=struct.pack("!I", KEY), payload=bytes(p))), why)
    # Inner padding past its total length: trimmed, then routed as usual.
    add(outer_raw(gre_bytes(0x2000, fields=struct.pack("!I", KEY), payload=body + b"\0" * 30)), "inner-no-route")
    # NHRP: the valid request registers (accounted by the NHRP server, not a drop); then each
    # field broken on its own. The server counts every refusal under a reason.
    nb = nhrp_base()
    nh = lambda pkt: outer_raw(gre_bytes(0x2000, proto=0x2001, fields=struct.pack("!I", KEY), payload=pkt),
                               src="1.1.1.20")
    add(nh(nhrp_fix(bytearray(nb))), "nhrp:ok")
    # Each field of the fixed header and the mandatory part broken on its own (the
    # checksum kept right), then the checksum itself, then truncation at every offset.
    for off, val in [(0, 0x0002), (0, 0), (2, 0x86DD), (2, 0), (10, 0), (10, 19), (10, 0xFFFF),
                     (10, len(nb) - 1), (14, 3), (14, 21), (14, 0xFFFF), (20, 0x0800),
                     (len(nb) - 4, 0x8077)]:
        p = bytearray(nb)
        struct.pack_into("!H", p, off, val)
        add(nh(nhrp_fix(p)), "nhrp:refused")
    for off, val in [(9, 0), (16, 2), (17, 0), (17, 99), (18, 0x7F), (18, 0), (19, 0x7F), (20, 0),
                     (20, 16), (21, 0)]:
        p = bytearray(nb)
        p[off] = val
        add(nh(nhrp_fix(p)), "nhrp:refused")
    # Odd but valid: other flags, an E.164-typed address length (RFC 2332 5.2.0.1), another
    # MTU or holdtime in the CIE. Each refreshes the binding.
    for off, val in [(22, 0x40), (18, 0x44), (45, 0x7F), (46, 0xFF)]:
        p = bytearray(nb)
        p[off] = val
        add(nh(nhrp_fix(p)), "nhrp:ok")
    add(nh(nhrp_fix(bytearray(nb), csum=False)), "nhrp:refused")  # checksum 0: wrong
    for n in range(0, len(nb)):
        add(nh(bytes(nhrp_fix(bytearray(nb))[:n])), "nhrp:refused")
    # Takeover attempts (docs/security.md), each well formed, from another spoke 1.1.1.21:
    # a static map's address, a unique binding held by 1.1.1.20, the hub's own address,
    # an address outside the tunnel's subnet.
    nh21 = lambda pkt: outer_raw(gre_bytes(0x2000, proto=0x2001, fields=struct.pack("!I", KEY),
                                           payload=pkt), src="1.1.1.21")
    add(nh21(nhrp_fix(nhrp_base(21, (192, 168, 1, 8)))), "nhrp:refused_unique")
    add(nh21(nhrp_fix(nhrp_base(21, (192, 168, 1, 20)))), "nhrp:refused_unique")
    add(nh21(nhrp_fix(nhrp_base(21, (192, 168, 1, 1)))), "nhrp:source_invalid")
    add(nh21(nhrp_fix(nhrp_base(21, (10, 9, 9, 9)))), "nhrp:source_invalid")
    out += esp_cases()
    return out


def esp_cases():
    """ESP inbound cases without an SA configured here: every SPI is unknown. Replay, ICV
    and padding cases need keys: tests/unit/test_esp.c covers them."""
    e = Ether(src=MAC8, dst=BCAST) / IP(src=R8, dst=HUB, proto=50)
    return [(raw(e / Raw(b"\x00\x00\x12\x34\x00\x00\x00\x01" + b"\xaa" * 48)), "esp-unknown-spi")]


def gen(d):
    cs = cases()
    # Raw frames, not dissected: scapy would choke on (and "fix") the broken ones.
    with open(os.path.join(d, "in.pcap"), "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, (frame, _) in enumerate(cs):
            f.write(struct.pack("<IIII", i, 0, len(frame), len(frame)) + frame)
    exp = Counter(why for _, why in cs)
    with open(os.path.join(d, "expect.json"), "w") as f:
        json.dump({"packets": len(cs), "reasons": exp}, f, indent=1, sort_keys=True)
    print(f"{len(cs)} packets, {len(exp)} expected reasons")


def tel(prefix, out, cmds):
    """Ask the hub's rte_telemetry socket each command; write {command: answer} to out."""
    import socket
    path = f"/var/run/dpdk/{prefix}/dpdk_telemetry.v2"
    res = {}
    for c in cmds:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        s.settimeout(5)
        s.connect(path)
        json.loads(s.recv(1 << 16))  # the greeting
        s.send(c.encode())
        res[c] = json.loads(s.recv(1 << 20))[c.split(",")[0]]
        s.close()
    with open(out, "w") as f:
        json.dump(res, f)
    return 0




def check(d):
    exp = json.load(open(os.path.join(d, "expect.json")))
    s0 = json.load(open(os.path.join(d, "stats0.json")))
    s1 = json.load(open(os.path.join(d, "stats.json")))
    st0, st1 = s0["/dmvpn/stats"], s1["/dmvpn/stats"]
    nh0, nh1 = s0["/dmvpn/nhrp"], s1["/dmvpn/nhrp"]
    delta = {k: st1[k] - st0.get(k, 0) for k in st1 if isinstance(st1[k], int)}
    ndelta = {k: nh1[k] - nh0.get(k, 0) for k in nh1 if isinstance(nh1[k], int)}
    npass = nfail = 0

    def t(ok, what):
        nonlocal npass, nfail
        print(("ok   - " if ok else "FAIL - ") + what)
        if ok:
            npass += 1
        else:
            nfail += 1

    n = exp["packets"]
    t(delta.get("rx") == n, f"hub received every packet: rx {delta.get('rx')} of {n}")
    drops = {k[5:]: v for k, v in delta.items() if k.startswith("drop_") and v}
    nhrp_exp = {k[5:].replace("-", "_"): v for k, v in exp["reasons"].items() if k.startswith("nhrp:")}
    drop_exp = {k.replace("-", "_"): v for k, v in exp["reasons"].items() if not k.startswith("nhrp:")}
    for why in sorted(set(drop_exp) | set(k for k in drops if not k.startswith("nhrp_") and k != "no_neighbour")):
        want, got = drop_exp.get(why, 0), drops.get(why, 0)
        t(want == got, f"drop reason {why}: {got} counted, {want} sent")
    # NHRP: punted, then the server registers (ok), answers with a refusal code under a
    # named reason (takeover attempts), or refuses the packet itself under a named reason,
    # which the hub also counts under an nhrp-* drop reason.
    nhrp_total = sum(nhrp_exp.values())
    nrx = sum(v for k, v in ndelta.items() if k.startswith("rx_"))
    t(nrx == nhrp_total, f"NHRP server saw every NHRP packet: {nrx} of {nhrp_total}")
    # Reasons about the hub's own answers (send-failed, no-mbuf, build-failed) are not
    # refusals of the packet received.
    answer = ("send_failed", "no_mbuf", "build_failed")
    refused = {k[7:]: v for k, v in ndelta.items()
               if k.startswith("reason_") and v and k[7:] not in answer}
    named = [k for k in nhrp_exp if k not in ("ok", "refused")]
    for why in named:
        t(refused.get(why, 0) == nhrp_exp[why],
          f"NHRP takeover attempts refused as {why}: {refused.get(why, 0)} of {nhrp_exp[why]}")
    # A source outside the tunnel is refused per packet (source-invalid) and each of its
    # CIEs answered with code 4, counted refused-prohibited: one packet, two counts.
    also = {"refused_prohibited": nhrp_exp.get("source_invalid", 0)}
    t(refused.get("refused_prohibited", 0) == also["refused_prohibited"],
      f"... their CIEs answered code 4 (refused-prohibited): {refused.get('refused_prohibited', 0)}")
    other = sum(v for k, v in refused.items() if k not in named) - also["refused_prohibited"]
    t(other == nhrp_exp.get("refused", 0),
      f"every broken NHRP packet refused under a named reason: {other} of "
      f"{nhrp_exp.get('refused', 0)} ({', '.join(f'{k} {v}' for k, v in sorted(refused.items()))})")
    nd = sum(v for k, v in drops.items() if k.startswith("nhrp_"))
    t(nd == nhrp_exp.get("refused", 0), f"... and under an nhrp-* drop reason: {nd}")
    t(drops.get("no_neighbour", 0) <= 2 * nhrp_total,
      f"no-neighbour drops only for the hub's answers: {drops.get('no_neighbour', 0)}")
    ok = ndelta.get("registered", 0) + ndelta.get("refreshed", 0)
    t(ok == nhrp_exp.get("ok", 0), f"valid registrations accepted: {ok} of {nhrp_exp.get('ok', 0)}")
    # Every frame once: a drop reason for the non-NHRP ones, the NHRP server's outcome
    # (accepted, or refused under a reason) for the NHRP ones. Answers the hub generated
    # and could not deliver (no-neighbour: nobody answers ARP for 1.1.1.20) are not inputs.
    accounted = (sum(v for k, v in drops.items() if k != "no_neighbour" and not k.startswith("nhrp_"))
                 + ok + other + sum(nhrp_exp[k] for k in named))
    t(accounted == n, f"every packet handled or dropped under a name: {accounted} of {n}")
    # The mempool: every mbuf the replay took is back (against an idle hub's count).
    base = s0["/dmvpn/stats"]["mbufs_in_use"]
    after = s1["/dmvpn/stats"]["mbufs_in_use"]
    t(after == base, f"mbufs in use back to the idle baseline: {after} (idle {base})")
    print(f"{npass} passed, {nfail} failed")
    return 1 if nfail else 0


if __name__ == "__main__":
    if len(sys.argv) > 3 and sys.argv[1] == "tel":
        sys.exit(tel(sys.argv[2], sys.argv[3], sys.argv[4:]))
    if len(sys.argv) != 3 or sys.argv[1] not in ("gen", "check"):
        sys.exit("usage: malformed.py gen|check DIR | tel PREFIX OUT COMMAND...")
    sys.exit(gen(sys.argv[2]) if sys.argv[1] == "gen" else check(sys.argv[2]))

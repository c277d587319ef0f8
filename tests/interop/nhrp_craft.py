#!/usr/bin/python3
"""A crafted NHRP spoke for the lab tests (docs/lab.md): what FRR 8.4 cannot do.

FRR 8.4's nhrpd has no `ip nhrp authentication`, so a spoke that sends the Cisco cleartext
Authentication extension (right or wrong password) is built here with scapy, byte by byte
from RFC 2332 (5.2.0.1 fixed header, 5.2.0.2 mandatory part and CIE, 5.3 extensions) and
DESIGN.md section 3 (what an FRR spoke sends). Run it as root in a namespace whose
interface reaches the hub's underlay; it answers ARP for its own NBMA address itself (the
kernel there has no address: it must not answer GRE with ICMP unreachables).

  nhrp_craft.py register --iface DEV --nbma A --proto A [--hub 1.1.1.1] [--nhs 192.168.1.1]
        [--auth PW] [--no-unique] [--holdtime S] [--reqid N] [--key 42] [--timeout S]
      send a Registration Request (resent every 2 s with the same request ID) until a
      Registration Reply with that ID or an Error Indication arrives; print one JSON line:
      {"op": 4, "reqid": .., "flags": .., "codes": [..], "holdtimes": [..], "exts": [..],
       "auth": "PW"|null, "hopcnt": ..} or {"op": 7, "error_code": .., "error_offset": ..};
      exit 0 on an answer, 2 when none came.
  nhrp_craft.py echo --iface DEV --nbma A --proto A [--dst 192.168.1.1] [--count N] ...
      send N ICMP echo requests inside GRE (from the tunnel address, to --dst) one a second
      and count the echo replies that come back inside GRE; print
      {"sent": N, "received": M}; exit 0 when M > 0, 1 otherwise.
"""
import argparse
import json
import select
import struct
import sys
import time

from scapy.all import ARP, GRE, ICMP, IP, Ether, Raw, conf, get_if_hwaddr

BCAST = "ff:ff:ff:ff:ff:ff"
OP_REG_REQ, OP_REG_REP, OP_ERROR = 3, 4, 7
FLAG_U, FLAG_NAT = 0x8000, 0x0002
EXT_END, EXT_RESPONDER, EXT_FWD, EXT_REV, EXT_AUTH, EXT_NAT = 0, 3, 4, 5, 7, 9
C_BIT = 0x8000


def inet(a):
    return bytes(int(x) for x in a.split("."))


def ntoa(b):
    return ".".join(str(x) for x in b)


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def cie(code=0, prefix=0xFF, mtu=0, holdtime=0, nbma=None, proto=None):
    """RFC 2332 5.2.0.2 Client Information Entry; no addresses = take them from the header."""
    n = inet(nbma) if nbma else b""
    p = inet(proto) if proto else b""
    return struct.pack("!BBHHHBBBB", code, prefix, 0, mtu, holdtime, len(n), 0, len(p), 0) + n + p


def ext(etype, value=b"", compulsory=True):
    return struct.pack("!HH", etype | (C_BIT if compulsory else 0), len(value)) + value


def registration(a):
    """An FRR 8.4-like Registration Request (DESIGN.md section 3), with Cisco cleartext
    authentication (type 1, then the password) when --auth is given."""
    flags = FLAG_NAT | (0 if a.no_unique else FLAG_U)
    mand = struct.pack("!BBHI", 4, 4, flags, a.reqid) + inet(a.nbma) + inet(a.proto) + inet(a.nhs)
    cies = cie(prefix=32 if a.no_unique else 0xFF, holdtime=a.holdtime)
    exts = ext(EXT_FWD) + ext(EXT_REV) + ext(EXT_RESPONDER)
    exts += ext(EXT_NAT, cie(prefix=32, nbma=a.hub, proto=a.nhs), compulsory=False)
    if a.auth is not None:
        exts += ext(EXT_AUTH, struct.pack("!I", 1) + a.auth.encode())
    exts += ext(EXT_END)
    body = mand + cies
    extoff = 20 + len(body)
    size = extoff + len(exts)
    # afn 1 (IPv4), pro 0x0800, snap 0, hop count 1, size, checksum 0, extoff; version 1,
    # op, shtl 4 (IPv4 NBMA), sstl 0.
    fixed = struct.pack("!HH5sBHHHBBBB", 1, 0x0800, b"\0" * 5, 1, size, 0, extoff, 1, OP_REG_REQ, 4, 0)
    pkt = bytearray(fixed + body + exts)
    struct.pack_into("!H", pkt, 12, checksum(bytes(pkt)))
    return bytes(pkt)


def parse_nhrp(b):
    """The fields the tests look at, from an NHRP packet (None when it is not one)."""
    if len(b) < 20:
        return None
    afn, pro, hop, size, _ck, extoff, ver, op, shtl, sstl = struct.unpack("!HH5xBHHHBBBB", b[:20])
    if afn != 1 or pro != 0x0800 or size > len(b):
        return None
    b = b[:size]
    r = {"op": op, "hopcnt": hop}
    if op == OP_ERROR:
        spl, dpl, _u, code, off = struct.unpack("!BBHHH", b[20:28])
        r.update(error_code=code, error_offset=off)
        return r
    spl, dpl, flags, reqid = struct.unpack("!BBHI", b[20:28])
    nl = shtl & 0x3F
    o = 28
    r["src_nbma"] = ntoa(b[o:o + nl])
    o += nl + (sstl & 0x3F)
    r["src_proto"] = ntoa(b[o:o + spl])
    o += spl
    r["dst_proto"] = ntoa(b[o:o + dpl])
    o += dpl
    r.update(flags="0x%04x" % flags, reqid=reqid, codes=[], holdtimes=[], exts=[], auth=None)
    end = extoff if extoff else size
    while o + 12 <= end:
        code, plen, _u, mtu, hold, cnl, csl, cpl, _pref = struct.unpack("!BBHHHBBBB", b[o:o + 12])
        r["codes"].append(code)
        r["holdtimes"].append(hold)
        o += 12 + (cnl & 0x3F) + (csl & 0x3F) + cpl
    o = extoff
    while extoff and o + 4 <= size:
        t, ln = struct.unpack("!HH", b[o:o + 4])
        r["exts"].append(t & ~C_BIT)
        if t & ~C_BIT == EXT_AUTH and ln >= 4:
            r["auth"] = b[o + 8:o + 4 + ln].decode("ascii", "replace")
        o += 4 + ln
        if t & ~C_BIT == EXT_END:
            break
    return r


class Port:
    """An L2 socket on the interface that answers ARP for our NBMA address itself."""

    def __init__(self, a):
        self.a = a
        self.mac = get_if_hwaddr(a.iface)
        self.sock = conf.L2socket(iface=a.iface)
        self.hub_mac = None

    def send(self, frame):
        self.sock.send(frame)

    def poll(self, until, stop=None):
        """Yield received frames until the deadline (or stop() is true), answering ARP on
        the way."""
        while True:
            left = until - time.monotonic()
            if left <= 0 or (stop and stop()):
                return
            r, _, _ = select.select([self.sock], [], [], min(left, 0.2))
            if not r:
                continue
            f = self.sock.recv()
            if f is None:
                continue
            if ARP in f:
                arp = f[ARP]
                if arp.op == 1 and arp.pdst == self.a.nbma:
                    self.send(Ether(src=self.mac, dst=arp.hwsrc) /
                              ARP(op=2, hwsrc=self.mac, psrc=self.a.nbma, hwdst=arp.hwsrc, pdst=arp.psrc))
                if arp.psrc == self.a.hub and arp.hwsrc:
                    self.hub_mac = arp.hwsrc
                continue
            yield f

    def resolve_hub(self, deadline):
        while self.hub_mac is None and time.monotonic() < deadline:
            self.send(Ether(src=self.mac, dst=BCAST) /
                      ARP(op=1, hwsrc=self.mac, psrc=self.a.nbma, pdst=self.a.hub))
            for _ in self.poll(min(deadline, time.monotonic() + 1), lambda: self.hub_mac):
                pass
        return self.hub_mac is not None

    def gre(self, payload, proto):
        return (Ether(src=self.mac, dst=self.hub_mac) / IP(src=self.a.nbma, dst=self.a.hub, ttl=64) /
                GRE(proto=proto, key_present=1, key=self.a.key) / payload)

    def gre_in(self, f):
        """(GRE protocol, payload bytes) of a frame from the hub to us, or None."""
        if IP not in f or GRE not in f or f[IP].src != self.a.hub or f[IP].dst != self.a.nbma:
            return None
        g = f[GRE]
        return g.proto, bytes(g.payload)


def cmd_register(a):
    p = Port(a)
    deadline = time.monotonic() + a.timeout
    if not p.resolve_hub(deadline):
        print(json.dumps({"error": "no ARP answer from %s" % a.hub}))
        return 2
    req = registration(a)
    while time.monotonic() < deadline:
        p.send(p.gre(Raw(req), 0x2001))
        for f in p.poll(min(deadline, time.monotonic() + 2)):
            g = p.gre_in(f)
            if not g or g[0] != 0x2001:
                continue
            r = parse_nhrp(g[1])
            if r and (r["op"] == OP_ERROR or (r["op"] == OP_REG_REP and r["reqid"] == a.reqid)):
                print(json.dumps(r))
                return 0
    print(json.dumps({"error": "no answer"}))
    return 2


def cmd_echo(a):
    p = Port(a)
    deadline = time.monotonic() + a.timeout
    if not p.resolve_hub(deadline):
        print(json.dumps({"error": "no ARP answer from %s" % a.hub}))
        return 2
    got = 0
    ident = 0x6A00 | (a.reqid & 0xFF)
    for seq in range(a.count):
        p.send(p.gre(IP(src=a.proto, dst=a.dst, ttl=64) / ICMP(id=ident, seq=seq) / Raw(b"lab"), 0x0800))
        # one second per request, two after the last one
        for f in p.poll(time.monotonic() + (2 if seq == a.count - 1 else 1)):
            g = p.gre_in(f)
            if not g or g[0] != 0x0800:
                continue
            ip = IP(g[1])
            if ICMP in ip and ip[ICMP].type == 0 and ip[ICMP].id == ident and ip.dst == a.proto:
                got += 1
    print(json.dumps({"sent": a.count, "received": got}))
    return 0 if got else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("action", choices=["register", "echo"])
    ap.add_argument("--iface", required=True)
    ap.add_argument("--nbma", required=True, help="our NBMA address (outer source)")
    ap.add_argument("--proto", required=True, help="our tunnel address")
    ap.add_argument("--hub", default="1.1.1.1", help="the hub's NBMA address")
    ap.add_argument("--nhs", default="192.168.1.1", help="the hub's tunnel address")
    ap.add_argument("--key", type=int, default=42, help="GRE key")
    ap.add_argument("--auth", help="Cisco cleartext password (none: no extension 7)")
    ap.add_argument("--no-unique", action="store_true", help="U flag clear, CIE prefix 32")
    ap.add_argument("--holdtime", type=int, default=7200, help="CIE holdtime (0: the hub's default)")
    ap.add_argument("--reqid", type=int, default=1)
    ap.add_argument("--dst", default="192.168.1.1", help="echo: destination inside the tunnel")
    ap.add_argument("--count", type=int, default=3, help="echo: requests to send")
    ap.add_argument("--timeout", type=float, default=15.0)
    a = ap.parse_args()
    conf.verb = 0
    sys.exit(cmd_register(a) if a.action == "register" else cmd_echo(a))


if __name__ == "__main__":
    main()

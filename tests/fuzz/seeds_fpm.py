#!/usr/bin/python3
# Seeds for fuzz_fpm (tests/fuzz/fuzz_fpm.c): `seeds_fpm.py DIR` writes one file per case, each
# an FPM byte stream (frames: 4-byte FPM header, netlink messages in host order) as zebra's
# dplane_fpm_nl would send it, plus malformed ones. The recorded zebra streams in
# tests/data/fpm/ are added too (copied as zebra-*).
import os
import shutil
import socket
import struct
import sys

NEWROUTE, DELROUTE, NEWLINK, NEWNEXTHOP, DELNEXTHOP = 24, 25, 16, 104, 105
RTA_DST, RTA_OIF, RTA_GATEWAY, RTA_PRIORITY, RTA_MULTIPATH, RTA_TABLE, RTA_NH_ID = 1, 4, 5, 6, 9, 15, 30
NHA_ID, NHA_GROUP, NHA_BLACKHOLE, NHA_OIF, NHA_GATEWAY = 1, 2, 4, 5, 6
AF_INET, AF_INET6 = 2, 10
RTN_UNICAST, RTN_BLACKHOLE, RTN_LOCAL = 1, 6, 2
PROTO_ZEBRA_STATIC = 196


def ip(s):
    return socket.inet_aton(s)


def pad4(b):
    return b + b"\0" * (-len(b) % 4)


def attr(t, v):
    return pad4(struct.pack("=HH", 4 + len(v), t) + v)


def u32(v):
    return struct.pack("=I", v)


def nlmsg(t, body, flags=0x501, seq=1, pad=True):
    m = struct.pack("=IHHII", 16 + len(body), t, flags, seq, 0) + body
    return pad4(m) if pad else m


def rtmsg(family=AF_INET, dst_len=24, table=254, proto=PROTO_ZEBRA_STATIC, rtype=RTN_UNICAST):
    return struct.pack("=BBBBBBBBI", family, dst_len, 0, 0, table, proto, 0, rtype, 0)


def nhmsg(family=AF_INET, proto=PROTO_ZEBRA_STATIC):
    return struct.pack("=BBBBI", family, 0, proto, 0, 0)


def route(t, dst, plen, *attrs, **kw):
    a = (attr(RTA_DST, ip(dst)) if dst else b"") + b"".join(attrs)
    return nlmsg(t, rtmsg(dst_len=plen, **kw) + a)


def rtnh(gw, ifindex=3, hops=0):
    a = attr(RTA_GATEWAY, ip(gw))
    return pad4(struct.pack("=HBBI", 8 + len(a), 0, hops, ifindex) + a)


def frame(*msgs, version=1, ftype=1, length=None):
    body = b"".join(msgs)
    n = 4 + len(body) if length is None else length
    return struct.pack("!BBH", version, ftype, n) + body


def main(d):
    os.makedirs(d, exist_ok=True)
    gw = attr(RTA_GATEWAY, ip("192.168.1.6"))
    oif = attr(RTA_OIF, u32(5))
    prio = attr(RTA_PRIORITY, u32(20))
    mp = attr(RTA_MULTIPATH, rtnh("192.168.1.6") + rtnh("192.168.1.8", hops=2) + rtnh("192.168.1.9"))
    add = route(NEWROUTE, "10.6.0.0", 16, gw, oif, prio)
    cases = {
        "route-add": frame(add),
        "route-del": frame(route(DELROUTE, "10.6.0.0", 16, gw, oif)),
        "route-default": frame(route(NEWROUTE, None, 0, gw, oif)),
        "route-host": frame(route(NEWROUTE, "10.8.1.1", 32, gw)),
        "route-multipath": frame(route(NEWROUTE, "10.9.0.0", 16, mp, prio)),
        "route-nhid": frame(route(NEWROUTE, "10.7.0.0", 16, attr(RTA_NH_ID, u32(17)))),
        "route-blackhole": frame(route(NEWROUTE, "10.99.0.0", 16, rtype=RTN_BLACKHOLE)),
        "route-table": frame(route(NEWROUTE, "10.6.0.0", 16, gw, attr(RTA_TABLE, u32(254)))),
        "route-other-table": frame(route(NEWROUTE, "10.6.0.0", 16, gw, table=10)),
        "route-local": frame(route(NEWROUTE, "10.6.0.1", 32, oif, rtype=RTN_LOCAL)),
        "route-ipv6": frame(nlmsg(NEWROUTE, rtmsg(family=AF_INET6, dst_len=64) +
                                  attr(RTA_DST, bytes(16)) + attr(RTA_GATEWAY, bytes(16)))),
        "nh-add": frame(nlmsg(NEWNEXTHOP, nhmsg() + attr(NHA_ID, u32(17)) +
                              attr(NHA_GATEWAY, ip("192.168.1.6")) + attr(NHA_OIF, u32(5)))),
        "nh-blackhole": frame(nlmsg(NEWNEXTHOP, nhmsg() + attr(NHA_ID, u32(18)) + attr(NHA_BLACKHOLE, b""))),
        "nh-group": frame(nlmsg(NEWNEXTHOP, nhmsg(family=0) + attr(NHA_ID, u32(19)) +
                                attr(NHA_GROUP, struct.pack("=IBBH", 17, 0, 0, 0) +
                                     struct.pack("=IBBH", 18, 3, 0, 0)))),
        "nh-del": frame(nlmsg(DELNEXTHOP, nhmsg() + attr(NHA_ID, u32(17)))),
        "nh-ipv6": frame(nlmsg(NEWNEXTHOP, nhmsg(family=AF_INET6) + attr(NHA_ID, u32(20)) +
                               attr(NHA_GATEWAY, bytes(16)) + attr(NHA_OIF, u32(5)))),
        "link-ignored": frame(nlmsg(NEWLINK, bytes(16))),
        # several messages in one frame, and several frames
        "frame-del-add": frame(route(DELROUTE, "10.6.0.0", 16, gw), add),
        "frame-mixed": frame(nlmsg(NEWNEXTHOP, nhmsg() + attr(NHA_ID, u32(17)) +
                                   attr(NHA_GATEWAY, ip("192.168.1.6"))),
                             route(NEWROUTE, "10.7.0.0", 16, attr(RTA_NH_ID, u32(17))),
                             nlmsg(NEWLINK, bytes(16))),
        "stream-three-frames": frame(add) + frame(route(NEWROUTE, "10.9.0.0", 16, mp)) +
                               frame(route(DELROUTE, "10.6.0.0", 16)),
        "last-msg-unpadded": frame(nlmsg(NEWROUTE, rtmsg(dst_len=16) + attr(RTA_DST, ip("10.6.0.0")) +
                                         struct.pack("=HH", 5, 99) + b"x", pad=False)),
        # malformed
        "bad-version": frame(add, version=2),
        "bad-type": frame(add, ftype=2),
        "bad-frame-length": frame(add, length=3),
        "frame-longer-than-stream": frame(add, length=len(add) + 40),
        "bad-netlink-length": frame(struct.pack("=IHHII", 8, NEWROUTE, 0, 0, 0) + rtmsg()),
        "netlink-past-frame": frame(struct.pack("=IHHII", 200, NEWROUTE, 0, 0, 0) + rtmsg()),
        "short-body": frame(nlmsg(NEWROUTE, rtmsg()[:8])),
        "bad-attribute-length": frame(nlmsg(NEWROUTE, rtmsg() + struct.pack("=HH", 2, RTA_DST) + b"\0\0")),
        "attribute-past-message": frame(nlmsg(NEWROUTE, rtmsg() + struct.pack("=HH", 64, RTA_DST) + ip("10.0.0.0"))),
        "bad-attribute-value": frame(nlmsg(NEWROUTE, rtmsg() + attr(RTA_DST, b"\x0a\x00"))),
        "bad-prefix-length": frame(route(NEWROUTE, "10.6.0.0", 33, gw)),
        "too-many-nexthops": frame(route(NEWROUTE, "10.9.0.0", 16,
                                         attr(RTA_MULTIPATH, b"".join(rtnh("192.168.1.%d" % i)
                                                                      for i in range(2, 19))))),
        "bad-nexthop-length": frame(route(NEWROUTE, "10.9.0.0", 16,
                                          attr(RTA_MULTIPATH, struct.pack("=HBBI", 4, 0, 0, 3)))),
        "gateway-beside-multipath": frame(route(NEWROUTE, "10.9.0.0", 16, mp, gw)),
        "group-too-big": frame(nlmsg(NEWNEXTHOP, nhmsg(family=0) + attr(NHA_ID, u32(19)) +
                                     attr(NHA_GROUP, b"".join(struct.pack("=IBBH", i, 0, 0, 0)
                                                              for i in range(1, 18))))),
        "good-then-bad": frame(add, struct.pack("=IHHII", 200, NEWROUTE, 0, 0, 0)),
    }
    for name, data in cases.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
    here = os.path.dirname(os.path.abspath(__file__))
    for rec in ("zebra-nhg.bin", "zebra-nonhg.bin"):
        shutil.copy(os.path.join(here, "..", "data", "fpm", rec), os.path.join(d, "zebra-" + rec[6:-4]))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/fuzz/corpus/fpm")

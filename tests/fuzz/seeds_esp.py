#!/usr/bin/python3
# Seeds for fuzz_esp (tests/fuzz/fuzz_esp.c): `seeds_esp.py DIR` writes one file per case, each
# a list of records [mode][length, 2 bytes big-endian][body] (see the harness). The "raw-*"
# seeds are ESP packets encrypted here, independently of the hub's code, with the harness's
# fixed keys (python3-cryptography), so they check that the hub reads the wire format RFC 4303,
# RFC 4106 (GCM) and RFC 2404/4868 (HMAC) define; the "seal-*" seeds let the harness encrypt
# the plaintext, so that mutations of it get past the ICV.
import os
import struct
import sys

from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from scapy.all import GRE, ICMP, IP, TCP, UDP, Raw, raw

# The harness's SAs (fuzz_esp.c sa_defs): SPI, cipher key length, auth (None, 'sha1', 'sha256'),
# first key byte, salt, ESN.
SA = [
    (0x1001, 16, None, 0x00, bytes([0xca, 0xfe, 0xba, 0xbe]), False),
    (0x1002, 16, "sha1", 0x10, b"", False),
    (0x1003, 32, "sha256", 0x40, b"", True),
    (0x1004, 32, None, 0x80, bytes([1, 2, 3, 4]), False),
]
SEAL, TRAILER, OTHER_SRC, WRONG_SPI, PAD_SEGMENT, FIX_INNER = 0x04, 0x08, 0x10, 0x20, 0x40, 0x80


def keys(sel):
    spi, kl, auth, k0, salt, esn = SA[sel]
    al = {None: 0, "sha1": 20, "sha256": 32}[auth]
    b = bytes((k0 + i) & 0xff for i in range(kl + al))
    return b[:kl], b[kl:]


def trailer(pt, block):
    pad = (block - (len(pt) + 2) % block) % block
    return pt + bytes(range(1, pad + 1)) + bytes([pad, 47])


def esp(sel, seq, pt, seq_hi=0, iv=None):
    """An ESP packet (SPI .. ICV) for SA sel carrying GRE plaintext pt."""
    spi, kl, auth, k0, salt, esn = SA[sel]
    ek, ak = keys(sel)
    hdr = struct.pack("!II", spi, seq)
    if auth is None:  # AES-GCM, RFC 4106: nonce = salt | IV, AAD = SPI | seq
        iv = iv or struct.pack("!Q", 0x0102030405060700 + seq)
        ct = AESGCM(ek).encrypt(salt + iv, trailer(pt, 4), hdr)
        return hdr + iv + ct
    iv = iv or bytes(range(0x30, 0x40))
    e = Cipher(algorithms.AES(ek), modes.CBC(iv)).encryptor()
    ct = e.update(trailer(pt, 16)) + e.finalize()
    h = hmac.HMAC(ak, hashes.SHA1() if auth == "sha1" else hashes.SHA256())
    h.update(hdr + iv + ct + (struct.pack("!I", seq_hi) if esn else b""))
    return hdr + iv + ct + h.finalize()[: 12 if auth == "sha1" else 16]


def rec(mode, body):
    return bytes([mode]) + struct.pack("!H", len(body)) + body


def seal(sel, seq, pt, mode=TRAILER | FIX_INNER, seq_hi=0):
    return rec(SEAL | mode | sel, struct.pack("!II", seq, seq_hi) + pt)


def gre(inner, key=42):
    g = GRE(proto=0x0800, key_present=1, key=key) if key is not None else GRE(proto=0x0800)
    return raw(g / inner)


def nhrp_reg():
    """An NHRP Registration Request (RFC 2332 5.2.3) from 192.168.1.6 (NBMA 1.1.1.6) in GRE."""
    mand = struct.pack("!BBHI", 4, 4, 0x8000, 1) + bytes([1, 1, 1, 6, 192, 168, 1, 6, 192, 168, 1, 1])
    cie = struct.pack("!BBHHHBBBB", 0, 32, 0, 1400, 7200, 0, 0, 0, 0)
    body = mand + cie + struct.pack("!HH", 0x8000, 0)
    pkt = bytearray(struct.pack("!HH5sBHHHBBBB", 1, 0x0800, bytes(5), 1, 20 + len(body), 0,
                                20 + len(mand) + len(cie), 1, 3, 4, 0) + body)
    s = sum(struct.unpack("!%dH" % (len(pkt) // 2), bytes(pkt) + b"\0" * (len(pkt) % 2)))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    pkt[12:14] = struct.pack("!H", ~s & 0xffff)
    return raw(GRE(proto=0x2001, key_present=1, key=42)) + bytes(pkt)


def main(d):
    os.makedirs(d, exist_ok=True)
    hairpin = gre(IP(src="66.66.66.6", dst="88.88.88.8") / ICMP() / Raw(b"x" * 40))
    to_lan = gre(IP(src="66.66.66.6", dst="172.16.5.5") / UDP() / Raw(b"y" * 30))
    to_hub = gre(IP(src="192.168.1.6", dst="192.168.1.1") / ICMP())
    ttl1 = gre(IP(src="66.66.66.6", dst="88.88.88.8", ttl=1) / UDP() / Raw(b"z" * 20))
    to_no_sa = gre(IP(src="66.66.66.6", dst="99.99.0.9") / ICMP())
    big = gre(IP(src="66.66.66.6", dst="88.88.88.8") / UDP() / Raw(bytes(range(256)) * 6))
    syn = gre(IP(src="66.66.66.6", dst="88.88.88.8") / TCP(flags="S", options=[("MSS", 1460)]))
    from8 = gre(IP(src="88.88.88.8", dst="66.66.66.6") / ICMP() / Raw(b"w" * 24))
    keyless = gre(IP(src="77.77.0.7", dst="66.66.66.6") / ICMP(), key=None)
    cases = {
        # encrypted here (independent of the hub's crypto code)
        "raw-gcm128-hairpin": rec(0, esp(0, 1, hairpin)),
        "raw-gcm128-to-lan": rec(0, esp(0, 7, to_lan)),
        "raw-gcm128-nhrp": rec(0, esp(0, 2, nhrp_reg())),
        "raw-cbc-sha1-from8": rec(1, esp(1, 1, from8)),
        "raw-cbc-sha1-to-hub": rec(1, esp(1, 9, gre(IP(src="192.168.1.8", dst="192.168.1.1") / ICMP()))),
        "raw-cbc256-sha256-esn": rec(2, esp(2, 5, hairpin)),
        "raw-gcm256-keyless": rec(3, esp(3, 3, keyless)),
        "raw-two-in-burst": rec(0, esp(0, 1, hairpin)) + rec(1, esp(1, 2, from8)),
        "raw-replay-in-burst": rec(0, esp(0, 4, hairpin)) + rec(0, esp(0, 4, hairpin)),
        "raw-bad-icv": rec(0, esp(0, 5, hairpin)[:-1] + b"\0"),
        "raw-unknown-spi": rec(0, b"\x00\x00\x12\x34\x00\x00\x00\x01" + b"\xaa" * 48),
        "raw-truncated": rec(1, esp(1, 1, from8)[:30]),
        "raw-other-source": rec(OTHER_SRC, esp(0, 1, hairpin)),
        "raw-padding-segment": rec(PAD_SEGMENT, esp(0, 1, hairpin)),
        # sealed by the harness
        "seal-gcm128-hairpin": seal(0, 1, hairpin),
        "seal-gcm128-ttl1": seal(0, 1, ttl1),
        "seal-gcm128-to-no-sa": seal(0, 1, to_no_sa),
        "seal-gcm128-big": seal(0, 1, big),
        "seal-gcm128-syn": seal(0, 1, syn),
        "seal-gcm128-to-hub": seal(0, 1, to_hub),
        "seal-gcm128-nhrp": seal(0, 1, nhrp_reg(), mode=TRAILER),
        "seal-cbc-sha1-from8": seal(1, 3, from8),
        "seal-cbc256-esn": seal(2, 0xfffffff0, hairpin, seq_hi=0),
        "seal-gcm256-keyless": seal(3, 1, keyless),
        "seal-own-trailer": seal(0, 1, trailer(hairpin, 4)[:-1] + b"\x04", mode=FIX_INNER),
        "seal-wrong-spi": seal(0, 1, hairpin, mode=TRAILER | WRONG_SPI),
        "seal-window": seal(0, 100, hairpin) + seal(0, 20, hairpin) + seal(0, 36, hairpin) +
                       seal(0, 100, hairpin),
        "seal-clear-gre-inside-keyless": seal(3, 1, gre(IP(src="77.77.0.7", dst="192.168.2.1") / ICMP(), key=None)),
    }
    for name, data in cases.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/fuzz/corpus/esp")

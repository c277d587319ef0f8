#!/usr/bin/env python3
# Helpers for ./scripts/bench (run with /usr/bin/python3: it needs Debian's python3-scapy).
#
#   bench_gen.py pcap KIND OUT.pcap --size 64|imix|1400 [--spokes 16] [--flows 16]
#       write the replayed input of a scenario (and, for the two-port kinds, AUX.pcap:
#       the one ARP reply the other port receives once)
#   bench_gen.py config KIND [--spokes 16] [--workers 1] [--main PCAP] [--aux PCAP]
#       print the hub configuration of a scenario (configs/bench-gre.conf and
#       configs/bench-lan.conf are this output for the defaults; bench_smoke.sh checks it)
#   bench_gen.py measure --prefix P --pid PID --out-port N --workers W ...
#       wait until the DPDK process PID forwards, skip the warm-up, then count what its
#       forwarding lcores transmitted over exactly the measured window through
#       rte_telemetry; print one JSON object
#   bench_gen.py report --results RUNS.jsonl --meta META.json [--json FILE] [--doc FILE]
#       medians over the repetitions -> JSON, the table in docs/benchmarks.md, PNG plots
#   bench_gen.py config-nhrp --spokes N --workers W --socket PATH
#       the hub configuration of nhrp-register (underlay = a net_memif server)
#   bench_gen.py reg-collect --prefix P --mode saturated|paced < GENERATOR.json
#       the generator's result plus the hub's /dmvpn/latency: one JSON line
#   bench_gen.py reg-report --runs RUNS.jsonl --meta META.json [--json FILE] [--doc FILE]
#       nhrp-register medians -> appended to the JSON array, its own block in the doc
#
# Kinds (addresses match the generated configuration):
#   gre-hairpin  underlay port only. Ether / IPv4 (spoke NBMA -> hub) / GRE key 42 / inner
#                IPv4/UDP from spoke i's LAN to spoke j's LAN (j != i): decap, TTL, FIB,
#                re-encap toward spoke j, out of the same port.
#   gre-to-lan   the same GRE from the spokes, to hosts on the hub's LAN (10.2.0.0/16 via the
#                LAN router 10.1.0.254): decap, TTL, FIB, Ethernet rewrite, out of the LAN port.
#   lan-to-gre   plain IPv4/UDP on the LAN port from 10.2.x.y to spoke j's LAN: TTL, FIB,
#                encap toward spoke j, out of the underlay port.
# The replayed file starts with an ARP reply when the next hop is on the same port
# (gre-hairpin: the underlay gateway, so it recurs once per replay loop and stays fresh);
# otherwise the other port receives the next hop's ARP reply once (AUX.pcap, no replay).
import argparse
import json
import os
import socket
import statistics
import struct
import subprocess
import sys
import time

HUB_NBMA = "10.0.0.1"
GATEWAY = "10.0.0.254"
GW_MAC = "02:00:00:00:00:fe"
LAN_ADDR = "10.1.0.1"
LAN_ROUTER = "10.1.0.254"
LAN_MAC = "02:00:00:00:01:fe"
BCAST = "ff:ff:ff:ff:ff:ff"  # the hub accepts broadcast; its net_pcap MAC is not ours to pick
KEY = 42
MIN_INNER = 20 + 8  # IPv4 + UDP
# Simple IMIX 7:4:1 (the classic 40/576/1500 scaled to the tunnel: 64/576/1400 B inner)
IMIX = [64] * 7 + [576] * 4 + [1400]
KINDS = ("gre-hairpin", "gre-to-lan", "lan-to-gre")
MAX_SPOKES = 4000

# ESP (RFC 4303 transport mode around GRE) for the esp-* scenarios. The SAs come from one
# profile, so the hub and this generator derive the same per-spoke keys (docs/esp.md:
# SHA-256("<secret>|<label>|<peer>|<spi>")). The inbound window is 0 (no anti-replay check,
# RFC 4303 3.4.3 lets a receiver turn it off): a replayed file repeats its sequence numbers.
ESP_SECRET = "bench-only-secret"
# name: (hub cipher, hub integrity, key bytes, IV bytes, ICV bytes, alignment of payload+2)
ESP_ALGS = {
    "gcm128": ("aes-gcm-128", "none", 16, 8, 16, 4),
    "gcm256": ("aes-gcm-256", "none", 32, 8, 16, 4),
    "cbc128-sha1": ("aes-cbc-128", "hmac-sha1-96", 16, 16, 12, 16),
}


def spi_in(i):
    return 0x10000 + i  # what spoke i sends with (the hub's inbound SA)


def spi_out(i):
    return 0x20000 + i  # what the hub sends to spoke i with


def esp_key(label, peer, spi, n):
    import hashlib
    return hashlib.sha256(f"{ESP_SECRET}|{label}|{peer}|{spi}".encode()).digest()[:n]


def esp_wrap(alg, peer, spi, seq, payload, next_header=47):
    """ESP header | IV | encrypted (payload, padding 1, 2, 3..., pad length, next header) | ICV
    (RFC 4303 2, 2.4; AES-GCM per RFC 4106 3 and 5, AES-CBC per RFC 3602 with HMAC-SHA1-96
    per RFC 2404 over header, IV and ciphertext). Keys are those the hub derives."""
    import hmac

    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    _, _, klen, ivlen, _, align = ESP_ALGS[alg]
    padlen = (-(len(payload) + 2)) % align
    plain = payload + bytes(range(1, padlen + 1)) + bytes([padlen, next_header])
    hdr = struct.pack("!II", spi, seq)
    key = esp_key("enc", peer, spi, klen)
    if alg.startswith("gcm"):
        iv = struct.pack("!Q", (spi << 32) | seq)  # unique per (SA, sequence) in a file
        salt = esp_key("salt", peer, spi, 4)
        return hdr + iv + AESGCM(key).encrypt(salt + iv, plain, hdr)
    iv = esp_key("iv", peer, spi ^ seq, ivlen)
    enc = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    ct = enc.update(plain) + enc.finalize()
    icv = hmac.new(esp_key("auth", peer, spi, 20), hdr + iv + ct, "sha1").digest()[:12]
    return hdr + iv + ct + icv


def esp_unwrap(alg, peer, spi, esp):
    """The inverse of esp_wrap (to check a generated file): (sequence, payload)."""
    import hmac

    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    _, _, klen, ivlen, icvlen, _ = ESP_ALGS[alg]
    got_spi, seq = struct.unpack("!II", esp[:8])
    assert got_spi == spi
    iv, body = esp[8:8 + ivlen], esp[8 + ivlen:]
    key = esp_key("enc", peer, spi, klen)
    if alg.startswith("gcm"):
        plain = AESGCM(key).decrypt(esp_key("salt", peer, spi, 4) + iv, body, esp[:8])
    else:
        ct, icv = body[:-icvlen], body[-icvlen:]
        want = hmac.new(esp_key("auth", peer, spi, 20), esp[:8 + ivlen] + ct, "sha1").digest()
        assert hmac.compare_digest(want[:icvlen], icv)
        dec = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
        plain = dec.update(ct) + dec.finalize()
    padlen = plain[-2]
    assert plain[-1] == 47 and plain[-2 - padlen:-2] == bytes(range(1, padlen + 1))
    return seq, plain[:-2 - padlen]


def ip4(n):
    return socket.inet_ntoa(struct.pack("!I", n))


def spoke_nbma(i):
    return ip4(0xC6120000 + 1 + i)  # 198.18.0.0/15, the benchmarking range (RFC 2544 C.2.2)


def spoke_tunnel(i):
    return ip4(0xC0A80000 + 2 + i)  # 192.168.0.2 ... in the tunnel's 192.168.0.0/16


def spoke_lan_net(i):
    return ip4(0xAC100000 + (i << 8))  # 172.16.0.0/12 cut in /24s, one per spoke


def spoke_host(i, h):
    return ip4(0xAC100000 + (i << 8) + 1 + h % 254)


def lan_host(n):
    return ip4(0x0A020000 + 1 + n % 65000)  # 10.2.0.0/16 behind the LAN router


def sizes_of(label):
    if label == "imix":
        return IMIX
    n = int(label)
    if not MIN_INNER <= n <= 1400:
        sys.exit(f"--size must be imix or {MIN_INNER}..1400 (the tunnel MTU)")
    return [n]


def mean_size(label):
    s = sizes_of(label)
    return sum(s) / len(s)

# ---------------------------------------------------------------------------- pcap


def distinct_packets(kind, size, spokes, flows, esp=None):
    """One packet per (source, flow); with esp=ALG the GRE of a spoke travels in ESP with
    the spoke's inbound SA (a sequence number per packet of the spoke)."""
    from scapy.all import GRE, IP, UDP, Ether, Raw, raw

    pkts = []
    for f in range(flows):
        for i in range(spokes):
            j = (i + 1 + f % (spokes - 1)) % spokes
            pad = Raw(b"\xa5" * (size - MIN_INNER))
            if kind == "gre-hairpin":
                inner = IP(src=spoke_host(i, f), dst=spoke_host(j, f * 7), ttl=64)
            elif kind == "gre-to-lan":
                inner = IP(src=spoke_host(i, f), dst=lan_host(i * flows + f), ttl=64)
            else:
                inner = IP(src=lan_host(i * flows + f), dst=spoke_host(j, f * 7), ttl=64)
            inner = inner / UDP(sport=10000 + f, dport=20000 + i) / pad
            if kind == "lan-to-gre":
                frame = Ether(src=LAN_MAC, dst=BCAST) / inner
                hdr = 14
            else:
                frame = (Ether(src=GW_MAC, dst=BCAST) / IP(src=spoke_nbma(i), dst=HUB_NBMA, ttl=64) /
                         GRE(key_present=1, key=KEY) / inner)
                hdr = 14 + 20 + 8
            b = raw(frame)
            assert len(b) == hdr + size, len(b)
            if esp and kind != "lan-to-gre":
                # outer IPv4 now carries ESP (50) around the GRE packet
                outer = IP(b[14:34])
                payload = esp_wrap(esp, spoke_nbma(i), spi_in(i), f + 1, b[34:])
                outer.proto, outer.len, outer.chksum = 50, 20 + len(payload), None
                b = b[:14] + raw(outer) + payload
                seq, clear = esp_unwrap(esp, spoke_nbma(i), spi_in(i), b[34:])
                assert seq == f + 1 and clear == raw(frame)[34:]
            pkts.append(b)
    return pkts


def arp_reply(src_mac, src_ip, dst_ip):
    from scapy.all import ARP, Ether, raw

    return raw(Ether(src=src_mac, dst=BCAST) /
               ARP(op=2, hwsrc=src_mac, psrc=src_ip, hwdst=BCAST, pdst=dst_ip))


def write_pcap(path, frames):
    with open(path, "wb") as f:
        # classic pcap, microseconds, snaplen 65535, LINKTYPE_ETHERNET
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for n, b in enumerate(frames):
            f.write(struct.pack("<IIII", n // 1000000, n % 1000000, len(b), len(b)))
            f.write(b)


def cmd_pcap(a):
    sizes = sizes_of(a.size)
    if not 2 <= a.spokes <= MAX_SPOKES or a.flows < 1:
        sys.exit(f"--spokes 2..{MAX_SPOKES}, --flows >= 1")
    # Scapy builds each distinct packet once per size; plain struct writes the file. IMIX
    # takes a multiple of 12 frames so the 7:4:1 mix is exact.
    distinct = {s: distinct_packets(a.kind, s, a.spokes, a.flows, a.esp) for s in sorted(set(sizes))}
    d = a.spokes * a.flows
    n = 12 * 683 if len(sizes) > 1 else 8191
    frames = [distinct[sizes[k % len(sizes)]][k % d] for k in range(n)]
    if a.kind == "gre-hairpin":
        frames.insert(0, arp_reply(GW_MAC, GATEWAY, HUB_NBMA))
    elif a.aux:
        # the next hop on the other port answers once
        if a.kind == "gre-to-lan":
            write_pcap(a.aux, [arp_reply(LAN_MAC, LAN_ROUTER, LAN_ADDR)])
        else:
            write_pcap(a.aux, [arp_reply(GW_MAC, GATEWAY, HUB_NBMA)])
    write_pcap(a.out, frames)

# ---------------------------------------------------------------------------- config


def pcap_device(idx, pcap, queues, infinite):
    rx = ",".join(f"rx_pcap={pcap}" for _ in range(queues))
    return f"net_pcap{idx},{rx}" + (",infinite_rx=1" if infinite else "")


def config_text(kind, spokes, workers, main, aux, esp=None, device=None):
    """The hub configuration of a scenario. net_pcap makes one tx_drop queue per rx_pcap and
    the hub wants one tx queue per worker plus control's: hence workers + 1 copies. With
    esp=ALG every spoke has an SA pair from one profile and the tunnel requires ESP. With
    device (the hairpin only) the underlay port is that device (a NIC or any DPDK vdev;
    scripts/bench --port), the traffic coming in from outside."""
    q = workers + 1
    two = kind != "gre-hairpin"
    if device and two:
        sys.exit("config: --device is for the hairpin (one port) only")
    if two:
        under = pcap_device(0, aux if kind == "lan-to-gre" else main, q, kind != "lan-to-gre")
        lan = pcap_device(1, main if kind == "lan-to-gre" else aux, q, kind == "lan-to-gre")
    else:
        under = device or pcap_device(0, main, q, True)
    what = {"gre-hairpin": "the GRE-only hairpin (spoke -> hub -> spoke)",
            "gre-to-lan": "spoke -> LAN (lan-to-gre swaps which port replays)",
            "lan-to-gre": "LAN -> spoke (gre-to-lan swaps which port replays)"}[kind]
    if esp:
        what = {"gre-hairpin": f"the ESP ({ESP_ALGS[esp][0]}) hairpin (spoke -> hub -> spoke)",
                "gre-to-lan": f"ESP ({ESP_ALGS[esp][0]}) decrypt-only, spoke -> LAN",
                "lan-to-gre": f"ESP ({ESP_ALGS[esp][0]}) encrypt-only, LAN -> spoke"}[kind]
    out = [f"# dmvpn-hub benchmark: {what}. Written by",
           f"#   scripts/bench_gen.py config {kind} --spokes {spokes} --workers {workers}" +
           (f" --esp {esp}" if esp else ""),
           "# with /tmp/dmvpn-bench-*.pcap standing for the files ./scripts/bench generates;",
           "# tests/func/bench_smoke.sh checks that this file is still that output.",
           "# net_pcap replays the input forever (infinite_rx) and drops what the hub sends",
           "# (tx_drop, as cheap as net_null). It makes one tx queue per rx_pcap and the hub",
           "# needs one per worker plus control's, hence the file named workers + 1 times; the",
           "# hub polls rx queues 0 .. workers - 1.",
           f"# {spokes} spokes are mapped statically (NBMA in 198.18.0.0/15, the benchmarking",
           "# range), each with a /24 behind it, so the hub forwards without any NHRP exchange.",
           "# Redirects are off: the benchmark measures plain forwarding, not Phase 3 signalling."]
    if esp:
        out += ["# Every spoke has an SA pair derived from the profile (the generator derives the",
                "# same keys); the tunnel requires ESP, so clear GRE would be dropped, not counted.",
                "# The inbound replay window is 0 (no anti-replay check, RFC 4303 3.4.3): the",
                "# replayed file repeats its sequence numbers."]
    out += ["", "ports = (", "\t{", '\t\tname = "bench0";', f'\t\tdevice = "{under}";',
           '\t\trole = "underlay";', f'\t\taddress = "{HUB_NBMA}/24";', f'\t\tgateway = "{GATEWAY}";',
           "\t\trx_ring = 1024;", "\t\ttx_ring = 1024;", "\t}" + ("," if two else "")]
    if two:
        out += ["\t{", '\t\tname = "lan0";', f'\t\tdevice = "{lan}";', '\t\trole = "lan";',
                f'\t\taddress = "{LAN_ADDR}/24";', "\t\trx_ring = 1024;", "\t\ttx_ring = 1024;", "\t}"]
    out += [");", "", "tunnels = (", "\t{", '\t\tname = "Tunnel0";', '\t\taddress = "192.168.0.1/16";',
            '\t\tsource = "bench0";', f"\t\tkey = {KEY};", "\t\tmtu = 1400;"]
    if esp:
        out += ['\t\tprotection = "required";']
    out += ["\t\tnhrp = {",
            "\t\t\tredirect = false;", "\t\t\tmaps = ("]
    out += [f'\t\t\t\t{{ tunnel = "{spoke_tunnel(i)}"; nbma = "{spoke_nbma(i)}"; }}' +
            ("," if i < spokes - 1 else "") for i in range(spokes)]
    out += ["\t\t\t);", "\t\t};", "\t}", ");", "", "routes = ("]
    routes = [f'\t{{ prefix = "{spoke_lan_net(i)}/24"; via = "{spoke_tunnel(i)}"; }}'
              for i in range(spokes)]
    if two:
        routes.append(f'\t{{ prefix = "10.2.0.0/16"; via = "{LAN_ROUTER}"; }}')
    out += [r + ("," if k < len(routes) - 1 else "") for k, r in enumerate(routes)]
    out += [");", ""]
    if esp:
        cipher, integ = ESP_ALGS[esp][:2]
        out += ["crypto = {", f"\tmax_sas = {max(4096, 2 * spokes)};",
                f'\tprofiles = ( {{ name = "bench"; cipher = "{cipher}"; integrity = "{integ}";',
                f'\t\tsecret = "{ESP_SECRET}"; replay_window = 0; esn = false; }} );',
                "\tsas = ("]
        out += [f'\t\t{{ peer = "{spoke_nbma(i)}"; spi_in = {spi_in(i)}; spi_out = {spi_out(i)}; '
                f'profile = "bench"; }}' + ("," if i < spokes - 1 else "") for i in range(spokes)]
        out += ["\t);", "};", ""]
    out += [
            "mempool = {",
            "\t# infinite_rx keeps each replayed copy of the file in mbufs of this pool",
            f"\tmbufs = {max(65535, (8200 * 2 * q + 32767) // 32768 * 32768 - 1)};",
            "\tcache = 512;", "};", "",
            "cli = {", "\tport = 0; # no CLI during a benchmark", "};", "",
            "log = {", '\tlevel = "notice";',
            "\t# the start-up line and the counters logged at exit, which ./scripts/bench reads",
            '\ttypes = ( { name = "hub.main"; level = "info"; }, { name = "hub.port"; level = "info"; } );',
            "};", ""]
    return "\n".join(out)


def cmd_config(a):
    kind = a.kind
    main = a.main or ("/tmp/dmvpn-bench-lan.pcap" if kind == "lan-to-gre" else "/tmp/dmvpn-bench-gre.pcap")
    aux = a.aux or "/tmp/dmvpn-bench-arp.pcap"
    sys.stdout.write(config_text(kind, a.spokes, a.workers, main, aux, a.esp, a.device))

# ---------------------------------------------------------------------------- ipsec-secgw


def secgw_config_text(kind, spokes, esp, sa_type):
    """DPDK ipsec-secgw's configuration (its own syntax: sp, sa, rt lines) for the same traffic
    and the same keys as the hub's. In ipsec-secgw's terms port 0 (the underlay, where ESP
    travels) is the "unprotected" port (-u 0x1) and port 1 (the LAN) the protected one.
      lan-to-gre (encrypt-only): the LAN packets to spoke i's /24 are protected by spoke i's
        outbound SA in tunnel mode (outer 10.0.0.1 -> spoke NBMA, like the hub's outer header;
        the hub adds GRE inside it, ipsec-secgw does not) and routed out of port 0.
      gre-to-lan (decrypt-only): the spokes' ESP (transport mode around GRE, the very file
        the hub reads) is decrypted with spoke i's inbound SA, checked against the inbound
        policy (source = spoke i) and the GRE packet routed out of port 1.
    sa_type is ipsec-secgw's SA "type": cpu-crypto or no-offload (lookaside-none)."""
    cipher, _, klen = ESP_ALGS[esp][:3]
    algo = {"aes-gcm-128": "aes-128-gcm", "aes-gcm-256": "aes-256-gcm"}.get(cipher)
    if algo is None:
        sys.exit(f"secgw-config: only AES-GCM is wired up, not {cipher}")

    def key(peer, spi):
        return ":".join(f"{b:02x}" for b in esp_key("enc", peer, spi, klen) + esp_key("salt", peer, spi, 4))

    out = [f"# ipsec-secgw for dmvpn-hub's bench: {kind} with {cipher}, {spokes} spokes. Written by",
           f"#   scripts/bench_gen.py secgw-config {kind} --spokes {spokes} --esp {esp} --type {sa_type}"]
    for i in range(spokes):
        peer = spoke_nbma(i)
        if kind == "lan-to-gre":
            out += [f"sp ipv4 out esp protect {spi_out(i)} pri 1 dst {spoke_lan_net(i)}/24 "
                    "sport 0:65535 dport 0:65535",
                    f"sa out {spi_out(i)} aead_algo {algo} aead_key {key(peer, spi_out(i))} "
                    f"mode ipv4-tunnel src {HUB_NBMA} dst {peer} type {sa_type}"]
        else:
            out += [f"sp ipv4 in esp protect {spi_in(i)} pri 1 src {peer}/32 dst {HUB_NBMA}/32 "
                    "sport 0:65535 dport 0:65535",
                    f"sa in {spi_in(i)} aead_algo {algo} aead_key {key(peer, spi_in(i))} "
                    f"mode transport type {sa_type}"]
    if kind == "lan-to-gre":
        out.append("rt ipv4 dst 198.18.0.0/15 port 0")
    else:
        out.append(f"rt ipv4 dst {HUB_NBMA}/32 port 1")
    return "\n".join(out) + "\n"


def cmd_secgw_config(a):
    if a.kind == "gre-hairpin":
        sys.exit("secgw-config: ipsec-secgw runs encrypt-only (lan-to-gre) or decrypt-only (gre-to-lan)")
    sys.stdout.write(secgw_config_text(a.kind, a.spokes, a.esp, a.type))

# ---------------------------------------------------------------------------- measure


def telemetry(prefix, cmd):
    """One rte_telemetry (v2 socket) command; returns its JSON value."""
    path = f"/var/run/dpdk/{prefix}/dpdk_telemetry.v2"
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        s.settimeout(2)
        s.connect(path)
        info = json.loads(s.recv(16384).decode())
        s.send(cmd.encode())
        reply = json.loads(s.recv(info.get("max_output_len", 16384)).decode())
    finally:
        s.close()
    return reply[cmd.split(",")[0]]


def worker_tids(pid, workers):
    """The forwarding lcores' threads: EAL names them "rte-worker-N" (lcores 1..W)."""
    want = {f"rte-worker-{k}" for k in range(1, workers + 1)}
    found = []
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                if f.read().strip() in want:
                    found.append(int(tid))
        except OSError:
            continue
    return found if len(found) == workers else None


def cpu_ns(pid, tids):
    """Nanoseconds the threads have spent on a CPU (the scheduler's own account)."""
    try:
        total = 0
        for tid in tids:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                total += int(f.read().split()[0])
        return total
    except (OSError, TypeError):
        return None


def sample(a, tids):
    """(time, tx on the forwarding queues of the out port, rx of the in port, CPU ns, hub
    stats or None); time taken mid-query."""
    t0 = time.monotonic()
    out = telemetry(a.prefix, f"/ethdev/stats,{a.out_port}")
    inp = out if a.in_port == a.out_port else telemetry(a.prefix, f"/ethdev/stats,{a.in_port}")
    t1 = time.monotonic()
    hub = None
    if a.hub:
        try:
            hub = telemetry(a.prefix, "/dmvpn/stats")
        except (OSError, ValueError, KeyError):
            hub = None
        # A hub that has not published its counters yet (or a stalled one) answers
        # without them: no hub figures for this sample, rather than a KeyError later.
        if not isinstance(hub, dict) or not all(k in hub for k in ("drops", "forwarded", "rx")):
            hub = None
    # The forwarding lcores' tx queues: the hub's are 0 .. W-1 (control has its own);
    # ipsec-secgw gives every lcore one, so with --all-txq every queue counts.
    tx = sum(out["q_opackets"] if a.all_txq else out["q_opackets"][:a.workers])
    return (t0 + t1) / 2, tx, inp["ipackets"], cpu_ns(a.pid, tids), hub


def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False


def cmd_measure(a):
    deadline = time.monotonic() + a.start_timeout
    tids = None
    while True:  # started: the telemetry socket answers and packets leave
        if not alive(a.pid):
            sys.exit(f"{a.label}: process {a.pid} exited before forwarding")
        try:
            tids = tids or worker_tids(a.pid, a.workers)
            if tids and sample(a, tids)[1] > 0:
                break
        except (OSError, ValueError, KeyError, TypeError):
            pass  # not up yet: no socket, or no port behind /ethdev/stats yet
        if time.monotonic() > deadline:
            sys.exit(f"{a.label}: nothing forwarded within {a.start_timeout} s")
        time.sleep(0.2)
    if a.rt:
        # Other load on a shared machine must not take a forwarding lcore's core: the
        # threads (pinned by EAL) go SCHED_FIFO; RT throttling still leaves others 5 %.
        for tid in tids:
            os.sched_setscheduler(tid, os.SCHED_FIFO, os.sched_param(a.rt))
    time.sleep(a.warmup)
    first = prev = sample(a, tids)
    end = first[0] + a.duration
    tty = sys.stderr.isatty()
    while True:
        time.sleep(max(0.0, min(1.0, end - time.monotonic())))
        cur = sample(a, tids)
        rate = (cur[1] - prev[1]) / (cur[0] - prev[0]) / 1e6
        line = f"  {a.label}: {cur[0] - first[0]:5.1f}/{a.duration:g} s  {rate:7.3f} Mpps"
        print(("\r" + line) if tty else line, end="" if tty else "\n", file=sys.stderr, flush=True)
        prev = cur
        if cur[0] >= end:
            break
    if tty:
        print("\r" + " " * 79 + "\r", end="", file=sys.stderr)
    secs = prev[0] - first[0]
    tx = prev[1] - first[1]
    rx = prev[2] - first[2]
    on_cpu = (prev[3] - first[3]) / 1e9 if first[3] is not None and prev[3] is not None else None
    res = {"seconds": round(secs, 4), "tx": tx, "rx": rx, "pps": tx / secs, "cpu_seconds": on_cpu,
           "worker_cpu_share": round(on_cpu / secs / a.workers, 4) if on_cpu else None,
           "pps_on_cpu": tx / on_cpu * a.workers if on_cpu else None}
    if first[4] is not None and prev[4] is not None:
        # The hub's own counters over (about) the window: its snapshot is refreshed by
        # control, so the edges are approximate; named drops show what was lost and why.
        d = {k[5:]: prev[4][k] - first[4].get(k, 0) for k in prev[4]
             if k.startswith("drop_") and prev[4][k] - first[4].get(k, 0) > 0}
        res["drops"] = prev[4]["drops"] - first[4]["drops"]
        res["drop_reasons"] = d
        res["hub_forwarded"] = prev[4]["forwarded"] - first[4]["forwarded"]
        res["hub_rx"] = prev[4]["rx"] - first[4]["rx"]
        # With the hub's --stage-cycles: TSC cycles per received packet by stage.
        pk = prev[4].get("stage_pkts", 0) - first[4].get("stage_pkts", 0)
        if pk > 0:
            res["stage_pkts"] = pk
            res["stage_cycles_per_pkt"] = {
                k[13:]: round((prev[4][k] - first[4].get(k, 0)) / pk, 1)
                for k in STAGES if k in prev[4]}
    print(json.dumps(res))


# The hub's stages of the packet path, in the order of lib/dp_shared.h's enum dp_stage.
STAGES = [f"stage_cycles_{n}" for n in ("rx", "classify", "forward", "esp_in", "esp_out", "tx", "other")]

# ---------------------------------------------------------------------------- report


BEGIN = "<!-- scripts/bench results: begin (generated, edit by running ./scripts/bench) -->"
END = "<!-- scripts/bench results: end -->"
DATA = "<!-- bench-data "


def med(rs, key):
    vals = [r[key] for r in rs if r.get(key) is not None]
    return statistics.median(vals) if vals else None


def aggregate(runs, meta):
    """One row per (scenario, workers): hub medians against the baseline of the same run."""
    out = []
    keys = []
    for r in runs:
        k = (r["scenario"], r["workers"])
        if k not in keys:
            keys.append(k)
    for name, workers in keys:
        rs = [r for r in runs if r["scenario"] == name and r["workers"] == workers]
        hub = sorted((r for r in rs if r["tool"] == "hub"), key=lambda r: r["rep"])
        base = sorted((r for r in rs if r["tool"] == "testpmd"), key=lambda r: r["rep"])
        cmp_ = sorted((r for r in rs if r["tool"] == "hub-compare"), key=lambda r: r["rep"])
        if not hub or not base:
            continue
        pps, bpps = med(hub, "pps"), med(base, "pps")
        size = hub[0]["pkt_size"]
        cpp = meta["tsc_hz"] / ((med(hub, "pps_on_cpu") or pps) / workers)
        bcpp = meta["tsc_hz"] / ((med(base, "pps_on_cpu") or bpps) / workers)
        row = {
            "name": name,
            "workers": workers,
            # net_pcap (replay into net_pcap's tx_drop) or the device of --port
            "port": meta.get("port") or "net_pcap",
            "pkt_size": size,
            "size_label": hub[0]["size_label"],
            "spokes": hub[0]["spokes"],
            "flows": hub[0]["flows"],
            "mpps": round(pps / 1e6, 3),
            "mpps_per_worker": round(pps / 1e6 / workers, 3),
            "gbps": round(pps * size * 8 / 1e9, 3),
            "cycles_per_pkt": round(cpp, 1),
            "drops": med(hub, "drops"),
            "drop_reasons": hub[len(hub) // 2].get("drop_reasons", {}),
            "baseline": "testpmd-io",
            "baseline_mpps": round(bpps / 1e6, 3),
            "ratio": round(pps / bpps, 3),
            "baseline_cycles_per_pkt": round(bcpp, 1),
            # Interference on a shared machine only ever slows a run down: the best run of
            # each side is the other estimate worth having.
            "best_mpps": round(max(r["pps"] for r in hub) / 1e6, 3),
            "best_baseline_mpps": round(max(r["pps"] for r in base) / 1e6, 3),
            "runs": len(hub),
            "seconds": meta["duration"],
            "mpps_runs": [round(r["pps"] / 1e6, 3) for r in hub],
            "baseline_mpps_runs": [round(r["pps"] / 1e6, 3) for r in base],
            # hub run i and testpmd run i ran back to back
            "ratio_runs": [round(h["pps"] / b["pps"], 3) for h, b in zip(hub, base)],
            "cpu_share": med(hub, "worker_cpu_share"),
            "baseline_cpu_share": med(base, "worker_cpu_share"),
            "date": meta["date"],
        }
        stg = [r for r in rs if r["tool"] == "hub-stages" and r.get("stage_cycles_per_pkt")] or \
            [r for r in hub if r.get("stage_cycles_per_pkt")]  # --quick: the hub run timed them
        if stg:
            # One more hub run with --stage-cycles (its TSC reads cost cycles: it is not one
            # of the measured runs above): where a packet's cycles go.
            sr = stg[0]
            row.update(stage_cycles_per_pkt=sr["stage_cycles_per_pkt"],
                       stage_cycles_total=round(sum(sr["stage_cycles_per_pkt"].values()), 1),
                       stage_run_mpps=round(sr["pps"] / 1e6, 3))
        if cmp_:
            c = med(cmp_, "pps")
            row.update(compare=meta.get("compare_label", "other hub"),
                       compare_mpps=round(c / 1e6, 3),
                       compare_ratio=round(c / bpps, 3),
                       speedup_vs_compare=round(pps / c, 3),
                       compare_mpps_runs=[round(r["pps"] / 1e6, 3) for r in cmp_],
                       speedup_runs=[round(h["pps"] / x["pps"], 3) for h, x in zip(hub, cmp_)])
        esp_baseline(row, rs, hub, meta, workers)
        out.append(row)
    return out


SECGW_MODES = {"secgw-cpu": "cpu-crypto", "secgw-lookaside": "lookaside-none"}


def esp_baseline(row, rs, hub, meta, workers):
    """Encrypt-only / decrypt-only: DPDK's ipsec-secgw in its best mode of this run (the
    higher median of its SA types) is the baseline; testpmd io stays as testpmd_mpps."""
    modes = {}
    for tool, mode in SECGW_MODES.items():
        runs = sorted((r for r in rs if r["tool"] == tool), key=lambda r: r["rep"])
        if runs:
            modes[mode] = runs
    if not modes:
        return
    best = max(modes, key=lambda m: med(modes[m], "pps"))
    sec = modes[best]
    spps = med(sec, "pps")
    row.update(testpmd_mpps=row["baseline_mpps"], testpmd_ratio=row["ratio"],
               testpmd_cycles_per_pkt=row["baseline_cycles_per_pkt"],
               baseline="ipsec-secgw", baseline_mode=best,
               baseline_mpps=round(spps / 1e6, 3), ratio=round(row["mpps"] * 1e6 / spps, 3),
               baseline_cycles_per_pkt=round(meta["tsc_hz"] / ((med(sec, "pps_on_cpu") or spps) / workers), 1),
               baseline_mpps_runs=[round(r["pps"] / 1e6, 3) for r in sec],
               ratio_runs=[round(h["pps"] / b["pps"], 3) for h, b in zip(hub, sec)],
               baseline_cpu_share=med(sec, "worker_cpu_share"),
               secgw_mpps={m: round(med(v, "pps") / 1e6, 3) for m, v in modes.items()},
               secgw_mpps_runs={m: [round(r["pps"] / 1e6, 3) for r in v] for m, v in modes.items()})


def add_esp_limits(rows, limits):
    """The crypto limit of each ESP scenario (bench_crypto for its algorithm, size and
    operations) and the fraction of it the hub reached per worker."""
    by = {c["scenario"]: c for c in limits}
    for r in rows:
        c = by.get(r["name"])
        if c is None:
            continue
        r.update(algorithm=c["algorithm"], crypto_ops_per_pkt=c["ops_per_pkt"],
                 crypto_cycles_per_pkt=c["cycles_per_pkt"], crypto_limit_mpps=c["crypto_limit_mpps"],
                 fraction_of_limit=round(r["mpps_per_worker"] / c["crypto_limit_mpps"], 3))


def add_crypto(rows, crypto):
    """Crypto-limit rows (tests/tools/bench_crypto) as their own rows."""
    for c in crypto:
        rows.append(dict(c, baseline="ipsec-mb", ratio=None))
    return rows


def fmt(x, spec=".2f"):
    return format(x, spec) if isinstance(x, (int, float)) else "–"


def on_port(r):
    """The suffix naming the --port device a row was measured on (none for net_pcap)."""
    port = r.get("port", "net_pcap")
    return "" if port == "net_pcap" else f" on `{port}`"


def table(rows, metas):
    fwd = [r for r in rows if r.get("baseline") == "testpmd-io" and not r["name"].startswith("esp-")]
    cry = [r for r in rows if r.get("baseline") == "ipsec-mb"]
    esp = [r for r in rows if r["name"].startswith("esp-") and r.get("baseline") in ("testpmd-io", "ipsec-secgw")]
    lines = ["| scenario | workers | inner size | hub Mpps | Mpps / worker | inner Gbps | hub cycles/pkt | "
             "drops | testpmd-io Mpps | testpmd cycles/pkt | **ratio** | per-run ratio | "
             "hub Mpps per run | testpmd Mpps per run | CPU share hub / testpmd | run |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|---|---|"]

    def lst(xs):
        return ", ".join(f"{x:.2f}" for x in xs)

    for r in fwd:
        size = f"{r['pkt_size']} B" if r.get("size_label", str(r["pkt_size"])) != "imix" else \
            f"IMIX ({r['pkt_size']} B avg)"
        lines.append(f"| `{r['name']}`{on_port(r)} | {r['workers']} | {size} | {r['mpps']:.2f} | "
                     f"{r.get('mpps_per_worker', r['mpps']):.2f} | {r['gbps']:.2f} | "
                     f"{r['cycles_per_pkt']:.0f} | {fmt(r.get('drops'), 'd') if isinstance(r.get('drops'), int) else fmt(r.get('drops'), '.0f')} | "
                     f"{r['baseline_mpps']:.2f} | {r['baseline_cycles_per_pkt']:.0f} | "
                     f"**{r['ratio']:.2f}** | {lst(r['ratio_runs'])} | {lst(r['mpps_runs'])} | "
                     f"{lst(r['baseline_mpps_runs'])} | {fmt(r['cpu_share'])} / "
                     f"{fmt(r['baseline_cpu_share'])} | {r['run']} |")
    lines += ["", "Mpps, cycles/pkt, drops and CPU shares are medians over the runs; drops are the "
              "hub's own counters over the measured window. Hub and testpmd use the same lcores "
              "(main/control lcore 0, forwarding lcores 1..workers)."]
    comp = [r for r in fwd if "compare_mpps" in r]
    if comp:
        lines += ["", "Same run, a second hub binary alternated with this one (`--compare`):", "",
                  "| scenario | workers | this hub Mpps | compared hub Mpps | **speedup** | per-run speedup | run |",
                  "|---|---:|---:|---:|---:|---|---|"]
        for r in comp:
            lines.append(f"| `{r['name']}`{on_port(r)} | {r['workers']} | {r['mpps']:.2f} | {r['compare_mpps']:.2f} "
                         f"({r['compare']}) | **{r['speedup_vs_compare']:.2f}** | "
                         f"{lst(r['speedup_runs'])} | {r['run']} |")
    if esp:
        lines += ["", "ESP scenarios: the hub against the crypto limit of the same algorithm, size and "
                  "operations (IPsec-MB alone, `bench_crypto`, measured in the same run), testpmd io "
                  "on the same file, and for encrypt-only / decrypt-only DPDK's ipsec-secgw (best of its "
                  "cpu-crypto and lookaside-none SAs, same devices, lcores, keys and traffic):", "",
                  "| scenario | workers | inner size | hub Mpps | Mpps / worker | inner Gbps | hub cycles/pkt | "
                  "drops | crypto limit Mpps | **fraction of limit** | testpmd-io Mpps | "
                  "ipsec-secgw Mpps (cpu-crypto / lookaside-none) | **hub / ipsec-secgw** | "
                  "per-run ratio | hub Mpps per run | run |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|"]
        for r in esp:
            size = f"{r['pkt_size']} B" if r.get("size_label", str(r["pkt_size"])) != "imix" else \
                f"IMIX ({r['pkt_size']} B avg)"
            sec = r.get("secgw_mpps")
            secs = (f"{fmt(sec.get('cpu-crypto'))} / {fmt(sec.get('lookaside-none'))}" if sec else "–")
            sec_ratio = f"**{r['ratio']:.2f}**" if r.get("baseline") == "ipsec-secgw" else "–"
            io = r.get("testpmd_mpps", r["baseline_mpps"] if r.get("baseline") == "testpmd-io" else None)
            lines.append(f"| `{r['name']}`{on_port(r)} | {r['workers']} | {size} | {r['mpps']:.2f} | "
                         f"{r.get('mpps_per_worker', r['mpps']):.2f} | {r['gbps']:.2f} | "
                         f"{r['cycles_per_pkt']:.0f} | {fmt(r.get('drops'), '.0f')} | "
                         f"{fmt(r.get('crypto_limit_mpps'))} | **{fmt(r.get('fraction_of_limit'))}** | "
                         f"{fmt(io)} | {secs} | {sec_ratio} | "
                         f"{lst(r['ratio_runs']) if r.get('baseline') == 'ipsec-secgw' else '–'} | "
                         f"{lst(r['mpps_runs'])} | {r['run']} |")
    stg = [r for r in fwd + esp if r.get("stage_cycles_per_pkt")]
    if stg:
        names = [k[13:] for k in STAGES]
        lines += ["", "TSC cycles per received packet by stage of the hub's packet path (one more run "
                  "per scenario with the hub's `--stage-cycles`, which reads the TSC at each change of "
                  "stage; its Mpps is lower than the measured runs' by that cost). rx / tx: the PMD's "
                  "burst calls; classify: Ethernet and outer IPv4 checks, peer lookup of the burst; "
                  "forward: GRE and inner checks, FIB, encapsulation; esp in / out: SA lookup, "
                  "IPsec-MB, ESP header and trailer; other: table updates, RCU, the loop:", "",
                  "| scenario | workers | " + " | ".join(n.replace("_", " ") for n in names) +
                  " | total | hub cycles/pkt (measured runs) | Mpps of the staged run | run |",
                  "|---|---:|" + "---:|" * (len(names) + 3) + "---|"]
        for r in stg:
            c = r["stage_cycles_per_pkt"]
            lines.append(f"| `{r['name']}`{on_port(r)} | {r['workers']} | " +
                         " | ".join(fmt(c.get(n), ".0f") for n in names) +
                         f" | {r['stage_cycles_total']:.0f} | {r['cycles_per_pkt']:.0f} | "
                         f"{r['stage_run_mpps']:.2f} | {r['run']} |")
    paths = [r for r in rows if r.get("baseline") == "rte_ipsec"]
    if paths:
        lines += ["", "The hub's ESP stage against rte_ipsec with a crypto PMD in CPU-crypto mode "
                  "(`tests/tools/bench_rte_ipsec`, one core, the same packets, TSC cycles per packet; "
                  "below 1.00 rte_ipsec is cheaper):", "",
                  "| algorithm (PMD) | inner size | direction | hub stage | of which layout + IPsec-MB jobs | "
                  "layout + IPsec-MB one-call GCM | rte_ipsec + CPU crypto | **rte_ipsec / hub** | run |",
                  "|---|---:|---|---:|---:|---:|---:|---:|---|"]
        for r in paths:
            size = f"{r['pkt_size']} B" if r.get("size_label") != "imix" else f"IMIX ({r['pkt_size']} B avg)"
            lines.append(f"| {r['algorithm']} ({r['pmd'].rstrip('0')}) | {size} | "
                         f"{'encrypt' if r['dir'] == 'out' else 'decrypt'} | {r['hub_cycles_per_pkt']:.0f} | "
                         f"{r['hub_crypto_cycles_per_pkt']:.0f} | {fmt(r.get('gcm_direct_cycles_per_pkt'), '.0f')} | "
                         f"{r['rte_ipsec_cycles_per_pkt']:.0f} | "
                         f"**{r['rte_ipsec_over_hub']:.2f}** | {r['run']} |")
    if cry:
        lines += ["", "Crypto limit (`tests/tools/bench_crypto`, Intel IPsec-MB alone on one core, "
                  "two operations per hairpin packet: decrypt+verify, then encrypt+sign):", "",
                  "| algorithm | inner size | ESP payload B | cycles per 2 ops | crypto_limit_mpps | run |",
                  "|---|---:|---:|---:|---:|---|"]
        for r in cry:
            size = f"{r['pkt_size']} B" if r.get("size_label") != "imix" else f"IMIX ({r['pkt_size']} B avg)"
            lines.append(f"| {r['algorithm']} | {size} | {r['esp_payload']:.0f} | "
                         f"{r['cycles_per_pkt']:.0f} | {r['crypto_limit_mpps']:.2f} | {r['run']} |")
    lines.append("")
    for k, m in sorted(metas.items()):
        lines += [f"Run {k}: {m['machine']}; DPDK {m['dpdk']}; hub {m['hub_version']}; "
                  f"{m['runs']} × {m['duration']:g} s after {m['warmup']:g} s warm-up; "
                  f"TSC {m['tsc_hz'] / 1e6:.0f} MHz; forwarding threads {m['sched']}; "
                  f"load average before the run {m.get('loadavg', '?')}.", "",
                  f"    {m['command']}", ""]
    return "\n".join(lines)


def plots(rows, outdir):
    """PNG figures with gnuplot (Debian's gnuplot-nox); returns the markdown that shows them."""
    import shutil
    import tempfile

    if not shutil.which("gnuplot"):
        print("bench: gnuplot missing (Debian package gnuplot-nox): no plots", file=sys.stderr)
        return ""
    os.makedirs(outdir, exist_ok=True)
    md = []
    tmp = tempfile.mkdtemp(prefix="dmvpn-bench-plot.")
    try:
        fwd = [r for r in rows if r.get("baseline") == "testpmd-io" and r["workers"] == 1
               and not r["name"].startswith("esp-")]
        if fwd:
            dat = os.path.join(tmp, "fwd.dat")
            with open(dat, "w") as f:
                for r in fwd:
                    f.write(f"\"{r['name']}\" {r['mpps']} {r['baseline_mpps']} {r['ratio']} "
                            f"{r['cycles_per_pkt']} {r['baseline_cycles_per_pkt']}\n")
            script = f"""
set terminal pngcairo size 1000,520 font ",10"
set output "{outdir}/throughput.png"
set multiplot layout 1,2
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set xtics rotate by -40 scale 0
set key top right
set grid ytics
set ylabel "Mpps (one forwarding core)"
set title "Hub vs testpmd io forwarding"
plot "{dat}" using 2:xtic(1) title "dmvpn-hub", "" using 3 title "testpmd io"
set ylabel "hub / testpmd"
set title "Ratio (same run)"
set yrange [0:*]
plot "{dat}" using 4:xtic(1) title "ratio" lc rgb "#2a7"
unset multiplot
"""
            subprocess.run(["gnuplot"], input=script, text=True, check=True)
            md.append("![throughput](bench/throughput.png)")
        scal = {}
        for r in rows:
            if r.get("baseline") == "testpmd-io":
                scal.setdefault(r["name"], []).append(r)
        scal = {k: sorted(v, key=lambda r: r["workers"]) for k, v in scal.items() if len(v) > 1}
        if scal:
            plotcmds = []
            for k, v in scal.items():
                dat = os.path.join(tmp, f"scal-{k}.dat")
                with open(dat, "w") as f:
                    for r in v:
                        f.write(f"{r['workers']} {r['mpps']} {r['baseline_mpps']}\n")
                plotcmds += [f"\"{dat}\" using 1:2 with linespoints title \"hub {k}\"",
                             f"\"{dat}\" using 1:3 with linespoints dt 2 title \"testpmd {k}\""]
            script = f"""
set terminal pngcairo size 800,480 font ",10"
set output "{outdir}/scaling.png"
set xlabel "workers"
set ylabel "Mpps"
set grid
set key left top
plot {", ".join(plotcmds)}
"""
            subprocess.run(["gnuplot"], input=script, text=True, check=True)
            md.append("![scaling](bench/scaling.png)")
        cry = [r for r in rows if r.get("baseline") == "ipsec-mb"]
        if cry:
            dat = os.path.join(tmp, "crypto.dat")
            algs = sorted({r["algorithm"] for r in cry})
            sizes = []
            for r in cry:
                if r["size_label"] not in sizes:
                    sizes.append(r["size_label"])
            with open(dat, "w") as f:
                for s in sizes:
                    vals = []
                    for al in algs:
                        v = [r["crypto_limit_mpps"] for r in cry if r["algorithm"] == al and r["size_label"] == s]
                        vals.append(str(v[0]) if v else "0")
                    f.write(f"\"{s}\" " + " ".join(vals) + "\n")
            cols = ", ".join((f"\"{dat}\" using {k + 2}:xtic(1)" if k == 0 else f"\"\" using {k + 2}") +
                             f" title \"{al}\"" for k, al in enumerate(algs))
            script = f"""
set terminal pngcairo size 800,480 font ",10"
set output "{outdir}/crypto_limit.png"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set ylabel "Mpps (2 crypto ops per packet, one core)"
set xlabel "inner size"
set grid ytics
set title "IPsec-MB crypto limit of an ESP hairpin"
plot {cols}
"""
            subprocess.run(["gnuplot"], input=script, text=True, check=True)
            md.append("![crypto limit](bench/crypto_limit.png)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return "\n\n".join(md)


def cmd_report(a):
    with open(a.meta) as f:
        meta = json.load(f)
    with open(a.results) as f:
        runs = [json.loads(line) for line in f if line.strip()]
    rows = aggregate(runs, meta)
    crypto = []
    if a.crypto and os.path.exists(a.crypto):
        with open(a.crypto) as f:
            crypto = [json.loads(line) for line in f if line.strip()]
    for c in crypto:
        c.setdefault("date", meta["date"])
    if a.esp_limit and os.path.exists(a.esp_limit):
        with open(a.esp_limit) as f:
            add_esp_limits(rows, [json.loads(line) for line in f if line.strip()])
    allrows = rows + [dict(c, baseline="ipsec-mb") for c in crypto]
    if a.rte_ipsec and os.path.exists(a.rte_ipsec):
        with open(a.rte_ipsec) as f:
            paths = [json.loads(line) for line in f if line.strip()]
        for r in paths:
            r.update(date=meta["date"], baseline="rte_ipsec", workers=1)
            print(f"esp path {r['algorithm']:<22} {r['size_label']:>5} {r['dir']:>3}: hub {r['hub_cycles_per_pkt']:6.0f} "
                  f"(of which layout + IPsec-MB {r['hub_crypto_cycles_per_pkt']:6.0f}; one-call GCM "
                  f"{fmt(r.get('gcm_direct_cycles_per_pkt'), '.0f'):>5})  rte_ipsec "
                  f"{r['rte_ipsec_cycles_per_pkt']:6.0f} cycles/pkt")
        allrows += paths
    if a.json:
        with open(a.json, "w") as f:
            json.dump(allrows, f, indent=1)
            f.write("\n")
    for r in rows:
        print(f"{r['name']:<18} w{r['workers']} hub {r['mpps']:7.3f} Mpps {r['cycles_per_pkt']:5.0f} cyc/pkt   "
              f"{r['baseline']} {r['baseline_mpps']:7.3f} Mpps {r['baseline_cycles_per_pkt']:5.0f} cyc/pkt   "
              f"ratio {r['ratio']:.2f}   drops {r['drops']}" +
              (f"   vs compared hub x{r['speedup_vs_compare']:.2f}" if "speedup_vs_compare" in r else "") +
              (f"   testpmd-io {r['testpmd_mpps']:.3f} Mpps" if "testpmd_mpps" in r else "") +
              (f"   crypto limit {r['crypto_limit_mpps']:.2f} Mpps, fraction {r['fraction_of_limit']:.2f}"
               if "crypto_limit_mpps" in r else ""))
    for c in crypto:
        print(f"crypto {c['algorithm']:<16} {c['size_label']:>5}: {c['cycles_per_pkt']:7.0f} cyc/2 ops  "
              f"limit {c['crypto_limit_mpps']:.2f} Mpps")
    if not a.doc:
        return
    # The doc's generated block keeps every row's latest value, and the facts of each run it
    # came from, in a data comment; rows of this run replace those with the same key.
    text = open(a.doc).read() if os.path.exists(a.doc) else "# Benchmarks\n"
    data = {"rows": [], "runs": {}}
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        block, tail = rest.split(END, 1)
        if DATA in block:
            data = json.loads(block.split(DATA, 1)[1].split(" -->", 1)[0])
    else:
        head, tail = text.rstrip("\n") + "\n\n", "\n"
    run_id = meta["date"]
    meta_doc = dict(meta, runs=meta["reps"])
    data["runs"][run_id] = {k: meta_doc.get(k) for k in ("date", "machine", "dpdk", "hub_version", "runs",
                                                         "duration", "warmup", "tsc_hz", "sched",
                                                         "command", "loadavg")}

    def key(r):  # rows measured on a --port device never replace net_pcap's
        port = r.get("port", "net_pcap")
        return f"{r.get('baseline')}|{r['name']}|{r.get('workers', 1)}" + ("" if port == "net_pcap" else f"|{port}")

    new = {key(r): dict(r, run=run_id) for r in allrows}
    old = {key(r): r for r in data["rows"]}
    order = [key(r) for r in data["rows"]] + [k for k in new if k not in old]
    data["rows"] = [new.get(k, old.get(k)) for k in order]
    used = {r["run"] for r in data["rows"]}
    data["runs"] = {k: v for k, v in data["runs"].items() if k in used}
    figs = plots(data["rows"], os.path.join(os.path.dirname(os.path.abspath(a.doc)), "bench"))
    block = ("\n" + table(data["rows"], data["runs"]) + "\n" + (figs + "\n\n" if figs else "") +
             DATA + json.dumps(data) + " -->\n")
    with open(a.doc, "w") as f:
        f.write(head + BEGIN + block + END + tail)


# ---------------------------------------------------------------------------- nhrp-register
# The control-plane scenario: tests/tools/nhrp_reggen (a net_memif client) registers N
# distinct spokes with a hub whose underlay port is the net_memif server. Addresses match
# the generator's: spoke i is NBMA 100.64.0.1 + i (RFC 6598), tunnel 172.16.0.2 + i.
REG_BEGIN = "<!-- scripts/bench nhrp-register results: begin (generated, edit by running ./scripts/bench nhrp-register) -->"
REG_END = "<!-- scripts/bench nhrp-register results: end -->"
REG_DATA = "<!-- nhrp-register-data "
REG_GOALS = {"regs_per_s": 200000, "bytes_per_peer_per_worker": 256, "reg_to_fwd_p99_us": 100}


def config_nhrp_text(spokes, workers, socket_path, control_idle_us=None):
    out = ["# dmvpn-hub benchmark: NHRP registrations (./scripts/bench nhrp-register). Written by",
           f"#   scripts/bench_gen.py config-nhrp --spokes {spokes} --workers {workers} --socket PATH",
           "# The underlay port is a net_memif server; tests/tools/nhrp_reggen is the client and",
           "# plays the spokes and the underlay gateway 10.0.0.254.",
           "# max_peers = the spokes, so the peer replica (preallocated for max_peers) is sized",
           "# for exactly them and its size per slot is the size per peer. new_source_rate is",
           "# raised from 50: every spoke is a new outer source and the per-source token buckets",
           "# are shared by address hash (4096 of them), so at 200k registrations/s each bucket",
           "# sees about 50 per second and the default would refuse part of the benchmark.",
           "", "ports = (", "	{", '		name = "bench0";',
           f'		device = "net_memif0,role=server,socket={socket_path}";',
           '		role = "underlay";', f'		address = "{HUB_NBMA}/24";', f'		gateway = "{GATEWAY}";',
           "		rx_ring = 1024;", "		tx_ring = 1024;", "	}", ");", "",
           "tunnels = (", "	{", '		name = "Tunnel0";', '		address = "172.16.0.1/12";',
           '		source = "bench0";', f"		key = {KEY};", "		mtu = 1400;", "		nhrp = {",
           "			redirect = false;", f"			max_peers = {spokes};",
           "			new_source_rate = 10000000;", "		};", "	}", ");", "",
           "cli = {", "	port = 0; # no CLI during a benchmark", "};", "",
           "log = {", '	level = "notice";',
           '	types = ( { name = "hub.main"; level = "info"; }, { name = "hub.port"; level = "info"; },',
           '		  { name = "hub.peer"; level = "info"; } );', "};", ""]
    if control_idle_us is not None:
        out += ["# The control lcore's nap when idle (0 = it polls; ./scripts/bench --control-idle-us).",
                f"control = {{ idle_sleep_us = {control_idle_us}; }};", ""]
    return "\n".join(out)


def cmd_config_nhrp(a):
    if not 1 <= a.spokes <= 1048574:
        sys.exit("--spokes must be 1..1048574 (172.16.0.0/12 less the hub and the network)")
    sys.stdout.write(config_nhrp_text(a.spokes, a.workers, a.socket, a.control_idle_us))


def cmd_reg_collect(a):
    """The generator's JSON (stdin) + the hub's /dmvpn/latency once it has timed every
    registration it answered: one JSON line."""
    gen = json.loads(sys.stdin.read())
    deadline = time.monotonic() + a.timeout
    lat = None
    while time.monotonic() < deadline:
        try:
            lat = telemetry(a.prefix, "/dmvpn/latency")
        except (OSError, ValueError, KeyError):
            lat = None
        if (lat and "reg_reply_n" in lat and lat["reg_reply_n"] >= gen["accepted"] + gen["refused"] and
                lat["reg_fwd_n"] + lat["untimed"] >= lat["registered"]):
            break
        time.sleep(0.5)
    else:
        sys.exit(f"nhrp-register: the hub's /dmvpn/latency never covered the run: {lat}")
    us = lambda k: round(lat[k] / 1000.0, 2)
    rec = dict(gen, mode=a.mode,
               hub_reply_p50_us=us("reg_reply_p50_ns"), hub_reply_p99_us=us("reg_reply_p99_ns"),
               hub_reply_max_us=us("reg_reply_max_ns"),
               reg_to_fwd_p50_us=us("reg_fwd_p50_ns"), reg_to_fwd_p99_us=us("reg_fwd_p99_ns"),
               reg_to_fwd_max_us=us("reg_fwd_max_ns"),
               push_to_apply_p50_us=us("push_apply_p50_ns"), push_to_apply_p99_us=us("push_apply_p99_ns"),
               # reg_to_fwd split: worker rx -> control's dequeue -> its push (-> apply above)
               punt_to_deq_p50_us=us("punt_deq_p50_ns"), punt_to_deq_p99_us=us("punt_deq_p99_ns"),
               deq_to_push_p50_us=us("deq_push_p50_ns"), deq_to_push_p99_us=us("deq_push_p99_ns"),
               registered=lat["registered"], untimed=lat["untimed"], timed=lat["reg_fwd_n"],
               enqueue_failed=lat["peer_enqueue_failed"], resyncs=lat["peer_resyncs"],
               replica_bytes=lat["replica_bytes"], replica_slots=lat["replica_slots"],
               bytes_per_peer_per_worker=round(lat["replica_bytes"] / max(1, lat["replica_slots"]), 1))
    print(json.dumps(rec))


def reg_rows(runs, meta):
    """Medians over repetitions, per worker count: one row per (workers), the saturated
    run's throughput and the paced run's latencies side by side."""
    rows = []
    for w in sorted({r["workers"] for r in runs}):
        sat = [r for r in runs if r["workers"] == w and r["mode"] == "saturated"]
        paced = [r for r in runs if r["workers"] == w and r["mode"] == "paced"]
        if not sat or not paced:
            continue
        m = lambda rs, k: statistics.median(r[k] for r in rs)
        row = {"name": "nhrp-register", "workers": w, "spokes": sat[0]["spokes"],
               "pkt_size": sat[0].get("frame_len", 0),
               "regs_per_s": round(m(sat, "regs_per_s")), "regs_per_s_runs": [round(r["regs_per_s"]) for r in sat],
               "latency_p50_us": m(paced, "hub_reply_p50_us"), "latency_p99_us": m(paced, "hub_reply_p99_us"),
               "reg_to_fwd_p50_us": m(paced, "reg_to_fwd_p50_us"), "reg_to_fwd_p99_us": m(paced, "reg_to_fwd_p99_us"),
               "push_to_apply_p50_us": m(paced, "push_to_apply_p50_us"),
               "push_to_apply_p99_us": m(paced, "push_to_apply_p99_us"),
               "punt_to_deq_p50_us": m(paced, "punt_to_deq_p50_us"), "punt_to_deq_p99_us": m(paced, "punt_to_deq_p99_us"),
               "deq_to_push_p50_us": m(paced, "deq_to_push_p50_us"), "deq_to_push_p99_us": m(paced, "deq_to_push_p99_us"),
               "rtt_p50_us": m(paced, "latency_p50_us"), "rtt_p99_us": m(paced, "latency_p99_us"),
               "paced_spokes": paced[0]["spokes"], "paced_rate": paced[0]["rate"],
               "control_idle": paced[0].get("control_idle"), "gen_core": paced[0].get("gen_core"),
               "saturated_window": sat[0]["window"],
               "saturated_latency_p50_us": m(sat, "hub_reply_p50_us"),
               "saturated_latency_p99_us": m(sat, "hub_reply_p99_us"),
               "saturated_reg_to_fwd_p50_us": m(sat, "reg_to_fwd_p50_us"),
               "saturated_reg_to_fwd_p99_us": m(sat, "reg_to_fwd_p99_us"),
               "saturated_push_to_apply_p99_us": m(sat, "push_to_apply_p99_us"),
               "bytes_per_peer_per_worker": m(sat, "bytes_per_peer_per_worker"),
               "replica_bytes": sat[0]["replica_bytes"], "replica_slots": sat[0]["replica_slots"],
               "retries": sum(r["retries"] for r in sat + paced),
               "untimed": sum(r["untimed"] for r in sat + paced),
               "runs": len(sat), "date": meta["date"], "loadavg": meta.get("loadavg")}
        row.update(meta.get("reg_baseline", {
            "baseline": "none",
            "baseline_reason": "FRR nhrpd as hub (UML lab, tests/interop/frrhub.sh) not run: --quick or "
                               "--no-frr-baseline, or the lab cannot run here (see skipped); docs/benchmarks.md"}))
        # The FRR nhrpd baseline (scripts/bench reg_frr_baseline): a ratio only at the same N.
        if row.get("baseline_regs_per_s") and row.get("baseline_spokes", row["spokes"]) == row["spokes"]:
            row["ratio"] = round(row["regs_per_s"] / row["baseline_regs_per_s"], 1)
        row.pop("baseline_runs", None)
        row["goals"] = REG_GOALS
        row["goals_met"] = {"regs_per_s": row["regs_per_s"] >= REG_GOALS["regs_per_s"],
                            "bytes_per_peer_per_worker":
                                row["bytes_per_peer_per_worker"] <= REG_GOALS["bytes_per_peer_per_worker"],
                            "reg_to_fwd_p99_us": row["reg_to_fwd_p99_us"] <= REG_GOALS["reg_to_fwd_p99_us"]}
        rows.append(row)
    return rows


def reg_table(rows, runs_meta):
    md = ["| spokes | workers | regs/s (saturated, window) | latency load | reply p50 / p99 µs | "
          "registration → all workers p50 / p99 µs | its parts p50 / p99 µs: worker rx → control dequeue; "
          "dequeue → push; push → all workers applied | generator RTT p50 / p99 µs | under saturation: reply p50 / p99 µs, "
          "reg → fwd p99 µs | bytes / peer / worker | baseline | run |",
          "|---:|---:|---:|---|---|---|---|---|---|---:|---|---|"]
    pair = lambda r, k: (f"{r[k + '_p50_us']} / {r[k + '_p99_us']}" if k + "_p50_us" in r else "–")
    for r in rows:
        base = r.get("baseline", "none")
        if base == "none":
            base = "none: " + r.get("baseline_reason", "")
        else:
            base += (f" {r.get('baseline_regs_per_s', '?')} regs/s"
                     + (f" ({r['baseline_accepted']} of {r['baseline_spokes']} in budget)"
                        if r.get("baseline_complete") is False else "")
                     + (f", hub **{r['ratio']}×**" if r.get("ratio") else "")
                     + f", RTT p50 / p99 {r.get('baseline_rtt_p50_us', '?')} / {r.get('baseline_rtt_p99_us', '?')} µs"
                     + (f" (window {r['baseline_window']})" if "baseline_window" in r else "")
                     + (f", one outstanding {r['baseline_paced_rtt_p50_us']} / {r['baseline_paced_rtt_p99_us']} µs"
                        if "baseline_paced_rtt_p50_us" in r else "")
                     + (f", nhrpd + zebra {r['baseline_bytes_per_peer']} B/peer" if "baseline_bytes_per_peer" in r else "")
                     + (f", load {r['baseline_loadavg']}" if "baseline_loadavg" in r else ""))
        load = f"paced: {r['paced_spokes']} spokes at {r['paced_rate']}/s" + (
            f"; control {r['control_idle']}" if r.get("control_idle") else "") + (
            f"; generator on core {r['gen_core']}" if r.get("gen_core") is not None else "")
        md.append(f"| {r['spokes']} | {r['workers']} | **{r['regs_per_s']}** (w {r['saturated_window']}; runs "
                  f"{', '.join(str(x) for x in r['regs_per_s_runs'])}) | {load} | "
                  f"{r['latency_p50_us']} / {r['latency_p99_us']} | "
                  f"**{r['reg_to_fwd_p50_us']} / {r['reg_to_fwd_p99_us']}** | {pair(r, 'punt_to_deq')}; "
                  f"{pair(r, 'deq_to_push')}; {pair(r, 'push_to_apply')} | {r['rtt_p50_us']} / {r['rtt_p99_us']} | "
                  f"{r['saturated_latency_p50_us']} / {r['saturated_latency_p99_us']}, {r['saturated_reg_to_fwd_p99_us']} | "
                  f"**{r['bytes_per_peer_per_worker']}** | {base} | {r['run']} |")
    md.append("")
    md.append("Latencies at light load come from the paced run (spokes and rate in the row's data below); goals: "
              + ", ".join(f"{k} {'≥' if k == 'regs_per_s' else '≤'} {v}" for k, v in REG_GOALS.items()) + ".")
    for rid, m in runs_meta.items():
        md.append("")
        md.append(f"Run {rid}: {m.get('machine')}; DPDK {m.get('dpdk')}; hub {m.get('hub_version')}; "
                  f"{m.get('sched')}; load average before the run {m.get('loadavg', '?')}.")
        md.append("")
        md.append(f"    {m.get('command')}")
    return "\n".join(md)


def cmd_reg_report(a):
    with open(a.meta) as f:
        meta = json.load(f)
    with open(a.runs) as f:
        runs = [json.loads(line) for line in f if line.strip()]
    if a.baseline and os.path.exists(a.baseline):
        with open(a.baseline) as f:
            meta["reg_baseline"] = json.load(f)
    rows = reg_rows(runs, meta)
    for r in rows:
        print(f"nhrp-register w{r['workers']} {r['spokes']} spokes: {r['regs_per_s']} regs/s; reply p50/p99 "
              f"{r['latency_p50_us']}/{r['latency_p99_us']} us; reg->fwd p50/p99 {r['reg_to_fwd_p50_us']}/"
              f"{r['reg_to_fwd_p99_us']} us; {r['bytes_per_peer_per_worker']} B/peer/worker; goals met "
              f"{r['goals_met']}")
    if a.json:
        prev = []
        if os.path.exists(a.json):
            with open(a.json) as f:
                prev = json.load(f)
        with open(a.json, "w") as f:
            json.dump(prev + rows, f, indent=1)
            f.write("\n")
    if not a.doc or not rows:
        return
    text = open(a.doc).read() if os.path.exists(a.doc) else "# Benchmarks\n"
    data = {"rows": [], "runs": {}}
    if REG_BEGIN in text and REG_END in text:
        head, rest = text.split(REG_BEGIN, 1)
        block, tail = rest.split(REG_END, 1)
        if REG_DATA in block:
            data = json.loads(block.split(REG_DATA, 1)[1].split(" -->", 1)[0])
    else:
        head, tail = text.rstrip("\n") + "\n\n", "\n"
    run_id = meta["date"]
    data["runs"][run_id] = {k: meta.get(k) for k in ("date", "machine", "dpdk", "hub_version", "sched",
                                                     "command", "loadavg")}
    key = lambda r: f"{r['spokes']}|{r['workers']}"
    new = {key(r): dict(r, run=run_id) for r in rows}
    old = {key(r): r for r in data["rows"]}
    order = [key(r) for r in data["rows"]] + [k for k in new if k not in old]
    data["rows"] = sorted((new.get(k, old.get(k)) for k in order), key=lambda r: (r["spokes"], r["workers"]))
    used = {r["run"] for r in data["rows"]}
    data["runs"] = {k: v for k, v in data["runs"].items() if k in used}
    block = "\n" + reg_table(data["rows"], data["runs"]) + "\n\n" + REG_DATA + json.dumps(data) + " -->\n"
    with open(a.doc, "w") as f:
        f.write(head + REG_BEGIN + block + REG_END + tail)


def main():
    ap = argparse.ArgumentParser(description="helpers for ./scripts/bench")
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("pcap")
    p.add_argument("kind", choices=KINDS)
    p.add_argument("out")
    p.add_argument("--aux", help="the other port's one-shot ARP file (two-port kinds)")
    p.add_argument("--size", required=True, help="inner IPv4 total length, or imix")
    p.add_argument("--spokes", type=int, default=16)
    p.add_argument("--flows", type=int, default=16, help="flows per spoke")
    p.add_argument("--esp", choices=sorted(ESP_ALGS), help="spokes send their GRE in ESP")
    p.set_defaults(func=cmd_pcap)
    p = sub.add_parser("config")
    p.add_argument("kind", choices=KINDS)
    p.add_argument("--spokes", type=int, default=16)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--main")
    p.add_argument("--aux")
    p.add_argument("--esp", choices=sorted(ESP_ALGS), help="SAs per spoke, ESP required")
    p.add_argument("--device", help="the hairpin's underlay device instead of net_pcap")
    p.set_defaults(func=cmd_config)
    p = sub.add_parser("secgw-config")
    p.add_argument("kind", choices=("lan-to-gre", "gre-to-lan"))
    p.add_argument("--spokes", type=int, default=16)
    p.add_argument("--esp", choices=sorted(ESP_ALGS), required=True)
    p.add_argument("--type", choices=("cpu-crypto", "no-offload"), default="cpu-crypto")
    p.set_defaults(func=cmd_secgw_config)
    p = sub.add_parser("measure")
    p.add_argument("--prefix", required=True)
    p.add_argument("--pid", type=int, required=True)
    p.add_argument("--in-port", type=int, default=0)
    p.add_argument("--out-port", type=int, default=0)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--hub", action="store_true", help="also read the hub's /dmvpn/stats")
    p.add_argument("--all-txq", action="store_true", help="count every tx queue of the out port")
    p.add_argument("--warmup", type=float, required=True)
    p.add_argument("--duration", type=float, required=True)
    p.add_argument("--start-timeout", type=float, default=60)
    p.add_argument("--label", default="")
    p.add_argument("--rt", type=int, default=0, help="SCHED_FIFO priority of the forwarding threads")
    p.set_defaults(func=cmd_measure)
    p = sub.add_parser("report")
    p.add_argument("--results", required=True)
    p.add_argument("--meta", required=True)
    p.add_argument("--crypto", help="JSON lines from tests/tools/bench_crypto")
    p.add_argument("--esp-limit", help="JSON lines from bench_crypto per ESP scenario")
    p.add_argument("--rte-ipsec", help="JSON lines from tests/tools/bench_rte_ipsec")
    p.add_argument("--json")
    p.add_argument("--doc")
    p.set_defaults(func=cmd_report)
    p = sub.add_parser("config-nhrp")
    p.add_argument("--spokes", type=int, default=100000)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--socket", required=True, help="the net_memif control socket path")
    p.add_argument("--control-idle-us", type=int, default=None,
                   help="control.idle_sleep_us (default: the hub's own default)")
    p.set_defaults(func=cmd_config_nhrp)
    p = sub.add_parser("reg-collect")
    p.add_argument("--prefix", required=True)
    p.add_argument("--mode", choices=("saturated", "paced"), required=True)
    p.add_argument("--timeout", type=float, default=30)
    p.set_defaults(func=cmd_reg_collect)
    p = sub.add_parser("reg-report")
    p.add_argument("--runs", required=True)
    p.add_argument("--meta", required=True)
    p.add_argument("--baseline", help="JSON of the FRR nhrpd side-by-side, if measured")
    p.add_argument("--json")
    p.add_argument("--doc")
    p.set_defaults(func=cmd_reg_report)
    a = ap.parse_args()
    a.func(a)


if __name__ == "__main__":
    main()

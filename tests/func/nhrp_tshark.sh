#!/usr/bin/env bash
# tshark as the judge of the NHRP codec. nhrp_pcapgen builds every message the codec can
# build (all op codes, with and without each extension) as Ethernet / IPv4 / GRE 0x2001 /
# NHRP, without and with a GRE key, plus a JSON line per frame saying what it built. tshark
# decodes the capture; each frame must decode with no malformed packet and no expert error,
# and show the op code, hop count, flags, request ID, addresses, CIE codes, prefixes, MTUs
# and holdtimes, the error code and offset, and the extension types that were built.
#
# The Authentication extension is decoded in Cisco's form (-o nhrp.auth_ext_has_addr:FALSE):
# by default Wireshark expects RFC 2332's SPI + source address, reads a Cisco password's
# first bytes as that address, and calls a password under 4 bytes malformed. The last check
# pins exactly that disagreement, so a tshark that changes its mind is noticed.
set -u
. tests/lib.sh

command -v tshark >/dev/null 2>&1 || t_skip_all "tshark is not installed"
command -v python3 >/dev/null 2>&1 || t_skip_all "python3 is not installed"
TOOL=${HUB_BUILD:-build}/tests/tools/nhrp_pcapgen
if [ ! -x "$TOOL" ]; then
	t_fail "nhrp_pcapgen is not built at $TOOL"
	t_done
	exit 1
fi

TMP=$(mktemp -d "/tmp/nhrp_tshark.$T_ID.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

if "$TOOL" "$TMP/nhrp.pcap" "$TMP/expect.jsonl" >"$TMP/pcapgen.log" 2>&1; then
	t_ok "nhrp_pcapgen: $(tail -n 1 "$TMP/pcapgen.log"); buffer and mbuf builders agree"
else
	cat "$TMP/pcapgen.log"
	t_fail "nhrp_pcapgen"
	t_done
	exit 1
fi

t_check "tshark decodes the capture (Cisco authentication form)" \
	sh -c "tshark -r '$TMP/nhrp.pcap' -o nhrp.auth_ext_has_addr:FALSE -T json \
		>'$TMP/cisco.json' 2>'$TMP/tshark.err'"
t_check "tshark decodes the capture (default preferences)" \
	sh -c "tshark -r '$TMP/nhrp.pcap' -T json >'$TMP/default.json' 2>>'$TMP/tshark.err'"

python3 - "$TMP/expect.jsonl" "$TMP/cisco.json" "$TMP/default.json" >"$TMP/result" <<'PY'
import json
import sys

PI_ERROR = 0x00800000


def obj(pairs):
    # Keep JSON objects as ordered (key, value) lists: tshark repeats keys (several
    # "Client Information Entry" subtrees) and extension order matters.
    return pairs


def is_obj(v):
    return isinstance(v, list) and all(isinstance(x, tuple) for x in v)


def get(o, key, default=None):
    for k, v in o:
        if k == key:
            return v
    return default


def get_all(o, key):
    return [v for k, v in o if k == key]


def walk(o):
    for k, v in o:
        yield k, v
        if is_obj(v):
            yield from walk(v)
        elif isinstance(v, list):
            for x in v:
                if is_obj(x):
                    yield from walk(x)


def expert_errors(layers):
    out = []
    for k, v in walk(layers):
        if k == "_ws.malformed":
            out.append("malformed packet")
        if k == "_ws.expert" and is_obj(v):
            sev = int(get(v, "_ws.expert.severity", "0"))
            if sev >= PI_ERROR:
                out.append(get(v, "_ws.expert.message", "?"))
    return out


def cie_list(tree):
    return [c for c in get_all(tree, "Client Information Entry") if is_obj(c)]


def check_cies(what, got, want, errs):
    if len(got) != len(want):
        errs.append(f"{what}: {len(got)} CIEs, built {len(want)}")
        return
    for i, (g, w) in enumerate(zip(got, want)):
        for field, key in (("code", "nhrp.code"), ("prefix", "nhrp.prefix"),
                           ("mtu", "nhrp.mtu"), ("hold", "nhrp.htime")):
            if int(get(g, key, "-1")) != w[field]:
                errs.append(f"{what} CIE {i}: {key}={get(g, key)} built {w[field]}")
        for field, key in (("nbma", "nhrp.client.nbma.addr"),
                           ("proto", "nhrp.client.prot.addr")):
            if get(g, key) != w[field]:
                errs.append(f"{what} CIE {i}: {key}={get(g, key)} built {w[field]}")


HEADER_TREES = ("NHRP Fixed Header", "NHRP Mandatory Part", "Packet Causing Indication")


def check_frame(pkt, e):
    errs = []
    layers = get(get(pkt, "_source"), "layers")
    errs += expert_errors(layers)
    gre = get(layers, "gre")
    nhrp = get(layers, "nhrp")
    if gre is None or nhrp is None:
        return errs + ["no GRE or NHRP layer"]
    if get(gre, "gre.proto") != "0x2001":
        errs.append(f"gre.proto {get(gre, 'gre.proto')}")
    key = get(gre, "gre.key")
    want_key = None if e["key"] is None else f"0x{e['key']:08x}"
    if key != want_key:
        errs.append(f"gre.key {key}, built {want_key}")

    fixed = get(nhrp, "NHRP Fixed Header")
    mand = get(nhrp, "NHRP Mandatory Part")
    checks = [
        ("nhrp.hdr.op.type", int(get(fixed, "nhrp.hdr.op.type", "-1")), e["op"]),
        ("nhrp.hdr.hopcnt", int(get(fixed, "nhrp.hdr.hopcnt", "-1")), e["hop"]),
        ("nhrp.hdr.pktsz", int(get(fixed, "nhrp.hdr.pktsz", "-1")), e["pktsz"]),
        ("nhrp.hdr.version", get(fixed, "nhrp.hdr.version"), "1"),
        ("nhrp.hdr.chksum.status (1 = good)", get(fixed, "nhrp.hdr.chksum.status"), "1"),
        ("extensions present", int(get(fixed, "nhrp.hdr.extoff", "0")) != 0,
         len(e["exts"]) > 0),
        ("nhrp.src.nbma.addr", get(mand, "nhrp.src.nbma.addr"), e["src_nbma"]),
        ("nhrp.src.nbma.saddr", get(mand, "nhrp.src.nbma.saddr"), e["src_sub"]),
        ("nhrp.src.prot.addr", get(mand, "nhrp.src.prot.addr"), e["src_proto"]),
        ("nhrp.dst.prot.addr", get(mand, "nhrp.dst.prot.addr"), e["dst_proto"]),
    ]
    if e["op"] <= 6:
        checks += [
            ("nhrp.flags", int(get(mand, "nhrp.flags", "-1"), 16), e["flags"]),
            ("nhrp.reqid", int(get(mand, "nhrp.reqid", "-1"), 0), e["reqid"]),
        ]
    elif e["op"] == 7:
        checks += [
            ("nhrp.err.code", int(get(mand, "nhrp.err.code", "-1")), e["code"]),
            ("nhrp.err.offset", int(get(mand, "nhrp.err.offset", "-1")), e["ei_offset"]),
        ]
    for name, got, want in checks:
        if got != want:
            errs.append(f"{name}: tshark {got}, built {want}")
    check_cies("mandatory part", cie_list(mand), e["cies"], errs)

    ind = get(nhrp, "Packet Causing Indication")
    if e["op"] == 7:
        inner = get(ind or [], "nhrp")
        if inner is None or get(get(inner, "NHRP Fixed Header"), "nhrp.hdr.op.type") != "3":
            errs.append("Error Indication: the packet in error is not the registration")
    if e["op"] == 8:
        ip = get(ind or [], "ip")
        if ip is None or (get(ip, "ip.src"), get(ip, "ip.dst")) != ("10.0.101.2",
                                                                   "10.0.103.2"):
            errs.append("Traffic Indication: the triggering IPv4 packet is not decoded")

    exts = [(k, v) for k, v in nhrp if k not in HEADER_TREES and is_obj(v)]
    got = [(int(get(v, "nhrp.ext.type", "-1"), 16), get(v, "nhrp.ext.c") == "1")
           for _, v in exts]
    want = [(x["type"], x["c"]) for x in e["exts"]]
    if got != want:
        errs.append(f"extensions (type, C): tshark {got}, built {want}")
    else:
        for (name, tree), x in zip(exts, e["exts"]):
            if x["type"] in (3, 4, 5, 9):
                check_cies(name, cie_list(tree), x["cies"], errs)
    return errs


def frames(path):
    return json.load(open(path), object_pairs_hook=obj)


expect = [json.loads(line) for line in open(sys.argv[1])]
cisco = frames(sys.argv[2])
default = frames(sys.argv[3])
passed = failed = 0


def report(ok, text):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok   - {text}")
    else:
        failed += 1
        print(f"FAIL - {text}")


report(len(cisco) == len(expect), f"tshark shows {len(cisco)} frames, {len(expect)} built")
for pkt, e in zip(cisco, expect):
    errs = check_frame(pkt, e)
    key = "no key" if e["key"] is None else f"key {e['key']}"
    report(not errs, f"frame {e['frame']} {e['name']} ({key})" +
           ("" if not errs else ": " + "; ".join(errs)))

# The one known disagreement, with tshark's default preferences.
short = {e["frame"] for e in expect if e["name"].endswith("-auth-short")}
flagged = {}
for pkt, e in zip(default, expect):
    errs = expert_errors(get(get(pkt, "_source"), "layers"))
    if errs:
        flagged[e["frame"]] = errs
only_auth = all(m in ("Incomplete Authentication Extension", "malformed packet")
                for errs in flagged.values() for m in errs)
report(set(flagged) == short and only_auth,
       f"default preferences: tshark flags exactly the {len(short)} frames with a Cisco "
       f"password under 4 bytes (RFC 2332 SPI/source-address reading)")
print(f"RESULT {passed} {failed}")
PY

grep -v '^RESULT ' "$TMP/result"
if line=$(grep '^RESULT ' "$TMP/result"); then
	read -r _ p f <<<"$line"
	T_PASS=$((T_PASS + p))
	T_FAIL=$((T_FAIL + f))
else
	t_fail "the comparison with tshark's decoding did not run"
fi
t_done

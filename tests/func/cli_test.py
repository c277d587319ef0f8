#!/usr/bin/python3
"""The CLI checks of tests/func/cli_test.sh, against a running hub.

Prints one "ok   - what" or "FAIL - what: why" line per check; exits 0 when all
passed, 1 when some failed. Plain sockets only (tests/func/cli_client.py).
"""
import argparse
import json
import os
import random
import re
import socket
import struct
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cli_client import PROMPT, SCALE, Session, strip_iac  # noqa: E402

RESULTS = []


def check(desc, cond, why=""):
    ok = bool(cond)
    RESULTS.append(ok)
    line = ("ok   - " if ok else "FAIL - ") + desc
    if not ok and why:
        line += ": " + str(why).replace("\n", "\\n")[:600]
    print(line, flush=True)
    return ok


# --- golden text ----------------------------------------------------------------------

TIME_RE = re.compile(r"(?<![\w:])(\d\d:\d\d:\d\d|\d+d\d\dh|\d+w\d+d)(?![\w:])")
PCT_RE = re.compile(r"\d+\.\d+%")
PEER_PORT_RE = re.compile(r"\b(\d+\.\d+\.\d+\.\d+):\d+")
NUM_RE = re.compile(r"(?<![\w.:/-])\d+(?![\w./:])")
DPDK_RE = re.compile(r"DPDK \d+\.\d+(\.\d+)?(-\w+)?")
DIR_RE = re.compile(r"/tmp/dmvpn-cli\.\w+/")


def mask(text, numbers):
    """Times always; with numbers, every counter-like integer too (addresses, MACs and
    names keep theirs)."""
    text = DIR_RE.sub("DIR/", DPDK_RE.sub("DPDK x.y", TIME_RE.sub("HH:MM:SS", text)))
    if numbers:
        text = PEER_PORT_RE.sub(r"\1:PORT", PCT_RE.sub("#%", text))
        text = NUM_RE.sub("#", text)
    return text


# (command, mask numbers). The file name is the command with spaces as underscores.
GOLDEN = [
    ("show dmvpn", False),
    ("show dmvpn detail", False),
    ("show ip nhrp", False),
    ("show ip nhrp detail", False),
    ("show ip nhrp 192.168.1.2", False),
    ("show ip nhrp 192.168.1.3 detail", False),
    ("show ip nhrp 192.168.1.77", False),
    ("show ip nhrp 192.168.1.4 detail", False),
    ("show ip nhrp traffic", True),
    ("show ip cef 192.168.1.4", False),
    ("show ip route", False),
    ("show ip route 10.2.0.5", False),
    ("show ip route 8.8.8.8", False),
    ("show ip cef 10.2.0.5", False),
    ("show ip cef 10.9.0.1", False),
    ("show ip cef 192.168.1.3", False),
    ("show ip cef 192.168.1.77", False),
    ("show ip cef 172.16.1.1", False),
    ("show ip cef 10.0.0.254", False),
    ("show ip cef 192.168.1.1", False),
    ("show ip cef 8.8.8.8", False),
    ("show arp", True),
    ("show interfaces", True),
    ("show port stats", True),
    ("show port stats 1", True),
    ("show lcores", True),
    ("show drops", True),
    ("show version", True),
    ("show running-config", False),
    ("show users", True),
    ("help", False),
    ("show foo", False),
    ("sh i", False),
    ("show", False),
    ("show ip nhrp 1.2.3", False),
    ("show ip nhrp 1.2.3.999", False),
    ("show port stats 9", False),
    ("ip route 10.5.0.1/16 via 10.0.0.9", False),
    ("ip route 10.5.0.0/16 via 8.8.8.8", False),
    ("ip nhrp map 10.1.1.1 1.1.1.9", False),
    ("ip nhrp map 192.168.1.1 1.1.1.9", False),
    ("ip nhrp map 192.168.1.60 224.0.0.5", False),
    ("no ip nhrp map 192.168.1.9", False),
    ("no ip route 192.168.1.0/24", False),
    ("clear ip nhrp 192.168.1.2", False),
]

# Same output as their long form.
PREFIXES = [
    ("sh dmvpn", "show dmvpn"),
    ("sh dm det", "show dmvpn detail"),
    ("sh ip nh", "show ip nhrp"),
    ("sh ip ro", "show ip route"),
    ("sh ip ce 10.2.0.5", "show ip cef 10.2.0.5"),
    ("show   ip    nhrp   192.168.1.2", "show ip nhrp 192.168.1.2"),
    ("sh run", "show running-config"),
]

JSON_CMDS = [
    "show dmvpn json", "show dmvpn detail json", "show ip nhrp json", "show ip nhrp detail json",
    "show ip nhrp 192.168.1.2 json", "show ip nhrp 192.168.1.2 detail json",
    "show ip nhrp traffic json",
    "show ip route json", "show ip route 10.2.0.5 json", "show ip cef 10.2.0.5 json",
    "show ip cef 10.9.0.1 json", "show arp json", "show interfaces json",
    "show port stats json", "show port stats all json", "show port stats 0 json",
    "show lcores json", "show drops json", "show version json", "show running-config json",
    "show users json",
]


def golden_name(cmd):
    return cmd.replace(" ", "_").replace("/", "_") + ".txt"


def test_goldens(s, gdir, update):
    s.cmd("clear counters")
    bad = []
    for cmd, numbers in GOLDEN:
        if cmd == "show drops":
            s.cmd("clear counters")
        out = mask(s.cmd(cmd), numbers)
        path = os.path.join(gdir, golden_name(cmd))
        if update:
            with open(path, "w") as f:
                f.write(out)
            continue
        try:
            with open(path) as f:
                want = f.read()
        except OSError as e:
            want = "<%s>" % e
        if out != want:
            bad.append(cmd)
            print("--- %s: expected\n%s--- got\n%s---" % (cmd, want, out))
    if not update:
        check("%d commands match their golden text (times masked)" % len(GOLDEN), not bad,
              ", ".join(bad))
    for short, full in PREFIXES:
        a, b = mask(s.cmd(short), False), mask(s.cmd(full), False)
        check("unambiguous prefix \"%s\" = \"%s\"" % (short, full), a == b and a, a[:200])


def test_json(s):
    docs = {}
    for cmd in JSON_CMDS:
        out = s.cmd(cmd)
        try:
            docs[cmd] = json.loads(out)
            ok = True
        except ValueError as e:
            ok = False
            print("    %s: %s in %r" % (cmd, e, out[:300]))
        check("\"%s\" is one valid JSON document" % cmd, ok)
    d = docs.get("show dmvpn json")
    if d:
        t0 = d["tunnels"][0]
        check("dmvpn json: Tunnel0 has 4 entries (2 static, 1 incomplete, 1 dynamic)",
              t0["name"] == "Tunnel0" and t0["nhrp_peers"] == 4 and
              [p["attributes"] for p in t0["peers"]] == ["S", "S", "I", "D"], t0)
        check("dmvpn json: peer 192.168.1.2 -> 1.1.1.2, up, static",
              any(p["tunnel"] == "192.168.1.2" and p["nbma"] == "1.1.1.2" and p["state"] == "up"
                  for p in t0["peers"]), t0["peers"])
        check("dmvpn json: Tunnel1 listed with no peers",
              d["tunnels"][1]["name"] == "Tunnel1" and d["tunnels"][1]["peers"] == [])
    d = docs.get("show ip nhrp 192.168.1.2 json")
    if d:
        e = d["entries"][0]
        check("nhrp json: one static entry, never expires",
              len(d["entries"]) == 1 and e["type"] == "static" and e["expires_s"] is None
              and e["nbma"] == "1.1.1.2", e)
    d = docs.get("show ip route json")
    if d:
        r = {x["prefix"]: x for x in d["routes"]}
        check("route json: 10.2.0.0/16 static via 192.168.1.2 on Tunnel0",
              r.get("10.2.0.0/16", {}).get("via") == "192.168.1.2" and
              r["10.2.0.0/16"]["interface"] == "Tunnel0" and r["10.2.0.0/16"]["source"] == "static",
              r.get("10.2.0.0/16"))
        check("route json: connected and local routes of both tunnels and the LAN",
              all(p in r for p in ("192.168.1.0/24", "192.168.1.1/32", "10.255.0.0/16",
                                   "10.0.0.0/24", "10.0.0.1/32")), sorted(r))
    d = docs.get("show ip cef 10.2.0.5 json")
    check("cef json: 10.2.0.5 has a valid adjacency",
          d and d["adjacency"] == "valid" and d["prefix"] == "10.2.0.0/16", d)
    d = docs.get("show ip cef 10.9.0.1 json")
    check("cef json: 10.9.0.1 (no binding) is incomplete", d and d["adjacency"] == "incomplete", d)
    d = docs.get("show arp json")
    if d:
        st = {e["address"]: e["state"] for e in d["entries"]}
        check("arp json: spokes and LAN gateway resolved",
              st.get("1.1.1.2") == "reachable" and st.get("10.0.0.254") == "reachable" and
              st.get("1.1.1.1") == "local", st)
    d = docs.get("show interfaces json")
    if d:
        p = {x["name"]: x for x in d["ports"]}
        check("interfaces json: nbma0 1.1.1.1/24 underlay mtu 1500, link up",
              p["nbma0"]["address"] == "1.1.1.1/24" and p["nbma0"]["role"] == "underlay" and
              p["nbma0"]["mtu"] == 1500 and p["nbma0"]["link"] == "up" and
              p["nbma0"]["mac"] == "02:00:00:00:01:01", p.get("nbma0"))
        check("interfaces json: two tunnels, Tunnel0 key 42, 2 static peers",
              len(d["tunnels"]) == 2 and d["tunnels"][0]["key"] == 42 and
              d["tunnels"][0]["peers"]["static"] == 2, d["tunnels"])
    d = docs.get("show drops json")
    if d:
        check("drops json: every named reason present, totals add up",
              len(d["reasons"]) >= 30 and "ipv4-bad-checksum" in d["reasons"] and
              d["total"] == sum(v["total"] for v in d["reasons"].values()), d["total"])
    d = docs.get("show lcores json")
    # The counters shown are control's snapshot minus the baseline of the last `clear
    # counters`: right after a clear, on a loaded machine, the snapshot may not have
    # been refreshed yet. Wait for it (bounded), then the worker's loops must count.
    for _ in range(20):
        if not d or len(d["workers"]) != 1 or d["workers"][0]["loops"] > 0:
            break
        time.sleep(0.25)
        try:
            d = json.loads(s.cmd("show lcores json"))
        except ValueError:
            d = None
    check("lcores json: one worker with loops counted",
          d and len(d["workers"]) == 1 and d["workers"][0]["loops"] > 0, d)
    d = docs.get("show running-config json")
    check("running-config json: the text of the configuration",
          d and "tunnels = (" in d["text"] and "192.168.1.3" in d["text"], d and d["text"][:100])
    d = docs.get("show port stats 0 json")
    check("port stats json: port 0 is nbma0", d and d["ports"][0]["name"] == "nbma0", d)


def test_errors(s):
    cases = [
        ("show foo", "Invalid input detected"),
        ("bogus", "Invalid input detected"),
        ("show ip nhrp 300.1.1.1", "Invalid input detected"),
        ("show ip cef", "Incomplete command"),
        ("ip nhrp map 192.168.1.30", "Incomplete command"),
        ("sh i", "Ambiguous command"),
        ("show ip route 1.2.3.4/33", "Invalid input detected"),
        ("ip route 10.0.0.0/33 via 1.1.1.2", "Invalid input detected"),
        ("show dmvpn json extra", "Invalid input detected"),
    ]
    for line, want in cases:
        out = s.cmd(line)
        errs = [x for x in out.splitlines() if x.startswith("%")]
        after = s.cmd("show version")
        check("\"%s\": one error line (%s), the session carries on" % (line, want),
              len(errs) == 1 and want in errs[0] and after.startswith("dmvpn-hub "), out)
    out = s.cmd("show foo")
    check("caret points at the bad word",
          out.splitlines()[0] == " " * (len(PROMPT) + 5) + "^", repr(out))


def test_runtime(s):
    s.cmd("ip nhrp map 192.168.1.50 1.1.1.50")
    out = s.cmd("show dmvpn")
    check("ip nhrp map: show dmvpn lists 192.168.1.50 -> 1.1.1.50, static",
          re.search(r"1\.1\.1\.50\s+192\.168\.1\.50\s+UP\s+\S+\s+S", out), out)
    out = s.cmd("show running-config")
    check("ip nhrp map: show running-config has the map",
          'tunnel = "192.168.1.50";' in out and 'nbma = "1.1.1.50";' in out)
    out = s.cmd("no ip nhrp map 192.168.1.50 1.1.1.99")
    check("no ip nhrp map with the wrong NBMA address is refused", out.startswith("%"), out)
    out = s.cmd("no ip nhrp map 192.168.1.50")
    check("no ip nhrp map prints nothing", out == "", out)
    out = s.cmd("show dmvpn")
    check("no ip nhrp map: gone from show dmvpn", "192.168.1.50" not in out, out)
    check("no ip nhrp map: gone from show running-config",
          "192.168.1.50" not in s.cmd("show running-config"))
    # Removing a configured map shows in the running configuration too.
    s.cmd("no ip nhrp map 192.168.1.3")
    out = s.cmd("show running-config")
    check("no ip nhrp map of a configured map: gone from the running config",
          "192.168.1.3" not in out and "192.168.1.2" in out)
    s.cmd("ip nhrp map 192.168.1.3 1.1.1.3")
    out = s.cmd("ip route 10.50.0.0/16 via 192.168.1.50")
    check("ip route via an unregistered spoke is accepted", out == "", out)
    out = s.cmd("show ip route 10.50.1.1")
    check("ip route: show ip route finds it", "Routing entry for 10.50.0.0/16" in out, out)
    out = s.cmd("show dmvpn")
    check("ip route via 192.168.1.50: an incomplete entry appears",
          re.search(r"UNKNOWN\s+192\.168\.1\.50\s+NHRP\s+never I", out), out)
    out = s.cmd("ip route 10.60.0.0/16 10.0.0.254")
    check("ip route without 'via' (Cisco's form) works", out == "", out)
    check("ip route: in show running-config",
          'prefix = "10.50.0.0/16";' in s.cmd("show running-config"))
    out = s.cmd("no ip route 10.50.0.0/16 via 192.168.1.99")
    check("no ip route with another next hop is refused", out.startswith("% No static route"), out)
    s.cmd("no ip route 10.50.0.0/16")
    s.cmd("no ip route 10.60.0.0/16")
    check("no ip route: gone", s.cmd("show ip route 10.50.1.1").startswith("Routing entry for 0")
          or "10.50.0.0" not in s.cmd("show ip route"))
    check("no ip route: the incomplete entry goes with its last route",
          "192.168.1.50" not in s.cmd("show dmvpn"))
    e = json.loads(s.cmd("show ip nhrp 192.168.1.4 json"))["entries"][0]
    check("the dynamic entry counts down from its holdtime (600 s)",
          e["type"] == "dynamic" and 590 <= e["expires_s"] <= 600 and "registered" in e["flags"]
          and "unique" in e["flags"], e)
    out = s.cmd("no ip nhrp map 192.168.1.4")
    check("no ip nhrp map refuses a dynamic entry", out.startswith("% 192.168.1.4 is a dynamic"),
          out)
    out = s.cmd("clear ip nhrp")
    d = s.cmd("show dmvpn")
    check("clear ip nhrp removes the dynamic entry and leaves the static ones",
          out == "" and "192.168.1.4" not in d and "192.168.1.2" in d, d)


def test_negotiation(port):
    sock = socket.create_connection(("127.0.0.1", port), timeout=5 * SCALE)
    data = b""
    while PROMPT not in data:
        data += sock.recv(4096)
    check("server opens with IAC WILL ECHO, IAC WILL SUPPRESS-GO-AHEAD, then the prompt",
          data == b"\xff\xfb\x01\xff\xfb\x03" + PROMPT, repr(data))
    # What netkit telnet answers, plus offers and a NAWS subnegotiation.
    sock.sendall(b"\xff\xfd\x01\xff\xfd\x03\xff\xfb\x1f\xff\xfd\x18"
                 b"\xff\xfa\x1f\x00\x50\x00\x18\xff\xf0show version\r\n")
    data = b""
    deadline = time.monotonic() + 5 * SCALE
    while b"\r\n" + PROMPT not in data and time.monotonic() < deadline:
        data += sock.recv(4096)
    check("DO ECHO/SGA acknowledged silently, WILL NAWS refused, DO TTYPE refused",
          data.startswith(b"\xff\xfe\x1f\xff\xfc\x18"), repr(data[:40]))
    check("a command after negotiation and subnegotiation runs",
          b"dmvpn-hub 0.1.0" in strip_iac(data), repr(data[:200]))
    # telnet's Enter in character mode is CR NUL
    sock.sendall(b"show ver\r\0")
    data = b""
    while b"\r\n" + PROMPT not in data:
        data += sock.recv(4096)
    check("CR NUL ends a line like CR LF", b"Uptime is" in data, repr(data[:100]))
    sock.sendall(b"exit\r\n")
    sock.settimeout(5)
    rest = b""
    try:
        while True:
            d = sock.recv(4096)
            if not d:
                break
            rest += d
        closed = True
    except OSError:
        closed = False
    check("exit closes the connection", closed, repr(rest))


def test_real_telnet(port):
    """A stock telnet client on a pty: character mode, TAB, '?', history, ^C."""
    import pty
    import select
    if not os.access("/usr/bin/telnet", os.X_OK):
        print("    (no /usr/bin/telnet: real client checks skipped)")
        return
    pid, fd = pty.fork()
    if pid == 0:
        os.execv("/usr/bin/telnet", ["telnet", "127.0.0.1", str(port)])

    def expect(token, t=5.0):
        out = b""
        end = time.monotonic() + t
        while token not in out and time.monotonic() < end:
            r, _, _ = select.select([fd], [], [], 0.05)
            if r:
                try:
                    out += os.read(fd, 65536)
                except OSError:
                    break
        return out

    try:
        out = expect(PROMPT)
        check("telnet: connects and gets the prompt", PROMPT in out, out)
        os.write(fd, b"sh dm\t")
        out = expect(b"sh dmvpn ")
        check("telnet: TAB completes a keyword (character mode)", b"sh dmvpn " in out, out)
        os.write(fd, b"\r")
        out = expect(b"\r\n" + PROMPT)
        check("telnet: Enter (CR NUL) runs it", b"Type:Hub" in out, out)
        os.write(fd, b"show ip ?")
        out = expect(b"show ip ")
        out += expect(b"show ip ")
        check("telnet: '?' lists the next words and redraws the line",
              b"  nhrp   The NHRP cache" in out and out.endswith(b"show ip \x1b[0K"), out)
        os.write(fd, b"\x03")
        expect(PROMPT)
        os.write(fd, b"\x1b[A")
        out = expect(b"sh dm")
        check("telnet: up arrow recalls the last command", b"sh dm" in out, out)
        os.write(fd, b"\x03")
        expect(PROMPT)
        os.write(fd, b"\x1b[A")
        out = expect(b"sh dm", 2)
        check("telnet: ... and again after ^C abandoned the recalled line", b"sh dm" in out, out)
        os.write(fd, b"\x03quit\r")
        out = expect(b"closed")
        check("telnet: quit ends the session", b"Connection closed" in out, out)
    finally:
        try:
            os.kill(pid, 9)
        except OSError:
            pass
        os.waitpid(pid, 0)
        os.close(fd)


def test_many(port, n=100):
    probe = Session(port=port)
    before = len(json.loads(probe.cmd("show users json"))["sessions"])
    socks = []
    for _ in range(n):
        socks.append(socket.create_connection(("127.0.0.1", port), timeout=15 * SCALE))
    for s in socks:
        s.sendall(b"show version\r\n")
    good = 0
    for s in socks:
        data = b""
        try:
            while data.count(PROMPT) < 2:
                d = s.recv(65536)
                if not d:
                    break
                data += d
        except OSError:
            pass
        if b"dmvpn-hub 0.1.0" in data:
            good += 1
    check("%d concurrent sessions all answered" % n, good == n, "%d of %d" % (good, n))
    users = json.loads(probe.cmd("show users json"))
    check("show users counts them (%d + %d)" % (n, before), len(users["sessions"]) == n + before,
          len(users["sessions"]))
    # Fill the table (256 sessions): the next connection is told and closed.
    more = []
    while len(more) + n + before < 256:
        more.append(socket.create_connection(("127.0.0.1", port), timeout=15 * SCALE))
    for m in more:
        m.recv(16)
    extra = socket.create_connection(("127.0.0.1", port), timeout=15 * SCALE)
    data = b""
    try:
        while True:
            d = extra.recv(4096)
            if not d:
                break
            data += d
    except OSError:
        pass
    check("the 257th connection is refused with one line",
          data == b"% Too many CLI sessions, try again later\r\n", repr(data))
    extra.close()
    for m in more:
        m.close()
    users = json.loads(probe.cmd("show users json"))
    check("... and counted", users["refused_full"] == 1, users["refused_full"])
    for s in socks:
        s.close()
    time.sleep(0.5)
    users = json.loads(probe.cmd("show users json"))
    check("closed sessions are gone", len(users["sessions"]) == before, len(users["sessions"]))
    probe.close()


def test_garbage(port, lines=10000):
    s = Session(port=port, timeout=60)
    rnd = random.Random(7)
    got = bytearray()
    stop = threading.Event()

    def reader():
        s.sock.settimeout(0.2)
        while not stop.is_set():
            try:
                d = s.sock.recv(1 << 16)
            except socket.timeout:
                continue
            except OSError:
                return
            if not d:
                return
            got.extend(d)

    t = threading.Thread(target=reader)
    t.start()
    chunk = bytearray()
    for _ in range(lines):
        n = rnd.randrange(0, 120)
        line = bytes(rnd.randrange(256) for _ in range(n)).replace(b"\r", b"").replace(b"\n", b"")
        chunk += line + b"\r\n"
        if len(chunk) > 32768:
            s.sock.sendall(chunk)
            chunk = bytearray()
    # Two IAC SE end any subnegotiation or command the garbage left open.
    chunk += b"\xff\xf0\xff\xf0\x03\r\nshow version\r\n"
    s.sock.sendall(chunk)
    deadline = time.monotonic() + 60

    def answered():
        text = strip_iac(bytes(got))
        return b"Uptime is" in text and text.endswith(b"\r\n" + PROMPT)

    while not answered() and time.monotonic() < deadline:
        time.sleep(0.1)
    stop.set()
    t.join()
    check("%d lines of random bytes, then a command: it runs" % lines,
          b"Uptime is" in strip_iac(bytes(got)), repr(bytes(got[-300:])))
    s.buf = b""
    try:
        out = s.cmd("show version")
        ok = out.startswith("dmvpn-hub ")
    except (OSError, EOFError, TimeoutError) as e:
        ok, out = False, str(e)
    check("the session is still usable after the garbage", ok, out[:200])
    s.close()


def test_long_line(port):
    s = Session(port=port)
    s.send(b"show " + b"x" * 10240 + b"\r\n")
    out = s.read_until(b"\r\n" + PROMPT).decode("ascii", "replace")
    errs = [x for x in out.splitlines() if x.startswith("%")]
    check("a 10 kB line: one error line", len(errs) == 1 and "Line too long" in errs[0], errs)
    check("a 10 kB line: the next command runs", s.cmd("show version").startswith("dmvpn-hub"))
    s.close()


def read_cmd_slowly(s, line, chunk=16384, pause=0.002):
    s.send(line.encode() + b"\r\n")
    data = b""
    s.sock.settimeout(20)
    while not data.endswith(b"\r\n" + PROMPT):
        d = s.sock.recv(chunk)
        if not d:
            break
        data += d
        time.sleep(pause)
    return strip_iac(data).decode("ascii", "replace").replace("\r\n", "\n")


def test_big_output(port, n=3000):
    s = Session(port=port, timeout=60)
    batch = b""
    for i in range(n):
        batch += b"ip nhrp map 10.255.%d.%d 9.9.%d.%d\r\n" % (i // 250 + 1, i % 250 + 1,
                                                            i // 250 + 1, i % 250 + 1)
    t0 = time.monotonic()
    s.send(batch)
    out = b""
    deadline = time.monotonic() + 60
    while out.count(PROMPT) < n and time.monotonic() < deadline:
        out += s.read_until(PROMPT, 60)
    dt = time.monotonic() - t0
    check("%d ip nhrp map lines in one burst all run" % n,
          out.count(PROMPT) == n and b"%" not in out, out[-200:])
    # About 50 us a line; rdline's history lookup once made it 1 ms (3 s here).
    check("... in %.2f s (under %.0f s)" % (dt, 2.0 * SCALE), dt < 2.0 * SCALE, dt)
    text = read_cmd_slowly(s, "show ip nhrp")
    entries = re.findall(r"^(\S+)/32 via", text, re.M)
    check("show ip nhrp with %d entries (%d kB) read slowly arrives whole" % (n + 3, len(text) // 1024),
          len(entries) == n + 3 and len(set(entries)) == len(entries), len(entries))
    d = json.loads(read_cmd_slowly(s, "show dmvpn json").split("\n", 1)[1].rsplit("\n", 1)[0])
    check("show dmvpn json with %d peers on Tunnel1 parses" % n,
          d["tunnels"][1]["nhrp_peers"] == n and len(d["tunnels"][1]["peers"]) == n,
          d["tunnels"][1]["nhrp_peers"])

    # A client that vanishes mid-output.
    v = Session(port=port)
    v.send(b"show ip nhrp\r\n")
    got = b""
    while len(got) < 20000:
        got += v.sock.recv(4096)
    v.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    v.close()  # RST
    time.sleep(0.5)
    check("a client that disconnects mid-output does not disturb others",
          s.cmd("show version").startswith("dmvpn-hub"))

    # A client that asks and does not read: only it waits.
    q = Session(port=port)
    q.send(b"show ip nhrp\r\n" * 20)
    time.sleep(2)
    t0 = time.monotonic()
    out = s.cmd("show version")
    dt = time.monotonic() - t0
    check("a client that does not read stalls only itself (other session answered in %.0f ms,"
          " under %.0f)" % (dt * 1000, 1000 * SCALE), out.startswith("dmvpn-hub") and dt < SCALE, dt)
    users = json.loads(s.cmd("show users json"))
    queued = [u["output_queued"] for u in users["sessions"] if not u["self"]]
    check("its queued output stays within the 256 KiB bound", queued and max(queued) <= 256 * 1024,
          queued)
    data = b""
    q.sock.settimeout(30)
    while data.count(b"\r\n" + PROMPT) < 20:
        d = q.sock.recv(1 << 16)
        if not d:
            break
        data += d
    check("... and once it reads, it gets all 20 answers",
          data.count(b"\r\n" + PROMPT) == 20 and len(re.findall(rb"/32 via", data)) == 20 * (n + 3),
          data.count(b"\r\n" + PROMPT))
    q.close()

    batch = b"".join(b"no ip nhrp map 10.255.%d.%d\r\n" % (i // 250 + 1, i % 250 + 1)
                     for i in range(n))
    s.send(batch)
    out = b""
    while out.count(PROMPT) < n:
        out += s.read_until(PROMPT, 60)
    check("... and all removed again", "10.255." not in s.cmd("show dmvpn"))
    users = json.loads(s.cmd("show users json"))
    print("    longest run of one CLI session in one poll: %d us (wall clock)" % users["max_run_us"])
    s.close()


def test_quit(port):
    s = Session(port=port)
    s.send(b"quit\r\n")
    try:
        rest = s.read_all(5)
        ok = True
    except (OSError, TimeoutError):
        ok, rest = False, b""
    check("quit closes the session", ok, rest)


def log_checks(log):
    try:
        text = open(log).read()
    except OSError as e:
        check("hub log readable", False, e)
        return
    check("the hub logged sessions opening and closing",
          "hub.cli: session 1 from 127.0.0.1" in text and "closed: logged out" in text)
    check("the vanished client was logged as closed",
          re.search(r"closed: (Connection reset by peer|Broken pipe|client closed)", text))


def password_tests(port, pw):
    raw = socket.create_connection(("127.0.0.1", port), timeout=10 * SCALE)
    data = b""
    while b"Password: " not in data:
        data += raw.recv(4096)
    check("password: IAC negotiation, then the IOS login banner and prompt",
          data == b"\xff\xfb\x01\xff\xfb\x03\r\nUser Access Verification\r\n\r\nPassword: ",
          repr(data))
    for i in range(3):
        raw.sendall(b"wrong%d\r\n" % i)
        time.sleep(0.1)
    data = b""
    try:
        while True:
            d = raw.recv(4096)
            if not d:
                break
            data += d
    except OSError:
        pass
    check("three wrong passwords: '% Bad passwords' and the session ends",
          data.endswith(b"% Bad passwords\r\n") and data.count(b"Password: ") == 2
          and b"wrong" not in data, repr(data))
    s = Session(port=port, password=pw)
    check("the right password gives the prompt", s.greeting.endswith(PROMPT), s.greeting)
    check("... and commands run", s.cmd("show version").startswith("dmvpn-hub"))
    out = s.cmd("show running-config")
    check("show running-config hides the CLI password",
          'password = "<hidden>";' in out and pw not in out, out[-200:])
    t0 = time.monotonic()
    try:
        rest = s.read_all(10)
    except (OSError, TimeoutError) as e:
        rest = str(e).encode()
    dt = time.monotonic() - t0
    check("idle_timeout = 2: the session is told and closed (%.1f s)" % dt,
          b"% Session timed out after 2 s without activity" in rest and 1.5 < dt < 2 + 3 * SCALE,
          rest)
    raw = socket.create_connection(("127.0.0.1", port), timeout=10 * SCALE)
    t0 = time.monotonic()
    data = b""
    while True:
        d = raw.recv(4096)
        if not d:
            break
        data += d
    dt = time.monotonic() - t0
    check("a login left unanswered is closed too (%.1f s)" % dt,
          dt < 2 + 3 * SCALE and b"timed out" in data,
          repr(data))


# --- clear counters on the FPM server and the exception path ----------------------------

FPM_COUNTERS = ("connects", "disconnects", "resets", "resyncs", "frames", "bytes", "messages",
                "route_add", "route_del", "nexthop_add", "nexthop_del", "shadowed", "no_gateway",
                "unknown_nexthop", "unreachable", "apply_failed", "delete_missing", "swept")
EXC_COUNTERS = ("to_kernel", "from_kernel", "unicast", "multicast", "arp_replied", "dropped",
                "local_unhandled")


def fpm_frame(prefix, plen, gw, msg_len=None):
    """One FPM frame (version 1, type netlink) holding one RTM_NEWROUTE for prefix/plen via
    gw in the main table; msg_len overrides the netlink length (malformed when too long)."""
    rt = struct.pack("=BBBBBBBBI", 2, plen, 0, 0, 254, 186, 0, 1, 0)
    body = rt + struct.pack("=HH4s", 8, 1, socket.inet_aton(prefix)) + \
        struct.pack("=HH4s", 8, 5, socket.inet_aton(gw))
    nl = struct.pack("=IHHII", msg_len or 16 + len(body), 24, 0x501, 0, 0) + body
    return struct.pack("!BBH", 1, 1, 4 + len(nl)) + nl


def fpm_send(port, frames):
    """Connect as zebra would, send the frames, wait until the hub closes (a malformed frame)
    or 1 s passes."""
    c = socket.create_connection(("127.0.0.1", port), timeout=5 * SCALE)
    for f in frames:
        c.sendall(f)
    c.settimeout(1)
    try:
        while c.recv(4096):
            pass
    except OSError:
        pass
    c.close()


def wait_json(s, cmd, cond, secs=10):
    d = None
    deadline = time.monotonic() + secs
    while time.monotonic() < deadline:
        d = json.loads(s.cmd(cmd))
        if cond(d):
            return d, True
        time.sleep(0.2)
    return d, False


def kernel_ping(addr, n):
    """Echoes from this namespace's kernel: out of the exception interface, through the hub."""
    subprocess.run(["ping", "-n", "-q", "-c", str(n), "-i", "0.2", "-W", "1", addr],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=20)


def clear_tests(port, fpm_port, spoke):
    """clear counters zeroes the FPM server's and the exception path's counters in every
    view (text and JSON), and they count from zero again afterwards."""
    s = Session(port=port, timeout=20)
    # A zebra-like client: one good route, then a frame whose netlink length runs past it.
    fpm_send(fpm_port, [fpm_frame("55.0.0.0", 8, spoke),
                        fpm_frame("56.0.0.0", 8, spoke, msg_len=200)])
    f, ok = wait_json(s, "show fpm json",
                      lambda f: f["connects"] == 1 and f["resets"] == 1 and f["route_add"] == 1)
    check("before clear: show fpm counted the connection, the route and the reset", ok, f)
    kernel_ping(spoke, 3)
    x, ok = wait_json(s, "show exception json",
                      lambda x: x["from_kernel"] >= 3 and x["arp_replied"] >= 1)
    check("before clear: show exception counted the kernel's ARP and echoes", ok, x)
    out = s.cmd("clear counters")
    check("clear counters prints nothing", out.strip() == "", out)
    f = json.loads(s.cmd("show fpm json"))
    nonzero = {k: f[k] for k in FPM_COUNTERS if f[k]}
    nonzero.update({k: v for k, v in list(f["malformed"].items()) + list(f["ignored"].items()) if v})
    check("after clear: every show fpm json counter is 0", not nonzero, nonzero)
    check("... and the route from FPM stays (state, not a counter)", f["routes"] == 1, f)
    txt = s.cmd("show fpm")
    vals = re.findall(r"^  ([a-z_]+) +(\d+)$", txt, re.M)
    check("after clear: show fpm lists its %d counters at 0, no malformed line" % len(FPM_COUNTERS),
          [k for k, _ in vals] == list(FPM_COUNTERS) and all(v == "0" for _, v in vals)
          and "malformed" not in txt, txt)
    x = json.loads(s.cmd("show exception json"))
    check("after clear: every show exception json counter is 0",
          all(x[k] == 0 for k in EXC_COUNTERS) and len(x["interfaces"]) == 1,
          {k: x[k] for k in EXC_COUNTERS if x[k]})
    txt = s.cmd("show exception")
    check("after clear: show exception reads 0 everywhere",
          "to kernel 0, from kernel 0 (unicast 0, multicast 0, ARP replies 0, dropped 0)" in txt
          and "nobody served: 0" in txt, txt)
    d = json.loads(s.cmd("show drops json"))
    check("after clear: show drops has no exception-* drop",
          not any(v["total"] for k, v in d["reasons"].items() if k.startswith("exception")),
          d["reasons"])
    # They count from zero again.
    fpm_send(fpm_port, [fpm_frame("57.0.0.0", 8, spoke)])
    f, ok = wait_json(s, "show fpm json",
                      lambda f: f["connects"] == 1 and f["frames"] == 1 and f["route_add"] == 1)
    check("after clear: a new connection and frame count 1, not 2 and 3", ok, f)
    kernel_ping(spoke, 1)
    x, ok = wait_json(s, "show exception json", lambda x: x["from_kernel"] >= 1)
    check("after clear: the exception path counts from zero (from_kernel %s)" % x["from_kernel"],
          ok and x["from_kernel"] <= 3, x)
    s.close()


def test_debug(port, peer_ns):
    """debug nhrp: a session that asks sees each NHRP packet in and out as one decoded line;
    another session sees nothing; off stops the stream."""
    d = Session(port=port)
    quiet = Session(port=port)
    out = d.cmd("debug nhrp")
    check("debug nhrp switches the session's NHRP debugging on",
          "NHRP protocol debugging is on" in out, out)
    sd = json.loads(quiet.cmd("show debugging json"))
    check("show debugging json counts one debugging session, not this one",
          sd == {"nhrp": False, "sessions_debugging_nhrp": 1}, sd)
    # A refresh of 192.168.1.4 from the peer namespace (raw socket there).
    subprocess.run(["ip", "netns", "exec", peer_ns, sys.executable, __file__, "--register",
                    "peer0", "1.1.1.4/192.168.1.4"], check=False, timeout=20)
    got = b""
    try:
        got = d.read_until(b"registration-reply", timeout=10)
        got += d.read_until(PROMPT, timeout=5)
    except (TimeoutError, EOFError) as e:
        got += str(e).encode()
    text = got.decode("ascii", "replace")
    check("the debugging session sees the Registration Request decoded",
          re.search(r"NHRP: recv Tunnel0 from 1\.1\.1\.4: registration-request id=4660 "
                    r"flags=U hop=1 src=192\.168\.1\.4@1\.1\.1\.4 dst=192\.168\.1\.1", text)
          is not None, text)
    check("... and the hub's Registration Reply",
          re.search(r"NHRP: send Tunnel0 to 1\.1\.1\.4: registration-reply id=4660 .*"
                    r"cies=\[code=success", text) is not None, text)
    check("... and the prompt is drawn again after the lines", text.endswith("dmvpn-hub> "), text)
    out = d.cmd("show version")
    check("the debugging session still runs commands", out.startswith("dmvpn-hub"), out)
    check("a session without debugging received no NHRP lines",
          b"NHRP:" not in quiet.buf and "NHRP:" not in quiet.cmd("show version"), quiet.buf)
    out = d.cmd("no debug nhrp")
    check("no debug nhrp switches it off", "NHRP protocol debugging is off" in out, out)
    sd = json.loads(quiet.cmd("show debugging json"))
    check("no session is debugging afterwards", sd["sessions_debugging_nhrp"] == 0, sd)
    subprocess.run(["ip", "netns", "exec", peer_ns, sys.executable, __file__, "--register",
                    "peer0", "1.1.1.4/192.168.1.4"], check=False, timeout=20)
    time.sleep(0.5)
    out = d.cmd("show version")
    check("... and the stream stops", "NHRP:" not in out and b"NHRP:" not in d.buf, out)
    d.cmd("debug nhrp on")
    d.close()  # a debugging session that goes away must not keep the server formatting
    time.sleep(0.3)
    sd = json.loads(quiet.cmd("show debugging json"))
    check("a closed debugging session no longer counts", sd["sessions_debugging_nhrp"] == 0, sd)
    quiet.close()


def ip_csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def send_registration(iface, nbma, proto, hub_nbma, hub_proto, holdtime, key):
    """One NHRP Registration Request (RFC 2332 5.2.3) as an FRR spoke sends it: U flag,
    one CIE with prefix 32 and no addresses, an End extension; in GRE with a key, on a
    raw socket of the peer namespace (its kernel has no GRE)."""
    a = socket.inet_aton
    cie = struct.pack("!BBHHHBBBB", 0, 32, 0, 1400, holdtime, 0, 0, 0, 0)
    mand = struct.pack("!BBHI", 4, 4, 0x8000, 0x1234) + a(nbma) + a(proto) + a(hub_proto) + cie
    ext = struct.pack("!HH", 0x8000, 0)
    total = 20 + len(mand) + len(ext)
    hdr = struct.pack("!HH5sBHHHBBBB", 1, 0x0800, b"\0" * 5, 1, total, 0, 20 + len(mand), 1, 3,
                      4, 0)
    nhrp = bytearray(hdr + mand + ext)
    nhrp[12:14] = struct.pack("!H", ip_csum(bytes(nhrp)))
    gre = struct.pack("!HHI", 0x2000, 0x2001, key)
    ip = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(gre) + len(nhrp), 1, 0, 64, 47,
                               0, a(nbma), a(hub_nbma)))
    ip[10:12] = struct.pack("!H", ip_csum(bytes(ip)))
    eth = bytes.fromhex("020000000101" "020000000102" "0800")
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    s.send(eth + bytes(ip) + gre + bytes(nhrp))
    s.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=2323)
    ap.add_argument("--golden", default="tests/func/cli_golden")
    ap.add_argument("--log")
    ap.add_argument("--password-tests")
    ap.add_argument("--register", nargs=2, metavar=("IFACE", "NBMA/PROTO"))
    ap.add_argument("--peer-ns", help="namespace with peer0, for the debug nhrp test")
    ap.add_argument("--clear-tests", metavar="SPOKE",
                    help="clear counters on FPM and exception counters (hub with both)")
    ap.add_argument("--fpm-port", type=int, default=2620)
    a = ap.parse_args()
    if a.register:
        nbma, proto = a.register[1].split("/")
        send_registration(a.register[0], nbma, proto, "1.1.1.1", "192.168.1.1", 600, 42)
        sys.exit(0)
    if a.password_tests:
        password_tests(a.port, a.password_tests)
        sys.exit(0 if all(RESULTS) else 1)
    if a.clear_tests:
        clear_tests(a.port, a.fpm_port, a.clear_tests)
        sys.exit(0 if all(RESULTS) else 1)

    update = os.environ.get("CLI_GOLDEN_UPDATE") == "1"
    test_negotiation(a.port)
    test_real_telnet(a.port)
    s = Session(port=a.port, timeout=20)
    # The spoke 192.168.1.4 (NBMA 1.1.1.4) registered before this script started.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        peers = json.loads(s.cmd("show dmvpn json"))["tunnels"][0]["peers"]
        if any(p["type"] == "dynamic" for p in peers):
            break
        time.sleep(0.3)
    check("a spoke's Registration Request makes a dynamic entry",
          any(p["tunnel"] == "192.168.1.4" and p["nbma"] == "1.1.1.4" and p["attributes"] == "D"
              for p in peers), peers)
    tr = json.loads(s.cmd("show ip nhrp traffic json"))
    check("show ip nhrp traffic counts the registration and its reply",
          tr["received"]["registration-request"] == 1 and tr["sent"]["registration-reply"] == 1
          and tr["bindings"]["registered"] == 1, tr)
    # The hub resolves its spokes and LAN gateway: the views should show them resolved.
    want = ("1.1.1.2", "1.1.1.3", "1.1.1.4", "10.0.0.254")
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        st = {e["address"]: e["state"] for e in json.loads(s.cmd("show arp json"))["entries"]}
        if all(st.get(x) == "reachable" for x in want):
            break
        time.sleep(0.3)
    check("the spokes' NBMA addresses and the LAN gateway resolve",
          all(st.get(x) == "reachable" for x in want), st)
    test_goldens(s, a.golden, update)
    test_json(s)
    test_errors(s)
    test_runtime(s)
    test_many(a.port)
    test_garbage(a.port)
    test_long_line(a.port)
    test_big_output(a.port)
    test_quit(a.port)
    if a.peer_ns:
        test_debug(a.port, a.peer_ns)
    check("the first session still works at the end", s.cmd("show version").startswith("dmvpn-hub"))
    s.close()
    if a.log:
        time.sleep(0.3)
        log_checks(a.log)
    sys.exit(0 if all(RESULTS) else 1)


if __name__ == "__main__":
    main()

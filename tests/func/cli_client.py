#!/usr/bin/python3
"""A minimal CLI client for the tests: plain sockets, no telnetlib (gone in Python 3.13).

    cli_client.py [--host H] [--port P] [--password PW] [--raw] COMMAND...

Runs each COMMAND and prints its output (the echo of the command line and the prompt
removed, CR LF turned into LF). With --raw, prints the bytes received, repr()'d.
Also importable: the test script uses Session directly.
"""
import argparse
import os
import socket
import sys
import time

PROMPT = b"dmvpn-hub> "
IAC = 255

# Every wait and wall-clock bound of the CLI tests is multiplied by HUB_TIME_SCALE
# (scripts/test sets it in its ASan/UBSan step, where the hub runs 2-3x slower); lower
# bounds are not. Unset or malformed: 1.
try:
    SCALE = min(max(float(os.environ.get("HUB_TIME_SCALE", "1")), 1.0), 100.0)
except ValueError:
    SCALE = 1.0


def strip_iac(data):
    """Remove telnet commands from what the server sent (it sends only WILL/WONT/DO/DONT
    and escapes 0xff as IAC IAC)."""
    out = bytearray()
    i = 0
    while i < len(data):
        c = data[i]
        if c != IAC:
            out.append(c)
            i += 1
        elif i + 1 < len(data) and data[i + 1] == IAC:
            out.append(IAC)
            i += 2
        elif i + 1 < len(data) and 251 <= data[i + 1] <= 254:
            i += 3
        else:
            i += 2
    return bytes(out)


class Session:
    def __init__(self, host="127.0.0.1", port=2323, timeout=10.0, password=None):
        timeout *= SCALE
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.timeout = timeout
        self.raw = b""  # everything received, IAC included
        self.buf = b""  # received and not yet consumed, IAC removed
        if password is not None:
            self.read_until(b"Password: ")
            self.send(password.encode() + b"\r\n")
        self.greeting = self.read_until(PROMPT)

    def send(self, data):
        self.sock.sendall(data)

    def _recv(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("timed out; have %r" % self.buf[-300:])
        self.sock.settimeout(left)
        chunk = self.sock.recv(65536)
        if not chunk:
            raise EOFError("connection closed; have %r" % self.buf[-300:])
        self.raw += chunk
        self.buf += strip_iac(chunk)

    def read_until(self, token, timeout=None):
        deadline = time.monotonic() + (timeout * SCALE if timeout else self.timeout)
        while token not in self.buf:
            self._recv(deadline)
        i = self.buf.index(token) + len(token)
        out, self.buf = self.buf[:i], self.buf[i:]
        return out

    def read_all(self, timeout=None):
        """Until the server closes."""
        deadline = time.monotonic() + (timeout * SCALE if timeout else self.timeout)
        try:
            while True:
                self._recv(deadline)
        except EOFError:
            pass
        out, self.buf = self.buf, b""
        return out

    def cmd(self, line, timeout=None):
        """Run one command line; returns its output as text, LF line ends, without the
        echoed line and the next prompt."""
        self.send(line.encode() + b"\r\n")
        out = self.read_until(b"\r\n" + PROMPT, timeout)
        text = out[: -len(PROMPT)].decode("ascii", "replace").replace("\r\n", "\n")
        # The first line is the echo of what was typed.
        nl = text.find("\n")
        return text[nl + 1:] if nl >= 0 else ""

    def close(self):
        self.sock.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=2323)
    ap.add_argument("--password")
    ap.add_argument("--raw", action="store_true")
    ap.add_argument("commands", nargs="*")
    a = ap.parse_args()
    s = Session(a.host, a.port, password=a.password)
    for c in a.commands:
        out = s.cmd(c)
        sys.stdout.write(repr(out) + "\n" if a.raw else out)
    s.close()


if __name__ == "__main__":
    main()

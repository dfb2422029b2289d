#!/usr/bin/env python3
"""A service manager's end of sd_notify, for sd_notify.sh.

notify_listen.py ADDRESS LOG READYFILE -- CHECK...: binds an AF_UNIX
datagram socket at ADDRESS (a path, or @name for the abstract name space),
creates READYFILE once bound, and appends each datagram to LOG as one JSON
line {"usec": CLOCK_MONOTONIC at receipt, "fields": {VAR: value}}. On the
first READY=1 it runs CHECK (a command) at once and stores its output and
status in the line as "check". It returns after STOPPING=1, or after 30 s.
"""
import json
import socket
import subprocess
import sys
import time


def main():
    addr, log, ready = sys.argv[1:4]
    check = sys.argv[5:]
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind("\0" + addr[1:] if addr.startswith("@") else addr)
    if not addr.startswith("@"):
        import os
        os.chmod(addr, 0o600)  # only root may write: mcrd must connect early
    open(ready, "w").close()
    deadline = time.monotonic() + 30
    checked = False
    with open(log, "a") as out:
        while time.monotonic() < deadline:
            s.settimeout(max(deadline - time.monotonic(), 0.01))
            try:
                msg = s.recv(4096).decode()
            except socket.timeout:
                break
            now = time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000
            fields = dict(l.split("=", 1) for l in msg.split("\n") if "=" in l)
            rec = {"usec": now, "fields": fields}
            if fields.get("READY") == "1" and not checked and check:
                checked = True
                r = subprocess.run(check, capture_output=True, text=True, timeout=10)
                rec["check"] = {"rc": r.returncode, "out": r.stdout, "err": r.stderr}
            out.write(json.dumps(rec) + "\n")
            out.flush()
            if fields.get("STOPPING") == "1":
                break


main()

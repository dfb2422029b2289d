#!/usr/bin/env python3
"""Raw NETLINK_USERSOCK peer for the namespace tests: sends what no
well-behaved client sends, and behaves as no well-behaved client behaves.

  nlraw.py garbage          crafted malformed requests; prints one line per
                            case with the errno the daemon answered
  nlraw.py fuzz N SEED      N random datagrams (no replies expected)
  nlraw.py squat PORT       bind PORT, print "ready", sleep until killed
  nlraw.py stall-dump SECS  start a dump, never read, sleep SECS
  nlraw.py flood N          N requests from N fresh sockets, never read
"""
import errno
import os
import random
import socket
import struct
import sys
import time

USERSOCK = 2
PORT = int(os.environ.get("MCR_PORTID", "0x5fc00000"), 0)
FAMILY = 0x5FC0
NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP = 0x1, 0x4, 0x300
NLMSG_ERROR = 2
CMD_RULE_NEW, CMD_RULE_GET, CMD_DAEMON_GET = 1, 3, 6
A_RULE_IIF, A_RULE_GROUP, A_RULE_OUTPUT = 2, 4, 6
A_OUTPUT_OIF = 1


def sock():
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, USERSOCK)
    s.bind((0, 0))
    return s


def nlmsg(mtype, flags, seq, payload, length=None):
    n = 16 + len(payload) if length is None else length
    return struct.pack("=IHHII", n, mtype, flags, seq, 0) + payload


def genl(cmd, attrs=b""):
    return struct.pack("=BBH", cmd, 1, 0) + attrs


def attr(atype, data, length=None):
    n = 4 + len(data) if length is None else length
    pad = b"\0" * ((4 - len(data) % 4) % 4)
    return struct.pack("=HH", n, atype) + data + pad


def replies(s, timeout=1.0):
    """Every (seq, error) of NLMSG_ERROR replies until quiet for timeout."""
    s.settimeout(timeout)
    out = []
    while True:
        try:
            data = s.recv(65536)
        except socket.timeout:
            return out
        off = 0
        while off + 16 <= len(data):
            n, t, f, seq, pid = struct.unpack_from("=IHHII", data, off)
            if n < 16:
                break
            if t == NLMSG_ERROR:
                (err,) = struct.unpack_from("=i", data, off + 16)
                out.append((seq, err))
            off += (n + 3) & ~3


def garbage():
    s = sock()
    good_iif = attr(A_RULE_IIF, b"eth0\0")
    cases = [
        ("short-datagram", b"\x01\x02\x03"),
        ("length-lies-long", nlmsg(FAMILY, NLM_F_REQUEST, 2, genl(CMD_DAEMON_GET), 1000)),
        ("length-lies-short", nlmsg(FAMILY, NLM_F_REQUEST, 3, genl(CMD_DAEMON_GET), 8)),
        ("no-genl-header", nlmsg(FAMILY, NLM_F_REQUEST | NLM_F_ACK, 4, b"")),
        ("unknown-type", nlmsg(0x1234, NLM_F_REQUEST | NLM_F_ACK, 5, genl(1))),
        ("unknown-cmd", nlmsg(FAMILY, NLM_F_REQUEST | NLM_F_ACK, 6, genl(200))),
        ("attr-length-lies", nlmsg(FAMILY, NLM_F_REQUEST | NLM_F_ACK, 7,
                                   genl(CMD_RULE_NEW, attr(A_RULE_IIF, b"eth0\0", 0xFFFF)))),
        ("attr-unknown", nlmsg(FAMILY, NLM_F_REQUEST | NLM_F_ACK, 8,
                               genl(CMD_RULE_NEW, good_iif + attr(99, b"x")))),
        ("string-no-nul", nlmsg(FAMILY, NLM_F_REQUEST | NLM_F_ACK, 9,
                                genl(CMD_RULE_NEW, attr(A_RULE_IIF, b"eth0")))),
        ("not-a-request", nlmsg(FAMILY, NLM_F_ACK, 10, genl(CMD_DAEMON_GET))),
    ]
    # A nest inside a nest inside ... 200 deep, inside an output.
    inner = attr(A_OUTPUT_OIF, b"eth1\0")
    for _ in range(200):
        inner = attr(A_RULE_OUTPUT | 0x8000, inner)
    cases.append(("deep-nest", nlmsg(FAMILY, NLM_F_REQUEST | NLM_F_ACK, 11,
                                     genl(CMD_RULE_NEW, good_iif + inner))))
    # 16,000 empty attributes in one datagram.
    many = attr(A_RULE_GROUP, b"") * 16000
    cases.append(("16000-attributes", nlmsg(FAMILY, NLM_F_REQUEST | NLM_F_ACK, 12,
                                            genl(CMD_RULE_NEW, many))))
    # A rule whose only output feeds its own input, sent past mcr-nl's check.
    loop = good_iif + attr(A_RULE_GROUP, bytes([239, 5, 5, 5])) + \
        attr(A_RULE_OUTPUT | 0x8000, attr(A_OUTPUT_OIF, b"eth0\0"))
    cases.append(("self-loop", nlmsg(FAMILY, NLM_F_REQUEST | NLM_F_ACK | 0x400, 15,
                                     genl(CMD_RULE_NEW, loop))))
    # Two messages in one datagram, the second cut short.
    two = nlmsg(FAMILY, NLM_F_REQUEST | NLM_F_ACK, 13, genl(CMD_DAEMON_GET))
    two += nlmsg(FAMILY, NLM_F_REQUEST | NLM_F_ACK, 14, genl(CMD_DAEMON_GET))[:10]
    cases.append(("second-message-truncated", two))
    for name, data in cases:
        s.sendto(data, (PORT, 0))
    got = dict(replies(s))
    for name, data in cases:
        seq = struct.unpack_from("=I", data, 8)[0] if len(data) >= 12 else None
        err = got.get(seq)
        print("%s %s" % (name, "none" if err is None else
                         ("ack" if err == 0 else errname(-err))))


def errname(e):
    # EOPNOTSUPP and ENOTSUP share a number on Linux; name it as the spec does
    return "EOPNOTSUPP" if e == errno.EOPNOTSUPP else errno.errorcode.get(e, str(e))


def fuzz(n, seed):
    rnd = random.Random(seed)
    s = sock()
    for i in range(n):
        kind = rnd.randrange(3)
        if kind == 0:
            data = bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 200)))
        else:
            # never rule-del (2) or rule-flush (4): the test checks its rule survives
            payload = genl(rnd.choice([0, 1, 3, 5, 6, 7, 8, 9, 200]),
                           b"".join(attr(rnd.randrange(0, 12) | rnd.choice([0, 0x8000]),
                                         bytes(rnd.randrange(256)
                                               for _ in range(rnd.randrange(0, 24))),
                                         rnd.choice([None, None, rnd.randrange(0, 64)]))
                                    for _ in range(rnd.randrange(0, 8))))
            data = nlmsg(rnd.choice([FAMILY, 0x10, FAMILY]),
                         rnd.choice([NLM_F_REQUEST, NLM_F_REQUEST | NLM_F_ACK, 0]),
                         i, payload, rnd.choice([None, None, rnd.randrange(0, 300)]))
        s.sendto(data, (PORT, 0))
    print("sent %d" % n)


def squat(port):
    """Hold the port and answer every request with a fake success ACK,
    as an impersonator would."""
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, USERSOCK)
    s.bind((port, 0))
    print("ready", flush=True)
    s.settimeout(1.0)
    end = time.time() + 60
    while time.time() < end:
        try:
            data, addr = s.recvfrom(65536)
        except socket.timeout:
            continue
        if len(data) < 16:
            continue
        n, t, f, seq, pid = struct.unpack_from("=IHHII", data)
        ack = struct.pack("=i", 0) + data[:16]
        try:
            s.sendto(nlmsg(NLMSG_ERROR, 0x100, seq, ack), (addr[0], 0))
        except OSError:
            pass


def stall_dump(secs):
    s = sock()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.sendto(nlmsg(FAMILY, NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP, 1, genl(CMD_RULE_GET)),
             (PORT, 0))
    print("ready", flush=True)
    time.sleep(secs)


def flood(n):
    socks = []
    for i in range(n):
        s = sock()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
        s.sendto(nlmsg(FAMILY, NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP, 1, genl(CMD_RULE_GET)),
                 (PORT, 0))
        socks.append(s)
        if len(socks) > 200:
            socks.pop(0).close()
    print("sent %d" % n, flush=True)


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    cmd = argv[1]
    if cmd == "garbage":
        garbage()
    elif cmd == "fuzz":
        fuzz(int(argv[2]), int(argv[3]))
    elif cmd == "squat":
        squat(int(argv[2], 0))
    elif cmd == "stall-dump":
        stall_dump(float(argv[2]))
    elif cmd == "flood":
        flood(int(argv[2]))
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

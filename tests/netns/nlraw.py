#!/usr/bin/env python3
"""Raw NETLINK_USERSOCK peer for the namespace tests: sends what no
well-behaved client sends, and behaves as no well-behaved client behaves.

  nlraw.py garbage          crafted malformed requests; prints one line per
                            case with the errno the daemon answered
  nlraw.py fuzz N SEED      N random datagrams (no replies expected)
  nlraw.py squat PORT       bind PORT, print "ready", sleep until killed
  nlraw.py stall-dump SECS  start a dump, never read, sleep SECS
  nlraw.py flood N          N requests from N fresh sockets, never read
  nlraw.py abuse KIND SECS [N]  one abuse for SECS seconds, a JSON summary:
                            lies (every crafted case, answers checked),
                            huge (100,000 attributes), unpriv (rule changes,
                            run it as a user who may not), ports (N sockets
                            fire requests, never read), ports-nowait (the
                            same, not waiting for room in the daemon's
                            queue), dumps (N dumps never read)
  nlraw.py probe READY STOP [TIMEOUT]  a daemon-get every 10 ms until the
                            file STOP exists; JSON latencies
"""
import errno
import json
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
CMD_RULE_NEW, CMD_RULE_DEL, CMD_RULE_GET, CMD_RULE_FLUSH, CMD_DAEMON_GET = 1, 2, 3, 4, 6
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


def errors_in(data):
    """The (seq, error) of every NLMSG_ERROR message in one datagram."""
    off = 0
    while off + 16 <= len(data):
        n, t, f, seq, pid = struct.unpack_from("=IHHII", data, off)
        if n < 16:
            return
        if t == NLMSG_ERROR:
            yield seq, struct.unpack_from("=i", data, off + 16)[0]
        off += (n + 3) & ~3


def replies(s, timeout=1.0):
    """Every (seq, error) of NLMSG_ERROR replies until quiet for timeout."""
    s.settimeout(timeout)
    out = []
    while True:
        try:
            data = s.recv(65536)
        except socket.timeout:
            return out
        out.extend(errors_in(data))


def crafted():
    """The crafted cases: (name, datagram, what the daemon answers: an errno
    name, "ack", or "none" for a datagram it counts as malformed and drops).
    Nothing here may change the rule table."""
    good_iif = attr(A_RULE_IIF, b"eth0\0")
    out = attr(A_OUTPUT_OIF, b"eth1\0")
    cases = [
        ("short-datagram", b"\x01\x02\x03", "none"),
        ("length-lies-long", nlmsg(FAMILY, NLM_F_REQUEST, 2, genl(CMD_DAEMON_GET), 1000), "none"),
        ("length-lies-short", nlmsg(FAMILY, NLM_F_REQUEST, 3, genl(CMD_DAEMON_GET), 8), "none"),
        ("no-genl-header", nlmsg(FAMILY, NLM_F_REQUEST | NLM_F_ACK, 4, b""), "EINVAL"),
        ("unknown-type", nlmsg(0x1234, NLM_F_REQUEST | NLM_F_ACK, 5, genl(1)), "EOPNOTSUPP"),
        ("unknown-cmd", nlmsg(FAMILY, NLM_F_REQUEST | NLM_F_ACK, 6, genl(200)), "EOPNOTSUPP"),
        ("attr-length-lies", nlmsg(FAMILY, NLM_F_REQUEST | NLM_F_ACK, 7,
                                   genl(CMD_RULE_NEW, attr(A_RULE_IIF, b"eth0\0", 0xFFFF))),
         "EINVAL"),
        ("attr-unknown", nlmsg(FAMILY, NLM_F_REQUEST | NLM_F_ACK, 8,
                               genl(CMD_RULE_NEW, good_iif + attr(99, b"x"))), "EINVAL"),
        ("string-no-nul", nlmsg(FAMILY, NLM_F_REQUEST | NLM_F_ACK, 9,
                                genl(CMD_RULE_NEW, attr(A_RULE_IIF, b"eth0"))), "EINVAL"),
        ("not-a-request", nlmsg(FAMILY, NLM_F_ACK, 10, genl(CMD_DAEMON_GET)), "none"),
        # an attribute length shorter than its own header, and zero (a
        # parser that steps by it would never advance)
        ("attr-length-2", nlmsg(FAMILY, NLM_F_REQUEST | NLM_F_ACK, 16,
                                genl(CMD_RULE_NEW, attr(A_RULE_IIF, b"eth0\0", 2))), "EINVAL"),
        ("attr-length-0", nlmsg(FAMILY, NLM_F_REQUEST | NLM_F_ACK, 17,
                                genl(CMD_RULE_NEW, good_iif +
                                     attr(A_RULE_GROUP, b"\xef\1\1\1", 0))), "EINVAL"),
        # a nest of 8 bytes whose inner attribute claims 12: it runs past its
        # parent but not past the message (more attributes follow)
        ("nest-past-parent", nlmsg(FAMILY, NLM_F_REQUEST | NLM_F_ACK, 18,
                                   genl(CMD_RULE_NEW, good_iif +
                                        struct.pack("=HHHH", 8, A_RULE_OUTPUT | 0x8000, 12,
                                                    A_OUTPUT_OIF) +
                                        attr(A_RULE_GROUP, bytes([239, 6, 6, 6])))), "EINVAL"),
        # a nest that claims more than the message holds
        ("nest-past-message", nlmsg(FAMILY, NLM_F_REQUEST | NLM_F_ACK, 19,
                                    genl(CMD_RULE_NEW, good_iif +
                                         attr(A_RULE_OUTPUT | 0x8000, out, 0x400))), "EINVAL"),
        # a good request, then a second message in the same datagram whose
        # length runs past the datagram's end: the first is answered
        ("message-past-datagram", nlmsg(FAMILY, NLM_F_REQUEST | NLM_F_ACK, 20,
                                        genl(CMD_DAEMON_GET)) +
         nlmsg(FAMILY, NLM_F_REQUEST | NLM_F_ACK, 21, genl(CMD_DAEMON_GET), 4000), "ack"),
    ]
    # A nest inside a nest inside ... 200 deep, inside an output.
    inner = out
    for _ in range(200):
        inner = attr(A_RULE_OUTPUT | 0x8000, inner)
    cases.append(("deep-nest", nlmsg(FAMILY, NLM_F_REQUEST | NLM_F_ACK, 11,
                                     genl(CMD_RULE_NEW, good_iif + inner)), "EINVAL"))
    # 16,000 empty attributes in one datagram.
    many = attr(A_RULE_GROUP, b"") * 16000
    cases.append(("16000-attributes", nlmsg(FAMILY, NLM_F_REQUEST | NLM_F_ACK, 12,
                                            genl(CMD_RULE_NEW, many)), "EINVAL"))
    # A rule whose only output feeds its own input, sent past mcr-nl's check.
    loop = good_iif + attr(A_RULE_GROUP, bytes([239, 5, 5, 5])) + \
        attr(A_RULE_OUTPUT | 0x8000, attr(A_OUTPUT_OIF, b"eth0\0"))
    cases.append(("self-loop", nlmsg(FAMILY, NLM_F_REQUEST | NLM_F_ACK | 0x400, 15,
                                     genl(CMD_RULE_NEW, loop)), "ELOOP"))
    # Two messages in one datagram, the second cut short.
    two = nlmsg(FAMILY, NLM_F_REQUEST | NLM_F_ACK, 13, genl(CMD_DAEMON_GET))
    two += nlmsg(FAMILY, NLM_F_REQUEST | NLM_F_ACK, 14, genl(CMD_DAEMON_GET))[:10]
    cases.append(("second-message-truncated", two, "ack"))
    return cases


def huge(seq):
    """100,000 empty attributes: 400 kB, past what the daemon reads of a
    datagram (64 kB). Needs a send buffer to match (root: SO_SNDBUFFORCE)."""
    return nlmsg(FAMILY, NLM_F_REQUEST | NLM_F_ACK, seq,
                 genl(CMD_RULE_NEW, attr(A_RULE_GROUP, b"") * 100000))


def big_sock():
    s = sock()
    s.setsockopt(socket.SOL_SOCKET, 32, 1 << 20)  # SO_SNDBUFFORCE
    return s


def answer(err):
    return "none" if err is None else ("ack" if err == 0 else errname(-err))


def garbage():
    s = sock()
    cases = crafted()
    for name, data, _ in cases:
        s.sendto(data, (PORT, 0))
    got = dict(replies(s))
    for name, data, _ in cases:
        seq = struct.unpack_from("=I", data, 8)[0] if len(data) >= 12 else None
        print("%s %s" % (name, answer(got.get(seq))))
    b = big_sock()
    b.sendto(huge(30), (PORT, 0))
    print("100000-attributes %s" % answer(dict(replies(b)).get(30)))


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


def with_seq(data, seq):
    return data[:8] + struct.pack("=I", seq) + data[12:] if len(data) >= 12 else data


# Cases the daemon counts as malformed besides those it does not answer:
# the bad second message of a datagram whose first is answered.
MALFORMED_TOO = ("message-past-datagram", "second-message-truncated")


def until_seq(s, seq, timeout):
    """Reads until the NLMSG_ERROR of @seq; returns every (seq, error) seen,
    or None when @timeout passed first."""
    out = []
    end = time.monotonic() + timeout
    while True:
        left = end - time.monotonic()
        if left <= 0:
            return None
        s.settimeout(left)
        try:
            data = s.recv(65536)
        except socket.timeout:
            return None
        for q, err in errors_in(data):
            out.append((q, err))
            if q == seq:
                return out


def abuse_lies(secs):
    """Rounds of every crafted case, each round closed by a good request
    whose ACK says the daemon got through it; checks every answer."""
    s = sock()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    cases = crafted()
    mal = sum(1 for name, _, want in cases if want == "none" or name in MALFORMED_TOO)
    rounds = sent = 0
    wrong = []
    end = time.monotonic() + secs
    while time.monotonic() < end:
        base = (rounds + 1) * 100
        for name, data, _ in cases:
            s.sendto(with_seq(data, base + struct.unpack_from("=I", data, 8)[0]
                              if len(data) >= 12 else 0), (PORT, 0))
            sent += 1
        s.sendto(nlmsg(FAMILY, NLM_F_REQUEST | NLM_F_ACK, base + 99, genl(CMD_DAEMON_GET)),
                 (PORT, 0))
        got = until_seq(s, base + 99, 5.0)
        rounds += 1
        if got is None:
            wrong.append("round %d: no answer within 5 s" % rounds)
            break
        got = dict(got)
        for name, data, want in cases:
            if len(data) < 12:
                continue
            have = answer(got.get(base + struct.unpack_from("=I", data, 8)[0]))
            if have != want and len(wrong) < 10:
                wrong.append("%s: %s, expected %s" % (name, have, want))
    print(json.dumps({"rounds": rounds, "sent": sent + rounds, "malformed": rounds * mal,
                      "wrong": wrong}))


def abuse_huge(secs):
    """100,000-attribute requests, one at a time: each gets EMSGSIZE."""
    s = big_sock()
    n = ok = 0
    end = time.monotonic() + secs
    while time.monotonic() < end:
        n += 1
        s.sendto(huge(n), (PORT, 0))
        got = until_seq(s, n, 5.0)
        if got and dict(got).get(n) == -errno.EMSGSIZE:
            ok += 1
    print(json.dumps({"sent": n, "emsgsize": ok}))


def abuse_unpriv(secs):
    """Rule changes from whoever runs this (the test: uid 65534), 64 at a
    time: each must be refused with EPERM."""
    s = sock()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    add = genl(CMD_RULE_NEW, attr(A_RULE_IIF, b"eth0\0") + attr(A_RULE_GROUP, bytes([239, 7, 7, 7]))
               + attr(A_RULE_OUTPUT | 0x8000, attr(A_OUTPUT_OIF, b"eth1\0")))
    reqs = [genl(CMD_RULE_DEL, attr(1, struct.pack("=I", 1))), genl(CMD_RULE_FLUSH), add]
    n = eperm = 0
    end = time.monotonic() + secs
    while time.monotonic() < end:
        first = n + 1
        for _ in range(64):
            n += 1
            s.sendto(nlmsg(FAMILY, NLM_F_REQUEST | NLM_F_ACK | 0x400, n, reqs[n % 3]), (PORT, 0))
        got = until_seq(s, n, 5.0) or []
        eperm += sum(1 for q, e in got if first <= q <= n and e == -errno.EPERM)
    print(json.dumps({"sent": n, "eperm": eperm}))


def abuse_ports(secs, nsock, flags=0):
    """@nsock sockets take turns firing requests (a daemon-get with ACK, a
    rule dump) and never read: every one of them fills up and stalls. With
    MSG_DONTWAIT in @flags they do not wait for room in the daemon's queue
    either: the kernel drops what does not fit and tells the daemon
    (ENOBUFS)."""
    socks = []
    for _ in range(nsock):
        x = sock()
        x.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
        socks.append(x)
    get = nlmsg(FAMILY, NLM_F_REQUEST | NLM_F_ACK, 1, genl(CMD_DAEMON_GET))
    dump = nlmsg(FAMILY, NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP, 2, genl(CMD_RULE_GET))
    n = lost = 0
    end = time.monotonic() + secs
    while time.monotonic() < end:
        for x in socks:
            try:
                x.sendto(dump if n % 8 == 0 else get, flags, (PORT, 0))
                n += 1
            except BlockingIOError:
                lost += 1
        if not flags:
            time.sleep(0.001)
    print(json.dumps({"sent": n, "sockets": nsock, "refused": lost}))


def abuse_dumps(secs, nsock):
    """@nsock clients each start a rule dump and never read it."""
    socks = []
    for i in range(nsock):
        x = sock()
        x.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
        x.sendto(nlmsg(FAMILY, NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP, 1, genl(CMD_RULE_GET)),
                 (PORT, 0))
        socks.append(x)
    time.sleep(secs)
    print(json.dumps({"sent": nsock, "sockets": nsock}))


def abuse(kind, secs, arg):
    if kind == "lies":
        abuse_lies(secs)
    elif kind == "huge":
        abuse_huge(secs)
    elif kind == "unpriv":
        abuse_unpriv(secs)
    elif kind == "ports":
        abuse_ports(secs, arg or 300)
    elif kind == "ports-nowait":
        abuse_ports(secs, arg or 300, socket.MSG_DONTWAIT)
    elif kind == "dumps":
        abuse_dumps(secs, arg or 200)
    else:
        raise SystemExit("unknown abuse %s" % kind)


def probe(ready, stop, timeout):
    """A well-behaved client: a daemon-get every 10 ms, one at a time, each
    waited for at most @timeout s, until the file @stop exists (at most
    120 s). Touches @ready after the first answer; prints the count and the
    latencies as JSON."""
    s = sock()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    lat = []
    n = 0
    end = time.monotonic() + 120
    while time.monotonic() < end and not (n and os.path.exists(stop)):
        n += 1
        t0 = time.monotonic()
        s.sendto(nlmsg(FAMILY, NLM_F_REQUEST | NLM_F_ACK, n, genl(CMD_DAEMON_GET)), (PORT, 0))
        if until_seq(s, n, timeout) is not None:
            lat.append((time.monotonic() - t0) * 1000)
            if len(lat) == 1:
                open(ready, "w").close()
        time.sleep(max(0, 0.010 - (time.monotonic() - t0)))
    lat.sort()
    pick = (lambda q: round(lat[min(len(lat) - 1, int(q * len(lat)))], 3)) if lat else \
        (lambda q: None)
    print(json.dumps({"probes": n, "answered": len(lat), "p50_ms": pick(0.5),
                      "p99_ms": pick(0.99), "max_ms": round(lat[-1], 3) if lat else None}))


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
    elif cmd == "abuse":
        abuse(argv[2], float(argv[3]), int(argv[4]) if len(argv) > 4 else 0)
    elif cmd == "probe":
        probe(argv[2], argv[3], float(argv[4]) if len(argv) > 4 else 2.0)
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

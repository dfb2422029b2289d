#!/usr/bin/python3
"""Sends hand-built Ethernet frames out of an interface (AF_PACKET), for the
cases a UDP socket cannot make: a zero UDP checksum, IP options, TTL 1,
fragments, and malformed frames. Payloads are a sequence number and a
fixed pattern, not mcr-gen's format: the tests count these frames with
mcr's counters and a capture, not with mcr-sink.

  rawsend.py [--gap SECS] IFNAME KIND[,KIND...] COUNT GROUP PORT [SRC]
KIND: good | zero-csum | options | ttl1 | frag | bad-ip-csum | short |
      bad-len | not-udp | bad-src | udp-len | ihl-short | ihl-past-frame |
      tot-lt-ihl | udp-short | udp-trunc | vlan | qinq
With several kinds, COUNT frames of each, interleaved (one of each kind in
turn), SECS apart (default 0). Prints the number of frames sent.
"""
import socket
import struct
import sys
import time


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ip_header(src, dst, payload_len, ttl=8, proto=17, options=b"", frag=0, ident=1):
    ihl = 5 + len(options) // 4
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, ihl * 4 + payload_len, ident, frag,
                    ttl, proto, 0, src, dst) + options
    return h[:10] + struct.pack("!H", csum(h)) + h[12:]


def udp(src, dst, sport, dport, payload, zero_csum=False):
    length = 8 + len(payload)
    h = struct.pack("!HHHH", sport, dport, length, 0)
    if zero_csum:
        return h + payload
    pseudo = src + dst + struct.pack("!BBH", 0, 17, length)
    c = csum(pseudo + h + payload) or 0xFFFF
    return h[:6] + struct.pack("!H", c) + payload


def frame(smac, group, ip, tags=b""):
    g = socket.inet_aton(group)
    dmac = bytes([1, 0, 0x5E, g[1] & 0x7F, g[2], g[3]])
    return dmac + smac + tags + b"\x08\x00" + ip


def recsum(f):
    """@f with its IP header checksum recomputed over the IHL it claims."""
    ihl = (f[14] & 0xF) * 4
    h = f[14:24] + b"\0\0" + f[26:14 + ihl]
    return f[:24] + struct.pack("!H", csum(h)) + f[26:]


def set_ip(f, off, fmt, value):
    """@f with the IP header field at @off (from the IP header) replaced
    and the header checksum made right again."""
    n = struct.calcsize(fmt)
    return recsum(f[:14 + off] + struct.pack(fmt, value) + f[14 + off + n:])


def build(kind, seq, smac, src, group, port):
    s, d = socket.inet_aton(src), socket.inet_aton(group)
    payload = struct.pack("!I", seq) + bytes(range(60))
    u = udp(s, d, 40000, port, payload, zero_csum=(kind == "zero-csum"))
    if kind == "options":
        # NOP NOP NOP EOL: four bytes of options the forwarder must carry
        return frame(smac, group, ip_header(s, d, len(u), options=b"\x01\x01\x01\x00") + u)
    if kind == "ttl1":
        return frame(smac, group, ip_header(s, d, len(u), ttl=1) + u)
    if kind == "frag":
        # the first of two fragments, never completed: reassembly fails
        return frame(smac, group, ip_header(s, d, 48, frag=0x2000, ident=seq) + u[:48])
    if kind == "not-udp":
        return frame(smac, group, ip_header(s, d, len(u), proto=6) + u)
    if kind == "bad-src":
        z = socket.inet_aton("0.1.2.3")
        return frame(smac, group, ip_header(z, d, len(u)) + udp(z, d, 40000, port, payload))
    f = frame(smac, group, ip_header(s, d, len(u)) + u)
    if kind == "bad-ip-csum":
        return f[:24] + bytes([f[24] ^ 0xFF]) + f[25:]
    if kind == "short":
        return f[:30]
    if kind == "bad-len":
        # a total length past the frame's end, under a correct header checksum
        h = f[14:16] + struct.pack("!H", 2000) + f[18:24] + b"\0\0" + f[26:34]
        return f[:14] + h[:10] + struct.pack("!H", csum(h)) + h[12:] + f[34:]
    if kind == "udp-len":
        return f[:38] + struct.pack("!H", len(u) + 4) + f[40:]
    if kind == "ihl-short":
        # IHL 4: a header shorter than the fixed part
        return set_ip(f, 0, "!B", 0x44)
    if kind == "ihl-past-frame":
        # IHL 15 (60 bytes) in a frame that ends 40 bytes into the header
        return (set_ip(f, 0, "!B", 0x4F))[:14 + 40]
    if kind == "tot-lt-ihl":
        # total length 16, less than the 20-byte header it is part of
        return set_ip(f, 2, "!H", 16)
    if kind == "udp-short":
        # UDP length 4, less than the UDP header
        return f[:38] + struct.pack("!H", 4) + f[40:]
    if kind == "udp-trunc":
        # the datagram ends 4 bytes into the UDP header, and says so
        return set_ip(f, 2, "!H", 24)[:14 + 24]
    if kind == "vlan":
        # 802.1Q tag, VLAN 100, on the group's MAC
        return frame(smac, group, ip_header(s, d, len(u)) + u, b"\x81\x00\x00\x64")
    if kind == "qinq":
        # 802.1ad outer tag and 802.1Q inner tag
        return frame(smac, group, ip_header(s, d, len(u)) + u,
                     b"\x88\xa8\x00\xc8\x81\x00\x00\x64")
    if kind != "good" and kind != "zero-csum":
        raise SystemExit("rawsend: unknown kind %s" % kind)
    return f


def main():
    args, gap = sys.argv[1:], 0.0
    if args[:1] == ["--gap"]:
        gap, args = float(args[1]), args[2:]
    ifname, kinds, count, group, port = args[:5]
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
    s.bind((ifname, 0))
    smac = s.getsockname()[4]
    src = args[5] if len(args) > 5 else "10.99.0.1"
    n = 0
    for seq in range(int(count)):
        for kind in kinds.split(","):
            s.send(build(kind, seq, smac, src, group, int(port)))
            n += 1
            if gap:
                time.sleep(gap)
    print(n)


if __name__ == "__main__":
    main()

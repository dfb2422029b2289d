#!/usr/bin/python3
"""Checks every IPv4 UDP frame of a pcap file (tcpdump -w) on its own:
IP header checksum, UDP checksum (over the pseudo-header, or 0 = none),
the destination MAC against the group (RFC 1112 mapping), and collects
what the tests compare: destination groups and ports, TTLs, sources.

Prints one JSON object:
  {"frames": N, "udp": N, "bad_ip_csum": N, "bad_udp_csum": N,
   "zero_udp_csum": N, "bad_mac": N, "fragments": N, "groups": [...],
   "ports": [...], "ttls": [...], "srcs": [...], "smacs": [...],
   "ip_ids_unique": N, "ip_lens": [...], "options": [...],
   "first_ts": T, "last_ts": T, "after": N}
A fragment (MF set or an offset) counts in "fragments" and is not checked
further: its UDP checksum covers the whole datagram. "options" lists the IP
options seen (hex; "" for none); first_ts and last_ts are the capture
times of the first and last UDP frame (null without one), and "after" the
UDP frames captured later than --after T (seconds since the epoch).

  pcapcheck.py [--after T] FILE
  pcapcheck.py --count FILE    only the number of complete records, for
                               polling a capture that is still being written
Independent of mcr's own code: it is the oracle for its rewrite.
"""
import json
import struct
import sys


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def frames(path):
    with open(path, "rb") as f:
        head = f.read(24)
        if len(head) < 24:
            return  # tcpdump has not written its header yet
        magic = struct.unpack("<I", head[:4])[0]
        endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
        # the nanosecond format has its own magic
        scale = 1e9 if magic in (0xA1B23C4D, 0x4D3CB2A1) else 1e6
        linktype = struct.unpack(endian + "I", head[20:24])[0]
        if linktype != 1:
            sys.exit("pcapcheck: link type %d is not Ethernet" % linktype)
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                return
            sec, frac, incl, _ = struct.unpack(endian + "IIII", rec)
            data = f.read(incl)
            if len(data) < incl:
                return
            yield sec + frac / scale, data


def check(path, after=None):
    out = {"frames": 0, "udp": 0, "bad_ip_csum": 0, "bad_udp_csum": 0,
           "zero_udp_csum": 0, "bad_mac": 0, "fragments": 0, "after": 0}
    groups, ports, ttls, srcs, smacs, ids = set(), set(), set(), set(), set(), set()
    lens, opts, first, last = set(), set(), None, None
    for ts, fr in frames(path):
        out["frames"] += 1
        if len(fr) < 34 or fr[12:14] != b"\x08\x00":
            continue
        ihl = (fr[14] & 15) * 4
        ip = fr[14:14 + ihl]
        if fr[14 + 9] != 17 or len(fr) < 14 + ihl + 8:
            continue
        out["udp"] += 1
        first = ts if first is None else first
        last = ts
        if after is not None and ts > after:
            out["after"] += 1
        tot = struct.unpack("!H", fr[16:18])[0]
        if csum(ip) != 0xFFFF:
            out["bad_ip_csum"] += 1
        lens.add(tot)
        opts.add(ip[20:].hex())
        ttls.add(fr[14 + 8])
        srcs.add(".".join(map(str, fr[26:30])))
        if struct.unpack("!H", fr[20:22])[0] & 0x3FFF:
            out["fragments"] += 1
            continue
        udp = fr[14 + ihl:14 + tot]
        if udp[6:8] == b"\0\0":
            out["zero_udp_csum"] += 1
        else:
            pseudo = ip[12:20] + struct.pack("!BBH", 0, 17, len(udp))
            if csum(pseudo + udp) != 0xFFFF:
                out["bad_udp_csum"] += 1
        dst = fr[30:34]
        want_mac = bytes([1, 0, 0x5E, dst[1] & 0x7F, dst[2], dst[3]])
        if fr[0:6] != want_mac:
            out["bad_mac"] += 1
        groups.add(".".join(map(str, dst)))
        ports.add(struct.unpack("!H", udp[2:4])[0])
        smacs.add(fr[6:12].hex(":"))
        ids.add(struct.unpack("!H", fr[18:20])[0])
    out.update(groups=sorted(groups), ports=sorted(ports), ttls=sorted(ttls),
               srcs=sorted(srcs), smacs=sorted(smacs), ip_ids_unique=len(ids),
               ip_lens=sorted(lens), options=sorted(opts), first_ts=first, last_ts=last)
    return out


def main(args):
    if args[:1] == ["--count"]:
        print(sum(1 for _ in frames(args[1])))
        return
    after = None
    if args[:1] == ["--after"]:
        after = float(args[1])
        args = args[2:]
    print(json.dumps(check(args[0], after)))


if __name__ == "__main__":
    main(sys.argv[1:])

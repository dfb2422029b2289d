#!/usr/bin/python3
"""Checks every IPv4 UDP frame of a pcap file (tcpdump -w) on its own:
IP header checksum, UDP checksum (over the pseudo-header, or 0 = none),
the destination MAC against the group (RFC 1112 mapping), and collects
what the tests compare: destination groups and ports, TTLs, sources.

Prints one JSON object:
  {"frames": N, "udp": N, "bad_ip_csum": N, "bad_udp_csum": N,
   "zero_udp_csum": N, "bad_mac": N, "groups": [...], "ports": [...],
   "ttls": [...], "srcs": [...], "smacs": [...], "ip_ids_unique": N}
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
        magic = struct.unpack("<I", head[:4])[0]
        endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
        linktype = struct.unpack(endian + "I", head[20:24])[0]
        if linktype != 1:
            sys.exit("pcapcheck: link type %d is not Ethernet" % linktype)
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                return
            _, _, incl, _ = struct.unpack(endian + "IIII", rec)
            yield f.read(incl)


def check(path):
    out = {"frames": 0, "udp": 0, "bad_ip_csum": 0, "bad_udp_csum": 0,
           "zero_udp_csum": 0, "bad_mac": 0}
    groups, ports, ttls, srcs, smacs, ids = set(), set(), set(), set(), set(), set()
    for fr in frames(path):
        out["frames"] += 1
        if len(fr) < 34 or fr[12:14] != b"\x08\x00":
            continue
        ihl = (fr[14] & 15) * 4
        ip = fr[14:14 + ihl]
        if fr[14 + 9] != 17 or len(fr) < 14 + ihl + 8:
            continue
        out["udp"] += 1
        tot = struct.unpack("!H", fr[16:18])[0]
        if csum(ip) != 0xFFFF:
            out["bad_ip_csum"] += 1
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
        ttls.add(fr[14 + 8])
        srcs.add(".".join(map(str, fr[26:30])))
        smacs.add(fr[6:12].hex(":"))
        ids.add(struct.unpack("!H", fr[18:20])[0])
    out.update(groups=sorted(groups), ports=sorted(ports), ttls=sorted(ttls),
               srcs=sorted(srcs), smacs=sorted(smacs), ip_ids_unique=len(ids))
    return out


if __name__ == "__main__":
    print(json.dumps(check(sys.argv[1])))

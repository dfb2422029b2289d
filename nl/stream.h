/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The test-stream payload of mcr-gen and mcr-sink: its wire format, the
 * pattern that lets the receiver prove a payload intact, per-stream
 * sequence accounting, a latency histogram, and the argument parsing both
 * tools share. Everything here is pure (no I/O, no allocation) so the unit
 * tests can drive it.
 *
 * Wire format. Every UDP payload starts with one of two headers, all fields
 * in network byte order; the header is chosen by the payload length.
 *
 * Full header, payloads of 32..8972 bytes:
 *   off size field
 *     0   2  magic    0x4d43 ("MC")
 *     2   1  version  1
 *     3   1  hdr_len  32; the pattern starts here (room to grow the header)
 *     4   4  stream   stream id
 *     8   8  seq      sequence number within the stream
 *    16   8  ts       send time, CLOCK_REALTIME, ns since the epoch
 *    24   2  len      the whole UDP payload length, this header included
 *    26   2  flags    0 (receivers ignore unknown flags)
 *    28   4  check    FNV-1a 32 of bytes 0..27
 *    32      pattern
 *
 * Compact header, payloads of 18..31 bytes (18 is the payload of a
 * minimum-size Ethernet frame: 14 + 20 + 8 + 18 = 60 bytes + FCS):
 *     0   2  magic    0x6d63 ("mc"); the magic implies version 1
 *     2   4  stream   stream id
 *     6   4  seq      low 32 bits of the sequence number; the receiver
 *                     extends it to 64 bits (mcr_seq_add_wire)
 *    10   6  ts       low 48 bits of the ns timestamp; the receiver takes
 *                     the value nearest its own clock (mcr_wrap_extend),
 *                     unambiguous while |one-way delay| < 39 hours
 *    16   1  len      payload length
 *    17   1  check    CRC-8 (polynomial 0x07, initial value 0) of bytes 0..16
 *    18      pattern
 *
 * Pattern: the bytes after the header are 8-byte big-endian blocks,
 * block i (from 0) = seed + (i + 1) * 0x9e3779b97f4a7c15 (mod 2^64), where
 * seed is splitmix64's finaliser of z = ((u64)stream << 32) ^ seq:
 *   z = (z ^ z >> 30) * 0xbf58476d1ce4e5b9; z = (z ^ z >> 27) * 0x94d049bb133111eb;
 *   seed = z ^ z >> 31,
 * seq being the value carried on the wire (low 32 bits only in the compact
 * header). The last block is cut to the bytes that remain. Every byte thus depends on
 * the stream, the sequence number and its own offset: overwritten,
 * shifted, swapped or foreign bytes all fail verification.
 */
#ifndef MCR_NL_STREAM_H
#define MCR_NL_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MCR_STREAM_MIN_LEN 18
#define MCR_STREAM_MAX_LEN 8972 /* 9000-byte MTU - IPv4 - UDP */
#define MCR_STREAM_FULL_HDR 32
#define MCR_STREAM_COMPACT_HDR 18
#define MCR_STREAM_MAGIC 0x4d43
#define MCR_STREAM_MAGIC_COMPACT 0x6d63
#define MCR_STREAM_VERSION 1

/* A decoded header. */
struct mcr_stream_hdr {
	uint32_t stream;
	uint64_t seq;	  /* as on the wire: 32 bits when seq_bits is 32 */
	uint64_t ts_ns;	  /* as on the wire: 48 bits when ts_bits is 48 */
	uint16_t len;	  /* payload length the sender wrote */
	uint8_t seq_bits; /* 64 (full) or 32 (compact) */
	uint8_t ts_bits;  /* 64 (full) or 48 (compact) */
};

enum mcr_stream_verdict {
	MCR_STREAM_OK = 0,
	MCR_STREAM_INVALID,    /* not a stream payload: short, magic, version, check */
	MCR_STREAM_BAD_LENGTH, /* valid header, but len differs from the datagram */
	MCR_STREAM_CORRUPT,    /* valid header and length, pattern differs */
};

/* Writes a header and the pattern over all @len bytes of @buf. Returns 0,
 * or -EINVAL when len is outside MCR_STREAM_MIN_LEN..MCR_STREAM_MAX_LEN. */
int mcr_stream_encode(void *buf, size_t len, uint32_t stream, uint64_t seq, uint64_t ts_ns);

/* Decodes and verifies the datagram [buf, buf+len). Fills @h for every
 * verdict but MCR_STREAM_INVALID; for MCR_STREAM_BAD_LENGTH the pattern is
 * not checked. */
enum mcr_stream_verdict mcr_stream_decode(const void *buf, size_t len, struct mcr_stream_hdr *h);

/* FNV-1a 32 of @len bytes: the header check. */
uint32_t mcr_stream_fnv1a(const void *buf, size_t len);

/* The 64-bit value nearest @ref whose low @bits bits equal @low (bits is 32
 * or 48); never below zero. With bits >= 64, @low itself. */
uint64_t mcr_wrap_extend(uint64_t ref, uint64_t low, unsigned int bits);

/* Sequence accounting of one stream, exact for every packet that arrives
 * less than @window sequence numbers behind the highest seen. The bitmap
 * (window / 64 words, caller-owned, window a power of two) remembers which
 * of the last window numbers arrived; nothing else grows. */
struct mcr_seq {
	uint64_t received;    /* every packet, duplicates and old ones included */
	uint64_t unique;      /* distinct sequence numbers (old ones excluded) */
	uint64_t duplicated;  /* seen before */
	uint64_t reordered;   /* arrived after a higher number, first time */
	uint64_t old;	      /* >= window behind the highest: unclassifiable */
	uint64_t first;	      /* lowest sequence number accounted */
	uint64_t last;	      /* highest sequence number seen */
	uint64_t max_reorder; /* largest distance of a late arrival */
	bool started;
	uint32_t window;
	uint64_t *bitmap;
};

enum mcr_seq_event {
	MCR_SEQ_NEXT,	   /* the first packet, or last + 1 */
	MCR_SEQ_GAP,	   /* ahead of last + 1: numbers between are missing */
	MCR_SEQ_LATE,	   /* below last, not seen before */
	MCR_SEQ_DUPLICATE, /* seen before */
	MCR_SEQ_OLD,	   /* too far behind to tell */
};

/* Prepares @s over @bitmap (window / 64 words); window must be a power of
 * two >= 64. Returns 0 or -EINVAL. */
int mcr_seq_init(struct mcr_seq *s, uint64_t *bitmap, uint32_t window);

/* Accounts one packet with the (extended) sequence number @seq. */
enum mcr_seq_event mcr_seq_add(struct mcr_seq *s, uint64_t seq);

/* Accounts a sequence number carried in its low @bits bits (32 for the
 * compact header), extending it against the highest number seen. */
enum mcr_seq_event mcr_seq_add_wire(struct mcr_seq *s, uint64_t seq, unsigned int bits);

/* Missing sequence numbers. @expect 0: between the first and the last seen;
 * @expect N: of 0..max(N, last + 1) - 1, so a short tail counts as lost.
 * Packets counted in s->old may hide in this number. */
uint64_t mcr_seq_lost(const struct mcr_seq *s, uint64_t expect);

/* One-way latency: count, signed min/max/sum and a log-linear histogram
 * with 32 sub-buckets per power of two (quantiles within 1.6%; values
 * from 2^40 ns, about 18 minutes, on share the top bucket). */
#define MCR_LAT_SUB_BITS 5
#define MCR_LAT_TOP_BIT 40
#define MCR_LAT_BUCKETS ((MCR_LAT_TOP_BIT - MCR_LAT_SUB_BITS + 1) << MCR_LAT_SUB_BITS)

struct mcr_lat {
	uint64_t count;
	uint64_t negative; /* receive clock behind the sender's */
	int64_t min, max;
	int64_t sum; /* ns; overflows after ~290 years of total delay */
	uint32_t hist[MCR_LAT_BUCKETS];
};

/* Records one delay in ns (negative delays count as 0 in the histogram). */
void mcr_lat_add(struct mcr_lat *l, int64_t ns);
/* Adds @src into @dst. */
void mcr_lat_merge(struct mcr_lat *dst, const struct mcr_lat *src);
/* The @q quantile (0 < q <= 1) in ns: the midpoint of its bucket, clamped
 * to [min, max]; the maximum itself for q = 1 or in the top bucket; 0 when
 * empty. */
int64_t mcr_lat_quantile(const struct mcr_lat *l, double q);
/* Average in ns; 0 when empty. */
int64_t mcr_lat_avg(const struct mcr_lat *l);

/* A destination: group (or any IPv4 address) and UDP port. */
struct mcr_dest {
	uint32_t addr; /* network order */
	uint16_t port; /* host order */
};

/* Parses "ADDR:PORT[,ADDR:PORT...]" into @out (at most @max entries).
 * Returns the number of entries, or -EINVAL (syntax, port 0, address not
 * IPv4) or -E2BIG (more than @max). On error *bad points at the offending
 * element (within @list). */
int mcr_dest_parse_list(const char *list, struct mcr_dest *out, size_t max, const char **bad);

/* Fills @n destinations: entry i = (base + i * addr_step, port + i *
 * port_step). Returns 0, or -ERANGE when a port leaves 1..65535 or an
 * address leaves the multicast range (when @base is multicast) or wraps. */
int mcr_dest_expand(struct mcr_dest *out, size_t n, uint32_t base, uint16_t port,
		    uint32_t addr_step, uint32_t port_step);

/* Number with an optional decimal suffix k, M, G (x1000): "10k", "1.5M".
 * Returns 0 or -EINVAL (syntax, negative, NaN, inf). */
int mcr_parse_scaled(const char *s, double *out);
/* Non-negative integer with optional suffix k, M, G; -EINVAL or -ERANGE. */
int mcr_parse_count(const char *s, uint64_t *out);
/* Seconds: "2", "0.5", "250ms", "3s"; -EINVAL when not a finite value >= 0. */
int mcr_parse_seconds(const char *s, double *out);

#endif

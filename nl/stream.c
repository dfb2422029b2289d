// SPDX-License-Identifier: GPL-2.0-or-later
/* The test-stream payload shared by mcr-gen and mcr-sink; see stream.h for
 * the wire format. */
#include <endian.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "stream.h"

#define PATTERN_STEP 0x9e3779b97f4a7c15ULL

static void put16(uint8_t *p, uint16_t v)
{
	v = htobe16(v);
	memcpy(p, &v, 2);
}

static void put32(uint8_t *p, uint32_t v)
{
	v = htobe32(v);
	memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
	v = htobe64(v);
	memcpy(p, &v, 8);
}

static uint16_t get16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return be16toh(v);
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return be32toh(v);
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return be64toh(v);
}

uint32_t mcr_stream_fnv1a(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t h = 2166136261u;

	while (len--) {
		h ^= *p++;
		h *= 16777619u;
	}
	return h;
}

/* CRC-8, polynomial 0x07, of the 17 bytes before the compact check: unlike
 * a folded hash it catches every 1-bit error and every burst of <= 8 bits. */
static uint8_t check8(const uint8_t *p)
{
	uint8_t crc = 0;
	int i, b;

	for (i = 0; i < 17; i++) {
		crc ^= p[i];
		for (b = 0; b < 8; b++)
			crc = (uint8_t)(crc & 0x80 ? crc << 1 ^ 0x07 : crc << 1);
	}
	return crc;
}

/* splitmix64's finaliser: neighbouring (stream, seq) pairs get unrelated
 * seeds, so a payload of one packet never verifies as another's. */
static uint64_t pattern_seed(uint32_t stream, uint64_t wire_seq)
{
	uint64_t z = ((uint64_t)stream << 32) ^ wire_seq;

	z = (z ^ z >> 30) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ z >> 27) * 0x94d049bb133111ebULL;
	return z ^ z >> 31;
}

static void pattern_fill(uint8_t *p, size_t len, uint64_t seed)
{
	uint64_t v = seed, be;

	for (; len >= 8; len -= 8, p += 8) {
		v += PATTERN_STEP;
		put64(p, v);
	}
	if (len) {
		v += PATTERN_STEP;
		be = htobe64(v);
		memcpy(p, &be, len);
	}
}

static bool pattern_ok(const uint8_t *p, size_t len, uint64_t seed)
{
	uint64_t v = seed, be;

	for (; len >= 8; len -= 8, p += 8) {
		v += PATTERN_STEP;
		if (get64(p) != v)
			return false;
	}
	if (len) {
		v += PATTERN_STEP;
		be = htobe64(v);
		return memcmp(p, &be, len) == 0;
	}
	return true;
}

int mcr_stream_encode(void *buf, size_t len, uint32_t stream, uint64_t seq, uint64_t ts_ns)
{
	uint8_t *p = buf;

	if (len < MCR_STREAM_MIN_LEN || len > MCR_STREAM_MAX_LEN)
		return -EINVAL;
	if (len >= MCR_STREAM_FULL_HDR) {
		put16(p, MCR_STREAM_MAGIC);
		p[2] = MCR_STREAM_VERSION;
		p[3] = MCR_STREAM_FULL_HDR;
		put32(p + 4, stream);
		put64(p + 8, seq);
		put64(p + 16, ts_ns);
		put16(p + 24, (uint16_t)len);
		put16(p + 26, 0);
		put32(p + 28, mcr_stream_fnv1a(p, 28));
		pattern_fill(p + MCR_STREAM_FULL_HDR, len - MCR_STREAM_FULL_HDR,
			     pattern_seed(stream, seq));
		return 0;
	}
	put16(p, MCR_STREAM_MAGIC_COMPACT);
	put32(p + 2, stream);
	put32(p + 6, (uint32_t)seq);
	put16(p + 10, (uint16_t)(ts_ns >> 32));
	put32(p + 12, (uint32_t)ts_ns);
	p[16] = (uint8_t)len;
	p[17] = check8(p);
	pattern_fill(p + MCR_STREAM_COMPACT_HDR, len - MCR_STREAM_COMPACT_HDR,
		     pattern_seed(stream, (uint32_t)seq));
	return 0;
}

static enum mcr_stream_verdict decode_full(const uint8_t *p, size_t len, struct mcr_stream_hdr *h)
{
	unsigned int hdr_len = p[3];

	if (len < MCR_STREAM_FULL_HDR || p[2] != MCR_STREAM_VERSION ||
	    get32(p + 28) != mcr_stream_fnv1a(p, 28))
		return MCR_STREAM_INVALID;
	h->stream = get32(p + 4);
	h->seq = get64(p + 8);
	h->ts_ns = get64(p + 16);
	h->len = get16(p + 24);
	h->seq_bits = 64;
	h->ts_bits = 64;
	if (hdr_len < MCR_STREAM_FULL_HDR || h->len < hdr_len)
		return MCR_STREAM_INVALID;
	if (h->len != len)
		return MCR_STREAM_BAD_LENGTH;
	if (!pattern_ok(p + hdr_len, len - hdr_len, pattern_seed(h->stream, h->seq)))
		return MCR_STREAM_CORRUPT;
	return MCR_STREAM_OK;
}

static enum mcr_stream_verdict decode_compact(const uint8_t *p, size_t len,
					      struct mcr_stream_hdr *h)
{
	if (p[17] != check8(p) || p[16] < MCR_STREAM_MIN_LEN || p[16] >= MCR_STREAM_FULL_HDR)
		return MCR_STREAM_INVALID;
	h->stream = get32(p + 2);
	h->seq = get32(p + 6);
	h->ts_ns = (uint64_t)get16(p + 10) << 32 | get32(p + 12);
	h->len = p[16];
	h->seq_bits = 32;
	h->ts_bits = 48;
	if (h->len != len)
		return MCR_STREAM_BAD_LENGTH;
	if (!pattern_ok(p + MCR_STREAM_COMPACT_HDR, len - MCR_STREAM_COMPACT_HDR,
			pattern_seed(h->stream, h->seq)))
		return MCR_STREAM_CORRUPT;
	return MCR_STREAM_OK;
}

enum mcr_stream_verdict mcr_stream_decode(const void *buf, size_t len, struct mcr_stream_hdr *h)
{
	const uint8_t *p = buf;

	if (len < MCR_STREAM_MIN_LEN)
		return MCR_STREAM_INVALID;
	switch (get16(p)) {
	case MCR_STREAM_MAGIC:
		return decode_full(p, len, h);
	case MCR_STREAM_MAGIC_COMPACT:
		return decode_compact(p, len, h);
	default:
		return MCR_STREAM_INVALID;
	}
}

uint64_t mcr_wrap_extend(uint64_t ref, uint64_t low, unsigned int bits)
{
	uint64_t mask, half, diff, back;

	if (bits >= 64)
		return low;
	mask = (1ULL << bits) - 1;
	half = 1ULL << (bits - 1);
	diff = (low - ref) & mask;
	if (diff < half)
		return ref + diff;
	back = mask + 1 - diff;
	/* Going back would pass zero: the value lies ahead instead. */
	return back <= ref ? ref - back : ref + diff;
}

/* ---- sequence accounting ------------------------------------------------ */

int mcr_seq_init(struct mcr_seq *s, uint64_t *bitmap, uint32_t window)
{
	if (window < 64 || (window & (window - 1)))
		return -EINVAL;
	memset(s, 0, sizeof(*s));
	s->window = window;
	s->bitmap = bitmap;
	memset(bitmap, 0, window / 8);
	return 0;
}

static bool seq_test(const struct mcr_seq *s, uint64_t seq)
{
	uint64_t i = seq & (s->window - 1);

	return s->bitmap[i >> 6] >> (i & 63) & 1;
}

static void seq_set(struct mcr_seq *s, uint64_t seq)
{
	uint64_t i = seq & (s->window - 1);

	s->bitmap[i >> 6] |= 1ULL << (i & 63);
}

/* Forgets the numbers a window below [from, to] (to - from < window): their
 * slots are about to hold from..to. Whole words at a time. */
static void seq_clear(struct mcr_seq *s, uint64_t from, uint64_t to)
{
	uint64_t n = to - from + 1;

	while (n) {
		uint64_t i = from & (s->window - 1);
		unsigned int bit = i & 63;
		uint64_t take = 64 - bit < n ? 64 - bit : n;
		uint64_t mask = take == 64 ? ~0ULL : ((1ULL << take) - 1) << bit;

		s->bitmap[i >> 6] &= ~mask;
		from += take;
		n -= take;
	}
}

enum mcr_seq_event mcr_seq_add(struct mcr_seq *s, uint64_t seq)
{
	uint64_t dist;

	s->received++;
	if (!s->started) {
		s->started = true;
		s->first = s->last = seq;
		s->unique = 1;
		seq_set(s, seq);
		return MCR_SEQ_NEXT;
	}
	if (seq > s->last) {
		dist = seq - s->last;
		if (dist >= s->window)
			memset(s->bitmap, 0, s->window / 8);
		else
			seq_clear(s, s->last + 1, seq);
		seq_set(s, seq);
		s->last = seq;
		s->unique++;
		return dist == 1 ? MCR_SEQ_NEXT : MCR_SEQ_GAP;
	}
	dist = s->last - seq;
	if (dist >= s->window) {
		s->old++;
		return MCR_SEQ_OLD;
	}
	if (seq_test(s, seq)) {
		s->duplicated++;
		return MCR_SEQ_DUPLICATE;
	}
	seq_set(s, seq);
	s->unique++;
	s->reordered++;
	if (dist > s->max_reorder)
		s->max_reorder = dist;
	if (seq < s->first)
		s->first = seq;
	return MCR_SEQ_LATE;
}

enum mcr_seq_event mcr_seq_add_wire(struct mcr_seq *s, uint64_t seq, unsigned int bits)
{
	if (bits < 64 && s->started)
		seq = mcr_wrap_extend(s->last, seq, bits);
	return mcr_seq_add(s, seq);
}

uint64_t mcr_seq_lost(const struct mcr_seq *s, uint64_t expect)
{
	uint64_t span;

	if (!s->started)
		return expect;
	if (expect)
		span = expect > s->last + 1 ? expect : s->last + 1;
	else
		span = s->last - s->first + 1;
	return span > s->unique ? span - s->unique : 0;
}

/* ---- latency ------------------------------------------------------------ */

#define LAT_SUB (1u << MCR_LAT_SUB_BITS)

static unsigned int lat_bucket(uint64_t v)
{
	unsigned int e, g;

	if (v < LAT_SUB)
		return (unsigned int)v;
	e = 63 - (unsigned int)__builtin_clzll(v);
	if (e >= MCR_LAT_TOP_BIT)
		return MCR_LAT_BUCKETS - 1;
	g = e - MCR_LAT_SUB_BITS + 1;
	return g << MCR_LAT_SUB_BITS |
	       (unsigned int)((v >> (e - MCR_LAT_SUB_BITS)) & (LAT_SUB - 1));
}

/* Midpoint of bucket @b: the value a quantile in it reports. */
static uint64_t lat_bucket_mid(unsigned int b)
{
	unsigned int g = b >> MCR_LAT_SUB_BITS, sub = b & (LAT_SUB - 1);

	if (!g)
		return sub;
	return ((uint64_t)(LAT_SUB + sub) << (g - 1)) + ((1ULL << (g - 1)) >> 1);
}

void mcr_lat_add(struct mcr_lat *l, int64_t ns)
{
	if (!l->count || ns < l->min)
		l->min = ns;
	if (!l->count || ns > l->max)
		l->max = ns;
	l->count++;
	l->sum += ns;
	if (ns < 0) {
		l->negative++;
		ns = 0;
	}
	l->hist[lat_bucket((uint64_t)ns)]++;
}

void mcr_lat_merge(struct mcr_lat *dst, const struct mcr_lat *src)
{
	unsigned int i;

	if (!src->count)
		return;
	if (!dst->count || src->min < dst->min)
		dst->min = src->min;
	if (!dst->count || src->max > dst->max)
		dst->max = src->max;
	dst->count += src->count;
	dst->negative += src->negative;
	dst->sum += src->sum;
	for (i = 0; i < MCR_LAT_BUCKETS; i++)
		dst->hist[i] += src->hist[i];
}

int64_t mcr_lat_quantile(const struct mcr_lat *l, double q)
{
	uint64_t rank, seen = 0;
	int64_t v = 0, lo;
	unsigned int i;

	if (!l->count)
		return 0;
	/* ceil() by hand: nl/ is linked without libm */
	rank = (uint64_t)(q * (double)l->count);
	if ((double)rank < q * (double)l->count)
		rank++;
	if (rank < 1)
		rank = 1;
	if (rank > l->count)
		rank = l->count;
	/* the top bucket has no upper edge: the maximum is the honest answer */
	if (rank == l->count)
		return l->max;
	for (i = 0; i < MCR_LAT_BUCKETS; i++) {
		seen += l->hist[i];
		if (seen >= rank) {
			v = i == MCR_LAT_BUCKETS - 1 ? l->max : (int64_t)lat_bucket_mid(i);
			break;
		}
	}
	lo = l->min > 0 ? l->min : 0;
	if (v < lo)
		v = lo;
	if (v > l->max)
		v = l->max;
	return v;
}

int64_t mcr_lat_avg(const struct mcr_lat *l)
{
	return l->count ? l->sum / (int64_t)l->count : 0;
}

/* ---- arguments ---------------------------------------------------------- */

static int parse_dest(const char *s, size_t n, struct mcr_dest *d)
{
	char buf[32], *colon, *end;
	struct in_addr a;
	unsigned long port;

	if (n == 0 || n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	colon = strrchr(buf, ':');
	if (!colon || colon[1] < '0' || colon[1] > '9')
		return -EINVAL;
	*colon = '\0';
	if (inet_pton(AF_INET, buf, &a) != 1)
		return -EINVAL;
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (errno || *end || port == 0 || port > 65535)
		return -EINVAL;
	d->addr = a.s_addr;
	d->port = (uint16_t)port;
	return 0;
}

int mcr_dest_parse_list(const char *list, struct mcr_dest *out, size_t max, const char **bad)
{
	const char *p = list;
	size_t n = 0;

	for (;;) {
		size_t len = strcspn(p, ",");

		*bad = p;
		if (n == max)
			return -E2BIG;
		if (parse_dest(p, len, &out[n]))
			return -EINVAL;
		n++;
		if (!p[len])
			break;
		p += len + 1;
	}
	return (int)n;
}

static bool in_multicast(uint64_t a)
{
	return a >= 0xe0000000ULL && a <= 0xefffffffULL;
}

int mcr_dest_expand(struct mcr_dest *out, size_t n, uint32_t base, uint16_t port,
		    uint32_t addr_step, uint32_t port_step)
{
	uint64_t a0 = ntohl(base);
	bool mc = in_multicast(a0);
	size_t i;

	for (i = 0; i < n; i++) {
		uint64_t a = a0 + (uint64_t)i * addr_step;
		uint64_t p = port + (uint64_t)i * port_step;

		if (a > 0xffffffffULL || (mc && !in_multicast(a)) || p == 0 || p > 65535)
			return -ERANGE;
		out[i].addr = htonl((uint32_t)a);
		out[i].port = (uint16_t)p;
	}
	return 0;
}

int mcr_parse_scaled(const char *s, double *out)
{
	char *end;
	double v, mult = 1;

	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno || !isfinite(v))
		return -EINVAL;
	switch (*end) {
	case '\0':
		break;
	case 'k':
	case 'K':
		mult = 1e3;
		end++;
		break;
	case 'M':
		mult = 1e6;
		end++;
		break;
	case 'G':
		mult = 1e9;
		end++;
		break;
	default:
		return -EINVAL;
	}
	if (*end)
		return -EINVAL;
	*out = v * mult;
	return 0;
}

int mcr_parse_count(const char *s, uint64_t *out)
{
	unsigned long long u;
	double v;
	char *end;

	if (*s >= '0' && *s <= '9' && s[strspn(s, "0123456789")] == '\0') {
		errno = 0;
		u = strtoull(s, &end, 10);
		if (errno)
			return -ERANGE;
		*out = u;
		return 0;
	}
	if (mcr_parse_scaled(s, &v))
		return -EINVAL;
	if (v >= 9007199254740992.0) /* 2^53: exact in a double */
		return -ERANGE;
	if ((double)(uint64_t)v != v)
		return -EINVAL;
	*out = (uint64_t)v;
	return 0;
}

int mcr_parse_seconds(const char *s, double *out)
{
	char *end;
	double v;

	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno || !isfinite(v))
		return -EINVAL;
	if (!strcmp(end, "ms"))
		v /= 1e3;
	else if (!strcmp(end, "us"))
		v /= 1e6;
	else if (*end && strcmp(end, "s"))
		return -EINVAL;
	*out = v;
	return 0;
}

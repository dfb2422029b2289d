/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internet checksum helpers (RFC 1071 sum, RFC 1624 incremental update).
 *
 * Every 16-bit value here is a word as it lies in the packet, loaded in host
 * order (memcpy into a uint16_t), and every 32-bit value an address as it lies
 * in the packet. The one's complement sum does not depend on byte order
 * (RFC 1071 section 2(B)), so sums taken this way and stored back the same
 * way are correct on either endianness without a single byte swap.
 *
 * Sums are accumulated in a uint64_t and folded once at the end: carries
 * wait in the high bits, and 2^16 == 1 (mod 0xffff) makes the fold exact.
 */
#ifndef MCR_CSUM_H
#define MCR_CSUM_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint16_t csum_load16(const void *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint32_t csum_load32(const void *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline void csum_store16(void *p, uint16_t v)
{
	memcpy(p, &v, sizeof(v));
}

static inline void csum_store32(void *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

/*
 * Adds the bytes [buf, buf + len) to @acc as 16-bit words, the last odd byte
 * padded with a zero byte (RFC 1071). @buf must start at an even offset of
 * the checksummed data. Sums of up to 2^32 bytes cannot overflow @acc.
 */
static inline uint64_t csum_add(uint64_t acc, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint64_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;

	/* Four independent accumulators: gcc and clang both keep the adds in
	 * flight (2x faster than one chain with gcc 12 at -O2). */
	for (; len >= 16; len -= 16, p += 16) {
		a0 += csum_load32(p);
		a1 += csum_load32(p + 4);
		a2 += csum_load32(p + 8);
		a3 += csum_load32(p + 12);
	}
	for (; len >= 4; len -= 4, p += 4)
		a0 += csum_load32(p);
	if (len >= 2) {
		a1 += csum_load16(p);
		p += 2;
		len -= 2;
	}
	if (len) {
		uint8_t pad[2] = {p[0], 0};

		a2 += csum_load16(pad);
	}
	return acc + a0 + a1 + a2 + a3;
}

/*
 * Folds @acc to 16 bits with end-around carries, not complemented. The result
 * is 0 only when @acc is 0; any other multiple of 0xffff folds to 0xffff.
 */
static inline uint16_t csum_fold(uint64_t acc)
{
	acc = (acc & 0xffffffffu) + (acc >> 32);
	acc = (acc & 0xffffffffu) + (acc >> 32);
	acc = (acc & 0xffffu) + (acc >> 16);
	acc = (acc & 0xffffu) + (acc >> 16);
	return (uint16_t)acc;
}

/* The checksum of the data summed into @acc: the complement of the fold. */
static inline uint16_t csum_finish(uint64_t acc)
{
	return (uint16_t)~csum_fold(acc);
}

/* Adds the change of a 16-bit word from @old to @new to @diff (~m + m'). */
static inline uint64_t csum_diff16(uint64_t diff, uint16_t old, uint16_t new)
{
	return diff + (uint16_t)~old + new;
}

/* Adds the change of a 32-bit word from @old to @new to @diff. */
static inline uint64_t csum_diff32(uint64_t diff, uint32_t old, uint32_t new)
{
	return diff + (uint32_t)~old + new;
}

/*
 * RFC 1624 eqn. 3: the checksum field @hc after the word changes summed in
 * @diff, HC' = ~(~HC + ~m + m').
 *
 * The added 0xffff is a one's complement zero: it keeps the sum non-zero, so
 * the fold lands in [1, 0xffff] and the result in [0, 0xfffe]. The sum a full
 * recomputation folds is in [1, 0xffff] too (an IPv4 or UDP header is never
 * all zero), and one residue mod 0xffff has one value there: the update
 * therefore yields bit for bit what a full recomputation would, never the
 * "negative zero" 0xffff for a checksum that should be 0. (UDP then maps 0
 * to 0xffff itself, RFC 768.)
 */
static inline uint16_t csum_apply(uint16_t hc, uint64_t diff)
{
	return csum_finish((uint16_t)~hc + diff + 0xffffu);
}

/*
 * The IPv4 pseudo-header sum (RFC 768): addresses as they lie in the packet,
 * @proto and @len in host order.
 */
static inline uint64_t csum_pseudo(uint32_t saddr, uint32_t daddr, uint8_t proto, uint16_t len)
{
	uint8_t w[4] = {0, proto, (uint8_t)(len >> 8), (uint8_t)len};

	return (uint64_t)saddr + daddr + csum_load32(w);
}

#endif

// SPDX-License-Identifier: GPL-2.0-or-later
/* The mcr-gen/mcr-sink payload: encode/decode round trips, every way a
 * payload can be damaged, sequence accounting (order, gaps, duplicates,
 * reordering, wrap, window overflow), latency quantiles, argument parsing. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "stream.h"

static uint8_t pkt[MCR_STREAM_MAX_LEN + 64];

static void encode_ok(size_t len, uint32_t stream, uint64_t seq, uint64_t ts)
{
	assert_int_equal(mcr_stream_encode(pkt, len, stream, seq, ts), 0);
}

static void test_stream_full_header_round_trips(void **state)
{
	static const size_t sizes[] = {32, 33, 39, 40, 64, 1024, 1473, MCR_STREAM_MAX_LEN};
	struct mcr_stream_hdr h;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		encode_ok(sizes[i], 0xdeadbeef, 0x0123456789abcdefULL, 0x1789abcdef012345ULL);
		assert_int_equal(mcr_stream_decode(pkt, sizes[i], &h), MCR_STREAM_OK);
		assert_int_equal(h.stream, 0xdeadbeef);
		assert_int_equal(h.seq, 0x0123456789abcdefULL);
		assert_int_equal(h.ts_ns, 0x1789abcdef012345ULL);
		assert_int_equal(h.len, sizes[i]);
		assert_int_equal(h.seq_bits, 64);
		assert_int_equal(h.ts_bits, 64);
	}
	/* the documented layout */
	assert_int_equal(pkt[0], 0x4d);
	assert_int_equal(pkt[1], 0x43);
	assert_int_equal(pkt[2], 1);
	assert_int_equal(pkt[3], 32);
	assert_int_equal(pkt[4], 0xde);
	assert_int_equal(pkt[8], 0x01);
	assert_int_equal(pkt[16], 0x17);
	assert_int_equal(pkt[24] << 8 | pkt[25], MCR_STREAM_MAX_LEN);
}

static void test_stream_compact_header_below_32_bytes(void **state)
{
	struct mcr_stream_hdr h;
	size_t len;

	(void)state;
	for (len = MCR_STREAM_MIN_LEN; len < MCR_STREAM_FULL_HDR; len++) {
		encode_ok(len, 7, 0x1122334455667788ULL, 0xaabbccddeeff0011ULL);
		assert_int_equal(pkt[0], 0x6d);
		assert_int_equal(pkt[1], 0x63);
		assert_int_equal(mcr_stream_decode(pkt, len, &h), MCR_STREAM_OK);
		assert_int_equal(h.stream, 7);
		assert_int_equal(h.seq, 0x55667788ULL);
		assert_int_equal(h.ts_ns, 0xccddeeff0011ULL);
		assert_int_equal(h.len, len);
		assert_int_equal(h.seq_bits, 32);
		assert_int_equal(h.ts_bits, 48);
	}
}

static void test_stream_encode_rejects_sizes_out_of_range(void **state)
{
	(void)state;
	assert_int_equal(mcr_stream_encode(pkt, 17, 1, 1, 1), -EINVAL);
	assert_int_equal(mcr_stream_encode(pkt, 0, 1, 1, 1), -EINVAL);
	assert_int_equal(mcr_stream_encode(pkt, MCR_STREAM_MAX_LEN + 1, 1, 1, 1), -EINVAL);
}

static void test_stream_any_flipped_payload_bit_is_corrupt(void **state)
{
	static const size_t sizes[] = {19, 31, 32 + 1, 100, 1024};
	struct mcr_stream_hdr h;
	size_t i, off, hdr;
	int bit;

	(void)state;
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		hdr = sizes[i] < 32 ? MCR_STREAM_COMPACT_HDR : MCR_STREAM_FULL_HDR;
		encode_ok(sizes[i], 3, 99, 1);
		for (off = hdr; off < sizes[i]; off++) {
			for (bit = 0; bit < 8; bit++) {
				pkt[off] ^= (uint8_t)(1 << bit);
				assert_int_equal(mcr_stream_decode(pkt, sizes[i], &h),
						 MCR_STREAM_CORRUPT);
				assert_int_equal(h.seq, 99);
				pkt[off] ^= (uint8_t)(1 << bit);
			}
		}
		assert_int_equal(mcr_stream_decode(pkt, sizes[i], &h), MCR_STREAM_OK);
	}
}

static void test_stream_any_flipped_header_bit_is_invalid(void **state)
{
	static const size_t sizes[] = {18, 64};
	struct mcr_stream_hdr h;
	size_t i, off, hdr;
	int bit;

	(void)state;
	for (i = 0; i < 2; i++) {
		hdr = sizes[i] < 32 ? MCR_STREAM_COMPACT_HDR : MCR_STREAM_FULL_HDR;
		encode_ok(sizes[i], 0x01020304, 0x55, 0x66);
		for (off = 0; off < hdr; off++) {
			for (bit = 0; bit < 8; bit++) {
				pkt[off] ^= (uint8_t)(1 << bit);
				if (mcr_stream_decode(pkt, sizes[i], &h) != MCR_STREAM_INVALID)
					fail_msg("size %zu: flip of byte %zu bit %d undetected",
						 sizes[i], off, bit);
				pkt[off] ^= (uint8_t)(1 << bit);
			}
		}
	}
}

static void test_stream_truncated_or_padded_is_bad_length(void **state)
{
	struct mcr_stream_hdr h;

	(void)state;
	encode_ok(1000, 5, 6, 7);
	assert_int_equal(mcr_stream_decode(pkt, 999, &h), MCR_STREAM_BAD_LENGTH);
	assert_int_equal(h.len, 1000);
	assert_int_equal(h.seq, 6);
	assert_int_equal(mcr_stream_decode(pkt, 1001, &h), MCR_STREAM_BAD_LENGTH);
	assert_int_equal(mcr_stream_decode(pkt, 32, &h), MCR_STREAM_BAD_LENGTH);
	encode_ok(20, 5, 6, 7);
	assert_int_equal(mcr_stream_decode(pkt, 19, &h), MCR_STREAM_BAD_LENGTH);
	assert_int_equal(mcr_stream_decode(pkt, 40, &h), MCR_STREAM_BAD_LENGTH);
	/* too short for any header */
	assert_int_equal(mcr_stream_decode(pkt, 17, &h), MCR_STREAM_INVALID);
	encode_ok(64, 5, 6, 7);
	assert_int_equal(mcr_stream_decode(pkt, 31, &h), MCR_STREAM_INVALID);
}

static void test_stream_payload_of_another_packet_is_corrupt(void **state)
{
	static uint8_t other[256];
	struct mcr_stream_hdr h;

	(void)state;
	/* same stream, next seq: header of one, payload of the other */
	assert_int_equal(mcr_stream_encode(other, 200, 9, 1001, 0), 0);
	encode_ok(200, 9, 1000, 0);
	memcpy(pkt + 32, other + 32, 200 - 32);
	assert_int_equal(mcr_stream_decode(pkt, 200, &h), MCR_STREAM_CORRUPT);
	/* same seq, other stream */
	assert_int_equal(mcr_stream_encode(other, 200, 10, 1000, 0), 0);
	encode_ok(200, 9, 1000, 0);
	memcpy(pkt + 32, other + 32, 200 - 32);
	assert_int_equal(mcr_stream_decode(pkt, 200, &h), MCR_STREAM_CORRUPT);
	/* the payload shifted by one byte */
	encode_ok(200, 9, 1000, 0);
	memmove(pkt + 33, pkt + 32, 200 - 33);
	assert_int_equal(mcr_stream_decode(pkt, 200, &h), MCR_STREAM_CORRUPT);
	/* two 8-byte blocks swapped */
	encode_ok(200, 9, 1000, 0);
	memcpy(other, pkt + 40, 8);
	memcpy(pkt + 40, pkt + 48, 8);
	memcpy(pkt + 48, other, 8);
	assert_int_equal(mcr_stream_decode(pkt, 200, &h), MCR_STREAM_CORRUPT);
	/* zeroed payload */
	encode_ok(200, 9, 1000, 0);
	memset(pkt + 32, 0, 200 - 32);
	assert_int_equal(mcr_stream_decode(pkt, 200, &h), MCR_STREAM_CORRUPT);
}

static void test_stream_foreign_datagrams_are_invalid(void **state)
{
	struct mcr_stream_hdr h;
	unsigned int i;

	(void)state;
	memset(pkt, 0, 64);
	assert_int_equal(mcr_stream_decode(pkt, 64, &h), MCR_STREAM_INVALID);
	srand(1);
	for (i = 0; i < sizeof(pkt); i++)
		pkt[i] = (uint8_t)rand();
	assert_int_equal(mcr_stream_decode(pkt, 1000, &h), MCR_STREAM_INVALID);
	/* right magic, garbage after it */
	pkt[0] = 0x4d;
	pkt[1] = 0x43;
	assert_int_equal(mcr_stream_decode(pkt, 1000, &h), MCR_STREAM_INVALID);
	pkt[0] = 0x6d;
	pkt[1] = 0x63;
	assert_int_equal(mcr_stream_decode(pkt, 20, &h), MCR_STREAM_INVALID);
	/* a later version is not ours to judge */
	encode_ok(64, 1, 1, 1);
	pkt[2] = 2;
	assert_int_equal(mcr_stream_decode(pkt, 64, &h), MCR_STREAM_INVALID);
}

static void test_wrap_extend_picks_nearest(void **state)
{
	(void)state;
	assert_int_equal(mcr_wrap_extend(10, 11, 32), 11);
	assert_int_equal(mcr_wrap_extend(10, 5, 32), 5);
	assert_int_equal(mcr_wrap_extend(0xfffffff0ULL, 3, 32), 0x100000003ULL);
	assert_int_equal(mcr_wrap_extend(0x100000003ULL, 0xfffffff0ULL, 32), 0xfffffff0ULL);
	assert_int_equal(mcr_wrap_extend(0x500000000ULL, 7, 32), 0x500000007ULL);
	/* never below zero: the value must lie ahead */
	assert_int_equal(mcr_wrap_extend(5, 0xfffffff0ULL, 32), 0xfffffff0ULL);
	/* a 48-bit timestamp against the receiver's clock */
	assert_int_equal(mcr_wrap_extend(0x1000000000010ULL, 0xfffffffffff0ULL, 48),
			 0xfffffffffff0ULL);
	assert_int_equal(mcr_wrap_extend(0x5fffffffffff0ULL, 0x10ULL, 48), 0x6000000000010ULL);
	assert_int_equal(mcr_wrap_extend(123, 456, 64), 456);
}

#define WIN 1024
static uint64_t bits[WIN / 64];

static struct mcr_seq *seq_new(void)
{
	static struct mcr_seq s;

	assert_int_equal(mcr_seq_init(&s, bits, WIN), 0);
	return &s;
}

static void test_seq_in_order_counts_nothing_missing(void **state)
{
	struct mcr_seq *s = seq_new();
	uint64_t i;

	(void)state;
	for (i = 0; i < 10 * WIN; i++)
		assert_int_equal(mcr_seq_add(s, i), MCR_SEQ_NEXT);
	assert_int_equal(s->received, 10 * WIN);
	assert_int_equal(s->unique, 10 * WIN);
	assert_int_equal(s->duplicated + s->reordered + s->old, 0);
	assert_int_equal(s->first, 0);
	assert_int_equal(s->last, 10 * WIN - 1);
	assert_int_equal(mcr_seq_lost(s, 0), 0);
	assert_int_equal(mcr_seq_lost(s, 10 * WIN), 0);
}

static void test_seq_gap_counts_lost(void **state)
{
	struct mcr_seq *s = seq_new();

	(void)state;
	mcr_seq_add(s, 0);
	mcr_seq_add(s, 1);
	assert_int_equal(mcr_seq_add(s, 5), MCR_SEQ_GAP);
	assert_int_equal(mcr_seq_add(s, 6), MCR_SEQ_NEXT);
	assert_int_equal(mcr_seq_lost(s, 0), 3);
	/* the expected count reveals a lost tail and a lost head */
	assert_int_equal(mcr_seq_lost(s, 10), 6);
	assert_int_equal(s->reordered, 0);
}

static void test_seq_duplicate_counted_once(void **state)
{
	struct mcr_seq *s = seq_new();

	(void)state;
	mcr_seq_add(s, 0);
	mcr_seq_add(s, 1);
	assert_int_equal(mcr_seq_add(s, 1), MCR_SEQ_DUPLICATE);
	assert_int_equal(mcr_seq_add(s, 0), MCR_SEQ_DUPLICATE);
	mcr_seq_add(s, 2);
	assert_int_equal(s->received, 5);
	assert_int_equal(s->duplicated, 2);
	assert_int_equal(s->unique, 3);
	assert_int_equal(mcr_seq_lost(s, 0), 0);
}

static void test_seq_late_arrival_fills_gap(void **state)
{
	struct mcr_seq *s = seq_new();

	(void)state;
	mcr_seq_add(s, 0);
	mcr_seq_add(s, 2);
	mcr_seq_add(s, 3);
	assert_int_equal(mcr_seq_lost(s, 0), 1);
	assert_int_equal(mcr_seq_add(s, 1), MCR_SEQ_LATE);
	assert_int_equal(mcr_seq_lost(s, 0), 0);
	assert_int_equal(s->reordered, 1);
	assert_int_equal(s->max_reorder, 2);
	/* the late one again is a duplicate, not another reorder */
	assert_int_equal(mcr_seq_add(s, 1), MCR_SEQ_DUPLICATE);
	assert_int_equal(s->reordered, 1);
}

static void test_seq_late_before_first_extends_span(void **state)
{
	struct mcr_seq *s = seq_new();

	(void)state;
	mcr_seq_add(s, 10);
	mcr_seq_add(s, 11);
	assert_int_equal(mcr_seq_add(s, 8), MCR_SEQ_LATE);
	assert_int_equal(s->first, 8);
	assert_int_equal(mcr_seq_lost(s, 0), 1); /* 9 */
	assert_int_equal(mcr_seq_add(s, 9), MCR_SEQ_LATE);
	assert_int_equal(mcr_seq_lost(s, 0), 0);
	assert_int_equal(mcr_seq_lost(s, 12), 8);
}

static void test_seq_window_overflow_is_old_not_duplicate(void **state)
{
	struct mcr_seq *s = seq_new();

	(void)state;
	mcr_seq_add(s, 0);
	mcr_seq_add(s, 1);
	/* a jump further than the window forgets everything before */
	assert_int_equal(mcr_seq_add(s, 1 + 3 * WIN), MCR_SEQ_GAP);
	assert_int_equal(mcr_seq_add(s, 1), MCR_SEQ_OLD);
	assert_int_equal(mcr_seq_add(s, 1 + 2 * WIN), MCR_SEQ_OLD);
	/* the youngest number still in the window is classified */
	assert_int_equal(mcr_seq_add(s, 2 + 2 * WIN), MCR_SEQ_LATE);
	assert_int_equal(mcr_seq_add(s, 2 + 2 * WIN), MCR_SEQ_DUPLICATE);
	assert_int_equal(mcr_seq_add(s, 1 + 3 * WIN), MCR_SEQ_DUPLICATE);
	assert_int_equal(s->old, 2);
	assert_int_equal(s->duplicated, 2);
	assert_int_equal(s->received, 8);
	assert_int_equal(s->unique, 4);
}

static void test_seq_advance_clears_reused_slots(void **state)
{
	struct mcr_seq *s = seq_new();
	uint64_t i;

	(void)state;
	/* fill the window, then advance by less than a window with a gap: the
	 * skipped numbers must not look already seen */
	for (i = 0; i < WIN; i++)
		mcr_seq_add(s, i);
	assert_int_equal(mcr_seq_add(s, WIN + 100), MCR_SEQ_GAP);
	for (i = WIN; i < WIN + 100; i++)
		assert_int_equal(mcr_seq_add(s, i), MCR_SEQ_LATE);
	assert_int_equal(s->duplicated, 0);
	assert_int_equal(mcr_seq_lost(s, 0), 0);
}

static void test_seq_compact_wraps_at_32_bits(void **state)
{
	struct mcr_seq *s = seq_new();
	uint64_t i, start = 0xffffff00ULL;

	(void)state;
	for (i = start; i < start + 512; i++)
		assert_int_equal(mcr_seq_add_wire(s, (uint32_t)i, 32), MCR_SEQ_NEXT);
	assert_int_equal(s->last, start + 511);
	assert_true(s->last > 0xffffffffULL);
	/* a late packet from before the wrap */
	assert_int_equal(mcr_seq_add_wire(s, 0xffffffffULL, 32), MCR_SEQ_DUPLICATE);
	assert_int_equal(mcr_seq_lost(s, 0), 0);
	assert_int_equal(s->unique, 512);
}

/* Random arrivals (loss, duplicates, reordering within the window) against
 * a plain reference: the counters must agree exactly. */
static void test_seq_matches_reference_on_random_traffic(void **state)
{
	enum { N = 20000 };
	static uint8_t seen[N];
	static uint64_t order[2 * N];
	static uint8_t moved[2 * N];
	struct mcr_seq *s = seq_new();
	uint64_t n = 0, i, j, ref_unique = 0, ref_dup = 0, ref_late = 0, max = 0, tmp;
	bool started = false;

	(void)state;
	srand(42);
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < N; i++) {
		if (rand() % 10 == 0)
			continue; /* lost */
		order[n++] = i;
		if (rand() % 20 == 0)
			order[n++] = i; /* duplicated */
	}
	/* displace some packets, each once, by less than a quarter window */
	memset(moved, 0, sizeof(moved));
	for (i = 0; i + 1 < n; i++) {
		if (rand() % 8 || moved[i])
			continue;
		j = i + 1 + (uint64_t)rand() % (WIN / 4);
		if (j >= n || moved[j])
			continue;
		moved[i] = moved[j] = 1;
		tmp = order[i];
		order[i] = order[j];
		order[j] = tmp;
	}
	for (i = 0; i < n; i++) {
		uint64_t q = order[i];

		mcr_seq_add(s, q);
		if (seen[q]) {
			ref_dup++;
		} else {
			seen[q] = 1;
			ref_unique++;
			if (started && q < max)
				ref_late++;
		}
		if (!started || q > max)
			max = q;
		started = true;
	}
	assert_int_equal(s->received, n);
	assert_int_equal(s->old, 0);
	assert_int_equal(s->unique, ref_unique);
	assert_int_equal(s->duplicated, ref_dup);
	assert_int_equal(s->reordered, ref_late);
	assert_int_equal(mcr_seq_lost(s, N), N - ref_unique);
}

static void test_seq_init_rejects_bad_window(void **state)
{
	struct mcr_seq s;

	(void)state;
	assert_int_equal(mcr_seq_init(&s, bits, 100), -EINVAL);
	assert_int_equal(mcr_seq_init(&s, bits, 32), -EINVAL);
	assert_int_equal(mcr_seq_init(&s, bits, 64), 0);
	assert_int_equal(mcr_seq_lost(&s, 5), 5);
}

static void test_lat_quantiles_within_bucket_precision(void **state)
{
	static struct mcr_lat l;
	int64_t v, p50, p99;

	(void)state;
	memset(&l, 0, sizeof(l));
	for (v = 1; v <= 100000; v++)
		mcr_lat_add(&l, v * 10);
	p50 = mcr_lat_quantile(&l, 0.5);
	p99 = mcr_lat_quantile(&l, 0.99);
	assert_in_range(p50, 500000 - 500000 / 60, 500000 + 500000 / 60);
	assert_in_range(p99, 990000 - 990000 / 60, 990000 + 990000 / 60);
	assert_int_equal(mcr_lat_quantile(&l, 1.0), 1000000);
	assert_int_equal(l.min, 10);
	assert_int_equal(l.max, 1000000);
	assert_int_equal(mcr_lat_avg(&l), 500005);
	/* small values are exact */
	memset(&l, 0, sizeof(l));
	mcr_lat_add(&l, 7);
	mcr_lat_add(&l, 9);
	assert_int_equal(mcr_lat_quantile(&l, 0.5), 7);
	assert_int_equal(mcr_lat_quantile(&l, 0.99), 9);
}

static void test_lat_negative_and_huge_delays_are_kept_apart(void **state)
{
	static struct mcr_lat l, m;

	(void)state;
	memset(&l, 0, sizeof(l));
	memset(&m, 0, sizeof(m));
	assert_int_equal(mcr_lat_quantile(&l, 0.5), 0);
	assert_int_equal(mcr_lat_avg(&l), 0);
	mcr_lat_add(&l, -50);
	mcr_lat_add(&l, 1LL << 50);
	assert_int_equal(l.negative, 1);
	assert_int_equal(l.min, -50);
	assert_int_equal(mcr_lat_quantile(&l, 0.5), 0);
	assert_int_equal(mcr_lat_quantile(&l, 1.0), 1LL << 50);
	mcr_lat_add(&m, 1000);
	mcr_lat_merge(&m, &l);
	assert_int_equal(m.count, 3);
	assert_int_equal(m.negative, 1);
	assert_int_equal(m.min, -50);
	assert_int_equal(m.max, 1LL << 50);
	assert_in_range(mcr_lat_quantile(&m, 0.6), 970, 1030);
}

static void test_dest_list_parses_and_names_bad_element(void **state)
{
	struct mcr_dest d[4];
	const char *bad = NULL;
	const char *list = "239.1.1.1:5001,239.1.1.2:5002";

	(void)state;
	assert_int_equal(mcr_dest_parse_list(list, d, 4, &bad), 2);
	assert_int_equal(d[0].addr, inet_addr("239.1.1.1"));
	assert_int_equal(d[0].port, 5001);
	assert_int_equal(d[1].addr, inet_addr("239.1.1.2"));
	assert_int_equal(d[1].port, 5002);
	list = "239.1.1.1:5001,239.1.1:5002";
	assert_int_equal(mcr_dest_parse_list(list, d, 4, &bad), -EINVAL);
	assert_ptr_equal(bad, list + 15);
	assert_int_equal(mcr_dest_parse_list("239.1.1.1", d, 4, &bad), -EINVAL);
	assert_int_equal(mcr_dest_parse_list("239.1.1.1:0", d, 4, &bad), -EINVAL);
	assert_int_equal(mcr_dest_parse_list("239.1.1.1:65536", d, 4, &bad), -EINVAL);
	assert_int_equal(mcr_dest_parse_list("239.1.1.1:5x", d, 4, &bad), -EINVAL);
	assert_int_equal(mcr_dest_parse_list("239.1.1.1:-5", d, 4, &bad), -EINVAL);
	assert_int_equal(mcr_dest_parse_list("", d, 4, &bad), -EINVAL);
	assert_int_equal(mcr_dest_parse_list("239.1.1.1:1,", d, 4, &bad), -EINVAL);
	assert_int_equal(mcr_dest_parse_list("1.1.1.1:1,1.1.1.1:2", d, 1, &bad), -E2BIG);
}

static void test_dest_expand_steps_and_stays_in_range(void **state)
{
	struct mcr_dest d[300];

	(void)state;
	assert_int_equal(mcr_dest_expand(d, 300, inet_addr("239.1.0.1"), 5001, 1, 0), 0);
	assert_int_equal(d[0].addr, inet_addr("239.1.0.1"));
	assert_int_equal(d[299].addr, inet_addr("239.1.1.44"));
	assert_int_equal(d[299].port, 5001);
	assert_int_equal(mcr_dest_expand(d, 3, inet_addr("239.1.0.1"), 5001, 0, 2), 0);
	assert_int_equal(d[2].addr, inet_addr("239.1.0.1"));
	assert_int_equal(d[2].port, 5005);
	assert_int_equal(mcr_dest_expand(d, 2, inet_addr("239.255.255.255"), 1, 1, 0), -ERANGE);
	assert_int_equal(mcr_dest_expand(d, 2, inet_addr("239.1.1.1"), 65535, 0, 1), -ERANGE);
	assert_int_equal(mcr_dest_expand(d, 2, inet_addr("255.255.255.255"), 1, 1, 0), -ERANGE);
}

static void test_parse_numbers_with_suffixes(void **state)
{
	uint64_t u;
	double d;

	(void)state;
	assert_int_equal(mcr_parse_scaled("10k", &d), 0);
	assert_true(d == 10000);
	assert_int_equal(mcr_parse_scaled("1.5M", &d), 0);
	assert_true(d == 1500000);
	assert_int_equal(mcr_parse_scaled("2G", &d), 0);
	assert_true(d == 2e9);
	assert_int_equal(mcr_parse_scaled("0", &d), 0);
	assert_int_equal(mcr_parse_scaled("-1", &d), -EINVAL);
	assert_int_equal(mcr_parse_scaled("1x", &d), -EINVAL);
	assert_int_equal(mcr_parse_scaled("1kk", &d), -EINVAL);
	assert_int_equal(mcr_parse_scaled("nan", &d), -EINVAL);
	assert_int_equal(mcr_parse_scaled("inf", &d), -EINVAL);
	assert_int_equal(mcr_parse_scaled("", &d), -EINVAL);
	assert_int_equal(mcr_parse_count("18446744073709551615", &u), 0);
	assert_int_equal(u, UINT64_MAX);
	assert_int_equal(mcr_parse_count("18446744073709551616", &u), -ERANGE);
	assert_int_equal(mcr_parse_count("3k", &u), 0);
	assert_int_equal(u, 3000);
	assert_int_equal(mcr_parse_count("1.5k", &u), 0);
	assert_int_equal(u, 1500);
	assert_int_equal(mcr_parse_count("1.5", &u), -EINVAL);
	assert_int_equal(mcr_parse_count("-3", &u), -EINVAL);
	assert_int_equal(mcr_parse_seconds("2", &d), 0);
	assert_true(d == 2);
	assert_int_equal(mcr_parse_seconds("250ms", &d), 0);
	assert_true(d == 0.25);
	assert_int_equal(mcr_parse_seconds("1.5s", &d), 0);
	assert_true(d == 1.5);
	assert_int_equal(mcr_parse_seconds("1h", &d), -EINVAL);
	assert_int_equal(mcr_parse_seconds("-1", &d), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_stream_full_header_round_trips),
	    cmocka_unit_test(test_stream_compact_header_below_32_bytes),
	    cmocka_unit_test(test_stream_encode_rejects_sizes_out_of_range),
	    cmocka_unit_test(test_stream_any_flipped_payload_bit_is_corrupt),
	    cmocka_unit_test(test_stream_any_flipped_header_bit_is_invalid),
	    cmocka_unit_test(test_stream_truncated_or_padded_is_bad_length),
	    cmocka_unit_test(test_stream_payload_of_another_packet_is_corrupt),
	    cmocka_unit_test(test_stream_foreign_datagrams_are_invalid),
	    cmocka_unit_test(test_wrap_extend_picks_nearest),
	    cmocka_unit_test(test_seq_in_order_counts_nothing_missing),
	    cmocka_unit_test(test_seq_gap_counts_lost),
	    cmocka_unit_test(test_seq_duplicate_counted_once),
	    cmocka_unit_test(test_seq_late_arrival_fills_gap),
	    cmocka_unit_test(test_seq_late_before_first_extends_span),
	    cmocka_unit_test(test_seq_window_overflow_is_old_not_duplicate),
	    cmocka_unit_test(test_seq_advance_clears_reused_slots),
	    cmocka_unit_test(test_seq_compact_wraps_at_32_bits),
	    cmocka_unit_test(test_seq_matches_reference_on_random_traffic),
	    cmocka_unit_test(test_seq_init_rejects_bad_window),
	    cmocka_unit_test(test_lat_quantiles_within_bucket_precision),
	    cmocka_unit_test(test_lat_negative_and_huge_delays_are_kept_apart),
	    cmocka_unit_test(test_dest_list_parses_and_names_bad_element),
	    cmocka_unit_test(test_dest_expand_steps_and_stays_in_range),
	    cmocka_unit_test(test_parse_numbers_with_suffixes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/* mcr-sink's stream table: a slab of streams behind an open-addressing
 * hash, with sequence bitmaps and latency histograms in one anonymous
 * mapping each, so pages are only committed for streams that appear. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "sink.h"

static void *map_zeroed(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

int sink_table_init(struct sink_table *t, uint32_t max, uint32_t window, bool latency)
{
	uint32_t slots = 2;

	memset(t, 0, sizeof(*t));
	while (slots < 2 * max)
		slots <<= 1;
	t->max = max;
	t->window = window;
	t->mask = slots - 1;
	t->streams = calloc(max, sizeof(*t->streams));
	t->slots = calloc(slots, sizeof(*t->slots));
	t->bitmaps_len = (size_t)max * (window / 8);
	t->bitmaps = map_zeroed(t->bitmaps_len);
	if (latency) {
		t->lats_len = (size_t)max * sizeof(struct mcr_lat);
		t->lats = map_zeroed(t->lats_len);
	}
	if (!t->streams || !t->slots || !t->bitmaps || (latency && !t->lats)) {
		sink_table_free(t);
		return -ENOMEM;
	}
	return 0;
}

void sink_table_free(struct sink_table *t)
{
	free(t->streams);
	free(t->slots);
	if (t->bitmaps)
		munmap(t->bitmaps, t->bitmaps_len);
	if (t->lats)
		munmap(t->lats, t->lats_len);
	memset(t, 0, sizeof(*t));
}

static uint32_t hash(uint32_t id, uint32_t group, uint16_t port)
{
	uint64_t k = ((uint64_t)id << 32 | group) ^ ((uint64_t)port * 0xff51afd7ed558ccdULL);

	k *= 0x9e3779b97f4a7c15ULL;
	return (uint32_t)(k >> 32);
}

static struct sink_stream *table_new(struct sink_table *t, uint32_t id, uint32_t group,
				     uint16_t port)
{
	struct sink_stream *s = &t->streams[t->n];

	s->id = id;
	s->group = group;
	s->port = port;
	mcr_seq_init(&s->seq, t->bitmaps + (size_t)t->n * (t->window / 64), t->window);
	if (t->lats)
		s->lat = &t->lats[t->n];
	t->n++;
	return s;
}

struct sink_stream *sink_table_get(struct sink_table *t, uint32_t id, uint32_t group, uint16_t port)
{
	uint32_t i = hash(id, group, port) & t->mask;
	struct sink_stream *s;

	/* at most half full, so a free slot always ends the probe */
	for (;; i = (i + 1) & t->mask) {
		if (!t->slots[i])
			break;
		s = &t->streams[t->slots[i] - 1];
		if (s->id == id && s->group == group && s->port == port)
			return s;
	}
	if (t->n == t->max)
		return NULL;
	t->slots[i] = t->n + 1;
	return table_new(t, id, group, port);
}

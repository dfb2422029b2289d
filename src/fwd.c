// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The forwarding table (fwd.h): an open hash of chains over a flat entry
 * array, sized to a power of two at least twice the entries, so a lookup
 * is one multiply-shift hash and usually one compare.
 */
#include <stdlib.h>
#include <string.h>

#include "fwd.h"

/* Counter cells of one worker start on their own cache line. */
#define CELL_ALIGN 64

static void *cells_alloc(size_t n, size_t size)
{
	size_t len = (n * size + CELL_ALIGN - 1) / CELL_ALIGN * CELL_ALIGN;
	void *p = aligned_alloc(CELL_ALIGN, len ? len : CELL_ALIGN);

	if (p)
		memset(p, 0, len ? len : CELL_ALIGN);
	return p;
}

static uint32_t buckets_for(uint32_t n)
{
	uint32_t b = 16;

	while (b < 2 * n)
		b <<= 1;
	return b;
}

struct fwd_table *fwd_alloc(uint32_t n_ent, uint32_t n_out, unsigned int n_rx, unsigned int n_tx,
			    unsigned int n_workers)
{
	struct fwd_table *t = calloc(1, sizeof(*t));
	uint32_t nb = buckets_for(n_ent);
	bool ok;

	if (!t)
		return NULL;
	t->n_workers = n_workers;
	t->mask = nb - 1;
	t->ent = calloc(n_ent ? n_ent : 1, sizeof(*t->ent));
	t->out = calloc(n_out ? n_out : 1, sizeof(*t->out));
	t->okey = calloc(n_out ? n_out : 1, sizeof(*t->okey));
	t->bucket = calloc(nb, sizeof(*t->bucket));
	t->rx = calloc(n_rx ? n_rx : 1, sizeof(*t->rx));
	t->tx = calloc(n_tx ? n_tx : 1, sizeof(*t->tx));
	t->rcell = calloc(n_workers, sizeof(*t->rcell));
	t->ocell = calloc(n_workers, sizeof(*t->ocell));
	ok = t->ent && t->out && t->okey && t->bucket && t->rx && t->tx && t->rcell && t->ocell;
	for (unsigned int w = 0; ok && w < n_workers; w++) {
		t->rcell[w] = cells_alloc(n_ent, sizeof(struct fwd_rcell));
		t->ocell[w] = cells_alloc(n_out, sizeof(struct fwd_ocell));
		ok = t->rcell[w] && t->ocell[w];
	}
	if (!ok) {
		fwd_free(t);
		return NULL;
	}
	return t;
}

void fwd_free(struct fwd_table *t)
{
	if (!t)
		return;
	for (unsigned int w = 0; w < t->n_workers; w++) {
		if (t->rcell)
			free(t->rcell[w]);
		if (t->ocell)
			free(t->ocell[w]);
	}
	free(t->rcell);
	free(t->ocell);
	free(t->ent);
	free(t->out);
	free(t->okey);
	free(t->bucket);
	free(t->rx);
	free(t->tx);
	free(t);
}

static uint32_t hash_key(int ifindex, uint32_t group, uint16_t port, uint32_t src)
{
	uint64_t k = ((uint64_t)group << 32 | src) ^ ((uint64_t)port << 16 | (uint32_t)ifindex);

	/* the 64-bit finalizer of MurmurHash3: every input bit moves the
	 * top bits, which the mask keeps after the shift */
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdull;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ull;
	k ^= k >> 33;
	return (uint32_t)k;
}

void fwd_index(struct fwd_table *t)
{
	memset(t->bucket, 0, ((size_t)t->mask + 1) * sizeof(*t->bucket));
	t->has_src = t->has_anyport = false;
	for (uint32_t i = 0; i < t->n_ent; i++) {
		struct fwd_entry *e = &t->ent[i];
		uint32_t b = hash_key(e->ifindex, e->group, e->port, e->src) & t->mask;

		e->next = t->bucket[b];
		t->bucket[b] = i + 1;
		t->has_src |= e->src != 0;
		t->has_anyport |= e->port == 0;
	}
}

const struct fwd_entry *fwd_find(const struct fwd_table *t, int ifindex, uint32_t group,
				 uint16_t port, uint32_t src)
{
	uint32_t i = t->bucket[hash_key(ifindex, group, port, src) & t->mask];

	while (i) {
		const struct fwd_entry *e = &t->ent[i - 1];

		if (e->group == group && e->ifindex == ifindex && e->port == port && e->src == src)
			return e;
		i = e->next;
	}
	return NULL;
}

const struct fwd_entry *fwd_by_rule(const struct fwd_table *t, uint32_t id)
{
	uint32_t lo = 0, hi = t->n_ent;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (t->ent[mid].rule_id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < t->n_ent && t->ent[lo].rule_id == id ? &t->ent[lo] : NULL;
}

static uint64_t load(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static struct mcr_output *output_by_key(struct mcr_rule *r, const struct fwd_okey *k)
{
	for (unsigned int i = 0; i < r->n_outputs; i++) {
		struct mcr_output *o = &r->out[i];

		if (!strcmp(o->oif, k->oif) && mcr_output_group(r, o) == k->group &&
		    mcr_output_port(r, o) == k->port)
			return o;
	}
	return NULL;
}

void fwd_fold(const struct fwd_table *t, const struct fwd_entry *e, struct mcr_rule *rule)
{
	uint32_t ei = (uint32_t)(e - t->ent);

	for (unsigned int w = 0; w < t->n_workers; w++) {
		rule->stats.packets += load(&t->rcell[w][ei].packets);
		rule->stats.bytes += load(&t->rcell[w][ei].bytes);
	}
	for (uint32_t j = e->first_out; j < e->first_out + e->n_out; j++) {
		struct mcr_output *o = output_by_key(rule, &t->okey[j]);
		uint32_t c = t->out[j].cell;

		if (!o)
			continue;
		for (unsigned int w = 0; w < t->n_workers; w++) {
			const struct fwd_ocell *oc = &t->ocell[w][c];

			o->stats.packets += load(&oc->packets);
			o->stats.bytes += load(&oc->bytes);
			for (int d = 0; d < MCR_DROP__MAX; d++)
				o->stats.drops[d] += load(&oc->drops[d]);
		}
	}
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The forwarding table the workers read: an immutable snapshot of the
 * rules that can forward now, with everything a packet needs prepared
 * (interface indexes, MACs, addresses, MTUs, the sockets), and the
 * per-worker counter cells of this snapshot.
 *
 * The control thread builds a table, publishes it with one atomic store,
 * and frees the previous one after every worker has moved to the new one
 * (dataplane.c). Nothing in a published table changes except the counter
 * cells, and each worker writes only its own cells, so the packet path takes
 * no lock and shares no cache line with another worker.
 *
 * Lookup: a packet is taken by exactly one rule, the most specific that
 * matches its (input interface, group, destination port, source): a rule
 * with the packet's source before a rule for any source, and within each a
 * rule with the packet's port before a rule for any port.
 */
#ifndef MCRD_FWD_H
#define MCRD_FWD_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "port.h"
#include "rewrite.h"
#include "rule.h"

/* Counter cells: one writer (the worker), read by the control thread. */
struct fwd_rcell {
	uint64_t packets;
	uint64_t bytes;
};

struct fwd_ocell {
	uint64_t packets;
	uint64_t bytes;
	uint64_t drops[MCR_DROP__MAX];
};

/* One output of an entry. */
struct fwd_out {
	struct rewrite_out rw;
	uint32_t cell; /* index of its fwd_ocell */
	uint16_t tx;   /* index into the table's tx[], FWD_NO_TX when none */
	uint8_t drop;  /* 0, or 1 + the enum mcr_drop every packet gets */
};

#define FWD_NO_TX 0xffff

/* One rule that can forward. */
struct fwd_entry {
	int ifindex;
	uint32_t group; /* network order */
	uint32_t src;	/* network order; 0 = any */
	uint16_t port;	/* host order; 0 = any */
	uint16_t n_out;
	bool complete;	/* every worker output's interface exists (the rule is active) */
	uint32_t rule_id;
	uint32_t first_out; /* its outputs are out[first_out .. + n_out) */
	uint32_t next;	    /* hash chain: entry index + 1, 0 ends */
};

/* What identifies an output across tables, for carrying its counters. */
struct fwd_okey {
	char oif[IFNAMSIZ];
	uint32_t group;
	uint16_t port;
};

struct fwd_table {
	uint64_t gen;
	uint64_t rules_gen; /* the rule table's generation it was built from */
	uint32_t n_ent, n_out;
	struct fwd_entry *ent; /* ascending rule id */
	struct fwd_out *out;
	struct fwd_okey *okey; /* parallel to out */
	uint32_t *bucket;      /* entry index + 1, 0 empty */
	uint32_t mask;
	bool has_src;	  /* some entry is source-specific */
	bool has_anyport; /* some entry takes any port */
	unsigned int n_rx, n_tx;
	struct rx_port **rx;
	struct tx_port **tx;
	unsigned int n_workers;
	struct fwd_rcell **rcell; /* [worker][entry] */
	struct fwd_ocell **ocell; /* [worker][output] */
	/* the control thread's */
	uint64_t retire_gen;
	struct fwd_table *next_retired;
};

/* A table with room for the given counts, cells zeroed (NULL on ENOMEM). */
struct fwd_table *fwd_alloc(uint32_t n_ent, uint32_t n_out, unsigned int n_rx, unsigned int n_tx,
			    unsigned int n_workers);

/* Frees the table itself; its ports are the caller's. */
void fwd_free(struct fwd_table *t);

/* Builds the hash over ent[0 .. n_ent); call once the entries are final. */
void fwd_index(struct fwd_table *t);

/* The entry with exactly this key, or NULL. */
const struct fwd_entry *fwd_find(const struct fwd_table *t, int ifindex, uint32_t group,
				 uint16_t port, uint32_t src);

/* The entry that takes the packet (see the lookup order above), or NULL. */
static inline const struct fwd_entry *fwd_lookup(const struct fwd_table *t, int ifindex,
						 uint32_t group, uint16_t port, uint32_t src)
{
	const struct fwd_entry *e;

	if (t->has_src) {
		e = fwd_find(t, ifindex, group, port, src);
		if (e)
			return e;
		if (t->has_anyport && (e = fwd_find(t, ifindex, group, 0, src)))
			return e;
	}
	e = fwd_find(t, ifindex, group, port, 0);
	if (!e && t->has_anyport)
		e = fwd_find(t, ifindex, group, 0, 0);
	return e;
}

/* The entry of rule @id, or NULL (binary search). */
const struct fwd_entry *fwd_by_rule(const struct fwd_table *t, uint32_t id);

/* Adds the cells of entry @e, all workers, to @rule's counters, and those of
 * each of its outputs to the output of @rule with the same key, if any. */
void fwd_fold(const struct fwd_table *t, const struct fwd_entry *e, struct mcr_rule *rule);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The data plane as the control thread sees it: the worker threads, the
 * forwarding tables they read, the packet sockets and the group
 * memberships. It follows the rule table: every change of rules or
 * interfaces marks it dirty, and a rebuild (coalesced on the event loop)
 * publishes a new immutable table; the old one is freed once every worker
 * has moved past it.
 */
#ifndef MCRD_DATAPLANE_H
#define MCRD_DATAPLANE_H

#include <stdbool.h>
#include <stdint.h>

#include "rule.h"
#include "wstats.h"

struct mcrd;
struct dataplane; /* private (dataplane.c) */

/* Creates the workers (not yet forwarding anything). Returns 0 or -errno
 * with a sentence in @err. */
int dp_init(struct mcrd *d, char *err, size_t errlen);

/* Stops the workers, leaves every group, closes every socket. */
void dp_exit(struct mcrd *d);

/* Rules or interfaces changed: rebuild soon. */
void dp_mark_dirty(struct mcrd *d);

/*
 * The live state of rule @r: its stored counters (r->stats and the
 * outputs') plus what the workers counted since, and the active flag,
 * written into @out, which has room for r->n_outputs outputs (the rest of
 * @out is a copy of @r).
 */
void dp_rule_counters(const struct mcrd *d, const struct mcr_rule *r, struct mcr_rule *out);

/* Counters of worker @i (0 .. workers - 1) and the CPU it is pinned to
 * (-1 when not pinned). */
void dp_worker_stats(const struct mcrd *d, unsigned int i, struct wstats *out, int *cpu);

#endif

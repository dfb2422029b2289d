/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel path: the outputs the kernel would send byte for byte
 * (mcr_output_kernel) are forwarded by the kernel's multicast routing
 * table, never by a worker. This module keeps that table equal to what the
 * rules ask for, through the thin layer of mroute.h.
 *
 * - VIFs exist only for the interfaces a kernel output needs (its rule's
 *   input and the output's interface), and go when no output needs them.
 * - A rule with a source installs its (S,G) entry at once. A rule without
 *   one is a template: the kernel reports each new source of the group on
 *   the input (IGMPMSG_NOCACHE) and an (S,G) entry is learned from the
 *   template. A reported (S,G) that no rule forwards through the kernel
 *   gets a stop entry (no outputs), so the kernel stops asking. Learned and
 *   stop entries expire when their counters stop moving.
 * - A packet that arrives on another VIF than its entry's
 *   (IGMPMSG_WRONGVIF) moves a learned entry there when a rule of that
 *   interface takes it.
 * - An any-port rule that shares its input and group with a rule for one
 *   port keeps its outputs on the worker path: an MFC entry cannot tell
 *   ports apart, and the rule for the port must take its packets alone.
 * - Without the mroute socket (another routing daemon holds the table, or
 *   no CONFIG_IP_MROUTE), every output takes the worker path.
 *
 * Entries and VIFs are changed before the data plane publishes the table
 * that stops (or starts) a worker doing the same, so a path change can
 * send a packet twice for an instant, but never lose it.
 */
#ifndef MCRD_KROUTE_H
#define MCRD_KROUTE_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "mroute.h"
#include "rule.h"

struct mcrd;
struct kroute; /* private */

/* How the kernel path stands (daemon-get, stats-get). */
enum kroute_state {
	KROUTE_OFF,	/* not asked for (--table none) */
	KROUTE_ON,	/* the mroute socket is ours */
	KROUTE_BUSY,	/* another process holds the table */
	KROUTE_FAILED,	/* the kernel refused for another reason */
};

/* Counters of the kernel path (stats-get). */
struct kroute_stats {
	uint64_t upcalls;	/* IGMPMSG_NOCACHE */
	uint64_t wrong_vif;	/* IGMPMSG_WRONGVIF */
	uint64_t learned;	/* (S,G) entries installed from a template */
	uint64_t stopped;	/* stop entries installed */
	uint64_t expired;	/* learned and stop entries removed as idle */
	uint64_t moved;		/* learned entries moved to another input */
	uint64_t errors;	/* MRT calls the kernel refused */
};

/* One installed entry, as mroute-get reports it. */
struct kroute_entry_info {
	uint32_t src, group;	 /* network order */
	char iif[IFNAMSIZ];
	unsigned int n_oif;
	char oif[MROUTE_MAXVIFS][IFNAMSIZ];
	uint32_t rule_id;	 /* 0 for a stop entry */
	bool learned;		 /* from a template (expires when idle) */
	uint64_t idle_ms;	 /* since its counters last moved (learned only) */
	struct mroute_sg_stats st;
};

/* Resolves an interface name to an ifindex (0: missing or unusable) for
 * the duration of one sync: the data plane's view of the interfaces. */
typedef int (*kroute_ifindex_fn)(void *arg, const char *name);

/*
 * Opens the mroute socket of table @table (0: the default) unless
 * @enabled is false, and watches it for upcalls. A table held by another
 * process, or a kernel without multicast routing, is no error: the state
 * says so, and a warning names the holder. Returns 0 or -ENOMEM.
 */
int kroute_init(struct mcrd *d, bool enabled, uint32_t table, unsigned int expire_s);

/* Removes every entry and VIF (MRT_DONE) and closes the socket. */
void kroute_exit(struct mcrd *d);

enum kroute_state kroute_state(const struct mcrd *d);
const char *kroute_state_text(const struct mcrd *d);
void kroute_get_stats(const struct mcrd *d, struct kroute_stats *st);

/*
 * Makes VIFs and entries follow the rules, with @ifindex resolving names.
 * Afterwards kroute_output() says which outputs the kernel forwards.
 */
void kroute_sync(struct mcrd *d, kroute_ifindex_fn ifindex, void *arg);

/* Whether output @i of rule @r is forwarded by the kernel (after the last
 * sync). */
bool kroute_output(const struct mcrd *d, const struct mcr_rule *r, unsigned int i);

/*
 * Fills in @r (a copy of a rule of the table, for a reply) what the kernel
 * path knows: each output's path and VIF, the VIF's out counters on kernel
 * outputs, and the counters of the rule's entries added to its stored
 * kernel counters. A rule whose outputs all take the kernel path counts
 * the kernel's packets as the ones it matched.
 */
void kroute_fill_rule(const struct mcrd *d, struct mcr_rule *r);

/* Calls @cb for every installed entry, in (group, source) order, starting
 * after the entry (src, group) when @after is set (a dump's cursor).
 * Stops when @cb returns non-zero and returns that value. */
int kroute_for_each(const struct mcrd *d, bool after, uint32_t src, uint32_t group,
		    int (*cb)(void *arg, const struct kroute_entry_info *e), void *arg);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The rule table of mcrd (DESIGN.md section 4): owned by the control thread,
 * ids assigned here and stable for a rule's life, one rule per input key,
 * no forwarding loops. Every change is reported through one hook so the
 * genl server (notifications) and, later, mroute and the workers follow it.
 */
#ifndef MCRD_RULES_H
#define MCRD_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "policy.h"
#include <net/if.h>
#include <stdbool.h>

#include "rule.h"

enum rules_event {
	RULES_ADDED,
	RULES_REPLACED, /* same id, new content; counters carried over */
	RULES_DELETED,	/* called before the rule is freed */
};

struct rules;
/* Runs after each change, with the table already consistent; it may read
 * the table but not change it. */
typedef void (*rules_hook_t)(void *arg, enum rules_event ev, const struct mcr_rule *r);

struct rules_index; /* private: hash by input key, by (iif, group) and by group */

/* The kernel's multicast routing table has this many interfaces (VIFs,
 * MAXVIFS); rules whose outputs take the kernel path may not need more. */
#define RULES_KERNEL_VIFS 32

/* An interface that outputs on the kernel path need, and how many rules. */
struct rules_kvif {
	char name[IFNAMSIZ];
	unsigned int refs;
};

struct rules {
	struct mcr_rule **by_id; /* sorted by id, ascending */
	size_t n, cap;
	uint32_t next_id;    /* ids are never reused in one daemon's life */
	uint64_t generation; /* bumped on every change (NLM_F_DUMP_INTR) */
	unsigned int n_pending;
	/* interfaces of kernel-path rules; during a sync old and new ones may
	 * overlap, so twice the limit */
	struct rules_kvif kvif[2 * RULES_KERNEL_VIFS];
	unsigned int n_kvif;
	struct rules_index *idx;
	rules_hook_t hook;
	void *hook_arg;
};

int rules_init(struct rules *t);
/* Frees every rule without calling the hook. */
void rules_exit(struct rules *t);
void rules_set_hook(struct rules *t, rules_hook_t hook, void *arg);

struct mcr_rule *rules_find_id(const struct rules *t, uint32_t id);
struct mcr_rule *rules_find_key(const struct rules *t, const struct mcr_rule_key *key);
/* The rule with the smallest id greater than @after, or NULL: the key-based
 * cursor of dumps, safe across changes of the table. */
struct mcr_rule *rules_next(const struct rules *t, uint32_t after);

/*
 * Inserts @r, which must have passed mcr_rule_validate. Refuses (-EEXIST)
 * an input key that is taken and (-ELOOP) a rule that would close a
 * forwarding loop with the rules in the table, both with a sentence in ext.
 * Assigns the next id when r->id is 0 (a given id must be free: -EEXIST;
 * later ids are greater; -ENOSPC once ids ran out); recomputes the pending
 * flag from the interfaces that exist now and warns in ext when it is set
 * (still returning 0). Takes ownership of r on success only.
 */
int rules_add(struct rules *t, struct mcr_rule *r, struct mcr_extack *ext);

/*
 * Puts @r in the place of @old (which must be in the table): r gets old's
 * id and counters; the key may change as long as it stays unique and no
 * loop appears. Output counters are kept where an output with the same oif
 * and effective group and port remains. Takes ownership of r and frees old
 * on success only (-EEXIST, -ELOOP with a sentence; -ENOENT if old is not
 * in the table).
 */
int rules_replace(struct rules *t, struct mcr_rule *old, struct mcr_rule *r,
		  struct mcr_extack *ext);

/* Removes and frees @r (nothing when it is not in the table). */
void rules_del(struct rules *t, struct mcr_rule *r);

/*
 * Makes the table equal to @next (a table built by config_load, whose rules
 * have no ids yet): a rule of @t whose input and outputs are unchanged keeps
 * its id and counters and is not touched; one whose input key is in @next
 * with other outputs is replaced in place (RULES_REPLACED); the others are
 * deleted or added. @next is left empty. Returns 0, or -ENOMEM (or
 * -ENOSPC when ids ran out) with @t and @next unchanged. The hook runs once
 * the table is final: deletions first, then replacements, then additions.
 */
int rules_sync(struct rules *t, struct rules *next);

/* Recomputes the pending flag of every rule (after interface changes);
 * rules whose flag changed are reported as RULES_REPLACED. */
void rules_refresh_pending(struct rules *t);

/*
 * Whether another rule takes some of the packets of @r (which takes any
 * port) for one port: same input interface and group, and a source that
 * overlaps. The kernel path cannot serve @r then (an MFC entry cannot tell
 * ports apart).
 */
bool rules_port_shadowed(const struct rules *t, const struct mcr_rule *r);

/* Removes and frees every rule, calling the hook for each (RULES_DELETED). */
void rules_flush(struct rules *t);

/*
 * rules_add for a table that is not live (config_load builds one): the same
 * uniqueness and loop checks, but r->id is kept as given (0 is allowed more
 * than once; a rule goes after those with an equal id) and the pending flag
 * is left alone, so no interface needs to exist.
 */
int rules_stage(struct rules *t, struct mcr_rule *r, struct mcr_extack *ext);

/*
 * Whether @r (not in @t) would close a forwarding loop with the rules of @t
 * other than @skip. Returns 1 and sets *via to the first rule of @t on the
 * cycle (r itself when an output feeds r's own input) and *out to the index
 * of the output of r that starts it; 0 when there is no loop; -ENOMEM.
 */
int rules_find_loop(const struct rules *t, const struct mcr_rule *r, const struct mcr_rule *skip,
		    const struct mcr_rule **via, unsigned int *out);

/* "iif eth0 [src S] group G [port P]": the input key in messages. Returns
 * the length as snprintf does. */
int rules_key_text(const struct mcr_rule *r, char *buf, size_t len);

/* "output 2 (oif eth1 group G [port P])" for output @i (0-based) of @r, with
 * its effective group and port. Returns the length as snprintf does. */
int rules_output_text(const struct mcr_rule *r, unsigned int i, char *buf, size_t len);

#endif

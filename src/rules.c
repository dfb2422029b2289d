// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The rule table: rules sorted by id (what dumps walk), a hash by input key
 * (uniqueness, lookups), a hash by (iif, group), which finds the rules an
 * output can feed and is all that loop detection needs, and a hash by
 * group, for the constraints of the kernel path (one input interface per
 * kernel entry).
 */
#include <errno.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"

#define RULES_MIN_BUCKETS 64
#define IFCACHE_SIZE 16

/* A hash chain link that unlinks in O(1) without knowing its bucket, so a
 * (iif, group) with thousands of rules costs nothing to delete from. */
struct hnode {
	struct hnode *next, **pprev;
};

struct rule_node {
	struct mcr_rule *r;
	struct hnode key, ig, grp;
	uint32_t key_hash, ig_hash, grp_hash;
	uint64_t seen; /* epoch of the last loop search that reached it */
};

#define node_of(h, member) ((struct rule_node *)((char *)(h)-offsetof(struct rule_node, member)))

/* One rule reached by a loop search, remembered with the first rule of its
 * path and the output of the new rule that path starts from. */
struct walk_step {
	const struct mcr_rule *r;
	const struct mcr_rule *first;
	unsigned int first_out;
};

struct rules_index {
	struct hnode **by_key, **by_ig, **by_grp;
	size_t nbuckets; /* a power of two */
	uint64_t epoch;
	struct walk_step *stack;
	size_t stack_cap;
};

/* ---- hashing ------------------------------------------------------------ */

static uint32_t fnv(uint32_t h, const void *p, size_t len)
{
	const unsigned char *c = p;

	while (len--) {
		h ^= *c++;
		h *= 16777619u;
	}
	return h;
}

/* FNV-1a leaves the low bits weak; the buckets are picked by a mask. */
static uint32_t mix(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	return h ^ (h >> 16);
}

static uint32_t hash_ig(const char *ifname, uint32_t group)
{
	uint32_t h = fnv(2166136261u, ifname, strnlen(ifname, IFNAMSIZ));

	return mix(fnv(h, &group, sizeof(group)));
}

static uint32_t hash_grp(uint32_t group)
{
	return mix(fnv(2166136261u, &group, sizeof(group)));
}

static uint32_t hash_key(const struct mcr_rule_key *k)
{
	uint32_t h = hash_ig(k->iif, k->group);

	h = fnv(h, &k->src, sizeof(k->src));
	return mix(fnv(h, &k->port, sizeof(k->port)));
}

static bool same_ifname(const char *a, const char *b)
{
	return strncmp(a, b, IFNAMSIZ) == 0;
}

/* ---- index -------------------------------------------------------------- */

static void hnode_add(struct hnode **head, struct hnode *n)
{
	n->next = *head;
	if (*head)
		(*head)->pprev = &n->next;
	*head = n;
	n->pprev = head;
}

static void hnode_del(struct hnode *n)
{
	*n->pprev = n->next;
	if (n->next)
		n->next->pprev = n->pprev;
}

static void index_link(struct rules_index *idx, struct rule_node *n)
{
	struct mcr_rule_key k;

	mcr_rule_key(n->r, &k);
	n->key_hash = hash_key(&k);
	n->ig_hash = hash_ig(n->r->iif, n->r->group);
	n->grp_hash = hash_grp(n->r->group);
	hnode_add(&idx->by_key[n->key_hash & (idx->nbuckets - 1)], &n->key);
	hnode_add(&idx->by_ig[n->ig_hash & (idx->nbuckets - 1)], &n->ig);
	hnode_add(&idx->by_grp[n->grp_hash & (idx->nbuckets - 1)], &n->grp);
}

static void index_unlink(struct rule_node *n)
{
	hnode_del(&n->key);
	hnode_del(&n->ig);
	hnode_del(&n->grp);
}

static struct rule_node *index_find(const struct rules_index *idx, const struct mcr_rule_key *k)
{
	uint32_t h = hash_key(k);
	struct mcr_rule_key rk;

	for (struct hnode *p = idx->by_key[h & (idx->nbuckets - 1)]; p; p = p->next) {
		struct rule_node *n = node_of(p, key);

		if (n->key_hash != h)
			continue;
		mcr_rule_key(n->r, &rk);
		if (mcr_rule_key_equal(&rk, k))
			return n;
	}
	return NULL;
}

static struct rule_node *index_node(const struct rules_index *idx, const struct mcr_rule *r)
{
	struct mcr_rule_key k;
	struct rule_node *n;

	mcr_rule_key(r, &k);
	n = index_find(idx, &k);
	return n && n->r == r ? n : NULL;
}

enum index_kind { BY_KEY, BY_IG, BY_GRP };

static struct rule_node *node_in(struct hnode *p, enum index_kind k)
{
	return k == BY_KEY ? node_of(p, key) : k == BY_IG ? node_of(p, ig) : node_of(p, grp);
}

static uint32_t hash_in(const struct rule_node *n, enum index_kind k)
{
	return k == BY_KEY ? n->key_hash : k == BY_IG ? n->ig_hash : n->grp_hash;
}

static void rehash(struct hnode **from, struct hnode **to, size_t nold, size_t mask,
		   enum index_kind k)
{
	for (size_t b = 0; b < nold; b++) {
		while (from[b]) {
			struct hnode *p = from[b];

			hnode_del(p);
			hnode_add(&to[hash_in(node_in(p, k), k) & mask], p);
		}
	}
}

/* Grows the buckets so that @n rules keep chains short; never fails
 * halfway: the table is the same whatever it returns. */
static int index_reserve(struct rules_index *idx, size_t n)
{
	struct hnode **k, **g, **gr;
	size_t size = idx->nbuckets;

	while (size < n)
		size *= 2;
	if (size == idx->nbuckets)
		return 0;
	k = calloc(size, sizeof(*k));
	g = calloc(size, sizeof(*g));
	gr = calloc(size, sizeof(*gr));
	if (!k || !g || !gr) {
		free(k);
		free(g);
		free(gr);
		return -ENOMEM;
	}
	rehash(idx->by_key, k, idx->nbuckets, size - 1, BY_KEY);
	rehash(idx->by_ig, g, idx->nbuckets, size - 1, BY_IG);
	rehash(idx->by_grp, gr, idx->nbuckets, size - 1, BY_GRP);
	free(idx->by_key);
	free(idx->by_ig);
	free(idx->by_grp);
	idx->by_key = k;
	idx->by_ig = g;
	idx->by_grp = gr;
	idx->nbuckets = size;
	return 0;
}

static struct rules_index *index_new(void)
{
	struct rules_index *idx = calloc(1, sizeof(*idx));

	if (!idx)
		return NULL;
	idx->nbuckets = RULES_MIN_BUCKETS;
	idx->by_key = calloc(idx->nbuckets, sizeof(*idx->by_key));
	idx->by_ig = calloc(idx->nbuckets, sizeof(*idx->by_ig));
	idx->by_grp = calloc(idx->nbuckets, sizeof(*idx->by_grp));
	if (!idx->by_key || !idx->by_ig || !idx->by_grp) {
		free(idx->by_key);
		free(idx->by_ig);
		free(idx->by_grp);
		free(idx);
		return NULL;
	}
	return idx;
}

/* Frees every node (not the rules they point at). */
static void index_clear(struct rules_index *idx)
{
	for (size_t b = 0; b < idx->nbuckets; b++) {
		while (idx->by_key[b]) {
			struct rule_node *n = node_of(idx->by_key[b], key);

			index_unlink(n);
			free(n);
		}
	}
}

static void index_free(struct rules_index *idx)
{
	if (!idx)
		return;
	index_clear(idx);
	free(idx->by_key);
	free(idx->by_ig);
	free(idx->by_grp);
	free(idx->stack);
	free(idx);
}

/* ---- the array by id ---------------------------------------------------- */

/* First position whose id is greater than @id (or >= when @eq). */
static size_t bound(const struct rules *t, uint32_t id, bool eq)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint32_t m = t->by_id[mid]->id;

		if (m < id || (!eq && m == id))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Position of @r, or t->n when it is not in the table. */
static size_t pos_of(const struct rules *t, const struct mcr_rule *r)
{
	for (size_t i = bound(t, r->id, true); i < t->n && t->by_id[i]->id == r->id; i++)
		if (t->by_id[i] == r)
			return i;
	return t->n;
}

static int by_id_reserve(struct rules *t, size_t n)
{
	struct mcr_rule **a;
	size_t cap = t->cap ? t->cap : 16;

	if (n <= t->cap)
		return 0;
	while (cap < n)
		cap *= 2;
	a = realloc(t->by_id, cap * sizeof(*a));
	if (!a)
		return -ENOMEM;
	t->by_id = a;
	t->cap = cap;
	return 0;
}

static void by_id_insert(struct rules *t, size_t pos, struct mcr_rule *r)
{
	memmove(&t->by_id[pos + 1], &t->by_id[pos], (t->n - pos) * sizeof(r));
	t->by_id[pos] = r;
	t->n++;
}

static void by_id_remove(struct rules *t, size_t pos)
{
	t->n--;
	memmove(&t->by_id[pos], &t->by_id[pos + 1], (t->n - pos) * sizeof(t->by_id[0]));
}

/* ---- pending ------------------------------------------------------------ */

/* Interfaces looked up during one operation: a table of thousands of rules
 * usually names a handful of interfaces. */
struct ifcache {
	unsigned int n;
	struct {
		char name[IFNAMSIZ];
		bool exists;
	} e[IFCACHE_SIZE];
};

static bool if_exists(struct ifcache *c, const char *name)
{
	char buf[IFNAMSIZ];
	bool exists;

	for (unsigned int i = 0; i < c->n; i++)
		if (same_ifname(c->e[i].name, name))
			return c->e[i].exists;
	snprintf(buf, sizeof(buf), "%.*s", IFNAMSIZ - 1, name);
	exists = if_nametoindex(buf) != 0;
	if (c->n < IFCACHE_SIZE) {
		memcpy(c->e[c->n].name, buf, IFNAMSIZ);
		c->e[c->n++].exists = exists;
	}
	return exists;
}

/* The first interface of @r that does not exist, or NULL. */
static const char *missing_if(const struct mcr_rule *r, struct ifcache *c)
{
	if (!if_exists(c, r->iif))
		return r->iif;
	for (unsigned int i = 0; i < r->n_outputs; i++)
		if (!if_exists(c, r->out[i].oif))
			return r->out[i].oif;
	return NULL;
}

static const char *update_pending(struct mcr_rule *r, struct ifcache *c)
{
	const char *missing = missing_if(r, c);

	r->flags &= ~(uint32_t)MCR_RULE_FLAGS_PENDING;
	if (missing)
		r->flags |= MCR_RULE_FLAGS_PENDING;
	return missing;
}

/* ---- the kernel path's constraints -------------------------------------- */

static bool has_kernel_output(const struct mcr_rule *r)
{
	for (unsigned int i = 0; i < r->n_outputs; i++)
		if (mcr_output_kernel(r, &r->out[i]))
			return true;
	return false;
}

/* The distinct interfaces the kernel outputs of @r need a VIF for: its
 * input and the kernel outputs' interfaces. Returns how many. */
static unsigned int kernel_ifnames(const struct mcr_rule *r, const char *names[])
{
	unsigned int n = 0;

	if (!has_kernel_output(r))
		return 0;
	names[n++] = r->iif;
	for (unsigned int i = 0; i < r->n_outputs; i++) {
		unsigned int k = 0;

		if (!mcr_output_kernel(r, &r->out[i]))
			continue;
		while (k < n && !same_ifname(names[k], r->out[i].oif))
			k++;
		if (k == n)
			names[n++] = r->out[i].oif;
	}
	return n;
}

static struct rules_kvif *kvif_find(struct rules *t, const char *name)
{
	for (unsigned int i = 0; i < t->n_kvif; i++)
		if (same_ifname(t->kvif[i].name, name))
			return &t->kvif[i];
	return NULL;
}

static void kvif_account(struct rules *t, const struct mcr_rule *r, int sign)
{
	const char *names[MCR_MAX_OUTPUTS + 1];
	unsigned int n = kernel_ifnames(r, names);

	for (unsigned int i = 0; i < n; i++) {
		struct rules_kvif *v = kvif_find(t, names[i]);

		if (sign > 0 && !v && t->n_kvif < 2 * RULES_KERNEL_VIFS) {
			v = &t->kvif[t->n_kvif++];
			snprintf(v->name, sizeof(v->name), "%s", names[i]);
			v->refs = 0;
		}
		if (!v)
			continue;
		v->refs += (unsigned int)sign;
		if (!v->refs)
			*v = t->kvif[--t->n_kvif];
	}
}

/* How many VIFs the kernel-path rules would need with @r in place of
 * @skip. */
static unsigned int kvif_need(const struct rules *t, const struct mcr_rule *r,
			      const struct mcr_rule *skip)
{
	const char *mine[MCR_MAX_OUTPUTS + 1], *gone[MCR_MAX_OUTPUTS + 1];
	unsigned int n = kernel_ifnames(r, mine), ng = skip ? kernel_ifnames(skip, gone) : 0;
	unsigned int need = t->n_kvif;

	for (unsigned int i = 0; i < n; i++)
		need += kvif_find((struct rules *)t, mine[i]) == NULL;
	for (unsigned int i = 0; i < ng; i++) {
		const struct rules_kvif *v = kvif_find((struct rules *)t, gone[i]);
		bool kept = false;

		for (unsigned int k = 0; k < n && !kept; k++)
			kept = same_ifname(mine[k], gone[i]);
		need -= v && v->refs == 1 && !kept;
	}
	return need;
}

/* Two rules that send one group through the kernel from different inputs
 * would need one (S,G) entry with two input interfaces, unless each names
 * a source of its own. */
static bool kernel_collide(const struct mcr_rule *a, const struct mcr_rule *b)
{
	if (a->group != b->group || same_ifname(a->iif, b->iif))
		return false;
	if (a->src && b->src && a->src != b->src)
		return false;
	return has_kernel_output(a) && has_kernel_output(b);
}

static const struct mcr_rule *kernel_collision(const struct rules *t, const struct mcr_rule *r,
					       const struct mcr_rule *skip)
{
	uint32_t h = hash_grp(r->group);

	if (!has_kernel_output(r))
		return NULL;
	for (struct hnode *p = t->idx->by_grp[h & (t->idx->nbuckets - 1)]; p; p = p->next) {
		const struct rule_node *n = node_of(p, grp);

		if (n->grp_hash == h && n->r != skip && kernel_collide(r, n->r))
			return n->r;
	}
	return NULL;
}

static int check_kernel(const struct rules *t, const struct mcr_rule *r,
			const struct mcr_rule *skip, struct mcr_extack *ext)
{
	const struct mcr_rule *other = kernel_collision(t, r, skip);
	unsigned int need;
	char g[16];

	if (other) {
		mcr_extack_set(ext, NULL,
			       "group %s from %s collides with rule %u from %s: both send it through "
			       "the kernel, whose entries have one input interface per (source, "
			       "group); give the rules different sources, or make the outputs of "
			       "one rewrite (ttl, src ifaddr) so that workers send them",
			       mcr_ntop(r->group, g), r->iif, other->id, other->iif);
		return -EEXIST;
	}
	need = kvif_need(t, r, skip);
	if (need > RULES_KERNEL_VIFS) {
		mcr_extack_set(ext, NULL,
			       "the kernel's multicast routing table has %d interfaces (VIFs), and "
			       "the rules whose outputs it forwards would need %u; make some outputs "
			       "rewrite (ttl, src ifaddr) so that workers send them",
			       RULES_KERNEL_VIFS, need);
		return -ENOSPC;
	}
	return 0;
}

bool rules_port_shadowed(const struct rules *t, const struct mcr_rule *r)
{
	uint32_t h = hash_ig(r->iif, r->group);

	if (r->port)
		return false;
	for (struct hnode *p = t->idx->by_ig[h & (t->idx->nbuckets - 1)]; p; p = p->next) {
		const struct mcr_rule *o = node_of(p, ig)->r;

		if (node_of(p, ig)->ig_hash != h || o == r || !o->port || o->group != r->group ||
		    !same_ifname(o->iif, r->iif))
			continue;
		/* a source-specific @r takes its source's packets before a
		 * rule for any source does, whatever the port */
		if (!r->src || o->src == r->src)
			return true;
	}
	return false;
}

static void account(struct rules *t, const struct mcr_rule *r, int sign)
{
	if (r->flags & MCR_RULE_FLAGS_PENDING)
		t->n_pending += (unsigned int)sign;
	kvif_account(t, r, sign);
}

static void warn_pending(struct mcr_extack *ext, const char *ifname)
{
	if (ifname)
		mcr_extack_warn(
		    ext, "interface %.*s does not exist yet; the rule is pending until it appears",
		    IFNAMSIZ, ifname);
}

/* ---- messages ----------------------------------------------------------- */

int rules_key_text(const struct mcr_rule *r, char *buf, size_t len)
{
	char s[16], g[16], p[16] = "";
	char src[24] = "";

	if (r->src)
		snprintf(src, sizeof(src), " src %s", mcr_ntop(r->src, s));
	if (r->port)
		snprintf(p, sizeof(p), " port %u", r->port);
	return snprintf(buf, len, "iif %.*s%s group %s%s", IFNAMSIZ, r->iif, src,
			mcr_ntop(r->group, g), p);
}

int rules_output_text(const struct mcr_rule *r, unsigned int i, char *buf, size_t len)
{
	const struct mcr_output *o = &r->out[i];
	uint16_t port = mcr_output_port(r, o);
	char g[16], p[16] = "";

	if (port)
		snprintf(p, sizeof(p), " port %u", port);
	return snprintf(buf, len, "output %u (oif %.*s group %s%s)", i + 1, IFNAMSIZ, o->oif,
			mcr_ntop(mcr_output_group(r, o), g), p);
}

static void loop_msg(struct mcr_extack *ext, const struct mcr_rule *r, const struct mcr_rule *via,
		     unsigned int out)
{
	char o[80];

	rules_output_text(r, out, o, sizeof(o));
	if (via == r)
		mcr_extack_set(ext, NULL, "%s feeds this rule's own input", o);
	else
		mcr_extack_set(ext, NULL,
			       "%s feeds rule %u, which feeds back into this rule's input", o,
			       via->id);
}

/* ---- loops -------------------------------------------------------------- */

/*
 * Whether packets that output @o of @a sends can match rule @b. A port of 0
 * on either side means any port. When b wants one source, only a source
 * known to differ breaks the edge: "ifaddr" is some address of the output
 * interface, which could be anything, so it is assumed to match.
 */
static bool feeds(const struct mcr_rule *a, const struct mcr_output *o, const struct mcr_rule *b)
{
	uint16_t port = mcr_output_port(a, o);

	if (!same_ifname(o->oif, b->iif) || mcr_output_group(a, o) != b->group)
		return false;
	if (b->port && port && b->port != port)
		return false;
	if (!b->src)
		return true;
	switch (mcr_output_src_mode(a, o)) {
	case MCR_SRC_MODE_KEEP:
		return !a->src || a->src == b->src;
	case MCR_SRC_MODE_ADDR:
		return o->src == b->src;
	default:
		return true;
	}
}

static int push(struct rules_index *idx, size_t *sp, struct walk_step s)
{
	if (*sp == idx->stack_cap) {
		size_t cap = idx->stack_cap ? 2 * idx->stack_cap : 64;
		struct walk_step *st = realloc(idx->stack, cap * sizeof(*st));

		if (!st)
			return -ENOMEM;
		idx->stack = st;
		idx->stack_cap = cap;
	}
	idx->stack[(*sp)++] = s;
	return 0;
}

struct loop_search {
	struct rules_index *idx;
	const struct mcr_rule *r, *skip;
	size_t sp;
	const struct mcr_rule *via;
	unsigned int out;
};

/* Visits the outputs of @s.r: 1 when one feeds the new rule, otherwise
 * pushes the rules they feed that were not reached yet. */
static int expand(struct loop_search *ls, struct walk_step s)
{
	struct rules_index *idx = ls->idx;

	for (unsigned int i = 0; i < s.r->n_outputs; i++) {
		const struct mcr_output *o = &s.r->out[i];
		uint32_t group = mcr_output_group(s.r, o);
		uint32_t h = hash_ig(o->oif, group);
		unsigned int first_out = s.first ? s.first_out : i;

		if (feeds(s.r, o, ls->r)) {
			ls->via = s.first ? s.first : ls->r;
			ls->out = first_out;
			return 1;
		}
		for (struct hnode *p = idx->by_ig[h & (idx->nbuckets - 1)]; p; p = p->next) {
			struct rule_node *n = node_of(p, ig);
			struct walk_step next = {n->r, s.first ? s.first : n->r, first_out};

			if (n->ig_hash != h || n->seen == idx->epoch || n->r == ls->skip ||
			    !feeds(s.r, o, n->r))
				continue;
			n->seen = idx->epoch;
			if (push(idx, &ls->sp, next))
				return -ENOMEM;
		}
	}
	return 0;
}

/* The table is acyclic (every insertion is checked), so a new cycle must
 * pass through the new rule: one search from it, each rule visited once. */
int rules_find_loop(const struct rules *t, const struct mcr_rule *r, const struct mcr_rule *skip,
		    const struct mcr_rule **via, unsigned int *out)
{
	struct loop_search ls = {.idx = t->idx, .r = r, .skip = skip};
	struct walk_step start = {r, NULL, 0};
	int ret;

	t->idx->epoch++;
	ret = expand(&ls, start);
	while (ret == 0 && ls.sp > 0)
		ret = expand(&ls, ls.idx->stack[--ls.sp]);
	if (ret == 1) {
		*via = ls.via;
		*out = ls.out;
	}
	return ret;
}

/* ---- changes ------------------------------------------------------------ */

static void changed(struct rules *t, enum rules_event ev, struct mcr_rule *r)
{
	t->generation++;
	if (ev != RULES_DELETED)
		r->version = t->generation;
	if (t->hook)
		t->hook(t->hook_arg, ev, r);
}

/* Uniqueness and loops for @r about to take the place of @skip (or NULL). */
static int check_rule(const struct rules *t, const struct mcr_rule *r, const struct mcr_rule *skip,
		      struct mcr_extack *ext)
{
	const struct mcr_rule *other, *via;
	struct mcr_rule_key k;
	unsigned int out;
	char text[80];
	int ret;

	mcr_rule_key(r, &k);
	other = rules_find_key(t, &k);
	if (other && other != skip) {
		rules_key_text(r, text, sizeof(text));
		mcr_extack_set(ext, NULL, "input %s is already used by rule %u", text, other->id);
		return -EEXIST;
	}
	ret = rules_find_loop(t, r, skip, &via, &out);
	if (ret < 0)
		return ret;
	if (ret) {
		loop_msg(ext, r, via, out);
		return -ELOOP;
	}
	return check_kernel(t, r, skip, ext);
}

/* An output keeps its counters when the new rule still sends the same
 * packets through the same interface. */
static bool same_destination(const struct mcr_rule *a, const struct mcr_output *x,
			     const struct mcr_rule *b, const struct mcr_output *y)
{
	return same_ifname(x->oif, y->oif) && mcr_output_group(a, x) == mcr_output_group(b, y) &&
	       mcr_output_port(a, x) == mcr_output_port(b, y);
}

static void carry_counters(const struct mcr_rule *old, struct mcr_rule *r)
{
	r->stats = old->stats;
	for (unsigned int i = 0; i < r->n_outputs; i++) {
		struct mcr_output *o = &r->out[i];

		memset(&o->stats, 0, sizeof(o->stats));
		for (unsigned int j = 0; j < old->n_outputs; j++) {
			if (same_destination(r, o, old, &old->out[j])) {
				o->stats = old->out[j].stats;
				break;
			}
		}
	}
}

static int insert(struct rules *t, struct mcr_rule *r, struct mcr_extack *ext, bool live)
{
	struct ifcache c = {0};
	const char *missing = NULL;
	struct rule_node *n;
	int ret;

	if (r->id && rules_find_id(t, r->id)) {
		mcr_extack_set(ext, NULL, "rule %u already exists", r->id);
		return -EEXIST;
	}
	if (live && !r->id && !t->next_id) {
		mcr_extack_set(ext, NULL, "rule ids are exhausted");
		return -ENOSPC;
	}
	ret = check_rule(t, r, NULL, ext);
	if (ret)
		return ret;
	if (by_id_reserve(t, t->n + 1) || index_reserve(t->idx, t->n + 1))
		return -ENOMEM;
	n = calloc(1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	if (live) {
		if (!r->id)
			r->id = t->next_id;
		if (r->id >= t->next_id)
			t->next_id = r->id + 1; /* 0 after UINT32_MAX: exhausted */
		missing = update_pending(r, &c);
	}
	by_id_insert(t, bound(t, r->id, false), r);
	n->r = r;
	index_link(t->idx, n);
	account(t, r, 1);
	changed(t, RULES_ADDED, r);
	warn_pending(ext, missing);
	return 0;
}

int rules_init(struct rules *t)
{
	memset(t, 0, sizeof(*t));
	t->next_id = 1;
	t->idx = index_new();
	return t->idx ? 0 : -ENOMEM;
}

void rules_exit(struct rules *t)
{
	for (size_t i = 0; i < t->n; i++)
		mcr_rule_free(t->by_id[i]);
	free(t->by_id);
	index_free(t->idx);
	memset(t, 0, sizeof(*t));
}

void rules_set_hook(struct rules *t, rules_hook_t hook, void *arg)
{
	t->hook = hook;
	t->hook_arg = arg;
}

struct mcr_rule *rules_find_id(const struct rules *t, uint32_t id)
{
	size_t pos = bound(t, id, true);

	return id && pos < t->n && t->by_id[pos]->id == id ? t->by_id[pos] : NULL;
}

struct mcr_rule *rules_find_key(const struct rules *t, const struct mcr_rule_key *key)
{
	struct rule_node *n = index_find(t->idx, key);

	return n ? n->r : NULL;
}

struct mcr_rule *rules_next(const struct rules *t, uint32_t after)
{
	size_t pos = bound(t, after, false);

	return pos < t->n ? t->by_id[pos] : NULL;
}

int rules_add(struct rules *t, struct mcr_rule *r, struct mcr_extack *ext)
{
	return insert(t, r, ext, true);
}

int rules_stage(struct rules *t, struct mcr_rule *r, struct mcr_extack *ext)
{
	return insert(t, r, ext, false);
}

int rules_replace(struct rules *t, struct mcr_rule *old, struct mcr_rule *r, struct mcr_extack *ext)
{
	struct rule_node *n = index_node(t->idx, old);
	size_t pos = pos_of(t, old);
	struct ifcache c = {0};
	const char *missing;
	int ret;

	if (!n || pos == t->n) {
		mcr_extack_set(ext, NULL, "rule %u is not in the table", old->id);
		return -ENOENT;
	}
	ret = check_rule(t, r, old, ext);
	if (ret)
		return ret;
	r->id = old->id;
	carry_counters(old, r);
	missing = update_pending(r, &c);
	account(t, old, -1);
	account(t, r, 1);
	t->by_id[pos] = r;
	index_unlink(n);
	n->r = r;
	index_link(t->idx, n);
	changed(t, RULES_REPLACED, r);
	mcr_rule_free(old);
	warn_pending(ext, missing);
	return 0;
}

void rules_del(struct rules *t, struct mcr_rule *r)
{
	struct rule_node *n = index_node(t->idx, r);
	size_t pos = pos_of(t, r);

	if (!n || pos == t->n)
		return;
	index_unlink(n);
	free(n);
	by_id_remove(t, pos);
	account(t, r, -1);
	changed(t, RULES_DELETED, r);
	mcr_rule_free(r);
}

void rules_flush(struct rules *t)
{
	/* From the end: nothing to move in by_id. */
	while (t->n) {
		struct mcr_rule *r = t->by_id[t->n - 1];
		struct rule_node *n = index_node(t->idx, r);

		if (n) {
			index_unlink(n);
			free(n);
		}
		t->n--;
		account(t, r, -1);
		changed(t, RULES_DELETED, r);
		mcr_rule_free(r);
	}
}

void rules_refresh_pending(struct rules *t)
{
	struct ifcache c = {0};

	for (size_t i = 0; i < t->n; i++) {
		struct mcr_rule *r = t->by_id[i];
		bool was = r->flags & MCR_RULE_FLAGS_PENDING;

		if (was == (update_pending(r, &c) != NULL))
			continue;
		t->n_pending += was ? -1u : 1u;
		changed(t, RULES_REPLACED, r);
	}
}

/* ---- sync --------------------------------------------------------------- */

struct sync_event {
	enum rules_event ev;
	struct mcr_rule *r, *old;
};

/* Everything rules_sync needs, counted and allocated before the table is
 * touched so that running out of memory changes nothing. */
struct sync_plan {
	size_t n_del, n_rep, n_add, n_new;
	struct mcr_rule **by_id;
	struct sync_event *ev;
	struct rule_node **nodes;
};

static struct mcr_rule *find_same_key(const struct rules *t, const struct mcr_rule *r)
{
	struct mcr_rule_key k;

	mcr_rule_key(r, &k);
	return rules_find_key(t, &k);
}

static void sync_count(const struct rules *t, const struct rules *next, struct sync_plan *p)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct mcr_rule *k = find_same_key(next, t->by_id[i]);

		if (!k)
			p->n_del++;
		else if (!mcr_rule_same(t->by_id[i], k))
			p->n_rep++;
	}
	for (size_t i = 0; i < next->n; i++)
		if (!find_same_key(t, next->by_id[i]))
			p->n_add++;
	p->n_new = t->n - p->n_del + p->n_add;
}

static void sync_free(struct sync_plan *p)
{
	if (p->nodes)
		for (size_t i = 0; i < p->n_add; i++)
			free(p->nodes[i]);
	free(p->nodes);
	free(p->ev);
	free(p->by_id);
}

static int sync_alloc(struct rules *t, struct sync_plan *p)
{
	size_t n_ev = p->n_del + p->n_rep + p->n_add;

	if (index_reserve(t->idx, p->n_new))
		return -ENOMEM;
	p->by_id = malloc((p->n_new ? p->n_new : 1) * sizeof(*p->by_id));
	p->ev = malloc((n_ev ? n_ev : 1) * sizeof(*p->ev));
	p->nodes = calloc(p->n_add ? p->n_add : 1, sizeof(*p->nodes));
	if (!p->by_id || !p->ev || !p->nodes)
		goto fail;
	for (size_t i = 0; i < p->n_add; i++) {
		p->nodes[i] = calloc(1, sizeof(*p->nodes[i]));
		if (!p->nodes[i])
			goto fail;
	}
	return 0;
fail:
	sync_free(p);
	return -ENOMEM;
}

/* Deletions and replacements, walking the live table in id order. */
static size_t sync_old(struct rules *t, const struct rules *next, struct sync_plan *p,
		       struct ifcache *c)
{
	size_t j = 0, d = 0, e = p->n_del;

	for (size_t i = 0; i < t->n; i++) {
		struct mcr_rule *o = t->by_id[i], *k = find_same_key(next, o);
		struct rule_node *n = index_node(t->idx, o);

		if (!k) {
			index_unlink(n);
			free(n);
			account(t, o, -1);
			p->ev[d++] = (struct sync_event){RULES_DELETED, o, NULL};
		} else if (mcr_rule_same(o, k)) {
			p->by_id[j++] = o;
		} else {
			k->id = o->id;
			carry_counters(o, k);
			update_pending(k, c);
			account(t, o, -1);
			account(t, k, 1);
			n->r = k; /* same key, same buckets */
			p->by_id[j++] = k;
			p->ev[e++] = (struct sync_event){RULES_REPLACED, k, o};
		}
	}
	return j;
}

/* Additions in @next's order; @next gives up every rule. */
static void sync_new(struct rules *t, struct rules *next, struct sync_plan *p, size_t j,
		     struct ifcache *c)
{
	size_t a = 0, e = p->n_del + p->n_rep;

	for (size_t i = 0; i < next->n; i++) {
		struct mcr_rule *r = next->by_id[i], *k = find_same_key(t, r);

		if (k == r)
			continue; /* moved in as a replacement */
		if (k) {
			mcr_rule_free(r); /* unchanged: the live copy stays */
			continue;
		}
		r->id = t->next_id++;
		update_pending(r, c);
		account(t, r, 1);
		p->nodes[a]->r = r;
		index_link(t->idx, p->nodes[a++]);
		p->by_id[j++] = r;
		p->ev[e++] = (struct sync_event){RULES_ADDED, r, NULL};
	}
	index_clear(next->idx);
	next->n = 0;
	next->n_pending = 0;
	next->generation++;
}

int rules_sync(struct rules *t, struct rules *next)
{
	struct sync_plan p = {0};
	struct ifcache c = {0};
	size_t n_ev, j;

	sync_count(t, next, &p);
	if (p.n_add && (!t->next_id || UINT32_MAX - t->next_id < p.n_add - 1))
		return -ENOSPC;
	if (sync_alloc(t, &p))
		return -ENOMEM;
	j = sync_old(t, next, &p, &c);
	sync_new(t, next, &p, j, &c);
	free(t->by_id);
	t->by_id = p.by_id;
	t->cap = p.n_new ? p.n_new : 1;
	t->n = p.n_new;
	n_ev = p.n_del + p.n_rep + p.n_add;
	t->generation += n_ev;
	for (size_t i = 0; i < n_ev; i++)
		if (p.ev[i].ev != RULES_DELETED)
			p.ev[i].r->version = t->generation;
	/* The table is final: observers see it whole, deletions first so
	 * that a resource a deleted rule held is free for the additions. */
	for (size_t i = 0; i < n_ev; i++) {
		struct sync_event *ev = &p.ev[i];

		if (t->hook)
			t->hook(t->hook_arg, ev->ev, ev->r);
		if (ev->ev == RULES_DELETED)
			mcr_rule_free(ev->r);
		else
			mcr_rule_free(ev->old);
	}
	free(p.ev);
	free(p.nodes);
	return 0;
}

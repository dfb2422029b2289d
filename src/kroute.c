// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kernel path (kroute.h): configured intent (the rules, and per rule
 * the plan of which outputs the kernel forwards) kept apart from a mirror
 * of what is in the kernel (VIF slots and MFC entries), and a sync that
 * walks from one to the other.
 *
 * Resolving a reported (S,G) that arrived on interface I follows the
 * workers' lookup order: the rule for (I, S, G, any port) if there is one,
 * else the rule for (I, any source, G, any port). That rule's plan gives
 * the outputs; no rule, or one without kernel outputs, gives a stop entry.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kroute.h"
#include "log.h"
#include "mcrd.h"

#define UPCALL_BURST 256
#define BUCKETS_MIN 64

/* One VIF slot of the kernel's table, as we made it. */
struct kvif {
	int ifindex; /* 0: the slot is free */
	char name[IFNAMSIZ];
	bool wanted; /* by the plans of the current sync */
};

/* One MFC entry we installed. */
struct kentry {
	uint32_t src, group;
	uint8_t iif;
	uint8_t ttls[MROUTE_MAXVIFS];
	uint32_t rule_id; /* 0: stop entry */
	bool learned;	  /* from a template or a report: expires when idle */
	bool seen;	  /* mark of the current sync */
	uint64_t last_pkts;
	uint64_t moved_ms; /* when its counters last moved */
	struct kentry *next;   /* chain of its (S,G) bucket */
	struct kentry *next_g; /* chain of its group's bucket */
};

/* Which outputs of a rule the kernel forwards, and how. */
struct kplan {
	uint32_t rule_id;
	uint64_t mask; /* output i is on the kernel path when bit i is set */
	uint8_t iif;
	uint8_t ttls[MROUTE_MAXVIFS];
};

struct kroute {
	struct mcrd *d;
	enum kroute_state state;
	char why[256];
	struct mroute m;
	uint32_t table;
	unsigned int expire_s;
	struct kvif vif[MROUTE_MAXVIFS];
	struct kentry **bucket;	  /* by (S,G) */
	struct kentry **gbucket; /* by group, for a rule's entries */
	size_t nbuckets, n_entries;
	struct kplan *plan; /* ascending rule id */
	size_t n_plan, cap_plan;
	uint64_t plan_gen; /* the rule table's generation the plans were made from */
	struct loop_watch w;
	struct loop_timer expire_timer;
	struct kroute_stats st;
	char text[320];
};

/* ---- entries ---------------------------------------------------------------- */

static size_t hash_sg(uint32_t src, uint32_t group, size_t n)
{
	uint64_t h = ((uint64_t)group << 32 | src) * 0x9e3779b97f4a7c15ull;

	return (size_t)(h >> 32) & (n - 1);
}

static size_t bucket_of(const struct kroute *k, uint32_t src, uint32_t group)
{
	return hash_sg(src, group, k->nbuckets);
}

static size_t gbucket_of(const struct kroute *k, uint32_t group)
{
	return hash_sg(0, group, k->nbuckets);
}

static struct kentry *entry_find(const struct kroute *k, uint32_t src, uint32_t group)
{
	for (struct kentry *e = k->bucket[bucket_of(k, src, group)]; e; e = e->next)
		if (e->src == src && e->group == group)
			return e;
	return NULL;
}

static void link_entry(struct kroute *k, struct kentry *e)
{
	size_t b = bucket_of(k, e->src, e->group), g = gbucket_of(k, e->group);

	e->next = k->bucket[b];
	k->bucket[b] = e;
	e->next_g = k->gbucket[g];
	k->gbucket[g] = e;
}

static void unlink_entry(struct kroute *k, struct kentry *e)
{
	struct kentry **pp = &k->bucket[bucket_of(k, e->src, e->group)];

	while (*pp != e)
		pp = &(*pp)->next;
	*pp = e->next;
	for (pp = &k->gbucket[gbucket_of(k, e->group)]; *pp != e; pp = &(*pp)->next_g)
		;
	*pp = e->next_g;
}

static int grow_buckets(struct kroute *k)
{
	size_t n = k->nbuckets * 2;
	struct kentry **b = calloc(n, sizeof(*b)), **g = calloc(n, sizeof(*g));
	struct kentry *all = NULL;

	if (!b || !g) {
		free(b);
		free(g);
		return -ENOMEM;
	}
	for (size_t i = 0; i < k->nbuckets; i++) {
		while (k->bucket[i]) {
			struct kentry *e = k->bucket[i];

			k->bucket[i] = e->next;
			e->next = all;
			all = e;
		}
	}
	free(k->bucket);
	free(k->gbucket);
	k->bucket = b;
	k->gbucket = g;
	k->nbuckets = n;
	while (all) {
		struct kentry *e = all;

		all = e->next;
		link_entry(k, e);
	}
	return 0;
}

static struct mcr_rule *rule_of(const struct kroute *k, uint32_t id)
{
	return id ? rules_find_id(&k->d->rules, id) : NULL;
}

/* The counters of an entry that goes stay with its rule. */
static void fold_entry(struct kroute *k, const struct kentry *e)
{
	struct mcr_rule *r = rule_of(k, e->rule_id);
	struct mroute_sg_stats st;

	if (!r || mroute_sg_stats(&k->m, e->src, e->group, &st))
		return;
	r->stats.kernel_packets += st.packets;
	r->stats.kernel_bytes += st.bytes;
	r->stats.kernel_wrong_if += st.wrong_if;
}

static void kernel_error(struct kroute *k, const char *what, const struct kentry *e, int err)
{
	char s[16], g[16];

	k->st.errors++;
	log_warn("kernel multicast route (%s, %s): %s: %s", mcr_ntop(e->src, s),
		 mcr_ntop(e->group, g), what, strerror(-err));
}

static void entry_remove(struct kroute *k, struct kentry *e)
{
	int err;

	fold_entry(k, e);
	err = mroute_mfc_del(&k->m, e->src, e->group);
	if (err && err != -ENOENT)
		kernel_error(k, "delete", e, err);
	unlink_entry(k, e);
	k->n_entries--;
	free(e);
}

/* Installs or replaces (S,G) with @iif and @ttls for @rule_id. */
static struct kentry *entry_set(struct kroute *k, uint32_t src, uint32_t group, uint8_t iif,
				const uint8_t *ttls, uint32_t rule_id, bool learned)
{
	struct kentry *e = entry_find(k, src, group);
	uint8_t none[MROUTE_MAXVIFS] = {0};
	int err;

	if (!ttls)
		ttls = none;
	if (e && e->iif == iif && !memcmp(e->ttls, ttls, sizeof(e->ttls)) &&
	    e->rule_id == rule_id && e->learned == learned)
		return e; /* as it is: touch nothing */
	if (!e) {
		if ((k->n_entries + 1) * 2 > k->nbuckets && grow_buckets(k))
			return NULL;
		e = calloc(1, sizeof(*e));
		if (!e)
			return NULL;
		e->src = src;
		e->group = group;
		link_entry(k, e);
		k->n_entries++;
	} else if (e->rule_id != rule_id) {
		fold_entry(k, e); /* the kernel keeps counting on replace */
	}
	e->iif = iif;
	memcpy(e->ttls, ttls, sizeof(e->ttls));
	e->rule_id = rule_id;
	e->learned = learned;
	e->moved_ms = loop_now_ms();
	err = mroute_mfc_add(&k->m, src, group, iif, ttls);
	if (err)
		kernel_error(k, "install", e, err);
	return e;
}

/* ---- plans --------------------------------------------------------------------- */

static const struct kplan *plan_of(const struct kroute *k, uint32_t id)
{
	size_t lo = 0, hi = k->n_plan;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (k->plan[mid].rule_id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < k->n_plan && k->plan[lo].rule_id == id ? &k->plan[lo] : NULL;
}

/* The VIF of @ifindex, made when needed; -1 when the kernel has no slot
 * or refuses. */
static int vif_want(struct kroute *k, int ifindex, const char *name)
{
	int free_slot = -1, err;

	for (int i = 0; i < MROUTE_MAXVIFS; i++) {
		if (k->vif[i].ifindex == ifindex) {
			k->vif[i].wanted = true;
			return i;
		}
		if (!k->vif[i].ifindex && free_slot < 0)
			free_slot = i;
	}
	if (free_slot < 0)
		return -1;
	err = mroute_vif_add(&k->m, (unsigned int)free_slot, ifindex, 1);
	if (err) {
		k->st.errors++;
		log_warn("cannot make %s a multicast routing interface (VIF %d): %s", name,
			 free_slot, strerror(-err));
		return -1;
	}
	k->vif[free_slot] = (struct kvif){ .ifindex = ifindex, .wanted = true };
	snprintf(k->vif[free_slot].name, IFNAMSIZ, "%s", name);
	log_debug("VIF %d is %s (ifindex %d)", free_slot, name, ifindex);
	return free_slot;
}

/* The plan of @r: its kernel outputs whose interfaces exist and got a VIF. */
static bool plan_rule(struct kroute *k, const struct mcr_rule *r, kroute_ifindex_fn ifindex,
		      void *arg, struct kplan *p)
{
	int ii, iv;

	memset(p, 0, sizeof(*p));
	p->rule_id = r->id;
	if (rules_port_shadowed(&k->d->rules, r))
		return false;
	for (unsigned int i = 0; i < r->n_outputs; i++) {
		const struct mcr_output *o = &r->out[i];
		int oi, ov;

		if (!mcr_output_kernel(r, o))
			continue;
		if (!p->mask) {
			ii = ifindex(arg, r->iif);
			iv = ii > 0 ? vif_want(k, ii, r->iif) : -1;
			if (iv < 0)
				return false;
			p->iif = (uint8_t)iv;
		}
		oi = ifindex(arg, o->oif);
		ov = oi > 0 ? vif_want(k, oi, o->oif) : -1;
		if (ov < 0 || ov == p->iif)
			continue; /* stays with the workers */
		p->ttls[ov] = 1;
		p->mask |= 1ull << i;
	}
	return p->mask != 0;
}

static int make_plans(struct kroute *k, kroute_ifindex_fn ifindex, void *arg)
{
	const struct rules *rt = &k->d->rules;

	k->n_plan = 0;
	for (size_t i = 0; i < rt->n; i++) {
		struct kplan p;

		if (!plan_rule(k, rt->by_id[i], ifindex, arg, &p))
			continue;
		if (k->n_plan == k->cap_plan) {
			size_t cap = k->cap_plan ? 2 * k->cap_plan : 16;
			struct kplan *n = realloc(k->plan, cap * sizeof(*n));

			if (!n)
				return -ENOMEM;
			k->plan = n;
			k->cap_plan = cap;
		}
		k->plan[k->n_plan++] = p;
	}
	return 0;
}

/* The rule that takes (src, group) arriving on VIF @vif, by the workers'
 * order; its plan, or NULL for "stop". *rule_id is the rule (0: none). */
static const struct kplan *resolve(const struct kroute *k, uint32_t src, uint32_t group,
				   unsigned int vif, uint32_t *rule_id)
{
	struct mcr_rule_key key = { .src = src, .group = group };
	const struct mcr_rule *r;

	*rule_id = 0;
	if (vif >= MROUTE_MAXVIFS || !k->vif[vif].ifindex)
		return NULL;
	snprintf(key.iif, sizeof(key.iif), "%s", k->vif[vif].name);
	r = rules_find_key(&k->d->rules, &key);
	if (!r) {
		key.src = 0;
		r = rules_find_key(&k->d->rules, &key);
	}
	if (!r)
		return NULL;
	*rule_id = r->id;
	return plan_of(k, r->id);
}

/* ---- sync ----------------------------------------------------------------------- */

/* A learned entry follows the rules as they are now. */
static void refresh_learned(struct kroute *k, struct kentry *e)
{
	uint32_t id;
	const struct kplan *p;

	if (!k->vif[e->iif].wanted) {
		entry_remove(k, e);
		return;
	}
	p = resolve(k, e->src, e->group, e->iif, &id);
	e->seen = true;
	if (p && p->iif == e->iif)
		entry_set(k, e->src, e->group, e->iif, p->ttls, id, true);
	else
		entry_set(k, e->src, e->group, e->iif, NULL, 0, true);
}

static void sync_entries(struct kroute *k)
{
	const struct rules *rt = &k->d->rules;

	for (size_t b = 0; b < k->nbuckets; b++)
		for (struct kentry *e = k->bucket[b]; e; e = e->next)
			e->seen = false;
	/* the (S,G) of rules with a source, at once */
	for (size_t i = 0; i < k->n_plan; i++) {
		const struct mcr_rule *r = rules_find_id(rt, k->plan[i].rule_id);
		struct kentry *e;

		if (!r || !r->src)
			continue;
		e = entry_set(k, r->src, r->group, k->plan[i].iif, k->plan[i].ttls, r->id, false);
		if (e)
			e->seen = true;
	}
	for (size_t b = 0; b < k->nbuckets; b++) {
		struct kentry *e = k->bucket[b], *next;

		for (; e; e = next) {
			next = e->next;
			if (e->seen)
				continue;
			/* a static entry whose rule changed becomes what a report
			 * of its (S,G) would give now */
			refresh_learned(k, e);
		}
	}
}

static void drop_unwanted_vifs(struct kroute *k)
{
	for (int i = 0; i < MROUTE_MAXVIFS; i++) {
		int err;

		if (!k->vif[i].ifindex || k->vif[i].wanted)
			continue;
		err = mroute_vif_del(&k->m, (unsigned int)i);
		/* gone with its interface already: the kernel deletes VIFs of
		 * unregistered devices itself */
		if (err && err != -EADDRNOTAVAIL) {
			k->st.errors++;
			log_warn("cannot delete VIF %d (%s): %s", i, k->vif[i].name, strerror(-err));
		}
		log_debug("VIF %d (%s) deleted", i, k->vif[i].name);
		memset(&k->vif[i], 0, sizeof(k->vif[i]));
	}
}

/* VIFs whose interface vanished or changed its index go first, so that
 * their slots are free for what replaces them. */
static void drop_stale_vifs(struct kroute *k, kroute_ifindex_fn ifindex, void *arg)
{
	for (int i = 0; i < MROUTE_MAXVIFS; i++)
		k->vif[i].wanted =
		    k->vif[i].ifindex && ifindex(arg, k->vif[i].name) == k->vif[i].ifindex;
	drop_unwanted_vifs(k);
}

void kroute_sync(struct mcrd *d, kroute_ifindex_fn ifindex, void *arg)
{
	struct kroute *k = d->kr;

	if (!k || k->state != KROUTE_ON)
		return;
	drop_stale_vifs(k, ifindex, arg);
	for (int i = 0; i < MROUTE_MAXVIFS; i++)
		k->vif[i].wanted = false;
	if (make_plans(k, ifindex, arg)) {
		log_err("kernel path: out of memory; outputs stay as they were");
		for (int i = 0; i < MROUTE_MAXVIFS; i++)
			k->vif[i].wanted = k->vif[i].ifindex != 0;
		return;
	}
	k->plan_gen = d->rules.generation;
	sync_entries(k);
	drop_unwanted_vifs(k);
}

bool kroute_output(const struct mcrd *d, const struct mcr_rule *r, unsigned int i)
{
	const struct kroute *k = d->kr;
	const struct kplan *p;

	if (!k || k->state != KROUTE_ON || i >= 64)
		return false;
	p = plan_of(k, r->id);
	return p && (p->mask >> i & 1);
}

/* ---- upcalls ------------------------------------------------------------------------ */

static void nocache(struct kroute *k, const struct mroute_upcall *u)
{
	const struct kplan *p;
	struct kentry *e;
	uint32_t id;

	k->st.upcalls++;
	if (u->vif >= MROUTE_MAXVIFS || !k->vif[u->vif].ifindex)
		return;
	if (entry_find(k, u->src, u->group))
		return; /* installed meanwhile: the kernel resolves its queue */
	p = resolve(k, u->src, u->group, u->vif, &id);
	if (p && p->iif == u->vif) {
		e = entry_set(k, u->src, u->group, u->vif, p->ttls, id, true);
		k->st.learned += e != NULL;
	} else {
		e = entry_set(k, u->src, u->group, u->vif, NULL, 0, true);
		k->st.stopped += e != NULL;
	}
}

/* The source now arrives on another interface: a learned entry follows
 * when a rule of that interface takes it. */
static void wrong_vif(struct kroute *k, const struct mroute_upcall *u)
{
	struct kentry *e = entry_find(k, u->src, u->group);
	const struct kplan *p;
	uint32_t id;

	k->st.wrong_vif++;
	if (!e || !e->learned || u->vif >= MROUTE_MAXVIFS)
		return;
	p = resolve(k, u->src, u->group, u->vif, &id);
	if (!p || p->iif != u->vif)
		return;
	entry_set(k, u->src, u->group, u->vif, p->ttls, id, true);
	k->st.moved++;
}

static void readable(void *arg, uint32_t events)
{
	struct kroute *k = arg;
	struct mroute_upcall u;

	(void)events;
	for (int i = 0; i < UPCALL_BURST; i++) {
		int ret = mroute_read(&k->m, &u);

		if (ret == -EAGAIN || (ret < 0 && ret != -EINTR))
			break;
		if (ret != 1)
			continue;
		if (u.type == IGMPMSG_NOCACHE)
			nocache(k, &u);
		else if (u.type == IGMPMSG_WRONGVIF)
			wrong_vif(k, &u);
	}
}

/* ---- expiry ------------------------------------------------------------------------- */

static void expire(void *arg)
{
	struct kroute *k = arg;
	uint64_t now = loop_now_ms(), idle = (uint64_t)k->expire_s * 1000;

	for (size_t b = 0; b < k->nbuckets; b++) {
		struct kentry *e = k->bucket[b], *next;

		for (; e; e = next) {
			struct mroute_sg_stats st;

			next = e->next;
			if (!e->learned || mroute_sg_stats(&k->m, e->src, e->group, &st))
				continue;
			if (st.packets != e->last_pkts) {
				e->last_pkts = st.packets;
				e->moved_ms = now;
			} else if (now - e->moved_ms >= idle) {
				entry_remove(k, e);
				k->st.expired++;
			}
		}
	}
	loop_timer_arm(&k->expire_timer, k->expire_s * 1000 / 2 + 1);
}

/* ---- counters and walks ------------------------------------------------------------------ */

static void rule_entries(const struct kroute *k, const struct mcr_rule *r, struct mcr_counters *c)
{
	for (const struct kentry *e = k->gbucket[gbucket_of(k, r->group)]; e; e = e->next_g) {
		struct mroute_sg_stats st;

		if (e->rule_id != r->id || e->group != r->group ||
		    mroute_sg_stats(&k->m, e->src, e->group, &st))
			continue;
		c->kernel_packets += st.packets;
		c->kernel_bytes += st.bytes;
		c->kernel_wrong_if += st.wrong_if;
	}
}

void kroute_fill_rule(const struct mcrd *d, struct mcr_rule *r)
{
	const struct kroute *k = d->kr;
	const struct kplan *p = k && k->state == KROUTE_ON ? plan_of(k, r->id) : NULL;
	/* A rule replaced since the last sync has a plan of its old outputs:
	 * until the next sync its outputs are on no kernel path yet (the
	 * kernel's entries, and their counters, are still the old ones). */
	bool fresh = p && r->version <= k->plan_gen;
	bool all_kernel = r->n_outputs > 0;

	for (unsigned int i = 0; i < r->n_outputs; i++) {
		struct mcr_output *o = &r->out[i];
		struct mroute_vif_stats vs;
		int v;

		o->path = MCR_PATH_WORKER;
		if (!fresh || !(p->mask >> i & 1)) {
			all_kernel = false;
			continue;
		}
		/* the output's VIF: the one of its interface among the plan's */
		for (v = 0; v < MROUTE_MAXVIFS; v++)
			if (p->ttls[v] && !strncmp(k->vif[v].name, o->oif, IFNAMSIZ))
				break;
		if (v == MROUTE_MAXVIFS) {
			all_kernel = false; /* renamed since the sync: the next one settles it */
			continue;
		}
		o->path = MCR_PATH_KERNEL;
		o->vif = (uint8_t)v;
		if (!mroute_vif_stats(&k->m, (unsigned int)v, &vs)) {
			o->stats.kernel_packets = vs.out_packets;
			o->stats.kernel_bytes = vs.out_bytes;
		}
	}
	if (!p)
		return;
	rule_entries(k, r, &r->stats);
	if (all_kernel) {
		r->stats.packets = r->stats.kernel_packets;
		r->stats.bytes = r->stats.kernel_bytes;
	}
}

static int compare_entries(const void *a, const void *b)
{
	const struct kentry *x = *(struct kentry *const *)a, *y = *(struct kentry *const *)b;
	uint64_t kx = (uint64_t)ntohl(x->group) << 32 | ntohl(x->src);
	uint64_t ky = (uint64_t)ntohl(y->group) << 32 | ntohl(y->src);

	return kx < ky ? -1 : kx > ky;
}

static void entry_info(const struct kroute *k, const struct kentry *e,
		       struct kroute_entry_info *info)
{
	memset(info, 0, sizeof(*info));
	info->src = e->src;
	info->group = e->group;
	snprintf(info->iif, sizeof(info->iif), "%s", k->vif[e->iif].name);
	for (int v = 0; v < MROUTE_MAXVIFS; v++)
		if (e->ttls[v] && k->vif[v].ifindex)
			snprintf(info->oif[info->n_oif++], IFNAMSIZ, "%s", k->vif[v].name);
	info->rule_id = e->rule_id;
	info->learned = e->learned;
	if (e->learned)
		info->idle_ms = loop_now_ms() - e->moved_ms;
	mroute_sg_stats(&k->m, e->src, e->group, &info->st);
}

int kroute_for_each(const struct mcrd *d, bool after, uint32_t src, uint32_t group,
		    int (*cb)(void *arg, const struct kroute_entry_info *e), void *arg)
{
	const struct kroute *k = d->kr;
	struct kentry **all;
	size_t n = 0;
	uint64_t from = (uint64_t)ntohl(group) << 32 | ntohl(src);
	int ret = 0;

	if (!k || !k->n_entries)
		return 0;
	all = malloc(k->n_entries * sizeof(*all));
	if (!all)
		return -ENOMEM;
	for (size_t b = 0; b < k->nbuckets; b++)
		for (struct kentry *e = k->bucket[b]; e; e = e->next)
			all[n++] = e;
	qsort(all, n, sizeof(*all), compare_entries);
	for (size_t i = 0; i < n && !ret; i++) {
		struct kroute_entry_info info;
		uint64_t key = (uint64_t)ntohl(all[i]->group) << 32 | ntohl(all[i]->src);

		if (after && key <= from)
			continue;
		entry_info(k, all[i], &info);
		ret = cb(arg, &info);
	}
	free(all);
	return ret;
}

/* ---- state -------------------------------------------------------------------------------- */

enum kroute_state kroute_state(const struct mcrd *d)
{
	return d->kr ? d->kr->state : KROUTE_OFF;
}

const char *kroute_state_text(const struct mcrd *d)
{
	struct kroute *k = d->kr;

	if (!k)
		return "off";
	switch (k->state) {
	case KROUTE_ON:
		snprintf(k->text, sizeof(k->text), "on (table %u)", k->table);
		break;
	case KROUTE_OFF:
		snprintf(k->text, sizeof(k->text), "off");
		break;
	default:
		snprintf(k->text, sizeof(k->text), "%s: %s",
			 k->state == KROUTE_BUSY ? "busy" : "failed", k->why);
		break;
	}
	return k->text;
}

void kroute_get_stats(const struct mcrd *d, struct kroute_stats *st)
{
	if (d->kr)
		*st = d->kr->st;
	else
		memset(st, 0, sizeof(*st));
}

int kroute_init(struct mcrd *d, bool enabled, uint32_t table, unsigned int expire_s)
{
	struct kroute *k = calloc(1, sizeof(*k));
	int ret;

	if (!k)
		return -ENOMEM;
	d->kr = k;
	k->d = d;
	k->table = table;
	k->expire_s = expire_s ? expire_s : 1;
	k->m.fd = -1;
	k->w.fd = -1;
	k->nbuckets = BUCKETS_MIN;
	k->bucket = calloc(k->nbuckets, sizeof(*k->bucket));
	k->gbucket = calloc(k->nbuckets, sizeof(*k->gbucket));
	if (!k->bucket || !k->gbucket)
		return -ENOMEM;
	if (!enabled)
		return 0;
	ret = mroute_open(&k->m, table, k->why, sizeof(k->why));
	if (ret) {
		k->state = ret == -EADDRINUSE ? KROUTE_BUSY : KROUTE_FAILED;
		log_warn("kernel multicast routing unavailable, every output goes through the "
			 "workers: %s",
			 k->why);
		return 0;
	}
	k->state = KROUTE_ON;
	if (loop_watch_add(&d->loop, &k->w, k->m.fd, readable, k) ||
	    loop_timer_init(&d->loop, &k->expire_timer, expire, k)) {
		mroute_close(&k->m);
		k->state = KROUTE_FAILED;
		snprintf(k->why, sizeof(k->why), "cannot watch the mroute socket");
		return 0;
	}
	loop_timer_arm(&k->expire_timer, k->expire_s * 1000 / 2 + 1);
	return 0;
}

void kroute_exit(struct mcrd *d)
{
	struct kroute *k = d->kr;

	if (!k)
		return;
	if (k->state == KROUTE_ON) {
		loop_watch_del(&d->loop, &k->w);
		loop_timer_exit(&k->expire_timer);
	}
	for (size_t b = 0; b < k->nbuckets; b++) {
		while (k->bucket[b]) {
			struct kentry *e = k->bucket[b];

			k->bucket[b] = e->next;
			free(e);
		}
	}
	/* MRT_DONE: the kernel drops every VIF and entry of the socket */
	mroute_close(&k->m);
	free(k->bucket);
	free(k->gbucket);
	free(k->plan);
	free(k);
	d->kr = NULL;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The data plane's control side (dataplane.h).
 *
 * Rebuild: from the rule table and what the kernel says of each interface
 * now, make a new forwarding table, reusing the ports (sockets) of the
 * interfaces that stay, publish it with one release store and wake the
 * workers. The traffic of a rule that did not change is never interrupted:
 * its input's sockets, fanout group, ring position and memberships stay.
 *
 * Reclaim (the grace period): a retired table is freed when every worker
 * has acknowledged a generation at least that of its successor. Its
 * counter cells are first folded into the rules' stored counters, so no
 * count is lost and none is counted twice; ports that no table lists any
 * more are closed then.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/if_ether.h>

#include "dataplane.h"
#include "fwd.h"
#include "iface.h"
#include "kroute.h"
#include "log.h"
#include "mcgroup.h"
#include "mcrd.h"
#include "worker.h"

#define RECLAIM_FIRST_MS 1
#define RECLAIM_MAX_MS 100
#define MEMBER_STEP 128 /* joins (and leaves) per loop turn */
/* Rebuilds are at least this far apart, and twice as far as the last one
 * took: a batch of thousands of rules costs a few rebuilds, not one per
 * rule, and the control thread keeps most of its time for requests. */
#define REBUILD_GAP_MS 10
#define RETRY_FIRST_MS 1000
#define RETRY_MAX_MS 60000

struct dataplane {
	struct mcrd *d;
	unsigned int n; /* workers */
	struct worker *w;
	int *epfds;
	struct fwd_table *table; /* the published one: atomic stores */
	uint64_t gen;
	struct fwd_table *retired; /* newest first */
	struct rx_port *rx_ports;
	struct tx_port *tx_ports;
	struct mcgroup_pool groups;
	bool groups_ok;
	int ioctl_fd;
	struct loop_timer rebuild_timer, reclaim_timer, member_timer;
	struct mcgroup_membership *want; /* what the last build asked to join */
	size_t n_want;
	unsigned int reclaim_ms, retry_ms;
	uint64_t next_rebuild_ms; /* the earliest time the next one may run */
	uint64_t rebuild_due_ms;  /* when the armed rebuild runs; 0: none armed */
	struct rx_cfg rx_cfg;
	uint64_t *ring_drops, *ring_freezes; /* of closed ports, per worker */
};

/* ---- the interfaces and ports of one build -------------------------------- */

struct in_port {
	int ifindex;
	struct rx_port *port;
	uint32_t *groups;
	size_t n_groups, cap_groups;
};

struct out_port {
	int ifindex;
	uint32_t frame_cap;
	struct tx_port *port;
};

struct build {
	struct dataplane *dp;
	struct iface *ifs; /* open hash by name */
	size_t n_ifs, cap_ifs;
	struct in_port *in;
	size_t n_in, cap_in;
	struct out_port *out;
	size_t n_out, cap_out;
	struct mcgroup_membership *want;
	size_t n_want, cap_want;
	bool errors; /* a port could not be opened: retry later */
};

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t c = *cap ? *cap : 8;
	void *n;

	if (need <= *cap)
		return 0;
	while (c < need)
		c *= 2;
	n = realloc(*p, c * size);
	if (!n)
		return -ENOMEM;
	*p = n;
	*cap = c;
	return 0;
}

static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

static int ifs_rehash(struct build *b, size_t cap)
{
	struct iface *old = b->ifs;
	size_t old_cap = b->cap_ifs;

	b->ifs = calloc(cap, sizeof(*b->ifs));
	if (!b->ifs) {
		b->ifs = old;
		return -ENOMEM;
	}
	b->cap_ifs = cap;
	for (size_t i = 0; i < old_cap; i++) {
		size_t j;

		if (!old[i].name[0])
			continue;
		for (j = name_hash(old[i].name) & (cap - 1); b->ifs[j].name[0]; j = (j + 1) & (cap - 1))
			;
		b->ifs[j] = old[i];
	}
	free(old);
	return 0;
}

/* What the kernel says of @name now, asked once per build. NULL on ENOMEM.
 * The pointer is valid until the next call. */
static const struct iface *iface_get(struct build *b, const char *name)
{
	size_t j;

	if (!b->cap_ifs && ifs_rehash(b, 64))
		return NULL;
	for (j = name_hash(name) & (b->cap_ifs - 1); b->ifs[j].name[0]; j = (j + 1) & (b->cap_ifs - 1))
		if (!strcmp(b->ifs[j].name, name))
			return &b->ifs[j];
	/* a new name: grow first, so the table stays at most half full */
	if ((b->n_ifs + 1) * 2 > b->cap_ifs) {
		if (ifs_rehash(b, b->cap_ifs * 2))
			return NULL;
		for (j = name_hash(name) & (b->cap_ifs - 1); b->ifs[j].name[0];
		     j = (j + 1) & (b->cap_ifs - 1))
			;
	}
	if (iface_query(b->dp->ioctl_fd, name, &b->ifs[j]) || !b->ifs[j].name[0]) {
		memset(&b->ifs[j], 0, sizeof(b->ifs[j]));
		snprintf(b->ifs[j].name, sizeof(b->ifs[j].name), "%s", name);
	}
	b->n_ifs++;
	return &b->ifs[j];
}

static bool usable(const struct iface *i)
{
	return i && i->ifindex > 0 && i->ethernet;
}

static struct in_port *in_port_get(struct build *b, int ifindex)
{
	for (size_t i = 0; i < b->n_in; i++)
		if (b->in[i].ifindex == ifindex)
			return &b->in[i];
	if (grow((void **)&b->in, &b->cap_in, b->n_in + 1, sizeof(*b->in)))
		return NULL;
	memset(&b->in[b->n_in], 0, sizeof(b->in[0]));
	b->in[b->n_in].ifindex = ifindex;
	return &b->in[b->n_in++];
}

static struct out_port *out_port_get(struct build *b, int ifindex, uint32_t frame_cap)
{
	for (size_t i = 0; i < b->n_out; i++) {
		if (b->out[i].ifindex == ifindex) {
			if (b->out[i].frame_cap < frame_cap)
				b->out[i].frame_cap = frame_cap;
			return &b->out[i];
		}
	}
	if (grow((void **)&b->out, &b->cap_out, b->n_out + 1, sizeof(*b->out)))
		return NULL;
	b->out[b->n_out] = (struct out_port){ .ifindex = ifindex, .frame_cap = frame_cap };
	return &b->out[b->n_out++];
}

static int add_group(struct in_port *in, uint32_t group)
{
	if (grow((void **)&in->groups, &in->cap_groups, in->n_groups + 1, sizeof(*in->groups)))
		return -ENOMEM;
	in->groups[in->n_groups++] = group;
	return 0;
}

static int add_want(struct build *b, int ifindex, uint32_t group, uint32_t src)
{
	if (grow((void **)&b->want, &b->cap_want, b->n_want + 1, sizeof(*b->want)))
		return -ENOMEM;
	b->want[b->n_want++] = (struct mcgroup_membership){ ifindex, group, src };
	return 0;
}

static void build_free(struct build *b)
{
	for (size_t i = 0; i < b->n_in; i++)
		free(b->in[i].groups);
	free(b->in);
	free(b->out);
	free(b->ifs);
	free(b->want);
}

/* ---- step 1: which interfaces, groups and memberships the rules need ----- */

/* Every interface the rules name, asked once, and the memberships. */
static int survey_rule(struct build *b, const struct mcr_rule *r)
{
	const struct iface *in = iface_get(b, r->iif);
	int ifindex;

	if (!in)
		return -ENOMEM;
	ifindex = usable(in) ? in->ifindex : 0;
	for (unsigned int i = 0; i < r->n_outputs; i++)
		if (!iface_get(b, r->out[i].oif))
			return -ENOMEM;
	return ifindex ? add_want(b, ifindex, r->group, r->src) : 0;
}

/* Whether a worker sends output @i of @r (the kernel path had its say). */
static bool worker_output(const struct build *b, const struct mcr_rule *r, unsigned int i)
{
	return !kroute_output(b->dp->d, r, i);
}

/* The sockets the workers need: an input for every rule with a worker
 * output, an egress socket for every worker output's interface. */
static int assign_rule(struct build *b, const struct mcr_rule *r)
{
	const struct iface *in = iface_get(b, r->iif);
	int ifindex = usable(in) ? in->ifindex : 0;
	struct in_port *ip;
	bool any = false;

	for (unsigned int i = 0; ifindex && i < r->n_outputs; i++) {
		const struct iface *o;

		if (!worker_output(b, r, i))
			continue;
		any = true;
		o = iface_get(b, r->out[i].oif);
		if (usable(o) && !out_port_get(b, o->ifindex, o->mtu + ETH_HLEN))
			return -ENOMEM;
	}
	if (!any)
		return 0;
	ip = in_port_get(b, ifindex);
	return ip && !add_group(ip, r->group) ? 0 : -ENOMEM;
}

static int for_each_rule(struct build *b, int (*fn)(struct build *, const struct mcr_rule *))
{
	const struct rules *rt = &b->dp->d->rules;

	for (size_t i = 0; i < rt->n; i++) {
		int ret = fn(b, rt->by_id[i]);

		if (ret)
			return ret;
	}
	return 0;
}

static int build_ifindex(void *arg, const char *name)
{
	const struct iface *i = iface_get(arg, name);

	return usable(i) ? i->ifindex : 0;
}

static int survey(struct build *b)
{
	int ret = for_each_rule(b, survey_rule);

	if (ret)
		return ret;
	kroute_sync(b->dp->d, build_ifindex, b);
	return for_each_rule(b, assign_rule);
}

/* ---- step 2: the ports ------------------------------------------------------ */

static struct rx_port *rx_find(struct dataplane *dp, int ifindex)
{
	for (struct rx_port *p = dp->rx_ports; p; p = p->next)
		if (p->ifindex == ifindex)
			return p;
	return NULL;
}

static struct tx_port *tx_find(struct dataplane *dp, int ifindex, uint32_t frame_cap)
{
	for (struct tx_port *p = dp->tx_ports; p; p = p->next)
		if (p->ifindex == ifindex && p->frame_cap >= frame_cap)
			return p;
	return NULL;
}

static void open_in_port(struct build *b, struct in_port *ip)
{
	struct dataplane *dp = b->dp;
	char err[256];
	int ret;

	ip->port = rx_find(dp, ip->ifindex);
	if (ip->port) {
		ret = rx_port_set_groups(ip->port, ip->groups, ip->n_groups);
		if (ret)
			log_warn("filter of ifindex %d: %s", ip->ifindex, strerror(-ret));
		return;
	}
	ret = rx_port_open(&ip->port, ip->ifindex, dp->n, dp->epfds, &dp->rx_cfg, ip->groups,
			   ip->n_groups, err, sizeof(err));
	if (ret) {
		log_err("cannot forward from ifindex %d: %s", ip->ifindex, err);
		ip->port = NULL;
		b->errors = true;
		return;
	}
	ip->port->next = dp->rx_ports;
	dp->rx_ports = ip->port;
}

static void open_out_port(struct build *b, struct out_port *op)
{
	struct dataplane *dp = b->dp;
	const struct mcrd_opts *o = &dp->d->opt;
	char err[256];

	/* ring frames are sized from the MTU; the other modes take any */
	op->port = tx_find(dp, op->ifindex, o->egress == EGRESS_RING ? op->frame_cap : 0);
	if (op->port)
		return;
	if (tx_port_open(&op->port, op->ifindex, dp->n, (enum egress_mode)o->egress,
			 op->frame_cap, o->qdisc_bypass, err, sizeof(err))) {
		log_err("cannot forward to ifindex %d: %s", op->ifindex, err);
		op->port = NULL;
		b->errors = true;
		return;
	}
	op->port->next = dp->tx_ports;
	dp->tx_ports = op->port;
}

static void open_ports(struct build *b)
{
	for (size_t i = 0; i < b->n_in; i++)
		open_in_port(b, &b->in[i]);
	for (size_t i = 0; i < b->n_out; i++)
		open_out_port(b, &b->out[i]);
}

/* ---- step 3: the table -------------------------------------------------------- */

static const struct in_port *in_port_of(const struct build *b, int ifindex)
{
	for (size_t i = 0; i < b->n_in; i++)
		if (b->in[i].ifindex == ifindex)
			return b->in[i].port ? &b->in[i] : NULL;
	return NULL;
}

static uint16_t tx_index(const struct fwd_table *t, const struct build *b, int ifindex)
{
	for (unsigned int i = 0; i < t->n_tx; i++)
		if (t->tx[i]->ifindex == ifindex)
			return (uint16_t)i;
	(void)b;
	return FWD_NO_TX;
}

static uint32_t source_of(const struct mcr_rule *r, const struct mcr_output *o,
			  const struct iface *oi)
{
	switch (mcr_output_src_mode(r, o)) {
	case MCR_SRC_MODE_KEEP:
		return 0;
	case MCR_SRC_MODE_ADDR:
		return o->src;
	default:
		return oi->addr;
	}
}

/* Returns false when the output's interface is missing or unusable. */
static bool fill_output(const struct build *b, struct fwd_table *t, const struct mcr_rule *r,
			const struct mcr_output *o, uint32_t k)
{
	struct fwd_out *fo = &t->out[k];
	const struct iface *oi = iface_get((struct build *)b, o->oif);

	snprintf(t->okey[k].oif, sizeof(t->okey[k].oif), "%s", o->oif);
	t->okey[k].group = mcr_output_group(r, o);
	t->okey[k].port = mcr_output_port(r, o);
	fo->cell = k;
	fo->tx = usable(oi) ? tx_index(t, b, oi->ifindex) : FWD_NO_TX;
	if (fo->tx == FWD_NO_TX || !oi->up) {
		fo->drop = 1 + MCR_DROP_LINK_DOWN;
		return fo->tx != FWD_NO_TX;
	}
	fo->rw.daddr = t->okey[k].group;
	fo->rw.dport = t->okey[k].port;
	fo->rw.ttl = o->ttl;
	fo->rw.saddr = source_of(r, o, oi);
	fo->rw.mtu = oi->mtu;
	memcpy(fo->rw.smac, oi->mac, ETH_ALEN);
	rewrite_out_prepare(&fo->rw);
	if (mcr_output_src_mode(r, o) == MCR_SRC_MODE_IFADDR && !oi->addr)
		fo->drop = 1 + MCR_DROP_NO_SRC;
	return true;
}

static void fill_entries(struct build *b, struct fwd_table *t)
{
	const struct rules *rt = &b->dp->d->rules;
	uint32_t ne = 0, no = 0;

	for (size_t i = 0; i < rt->n; i++) {
		const struct mcr_rule *r = rt->by_id[i];
		const struct iface *in = iface_get(b, r->iif);
		struct fwd_entry *e;

		if (!usable(in) || !in_port_of(b, in->ifindex))
			continue;
		e = &t->ent[ne++];
		*e = (struct fwd_entry){
			.ifindex = in->ifindex,
			.group = r->group,
			.src = r->src,
			.port = r->port,
			.rule_id = r->id,
			.first_out = no,
			.complete = true,
		};
		/* a rule whose outputs all take the kernel path has none here:
		 * the workers that see its packets leave them alone */
		for (unsigned int j = 0; j < r->n_outputs; j++) {
			if (!worker_output(b, r, j))
				continue;
			e->complete &= fill_output(b, t, r, &r->out[j], no++);
			e->n_out++;
		}
	}
	t->n_ent = ne;
	t->n_out = no;
}

static struct fwd_table *make_table(struct build *b)
{
	struct dataplane *dp = b->dp;
	const struct rules *rt = &dp->d->rules;
	unsigned int n_rx = 0, n_tx = 0;
	uint32_t ne = 0, no = 0;
	struct fwd_table *t;

	for (size_t i = 0; i < rt->n; i++) {
		const struct iface *in = iface_get(b, rt->by_id[i]->iif);

		if (usable(in) && in_port_of(b, in->ifindex)) {
			ne++;
			no += rt->by_id[i]->n_outputs; /* at most: kernel ones drop out */
		}
	}
	for (size_t i = 0; i < b->n_in; i++)
		n_rx += b->in[i].port != NULL;
	for (size_t i = 0; i < b->n_out; i++)
		n_tx += b->out[i].port != NULL;
	t = fwd_alloc(ne, no, n_rx, n_tx, dp->n);
	if (!t)
		return NULL;
	for (size_t i = 0; i < b->n_in; i++)
		if (b->in[i].port)
			t->rx[t->n_rx++] = b->in[i].port;
	for (size_t i = 0; i < b->n_out; i++)
		if (b->out[i].port)
			t->tx[t->n_tx++] = b->out[i].port;
	t->rules_gen = dp->d->rules.generation;
	fill_entries(b, t);
	fwd_index(t);
	for (unsigned int i = 0; i < t->n_rx; i++)
		t->rx[i]->refs++;
	for (unsigned int i = 0; i < t->n_tx; i++)
		t->tx[i]->refs++;
	return t;
}

/* ---- ports nobody lists any more ------------------------------------------------ */

static void close_rx(struct dataplane *dp, struct rx_port *p)
{
	rx_port_read_stats(p);
	for (unsigned int i = 0; i < p->n; i++) {
		dp->ring_drops[i] += p->ring[i].drops;
		dp->ring_freezes[i] += p->ring[i].freezes;
	}
	rx_port_close(p, dp->epfds);
}

static void sweep_ports(struct dataplane *dp)
{
	for (struct rx_port **pp = &dp->rx_ports; *pp;) {
		struct rx_port *p = *pp;

		if (p->refs) {
			pp = &p->next;
			continue;
		}
		*pp = p->next;
		close_rx(dp, p);
	}
	for (struct tx_port **pp = &dp->tx_ports; *pp;) {
		struct tx_port *p = *pp;

		if (p->refs) {
			pp = &p->next;
			continue;
		}
		*pp = p->next;
		tx_port_close(p);
	}
}

/* ---- publish and reclaim ------------------------------------------------------------ */

static void table_release(struct dataplane *dp, struct fwd_table *t, bool fold)
{
	struct rules *rt = &dp->d->rules;

	if (fold) {
		for (uint32_t i = 0; i < t->n_ent; i++) {
			struct mcr_rule *r = rules_find_id(rt, t->ent[i].rule_id);

			if (r)
				fwd_fold(t, &t->ent[i], r);
		}
	}
	for (unsigned int i = 0; i < t->n_rx; i++)
		t->rx[i]->refs--;
	for (unsigned int i = 0; i < t->n_tx; i++)
		t->tx[i]->refs--;
	fwd_free(t);
}

static uint64_t min_ack(const struct dataplane *dp)
{
	uint64_t m = UINT64_MAX;

	for (unsigned int i = 0; i < dp->n; i++) {
		uint64_t a = worker_ack(&dp->w[i]);

		if (a < m)
			m = a;
	}
	return m;
}

static void reclaim(void *arg)
{
	struct dataplane *dp = arg;
	uint64_t done = min_ack(dp);

	for (struct fwd_table **tp = &dp->retired; *tp;) {
		struct fwd_table *t = *tp;

		if (t->retire_gen > done) {
			tp = &t->next_retired;
			continue;
		}
		*tp = t->next_retired;
		table_release(dp, t, true);
	}
	sweep_ports(dp);
	if (dp->retired) {
		loop_timer_arm(&dp->reclaim_timer, dp->reclaim_ms);
		if (dp->reclaim_ms < RECLAIM_MAX_MS)
			dp->reclaim_ms *= 2;
	}
}

static void publish(struct dataplane *dp, struct fwd_table *t)
{
	struct fwd_table *old = dp->table;

	t->gen = ++dp->gen;
	log_debug("forwarding table %llu: %u rules, %u outputs, %u inputs, %u output interfaces",
		  (unsigned long long)t->gen, t->n_ent, t->n_out, t->n_rx, t->n_tx);
	__atomic_store_n(&dp->table, t, __ATOMIC_RELEASE);
	for (unsigned int i = 0; i < dp->n; i++)
		worker_wake(&dp->w[i]);
	if (old) {
		old->retire_gen = t->gen;
		old->next_retired = dp->retired;
		dp->retired = old;
		dp->reclaim_ms = RECLAIM_FIRST_MS;
		loop_timer_arm(&dp->reclaim_timer, RECLAIM_FIRST_MS);
	}
}

/* One step towards the memberships of the last build; the rest follows
 * on the next loop turns, so that thousands of joins never stall the
 * control thread. */
static void member_step(void *arg)
{
	struct dataplane *dp = arg;
	uint64_t errors = dp->groups.stats.join_errors;
	int ret = mcgroup_sync_some(&dp->groups, dp->want, dp->n_want, MEMBER_STEP);

	if (ret < 0)
		log_err("group memberships: out of memory");
	if (ret)
		loop_timer_arm(&dp->member_timer, ret < 0 ? RETRY_FIRST_MS : 0);
	else if (dp->groups.stats.join_errors != errors)
		loop_timer_arm(&dp->member_timer, RETRY_FIRST_MS); /* retry the refused ones */
}

static void sync_groups(struct dataplane *dp, struct build *b)
{
	if (!dp->groups_ok)
		return;
	free(dp->want);
	dp->want = b->want;
	dp->n_want = b->n_want;
	b->want = NULL;
	b->n_want = b->cap_want = 0;
	member_step(dp);
}

static int rebuild_once(struct dataplane *dp)
{
	struct build b = { .dp = dp };
	struct fwd_table *t = NULL;
	int ret = survey(&b);

	if (!ret) {
		open_ports(&b);
		t = make_table(&b);
		ret = t ? 0 : -ENOMEM;
	}
	if (!ret) {
		publish(dp, t);
		sync_groups(dp, &b);
	}
	sweep_ports(dp);
	if (!ret && b.errors)
		ret = -EAGAIN;
	build_free(&b);
	return ret;
}

/* Arms the rebuild for @at (ms), unless one is due earlier already. */
static void rebuild_at(struct dataplane *dp, uint64_t at)
{
	uint64_t now = loop_now_ms();

	if (dp->rebuild_due_ms && dp->rebuild_due_ms <= at)
		return;
	dp->rebuild_due_ms = at > now ? at : now;
	loop_timer_arm(&dp->rebuild_timer, (unsigned int)(dp->rebuild_due_ms - now));
}

static void rebuild(void *arg)
{
	struct dataplane *dp = arg;
	uint64_t t0 = loop_now_ms(), took;
	int ret;

	dp->rebuild_due_ms = 0;
	ret = rebuild_once(dp);
	took = loop_now_ms() - t0;
	dp->next_rebuild_ms = loop_now_ms() + (2 * took > REBUILD_GAP_MS ? 2 * took : REBUILD_GAP_MS);
	log_debug("rebuild took %llu ms", (unsigned long long)took);
	if (ret == -ENOMEM)
		log_err("forwarding table: out of memory; retrying");
	if (!ret) {
		dp->retry_ms = RETRY_FIRST_MS;
		return;
	}
	/* some interface could not be set up: try again, less and less often */
	rebuild_at(dp, loop_now_ms() + dp->retry_ms);
	if (dp->retry_ms < RETRY_MAX_MS)
		dp->retry_ms *= 2;
}

void dp_mark_dirty(struct mcrd *d)
{
	if (d->dp)
		rebuild_at(d->dp, d->dp->next_rebuild_ms);
}

/* ---- counters ------------------------------------------------------------------------------ */

static void fold_live(const struct fwd_table *t, const struct mcr_rule *r, struct mcr_rule *out)
{
	const struct fwd_entry *e = t ? fwd_by_rule(t, r->id) : NULL;

	if (e)
		fwd_fold(t, e, out);
}

static bool all_kernel(const struct mcr_rule *r)
{
	for (unsigned int i = 0; i < r->n_outputs; i++)
		if (r->out[i].path != MCR_PATH_KERNEL)
			return false;
	return true;
}

void dp_rule_counters(const struct mcrd *d, const struct mcr_rule *r, struct mcr_rule *out)
{
	const struct dataplane *dp = d->dp;
	const struct fwd_entry *e;

	memcpy(out, r, mcr_rule_size(r->n_outputs));
	out->flags &= ~(uint32_t)MCR_RULE_FLAGS_ACTIVE;
	kroute_fill_rule(d, out);
	if (!dp)
		return;
	e = dp->table ? fwd_by_rule(dp->table, r->id) : NULL;
	/* active: this content of the rule is in a table every worker uses */
	if (e && e->complete && r->version <= dp->table->rules_gen &&
	    min_ack(dp) >= dp->table->gen)
		out->flags |= MCR_RULE_FLAGS_ACTIVE;
	if (r->n_outputs && all_kernel(out))
		out->flags |= MCR_RULE_FLAGS_ACTIVE; /* its entries are in the kernel */
	fold_live(dp->table, r, out);
	for (const struct fwd_table *t = dp->retired; t; t = t->next_retired)
		fold_live(t, r, out);
}

void dp_worker_stats(const struct mcrd *d, unsigned int i, struct wstats *out, int *cpu)
{
	struct dataplane *dp = d->dp;
	const uint64_t *src;
	uint64_t *dst = (uint64_t *)out;

	memset(out, 0, sizeof(*out));
	*cpu = -1;
	if (!dp || i >= dp->n)
		return;
	src = (const uint64_t *)&dp->w[i].st;
	for (size_t k = 0; k < sizeof(*out) / sizeof(uint64_t); k++)
		dst[k] = __atomic_load_n(&src[k], __ATOMIC_RELAXED);
	out->ring_drops = dp->ring_drops[i];
	out->ring_freezes = dp->ring_freezes[i];
	for (struct rx_port *p = dp->rx_ports; p; p = p->next) {
		rx_ring_read_stats(&p->ring[i]); /* worker i's socket only */
		out->ring_drops += p->ring[i].drops;
		out->ring_freezes += p->ring[i].freezes;
	}
	*cpu = dp->w[i].cpu;
}

/* ---- set-up ------------------------------------------------------------------------------------- */

/* Worker i is pinned to the i-th CPU mcrd may run on (round robin). */
static int cpu_for(unsigned int i)
{
	cpu_set_t set;
	int n, k = 0;

	if (sched_getaffinity(0, sizeof(set), &set) < 0 || !(n = CPU_COUNT(&set)))
		return -1;
	i %= (unsigned int)n;
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &set) && (unsigned int)k++ == i)
			return c;
	return -1;
}

static int alloc_dp(struct mcrd *d, struct dataplane **out)
{
	unsigned int n = d->opt.workers;
	struct dataplane *dp = calloc(1, sizeof(*dp));

	*out = dp;
	if (!dp)
		return -ENOMEM;
	dp->d = d;
	dp->n = n;
	dp->ioctl_fd = -1;
	dp->w = aligned_alloc(64, n * sizeof(*dp->w));
	dp->epfds = calloc(n, sizeof(*dp->epfds));
	dp->ring_drops = calloc(n, sizeof(uint64_t));
	dp->ring_freezes = calloc(n, sizeof(uint64_t));
	if (!dp->w || !dp->epfds || !dp->ring_drops || !dp->ring_freezes)
		return -ENOMEM;
	memset(dp->w, 0, n * sizeof(*dp->w));
	for (unsigned int i = 0; i < n; i++)
		dp->w[i].epfd = dp->w[i].evfd = dp->w[i].ready_fd = -1;
	return 0;
}

static void rx_cfg_from(struct rx_cfg *c, const struct mcrd_opts *o)
{
	static const uint32_t fanout_modes[] = {
		[MCR_FANOUT_HASH] = PACKET_FANOUT_HASH,
		[MCR_FANOUT_CPU] = PACKET_FANOUT_CPU,
		[MCR_FANOUT_LB] = PACKET_FANOUT_LB,
	};

	/* A block is handed over when full or after 1 ms, so below the rate
	 * that fills one in 1 ms the ring holds n_blocks ms of traffic,
	 * whatever its size: 128 KiB blocks make 64 MiB cover a stall of the
	 * worker of 512 ms (256 KiB blocks covered 256 ms, measured). Not
	 * smaller: a block must hold the largest IPv4 datagram (65,535 bytes
	 * on a 64 KiB MTU, or reassembled) with its headers, or the kernel
	 * truncates it; and a power of two, which is what the kernel
	 * allocates for each block anyway. */
	c->block_size = 128u << 10;
	c->n_blocks = o->rx_ring_mb * 8;
	c->block_tov_ms = 1;
	c->fanout_mode = fanout_modes[o->fanout];
}

static int start_workers(struct dataplane *dp, char *err, size_t errlen)
{
	for (unsigned int i = 0; i < dp->n; i++) {
		struct worker *w = &dp->w[i];
		int ret;

		w->table = &dp->table;
		w->id = i;
		w->cpu = cpu_for(i);
		w->mode = (enum egress_mode)dp->d->opt.egress;
		ret = worker_start(w);
		if (ret) {
			snprintf(err, errlen, "worker %u: %s", i, strerror(-ret));
			return ret;
		}
		dp->epfds[i] = w->epfd;
	}
	return 0;
}

int dp_init(struct mcrd *d, char *err, size_t errlen)
{
	struct dataplane *dp;
	int ret = alloc_dp(d, &dp);

	d->dp = dp;
	if (ret) {
		snprintf(err, errlen, "data plane: out of memory");
		return ret;
	}
	rx_cfg_from(&dp->rx_cfg, &d->opt);
	dp->ioctl_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (dp->ioctl_fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "data plane: socket: %s", strerror(errno));
		return ret;
	}
	ret = mcgroup_init(&dp->groups);
	dp->groups_ok = !ret;
	if (ret)
		log_warn("group memberships unavailable: %s", strerror(-ret));
	if (loop_timer_init(&d->loop, &dp->rebuild_timer, rebuild, dp) ||
	    loop_timer_init(&d->loop, &dp->reclaim_timer, reclaim, dp) ||
	    loop_timer_init(&d->loop, &dp->member_timer, member_step, dp)) {
		snprintf(err, errlen, "data plane: timerfd: %s", strerror(errno));
		return -EIO;
	}
	dp->retry_ms = RETRY_FIRST_MS;
	return start_workers(dp, err, errlen);
}

/* The last word of each worker, for whoever reads the log after a run. */
static void log_worker(const struct mcrd *d, unsigned int i)
{
	struct wstats s;
	uint64_t out = 0;
	int cpu;

	dp_worker_stats(d, i, &s, &cpu);
	for (int k = 0; k < MCR_DROP__MAX; k++)
		out += s.out_drops[k];
	log_info("worker %u: rx %llu tx %llu no-match %llu malformed %llu ring-drops %llu "
		 "output-drops %llu batches %llu",
		 i, (unsigned long long)s.rx_packets, (unsigned long long)s.tx_packets,
		 (unsigned long long)s.no_match, (unsigned long long)wstats_malformed(&s),
		 (unsigned long long)s.ring_drops, (unsigned long long)out,
		 (unsigned long long)s.batches);
}

void dp_exit(struct mcrd *d)
{
	struct dataplane *dp = d->dp;

	if (!dp)
		return;
	for (unsigned int i = 0; dp->w && i < dp->n; i++)
		worker_stop(&dp->w[i]);
	for (unsigned int i = 0; dp->w && i < dp->n; i++)
		if (dp->epfds[i] > 0) /* it started */
			log_worker(d, i);
	/* every worker is gone: everything can go without a grace period */
	while (dp->retired) {
		struct fwd_table *t = dp->retired;

		dp->retired = t->next_retired;
		table_release(dp, t, false);
	}
	if (dp->table)
		table_release(dp, dp->table, false);
	dp->table = NULL;
	sweep_ports(dp);
	if (dp->groups_ok)
		mcgroup_exit(&dp->groups);
	loop_timer_exit(&dp->rebuild_timer);
	loop_timer_exit(&dp->reclaim_timer);
	loop_timer_exit(&dp->member_timer);
	free(dp->want);
	if (dp->ioctl_fd >= 0)
		close(dp->ioctl_fd);
	free(dp->w);
	free(dp->epfds);
	free(dp->ring_drops);
	free(dp->ring_freezes);
	free(dp);
	d->dp = NULL;
}

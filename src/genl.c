// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The genl server (genl.h): message framing, dispatch through op tables,
 * ACKs and errors with extended ack, and the per-peer sessions that hold
 * replies a full peer could not take yet and dumps in progress.
 *
 * USERSOCK gives a sender no back-pressure signal (a full receiver just
 * makes sendto fail with EAGAIN; poll still says writable), so a blocked
 * session is retried from one timer with a per-peer exponential backoff,
 * and abandoned when it made no progress for GENL_STALL_MS.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libmnl/libmnl.h>

#include "log.h"
#include "ctrl.h"
#include "mcrd.h"

/* Room for the extack TLVs of an error: the message, offset, missing
 * type and missing nest. */
#define GENL_TLV_MAX \
	(NLA_HDRLEN + NLA_ALIGN(sizeof(((struct mcr_extack *)0)->buf)) + 3 * (NLA_HDRLEN + 4))
#define GENL_TB_MAX 32

struct genl_qmsg {
	struct genl_qmsg *next;
	size_t len;
	unsigned char data[];
};

/* What mcrd still owes one peer. */
struct genl_session {
	struct genl_session *next; /* hash chain */
	struct genl_peer peer;
	struct genl_qmsg *head, **tail;
	unsigned int qn;
	size_t qbytes;
	struct genl_dump *dump;
	uint64_t last_progress;
	uint64_t due; /* next retry; 0: none scheduled */
	unsigned int backoff;
};

/* ---- sessions ------------------------------------------------------------ */

static unsigned int sess_bucket(const struct genl_peer *p)
{
	uint32_t h = p->port * 2654435761u;

	h ^= (uint32_t)(uintptr_t)p->tr;
	return (h ^ (h >> 16)) & 255u;
}

static struct genl_session *sess_find(struct mcrd *d, const struct genl_peer *p)
{
	struct genl_session *s = d->genl.sess[sess_bucket(p)];

	while (s && !(s->peer.port == p->port && s->peer.tr == p->tr))
		s = s->next;
	return s;
}

static struct genl_session *sess_new(struct mcrd *d, const struct genl_peer *p)
{
	struct genl_session *s;
	unsigned int b = sess_bucket(p);

	if (d->genl.n_sess >= GENL_PEERS_MAX)
		return NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->peer = *p;
	s->tail = &s->head;
	s->backoff = 1;
	s->last_progress = d->genl.now_ms();
	s->next = d->genl.sess[b];
	d->genl.sess[b] = s;
	d->genl.n_sess++;
	return s;
}

static void sess_free(struct mcrd *d, struct genl_session *s)
{
	struct genl_session **pp = &d->genl.sess[sess_bucket(&s->peer)];

	while (*pp && *pp != s)
		pp = &(*pp)->next;
	if (*pp)
		*pp = s->next;
	while (s->head) {
		struct genl_qmsg *m = s->head;

		s->head = m->next;
		free(m);
	}
	if (s->dump) {
		free(s->dump);
		d->genl.n_dumps--;
	}
	free(s);
	d->genl.n_sess--;
}

/* Forgets everything owed to a peer that is gone or stuck. */
static void sess_drop(struct mcrd *d, struct genl_session *s, bool stalled)
{
	d->stats.replies_dropped += s->qn;
	if (s->dump && stalled) {
		d->stats.dumps_aborted++;
		log_info("port %u: no progress for %d s, dump abandoned", s->peer.port,
			 GENL_STALL_MS / 1000);
	} else if (stalled) {
		log_info("port %u: no progress for %d s, %u replies dropped", s->peer.port,
			 GENL_STALL_MS / 1000, s->qn);
	} else {
		log_debug("port %u is gone%s, %u replies dropped", s->peer.port,
			  s->dump ? " during a dump" : "", s->qn);
	}
	sess_free(d, s);
}

static int enqueue(struct mcrd *d, struct genl_session *s, const void *buf, size_t len)
{
	struct genl_qmsg *m;

	if (s->qn >= GENL_PEER_QUEUE_MSGS || s->qbytes + len > GENL_PEER_QUEUE_BYTES)
		goto drop;
	m = malloc(sizeof(*m) + len);
	if (!m)
		goto drop;
	m->next = NULL;
	m->len = len;
	memcpy(m->data, buf, len);
	*s->tail = m;
	s->tail = &m->next;
	s->qn++;
	s->qbytes += len;
	return 0;
drop:
	d->stats.replies_dropped++;
	log_debug("port %u: reply queue full, reply dropped", s->peer.port);
	return -ENOBUFS;
}

static void dequeue(struct genl_session *s)
{
	struct genl_qmsg *m = s->head;

	s->head = m->next;
	if (!s->head)
		s->tail = &s->head;
	s->qn--;
	s->qbytes -= m->len;
	free(m);
}

static void timer_arm_at(struct mcrd *d, uint64_t due)
{
	uint64_t now = d->genl.now_ms();

	if (d->genl.timer_due && d->genl.timer_due <= due)
		return;
	d->genl.timer_due = due;
	loop_timer_arm(&d->genl.timer, due > now ? (unsigned int)(due - now) : 0);
}

static void schedule(struct mcrd *d, struct genl_session *s, unsigned int delay)
{
	s->due = d->genl.now_ms() + delay;
	timer_arm_at(d, s->due);
}

static int transport_send(const struct genl_peer *p, const void *buf, size_t len)
{
	return p->tr->send(p->tr->arg, p->port, buf, len);
}

/* ---- dumps ------------------------------------------------------------- */

uint16_t genl_dump_flags(const struct genl_dump *dp)
{
	return NLM_F_MULTI | (dp->intr ? NLM_F_DUMP_INTR : 0);
}

static size_t put_done(const struct genl_dump *dp, unsigned char *buf)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	int *err = mnl_nlmsg_put_extra_header(nlh, sizeof(int));

	nlh->nlmsg_type = NLMSG_DONE;
	nlh->nlmsg_flags = genl_dump_flags(dp);
	nlh->nlmsg_seq = dp->seq;
	nlh->nlmsg_pid = dp->port;
	*err = 0;
	return nlh->nlmsg_len;
}

/*
 * Builds and sends the next datagram of @s's dump, with NLMSG_DONE when it
 * fits after the last part. Returns 1 once DONE went out, 0 when a part
 * went out and more remain, or the transport's -errno (nothing advanced:
 * the datagram is rebuilt from the cursor next time).
 */
static int dump_step(struct mcrd *d, struct genl_session *s)
{
	struct genl_dump *dp = s->dump;
	unsigned char *buf = d->genl.dumpbuf;
	size_t len = 0, done_len = NLMSG_HDRLEN + sizeof(int);
	bool with_done = false;
	int end, ret;

	if (!dp->intr && d->rules.generation != dp->gen) {
		dp->intr = true;
		d->stats.dumps_interrupted++;
	}
	dp->next = dp->cursor;
	end = dp->fill(d, dp, buf, &len, GENL_GOODSIZE);
	if (end && len + done_len <= GENL_GOODSIZE) {
		len += put_done(dp, buf + len);
		with_done = true;
	}
	ret = transport_send(&s->peer, buf, len);
	if (ret)
		return ret;
	dp->cursor = dp->next;
	return with_done;
}

static void dump_end(struct mcrd *d, struct genl_session *s)
{
	free(s->dump);
	s->dump = NULL;
	d->genl.n_dumps--;
}

/* Sends queued replies while the peer takes them. Returns 0 once the queue
 * is empty, or -EAGAIN / -ECONNREFUSED. */
static int flush_queue(struct mcrd *d, struct genl_session *s, bool *progress)
{
	while (s->head) {
		int ret = transport_send(&s->peer, s->head->data, s->head->len);

		if (ret == -EAGAIN || ret == -ECONNREFUSED)
			return ret;
		if (ret) {
			log_debug("port %u: send: %s; reply dropped", s->peer.port, strerror(-ret));
			d->stats.replies_dropped++;
		}
		dequeue(s);
		*progress = true;
	}
	return 0;
}

/* Sends dump parts while the peer takes them, at most @budget datagrams.
 * Returns 0 (the dump ended, or the budget ran out), or -EAGAIN /
 * -ECONNREFUSED. */
static int flush_dump(struct mcrd *d, struct genl_session *s, int budget, bool *progress)
{
	while (s->dump && budget--) {
		int ret = dump_step(d, s);

		if (ret == -EAGAIN || ret == -ECONNREFUSED)
			return ret;
		if (ret < 0) {
			log_warn("port %u: dump send: %s; dump ended", s->peer.port,
				 strerror(-ret));
			d->stats.dumps_aborted++;
			dump_end(d, s);
			return 0;
		}
		*progress = true;
		if (ret == 1)
			dump_end(d, s);
	}
	return 0;
}

/* Sends what @s owes while the peer takes it: queued replies first, then
 * dump parts. Frees @s when nothing is left, drops it when the peer is
 * gone or made no progress for GENL_STALL_MS, and otherwise schedules the
 * next try. */
static void sess_flush(struct mcrd *d, struct genl_session *s)
{
	uint64_t now = d->genl.now_ms();
	bool progress = false;
	int ret;

	ret = flush_queue(d, s, &progress);
	if (!ret)
		ret = flush_dump(d, s, 256, &progress);
	if (ret == -ECONNREFUSED) {
		sess_drop(d, s, false);
		return;
	}
	if (progress) {
		s->last_progress = now;
		s->backoff = 1;
	}
	if (!s->head && !s->dump) {
		sess_free(d, s);
		return;
	}
	if (!ret) {
		schedule(d, s, 0); /* the budget ran out: let others run first */
		return;
	}
	d->stats.send_retries++;
	if (now - s->last_progress >= GENL_STALL_MS) {
		sess_drop(d, s, true);
		return;
	}
	schedule(d, s, s->backoff);
	if (s->backoff < GENL_RETRY_MAX_MS)
		s->backoff *= 2;
}

int genl_dump_start(struct genl_req *req, const struct genl_dump *tmpl)
{
	struct mcrd *d = req->d;
	struct genl_session *s = sess_find(d, req->peer);
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(req->nlh);
	struct genl_dump *dp;

	if (s && s->dump) {
		mcr_extack_set(req->ext, NULL, "a dump is already in progress on this socket");
		return -EBUSY;
	}
	if (d->genl.n_dumps >= GENL_DUMPS_MAX) {
		mcr_extack_set(req->ext, NULL, "too many dumps in progress (%d); try again",
			       GENL_DUMPS_MAX);
		return -EBUSY;
	}
	dp = malloc(sizeof(*dp));
	if (!dp)
		return -ENOMEM;
	if (!s && !(s = sess_new(d, req->peer))) {
		free(dp);
		mcr_extack_set(req->ext, NULL, "too many clients waiting; try again");
		return -EBUSY;
	}
	*dp = *tmpl;
	dp->seq = req->nlh->nlmsg_seq;
	dp->port = req->peer->port;
	dp->cmd = g->cmd;
	dp->gen = d->rules.generation;
	dp->intr = false;
	dp->cursor = dp->next = 0;
	s->dump = dp;
	d->genl.n_dumps++;
	d->stats.dumps++;
	/* Replies queued before keep their place: the dump waits behind them
	 * until the retry that is already scheduled. */
	if (!s->head)
		sess_flush(d, s);
	return 0;
}

/* ---- replies ------------------------------------------------------------- */

void genl_send(struct mcrd *d, const struct genl_peer *peer, const void *buf, size_t len)
{
	struct genl_session *s = sess_find(d, peer);
	int ret;

	if (s && s->head) {
		enqueue(d, s, buf, len);
		return;
	}
	ret = transport_send(peer, buf, len);
	if (!ret) {
		if (s) {
			s->last_progress = d->genl.now_ms();
			s->backoff = 1;
		}
		return;
	}
	if (ret == -EAGAIN) {
		d->stats.send_retries++;
		if (!s)
			s = sess_new(d, peer);
		if (!s) {
			d->stats.replies_dropped++;
			log_debug("port %u: too many peers waiting, reply dropped", peer->port);
			return;
		}
		if (enqueue(d, s, buf, len)) {
			if (!s->head && !s->dump)
				sess_free(d, s);
			return;
		}
		if (!s->due)
			schedule(d, s, s->backoff);
		return;
	}
	d->stats.replies_dropped++;
	log_debug("port %u: send: %s; reply dropped", peer->port, strerror(-ret));
	if (ret == -ECONNREFUSED && s)
		sess_drop(d, s, false);
}

struct nlmsghdr *genl_msg_start(void *buf, uint16_t type, uint16_t flags, uint32_t seq,
				uint32_t port, uint8_t cmd, uint8_t version)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, GENL_HDRLEN);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = port;
	g->cmd = cmd;
	g->version = version;
	return nlh;
}

struct nlmsghdr *genl_reply_start(const struct genl_req *req, void *buf, uint16_t type, uint8_t cmd)
{
	uint8_t version = type == ctrl_family.id ? ctrl_family.version : genl_mcr_family.version;

	return genl_msg_start(buf, type, 0, req->nlh->nlmsg_seq, req->peer->port, cmd, version);
}

static void put_extack(struct nlmsghdr *nlh, const struct nlmsghdr *req,
		       const struct mcr_extack *ext)
{
	const char *base = (const char *)req;

	if (ext->msg)
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, ext->msg);
	if (ext->attr && (const char *)ext->attr > base &&
	    (const char *)ext->attr < base + req->nlmsg_len)
		mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS,
				 (uint32_t)((const char *)ext->attr - base));
	if (ext->miss_type)
		mnl_attr_put_u32(nlh, NLMSGERR_ATTR_MISS_TYPE, ext->miss_type);
	if (ext->miss_nest && (const char *)ext->miss_nest > base &&
	    (const char *)ext->miss_nest < base + req->nlmsg_len)
		mnl_attr_put_u32(nlh, NLMSGERR_ATTR_MISS_NEST,
				 (uint32_t)((const char *)ext->miss_nest - base));
}

/*
 * NLMSG_ERROR for @req: an ACK (@err 0, header only, NLM_F_CAPPED) or an
 * error that echoes the request, whole when the answer stays within
 * GENL_GOODSIZE and header only (NLM_F_CAPPED) beyond. The extended ack
 * follows with NLM_F_ACK_TLVS; on an ACK it is a warning.
 */
static void send_ack(struct mcrd *d, const struct genl_peer *peer, const struct nlmsghdr *req,
		     int err, const struct mcr_extack *ext)
{
	unsigned char buf[GENL_GOODSIZE + GENL_TLV_MAX];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	size_t echo = req->nlmsg_len;
	bool tlvs = ext->msg || ext->attr || ext->miss_type;
	struct nlmsgerr *e;

	if (!err || NLMSG_HDRLEN + sizeof(int) + NLMSG_ALIGN(echo) > GENL_GOODSIZE)
		echo = NLMSG_HDRLEN;
	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = (echo == NLMSG_HDRLEN ? NLM_F_CAPPED : 0) | (tlvs ? NLM_F_ACK_TLVS : 0);
	nlh->nlmsg_seq = req->nlmsg_seq;
	nlh->nlmsg_pid = peer->port;
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(int) + NLMSG_ALIGN(echo));
	e->error = err;
	memcpy(&e->msg, req, echo);
	if (tlvs)
		put_extack(nlh, req, ext);
	genl_send(d, peer, buf, nlh->nlmsg_len);
}

/* ---- dispatch ------------------------------------------------------------ */

bool genl_may_change(const struct mcrd *d, const struct genl_peer *peer)
{
	return peer->uid == 0 || (d->opt.has_admin_gid && peer->gid == d->opt.admin_gid);
}

static int deny(struct genl_req *req)
{
	const struct mcrd *d = req->d;

	req->d->stats.denied++;
	if (d->opt.has_admin_gid)
		mcr_extack_set(req->ext, NULL, "changing rules needs uid 0 or group %s",
			       d->opt.admin_group);
	else
		mcr_extack_set(req->ext, NULL, "changing rules needs uid 0");
	log_debug("port %u uid %u gid %u: %s refused", req->peer->port, req->peer->uid,
		  req->peer->gid, req->op->name);
	return -EPERM;
}

static const struct genl_op *find_op(const struct genl_family *f, uint8_t cmd)
{
	for (unsigned int i = 0; i < f->n_ops; i++)
		if (f->ops[i].cmd == cmd)
			return &f->ops[i];
	return NULL;
}

/* The policy accepts every attribute of the set; the op's request may use
 * only some of them (nl/mcr.yaml). The first one in the stream is named. */
static int check_allowed(struct genl_req *req, bool dump)
{
	uint32_t mask = dump ? req->op->dump_attrs : req->op->do_attrs;
	const struct mcr_policy *pol = req->op->policy;
	const struct nlattr *a;

	mcr_attr_for_each (a, req->attrs, req->attrs_len) {
		unsigned int type = mcr_attr_type(a);

		if (type < 32 && (mask & GENL_ATTR(type)))
			continue;
		mcr_extack_set(req->ext, a, "attribute %s.%s is not valid in %s%s", pol->name,
			       mcr_attr_name(pol, type), req->op->name, dump ? " dump" : "");
		return -EINVAL;
	}
	return 0;
}

static int family_rcv(struct genl_req *req, const struct genl_family *f, bool *dump)
{
	const struct nlmsghdr *nlh = req->nlh;
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	int ret;

	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN) {
		mcr_extack_set(req->ext, NULL, "message too short for a genetlink header");
		return -EINVAL;
	}
	req->op = find_op(f, g->cmd);
	if (!req->op || req->op->policy->maxattr >= GENL_TB_MAX) {
		mcr_extack_set(req->ext, NULL, "unknown command %u", g->cmd);
		return -EOPNOTSUPP;
	}
	*dump = (nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	if (!(*dump ? req->op->dumpit : req->op->doit)) {
		mcr_extack_set(req->ext, NULL, "%s %s NLM_F_DUMP", req->op->name,
			       *dump ? "does not support" : "needs");
		return -EOPNOTSUPP;
	}
	if (req->op->admin && !genl_may_change(req->d, req->peer))
		return deny(req);
	req->attrs = (const char *)g + GENL_HDRLEN;
	req->attrs_len = nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	ret = mcr_attr_parse(req->attrs, req->attrs_len, req->op->policy, req->tb, req->ext);
	if (!ret)
		ret = check_allowed(req, *dump);
	if (ret)
		return ret;
	return *dump ? req->op->dumpit(req) : req->op->doit(req);
}

static const struct genl_family *const families[] = {&ctrl_family, &genl_mcr_family};

static void handle_msg(struct mcrd *d, const struct genl_peer *peer, const struct nlmsghdr *nlh)
{
	const struct nlattr *tb[GENL_TB_MAX];
	struct mcr_extack ext = {0};
	struct genl_req req = {.d = d, .peer = peer, .nlh = nlh, .tb = tb, .ext = &ext};
	const struct genl_family *f = NULL;
	bool dump = false;
	int ret;

	if (!(nlh->nlmsg_flags & NLM_F_REQUEST)) {
		d->stats.malformed++;
		log_trace("port %u: message type %u without NLM_F_REQUEST ignored", peer->port,
			  nlh->nlmsg_type);
		return;
	}
	d->stats.requests++;
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		if (families[i]->id == nlh->nlmsg_type)
			f = families[i];
	if (f) {
		ret = family_rcv(&req, f, &dump);
	} else {
		mcr_extack_set(&ext, NULL, "unknown message type %u", nlh->nlmsg_type);
		ret = -EOPNOTSUPP;
	}
	log_trace("port %u uid %u: type %u cmd %s seq %u flags 0x%x: %d%s%s", peer->port, peer->uid,
		  nlh->nlmsg_type, req.op ? req.op->name : "?", nlh->nlmsg_seq, nlh->nlmsg_flags,
		  ret, ext.msg ? ": " : "", ext.msg ? ext.msg : "");
	if (ret) {
		d->stats.errors++;
		send_ack(d, peer, nlh, ret, &ext);
	} else if (!dump && (nlh->nlmsg_flags & NLM_F_ACK)) {
		send_ack(d, peer, nlh, 0, &ext);
	}
}

void genl_input(struct mcrd *d, const struct genl_peer *peer, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	size_t left = len;

	while (left >= NLMSG_HDRLEN) {
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)p;
		size_t step;

		if (nlh->nlmsg_len < NLMSG_HDRLEN || nlh->nlmsg_len > left) {
			d->stats.malformed++;
			log_debug("port %u: message length %u with %zu bytes left; rest dropped",
				  peer->port, nlh->nlmsg_len, left);
			return;
		}
		handle_msg(d, peer, nlh);
		step = NLMSG_ALIGN(nlh->nlmsg_len);
		if (step >= left)
			return;
		p += step;
		left -= step;
	}
	if (left) {
		d->stats.malformed++;
		log_debug("port %u: %zu bytes too short for a message dropped", peer->port, left);
	}
}

void genl_input_truncated(struct mcrd *d, const struct genl_peer *peer, const void *buf,
			  size_t len)
{
	const struct nlmsghdr *nlh = buf;
	struct mcr_extack ext = {0};

	d->stats.malformed++;
	/* send_ack echoes at most GENL_GOODSIZE bytes of the request, and
	 * only when its nlmsg_len says so: they must all be in @buf. */
	if (len < GENL_GOODSIZE || nlh->nlmsg_len < NLMSG_HDRLEN ||
	    !(nlh->nlmsg_flags & NLM_F_REQUEST)) {
		log_debug("port %u: datagram longer than %zu bytes dropped", peer->port, len);
		return;
	}
	d->stats.requests++;
	d->stats.errors++;
	mcr_extack_set(&ext, NULL, "request longer than the %zu bytes mcrd reads of a datagram",
		       len);
	log_debug("port %u: seq %u: %s", peer->port, nlh->nlmsg_seq, ext.msg);
	send_ack(d, peer, nlh, -EMSGSIZE, &ext);
}

/* ---- the mcr family ------------------------------------------------------ */

/* clang-format off */
#define RULE_KEY_ATTRS                                                                    \
	(GENL_ATTR(MCR_A_RULE_IIF) | GENL_ATTR(MCR_A_RULE_SRC) | GENL_ATTR(MCR_A_RULE_GROUP) | \
	 GENL_ATTR(MCR_A_RULE_PORT))

static const struct genl_op mcr_ops[] = {
	{
		.cmd = MCR_CMD_RULE_NEW,
		.name = "rule-new",
		.policy = &mcr_rule_req_policy,
		.do_attrs = GENL_ATTR(MCR_A_RULE_ID) | RULE_KEY_ATTRS | GENL_ATTR(MCR_A_RULE_OUTPUT),
		.admin = true,
		.doit = genl_rule_new,
	},
	{
		.cmd = MCR_CMD_RULE_DEL,
		.name = "rule-del",
		.policy = &mcr_rule_req_policy,
		.do_attrs = GENL_ATTR(MCR_A_RULE_ID) | RULE_KEY_ATTRS,
		.admin = true,
		.doit = genl_rule_del,
	},
	{
		.cmd = MCR_CMD_RULE_GET,
		.name = "rule-get",
		.policy = &mcr_rule_req_policy,
		.do_attrs = GENL_ATTR(MCR_A_RULE_ID),
		.dump_attrs = GENL_ATTR(MCR_A_RULE_IIF) | GENL_ATTR(MCR_A_RULE_GROUP),
		.doit = genl_rule_get,
		.dumpit = genl_rule_dump,
	},
	{
		.cmd = MCR_CMD_RULE_FLUSH,
		.name = "rule-flush",
		.policy = &mcr_rule_req_policy,
		.do_attrs = GENL_ATTR(MCR_A_RULE_IIF) | GENL_ATTR(MCR_A_RULE_GROUP),
		.admin = true,
		.doit = genl_rule_flush,
	},
	{
		.cmd = MCR_CMD_STATS_GET,
		.name = "stats-get",
		.policy = &mcr_stats_policy,
		.doit = genl_stats_get,
		.dumpit = genl_stats_dump,
	},
	{
		.cmd = MCR_CMD_DAEMON_GET,
		.name = "daemon-get",
		.policy = &mcr_daemon_policy,
		.doit = genl_daemon_get,
	},
	{
		.cmd = MCR_CMD_MROUTE_GET,
		.name = "mroute-get",
		.policy = &mcr_mroute_policy,
		.dumpit = genl_mroute_dump,
	},
};

const struct genl_family genl_mcr_family = {
	.id = MCR_FAMILY_ID,
	.name = MCR_FAMILY_NAME,
	.version = MCR_FAMILY_VERSION,
	.ops = mcr_ops,
	.n_ops = sizeof(mcr_ops) / sizeof(mcr_ops[0]),
};
/* clang-format on */

/* ---- life cycle ---------------------------------------------------------- */

static void retry_fired(void *arg)
{
	genl_retry(arg);
}

int genl_init(struct mcrd *d, struct loop *loop, const struct genl_transport *events)
{
	struct genl *g = &d->genl;

	memset(g, 0, sizeof(*g));
	g->events = events;
	g->now_ms = loop_now_ms;
	g->timer.w.fd = -1;
	g->txbuf = malloc(GENL_MSG_MAX);
	g->dumpbuf = malloc(GENL_MSG_MAX);
	g->ntfbuf = malloc(GENL_MSG_MAX);
	g->stats_scratch = mcr_rule_alloc(MCR_MAX_OUTPUTS);
	if (!g->txbuf || !g->dumpbuf || !g->ntfbuf || !g->stats_scratch) {
		genl_exit(d);
		return -ENOMEM;
	}
	if (loop) {
		int ret = loop_timer_init(loop, &g->timer, retry_fired, d);

		if (ret) {
			genl_exit(d);
			return ret;
		}
	}
	if (!d->start_ms)
		d->start_ms = g->now_ms();
	d->pid = getpid();
	d->uid = geteuid();
	rules_set_hook(&d->rules, genl_rules_hook, d);
	return 0;
}

void genl_exit(struct mcrd *d)
{
	struct genl *g = &d->genl;

	for (unsigned int b = 0; b < 256; b++)
		while (g->sess[b])
			sess_free(d, g->sess[b]);
	loop_timer_exit(&g->timer);
	free(g->txbuf);
	free(g->dumpbuf);
	free(g->ntfbuf);
	g->txbuf = g->dumpbuf = g->ntfbuf = NULL;
	mcr_rule_free(g->stats_scratch);
	g->stats_scratch = NULL;
	if (d->rules.hook == genl_rules_hook)
		rules_set_hook(&d->rules, NULL, NULL);
}

void genl_retry(struct mcrd *d)
{
	struct genl *g = &d->genl;
	uint64_t now = g->now_ms(), next = 0;

	g->timer_due = 0;
	for (unsigned int b = 0; b < 256; b++) {
		struct genl_session *s = g->sess[b], *n;

		for (; s; s = n) {
			n = s->next;
			if (s->due && s->due <= now) {
				s->due = 0;
				sess_flush(d, s); /* frees s at most */
			}
		}
	}
	/* Flushes scheduled their own retries; keep the earliest that
	 * remains armed. */
	for (unsigned int b = 0; b < 256; b++)
		for (struct genl_session *s = g->sess[b]; s; s = s->next)
			if (s->due && (!next || s->due < next))
				next = s->due;
	g->timer_due = 0;
	if (next)
		timer_arm_at(d, next);
	else
		loop_timer_disarm(&g->timer);
}

unsigned int genl_sessions(const struct mcrd *d)
{
	return d->genl.n_sess;
}

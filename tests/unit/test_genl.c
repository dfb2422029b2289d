// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The genl dispatcher of mcrd driven through a fake transport: framing of
 * replies, ACKs and errors with extended ack, several messages per
 * datagram, dumps split into good-size parts, interrupted and resumed
 * dumps, authorization, notifications and the emulated nlctrl.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "mcrd.h"
#include "log.h"
#include "wstats.h"

#define PEER 1234u
#define MAX_SENT 4096

struct sent {
	uint32_t port;
	size_t len;
	unsigned char *data;
};

/* Records what mcrd sends; refuses (EAGAIN) while @full, the first
 * @eagain sends, and every send once @allow (unless -1) reached 0. */
struct fake {
	struct sent out[MAX_SENT];
	unsigned int n;
	struct sent grp[MAX_SENT];
	unsigned int n_grp;
	bool full;
	unsigned int eagain;
	int allow;
	unsigned int refused;
};

struct ctx {
	struct mcrd d;
	struct fake f;
	struct genl_transport tr;
	uint32_t seq;
};

static uint64_t fake_ms = 1000;

static uint64_t fake_clock(void)
{
	return fake_ms;
}

static void record(struct sent *s, uint32_t port, const void *buf, size_t len)
{
	s->port = port;
	s->len = len;
	s->data = malloc(len);
	assert_non_null(s->data);
	memcpy(s->data, buf, len);
}

static int fake_send(void *arg, uint32_t port, const void *buf, size_t len)
{
	struct fake *f = arg;

	if (f->full || f->eagain || !f->allow) {
		if (f->eagain)
			f->eagain--;
		f->refused++;
		return -EAGAIN;
	}
	assert_true(f->n < MAX_SENT);
	if (f->allow > 0)
		f->allow--;
	record(&f->out[f->n++], port, buf, len);
	return 0;
}

static int fake_send_group(void *arg, unsigned int group, const void *buf, size_t len)
{
	struct fake *f = arg;

	assert_true(f->n_grp < MAX_SENT);
	record(&f->grp[f->n_grp++], group, buf, len);
	return -ECONNREFUSED; /* what USERSOCK says after a broadcast */
}

static void forget_sent(struct fake *f)
{
	for (unsigned int i = 0; i < f->n; i++)
		free(f->out[i].data);
	for (unsigned int i = 0; i < f->n_grp; i++)
		free(f->grp[i].data);
	f->n = f->n_grp = 0;
}

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));

	assert_non_null(c);
	log_set_level(-1);
	c->tr = (struct genl_transport){
	    .name = "fake",
	    .send = fake_send,
	    .send_group = fake_send_group,
	    .arg = &c->f,
	};
	c->f.allow = -1;
	c->d.opt.workers = 2;
	c->d.opt.port = MCR_PORT_ID;
	c->seq = 100;
	fake_ms = 1000;
	assert_int_equal(rules_init(&c->d.rules), 0);
	assert_int_equal(genl_init(&c->d, NULL, &c->tr), 0);
	c->d.genl.now_ms = fake_clock;
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	genl_exit(&c->d);
	rules_exit(&c->d.rules);
	forget_sent(&c->f);
	free(c);
	return 0;
}

/* ---- building requests --------------------------------------------------- */

static struct nlmsghdr *req_start(struct ctx *c, void *buf, uint16_t type, uint16_t flags,
				  uint8_t cmd)
{
	return genl_msg_start(buf, type, NLM_F_REQUEST | flags, ++c->seq, 0, cmd, 1);
}

static void put_output(struct nlmsghdr *nlh, const char *oif, const char *group)
{
	struct nlattr *n = mnl_attr_nest_start(nlh, MCR_A_RULE_OUTPUT);
	uint32_t a;

	mnl_attr_put_strz(nlh, MCR_A_OUTPUT_OIF, oif);
	if (group) {
		inet_pton(AF_INET, group, &a);
		mnl_attr_put_u32(nlh, MCR_A_OUTPUT_GROUP, a);
	}
	mnl_attr_nest_end(nlh, n);
}

static void put_input(struct nlmsghdr *nlh, const char *iif, const char *group)
{
	uint32_t a;

	inet_pton(AF_INET, group, &a);
	mnl_attr_put_strz(nlh, MCR_A_RULE_IIF, iif);
	mnl_attr_put_u32(nlh, MCR_A_RULE_GROUP, a);
}

static void send_as(struct ctx *c, uint32_t uid, const void *buf, size_t len)
{
	struct genl_peer p = {.tr = &c->tr, .port = PEER, .uid = uid, .gid = uid};
	unsigned char *copy = malloc(len ? len : 1);

	assert_non_null(copy);
	memcpy(copy, buf, len);
	genl_input(&c->d, &p, copy, len);
	free(copy);
}

static void send_msg(struct ctx *c, const struct nlmsghdr *nlh)
{
	send_as(c, 0, nlh, nlh->nlmsg_len);
}

/* rule-new of "iif IIF group G oif OIF" with NLM_F_CREATE|NLM_F_EXCL. */
static void add_rule(struct ctx *c, const char *iif, const char *group, const char *oif)
{
	unsigned char buf[512];
	struct nlmsghdr *nlh =
	    req_start(c, buf, MCR_FAMILY_ID, NLM_F_CREATE | NLM_F_EXCL, MCR_CMD_RULE_NEW);

	put_input(nlh, iif, group);
	put_output(nlh, oif, NULL);
	send_msg(c, nlh);
}

static void add_rules(struct ctx *c, unsigned int n)
{
	char group[32];

	for (unsigned int i = 0; i < n; i++) {
		snprintf(group, sizeof(group), "239.1.%u.%u", i / 250, i % 250 + 1);
		add_rule(c, "lo", group, "veth9");
	}
	assert_int_equal(c->d.rules.n, n);
	forget_sent(&c->f);
}

/* ---- reading what came back ---------------------------------------------- */

static const struct nlmsghdr *first_msg(const struct sent *s)
{
	assert_true(s->len >= NLMSG_HDRLEN);
	return (const struct nlmsghdr *)s->data;
}

struct ack {
	int error;
	uint16_t flags;
	uint32_t seq, pid;
	const struct nlmsghdr *orig;
	const char *msg;
	int64_t offs, miss_type;
};

static int tlv_cb(const struct nlattr *a, void *data)
{
	struct ack *k = data;

	switch (mnl_attr_get_type(a)) {
	case NLMSGERR_ATTR_MSG:
		k->msg = mnl_attr_get_str(a);
		break;
	case NLMSGERR_ATTR_OFFS:
		k->offs = mnl_attr_get_u32(a);
		break;
	case NLMSGERR_ATTR_MISS_TYPE:
		k->miss_type = mnl_attr_get_u32(a);
		break;
	}
	return MNL_CB_OK;
}

/* The NLMSG_ERROR of datagram @s, which must hold only it. */
static struct ack get_ack(const struct sent *s)
{
	const struct nlmsghdr *nlh = first_msg(s);
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	struct ack k = {.offs = -1, .miss_type = -1};
	size_t off;

	assert_int_equal(nlh->nlmsg_type, NLMSG_ERROR);
	assert_int_equal(nlh->nlmsg_len, s->len);
	k.error = e->error;
	k.flags = nlh->nlmsg_flags;
	k.seq = nlh->nlmsg_seq;
	k.pid = nlh->nlmsg_pid;
	k.orig = &e->msg;
	off = sizeof(int) +
	      (nlh->nlmsg_flags & NLM_F_CAPPED ? NLMSG_HDRLEN : NLMSG_ALIGN(e->msg.nlmsg_len));
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
		mnl_attr_parse(nlh, (unsigned int)off, tlv_cb, &k);
	return k;
}

static const struct nlattr *genl_attr(const struct nlmsghdr *nlh, uint16_t type)
{
	const struct nlattr *a;

	mnl_attr_for_each (a, nlh, GENL_HDRLEN)
		if (mnl_attr_get_type(a) == type)
			return a;
	return NULL;
}

static uint8_t genl_cmd(const struct nlmsghdr *nlh)
{
	return ((const struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->cmd;
}

/* ---- tests ---------------------------------------------------------------- */

static void test_reply_and_ack_are_separate_datagrams(void **state)
{
	struct ctx *c = *state;
	unsigned char buf[64];
	struct nlmsghdr *nlh = req_start(c, buf, MCR_FAMILY_ID, NLM_F_ACK, MCR_CMD_DAEMON_GET);
	const struct nlmsghdr *r;
	struct ack k;

	send_msg(c, nlh);
	assert_int_equal(c->f.n, 2);
	r = first_msg(&c->f.out[0]);
	assert_int_equal(r->nlmsg_type, MCR_FAMILY_ID);
	assert_int_equal(r->nlmsg_seq, c->seq);
	assert_int_equal(r->nlmsg_pid, PEER);
	assert_int_equal(genl_cmd(r), MCR_CMD_DAEMON_GET);
	assert_int_equal(mnl_attr_get_u32(genl_attr(r, MCR_A_DAEMON_PORT_ID)), MCR_PORT_ID);
	assert_int_equal(mnl_attr_get_u32(genl_attr(r, MCR_A_DAEMON_WORKERS)), 2);
	assert_string_equal(mnl_attr_get_str(genl_attr(r, MCR_A_DAEMON_VERSION)), MCR_VERSION);
	assert_int_equal(r->nlmsg_len, c->f.out[0].len);
	k = get_ack(&c->f.out[1]);
	assert_int_equal(k.error, 0);
	assert_int_equal(k.seq, c->seq);
	assert_int_equal(k.pid, PEER);
	assert_true(k.flags & NLM_F_CAPPED);
	assert_int_equal(c->f.out[1].len, NLMSG_HDRLEN + sizeof(struct nlmsgerr));
}

static void test_no_ack_without_nlm_f_ack(void **state)
{
	struct ctx *c = *state;
	unsigned char buf[64];

	send_msg(c, req_start(c, buf, MCR_FAMILY_ID, 0, MCR_CMD_STATS_GET));
	assert_int_equal(c->f.n, 1);
	assert_int_equal(first_msg(&c->f.out[0])->nlmsg_type, MCR_FAMILY_ID);
}

static void test_error_without_nlm_f_ack_is_still_sent(void **state)
{
	struct ctx *c = *state;
	unsigned char buf[64];

	send_msg(c, req_start(c, buf, MCR_FAMILY_ID, 0, 99));
	assert_int_equal(c->f.n, 1);
	assert_int_equal(get_ack(&c->f.out[0]).error, -EOPNOTSUPP);
}

static void test_error_echoes_request_and_points_at_bad_output(void **state)
{
	struct ctx *c = *state;
	unsigned char buf[512];
	struct nlmsghdr *nlh = req_start(c, buf, MCR_FAMILY_ID,
					 NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, MCR_CMD_RULE_NEW);
	const char *second;
	struct ack k;

	put_input(nlh, "lo", "239.1.1.1");
	put_output(nlh, "veth1", NULL);
	second = (const char *)mnl_nlmsg_get_payload_tail(nlh);
	put_output(nlh, "veth2", "10.1.1.1");
	send_msg(c, nlh);
	assert_int_equal(c->f.n, 1);
	k = get_ack(&c->f.out[0]);
	assert_int_equal(k.error, -EINVAL);
	assert_false(k.flags & NLM_F_CAPPED);
	assert_true(k.flags & NLM_F_ACK_TLVS);
	assert_int_equal(k.orig->nlmsg_len, nlh->nlmsg_len);
	assert_memory_equal(k.orig, nlh, nlh->nlmsg_len);
	assert_non_null(k.msg);
	assert_non_null(strstr(k.msg, "not a multicast address"));
	assert_int_equal(k.offs, second - (const char *)nlh);
	assert_int_equal(c->d.rules.n, 0);
	assert_int_equal(c->d.stats.errors, 1);
}

static void test_invalid_input_group_points_at_group(void **state)
{
	struct ctx *c = *state;
	unsigned char buf[512];
	struct nlmsghdr *nlh =
	    req_start(c, buf, MCR_FAMILY_ID, NLM_F_ACK | NLM_F_CREATE, MCR_CMD_RULE_NEW);
	const char *group;
	uint32_t a = htonl(0x0a000001);

	mnl_attr_put_strz(nlh, MCR_A_RULE_IIF, "lo");
	group = (const char *)mnl_nlmsg_get_payload_tail(nlh);
	mnl_attr_put_u32(nlh, MCR_A_RULE_GROUP, a);
	put_output(nlh, "veth1", NULL);
	send_msg(c, nlh);
	assert_int_equal(get_ack(&c->f.out[0]).offs, group - (const char *)nlh);
}

static void test_missing_required_attribute_sets_miss_type(void **state)
{
	struct ctx *c = *state;
	unsigned char buf[64];
	struct ack k;

	send_msg(c, req_start(c, buf, MCR_FAMILY_ID, NLM_F_ACK, MCR_CMD_RULE_GET));
	k = get_ack(&c->f.out[0]);
	assert_int_equal(k.error, -EINVAL);
	assert_int_equal(k.miss_type, MCR_A_RULE_ID);
	assert_int_equal(k.offs, -1);
}

static void test_attribute_not_valid_in_op_is_named(void **state)
{
	struct ctx *c = *state;
	unsigned char buf[256];
	struct nlmsghdr *nlh = req_start(c, buf, MCR_FAMILY_ID, NLM_F_ACK, MCR_CMD_RULE_GET);
	const char *out;
	struct ack k;

	mnl_attr_put_u32(nlh, MCR_A_RULE_ID, 1);
	out = (const char *)mnl_nlmsg_get_payload_tail(nlh);
	put_output(nlh, "veth1", NULL);
	send_msg(c, nlh);
	k = get_ack(&c->f.out[0]);
	assert_int_equal(k.error, -EINVAL);
	assert_string_equal(k.msg, "attribute rule.output is not valid in rule-get");
	assert_int_equal(k.offs, out - (const char *)nlh);
}

static void test_several_messages_in_one_datagram_each_answered(void **state)
{
	struct ctx *c = *state;
	unsigned char buf[256];
	struct nlmsghdr *a = req_start(c, buf, MCR_FAMILY_ID, NLM_F_ACK, MCR_CMD_DAEMON_GET);
	struct nlmsghdr *b = req_start(c, buf + a->nlmsg_len, MCR_FAMILY_ID, NLM_F_ACK, 77);
	struct nlmsghdr *d =
	    req_start(c, (char *)b + b->nlmsg_len, MCR_FAMILY_ID, NLM_F_ACK, MCR_CMD_STATS_GET);
	size_t len = a->nlmsg_len + b->nlmsg_len + d->nlmsg_len;

	send_as(c, 0, buf, len);
	assert_int_equal(c->f.n, 5);
	assert_int_equal(first_msg(&c->f.out[0])->nlmsg_seq, a->nlmsg_seq);
	assert_int_equal(get_ack(&c->f.out[1]).seq, a->nlmsg_seq);
	assert_int_equal(get_ack(&c->f.out[1]).error, 0);
	assert_int_equal(get_ack(&c->f.out[2]).seq, b->nlmsg_seq);
	assert_int_equal(get_ack(&c->f.out[2]).error, -EOPNOTSUPP);
	assert_int_equal(genl_cmd(first_msg(&c->f.out[3])), MCR_CMD_STATS_GET);
	assert_int_equal(get_ack(&c->f.out[4]).seq, d->nlmsg_seq);
	assert_int_equal(c->d.stats.requests, 3);
}

static void test_unknown_command_and_type_are_eopnotsupp(void **state)
{
	struct ctx *c = *state;
	unsigned char buf[64];
	struct ack k;

	send_msg(c, req_start(c, buf, MCR_FAMILY_ID, NLM_F_ACK, 200));
	k = get_ack(&c->f.out[0]);
	assert_int_equal(k.error, -EOPNOTSUPP);
	assert_string_equal(k.msg, "unknown command 200");
	send_msg(c, req_start(c, buf, 0x1234, NLM_F_ACK, 1));
	k = get_ack(&c->f.out[1]);
	assert_int_equal(k.error, -EOPNOTSUPP);
	assert_string_equal(k.msg, "unknown message type 4660");
	/* notifications are not requests */
	send_msg(c, req_start(c, buf, MCR_FAMILY_ID, NLM_F_ACK, MCR_CMD_RULE_NEW_NTF));
	assert_int_equal(get_ack(&c->f.out[2]).error, -EOPNOTSUPP);
}

static void test_missing_genl_header_is_einval(void **state)
{
	struct ctx *c = *state;
	unsigned char buf[64];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ack k;

	nlh->nlmsg_type = MCR_FAMILY_ID;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = 7;
	send_msg(c, nlh);
	k = get_ack(&c->f.out[0]);
	assert_int_equal(k.error, -EINVAL);
	assert_int_equal(k.seq, 7);
	assert_string_equal(k.msg, "message too short for a genetlink header");
}

static void test_lying_length_and_non_requests_are_dropped(void **state)
{
	struct ctx *c = *state;
	unsigned char buf[64];
	struct nlmsghdr *nlh = req_start(c, buf, MCR_FAMILY_ID, NLM_F_ACK, MCR_CMD_DAEMON_GET);

	nlh->nlmsg_len = 1000;
	send_as(c, 0, buf, NLMSG_HDRLEN + GENL_HDRLEN);
	nlh = req_start(c, buf, MCR_FAMILY_ID, NLM_F_ACK, MCR_CMD_DAEMON_GET);
	nlh->nlmsg_flags &= (uint16_t)~NLM_F_REQUEST;
	send_msg(c, nlh);
	send_as(c, 0, buf, 3);
	assert_int_equal(c->f.n, 0);
	assert_int_equal(c->d.stats.malformed, 3);
}

static void test_truncated_request_gets_emsgsize(void **state)
{
	struct ctx *c = *state;
	struct genl_peer p = {.tr = &c->tr, .port = PEER};
	unsigned char *buf = calloc(1, GENL_RX_MAX);
	struct nlmsghdr *nlh;
	struct ack k;

	assert_non_null(buf);
	/* what usersock read of a 400 kB rule-new: the first 64 kB */
	nlh = req_start(c, buf, MCR_FAMILY_ID, NLM_F_ACK, MCR_CMD_RULE_NEW);
	nlh->nlmsg_len = 400016;
	genl_input_truncated(&c->d, &p, buf, GENL_RX_MAX);
	assert_int_equal(c->f.n, 1);
	k = get_ack(&c->f.out[0]);
	assert_int_equal(k.error, -EMSGSIZE);
	assert_int_equal(k.seq, c->seq);
	assert_string_equal(k.msg, "request longer than the 65536 bytes mcrd reads of a datagram");
	/* a non-request, or a header shorter than itself, is only counted */
	nlh->nlmsg_flags &= (uint16_t)~NLM_F_REQUEST;
	genl_input_truncated(&c->d, &p, buf, GENL_RX_MAX);
	nlh->nlmsg_flags |= NLM_F_REQUEST;
	nlh->nlmsg_len = 8;
	genl_input_truncated(&c->d, &p, buf, GENL_RX_MAX);
	assert_int_equal(c->f.n, 1);
	assert_int_equal(c->d.stats.malformed, 3);
	assert_int_equal(c->d.stats.rule_adds, 0);
	free(buf);
}

static void test_echo_sends_the_rule_before_the_ack(void **state)
{
	struct ctx *c = *state;
	unsigned char buf[512];
	struct nlmsghdr *nlh =
	    req_start(c, buf, MCR_FAMILY_ID, NLM_F_ACK | NLM_F_ECHO | NLM_F_CREATE | NLM_F_EXCL,
		      MCR_CMD_RULE_NEW);
	const struct nlmsghdr *r;

	put_input(nlh, "lo", "239.1.1.1");
	put_output(nlh, "veth1", NULL);
	send_msg(c, nlh);
	assert_int_equal(c->f.n, 2);
	r = first_msg(&c->f.out[0]);
	assert_int_equal(r->nlmsg_type, MCR_FAMILY_ID);
	assert_int_equal(r->nlmsg_seq, nlh->nlmsg_seq);
	assert_int_equal(genl_cmd(r), MCR_CMD_RULE_NEW);
	assert_int_equal(mnl_attr_get_u32(genl_attr(r, MCR_A_RULE_ID)), 1);
	assert_string_equal(mnl_attr_get_str(genl_attr(r, MCR_A_RULE_IIF)), "lo");
	assert_int_equal(get_ack(&c->f.out[1]).error, 0);
}

static void test_pending_rule_warning_rides_on_the_ack(void **state)
{
	struct ctx *c = *state;
	struct ack k;

	add_rule(c, "nosuch0", "239.1.1.1", "lo");
	assert_int_equal(c->f.n, 0); /* no NLM_F_ACK, no warning */
	forget_sent(&c->f);
	c->seq++;
	{
		unsigned char buf[512];
		struct nlmsghdr *nlh =
		    req_start(c, buf, MCR_FAMILY_ID, NLM_F_ACK | NLM_F_CREATE, MCR_CMD_RULE_NEW);

		put_input(nlh, "nosuch1", "239.1.1.2");
		put_output(nlh, "lo", NULL);
		send_msg(c, nlh);
	}
	k = get_ack(&c->f.out[0]);
	assert_int_equal(k.error, 0);
	assert_non_null(k.msg);
	assert_non_null(strstr(k.msg, "nosuch1"));
	assert_int_equal(c->d.rules.n_pending, 2);
}

static void test_rule_new_flag_semantics(void **state)
{
	struct ctx *c = *state;
	unsigned char buf[512];
	struct nlmsghdr *nlh;
	struct ack k;

	nlh = req_start(c, buf, MCR_FAMILY_ID, NLM_F_ACK, MCR_CMD_RULE_NEW);
	put_input(nlh, "lo", "239.1.1.1");
	put_output(nlh, "veth1", NULL);
	send_msg(c, nlh);
	k = get_ack(&c->f.out[0]);
	assert_int_equal(k.error, -EINVAL);
	assert_string_equal(k.msg, "rule-new needs NLM_F_CREATE or NLM_F_REPLACE");

	nlh = req_start(c, buf, MCR_FAMILY_ID, NLM_F_ACK | NLM_F_REPLACE, MCR_CMD_RULE_NEW);
	put_input(nlh, "lo", "239.1.1.1");
	put_output(nlh, "veth1", NULL);
	send_msg(c, nlh);
	k = get_ack(&c->f.out[1]);
	assert_int_equal(k.error, -ENOENT); /* change needs an existing rule */
	assert_string_equal(k.msg, "no rule with input iif lo group 239.1.1.1");

	nlh->nlmsg_flags |= NLM_F_CREATE;
	send_msg(c, nlh);
	assert_int_equal(get_ack(&c->f.out[2]).error, 0);
	assert_int_equal(c->d.rules.n, 1);

	nlh = req_start(c, buf, MCR_FAMILY_ID, NLM_F_ACK | NLM_F_CREATE, MCR_CMD_RULE_NEW);
	mnl_attr_put_u32(nlh, MCR_A_RULE_ID, 1);
	put_input(nlh, "lo", "239.1.1.9");
	put_output(nlh, "veth1", NULL);
	send_msg(c, nlh);
	k = get_ack(&c->f.out[3]);
	assert_int_equal(k.error, -EINVAL);
	assert_string_equal(k.msg, "id is assigned by the daemon");
	assert_int_equal(k.offs, NLMSG_HDRLEN + GENL_HDRLEN);

	/* with NLM_F_REPLACE the id selects the rule, which keeps it */
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_REPLACE;
	send_msg(c, nlh);
	assert_int_equal(get_ack(&c->f.out[4]).error, 0);
	assert_int_equal(c->d.rules.n, 1);
	assert_non_null(rules_find_id(&c->d.rules, 1));
	assert_int_equal(rules_find_id(&c->d.rules, 1)->group, htonl(0xef010109));
}

static void test_rule_del_by_id_and_by_input(void **state)
{
	struct ctx *c = *state;
	unsigned char buf[256];
	struct nlmsghdr *nlh;
	struct ack k;

	add_rules(c, 2);
	nlh = req_start(c, buf, MCR_FAMILY_ID, NLM_F_ACK, MCR_CMD_RULE_DEL);
	mnl_attr_put_u32(nlh, MCR_A_RULE_ID, 7);
	send_msg(c, nlh);
	k = get_ack(&c->f.out[0]);
	assert_int_equal(k.error, -ENOENT);
	assert_string_equal(k.msg, "no rule with id 7");

	nlh = req_start(c, buf, MCR_FAMILY_ID, NLM_F_ACK, MCR_CMD_RULE_DEL);
	mnl_attr_put_u32(nlh, MCR_A_RULE_ID, 1);
	send_msg(c, nlh);
	assert_int_equal(get_ack(&c->f.out[1]).error, 0);

	nlh = req_start(c, buf, MCR_FAMILY_ID, NLM_F_ACK, MCR_CMD_RULE_DEL);
	put_input(nlh, "lo", "239.1.0.2");
	send_msg(c, nlh);
	assert_int_equal(get_ack(&c->f.out[2]).error, 0);
	assert_int_equal(c->d.rules.n, 0);
	assert_int_equal(c->d.stats.rule_dels, 2);
}

static void test_rule_flush_with_filter_deletes_only_matches(void **state)
{
	struct ctx *c = *state;
	unsigned char buf[256];
	struct nlmsghdr *nlh;

	add_rules(c, 3);
	add_rule(c, "veth7", "239.7.7.7", "lo");
	forget_sent(&c->f);
	nlh = req_start(c, buf, MCR_FAMILY_ID, NLM_F_ACK, MCR_CMD_RULE_FLUSH);
	mnl_attr_put_strz(nlh, MCR_A_RULE_IIF, "lo");
	send_msg(c, nlh);
	assert_int_equal(c->f.n, 1);
	assert_int_equal(get_ack(&c->f.out[0]).error, 0);
	assert_int_equal(c->d.rules.n, 1);
	assert_string_equal(rules_next(&c->d.rules, 0)->iif, "veth7");
	/* each deleted rule was announced */
	assert_int_equal(c->f.n_grp, 3);
}

/* Walks one dump datagram: counts rule messages, checks their framing,
 * and tells whether it ended with NLMSG_DONE. */
static unsigned int walk_part(const struct sent *s, uint32_t seq, uint32_t *last_id, bool *done,
			      bool *intr)
{
	const struct nlmsghdr *nlh = (const void *)s->data;
	int left = (int)s->len;
	unsigned int rules = 0;

	for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
		assert_int_equal(nlh->nlmsg_seq, seq);
		assert_int_equal(nlh->nlmsg_pid, PEER);
		assert_true(nlh->nlmsg_flags & NLM_F_MULTI);
		assert_false(*done);
		*intr |= !!(nlh->nlmsg_flags & NLM_F_DUMP_INTR);
		if (nlh->nlmsg_type == NLMSG_DONE) {
			assert_int_equal(*(const int *)mnl_nlmsg_get_payload(nlh), 0);
			*done = true;
			continue;
		}
		assert_int_equal(nlh->nlmsg_type, MCR_FAMILY_ID);
		assert_int_equal(genl_cmd(nlh), MCR_CMD_RULE_GET);
		assert_true(mnl_attr_get_u32(genl_attr(nlh, MCR_A_RULE_ID)) > *last_id);
		*last_id = mnl_attr_get_u32(genl_attr(nlh, MCR_A_RULE_ID));
		rules++;
	}
	assert_int_equal(left, 0);
	return rules;
}

static uint32_t start_dump(struct ctx *c, uint32_t uid)
{
	unsigned char buf[64];
	struct nlmsghdr *nlh =
	    req_start(c, buf, MCR_FAMILY_ID, NLM_F_ACK | NLM_F_DUMP, MCR_CMD_RULE_GET);

	send_as(c, uid, nlh, nlh->nlmsg_len);
	return nlh->nlmsg_seq;
}

/* Counts the rules in every datagram sent so far, checking the parts. */
static unsigned int collect_dump(struct ctx *c, uint32_t seq, bool *done, bool *intr)
{
	unsigned int rules = 0;
	uint32_t last = 0;

	*done = *intr = false;
	for (unsigned int i = 0; i < c->f.n; i++) {
		assert_true(c->f.out[i].len <= GENL_GOODSIZE);
		rules += walk_part(&c->f.out[i], seq, &last, done, intr);
	}
	return rules;
}

static void test_dump_is_split_into_good_size_parts_ending_in_done(void **state)
{
	struct ctx *c = *state;
	bool done, intr;
	uint32_t seq;

	add_rules(c, 300);
	seq = start_dump(c, 0);
	assert_true(c->f.n > 5);
	assert_int_equal(collect_dump(c, seq, &done, &intr), 300);
	assert_true(done);
	assert_false(intr);
	assert_int_equal(genl_sessions(&c->d), 0);
	assert_int_equal(c->d.stats.dumps, 1);
}

static void test_dump_filter_by_group(void **state)
{
	struct ctx *c = *state;
	unsigned char buf[64];
	struct nlmsghdr *nlh = req_start(c, buf, MCR_FAMILY_ID, NLM_F_DUMP, MCR_CMD_RULE_GET);
	bool done, intr;

	add_rules(c, 20);
	mnl_attr_put_u32(nlh, MCR_A_RULE_GROUP, htonl(0xef010005)); /* 239.1.0.5 */
	send_msg(c, nlh);
	assert_int_equal(collect_dump(c, nlh->nlmsg_seq, &done, &intr), 1);
	assert_true(done);
}

static void test_dump_resumes_after_eagain(void **state)
{
	struct ctx *c = *state;
	bool done, intr;
	uint32_t seq;

	add_rules(c, 300);
	c->f.eagain = 1;
	seq = start_dump(c, 0);
	assert_int_equal(c->f.n, 0);
	assert_int_equal(genl_sessions(&c->d), 1);
	assert_int_equal(c->d.stats.send_retries, 1);
	fake_ms += 1;
	genl_retry(&c->d);
	assert_int_equal(collect_dump(c, seq, &done, &intr), 300);
	assert_true(done);
	assert_int_equal(genl_sessions(&c->d), 0);
}

static void test_dump_backs_off_and_completes_when_client_reads(void **state)
{
	struct ctx *c = *state;
	bool done, intr;
	uint32_t seq;
	unsigned int sent_before;

	add_rules(c, 300);
	c->f.eagain = 3; /* the first part goes out after three refusals */
	seq = start_dump(c, 0);
	for (int i = 0; i < 10 && genl_sessions(&c->d); i++) {
		fake_ms += 64;
		sent_before = c->f.n;
		genl_retry(&c->d);
		if (i < 2)
			assert_int_equal(c->f.n, sent_before);
	}
	assert_int_equal(collect_dump(c, seq, &done, &intr), 300);
	assert_true(done);
	assert_int_equal(c->d.stats.send_retries, 3);
}

static void test_dump_sets_intr_on_parts_after_a_table_change(void **state)
{
	struct ctx *c = *state;
	const struct nlmsghdr *nlh;
	bool done, intr;
	uint32_t seq;
	int left;

	add_rules(c, 300);
	c->f.allow = 1; /* one part, then the client's buffer is full */
	seq = start_dump(c, 0);
	assert_int_equal(c->f.n, 1);
	assert_int_equal(genl_sessions(&c->d), 1);
	assert_false(first_msg(&c->f.out[0])->nlmsg_flags & NLM_F_DUMP_INTR);
	rules_del(&c->d.rules, rules_find_id(&c->d.rules, 250));
	c->f.allow = -1;
	fake_ms += 1;
	genl_retry(&c->d);
	assert_int_equal(collect_dump(c, seq, &done, &intr), 299);
	assert_true(done);
	assert_true(intr);
	assert_int_equal(c->d.stats.dumps_interrupted, 1);
	/* every message after the change is flagged, DONE included */
	for (unsigned int i = 1; i < c->f.n; i++) {
		nlh = first_msg(&c->f.out[i]);
		left = (int)c->f.out[i].len;
		for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left))
			assert_true(nlh->nlmsg_flags & NLM_F_DUMP_INTR);
	}
}

static void test_stalled_dump_is_abandoned_after_ten_seconds(void **state)
{
	struct ctx *c = *state;

	add_rules(c, 50);
	c->f.full = true;
	start_dump(c, 0);
	assert_int_equal(genl_sessions(&c->d), 1);
	fake_ms += 5000;
	genl_retry(&c->d);
	assert_int_equal(genl_sessions(&c->d), 1);
	fake_ms += 5001;
	genl_retry(&c->d);
	assert_int_equal(genl_sessions(&c->d), 0);
	assert_int_equal(c->d.stats.dumps_aborted, 1);
}

static void test_second_dump_on_same_port_is_busy(void **state)
{
	struct ctx *c = *state;
	struct ack k;

	add_rules(c, 50);
	c->f.full = true;
	start_dump(c, 0);
	c->f.full = false;
	start_dump(c, 0);
	assert_int_equal(c->f.n, 1);
	k = get_ack(&c->f.out[0]);
	assert_int_equal(k.error, -EBUSY);
	assert_string_equal(k.msg, "a dump is already in progress on this socket");
}

static void test_reply_queue_is_bounded(void **state)
{
	struct ctx *c = *state;
	unsigned char buf[64];

	c->f.full = true;
	for (int i = 0; i < 40; i++)
		send_msg(c, req_start(c, buf, MCR_FAMILY_ID, 0, MCR_CMD_DAEMON_GET));
	assert_int_equal(genl_sessions(&c->d), 1);
	assert_int_equal(c->d.stats.replies_dropped, 40 - GENL_PEER_QUEUE_MSGS);
	c->f.full = false;
	fake_ms += 100;
	genl_retry(&c->d);
	assert_int_equal(c->f.n, GENL_PEER_QUEUE_MSGS);
	assert_int_equal(genl_sessions(&c->d), 0);
	for (unsigned int i = 1; i < c->f.n; i++)
		assert_true(first_msg(&c->f.out[i])->nlmsg_seq >
			    first_msg(&c->f.out[i - 1])->nlmsg_seq);
}

static void test_unprivileged_user_cannot_change_rules_but_can_dump(void **state)
{
	struct ctx *c = *state;
	unsigned char buf[512];
	struct nlmsghdr *nlh;
	bool done, intr;
	uint32_t seq;
	struct ack k;

	add_rules(c, 5);
	nlh = req_start(c, buf, MCR_FAMILY_ID, NLM_F_ACK | NLM_F_CREATE, MCR_CMD_RULE_NEW);
	put_input(nlh, "lo", "239.9.9.9");
	put_output(nlh, "veth1", NULL);
	send_as(c, 65534, nlh, nlh->nlmsg_len);
	k = get_ack(&c->f.out[0]);
	assert_int_equal(k.error, -EPERM);
	assert_string_equal(k.msg, "changing rules needs uid 0");
	nlh = req_start(c, buf, MCR_FAMILY_ID, NLM_F_ACK, MCR_CMD_RULE_FLUSH);
	send_as(c, 65534, nlh, nlh->nlmsg_len);
	assert_int_equal(get_ack(&c->f.out[1]).error, -EPERM);
	nlh = req_start(c, buf, MCR_FAMILY_ID, NLM_F_ACK, MCR_CMD_RULE_DEL);
	mnl_attr_put_u32(nlh, MCR_A_RULE_ID, 1);
	send_as(c, 65534, nlh, nlh->nlmsg_len);
	assert_int_equal(get_ack(&c->f.out[2]).error, -EPERM);
	assert_int_equal(c->d.stats.denied, 3);
	assert_int_equal(c->d.rules.n, 5);

	forget_sent(&c->f);
	seq = start_dump(c, 65534);
	assert_int_equal(collect_dump(c, seq, &done, &intr), 5);
	assert_true(done);
}

static void test_admin_group_may_change_rules(void **state)
{
	struct ctx *c = *state;
	unsigned char buf[512];
	struct nlmsghdr *nlh;
	struct ack k;

	c->d.opt.has_admin_gid = true;
	c->d.opt.admin_gid = 4242;
	snprintf(c->d.opt.admin_group, sizeof(c->d.opt.admin_group), "mcr");
	nlh = req_start(c, buf, MCR_FAMILY_ID, NLM_F_ACK | NLM_F_CREATE, MCR_CMD_RULE_NEW);
	put_input(nlh, "lo", "239.9.9.9");
	put_output(nlh, "veth1", NULL);
	send_as(c, 4242, nlh, nlh->nlmsg_len); /* send_as uses uid as gid too */
	assert_int_equal(get_ack(&c->f.out[0]).error, 0);
	nlh->nlmsg_seq++;
	send_as(c, 1000, nlh, nlh->nlmsg_len);
	k = get_ack(&c->f.out[1]);
	assert_int_equal(k.error, -EPERM);
	assert_string_equal(k.msg, "changing rules needs uid 0 or group mcr");
}

static void test_notifications_announce_add_replace_del(void **state)
{
	struct ctx *c = *state;
	unsigned char buf[512];
	struct nlmsghdr *nlh;
	const struct nlmsghdr *n;

	add_rule(c, "lo", "239.1.1.1", "veth1");
	nlh = req_start(c, buf, MCR_FAMILY_ID, NLM_F_REPLACE, MCR_CMD_RULE_NEW);
	put_input(nlh, "lo", "239.1.1.1");
	put_output(nlh, "veth2", NULL);
	send_msg(c, nlh);
	nlh = req_start(c, buf, MCR_FAMILY_ID, 0, MCR_CMD_RULE_DEL);
	mnl_attr_put_u32(nlh, MCR_A_RULE_ID, 1);
	send_msg(c, nlh);
	assert_int_equal(c->f.n_grp, 3);
	for (unsigned int i = 0; i < 3; i++) {
		n = first_msg(&c->f.grp[i]);
		assert_int_equal(c->f.grp[i].port, MCR_MCGRP_EVENTS_ID);
		assert_int_equal(n->nlmsg_seq, 0);
		assert_int_equal(n->nlmsg_pid, 0);
		assert_int_equal(mnl_attr_get_u32(genl_attr(n, MCR_A_RULE_ID)), 1);
	}
	assert_int_equal(genl_cmd(first_msg(&c->f.grp[0])), MCR_CMD_RULE_NEW_NTF);
	assert_false(first_msg(&c->f.grp[0])->nlmsg_flags & NLM_F_REPLACE);
	assert_int_equal(genl_cmd(first_msg(&c->f.grp[1])), MCR_CMD_RULE_NEW_NTF);
	assert_true(first_msg(&c->f.grp[1])->nlmsg_flags & NLM_F_REPLACE);
	assert_int_equal(genl_cmd(first_msg(&c->f.grp[2])), MCR_CMD_RULE_DEL_NTF);
	assert_int_equal(c->d.stats.notifications, 3);
	assert_int_equal(c->d.stats.notify_errors, 0);
}

static void test_stats_reports_counters_and_workers(void **state)
{
	struct ctx *c = *state;
	unsigned char buf[64];
	const struct nlmsghdr *r;
	const struct nlattr *tb[MCR_A_STATS_MAX + 1];
	struct mcr_extack ext = {0};
	unsigned int workers = 0;
	const struct nlattr *a;

	add_rules(c, 3);
	send_msg(c, req_start(c, buf, MCR_FAMILY_ID, 0, MCR_CMD_STATS_GET));
	r = first_msg(&c->f.out[0]);
	assert_int_equal(mcr_attr_parse((const char *)mnl_nlmsg_get_payload(r) + GENL_HDRLEN,
					r->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN,
					&mcr_stats_policy, tb, &ext),
			 0);
	assert_int_equal(mcr_attr_u32(tb[MCR_A_STATS_RULES]), 3);
	assert_int_equal(mcr_attr_u64(tb[MCR_A_STATS_RULE_ADDS]), 3);
	assert_int_equal(mcr_attr_u64(tb[MCR_A_STATS_REQUESTS]), 4);
	assert_non_null(tb[MCR_A_STATS_RELOAD_ERRORS]);
	mnl_attr_for_each (a, r, GENL_HDRLEN)
		workers += mnl_attr_get_type(a) == MCR_A_STATS_WORKER;
	assert_int_equal(workers, 2);
}

static int family_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_get_type(a) <= CTRL_ATTR_MAX)
		tb[mnl_attr_get_type(a)] = a;
	return MNL_CB_OK;
}

static void check_newfamily(const struct nlmsghdr *r)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1] = {0};
	const struct nlattr *grp, *a;
	unsigned int ops = 0;

	assert_int_equal(r->nlmsg_type, GENL_ID_CTRL);
	assert_int_equal(genl_cmd(r), CTRL_CMD_NEWFAMILY);
	mnl_attr_parse(r, GENL_HDRLEN, family_cb, tb);
	assert_string_equal(mnl_attr_get_str(tb[CTRL_ATTR_FAMILY_NAME]), "mcr");
	assert_int_equal(mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]), MCR_FAMILY_ID);
	assert_int_equal(mnl_attr_get_u32(tb[CTRL_ATTR_VERSION]), MCR_FAMILY_VERSION);
	assert_int_equal(mnl_attr_get_u32(tb[CTRL_ATTR_MAXATTR]), MCR_A_RULE_MAX);
	mnl_attr_for_each_nested (a, tb[CTRL_ATTR_OPS])
		ops++;
	assert_int_equal(ops, 7);
	grp = mnl_attr_get_payload(tb[CTRL_ATTR_MCAST_GROUPS]);
	mnl_attr_for_each_nested (a, grp) {
		if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_NAME)
			assert_string_equal(mnl_attr_get_str(a), "events");
		if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_ID)
			assert_int_equal(mnl_attr_get_u32(a), MCR_MCGRP_EVENTS_ID);
	}
}

static void test_nlctrl_getfamily_by_name_and_id(void **state)
{
	struct ctx *c = *state;
	unsigned char buf[64];
	struct nlmsghdr *nlh;

	nlh = req_start(c, buf, GENL_ID_CTRL, NLM_F_ACK, CTRL_CMD_GETFAMILY);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "mcr");
	send_msg(c, nlh);
	assert_int_equal(c->f.n, 2);
	check_newfamily(first_msg(&c->f.out[0]));
	assert_int_equal(get_ack(&c->f.out[1]).error, 0);

	nlh = req_start(c, buf, GENL_ID_CTRL, NLM_F_ACK, CTRL_CMD_GETFAMILY);
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, MCR_FAMILY_ID);
	send_msg(c, nlh);
	check_newfamily(first_msg(&c->f.out[2]));
}

static void test_nlctrl_unknown_family_is_enoent(void **state)
{
	struct ctx *c = *state;
	unsigned char buf[64];
	struct nlmsghdr *nlh = req_start(c, buf, GENL_ID_CTRL, NLM_F_ACK, CTRL_CMD_GETFAMILY);
	struct ack k;

	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "nl80211");
	send_msg(c, nlh);
	assert_int_equal(c->f.n, 1);
	k = get_ack(&c->f.out[0]);
	assert_int_equal(k.error, -ENOENT);
	assert_string_equal(k.msg, "no family nl80211 here (this is mcrd, family mcr)");
	assert_int_equal(k.offs, NLMSG_HDRLEN + GENL_HDRLEN);
}

static void test_nlctrl_dump_lists_one_family(void **state)
{
	struct ctx *c = *state;
	unsigned char buf[64];
	const struct nlmsghdr *nlh;
	int left;

	send_msg(c, req_start(c, buf, GENL_ID_CTRL, NLM_F_ACK | NLM_F_DUMP, CTRL_CMD_GETFAMILY));
	assert_int_equal(c->f.n, 1);
	nlh = first_msg(&c->f.out[0]);
	assert_true(nlh->nlmsg_flags & NLM_F_MULTI);
	check_newfamily(nlh);
	left = (int)c->f.out[0].len;
	nlh = mnl_nlmsg_next(nlh, &left);
	assert_true(mnl_nlmsg_ok(nlh, left));
	assert_int_equal(nlh->nlmsg_type, NLMSG_DONE);
	assert_int_equal(nlh->nlmsg_seq, c->seq);
}

static void test_dump_on_doit_only_op_is_eopnotsupp(void **state)
{
	struct ctx *c = *state;
	unsigned char buf[64];

	send_msg(c, req_start(c, buf, MCR_FAMILY_ID, NLM_F_ACK | NLM_F_DUMP, MCR_CMD_DAEMON_GET));
	assert_int_equal(get_ack(&c->f.out[0]).error, -EOPNOTSUPP);
}

/* Every u64 payload of @nest is 8-byte aligned in memory. */
static void assert_u64s_aligned(const struct nlattr *nest, const struct mcr_policy *pol)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested (a, nest)
		if (pol->attrs[mnl_attr_get_type(a)].kind == MCR_ATTR_U64)
			assert_int_equal((uintptr_t)mnl_attr_get_payload(a) % 8, 0);
}

static void test_stats_worker_nest_carries_every_counter(void **state)
{
	static unsigned char buf[4096] __attribute__((aligned(8)));
	const struct nlattr *tb[MCR_A_WORKER_MAX + 1];
	struct mcr_extack ext = {0};
	struct wstats ws = {
	    .rx_packets = 1,
	    .rx_bytes = 2,
	    .tx_packets = 3,
	    .tx_bytes = 4,
	    .no_match = 5,
	    .ring_drops = 6,
	    .ring_freezes = 7,
	    .wakeups = 8,
	    .batches = 9,
	    .table_swaps = 10,
	};
	struct nlmsghdr *nlh;
	const struct nlattr *nest;
	uint64_t malformed = 0;

	(void)state;
	for (int i = PKT_DROP_TRUNCATED; i <= PKT_DROP_BAD_SRC; i++) {
		ws.rx_drops[i] = 100 + (uint64_t)i;
		malformed += ws.rx_drops[i];
	}
	ws.rx_drops[PKT_DROP_TTL] = 1u << 20; /* a rewrite reason: not a parse drop */
	for (int i = 0; i < MCR_DROP__MAX; i++)
		ws.out_drops[i] = 200 + (uint64_t)i;
	for (int cpu = -1; cpu <= 3; cpu += 4) {
		nlh = genl_msg_start(buf, MCR_FAMILY_ID, 0, 1, 1, MCR_CMD_STATS_GET, 1);
		genl_put_worker(nlh, 7, &ws, cpu);
		nest = genl_attr(nlh, MCR_A_STATS_WORKER);
		assert_non_null(nest);
		assert_int_equal(mcr_attr_parse(mcr_attr_data(nest), mcr_attr_len(nest),
						&mcr_worker_policy, tb, &ext),
				 0);
		assert_u64s_aligned(nest, &mcr_worker_policy);
		assert_int_equal(mcr_attr_u32(tb[MCR_A_WORKER_ID]), 7);
		if (cpu < 0)
			assert_null(tb[MCR_A_WORKER_CPU]);
		else
			assert_int_equal(mcr_attr_u32(tb[MCR_A_WORKER_CPU]), 3);
	}
	assert_int_equal(mcr_attr_u64(tb[MCR_A_WORKER_PACKETS]), 1);
	assert_int_equal(mcr_attr_u64(tb[MCR_A_WORKER_BYTES]), 2);
	assert_int_equal(mcr_attr_u64(tb[MCR_A_WORKER_TX_PACKETS]), 3);
	assert_int_equal(mcr_attr_u64(tb[MCR_A_WORKER_TX_BYTES]), 4);
	assert_int_equal(mcr_attr_u64(tb[MCR_A_WORKER_NO_MATCH]), 5);
	assert_int_equal(mcr_attr_u64(tb[MCR_A_WORKER_MALFORMED]), malformed);
	assert_int_equal(mcr_attr_u64(tb[MCR_A_WORKER_RING_DROPS]), 6);
	assert_int_equal(mcr_attr_u64(tb[MCR_A_WORKER_RING_FREEZES]), 7);
	assert_int_equal(mcr_attr_u64(tb[MCR_A_WORKER_WAKEUPS]), 8);
	assert_int_equal(mcr_attr_u64(tb[MCR_A_WORKER_BATCHES]), 9);
	assert_int_equal(mcr_attr_u64(tb[MCR_A_WORKER_TABLE_SWAPS]), 10);
	assert_int_equal(mcr_attr_u64(tb[MCR_A_WORKER_RX_DROP_TRUNCATED]),
			 100 + PKT_DROP_TRUNCATED);
	assert_int_equal(mcr_attr_u64(tb[MCR_A_WORKER_RX_DROP_MALFORMED_SHORT]),
			 100 + PKT_DROP_SHORT);
	assert_int_equal(mcr_attr_u64(tb[MCR_A_WORKER_RX_DROP_VLAN]), 100 + PKT_DROP_VLAN);
	assert_int_equal(mcr_attr_u64(tb[MCR_A_WORKER_RX_DROP_BAD_IP_CSUM]),
			 100 + PKT_DROP_BAD_IP_CSUM);
	assert_int_equal(mcr_attr_u64(tb[MCR_A_WORKER_RX_DROP_NOT_MULTICAST]),
			 100 + PKT_DROP_NOT_MULTICAST);
	assert_int_equal(mcr_attr_u64(tb[MCR_A_WORKER_RX_DROP_BAD_SRC]), 100 + PKT_DROP_BAD_SRC);
	assert_int_equal(mcr_attr_u64(tb[MCR_A_WORKER_OUT_DROP_TTL]), 200 + MCR_DROP_TTL);
	assert_int_equal(mcr_attr_u64(tb[MCR_A_WORKER_OUT_DROP_NO_SRC]), 200 + MCR_DROP_NO_SRC);
	assert_int_equal(mcr_attr_u64(tb[MCR_A_WORKER_OUT_DROP_TX_ERROR]), 200 + MCR_DROP_TX_ERROR);
	for (unsigned int t = MCR_A_WORKER_PACKETS; t <= MCR_A_WORKER_MAX; t++)
		assert_non_null(tb[t]);
}

/* The messages of datagram @s, in order, into @m (at most @max). */
static unsigned int split_msgs(const struct sent *s, const struct nlmsghdr **m, unsigned int max)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)s->data;
	int left = (int)s->len;
	unsigned int n = 0;

	while (mnl_nlmsg_ok(nlh, left) && n < max) {
		m[n++] = nlh;
		nlh = mnl_nlmsg_next(nlh, &left);
	}
	return n;
}

/* Dumps stats-get; returns the number of workers and checks that each
 * came in a message of its own, after one with the daemon counters. */
static unsigned int dump_stats(struct ctx *c)
{
	const struct nlmsghdr *m[64];
	unsigned char buf[64];
	unsigned int workers = 0, data = 0;
	bool done = false;

	forget_sent(&c->f);
	send_msg(c, req_start(c, buf, MCR_FAMILY_ID, NLM_F_ACK | NLM_F_DUMP, MCR_CMD_STATS_GET));
	for (unsigned int d = 0; d < c->f.n; d++) {
		unsigned int n = split_msgs(&c->f.out[d], m, 64);

		assert_true(c->f.out[d].len <= GENL_GOODSIZE);
		for (unsigned int i = 0; i < n; i++) {
			const struct nlattr *w;

			assert_false(done);
			if (m[i]->nlmsg_type == NLMSG_DONE) {
				done = true;
				continue;
			}
			assert_int_equal(m[i]->nlmsg_flags & NLM_F_MULTI, NLM_F_MULTI);
			assert_int_equal(genl_cmd(m[i]), MCR_CMD_STATS_GET);
			w = genl_attr(m[i], MCR_A_STATS_WORKER);
			if (data++ == 0) {
				assert_null(w);
				assert_non_null(genl_attr(m[i], MCR_A_STATS_RULES));
				continue;
			}
			assert_non_null(w);
			assert_null(genl_attr(m[i], MCR_A_STATS_RULES));
			assert_u64s_aligned(w, &mcr_worker_policy);
			assert_int_equal(mnl_attr_get_u32(mnl_attr_get_payload(w)), workers);
			workers++;
		}
	}
	assert_true(done);
	return workers;
}

static void test_stats_dump_has_a_message_per_worker(void **state)
{
	struct ctx *c = *state;

	assert_int_equal(dump_stats(c), 2);
	c->d.opt.workers = 1;
	assert_int_equal(dump_stats(c), 1);
}

static void test_stats_do_refuses_what_only_a_dump_can_hold(void **state)
{
	struct ctx *c = *state;
	unsigned char buf[64];
	struct ack k;

	c->d.opt.workers = MCRD_WORKERS_MAX;
	send_msg(c, req_start(c, buf, MCR_FAMILY_ID, NLM_F_ACK, MCR_CMD_STATS_GET));
	assert_int_equal(c->f.n, 1);
	k = get_ack(&c->f.out[0]);
	assert_int_equal(k.error, -EMSGSIZE);
	assert_string_equal(k.msg, "the counters of 256 workers do not fit in one reply; dump "
				   "them (NLM_F_DUMP)");
	assert_int_equal(dump_stats(c), MCRD_WORKERS_MAX);
	/* as many as fit in one message still come in a do */
	c->d.opt.workers = 24;
	forget_sent(&c->f);
	send_msg(c, req_start(c, buf, MCR_FAMILY_ID, 0, MCR_CMD_STATS_GET));
	assert_int_equal(c->f.n, 1);
	assert_true(c->f.out[0].len <= GENL_MSG_MAX);
	assert_int_equal(genl_cmd(first_msg(&c->f.out[0])), MCR_CMD_STATS_GET);
}

static void test_daemon_get_says_how_the_kernel_path_stands(void **state)
{
	struct ctx *c = *state;
	unsigned char buf[64];
	const struct nlmsghdr *r;
	const struct nlattr *tb[MCR_A_DAEMON_MAX + 1];
	struct mcr_extack ext = {0};

	/* no kroute_init: the kernel path is off, and no table is named */
	send_msg(c, req_start(c, buf, MCR_FAMILY_ID, 0, MCR_CMD_DAEMON_GET));
	r = first_msg(&c->f.out[0]);
	assert_int_equal(mcr_attr_parse((const char *)mnl_nlmsg_get_payload(r) + GENL_HDRLEN,
					r->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN,
					&mcr_daemon_policy, tb, &ext),
			 0);
	assert_string_equal(mcr_attr_str(tb[MCR_A_DAEMON_MROUTE_STATE]), "off");
	assert_null(tb[MCR_A_DAEMON_MROUTE_TABLE]);
}

static void test_stats_carry_the_kernel_path_counters(void **state)
{
	struct ctx *c = *state;
	unsigned char buf[64];
	const struct nlmsghdr *r;
	const struct nlattr *tb[MCR_A_STATS_MAX + 1];
	struct mcr_extack ext = {0};
	const struct nlattr *a;

	send_msg(c, req_start(c, buf, MCR_FAMILY_ID, 0, MCR_CMD_STATS_GET));
	r = first_msg(&c->f.out[0]);
	assert_int_equal(mcr_attr_parse((const char *)mnl_nlmsg_get_payload(r) + GENL_HDRLEN,
					r->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN,
					&mcr_stats_policy, tb, &ext),
			 0);
	for (unsigned int t = MCR_A_STATS_MROUTE_UPCALLS; t <= MCR_A_STATS_MROUTE_ERRORS; t++) {
		assert_non_null(tb[t]);
		assert_int_equal(mcr_attr_u64(tb[t]), 0);
	}
	mnl_attr_for_each (a, r, GENL_HDRLEN)
		if (mnl_attr_get_type(a) >= MCR_A_STATS_MROUTE_UPCALLS)
			assert_int_equal((uintptr_t)mnl_attr_get_payload(a) % 8, 0);
}

static void test_mroute_get_is_a_dump_anyone_may_run(void **state)
{
	struct ctx *c = *state;
	unsigned char buf[64];
	const struct nlmsghdr *nlh;
	struct nlmsghdr *req;
	struct ack k;

	send_msg(c, req_start(c, buf, MCR_FAMILY_ID, NLM_F_ACK, MCR_CMD_MROUTE_GET));
	k = get_ack(&c->f.out[0]);
	assert_int_equal(k.error, -EOPNOTSUPP);
	assert_string_equal(k.msg, "mroute-get needs NLM_F_DUMP");
	/* no entries (the kernel path is off): NLMSG_DONE alone, for any uid */
	req = req_start(c, buf, MCR_FAMILY_ID, NLM_F_ACK | NLM_F_DUMP, MCR_CMD_MROUTE_GET);
	send_as(c, 65534, req, req->nlmsg_len);
	assert_int_equal(c->f.n, 2);
	nlh = first_msg(&c->f.out[1]);
	assert_int_equal(nlh->nlmsg_type, NLMSG_DONE);
	assert_int_equal(nlh->nlmsg_seq, c->seq);
	assert_int_equal(c->f.out[1].len, NLMSG_HDRLEN + sizeof(int));
	/* the dump takes no attributes */
	req = req_start(c, buf, MCR_FAMILY_ID, NLM_F_DUMP, MCR_CMD_MROUTE_GET);
	mnl_attr_put_u32(req, MCR_A_MROUTE_RULE, 1);
	send_msg(c, req);
	k = get_ack(&c->f.out[2]);
	assert_int_equal(k.error, -EINVAL);
	assert_string_equal(k.msg, "attribute mroute.rule is not valid in mroute-get dump");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_reply_and_ack_are_separate_datagrams),
	    T(test_no_ack_without_nlm_f_ack),
	    T(test_error_without_nlm_f_ack_is_still_sent),
	    T(test_error_echoes_request_and_points_at_bad_output),
	    T(test_invalid_input_group_points_at_group),
	    T(test_missing_required_attribute_sets_miss_type),
	    T(test_attribute_not_valid_in_op_is_named),
	    T(test_several_messages_in_one_datagram_each_answered),
	    T(test_unknown_command_and_type_are_eopnotsupp),
	    T(test_missing_genl_header_is_einval),
	    T(test_lying_length_and_non_requests_are_dropped),
	    T(test_truncated_request_gets_emsgsize),
	    T(test_echo_sends_the_rule_before_the_ack),
	    T(test_pending_rule_warning_rides_on_the_ack),
	    T(test_rule_new_flag_semantics),
	    T(test_rule_del_by_id_and_by_input),
	    T(test_rule_flush_with_filter_deletes_only_matches),
	    T(test_dump_is_split_into_good_size_parts_ending_in_done),
	    T(test_dump_filter_by_group),
	    T(test_dump_resumes_after_eagain),
	    T(test_dump_backs_off_and_completes_when_client_reads),
	    T(test_dump_sets_intr_on_parts_after_a_table_change),
	    T(test_stalled_dump_is_abandoned_after_ten_seconds),
	    T(test_second_dump_on_same_port_is_busy),
	    T(test_reply_queue_is_bounded),
	    T(test_unprivileged_user_cannot_change_rules_but_can_dump),
	    T(test_admin_group_may_change_rules),
	    T(test_notifications_announce_add_replace_del),
	    T(test_stats_reports_counters_and_workers),
	    T(test_stats_worker_nest_carries_every_counter),
	    T(test_stats_dump_has_a_message_per_worker),
	    T(test_stats_do_refuses_what_only_a_dump_can_hold),
	    T(test_daemon_get_says_how_the_kernel_path_stands),
	    T(test_stats_carry_the_kernel_path_counters),
	    T(test_mroute_get_is_a_dump_anyone_may_run),
	    T(test_nlctrl_getfamily_by_name_and_id),
	    T(test_nlctrl_unknown_family_is_enoent),
	    T(test_nlctrl_dump_lists_one_family),
	    T(test_dump_on_doit_only_op_is_eopnotsupp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

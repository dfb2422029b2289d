// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for mcrd's request path: the input is one datagram as a
 * peer would send it, handed to the genl dispatcher with a fake transport.
 *
 * The first byte is not sent; it picks the circumstances:
 *   bit 0      the peer is uid 0 (set) or uid 65534 (clear)
 *   bit 1      an admin group is configured and the peer's gid is in it
 *   bits 2-3   the transport: accepts, refuses every other send (EAGAIN),
 *              is full until time passes, or says the peer is gone
 *   bits 4-7   how far the clock jumps between retries
 * A few rules are loaded first, so deletions, replacements, loops and dumps
 * have something to work on. Every datagram mcrd sends is checked to be
 * well-framed and addressed to the peer.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/netlink.h>

#include "log.h"
#include "mcrd.h"

#define PEER_PORT 4242u

enum { SEND_OK, SEND_ALTERNATE, SEND_FULL, SEND_GONE };

struct fake {
	int mode;
	unsigned int calls;
	bool full;
};

static uint64_t fake_ms;

static uint64_t fake_clock(void)
{
	return fake_ms;
}

/* Crashes (which the fuzzer reports) on a datagram that no netlink
 * reader could walk. */
static void check_framing(uint32_t port, const void *buf, size_t len, bool multicast)
{
	const unsigned char *p = buf;
	size_t left = len;

	if (len < NLMSG_HDRLEN || len > GENL_RX_MAX)
		abort();
	while (left >= NLMSG_HDRLEN) {
		const struct nlmsghdr *nlh = (const void *)p;

		if (nlh->nlmsg_len < NLMSG_HDRLEN || nlh->nlmsg_len > left)
			abort();
		if (nlh->nlmsg_pid != (multicast ? 0 : port))
			abort();
		if (NLMSG_ALIGN(nlh->nlmsg_len) >= left)
			return;
		p += NLMSG_ALIGN(nlh->nlmsg_len);
		left -= NLMSG_ALIGN(nlh->nlmsg_len);
	}
	if (left)
		abort();
}

static int fake_send(void *arg, uint32_t port, const void *buf, size_t len)
{
	struct fake *f = arg;

	check_framing(port, buf, len, false);
	f->calls++;
	switch (f->mode) {
	case SEND_ALTERNATE:
		return f->calls % 2 ? -EAGAIN : 0;
	case SEND_FULL:
		return f->full ? -EAGAIN : 0;
	case SEND_GONE:
		return -ECONNREFUSED;
	default:
		return 0;
	}
}

static int fake_send_group(void *arg, unsigned int group, const void *buf, size_t len)
{
	(void)arg;
	if (group != MCR_MCGRP_EVENTS_ID)
		abort();
	check_framing(0, buf, len, true);
	return -ECONNREFUSED;
}

static void add_rule(struct mcrd *d, const char *iif, const char *group, const char *oif,
		     const char *ogroup)
{
	struct mcr_rule *r = mcr_rule_alloc(1);

	if (!r)
		return;
	snprintf(r->iif, sizeof(r->iif), "%s", iif);
	inet_pton(AF_INET, group, &r->group);
	snprintf(r->out[0].oif, sizeof(r->out[0].oif), "%s", oif);
	if (ogroup)
		inet_pton(AF_INET, ogroup, &r->out[0].group);
	if (rules_add(&d->rules, r, NULL))
		mcr_rule_free(r);
}

static void preload(struct mcrd *d)
{
	add_rule(d, "lo", "239.1.1.1", "a0", NULL);
	add_rule(d, "a0", "239.1.1.2", "b0", "239.2.2.2");
	add_rule(d, "b0", "239.3.3.3", "lo", NULL);
	add_rule(d, "x0", "239.1.1.1", "y0", "239.9.9.9");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mcrd d;
	struct fake f = {0};
	struct genl_transport tr = {
	    .name = "fuzz",
	    .send = fake_send,
	    .send_group = fake_send_group,
	    .arg = &f,
	};
	struct genl_peer peer = {.tr = &tr, .port = PEER_PORT};
	unsigned char *buf;

	if (size < 1 || size > GENL_RX_MAX + 1)
		return 0;
	log_set_level(-1);
	memset(&d, 0, sizeof(d));
	d.opt.workers = 4;
	d.opt.port = MCR_PORT_ID;
	d.opt.has_admin_gid = data[0] & 2;
	d.opt.admin_gid = 4242;
	snprintf(d.opt.admin_group, sizeof(d.opt.admin_group), "fuzzers");
	peer.uid = data[0] & 1 ? 0 : 65534;
	peer.gid = data[0] & 2 ? 4242 : 65534;
	f.mode = (data[0] >> 2) & 3;
	f.full = true;
	fake_ms = 1000;
	if (rules_init(&d.rules) || genl_init(&d, NULL, &tr))
		abort();
	d.genl.now_ms = fake_clock;
	preload(&d);

	/* A copy, aligned as a received datagram is. */
	buf = malloc(size);
	if (!buf)
		abort();
	memcpy(buf, data + 1, size - 1);
	genl_input(&d, &peer, buf, size - 1);
	for (int i = 0; i < 12 && genl_sessions(&d); i++) {
		fake_ms += 1 + ((uint64_t)(data[0] >> 4) << (i % 2 ? 4 : 10));
		f.full = i < 6;
		genl_retry(&d);
	}
	free(buf);
	genl_exit(&d);
	rules_exit(&d.rules);
	return 0;
}

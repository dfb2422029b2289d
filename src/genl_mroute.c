// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mroute-get: a dump of the entries mcrd installed in the kernel's
 * multicast routing table for the kernel path, one message per entry.
 *
 * The cursor is the key of the last entry sent, so that entries learned
 * or expired between two datagrams never make the dump repeat or skip one
 * that stayed: kroute_for_each walks in (group, source) order and resumes
 * after a key, whether that entry still exists or not.
 */
#include <errno.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "kroute.h"
#include "log.h"
#include "mcrd.h"

/* The most one entry's message takes: headers, the fixed attributes (u32s
 * and the iif), the u64s each with a pad in front, and its oifs. */
#define MSG_HDR_SIZE (NLMSG_HDRLEN + GENL_HDRLEN)
#define IFNAME_ATTR_SIZE (NLA_HDRLEN + NLA_ALIGN(IFNAMSIZ))
#define U64_MAX_SIZE (NLA_HDRLEN + NLA_HDRLEN + 8)
#define ENTRY_FIXED_SIZE (MSG_HDR_SIZE + 4 * (NLA_HDRLEN + 4) + IFNAME_ATTR_SIZE + 4 * U64_MAX_SIZE)

_Static_assert(ENTRY_FIXED_SIZE + MROUTE_MAXVIFS * IFNAME_ATTR_SIZE <= GENL_GOODSIZE,
	       "one entry must fit in a dump datagram");

/* The cursor: (group, source) in network order, never 0 since a group
 * never is. */
static uint64_t entry_key(uint32_t src, uint32_t group)
{
	return (uint64_t)group << 32 | src;
}

struct mroute_fill {
	struct genl_dump *dp;
	unsigned char *buf;
	size_t *len, limit;
};

/* A stop entry is learned too (from a report, and it expires the same
 * way), but it is told apart by its own flag. */
static void put_entry(struct nlmsghdr *nlh, const struct kroute_entry_info *e)
{
	uint32_t flags = e->rule_id ? 0 : MCR_MROUTE_FLAGS_STOP;

	mnl_attr_put_u32(nlh, MCR_A_MROUTE_SRC, e->src);
	mnl_attr_put_u32(nlh, MCR_A_MROUTE_GROUP, e->group);
	mnl_attr_put_strz(nlh, MCR_A_MROUTE_IIF, e->iif);
	for (unsigned int i = 0; i < e->n_oif && i < MROUTE_MAXVIFS; i++)
		mnl_attr_put_strz(nlh, MCR_A_MROUTE_OIF, e->oif[i]);
	if (e->rule_id)
		mnl_attr_put_u32(nlh, MCR_A_MROUTE_RULE, e->rule_id);
	if (e->rule_id && e->learned)
		flags |= MCR_MROUTE_FLAGS_LEARNED;
	mnl_attr_put_u32(nlh, MCR_A_MROUTE_FLAGS, flags);
	if (e->learned)
		genl_put_u64(nlh, MCR_A_MROUTE_IDLE_MS, MCR_A_MROUTE_PAD, e->idle_ms);
	genl_put_u64(nlh, MCR_A_MROUTE_PACKETS, MCR_A_MROUTE_PAD, e->st.packets);
	genl_put_u64(nlh, MCR_A_MROUTE_BYTES, MCR_A_MROUTE_PAD, e->st.bytes);
	genl_put_u64(nlh, MCR_A_MROUTE_WRONG_IF, MCR_A_MROUTE_PAD, e->st.wrong_if);
}

/* kroute_for_each's callback: 1 (stop) once the datagram is full. */
static int fill_entry(void *arg, const struct kroute_entry_info *e)
{
	struct mroute_fill *f = arg;
	struct genl_dump *dp = f->dp;
	struct nlmsghdr *nlh;

	if (*f->len + ENTRY_FIXED_SIZE + e->n_oif * IFNAME_ATTR_SIZE > f->limit)
		return 1;
	nlh = genl_msg_start(f->buf + *f->len, dp->type, genl_dump_flags(dp), dp->seq, dp->port,
			     dp->cmd, dp->version);
	put_entry(nlh, e);
	*f->len += nlh->nlmsg_len;
	dp->next = entry_key(e->src, e->group);
	return 0;
}

static int mroute_fill(struct mcrd *d, struct genl_dump *dp, unsigned char *buf, size_t *len,
		       size_t limit)
{
	struct mroute_fill f = {.dp = dp, .buf = buf, .len = len, .limit = limit};
	int ret;

	ret = kroute_for_each(d, dp->cursor != 0, (uint32_t)dp->cursor,
			      (uint32_t)(dp->cursor >> 32), fill_entry, &f);
	if (ret < 0) {
		/* Nothing to resume from: end the dump with what was sent. */
		log_warn("mroute dump: %s; the dump ends early", strerror(-ret));
		return 1;
	}
	return ret == 0;
}

int genl_mroute_dump(struct genl_req *req)
{
	struct genl_dump tmpl = {
	    .type = MCR_FAMILY_ID,
	    .version = MCR_FAMILY_VERSION,
	    .fill = mroute_fill,
	};

	return genl_dump_start(req, &tmpl);
}

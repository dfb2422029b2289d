/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The genl server of mcrd: decodes genl-formatted requests, dispatches them
 * to the op handlers of the mcr family and of the emulated nlctrl, and sends
 * ACKs, errors with extended ack, replies, dumps and notifications
 * (research/control-transport.md section 8.5).
 *
 * It knows nothing of sockets: a request arrives as bytes with the peer's
 * identity, and everything goes out through the peer's transport, whose
 * send never blocks. A full peer gets its replies queued (bounded) and its
 * dump parked; a timer resumes both. NETLINK_USERSOCK is one transport
 * (usersock.c); tests and the fuzzer use fake ones.
 */
#ifndef MCRD_GENL_H
#define MCRD_GENL_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>
#include <linux/genetlink.h>

#include "loop.h"
#include "policy.h"
#include "rules.h"

/* Largest datagram of a dump, and of replies when possible: the kernel's
 * NLMSG_GOODSIZE with 4 KiB pages, which every netlink reader can take. */
#define GENL_GOODSIZE 3776
/* Largest single message mcrd builds (a rule with 64 outputs and counters,
 * stats with 256 workers, a daemon reply with a 4 KiB path). */
#define GENL_MSG_MAX (16 * 1024)
/* Largest request datagram. */
#define GENL_RX_MAX (64 * 1024)

#define GENL_PEER_QUEUE_BYTES (64 * 1024)
#define GENL_PEER_QUEUE_MSGS 32
#define GENL_PEERS_MAX 1024
#define GENL_DUMPS_MAX 64
#define GENL_RETRY_MAX_MS 64
#define GENL_STALL_MS 10000

struct mcrd;

struct genl_transport {
	const char *name;
	/* Sends one datagram to @port without blocking: 0, -EAGAIN when the
	 * peer's buffer is full, -ECONNREFUSED when the peer is gone, or
	 * another -errno. */
	int (*send)(void *arg, uint32_t port, const void *buf, size_t len);
	/* Sends to multicast group @group; NULL when the transport has no
	 * groups. -ECONNREFUSED counts as delivered (USERSOCK quirk). */
	int (*send_group)(void *arg, unsigned int group, const void *buf, size_t len);
	void *arg;
};

/* Who sent a request, as the transport vouches for it: never anything
 * read from the message itself. */
struct genl_peer {
	const struct genl_transport *tr;
	uint32_t port; /* where replies go (msg_name.nl_pid) */
	uint32_t uid, gid;
};

struct genl_session;
struct genl_dump;

/* The server's state, inside struct mcrd. */
struct genl {
	const struct genl_transport *events; /* notifications, or NULL */
	struct genl_session *sess[256];
	unsigned int n_sess, n_dumps;
	struct loop_timer timer;
	uint64_t timer_due;	  /* 0: not armed */
	uint64_t (*now_ms)(void); /* CLOCK_MONOTONIC ms; tests replace it */
	unsigned char *txbuf;	  /* replies being built by handlers */
	unsigned char *dumpbuf;	  /* the next dump datagram */
	unsigned char *ntfbuf;	  /* notifications */
	/* a rule with room for MCR_MAX_OUTPUTS outputs: the live counters
	 * of the rule being put (dp_rule_counters) */
	struct mcr_rule *stats_scratch;
};

/*
 * Sets up the server of @d (whose rule table must be initialised) and
 * installs the rule hook that sends notifications through @events. With
 * @loop NULL no timer exists and the caller runs genl_retry itself.
 * Returns 0 or -ENOMEM.
 */
int genl_init(struct mcrd *d, struct loop *loop, const struct genl_transport *events);
/* Drops every queued reply and dump (nothing is sent). */
void genl_exit(struct mcrd *d);

/* Handles one datagram of @len bytes (4-byte aligned) from @peer: every
 * message in order, each with its reply, ACK or error. Never blocks. */
void genl_input(struct mcrd *d, const struct genl_peer *peer, const void *buf, size_t len);

/* Answers a datagram that was longer than the @len bytes read of it
 * (GENL_RX_MAX): a request gets EMSGSIZE, so its sender learns why instead
 * of waiting for a reply that never comes; anything else is dropped. Both
 * count as malformed. */
void genl_input_truncated(struct mcrd *d, const struct genl_peer *peer, const void *buf,
			  size_t len);

/* Resumes the sends that found a full buffer (the timer's callback). */
void genl_retry(struct mcrd *d);

/* Peers with queued replies or a dump in progress. */
unsigned int genl_sessions(const struct mcrd *d);

/* rules_hook_t: counts the change and sends rule-new-ntf / rule-del-ntf. */
void genl_rules_hook(void *arg, enum rules_event ev, const struct mcr_rule *r);

/* ---- for the op handlers (genl_rule.c, genl_daemon.c, ctrl.c) ---------- */

/* One request being handled. */
struct genl_req {
	struct mcrd *d;
	const struct genl_peer *peer;
	const struct nlmsghdr *nlh;
	const struct genl_op *op;
	const void *attrs; /* after the genlmsghdr */
	size_t attrs_len;
	const struct nlattr **tb; /* op->policy->maxattr + 1 entries */
	struct mcr_extack *ext;
};

struct genl_op {
	uint8_t cmd;
	const char *name;
	const struct mcr_policy *policy;
	uint32_t do_attrs;   /* bit n set: attribute n is valid in a do */
	uint32_t dump_attrs; /* the same for a dump */
	bool admin;	     /* uid 0 or the admin group only */
	/* 0 (ACK if asked, ext->msg as a warning) or -errno (error + extack). */
	int (*doit)(struct genl_req *req);
	/* Starts a dump with genl_dump_start; no ACK follows. */
	int (*dumpit)(struct genl_req *req);
};

struct genl_family {
	uint16_t id;
	const char *name;
	uint8_t version; /* of replies */
	const struct genl_op *ops;
	unsigned int n_ops;
};

/* The op table of the mcr family (nlctrl's is in ctrl.h). */
extern const struct genl_family genl_mcr_family;

#define GENL_ATTR(t) (1u << (t))

/* Starts a message in @buf (at least GENL_HDRLEN + NLMSG_HDRLEN bytes):
 * nlmsghdr and genlmsghdr. */
struct nlmsghdr *genl_msg_start(void *buf, uint16_t type, uint16_t flags, uint32_t seq,
				uint32_t port, uint8_t cmd, uint8_t version);
/* The same addressed to the requester of @req (its seq and port). */
struct nlmsghdr *genl_reply_start(const struct genl_req *req, void *buf, uint16_t type,
				  uint8_t cmd);
/* Sends a datagram to @peer, or queues it when the peer's buffer is full
 * (dropped and counted beyond the per-peer bounds). Never blocks. */
void genl_send(struct mcrd *d, const struct genl_peer *peer, const void *buf, size_t len);

/* Fills the next datagram of a dump: appends whole messages at
 * buf + *len while they fit in @limit bytes (a first message that does
 * not fit may use up to GENL_MSG_MAX), resuming after dp->cursor and
 * setting dp->next to the last key it covered. Returns 1 when nothing is
 * left after them, 0 when more remain. */
typedef int (*genl_fill_t)(struct mcrd *d, struct genl_dump *dp, unsigned char *buf, size_t *len,
			   size_t limit);

/* A dump in progress; the key-based cursor survives table changes. */
struct genl_dump {
	uint32_t seq;
	uint32_t port;
	uint16_t type;
	uint8_t cmd;
	uint8_t version;
	uint64_t gen; /* rule-table generation when it began */
	bool intr;    /* the table changed since: NLM_F_DUMP_INTR */
	/* 0 before the first item; otherwise the dump's key of the last item
	 * sent (a rule id, a worker index + 1, an (S,G) pair) */
	uint64_t cursor, next;
	genl_fill_t fill;
	/* rule-get filters: "" and 0 mean any */
	char iif[IFNAMSIZ];
	uint32_t group;
};

/* Flags of the messages of a dump part: NLM_F_MULTI, and NLM_F_DUMP_INTR
 * once the table changed. */
uint16_t genl_dump_flags(const struct genl_dump *dp);

/* Starts the dump @tmpl (seq, port, type, cmd and version are taken from
 * the request) and sends what the peer can take now. Returns 0, or -EBUSY
 * with an extack when the peer already dumps or too many dumps run. */
int genl_dump_start(struct genl_req *req, const struct genl_dump *tmpl);

/* Whether @peer may change rules: uid 0 or the admin group. */
bool genl_may_change(const struct mcrd *d, const struct genl_peer *peer);

/* The op handlers. */
int genl_rule_new(struct genl_req *req);
int genl_rule_del(struct genl_req *req);
int genl_rule_get(struct genl_req *req);
int genl_rule_dump(struct genl_req *req);
int genl_rule_flush(struct genl_req *req);
int genl_stats_get(struct genl_req *req);
int genl_stats_dump(struct genl_req *req);

/* Appends a u64 attribute, after an empty @pad attribute when its payload
 * would not be 8-byte aligned in memory (as the kernel's nla_put_64bit). */
void genl_put_u64(struct nlmsghdr *nlh, uint16_t type, uint16_t pad, uint64_t v);

struct wstats;
/* Appends the worker nest of worker @id: every counter of @ws, and the cpu
 * unless it is -1 (not pinned). */
void genl_put_worker(struct nlmsghdr *nlh, unsigned int id, const struct wstats *ws, int cpu);
int genl_daemon_get(struct genl_req *req);
int genl_mroute_dump(struct genl_req *req);

#endif

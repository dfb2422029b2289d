/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The rule model shared by mcrd and its clients, its semantic validation and
 * its netlink encoding. Addresses are kept in network byte order, ports in
 * host order; 0 means "absent" for src, ports and ttl.
 */
#ifndef MCR_NL_RULE_H
#define MCR_NL_RULE_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <linux/netlink.h>

#include "mcr/mcr_genl.h"
#include "policy.h"

/* Why an output did not send a packet its rule matched. For every output,
 * matched packets of the rule = packets sent + the sum of these. */
enum mcr_drop {
	MCR_DROP_TTL,	       /* the packet would have left with TTL 0 */
	MCR_DROP_TOO_BIG,      /* longer than the output interface's MTU */
	MCR_DROP_LINK_DOWN,    /* the output interface is down or missing */
	MCR_DROP_NO_SRC,       /* src ifaddr, but the interface has no IPv4 address */
	MCR_DROP_TX_RING_FULL, /* no free transmit slot */
	MCR_DROP_TX_ERROR,     /* the kernel refused the send */
	MCR_DROP__MAX
};

/* Rules count matched packets in packets/bytes (drops stay 0); outputs
 * count sent packets and the drops. Bytes are IP datagram bytes (IP header
 * included, Ethernet header not), as the kernel's multicast routing counts. */
struct mcr_counters {
	uint64_t packets;
	uint64_t bytes;
	uint64_t drops[MCR_DROP__MAX];
	/* the kernel path: for a rule, the counters of its (S,G) entries
	 * (SIOCGETSGCNT); for an output on the kernel path, the packets and
	 * bytes its interface's VIF sent (SIOCGETVIFCNT: every rule's) */
	uint64_t kernel_packets;
	uint64_t kernel_bytes;
	uint64_t kernel_wrong_if; /* rules only */
};

/* Who sends an output's packets (replies only). */
enum mcr_path {
	MCR_PATH_WORKER,
	MCR_PATH_KERNEL,
};

struct mcr_output {
	char oif[IFNAMSIZ];
	uint32_t group;   /* network order; 0 = the input group */
	uint16_t port;    /* 0 = the input port */
	uint8_t ttl;      /* 0 = input TTL - 1 */
	uint8_t src_mode; /* enum mcr_src_mode */
	uint32_t src;     /* network order; only for MCR_SRC_MODE_ADDR */
	uint8_t path;     /* enum mcr_path (replies only) */
	uint8_t vif;      /* the VIF, when path is MCR_PATH_KERNEL */
	struct mcr_counters stats;
};

struct mcr_rule {
	uint32_t id;      /* 0 until the daemon assigns one */
	char iif[IFNAMSIZ];
	uint32_t src;     /* network order; 0 = any source */
	uint32_t group;   /* network order */
	uint16_t port;    /* 0 = any port */
	uint32_t flags;   /* enum mcr_rule_flags */
	/* mcrd only, never on the wire: the rule table's generation when this
	 * content took effect, so state derived from an older content (the
	 * kernel path's plan, a forwarding table) is known to be stale */
	uint64_t version;
	struct mcr_counters stats;
	unsigned int n_outputs;
	struct mcr_output out[];
};

/* The input key: two rules with equal keys cannot coexist. */
struct mcr_rule_key {
	char iif[IFNAMSIZ];
	uint32_t src;
	uint32_t group;
	uint16_t port;
};

/* Allocates a zeroed rule with room for @n_outputs outputs (NULL on ENOMEM
 * or when n_outputs exceeds MCR_MAX_OUTPUTS). */
struct mcr_rule *mcr_rule_alloc(unsigned int n_outputs);
struct mcr_rule *mcr_rule_dup(const struct mcr_rule *r);
void mcr_rule_free(struct mcr_rule *r);
size_t mcr_rule_size(unsigned int n_outputs);

void mcr_rule_key(const struct mcr_rule *r, struct mcr_rule_key *key);
bool mcr_rule_key_equal(const struct mcr_rule_key *a,
			const struct mcr_rule_key *b);
/* Same input and same outputs (ids, flags and counters are not compared). */
bool mcr_rule_same(const struct mcr_rule *a, const struct mcr_rule *b);

/* Effective destination of an output: its own group/port or the input's. */
uint32_t mcr_output_group(const struct mcr_rule *r, const struct mcr_output *o);
uint16_t mcr_output_port(const struct mcr_rule *r, const struct mcr_output *o);

/* Whether the output sends to another group or port than it received. */
bool mcr_output_rewrites(const struct mcr_rule *r, const struct mcr_output *o);

/* Effective source mode: auto resolved (keep without rewrite, else ifaddr). */
uint8_t mcr_output_src_mode(const struct mcr_rule *r, const struct mcr_output *o);

/*
 * Whether the kernel's multicast routing would send exactly the packet this
 * output sends, so that an MFC entry can forward it: same group and port
 * (and the input takes any port, since an MFC entry cannot look at ports),
 * source kept, TTL decremented.
 */
bool mcr_output_kernel(const struct mcr_rule *r, const struct mcr_output *o);

/* 1..15 bytes, not "." or "..", no '/', ':' or white space (the kernel's
 * dev_valid_name). */
bool mcr_ifname_valid(const char *name);
bool mcr_addr_is_multicast(uint32_t addr_be);
bool mcr_addr_is_unicast(uint32_t addr_be);

/*
 * Checks what one rule can check alone: interface names, groups multicast,
 * sources unicast, 1..MCR_MAX_OUTPUTS outputs, src-mode consistent with
 * src, no output identical to another, no output that sends back into its
 * own input. Returns 0 or -EINVAL with a sentence in ext (ext->attr is left
 * NULL: the caller knows which attribute it decoded from).
 */
int mcr_rule_validate(const struct mcr_rule *r, struct mcr_extack *ext);

/*
 * Decodes a rule from attributes validated against mcr_rule_policy or
 * mcr_rule_req_policy (tb from mcr_attr_parse; the stream [data, data+len)
 * is walked again for the repeated outputs). Does not call
 * mcr_rule_validate. Returns 0 and *out (caller frees), -EINVAL with an
 * extack naming the attribute, or -ENOMEM.
 */
int mcr_rule_decode(const void *data, size_t len, const struct nlattr **tb,
		    struct mcr_rule **out, struct mcr_extack *ext);

/* What mcr_rule_put writes. */
enum {
	MCR_PUT_REQUEST = 0,      /* input and outputs only, id when set */
	MCR_PUT_STATE = 1 << 0,   /* flags; each output's path, and vif on the kernel path */
	/* rule and output counters (drops: outputs only; kernel counters on
	 * kernel-path outputs, and on rules that have one or counted some) */
	MCR_PUT_STATS = 1 << 1,
};

/*
 * Appends the rule's attributes to @nlh (built with libmnl). Returns 0, or
 * -EMSGSIZE when they do not fit in @buflen bytes from the start of nlh (the
 * message is then left as it was).
 */
int mcr_rule_put(struct nlmsghdr *nlh, size_t buflen, const struct mcr_rule *r,
		 unsigned int what);

/* Upper bound of the bytes mcr_rule_put adds. */
size_t mcr_rule_put_size(const struct mcr_rule *r, unsigned int what);

/* Dotted quad of a network-order address into a static-free buffer. */
const char *mcr_ntop(uint32_t addr_be, char buf[16]);

#endif

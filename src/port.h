/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The packet sockets of the data plane, per interface and per worker.
 *
 * An input interface has an rx_port: one AF_PACKET socket per worker, each
 * with a TPACKET_V3 ring, all in one fanout group, so the kernel hands each
 * frame to exactly one worker (PACKET_FANOUT_HASH keeps a flow on one
 * worker, and so in order). An output interface has a tx_port: one socket
 * per worker, bound with protocol 0 so it never receives.
 *
 * Ports are created and closed by the control thread only. A worker uses
 * the socket of its own index, reads and writes only that socket's
 * worker-side fields, and never sees a port whose tables it has moved past:
 * ports are closed only after the grace period of the last table that
 * listed them (dataplane.c).
 */
#ifndef MCRD_PORT_H
#define MCRD_PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <linux/if_packet.h>

/* How workers send (mcrd --egress). */
enum egress_mode {
	EGRESS_URING, /* one io_uring SEND per frame */
	EGRESS_MMSG,  /* one sendmmsg per output per batch */
	EGRESS_RING,  /* TPACKET_V2 TX ring, one io_uring kick per output per batch */
	EGRESS__MAX
};

extern const char *const egress_names[EGRESS__MAX];

/* One worker's RX socket of an input interface. */
struct rx_ring {
	int fd;
	uint8_t *map;
	size_t map_len;
	uint32_t block_size;
	uint32_t n_blocks;
	uint32_t cur; /* next block to read: the worker's */
	/* PACKET_STATISTICS resets when read: the control thread's sums */
	uint64_t drops;
	uint64_t freezes;
} __attribute__((aligned(64)));

struct rx_port {
	int ifindex;
	unsigned int refs; /* tables listing it */
	uint16_t fanout_id;
	unsigned int n; /* workers */
	struct rx_ring *ring;
	uint32_t *groups; /* what the BPF filter was built from, sorted */
	size_t n_groups;
	bool wide_filter; /* the filter passes every group */
	uint8_t (*macs)[6]; /* packet memberships of ring[0], sorted */
	size_t n_macs;
	bool allmulti; /* ring[0] asks for all multicast (too many groups for MACs) */
	struct rx_port *next; /* the registry's list */
};

/* Frames queued on a socket for one sendmmsg (EGRESS_MMSG). */
#define TX_MMSG_BATCH 256

/* One worker's egress socket of an output interface. */
struct tx_sock {
	int fd;
	/* EGRESS_RING: the mapped TX ring, and the next slot to write */
	uint8_t *map;
	size_t map_len;
	uint32_t frame_size;
	uint32_t n_frames;
	uint32_t cur;
	uint32_t queued; /* slots written since the last kick */
	/* EGRESS_MMSG: the batch */
	struct mmsghdr *msgs;
	struct iovec *iov;
	void **cells;
	unsigned int n_msgs;
	bool touched; /* on the worker's list of sockets to flush */
	struct tx_sock *next_touched;
} __attribute__((aligned(64)));

struct tx_port {
	int ifindex;
	unsigned int refs;
	enum egress_mode mode;
	uint32_t frame_cap; /* largest frame its sockets take */
	unsigned int n;
	struct tx_sock *sock;
	struct tx_port *next;
};

struct rx_cfg {
	uint32_t block_size; /* bytes, a multiple of the page size */
	uint32_t n_blocks;
	uint32_t block_tov_ms; /* a partly filled block is handed over after this */
	uint32_t fanout_mode;  /* PACKET_FANOUT_HASH, _CPU, _LB */
};

/*
 * Opens the sockets of input @ifindex for @n workers: ring, filter for
 * @groups (see bpf.h), bind, fanout group with a kernel-chosen unique id
 * (PACKET_FANOUT_FLAG_UNIQUEID, so no other program's group can be
 * joined by mistake) and PACKET_FANOUT_FLAG_DEFRAG, and registers socket i
 * in epfds[i] (EPOLLIN, data.ptr = the ring). Returns 0 or -errno with a
 * sentence in @err.
 */
int rx_port_open(struct rx_port **out, int ifindex, unsigned int n, const int *epfds,
		 const struct rx_cfg *cfg, const uint32_t *groups, size_t n_groups, char *err,
		 size_t errlen);

/* Reads the last statistics, unregisters from the epolls and closes. */
void rx_port_close(struct rx_port *p, const int *epfds);

/* Rebuilds the filter for a new group list (nothing when it is the same).
 * Returns 0 or -errno. */
int rx_port_set_groups(struct rx_port *p, const uint32_t *groups, size_t n);

/* Adds PACKET_STATISTICS of one socket, or of every socket of a port, to
 * its ring's sums. */
void rx_ring_read_stats(struct rx_ring *r);
void rx_port_read_stats(struct rx_port *p);

/*
 * Opens the sockets of output @ifindex for @n workers, for @mode, taking
 * frames up to @frame_cap bytes. Returns 0 or -errno with a sentence.
 */
int tx_port_open(struct tx_port **out, int ifindex, unsigned int n, enum egress_mode mode,
		 uint32_t frame_cap, bool qdisc_bypass, char *err, size_t errlen);
void tx_port_close(struct tx_port *p);

#endif

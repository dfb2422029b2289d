// SPDX-License-Identifier: GPL-2.0-or-later
/* mcr-sink: command line, setup, readiness and exit. */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "sink.h"
#include "toolargs.h"

#define DEFAULT_PORT 5001
#define DEFAULT_IDLE 2.0
#define DEFAULT_RCVBUF (32 << 20)
#define DEFAULT_BATCH 64
#define DEFAULT_MAX_STREAMS 4096
#define DEFAULT_WINDOW 65536
#define MAX_WINDOW (1u << 24)

static const char help_text[] =
    "NAME\n"
    "       mcr-sink - receive mcr-gen streams and count every packet exactly once\n"
    "\n"
    "SYNOPSIS\n"
    "       mcr-sink [OPTIONS] GROUP:PORT[,GROUP:PORT...]...\n"
    "       mcr-sink [OPTIONS] --streams N --group-base GROUP [--port-base PORT]\n"
    "\n"
    "DESCRIPTION\n"
    "       Joins the groups, receives datagrams sent by mcr-gen (format in\n"
    "       nl/stream.h of the mcr sources) and accounts each one to its stream:\n"
    "       the stream id in the payload together with the group and port it\n"
    "       arrived on, so a relay that rewrites group or port shows as such.\n"
    "       For every stream it reports the source address and TTL seen, packets\n"
    "       received, lost, duplicated and reordered (judged from the sequence\n"
    "       numbers), corrupt payloads (the pattern after the header differs)\n"
    "       and datagrams whose length differs from the one the sender wrote.\n"
    "       With --latency it also reports one-way delay from the send\n"
    "       timestamps (CLOCK_REALTIME: exact on one host, across hosts as good\n"
    "       as their clock synchronisation).\n"
    "\n"
    "       Each destination port gets one socket bound to INADDR_ANY:PORT with\n"
    "       SO_REUSEADDR. A port with at most net.ipv4.igmp_max_memberships\n"
    "       groups joins them on that socket, with IP_MULTICAST_ALL off, so only\n"
    "       those groups arrive; a port with more groups joins them through a pool\n"
    "       of helper sockets, each holding up to that limit, and datagrams for\n"
    "       groups not asked for are counted as foreign. Reception uses recvmmsg\n"
    "       and allocates nothing per packet.\n"
    "\n"
    "       Duplicates and reordering are told apart exactly for packets less\n"
    "       than --window sequence numbers behind the highest seen; older\n"
    "       arrivals are counted as old (they may hide in lost).\n"
    "\n"
    "       It stops after --count packets, after --timeout, after --idle seconds\n"
    "       without packets once one has arrived, or on SIGINT or SIGTERM, and\n"
    "       then prints the report.\n"
    "\n"
    "DESTINATIONS\n"
    "       GROUP:PORT[,...]\n"
    "              Groups and ports to receive. Several arguments add up.\n"
    "       --streams N\n"
    "              N destinations: group GROUP + i * GSTEP, port PORT + i * PSTEP for\n"
    "              i = 0..N-1 (at most 65536), as mcr-gen makes them.\n"
    "       --group-base GROUP    first group (required with --streams)\n"
    "       --port-base PORT      first port (default 5001)\n"
    "       --group-step GSTEP    group increment (default 1)\n"
    "       --port-step PSTEP     port increment (default 0)\n"
    "       -i, --interface IFNAME\n"
    "              Join on IFNAME and count datagrams arriving elsewhere as\n"
    "              foreign. Without it the route to each group picks the interface.\n"
    "       --source ADDR\n"
    "              Source-specific joins: only ADDR's traffic is accepted.\n"
    "\n"
    "STOPPING\n"
    "       -c, --count N     stop after N packets in all (k, M, G allowed)\n"
    "       -w, --timeout SEC stop SEC seconds after the start (default: never)\n"
    "       --idle SEC        stop SEC seconds after the last packet, once one\n"
    "                         came (default 2; 0: never)\n"
    "       SEC may be fractional or carry ms: 1.5, 500ms.\n"
    "\n"
    "ACCOUNTING\n"
    "       -e, --expect N\n"
    "              Every stream should carry sequence numbers 0..N-1: loss is\n"
    "              counted against them, so missing first or last packets count.\n"
    "              Without it loss is counted between the lowest and highest\n"
    "              number seen. A stream that never arrives has no line: check\n"
    "              the number of streams.\n"
    "       -l, --latency\n"
    "              Report one-way delay per stream and in total: min, avg, p50,\n"
    "              p99, max (quantiles within 1.6%), from kernel receive\n"
    "              timestamps (SO_TIMESTAMPNS).\n"
    "       --window N\n"
    "              Sequence numbers remembered per stream, a power of two,\n"
    "              64..16777216 (default 65536: 8 KiB per stream).\n"
    "       --max-streams N\n"
    "              Streams to make room for (default 4096 or twice the number of\n"
    "              destinations, whichever is larger); packets of further streams\n"
    "              count as overflow.\n"
    "\n"
    "TUNING\n"
    "       --rcvbuf BYTES    socket receive buffer (default 33554432; root\n"
    "                         exceeds net.core.rmem_max with SO_RCVBUFFORCE)\n"
    "       --batch N         datagrams per recvmmsg call, 1..1024 (default 64)\n"
    "       --cpu N           pin to CPU N\n"
    "\n"
    "OUTPUT\n"
    "       --ready-file PATH\n"
    "              Once every group is joined, write the pid to PATH (atomically,\n"
    "              through a rename): start the sender when it exists.\n"
    "       -j, --json     the report as one JSON object\n"
    "       -q, --quiet    no table\n"
    "       -h, --help     this text\n"
    "       -V, --version  the version\n"
    "\n"
    "       The table has one line per stream, sorted by stream id, and a total.\n"
    "       Columns: stream id; destination group:port; source (the last\n"
    "       sender); ttl (a range when it varied); received (every datagram\n"
    "       of the stream, duplicates included); lost; dup; reord (arrived after\n"
    "       a higher number); corrupt; badlen; first and last (lowest and\n"
    "       highest sequence number); with --latency min/avg/p50/p99/max in us.\n"
    "       Below it: old, invalid (not mcr-gen payloads), foreign, overflow and\n"
    "       rcvbuf drops (datagrams the kernel dropped because this sink's\n"
    "       socket buffer was full, as far as the last packet told).\n"
    "\n"
    "       JSON: {\"streams\": [{\"stream\", \"group\", \"port\", \"src\",\n"
    "       \"src_changes\", \"ttl\", \"ttl_min\", \"ttl_max\", \"received\", \"bytes\",\n"
    "       \"lost\", \"duplicated\", \"reordered\", \"max_reorder\", \"old\", \"corrupt\",\n"
    "       \"wrong_length\", \"first_seq\", \"last_seq\", [\"expected\"],\n"
    "       [\"latency_ns\": {\"count\", \"min\", \"avg\", \"p50\", \"p99\", \"max\",\n"
    "       \"negative\"}]}, ...], \"total\": {\"streams\", the same counters,\n"
    "       \"invalid\", \"foreign\", \"overflow\", \"rcvbuf_drops\", \"seconds\", \"pps\",\n"
    "       [\"latency_ns\"]}}\n"
    "\n"
    "EXIT STATUS\n"
    "       0 it ran (judge the numbers), 1 bad arguments, 2 setup failed\n"
    "       (interface, socket, bind, join, ready file, CPU).\n"
    "\n"
    "EXAMPLES\n"
    "       mcr-sink -i veth1 -c 1000 -j 239.1.1.1:5001\n"
    "       mcr-sink -i veth1 --streams 50 --group-base 239.1.0.1 -e 200 \\\n"
    "                --ready-file /tmp/ready --latency\n"
    "\n"
    "SEE ALSO\n"
    "       mcr-gen(1), mcrd(8)\n";

enum {
	OPT_SOURCE = 256,
	OPT_STREAMS,
	OPT_GROUP_BASE,
	OPT_PORT_BASE,
	OPT_GROUP_STEP,
	OPT_PORT_STEP,
	OPT_IDLE,
	OPT_WINDOW,
	OPT_MAX_STREAMS,
	OPT_RCVBUF,
	OPT_BATCH,
	OPT_CPU,
	OPT_READY_FILE,
};

static const struct option long_opts[] = {
    {"interface", required_argument, NULL, 'i'},
    {"source", required_argument, NULL, OPT_SOURCE},
    {"streams", required_argument, NULL, OPT_STREAMS},
    {"group-base", required_argument, NULL, OPT_GROUP_BASE},
    {"port-base", required_argument, NULL, OPT_PORT_BASE},
    {"group-step", required_argument, NULL, OPT_GROUP_STEP},
    {"port-step", required_argument, NULL, OPT_PORT_STEP},
    {"count", required_argument, NULL, 'c'},
    {"timeout", required_argument, NULL, 'w'},
    {"idle", required_argument, NULL, OPT_IDLE},
    {"expect", required_argument, NULL, 'e'},
    {"latency", no_argument, NULL, 'l'},
    {"window", required_argument, NULL, OPT_WINDOW},
    {"max-streams", required_argument, NULL, OPT_MAX_STREAMS},
    {"rcvbuf", required_argument, NULL, OPT_RCVBUF},
    {"batch", required_argument, NULL, OPT_BATCH},
    {"cpu", required_argument, NULL, OPT_CPU},
    {"ready-file", required_argument, NULL, OPT_READY_FILE},
    {"json", no_argument, NULL, 'j'},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

struct sink_args {
	struct sink_opts o;
	uint64_t streams;
	uint32_t group_base;
	uint64_t port_base, group_step, port_step;
	bool max_streams_set;
};

static const struct tool_args targs = { "mcr-sink", long_opts };

/* The shared wording of refused arguments (nl/toolargs.h). */
#define usage_error(...) tool_usage_error(&targs, __VA_ARGS__)
#define bad_value(opt, val, why) tool_bad_value(&targs, opt, val, why)
#define arg_uint(opt, s, min, max) tool_arg_uint(&targs, opt, s, min, max)
#define arg_addr(opt, s) tool_arg_addr(&targs, opt, s)
#define opt_name(val) tool_opt_name(&targs, val)
#define arg_seconds(opt, s) tool_arg_seconds(&targs, opt, s)

static void oom(void)
{
	fprintf(stderr, "mcr-sink: out of memory\n");
	exit(2);
}

static void add_dests(struct sink_args *a, const char *list)
{
	struct sink_opts *o = &a->o;
	const char *bad;
	int n;

	if (!o->dests && !(o->dests = calloc(SINK_MAX_DESTS, sizeof(*o->dests))))
		oom();
	n = mcr_dest_parse_list(list, o->dests + o->n_dests, SINK_MAX_DESTS - o->n_dests, &bad);
	if (n == -E2BIG)
		usage_error("more than %d destinations", SINK_MAX_DESTS);
	if (n < 0)
		usage_error("destination '%.*s': expected GROUP:PORT with PORT 1..65535",
			    (int)strcspn(bad, ","), bad);
	o->n_dests += (size_t)n;
}

static void parse_dest_opt(struct sink_args *a, int c, const char *arg)
{
	switch (c) {
	case OPT_STREAMS:
		a->streams = arg_uint(c, arg, 1, SINK_MAX_DESTS);
		break;
	case OPT_GROUP_BASE:
		a->group_base = arg_addr(c, arg);
		break;
	case OPT_PORT_BASE:
		a->port_base = arg_uint(c, arg, 1, 65535);
		break;
	case OPT_GROUP_STEP:
		a->group_step = arg_uint(c, arg, 0, UINT32_MAX);
		break;
	default:
		a->port_step = arg_uint(c, arg, 0, 65535);
		break;
	}
}

static void parse_opt(struct sink_args *a, int c, const char *arg)
{
	struct sink_opts *o = &a->o;
	uint64_t w;

	switch (c) {
	case 'i':
		if (!*arg || strlen(arg) >= IF_NAMESIZE)
			bad_value(c, arg, "expected an interface name");
		strcpy(o->ifname, arg);
		break;
	case OPT_SOURCE:
		o->source = arg_addr(c, arg);
		break;
	case OPT_STREAMS:
	case OPT_GROUP_BASE:
	case OPT_PORT_BASE:
	case OPT_GROUP_STEP:
	case OPT_PORT_STEP:
		parse_dest_opt(a, c, arg);
		break;
	case 'c':
		o->count = arg_uint(c, arg, 1, UINT64_MAX);
		break;
	case 'w':
		o->timeout = arg_seconds(c, arg);
		break;
	case OPT_IDLE:
		o->idle = arg_seconds(c, arg);
		break;
	case 'e':
		o->expect = arg_uint(c, arg, 1, UINT64_MAX);
		break;
	case 'l':
		o->latency = true;
		break;
	case OPT_WINDOW:
		w = arg_uint(c, arg, 64, MAX_WINDOW);
		if (w & (w - 1))
			bad_value(c, arg, "expected a power of two");
		o->window = (uint32_t)w;
		break;
	case OPT_MAX_STREAMS:
		o->max_streams = (uint32_t)arg_uint(c, arg, 1, 1u << 20);
		a->max_streams_set = true;
		break;
	case OPT_RCVBUF:
		o->rcvbuf = (int)arg_uint(c, arg, 4096, 1u << 30);
		break;
	case OPT_BATCH:
		o->batch = (unsigned int)arg_uint(c, arg, 1, SINK_MAX_BATCH);
		break;
	case OPT_CPU:
		o->cpu = (int)arg_uint(c, arg, 0, CPU_SETSIZE - 1);
		break;
	case OPT_READY_FILE:
		if (!*arg)
			bad_value(c, arg, "expected a path");
		o->ready_file = arg;
		break;
	case 'j':
		o->json = true;
		break;
	case 'q':
		o->quiet = true;
		break;
	default:
		usage_error("internal: unhandled option %d", c);
	}
}

static void expand_streams(struct sink_args *a)
{
	struct sink_opts *o = &a->o;

	if (o->n_dests)
		usage_error("--streams and GROUP:PORT arguments exclude each other");
	if (!a->group_base)
		usage_error("--streams needs --group-base");
	if (!(o->dests = calloc(a->streams, sizeof(*o->dests))))
		oom();
	if (mcr_dest_expand(o->dests, a->streams, a->group_base, (uint16_t)a->port_base,
			    (uint32_t)a->group_step, (uint32_t)a->port_step))
		usage_error("--streams %llu: groups or ports run out of range",
			    (unsigned long long)a->streams);
	o->n_dests = a->streams;
}

/* Sorted by (port, group) without repeats, as the receive side needs. */
static void normalize_dests(struct sink_opts *o)
{
	size_t i, n = 0;
	char buf[INET_ADDRSTRLEN];

	qsort(o->dests, o->n_dests, sizeof(*o->dests), sink_dest_cmp);
	for (i = 0; i < o->n_dests; i++) {
		if (!IN_MULTICAST(ntohl(o->dests[i].addr))) {
			inet_ntop(AF_INET, &o->dests[i].addr, buf, sizeof(buf));
			usage_error("destination '%s:%u': not a multicast group", buf,
				    o->dests[i].port);
		}
		if (n && !sink_dest_cmp(&o->dests[n - 1], &o->dests[i]))
			continue;
		o->dests[n++] = o->dests[i];
	}
	o->n_dests = n;
}

static void finish_args(struct sink_args *a)
{
	struct sink_opts *o = &a->o;

	if (a->streams)
		expand_streams(a);
	else if (a->group_base)
		usage_error("--group-base needs --streams");
	if (!o->n_dests)
		usage_error("no destination: give GROUP:PORT or --streams");
	normalize_dests(o);
	if (!a->max_streams_set && o->n_dests * 2 > o->max_streams)
		o->max_streams = (uint32_t)(o->n_dests * 2);
}

static void parse_args(struct sink_args *a, int argc, char **argv)
{
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":i:c:w:e:ljqhV", long_opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(help_text, stdout);
			exit(0);
		case 'V':
			printf("mcr-sink %s\n", MCR_VERSION);
			exit(0);
		case ':':
			usage_error("option %s needs a value",
				    optopt ? opt_name(optopt) : argv[optind - 1]);
		case '?':
			if (optopt)
				usage_error("unknown option '-%c'", optopt);
			usage_error("unknown option '%s'", argv[optind - 1]);
		default:
			parse_opt(a, c, optarg);
		}
	}
	for (; optind < argc; optind++)
		add_dests(a, argv[optind]);
	finish_args(a);
}

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

/* Signals stay blocked except inside epoll_pwait, so none is missed
 * between the check of stop_flag and the wait. */
static int setup_process(struct sink_opts *o)
{
	struct sigaction sa = {.sa_handler = on_signal};
	sigset_t block;
	cpu_set_t set;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, NULL);
	if (o->ifname[0] && !(o->ifindex = (int)if_nametoindex(o->ifname))) {
		fprintf(stderr, "mcr-sink: no interface %s\n", o->ifname);
		return -ENODEV;
	}
	if (o->cpu < 0)
		return 0;
	CPU_ZERO(&set);
	CPU_SET(o->cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		fprintf(stderr, "mcr-sink: cannot pin to CPU %d: %s\n", o->cpu, strerror(errno));
		return -errno;
	}
	return 0;
}

static int write_ready(const char *path)
{
	char tmp[4096];
	FILE *f;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	fprintf(f, "%d\n", (int)getpid());
	if (fclose(f) || rename(tmp, path))
		return -errno;
	return 0;
}

/* Everything after the command line; returns the exit status. */
static int sink_main(struct sink_opts *o)
{
	struct sink_totals tot = {0};
	struct sink_rx *rx = NULL;
	struct sink_table t;
	int err;

	if (setup_process(o))
		return 2;
	if (sink_table_init(&t, o->max_streams, o->window, o->latency)) {
		fprintf(stderr, "mcr-sink: out of memory\n");
		return 2;
	}
	err = sink_rx_open(o, &rx);
	if (err == -ENOMEM)
		fprintf(stderr, "mcr-sink: out of memory\n");
	if (!err && o->ready_file && (err = write_ready(o->ready_file)))
		fprintf(stderr, "mcr-sink: cannot write %s: %s\n", o->ready_file, strerror(-err));
	if (!err) {
		sink_rx_run(rx, &t, &tot, &stop_flag);
		sink_report(o, &t, &tot);
	}
	sink_rx_close(rx);
	sink_table_free(&t);
	return err ? 2 : 0;
}

int main(int argc, char **argv)
{
	struct sink_args a = {
	    .o = {.idle = DEFAULT_IDLE,
		  .rcvbuf = DEFAULT_RCVBUF,
		  .batch = DEFAULT_BATCH,
		  .cpu = -1,
		  .max_streams = DEFAULT_MAX_STREAMS,
		  .window = DEFAULT_WINDOW},
	    .port_base = DEFAULT_PORT,
	    .group_step = 1,
	};
	int rc;

	parse_args(&a, argc, argv);
	rc = sink_main(&a.o);
	free(a.o.dests);
	return rc;
}

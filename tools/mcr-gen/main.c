// SPDX-License-Identifier: GPL-2.0-or-later
/* mcr-gen: command line, setup and summary. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/prctl.h>

#include "gen.h"
#include "toolargs.h"

#define DEFAULT_RATE 1000
#define DEFAULT_SIZE 1024
#define DEFAULT_BATCH 32
#define DEFAULT_PORT 5001

static const char help_text[] =
    "NAME\n"
    "       mcr-gen - send numbered UDP test streams to multicast groups\n"
    "\n"
    "SYNOPSIS\n"
    "       mcr-gen [OPTIONS] GROUP:PORT[,GROUP:PORT...]...\n"
    "       mcr-gen [OPTIONS] --streams N --group-base GROUP [--port-base PORT]\n"
    "\n"
    "DESCRIPTION\n"
    "       Sends UDP datagrams to each destination in turn, one stream per\n"
    "       destination. Every payload starts with a header (stream id, sequence\n"
    "       number counted from 0 per stream, CLOCK_REALTIME send time, length,\n"
    "       check) followed by a pattern derived from stream and sequence number,\n"
    "       so that mcr-sink can count loss, duplicates and reordering per\n"
    "       stream, prove every payload intact and measure one-way latency.\n"
    "       Payloads shorter than 32 bytes carry an 18-byte compact header\n"
    "       (32-bit sequence number, 48-bit timestamp). The format is specified\n"
    "       in nl/stream.h of the mcr sources.\n"
    "\n"
    "       Pacing follows an absolute schedule: packet k of the run is due at\n"
    "       start + k / rate. The sender sleeps (clock_nanosleep) until packets\n"
    "       are due, waking at most every 50 us, and sends what is due with\n"
    "       sendmmsg in bursts of at most --batch; when it falls behind it\n"
    "       catches up at full speed. Without --count or --duration it runs until\n"
    "       SIGINT or SIGTERM. At the end it prints a summary.\n"
    "\n"
    "DESTINATIONS\n"
    "       GROUP:PORT[,...]\n"
    "              Destinations (any IPv4 address; normally multicast groups).\n"
    "              Several arguments add up. Stream ids are --stream-id, +1, ...\n"
    "              in the order given.\n"
    "       --streams N\n"
    "              N destinations: address GROUP + i * GSTEP, port PORT + i * PSTEP\n"
    "              for i = 0..N-1 (at most 65536), from the four options below.\n"
    "       --group-base GROUP    first address (required with --streams)\n"
    "       --port-base PORT      first port (default 5001)\n"
    "       --group-step GSTEP    address increment (default 1)\n"
    "       --port-step PSTEP     port increment (default 0)\n"
    "       --stream-id ID\n"
    "              Id of the first stream (default 0). Give generators that feed\n"
    "              one sink distinct ranges.\n"
    "\n"
    "RATE AND AMOUNT\n"
    "       -r, --rate PPS\n"
    "              Packets per second over all streams, spread evenly (default\n"
    "              1000). Suffixes k, M, G multiply by 1000. 0 sends as fast as\n"
    "              possible.\n"
    "       -b, --bitrate BPS\n"
    "              Instead of --rate: UDP payload bits per second over all streams,\n"
    "              e.g. 100M; the rate is BPS / (8 * SIZE) packets per second.\n"
    "       -c, --count N\n"
    "              Packets to send in all, over all streams (k, M, G allowed).\n"
    "              Destinations take turns, so with S streams each gets N / S\n"
    "              packets when N is a multiple of S (the first N mod S streams get\n"
    "              one more otherwise). Default: no limit.\n"
    "       -d, --duration SEC\n"
    "              Stop after SEC seconds (2, 0.5, 500ms). Default: no limit.\n"
    "       -s, --size BYTES\n"
    "              UDP payload size, 18..8972 (default 1024). 8972 fills a 9000-byte\n"
    "              MTU; 18 makes minimum-size (64-byte) Ethernet frames.\n"
    "       --batch N\n"
    "              Datagrams per sendmmsg call, 1..1024 (default 32).\n"
    "       --seq-start N\n"
    "              First sequence number of every stream (default 0).\n"
    "\n"
    "SOCKET\n"
    "       -i, --interface IFNAME\n"
    "              Send multicast out of IFNAME (IP_MULTICAST_IF by index); without\n"
    "              it the routing table decides.\n"
    "       --source ADDR[:PORT]\n"
    "              Bind to this source address (and port).\n"
    "       -t, --ttl N\n"
    "              IP TTL, 0..255 (default 1, the kernel's multicast default: a\n"
    "              relay between generator and sink needs 2 or more).\n"
    "       --tos N\n"
    "              IP TOS byte (DSCP << 2 | ECN), 0..255, decimal or 0x hex.\n"
    "       --no-loop\n"
    "              Do not loop multicast back to listeners on this host.\n"
    "       --cpu N\n"
    "              Pin the generator to CPU N.\n"
    "       --raw\n"
    "              Build whole Ethernet/IPv4/UDP frames (checksums included) and\n"
    "              send them through an AF_PACKET socket on --interface, past the\n"
    "              local UDP/IP stack and the qdisc: for rates a UDP socket cannot\n"
    "              offer. Multicast destinations only (the MAC follows from the\n"
    "              group); needs CAP_NET_RAW; the frame must fit the MTU. Source\n"
    "              address: --source, else the interface's; source port: the one\n"
    "              in --source, else one from the ephemeral range.\n"
    "\n"
    "OUTPUT\n"
    "       -j, --json     The summary as one JSON object.\n"
    "       -q, --quiet    No text summary (errors still go to stderr).\n"
    "       -h, --help     This text.\n"
    "       -V, --version  The version.\n"
    "\n"
    "       The summary gives: sent, the datagrams the kernel accepted; failed,\n"
    "       the packets that used a sequence number but could not be sent, by\n"
    "       errno (mcr-sink counts them as lost); retries, sends repeated after\n"
    "       ENOBUFS, EAGAIN or ENOMEM (those packets went out later, none is\n"
    "       dropped); bytes of UDP payload; seconds from the first send to the\n"
    "       last; the achieved pps and payload bit rate. sent + failed is the\n"
    "       number of packets used, equal to --count when the run completed.\n"
    "       JSON keys: sent, failed, retries, bytes, seconds, pps, bitrate,\n"
    "       streams, size, errors (an object of errno name -> count).\n"
    "\n"
    "EXIT STATUS\n"
    "       0 the run took place (check failed in the summary), 1 bad arguments,\n"
    "       2 setup failed (socket, interface, bind, CPU).\n"
    "\n"
    "EXAMPLES\n"
    "       mcr-gen -i veth0 -t 8 -r 10k -c 1000 239.1.1.1:5001\n"
    "       mcr-gen --streams 50 --group-base 239.1.0.1 -r 50k -c 10000 -j\n"
    "       mcr-gen -s 18 -r 0 -d 10 --cpu 0 239.1.1.1:5001,239.1.1.2:5002\n"
    "\n"
    "SEE ALSO\n"
    "       mcr-sink(1), mcrd(8)\n";

enum {
	OPT_BATCH = 256,
	OPT_SEQ_START,
	OPT_SOURCE,
	OPT_TOS,
	OPT_NO_LOOP,
	OPT_CPU,
	OPT_STREAMS,
	OPT_GROUP_BASE,
	OPT_PORT_BASE,
	OPT_GROUP_STEP,
	OPT_PORT_STEP,
	OPT_STREAM_ID,
	OPT_RAW,
};

static const struct option long_opts[] = {
    {"rate", required_argument, NULL, 'r'},
    {"bitrate", required_argument, NULL, 'b'},
    {"count", required_argument, NULL, 'c'},
    {"duration", required_argument, NULL, 'd'},
    {"size", required_argument, NULL, 's'},
    {"batch", required_argument, NULL, OPT_BATCH},
    {"seq-start", required_argument, NULL, OPT_SEQ_START},
    {"interface", required_argument, NULL, 'i'},
    {"source", required_argument, NULL, OPT_SOURCE},
    {"ttl", required_argument, NULL, 't'},
    {"tos", required_argument, NULL, OPT_TOS},
    {"no-loop", no_argument, NULL, OPT_NO_LOOP},
    {"cpu", required_argument, NULL, OPT_CPU},
    {"streams", required_argument, NULL, OPT_STREAMS},
    {"group-base", required_argument, NULL, OPT_GROUP_BASE},
    {"port-base", required_argument, NULL, OPT_PORT_BASE},
    {"group-step", required_argument, NULL, OPT_GROUP_STEP},
    {"port-step", required_argument, NULL, OPT_PORT_STEP},
    {"stream-id", required_argument, NULL, OPT_STREAM_ID},
    {"raw", no_argument, NULL, OPT_RAW},
    {"json", no_argument, NULL, 'j'},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

/* Everything the command line says before it becomes gen_opts. */
struct gen_args {
	struct gen_opts o;
	size_t dest_cap;
	uint64_t streams;
	uint32_t group_base;
	uint64_t port_base, group_step, port_step;
	double bitrate;
	bool rate_set, bitrate_set;
};

static const struct tool_args targs = { "mcr-gen", long_opts };

/* The shared wording of refused arguments (nl/toolargs.h). */
#define usage_error(...) tool_usage_error(&targs, __VA_ARGS__)
#define bad_value(opt, val, why) tool_bad_value(&targs, opt, val, why)
#define arg_uint(opt, s, min, max) tool_arg_uint(&targs, opt, s, min, max)
#define arg_addr(opt, s) tool_arg_addr(&targs, opt, s)
#define opt_name(val) tool_opt_name(&targs, val)

static int arg_tos(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (!*s || *s == '-' || *end || errno || v > 255)
		bad_value(OPT_TOS, s, "expected 0..255");
	return (int)v;
}

static void arg_source(struct gen_opts *o, const char *s)
{
	char buf[INET_ADDRSTRLEN + 8];
	char *colon;

	if (strlen(s) >= sizeof(buf))
		bad_value(OPT_SOURCE, s, "expected ADDR or ADDR:PORT");
	strcpy(buf, s);
	colon = strchr(buf, ':');
	if (colon) {
		*colon = '\0';
		o->sport = (uint16_t)arg_uint(OPT_SOURCE, colon + 1, 0, 65535);
	}
	o->source = arg_addr(OPT_SOURCE, buf);
}

static void add_dests(struct gen_args *a, const char *list)
{
	struct gen_opts *o = &a->o;
	const char *bad;
	int n;

	if (!o->dests) {
		a->dest_cap = GEN_MAX_STREAMS;
		o->dests = calloc(a->dest_cap, sizeof(*o->dests));
		if (!o->dests) {
			fprintf(stderr, "mcr-gen: out of memory\n");
			exit(2);
		}
	}
	n = mcr_dest_parse_list(list, o->dests + o->n_dests, a->dest_cap - o->n_dests, &bad);
	if (n == -E2BIG)
		usage_error("more than %d destinations", GEN_MAX_STREAMS);
	if (n < 0)
		usage_error("destination '%.*s': expected ADDR:PORT with PORT 1..65535",
			    (int)strcspn(bad, ","), bad);
	o->n_dests += (size_t)n;
}

static void parse_opt(struct gen_args *a, int c, const char *arg)
{
	struct gen_opts *o = &a->o;
	double d;

	switch (c) {
	case 'r':
		if (mcr_parse_scaled(arg, &o->rate))
			bad_value(c, arg, "expected packets per second, e.g. 10k");
		a->rate_set = true;
		break;
	case 'b':
		if (mcr_parse_scaled(arg, &a->bitrate) || a->bitrate <= 0)
			bad_value(c, arg, "expected bits per second, e.g. 100M");
		a->bitrate_set = true;
		break;
	case 'c':
		o->count = arg_uint(c, arg, 1, UINT64_MAX);
		break;
	case 'd':
		if (mcr_parse_seconds(arg, &d) || d <= 0 || d > 1e9)
			bad_value(c, arg, "expected seconds > 0, e.g. 10 or 500ms");
		o->duration = d;
		break;
	case 's':
		o->size = arg_uint(c, arg, MCR_STREAM_MIN_LEN, MCR_STREAM_MAX_LEN);
		break;
	case OPT_BATCH:
		o->batch = (unsigned int)arg_uint(c, arg, 1, GEN_MAX_BATCH);
		break;
	case OPT_SEQ_START:
		o->seq_start = arg_uint(c, arg, 0, UINT64_MAX);
		break;
	case 'i':
		if (!*arg || strlen(arg) >= IF_NAMESIZE)
			bad_value(c, arg, "expected an interface name");
		strcpy(o->ifname, arg);
		break;
	case OPT_SOURCE:
		arg_source(o, arg);
		break;
	case 't':
		o->ttl = (int)arg_uint(c, arg, 0, 255);
		break;
	case OPT_TOS:
		o->tos = arg_tos(arg);
		break;
	case OPT_NO_LOOP:
		o->loop = false;
		break;
	case OPT_CPU:
		o->cpu = (int)arg_uint(c, arg, 0, CPU_SETSIZE - 1);
		break;
	case OPT_STREAMS:
		a->streams = arg_uint(c, arg, 1, GEN_MAX_STREAMS);
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
	case OPT_PORT_STEP:
		a->port_step = arg_uint(c, arg, 0, 65535);
		break;
	case OPT_STREAM_ID:
		o->stream_base = (uint32_t)arg_uint(c, arg, 0, UINT32_MAX);
		break;
	case OPT_RAW:
		o->raw = true;
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

static void expand_streams(struct gen_args *a)
{
	struct gen_opts *o = &a->o;

	if (o->n_dests)
		usage_error("--streams and GROUP:PORT arguments exclude each other");
	if (!a->group_base)
		usage_error("--streams needs --group-base");
	o->dests = calloc(a->streams, sizeof(*o->dests));
	if (!o->dests) {
		fprintf(stderr, "mcr-gen: out of memory\n");
		exit(2);
	}
	if (mcr_dest_expand(o->dests, a->streams, a->group_base, (uint16_t)a->port_base,
			    (uint32_t)a->group_step, (uint32_t)a->port_step))
		usage_error("--streams %llu: addresses or ports run out of range",
			    (unsigned long long)a->streams);
	o->n_dests = a->streams;
}

static void finish_args(struct gen_args *a)
{
	struct gen_opts *o = &a->o;

	if (a->streams)
		expand_streams(a);
	else if (a->group_base)
		usage_error("--group-base needs --streams");
	if (!o->n_dests)
		usage_error("no destination: give GROUP:PORT or --streams");
	if (a->rate_set && a->bitrate_set)
		usage_error("--rate and --bitrate exclude each other");
	if (a->bitrate_set)
		o->rate = a->bitrate / (8.0 * (double)o->size);
	if (o->raw && !o->ifname[0])
		usage_error("--raw needs --interface");
}

static void parse_args(struct gen_args *a, int argc, char **argv)
{
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":r:b:c:d:s:i:t:jqhV", long_opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(help_text, stdout);
			exit(0);
		case 'V':
			printf("mcr-gen %s\n", MCR_VERSION);
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

static const char *errno_name(int err)
{
	const char *n = strerrorname_np(err);

	return n ? n : "unknown";
}

static void print_json(const struct gen_opts *o, const struct gen_stats *st)
{
	double secs = st->seconds > 0 ? st->seconds : 1e-9;
	const char *sep = "";
	int i;

	printf("{\"sent\":%llu,\"failed\":%llu,\"retries\":%llu,\"bytes\":%llu,"
	       "\"seconds\":%.6f,\"pps\":%.1f,\"bitrate\":%.0f,\"streams\":%zu,\"size\":%zu,"
	       "\"errors\":{",
	       (unsigned long long)st->sent, (unsigned long long)st->failed,
	       (unsigned long long)st->retries, (unsigned long long)st->bytes, st->seconds,
	       (double)st->sent / secs, (double)st->bytes * 8 / secs, o->n_dests, o->size);
	for (i = 0; i < GEN_MAX_ERRNOS && st->errors[i].err; i++, sep = ",")
		printf("%s\"%s\":%llu", sep, errno_name(st->errors[i].err),
		       (unsigned long long)st->errors[i].count);
	if (st->other_errors)
		printf("%s\"other\":%llu", sep, (unsigned long long)st->other_errors);
	printf("}}\n");
}

static void print_text(const struct gen_opts *o, const struct gen_stats *st)
{
	double secs = st->seconds > 0 ? st->seconds : 1e-9;
	int i;

	printf("sent %llu packets (%llu bytes) to %zu stream%s in %.3f s: %.0f pps, %.2f Mbit/s\n",
	       (unsigned long long)st->sent, (unsigned long long)st->bytes, o->n_dests,
	       o->n_dests == 1 ? "" : "s", st->seconds, (double)st->sent / secs,
	       (double)st->bytes * 8 / secs / 1e6);
	printf("failed %llu, retries %llu", (unsigned long long)st->failed,
	       (unsigned long long)st->retries);
	for (i = 0; i < GEN_MAX_ERRNOS && st->errors[i].err; i++)
		printf("%s%s %llu", i ? ", " : " (", errno_name(st->errors[i].err),
		       (unsigned long long)st->errors[i].count);
	if (st->other_errors)
		printf(", other %llu", (unsigned long long)st->other_errors);
	printf("%s\n", st->errors[0].err ? ")" : "");
}

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static int setup_process(const struct gen_opts *o)
{
	struct sigaction sa = {.sa_handler = on_signal};
	cpu_set_t set;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* the default 50 us slack would swamp the pacing of high rates */
	prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
	if (o->cpu < 0)
		return 0;
	CPU_ZERO(&set);
	CPU_SET(o->cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		fprintf(stderr, "mcr-gen: cannot pin to CPU %d: %s\n", o->cpu, strerror(errno));
		return -errno;
	}
	return 0;
}

/* Everything after the command line; returns the exit status. */
static int gen_main(const struct gen_opts *o)
{
	struct gen_raw raw;
	struct gen_stats st;
	int fd, err;

	if (setup_process(o))
		return 2;
	fd = o->raw ? gen_raw_socket(o, &raw) : gen_socket(o);
	if (fd < 0)
		return 2;
	err = gen_run(fd, o, o->raw ? &raw : NULL, &st, &stop_flag);
	close(fd);
	if (o->raw)
		gen_raw_free(&raw);
	if (err) {
		fprintf(stderr, "mcr-gen: out of memory\n");
		return 2;
	}
	if (o->json)
		print_json(o, &st);
	else if (!o->quiet)
		print_text(o, &st);
	return 0;
}

int main(int argc, char **argv)
{
	struct gen_args a = {
	    .o = {.rate = DEFAULT_RATE,
		  .size = DEFAULT_SIZE,
		  .batch = DEFAULT_BATCH,
		  .ttl = 1,
		  .tos = -1,
		  .loop = true,
		  .cpu = -1},
	    .port_base = DEFAULT_PORT,
	    .group_step = 1,
	};
	int rc;

	parse_args(&a, argc, argv);
	rc = gen_main(&a.o);
	free(a.o.dests);
	return rc;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mcrd: options, start-up, signals and reload. Everything else is reached
 * through the context built here and run by the event loop.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "config.h"
#include "dataplane.h"
#include "kroute.h"
#include "log.h"
#include "mcrd.h"
#include "port.h"
#include "privilege.h"

#define ERRLEN 512
#define RX_RING_MB_DEFAULT 64u
#define RX_RING_MB_MAX 1024u
#define MFC_EXPIRE_DEFAULT 60u
#define MFC_EXPIRE_MAX 86400u
/* A port id whose low 22 bits are zero can never be a kernel, libmnl or
 * libnl automatic port (research/control-transport.md section 8.2). */
#define AUTO_PORT_BITS 0x3fffffu

/* clang-format off */
static const char *const fanout_names[] = {
	[MCR_FANOUT_HASH] = "hash",
	[MCR_FANOUT_CPU] = "cpu",
	[MCR_FANOUT_LB] = "lb",
};
/* clang-format on */
#define N_FANOUT ((uint32_t)(sizeof(fanout_names) / sizeof(fanout_names[0])))

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: mcrd [ OPTIONS ]\n"
		"\n"
		"The multicast forwarding daemon. It runs in the foreground and takes\n"
		"generic-netlink requests (mcr-nl, libnl, libmnl) on NETLINK_USERSOCK.\n"
		"\n"
		"OPTIONS := { -c | --config FILE | -n | --dry-run | --workers N |\n"
		"             --fanout { hash | cpu | lb } | --egress { uring | mmsg | ring } |\n"
		"             --rx-ring MB | --qdisc-bypass | --table { ID | none } |\n"
		"             --mfc-expire SEC | --group NAME | --user NAME | --port ID |\n"
		"             -d | --syslog | -v | --verbose | -V | --version | -h | --help }\n"
		"\n"
		"  -c, --config FILE  rules to load at start and on SIGHUP (mcr-nl batch file)\n"
		"  -n, --dry-run      check FILE, print \"FILE: N rules OK\" and exit\n"
		"  --workers N        worker threads, 1-%d (default: the online CPUs)\n"
		"  --fanout MODE      how workers share an input: hash (default), cpu, lb\n"
		"  --egress MODE      how workers send: uring (default), ring, mmsg\n"
		"  --rx-ring MB       receive ring per worker per input, 1-%u MiB (default %u)\n"
		"  --qdisc-bypass     egress skips the output's qdisc (and packet taps)\n"
		"  --table ID|none    kernel multicast routing table for outputs the kernel\n"
		"                     can send unchanged (default 0: the main one); none: all\n"
		"                     outputs through the workers\n"
		"  --mfc-expire SEC   learned kernel entries expire when idle this long\n"
		"                     (default %u)\n"
		"  --group NAME       primary group that may change rules besides uid 0\n"
		"  --user NAME        run as NAME once the sockets are open (FILE must be\n"
		"                     readable by NAME); mcrd keeps only CAP_NET_ADMIN and\n"
		"                     CAP_NET_RAW, with or without --user\n"
		"  --port ID          NETLINK_USERSOCK port id, decimal or 0x hex\n"
		"                     (default: $MCR_PORTID, else 0x%08x)\n"
		"  -d, --syslog       log to syslog instead of stderr\n"
		"  -v, --verbose      log more; twice: every request\n"
		"  -V, --version      print the version and exit\n"
		"  -h, --help         print this help and exit\n"
		"\n"
		"SIGHUP reloads FILE (a bad file changes nothing); SIGINT and SIGTERM stop.\n"
		"See mcrd(8) and mcr-nl(8).\n",
		MCRD_WORKERS_MAX, RX_RING_MB_MAX, RX_RING_MB_DEFAULT, MFC_EXPIRE_DEFAULT,
		MCR_PORT_ID);
}

/* ---- options ------------------------------------------------------------- */

/* "decimal or 0x hex", 1..UINT32_MAX: 0 is the kernel's address. */
static int parse_port(const char *s, uint32_t *port)
{
	int base = s[0] == '0' && (s[1] == 'x' || s[1] == 'X') ? 16 : 10;
	unsigned long long v;
	char *end;

	if (!(s[0] >= '0' && s[0] <= '9'))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno || *end || !v || v > UINT32_MAX)
		return -EINVAL;
	*port = (uint32_t)v;
	return 0;
}

/* The index of @s in @names (@n entries): option values by table. */
static int parse_name(const char *s, const char *const *names, uint32_t n, uint32_t *out)
{
	for (uint32_t i = 0; i < n; i++) {
		if (!strcmp(s, names[i])) {
			*out = i;
			return 0;
		}
	}
	return -EINVAL;
}

static int parse_uint(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	unsigned long v;
	char *end;

	if (!(s[0] >= '0' && s[0] <= '9'))
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

static int parse_workers(const char *s, unsigned int *n)
{
	uint32_t v;
	int ret = parse_uint(s, 1, MCRD_WORKERS_MAX, &v);

	if (!ret)
		*n = v;
	return ret;
}

static int parse_mb(const char *s, uint32_t *mb)
{
	return parse_uint(s, 1, RX_RING_MB_MAX, mb);
}

static int parse_table(struct mcrd_opts *o, const char *s)
{
	if (!strcmp(s, "none")) {
		o->kernel_path = false;
		return 0;
	}
	o->kernel_path = true;
	/* the kernel takes ids below 10^9; 253 is the default table, like 0 */
	return parse_uint(s, 0, 999999999, &o->table);
}

static int parse_user(struct mcrd_opts *o, const char *name)
{
	int ret = priv_user_lookup(&o->user, name);

	if (ret == -ENOENT)
		fprintf(stderr, "mcrd: unknown user \"%s\"\n", name);
	else if (ret)
		fprintf(stderr, "mcrd: user \"%s\": %s\n", name, strerror(-ret));
	return ret ? -EINVAL : 0;
}

static int parse_group(struct mcrd_opts *o, const char *name)
{
	struct group *g = getgrnam(name);

	if (!g) {
		fprintf(stderr, "mcrd: unknown group \"%s\"\n", name);
		return -EINVAL;
	}
	o->has_admin_gid = true;
	o->admin_gid = g->gr_gid;
	snprintf(o->admin_group, sizeof(o->admin_group), "%s", name);
	return 0;
}

/* The path made absolute without resolving links, so that SIGHUP rereads
 * what the name points to then. */
static char *absolute(const char *path)
{
	char cwd[PATH_MAX], *abs;

	if (path[0] == '/')
		return strdup(path);
	if (!getcwd(cwd, sizeof(cwd)))
		return NULL;
	if (asprintf(&abs, "%s/%s", strcmp(cwd, "/") ? cwd : "", path) < 0)
		return NULL;
	return abs;
}

static int option_defaults(struct mcrd_opts *o)
{
	const char *env = getenv("MCR_PORTID");
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	memset(o, 0, sizeof(*o));
	o->fanout = MCR_FANOUT_HASH;
	o->workers = cpus < 1 ? 1 : cpus > MCRD_WORKERS_MAX ? MCRD_WORKERS_MAX : (unsigned int)cpus;
	o->port = MCR_PORT_ID;
	/* uring and ring tie within noise (docs/performance.md); uring is
	 * faster on small packets, counts every send's verdict and needs no
	 * TX ring per output interface */
	o->egress = EGRESS_URING;
	o->rx_ring_mb = RX_RING_MB_DEFAULT;
	o->kernel_path = true;
	o->mfc_expire_s = MFC_EXPIRE_DEFAULT;
	if (env && parse_port(env, &o->port)) {
		fprintf(stderr, "mcrd: MCR_PORTID=\"%s\" is not a port id\n", env);
		return -EINVAL;
	}
	return 0;
}

enum {
	OPT_WORKERS = 256,
	OPT_FANOUT,
	OPT_GROUP,
	OPT_USER,
	OPT_PORT,
	OPT_EGRESS,
	OPT_RX_RING,
	OPT_BYPASS,
	OPT_TABLE,
	OPT_EXPIRE,
};

/* clang-format off */
static const struct option long_opts[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "dry-run", no_argument, NULL, 'n' },
	{ "workers", required_argument, NULL, OPT_WORKERS },
	{ "fanout", required_argument, NULL, OPT_FANOUT },
	{ "egress", required_argument, NULL, OPT_EGRESS },
	{ "rx-ring", required_argument, NULL, OPT_RX_RING },
	{ "qdisc-bypass", no_argument, NULL, OPT_BYPASS },
	{ "table", required_argument, NULL, OPT_TABLE },
	{ "mfc-expire", required_argument, NULL, OPT_EXPIRE },
	{ "group", required_argument, NULL, OPT_GROUP },
	{ "user", required_argument, NULL, OPT_USER },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "syslog", no_argument, NULL, 'd' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};
/* clang-format on */

static int bad_value(const char *opt, const char *arg, const char *want)
{
	fprintf(stderr, "mcrd: %s \"%s\": expected %s\n", opt, arg, want);
	return -EINVAL;
}

/* One option; 1 when mcrd should exit 0 right away, -EINVAL on misuse. */
static int parse_opt(struct mcrd_opts *o, int c, const char **config)
{
	switch (c) {
	case 'c':
		*config = optarg;
		return 0;
	case 'n':
		o->dry_run = true;
		return 0;
	case OPT_WORKERS:
		return parse_workers(optarg, &o->workers) ? bad_value("--workers", optarg, "1-256")
							  : 0;
	case OPT_FANOUT:
		return parse_name(optarg, fanout_names, N_FANOUT, &o->fanout)
			   ? bad_value("--fanout", optarg, "hash, cpu or lb")
			   : 0;
	case OPT_EGRESS:
		return parse_name(optarg, egress_names, EGRESS__MAX, &o->egress)
			   ? bad_value("--egress", optarg, "uring, mmsg or ring")
			   : 0;
	case OPT_RX_RING:
		return parse_mb(optarg, &o->rx_ring_mb)
			   ? bad_value("--rx-ring", optarg, "1-1024 (MiB)")
			   : 0;
	case OPT_BYPASS:
		o->qdisc_bypass = true;
		return 0;
	case OPT_TABLE:
		return parse_table(o, optarg)
			   ? bad_value("--table", optarg, "a table id (0-999999999) or none")
			   : 0;
	case OPT_EXPIRE:
		return parse_uint(optarg, 1, MFC_EXPIRE_MAX, &o->mfc_expire_s)
			   ? bad_value("--mfc-expire", optarg, "1-86400 (seconds)")
			   : 0;
	case OPT_GROUP:
		return parse_group(o, optarg);
	case OPT_USER:
		return parse_user(o, optarg);
	case OPT_PORT:
		return parse_port(optarg, &o->port)
			   ? bad_value("--port", optarg, "a port id (decimal or 0x hex)")
			   : 0;
	case 'd':
		o->syslog = true;
		return 0;
	case 'v':
		o->verbose++;
		return 0;
	case 'V':
		printf("mcrd %s\n", MCR_VERSION);
		return 1;
	case 'h':
		usage(stdout);
		return 1;
	default:
		usage(stderr);
		return -EINVAL;
	}
}

/* Returns 0 to run, 1 to exit 0 (help, version), -EINVAL to exit 1. */
static int parse_args(struct mcrd_opts *o, int argc, char **argv, const char **config)
{
	int c, ret;

	if (option_defaults(o))
		return -EINVAL;
	while ((c = getopt_long(argc, argv, "c:ndvVh", long_opts, NULL)) != -1) {
		ret = parse_opt(o, c, config);
		if (ret)
			return ret;
	}
	if (optind < argc) {
		fprintf(stderr, "mcrd: unexpected argument \"%s\"\n", argv[optind]);
		usage(stderr);
		return -EINVAL;
	}
	if (o->dry_run && !*config) {
		fprintf(stderr, "mcrd: --dry-run needs --config FILE\n");
		return -EINVAL;
	}
	if (*config && !(o->config = absolute(*config))) {
		fprintf(stderr, "mcrd: %s: %s\n", *config, strerror(errno));
		return -EINVAL;
	}
	return 0;
}

/* ---- running ------------------------------------------------------------- */

/* Start-up errors reach the person who started mcrd even with --syslog. */
static int fatal(const struct mcrd *d, const char *msg)
{
	log_err("%s", msg);
	if (d->opt.syslog)
		fprintf(stderr, "mcrd: %s\n", msg);
	return 1;
}

static int dry_run(const char *path)
{
	struct rules t;
	char err[ERRLEN];
	int ret;

	if (rules_init(&t)) {
		fprintf(stderr, "mcrd: out of memory\n");
		return 1;
	}
	ret = config_load(path, &t, err, sizeof(err));
	if (ret)
		fprintf(stderr, "%s\n", err);
	else
		printf("%s: %zu rules OK\n", path, t.n);
	rules_exit(&t);
	return ret ? 1 : 0;
}

/* What the service manager shows after READY=1. */
static void tell_ready(struct mcrd *d, const char *what)
{
	char status[256];
	int ret;

	snprintf(status, sizeof(status), "%s: %zu rules, %u workers, kernel path %s", what,
		 d->rules.n, d->opt.workers, kroute_state_text(d));
	ret = notify_ready(&d->notify, status);
	if (ret)
		log_debug("NOTIFY_SOCKET: %s", strerror(-ret));
}

/* Returns whether the file was taken (false: rules unchanged). */
static bool reload(struct mcrd *d)
{
	struct mcrd_stats before = d->stats;
	char err[ERRLEN];
	struct rules next;
	int ret;

	if (!d->opt.config) {
		log_info("SIGHUP: no configuration file to reload (no -c)");
		return true;
	}
	ret = rules_init(&next);
	if (!ret) {
		ret = config_load(d->opt.config, &next, err, sizeof(err));
		if (!ret && (ret = rules_sync(&d->rules, &next)))
			snprintf(err, sizeof(err), "%s: %s", d->opt.config, strerror(-ret));
	} else {
		snprintf(err, sizeof(err), "%s", strerror(-ret));
	}
	rules_exit(&next);
	if (ret) {
		d->stats.reload_errors++;
		log_err("reload refused, rules unchanged: %s", err);
		return false;
	}
	d->stats.reloads++;
	log_info("reloaded %s: %zu rules (%llu added, %llu replaced, %llu deleted)", d->opt.config,
		 d->rules.n, (unsigned long long)(d->stats.rule_adds - before.rule_adds),
		 (unsigned long long)(d->stats.rule_replaces - before.rule_replaces),
		 (unsigned long long)(d->stats.rule_dels - before.rule_dels));
	return true;
}

static void signalled(void *arg, uint32_t events)
{
	struct mcrd *d = arg;
	struct signalfd_siginfo si;

	(void)events;
	while (read(d->sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			notify_reloading(&d->notify);
			/* READY=1 also after a refused reload: the old rules run on */
			tell_ready(d, reload(d) ? "reloaded" : "reload refused, rules unchanged");
		} else {
			log_info("signal %u: exiting", si.ssi_signo);
			notify_stopping(&d->notify);
			loop_stop(&d->loop);
		}
	}
}

static int signals_open(struct mcrd *d)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	d->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (d->sigfd < 0)
		return -errno;
	return loop_watch_add(&d->loop, &d->sig, d->sigfd, signalled, d);
}

/* Loads the configuration into @next: a bad file stops mcrd before it
 * takes the port. */
static int load_config(struct mcrd *d, struct rules *next)
{
	char err[ERRLEN];

	if (rules_init(next) || rules_init(&d->rules))
		return fatal(d, "out of memory");
	if (d->opt.config && config_load(d->opt.config, next, err, sizeof(err)))
		return fatal(d, err);
	return 0;
}

/* SIGHUP opens the file again, as whoever mcrd is by then: a file that
 * only root could read would load now and fail at the first reload. */
static int config_readable(const struct mcrd *d, char *err, size_t errlen)
{
	int fd;

	if (!d->opt.config)
		return 0;
	fd = open(d->opt.config, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	snprintf(err, errlen, "%s: %s after dropping privileges%s%s (SIGHUP rereads it)",
		 d->opt.config, strerror(errno), d->opt.user.name[0] ? " to user " : "",
		 d->opt.user.name);
	return -EACCES;
}

/* Only CAP_NET_ADMIN and CAP_NET_RAW from here on (privilege.h). */
static int drop_privileges(struct mcrd *d, char *err, size_t errlen)
{
	const uint64_t admin = UINT64_C(1) << CAP_NET_ADMIN, raw = UINT64_C(1) << CAP_NET_RAW;
	struct priv_result r;
	int ret = priv_drop(&d->opt.user, &r, err, errlen);

	if (ret)
		return ret;
	if (r.missing)
		log_warn("started without %s%s%s: interfaces and the kernel path may fail",
			 r.missing & admin ? "CAP_NET_ADMIN" : "",
			 r.missing == (admin | raw) ? " and " : "",
			 r.missing & raw ? "CAP_NET_RAW" : "");
	if (r.bounding_left)
		log_warn("capability bounding set left as it was (shrinking it needs "
			 "CAP_SETPCAP); no_new_privs keeps any program mcrd runs from gaining it");
	d->uid = geteuid();
	log_debug("privileges dropped: uid %u gid %u, CAP_NET_ADMIN and CAP_NET_RAW only",
		  (unsigned int)geteuid(), (unsigned int)getegid());
	return config_readable(d, err, errlen);
}

static int start(struct mcrd *d, struct rules *next)
{
	char err[ERRLEN] = "";
	int ret;

	if (loop_init(&d->loop))
		return fatal(d, "epoll_create1 failed");
	if (usersock_open(d, &d->loop, err, sizeof(err)))
		return fatal(d, err);
	if (genl_init(d, &d->loop, &d->us.tr))
		return fatal(d, "out of memory");
	ret = link_open(d, &d->loop);
	if (ret) {
		snprintf(err, sizeof(err), "rtnetlink link monitor: %s", strerror(-ret));
		return fatal(d, err);
	}
	ret = signals_open(d);
	if (ret) {
		snprintf(err, sizeof(err), "signalfd: %s", strerror(-ret));
		return fatal(d, err);
	}
	if (kroute_init(d, d->opt.kernel_path, d->opt.table, d->opt.mfc_expire_s))
		return fatal(d, "out of memory");
	ret = notify_open(&d->notify);
	if (ret)
		log_warn("NOTIFY_SOCKET: %s; no readiness notification", strerror(-ret));
	/* before dp_init: the workers are the first threads, and capabilities
	 * are per thread */
	if (drop_privileges(d, err, sizeof(err)))
		return fatal(d, err);
	/* after signals_open: the workers inherit the blocked signal mask */
	if (dp_init(d, err, sizeof(err)))
		return fatal(d, err);
	ret = rules_sync(&d->rules, next);
	if (ret) {
		snprintf(err, sizeof(err), "%s: %s", d->opt.config, strerror(-ret));
		return fatal(d, err);
	}
	return 0;
}

static void stop(struct mcrd *d, struct rules *next)
{
	dp_exit(d);
	kroute_exit(d);
	if (d->sigfd >= 0) {
		loop_watch_del(&d->loop, &d->sig);
		close(d->sigfd);
	}
	link_close(d, &d->loop);
	notify_close(&d->notify);
	genl_exit(d);
	usersock_close(d, &d->loop);
	loop_exit(&d->loop);
	rules_exit(next);
	rules_exit(&d->rules);
	free(d->opt.config);
	log_exit();
}

static int run(struct mcrd *d)
{
	struct rules next = {0};
	int ret;

	d->sigfd = -1;
	d->loop.epfd = -1;
	d->us.fd = -1;
	d->us.w.fd = -1;
	d->link.w.fd = -1;
	d->sig.fd = -1;
	d->notify.fd = -1;
	d->start_ms = loop_now_ms();
	ret = load_config(d, &next);
	if (!ret)
		ret = start(d, &next);
	if (!ret) {
		if (d->opt.port & AUTO_PORT_BITS)
			log_warn("port id 0x%08x has low bits set: a client's automatic port id "
				 "may take it first",
				 d->opt.port);
		log_info("mcrd %s on NETLINK_USERSOCK port 0x%08x: %zu rules, %u workers, "
			 "fanout %s, egress %s, kernel path %s",
			 MCR_VERSION, d->opt.port, d->rules.n, d->opt.workers,
			 fanout_names[d->opt.fanout], egress_names[d->opt.egress],
			 kroute_state_text(d));
		/* the port answers from the first loop turn, with the
		 * configuration applied: what READY=1 promises */
		tell_ready(d, "running");
		if (loop_run(&d->loop)) {
			log_err("epoll_wait: %s", strerror(errno));
			ret = 1;
		}
	}
	stop(d, &next);
	return ret;
}

int main(int argc, char **argv)
{
	static struct mcrd d;
	const char *config = NULL;
	int ret;

	ret = parse_args(&d.opt, argc, argv, &config);
	if (ret)
		return ret > 0 ? 0 : 1;
	log_init(d.opt.syslog, d.opt.verbose >= 2 ? LOG_TRACE
			       : d.opt.verbose	  ? LOG_DEBUG
						  : LOG_INFO);
	if (d.opt.dry_run) {
		ret = dry_run(config);
		free(d.opt.config);
		return ret;
	}
	return run(&d);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/* mcr-sink's report: a table with one line per stream and a total, or one
 * JSON object with the same numbers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "sink.h"

/* The numbers of one line, for a stream or the total. */
struct line {
	uint64_t received, bytes, lost, duplicated, reordered, old, corrupt, wrong_length;
	uint64_t max_reorder;
	const struct mcr_lat *lat;
};

static void stream_line(const struct sink_opts *o, const struct sink_stream *s, struct line *l)
{
	l->received = s->seq.received;
	l->bytes = s->bytes;
	l->lost = mcr_seq_lost(&s->seq, o->expect);
	l->duplicated = s->seq.duplicated;
	l->reordered = s->seq.reordered;
	l->max_reorder = s->seq.max_reorder;
	l->old = s->seq.old;
	l->corrupt = s->corrupt;
	l->wrong_length = s->wrong_length;
	l->lat = s->lat;
}

static void line_add(struct line *t, const struct line *l)
{
	t->received += l->received;
	t->bytes += l->bytes;
	t->lost += l->lost;
	t->duplicated += l->duplicated;
	t->reordered += l->reordered;
	t->old += l->old;
	t->corrupt += l->corrupt;
	t->wrong_length += l->wrong_length;
	if (l->max_reorder > t->max_reorder)
		t->max_reorder = l->max_reorder;
}

static int stream_cmp(const void *a, const void *b)
{
	const struct sink_stream *x = *(const struct sink_stream *const *)a;
	const struct sink_stream *y = *(const struct sink_stream *const *)b;
	struct mcr_dest dx = {x->group, x->port}, dy = {y->group, y->port};

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return sink_dest_cmp(&dx, &dy);
}

static const struct sink_stream **sorted(const struct sink_table *t)
{
	const struct sink_stream **v = calloc(t->n + 1, sizeof(*v));
	uint32_t i;

	if (!v)
		return NULL;
	for (i = 0; i < t->n; i++)
		v[i] = &t->streams[i];
	qsort(v, t->n, sizeof(*v), stream_cmp);
	return v;
}

static double seconds(const struct sink_totals *tot)
{
	return tot->accounted > 1 ? (double)(tot->last_ns - tot->first_ns) / 1e9 : 0;
}

/* ---- JSON --------------------------------------------------------------- */

static void json_lat(const struct mcr_lat *l)
{
	printf(",\"latency_ns\":{\"count\":%llu,\"min\":%lld,\"avg\":%lld,\"p50\":%lld,"
	       "\"p99\":%lld,\"max\":%lld,\"negative\":%llu}",
	       (unsigned long long)l->count, (long long)(l->count ? l->min : 0),
	       (long long)mcr_lat_avg(l), (long long)mcr_lat_quantile(l, 0.5),
	       (long long)mcr_lat_quantile(l, 0.99), (long long)(l->count ? l->max : 0),
	       (unsigned long long)l->negative);
}

static void json_counts(const struct line *l)
{
	printf("\"received\":%llu,\"bytes\":%llu,\"lost\":%llu,\"duplicated\":%llu,"
	       "\"reordered\":%llu,\"max_reorder\":%llu,\"old\":%llu,\"corrupt\":%llu,"
	       "\"wrong_length\":%llu",
	       (unsigned long long)l->received, (unsigned long long)l->bytes,
	       (unsigned long long)l->lost, (unsigned long long)l->duplicated,
	       (unsigned long long)l->reordered, (unsigned long long)l->max_reorder,
	       (unsigned long long)l->old, (unsigned long long)l->corrupt,
	       (unsigned long long)l->wrong_length);
}

static void json_stream(const struct sink_opts *o, const struct sink_stream *s, struct line *l)
{
	char g[INET_ADDRSTRLEN], src[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &s->group, g, sizeof(g));
	inet_ntop(AF_INET, &s->src, src, sizeof(src));
	printf("{\"stream\":%u,\"group\":\"%s\",\"port\":%u,\"src\":\"%s\",\"src_changes\":%llu,"
	       "\"ttl\":%u,\"ttl_min\":%u,\"ttl_max\":%u,",
	       s->id, g, s->port, src, (unsigned long long)s->src_changes, s->ttl_last, s->ttl_min,
	       s->ttl_max);
	json_counts(l);
	printf(",\"first_seq\":%llu,\"last_seq\":%llu", (unsigned long long)s->seq.first,
	       (unsigned long long)s->seq.last);
	if (o->expect)
		printf(",\"expected\":%llu", (unsigned long long)o->expect);
	if (s->lat)
		json_lat(s->lat);
	putchar('}');
}

static void json_report(const struct sink_opts *o, const struct sink_table *t,
			const struct sink_totals *tot, const struct sink_stream **v,
			struct mcr_lat *all)
{
	struct line total = {0}, l;
	double secs = seconds(tot);
	uint32_t i;

	printf("{\"streams\":[");
	for (i = 0; i < t->n; i++) {
		stream_line(o, v[i], &l);
		line_add(&total, &l);
		if (all)
			mcr_lat_merge(all, v[i]->lat);
		if (i)
			putchar(',');
		json_stream(o, v[i], &l);
	}
	printf("],\"total\":{\"streams\":%u,", t->n);
	json_counts(&total);
	printf(",\"invalid\":%llu,\"foreign\":%llu,\"overflow\":%llu,\"rcvbuf_drops\":%llu,"
	       "\"seconds\":%.6f,\"pps\":%.1f",
	       (unsigned long long)tot->invalid, (unsigned long long)tot->foreign,
	       (unsigned long long)tot->overflow, (unsigned long long)tot->rcvbuf_drops, secs,
	       secs > 0 ? (double)(tot->accounted - 1) / secs : 0.0);
	if (all)
		json_lat(all);
	printf("}}\n");
}

/* ---- text --------------------------------------------------------------- */

static void text_lat(const struct mcr_lat *l)
{
	printf(" %9.1f %9.1f %9.1f %9.1f %9.1f", (double)(l->count ? l->min : 0) / 1e3,
	       (double)mcr_lat_avg(l) / 1e3, (double)mcr_lat_quantile(l, 0.5) / 1e3,
	       (double)mcr_lat_quantile(l, 0.99) / 1e3, (double)(l->count ? l->max : 0) / 1e3);
}

static void text_counts(const struct line *l)
{
	printf(" %10llu %8llu %6llu %6llu %7llu %6llu", (unsigned long long)l->received,
	       (unsigned long long)l->lost, (unsigned long long)l->duplicated,
	       (unsigned long long)l->reordered, (unsigned long long)l->corrupt,
	       (unsigned long long)l->wrong_length);
}

static void text_stream(const struct sink_stream *s, const struct line *l)
{
	char g[INET_ADDRSTRLEN], src[INET_ADDRSTRLEN], dst[INET_ADDRSTRLEN + 8], ttl[8];

	inet_ntop(AF_INET, &s->group, g, sizeof(g));
	inet_ntop(AF_INET, &s->src, src, sizeof(src));
	snprintf(dst, sizeof(dst), "%s:%u", g, s->port);
	if (s->ttl_min == s->ttl_max)
		snprintf(ttl, sizeof(ttl), "%u", s->ttl_min);
	else
		snprintf(ttl, sizeof(ttl), "%u-%u", s->ttl_min, s->ttl_max);
	printf("%-10u %-21s %-15s %7s", s->id, dst, src, ttl);
	text_counts(l);
	printf(" %10llu %10llu", (unsigned long long)s->seq.first, (unsigned long long)s->seq.last);
	if (s->lat)
		text_lat(s->lat);
	putchar('\n');
}

static void text_report(const struct sink_opts *o, const struct sink_table *t,
			const struct sink_totals *tot, const struct sink_stream **v,
			struct mcr_lat *all)
{
	struct line total = {0}, l;
	double secs = seconds(tot);
	char what[32];
	uint32_t i;

	printf("%-10s %-21s %-15s %7s %10s %8s %6s %6s %7s %6s %10s %10s", "stream", "destination",
	       "source", "ttl", "received", "lost", "dup", "reord", "corrupt", "badlen", "first",
	       "last");
	if (all)
		printf(" %9s %9s %9s %9s %9s", "min_us", "avg_us", "p50_us", "p99_us", "max_us");
	putchar('\n');
	for (i = 0; i < t->n; i++) {
		stream_line(o, v[i], &l);
		line_add(&total, &l);
		if (all)
			mcr_lat_merge(all, v[i]->lat);
		text_stream(v[i], &l);
	}
	snprintf(what, sizeof(what), "%u stream%s", t->n, t->n == 1 ? "" : "s");
	printf("%-10s %-37s %7s", "total", what, "");
	text_counts(&total);
	if (all) {
		printf(" %10s %10s", "", "");
		text_lat(all);
	}
	printf("\n%llu packets in %.3f s (%.0f pps); old %llu, invalid %llu, foreign %llu, "
	       "overflow %llu, rcvbuf drops %llu\n",
	       (unsigned long long)tot->accounted, secs,
	       secs > 0 ? (double)(tot->accounted - 1) / secs : 0.0, (unsigned long long)total.old,
	       (unsigned long long)tot->invalid, (unsigned long long)tot->foreign,
	       (unsigned long long)tot->overflow, (unsigned long long)tot->rcvbuf_drops);
}

void sink_report(const struct sink_opts *o, const struct sink_table *t,
		 const struct sink_totals *tot)
{
	const struct sink_stream **v = sorted(t);
	struct mcr_lat *all = o->latency ? calloc(1, sizeof(*all)) : NULL;

	if (!v || (o->latency && !all)) {
		fprintf(stderr, "mcr-sink: out of memory for the report\n");
	} else if (o->json) {
		json_report(o, t, tot, v, all);
	} else if (!o->quiet) {
		text_report(o, t, tot, v, all);
	}
	fflush(stdout);
	free(v);
	free(all);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/* Placeholder until the data plane lands: no workers, stored counters only. */
#include <string.h>

#include "dataplane.h"
#include "mcrd.h"

int dp_init(struct mcrd *d, char *err, size_t errlen)
{
	(void)d;
	(void)err;
	(void)errlen;
	return 0;
}

void dp_exit(struct mcrd *d)
{
	(void)d;
}

void dp_mark_dirty(struct mcrd *d)
{
	(void)d;
}

void dp_rule_counters(const struct mcrd *d, const struct mcr_rule *r, struct mcr_rule *out)
{
	(void)d;
	memcpy(out, r, mcr_rule_size(r->n_outputs));
}

void dp_worker_stats(const struct mcrd *d, unsigned int i, struct wstats *out, int *cpu)
{
	(void)d;
	memset(out, 0, sizeof(*out));
	*cpu = (int)i;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A worker's stage clock: TSC cycles per stage of the packet path (enum dp_stage), for the
 * benchmark's per-stage figures. Off by default (dp_shared.stage_cycles, the hub's
 * --stage-cycles): then every call below is one predictable branch. On, a switch of stage
 * costs one TSC read; an iteration's cycles are kept only if it received packets, so idle
 * polling does not dilute the per-packet figures.
 */
#ifndef HUB_DP_STAGE_H
#define HUB_DP_STAGE_H

#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_cycles.h>

#include "lib/dp_shared.h"

/* Start timing an iteration that began at TSC start (in stage OTHER). */
static inline void dp_stage_begin(struct dp_worker *w, uint64_t start)
{
	struct dp_stage_clock *c = &w->clock;

	c->on = w->shared->stage_cycles;
	if (likely(!c->on))
		return;
	memset(c->acc, 0, sizeof(c->acc));
	c->cur = DP_STAGE_OTHER;
	c->last = start;
}

/* Switch to stage s; returns the stage left, for dp_stage_enter(w, prev) afterwards. */
static inline uint8_t dp_stage_enter(struct dp_worker *w, uint8_t s)
{
	struct dp_stage_clock *c = &w->clock;
	uint8_t prev = c->cur;
	uint64_t now;

	if (likely(!c->on))
		return prev;
	now = rte_rdtsc();
	c->acc[prev] += now - c->last;
	c->last = now;
	c->cur = s;
	return prev;
}

/* End an iteration that received pkts packets: its cycles count only if pkts > 0. */
static inline void dp_stage_end(struct dp_worker *w, unsigned int pkts)
{
	struct dp_stage_clock *c = &w->clock;
	unsigned int i;

	if (likely(!c->on))
		return;
	dp_stage_enter(w, DP_STAGE_OTHER);
	c->on = false;
	if (pkts == 0)
		return;
	for (i = 0; i < DP_STAGE_MAX; i++)
		w->stats.stage_cycles[i] += c->acc[i];
	w->stats.stage_pkts += pkts;
}

#endif

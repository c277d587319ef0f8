/* SPDX-License-Identifier: BSD-3-Clause */
/* Counters: the workers' (summed when read) and control's own. */
#ifndef HUB_CTL_STATS_H
#define HUB_CTL_STATS_H

#include <stdio.h>
#include "control/ctl.h"

struct ctl_totals {
	uint64_t rx, rx_bytes, tx, tx_bytes, punted;
	uint64_t forwarded, hairpin, redirect_sent, redirect_suppressed;
	uint64_t drops[HUB_DROP_MAX]; /* workers' and control's */
	uint64_t drops_total;
	uint64_t stage_cycles[DP_STAGE_MAX], stage_pkts; /* --stage-cycles */
};

/* Sum over every worker (and control) into *t. */
void ctl_stats_sum(const struct hub_ctl *ctl, struct ctl_totals *t);
/* Write per-port, per-worker and per-reason counters, one fact per line. */
void ctl_stats_write(const struct hub_ctl *ctl, FILE *out);
/* The same through the log (at shutdown). */
void ctl_stats_log(const struct hub_ctl *ctl);

#endif

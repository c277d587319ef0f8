/* SPDX-License-Identifier: BSD-3-Clause */
/* A worker's private state, shared by its stages (never seen by control). */
#ifndef HUB_DP_LOCAL_H
#define HUB_DP_LOCAL_H

#include "dataplane/dp_redirect.h"
#include "dataplane/dp_tx.h"
#include "lib/dp_shared.h"

struct dp_local {
	struct dp_txbuf tx[DP_MAX_PORTS];
	uint16_t n_punt;
	uint16_t ip_id;			/* outer IPv4 identification */
	struct rte_mbuf *punt[DP_PUNT_BURST];
	uint16_t n_punt_low;
	struct rte_mbuf *punt_low[DP_PUNT_BURST];
	struct dp_redirect_limiter redirect;
	uint32_t rx_tsc8;		/* TSC >> 8 before this iteration's rx bursts */
};

static inline void dp_punt_ring_flush(struct dp_worker *w, struct rte_ring *r,
				      struct rte_mbuf **pkts, uint16_t *count, unsigned int why)
{
	unsigned int n;

	if (*count == 0)
		return;
	n = rte_ring_sp_enqueue_burst(r, (void **)pkts, *count, NULL);
	w->stats.punted += n;
	if (unlikely(n < *count)) {
		w->stats.drops[why] += *count - n;
		rte_pktmbuf_free_bulk(&pkts[n], *count - n);
	}
	*count = 0;
}

static inline void dp_punt_flush(struct dp_worker *w, struct dp_local *l)
{
	dp_punt_ring_flush(w, w->punt_ring, l->punt, &l->n_punt, HUB_DROP_PUNT_RING_FULL);
	dp_punt_ring_flush(w, w->punt_low_ring, l->punt_low, &l->n_punt_low,
			   HUB_DROP_PUNT_LOW_RING_FULL);
}

/* Queue m for control; its punt metadata type must already be set. */
static inline void dp_punt(struct dp_worker *w, struct dp_local *l, struct rte_mbuf *m)
{
	struct dp_punt_meta *meta = dp_punt_meta(m, w->shared->punt_meta_offset);

	meta->worker = (uint8_t)w->index;
	meta->rx_tsc8 = l->rx_tsc8;
	l->punt[l->n_punt++] = m;
	if (l->n_punt == DP_PUNT_BURST)
		dp_punt_flush(w, l);
}

/* Queue NHRP from an outer source with no binding (a new spoke, or a flood of spoofed
 * registrations) on the low-priority ring, so it cannot crowd out known spokes. */
static inline void dp_punt_low(struct dp_worker *w, struct dp_local *l, struct rte_mbuf *m)
{
	struct dp_punt_meta *meta = dp_punt_meta(m, w->shared->punt_meta_offset);

	meta->worker = (uint8_t)w->index;
	meta->rx_tsc8 = l->rx_tsc8;
	l->punt_low[l->n_punt_low++] = m;
	if (l->n_punt_low == DP_PUNT_BURST)
		dp_punt_ring_flush(w, w->punt_low_ring, l->punt_low, &l->n_punt_low,
				   HUB_DROP_PUNT_LOW_RING_FULL);
}

#endif

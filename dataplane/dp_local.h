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
	struct dp_redirect_limiter redirect;
};

static inline void dp_punt_flush(struct dp_worker *w, struct dp_local *l)
{
	unsigned int n;

	if (l->n_punt == 0)
		return;
	n = rte_ring_sp_enqueue_burst(w->punt_ring, (void **)l->punt, l->n_punt, NULL);
	w->stats.punted += n;
	if (unlikely(n < l->n_punt)) {
		w->stats.drops[HUB_DROP_PUNT_RING_FULL] += l->n_punt - n;
		rte_pktmbuf_free_bulk(&l->punt[n], l->n_punt - n);
	}
	l->n_punt = 0;
}

/* Queue m for control; its punt metadata type must already be set. */
static inline void dp_punt(struct dp_worker *w, struct dp_local *l, struct rte_mbuf *m)
{
	dp_punt_meta(m, w->shared->punt_meta_offset)->worker = (uint8_t)w->index;
	l->punt[l->n_punt++] = m;
	if (l->n_punt == DP_PUNT_BURST)
		dp_punt_flush(w, l);
}

#endif

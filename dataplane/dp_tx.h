/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-worker, per-port tx buffering: packets collect until a burst is full or the drain
 * deadline passes (l3fwd's scheme). Unsent packets are freed and counted as tx-full.
 */
#ifndef HUB_DP_TX_H
#define HUB_DP_TX_H

#include <rte_ethdev.h>

#include "dataplane/dp_stage.h"
#include "lib/dp_shared.h"

struct dp_txbuf {
	uint16_t n;
	struct rte_mbuf *pkts[DP_BURST];
};

static inline void dp_tx_flush(struct dp_worker *w, struct dp_txbuf *b, uint16_t port)
{
	uint64_t bytes = 0;
	uint16_t sent, i;
	uint8_t prev;

	if (b->n == 0)
		return;
	prev = dp_stage_enter(w, DP_STAGE_TX);
	/* Read lengths first: once handed to the driver an mbuf may already be freed. What the
	 * driver did not take is still ours, so its length is taken back off afterwards (one
	 * loop per burst instead of a per-packet array and a second loop). */
	for (i = 0; i < b->n; i++)
		bytes += b->pkts[i]->pkt_len;
	sent = rte_eth_tx_burst(port, w->txq, b->pkts, b->n);
	if (unlikely(sent < b->n)) {
		for (i = sent; i < b->n; i++)
			bytes -= b->pkts[i]->pkt_len;
		w->stats.drops[HUB_DROP_TX_FULL] += b->n - sent;
		rte_pktmbuf_free_bulk(&b->pkts[sent], b->n - sent);
	}
	w->stats.port_tx[port] += sent;
	w->stats.port_tx_bytes[port] += bytes;
	b->n = 0;
	dp_stage_enter(w, prev);
}

static inline void dp_tx_enqueue(struct dp_worker *w, struct dp_txbuf *b, uint16_t port,
				 struct rte_mbuf *m)
{
	b->pkts[b->n++] = m;
	if (b->n == DP_BURST)
		dp_tx_flush(w, b, port);
}

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker lcore: poll-mode, run-to-completion over bursts. No locks, no syscalls
 * (unless idle sleep is configured for lab runs), no heap and no logging per packet.
 */
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_prefetch.h>

#include "dataplane/dp_classify.h"
#include "dataplane/dp_icmp.h"
#include "dataplane/dp_tx.h"
#include "dataplane/dp_worker.h"

#define PREFETCH_AHEAD 3

/* Per-worker state that only the worker touches. */
struct dp_local {
	struct dp_txbuf tx[DP_MAX_PORTS];
	uint16_t n_punt;
	struct rte_mbuf *punt[DP_PUNT_BURST];
};

static inline void punt_flush(struct dp_worker *w, struct dp_local *l)
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

static inline void punt(struct dp_worker *w, struct dp_local *l, struct rte_mbuf *m,
			uint8_t type, uint16_t l3_off)
{
	struct dp_punt_meta *meta = dp_punt_meta(m, w->shared->punt_meta_offset);

	meta->type = type;
	meta->worker = (uint8_t)w->index;
	meta->l3_off = l3_off;
	l->punt[l->n_punt++] = m;
	if (l->n_punt == DP_PUNT_BURST)
		punt_flush(w, l);
}

static void rx_burst_process(struct dp_worker *w, struct dp_local *l, uint16_t port_id,
			     struct rte_mbuf **pkts, uint16_t n)
{
	const struct dp_port *port = &w->shared->ports[port_id];
	uint16_t i;

	for (i = 0; i < n && i < PREFETCH_AHEAD; i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct dp_class_result c;

		if (i + PREFETCH_AHEAD < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + PREFETCH_AHEAD], void *));
		w->stats.port_rx_bytes[port_id] += m->pkt_len;

		c = dp_classify(port, m);
		switch (c.cls) {
		case DP_CLASS_ARP:
			punt(w, l, m, DP_PUNT_ARP, c.l3_off);
			break;
		case DP_CLASS_ICMP_ECHO:
			if (dp_icmp_echo_reply(port, m, c.l3_off, c.l4_off) == 0) {
				dp_tx_enqueue(w, &l->tx[port_id], port_id, m);
			} else {
				w->stats.drops[HUB_DROP_ICMP_UNHANDLED]++;
				rte_pktmbuf_free(m);
			}
			break;
		default:
			w->stats.drops[c.drop]++;
			rte_pktmbuf_free(m);
			break;
		}
	}
}

static void tx_flush_all(struct dp_worker *w, struct dp_local *l)
{
	uint16_t p;

	RTE_ETH_FOREACH_DEV(p) {
		if (p < DP_MAX_PORTS && w->shared->ports[p].enabled)
			dp_tx_flush(w, &l->tx[p], p);
	}
}

int dp_worker_main(void *arg)
{
	struct dp_worker *w = arg;
	const struct dp_shared *sh = w->shared;
	struct rte_mbuf *pkts[DP_BURST];
	struct dp_local *l;
	uint64_t last_drain = rte_rdtsc();

	l = rte_zmalloc_socket("dp_local", sizeof(*l), RTE_CACHE_LINE_SIZE,
			       rte_lcore_to_socket_id(w->lcore_id));
	if (l == NULL)
		return -ENOMEM;

	while (!sh->stop) {
		uint64_t start = rte_rdtsc();
		unsigned int q, total = 0;

		for (q = 0; q < w->n_rxq; q++) {
			uint16_t port = w->rxq[q].port;
			uint16_t n = rte_eth_rx_burst(port, w->rxq[q].queue, pkts, DP_BURST);

			if (n == 0)
				continue;
			total += n;
			w->stats.port_rx[port] += n;
			rx_burst_process(w, l, port, pkts, n);
		}
		punt_flush(w, l);

		w->stats.loops++;
		if (total > 0) {
			uint64_t now = rte_rdtsc();

			w->stats.busy_loops++;
			w->stats.busy_cycles += now - start;
			if (now - last_drain < sh->tx_drain_tsc)
				continue;
		} else if (sh->idle_sleep_us > 0) {
			tx_flush_all(w, l);
			rte_delay_us_sleep(sh->idle_sleep_us);
			last_drain = rte_rdtsc();
			continue;
		}
		tx_flush_all(w, l);
		last_drain = rte_rdtsc();
	}
	tx_flush_all(w, l);
	rte_free(l);
	return 0;
}

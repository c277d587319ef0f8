/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker lcore: poll-mode, run-to-completion over bursts. No locks, no syscalls
 * (unless idle sleep is configured for lab runs), no heap and no logging per packet.
 */
#include <rte_cycles.h>
#include <rte_ip.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_prefetch.h>

#include <rte_rcu_qsbr.h>

#include "dataplane/dp_classify.h"
#include "dataplane/dp_esp.h"
#include "dataplane/dp_stage.h"
#include "dataplane/dp_fwd.h"
#include "dataplane/dp_mcast.h"
#include "dataplane/dp_icmp.h"
#include "dataplane/dp_tx.h"
#include "dataplane/dp_worker.h"

#define PREFETCH_AHEAD 3

/*
 * Two passes over a burst: classify every packet and gather the outer sources of the GRE
 * ones, look those up in one bulk hash lookup, then process each packet. The bulk lookup
 * overlaps the hash-table cache misses of the whole burst (l3fwd's scheme); one at a time
 * it was the worker's largest cost after the PMD (docs/benchmarks.md).
 */
static void rx_burst_process(struct dp_worker *w, struct dp_local *l, uint16_t port_id,
			     struct rte_mbuf **pkts, uint16_t n)
{
	const struct dp_port *port = &w->shared->ports[port_id];
	struct dp_class_result cls[DP_BURST];
	struct dp_peer_nbma_key keys[DP_BURST];
	int32_t slots[DP_BURST];
	unsigned int n_gre = 0;
	uint64_t bytes = 0;
	uint16_t i;

	dp_stage_enter(w, DP_STAGE_CLASSIFY);
	for (i = 0; i < n && i < PREFETCH_AHEAD; i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		if (i + PREFETCH_AHEAD < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + PREFETCH_AHEAD], void *));
		bytes += m->pkt_len;
		cls[i] = dp_classify_inline(port, m);
		if (cls[i].cls == DP_CLASS_GRE) {
			const struct rte_ipv4_hdr *ip =
				rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, cls[i].l3_off);

			keys[n_gre++] = (struct dp_peer_nbma_key){.addr = ip->src_addr};
		}
	}
	w->stats.port_rx_bytes[port_id] += bytes;
	dp_peer_by_nbma_bulk(w->peers, keys, n_gre, slots);

	dp_stage_enter(w, DP_STAGE_FORWARD);
	n_gre = 0;
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct dp_class_result c = cls[i];

		switch (c.cls) {
		case DP_CLASS_ARP: {
			struct dp_punt_meta *meta = dp_punt_meta(m, w->shared->punt_meta_offset);

			meta->type = DP_PUNT_ARP;
			meta->l3_off = c.l3_off;
			m->port = port_id; /* not every PMD sets it (net_ring does not) */
			dp_punt(w, l, m);
			break;
		}
		case DP_CLASS_GRE:
			m->ol_flags &= ~RTE_MBUF_F_RX_SEC_OFFLOAD; /* clear: not from ESP */
			dp_fwd_gre_input_src(w, l, port_id, m, c.l3_off, c.l4_off, slots[n_gre++]);
			break;
		case DP_CLASS_ESP:
			dp_esp_in_add(w, l, port_id, m, c.l3_off, c.l4_off);
			break;
		case DP_CLASS_NATT:
			dp_esp_natt_in_add(w, l, port_id, m, c.l3_off, c.l4_off);
			break;
		case DP_CLASS_ROUTE:
			dp_fwd_lan_input(w, l, port_id, m, c.l3_off);
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
	/* ESP collected above is decrypted as one burst, and what the burst sent to
	 * protected peers is encrypted as one (lanes fill: DESIGN.md 5). */
	dp_esp_in_flush(w, l);
	dp_esp_out_flush(w, l);
	dp_stage_enter(w, DP_STAGE_OTHER);
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
	dp_redirect_init(&l->redirect, sh->redirect_interval_tsc);
	if (w->sa != NULL &&
	    dp_esp_scratch_init(w->sa, (int)rte_lcore_to_socket_id(w->lcore_id)) < 0) {
		rte_free(l);
		return -ENOMEM;
	}
	rte_rcu_qsbr_thread_register(sh->qsbr, w->index);
	rte_rcu_qsbr_thread_online(sh->qsbr, w->index);

	while (!sh->stop) {
		uint64_t start = rte_rdtsc(), took;
		unsigned int q, total = 0, received = 0, applied;

		/* The rx time of what this iteration punts (control's latency figures): one
		 * TSC read per iteration, refreshed below only after an apply phase. */
		l->rx_tsc8 = (uint32_t)(start >> 8);
		dp_stage_begin(w, start);
		/* Table updates first, bounded, so a burst of changes cannot stall rx. */
		applied = dp_peer_apply_ring(w->peers, w->msg_ring, DP_MSG_APPLY_MAX);
		if (applied > 0) {
			took = rte_rdtsc() - start;
			l->rx_tsc8 = (uint32_t)((start + took) >> 8);
			total++;
			if (took > w->stats.max_apply_cycles)
				w->stats.max_apply_cycles = took;
			if (applied > w->stats.max_apply_msgs)
				w->stats.max_apply_msgs = applied;
		}
		if (w->sa_ring != NULL && dp_sa_apply_ring(w->sa, w->sa_ring, DP_SA_APPLY_MAX) > 0) {
			took = rte_rdtsc() - start;
			l->rx_tsc8 = (uint32_t)((start + took) >> 8);
			total++;
			if (took > w->stats.max_apply_cycles)
				w->stats.max_apply_cycles = took;
		}

		for (q = 0; q < w->n_rxq; q++) {
			uint16_t port = w->rxq[q].port;
			uint16_t n;

			dp_stage_enter(w, DP_STAGE_RX);
			n = rte_eth_rx_burst(port, w->rxq[q].queue, pkts, DP_BURST);
			dp_stage_enter(w, DP_STAGE_OTHER);
			if (n == 0)
				continue;
			total += n;
			received += n;
			w->stats.port_rx[port] += n;
			rx_burst_process(w, l, port, pkts, n);
		}
		/* Packets control asks this worker to send (multicast replication). */
		{
			void *inj[DP_BURST];
			unsigned int k, n = rte_ring_sc_dequeue_burst(w->inject_ring, inj, DP_BURST,
								       NULL);

			for (k = 0; k < n; k++) {
				struct rte_mbuf *m = inj[k];

				dp_mcast_replicate(w, l, m,
						   dp_punt_meta(m, sh->punt_meta_offset)->tunnel);
			}
			total += n;
		}
		dp_esp_out_flush(w, l);
		dp_punt_flush(w, l);
		/* This worker holds no FIB reference across iterations. */
		rte_rcu_qsbr_quiescent(sh->qsbr, w->index);

		w->stats.loops++;
		if (total > 0) {
			uint64_t now = rte_rdtsc();

			took = now - start;
			w->stats.busy_loops++;
			w->stats.busy_cycles += took;
			if (took > w->stats.max_loop_cycles)
				w->stats.max_loop_cycles = took;
			if (now - last_drain < sh->tx_drain_tsc) {
				dp_stage_end(w, received);
				continue;
			}
		} else if (sh->idle_sleep_us > 0) {
			tx_flush_all(w, l);
			dp_stage_end(w, 0);
			rte_delay_us_sleep(sh->idle_sleep_us);
			last_drain = rte_rdtsc();
			continue;
		}
		tx_flush_all(w, l);
		/* The drain's tx cycles count with the packets of this iteration (those of
		 * an idle one are not timed: an idle iteration's clock is dropped). */
		dp_stage_end(w, received);
		last_drain = rte_rdtsc();
	}
	dp_esp_out_flush(w, l);
	tx_flush_all(w, l);
	rte_rcu_qsbr_thread_offline(sh->qsbr, w->index);
	rte_rcu_qsbr_thread_unregister(sh->qsbr, w->index);
	rte_free(l);
	return 0;
}

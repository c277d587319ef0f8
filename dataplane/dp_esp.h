/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ESP stage of the worker (RFC 4303, transport mode over GRE, IPv4).
 *
 * Inbound, between classification and GRE decap: the classifier hands every ESP packet to
 * dp_esp_in_add(); at the end of the rx burst dp_esp_in_flush() checks them (SPI, bound
 * peer, length, anti-replay), decrypts the whole set in one IPsec-MB burst, checks the
 * trailer, strips ESP and hands each survivor to dp_fwd_gre_input() as the GRE packet it
 * carried, marked as protected (RTE_MBUF_F_RX_SEC_OFFLOAD).
 *
 * Outbound, after GRE encap: dp_esp_output() sends a GRE packet toward a peer either as it
 * is (no SA, tunnel not protected), or queues it; dp_esp_out_flush() (when 32 are queued,
 * after each rx burst, before tx) encrypts the queue in one burst and hands it to tx.
 */
#ifndef HUB_DP_ESP_H
#define HUB_DP_ESP_H

#include <stdint.h>

#include <rte_mbuf.h>

#include "dataplane/dp_local.h"
#include "dataplane/dp_sa.h"
#include "lib/dp_peer.h"

/* The worker's queues and work space, allocated in t at worker start (0 or -ENOMEM). */
int dp_esp_scratch_init(struct dp_sa_table *t, int socket);

/* Cells of each of the worker's caches of SA index lookups (outbound by peer, inbound by
 * SPI; in its scratch): 4096 each. */
#define DP_ESP_SA_CACHE_BITS 12
#define DP_ESP_SA_CACHE (1u << DP_ESP_SA_CACHE_BITS)

/* An SA index of t (outbound or SPI) changed: forget every cached lookup (dp_sa.c calls it
 * on each change; a no-op before the scratch exists). */
void dp_esp_cache_invalidate(struct dp_sa_table *t);

/*
 * The transforms on their own, for tests and the stage below. pkts hold Ethernet frames
 * whose outer IPv4 header starts at l3[i]. verdict[i] is 0 or an enum hub_drop; a packet
 * with a verdict is left for the caller to drop.
 *
 * dp_esp_decap_burst: ESP at l4[i] in (or, when the outer protocol is UDP, ESP-in-UDP with
 * the UDP header at l4[i]: RFC 3948), the GRE packet it carried out (same offsets, outer
 * protocol 47, lengths fixed). A NAT-T SA that had no peer port yet learns it from its first
 * authenticated packet.
 * dp_esp_encap_burst: a GRE packet in (sa_idx[i] says which outbound SA), ESP out; seq is
 * the shared counter array (dp_shared.esp_seq).
 */
void dp_esp_decap_burst(struct dp_sa_table *t, struct rte_mbuf **pkts, const uint16_t *l3,
			const uint16_t *l4, uint16_t n, uint8_t *verdict);
void dp_esp_encap_burst(struct dp_sa_table *t, struct esp_seq *seq, struct rte_mbuf **pkts,
			const uint32_t *sa_idx, uint16_t n, uint8_t *verdict);

void dp_esp_in_add(struct dp_worker *w, struct dp_local *l, uint16_t port_id,
		   struct rte_mbuf *m, uint16_t l3_off, uint16_t l4_off);
/* UDP to port 4500 (l4_off at the UDP header, its length checked by the classifier): a
 * NAT-keepalive is counted and freed, IKE dropped as natt-ike, ESP-in-UDP queued like ESP. */
void dp_esp_natt_in_add(struct dp_worker *w, struct dp_local *l, uint16_t port_id,
			struct rte_mbuf *m, uint16_t l3_off, uint16_t l4_off);
void dp_esp_in_flush(struct dp_worker *w, struct dp_local *l);

/* The output stage with a possible outbound SA (w->sa has outbound keys): see below. */
void dp_esp_output_sa(struct dp_worker *w, struct dp_local *l, const struct dp_peer *p,
		      struct rte_mbuf *m);

/* m: a GRE packet for peer p, data at its Ethernet header. Consumes m. A hub without any
 * outbound SA (GRE only) decides here, inline, without a call or a lookup. */
static inline void dp_esp_output(struct dp_worker *w, struct dp_local *l, const struct dp_peer *p,
				 struct rte_mbuf *m)
{
	if (w->sa != NULL && w->sa->n_out_keys != 0) {
		dp_esp_output_sa(w, l, p, m);
		return;
	}
	/* No SA for anyone: a peer reached through a NAT-T mapping can only be sent
	 * ESP-in-UDP, and a protected tunnel sends nothing in clear. */
	if (unlikely(w->shared->tunnels[p->d.tunnel_idx].protect_required || p->d.nat_port != 0)) {
		w->stats.drops[HUB_DROP_ESP_NO_SA]++;
		rte_pktmbuf_free(m);
		return;
	}
	dp_tx_enqueue(w, &l->tx[p->d.port_id], p->d.port_id, m);
}
void dp_esp_out_flush(struct dp_worker *w, struct dp_local *l);

#endif

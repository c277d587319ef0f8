/* SPDX-License-Identifier: BSD-3-Clause */
#include "dataplane/dp_esp.h"
#include "dataplane/dp_gre.h"
#include "dataplane/dp_mcast.h"

/* One copy for peer p: header mbuf + clone of m, encapsulated. NULL when out of mbufs. */
static struct rte_mbuf *replica_build(struct dp_local *l, struct rte_mempool *pool,
				      struct rte_mbuf *m, const struct dp_peer *p)
{
	struct rte_mbuf *hdr = rte_pktmbuf_alloc(pool), *clone;

	if (hdr == NULL)
		return NULL;
	clone = rte_pktmbuf_clone(m, pool);
	if (clone == NULL || rte_pktmbuf_chain(hdr, clone) != 0) {
		rte_pktmbuf_free(clone);
		rte_pktmbuf_free(hdr);
		return NULL;
	}
	if (dp_gre_encap(hdr, p->d.hdr, p->d.hdr_len, DP_GRE_PROTO_IPV4, l->ip_id++) < 0) {
		rte_pktmbuf_free(hdr); /* and the chained clone */
		return NULL;
	}
	return hdr;
}

void dp_mcast_replicate(struct dp_worker *w, struct dp_local *l, struct rte_mbuf *m,
			unsigned int tunnel)
{
	struct dp_peer_table *t = w->peers;
	uint32_t i, len = rte_pktmbuf_pkt_len(m);

	w->stats.mcast_in++;
	for (i = 0; i < t->n_mcast; i++) {
		struct dp_peer *p = &t->peers[t->mcast_slots[i]];
		struct rte_mbuf *copy;

		if (p->d.tunnel_idx != tunnel)
			continue;
		if (unlikely(p->d.hdr_len == 0)) {
			/* No outer header yet (its next hop unresolved, or no underlay route:
			 * the worker cannot tell which): no copy for it, and that is counted. */
			p->drops++;
			w->stats.drops[p->d.state == DP_PEER_UP ? HUB_DROP_NO_NEIGHBOUR
								 : HUB_DROP_PEER_INCOMPLETE]++;
			continue;
		}
		copy = replica_build(l, w->shared->pool, m, p);
		if (copy == NULL) {
			p->drops++;
			w->stats.drops[HUB_DROP_MCAST_NO_MBUF]++;
			continue;
		}
		p->pkts_out++;
		p->bytes_out += len;
		w->stats.mcast_copies++;
		dp_esp_output(w, l, p, copy); /* ESP when the peer has an SA */
	}
	rte_pktmbuf_free(m); /* the clones keep the payload alive until sent */
}

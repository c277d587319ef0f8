/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * GRE input and inner forwarding: decap, validate, TTL, FIB, then encap toward the peer
 * (hairpin through the hub until a shortcut exists, with a rate-limited redirect trigger
 * for control's Traffic Indication), or punt to control.
 */
#include <string.h>

#include <rte_cycles.h>
#include <rte_ip.h>
#include <rte_lpm.h>

#include "dataplane/dp_fwd.h"
#include "dataplane/dp_esp.h"
#include "dataplane/dp_gre.h"
#include "dataplane/dp_icmp_err.h"
#include "dataplane/dp_inner.h"
#include "dataplane/dp_mss.h"
#include "lib/dp_nhg.h"

/* The hot path (GRE in, FIB, GRE out) is one function from dp_fwd_gre_input_src() down to
 * the tx buffer: its stages are forced inline into it (docs/benchmarks.md, callgrind). */
#define FWD_INLINE static inline __attribute__((always_inline))

static inline void drop(struct dp_worker *w, struct rte_mbuf *m, unsigned int reason)
{
	w->stats.drops[reason]++;
	rte_pktmbuf_free(m);
}

/* The tunnel a GRE packet on port belongs to: the key tells tunnels on one port apart. */
FWD_INLINE int tunnel_match(const struct dp_shared *sh, uint16_t port_id, const struct dp_gre_info *g)
{
	unsigned int t;

	for (t = 0; t < sh->n_tunnels; t++) {
		const struct dp_tunnel *tu = &sh->tunnels[t];

		if (tu->port_id == port_id && tu->has_key == g->has_key &&
		    (!g->has_key || tu->key == g->key))
			return (int)t;
	}
	return -1;
}

static void redirect_trigger(struct dp_worker *w, struct dp_local *l, struct rte_mbuf *m,
			     int32_t src_slot, uint32_t dst_slot, uint32_t dst)
{
	struct dp_event ev;

	if (!dp_redirect_allow(&l->redirect, (uint32_t)src_slot, dst, rte_rdtsc())) {
		w->stats.redirect_suppressed++;
		return;
	}
	memset(&ev, 0, offsetof(struct dp_event, head));
	ev.type = DP_EVENT_REDIRECT;
	ev.src_slot = (uint32_t)src_slot;
	ev.src_tunnel = w->peers->peers[src_slot].d.tunnel_addr;
	ev.dst_addr = dst;
	ev.dst_slot = dst_slot;
	ev.head_len = (uint16_t)RTE_MIN(rte_pktmbuf_data_len(m), (uint32_t)DP_EVENT_HEAD_MAX);
	memcpy(ev.head, rte_pktmbuf_mtod(m, void *), ev.head_len);
	if (rte_ring_sp_enqueue_elem(w->event_ring, &ev, sizeof(ev)) == 0)
		w->stats.redirect_sent++;
	else
		w->stats.redirect_suppressed++;
}

/* Encapsulate m (data at the inner IPv4 header) toward peer slot and queue it for tx. */
FWD_INLINE void peer_output(struct dp_worker *w, struct dp_local *l, struct rte_mbuf *m,
			uint32_t slot)
{
	struct dp_peer *p = &w->peers->peers[slot];
	uint32_t len = rte_pktmbuf_pkt_len(m);

	if (unlikely(p->d.hdr_len == 0)) {
		/* The next hop's MAC is not known yet: control holds the packet in its ARP
		 * queue and sends it on resolution, as a kernel's neighbour queue would. */
		struct dp_punt_meta *meta = dp_punt_meta(m, w->shared->punt_meta_offset);

		meta->type = DP_PUNT_NEIGH;
		meta->dst_slot = slot;
		dp_punt(w, l, m);
		return;
	}
	if (unlikely(dp_gre_encap(m, p->d.hdr, p->d.hdr_len, DP_GRE_PROTO_IPV4, l->ip_id++) < 0)) {
		p->drops++;
		drop(w, m, HUB_DROP_NO_HEADROOM);
		return;
	}
	p->pkts_out++;
	p->bytes_out += len;
	w->stats.forwarded++;
	dp_esp_output(w, l, p, m); /* ESP when the peer has an SA, else as it is */
}

/* RFC 791 3.2 / RFC 1812 5.3.1: decrement TTL; expired -> ICMP time exceeded from the
 * address the packet reached us on, routed back like any other packet. */
static __attribute__((noinline, cold)) void ttl_expired(struct dp_worker *w,
							       struct dp_local *l,
							       struct rte_mbuf *m, uint32_t icmp_src)
{
	struct rte_mbuf *e;

	e = icmp_src != 0 ? dp_icmp_err_build(w->shared->pool, m, DP_ICMP_TIME_EXCEEDED,
					      DP_ICMP_TTL_EXCEEDED_IN_TRANSIT, 0, icmp_src)
			  : NULL;
	drop(w, m, HUB_DROP_TTL_EXCEEDED);
	if (e != NULL)
		dp_fwd_inner(w, l, e, -1, -1, 0);
}

FWD_INLINE int ttl_check(struct dp_worker *w, struct dp_local *l, struct rte_mbuf *m,
			 struct rte_ipv4_hdr *ip, uint32_t icmp_src)
{
	if (likely(dp_inner_ttl_dec(ip) == 0))
		return 0;
	ttl_expired(w, l, m, icmp_src);
	return -1;
}

static void punt_for_neighbour(struct dp_worker *w, struct dp_local *l, struct rte_mbuf *m,
			       uint8_t type, uint32_t idx)
{
	struct dp_punt_meta *meta = dp_punt_meta(m, w->shared->punt_meta_offset);

	meta->type = type;
	meta->dst_slot = idx;
	dp_punt(w, l, m);
}

/* Out of a LAN port: a plain Ethernet header in front of the inner packet. */
static void lan_output(struct dp_worker *w, struct dp_local *l, struct rte_mbuf *m,
		       uint32_t idx, int tunnel)
{
	const struct dp_lan_nh *nh = &w->peers->lan_nh[idx];
	struct rte_ether_hdr *eth;

	if (tunnel >= 0 && w->shared->tunnels[tunnel].tcp_mss != 0)
		dp_mss_clamp(m, w->shared->tunnels[tunnel].tcp_mss);
	if (unlikely(!nh->valid)) {
		punt_for_neighbour(w, l, m, DP_PUNT_LAN_NH, idx);
		return;
	}
	eth = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, sizeof(*eth));
	if (unlikely(eth == NULL)) {
		drop(w, m, HUB_DROP_NO_HEADROOM);
		return;
	}
	rte_ether_addr_copy(&nh->dst, &eth->dst_addr);
	rte_ether_addr_copy(&w->shared->ports[nh->port_id].mac, &eth->src_addr);
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	w->stats.forwarded++;
	dp_tx_enqueue(w, &l->tx[nh->port_id], nh->port_id, m);
}

/* Into the tunnel toward peer slot: MSS, MTU (ICMP or fragments), hairpin, encap. */
FWD_INLINE void tunnel_output(struct dp_worker *w, struct dp_local *l, struct rte_mbuf *m,
			  uint32_t slot, int tunnel, int32_t src_slot)
{
	const struct dp_shared *sh = w->shared;
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	const struct dp_tunnel *out = &sh->tunnels[w->peers->peers[slot].d.tunnel_idx];

	if (out->tcp_mss != 0)
		dp_mss_clamp(m, out->tcp_mss);
	else if (tunnel >= 0 && sh->tunnels[tunnel].tcp_mss != 0)
		dp_mss_clamp(m, sh->tunnels[tunnel].tcp_mss);

	if (unlikely(rte_pktmbuf_pkt_len(m) > out->mtu)) {
		struct rte_mbuf *frags[DP_FRAG_MAX];
		int n, i;

		if (ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_DF_FLAG)) {
			/* RFC 1191: tell the sender the tunnel's MTU. */
			struct rte_mbuf *e = dp_icmp_err_build(sh->pool, m, DP_ICMP_DEST_UNREACH,
							       DP_ICMP_FRAG_NEEDED, out->mtu,
							       out->addr);

			drop(w, m, HUB_DROP_MTU_EXCEEDED);
			if (e != NULL)
				dp_fwd_inner(w, l, e, -1, -1, 0);
			return;
		}
		/* Without DF the hub fragments the inner packet before encapsulation, as a
		 * Cisco tunnel with "ip mtu" does, so the spoke reassembles (docs/architecture.md). */
		n = dp_frag_ipv4(m, out->mtu, sh->pool, sh->pool, frags, DP_FRAG_MAX);
		if (n < 0) {
			w->stats.drops[HUB_DROP_FRAG_FAILED]++;
			return;
		}
		for (i = 0; i < n; i++)
			peer_output(w, l, frags[i], slot);
		return;
	}

	if (src_slot >= 0) {
		/* Spoke -> hub -> spoke: forward, and tell control so it can redirect the
		 * source (Phase 3) when the tunnel asks for it. */
		w->stats.hairpin++;
		w->peers->peers[src_slot].hairpin++;
		if (sh->tunnels[tunnel].redirect && (uint32_t)src_slot != slot)
			redirect_trigger(w, l, m, src_slot, slot, ip->dst_addr);
	}
	peer_output(w, l, m, slot);
}

FWD_INLINE void fwd_inner(struct dp_worker *w, struct dp_local *l, struct rte_mbuf *m, int tunnel,
			  int32_t src_slot, uint32_t icmp_src)
{
	const struct dp_shared *sh = w->shared;
	struct rte_ipv4_hdr *ip;
	uint32_t nh, dst;
	int32_t slot;
	int rc;

	rc = dp_inner_validate(m);
	if (unlikely(rc != 0)) {
		drop(w, m, (unsigned int)rc);
		return;
	}
	ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	dst = ip->dst_addr;
	if (unlikely(rte_lpm_lookup(sh->fib, rte_be_to_cpu_32(dst), &nh) != 0)) {
		drop(w, m, HUB_DROP_INNER_NO_ROUTE);
		return;
	}
	if (DP_NH_TYPE(nh) == DP_NH_GROUP)
		nh = dp_nhg_pick(&sh->nhg[DP_NH_IDX(nh)], ip, rte_pktmbuf_data_len(m));
	switch (DP_NH_TYPE(nh)) {
	case DP_NH_LOCAL: {
		struct dp_punt_meta *meta = dp_punt_meta(m, sh->punt_meta_offset);

		meta->type = DP_PUNT_LOCAL;
		meta->tunnel = (uint8_t)DP_NH_IDX(nh);
		meta->src_slot = src_slot;
		meta->outer_src = src_slot >= 0 ? w->peers->peers[src_slot].d.nbma_addr : 0;
		dp_punt(w, l, m);
		return;
	}
	case DP_NH_PEER:
		slot = (int32_t)DP_NH_IDX(nh);
		break;
	case DP_NH_TUNNEL:
		slot = dp_peer_by_tunnel(w->peers, dst);
		if (slot < 0) {
			drop(w, m, HUB_DROP_NO_BINDING);
			return;
		}
		break;
	case DP_NH_LAN:
		if (ttl_check(w, l, m, ip, icmp_src) == 0)
			lan_output(w, l, m, DP_NH_IDX(nh), tunnel);
		return;
	case DP_NH_GLEAN:
		if (ttl_check(w, l, m, ip, icmp_src) == 0)
			punt_for_neighbour(w, l, m, DP_PUNT_GLEAN, DP_NH_IDX(nh));
		return;
	case DP_NH_DROP:
		drop(w, m, HUB_DROP_BLACKHOLE);
		return;
	default:
		drop(w, m, HUB_DROP_INNER_NO_ROUTE);
		return;
	}

	if (unlikely(w->peers->peers[slot].d.state != DP_PEER_UP)) {
		drop(w, m, HUB_DROP_PEER_INCOMPLETE);
		return;
	}
	if (ttl_check(w, l, m, ip, icmp_src) == 0)
		tunnel_output(w, l, m, (uint32_t)slot, tunnel, src_slot);
}

void dp_fwd_inner(struct dp_worker *w, struct dp_local *l, struct rte_mbuf *m, int tunnel,
		  int32_t src_slot, uint32_t icmp_src)
{
	fwd_inner(w, l, m, tunnel, src_slot, icmp_src);
}

void dp_fwd_lan_input(struct dp_worker *w, struct dp_local *l, uint16_t port_id,
		      struct rte_mbuf *m, uint16_t l3_off)
{
	rte_pktmbuf_adj(m, l3_off);
	dp_fwd_inner(w, l, m, -1, -1, w->shared->ports[port_id].addr);
}

void dp_fwd_gre_input(struct dp_worker *w, struct dp_local *l, uint16_t port_id,
		      struct rte_mbuf *m, uint16_t l3_off, uint16_t l4_off)
{
	const struct rte_ipv4_hdr *oip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, l3_off);

	dp_fwd_gre_input_src(w, l, port_id, m, l3_off, l4_off,
			     dp_peer_by_nbma(w->peers, oip->src_addr, 0));
}

FWD_INLINE void gre_input(struct dp_worker *w, struct dp_local *l, uint16_t port_id,
			  struct rte_mbuf *m, uint16_t l3_off, uint16_t l4_off, int32_t src_slot,
			  uint16_t nat_port)
{
	const struct dp_shared *sh = w->shared;
	const struct rte_ipv4_hdr *oip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, l3_off);
	uint32_t outer_src = oip->src_addr;
	uint16_t gre_len = rte_be_to_cpu_16(oip->total_length) - (l4_off - l3_off);
	struct dp_gre_info g;
	int tunnel, rc;

	rc = dp_gre_parse_inline(rte_pktmbuf_mtod_offset(m, uint8_t *, l4_off), gre_len, &g);
	if (unlikely(rc != 0)) {
		drop(w, m, (unsigned int)rc);
		return;
	}
	tunnel = tunnel_match(sh, port_id, &g);
	if (unlikely(tunnel < 0)) {
		drop(w, m, HUB_DROP_GRE_KEY);
		return;
	}
	if (unlikely(sh->tunnels[tunnel].protect_required &&
		     !(m->ol_flags & RTE_MBUF_F_RX_SEC_OFFLOAD))) {
		drop(w, m, HUB_DROP_UNPROTECTED);
		return;
	}

	/* Strip everything up to the GRE payload, and anything past it (Ethernet padding). */
	rte_pktmbuf_adj(m, l4_off + g.hdr_len);
	if (rte_pktmbuf_pkt_len(m) != (uint32_t)(gre_len - g.hdr_len)) /* trim walks segments */
		rte_pktmbuf_trim(m, rte_pktmbuf_pkt_len(m) - (gre_len - g.hdr_len));

	switch (g.proto) {
	case DP_GRE_PROTO_NHRP: {
		struct dp_punt_meta *meta = dp_punt_meta(m, sh->punt_meta_offset);

		meta->type = DP_PUNT_NHRP;
		meta->tunnel = (uint8_t)tunnel;
		m->port = port_id; /* the arrival port, whatever the PMD filled in */
		meta->outer_src = outer_src;
		meta->nat_port = nat_port;
		meta->src_slot = src_slot;
		if (src_slot >= 0)
			dp_punt(w, l, m);
		else
			dp_punt_low(w, l, m);
		return;
	}
	case DP_GRE_PROTO_IPV4:
		if (unlikely(src_slot < 0)) {
			/* Data only from registered or mapped spokes: no one can inject traffic
			 * into the overlay from an address the hub has no binding for. */
			drop(w, m, HUB_DROP_GRE_UNKNOWN_PEER);
			return;
		}
		w->peers->peers[src_slot].pkts_in++;
		w->peers->peers[src_slot].bytes_in += rte_pktmbuf_pkt_len(m);
		fwd_inner(w, l, m, tunnel, src_slot, sh->tunnels[tunnel].addr);
		return;
	default:
		drop(w, m, HUB_DROP_GRE_PROTO);
		return;
	}
}

void dp_fwd_gre_input_src(struct dp_worker *w, struct dp_local *l, uint16_t port_id,
			  struct rte_mbuf *m, uint16_t l3_off, uint16_t l4_off, int32_t src_slot)
{
	gre_input(w, l, port_id, m, l3_off, l4_off, src_slot, 0);
}

void dp_fwd_gre_input_nat(struct dp_worker *w, struct dp_local *l, uint16_t port_id,
			  struct rte_mbuf *m, uint16_t l3_off, uint16_t l4_off, int32_t src_slot,
			  uint16_t nat_port)
{
	gre_input(w, l, port_id, m, l3_off, l4_off, src_slot, nat_port);
}

/* SPDX-License-Identifier: BSD-3-Clause */
/* The worker's ESP stage (dataplane/dp_esp.h). */
#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_hash.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_udp.h>

#include "dataplane/dp_esp.h"
#include "dataplane/dp_inner.h"
#include "dataplane/dp_fwd.h"
#include "dataplane/dp_stage.h"
#include "lib/esp_mbuf.h"
#include "lib/drop_reason.h"

/* A worker's queues and per-burst work space (in its SA replica, written only by it). */
struct dp_esp_scratch {
	uint16_t n_in, n_out;
	struct rte_mbuf *in[DP_BURST];
	uint16_t in_port[DP_BURST], in_l3[DP_BURST], in_l4[DP_BURST];
	struct rte_mbuf *out[DP_BURST];
	uint16_t out_port[DP_BURST];
	uint32_t out_sa[DP_BURST];
	uint8_t verdict[DP_BURST];
	/* for the transforms */
	struct esp_op ops[DP_BURST];
	int32_t idx[DP_BURST];
	uint64_t seq[DP_BURST];
	uint32_t len[DP_BURST];	/* out: plaintext (GRE) bytes */
	uint16_t sport[DP_BURST];	/* in: UDP source port of ESP-in-UDP, 0 = plain ESP */
	uint8_t learned[DP_BURST];	/* in: this packet taught its SA the peer's port */
	/* Recent answers of the SA indexes: what dp_sa_out_by_peer() said for (addr, port) and
	 * what by_spi said for an inbound SPI while the indexes were at generation gen
	 * (dp_esp_cache_invalidate() moves it on every change of either index). Direct-mapped;
	 * a miss asks the hash table and takes the cell. */
	uint32_t gen;
	struct {
		uint32_t addr;	/* network order */
		uint16_t port;	/* network order, 0 = plain ESP */
		uint16_t pad;
		uint32_t gen;	/* 0 = empty (gen starts at 1) */
		int32_t idx;	/* the outbound SA's slot, or -1 for none */
	} out_cache[DP_ESP_SA_CACHE];
	struct {
		uint32_t spi;	/* host order */
		uint32_t gen;	/* 0 = empty */
		int32_t idx;	/* the inbound SA's slot, or -1 for none */
	} in_cache[DP_ESP_SA_CACHE];
};

void dp_esp_cache_invalidate(struct dp_sa_table *t)
{
	struct dp_esp_scratch *s = t->scratch;

	if (s == NULL)
		return;
	if (++s->gen == 0) { /* after 2^32 changes: start again from clean caches */
		memset(s->out_cache, 0, sizeof(s->out_cache));
		memset(s->in_cache, 0, sizeof(s->in_cache));
		s->gen = 1;
	}
}

static inline uint32_t sa_cache_cell(uint32_t key)
{
	return (key * 0x9e3779b1u) >> (32 - DP_ESP_SA_CACHE_BITS);
}

/* dp_sa_out_by_peer() through the cache (one multiply and compare on a hit instead of
 * rte_hash's jhash and memcmp: the outbound lookup of every ESP packet). */
static inline int32_t out_sa_lookup(const struct dp_sa_table *t, struct dp_esp_scratch *s,
				    uint32_t addr, uint16_t port)
{
	uint32_t h = sa_cache_cell(addr ^ port);
	int32_t idx;

	if (unlikely(s == NULL)) /* no worker scratch (a test driving the stage directly) */
		return dp_sa_out_by_peer(t, addr, port);
	if (s->out_cache[h].gen == s->gen && s->out_cache[h].addr == addr &&
	    s->out_cache[h].port == port)
		return s->out_cache[h].idx;
	idx = dp_sa_out_by_peer(t, addr, port);
	s->out_cache[h].addr = addr;
	s->out_cache[h].port = port;
	s->out_cache[h].gen = s->gen;
	s->out_cache[h].idx = idx;
	return idx;
}

int dp_esp_scratch_init(struct dp_sa_table *t, int socket)
{
	if (t->scratch == NULL) {
		struct dp_esp_scratch *s = rte_zmalloc_socket("dp_esp_scratch", sizeof(*s),
							      RTE_CACHE_LINE_SIZE, socket);

		if (s == NULL)
			return -ENOMEM;
		s->gen = 1;
		t->scratch = s;
	}
	return 0;
}

static inline void ip_fix(struct rte_ipv4_hdr *ip, uint8_t proto, uint16_t total)
{
	ip->next_proto_id = proto;
	ip->total_length = rte_cpu_to_be_16(total);
	ip->hdr_checksum = 0;
	/* rte_ipv4_cksum()'s result, by 32-bit words (the classifier checked IHL >= 5) */
	ip->hdr_checksum = likely(rte_ipv4_hdr_len(ip) >= sizeof(*ip)) ?
				   (uint16_t)~hub_ipv4_hdr_sum(ip, rte_ipv4_hdr_len(ip)) :
				   rte_ipv4_cksum(ip);
}

static inline uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return rte_be_to_cpu_32(v);
}

/*
 * Before the SA lookup: locate the ESP header and refuse what needs no SA. 0 or a drop
 * reason. l4 locates the ESP header, or with outer protocol UDP the UDP header in front of
 * it (RFC 3948 2.2, checked by the classifier: the UDP length fits the IPv4 payload and
 * leaves more than the header); *sport_out gets the UDP source port, 0 for plain ESP.
 */
static uint8_t in_parse(struct rte_mbuf *m, uint16_t l3, uint16_t l4, uint8_t **esp_out,
			uint32_t *len_out, uint16_t *sport_out)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, l3);
	uint32_t esp_len = rte_be_to_cpu_16(ip->total_length) - (uint32_t)(l4 - l3);
	uint16_t sport = 0, esp_off = l4;

	*sport_out = 0;
	if (ip->next_proto_id == IPPROTO_UDP) {
		const struct rte_udp_hdr *udp = rte_pktmbuf_mtod_offset(m, struct rte_udp_hdr *,
									 l4);
		uint16_t ulen = rte_be_to_cpu_16(udp->dgram_len);

		if (ulen < sizeof(*udp) || ulen > esp_len)
			return HUB_DROP_NATT_TRUNCATED;
		esp_len = ulen - (uint32_t)sizeof(*udp);
		esp_off = (uint16_t)(l4 + sizeof(*udp));
		sport = udp->src_port;
		if (unlikely(sport == 0))
			return HUB_DROP_NATT_TRUNCATED; /* port 0 is no source to answer */
		*sport_out = sport;
	}
	if (esp_len < ESP_HDR_LEN)
		return HUB_DROP_ESP_TRUNCATED;
	if (unlikely(m->nb_segs != 1))
		return HUB_DROP_ESP_CRYPTO; /* in-place crypto needs one flat buffer */
	*esp_out = rte_pktmbuf_mtod_offset(m, uint8_t *, esp_off);
	*len_out = esp_len;
	return 0;
}

/* Before crypto, with the SA the SPI found (idx, -1 for none): everything else that can be
 * refused without the key. 0 or a drop reason. */
static uint8_t in_prepare(struct dp_sa_table *t, struct rte_mbuf *m, uint16_t l3, uint8_t *esp,
			  uint32_t esp_len, uint16_t sport, int32_t idx, struct esp_op *op,
			  uint64_t *seq_out)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, l3);
	const struct esp_keys *k;
	struct dp_sa *sa;
	uint64_t seq;

	if (idx < 0)
		return HUB_DROP_ESP_UNKNOWN_SPI;
	sa = &t->sa[idx];
	k = &sa->keys;
	/* The SA belongs to one spoke: its packets come from that spoke's address (and NAT
	 * port), so the GRE inside is attributed to the peer the SA is bound to. */
	if (ip->src_addr != sa->peer_addr) {
		sa->c.other++;
		return HUB_DROP_ESP_PEER_MISMATCH;
	}
	/* A NAT-T SA takes ESP-in-UDP only, from its peer's port once that is known; a plain
	 * SA takes plain ESP only. */
	if ((sport != 0) != (sa->natt != 0) ||
	    (sport != 0 && sa->nat_port != 0 && sport != sa->nat_port)) {
		sa->c.other++;
		return HUB_DROP_ESP_NATT_MISMATCH;
	}
	if (esp_len < (uint32_t)ESP_HDR_LEN + k->iv_len + ESP_TRAILER_LEN + k->icv_len ||
	    (esp_len - ESP_HDR_LEN - k->iv_len - k->icv_len) % k->block != 0) {
		sa->c.truncated++;
		return HUB_DROP_ESP_TRUNCATED;
	}
	seq = esp_replay_infer(&sa->replay, sa->esn, get32(esp + 4));
	if (!esp_replay_check(&sa->replay, seq)) {
		sa->c.replay++;
		return HUB_DROP_ESP_REPLAY;
	}
	*seq_out = seq;
	op->esp = esp;
	op->len = esp_len;
	op->seq_hi = (uint32_t)(seq >> 32);
	op->k = k;
	return 0;
}

/* After crypto: ICV verdict, NAT-T port (learned here when the SA has none yet), replay
 * (again: a duplicate may sit in the same burst), trailer (RFC 4303 2.4-2.6), then strip
 * ESP (and UDP) so the packet reads as the GRE packet it carried. */
static uint8_t in_finish(struct dp_sa_table *t, struct rte_mbuf *m, uint16_t l3, uint16_t l4,
			 const struct esp_op *op, int32_t idx, uint64_t seq, uint16_t sport,
			 uint8_t *learned)
{
	struct dp_sa *sa = &t->sa[idx];
	const struct esp_keys *k = &sa->keys;
	uint32_t front = ESP_HDR_LEN + k->iv_len, body, pad, i, gre_len;
	const uint8_t *trailer;
	struct rte_ipv4_hdr *ip;
	uint16_t ihl;

	if (op->status == -EBADMSG) {
		sa->c.integrity++;
		return HUB_DROP_ESP_INTEGRITY;
	}
	if (op->status != 0) {
		sa->c.other++;
		return op->status == -EINVAL ? HUB_DROP_ESP_TRUNCATED : HUB_DROP_ESP_CRYPTO;
	}
	if (sport != 0 && sa->nat_port != sport) {
		/* An earlier packet of this burst may have taught the SA another port. */
		if (sa->nat_port != 0) {
			sa->c.other++;
			return HUB_DROP_ESP_NATT_MISMATCH;
		}
	}
	if (!esp_replay_check(&sa->replay, seq)) {
		sa->c.replay++;
		return HUB_DROP_ESP_REPLAY;
	}
	esp_replay_update(&sa->replay, seq); /* RFC 4303 3.4.3: only once authenticated */

	body = op->len - front - k->icv_len; /* payload + padding + trailer */
	trailer = op->esp + front + body - ESP_TRAILER_LEN;
	pad = trailer[0];
	if (pad > body - ESP_TRAILER_LEN ||
	    trailer[1] != (k->tunnel ? ESP_NEXT_IPV4 : ESP_NEXT_GRE)) {
		sa->c.padding++;
		return HUB_DROP_ESP_BAD_PADDING;
	}
	/* RFC 4303 2.4: padding bytes are 1, 2, 3, ...; the receiver checks them. */
	for (i = 0; i < pad; i++) {
		if (trailer[(int)i - (int)pad] != i + 1) {
			sa->c.padding++;
			return HUB_DROP_ESP_BAD_PADDING;
		}
	}
	gre_len = body - ESP_TRAILER_LEN - pad;
	if (k->tunnel) {
		/* Tunnel mode (RFC 4303 3.1.2): an IPv4 packet, which must be GRE to the address
		 * the ESP arrived on (the SA's inbound selector, RFC 4301 5.2). Its header goes
		 * with ESP's; the outer one stays, so the GRE is attributed to the outer source
		 * the SA checks bound to its peer (the inner source may be a private address
		 * behind a NAT). */
		const struct rte_ipv4_hdr *in = (const struct rte_ipv4_hdr *)(op->esp + front);
		const struct rte_ipv4_hdr *out = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *,
									  l3);
		uint32_t iihl, itot;

		if (gre_len < sizeof(*in) || (in->version_ihl >> 4) != 4) {
			sa->c.other++;
			return HUB_DROP_ESP_TUNNEL_INNER;
		}
		iihl = (uint32_t)(in->version_ihl & 0x0f) * 4;
		itot = rte_be_to_cpu_16(in->total_length);
		if (iihl < sizeof(*in) || itot < iihl || itot > gre_len ||
		    in->next_proto_id != IPPROTO_GRE || in->dst_addr != out->dst_addr ||
		    (in->fragment_offset &
		     RTE_BE16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK))) {
			sa->c.other++;
			return HUB_DROP_ESP_TUNNEL_INNER;
		}
		front += iihl;
		gre_len = itot - iihl;
	}
	if (sport != 0 && sa->nat_port == 0) {
		/* The first authenticated packet from the peer's NAT mapping: like the kernel's
		 * encap mapping, the SA is bound to this port from now on (docs/esp.md). */
		sa->nat_port = sport;
		*learned = 1;
	}
	if (sport != 0)
		front += ESP_UDP_HDR_LEN;
	sa->c.pkts++;
	sa->c.bytes += gre_len;

	memmove(rte_pktmbuf_mtod_offset(m, uint8_t *, front), rte_pktmbuf_mtod(m, uint8_t *), l4);
	rte_pktmbuf_adj(m, (uint16_t)front);
	rte_pktmbuf_trim(m, (uint16_t)(rte_pktmbuf_pkt_len(m) - (l4 + gre_len)));
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, l3);
	ihl = (uint16_t)((ip->version_ihl & 0x0f) * 4);
	ip_fix(ip, IPPROTO_GRE, (uint16_t)(ihl + gre_len));
	m->ol_flags |= RTE_MBUF_F_RX_SEC_OFFLOAD; /* arrived inside ESP */
	return 0;
}

void dp_esp_decap_burst(struct dp_sa_table *t, struct rte_mbuf **pkts, const uint16_t *l3,
			const uint16_t *l4, uint16_t n, uint8_t *verdict)
{
	struct dp_esp_scratch *s = t->scratch;
	uint16_t i, j = 0, nk = 0, nm = 0;
	uint16_t map[DP_BURST];
	uint8_t miss[DP_BURST];
	uint8_t *esp[DP_BURST];
	uint32_t len[DP_BURST], spi[DP_BURST];
	const void *keys[DP_BURST];
	void *data[DP_BURST];
	uint64_t hits = 0;

	/* Every SPI of the burst in one bulk lookup (the table's buckets prefetched and
	 * compared together instead of one lookup after the other). */
	for (i = 0; i < n; i++) {
		s->learned[i] = 0;
		s->idx[i] = -1;
		verdict[i] = in_parse(pkts[i], l3[i], l4[i], &esp[i], &len[i], &s->sport[i]);
		if (verdict[i] == 0) {
			spi[nk] = get32(esp[i]);
			map[nk++] = i;
		}
	}
	/* Through the SPI cache first; what it misses in one bulk lookup, whose answers (found
	 * or not) take their cells. */
	for (i = 0; i < nk; i++) {
		uint32_t h = sa_cache_cell(spi[i]);

		if (s->in_cache[h].gen == s->gen && s->in_cache[h].spi == spi[i])
			s->idx[map[i]] = s->in_cache[h].idx;
		else
			miss[nm++] = (uint8_t)i;
	}
	if (nm > 0) {
		for (i = 0; i < nm; i++)
			keys[i] = &spi[miss[i]];
		rte_hash_lookup_bulk_data(t->by_spi, keys, nm, &hits, data);
		for (i = 0; i < nm; i++) {
			uint32_t k = miss[i], h = sa_cache_cell(spi[k]);
			int32_t idx = (hits & (UINT64_C(1) << i)) ? (int32_t)(uintptr_t)data[i] : -1;

			s->idx[map[k]] = idx;
			s->in_cache[h].spi = spi[k];
			s->in_cache[h].gen = s->gen;
			s->in_cache[h].idx = idx;
		}
	}
	for (i = 0; i < n; i++) {
		if (verdict[i] != 0)
			continue;
		verdict[i] = in_prepare(t, pkts[i], l3[i], esp[i], len[i], s->sport[i], s->idx[i],
					&s->ops[j], &s->seq[i]);
		if (verdict[i] == 0)
			map[j++] = i;
	}
	if (j > 0)
		esp_crypto_burst(t->mgr, s->ops, j, ESP_DIR_IN);
	for (i = 0; i < j; i++) {
		uint16_t k = map[i];

		verdict[k] = in_finish(t, pkts[k], l3[k], l4[k], &s->ops[i], s->idx[k], s->seq[k],
				       s->sport[k], &s->learned[k]);
	}
}

/* Take a sequence number for one GRE packet and lay it out as ESP (all but the crypto). */
static uint8_t out_prepare(struct dp_sa_table *t, struct esp_seq *seqs, struct rte_mbuf *m,
			   uint32_t idx, struct esp_op *op)
{
	struct dp_sa *sa = &t->sa[idx];
	uint64_t v, seq;
	int rc;

	if (idx >= t->max || sa->dir != ESP_DIR_OUT)
		return HUB_DROP_ESP_NO_SA;
	/* RFC 4303 3.3.3: one number per packet; without ESN it must never cycle. */
	v = __atomic_add_fetch(&seqs[idx].next, 1, __ATOMIC_RELAXED);
	seq = v - sa->seq_base;
	if (!sa->esn && seq > UINT32_MAX) {
		sa->c.other++;
		return HUB_DROP_ESP_SEQ_OVERFLOW;
	}
	rc = esp_mbuf_encap(m, &sa->keys, sa->spi, seq, v, op);
	if (rc == 0 && sa->natt)
		rc = esp_mbuf_udp_wrap(m, sa->nat_port); /* RFC 3948 2.1 */
	if (unlikely(rc < 0)) {
		sa->c.other++;
		return rc == -ENOSPC ? HUB_DROP_NO_HEADROOM : HUB_DROP_ESP_CRYPTO;
	}
	return 0;
}

void dp_esp_encap_burst(struct dp_sa_table *t, struct esp_seq *seq, struct rte_mbuf **pkts,
			const uint32_t *sa_idx, uint16_t n, uint8_t *verdict)
{
	struct dp_esp_scratch *s = t->scratch;
	uint16_t i, j = 0;
	uint16_t map[DP_BURST];

	for (i = 0; i < n; i++) {
		verdict[i] = out_prepare(t, seq, pkts[i], sa_idx[i], &s->ops[j]);
		if (verdict[i] == 0)
			map[j++] = i;
	}
	if (j == 0)
		return;
	esp_crypto_burst(t->mgr, s->ops, j, ESP_DIR_OUT);
	for (i = 0; i < j; i++) {
		struct dp_sa *sa = &t->sa[sa_idx[map[i]]];

		if (s->ops[i].status != 0) {
			sa->c.other++;
			verdict[map[i]] = HUB_DROP_ESP_CRYPTO;
			continue;
		}
		sa->c.pkts++;
		sa->c.bytes += s->ops[i].len;
	}
}

void dp_esp_in_add(struct dp_worker *w, struct dp_local *l, uint16_t port_id,
		   struct rte_mbuf *m, uint16_t l3_off, uint16_t l4_off)
{
	struct dp_esp_scratch *s;

	if (unlikely(w->sa == NULL)) {
		w->stats.drops[HUB_DROP_ESP_UNKNOWN_SPI]++;
		rte_pktmbuf_free(m);
		return;
	}
	s = w->sa->scratch;
	if (s->n_in == DP_BURST)
		dp_esp_in_flush(w, l);
	s->in[s->n_in] = m;
	s->in_port[s->n_in] = port_id;
	s->in_l3[s->n_in] = l3_off;
	s->in_l4[s->n_in] = l4_off;
	s->n_in++;
}

/* Tell control the port an inbound NAT-T SA learned, so it can bind the outbound SA and
 * the other workers. Should the event ring be full, the replica forgets the port again and
 * the next packet tries once more: the mapping is never half-known. */
static void natt_learned(struct dp_worker *w, uint32_t idx, uint32_t addr, uint16_t port)
{
	struct dp_event ev;

	memset(&ev, 0, offsetof(struct dp_event, head));
	ev.type = DP_EVENT_NATT_MAP;
	ev.src_slot = idx;
	ev.dst_addr = addr;
	ev.dst_slot = port;
	if (w->event_ring == NULL ||
	    rte_ring_sp_enqueue_elem(w->event_ring, &ev, sizeof(ev)) != 0)
		w->sa->sa[idx].nat_port = 0;
}

void dp_esp_natt_in_add(struct dp_worker *w, struct dp_local *l, uint16_t port_id,
			struct rte_mbuf *m, uint16_t l3_off, uint16_t l4_off)
{
	const struct rte_udp_hdr *udp = rte_pktmbuf_mtod_offset(m, struct rte_udp_hdr *, l4_off);
	const uint8_t *pl = (const uint8_t *)(udp + 1);
	uint16_t len = (uint16_t)(rte_be_to_cpu_16(udp->dgram_len) - sizeof(*udp));
	static const uint8_t zero[4];

	/* RFC 3948 2.3: a one-byte 0xFF payload keeps the NAT mapping alive; nothing to do. */
	if (len == 1 && pl[0] == 0xff) {
		w->stats.natt_keepalives++;
		rte_pktmbuf_free(m);
		return;
	}
	/* RFC 3948 2.2: four zero bytes (where an SPI cannot be 0) mark IKE, which belongs to
	 * an IKE daemon: the hub has none yet, so it is counted and dropped. */
	if (len >= sizeof(zero) && memcmp(pl, zero, sizeof(zero)) == 0) {
		w->stats.drops[HUB_DROP_NATT_IKE]++;
		rte_pktmbuf_free(m);
		return;
	}
	if (len < ESP_HDR_LEN) {
		w->stats.drops[HUB_DROP_NATT_TRUNCATED]++;
		rte_pktmbuf_free(m);
		return;
	}
	dp_esp_in_add(w, l, port_id, m, l3_off, l4_off);
}

void dp_esp_in_flush(struct dp_worker *w, struct dp_local *l)
{
	struct dp_esp_scratch *s;
	uint16_t i, n;
	uint8_t prev;

	if (w->sa == NULL)
		return;
	s = w->sa->scratch;
	n = s->n_in;
	if (n == 0)
		return;
	s->n_in = 0;
	prev = dp_stage_enter(w, DP_STAGE_ESP_IN);
	dp_esp_decap_burst(w->sa, s->in, s->in_l3, s->in_l4, n, s->verdict);
	dp_stage_enter(w, DP_STAGE_FORWARD); /* the GRE inside, as if it came in clear */
	for (i = 0; i < n; i++) {
		const struct rte_ipv4_hdr *ip;

		if (s->verdict[i] != 0) {
			w->stats.drops[s->verdict[i]]++;
			rte_pktmbuf_free(s->in[i]);
			continue;
		}
		ip = rte_pktmbuf_mtod_offset(s->in[i], const struct rte_ipv4_hdr *, s->in_l3[i]);
		if (unlikely(s->learned[i]))
			natt_learned(w, (uint32_t)s->idx[i], ip->src_addr, s->sport[i]);
		/* The GRE inside belongs to the peer at (outer source, UDP port): the SA check
		 * made both equal to what the SA is bound to. */
		dp_fwd_gre_input_nat(w, l, s->in_port[i], s->in[i], s->in_l3[i], s->in_l4[i],
				     dp_peer_by_nbma(w->peers, ip->src_addr, s->sport[i]),
				     s->sport[i]);
	}
	dp_stage_enter(w, prev);
}

void dp_esp_output_sa(struct dp_worker *w, struct dp_local *l, const struct dp_peer *p,
		      struct rte_mbuf *m)
{
	const struct dp_tunnel *tu = &w->shared->tunnels[p->d.tunnel_idx];
	struct dp_esp_scratch *s;
	int32_t idx = -1;

	/* Called only when the worker has outbound SAs (dp_esp_output() in dp_esp.h handles a
	 * GRE-only hub inline, without this hash lookup: docs/benchmarks.md, the profile). */
	s = w->sa->scratch;
	idx = out_sa_lookup(w->sa, s, p->d.nbma_addr, p->d.nat_port);
	if (idx < 0) {
		/* A peer reached through a NAT-T mapping can only be sent ESP-in-UDP. */
		if (unlikely(tu->protect_required || p->d.nat_port != 0)) {
			w->stats.drops[HUB_DROP_ESP_NO_SA]++;
			rte_pktmbuf_free(m);
			return;
		}
		dp_tx_enqueue(w, &l->tx[p->d.port_id], p->d.port_id, m);
		return;
	}
	/* Multicast copies are a header chained to a shared clone: encrypting in place needs
	 * the packet in one buffer of its own. */
	if (m->nb_segs > 1 && rte_pktmbuf_linearize(m) < 0) {
		w->stats.drops[HUB_DROP_ESP_CRYPTO]++;
		rte_pktmbuf_free(m);
		return;
	}
	if (s->n_out == DP_BURST)
		dp_esp_out_flush(w, l);
	s->out[s->n_out] = m;
	s->out_port[s->n_out] = p->d.port_id;
	s->out_sa[s->n_out] = (uint32_t)idx;
	s->n_out++;
}

void dp_esp_out_flush(struct dp_worker *w, struct dp_local *l)
{
	struct dp_esp_scratch *s;
	uint16_t i, n;
	uint8_t prev;

	if (w->sa == NULL)
		return;
	s = w->sa->scratch;
	n = s->n_out;
	if (n == 0)
		return;
	s->n_out = 0;
	prev = dp_stage_enter(w, DP_STAGE_ESP_OUT);
	dp_esp_encap_burst(w->sa, w->shared->esp_seq, s->out, s->out_sa, n, s->verdict);
	for (i = 0; i < n; i++) {
		if (s->verdict[i] != 0) {
			w->stats.drops[s->verdict[i]]++;
			rte_pktmbuf_free(s->out[i]);
			continue;
		}
		dp_tx_enqueue(w, &l->tx[s->out_port[i]], s->out_port[i], s->out[i]);
	}
	dp_stage_enter(w, prev);
}

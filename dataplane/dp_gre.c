/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_memcpy.h>

#include "dataplane/dp_gre.h"
#include "dataplane/dp_inner.h"
#include "lib/drop_reason.h"

#define GRE_BASE_LEN 4

static inline uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t get_be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static inline void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

int dp_gre_parse(const uint8_t *p, uint16_t len, struct dp_gre_info *g)
{
	uint16_t flags, hlen, off;

	if (len < GRE_BASE_LEN)
		return HUB_DROP_GRE_TRUNCATED;
	flags = get_be16(p);
	/* RFC 2784 2.3.1: the version MUST be 0 (1 is PPTP's enhanced GRE, RFC 2637). */
	if ((flags & DP_GRE_F_VERSION) != 0)
		return HUB_DROP_GRE_VERSION;
	/* RFC 2784 2.3 with RFC 2890 2: of bits 1-5 only K and S may be set. */
	if (flags & (DP_GRE_F_ROUTING | DP_GRE_F_SSR | DP_GRE_F_BIT5))
		return HUB_DROP_GRE_FLAGS;

	hlen = GRE_BASE_LEN;
	if (flags & DP_GRE_F_CSUM)
		hlen += 4; /* checksum + reserved1, RFC 2784 2.1 */
	if (flags & DP_GRE_F_KEY)
		hlen += 4;
	if (flags & DP_GRE_F_SEQ)
		hlen += 4;
	if (len < hlen)
		return HUB_DROP_GRE_TRUNCATED;
	/* RFC 2784 2.2: the checksum covers the GRE header and the payload; a correct one
	 * makes the one's complement sum of all of it all ones. */
	if ((flags & DP_GRE_F_CSUM) && rte_raw_cksum(p, len) != 0xffff)
		return HUB_DROP_GRE_BAD_CSUM;

	g->proto = get_be16(p + 2);
	g->hdr_len = hlen;
	off = (flags & DP_GRE_F_CSUM) ? 8 : 4;
	g->has_key = (flags & DP_GRE_F_KEY) != 0;
	g->key = g->has_key ? get_be32(p + off) : 0;
	/* RFC 2890 2.2: the sequence number follows the key; we neither check nor keep it. */
	g->has_seq = (flags & DP_GRE_F_SEQ) != 0;
	return 0;
}

uint16_t dp_gre_write(uint8_t *p, uint16_t proto, bool has_key, uint32_t key)
{
	put_be16(p, has_key ? DP_GRE_F_KEY : 0);
	put_be16(p + 2, proto);
	if (!has_key)
		return GRE_BASE_LEN;
	put_be32(p + 4, key);
	return GRE_BASE_LEN + 4;
}

int dp_gre_encap(struct rte_mbuf *m, const uint8_t *tmpl, uint16_t tmpl_len, uint16_t gre_proto,
                 uint16_t ip_id)
{
	struct rte_ipv4_hdr *ip;
	uint8_t *p;
	uint16_t total, id_be, csum;

	p = (uint8_t *)rte_pktmbuf_prepend(m, tmpl_len);
	if (unlikely(p == NULL))
		return -1;
	rte_memcpy(p, tmpl, tmpl_len);

	ip = (struct rte_ipv4_hdr *)(p + DP_GRE_TMPL_IP_OFF);
	total = rte_cpu_to_be_16((uint16_t)(rte_pktmbuf_pkt_len(m) - DP_GRE_TMPL_IP_OFF));
	id_be = rte_cpu_to_be_16(ip_id);
	/* RFC 1624: both fields were 0 in the template's checksum. */
	csum = dp_inner_cksum_update(ip->hdr_checksum, 0, total);
	csum = dp_inner_cksum_update(csum, 0, id_be);
	ip->total_length = total;
	ip->packet_id = id_be;
	ip->hdr_checksum = csum;
	put_be16(p + DP_GRE_TMPL_GRE_OFF + 2, gre_proto);
	return 0;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * GRE (RFC 2784) with the key and sequence extensions (RFC 2890): parsing on the way in,
 * a ready outer header template and a copy-and-fix-up encapsulation on the way out.
 */
#ifndef HUB_DP_GRE_H
#define HUB_DP_GRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "dataplane/dp_inner.h"
#include "lib/drop_reason.h"

/* Flags word (first 16 bits), host order. Bit n of RFC 2784 is 0x8000 >> n. */
#define DP_GRE_F_CSUM 0x8000    /* bit 0: checksum present (RFC 2784 2.2) */
#define DP_GRE_F_ROUTING 0x4000 /* bit 1: RFC 1701 routing present */
#define DP_GRE_F_KEY 0x2000     /* bit 2: key present (RFC 2890 2.1) */
#define DP_GRE_F_SEQ 0x1000     /* bit 3: sequence number present (RFC 2890 2.1) */
#define DP_GRE_F_SSR 0x0800     /* bit 4: RFC 1701 strict source route */
#define DP_GRE_F_BIT5 0x0400    /* bit 5: top bit of RFC 1701 recursion control */
#define DP_GRE_F_VERSION 0x0007 /* bits 13-15 */

#define DP_GRE_PROTO_IPV4 0x0800
#define DP_GRE_PROTO_NHRP 0x2001 /* DESIGN 3: NHRP rides in GRE with this type */

/* Lengths of what outer_hdr_build() (lib/outer_hdr.h) builds: Ethernet 14 + IPv4 20 + GRE 4 [+ key 4]. */
#define DP_GRE_TMPL_LEN 38
#define DP_GRE_TMPL_LEN_KEY 42
#define DP_GRE_TMPL_IP_OFF 14  /* outer IPv4 header in a template */
#define DP_GRE_TMPL_GRE_OFF 34 /* GRE header in a template */

#define DP_GRE_BASE_LEN 4

static inline uint16_t dp_gre_get_be16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t dp_gre_get_be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static inline void dp_gre_put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void dp_gre_put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

struct dp_gre_info {
	uint16_t proto;   /* protocol type, host order, e.g. 0x0800, 0x2001 */
	uint16_t hdr_len; /* GRE header bytes, payload starts here: 4..16 */
	bool has_key;     /* K bit set */
	uint32_t key;     /* host order; 0 when !has_key */
	bool has_seq;     /* S bit set: the number is skipped, never enforced */
};

/*
 * Parse the GRE header at p; len bytes are available up to the end of the outer IP
 * payload (the checksum, when present, covers exactly those bytes). Returns 0 or one of
 * HUB_DROP_GRE_{TRUNCATED,VERSION,FLAGS,BAD_CSUM}.
 *
 * RFC 2784 2.3: a receiver discards a packet with any of bits 1-5 set; RFC 2890 gives bits
 * 2 (K) and 3 (S) a meaning, so bits 1 (routing), 4 (strict source route) and 5 drop.
 * Bits 6-12 MUST be ignored on receipt (RFC 2784 2.3) and are. Version must be 0
 * (RFC 2784 2.3.1). A present checksum is verified (RFC 2784 2.2). Sequence numbers are
 * tolerated but not enforced: RFC 2890 2.2 lets a receiver skip in-order delivery.
 */
int dp_gre_parse(const uint8_t *p, uint16_t len, struct dp_gre_info *g);

/* dp_gre_parse() inline, for the forwarding path where it runs once per GRE packet
 * (docs/benchmarks.md, callgrind); g is only written when it returns 0. */
static inline int dp_gre_parse_inline(const uint8_t *p, uint16_t len, struct dp_gre_info *g)
{
	uint16_t flags, hlen, off;

	if (len < DP_GRE_BASE_LEN)
		return HUB_DROP_GRE_TRUNCATED;
	flags = dp_gre_get_be16(p);
	/* RFC 2784 2.3.1: the version MUST be 0 (1 is PPTP's enhanced GRE, RFC 2637). */
	if ((flags & DP_GRE_F_VERSION) != 0)
		return HUB_DROP_GRE_VERSION;
	/* RFC 2784 2.3 with RFC 2890 2: of bits 1-5 only K and S may be set. */
	if (flags & (DP_GRE_F_ROUTING | DP_GRE_F_SSR | DP_GRE_F_BIT5))
		return HUB_DROP_GRE_FLAGS;

	hlen = DP_GRE_BASE_LEN;
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

	g->proto = dp_gre_get_be16(p + 2);
	g->hdr_len = hlen;
	off = (flags & DP_GRE_F_CSUM) ? 8 : 4;
	g->has_key = (flags & DP_GRE_F_KEY) != 0;
	g->key = g->has_key ? dp_gre_get_be32(p + off) : 0;
	/* RFC 2890 2.2: the sequence number follows the key; we neither check nor keep it. */
	g->has_seq = (flags & DP_GRE_F_SEQ) != 0;
	return 0;
}

/* Write a GRE header at p: no checksum, no sequence number, key when has_key. Returns its
 * length, 4 or 8. */
uint16_t dp_gre_write(uint8_t *p, uint16_t proto, bool has_key, uint32_t key);

/*
 * Prepend tmpl (built by outer_hdr_build) to m, whose data starts at the inner packet,
 * then fix the outer IPv4 total length (from m's packet length), identification (ip_id,
 * host order) and header checksum (incrementally from the template's, RFC 1624), and the
 * GRE protocol type (gre_proto, host order). Works on multi-segment mbufs (only the first
 * segment is touched). Returns 0, or -1 when the first segment lacks tmpl_len bytes of
 * headroom (m is unchanged then).
 */
static inline int dp_gre_encap(struct rte_mbuf *m, const uint8_t *tmpl, uint16_t tmpl_len, uint16_t gre_proto,
                 uint16_t ip_id)
{
	struct rte_ipv4_hdr *ip;
	uint8_t *p;
	uint16_t total, id_be, csum;

	p = (uint8_t *)rte_pktmbuf_prepend(m, tmpl_len);
	if (unlikely(p == NULL))
		return -1;
	if (likely(tmpl_len > 32 && tmpl_len <= 48)) {
		/* Every GRE template (38 or 42 bytes): two fixed-size copies that overlap,
		 * instead of a copy of variable size. */
		memcpy(p, tmpl, 32);
		memcpy(p + tmpl_len - 16, tmpl + tmpl_len - 16, 16);
	} else {
		memcpy(p, tmpl, tmpl_len);
	}

	ip = (struct rte_ipv4_hdr *)(p + DP_GRE_TMPL_IP_OFF);
	total = rte_cpu_to_be_16((uint16_t)(rte_pktmbuf_pkt_len(m) - DP_GRE_TMPL_IP_OFF));
	id_be = rte_cpu_to_be_16(ip_id);
	/* RFC 1624: both fields were 0 in the template's checksum. */
	csum = dp_inner_cksum_update2(ip->hdr_checksum, total, id_be);
	ip->total_length = total;
	ip->packet_id = id_be;
	ip->hdr_checksum = csum;
	dp_gre_put_be16(p + DP_GRE_TMPL_GRE_OFF + 2, gre_proto);
	return 0;
}

#endif

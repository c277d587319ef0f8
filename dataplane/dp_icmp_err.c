/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdbool.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_icmp.h>
#include <rte_ip.h>

#include "dataplane/dp_icmp_err.h"

#define ICMP_HDR_LEN 8
#define ICMP_PREC_INTERNETWORK_CONTROL 0xc0 /* precedence 6 in the TOS byte */

/* RFC 1812 4.3.2.7: the source must define a single host. */
static bool icmp_err_src_is_host(uint32_t src)
{
	const uint8_t first = (uint8_t)(src >> 24);

	return first != 0 &&   /* "this network" (RFC 1122 3.2.1.3) */
	       first != 127 && /* loopback */
	       first < 224;    /* multicast (224/4), class E (240/4), 255.255.255.255 */
}

/* ICMP queries, to which errors may be sent; everything else is (or may be) an error, and
 * RFC 1812 4.3.2.7 forbids an error about an error. Unknown types count as errors: an
 * error loop costs more than a missing message. */
static bool icmp_err_type_is_query(uint8_t type)
{
	switch (type) {
	case 0:  /* echo reply */
	case 8:  /* echo request */
	case 9:  /* router advertisement */
	case 10: /* router solicitation */
	case 13: /* timestamp */
	case 14: /* timestamp reply */
	case 15: /* information request */
	case 16: /* information reply */
	case 17: /* address mask request */
	case 18: /* address mask reply */
		return true;
	default:
		return false;
	}
}

/* Whether RFC 1812 4.3.2.7 allows an error about this packet. */
static bool icmp_err_allowed(const struct rte_mbuf *orig, const struct rte_ipv4_hdr *ip,
                             uint16_t ihl)
{
	const uint32_t src = rte_be_to_cpu_32(ip->src_addr);
	const uint32_t dst = rte_be_to_cpu_32(ip->dst_addr);
	uint8_t type_buf;
	const uint8_t *type;

	if (ip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_OFFSET_MASK))
		return false;
	if (!icmp_err_src_is_host(src))
		return false;
	if ((dst >> 28) == 0xe || dst == 0xffffffff)
		return false;
	if (ip->next_proto_id == IPPROTO_ICMP) {
		if (rte_be_to_cpu_16(ip->total_length) <= ihl)
			return false;
		type = rte_pktmbuf_read(orig, ihl, 1, &type_buf);
		if (type == NULL || !icmp_err_type_is_query(*type))
			return false;
	}
	return true;
}

struct rte_mbuf *dp_icmp_err_build(struct rte_mempool *pool, const struct rte_mbuf *orig,
                                   uint8_t type, uint8_t code, uint16_t mtu, uint32_t src_be)
{
	const struct rte_ipv4_hdr *oip;
	struct rte_ipv4_hdr *ip;
	struct rte_icmp_hdr *icmp;
	struct rte_mbuf *m;
	uint8_t *quote;
	const void *src;
	uint32_t qlen;
	uint16_t ihl, total, len;

	if (rte_pktmbuf_data_len(orig) < sizeof(*oip))
		return NULL;
	oip = rte_pktmbuf_mtod(orig, const struct rte_ipv4_hdr *);
	ihl = rte_ipv4_hdr_len(oip);
	total = rte_be_to_cpu_16(oip->total_length);
	if ((oip->version_ihl >> 4) != 4 || ihl < sizeof(*oip) ||
	    rte_pktmbuf_data_len(orig) < ihl || total < ihl)
		return NULL;
	if (!icmp_err_allowed(orig, oip, ihl))
		return NULL;

	qlen = RTE_MIN((uint32_t)total, rte_pktmbuf_pkt_len(orig));
	qlen = RTE_MIN(qlen, (uint32_t)DP_ICMP_ERR_QUOTE_MAX);
	len = (uint16_t)(sizeof(*ip) + ICMP_HDR_LEN + qlen);

	m = rte_pktmbuf_alloc(pool);
	if (m == NULL)
		return NULL;
	ip = (struct rte_ipv4_hdr *)rte_pktmbuf_append(m, len);
	if (ip == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	icmp = (struct rte_icmp_hdr *)(ip + 1);
	quote = (uint8_t *)icmp + ICMP_HDR_LEN;
	/* rte_pktmbuf_read() copies only when the bytes span segments; otherwise it returns
	 * a pointer into orig. */
	src = rte_pktmbuf_read(orig, 0, qlen, quote);
	if (src == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	if (src != quote)
		memcpy(quote, src, qlen);

	icmp->icmp_type = type;
	icmp->icmp_code = code;
	icmp->icmp_cksum = 0;
	/* RFC 792: the 32 bits after the checksum are unused (zero), except that RFC 1191 4
	 * puts the next-hop MTU in the low 16 bits for fragmentation needed. */
	icmp->icmp_ident = 0;
	icmp->icmp_seq_nb = (type == DP_ICMP_DEST_UNREACH && code == DP_ICMP_FRAG_NEEDED)
	                        ? rte_cpu_to_be_16(mtu)
	                        : 0;
	icmp->icmp_cksum = (uint16_t)~rte_raw_cksum(icmp, ICMP_HDR_LEN + qlen);

	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->type_of_service = ICMP_PREC_INTERNETWORK_CONTROL; /* RFC 1812 4.3.2.5 */
	ip->total_length = rte_cpu_to_be_16(len);
	ip->packet_id = 0;
	ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_ICMP;
	ip->src_addr = src_be;
	ip->dst_addr = oip->src_addr;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);

	m->l3_len = sizeof(*ip);
	m->packet_type = RTE_PTYPE_L3_IPV4 | RTE_PTYPE_L4_ICMP;
	return m;
}

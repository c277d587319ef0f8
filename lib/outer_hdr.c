/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>

#include "lib/outer_hdr.h"

uint16_t outer_hdr_build(uint8_t *hdr, size_t cap, const struct rte_ether_addr *dst,
			 const struct rte_ether_addr *src, uint32_t src_ip, uint32_t dst_ip,
			 bool has_key, uint32_t key)
{
	uint16_t len = OUTER_HDR_GRE_OFF + (has_key ? 8 : 4);
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)hdr;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(hdr + OUTER_HDR_IP_OFF);
	rte_be16_t *gre = (rte_be16_t *)(hdr + OUTER_HDR_GRE_OFF);

	if (cap < len)
		return 0;
	memset(hdr, 0, len);
	rte_ether_addr_copy(dst, &eth->dst_addr);
	rte_ether_addr_copy(src, &eth->src_addr);
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);

	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->fragment_offset = RTE_BE16(RTE_IPV4_HDR_DF_FLAG);
	ip->time_to_live = OUTER_HDR_TTL;
	ip->next_proto_id = IPPROTO_GRE;
	ip->src_addr = src_ip;
	ip->dst_addr = dst_ip;
	ip->hdr_checksum = rte_ipv4_cksum(ip);

	/* RFC 2890: K bit, then the key after the protocol type. */
	gre[0] = has_key ? RTE_BE16(0x2000) : 0;
	gre[1] = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	if (has_key) {
		rte_be32_t k = rte_cpu_to_be_32(key);

		memcpy(hdr + OUTER_HDR_GRE_OFF + 4, &k, 4);
	}
	return len;
}

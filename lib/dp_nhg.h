/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ECMP next-hop groups. A route with several equal-cost next hops points at
 * DP_NH(DP_NH_GROUP, g); the worker picks one member per flow by a hash of the inner
 * addresses, protocol and (for unfragmented TCP/UDP) ports, so one flow keeps one path and
 * its packets stay in order.
 *
 * The table is shared and written only by control: a group is filled completely before any
 * FIB entry points at it and never changes afterwards (a new set of next hops gets a new
 * group); a group no route uses any more is reused only after an RCU QSBR grace period
 * (the FIB's variable), so a worker that still holds the old FIB value reads a valid group.
 */
#ifndef HUB_DP_NHG_H
#define HUB_DP_NHG_H

#include <assert.h>
#include <stdint.h>
#include <string.h>

#include <rte_hash_crc.h>
#include <rte_ip.h>

#define DP_NHG_MAX 15	  /* members per group: the group is one cache line */
#define DP_NHG_COUNT 4096 /* groups */

struct dp_nhg {
	uint32_t n;		   /* members in nh[]; 0 = unused */
	uint32_t nh[DP_NHG_MAX];   /* DP_NH(type, index) of each member, never a group */
};
static_assert(sizeof(struct dp_nhg) == 64, "one group, one cache line");

/* The member for the flow of ip (a validated header; avail contiguous bytes from it). */
static inline uint32_t dp_nhg_pick(const struct dp_nhg *g, const struct rte_ipv4_hdr *ip,
				   uint32_t avail)
{
	uint32_t ihl = (ip->version_ihl & 0x0f) * 4u;
	uint32_t h = rte_hash_crc_4byte(ip->src_addr, ip->next_proto_id);

	h = rte_hash_crc_4byte(ip->dst_addr, h);
	if ((ip->next_proto_id == IPPROTO_TCP || ip->next_proto_id == IPPROTO_UDP) &&
	    (ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)) == 0 &&
	    ihl + 4 <= avail && ihl + 4 <= rte_be_to_cpu_16(ip->total_length)) {
		const uint8_t *l4 = (const uint8_t *)ip + ihl;
		uint32_t ports;

		memcpy(&ports, l4, sizeof(ports));
		h = rte_hash_crc_4byte(ports, h);
	}
	return g->nh[((uint64_t)h * g->n) >> 32];
}

#endif

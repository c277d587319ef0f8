/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The inner IPv4 packet once GRE is stripped: header validation and TTL.
 *
 * Also home of the one incremental checksum helper the other stages (GRE encap, MSS
 * clamping) share, because it is IPv4 header arithmetic first of all.
 */
#ifndef HUB_DP_INNER_H
#define HUB_DP_INNER_H

#include <stdint.h>

#include <rte_ip.h>
#include <rte_mbuf.h>

/*
 * RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), for one 16-bit word m changing to m'.
 * The one's complement sum does not depend on byte order (RFC 1071 2.(B)), so csum, old
 * and new may all be raw network-order values straight from the packet. Returns the new
 * checksum in the same byte order.
 */
static inline uint16_t dp_inner_cksum_update(uint16_t csum, uint16_t old_word, uint16_t new_word)
{
	uint32_t sum = (uint16_t)~csum;

	sum += (uint16_t)~old_word;
	sum += new_word;
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/*
 * Validate the inner IPv4 header at the start of m's data: version 4, IHL >= 5, total
 * length between IHL and the bytes present, header checksum. The header must lie in the
 * first segment. Trailing bytes past the total length (padding) are trimmed, across
 * segments if needed. Receive checksum offload flags are not consulted: they describe
 * the outer header. Returns 0 or HUB_DROP_INNER_{TRUNCATED,BAD_HEADER,BAD_CSUM}.
 */
int dp_inner_validate(struct rte_mbuf *m);

/*
 * Decrement the TTL (RFC 1812 5.3.1) and update the header checksum incrementally
 * (RFC 1624). Returns 0, or -1 when the TTL is 0 or 1: the packet must not be forwarded
 * and the caller sends ICMP time exceeded (type 11 code 0). The header is not modified
 * then.
 */
int dp_inner_ttl_dec(struct rte_ipv4_hdr *ip);

#endif

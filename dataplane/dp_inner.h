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
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "lib/ipv4_sum.h"
#include "lib/drop_reason.h"

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
 * dp_inner_cksum_update() applied twice, for two words that were 0 and become new1 and
 * new2, in one fold: RFC 1624 eqn. 3 summed over both changes. The result is the same as
 * two calls' (both only ever give 0x0000 for an all-zero sum, which the 0xffff terms rule
 * out). For the outer header of an encapsulation (total length and identification).
 */
static inline uint16_t dp_inner_cksum_update2(uint16_t csum, uint16_t new1, uint16_t new2)
{
	uint32_t sum = (uint16_t)~csum;

	sum += 0xffff; /* ~0 */
	sum += new1;
	sum += 0xffff;
	sum += new2;
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
/* Cut m down to len bytes (len <= its packet length), freeing segments that end up empty. */
void dp_inner_trim_to(struct rte_mbuf *m, uint32_t len);

/* Inline: it runs once per forwarded packet (docs/benchmarks.md, the profile). */
static inline int dp_inner_validate(struct rte_mbuf *m)
{
	const struct rte_ipv4_hdr *ip;
	uint16_t ihl, total;

	if (rte_pktmbuf_data_len(m) < sizeof(*ip))
		return HUB_DROP_INNER_TRUNCATED;
	ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	if ((ip->version_ihl >> 4) != 4)
		return HUB_DROP_INNER_BAD_HEADER;
	ihl = rte_ipv4_hdr_len(ip);
	if (ihl < sizeof(*ip))
		return HUB_DROP_INNER_BAD_HEADER;
	if (rte_pktmbuf_data_len(m) < ihl)
		return HUB_DROP_INNER_TRUNCATED;
	total = rte_be_to_cpu_16(ip->total_length);
	if (total < ihl)
		return HUB_DROP_INNER_BAD_HEADER;
	if (rte_pktmbuf_pkt_len(m) < total)
		return HUB_DROP_INNER_TRUNCATED;
	/* RFC 1812 5.2.2: a router verifies the header checksum; a correct header sums to
	 * all ones. */
	if (hub_ipv4_hdr_sum(ip, ihl) != 0xffff)
		return HUB_DROP_INNER_BAD_CSUM;
	if (unlikely(rte_pktmbuf_pkt_len(m) > total))
		dp_inner_trim_to(m, total);
	return 0;
}

/*
 * Decrement the TTL (RFC 1812 5.3.1) and update the header checksum incrementally
 * (RFC 1624). Returns 0, or -1 when the TTL is 0 or 1: the packet must not be forwarded
 * and the caller sends ICMP time exceeded (type 11 code 0). The header is not modified
 * then.
 */
static inline int dp_inner_ttl_dec(struct rte_ipv4_hdr *ip)
{
	uint16_t old_word, new_word;
	uint8_t *ttl_proto = &ip->time_to_live;

	/* RFC 1812 5.3.1: a packet arriving with TTL 0 or 1 is not forwarded. */
	if (ip->time_to_live <= 1)
		return -1;
	/* TTL and protocol form one 16-bit word of the header (bytes 8-9). The new word is
	 * computed from the loaded one (TTL is its first byte on the wire, so the high byte in
	 * network order) rather than read back after the store, which would stall on
	 * store-to-load forwarding. */
	memcpy(&old_word, ttl_proto, sizeof(old_word));
	new_word = rte_cpu_to_be_16((uint16_t)(rte_be_to_cpu_16(old_word) - 0x0100));
	memcpy(ttl_proto, &new_word, sizeof(new_word));
	ip->hdr_checksum = dp_inner_cksum_update(ip->hdr_checksum, old_word, new_word);
	return 0;
}

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>

#include "dataplane/dp_inner.h"
#include "lib/drop_reason.h"

/* Cut m down to len bytes, freeing segments that end up empty. len <= pkt_len. */
static void inner_trim_to(struct rte_mbuf *m, uint32_t len)
{
	struct rte_mbuf *seg = m;
	uint32_t keep = len;
	uint16_t nb = 0;

	while (seg != NULL) {
		nb++;
		if (keep <= seg->data_len) {
			seg->data_len = (uint16_t)keep;
			if (seg->next != NULL) {
				rte_pktmbuf_free(seg->next);
				seg->next = NULL;
			}
			break;
		}
		keep -= seg->data_len;
		seg = seg->next;
	}
	m->nb_segs = nb;
	m->pkt_len = len;
}

int dp_inner_validate(struct rte_mbuf *m)
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
	if (rte_raw_cksum(ip, ihl) != 0xffff)
		return HUB_DROP_INNER_BAD_CSUM;
	if (rte_pktmbuf_pkt_len(m) > total)
		inner_trim_to(m, total);
	return 0;
}

int dp_inner_ttl_dec(struct rte_ipv4_hdr *ip)
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

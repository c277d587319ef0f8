/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdbool.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_tcp.h>

#include "dataplane/dp_inner.h"
#include "dataplane/dp_mss.h"

#define TCP_OPT_EOL 0
#define TCP_OPT_NOP 1
#define TCP_OPT_MSS 2
#define TCP_OPT_MSS_LEN 4

/* Walk the options in opt[0..len); false when any length is malformed. With clamp, lower
 * each MSS above mss and return in *csum the updated TCP checksum. */
static bool mss_walk(uint8_t *opt, uint16_t len, uint16_t mss, bool clamp, uint16_t *csum,
                     int *clamped)
{
	uint16_t i = 0;

	while (i < len) {
		const uint8_t kind = opt[i];
		uint8_t olen;

		if (kind == TCP_OPT_EOL)
			break;
		if (kind == TCP_OPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= len)
			return false;
		olen = opt[i + 1];
		if (olen < 2 || i + olen > len)
			return false;
		if (kind == TCP_OPT_MSS) {
			uint16_t old_mss;

			if (olen != TCP_OPT_MSS_LEN)
				return false;
			old_mss = (uint16_t)((opt[i + 2] << 8) | opt[i + 3]);
			if (clamp && old_mss > mss) {
				/* The TCP header starts 4-byte aligned, so the option's byte
				 * offset parity is i's. At an odd offset the field straddles two
				 * checksum words; its contribution is then the byte-swapped
				 * value (RFC 1071 2.(B)). */
				uint16_t o = old_mss, n = mss;

				if (i & 1) {
					o = rte_bswap16(o);
					n = rte_bswap16(n);
				}
				/* csum is kept in host order (big-endian word numbering). */
				*csum = dp_inner_cksum_update(*csum, o, n);
				opt[i + 2] = (uint8_t)(mss >> 8);
				opt[i + 3] = (uint8_t)mss;
				*clamped = 1;
			}
		}
		i += olen;
	}
	return true;
}

int dp_mss_clamp(struct rte_mbuf *m, uint16_t mss)
{
	const uint16_t data_len = rte_pktmbuf_data_len(m);
	struct rte_ipv4_hdr *ip;
	struct rte_tcp_hdr *tcp;
	uint16_t ihl, total, thl, csum;
	int clamped = 0;

	if (data_len < sizeof(*ip))
		return 0;
	ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	if ((ip->version_ihl >> 4) != 4 || ip->next_proto_id != IPPROTO_TCP)
		return 0;
	/* A non-first fragment carries no TCP header (RFC 791 3.2). */
	if (ip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_OFFSET_MASK))
		return 0;
	ihl = rte_ipv4_hdr_len(ip);
	total = rte_be_to_cpu_16(ip->total_length);
	if (ihl < sizeof(*ip) || total < ihl + sizeof(*tcp) || data_len < ihl + sizeof(*tcp))
		return 0;
	tcp = (struct rte_tcp_hdr *)((uint8_t *)ip + ihl);
	if (!(tcp->tcp_flags & RTE_TCP_SYN_FLAG))
		return 0;
	thl = (uint16_t)((tcp->data_off >> 4) * 4);
	if (thl <= sizeof(*tcp) || total < ihl + thl || data_len < ihl + thl)
		return 0;

	/* Validate the whole list first: never half-edit a malformed one. */
	if (!mss_walk((uint8_t *)(tcp + 1), thl - sizeof(*tcp), mss, false, NULL, &clamped))
		return 0;
	csum = rte_be_to_cpu_16(tcp->cksum);
	mss_walk((uint8_t *)(tcp + 1), thl - sizeof(*tcp), mss, true, &csum, &clamped);
	if (clamped)
		tcp->cksum = rte_cpu_to_be_16(csum);
	return clamped;
}

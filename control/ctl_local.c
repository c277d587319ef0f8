/* SPDX-License-Identifier: BSD-3-Clause */
#include <rte_icmp.h>
#include <rte_ip.h>

#include <errno.h>

#include "control/ctl_exc.h"
#include "control/ctl_local.h"
#include "control/ctl_peer.h"

/* Control-lcore only: one writer, read by the CLI on the same lcore. */
static struct ctl_local_stats local_stats;

const struct ctl_local_stats *ctl_local_stats(void)
{
	return &local_stats;
}

/* RFC 792: an echo reply carries the request's identifier, sequence and data. */
static int echo_reply(struct rte_mbuf *m)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	uint16_t ihl = (ip->version_ihl & 0x0f) * 4;
	uint16_t len = rte_be_to_cpu_16(ip->total_length);
	struct rte_icmp_hdr *icmp;
	uint32_t a;

	if (ip->next_proto_id != IPPROTO_ICMP || len < ihl + sizeof(*icmp) ||
	    rte_pktmbuf_data_len(m) < len ||
	    (ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)))
		return -1;
	icmp = (struct rte_icmp_hdr *)((uint8_t *)ip + ihl);
	if (icmp->icmp_type != RTE_IP_ICMP_ECHO_REQUEST || icmp->icmp_code != 0)
		return -1;
	icmp->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
	icmp->icmp_cksum = 0;
	icmp->icmp_cksum = (uint16_t)~rte_raw_cksum(icmp, len - ihl);
	a = ip->src_addr;
	ip->src_addr = ip->dst_addr;
	ip->dst_addr = a;
	ip->time_to_live = 64;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	return 0;
}

void ctl_local_input(struct hub_ctl *ctl, struct rte_mbuf *m, int32_t src_slot)
{
	local_stats.rx++;
	if (src_slot < 0 || echo_reply(m) < 0) {
		/* Not served here: the kernel's, through the exception interface, if any. */
		if (ctl_exc_to_kernel(ctl, m) != -ENOENT) {
			local_stats.to_kernel++;
			return;
		}
		local_stats.unhandled++;
		ctl->drops[HUB_DROP_LOCAL_UNHANDLED]++;
		rte_pktmbuf_free(m);
		return;
	}
	if (ctl_peer_send(ctl, (uint32_t)src_slot, m, RTE_ETHER_TYPE_IPV4) == 0)
		local_stats.echo_replied++;
}

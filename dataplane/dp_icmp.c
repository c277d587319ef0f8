/* SPDX-License-Identifier: BSD-3-Clause */
#include <rte_icmp.h>
#include <rte_ip.h>

#include "dataplane/dp_icmp.h"

int dp_icmp_echo_reply(const struct dp_port *port, struct rte_mbuf *m, uint16_t l3_off,
		       uint16_t l4_off)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, l3_off);
	struct rte_icmp_hdr *icmp = rte_pktmbuf_mtod_offset(m, struct rte_icmp_hdr *, l4_off);
	uint32_t src = rte_be_to_cpu_32(ip->src_addr);
	uint32_t sum;

	/* RFC 1122 3.2.2.6: never answer an echo sent from a broadcast or multicast source. */
	if (src == 0 || src == 0xffffffff || (src >> 28) == 0xe ||
	    (port->mask != 0xffffffff && (ip->src_addr | port->mask) == 0xffffffff))
		return -1;

	rte_ether_addr_copy(&eth->src_addr, &eth->dst_addr);
	rte_ether_addr_copy(&port->mac, &eth->src_addr);
	ip->dst_addr = ip->src_addr;
	ip->src_addr = port->addr;
	ip->time_to_live = 64;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);

	/* Type 8 -> 0: adjust the checksum incrementally (RFC 1624). */
	icmp->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
	sum = (uint16_t)~rte_be_to_cpu_16(icmp->icmp_cksum);
	sum += 0xffff - (RTE_IP_ICMP_ECHO_REQUEST << 8) + (RTE_IP_ICMP_ECHO_REPLY << 8);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	icmp->icmp_cksum = rte_cpu_to_be_16((uint16_t)~sum);

	/* Trim anything past the IP total length (Ethernet padding). */
	rte_pktmbuf_trim(m, m->pkt_len - (l3_off + rte_be_to_cpu_16(ip->total_length)));
	return 0;
}

/* SPDX-License-Identifier: BSD-3-Clause */
#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "dataplane/dp_classify.h"
#include "dataplane/dp_inner.h"
#include "lib/esp_sa.h"

static inline struct dp_class_result drop(uint8_t reason)
{
	return (struct dp_class_result){.cls = DP_CLASS_DROP, .drop = reason};
}

static struct dp_class_result classify_ipv4(const struct dp_port *port, const struct rte_mbuf *m,
					    uint16_t off)
{
	const uint16_t avail = rte_pktmbuf_data_len(m) - off;
	const struct rte_ipv4_hdr *ip;
	uint16_t ihl, total;

	if (avail < sizeof(*ip))
		return drop(HUB_DROP_IP_TRUNCATED);
	ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, off);
	ihl = (ip->version_ihl & 0x0f) * 4;
	total = rte_be_to_cpu_16(ip->total_length);
	if ((ip->version_ihl >> 4) != 4 || ihl < sizeof(*ip) || total < ihl)
		return drop(HUB_DROP_IP_BAD_HEADER);
	if (avail < total || avail < ihl)
		return drop(HUB_DROP_IP_TRUNCATED);
	if ((m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) == RTE_MBUF_F_RX_IP_CKSUM_BAD)
		return drop(HUB_DROP_IP_BAD_CSUM);
	if ((m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) != RTE_MBUF_F_RX_IP_CKSUM_GOOD &&
	    dp_ipv4_hdr_sum(ip, ihl) != 0xffff)
		return drop(HUB_DROP_IP_BAD_CSUM);
	if (ip->dst_addr != port->addr) {
		if (port->role == DP_PORT_LAN)
			return (struct dp_class_result){.cls = DP_CLASS_ROUTE, .l3_off = off,
							.l4_off = off + ihl};
		return drop(HUB_DROP_IP_NOT_FOR_US);
	}
	/* Outer fragments are not reassembled: spokes send GRE/ESP with DF or within MTU. */
	if (ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK))
		return drop(HUB_DROP_IP_FRAGMENT);

	switch (ip->next_proto_id) {
	case IPPROTO_ICMP: {
		const struct rte_icmp_hdr *icmp;

		if ((size_t)(total - ihl) < sizeof(*icmp))
			return drop(HUB_DROP_ICMP_MALFORMED);
		icmp = (const struct rte_icmp_hdr *)((const uint8_t *)ip + ihl);
		if (icmp->icmp_type != RTE_IP_ICMP_ECHO_REQUEST || icmp->icmp_code != 0)
			return drop(HUB_DROP_ICMP_UNHANDLED);
		return (struct dp_class_result){.cls = DP_CLASS_ICMP_ECHO, .l3_off = off,
						.l4_off = off + ihl};
	}
	case IPPROTO_GRE:
		if (port->role != DP_PORT_UNDERLAY)
			return drop(HUB_DROP_IP_PROTO);
		return (struct dp_class_result){.cls = DP_CLASS_GRE, .l3_off = off,
						.l4_off = off + ihl};
	case ESP_PROTO:
		if (port->role != DP_PORT_UNDERLAY)
			return drop(HUB_DROP_IP_PROTO);
		return (struct dp_class_result){.cls = DP_CLASS_ESP, .l3_off = off,
						.l4_off = off + ihl};
	case IPPROTO_UDP: {
		/* RFC 3948 2: ESP-in-UDP (and its keepalives) arrive on port 4500; the UDP
		 * header is checked here, its payload by the ESP stage (dp_esp_natt_in_add). */
		const struct rte_udp_hdr *udp;
		uint16_t ulen;

		if (port->role != DP_PORT_UNDERLAY)
			return drop(HUB_DROP_IP_PROTO);
		if ((size_t)(total - ihl) < sizeof(*udp))
			return drop(HUB_DROP_NATT_TRUNCATED);
		udp = (const struct rte_udp_hdr *)((const uint8_t *)ip + ihl);
		if (udp->dst_port != RTE_BE16(ESP_NATT_PORT))
			return drop(HUB_DROP_UDP_PORT);
		ulen = rte_be_to_cpu_16(udp->dgram_len);
		if (ulen <= sizeof(*udp) || ulen > total - ihl)
			return drop(HUB_DROP_NATT_TRUNCATED);
		return (struct dp_class_result){.cls = DP_CLASS_NATT, .l3_off = off,
						.l4_off = off + ihl};
	}
	default:
		return drop(HUB_DROP_IP_PROTO);
	}
}

struct dp_class_result dp_classify(const struct dp_port *port, const struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eth;

	if (rte_pktmbuf_data_len(m) < sizeof(*eth))
		return drop(HUB_DROP_ETH_TRUNCATED);
	eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	if (!rte_is_multicast_ether_addr(&eth->dst_addr) &&
	    !rte_is_same_ether_addr(&eth->dst_addr, &port->mac))
		return drop(HUB_DROP_ETH_NOT_FOR_US);

	switch (eth->ether_type) {
	case RTE_BE16(RTE_ETHER_TYPE_ARP):
		if (rte_pktmbuf_data_len(m) < sizeof(*eth) + sizeof(struct rte_arp_hdr))
			return drop(HUB_DROP_ARP_MALFORMED);
		return (struct dp_class_result){.cls = DP_CLASS_ARP, .l3_off = sizeof(*eth)};
	case RTE_BE16(RTE_ETHER_TYPE_IPV4):
		return classify_ipv4(port, m, sizeof(*eth));
	default:
		return drop(HUB_DROP_ETHERTYPE);
	}
}

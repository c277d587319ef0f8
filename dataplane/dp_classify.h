/* SPDX-License-Identifier: BSD-3-Clause */
/* Outer classification: what kind of packet arrived on a port, or why it is dropped. */
#ifndef HUB_DP_CLASSIFY_H
#define HUB_DP_CLASSIFY_H

#include <assert.h>
#include <stdint.h>
#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#include "dataplane/dp_inner.h"
#include "lib/drop_reason.h"
#include "lib/esp_sa.h"

#include "lib/dp_shared.h"

enum dp_class {
	DP_CLASS_DROP = 0,  /* the drop reason says why */
	DP_CLASS_ARP,	    /* to control */
	DP_CLASS_ICMP_ECHO, /* echo request to the port's address: answered in the worker */
	DP_CLASS_GRE,	    /* GRE to an underlay port's address */
	DP_CLASS_ROUTE,	    /* IPv4 on a LAN port for somewhere else: to the FIB */
	DP_CLASS_ESP,	    /* ESP (RFC 4303) to an underlay port's address */
	DP_CLASS_NATT,	    /* UDP to port 4500 of an underlay port's address (RFC 3948); l4_off
			     * locates the UDP header, whose length fits the IPv4 payload */
};

/* Eight bytes, so that it travels back in one register: a 6-byte result was assembled on
 * the stack by byte and word stores and reloaded wider, a store-forwarding stall on every
 * packet (docs/benchmarks.md, the profile of 2026-11-25). */
struct dp_class_result {
	uint8_t cls;	  /* enum dp_class */
	uint8_t drop;	  /* enum hub_drop when cls == DP_CLASS_DROP */
	uint16_t l3_off;  /* offset of the ARP or IPv4 header */
	uint16_t l4_off;  /* offset of the IPv4 payload */
	uint16_t pad;	  /* 0 */
};
static_assert(sizeof(struct dp_class_result) == 8, "dp_class_result fits one register");

/*
 * Classify one packet received on `port`. Checks the Ethernet destination, the IPv4
 * header (version, IHL, lengths, checksum, fragments) and the destination address.
 * Reads only inside the mbuf's first segment.
 */
struct dp_class_result dp_classify(const struct dp_port *port, const struct rte_mbuf *m);

/* dp_classify() inline, for the worker's rx loop where it runs once per packet
 * (docs/benchmarks.md, callgrind). */
static inline struct dp_class_result dp_class_drop(uint8_t reason)
{
	return (struct dp_class_result){.cls = DP_CLASS_DROP, .drop = reason};
}

static inline struct dp_class_result dp_classify_ipv4(const struct dp_port *port, const struct rte_mbuf *m,
					    uint16_t off)
{
	const uint16_t avail = rte_pktmbuf_data_len(m) - off;
	const struct rte_ipv4_hdr *ip;
	uint16_t ihl, total;

	if (avail < sizeof(*ip))
		return dp_class_drop(HUB_DROP_IP_TRUNCATED);
	ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, off);
	ihl = (ip->version_ihl & 0x0f) * 4;
	total = rte_be_to_cpu_16(ip->total_length);
	if ((ip->version_ihl >> 4) != 4 || ihl < sizeof(*ip) || total < ihl)
		return dp_class_drop(HUB_DROP_IP_BAD_HEADER);
	if (avail < total || avail < ihl)
		return dp_class_drop(HUB_DROP_IP_TRUNCATED);
	if ((m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) == RTE_MBUF_F_RX_IP_CKSUM_BAD)
		return dp_class_drop(HUB_DROP_IP_BAD_CSUM);
	if ((m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) != RTE_MBUF_F_RX_IP_CKSUM_GOOD &&
	    hub_ipv4_hdr_sum(ip, ihl) != 0xffff)
		return dp_class_drop(HUB_DROP_IP_BAD_CSUM);
	if (ip->dst_addr != port->addr) {
		if (port->role == DP_PORT_LAN)
			return (struct dp_class_result){.cls = DP_CLASS_ROUTE, .l3_off = off,
							.l4_off = off + ihl};
		return dp_class_drop(HUB_DROP_IP_NOT_FOR_US);
	}
	/* Outer fragments are not reassembled: spokes send GRE/ESP with DF or within MTU. */
	if (ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK))
		return dp_class_drop(HUB_DROP_IP_FRAGMENT);

	switch (ip->next_proto_id) {
	case IPPROTO_ICMP: {
		const struct rte_icmp_hdr *icmp;

		if ((size_t)(total - ihl) < sizeof(*icmp))
			return dp_class_drop(HUB_DROP_ICMP_MALFORMED);
		icmp = (const struct rte_icmp_hdr *)((const uint8_t *)ip + ihl);
		if (icmp->icmp_type != RTE_IP_ICMP_ECHO_REQUEST || icmp->icmp_code != 0)
			return dp_class_drop(HUB_DROP_ICMP_UNHANDLED);
		return (struct dp_class_result){.cls = DP_CLASS_ICMP_ECHO, .l3_off = off,
						.l4_off = off + ihl};
	}
	case IPPROTO_GRE:
		if (port->role != DP_PORT_UNDERLAY)
			return dp_class_drop(HUB_DROP_IP_PROTO);
		return (struct dp_class_result){.cls = DP_CLASS_GRE, .l3_off = off,
						.l4_off = off + ihl};
	case ESP_PROTO:
		if (port->role != DP_PORT_UNDERLAY)
			return dp_class_drop(HUB_DROP_IP_PROTO);
		return (struct dp_class_result){.cls = DP_CLASS_ESP, .l3_off = off,
						.l4_off = off + ihl};
	case IPPROTO_UDP: {
		/* RFC 3948 2: ESP-in-UDP (and its keepalives) arrive on port 4500; the UDP
		 * header is checked here, its payload by the ESP stage (dp_esp_natt_in_add). */
		const struct rte_udp_hdr *udp;
		uint16_t ulen;

		if (port->role != DP_PORT_UNDERLAY)
			return dp_class_drop(HUB_DROP_IP_PROTO);
		if ((size_t)(total - ihl) < sizeof(*udp))
			return dp_class_drop(HUB_DROP_NATT_TRUNCATED);
		udp = (const struct rte_udp_hdr *)((const uint8_t *)ip + ihl);
		if (udp->dst_port != RTE_BE16(ESP_NATT_PORT))
			return dp_class_drop(HUB_DROP_UDP_PORT);
		ulen = rte_be_to_cpu_16(udp->dgram_len);
		if (ulen <= sizeof(*udp) || ulen > total - ihl)
			return dp_class_drop(HUB_DROP_NATT_TRUNCATED);
		return (struct dp_class_result){.cls = DP_CLASS_NATT, .l3_off = off,
						.l4_off = off + ihl};
	}
	default:
		return dp_class_drop(HUB_DROP_IP_PROTO);
	}
}

static inline struct dp_class_result dp_classify_inline(const struct dp_port *port,
							 const struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eth;

	if (rte_pktmbuf_data_len(m) < sizeof(*eth))
		return dp_class_drop(HUB_DROP_ETH_TRUNCATED);
	eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	if (!rte_is_multicast_ether_addr(&eth->dst_addr) &&
	    !rte_is_same_ether_addr(&eth->dst_addr, &port->mac))
		return dp_class_drop(HUB_DROP_ETH_NOT_FOR_US);

	switch (eth->ether_type) {
	case RTE_BE16(RTE_ETHER_TYPE_ARP):
		if (rte_pktmbuf_data_len(m) < sizeof(*eth) + sizeof(struct rte_arp_hdr))
			return dp_class_drop(HUB_DROP_ARP_MALFORMED);
		return (struct dp_class_result){.cls = DP_CLASS_ARP, .l3_off = sizeof(*eth)};
	case RTE_BE16(RTE_ETHER_TYPE_IPV4):
		return dp_classify_ipv4(port, m, sizeof(*eth));
	default:
		return dp_class_drop(HUB_DROP_ETHERTYPE);
	}
}

#endif

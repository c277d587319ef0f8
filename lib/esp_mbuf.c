/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "lib/ipv4_sum.h"
#include "lib/esp_mbuf.h"

/*
 * rte_ipv4_cksum() with the same result (lib/ipv4_sum.h: 32-bit words into 64 bits, folded;
 * RFC 1071 2.(C)) instead of rte_raw_cksum()'s loop over 16-bit words: it runs for every
 * ESP packet sent (docs/benchmarks.md, callgrind). The IHL is a count of 32-bit words.
 */
static inline uint16_t ipv4_cksum(const struct rte_ipv4_hdr *ip)
{
	return (uint16_t)~hub_ipv4_hdr_sum(ip, rte_ipv4_hdr_len(ip));
}

int esp_mbuf_encap(struct rte_mbuf *m, const struct esp_keys *k, uint32_t spi, uint64_t seq,
		   uint64_t iv_seed, struct esp_op *op)
{
	struct rte_ipv4_hdr *ip;
	uint32_t l4, front = esp_front_len(k), plen, pad, tail, i, extra;
	uint16_t ihl;
	uint8_t *p, *esp;
	uint32_t v;

	if (m->nb_segs != 1 || !RTE_MBUF_DIRECT(m) || rte_mbuf_refcnt_read(m) != 1 ||
	    rte_pktmbuf_data_len(m) < RTE_ETHER_HDR_LEN + sizeof(*ip))
		return -EINVAL;
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, RTE_ETHER_HDR_LEN);
	ihl = (uint16_t)((ip->version_ihl & 0x0f) * 4);
	l4 = RTE_ETHER_HDR_LEN + ihl;
	if (rte_pktmbuf_pkt_len(m) < l4)
		return -EINVAL;
	/* Transport mode protects the GRE after the IPv4 header; tunnel mode the whole IPv4
	 * packet, under a new outer header made from a copy of the packet's own (RFC 4303
	 * 3.1.2; the addresses are the same: hub to spoke). */
	plen = rte_pktmbuf_pkt_len(m) - (k->tunnel ? RTE_ETHER_HDR_LEN : l4);
	extra = front + (k->tunnel ? ihl : 0);
	pad = esp_pad_len(k, plen);
	tail = pad + ESP_TRAILER_LEN + k->icv_len;
	if (rte_pktmbuf_headroom(m) < extra || rte_pktmbuf_tailroom(m) < tail)
		return -ENOSPC;
	p = (uint8_t *)rte_pktmbuf_prepend(m, (uint16_t)extra);
	memmove(p, p + extra, l4);
	esp = p + l4;
	v = rte_cpu_to_be_32(spi);
	memcpy(esp, &v, 4);
	v = rte_cpu_to_be_32((uint32_t)seq);
	memcpy(esp + 4, &v, 4);
	p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)tail);
	for (i = 0; i < pad; i++)
		p[i] = (uint8_t)(i + 1);
	p[pad] = (uint8_t)pad;
	p[pad + 1] = k->tunnel ? ESP_NEXT_IPV4 : ESP_NEXT_GRE;
	op->esp = esp;
	op->len = front + plen + tail;
	op->seq_hi = (uint32_t)(seq >> 32);
	op->iv_seed = iv_seed;
	op->k = k;
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, RTE_ETHER_HDR_LEN);
	ip->next_proto_id = ESP_PROTO;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(ihl + op->len));
	ip->hdr_checksum = 0;
	ip->hdr_checksum = ipv4_cksum(ip);
	return 0;
}

int esp_mbuf_udp_wrap(struct rte_mbuf *m, uint16_t dport)
{
	struct rte_ipv4_hdr *ip;
	struct rte_udp_hdr *udp;
	uint16_t ihl, total;
	uint8_t *p;

	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, RTE_ETHER_HDR_LEN);
	ihl = (uint16_t)((ip->version_ihl & 0x0f) * 4);
	total = rte_be_to_cpu_16(ip->total_length);
	if (rte_pktmbuf_headroom(m) < sizeof(*udp) || total > UINT16_MAX - sizeof(*udp))
		return -ENOSPC;
	p = (uint8_t *)rte_pktmbuf_prepend(m, sizeof(*udp));
	memmove(p, p + sizeof(*udp), RTE_ETHER_HDR_LEN + ihl);
	ip = (struct rte_ipv4_hdr *)(p + RTE_ETHER_HDR_LEN);
	udp = (struct rte_udp_hdr *)(p + RTE_ETHER_HDR_LEN + ihl);
	udp->src_port = RTE_BE16(ESP_NATT_PORT);
	udp->dst_port = dport;
	udp->dgram_len = rte_cpu_to_be_16((uint16_t)(total - ihl + sizeof(*udp)));
	udp->dgram_cksum = 0;
	ip->next_proto_id = IPPROTO_UDP;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(total + sizeof(*udp)));
	ip->hdr_checksum = 0;
	ip->hdr_checksum = ipv4_cksum(ip);
	return 0;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ready-made outer header a worker copies in front of every packet it sends to a
 * peer: Ethernet + IPv4 + GRE (RFC 2784, key per RFC 2890). Control builds it once per
 * peer (and again when the next hop's MAC changes); the worker then fixes up only the IPv4
 * total length, identification and checksum, and the GRE protocol type.
 */
#ifndef HUB_OUTER_HDR_H
#define HUB_OUTER_HDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_ether.h>

#define OUTER_HDR_TTL 64

/* Offsets inside the template. */
#define OUTER_HDR_IP_OFF RTE_ETHER_HDR_LEN
#define OUTER_HDR_GRE_OFF (RTE_ETHER_HDR_LEN + 20)

/*
 * Write the template into hdr (cap bytes). The IPv4 header has DF set, TTL 64, protocol
 * 47, total length 0, identification 0 and a checksum computed over exactly that, so the
 * per-packet checksum can be derived incrementally (RFC 1624). The GRE protocol type is
 * 0x0800. Returns the template's length (38, or 42 with a key), 0 when cap is too small.
 */
uint16_t outer_hdr_build(uint8_t *hdr, size_t cap, const struct rte_ether_addr *dst,
			 const struct rte_ether_addr *src, uint32_t src_ip, uint32_t dst_ip,
			 bool has_key, uint32_t key);

#endif

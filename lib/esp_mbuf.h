/* SPDX-License-Identifier: BSD-3-Clause */
/* ESP transport-mode layout on an mbuf, shared by the worker's stage and control's own sends. */
#ifndef HUB_ESP_MBUF_H
#define HUB_ESP_MBUF_H

#include <rte_mbuf.h>

#include "lib/esp_crypto.h"

/*
 * m holds an Ethernet frame with an IPv4 header at offset 14 and the payload to protect
 * after it (GRE). Make room for ESP around the payload (header + IV in front, padding 1, 2,
 * 3, ... and the trailer with next header GRE, space for the ICV at the end; RFC 4303 2),
 * write SPI and low sequence number, fix the outer IPv4 header (protocol 50, length,
 * checksum), and describe the crypto still to do in op. Returns 0, -EINVAL (not one direct,
 * unshared buffer) or -ENOSPC (no head or tail room); m is unchanged on error.
 */
int esp_mbuf_encap(struct rte_mbuf *m, const struct esp_keys *k, uint32_t spi, uint64_t seq,
		   uint64_t iv_seed, struct esp_op *op);

/*
 * NAT-T (RFC 3948 2.1): put a UDP header between the outer IPv4 header (at offset 14) and
 * the ESP that esp_mbuf_encap() laid out, source port 4500, destination dport (network
 * order), checksum 0 (RFC 3948 3.1: "SHOULD be transmitted as a zero value"). Only the
 * headers move, so an esp_op describing the ESP stays valid. 0, or -ENOSPC without 8 bytes
 * of headroom (m unchanged).
 */
int esp_mbuf_udp_wrap(struct rte_mbuf *m, uint16_t dport);

#endif

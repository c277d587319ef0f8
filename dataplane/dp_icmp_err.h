/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMP error messages the hub originates about inner packets it cannot forward: time
 * exceeded (TTL ran out) and fragmentation needed (DF set, too big for the tunnel).
 */
#ifndef HUB_DP_ICMP_ERR_H
#define HUB_DP_ICMP_ERR_H

#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_mempool.h>

#define DP_ICMP_TIME_EXCEEDED 11
#define DP_ICMP_TTL_EXCEEDED_IN_TRANSIT 0
#define DP_ICMP_DEST_UNREACH 3
#define DP_ICMP_FRAG_NEEDED 4

/* RFC 1812 4.3.2.3: the error datagram stays within 576 bytes, so at most 576 - 20 - 8 =
 * 548 bytes of the offending packet are quoted. */
#define DP_ICMP_ERR_MAX_LEN 576
#define DP_ICMP_ERR_QUOTE_MAX (DP_ICMP_ERR_MAX_LEN - 20 - 8)

/*
 * Build a new mbuf (from pool) holding an IPv4 ICMP error about orig, whose data starts at
 * the offending inner IPv4 header: type/code (11/0 time exceeded, 3/4 fragmentation
 * needed with next-hop MTU `mtu` per RFC 1191 4; mtu is ignored for other types), from
 * src_be (the hub's address) to orig's source, TTL 64.
 *
 * Quote: as much of orig as fits in a 576-byte datagram (RFC 1812 4.3.2.3), i.e. up to 548
 * bytes, never more than orig's total length; at least the IP header and 8 bytes
 * (RFC 792) whenever orig has them. The longer quote lets a sender behind nested tunnels
 * (ESP, GRE) still find its own headers, which PMTU discovery relies on.
 *
 * The reply carries precedence 6 (RFC 1812 4.3.2.5), DF and id 0 (an atomic datagram,
 * RFC 6864 4.1: it is never fragmented). The returned mbuf's data starts at its IPv4
 * header; the caller routes it like any inner packet.
 *
 * Returns NULL (and builds nothing) per RFC 1812 4.3.2.7 about: an ICMP error (or an ICMP
 * message of unknown type, or whose type is not present), a fragment other than the first,
 * a packet from a source that is not a single host (0/8, 127/8, multicast, class E,
 * 255.255.255.255) or to a multicast or limited broadcast destination, a malformed IPv4
 * header; and when the pool is empty. Directed broadcasts and link-layer broadcasts are
 * invisible here: the caller must not ask about those.
 */
struct rte_mbuf *dp_icmp_err_build(struct rte_mempool *pool, const struct rte_mbuf *orig,
                                   uint8_t type, uint8_t code, uint16_t mtu, uint32_t src_be);

#endif

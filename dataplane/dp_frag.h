/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fragmentation of inner IPv4 packets that do not fit the tunnel MTU and allow it (DF
 * clear), done before encapsulation so the outer packets never need fragmenting.
 */
#ifndef HUB_DP_FRAG_H
#define HUB_DP_FRAG_H

#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_mempool.h>

/* Headroom every fragment keeps in front of its IPv4 header for the encapsulations that
 * follow: outer Ethernet + IPv4 + GRE with key (42), ESP header and IV, NAT-T UDP. */
#define DP_FRAG_HEADROOM_MIN 96

/*
 * Split m (data at an inner IPv4 header, DF clear) into fragments of at most mtu bytes
 * each (RFC 791 3.2), into out[] (at most n_out). Consumes m in every case: either it is
 * returned as out[0] unchanged (it already fits: returns 1) or it is freed.
 *
 * Fragments are copies: each is a single-segment mbuf from `direct`, data at its IPv4
 * header, with RTE_PKTMBUF_HEADROOM (>= DP_FRAG_HEADROOM_MIN) bytes of headroom, so GRE and
 * ESP encapsulate it in place like any received packet. `indirect` is not used and may be
 * NULL: zero-copy fragments (rte_ipv4_fragment_packet) would be chained mbufs sharing one
 * buffer, which in-place encryption cannot handle, and fragmenting is a rare path.
 * m itself may be multi-segment. Each fragment's header checksum is computed; options
 * without the copied flag stay in the first fragment only (RFC 791 3.1). A packet that is
 * itself a fragment is refragmented with its offset and MF kept.
 *
 * Returns the number of fragments, or a negative errno (m freed, nothing in out[]):
 * -EMSGSIZE DF is set (check DF and send ICMP fragmentation needed before calling),
 * -EINVAL malformed header or options, mtu too small (< header + 8) or larger than the
 * direct pool's buffers, offset overflow, -E2BIG more fragments than n_out, -ENOMEM the
 * direct pool is empty.
 */
int dp_frag_ipv4(struct rte_mbuf *m, uint16_t mtu, struct rte_mempool *direct,
                 struct rte_mempool *indirect, struct rte_mbuf **out, uint16_t n_out);

#endif

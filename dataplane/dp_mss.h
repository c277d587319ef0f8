/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP MSS clamping for packets entering the tunnel, so TCP sessions never need PMTU
 * discovery across GRE + ESP overhead (Cisco's "ip tcp adjust-mss").
 */
#ifndef HUB_DP_MSS_H
#define HUB_DP_MSS_H

#include <stdint.h>

#include <rte_mbuf.h>

/*
 * If m (data at an inner IPv4 header) is a TCP segment with SYN set (SYN or SYN-ACK)
 * carrying an MSS option (RFC 9293 3.7.1, kind 2 length 4) above mss, lower it to mss and
 * fix the TCP checksum incrementally (RFC 1624), so the payload need not be present
 * (a first fragment works). Every MSS option found is clamped.
 *
 * Left untouched (returns 0): not IPv4/TCP, malformed IPv4 or TCP header, a non-first
 * fragment (it has no TCP header), a TCP header not wholly in the first segment, any option
 * with a bad length (0, 1, past the header, or an MSS whose length is not 4): a packet we
 * cannot parse is forwarded as it is rather than edited on a guess. The option walk stops
 * at EOL (RFC 9293 3.1). Returns 1 when an option was lowered, 0 otherwise.
 */
int dp_mss_clamp(struct rte_mbuf *m, uint16_t mss);

#endif

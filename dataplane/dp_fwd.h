/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef HUB_DP_FWD_H
#define HUB_DP_FWD_H

#include "dataplane/dp_frag.h"
#include "dataplane/dp_local.h"
#include "dataplane/dp_peer_table.h"

#define DP_FRAG_MAX 8 /* fragments of one inner packet (9000 / 1400 rounds up to 7) */

/* A GRE packet to the port's address: l3_off/l4_off locate the outer IPv4 and GRE. */
void dp_fwd_gre_input(struct dp_worker *w, struct dp_local *l, uint16_t port_id,
		      struct rte_mbuf *m, uint16_t l3_off, uint16_t l4_off);

/* The same, with the sending peer already looked up (dp_peer_by_nbma_bulk() over a burst):
 * src_slot is the slot of the UP peer at the outer source, or -1. */
void dp_fwd_gre_input_src(struct dp_worker *w, struct dp_local *l, uint16_t port_id,
			  struct rte_mbuf *m, uint16_t l3_off, uint16_t l4_off, int32_t src_slot);

/* The same for the GRE packet decrypted from ESP-in-UDP (RFC 3948): nat_port is the UDP
 * source port it came from (network order), which NHRP punts carry to control. */
void dp_fwd_gre_input_nat(struct dp_worker *w, struct dp_local *l, uint16_t port_id,
			  struct rte_mbuf *m, uint16_t l3_off, uint16_t l4_off, int32_t src_slot,
			  uint16_t nat_port);

/* An IPv4 packet to route, received on a LAN port (l3_off locates its header). */
void dp_fwd_lan_input(struct dp_worker *w, struct dp_local *l, uint16_t port_id,
		      struct rte_mbuf *m, uint16_t l3_off);

/* Forward an inner IPv4 packet (data at its header). tunnel: the tunnel it came from (-1 =
 * a LAN port or generated here); src_slot: the peer it came from (-1 = none); icmp_src:
 * the address ICMP errors about it come from (0 = send none). Consumes m. */
void dp_fwd_inner(struct dp_worker *w, struct dp_local *l, struct rte_mbuf *m, int tunnel,
		  int32_t src_slot, uint32_t icmp_src);

#endif

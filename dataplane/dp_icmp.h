/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef HUB_DP_ICMP_H
#define HUB_DP_ICMP_H

#include <rte_mbuf.h>
#include "lib/dp_shared.h"

/*
 * Turn an ICMP echo request to the port's address into the reply, in place
 * (RFC 792: same identifier, sequence and data). Returns 0, or -1 when the request
 * must not be answered (source not a unicast address).
 */
int dp_icmp_echo_reply(const struct dp_port *port, struct rte_mbuf *m, uint16_t l3_off,
		       uint16_t l4_off);

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/* Outer classification: what kind of packet arrived on a port, or why it is dropped. */
#ifndef HUB_DP_CLASSIFY_H
#define HUB_DP_CLASSIFY_H

#include <assert.h>
#include <stdint.h>
#include <rte_mbuf.h>

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

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The inner FIB: one rte_lpm shared by every worker, written only here, on the control
 * lcore, with RCU QSBR so that tbl8 groups are reclaimed only after every worker has
 * passed a quiescent point (once per loop). Next hops are small typed indices
 * (lib/dp_msg.h DP_NH_*), so NHRP changes never rewrite the FIB.
 *
 * The RIB beside it remembers every route with its source, for show ip route.
 */
#ifndef HUB_CTL_FIB_H
#define HUB_CTL_FIB_H

#include <stdint.h>
#include "control/ctl.h"

enum ctl_route_source {
	ROUTE_CONNECTED = 0,
	ROUTE_STATIC,
	ROUTE_NHRP,
	ROUTE_FPM,
};

struct ctl_route {
	uint32_t prefix;	/* network order, host bits clear */
	uint8_t len;
	uint8_t source;		/* enum ctl_route_source */
	uint8_t in_use;
	uint8_t stale;		/* mark and sweep: set by ctl_fib_mark_stale, cleared on add */
	uint32_t nh;		/* DP_NH(type, index) */
	uint32_t via;		/* the configured next hop address, network order; 0 = none;
				 * for an ECMP group (DP_NH_GROUP) its first member */
};

int ctl_fib_init(struct hub_ctl *ctl);
void ctl_fib_free(struct hub_ctl *ctl);
/* Routes from the configuration: tunnel subnets, the hub's tunnel addresses, static routes. */
int ctl_fib_load_config(struct hub_ctl *ctl);
/* Add or replace prefix/len. Returns 0 or -errno. */
int ctl_fib_route_add(struct hub_ctl *ctl, uint32_t prefix, uint8_t len, uint32_t nh,
		      uint32_t via, uint8_t source);
int ctl_fib_route_del(struct hub_ctl *ctl, uint32_t prefix, uint8_t len);
/* Static route via an address: resolves the next hop kind (peer slot or LAN). */
int ctl_fib_route_add_via(struct hub_ctl *ctl, uint32_t prefix, uint8_t len, uint32_t via,
			  uint8_t source);
/* Longest match for addr: 0 and *r, or -ENOENT. */
int ctl_fib_lookup(const struct hub_ctl *ctl, uint32_t addr, const struct ctl_route **r);
/* Iterate the RIB: returns the next index or -1. */
int ctl_fib_next(const struct hub_ctl *ctl, int pos, const struct ctl_route **r);
const char *ctl_route_source_name(uint8_t source);

/* The route for exactly prefix/len, or NULL. */
const struct ctl_route *ctl_fib_find(const struct hub_ctl *ctl, uint32_t prefix, uint8_t len);
/*
 * ECMP: prefix/len via n next hops (each resolved like ctl_fib_route_add_via: a spoke's
 * tunnel address or a LAN gateway); n == 1 is ctl_fib_route_add_via. The set goes into an
 * immutable next-hop group (lib/dp_nhg.h); workers pick a member per flow. At most
 * DP_NHG_MAX next hops (the rest are left out; returns how many were used, or -errno).
 */
int ctl_fib_route_add_multi(struct hub_ctl *ctl, uint32_t prefix, uint8_t len, const uint32_t *via,
			    unsigned int n, uint8_t source);
/* The next hop addresses of r (several for a group route); returns the count. */
unsigned int ctl_fib_route_vias(const struct hub_ctl *ctl, const struct ctl_route *r,
				uint32_t *via, unsigned int max);
/* Mark and sweep: mark every route of source stale; the sweep deletes those still stale
 * (a re-add clears the mark). The sweep returns how many it deleted. */
unsigned int ctl_fib_mark_stale(struct hub_ctl *ctl, uint8_t source);
unsigned int ctl_fib_sweep_stale(struct hub_ctl *ctl, uint8_t source);
/* ECMP groups in use and waiting for their grace period (for show commands). */
void ctl_fib_nhg_usage(const struct hub_ctl *ctl, unsigned int *used, unsigned int *pending);

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The underlay neighbour (ARP) table, owned by the control lcore.
 *
 * Entries are keyed by (port, IPv4 address). Gateways and on-link peers the hub needs are
 * "pinned": they are re-probed for ever; others age out. Packets that control sends to an
 * unresolved neighbour are held briefly (NEIGH_HOLD_MAX per entry) and sent on resolution,
 * or dropped and counted as no-neighbour when resolution fails.
 */
#ifndef HUB_CTL_NEIGH_H
#define HUB_CTL_NEIGH_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

#include "control/ctl.h"

#define NEIGH_HOLD_MAX 4
#define NEIGH_LISTENERS_MAX 4

enum neigh_state {
	NEIGH_INCOMPLETE = 0, /* request sent, no answer yet */
	NEIGH_REACHABLE,      /* MAC confirmed within the reachable time */
	NEIGH_STALE,	      /* MAC still used, being re-probed */
	NEIGH_FAILED,	      /* no answer to NEIGH_PROBES requests */
};

struct neigh_entry {
	uint32_t ip;		     /* network order */
	uint16_t port_idx;	     /* configuration index of the port */
	uint8_t state;		     /* enum neigh_state */
	uint8_t probes;		     /* requests sent in the current probe round */
	bool pinned;		     /* wanted by the hub: never aged out */
	struct rte_ether_addr mac;   /* valid in REACHABLE and STALE */
	uint64_t confirmed_tsc;	     /* last time the MAC was confirmed */
	uint64_t used_tsc;	     /* last lookup or output through it */
	uint64_t next_tsc;	     /* next probe or state change */
	uint16_t n_held;
	struct rte_mbuf *held[NEIGH_HOLD_MAX];
};

/*
 * Every ARP control receives (arp_rx) ends as exactly one of: arp_requests_answered,
 * arp_replies_rx, or a drop under arp-malformed, arp-not-for-us, arp-merged (for another
 * address from a known neighbour, whose entry it refreshed), arp-own-address or
 * arp-table-full, arp-off-link (hub_ctl.drops; `show drops`).
 */
struct neigh_stats {
	uint64_t arp_rx, arp_requests_answered, arp_requests_sent, arp_replies_rx;
	uint64_t learned, failed, held_dropped;
	uint64_t learn_refused; /* a sender to learn and no room in the table */
	uint64_t off_link;	/* ARP to the hub from a sender it would never ARP for */
};

/* Called when a neighbour's MAC becomes known, changes, or is lost (mac == NULL). */
typedef void (*neigh_change_fn)(void *arg, uint16_t port_idx, uint32_t ip,
				const struct rte_ether_addr *mac);

int ctl_neigh_init(struct hub_ctl *ctl, uint32_t max_entries);
void ctl_neigh_free(struct hub_ctl *ctl);

/* A punted ARP packet (consumed). */
void ctl_neigh_input(struct hub_ctl *ctl, unsigned int port_idx, struct rte_mbuf *m,
		     uint16_t l3_off);

/* Make sure ip on port is resolved and kept resolved (gateways, on-link peers). */
int ctl_neigh_pin(struct hub_ctl *ctl, unsigned int port_idx, uint32_t ip);

/* The MAC of a usable neighbour: 0, or -ENOENT (a probe is started when absent). */
int ctl_neigh_lookup(struct hub_ctl *ctl, unsigned int port_idx, uint32_t ip,
		     struct rte_ether_addr *mac);

/*
 * Send m (starting with an Ethernet header whose ether_type is set) to next hop ip on
 * port: addresses are filled in and it is sent now, or held until resolution. Consumed.
 */
int ctl_neigh_output(struct hub_ctl *ctl, unsigned int port_idx, uint32_t ip,
		     struct rte_mbuf *m);

/* Timers: probes, ageing. Call at least every 100 ms. */
void ctl_neigh_tick(struct hub_ctl *ctl, uint64_t now);

int ctl_neigh_add_listener(struct hub_ctl *ctl, neigh_change_fn fn, void *arg);

/* Iterate entries (for the CLI); returns the next position or -1 at the end. */
int ctl_neigh_next(struct hub_ctl *ctl, int pos, const struct neigh_entry **e);
const struct neigh_stats *ctl_neigh_stats(struct hub_ctl *ctl);
const char *neigh_state_name(uint8_t state);

#endif

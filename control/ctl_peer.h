/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The master peer table (tunnel address -> NBMA binding), owned by the control lcore.
 *
 * A peer's slot is its index here and in every worker's replica. Control decides, builds
 * the outer header once, and pushes a PEER_SET (upsert) or PEER_DEL to every worker's
 * SP/SC message ring. A failed enqueue marks that worker for a full resync (FLUSH, then
 * every live slot again, resumable from a cursor), never a silent loss.
 */
#ifndef HUB_CTL_PEER_H
#define HUB_CTL_PEER_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include "control/ctl.h"
#include "lib/lat_hist.h"

enum ctl_peer_type {
	CTL_PEER_INCOMPLETE = 0, /* known tunnel address (a route points at it), no binding */
	CTL_PEER_STATIC,	 /* from a static map */
	CTL_PEER_DYNAMIC,	 /* registered by the spoke */
};

enum ctl_peer_flags {
	CTL_PEER_F_MULTICAST = 1 << 0,
	CTL_PEER_F_NAT = 1 << 1,	/* outer source differs from the claimed NBMA address */
	CTL_PEER_F_UNIQUE = 1 << 2,	/* registered with the U flag (RFC 2332 5.2.3) */
	CTL_PEER_F_USED = 1 << 3,
	CTL_PEER_F_ROUTER = 1 << 4,
};

struct ctl_peer {
	bool in_use;
	uint8_t type;		/* enum ctl_peer_type */
	uint8_t tunnel_idx;
	uint16_t flags;		/* enum ctl_peer_flags */
	uint32_t tunnel_addr;	/* network order */
	uint32_t nbma_addr;	/* the NBMA address the peer claims, network order */
	uint32_t nbma_seen;	/* the outer source it sends from (differs behind NAT) */
	uint16_t nat_port;	/* NAT-T UDP source port, network order; 0 = none */
	uint16_t mtu;
	uint32_t holdtime;	/* seconds; 0 = never expires */
	uint32_t route_refs;	/* routes whose next hop is this peer */
	uint32_t nhrp_rx;	/* NHRP packets from its NBMA address since it was bound */
	uint32_t nhrp_tx;	/* NHRP packets the hub sent it */
	uint64_t created;	/* rte_rdtsc() at creation */
	uint64_t expires;	/* rte_rdtsc() deadline; 0 = never */
};

struct ctl_peer_stats {
	uint64_t msgs_sent;	  /* messages enqueued to workers */
	uint64_t enqueue_failed;  /* enqueues that found a ring full */
	uint64_t resyncs;	  /* full resyncs started */
	uint64_t resyncs_done;
	uint64_t gen;		  /* generation of the last update */
	/* Timed updates (ctl_peer_time_update): how long until every worker forwards. */
	struct lat_hist reg_fwd;  /* the request's rx at a worker -> every worker applied */
	struct lat_hist push_apply; /* control's push -> every worker applied */
	/* reg_fwd split at control's dequeue of the punt burst and its push (the three add
	 * up to reg_fwd sample by sample, within the 256-cycle resolution of rx_tsc8). */
	struct lat_hist punt_deq;   /* the request's rx at a worker -> control dequeued it */
	struct lat_hist deq_push;   /* control dequeued it -> control pushed the update */
	uint64_t untimed;	  /* timed updates given up: probe list full or a resync ran */
	/* One worker's replica, measured once at start: rte_malloc bytes for slots slots. */
	uint64_t replica_bytes;
	uint32_t replica_slots;
};

int ctl_peer_init(struct hub_ctl *ctl);
void ctl_peer_free(struct hub_ctl *ctl);
/* Static maps from the configuration. */
int ctl_peer_load_config(struct hub_ctl *ctl);

/* Create or update the binding for tunnel_addr. nbma_seen 0 = same as nbma_addr.
 * Returns the slot, or -errno (-ENOSPC when the table is full). */
int ctl_peer_set(struct hub_ctl *ctl, unsigned int tunnel_idx, uint32_t tunnel_addr,
		 uint32_t nbma_addr, uint32_t nbma_seen, uint16_t nat_port, uint8_t type,
		 uint16_t flags, uint32_t holdtime);
/* Remove the binding (the slot stays, incomplete, while routes point at it). */
int ctl_peer_del(struct hub_ctl *ctl, uint32_t tunnel_addr);

/* Routes via a tunnel address hold a reference on its slot. */
int ctl_peer_route_ref(struct hub_ctl *ctl, unsigned int tunnel_idx, uint32_t tunnel_addr);
void ctl_peer_route_unref(struct hub_ctl *ctl, uint32_t slot);

struct ctl_peer *ctl_peer_find(struct hub_ctl *ctl, uint32_t tunnel_addr);
/* The slot of tunnel_addr, or -1. */
int ctl_peer_slot(const struct hub_ctl *ctl, uint32_t tunnel_addr);
struct ctl_peer *ctl_peer_at(struct hub_ctl *ctl, uint32_t slot);
uint32_t ctl_peer_slots(const struct hub_ctl *ctl);
uint32_t ctl_peer_count(const struct hub_ctl *ctl); /* live bindings (static + dynamic) */
const struct ctl_peer_stats *ctl_peer_stats(const struct hub_ctl *ctl);

/* A peer's traffic counters, summed over every worker's replica when read. */
struct ctl_peer_counters {
	uint64_t pkts_in, bytes_in, pkts_out, bytes_out, drops, hairpin;
};
void ctl_peer_counters(const struct hub_ctl *ctl, uint32_t slot, struct ctl_peer_counters *c);

/* Send m to every worker (resyncing those whose ring is full). */
void ctl_peer_broadcast(struct hub_ctl *ctl, const struct dp_msg *m);

/* Time the update ctl_peer_set() just pushed for slot: rx_tsc8 is when the request that
 * caused it reached a worker (struct dp_punt_meta), deq_tsc when control dequeued it
 * (0 = unknown: no split). ctl_peer_poll() adds the samples to stats reg_fwd, punt_deq,
 * deq_push and push_apply once every worker has applied it. */
void ctl_peer_time_update(struct hub_ctl *ctl, uint32_t slot, uint32_t rx_tsc8,
			  uint64_t deq_tsc);

/* Progress pending resyncs and timed updates; call every loop. Returns work done. */
unsigned int ctl_peer_poll(struct hub_ctl *ctl);
/* True when every worker has applied every update up to the current generation. */
bool ctl_peer_synced(const struct hub_ctl *ctl);



/* Send m (data at an inner packet of GRE protocol proto, host order) to peer slot from
 * the control lcore's own tx queue, with the peer's outer header. Consumes m. */
int ctl_peer_send(struct hub_ctl *ctl, uint32_t slot, struct rte_mbuf *m, uint16_t proto);
/* The same to any NBMA address dst (a peer or not: a refused registration still reaches
 * its sender), with tunnel_idx's GRE header. Consumes m. */
int ctl_gre_send(struct hub_ctl *ctl, unsigned int tunnel_idx, uint32_t dst, struct rte_mbuf *m,
		 uint16_t proto);
/* The same to a peer reached through a NAT-T mapping: nat_port (network order, 0 = none)
 * selects the peer's outbound SA, which sends ESP-in-UDP (RFC 3948). */
int ctl_gre_send_nat(struct hub_ctl *ctl, unsigned int tunnel_idx, uint32_t dst,
		     uint16_t nat_port, struct rte_mbuf *m, uint16_t proto);
#endif

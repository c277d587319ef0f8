/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the control lcore hands each worker at launch, and what a worker gives back.
 *
 * Control builds one struct dp_worker per worker lcore before launching it and never
 * writes its fields afterwards, except through the rings. The worker owns its stats and
 * is their only writer; control reads them (64-bit loads are atomic on the platforms DPDK
 * supports, so a reader sees a value that was true at some instant).
 */
#ifndef HUB_DP_SHARED_H
#define HUB_DP_SHARED_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>
#include <rte_ring.h>

#include "lib/drop_reason.h"

#define DP_MAX_PORTS RTE_MAX_ETHPORTS
#define DP_MAX_RXQ 32	   /* rx queues one worker polls, over all ports */
#define DP_BURST 32
#define DP_PUNT_BURST 64

enum dp_port_role {
	DP_PORT_UNDERLAY = 0,
	DP_PORT_LAN = 1,
};

/* A port as the dataplane sees it; read-only once workers run. */
struct dp_port {
	bool enabled;
	uint8_t role;		     /* enum dp_port_role */
	uint16_t mtu;
	uint32_t addr;		     /* the port's IPv4 address, network order */
	uint32_t mask;		     /* its prefix as a mask, network order */
	struct rte_ether_addr mac;
};

/* Why a packet went to control; stored in the mbuf's punt metadata. */
enum dp_punt_type {
	DP_PUNT_ARP = 1,  /* any ARP on an underlay or LAN port */
};

/* Per-packet metadata for punted mbufs (an mbuf dynamic field). */
struct dp_punt_meta {
	uint8_t type;	    /* enum dp_punt_type */
	uint8_t worker;	    /* index of the worker that punted it */
	uint16_t l3_off;    /* offset of the outer IPv4/ARP header */
};

/* Counters one worker writes. Per port counters are indexed by DPDK port id. */
struct dp_worker_stats {
	uint64_t loops;		  /* poll iterations */
	uint64_t busy_loops;	  /* iterations that received at least one packet */
	uint64_t busy_cycles;	  /* TSC cycles spent in iterations that had work */
	uint64_t punted;	  /* packets handed to control */
	uint64_t port_rx[DP_MAX_PORTS];
	uint64_t port_rx_bytes[DP_MAX_PORTS];
	uint64_t port_tx[DP_MAX_PORTS];
	uint64_t port_tx_bytes[DP_MAX_PORTS];
	uint64_t drops[HUB_DROP_MAX];
} __rte_cache_aligned;

struct dp_rxq {
	uint16_t port;
	uint16_t queue;
};

/* Everything shared by all workers, read-only after launch except `stop`. */
struct dp_shared {
	volatile bool stop;		/* set by control to end every worker loop */
	int punt_meta_offset;		/* mbuf dynfield offset of struct dp_punt_meta */
	uint32_t idle_sleep_us;		/* >0: a worker with nothing to do sleeps (lab runs) */
	uint64_t tx_drain_tsc;		/* flush partially filled tx buffers after this */
	struct dp_port ports[DP_MAX_PORTS];
};

struct dp_worker {
	unsigned int lcore_id;
	unsigned int index;		/* 0..n_workers-1 */
	uint16_t txq;			/* this worker's tx queue on every port */
	unsigned int n_rxq;
	struct dp_rxq rxq[DP_MAX_RXQ];
	struct rte_ring *punt_ring;	/* worker -> control, SP/SC, mbufs */
	const struct dp_shared *shared;
	struct dp_worker_stats stats;
} __rte_cache_aligned;

static inline struct dp_punt_meta *dp_punt_meta(struct rte_mbuf *m, int offset)
{
	return RTE_MBUF_DYNFIELD(m, offset, struct dp_punt_meta *);
}

#define DP_PUNT_META_NAME "dmvpn_hub_punt_meta"

#endif

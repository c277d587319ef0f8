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

#include "lib/dp_msg.h"
#include "lib/dp_peer.h"
#include "lib/drop_reason.h"

struct rte_lpm;
struct rte_rcu_qsbr;
struct dp_nhg;
struct esp_seq;
struct dp_sa_table;

#define DP_MAX_PORTS RTE_MAX_ETHPORTS
#define DP_MAX_RXQ 32	   /* rx queues one worker polls, over all ports */
#define DP_BURST 32
#define DP_PUNT_BURST 64
#define DP_MAX_TUNNELS 8

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

/* A tunnel as the dataplane sees it; read-only once workers run. */
struct dp_tunnel {
	bool enabled;
	bool has_key;
	bool redirect;		     /* hairpin yields Traffic Indication triggers */
	uint16_t port_id;	     /* the underlay port it rides on */
	uint32_t key;		     /* GRE key, host order */
	uint32_t addr;		     /* the hub's tunnel address, network order */
	uint16_t mtu;		     /* inner MTU */
	uint16_t tcp_mss;	     /* 0 = no clamping */
	bool protect_required;	     /* clear GRE/NHRP dropped; peers without an SA unreachable */
};

/* Why a packet went to control; stored in the mbuf's punt metadata. */
enum dp_punt_type {
	DP_PUNT_ARP = 1,   /* any ARP on an underlay or LAN port */
	DP_PUNT_NHRP = 2,  /* GRE protocol 0x2001; data starts at the NHRP header */
	DP_PUNT_LOCAL = 3, /* inner packet for the hub's tunnel address; data at inner IPv4 */
	DP_PUNT_NEIGH = 4, /* for peer dst_slot, whose next hop MAC is unknown: control sends
			    * it once ARP resolves (data at inner IPv4) */
	DP_PUNT_GLEAN = 5, /* for a host on connected LAN port dst_slot (data at inner IPv4) */
	DP_PUNT_LAN_NH = 6,/* for LAN next hop dst_slot, MAC unknown (data at inner IPv4) */
};

/* Per-packet metadata for punted mbufs (an mbuf dynamic field). */
struct dp_punt_meta {
	uint8_t type;	    /* enum dp_punt_type */
	uint8_t worker;	    /* index of the worker that punted it */
	uint8_t tunnel;	    /* tunnel index (NHRP, LOCAL) */
	uint8_t pad;
	uint16_t l3_off;    /* offset of the outer IPv4/ARP header (ARP) */
	uint16_t nat_port;  /* outer UDP source port with NAT-T, network order; 0 = none */
	uint32_t outer_src; /* outer IPv4 source (NHRP, LOCAL), network order */
	int32_t src_slot;   /* peer slot of the outer source, -1 = unknown */
	uint32_t dst_slot;  /* NEIGH: the peer the packet is for */
	uint32_t rx_tsc8;   /* TSC >> 8 (about 0.1 us, wraps after minutes) of the worker's
			     * loop iteration that received it: control's latency figures */
};

/*
 * Where a worker's cycles go, measured only while dp_shared.stage_cycles is set (the
 * hub's --stage-cycles; scripts/bench): each switch reads the TSC, so it is off by default.
 * Every cycle of an iteration that received packets lands in exactly one stage.
 */
enum dp_stage {
	DP_STAGE_RX,	   /* rte_eth_rx_burst */
	DP_STAGE_CLASSIFY, /* Ethernet/outer IPv4 classification, peer lookup of the burst */
	DP_STAGE_FORWARD,  /* GRE/LAN input, inner checks, FIB, encapsulation, punts */
	DP_STAGE_ESP_IN,   /* SA lookup, IPsec-MB decrypt + verify, ESP trailer */
	DP_STAGE_ESP_OUT,  /* sequence, padding, IV, IPsec-MB encrypt + sign */
	DP_STAGE_TX,	   /* rte_eth_tx_burst */
	DP_STAGE_OTHER,	   /* table updates, multicast injection, RCU, loop */
	DP_STAGE_MAX
};

/* Names of enum dp_stage, in order (telemetry keys stage_cycles_NAME). */
#define DP_STAGE_NAMES {"rx", "classify", "forward", "esp_in", "esp_out", "tx", "other"}

/* Counters one worker writes. Per port counters are indexed by DPDK port id. */
struct dp_worker_stats {
	uint64_t loops;		  /* poll iterations */
	uint64_t busy_loops;	  /* iterations that received at least one packet */
	uint64_t busy_cycles;	  /* TSC cycles spent in iterations that had work */
	uint64_t punted;	  /* packets handed to control */
	uint64_t forwarded;	  /* inner packets sent on */
	uint64_t hairpin;	  /* inner packets that came from a peer and left to a peer */
	uint64_t redirect_sent;	  /* redirect triggers handed to control */
	uint64_t redirect_suppressed; /* triggers the rate limiter held back */
	uint64_t max_loop_cycles; /* longest loop iteration seen (TSC cycles) */
	uint64_t max_apply_cycles; /* longest update-apply phase of one iteration */
	uint64_t mcast_in;	  /* multicast packets control handed over */
	uint64_t mcast_copies;	  /* copies sent to peers */
	uint64_t port_rx[DP_MAX_PORTS];
	uint64_t port_rx_bytes[DP_MAX_PORTS];
	uint64_t port_tx[DP_MAX_PORTS];
	uint64_t port_tx_bytes[DP_MAX_PORTS];
	uint64_t drops[HUB_DROP_MAX];
	uint64_t natt_keepalives; /* NAT-keepalives (RFC 3948 2.3) absorbed: not drops */
	uint64_t max_apply_msgs;  /* most peer-table messages applied in one iteration */
	uint64_t stage_cycles[DP_STAGE_MAX]; /* TSC cycles by stage (--stage-cycles only) */
	uint64_t stage_pkts;	  /* packets received in the iterations timed by stage */
} __rte_cache_aligned;

/* The running stage clock of one worker (dataplane/dp_stage.h). */
struct dp_stage_clock {
	bool on;		  /* this iteration is timed */
	uint8_t cur;		  /* enum dp_stage being timed */
	uint64_t last;		  /* TSC when cur began */
	uint64_t acc[DP_STAGE_MAX]; /* this iteration's cycles so far */
};

struct dp_rxq {
	uint16_t port;
	uint16_t queue;
};

/* Everything shared by all workers, read-only after launch except `stop`. */
struct dp_shared {
	volatile bool stop;		/* set by control to end every worker loop */
	int punt_meta_offset;		/* mbuf dynfield offset of struct dp_punt_meta */
	uint32_t idle_sleep_us;		/* >0: a worker with nothing to do sleeps (lab runs) */
	volatile bool stage_cycles;	/* time each stage (enum dp_stage); off by default */
	uint64_t tx_drain_tsc;		/* flush partially filled tx buffers after this */
	uint64_t redirect_interval_tsc;	/* one trigger per (source peer, destination) per this */
	struct rte_lpm *fib;		/* inner routes; written by control under RCU */
	struct rte_rcu_qsbr *qsbr;	/* workers report quiescence once per loop */
	struct rte_mempool *pool;	/* for packets a worker creates (ICMP errors) */
	struct dp_port ports[DP_MAX_PORTS];
	struct dp_tunnel tunnels[DP_MAX_TUNNELS];
	unsigned int n_tunnels;
	const struct dp_nhg *nhg;	/* ECMP groups (lib/dp_nhg.h), written by control */
	struct esp_seq *esp_seq;	/* outbound ESP sequence counter per SA index (the one
					 * thing workers write in common: atomic adds) */
};

struct dp_worker {
	unsigned int lcore_id;
	unsigned int index;		/* 0..n_workers-1 */
	uint16_t txq;			/* this worker's tx queue on every port */
	unsigned int n_rxq;
	struct dp_rxq rxq[DP_MAX_RXQ];
	struct rte_ring *punt_ring;	/* worker -> control, SP/SC, mbufs */
	struct rte_ring *punt_low_ring;	/* the same for NHRP from unknown outer sources
					 * (new registrations): control takes it after
					 * punt_ring, so known spokes' refreshes come first */
	struct rte_ring *msg_ring;	/* control -> worker, SP/SC, struct dp_msg */
	struct rte_ring *event_ring;	/* worker -> control, SP/SC, struct dp_event */
	struct rte_ring *inject_ring;	/* control -> worker, SP/SC, mbufs to send for control
					 * (multicast to replicate; meta.tunnel says where) */
	struct dp_peer_table *peers;	/* this worker's replica (allocated by control) */
	const struct dp_shared *shared;
	struct dp_sa_table *sa;		/* this worker's SA replica (dataplane/dp_sa.h), or NULL */
	struct rte_ring *sa_ring;	/* control -> worker, SP/SC, struct esp_sa_msg */
	struct dp_worker_stats stats;
	struct dp_stage_clock clock;	/* this worker's only */
} __rte_cache_aligned;

static inline struct dp_punt_meta *dp_punt_meta(struct rte_mbuf *m, int offset)
{
	return RTE_MBUF_DYNFIELD(m, offset, struct dp_punt_meta *);
}

#define DP_PUNT_META_NAME "dmvpn_hub_punt_meta"

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A worker's replica of the peer table.
 *
 * Control allocates one per worker at start (preallocated for cfg max_peers, on the
 * worker's socket) and never writes it afterwards: it sends struct dp_msg updates and the
 * worker applies them. Control only reads the per-peer counters (each a 64-bit word with
 * one writer) and applied_gen.
 */
#ifndef HUB_DP_PEER_H
#define HUB_DP_PEER_H

#include <assert.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_ether.h>
#include <rte_hash.h>

#include "lib/dp_msg.h"

/* The hot entry: what control decided, then this worker's counters for the peer. */
struct dp_peer {
	struct dp_peer_desc d;	/* state, addresses, ready outer header */
	uint64_t pkts_in;	/* inner packets received from the peer */
	uint64_t bytes_in;
	uint64_t pkts_out;	/* inner packets sent to the peer */
	uint64_t bytes_out;
	uint64_t drops;		/* packets to or from it that were dropped */
	uint64_t hairpin;	/* packets from it that left by the tunnel again */
	uint64_t set_tsc;	/* TSC when this worker last applied a PEER_SET for the slot
				 * (control's registration -> forwarding latency) */
	uint64_t pad;
};
static_assert(sizeof(struct dp_peer) == 128, "dp_peer is two cache lines");

/* Key of the outer-source index: a peer is found by the address (and NAT-T port) it
 * sends from. */
struct dp_peer_nbma_key {
	uint32_t addr;	  /* network order */
	uint16_t port;	  /* network order; 0 without NAT-T */
	uint16_t pad;
};

/*
 * One cell of the outer-source index: open addressing with linear probing over a power-
 * of-two array at least twice the peer table's size, so a probe sequence always ends on
 * an empty cell. It replaced an rte_hash whose per-packet lookup (jhash through a function
 * pointer, memcmp of 8-byte keys, bucket walk) was 18 % of the worker in the 64 B hairpin
 * profile (docs/benchmarks.md); here a lookup is one CRC32 instruction, a multiply and
 * usually one 16-byte cell. The worker is the only reader and writer of its copy.
 */
struct dp_nbma_ent {
	uint32_t addr;	  /* network order */
	uint16_t port;	  /* network order */
	uint16_t used;	  /* 1 when the cell holds a key */
	int32_t slot;	  /* the peer's slot */
	uint32_t pad;
};
static_assert(sizeof(struct dp_nbma_ent) == 16, "four cells per cache line");

/* Cells of the outer-source index for a table of max slots: a power of two >= 2 * max. */
static inline uint32_t dp_peer_nbma_cells(uint32_t max)
{
	uint32_t n = 16;

	while (n < 2 * (uint64_t)max)
		n <<= 1;
	return n;
}

struct dp_lan_nh {
	uint16_t port_id;
	uint8_t valid;		   /* destination MAC known */
	uint8_t pad;
	struct rte_ether_addr dst; /* the LAN next hop's MAC */
};

#define DP_LAN_NH_MAX 4096

struct dp_peer_table {
	uint32_t max;			/* slots */
	struct dp_peer *peers;		/* [max], indexed by slot */
	struct rte_hash *by_tunnel;	/* tunnel address -> slot */
	struct dp_nbma_ent *by_nbma;	/* (addr, port) -> slot of UP peers: [nbma_mask + 1] */
	uint32_t nbma_mask;		/* cells - 1 (dp_peer_nbma_cells(max) cells) */
	uint32_t nbma_shift;		/* 32 - log2(cells): the hash's top bits index */
	struct dp_lan_nh lan_nh[DP_LAN_NH_MAX];
	/* Multicast replication list: the UP peers flagged DP_PEER_F_MULTICAST, dense, with
	 * each slot's position + 1 (0 = not a member) for O(1) removal. */
	uint32_t *mcast_slots;		/* [max] */
	uint32_t *mcast_pos;		/* [max] */
	uint32_t n_mcast;
	uint64_t applied_gen;		/* generation of the last message applied */
	uint64_t applied;		/* messages applied */
	uint64_t bad_msgs;		/* messages refused (bad type or slot): counted, skipped */
};

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Messages between the planes, by value on SP/SC rings.
 *
 * Control -> worker (struct dp_msg, DP_MSG_SIZE bytes): table updates. Each worker keeps
 * its own replica of the peer table and applies at most DP_MSG_APPLY_MAX messages per loop,
 * so lookups need no lock and no RCU, and per-peer counters need no atomics. A PEER_SET is
 * an upsert of the whole hot entry; a failed enqueue never loses an update silently:
 * control marks the worker for a full resync (FLUSH, then every live entry again).
 *
 * Worker -> control (struct dp_event): redirect triggers for Traffic Indications (RFC 2332
 * has none; Cisco's op code 8 carries the head of the triggering packet).
 */
#ifndef HUB_DP_MSG_H
#define HUB_DP_MSG_H

#include <assert.h>
#include <stdint.h>

#define DP_MSG_SIZE 128
#define DP_MSG_APPLY_MAX 256	/* per worker loop iteration: bounds the loop's latency */
#define DP_PEER_HDR_MAX 48	/* Ethernet 14 + IPv4 20 + GRE 4..12, padded */
#define DP_EVENT_HEAD_MAX 96	/* bytes of the triggering packet carried to control */

/*
 * FIB next hops: 24 bits in rte_lpm: [23:20] type, [19:0] index. An NHRP change only
 * touches the peer table, never the FIB (routes point at peer slots, not at NBMA data).
 */
enum dp_nh_type {
	DP_NH_DROP = 0,	     /* blackhole */
	DP_NH_LOCAL = 1,     /* the hub's own tunnel address: to control */
	DP_NH_PEER = 2,	     /* index = peer slot (a route via a spoke's tunnel address) */
	DP_NH_TUNNEL = 3,    /* index = tunnel; destination is a tunnel address: look it up */
	DP_NH_LAN = 4,	     /* index = LAN next hop: a resolved neighbour on a LAN port */
	DP_NH_GLEAN = 5,     /* index = port id: a connected LAN subnet; the host's MAC is not
			      * known yet, so control resolves it, sends the packet and installs
			      * a /32 DP_NH_LAN route for the host (CEF's "glean") */
	DP_NH_GROUP = 6,     /* index = ECMP next-hop group (lib/dp_nhg.h): one member per flow */
};
#define DP_NH_INDEX_BITS 20
#define DP_NH_INDEX_MAX ((1u << DP_NH_INDEX_BITS) - 1)
#define DP_NH(type, idx) (((uint32_t)(type) << DP_NH_INDEX_BITS) | ((idx) & DP_NH_INDEX_MAX))
#define DP_NH_TYPE(nh) ((nh) >> DP_NH_INDEX_BITS)
#define DP_NH_IDX(nh) ((nh) & DP_NH_INDEX_MAX)

enum dp_peer_state {
	DP_PEER_FREE = 0,	/* slot unused */
	DP_PEER_INCOMPLETE = 1, /* tunnel address known (a route points at it), no binding */
	DP_PEER_UP = 2,		/* binding and outer header ready */
};

enum dp_peer_flags {
	DP_PEER_F_MULTICAST = 1 << 0, /* receives replicated multicast */
	DP_PEER_F_NAT = 1 << 1,	      /* behind NAT: outer source differs from its claim */
	DP_PEER_F_STATIC = 1 << 2,    /* from configuration */
};

/* The part of a peer entry that control decides; a PEER_SET carries all of it. */
struct dp_peer_desc {
	uint32_t tunnel_addr;		/* network order */
	uint32_t nbma_addr;		/* network order: the outer address packets go to */
	uint16_t nat_port;		/* network order; UDP source port seen, 0 = none */
	uint16_t port_id;		/* egress DPDK port */
	uint8_t state;			/* enum dp_peer_state */
	uint8_t flags;			/* enum dp_peer_flags */
	uint8_t tunnel_idx;
	uint8_t hdr_len;		/* bytes of hdr in use; 0 = no neighbour MAC yet */
	uint8_t hdr[DP_PEER_HDR_MAX];	/* outer Ethernet + IPv4 + GRE, ready to copy */
};
static_assert(sizeof(struct dp_peer_desc) == 64, "dp_peer_desc must stay one cache line");

enum dp_msg_type {
	DP_MSG_PEER_SET = 1,	/* upsert slot with desc */
	DP_MSG_PEER_DEL = 2,	/* free slot */
	DP_MSG_FLUSH = 3,	/* drop the whole replica (start of a resync) */
	DP_MSG_LAN_NH_SET = 4,	/* LAN next hop idx: port + destination MAC */
};

struct dp_msg {
	uint16_t type;			/* enum dp_msg_type */
	uint16_t pad;
	uint32_t slot;			/* peer slot or LAN next hop index */
	uint64_t gen;			/* control's update generation */
	union {
		struct dp_peer_desc peer;
		struct {
			uint16_t port_id;
			uint8_t valid;
			uint8_t pad;
			uint8_t dst_mac[6];
		} lan_nh;
		uint8_t raw[DP_MSG_SIZE - 16];
	} u;
};
static_assert(sizeof(struct dp_msg) == DP_MSG_SIZE, "dp_msg is a fixed-size ring element");

enum dp_event_type {
	DP_EVENT_REDIRECT = 1, /* hairpin: src peer sent a packet that left by the same tunnel */
	DP_EVENT_NATT_MAP = 2, /* NAT-T (RFC 3948): the first authenticated ESP-in-UDP of an
				* inbound SA whose peer port was not known yet; src_slot = the SA
				* index, dst_addr = outer source, dst_slot = its UDP source port
				* (network order in the low 16 bits); nothing in head */
};

struct dp_event {
	uint16_t type;		/* enum dp_event_type */
	uint16_t head_len;	/* bytes in head */
	uint32_t src_slot;	/* peer slot the packet came from */
	uint32_t src_tunnel;	/* its tunnel address (network order) */
	uint32_t dst_addr;	/* inner destination (network order) */
	uint32_t dst_slot;	/* peer slot it was forwarded to */
	uint32_t pad;
	uint8_t head[DP_EVENT_HEAD_MAX]; /* the inner packet, from its IPv4 header */
};
static_assert(sizeof(struct dp_event) % 4 == 0, "ring elements are multiples of 4 bytes");

#endif

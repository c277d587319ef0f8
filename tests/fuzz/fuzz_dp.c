/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the worker's receive path (built by tests/fuzz/run.sh with ASan and
 * UBSan, linked against DPDK): every input is one frame arriving on the underlay or the LAN
 * port, pushed through the worker's own per-burst function (dp_worker.c's
 * rx_burst_process, so outer classification, GRE decap, inner checks, TTL, FIB, MSS
 * clamping, fragmentation, ICMP errors, echo replies, hairpin redirect triggers, encap and
 * punts all run exactly as in the hub).
 *
 * The world is fixed and set up once in LLVMFuzzerInitialize (an EAL with --no-huge, no
 * PCI, no shared config, no telemetry): one underlay port, one LAN port, two tunnels on the
 * underlay (key 42, MTU 1400, MSS 1360, redirects; no key, MTU 576), a FIB with a route of
 * every next-hop kind, and a peer replica filled through dp_peer_apply() (an UP spoke with
 * its outer header, an UP spoke whose MAC is unknown, an incomplete one).
 *
 * Input: byte 0 is a set of switches, byte 1 a split offset, the rest the frame.
 *   bit 0  arrive on the LAN port (else the underlay port)
 *   bit 1  set the outer IPv4 total length from the frame
 *   bit 2  fix the inner IPv4 header checksum (behind Ethernet + IPv4 + GRE)
 *   bit 3  fix the GRE checksum when the C bit is set
 *   bit 4  fix the outer IPv4 header checksum
 *   bit 5  deliver the frame as two chained segments, split at byte 1
 * The fix-ups let mutations of header fields get past the checksums into the deep stages.
 *
 * Beyond "no crash, no over-read, no UB", after every input:
 *  - the packet was accounted for: a drop counter moved, or something was punted or queued
 *    for transmission;
 *  - every punt has a known type; every frame queued for tx has a sane outer IPv4 header
 *    (version, checksum, total length == frame), and GRE output parses and carries an inner
 *    IPv4 packet whose header checksum is right; LAN output's IPv4 checksum is right;
 *  - every redirect trigger's head fits;
 *  - once punts and tx are freed, every mbuf is back in the pool (no leak, no double free).
 *
 * fuzz_esp.c includes this file with FUZZ_DP_WORLD_ONLY (the world and the checks, without
 * this target's input format) and FUZZ_DP_WORLD_HOOK (its SAs, added after world_init).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lpm.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_jhash.h>

/* The worker's burst function is static: take the file whole, as the hub builds it. */
#include "dataplane/dp_worker.c"

#include "dataplane/dp_gre.h"
#include "dataplane/dp_peer_table.h"
#include "lib/outer_hdr.h"

#define FUZZ_ASSERT(c)                                                                          \
	do {                                                                                    \
		if (!(c)) {                                                                     \
			fprintf(stderr, "fuzz_dp: %s:%d: %s\n", __FILE__, __LINE__, #c);        \
			abort();                                                                \
		}                                                                               \
	} while (0)

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define POOL_SIZE 1023
#define DATA_ROOM (RTE_PKTMBUF_HEADROOM + 4096)
#define FRAME_MAX 8000

#define ADDR(a, b, c, d)                                                                        \
	rte_cpu_to_be_32(((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | \
			 (uint32_t)(d))

enum { PORT_NBMA = 0, PORT_LAN = 1 };

static struct dp_shared *sh;
static struct dp_worker *w;
static struct dp_local *loc;
static struct rte_mempool *pool;

static const struct rte_ether_addr hub_mac = {{0x02, 0, 0, 0, 0, 0x01}};
static const struct rte_ether_addr lan_mac = {{0x02, 0, 0, 0, 0x0a, 0x01}};
static const struct rte_ether_addr spoke_mac = {{0x02, 0, 0, 0, 0, 0x06}};

static void die(const char *what)
{
	fprintf(stderr, "fuzz_dp: %s: %s\n", what, rte_strerror(rte_errno));
	exit(1);
}

static void peer_set(uint32_t slot, uint32_t tunnel_addr, uint32_t nbma, uint8_t state,
		     bool with_hdr, uint8_t tunnel_idx)
{
	struct dp_msg msg;

	memset(&msg, 0, sizeof(msg));
	msg.type = DP_MSG_PEER_SET;
	msg.slot = slot;
	msg.u.peer.tunnel_addr = tunnel_addr;
	msg.u.peer.nbma_addr = nbma;
	msg.u.peer.port_id = PORT_NBMA;
	msg.u.peer.state = state;
	msg.u.peer.flags = DP_PEER_F_MULTICAST;
	msg.u.peer.tunnel_idx = tunnel_idx;
	if (with_hdr)
		msg.u.peer.hdr_len = (uint8_t)outer_hdr_build(
			msg.u.peer.hdr, sizeof(msg.u.peer.hdr), &spoke_mac, &hub_mac,
			sh->ports[PORT_NBMA].addr, nbma, sh->tunnels[tunnel_idx].has_key,
			sh->tunnels[tunnel_idx].key);
	FUZZ_ASSERT(dp_peer_apply(w->peers, &msg) == 0);
}

static void route(uint32_t prefix_be, uint8_t depth, uint32_t nh)
{
	FUZZ_ASSERT(rte_lpm_add(sh->fib, rte_be_to_cpu_32(prefix_be), depth, nh) == 0);
}

static void world_init(void)
{
	static const struct rte_mbuf_dynfield punt_desc = {
		.name = DP_PUNT_META_NAME,
		.size = sizeof(struct dp_punt_meta),
		.align = __alignof__(struct dp_punt_meta),
	};
	struct rte_lpm_config lc = {.max_rules = 64, .number_tbl8s = 64};
	struct rte_hash_parameters hp = {.entries = 64, .hash_func = rte_jhash,
					 .socket_id = SOCKET_ID_ANY};
	struct dp_peer_table *t;
	struct dp_msg msg;

	pool = rte_pktmbuf_pool_create("fuzz_pool", POOL_SIZE, 0, 0, DATA_ROOM, SOCKET_ID_ANY);
	sh = rte_zmalloc("fuzz_shared", sizeof(*sh), RTE_CACHE_LINE_SIZE);
	w = rte_zmalloc("fuzz_worker", sizeof(*w), RTE_CACHE_LINE_SIZE);
	loc = rte_zmalloc("fuzz_local", sizeof(*loc), RTE_CACHE_LINE_SIZE);
	t = rte_zmalloc("fuzz_peers", sizeof(*t), RTE_CACHE_LINE_SIZE);
	if (pool == NULL || sh == NULL || w == NULL || loc == NULL || t == NULL)
		die("allocations");
	sh->punt_meta_offset = rte_mbuf_dynfield_register(&punt_desc);
	if (sh->punt_meta_offset < 0)
		die("dynfield");
	sh->pool = pool;
	sh->fib = rte_lpm_create("fuzz_fib", SOCKET_ID_ANY, &lc);
	if (sh->fib == NULL)
		die("lpm");
	sh->redirect_interval_tsc = rte_get_tsc_hz();

	sh->ports[PORT_NBMA] = (struct dp_port){.enabled = true, .role = DP_PORT_UNDERLAY,
						.mtu = 1500, .addr = ADDR(1, 1, 1, 1),
						.mask = ADDR(255, 255, 255, 0), .mac = hub_mac};
	sh->ports[PORT_LAN] = (struct dp_port){.enabled = true, .role = DP_PORT_LAN,
					       .mtu = 1500, .addr = ADDR(10, 10, 0, 1),
					       .mask = ADDR(255, 255, 255, 0), .mac = lan_mac};
	sh->tunnels[0] = (struct dp_tunnel){.enabled = true, .has_key = true, .redirect = true,
					    .port_id = PORT_NBMA, .key = 42,
					    .addr = ADDR(192, 168, 1, 1), .mtu = 1400,
					    .tcp_mss = 1360};
	sh->tunnels[1] = (struct dp_tunnel){.enabled = true, .has_key = false,
					    .port_id = PORT_NBMA, .addr = ADDR(192, 168, 2, 1),
					    .mtu = 576};
	sh->n_tunnels = 2;

	w->index = 0;
	w->shared = sh;
	w->peers = t;
	t->max = 64;
	t->peers = rte_zmalloc("fuzz_peer_array", sizeof(struct dp_peer) * t->max, 0);
	hp.name = "fuzz_by_tunnel";
	hp.key_len = sizeof(uint32_t);
	t->by_tunnel = rte_hash_create(&hp);
	t->nbma_mask = dp_peer_nbma_cells(t->max) - 1;
	t->nbma_shift = 32 - (uint32_t)rte_log2_u32(t->nbma_mask + 1);
	t->by_nbma = rte_zmalloc("fuzz_by_nbma",
				 sizeof(struct dp_nbma_ent) * ((size_t)t->nbma_mask + 1), 0);
	t->mcast_slots = rte_zmalloc("fuzz_mcast", sizeof(uint32_t) * t->max, 0);
	t->mcast_pos = rte_zmalloc("fuzz_mcast_pos", sizeof(uint32_t) * t->max, 0);
	w->punt_ring = rte_ring_create("fuzz_punt", 1024, SOCKET_ID_ANY,
				       RING_F_SP_ENQ | RING_F_SC_DEQ);
	w->punt_low_ring = rte_ring_create("fuzz_punt_low", 1024, SOCKET_ID_ANY,
					   RING_F_SP_ENQ | RING_F_SC_DEQ);
	w->event_ring = rte_ring_create_elem("fuzz_evt", sizeof(struct dp_event), 1024,
					     SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (t->peers == NULL || t->by_tunnel == NULL || t->by_nbma == NULL ||
	    t->mcast_slots == NULL || t->mcast_pos == NULL || w->punt_ring == NULL ||
	    w->punt_low_ring == NULL || w->event_ring == NULL)
		die("peer table or rings");
	dp_redirect_init(&loc->redirect, sh->redirect_interval_tsc);

	/* Spokes: 6 and 8 UP with headers, 9 UP but its MAC unknown, 4 incomplete, 7 on the
	 * keyless tunnel. */
	peer_set(0, ADDR(192, 168, 1, 6), ADDR(1, 1, 1, 6), DP_PEER_UP, true, 0);
	peer_set(1, ADDR(192, 168, 1, 8), ADDR(1, 1, 1, 8), DP_PEER_UP, true, 0);
	peer_set(2, ADDR(192, 168, 1, 9), ADDR(1, 1, 1, 9), DP_PEER_UP, false, 0);
	peer_set(3, ADDR(192, 168, 1, 4), 0, DP_PEER_INCOMPLETE, false, 0);
	peer_set(4, ADDR(192, 168, 2, 7), ADDR(1, 1, 1, 7), DP_PEER_UP, true, 1);
	memset(&msg, 0, sizeof(msg));
	msg.type = DP_MSG_LAN_NH_SET;
	msg.slot = 0;
	msg.u.lan_nh.port_id = PORT_LAN;
	msg.u.lan_nh.valid = 1;
	memcpy(msg.u.lan_nh.dst_mac, "\x02\x00\x00\x00\x0a\xfe", 6);
	FUZZ_ASSERT(dp_peer_apply(t, &msg) == 0);

	/* One route of every next-hop kind. */
	route(ADDR(192, 168, 1, 0), 24, DP_NH(DP_NH_TUNNEL, 0));
	route(ADDR(192, 168, 2, 0), 24, DP_NH(DP_NH_TUNNEL, 1));
	route(ADDR(192, 168, 1, 1), 32, DP_NH(DP_NH_LOCAL, 0));
	route(ADDR(192, 168, 2, 1), 32, DP_NH(DP_NH_LOCAL, 1));
	route(ADDR(66, 66, 66, 0), 24, DP_NH(DP_NH_PEER, 0));
	route(ADDR(88, 88, 88, 0), 24, DP_NH(DP_NH_PEER, 1));
	route(ADDR(99, 99, 0, 0), 16, DP_NH(DP_NH_PEER, 2));
	route(ADDR(44, 44, 0, 0), 16, DP_NH(DP_NH_PEER, 3));
	route(ADDR(77, 77, 0, 0), 16, DP_NH(DP_NH_PEER, 4));
	route(ADDR(10, 10, 0, 0), 24, DP_NH(DP_NH_GLEAN, PORT_LAN));
	route(ADDR(172, 16, 0, 0), 12, DP_NH(DP_NH_LAN, 0));
	route(ADDR(172, 31, 0, 0), 16, DP_NH(DP_NH_LAN, 1)); /* next hop not resolved */
	route(ADDR(10, 99, 0, 0), 16, DP_NH(DP_NH_DROP, 0));
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char *eal[] = {(*argv)[0], "--no-huge", "-m", "128", "--no-pci", "--no-shconf",
		       "--no-telemetry", "--log-level", "*:error", "-l", "0", NULL};
	int n = (int)(sizeof(eal) / sizeof(eal[0])) - 1;

	(void)argc;
	if (rte_eal_init(n, eal) < 0)
		die("rte_eal_init");
	world_init();
#ifdef FUZZ_DP_WORLD_HOOK
	FUZZ_DP_WORLD_HOOK(); /* a target built on this world adds to it (fuzz_esp.c) */
#endif
	return 0;
}

static uint64_t drops_total(void)
{
	uint64_t n = 0;

	for (unsigned int i = 0; i < HUB_DROP_MAX; i++)
		n += w->stats.drops[i];
	return n;
}

static void put_csum(uint8_t *p, uint16_t csum_be)
{
	memcpy(p, &csum_be, 2);
}

#ifndef FUZZ_DP_WORLD_ONLY
/* The switches' fix-ups, on the flat frame f (len bytes). */
static void fixups(uint8_t *f, size_t len, uint8_t sw)
{
	const size_t eth = RTE_ETHER_HDR_LEN;
	size_t ihl, goff, glen, ioff;
	uint16_t flags, total;

	if (len < eth + sizeof(struct rte_ipv4_hdr) || f[12] != 0x08 || f[13] != 0x00)
		return;
	ihl = (size_t)(f[eth] & 0x0f) * 4;
	if (ihl < sizeof(struct rte_ipv4_hdr) || eth + ihl > len)
		return;
	if (sw & 0x02) {
		total = (uint16_t)RTE_MIN(len - eth, (size_t)UINT16_MAX);
		f[eth + 2] = (uint8_t)(total >> 8);
		f[eth + 3] = (uint8_t)total;
	}
	total = (uint16_t)(f[eth + 2] << 8 | f[eth + 3]);
	goff = eth + ihl;
	glen = total > ihl && eth + total <= len ? total - ihl : 0;
	if (f[eth + 9] == IPPROTO_GRE && glen >= 4) {
		flags = (uint16_t)(f[goff] << 8 | f[goff + 1]);
		ioff = goff + 4 + ((flags & DP_GRE_F_CSUM) ? 4 : 0) + ((flags & DP_GRE_F_KEY) ? 4 : 0) +
		       ((flags & DP_GRE_F_SEQ) ? 4 : 0);
		if ((sw & 0x04) && ioff + sizeof(struct rte_ipv4_hdr) <= goff + glen) {
			size_t iihl = (size_t)(f[ioff] & 0x0f) * 4;

			if (iihl >= sizeof(struct rte_ipv4_hdr) && ioff + iihl <= goff + glen) {
				put_csum(f + ioff + 10, 0);
				put_csum(f + ioff + 10, (uint16_t)~rte_raw_cksum(f + ioff, iihl));
			}
		}
		if ((sw & 0x08) && (flags & DP_GRE_F_CSUM) && glen >= 8) {
			put_csum(f + goff + 4, 0);
			put_csum(f + goff + 4, (uint16_t)~rte_raw_cksum(f + goff, glen));
		}
	}
	if (sw & 0x10) {
		put_csum(f + eth + 10, 0);
		put_csum(f + eth + 10, (uint16_t)~rte_raw_cksum(f + eth, ihl));
	}
}

#endif

static struct rte_mbuf *frame_mbuf(const uint8_t *f, size_t len, bool chain, size_t split)
{
	struct rte_mbuf *a = rte_pktmbuf_alloc(pool), *b;
	size_t first = len;
	char *p;

	FUZZ_ASSERT(a != NULL);
	if (chain && split < len)
		first = split;
	if (first > DATA_ROOM - RTE_PKTMBUF_HEADROOM)
		first = DATA_ROOM - RTE_PKTMBUF_HEADROOM;
	p = rte_pktmbuf_append(a, (uint16_t)first);
	FUZZ_ASSERT(p != NULL || first == 0);
	if (first)
		memcpy(p, f, first);
	if (first == len)
		return a;
	b = rte_pktmbuf_alloc(pool);
	FUZZ_ASSERT(b != NULL);
	p = rte_pktmbuf_append(b, (uint16_t)(len - first));
	FUZZ_ASSERT(p != NULL);
	memcpy(p, f + first, len - first);
	FUZZ_ASSERT(rte_pktmbuf_chain(a, b) == 0);
	return a;
}

static bool ipv4_sane(const uint8_t *ip, size_t avail)
{
	size_t ihl;

	if (avail < sizeof(struct rte_ipv4_hdr) || (ip[0] >> 4) != 4)
		return false;
	ihl = (size_t)(ip[0] & 0x0f) * 4;
	if (ihl < sizeof(struct rte_ipv4_hdr) || ihl > avail)
		return false;
	return rte_raw_cksum(ip, ihl) == 0xffff;
}

/* A frame the worker queued for port: check it, then free it. */
static void check_tx(struct rte_mbuf *m, uint16_t port)
{
	static uint8_t buf[16384];
	const uint32_t len = rte_pktmbuf_pkt_len(m);
	const uint8_t *f;
	const uint8_t *ip;
	uint16_t total;

	FUZZ_ASSERT(rte_mbuf_check(m, 1, NULL) == 0);
	FUZZ_ASSERT(len >= RTE_ETHER_HDR_LEN + sizeof(struct rte_ipv4_hdr) && len <= sizeof(buf));
	f = rte_pktmbuf_read(m, 0, len, buf);
	FUZZ_ASSERT(f != NULL);
	FUZZ_ASSERT(f[12] == 0x08 && f[13] == 0x00);
	ip = f + RTE_ETHER_HDR_LEN;
	FUZZ_ASSERT(ipv4_sane(ip, len - RTE_ETHER_HDR_LEN));
	total = (uint16_t)(ip[2] << 8 | ip[3]);
	if (port == PORT_NBMA && ip[9] == IPPROTO_GRE) {
		const size_t ihl = (size_t)(ip[0] & 0x0f) * 4;
		struct dp_gre_info g;

		/* Our own encapsulation: the outer header is exactly the frame. */
		FUZZ_ASSERT(total == len - RTE_ETHER_HDR_LEN);
		FUZZ_ASSERT(dp_gre_parse(ip + ihl, (uint16_t)(total - ihl), &g) == 0);
		FUZZ_ASSERT(g.proto == DP_GRE_PROTO_IPV4);
		FUZZ_ASSERT(ipv4_sane(ip + ihl + g.hdr_len, total - ihl - g.hdr_len));
		FUZZ_ASSERT(!memcmp(f, &spoke_mac, 6) && !memcmp(f + 6, &hub_mac, 6));
	} else {
		FUZZ_ASSERT(total <= len - RTE_ETHER_HDR_LEN);
	}
	rte_pktmbuf_free(m);
}

#ifndef FUZZ_DP_WORLD_ONLY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t frame[FRAME_MAX];
	struct rte_mbuf *m;
	uint64_t drops0, punted = 0, queued = 0;
	uint8_t sw;
	size_t len;
	uint16_t port;

	if (size < 2 || size - 2 > FRAME_MAX)
		return -1;
	sw = data[0];
	len = size - 2;
	memcpy(frame, data + 2, len);
	fixups(frame, len, sw);
	port = (sw & 0x01) ? PORT_LAN : PORT_NBMA;
	m = frame_mbuf(frame, len, (sw & 0x20) != 0, (size_t)data[1] * 8);

	drops0 = drops_total();
	rx_burst_process(w, loc, port, &m, 1);

	for (unsigned int i = 0; i < loc->n_punt; i++) {
		const struct dp_punt_meta *meta = dp_punt_meta(loc->punt[i], sh->punt_meta_offset);

		FUZZ_ASSERT(meta->type >= DP_PUNT_ARP && meta->type <= DP_PUNT_LAN_NH);
		FUZZ_ASSERT(rte_mbuf_check(loc->punt[i], 1, NULL) == 0);
		rte_pktmbuf_free(loc->punt[i]);
		punted++;
	}
	loc->n_punt = 0;
	for (unsigned int i = 0; i < loc->n_punt_low; i++) {
		const struct dp_punt_meta *meta =
			dp_punt_meta(loc->punt_low[i], sh->punt_meta_offset);

		FUZZ_ASSERT(meta->type == DP_PUNT_NHRP && meta->src_slot < 0);
		FUZZ_ASSERT(rte_mbuf_check(loc->punt_low[i], 1, NULL) == 0);
		rte_pktmbuf_free(loc->punt_low[i]);
		punted++;
	}
	loc->n_punt_low = 0;
	for (uint16_t p = 0; p < 2; p++) {
		for (unsigned int i = 0; i < loc->tx[p].n; i++) {
			check_tx(loc->tx[p].pkts[i], p);
			queued++;
		}
		loc->tx[p].n = 0;
	}
	{
		struct dp_event ev;

		while (rte_ring_sc_dequeue_elem(w->event_ring, &ev, sizeof(ev)) == 0)
			FUZZ_ASSERT(ev.type == DP_EVENT_REDIRECT &&
				    ev.head_len <= DP_EVENT_HEAD_MAX);
	}
	FUZZ_ASSERT(drops_total() > drops0 || punted > 0 || queued > 0);
	FUZZ_ASSERT(rte_mempool_in_use_count(pool) == 0);
	return 0;
}
#endif /* FUZZ_DP_WORLD_ONLY */

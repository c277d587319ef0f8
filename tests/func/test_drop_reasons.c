/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Drop reasons no other test provokes, each through real input into the whole hub in
 * process (inproc.h): packets on the net_ring port, frames from the kernel side of the
 * exception interface, a route from zebra over FPM, a full tx ring, an exhausted mempool.
 * A multicast peer whose NBMA cannot be resolved has its copy counted (no-neighbour).
 * For every reason: exactly that counter moves by the expected amount (workers' and
 * control's, and `show drops` at the end), no other drop counter moves, a good packet is
 * still forwarded afterwards, and both mempools' in-use counts return to their baseline.
 *
 * The exception interface is a real net_tap: the test moves itself into a network
 * namespace of its own first (unshare(CLONE_NEWNET), root only); without it those reasons
 * are skipped and the test says so. Reasons not here and why: lib/drop_reason.h.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <rte_arp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "control/ctl_fib.h"
#include "control/ctl_mcast.h"
#include "control/ctl_peer.h"
#include "lib/drop_reason.h"
#include "tests/func/inproc.h"
#include "tests/func/inproc_nhrp.h"

#define SPOKE_A IP4(1, 1, 1, 10) /* 192.168.1.10, multicast */
#define SPOKE_B IP4(1, 1, 1, 11) /* 192.168.1.11, multicast */
#define SPOKE_D IP4(1, 1, 1, 12) /* 192.168.1.12, with an ESP SA */
#define TUN(x) IP4(192, 168, 1, x)
#define EXC_IF "excdrop0"
#define SPI_D_IN 0x1012

static const uint8_t mac_a[6] = {0x02, 0, 0, 0, 0, 0x0a};
static const uint8_t mac_b[6] = {0x02, 0, 0, 0, 0, 0x0b};
static const uint8_t mac_d[6] = {0x02, 0, 0, 0, 0, 0x0d};

static struct hub_ctl ctl;
static int have_netns;
static char what[256];

/* ---- counters ---- */

static uint64_t drop_total(unsigned int r)
{
	uint64_t n = ctl.drops[r];
	unsigned int w;

	for (w = 0; w < ctl.n_workers; w++)
		n += ctl.workers[w]->stats.drops[r];
	return n;
}

static void drops_snap(uint64_t *d)
{
	unsigned int r;

	for (r = 0; r < HUB_DROP_MAX; r++)
		d[r] = drop_total(r);
}

static unsigned int want_reason;
static uint64_t want_count;
static int reason_reached(struct hub_ctl *c)
{
	(void)c;
	return drop_total(want_reason) >= want_count;
}

/* ---- packets ---- */

/* An inner IPv4/UDP packet of len bytes (>= 28) into buf. */
static size_t inner_udp(uint8_t *buf, size_t len, uint32_t src, uint32_t dst, int df)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)buf;
	uint8_t *udp = buf + sizeof(*ip);

	memset(buf, 0, len);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16((uint16_t)len);
	ip->fragment_offset = df ? RTE_BE16(RTE_IPV4_HDR_DF_FLAG) : 0;
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = src;
	ip->dst_addr = dst;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	udp[0] = 0x30; /* ports 12345 -> 9 */
	udp[1] = 0x39;
	udp[3] = 9;
	udp[4] = (uint8_t)((len - 20) >> 8);
	udp[5] = (uint8_t)(len - 20);
	return len;
}

/* GRE key 42 from outer_src carrying inner UDP src -> dst of len bytes. */
static struct rte_mbuf *gre_data(uint32_t outer_src, uint32_t src, uint32_t dst, size_t len,
				 int df)
{
	static uint8_t buf[2048];

	return gre_frame(outer_src, 0x0800, buf, inner_udp(buf, len, src, dst, df));
}

static int send_data(uint32_t outer_src, uint32_t src, uint32_t dst, size_t len)
{
	struct rte_mbuf *m = gre_data(outer_src, src, dst, len, 1);

	return m != NULL && inproc_rx(m) == 0;
}

/* ---- what the hub sent ---- */

static unsigned int esp_to_d, data_to_b;
static void count_out(struct rte_mbuf *m, void *arg)
{
	const struct rte_ipv4_hdr *o = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14);

	capture(m, arg);
	if (rte_pktmbuf_data_len(m) >= 34 && o->next_proto_id == IPPROTO_ESP &&
	    o->dst_addr == SPOKE_D)
		esp_to_d++;
	if (rte_pktmbuf_data_len(m) >= 34 && o->next_proto_id == IPPROTO_GRE &&
	    o->dst_addr == SPOKE_B)
		data_to_b++;
}

static unsigned int *count_want_var, count_want;
static int counted_out(struct hub_ctl *c)
{
	(void)c;
	inproc_drain(count_out, NULL);
	return *count_want_var >= count_want;
}

/* Run control (draining through count_out) until *var reaches want or ms pass; then a
 * little more, so that more than wanted would show. Returns *var. */
static unsigned int count_until(unsigned int *var, unsigned int want, unsigned int ms)
{
	count_want_var = var;
	count_want = want;
	inproc_run_until(&ctl, counted_out, ms);
	inproc_settle(&ctl);
	inproc_drain(count_out, NULL);
	return *var;
}

/* A spoke-to-spoke packet A -> B is hairpinned to B. */
static int good_packet_forwarded(void)
{
	inproc_drain(NULL, NULL);
	memset(&g, 0, sizeof(g));
	return send_data(SPOKE_A, TUN(10), TUN(11), 100) &&
	       inproc_run_until(&ctl, got_data, 3000) && g.data_dst == SPOKE_B &&
	       g.data_inner_dst == TUN(11);
}

/* ---- the hub's mempool, exhausted ---- */

static struct rte_mbuf *held[8192];
static unsigned int n_held;

static void pool_exhaust(void)
{
	while (n_held < RTE_DIM(held) && (held[n_held] = rte_pktmbuf_alloc(ctl.pool)) != NULL)
		n_held++;
}

static void pool_release(void)
{
	while (n_held > 0)
		rte_pktmbuf_free(held[--n_held]);
}

/* ---- one reason ---- */

/* A second reason the next step() expects to move too (HUB_DROP_MAX: none), and by how
 * much; reset by step(). */
static unsigned int also_reason = HUB_DROP_MAX;
static uint64_t also_n;

/*
 * Run act, then check: reason moved by exactly n (within ms), nothing else moved, a good
 * packet is forwarded, the mempools are back at their baseline.
 */
static void step(const char *name, unsigned int reason, uint64_t n, int (*act)(void))
{
	uint64_t before[HUB_DROP_MAX], after[HUB_DROP_MAX];
	unsigned int hub0, test0, hub1, test1, r;
	char moved[512] = "";
	size_t used = 0;
	int ok;

	inproc_settle(&ctl);
	inproc_drain(NULL, NULL);
	hub0 = rte_mempool_in_use_count(ctl.pool);
	test0 = rte_mempool_in_use_count(inproc_pool);
	drops_snap(before);

	ok = act();
	snprintf(what, sizeof(what), "%s: the situation is built and the input sent", name);
	inproc_check(what, ok);
	want_reason = reason;
	want_count = before[reason] + n;
	inproc_run_until(&ctl, reason_reached, 3000);
	/* Anything counted late (or twice) would show up in this time too. */
	inproc_settle(&ctl);
	inproc_run_until(&ctl, reason_reached, 20);
	inproc_drain(NULL, NULL);
	pool_release();
	drops_snap(after);

	snprintf(what, sizeof(what), "%s: counted %" PRIu64 " time(s) (expected %" PRIu64 ")", name,
		 after[reason] - before[reason], n);
	inproc_check(what, after[reason] - before[reason] == n);
	if (also_reason < HUB_DROP_MAX) {
		snprintf(what, sizeof(what),
			 "%s: and %s counted %" PRIu64 " time(s) (expected %" PRIu64 ")", name,
			 hub_drop_name(also_reason), after[also_reason] - before[also_reason],
			 also_n);
		inproc_check(what, after[also_reason] - before[also_reason] == also_n);
	}
	for (r = 0; r < HUB_DROP_MAX; r++)
		if (r != reason && r != also_reason && after[r] != before[r] &&
		    used < sizeof(moved) - 64)
			used += (size_t)snprintf(moved + used, sizeof(moved) - used, " %s+%" PRIu64,
						 hub_drop_name(r), after[r] - before[r]);
	snprintf(what, sizeof(what), "%s: no other drop counter moved%s%s", name,
		 used > 0 ? ":" : "", moved);
	inproc_check(what, used == 0);
	also_reason = HUB_DROP_MAX;

	snprintf(what, sizeof(what), "%s: a good packet is still forwarded afterwards", name);
	inproc_check(what, good_packet_forwarded());
	inproc_settle(&ctl);
	inproc_drain(NULL, NULL);
	hub1 = rte_mempool_in_use_count(ctl.pool);
	test1 = rte_mempool_in_use_count(inproc_pool);
	snprintf(what, sizeof(what),
		 "%s: mbufs in use back at baseline (hub pool %u -> %u, test pool %u -> %u)", name,
		 hub0, hub1, test0, test1);
	inproc_check(what, hub1 == hub0 && test1 == test0);
}

/* ---- the situations ---- */

/* A route to null from zebra (FPM, RTM_NEWROUTE of type blackhole) covers 10.99.0.0/16. */
static int act_blackhole(void)
{
	return send_data(SPOKE_A, TUN(10), IP4(10, 99, 1, 1), 100);
}

/* 192.168.1.99 maps to 9.9.9.9: off-link, and the port has no gateway. */
static int act_no_underlay_route(void)
{
	return send_data(SPOKE_A, TUN(10), TUN(99), 100);
}

/* A Registration Reply sent to the hub: for spokes, not for a server. */
static int act_nhrp_not_served(void)
{
	struct reg r = {.outer = SPOKE_A, .claimed = SPOKE_A, .proto = TUN(10),
			.flags = NHRP_FLAG_REG_U, .holdtime = 600, .request_id = 77};
	uint8_t pkt[512];
	size_t len = build_reg(&r, NHRP_OP_REGISTRATION_REPLY, pkt, sizeof(pkt));
	struct rte_mbuf *m = len > 0 ? gre_frame(SPOKE_A, 0x2001, pkt, len) : NULL;

	return m != NULL && inproc_rx(m) == 0;
}

/* Both tx rings of the port filled (with NULLs nobody drains); a packet the worker
 * forwards and an ARP request control answers both find them full. */
static unsigned int fill_ring(struct rte_ring *r)
{
	unsigned int n = 0;

	while (rte_ring_enqueue(r, NULL) == 0)
		n++;
	return n;
}

static int unfill_ring(struct rte_ring *r, unsigned int n)
{
	void *obj;
	int ok = 1;

	while (n-- > 0)
		if (rte_ring_dequeue(r, &obj) != 0 || obj != NULL)
			ok = 0; /* something real behind the fill would be a bug here */
	return ok && rte_ring_count(r) == 0;
}

static int act_tx_full(void)
{
	unsigned int n0 = fill_ring(inproc_tx_ring(0)), n1 = fill_ring(inproc_tx_ring(1));
	int ok = n0 > 0 && n1 > 0;

	ok &= send_data(SPOKE_A, TUN(10), TUN(11), 100);
	ok &= inproc_rx_arp(RTE_ARP_OP_REQUEST, SPOKE_A, mac_a, HUB_NBMA, 6, 0) == 0;
	want_reason = HUB_DROP_TX_FULL;
	want_count = drop_total(HUB_DROP_TX_FULL) + 2;
	inproc_run_until(&ctl, reason_reached, 3000);
	inproc_settle(&ctl);
	ok &= unfill_ring(inproc_tx_ring(0), n0);
	ok &= unfill_ring(inproc_tx_ring(1), n1);
	return ok;
}

/* 1450 bytes without DF into a 1400-byte tunnel, the hub's mempool empty: no fragments. */
static int act_frag_failed(void)
{
	struct rte_mbuf *m = gre_data(SPOKE_A, TUN(10), TUN(11), 1450, 0);

	if (m == NULL)
		return 0;
	pool_exhaust();
	return n_held > 0 && inproc_rx(m) == 0;
}

/* The same size with an IPv4 option whose length runs past the header: the fragments'
 * headers (copied options only, RFC 791 3.1) cannot be built. No exhaustion needed. */
static int act_frag_bad_options(void)
{
	static uint8_t buf[1500];
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)buf;
	struct rte_mbuf *m;

	inner_udp(buf + 4, 1450 - 4, TUN(10), TUN(11), 0);
	memmove(buf, buf + 4, 20);
	ip->version_ihl = 0x46;
	ip->total_length = rte_cpu_to_be_16(1450);
	buf[20] = 0x83; /* loose source route, copied; length 40 in a 4-byte option space */
	buf[21] = 40;
	buf[22] = 4;
	buf[23] = 0;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	m = gre_frame(SPOKE_A, 0x0800, buf, 1450);
	return m != NULL && inproc_rx(m) == 0;
}

/* Multicast from the exception interface's side (what ctl_exc hands to the workers)
 * with the hub's mempool empty: neither of the two multicast spokes gets its copy. */
/* A 60-byte multicast UDP packet from tunnel address 1 to 224.0.0.5, as control would hand
 * it to the workers; NULL without mbufs. */
static struct rte_mbuf *mcast_pkt(void)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(inproc_pool);
	uint8_t *p = m != NULL ? (uint8_t *)rte_pktmbuf_append(m, 60) : NULL;

	if (p == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	inner_udp(p, 60, TUN(1), IP4(224, 0, 0, 5), 0);
	return m;
}

static int act_mcast_no_mbuf(void)
{
	struct rte_mbuf *m = mcast_pkt();

	if (m == NULL)
		return 0;
	pool_exhaust();
	return n_held > 0 && ctl_mcast_send(&ctl, 0, m) == 0;
}

/* A multicast with mbufs to spare: A and B get their copies; 192.168.1.98 (multicast, its
 * NBMA 9.9.9.8 off-link with no gateway, so never resolved) cannot have one. */
static int act_mcast_unresolved(void)
{
	struct rte_mbuf *m = mcast_pkt();

	if (m == NULL)
		return 0;
	data_to_b = 0;
	inproc_drain(NULL, NULL);
	return ctl_mcast_send(&ctl, 0, m) == 0 && count_until(&data_to_b, 1, 3000) == 1;
}

/* A -> D (D has an ESP SA) in an mbuf whose data starts at the very front of its buffer:
 * after GRE decap and re-encap nothing is left in front for ESP's header. */
static int act_no_headroom(void)
{
	struct rte_mbuf *m = gre_data(SPOKE_A, TUN(10), TUN(12), 100, 1);
	uint16_t len;

	if (m == NULL)
		return 0;
	len = rte_pktmbuf_data_len(m);
	memmove(m->buf_addr, rte_pktmbuf_mtod(m, void *), len);
	m->data_off = 0;
	return rte_pktmbuf_headroom(m) == 0 && inproc_rx(m) == 0;
}

/* ESP from D, whole in its first segment, with 4 bytes of Ethernet padding chained
 * behind: in-place decryption needs one flat buffer. */
static struct rte_mbuf *esp_from_d(int chained)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(inproc_pool), *pad;
	const uint16_t esp_len = 8 + 8 + 32 + 16; /* header, IV, body, ICV */
	struct rte_ether_hdr *eth;
	struct rte_ipv4_hdr *ip;
	uint8_t *esp;

	if (m == NULL)
		return NULL;
	eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m, 14 + 20 + esp_len);
	if (eth == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memset(eth, 0, 14 + 20 + esp_len);
	memset(&eth->dst_addr, 0xff, 6);
	memcpy(&eth->src_addr, mac_d, 6);
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	ip = (struct rte_ipv4_hdr *)(eth + 1);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16(20 + esp_len);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_ESP;
	ip->src_addr = SPOKE_D;
	ip->dst_addr = HUB_NBMA;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	esp = (uint8_t *)(ip + 1);
	esp[2] = SPI_D_IN >> 8;
	esp[3] = SPI_D_IN & 0xff;
	esp[7] = 1; /* sequence 1 */
	if (!chained)
		return m;
	pad = rte_pktmbuf_alloc(inproc_pool);
	if (pad == NULL || rte_pktmbuf_append(pad, 4) == NULL || rte_pktmbuf_chain(m, pad) != 0) {
		rte_pktmbuf_free(pad);
		rte_pktmbuf_free(m);
		return NULL;
	}
	memset(rte_pktmbuf_mtod(pad, void *), 0, 4);
	return m;
}

static int act_esp_crypto(void)
{
	struct rte_mbuf *m = esp_from_d(1);

	return m != NULL && m->nb_segs == 2 && inproc_rx(m) == 0;
}

/* The same packet in one segment is refused by its ICV (all zero). */
static int act_esp_integrity(void)
{
	struct rte_mbuf *m = esp_from_d(0);

	return m != NULL && inproc_rx(m) == 0;
}

/* ---- the exception interface, from the kernel's side ---- */

static int pkt_sock = -1;
static unsigned int exc_ifindex;

static int kernel_send(uint16_t ethertype, const uint8_t *payload, size_t len)
{
	static const uint8_t hub_side[6] = {0x02, 0x00, 0x5e, 0x00, 0x00, 0x01};
	struct sockaddr_ll to = {.sll_family = AF_PACKET, .sll_ifindex = (int)exc_ifindex,
				 .sll_halen = 6};
	uint8_t frame[1600];

	if (pkt_sock < 0 || len + 14 > sizeof(frame))
		return 0;
	memcpy(frame, hub_side, 6);
	memcpy(frame + 6, "\x02\x00\x00\x00\xee\xee", 6);
	frame[12] = (uint8_t)(ethertype >> 8);
	frame[13] = (uint8_t)ethertype;
	memcpy(frame + 14, payload, len);
	memcpy(to.sll_addr, hub_side, 6);
	return sendto(pkt_sock, frame, len + 14, 0, (struct sockaddr *)&to, sizeof(to)) ==
	       (ssize_t)(len + 14);
}

static int kernel_send_udp(uint32_t dst)
{
	uint8_t p[64];

	return kernel_send(RTE_ETHER_TYPE_IPV4, p, inner_udp(p, sizeof(p), TUN(1), dst, 0));
}

static int act_exc_not_ipv4(void)
{
	uint8_t p[64];
	int ok;

	memset(p, 0, sizeof(p));
	p[0] = 0x60; /* an IPv6 header */
	ok = kernel_send(RTE_ETHER_TYPE_IPV6, p, sizeof(p));
	/* IPv4 by its ethertype, version 6 inside; then IPv4 shorter than its header */
	ok = ok && kernel_send(RTE_ETHER_TYPE_IPV4, p, sizeof(p));
	p[0] = 0x45;
	return ok && kernel_send(RTE_ETHER_TYPE_IPV4, p, 10);
}

static int act_exc_broadcast(void)
{
	return kernel_send_udp(IP4(255, 255, 255, 255));
}

static int act_exc_no_route(void)
{
	return kernel_send_udp(IP4(10, 77, 0, 1));
}

static int act_exc_blackhole(void)
{
	return kernel_send_udp(IP4(10, 99, 2, 2));
}

/* The same through the exception interface: a multicast from the kernel with one mbuf left
 * in the hub's pool, which net_tap takes to refill its rx ring; the replicas find none. */
static int act_exc_mcast_no_mbuf(void)
{
	pool_exhaust();
	if (n_held == 0)
		return 0;
	rte_pktmbuf_free(held[--n_held]);
	return kernel_send_udp(IP4(224, 0, 0, 5));
}

static int if_up(const char *name, int up)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc = -1;

	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
		if (up)
			ifr.ifr_flags |= IFF_UP;
		else
			ifr.ifr_flags &= ~IFF_UP;
		rc = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	close(fd);
	return rc;
}

/* UDP from spoke A to the hub's tunnel address: the kernel's, but its interface is down,
 * so the tap does not take the packet. */
static int act_exc_tap_full(void)
{
	return if_up(EXC_IF, 0) == 0 && send_data(SPOKE_A, TUN(10), TUN(1), 100);
}

/* ---- set-up ---- */

static int spokes_ready(struct hub_ctl *c)
{
	const uint32_t t[] = {TUN(10), TUN(11), TUN(12)};
	unsigned int i;

	if (!ctl_peer_synced(c))
		return 0;
	for (i = 0; i < RTE_DIM(t); i++) {
		int slot = ctl_peer_slot(c, t[i]);

		if (slot < 0 || c->workers[0]->peers->peers[slot].d.hdr_len == 0)
			return 0;
	}
	return 1;
}

static int blackhole_installed(struct hub_ctl *c)
{
	return ctl_fib_find(c, IP4(10, 99, 0, 0), 16) != NULL;
}

/* zebra's RTM_NEWROUTE for 10.99.0.0/16 of type blackhole in one FPM frame (netlink in
 * host order, as dplane_fpm_nl sends it). */
static int fpm_blackhole(uint16_t port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	uint8_t f[40] = {1, 1, 0, 40};
	uint32_t u32;
	uint16_t u16;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), ok;

	u32 = 36; /* nlmsghdr: length, RTM_NEWROUTE, NLM_F_REQUEST|CREATE|REPLACE, seq 1 */
	memcpy(f + 4, &u32, 4);
	u16 = 24;
	memcpy(f + 8, &u16, 2);
	u16 = 0x501;
	memcpy(f + 10, &u16, 2);
	u32 = 1;
	memcpy(f + 12, &u32, 4);
	/* rtmsg: AF_INET, /16, main table, zebra static, RTN_BLACKHOLE */
	f[20] = AF_INET;
	f[21] = 16;
	f[24] = 254;
	f[25] = 196;
	f[27] = 6;
	u16 = 8; /* RTA_DST */
	memcpy(f + 32, &u16, 2);
	u16 = 1;
	memcpy(f + 34, &u16, 2);
	u32 = IP4(10, 99, 0, 0);
	memcpy(f + 36, &u32, 4);
	if (fd < 0)
		return -1;
	/* The listener is open: the kernel completes the handshake before accept(). */
	ok = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	     send(fd, f, sizeof(f), 0) == (ssize_t)sizeof(f);
	if (!ok) {
		close(fd);
		return -1;
	}
	return fd; /* kept open: zebra's routes stay while it is connected */
}

static int sysctl_write(const char *path)
{
	FILE *f = fopen(path, "w");
	int rc;

	if (f == NULL)
		return -1;
	rc = fputs("1\n", f) < 0 ? -1 : 0;
	return fclose(f) != 0 ? -1 : rc;
}

int main(int argc, char **argv)
{
	static char config[4096];
	uint16_t fpm_port = (uint16_t)(42000 + getpid() % 10000);
	uint64_t provoked[HUB_DROP_MAX] = {0}, base[HUB_DROP_MAX];
	int fpm_fd;
	unsigned int r;

	(void)argc;
	/* A network namespace of our own for the tap (and the FPM and CLI listeners). */
	have_netns = unshare(CLONE_NEWNET) == 0 && if_up("lo", 1) == 0;
	/* The tap comes up before the hub turns IPv6 off on it, and in that moment the kernel
	 * may send IPv6 (MLD, DAD) on it: an exception-not-ipv4 nobody asked for. Off here
	 * first, in this namespace only. */
	if (have_netns && (sysctl_write("/proc/sys/net/ipv6/conf/default/disable_ipv6") < 0 ||
			   sysctl_write("/proc/sys/net/ipv6/conf/all/disable_ipv6") < 0))
		printf("# cannot turn IPv6 off in the test's namespace\n");
	if (!have_netns)
		printf("# no network namespace of our own (%s): exception-* reasons skipped\n",
		       strerror(errno));
	snprintf(config, sizeof(config),
		 "ports = ( { name = \"ring0\"; device = \"" INPROC_DEVICE "\";\n"
		 "            address = \"1.1.1.1/24\"; } );\n"
		 "tunnels = ( { name = \"Tunnel0\"; address = \"192.168.1.1/24\"; source = \"ring0\";\n"
		 "              key = 42; mtu = 1400; %s\n"
		 "              nhrp = { max_peers = 64; redirect = false; maps = (\n"
		 "                { tunnel = \"192.168.1.10\"; nbma = \"1.1.1.10\"; multicast = true; },\n"
		 "                { tunnel = \"192.168.1.11\"; nbma = \"1.1.1.11\"; multicast = true; },\n"
		 "                { tunnel = \"192.168.1.12\"; nbma = \"1.1.1.12\"; },\n"
		 "                { tunnel = \"192.168.1.98\"; nbma = \"9.9.9.8\"; multicast = true; },\n"
		 "                { tunnel = \"192.168.1.99\"; nbma = \"9.9.9.9\"; } ); }; } );\n"
		 "crypto = { sas = (\n"
		 "  { peer = \"1.1.1.12\"; spi_in = 0x1012; spi_out = 0x2012; cipher = \"aes-gcm-128\";\n"
		 "    key_in = \"0x0102030405060708090a0b0c0d0e0f10a1a2a3a4\";\n"
		 "    key_out = \"0x1112131415161718191a1b1c1d1e1f20b1b2b3b4\"; } ); };\n"
		 "mempool = { mbufs = 2047; cache = 0; };\n"
		 "fpm = { enabled = true; port = %u; };\n"
		 "cli = { port = %u; password = \"pw\"; };\n",
		 have_netns ? "exception_interface = \"" EXC_IF "\";" : "", fpm_port,
		 (unsigned int)fpm_port + 1);
	if (inproc_start(&ctl, argv[0], config) < 0)
		return inproc_done() | 1;
	inproc_rx_arp_reply(SPOKE_A, mac_a, HUB_NBMA);
	inproc_rx_arp_reply(SPOKE_B, mac_b, HUB_NBMA);
	inproc_rx_arp_reply(SPOKE_D, mac_d, HUB_NBMA);
	inproc_check("spokes A, B and D (on-link) resolve and are ready in the worker",
		     inproc_run_until(&ctl, spokes_ready, 5000));
	fpm_fd = fpm_blackhole(fpm_port);
	inproc_check("a blackhole route 10.99.0.0/16 arrives from \"zebra\" over FPM",
		     fpm_fd >= 0 && inproc_run_until(&ctl, blackhole_installed, 5000));
	if (have_netns) {
		exc_ifindex = if_nametoindex(EXC_IF);
		pkt_sock = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
		inproc_check("the exception interface exists; a packet socket on it",
			     exc_ifindex > 0 && pkt_sock >= 0);
	}
	inproc_check("a spoke-to-spoke packet is forwarded", good_packet_forwarded());
	{
		/* The ESP spoke is reachable: the packet leaves in ESP. */
		esp_to_d = 0;
		inproc_drain(NULL, NULL);
		send_data(SPOKE_A, TUN(10), TUN(12), 100);
		inproc_check("a packet to spoke D (ESP SA) with ordinary headroom leaves in ESP",
			     count_until(&esp_to_d, 1, 3000) == 1);
	}

	drops_snap(base);
	step("inner-blackhole", HUB_DROP_BLACKHOLE, 1, act_blackhole);
	provoked[HUB_DROP_BLACKHOLE] += 1;
	step("no-underlay-route", HUB_DROP_NO_ROUTE, 1, act_no_underlay_route);
	provoked[HUB_DROP_NO_ROUTE] += 1;
	step("nhrp-not-served", HUB_DROP_NHRP_NOT_SERVED, 1, act_nhrp_not_served);
	provoked[HUB_DROP_NHRP_NOT_SERVED] += 1;
	step("tx-full", HUB_DROP_TX_FULL, 2, act_tx_full);
	provoked[HUB_DROP_TX_FULL] += 2;
	step("fragmentation-failed", HUB_DROP_FRAG_FAILED, 1, act_frag_failed);
	provoked[HUB_DROP_FRAG_FAILED] += 1;
	{
		/* With the mbufs back, the same packet leaves in two fragments. */
		struct rte_mbuf *m = gre_data(SPOKE_A, TUN(10), TUN(11), 1450, 0);

		data_to_b = 0;
		inproc_drain(NULL, NULL);
		if (m != NULL)
			inproc_rx(m);
		inproc_check("... with the mempool refilled the same packet leaves in 2 fragments",
			     count_until(&data_to_b, 2, 3000) == 2);
	}
	step("fragmentation-failed (an option that cannot be copied)", HUB_DROP_FRAG_FAILED, 1,
	     act_frag_bad_options);
	provoked[HUB_DROP_FRAG_FAILED] += 1;
	step("multicast to a peer never resolved (B still gets its copy)", HUB_DROP_NO_NEIGHBOUR,
	     1, act_mcast_unresolved);
	provoked[HUB_DROP_NO_NEIGHBOUR] += 1;
	also_reason = HUB_DROP_NO_NEIGHBOUR; /* 192.168.1.98's copy, as above */
	also_n = 1;
	provoked[HUB_DROP_NO_NEIGHBOUR] += 1;
	step("multicast-no-mbuf", HUB_DROP_MCAST_NO_MBUF, 2, act_mcast_no_mbuf);
	provoked[HUB_DROP_MCAST_NO_MBUF] += 2;
	step("no-headroom", HUB_DROP_NO_HEADROOM, 1, act_no_headroom);
	provoked[HUB_DROP_NO_HEADROOM] += 1;
	step("esp-integrity-failure (the unchained twin of the next one)", HUB_DROP_ESP_INTEGRITY,
	     1, act_esp_integrity);
	provoked[HUB_DROP_ESP_INTEGRITY] += 1;
	step("esp-crypto-error", HUB_DROP_ESP_CRYPTO, 1, act_esp_crypto);
	provoked[HUB_DROP_ESP_CRYPTO] += 1;
	if (have_netns) {
		step("exception-not-ipv4", HUB_DROP_EXC_NOT_IPV4, 3, act_exc_not_ipv4);
		provoked[HUB_DROP_EXC_NOT_IPV4] += 3;
		step("exception-broadcast", HUB_DROP_EXC_BROADCAST, 1, act_exc_broadcast);
		provoked[HUB_DROP_EXC_BROADCAST] += 1;
		step("exception-no-route", HUB_DROP_EXC_NO_ROUTE, 1, act_exc_no_route);
		provoked[HUB_DROP_EXC_NO_ROUTE] += 1;
		also_reason = HUB_DROP_NO_NEIGHBOUR;
		also_n = 1;
		provoked[HUB_DROP_NO_NEIGHBOUR] += 1;
		step("multicast-no-mbuf from the exception interface", HUB_DROP_MCAST_NO_MBUF, 2,
		     act_exc_mcast_no_mbuf);
		provoked[HUB_DROP_MCAST_NO_MBUF] += 2;
		step("inner-blackhole from the exception interface", HUB_DROP_BLACKHOLE, 1,
		     act_exc_blackhole);
		provoked[HUB_DROP_BLACKHOLE] += 1;
		step("exception-tap-full", HUB_DROP_EXC_TAP_FULL, 1, act_exc_tap_full);
		provoked[HUB_DROP_EXC_TAP_FULL] += 1;
	}

	for (r = 0; r < HUB_DROP_MAX; r++) {
		long long row;

		if (provoked[r] == 0)
			continue;
		row = inproc_show_drops_row(&ctl, "pw", hub_drop_name(r));
		snprintf(what, sizeof(what),
			 "show drops: %s %lld = the counters, %" PRIu64 " of them since the first "
			 "step (provoked %" PRIu64 ")",
			 hub_drop_name(r), row, drop_total(r) - base[r], provoked[r]);
		inproc_check(what, row == (long long)drop_total(r) &&
					   drop_total(r) - base[r] == provoked[r]);
	}
	if (pkt_sock >= 0)
		close(pkt_sock);
	if (fpm_fd >= 0)
		close(fpm_fd);
	inproc_stop(&ctl);
	inproc_check("the hub stops cleanly", 1);
	return inproc_done();
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Peer table updates under traffic: the whole hub runs in this process on a net_ring port
 * (control on the main lcore, driven step by step by the test; one worker lcore), while
 * 100k peers are added and half of them removed through the update rings.
 *
 * Checks: every live peer is reachable; no packet leaves for a peer once its removal has
 * been applied by the worker; a flood of updates that overflows the ring ends in a full
 * resync whose replica equals the master table; the worker's longest loop iteration stays
 * under a stated bound (LOOP_BOUND_US, a sanity bound, not a performance figure).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_eth_ring.h>
#include <rte_ip.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "control/ctl.h"
#include "control/ctl_hub.h"
#include "control/ctl_loop.h"
#include "control/ctl_neigh.h"
#include "control/ctl_peer.h"
#include "lib/cfg.h"

#define N_PEERS 100000
#define MAX_PEERS 131072
#define LOOP_BOUND_US 100000 /* a sanity bound: the worker shares 2 cores with the test */
#define RING_SIZE 4096

static unsigned int n_pass, n_fail;

static void check(const char *what, int ok)
{
	printf("%s - %s\n", ok ? "ok  " : "FAIL", what);
	if (ok)
		n_pass++;
	else
		n_fail++;
}

static const char config[] =
	"ports = ( { name = \"ring0\"; device = \"net_ring_churn\"; address = \"1.1.1.1/24\";\n"
	"            gateway = \"1.1.1.254\"; } );\n"
	"tunnels = ( { name = \"Tunnel0\"; address = \"172.16.0.1/12\"; source = \"ring0\";\n"
	"              key = 42; nhrp = { max_peers = 131072;\n"
	"              maps = ( { tunnel = \"172.16.0.2\"; nbma = \"2.0.0.2\"; } ); }; } );\n"
	"mempool = { mbufs = 32767; ring_size = 4096; };\n"
	"cli = { port = 0; };\n";

static struct rte_ring *rx_rings[2], *tx_rings[2];
static struct rte_mempool *test_pool;
static const struct rte_ether_addr gw_mac = {{0x02, 0, 0, 0, 0, 0xfe}};

/* Churn peer i: tunnel 172.16.x.y, NBMA 2.x.y.z (behind the gateway). */
static uint32_t peer_tunnel(uint32_t i)
{
	return rte_cpu_to_be_32(0xac100000u + 16 + i);
}

static uint32_t peer_nbma(uint32_t i)
{
	return rte_cpu_to_be_32(0x02000000u + 16 + i);
}

static uint32_t nbma_index(uint32_t nbma_be)
{
	return rte_be_to_cpu_32(nbma_be) - 0x02000000u - 16;
}

/* Ether / IPv4 2.0.0.2 -> 1.1.1.1 / GRE key 42 / IPv4 172.16.0.2 -> dst / 8 bytes. */
static struct rte_mbuf *gre_packet(uint32_t inner_dst)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(test_pool);
	struct rte_ether_hdr *eth;
	struct rte_ipv4_hdr *o, *in;
	uint8_t *gre;

	if (m == NULL)
		return NULL;
	eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m, 14 + 20 + 8 + 20 + 8);
	if (eth == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memset(eth, 0, 14 + 20 + 8 + 20 + 8);
	memset(&eth->dst_addr, 0xff, 6);
	rte_ether_addr_copy(&gw_mac, &eth->src_addr);
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	o = (struct rte_ipv4_hdr *)(eth + 1);
	o->version_ihl = RTE_IPV4_VHL_DEF;
	o->total_length = rte_cpu_to_be_16(20 + 8 + 20 + 8);
	o->time_to_live = 64;
	o->next_proto_id = IPPROTO_GRE;
	o->src_addr = rte_cpu_to_be_32(0x02000002);
	o->dst_addr = rte_cpu_to_be_32(0x01010101);
	o->hdr_checksum = rte_ipv4_cksum(o);
	gre = (uint8_t *)(o + 1);
	gre[0] = 0x20;
	gre[2] = 0x08;
	gre[7] = 42;
	in = (struct rte_ipv4_hdr *)(gre + 8);
	in->version_ihl = RTE_IPV4_VHL_DEF;
	in->total_length = rte_cpu_to_be_16(28);
	in->time_to_live = 64;
	in->next_proto_id = 253; /* experimental */
	in->src_addr = rte_cpu_to_be_32(0xac100002);
	in->dst_addr = inner_dst;
	in->hdr_checksum = rte_ipv4_cksum(in);
	return m;
}

static void arp_reply_from_gateway(void)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(test_pool);
	struct rte_ether_hdr *eth;
	struct rte_arp_hdr *a;

	if (m == NULL || (eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m, 14 + 28)) == NULL)
		return;
	a = (struct rte_arp_hdr *)(eth + 1);

	memset(&eth->dst_addr, 0xff, 6);
	rte_ether_addr_copy(&gw_mac, &eth->src_addr);
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_ARP);
	a->arp_hardware = RTE_BE16(RTE_ARP_HRD_ETHER);
	a->arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	a->arp_hlen = 6;
	a->arp_plen = 4;
	a->arp_opcode = RTE_BE16(RTE_ARP_OP_REPLY);
	rte_ether_addr_copy(&gw_mac, &a->arp_data.arp_sha);
	a->arp_data.arp_sip = rte_cpu_to_be_32(0x010101fe);
	memset(&a->arp_data.arp_tha, 0xff, 6);
	a->arp_data.arp_tip = rte_cpu_to_be_32(0x01010101);
	rte_ring_enqueue(rx_rings[0], m);
}

/* Inject one packet toward each of count churn addresses starting at first. */
static void inject(uint32_t first, uint32_t count)
{
	uint32_t i;

	for (i = 0; i < count; i++) {
		struct rte_mbuf *m = gre_packet(peer_tunnel(first + i));

		if (m == NULL || rte_ring_enqueue(rx_rings[0], m) != 0) {
			rte_pktmbuf_free(m);
			break;
		}
	}
}

/* Drain what the hub sent; count packets per churn peer into hits (may be NULL). */
static uint64_t drain_tx(uint32_t *hits)
{
	void *objs[64];
	uint64_t total = 0;
	unsigned int r, n, i;

	for (r = 0; r < 2; r++) {
		while ((n = rte_ring_dequeue_burst(tx_rings[r], objs, 64, NULL)) > 0) {
			for (i = 0; i < n; i++) {
				struct rte_mbuf *m = objs[i];
				const struct rte_ipv4_hdr *ip =
					rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14);
				uint32_t idx = nbma_index(ip->dst_addr);

				if (hits != NULL && idx < N_PEERS)
					hits[idx]++;
				total++;
				rte_pktmbuf_free(m);
			}
		}
	}
	return total;
}

/* Run the control loop until fn() holds or ms pass. */
static int run_until(struct hub_ctl *ctl, int (*fn)(struct hub_ctl *), unsigned int ms)
{
	uint64_t end = rte_rdtsc() + rte_get_tsc_hz() / 1000 * ms;

	while (rte_rdtsc() < end) {
		ctl_loop_once(ctl);
		if (fn(ctl))
			return 1;
	}
	return 0;
}

static int synced(struct hub_ctl *ctl)
{
	return ctl_peer_synced(ctl);
}

static int gw_resolved(struct hub_ctl *ctl)
{
	struct rte_ether_addr mac;

	return ctl_neigh_lookup(ctl, 0, rte_cpu_to_be_32(0x010101fe), &mac) == 0;
}

/* Let the worker take everything injected (at most 10 s), then 5 ms more, well past the
 * 100 us tx drain, with the control loop running all along. */
static void settle(struct hub_ctl *ctl)
{
	uint64_t hz = rte_get_tsc_hz(), end = rte_rdtsc() + hz * 10;

	while (rte_ring_count(rx_rings[0]) > 0 && rte_rdtsc() < end)
		ctl_loop_once(ctl);
	end = rte_rdtsc() + hz / 1000 * 5;
	while (rte_rdtsc() < end)
		ctl_loop_once(ctl);
}

/* Add or delete peers, pacing on the worker's free ring space as a real control plane
 * driven by registrations would, with traffic flowing all along. */
static void churn(struct hub_ctl *ctl, uint32_t first, uint32_t count, uint32_t step, int add)
{
	uint32_t i;

	for (i = first; i < first + count; i += step) {
		while (rte_ring_free_count(ctl->workers[0]->msg_ring) < 16)
			ctl_loop_once(ctl);
		if (add)
			ctl_peer_set(ctl, 0, peer_tunnel(i), peer_nbma(i), 0, 0, CTL_PEER_DYNAMIC, 0,
				     0);
		else
			ctl_peer_del(ctl, peer_tunnel(i));
		if (i % 64 == 0) {
			inject(i % N_PEERS, 8);
			drain_tx(NULL);
		}
	}
}

/* The hub runs on hugepages in production; use them when the machine has some. */
static int hugepages_reserved(void)
{
	FILE *f = fopen("/proc/sys/vm/nr_hugepages", "r");
	long n = 0;

	if (f != NULL) {
		if (fscanf(f, "%ld", &n) != 1)
			n = 0;
		fclose(f);
	}
	return n >= 256;
}

int main(int argc, char **argv)
{
	char *eal_huge[] = {argv[0], "-l", "0-1", "--in-memory", "--no-pci", "--no-telemetry",
			    "--log-level=7", NULL};
	char *eal_nohuge[] = {argv[0], "-l", "0-1", "--no-huge", "-m", "1536", "--no-pci",
			      "--no-shconf", "--no-telemetry", "--log-level=7", NULL};
	char **eal = hugepages_reserved() ? eal_huge : eal_nohuge;
	int eal_n = eal == eal_huge ? (int)RTE_DIM(eal_huge) - 1 : (int)RTE_DIM(eal_nohuge) - 1;
	struct hub_ctl ctl;
	char err[CFG_ERR_MAX];
	uint32_t *hits, i, live_hit = 0, dead_hit = 0, mismatch = 0;
	uint64_t max_us;
	const struct dp_peer_table *rep;

	(void)argc;
	if (rte_eal_init(eal_n, eal) < 0) {
		printf("FAIL - EAL init\n0 passed, 1 failed\n");
		return 1;
	}
	test_pool = rte_pktmbuf_pool_create("test_pool", 65535, 256, 0, 2048, 0);
	for (i = 0; i < 2; i++) {
		char name[32];

		snprintf(name, sizeof(name), "churn_rx%u", i);
		rx_rings[i] = rte_ring_create(name, 65536, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "churn_tx%u", i);
		tx_rings[i] = rte_ring_create(name, 65536, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
	}
	if (test_pool == NULL || rte_eth_from_rings("churn", rx_rings, 2, tx_rings, 2, 0) < 0) {
		printf("FAIL - test rings and port\n0 passed, 1 failed\n");
		return 1;
	}

	memset(&ctl, 0, sizeof(ctl));
	ctl.cfg = cfg_load_string(config, "churn.conf", err, sizeof(err));
	check("configuration loads", ctl.cfg != NULL);
	if (ctl.cfg == NULL) {
		printf("%s\n", err);
		return 1;
	}
	check("hub starts in-process on a net_ring port", ctl_hub_start(&ctl, 0) == 0);
	arp_reply_from_gateway();
	check("the gateway's MAC is learnt", run_until(&ctl, gw_resolved, 2000));

	churn(&ctl, 0, N_PEERS, 1, 1);
	check("100k peers added under traffic; the worker applied every update",
	      run_until(&ctl, synced, 10000));
	check("master table holds 100001 bindings", ctl_peer_count(&ctl) == N_PEERS + 1);

	/* Remove every odd peer, traffic still flowing. */
	churn(&ctl, 1, N_PEERS - 1, 2, 0);
	check("50k peers removed under traffic; the worker applied every removal",
	      run_until(&ctl, synced, 10000));
	settle(&ctl);
	drain_tx(NULL);

	hits = calloc(N_PEERS, sizeof(*hits));
	for (i = 0; i < N_PEERS; i += 4096) {
		inject(i, RTE_MIN(4096u, N_PEERS - i));
		settle(&ctl);
		drain_tx(hits);
	}
	for (i = 0; i < N_PEERS; i++) {
		if (i % 2 == 0 && hits[i] > 0)
			live_hit++;
		if (i % 2 == 1 && hits[i] > 0)
			dead_hit++;
	}
	printf("     live peers reached: %u of %u, removed peers reached: %u\n", live_hit,
	       N_PEERS / 2, dead_hit);
	check("no packet leaves for a removed peer", dead_hit == 0);
	check("every live peer is reached", live_hit == N_PEERS / 2);

	/* Overflow: park the worker (an idle worker sleeps idle_sleep_us), then push 3x the
	 * ring's worth of updates without pacing: a full resync must follow. */
	ctl.shared->idle_sleep_us = 400000;
	{
		uint64_t end = rte_rdtsc() + rte_get_tsc_hz() / 20;

		while (rte_rdtsc() < end)
			;
	}
	for (i = 0; i < 3 * RING_SIZE; i++)
		ctl_peer_set(&ctl, 0, peer_tunnel(2 * i + 1), peer_nbma(2 * i + 1), 0, 0,
			     CTL_PEER_DYNAMIC, 0, 0);
	check("a full update ring starts a resync", ctl_peer_stats(&ctl)->resyncs >= 1);
	ctl.shared->idle_sleep_us = 0;
	check("the resync completes and the worker catches up", run_until(&ctl, synced, 20000));
	rep = ctl.workers[0]->peers;
	for (i = 0; i < ctl_peer_slots(&ctl); i++) {
		const struct ctl_peer *p = ctl_peer_at(&ctl, i);
		const struct dp_peer_desc *d = &rep->peers[i].d;

		if ((p == NULL) != (d->state == DP_PEER_FREE) ||
		    (p != NULL && (p->tunnel_addr != d->tunnel_addr ||
				   (p->type != CTL_PEER_INCOMPLETE && d->state != DP_PEER_UP))))
		{
			if (mismatch < 5)
				printf("     slot %u: master %s type %d tunnel %08x, replica state %d "
				       "tunnel %08x\n", i, p ? "live" : "free", p ? p->type : -1,
				       p ? p->tunnel_addr : 0, d->state, d->tunnel_addr);
			mismatch++;
		}
	}
	printf("     resyncs started %" PRIu64 ", completed %" PRIu64 ", slots differing %u\n",
	       ctl_peer_stats(&ctl)->resyncs, ctl_peer_stats(&ctl)->resyncs_done, mismatch);
	check("after the resync the worker's replica equals the master table", mismatch == 0);

	max_us = ctl.workers[0]->stats.max_loop_cycles * 1000000 / rte_get_tsc_hz();
	printf("     longest worker loop iteration: %" PRIu64 " us (bound %u us); longest "
	       "update-apply phase %" PRIu64 " us\n", max_us, LOOP_BOUND_US,
	       ctl.workers[0]->stats.max_apply_cycles * 1000000 / rte_get_tsc_hz());
	check("no worker loop iteration exceeded the bound", max_us < LOOP_BOUND_US);

	ctl_hub_stop(&ctl);
	cfg_free(ctl.cfg);
	free(hits);
	rte_eal_cleanup();
	printf("%u passed, %u failed\n", n_pass, n_fail);
	return n_fail ? 1 : 0;
}

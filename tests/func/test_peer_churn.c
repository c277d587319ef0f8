/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Peer table updates under traffic: the whole hub runs in this process on a net_ring port
 * (control on the main lcore, driven step by step by the test; one worker lcore), while
 * 100k peers are added and half of them removed through the update rings.
 *
 * Checks: every live peer is reachable; no packet leaves for a peer once its removal has
 * been applied by the worker; a flood of updates that overflows the ring ends in a full
 * resync whose replica equals the master table; the work of any loop iteration's
 * update-apply phase (the part that grows with table churn) is bounded: no iteration
 * applies more than DP_MSG_APPLY_MAX messages, and the churn did fill some iteration's
 * batch. The phase's and the whole iteration's wall times are reported, not judged: on a
 * shared 2-vCPU machine they include whatever time the kernel gave another task (a 50 ms
 * wall-time bound failed at load average 20), and performance lives in ./scripts/bench.
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
#include "tests/func/inproc.h"

#define N_PEERS 100000
#define MAX_PEERS 131072
#define RING_SIZE 4096

static const char config[] =
	"ports = ( { name = \"ring0\"; device = \"" INPROC_DEVICE "\"; address = \"1.1.1.1/24\";\n"
	"            gateway = \"1.1.1.254\"; } );\n"
	"tunnels = ( { name = \"Tunnel0\"; address = \"172.16.0.1/12\"; source = \"ring0\";\n"
	"              key = 42; nhrp = { max_peers = 131072;\n"
	"              maps = ( { tunnel = \"172.16.0.2\"; nbma = \"2.0.0.2\"; } ); }; } );\n"
	"mempool = { mbufs = 32767; ring_size = 4096; };\n"
	"cli = { port = 0; };\n";

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
	struct rte_mbuf *m = rte_pktmbuf_alloc(inproc_pool);
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

/* Inject one packet toward each of count churn addresses starting at first. */
static void inject(uint32_t first, uint32_t count)
{
	uint32_t i;

	for (i = 0; i < count; i++) {
		struct rte_mbuf *m = gre_packet(peer_tunnel(first + i));

		if (m == NULL || inproc_rx(m) != 0)
			break;
	}
}

static void count_hit(struct rte_mbuf *m, void *arg)
{
	uint32_t *hits = arg;
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14);
	uint32_t idx = nbma_index(ip->dst_addr);

	if (hits != NULL && idx < N_PEERS)
		hits[idx]++;
}

static void drain_tx(uint32_t *hits)
{
	inproc_drain(count_hit, hits);
}

static int gw_resolved(struct hub_ctl *ctl)
{
	struct rte_ether_addr mac;

	return ctl_neigh_lookup(ctl, 0, rte_cpu_to_be_32(0x010101fe), &mac) == 0;
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

int main(int argc, char **argv)
{
	struct hub_ctl ctl;
	uint32_t *hits, i, live_hit = 0, dead_hit = 0, mismatch = 0;
	uint64_t max_us;
	const struct dp_peer_table *rep;
	const uint8_t gw[6] = {0x02, 0, 0, 0, 0, 0xfe};

	(void)argc;
	if (inproc_start(&ctl, argv[0], config) < 0)
		return inproc_done() | 1;
	inproc_rx_arp_reply(rte_cpu_to_be_32(0x010101fe), gw, rte_cpu_to_be_32(0x01010101));
	inproc_check("the gateway's MAC is learnt", inproc_run_until(&ctl, gw_resolved, 2000));

	churn(&ctl, 0, N_PEERS, 1, 1);
	inproc_check("100k peers added under traffic; the worker applied every update",
	      inproc_run_until(&ctl, inproc_synced, 10000));
	inproc_check("master table holds 100001 bindings", ctl_peer_count(&ctl) == N_PEERS + 1);

	/* Remove every odd peer, traffic still flowing. */
	churn(&ctl, 1, N_PEERS - 1, 2, 0);
	inproc_check("50k peers removed under traffic; the worker applied every removal",
	      inproc_run_until(&ctl, inproc_synced, 10000));
	inproc_settle(&ctl);
	drain_tx(NULL);

	hits = calloc(N_PEERS, sizeof(*hits));
	for (i = 0; i < N_PEERS; i += 4096) {
		inject(i, RTE_MIN(4096u, N_PEERS - i));
		inproc_settle(&ctl);
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
	inproc_check("no packet leaves for a removed peer", dead_hit == 0);
	inproc_check("every live peer is reached", live_hit == N_PEERS / 2);

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
	inproc_check("a full update ring starts a resync", ctl_peer_stats(&ctl)->resyncs >= 1);
	ctl.shared->idle_sleep_us = 0;
	inproc_check("the resync completes and the worker catches up", inproc_run_until(&ctl, inproc_synced, 20000));
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
	inproc_check("after the resync the worker's replica equals the master table", mismatch == 0);

	max_us = ctl.workers[0]->stats.max_apply_cycles * 1000000 / rte_get_tsc_hz();
	printf("     longest update-apply phase: %" PRIu64 " us; longest whole loop "
	       "iteration (wall time, preemption included): %" PRIu64 " us\n", max_us,
	       ctl.workers[0]->stats.max_loop_cycles * 1000000 / rte_get_tsc_hz());
	printf("     most messages applied in one iteration: %" PRIu64 " (bound %u)\n",
	       ctl.workers[0]->stats.max_apply_msgs, DP_MSG_APPLY_MAX);
	inproc_check("no loop iteration applied more than DP_MSG_APPLY_MAX peer-table messages, "
		     "and the churn filled at least one batch",
		     ctl.workers[0]->stats.max_apply_msgs == DP_MSG_APPLY_MAX);

	free(hits);
	inproc_stop(&ctl);
	return inproc_done();
}

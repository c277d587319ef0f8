/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Multicast replication: a packet to 224.0.0.5 that control emits reaches every peer
 * mapped for multicast, each copy with that peer's outer header, the payload shared by
 * reference (an indirect mbuf), never copied; peers not mapped for multicast get nothing;
 * no mbuf leaks.
 */
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "control/ctl_loop.h"
#include "control/ctl_mcast.h"
#include "control/ctl_neigh.h"
#include "control/ctl_peer.h"
#include "tests/func/inproc.h"

static const char config[] =
	"ports = ( { name = \"ring0\"; device = \"" INPROC_DEVICE "\"; address = \"1.1.1.1/24\";\n"
	"            gateway = \"1.1.1.254\"; } );\n"
	"tunnels = ( { name = \"Tunnel0\"; address = \"192.168.1.1/24\"; source = \"ring0\";\n"
	"              key = 42; nhrp = { max_peers = 64; maps = (\n"
	"                { tunnel = \"192.168.1.10\"; nbma = \"2.0.0.10\"; multicast = true; },\n"
	"                { tunnel = \"192.168.1.11\"; nbma = \"2.0.0.11\"; multicast = true; },\n"
	"                { tunnel = \"192.168.1.12\"; nbma = \"2.0.0.12\"; multicast = true; },\n"
	"                { tunnel = \"192.168.1.13\"; nbma = \"2.0.0.13\"; } ); }; } );\n"
	"cli = { port = 0; };\n";

#define PAYLOAD 44

struct seen {
	unsigned int n, by_peer[4], chained, indirect, payload_ok, outer_ok, other;
};

static void inspect(struct rte_mbuf *m, void *arg)
{
	struct seen *s = arg;
	const struct rte_ipv4_hdr *o = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14);
	uint32_t dst = rte_be_to_cpu_32(o->dst_addr);
	uint8_t buf[20 + PAYLOAD];
	const uint8_t *in;
	unsigned int i;

	if (o->next_proto_id != IPPROTO_GRE || dst < 0x0200000a || dst > 0x0200000d) {
		s->other++;
		return;
	}
	s->n++;
	s->by_peer[dst - 0x0200000a]++;
	if (m->nb_segs == 2)
		s->chained++;
	if (m->next != NULL && RTE_MBUF_CLONED(m->next))
		s->indirect++;
	if (rte_ipv4_cksum(o) == 0 || rte_raw_cksum(o, 20) == 0xffff)
		if (rte_be_to_cpu_16(o->total_length) == 20 + 8 + 20 + PAYLOAD)
			s->outer_ok++;
	in = rte_pktmbuf_read(m, 14 + 20 + 8, sizeof(buf), buf);
	if (in == NULL)
		return;
	for (i = 0; i < PAYLOAD && in[20 + i] == (uint8_t)i; i++)
		;
	if (i == PAYLOAD && in[16] == 224 && in[19] == 5)
		s->payload_ok++;
}

/* Run control and drain the tx ring into s until want copies left (at most 3 s; a loaded
 * machine may take a while to schedule the worker), then a little longer for extras. */
static void collect(struct hub_ctl *ctl, struct seen *s, unsigned int want)
{
	uint64_t hz = rte_get_tsc_hz(), end = rte_rdtsc() + hz / 1000 * inproc_ms(3000);

	while (s->n < want && rte_rdtsc() < end) {
		ctl_loop_once(ctl);
		inproc_drain(inspect, s);
	}
	inproc_settle(ctl);
	inproc_drain(inspect, s);
}

static struct rte_mbuf *hello(struct hub_ctl *ctl)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(ctl->pool);
	struct rte_ipv4_hdr *ip;
	uint8_t *p;
	unsigned int i;

	if (m == NULL || (ip = (struct rte_ipv4_hdr *)rte_pktmbuf_append(m, 20 + PAYLOAD)) == NULL)
		return NULL;
	memset(ip, 0, sizeof(*ip));
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16(20 + PAYLOAD);
	ip->time_to_live = 1;
	ip->next_proto_id = 89; /* OSPF */
	ip->src_addr = rte_cpu_to_be_32(0xc0a80101);
	ip->dst_addr = rte_cpu_to_be_32(0xe0000005);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	p = (uint8_t *)(ip + 1);
	for (i = 0; i < PAYLOAD; i++)
		p[i] = (uint8_t)i;
	return m;
}

static int headers_ready(struct hub_ctl *ctl)
{
	const struct dp_peer_table *t = ctl->workers[0]->peers;

	return ctl_peer_synced(ctl) && t->n_mcast == 3 &&
	       t->peers[t->mcast_slots[0]].d.hdr_len > 0 && t->peers[t->mcast_slots[1]].d.hdr_len > 0 &&
	       t->peers[t->mcast_slots[2]].d.hdr_len > 0;
}

int main(int argc, char **argv)
{
	const uint8_t gw[6] = {0x02, 0, 0, 0, 0, 0xfe};
	struct hub_ctl ctl;
	struct seen s;
	unsigned int in_use;
	char what[160];

	(void)argc;
	if (inproc_start(&ctl, argv[0], config) < 0)
		return inproc_done() | 1;
	inproc_rx_arp_reply(rte_cpu_to_be_32(0x010101fe), gw, rte_cpu_to_be_32(0x01010101));
	inproc_check("the 3 multicast peers' outer headers are ready in the worker",
		     inproc_run_until(&ctl, headers_ready, 3000));
	inproc_settle(&ctl);
	inproc_drain(NULL, NULL); /* the hub's own ARP traffic */
	in_use = rte_mempool_in_use_count(ctl.pool);

	inproc_check("control hands a packet to 224.0.0.5 to a worker",
		     ctl_mcast_send(&ctl, 0, hello(&ctl)) == 0);
	memset(&s, 0, sizeof(s));
	collect(&ctl, &s, 3);
	snprintf(what, sizeof(what), "3 copies leave, one per multicast peer (%u: %u/%u/%u, unmapped %u)",
		 s.n, s.by_peer[0], s.by_peer[1], s.by_peer[2], s.by_peer[3]);
	inproc_check(what, s.n == 3 && s.by_peer[0] == 1 && s.by_peer[1] == 1 && s.by_peer[2] == 1);
	inproc_check("the peer without multicast gets no copy", s.by_peer[3] == 0);
	inproc_check("each copy is a header mbuf chained to the shared payload (2 segments)",
		     s.chained == 3);
	inproc_check("the payload segment is an indirect mbuf (not copied)", s.indirect == 3);
	inproc_check("outer IPv4 header valid: checksum and total length", s.outer_ok == 3);
	inproc_check("each copy carries the original packet unchanged", s.payload_ok == 3);
	inproc_check("no mbuf leaked once the copies are sent",
		     rte_mempool_in_use_count(ctl.pool) == in_use);
	{
		int p = ctl_peer_slot(&ctl, rte_cpu_to_be_32(0xc0a8010a));
		int q = ctl_peer_slot(&ctl, rte_cpu_to_be_32(0xc0a8010d));
		struct ctl_peer_counters a, b;

		ctl_peer_counters(&ctl, (uint32_t)p, &a);
		ctl_peer_counters(&ctl, (uint32_t)q, &b);
		inproc_check("per-peer counters summed by control: 1 packet out to a multicast peer, "
			     "none to the other",
			     p >= 0 && q >= 0 && a.pkts_out == 1 &&
				     a.bytes_out == 20 + PAYLOAD && b.pkts_out == 0);
	}

	ctl_peer_del(&ctl, rte_cpu_to_be_32(0xc0a8010b));
	inproc_check("a removed peer leaves the worker's multicast list",
		     inproc_run_until(&ctl, inproc_synced, 2000) &&
			     ctl.workers[0]->peers->n_mcast == 2);
	ctl_mcast_send(&ctl, 0, hello(&ctl));
	memset(&s, 0, sizeof(s));
	collect(&ctl, &s, 2);
	inproc_check("then only 2 copies leave", s.n == 2 && s.by_peer[1] == 0);
	{
		struct rte_mbuf *m = hello(&ctl);
		struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);

		ip->dst_addr = rte_cpu_to_be_32(0xc0a8010a);
		inproc_check("a unicast packet is refused by the multicast path",
			     ctl_mcast_send(&ctl, 0, m) == -EINVAL);
	}
	inproc_check("no mbuf leaked at the end", rte_mempool_in_use_count(ctl.pool) == in_use);
	inproc_stop(&ctl);
	return inproc_done();
}

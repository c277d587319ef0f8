/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A registration flood in process: spoofed Registration Requests from one source and from
 * thousands of sources, while a real spoke (R6) keeps refreshing. The worker never
 * blocks (what control cannot take is dropped and counted), a known spoke's refresh is
 * served before the flood queued ahead of it, one source cannot create more than
 * NHRP_NEW_PER_SOURCE bindings a second, and max_peers holds (CIE code 5 beyond it).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_mbuf.h>

#include "control/ctl_neigh.h"
#include "control/ctl_peer.h"
#include "control/nhrp_server.h"
#include "lib/nhrp_codec.h"
#include "tests/func/inproc.h"
#include "tests/func/inproc_nhrp.h"

/* Small rings so that a flood overflows them; max_peers 100. */
static const char config[] =
	"ports = ( { name = \"ring0\"; device = \"" INPROC_DEVICE "\"; address = \"1.1.1.1/24\";\n"
	"            gateway = \"1.1.1.254\"; } );\n"
	"tunnels = ( { name = \"Tunnel0\"; address = \"192.168.0.1/16\"; source = \"ring0\";\n"
	"              key = 42; nhrp = { max_peers = 100; }; } );\n"
	"mempool = { ring_size = 256; };\n"
	"cli = { port = 0; };\n";

#define R6_NBMA IP4(6, 6, 6, 6)
#define R6_PROTO IP4(192, 168, 1, 6)
#define HUB16_PROTO IP4(192, 168, 0, 1)

static int r6_ready(struct hub_ctl *ctl)
{
	int s = ctl_peer_slot(ctl, R6_PROTO);

	return s >= 0 && ctl_peer_synced(ctl) && ctl->workers[0]->peers->peers[s].d.hdr_len > 0;
}

/* A registration for proto from outer (claimed = outer), as bytes. */
static size_t reg_bytes(uint32_t outer, uint32_t proto, uint32_t id, uint8_t *buf, size_t cap)
{
	struct nhrp_build_cie cie = {.prefix_len = 0xFF, .holdtime = 600};
	struct nhrp_build_msg b = {.op = NHRP_OP_REGISTRATION_REQUEST, .hopcnt = 1,
				   .flags = NHRP_FLAG_REG_U, .request_id = id,
				   .src_nbma = nhrp_addr_u32(outer), .src_proto = nhrp_addr_u32(proto),
				   .dst_proto = nhrp_addr_u32(HUB16_PROTO), .cies = &cie, .n_cies = 1};
	size_t len = 0;

	return nhrp_build(&b, buf, cap, &len) == 0 ? len : 0;
}

static int inject_reg(uint32_t outer, uint32_t proto, uint32_t id)
{
	uint8_t pkt[256];
	size_t len = reg_bytes(outer, proto, id, pkt, sizeof(pkt));
	struct rte_mbuf *m = len ? gre_frame(outer, 0x2001, pkt, len) : NULL;

	return m != NULL && inproc_rx(m) == 0;
}

/* Replies seen, by destination. */
static unsigned int to_r6, to_others;
static uint32_t r6_reply_id;
static void count_replies(struct rte_mbuf *m, void *arg)
{
	static struct nhrp_msg v;

	memset(&g, 0, sizeof(g));
	capture(m, arg);
	if (g.nhrp == 0 || nhrp_parse(g.buf, g.len, NULL, &v) != 0 ||
	    v.op != NHRP_OP_REGISTRATION_REPLY)
		return;
	if (g.nhrp_dst == R6_NBMA) {
		to_r6++;
		r6_reply_id = v.request_id;
	} else {
		to_others++;
	}
}

static int r6_answered(struct hub_ctl *ctl)
{
	(void)ctl;
	inproc_drain(count_replies, NULL);
	return to_r6 > 0;
}

/* Run control for a while, sending the hub's answers to count_replies(). */
static int never(struct hub_ctl *ctl)
{
	(void)ctl;
	inproc_drain(count_replies, NULL);
	return 0;
}

static uint64_t worker_drop(struct hub_ctl *ctl, unsigned int reason)
{
	return ctl->workers[0]->stats.drops[reason];
}

int main(int argc, char **argv)
{
	static struct nhrp_msg v;
	struct hub_ctl ctl;
	const struct nhrp_stats *st;
	uint64_t rx_before, rx_at_r6, t0;
	unsigned int i, injected = 0;
	char what[160];

	(void)argc;
	if (inproc_start(&ctl, argv[0], config) < 0)
		return inproc_done() | 1;
	inproc_rx_arp_reply(IP4(1, 1, 1, 254), gw_mac, HUB_NBMA);
	inproc_check("the underlay gateway resolves", inproc_run_until(&ctl, gw_resolved, 3000));
	inproc_settle(&ctl);
	st = nhrp_server_stats(&ctl);

	{
		struct reg r6 = {.outer = R6_NBMA, .claimed = R6_NBMA, .proto = R6_PROTO,
				 .flags = NHRP_FLAG_REG_U, .holdtime = 600, .request_id = 1};
		uint8_t pkt[256];
		size_t len = build_reg(&r6, NHRP_OP_REGISTRATION_REQUEST, pkt, sizeof(pkt));

		/* build_reg() addresses the /24 hub; this hub is 192.168.0.1/16, which takes
		 * any destination: the hub answers from its own address either way. */
		inproc_check("R6 registers", len > 0 && exchange(&ctl, R6_NBMA, pkt, len, 5000) &&
						     nhrp_parse(g.buf, g.len, NULL, &v) == 0 &&
						     v.cies[0].code == NHRP_CIE_SUCCESS);
		inproc_check("R6's binding reaches the worker", inproc_run_until(&ctl, r6_ready, 3000));
	}

	/* 1. Three thousand spoofed registrations from 3000 sources land in the worker while
	 * control is not running, then R6's refresh behind them. */
	inproc_drain(NULL, NULL);
	for (i = 0; i < 3000; i++)
		injected += inject_reg(IP4(10, 1 + i / 250, i % 250, 1), IP4(192, 168, 100 + i / 250, 1 + i % 250),
				       0x1000 + i);
	injected += inject_reg(R6_NBMA, R6_PROTO, 2);
	inproc_check("3001 registrations injected", injected == 3001);
	/* Let the worker take them all (it does not wait for control). */
	t0 = rte_rdtsc();
	while (rte_rdtsc() - t0 < rte_get_tsc_hz() / 2)
		rte_pause();
	snprintf(what, sizeof(what),
		 "the worker drops what the unknown-source ring cannot hold, counted "
		 "(nhrp-new-ring-full %" PRIu64 ")",
		 worker_drop(&ctl, HUB_DROP_PUNT_LOW_RING_FULL));
	inproc_check(what, worker_drop(&ctl, HUB_DROP_PUNT_LOW_RING_FULL) > 2000);
	inproc_check("the known spoke's refresh was not dropped with them",
		     worker_drop(&ctl, HUB_DROP_PUNT_RING_FULL) == 0);
	rx_before = ctl.nhrp_rx;
	to_r6 = to_others = 0;
	inproc_check("control answers R6's refresh",
		     inproc_run_until(&ctl, r6_answered, 5000) && r6_reply_id == 2);
	rx_at_r6 = ctl.nhrp_rx - rx_before;
	snprintf(what, sizeof(what),
		 "... first, before the flood queued ahead of it (%" PRIu64 " NHRP packets "
		 "taken by then)", rx_at_r6);
	inproc_check(what, rx_at_r6 <= 33);
	inproc_run_until(&ctl, never, 1000);
	snprintf(what, sizeof(what),
		 "max_peers 100 holds: %u bindings, the rest refused with code 5 "
		 "(refused-full %" PRIu64 ")",
		 ctl_peer_count(&ctl), st->reason[NHRP_STAT_REFUSED_FULL]);
	inproc_check(what, ctl_peer_count(&ctl) == 100 && st->reason[NHRP_STAT_REFUSED_FULL] > 0);

	/* 2. One source asks for 500 bindings at once: NHRP_NEW_PER_SOURCE pass. */
	{
		uint64_t limited = st->reason[NHRP_STAT_RATE_LIMITED];

		injected = 0;
		for (i = 0; i < 200; i++)
			injected += inject_reg(IP4(9, 9, 9, 9), IP4(192, 168, 200, 1 + i), 0x9000 + i);
		inproc_run_until(&ctl, never, 1000);
		snprintf(what, sizeof(what),
			 "one source's 200 new registrations: %" PRIu64 " dropped unanswered as "
			 "rate-limited (budget %u/s)",
			 st->reason[NHRP_STAT_RATE_LIMITED] - limited, NHRP_NEW_PER_SOURCE);
		inproc_check(what, injected == 200 &&
					   st->reason[NHRP_STAT_RATE_LIMITED] - limited >=
						   200 - NHRP_NEW_PER_SOURCE - 5);
	}

	/* 3. The known spoke is never limited, and forwarding goes on. */
	{
		uint8_t pkt[256];
		size_t len = reg_bytes(R6_NBMA, R6_PROTO, 3, pkt, sizeof(pkt));

		inproc_check("R6 still refreshes after the floods",
			     len > 0 && exchange(&ctl, R6_NBMA, pkt, len, 5000) &&
				     nhrp_parse(g.buf, g.len, NULL, &v) == 0 && v.request_id == 3 &&
				     v.cies[0].code == NHRP_CIE_SUCCESS);
	}
	inproc_stop(&ctl);
	return inproc_done();
}

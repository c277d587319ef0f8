/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Senders the hub would never ARP for (outside the port's prefix and its on-link underlay
 * routes) are not learned: a reply from one is dropped as arp-off-link, a request from one
 * is answered. A full neighbour (ARP) table (control/ctl_neigh.c, `arp.table_size`): an
 * on-link host that answers for thousands of addresses of its prefix fills it. Then a reply to the hub from an unknown
 * sender is dropped as arp-table-full, a request is still answered (its sender is not
 * learned), the entries already there keep their MACs and keep being refreshed and
 * answered, every ARP stays counted once, and the hub keeps running. A 64-entry table
 * here; the default is 65536 (tests/unit/test_cfg.c reads it). In-process hub on a
 * net_ring port.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_arp.h>
#include <rte_cycles.h>
#include <rte_mbuf.h>

#include "control/cli_priv.h"
#include "control/ctl_loop.h"
#include "control/ctl_neigh.h"
#include "lib/drop_reason.h"
#include "tests/func/inproc.h"

#define IP4(a, b, c, d) rte_cpu_to_be_32((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))

#define HUB IP4(1, 1, 1, 1)
#define GW IP4(1, 1, 1, 254)
#define TABLE 64
#define FLOOD 300 /* senders: far more than the table holds */

static char config[1024];

static int rx_arp(uint16_t op, uint32_t sip, const uint8_t mac[6], uint32_t tip)
{
	return inproc_rx_arp(op, sip, mac, tip, 6, 0);
}

static uint64_t want_rx;

static int all_seen(struct hub_ctl *ctl)
{
	return ctl_neigh_stats(ctl)->arp_rx >= want_rx;
}

/* Queue one ARP and run control until it took it. */
static int one(struct hub_ctl *ctl, uint16_t op, uint32_t sip, const uint8_t mac[6], uint32_t tip)
{
	want_rx = ctl_neigh_stats(ctl)->arp_rx + 1;
	return rx_arp(op, sip, mac, tip) == 0 && inproc_run_until(ctl, all_seen, 5000);
}

static const struct neigh_entry *find(struct hub_ctl *ctl, uint32_t ip)
{
	const struct neigh_entry *e;
	int pos;

	for (pos = ctl_neigh_next(ctl, 0, &e); pos >= 0; pos = ctl_neigh_next(ctl, pos, &e))
		if (e->ip == ip)
			return e;
	return NULL;
}

static int mac_is(struct hub_ctl *ctl, uint32_t ip, const uint8_t mac[6])
{
	const struct neigh_entry *e = find(ctl, ip);

	return e != NULL && (e->state == NEIGH_REACHABLE || e->state == NEIGH_STALE) &&
	       memcmp(&e->mac, mac, 6) == 0;
}

static unsigned int entries(struct hub_ctl *ctl)
{
	const struct neigh_entry *e;
	unsigned int n = 0;
	int pos;

	for (pos = ctl_neigh_next(ctl, 0, &e); pos >= 0; pos = ctl_neigh_next(ctl, pos, &e))
		n++;
	return n;
}

/* The ARP the hub sent last (a reply to a request), or 0 when it sent none. */
static uint32_t reply_to;
static void grab(struct rte_mbuf *m, void *arg)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	const struct rte_arp_hdr *a = (const struct rte_arp_hdr *)(eth + 1);

	(void)arg;
	if (eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_ARP) &&
	    a->arp_opcode == RTE_BE16(RTE_ARP_OP_REPLY) && a->arp_data.arp_sip == HUB)
		reply_to = a->arp_data.arp_tip;
}

int main(int argc, char **argv)
{
	const uint8_t gw_mac[6] = {0x02, 0, 0, 0, 0, 0xfe}, gw_mac2[6] = {0x02, 0, 0, 0, 0, 0xfd};
	const uint8_t flood_mac[6] = {0x02, 0, 0, 0, 0x66, 0x66};
	const uint8_t first_mac2[6] = {0x02, 0, 0, 0, 0x77, 0x77};
	struct hub_ctl ctl;
	const struct neigh_stats *st;
	uint64_t full0, rx0, answered0, replies0, refused0, full_n = 0, taken = 0;
	unsigned int i, queued, n;
	char what[200];

	(void)argc;
	snprintf(config, sizeof(config),
		 "ports = ( { name = \"ring0\"; device = \"" INPROC_DEVICE "\";\n"
		 "            address = \"1.1.1.1/16\"; gateway = \"1.1.1.254\"; } );\n"
		 "underlay_routes = ( { prefix = \"10.0.0.0/8\"; port = \"ring0\"; } );\n"
		 "cli = { port = %u; password = \"pw\"; };\n"
		 "arp = { table_size = %u; };\n",
		 40000u + (unsigned int)((getpid() + 7) % 20000), TABLE);
	if (inproc_start(&ctl, argv[0], config) < 0)
		return inproc_done() | 1;
	inproc_settle(&ctl);
	st = ctl_neigh_stats(&ctl);

	inproc_check("the gateway's reply is taken and learned",
		     one(&ctl, RTE_ARP_OP_REPLY, GW, gw_mac, HUB) && mac_is(&ctl, GW, gw_mac));

	/* Off-link senders (the port is 1.1.0.0/16; 10.0.0.0/8 is on-link through it). */
	rx0 = st->arp_rx;
	answered0 = st->arp_requests_answered;
	replies0 = st->arp_replies_rx;
	inproc_check("a reply from an off-link sender (192.0.2.7): arp-off-link, not learned",
		     one(&ctl, RTE_ARP_OP_REPLY, IP4(192, 0, 2, 7), flood_mac, HUB) &&
			     ctl.drops[HUB_DROP_ARP_OFF_LINK] == 1 && st->off_link == 1 &&
			     find(&ctl, IP4(192, 0, 2, 7)) == NULL);
	reply_to = 0;
	inproc_drain(NULL, NULL);
	inproc_check("a request from an off-link sender is answered, not learned, not dropped",
		     one(&ctl, RTE_ARP_OP_REQUEST, IP4(192, 0, 2, 8), flood_mac, HUB) &&
			     (inproc_settle(&ctl), inproc_drain(grab, NULL),
			      reply_to == IP4(192, 0, 2, 8)) &&
			     find(&ctl, IP4(192, 0, 2, 8)) == NULL && st->off_link == 2 &&
			     ctl.drops[HUB_DROP_ARP_OFF_LINK] == 1);
	inproc_check("a reply from a sender on an on-link underlay route (10.1.2.3) is learned",
		     one(&ctl, RTE_ARP_OP_REPLY, IP4(10, 1, 2, 3), flood_mac, HUB) &&
			     mac_is(&ctl, IP4(10, 1, 2, 3), flood_mac) && st->off_link == 2);
	inproc_check("... each of the 3 ARPs counted once",
		     st->arp_rx - rx0 == 3 && st->arp_requests_answered - answered0 == 1 &&
			     st->arp_replies_rx - replies0 == 1 &&
			     ctl.drops[HUB_DROP_ARP_OFF_LINK] == 1);
	inproc_check("show drops lists arp-off-link: 1",
		     inproc_show_drops_row(&ctl, "pw", "arp-off-link") == 1);

	full0 = ctl.drops[HUB_DROP_ARP_TABLE_FULL];
	rx0 = st->arp_rx;
	answered0 = st->arp_requests_answered;
	replies0 = st->arp_replies_rx;
	refused0 = st->learn_refused;

	/* Replies to the hub from FLOOD distinct senders of its prefix (1.1.10.0 on), 16 at a
	 * time so that the punt ring never overflows. */
	for (i = 0; i < FLOOD; i += queued) {
		for (queued = 0; queued < 16 && i + queued < FLOOD; queued++) {
			uint8_t mac[6] = {0x02, 0, 0, 1, (uint8_t)((i + queued) >> 8),
					  (uint8_t)(i + queued)};

			if (rx_arp(RTE_ARP_OP_REPLY, IP4(1, 1, 10 + ((i + queued) >> 8), (i + queued) & 0xff),
				   mac, HUB) < 0)
				break;
		}
		want_rx = rx0 + i + queued;
		if (queued == 0 || !inproc_run_until(&ctl, all_seen, 5000))
			break;
		inproc_drain(NULL, NULL);
	}
	full_n = ctl.drops[HUB_DROP_ARP_TABLE_FULL] - full0;
	taken = st->arp_replies_rx - replies0;
	snprintf(what, sizeof(what),
		 "%u replies from distinct senders all reached control (%" PRIu64 ")", FLOOD,
		 st->arp_rx - rx0);
	inproc_check(what, st->arp_rx - rx0 == FLOOD);
	n = entries(&ctl);
	snprintf(what, sizeof(what),
		 "the table filled: %u entries of %u, %" PRIu64 " replies learned, %" PRIu64
		 " dropped as arp-table-full",
		 n, TABLE, taken, full_n);
	inproc_check(what, n <= TABLE && n >= TABLE * 3 / 4 && full_n > 0 &&
				   taken + full_n == FLOOD && n == taken + 2 /* the gateway, 10.1.2.3 */);
	inproc_check("... each refused sender counted as a refused learn too",
		     st->learn_refused - refused0 == full_n);
	inproc_check("... and no refused sender is in the table",
		     find(&ctl, IP4(1, 1, 10 + ((FLOOD - 1) >> 8), (FLOOD - 1) & 0xff)) == NULL);

	/* Old entries: still there, still refreshed, still answered. */
	inproc_check("the gateway keeps its MAC", mac_is(&ctl, GW, gw_mac));
	inproc_check("the first flooded sender keeps its entry",
		     mac_is(&ctl, IP4(1, 1, 10, 0), (const uint8_t[6]){0x02, 0, 0, 1, 0, 0}));
	reply_to = 0;
	inproc_drain(NULL, NULL);
	inproc_check("a request from the gateway is answered",
		     one(&ctl, RTE_ARP_OP_REQUEST, GW, gw_mac2, HUB) &&
			     (inproc_settle(&ctl), inproc_drain(grab, NULL), reply_to == GW));
	inproc_check("... and its new MAC merged (RFC 826), though the table is full",
		     mac_is(&ctl, GW, gw_mac2));
	inproc_check("a reply from a known sender with a new MAC updates it",
		     one(&ctl, RTE_ARP_OP_REPLY, IP4(1, 1, 10, 0), first_mac2, HUB) &&
			     mac_is(&ctl, IP4(1, 1, 10, 0), first_mac2));

	/* New senders while full. */
	reply_to = 0;
	inproc_drain(NULL, NULL);
	inproc_check("a request from a new sender is still answered",
		     one(&ctl, RTE_ARP_OP_REQUEST, IP4(1, 1, 99, 9), flood_mac, HUB) &&
			     (inproc_settle(&ctl), inproc_drain(grab, NULL),
			      reply_to == IP4(1, 1, 99, 9)));
	inproc_check("... without learning it (a refused learn, no drop)",
		     find(&ctl, IP4(1, 1, 99, 9)) == NULL &&
			     st->learn_refused - refused0 == full_n + 1 &&
			     ctl.drops[HUB_DROP_ARP_TABLE_FULL] - full0 == full_n);
	inproc_check("a reply from a new sender: arp-table-full",
		     one(&ctl, RTE_ARP_OP_REPLY, IP4(1, 1, 99, 10), flood_mac, HUB) &&
			     ctl.drops[HUB_DROP_ARP_TABLE_FULL] - full0 == full_n + 1 &&
			     find(&ctl, IP4(1, 1, 99, 10)) == NULL);

	{
		uint64_t in = st->arp_rx - rx0;
		uint64_t out = (st->arp_requests_answered - answered0) +
			       (st->arp_replies_rx - replies0) +
			       (ctl.drops[HUB_DROP_ARP_TABLE_FULL] - full0);

		snprintf(what, sizeof(what),
			 "every ARP counted once: %" PRIu64 " in, %" PRIu64 " counted", in, out);
		inproc_check(what, in == FLOOD + 4 && out == in);
	}
	snprintf(what, sizeof(what), "show drops lists arp-table-full: %" PRIu64, full_n + 1);
	inproc_check(what,
		     inproc_show_drops_row(&ctl, "pw", "arp-table-full") == (long long)(full_n + 1));
	inproc_stop(&ctl);
	inproc_check("the hub stops cleanly", 1);
	return inproc_done();
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ARP accounting on the underlay (control/ctl_neigh.c): every ARP control receives ends
 * counted exactly once, as an answered request, a received reply, or a drop under a named
 * reason that `show drops` lists. In particular the cases that used to be counted nowhere:
 * an ARP for another address from a known neighbour (RFC 826 merge: its entry is refreshed,
 * counted as arp-merged) and one whose sender claims the hub's own address (refused,
 * nothing learned or merged: arp-own-address). In-process hub on a net_ring port.
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

static char config[1024];

#define IP4(a, b, c, d) rte_cpu_to_be_32((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))

#define HUB IP4(1, 1, 1, 1)
#define GW IP4(1, 1, 1, 254)

static void rx_arp(uint16_t op, uint32_t sip, const uint8_t mac[6], uint32_t tip, uint8_t hlen)
{
	inproc_check("ARP queued on the port", inproc_rx_arp(op, sip, mac, tip, hlen, 0) == 0);
}

static uint64_t want_rx;

static int all_seen(struct hub_ctl *ctl)
{
	return ctl_neigh_stats(ctl)->arp_rx >= want_rx;
}

static uint64_t drops(struct hub_ctl *ctl, unsigned int r)
{
	return ctl->drops[r];
}

/* The outcome counters, in one struct to take differences. */
struct tally {
	uint64_t rx, answered, replies, malformed, not_for_us, merged, own, full;
};

static void tally(struct hub_ctl *ctl, struct tally *t)
{
	const struct neigh_stats *s = ctl_neigh_stats(ctl);

	t->rx = s->arp_rx;
	t->answered = s->arp_requests_answered;
	t->replies = s->arp_replies_rx;
	t->malformed = drops(ctl, HUB_DROP_ARP_MALFORMED);
	t->not_for_us = drops(ctl, HUB_DROP_ARP_NOT_FOR_US);
	t->merged = drops(ctl, HUB_DROP_ARP_MERGED);
	t->own = drops(ctl, HUB_DROP_ARP_OWN_ADDRESS);
	t->full = drops(ctl, HUB_DROP_ARP_TABLE_FULL);
}

/* Send one ARP, wait until control took it, return what moved. */
static void one(struct hub_ctl *ctl, uint16_t op, uint32_t sip, const uint8_t mac[6],
		uint32_t tip, uint8_t hlen, struct tally *d)
{
	struct tally a, b;

	tally(ctl, &a);
	want_rx = a.rx + 1;
	rx_arp(op, sip, mac, tip, hlen);
	inproc_check("control received the ARP", inproc_run_until(ctl, all_seen, 5000));
	tally(ctl, &b);
	d->rx = b.rx - a.rx;
	d->answered = b.answered - a.answered;
	d->replies = b.replies - a.replies;
	d->malformed = b.malformed - a.malformed;
	d->not_for_us = b.not_for_us - a.not_for_us;
	d->merged = b.merged - a.merged;
	d->own = b.own - a.own;
	d->full = b.full - a.full;
}

static int only(const struct tally *d, const uint64_t *field)
{
	const uint64_t *f = &d->answered;
	uint64_t sum = 0;

	for (unsigned int i = 0; i < 7; i++)
		sum += f[i];
	return d->rx == 1 && *field == 1 && sum == 1;
}

static int mac_is(struct hub_ctl *ctl, uint32_t ip, const uint8_t mac[6])
{
	const struct neigh_entry *e;
	int pos;

	for (pos = ctl_neigh_next(ctl, 0, &e); pos >= 0; pos = ctl_neigh_next(ctl, pos, &e))
		if (e->ip == ip)
			return (e->state == NEIGH_REACHABLE || e->state == NEIGH_STALE) &&
			       memcmp(&e->mac, mac, 6) == 0;
	return 0;
}

static int has_entry(struct hub_ctl *ctl, uint32_t ip)
{
	const struct neigh_entry *e;
	int pos;

	for (pos = ctl_neigh_next(ctl, 0, &e); pos >= 0; pos = ctl_neigh_next(ctl, pos, &e))
		if (e->ip == ip)
			return 1;
	return 0;
}

/* `show drops` in a CLI session: the output, NUL-terminated. */
static const char *show_drops(struct hub_ctl *ctl)
{
	return inproc_cli(ctl, "pw\r\nshow drops\r\n");
}

/* The `show drops` row of reason: its total, or -1 when the row is absent. */
static long long drops_row(const char *text, const char *reason)
{
	const char *p = text;
	size_t n = strlen(reason);
	unsigned long long wk, c, total;

	while ((p = strstr(p, reason)) != NULL) {
		if ((p == text || p[-1] == '\n') && p[n] == ' ' &&
		    sscanf(p + n, " %llu %llu %llu", &wk, &c, &total) == 3)
			return (long long)total;
		p += n;
	}
	return -1;
}

int main(int argc, char **argv)
{
	const uint8_t gw_mac[6] = {0x02, 0, 0, 0, 0, 0xfe}, gw_mac2[6] = {0x02, 0, 0, 0, 0, 0xfd};
	const uint8_t other[6] = {0x02, 0, 0, 0, 0, 0x55}, thief[6] = {0x02, 0, 0, 0, 0, 0x66};
	struct hub_ctl ctl;
	struct tally d, t0, t1;
	const char *text;

	(void)argc;
	/* The CLI's command set exists only with a telnet port: one unlikely to be in use. */
	snprintf(config, sizeof(config),
		 "ports = ( { name = \"ring0\"; device = \"" INPROC_DEVICE "\";\n"
		 "            address = \"1.1.1.1/24\"; gateway = \"1.1.1.254\"; } );\n"
		 "tunnels = ( { name = \"Tunnel0\"; address = \"192.168.1.1/24\"; source = \"ring0\";\n"
		 "              key = 42; nhrp = { max_peers = 16; }; } );\n"
		 "cli = { port = %u; password = \"pw\"; };\n",
		 40000u + (unsigned int)(getpid() % 20000));
	if (inproc_start(&ctl, argv[0], config) < 0)
		return inproc_done() | 1;
	inproc_settle(&ctl);
	tally(&ctl, &t0);

	one(&ctl, RTE_ARP_OP_REPLY, GW, gw_mac, HUB, 6, &d);
	inproc_check("a reply to us is counted as a reply received, nothing else",
		     only(&d, &d.replies));
	inproc_check("... and the gateway is learned", mac_is(&ctl, GW, gw_mac));

	one(&ctl, RTE_ARP_OP_REQUEST, GW, gw_mac2, IP4(1, 1, 1, 77), 6, &d);
	inproc_check("a request for another address from a known neighbour: arp-merged, once",
		     only(&d, &d.merged));
	inproc_check("... and it refreshed the neighbour's MAC (RFC 826 merge)",
		     mac_is(&ctl, GW, gw_mac2));

	one(&ctl, RTE_ARP_OP_REPLY, GW, gw_mac, IP4(1, 1, 1, 78), 6, &d);
	inproc_check("a reply for another address from a known neighbour: arp-merged, once",
		     only(&d, &d.merged) && mac_is(&ctl, GW, gw_mac));

	one(&ctl, RTE_ARP_OP_REQUEST, IP4(1, 1, 1, 55), other, IP4(1, 1, 1, 77), 6, &d);
	inproc_check("a request for another address from a stranger: arp-not-for-us",
		     only(&d, &d.not_for_us));
	inproc_check("... and the stranger is not learned", !has_entry(&ctl, IP4(1, 1, 1, 55)));

	one(&ctl, RTE_ARP_OP_REPLY, HUB, thief, HUB, 6, &d);
	inproc_check("a reply claiming the hub's own address: arp-own-address",
		     only(&d, &d.own));
	one(&ctl, RTE_ARP_OP_REQUEST, HUB, thief, IP4(1, 1, 1, 254), 6, &d);
	inproc_check("a request from the hub's own address to the gateway: arp-own-address, "
		     "and it does not touch the gateway's entry",
		     only(&d, &d.own) && mac_is(&ctl, GW, gw_mac));
	inproc_check("... the hub's own address is never an entry", !has_entry(&ctl, HUB));

	one(&ctl, RTE_ARP_OP_REQUEST, IP4(1, 1, 1, 60), other, HUB, 6, &d);
	inproc_check("a request for us is answered, nothing else", only(&d, &d.answered));

	one(&ctl, RTE_ARP_OP_REQUEST, IP4(1, 1, 1, 61), other, HUB, 8, &d);
	inproc_check("a malformed ARP (hardware length 8): arp-malformed", only(&d, &d.malformed));

	tally(&ctl, &t1);
	{
		uint64_t out = (t1.answered - t0.answered) + (t1.replies - t0.replies) +
			       (t1.malformed - t0.malformed) + (t1.not_for_us - t0.not_for_us) +
			       (t1.merged - t0.merged) + (t1.own - t0.own) + (t1.full - t0.full);
		char what[160];

		snprintf(what, sizeof(what),
			 "every ARP received is counted once: %" PRIu64 " in, %" PRIu64 " counted",
			 t1.rx - t0.rx, out);
		inproc_check(what, t1.rx - t0.rx == 8 && out == 8);
	}

	text = show_drops(&ctl);
	inproc_check("show drops lists arp-merged: 2", drops_row(text, "arp-merged") == 2);
	inproc_check("show drops lists arp-own-address: 2",
		     drops_row(text, "arp-own-address") == 2);
	inproc_check("show drops lists arp-not-for-us: 1", drops_row(text, "arp-not-for-us") == 1);
	inproc_check("show drops lists arp-malformed: 1", drops_row(text, "arp-malformed") == 1);
	if (drops_row(text, "arp-merged") != 2)
		fprintf(stderr, "show drops said:\n%s\n", text);
	inproc_stop(&ctl);
	return inproc_done();
}

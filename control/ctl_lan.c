/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include <rte_ip.h>
#include <rte_malloc.h>

#include "control/ctl_fib.h"
#include "control/ctl_lan.h"
#include "control/ctl_neigh.h"
#include "control/ctl_peer.h"
#include "lib/hub_log.h"

struct lan_nh {
	bool in_use;
	bool valid;		  /* MAC known */
	bool host_route;	  /* a /32 glean route points here */
	uint16_t port_idx;
	uint32_t ip;		  /* network order */
	uint32_t refs;
	struct rte_ether_addr mac;
};

struct ctl_lan {
	struct lan_nh nh[DP_LAN_NH_MAX];
	struct ctl_lan_stats stats;
};

static uint32_t mask_of(uint8_t len)
{
	return len == 0 ? 0 : rte_cpu_to_be_32(~0u << (32 - len));
}

bool ctl_lan_nh_msg(struct hub_ctl *ctl, uint32_t idx, struct dp_msg *m)
{
	const struct lan_nh *n = &ctl->lan->nh[idx];

	if (!n->in_use)
		return false;
	memset(m, 0, sizeof(*m));
	m->type = DP_MSG_LAN_NH_SET;
	m->slot = idx;
	m->u.lan_nh.port_id = ctl->ports[n->port_idx].port_id;
	m->u.lan_nh.valid = n->valid;
	memcpy(m->u.lan_nh.dst_mac, n->mac.addr_bytes, RTE_ETHER_ADDR_LEN);
	return true;
}

static void nh_push(struct hub_ctl *ctl, uint32_t idx)
{
	struct dp_msg m;

	if (ctl_lan_nh_msg(ctl, idx, &m))
		ctl_peer_broadcast(ctl, &m);
}

static int nh_find(struct ctl_lan *lan, unsigned int port_idx, uint32_t ip)
{
	unsigned int i;

	for (i = 0; i < DP_LAN_NH_MAX; i++)
		if (lan->nh[i].in_use && lan->nh[i].port_idx == port_idx && lan->nh[i].ip == ip)
			return (int)i;
	return -1;
}

int ctl_lan_nh_ref(struct hub_ctl *ctl, unsigned int port_idx, uint32_t ip)
{
	struct ctl_lan *lan = ctl->lan;
	struct lan_nh *n;
	int i = nh_find(lan, port_idx, ip);

	if (i >= 0) {
		lan->nh[i].refs++;
		return i;
	}
	for (i = 0; i < DP_LAN_NH_MAX && lan->nh[i].in_use; i++)
		;
	if (i == DP_LAN_NH_MAX) {
		lan->stats.nh_full++;
		return -ENOSPC;
	}
	n = &lan->nh[i];
	memset(n, 0, sizeof(*n));
	n->in_use = true;
	n->port_idx = (uint16_t)port_idx;
	n->ip = ip;
	n->refs = 1;
	ctl_neigh_pin(ctl, port_idx, ip);
	n->valid = ctl_neigh_lookup(ctl, port_idx, ip, &n->mac) == 0;
	nh_push(ctl, (uint32_t)i);
	return i;
}

void ctl_lan_nh_unref(struct hub_ctl *ctl, uint32_t idx)
{
	struct lan_nh *n;

	if (idx >= DP_LAN_NH_MAX)
		return;
	n = &ctl->lan->nh[idx];
	if (n->in_use && n->refs > 0 && --n->refs == 0) {
		n->in_use = false;
		n->valid = false;
		nh_push(ctl, idx); /* workers mark it invalid */
	}
}

/* The LAN port whose connected subnet holds ip, or -1. */
static int lan_port_for(const struct hub_ctl *ctl, uint32_t ip)
{
	unsigned int i;

	for (i = 0; i < ctl->n_ports; i++) {
		const struct cfg_port *p = ctl->ports[i].cfg;

		if (p->role == CFG_PORT_LAN &&
		    (ip & mask_of(p->address.len)) == (p->address.addr & mask_of(p->address.len)))
			return (int)i;
	}
	return -1;
}

static void on_neigh_change(void *arg, uint16_t port_idx, uint32_t ip,
			    const struct rte_ether_addr *mac)
{
	struct hub_ctl *ctl = arg;
	struct ctl_lan *lan = ctl->lan;
	int i = nh_find(lan, port_idx, ip);

	if (i < 0 && mac != NULL && ctl->ports[port_idx].cfg->role == CFG_PORT_LAN &&
	    lan_port_for(ctl, ip) == port_idx && ip != ctl->ports[port_idx].cfg->address.addr) {
		/* A host on a connected LAN answered: give it a fast path (/32). */
		i = ctl_lan_nh_ref(ctl, port_idx, ip);
		if (i >= 0 && ctl_fib_route_add(ctl, ip, 32, DP_NH(DP_NH_LAN, (uint32_t)i), ip,
						ROUTE_CONNECTED) == 0) {
			lan->nh[i].host_route = true;
			lan->stats.host_routes++;
		}
		return;
	}
	if (i < 0)
		return;
	lan->nh[i].valid = mac != NULL;
	if (mac != NULL)
		rte_ether_addr_copy(mac, &lan->nh[i].mac);
	nh_push(ctl, (uint32_t)i);
}

int ctl_lan_init(struct hub_ctl *ctl)
{
	ctl->lan = rte_zmalloc("ctl_lan", sizeof(*ctl->lan), 0);
	if (ctl->lan == NULL)
		return -ENOMEM;
	return ctl_neigh_add_listener(ctl, on_neigh_change, ctl);
}

void ctl_lan_free(struct hub_ctl *ctl)
{
	rte_free(ctl->lan);
	ctl->lan = NULL;
}

/* Prepend Ethernet and hand m to the neighbour layer for ip on port_idx. */
static void send_via(struct hub_ctl *ctl, struct rte_mbuf *m, unsigned int port_idx, uint32_t ip)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, sizeof(*eth));

	if (eth == NULL) {
		ctl->drops[HUB_DROP_NO_HEADROOM]++;
		rte_pktmbuf_free(m);
		return;
	}
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	ctl_neigh_output(ctl, port_idx, ip, m);
}

void ctl_lan_glean_input(struct hub_ctl *ctl, struct rte_mbuf *m, uint32_t port_id)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	int port_idx = port_id < DP_MAX_PORTS ? ctl->port_by_id[port_id] : -1;

	if (port_idx < 0) {
		ctl->drops[HUB_DROP_CONTROL]++;
		rte_pktmbuf_free(m);
		return;
	}
	ctl->lan->stats.glean_rx++;
	send_via(ctl, m, (unsigned int)port_idx, ip->dst_addr);
}

void ctl_lan_nh_input(struct hub_ctl *ctl, struct rte_mbuf *m, uint32_t idx)
{
	const struct lan_nh *n = idx < DP_LAN_NH_MAX ? &ctl->lan->nh[idx] : NULL;

	if (n == NULL || !n->in_use) {
		ctl->drops[HUB_DROP_NO_NEIGHBOUR]++;
		rte_pktmbuf_free(m);
		return;
	}
	send_via(ctl, m, n->port_idx, n->ip);
}

const struct ctl_lan_stats *ctl_lan_stats(const struct hub_ctl *ctl)
{
	return &ctl->lan->stats;
}

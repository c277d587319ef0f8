/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdlib.h>

#include <rte_byteorder.h>
#include <rte_malloc.h>

#include "control/ctl_neigh.h"
#include "control/ctl_underlay.h"
#include "lib/hub_log.h"

struct underlay_route {
	uint32_t prefix; /* host order, for masking */
	uint8_t len;
	unsigned int port_idx;
	uint32_t via;	 /* network order; 0 = on-link */
};

struct ctl_underlay_table {
	unsigned int n;
	struct underlay_route r[];
};

static uint32_t mask_of(uint8_t len)
{
	return len == 0 ? 0 : ~0u << (32 - len);
}

static int route_cmp(const struct underlay_route *x, const struct underlay_route *y)
{
	return (int)y->len - (int)x->len; /* longest first */
}

/* The port whose connected prefix holds addr (network order), or -1. */
static int port_for(const struct hub_ctl *ctl, uint32_t addr)
{
	unsigned int i;

	for (i = 0; i < ctl->n_ports; i++) {
		const struct cfg_prefix *p = &ctl->ports[i].cfg->address;
		uint32_t m = mask_of(p->len);

		if ((rte_be_to_cpu_32(addr) & m) == (rte_be_to_cpu_32(p->addr) & m))
			return (int)i;
	}
	return -1;
}

int ctl_underlay_init(struct hub_ctl *ctl)
{
	const struct hub_cfg *cfg = ctl->cfg;
	unsigned int max = cfg->n_underlay_routes + 2 * ctl->n_ports, i, n = 0;
	struct ctl_underlay_table *t;

	t = rte_zmalloc("underlay", sizeof(*t) + max * sizeof(t->r[0]), 0);
	if (t == NULL)
		return -ENOMEM;
	for (i = 0; i < ctl->n_ports; i++) {
		const struct cfg_port *cp = ctl->ports[i].cfg;

		if (cp->role != CFG_PORT_UNDERLAY)
			continue;
		t->r[n++] = (struct underlay_route){
			.prefix = rte_be_to_cpu_32(cp->address.addr) & mask_of(cp->address.len),
			.len = cp->address.len, .port_idx = i};
		if (cp->gateway != 0)
			t->r[n++] = (struct underlay_route){.len = 0, .port_idx = i,
							    .via = cp->gateway};
	}
	for (i = 0; i < cfg->n_underlay_routes; i++) {
		const struct cfg_underlay_route *ur = &cfg->underlay_routes[i];
		int port = ur->port[0] != '\0' ? cfg_port_index(cfg, ur->port)
					       : port_for(ctl, ur->via);

		if (port < 0) {
			HUB_LOG(ERR, main, "%s:%d: underlay route has no port", cfg->source, ur->line);
			rte_free(t);
			return -EINVAL;
		}
		t->r[n++] = (struct underlay_route){
			.prefix = rte_be_to_cpu_32(ur->prefix.addr) & mask_of(ur->prefix.len),
			.len = ur->prefix.len, .port_idx = (unsigned int)port, .via = ur->via};
	}
	/* Stable sort keeps connected routes ahead of configured ones of the same length. */
	for (i = 1; i < n; i++) {
		struct underlay_route x = t->r[i];
		unsigned int j = i;

		while (j > 0 && route_cmp(&t->r[j - 1], &x) > 0) {
			t->r[j] = t->r[j - 1];
			j--;
		}
		t->r[j] = x;
	}
	t->n = n;
	ctl->underlay = t;

	/* Gateways must stay resolved: every outer packet to a spoke goes through them. */
	for (i = 0; i < n; i++)
		if (t->r[i].via != 0)
			ctl_neigh_pin(ctl, t->r[i].port_idx, t->r[i].via);
	return 0;
}

void ctl_underlay_free(struct hub_ctl *ctl)
{
	rte_free(ctl->underlay);
	ctl->underlay = NULL;
}

int ctl_underlay_lookup(const struct hub_ctl *ctl, uint32_t dst, struct underlay_nh *nh)
{
	const struct ctl_underlay_table *t = ctl->underlay;
	uint32_t d = rte_be_to_cpu_32(dst);
	unsigned int i;

	for (i = 0; i < t->n; i++) {
		const struct underlay_route *r = &t->r[i];

		if ((d & mask_of(r->len)) == r->prefix) {
			nh->port_idx = r->port_idx;
			nh->nexthop = r->via != 0 ? r->via : dst;
			return 0;
		}
	}
	return -ENETUNREACH;
}

/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_lpm.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "control/ctl_fib.h"
#include "control/ctl_lan.h"
#include "control/ctl_peer.h"
#include "lib/hub_log.h"

#define FIB_MAX_ROUTES 65536
#define FIB_TBL8S 4096

struct ctl_fib {
	struct ctl_route routes[FIB_MAX_ROUTES]; /* the RIB; unordered, in_use marks live */
	unsigned int n;				 /* high-water mark of used entries */
};

static uint32_t mask_of(uint8_t len)
{
	return len == 0 ? 0 : rte_cpu_to_be_32(~0u << (32 - len));
}

const char *ctl_route_source_name(uint8_t source)
{
	switch (source) {
	case ROUTE_CONNECTED: return "connected";
	case ROUTE_STATIC: return "static";
	case ROUTE_NHRP: return "nhrp";
	case ROUTE_FPM: return "fpm";
	default: return "?";
	}
}

int ctl_fib_init(struct hub_ctl *ctl)
{
	struct rte_lpm_config lc = {
		.max_rules = FIB_MAX_ROUTES,
		.number_tbl8s = FIB_TBL8S,
	};
	struct rte_lpm_rcu_config rc = {.mode = RTE_LPM_QSBR_MODE_DQ};
	size_t sz = rte_rcu_qsbr_get_memsize(ctl->n_workers);
	struct rte_rcu_qsbr *v;
	struct rte_lpm *lpm;

	ctl->fib = rte_zmalloc("ctl_fib", sizeof(*ctl->fib), 0);
	if (ctl->fib == NULL)
		return -ENOMEM;
	lpm = rte_lpm_create("fib", (int)rte_socket_id(), &lc);
	if (lpm == NULL)
		return -rte_errno;
	v = rte_zmalloc("fib_qsbr", sz, RTE_CACHE_LINE_SIZE);
	if (v == NULL || rte_rcu_qsbr_init(v, ctl->n_workers) != 0) {
		rte_lpm_free(lpm);
		rte_free(v);
		return -ENOMEM;
	}
	rc.v = v;
	if (rte_lpm_rcu_qsbr_add(lpm, &rc) != 0) {
		rte_lpm_free(lpm);
		rte_free(v);
		return -rte_errno;
	}
	ctl->shared->fib = lpm;
	ctl->shared->qsbr = v;
	return 0;
}

void ctl_fib_free(struct hub_ctl *ctl)
{
	if (ctl->shared != NULL) {
		rte_lpm_free(ctl->shared->fib);
		rte_free(ctl->shared->qsbr);
		ctl->shared->fib = NULL;
		ctl->shared->qsbr = NULL;
	}
	rte_free(ctl->fib);
	ctl->fib = NULL;
}

/* A route gives up its hold on the peer slot or LAN next hop it pointed at. */
static void nh_unref(struct hub_ctl *ctl, uint32_t nh)
{
	if (DP_NH_TYPE(nh) == DP_NH_PEER)
		ctl_peer_route_unref(ctl, DP_NH_IDX(nh));
	else if (DP_NH_TYPE(nh) == DP_NH_LAN)
		ctl_lan_nh_unref(ctl, DP_NH_IDX(nh));
}

static struct ctl_route *rib_find(struct ctl_fib *f, uint32_t prefix, uint8_t len)
{
	unsigned int i;

	for (i = 0; i < f->n; i++)
		if (f->routes[i].in_use && f->routes[i].prefix == prefix && f->routes[i].len == len)
			return &f->routes[i];
	return NULL;
}

int ctl_fib_route_add(struct hub_ctl *ctl, uint32_t prefix, uint8_t len, uint32_t nh,
		      uint32_t via, uint8_t source)
{
	struct ctl_fib *f = ctl->fib;
	struct ctl_route *r;
	unsigned int i;
	int rc;

	if (len > 32)
		return -EINVAL;
	prefix &= mask_of(len);
	r = rib_find(f, prefix, len);
	if (r == NULL) {
		for (i = 0; i < f->n && f->routes[i].in_use; i++)
			;
		if (i == FIB_MAX_ROUTES)
			return -ENOSPC;
		r = &f->routes[i];
		if (i == f->n)
			f->n++;
	} else {
		nh_unref(ctl, r->nh);
	}
	rc = rte_lpm_add(ctl->shared->fib, rte_be_to_cpu_32(prefix), len, nh);
	if (rc < 0) {
		memset(r, 0, sizeof(*r));
		return rc;
	}
	*r = (struct ctl_route){.prefix = prefix, .len = len, .source = source, .in_use = 1,
				.nh = nh, .via = via};
	return 0;
}

int ctl_fib_route_del(struct hub_ctl *ctl, uint32_t prefix, uint8_t len)
{
	struct ctl_route *r;
	int rc;

	if (len > 32)
		return -EINVAL;
	prefix &= mask_of(len);
	r = rib_find(ctl->fib, prefix, len);
	if (r == NULL)
		return -ENOENT;
	rc = rte_lpm_delete(ctl->shared->fib, rte_be_to_cpu_32(prefix), len);
	if (rc < 0)
		return rc;
	nh_unref(ctl, r->nh);
	memset(r, 0, sizeof(*r));
	return 0;
}

int ctl_fib_route_add_via(struct hub_ctl *ctl, uint32_t prefix, uint8_t len, uint32_t via,
			  uint8_t source)
{
	unsigned int t;
	int slot;

	for (t = 0; t < ctl->cfg->n_tunnels; t++) {
		const struct cfg_prefix *tp = &ctl->cfg->tunnels[t].address;

		if ((via & mask_of(tp->len)) != (tp->addr & mask_of(tp->len)))
			continue;
		/* Via a spoke's tunnel address: point at its slot, which exists (incomplete)
		 * even before the spoke registers. */
		slot = ctl_peer_route_ref(ctl, t, via);
		if (slot < 0)
			return slot;
		int rc = ctl_fib_route_add(ctl, prefix, len, DP_NH(DP_NH_PEER, (uint32_t)slot), via,
					   source);
		if (rc < 0)
			ctl_peer_route_unref(ctl, (uint32_t)slot);
		return rc;
	}
	for (t = 0; t < ctl->n_ports; t++) {
		const struct cfg_port *p = ctl->ports[t].cfg;
		int idx, rc;

		if (p->role != CFG_PORT_LAN ||
		    (via & mask_of(p->address.len)) != (p->address.addr & mask_of(p->address.len)))
			continue;
		idx = ctl_lan_nh_ref(ctl, t, via);
		if (idx < 0)
			return idx;
		rc = ctl_fib_route_add(ctl, prefix, len, DP_NH(DP_NH_LAN, (uint32_t)idx), via, source);
		if (rc < 0)
			ctl_lan_nh_unref(ctl, (uint32_t)idx);
		return rc;
	}
	return -ENETUNREACH;
}

int ctl_fib_load_config(struct hub_ctl *ctl)
{
	const struct hub_cfg *cfg = ctl->cfg;
	unsigned int i;
	int rc;

	for (i = 0; i < cfg->n_tunnels; i++) {
		const struct cfg_prefix *a = &cfg->tunnels[i].address;

		rc = ctl_fib_route_add(ctl, a->addr, a->len, DP_NH(DP_NH_TUNNEL, i), 0,
				       ROUTE_CONNECTED);
		if (rc == 0)
			rc = ctl_fib_route_add(ctl, a->addr, 32, DP_NH(DP_NH_LOCAL, i), 0,
					       ROUTE_CONNECTED);
		if (rc < 0)
			return rc;
	}
	/* LAN ports: the connected subnet gleans, the port's own address is the hub's. */
	for (i = 0; i < ctl->n_ports; i++) {
		const struct cfg_port *p = ctl->ports[i].cfg;

		if (p->role != CFG_PORT_LAN)
			continue;
		rc = ctl_fib_route_add(ctl, p->address.addr, p->address.len,
				       DP_NH(DP_NH_GLEAN, ctl->ports[i].port_id), 0, ROUTE_CONNECTED);
		if (rc == 0)
			rc = ctl_fib_route_add(ctl, p->address.addr, 32, DP_NH(DP_NH_LOCAL, 0), 0,
					       ROUTE_CONNECTED);
		if (rc < 0)
			return rc;
	}
	for (i = 0; i < cfg->n_routes; i++) {
		const struct cfg_route *r = &cfg->routes[i];

		rc = ctl_fib_route_add_via(ctl, r->prefix.addr, r->prefix.len, r->via, ROUTE_STATIC);
		if (rc < 0) {
			HUB_LOG(ERR, fib, "%s:%d: route: %s", cfg->source, r->line, rte_strerror(-rc));
			return rc;
		}
	}
	return 0;
}

int ctl_fib_lookup(const struct hub_ctl *ctl, uint32_t addr, const struct ctl_route **r)
{
	const struct ctl_fib *f = ctl->fib;
	const struct ctl_route *best = NULL;
	unsigned int i;

	for (i = 0; i < f->n; i++) {
		const struct ctl_route *x = &f->routes[i];

		if (x->in_use && (addr & mask_of(x->len)) == x->prefix &&
		    (best == NULL || x->len > best->len))
			best = x;
	}
	if (best == NULL)
		return -ENOENT;
	*r = best;
	return 0;
}

int ctl_fib_next(const struct hub_ctl *ctl, int pos, const struct ctl_route **r)
{
	unsigned int i;

	for (i = pos < 0 ? 0 : (unsigned int)pos; i < ctl->fib->n; i++) {
		if (ctl->fib->routes[i].in_use) {
			*r = &ctl->fib->routes[i];
			return (int)i + 1;
		}
	}
	return -1;
}

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
#include "lib/dp_nhg.h"
#include "lib/hub_log.h"

#define FIB_MAX_ROUTES 65536
#define FIB_TBL8S 4096

/* Control's record of an ECMP group (the workers' copy is shared->nhg[]). */
struct ctl_nhg {
	uint32_t n;			/* members; 0 = free */
	uint32_t via[DP_NHG_MAX];	/* member next hop addresses, network order */
	uint8_t pending;		/* no route uses it; reusable once the grace is over */
	uint64_t token;			/* rte_rcu_qsbr_start() when it was released */
};

struct ctl_fib {
	struct ctl_route routes[FIB_MAX_ROUTES]; /* the RIB; unordered, in_use marks live */
	unsigned int n;				 /* high-water mark of used entries */
	struct dp_nhg *nhg;			 /* shared with workers (read-only there) */
	struct ctl_nhg groups[DP_NHG_COUNT];
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
	ctl->fib->nhg = rte_zmalloc("fib_nhg", sizeof(struct dp_nhg) * DP_NHG_COUNT,
				    RTE_CACHE_LINE_SIZE);
	if (ctl->fib->nhg == NULL) {
		rte_lpm_free(lpm);
		rte_free(v);
		return -ENOMEM;
	}
	ctl->shared->fib = lpm;
	ctl->shared->qsbr = v;
	ctl->shared->nhg = ctl->fib->nhg;
	return 0;
}

void ctl_fib_free(struct hub_ctl *ctl)
{
	if (ctl->shared != NULL) {
		rte_lpm_free(ctl->shared->fib);
		rte_free(ctl->shared->qsbr);
		ctl->shared->fib = NULL;
		ctl->shared->qsbr = NULL;
		ctl->shared->nhg = NULL;
	}
	if (ctl->fib != NULL)
		rte_free(ctl->fib->nhg);
	rte_free(ctl->fib);
	ctl->fib = NULL;
}

/* A route gives up its hold on the peer slot or LAN next hop it pointed at; a group's
 * members are released and the group waits out a grace period before reuse, since a
 * worker may still hold the FIB value that named it. */
static void nh_unref(struct hub_ctl *ctl, uint32_t nh)
{
	if (DP_NH_TYPE(nh) == DP_NH_PEER) {
		ctl_peer_route_unref(ctl, DP_NH_IDX(nh));
	} else if (DP_NH_TYPE(nh) == DP_NH_LAN) {
		ctl_lan_nh_unref(ctl, DP_NH_IDX(nh));
	} else if (DP_NH_TYPE(nh) == DP_NH_GROUP && DP_NH_IDX(nh) < DP_NHG_COUNT) {
		struct ctl_nhg *g = &ctl->fib->groups[DP_NH_IDX(nh)];
		const struct dp_nhg *dg = &ctl->fib->nhg[DP_NH_IDX(nh)];

		for (uint32_t i = 0; i < dg->n; i++)
			nh_unref(ctl, dg->nh[i]);
		g->pending = 1;
		g->token = rte_rcu_qsbr_start(ctl->shared->qsbr);
	}
}

static struct ctl_route *rib_find(struct ctl_fib *f, uint32_t prefix, uint8_t len);

const struct ctl_route *ctl_fib_find(const struct hub_ctl *ctl, uint32_t prefix, uint8_t len)
{
	return len > 32 ? NULL : rib_find(ctl->fib, prefix & mask_of(len), len);
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

/* The FIB next hop for a route via an address, with a reference taken on it: a spoke's
 * tunnel address (its slot exists, incomplete, even before the spoke registers) or a
 * gateway on a LAN port. -ENETUNREACH when it is neither. */
static int via_resolve(struct hub_ctl *ctl, uint32_t via, uint32_t *nh)
{
	unsigned int t;
	int idx;

	for (t = 0; t < ctl->cfg->n_tunnels; t++) {
		const struct cfg_prefix *tp = &ctl->cfg->tunnels[t].address;

		if ((via & mask_of(tp->len)) != (tp->addr & mask_of(tp->len)))
			continue;
		idx = ctl_peer_route_ref(ctl, t, via);
		if (idx < 0)
			return idx;
		*nh = DP_NH(DP_NH_PEER, (uint32_t)idx);
		return 0;
	}
	for (t = 0; t < ctl->n_ports; t++) {
		const struct cfg_port *p = ctl->ports[t].cfg;

		if (p->role != CFG_PORT_LAN ||
		    (via & mask_of(p->address.len)) != (p->address.addr & mask_of(p->address.len)))
			continue;
		idx = ctl_lan_nh_ref(ctl, t, via);
		if (idx < 0)
			return idx;
		*nh = DP_NH(DP_NH_LAN, (uint32_t)idx);
		return 0;
	}
	return -ENETUNREACH;
}

int ctl_fib_route_add_via(struct hub_ctl *ctl, uint32_t prefix, uint8_t len, uint32_t via,
			  uint8_t source)
{
	uint32_t nh;
	int rc = via_resolve(ctl, via, &nh);

	if (rc < 0)
		return rc;
	rc = ctl_fib_route_add(ctl, prefix, len, nh, via, source);
	if (rc < 0)
		nh_unref(ctl, nh);
	return rc;
}

/* A free group: never used, or released and past its grace period. */
static int nhg_alloc(struct hub_ctl *ctl)
{
	struct ctl_fib *f = ctl->fib;
	unsigned int i;

	for (i = 0; i < DP_NHG_COUNT; i++) {
		struct ctl_nhg *g = &f->groups[i];

		if (g->n == 0)
			return (int)i;
		if (g->pending && rte_rcu_qsbr_check(ctl->shared->qsbr, g->token, false) == 1) {
			g->n = 0;
			g->pending = 0;
			return (int)i;
		}
	}
	return -ENOSPC;
}

int ctl_fib_route_add_multi(struct hub_ctl *ctl, uint32_t prefix, uint8_t len, const uint32_t *via,
			    unsigned int n, uint8_t source)
{
	struct ctl_fib *f = ctl->fib;
	uint32_t nh[DP_NHG_MAX];
	unsigned int i, used = 0;
	int g, rc;

	if (n == 0)
		return -EINVAL;
	if (n == 1) {
		rc = ctl_fib_route_add_via(ctl, prefix, len, via[0], source);
		return rc < 0 ? rc : 1;
	}
	n = n > DP_NHG_MAX ? DP_NHG_MAX : n;
	g = nhg_alloc(ctl);
	if (g < 0)
		return g;
	for (i = 0; i < n; i++) {
		rc = via_resolve(ctl, via[i], &nh[used]);
		if (rc < 0) {
			while (used > 0)
				nh_unref(ctl, nh[--used]);
			return rc;
		}
		f->groups[g].via[used] = via[i];
		used++;
	}
	/* Fill the workers' copy completely before any FIB entry names it. */
	memcpy(f->nhg[g].nh, nh, sizeof(nh[0]) * used);
	f->nhg[g].n = used;
	f->groups[g].n = used;
	f->groups[g].pending = 0;
	rte_atomic_thread_fence(__ATOMIC_RELEASE);
	rc = ctl_fib_route_add(ctl, prefix, len, DP_NH(DP_NH_GROUP, (uint32_t)g), via[0], source);
	if (rc < 0) {
		nh_unref(ctl, DP_NH(DP_NH_GROUP, (uint32_t)g));
		return rc;
	}
	return (int)used;
}

unsigned int ctl_fib_route_vias(const struct hub_ctl *ctl, const struct ctl_route *r,
				uint32_t *via, unsigned int max)
{
	const struct ctl_nhg *g;
	unsigned int i;

	if (max == 0)
		return 0;
	if (DP_NH_TYPE(r->nh) != DP_NH_GROUP || DP_NH_IDX(r->nh) >= DP_NHG_COUNT) {
		via[0] = r->via;
		return r->via != 0;
	}
	g = &ctl->fib->groups[DP_NH_IDX(r->nh)];
	for (i = 0; i < g->n && i < max; i++)
		via[i] = g->via[i];
	return i;
}

void ctl_fib_nhg_usage(const struct hub_ctl *ctl, unsigned int *used, unsigned int *pending)
{
	unsigned int i;

	*used = *pending = 0;
	for (i = 0; i < DP_NHG_COUNT; i++) {
		if (ctl->fib->groups[i].pending)
			(*pending)++;
		else if (ctl->fib->groups[i].n != 0)
			(*used)++;
	}
}

unsigned int ctl_fib_mark_stale(struct hub_ctl *ctl, uint8_t source)
{
	struct ctl_fib *f = ctl->fib;
	unsigned int i, n = 0;

	for (i = 0; i < f->n; i++)
		if (f->routes[i].in_use && f->routes[i].source == source) {
			f->routes[i].stale = 1;
			n++;
		}
	return n;
}

unsigned int ctl_fib_sweep_stale(struct hub_ctl *ctl, uint8_t source)
{
	struct ctl_fib *f = ctl->fib;
	unsigned int i, n = 0;

	for (i = 0; i < f->n; i++) {
		const struct ctl_route *r = &f->routes[i];

		if (r->in_use && r->source == source && r->stale &&
		    ctl_fib_route_del(ctl, r->prefix, r->len) == 0)
			n++;
	}
	return n;
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

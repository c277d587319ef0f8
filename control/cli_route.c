/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Routing views and changes: show ip route, show ip cef, show arp, ip route.
 *
 * show ip route and show arp copy the table (addresses and next hops only) when the
 * command starts and sort it, so the listing is ordered and consistent; the copy is then
 * written in steps.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>

#include "control/cli_priv.h"
#include "control/ctl_fib.h"
#include "control/ctl_neigh.h"
#include "control/ctl_peer.h"
#include "control/ctl_underlay.h"
#include "control/ctl_exc.h"
#include "control/ctl_local.h"
#include "control/fpm_server.h"
#include "lib/dp_nhg.h"

static uint32_t mask_of(uint8_t len)
{
	return len == 0 ? 0 : rte_cpu_to_be_32(~0u << (32 - len));
}

static bool in_prefix(uint32_t addr, const struct cfg_prefix *p)
{
	return (addr & mask_of(p->len)) == (p->addr & mask_of(p->len));
}

/* Configuration index of the LAN port whose subnet holds addr, or -1. */
static int lan_port_of(const struct hub_ctl *ctl, uint32_t addr)
{
	unsigned int i;

	for (i = 0; i < ctl->n_ports; i++)
		if (ctl->ports[i].cfg->role == CFG_PORT_LAN && in_prefix(addr, &ctl->ports[i].cfg->address))
			return (int)i;
	return -1;
}

static const char *port_name_by_id(const struct hub_ctl *ctl, uint32_t port_id)
{
	int idx = port_id < DP_MAX_PORTS ? ctl->port_by_id[port_id] : -1;

	return idx >= 0 ? ctl->ports[idx].cfg->name : "?";
}

/* The interface a next hop address is on: a tunnel subnet or a LAN port. */
static const char *via_ifname(const struct hub_ctl *ctl, uint32_t via)
{
	unsigned int i;
	int lp;

	for (i = 0; i < ctl->cfg->n_tunnels; i++)
		if (in_prefix(via, &ctl->cfg->tunnels[i].address))
			return ctl->cfg->tunnels[i].name;
	lp = lan_port_of(ctl, via);
	return lp >= 0 ? ctl->ports[lp].cfg->name : "?";
}

/* The interface a route leaves by, as IOS names it in show ip route. */
static const char *route_ifname(const struct hub_ctl *ctl, const struct ctl_route *r)
{
	uint32_t idx = DP_NH_IDX(r->nh);
	unsigned int i;
	int lp;

	switch (DP_NH_TYPE(r->nh)) {
	case DP_NH_TUNNEL:
		return idx < ctl->cfg->n_tunnels ? ctl->cfg->tunnels[idx].name : "?";
	case DP_NH_LOCAL:
		for (i = 0; i < ctl->cfg->n_tunnels; i++)
			if (ctl->cfg->tunnels[i].address.addr == r->prefix)
				return ctl->cfg->tunnels[i].name;
		for (i = 0; i < ctl->n_ports; i++)
			if (ctl->ports[i].cfg->address.addr == r->prefix)
				return ctl->ports[i].cfg->name;
		/* 224.0.0.0/4 to the exception interface of tunnel idx */
		return idx < ctl->cfg->n_tunnels ? ctl->cfg->tunnels[idx].name : "?";
	case DP_NH_GLEAN:
		return port_name_by_id(ctl, idx);
	case DP_NH_PEER: {
		const struct ctl_peer *p = ctl_peer_at((struct hub_ctl *)(uintptr_t)ctl, idx);

		return p != NULL && p->tunnel_idx < ctl->cfg->n_tunnels
			       ? ctl->cfg->tunnels[p->tunnel_idx].name : "?";
	}
	case DP_NH_LAN:
		lp = lan_port_of(ctl, r->via);
		return lp >= 0 ? ctl->ports[lp].cfg->name : "?";
	case DP_NH_GROUP:
		return via_ifname(ctl, r->via);
	case DP_NH_DROP:
		return "Null0";
	default:
		return "?";
	}
}

/* The FIB next hop's kind (lib/dp_msg.h DP_NH_*), as JSON names it. */
static const char *nh_kind(uint32_t nh)
{
	switch (DP_NH_TYPE(nh)) {
	case DP_NH_DROP: return "drop";
	case DP_NH_LOCAL: return "local";
	case DP_NH_PEER: return "peer";
	case DP_NH_TUNNEL: return "tunnel";
	case DP_NH_LAN: return "lan";
	case DP_NH_GLEAN: return "glean";
	case DP_NH_GROUP: return "group";
	default: return "?";
	}
}

static bool route_is_local(const struct ctl_route *r)
{
	return DP_NH_TYPE(r->nh) == DP_NH_LOCAL;
}

static bool route_has_via(const struct ctl_route *r)
{
	return DP_NH_TYPE(r->nh) == DP_NH_PEER || DP_NH_TYPE(r->nh) == DP_NH_LAN ||
	       DP_NH_TYPE(r->nh) == DP_NH_GROUP;
}

/* IOS's route code: L local, C connected, S static, H NHRP; F for routes from FRR over
 * FPM (IOS has no code for them: their protocol is not carried). */
static const char *route_code(const struct ctl_route *r)
{
	switch (r->source) {
	case ROUTE_CONNECTED:
		return route_is_local(r) ? "L" : "C";
	case ROUTE_STATIC:
		return r->len == 0 ? "S*" : "S";
	case ROUTE_NHRP:
		return "H";
	case ROUTE_FPM:
		return r->len == 0 ? "F*" : "F";
	default:
		return "?";
	}
}

static unsigned int route_distance(const struct ctl_route *r)
{
	switch (r->source) {
	case ROUTE_CONNECTED: return 0;
	case ROUTE_STATIC: return 1;
	case ROUTE_NHRP: return 250;
	default: return 0;
	}
}

/* --- show ip route -------------------------------------------------------------------- */

static int route_cmp(const void *a, const void *b)
{
	const struct ctl_route *x = a, *y = b;
	uint32_t px = rte_be_to_cpu_32(x->prefix), py = rte_be_to_cpu_32(y->prefix);

	if (px != py)
		return px < py ? -1 : 1;
	return (int)x->len - (int)y->len;
}

static void route_line(struct cli_sess *s, uint32_t flags, uint64_t n, const struct ctl_route *r)
{
	struct hub_ctl *ctl = cli_ctl(s);
	char p[CLI_IP_LEN], v[CLI_IP_LEN], pl[24];
	uint32_t vias[DP_NHG_MAX];
	unsigned int nv = 0, i;

	cli_ip(r->prefix, p);
	cli_ip(r->via, v);
	if (DP_NH_TYPE(r->nh) == DP_NH_GROUP)
		nv = ctl_fib_route_vias(ctl, r, vias, DP_NHG_MAX);
	if (flags & CLI_F_JSON) {
		cli_printf(s, "%s{\"prefix\":\"%s/%u\",\"source\":\"%s\",\"code\":\"%s\",\"via\":",
			   n > 0 ? "," : "", p, r->len, ctl_route_source_name(r->source),
			   route_code(r));
		cli_json_str(s, route_has_via(r) ? v : NULL);
		cli_printf(s, ",\"interface\":");
		cli_json_str(s, route_ifname(ctl, r));
		cli_printf(s, ",\"nexthop\":\"%s\",\"nexthop_index\":%u", nh_kind(r->nh),
			   DP_NH_IDX(r->nh));
		if (nv > 0) {
			/* ECMP: every member; "via" is the first. */
			cli_printf(s, ",\"vias\":[");
			for (i = 0; i < nv; i++)
				cli_printf(s, "%s\"%s\"", i ? "," : "", cli_ip(vias[i], v));
			cli_printf(s, "]");
		}
		cli_printf(s, "}");
		return;
	}
	snprintf(pl, sizeof(pl), "%s/%u", p, r->len);
	if (route_has_via(r) && r->source != ROUTE_FPM)
		cli_printf(s, "%-9s%s [%u/0] via %s, %s\n", route_code(r), pl, route_distance(r), v,
			   route_ifname(ctl, r));
	else if (route_has_via(r))
		cli_printf(s, "%-9s%s via %s, %s\n", route_code(r), pl, v, route_ifname(ctl, r));
	else if (DP_NH_TYPE(r->nh) == DP_NH_DROP)
		cli_printf(s, "%-9s%s is a summary, Null0\n", route_code(r), pl);
	else
		cli_printf(s, "%-9s%s is directly connected, %s\n", route_code(r), pl,
			   route_ifname(ctl, r));
	/* ECMP: the other members under the first, as IOS lists equal-cost paths. */
	for (i = 1; i < nv; i++)
		cli_printf(s, "%-9s%*s via %s, %s\n", "", (int)strlen(pl), "", cli_ip(vias[i], v),
			   via_ifname(ctl, vias[i]));
}

static bool routes_step(struct cli_sess *s, struct cli_walk *w)
{
	const struct ctl_route *r = w->buf;

	if (w->phase == 0) {
		const struct ctl_route *def = NULL;
		size_t i;
		char v[CLI_IP_LEN];

		for (i = 0; i < w->len; i++)
			if (r[i].len == 0)
				def = &r[i];
		if (w->flags & CLI_F_JSON) {
			cli_printf(s, "{\"routes\":[");
		} else {
			cli_printf(s, "Codes: L - local, C - connected, S - static, H - NHRP, "
				      "F - FPM (FRR)\n       * - candidate default\n\n");
			if (def != NULL && route_has_via(def))
				cli_printf(s, "Gateway of last resort is %s to network 0.0.0.0\n\n",
					   cli_ip(def->via, v));
			else
				cli_printf(s, "Gateway of last resort is not set\n\n");
		}
		w->phase = 1;
	}
	for (; w->pos < w->len; w->pos++) {
		route_line(s, w->flags, w->n++, &r[w->pos]);
		if (cli_walk_yield(s)) {
			w->pos++;
			return true;
		}
	}
	if (w->flags & CLI_F_JSON)
		cli_printf(s, "]}\n");
	return false;
}

static void cmd_show_ip_route(struct cli_sess *s, const struct cli_args *a, uint32_t flags)
{
	struct hub_ctl *ctl = cli_ctl(s);
	struct cli_walk w = {.fn = routes_step, .flags = flags};
	const struct ctl_route *r;
	struct ctl_route *copy;
	size_t n = 0, cap = 0;
	int pos = 0;

	(void)a;
	for (pos = ctl_fib_next(ctl, 0, &r); pos >= 0; pos = ctl_fib_next(ctl, pos, &r))
		cap++;
	copy = malloc((cap + 1) * sizeof(*copy));
	if (copy == NULL) {
		cli_error(s, "Out of memory");
		return;
	}
	for (pos = ctl_fib_next(ctl, 0, &r); pos >= 0 && n < cap; pos = ctl_fib_next(ctl, pos, &r))
		copy[n++] = *r;
	qsort(copy, n, sizeof(*copy), route_cmp);
	w.buf = copy;
	w.len = n;
	cli_walk_start(s, &w);
}

static void cmd_show_ip_route_addr(struct cli_sess *s, const struct cli_args *a, uint32_t flags)
{
	struct hub_ctl *ctl = cli_ctl(s);
	const struct ctl_route *r;
	char p[CLI_IP_LEN], v[CLI_IP_LEN];

	if (ctl_fib_lookup(ctl, a->v[0].addr, &r) < 0) {
		if (flags & CLI_F_JSON)
			cli_printf(s, "{\"route\":null}\n");
		else
			cli_error(s, "Network not in table");
		return;
	}
	cli_ip(r->prefix, p);
	cli_ip(r->via, v);
	if (flags & CLI_F_JSON) {
		cli_printf(s, "{\"route\":");
		route_line(s, flags, 0, r);
		cli_printf(s, "}\n");
		return;
	}
	cli_printf(s, "Routing entry for %s/%u\n", p, r->len);
	cli_printf(s, "  Known via \"%s\", distance %u, metric 0%s\n",
		   ctl_route_source_name(r->source), route_distance(r),
		   r->source == ROUTE_CONNECTED ? " (connected)" : "");
	cli_printf(s, "  Routing Descriptor Blocks:\n");
	if (route_has_via(r))
		cli_printf(s, "  * %s, via %s\n", v, route_ifname(ctl, r));
	else
		cli_printf(s, "  * directly connected, via %s\n", route_ifname(ctl, r));
}

/* --- show ip cef ---------------------------------------------------------------------- */

static const struct neigh_entry *neigh_find(struct hub_ctl *ctl, unsigned int port_idx,
					    uint32_t ip)
{
	const struct neigh_entry *e;
	int pos;

	for (pos = ctl_neigh_next(ctl, 0, &e); pos >= 0; pos = ctl_neigh_next(ctl, pos, &e))
		if (e->port_idx == port_idx && e->ip == ip)
			return e;
	return NULL;
}

static bool neigh_usable(const struct neigh_entry *e)
{
	return e != NULL && (e->state == NEIGH_REACHABLE || e->state == NEIGH_STALE);
}

static void fmt_mac(const struct rte_ether_addr *m, char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", m->addr_bytes[0], m->addr_bytes[1],
		 m->addr_bytes[2], m->addr_bytes[3], m->addr_bytes[4], m->addr_bytes[5]);
}

/* The adjacency of a next hop. */
struct cef_adj {
	bool valid;
	char why[96];	  /* incomplete: why */
	char what[128];	  /* valid: through what */
};

static void adj_of_neigh(struct hub_ctl *ctl, unsigned int port_idx, uint32_t ip,
			 const char *nbma, struct cef_adj *adj)
{
	const struct neigh_entry *e = neigh_find(ctl, port_idx, ip);
	char a[CLI_IP_LEN], m[20];

	cli_ip(ip, a);
	if (!neigh_usable(e)) {
		snprintf(adj->why, sizeof(adj->why), "%s%snext hop %s on %s not resolved (ARP %s)",
			 nbma != NULL ? nbma : "", nbma != NULL ? ": " : "", a,
			 ctl->ports[port_idx].cfg->name, e != NULL ? neigh_state_name(e->state) : "none");
		return;
	}
	fmt_mac(&e->mac, m, sizeof(m));
	adj->valid = true;
	snprintf(adj->what, sizeof(adj->what), "%s%snext hop %s %s on %s", nbma != NULL ? nbma : "",
		 nbma != NULL ? ", " : "", a, m, ctl->ports[port_idx].cfg->name);
}

static void adj_of_peer(struct hub_ctl *ctl, uint32_t tunnel_addr, struct cef_adj *adj)
{
	const struct ctl_peer *p = ctl_peer_find(ctl, tunnel_addr);
	char a[CLI_IP_LEN], n[CLI_IP_LEN + 8];
	struct underlay_nh nh;
	uint32_t dst;

	cli_ip(tunnel_addr, a);
	if (p == NULL || p->type == CTL_PEER_INCOMPLETE) {
		snprintf(adj->why, sizeof(adj->why), "no NHRP binding for %s", a);
		return;
	}
	dst = p->nbma_seen != 0 ? p->nbma_seen : p->nbma_addr;
	snprintf(n, sizeof(n), "NBMA %s", cli_ip(dst, a));
	if (ctl_underlay_lookup(ctl, dst, &nh) < 0) {
		snprintf(adj->why, sizeof(adj->why), "no underlay route to %s", n);
		return;
	}
	adj_of_neigh(ctl, nh.port_idx, nh.nexthop, n, adj);
}

static void cmd_show_ip_cef(struct cli_sess *s, const struct cli_args *a, uint32_t flags)
{
	struct hub_ctl *ctl = cli_ctl(s);
	uint32_t addr = a->v[0].addr;
	const struct ctl_route *r;
	struct cef_adj adj;
	const char *kind;
	char p[CLI_IP_LEN], v[CLI_IP_LEN], line[160];
	bool has_adj = true;
	int lp;

	memset(&adj, 0, sizeof(adj));
	if (ctl_fib_lookup(ctl, addr, &r) < 0) {
		if (flags & CLI_F_JSON)
			cli_printf(s, "{\"prefix\":null}\n");
		else
			cli_printf(s, "0.0.0.0/0\n  no route\n");
		return;
	}
	cli_ip(r->prefix, p);
	cli_ip(r->via, v);
	switch (DP_NH_TYPE(r->nh)) {
	case DP_NH_PEER:
		kind = "nexthop";
		snprintf(line, sizeof(line), "nexthop %s %s", v, route_ifname(ctl, r));
		adj_of_peer(ctl, r->via, &adj);
		break;
	case DP_NH_LAN:
		kind = "nexthop";
		snprintf(line, sizeof(line), "nexthop %s %s", v, route_ifname(ctl, r));
		lp = lan_port_of(ctl, r->via);
		if (lp >= 0)
			adj_of_neigh(ctl, (unsigned int)lp, r->via, NULL, &adj);
		else
			snprintf(adj.why, sizeof(adj.why), "no LAN port for %s", v);
		break;
	case DP_NH_TUNNEL: /* the destination is a spoke's tunnel address */
		kind = "attached";
		snprintf(line, sizeof(line), "attached to %s", route_ifname(ctl, r));
		adj_of_peer(ctl, addr, &adj);
		break;
	case DP_NH_GLEAN:
		kind = "attached";
		snprintf(line, sizeof(line), "attached to %s", route_ifname(ctl, r));
		lp = ctl->port_by_id[DP_NH_IDX(r->nh) % DP_MAX_PORTS];
		if (lp >= 0)
			adj_of_neigh(ctl, (unsigned int)lp, addr, NULL, &adj);
		break;
	case DP_NH_LOCAL:
		kind = "receive";
		snprintf(line, sizeof(line), "receive for %s", route_ifname(ctl, r));
		has_adj = false;
		break;
	default:
		kind = "drop";
		snprintf(line, sizeof(line), "drop");
		has_adj = false;
		break;
	}
	if (flags & CLI_F_JSON) {
		cli_printf(s, "{\"prefix\":\"%s/%u\",\"source\":\"%s\",\"kind\":\"%s\",\"via\":", p,
			   r->len, ctl_route_source_name(r->source), kind);
		cli_json_str(s, route_has_via(r) ? v : NULL);
		cli_printf(s, ",\"interface\":");
		cli_json_str(s, route_ifname(ctl, r));
		cli_printf(s, ",\"adjacency\":");
		if (!has_adj)
			cli_printf(s, "null");
		else
			cli_printf(s, "\"%s\"", adj.valid ? "valid" : "incomplete");
		cli_printf(s, ",\"detail\":");
		cli_json_str(s, !has_adj ? NULL : adj.valid ? adj.what : adj.why);
		cli_printf(s, "}\n");
		return;
	}
	cli_printf(s, "%s/%u\n  %s\n", p, r->len, line);
	if (has_adj && adj.valid)
		cli_printf(s, "  valid adjacency: %s\n", adj.what);
	else if (has_adj)
		cli_printf(s, "  incomplete adjacency: %s\n", adj.why);
}

/* --- show arp ------------------------------------------------------------------------- */

struct arp_row {
	uint32_t ip;
	uint16_t port_idx;
	uint8_t state;		/* enum neigh_state, or ARP_LOCAL */
	bool pinned;
	struct rte_ether_addr mac;
	uint64_t confirmed_tsc;
};
#define ARP_LOCAL 0xff

static int arp_cmp(const void *a, const void *b)
{
	const struct arp_row *x = a, *y = b;
	uint32_t ix = rte_be_to_cpu_32(x->ip), iy = rte_be_to_cpu_32(y->ip);

	if (x->port_idx != y->port_idx)
		return x->port_idx < y->port_idx ? -1 : 1;
	return ix < iy ? -1 : ix > iy ? 1 : 0;
}

static bool arp_step(struct cli_sess *s, struct cli_walk *w)
{
	struct hub_ctl *ctl = cli_ctl(s);
	const struct arp_row *rows = w->buf;
	bool json = w->flags & CLI_F_JSON;

	if (w->phase == 0) {
		if (json)
			cli_printf(s, "{\"entries\":[");
		else
			cli_printf(s, "Protocol  Address          Age (min)  Hardware Addr   Type   "
				      "Interface        State\n");
		w->phase = 1;
	}
	for (; w->pos < w->len; w->pos++) {
		const struct arp_row *e = &rows[w->pos];
		bool has_mac = e->state == ARP_LOCAL || e->state == NEIGH_REACHABLE ||
			       e->state == NEIGH_STALE;
		const char *state = e->state == ARP_LOCAL ? "local" : neigh_state_name(e->state);
		const char *port = ctl->ports[e->port_idx].cfg->name;
		char ip[CLI_IP_LEN], mac[20], age[24];
		uint64_t age_s = cli_tsc_age_s(e->confirmed_tsc);

		cli_ip(e->ip, ip);
		if (json) {
			fmt_mac(&e->mac, mac, sizeof(mac));
			cli_printf(s, "%s{\"address\":\"%s\",\"interface\":", w->n++ > 0 ? "," : "", ip);
			cli_json_str(s, port);
			cli_printf(s, ",\"mac\":");
			cli_json_str(s, has_mac ? mac : NULL);
			cli_printf(s, ",\"state\":\"%s\",\"age_s\":", state);
			if (e->state == ARP_LOCAL || !has_mac)
				cli_printf(s, "null");
			else
				cli_printf(s, "%" PRIu64, age_s);
			cli_printf(s, ",\"pinned\":%s}", e->pinned ? "true" : "false");
		} else {
			const uint8_t *b = e->mac.addr_bytes;

			if (has_mac)
				snprintf(mac, sizeof(mac), "%02x%02x.%02x%02x.%02x%02x", b[0], b[1], b[2],
					 b[3], b[4], b[5]);
			else
				snprintf(mac, sizeof(mac), "Incomplete");
			if (e->state == ARP_LOCAL || !has_mac)
				snprintf(age, sizeof(age), "-");
			else
				snprintf(age, sizeof(age), "%" PRIu64, age_s / 60);
			cli_printf(s, "Internet  %-15s %10s  %-14s  ARPA   %-16s %s%s\n", ip, age, mac,
				   port, state, e->pinned ? " (pinned)" : "");
		}
		if (cli_walk_yield(s)) {
			w->pos++;
			return true;
		}
	}
	if (json)
		cli_printf(s, "]}\n");
	return false;
}

static void cmd_show_arp(struct cli_sess *s, const struct cli_args *a, uint32_t flags)
{
	struct hub_ctl *ctl = cli_ctl(s);
	struct cli_walk w = {.fn = arp_step, .flags = flags};
	const struct neigh_entry *e;
	struct arp_row *rows;
	size_t n = 0, cap = ctl->n_ports;
	unsigned int i;
	int pos;

	(void)a;
	for (pos = ctl_neigh_next(ctl, 0, &e); pos >= 0; pos = ctl_neigh_next(ctl, pos, &e))
		cap++;
	rows = calloc(cap + 1, sizeof(*rows));
	if (rows == NULL) {
		cli_error(s, "Out of memory");
		return;
	}
	/* The hub's own addresses first, as IOS lists its interfaces' entries. */
	for (i = 0; i < ctl->n_ports && n < cap; i++) {
		struct arp_row *r = &rows[n++];

		r->ip = ctl->ports[i].cfg->address.addr;
		r->port_idx = (uint16_t)i;
		r->state = ARP_LOCAL;
		rte_eth_macaddr_get(ctl->ports[i].port_id, &r->mac);
	}
	for (pos = ctl_neigh_next(ctl, 0, &e); pos >= 0 && n < cap;
	     pos = ctl_neigh_next(ctl, pos, &e)) {
		struct arp_row *r = &rows[n++];

		r->ip = e->ip;
		r->port_idx = e->port_idx;
		r->state = e->state;
		r->pinned = e->pinned;
		r->mac = e->mac;
		r->confirmed_tsc = e->confirmed_tsc;
	}
	qsort(rows, n, sizeof(*rows), arp_cmp);
	w.buf = rows;
	w.len = n;
	cli_walk_start(s, &w);
}

/* --- show fpm ------------------------------------------------------------------------- */

static void cmd_show_fpm(struct cli_sess *s, const struct cli_args *a, uint32_t flags)
{
	struct hub_ctl *ctl = cli_ctl(s);
	struct fpm_stats fs;
	/* Filled here, before the table below reads it. */
	const struct fpm_stats *st = cli_fpm_stats(s, &fs);
	const struct ctl_route *r;
	unsigned int routes = 0, groups, pending, i;
	uint32_t addr = 0;
	uint16_t port = 0;
	char ip[CLI_IP_LEN], peer[32] = "";
	int pos;
	const struct {
		const char *name;
		uint64_t v;
	} c[] = {
		{"connects", st->connects},	  {"disconnects", st->disconnects},
		{"resets", st->resets},		  {"resyncs", st->resyncs},
		{"frames", st->frames},		  {"bytes", st->bytes},
		{"messages", st->messages},	  {"route_add", st->route_add},
		{"route_del", st->route_del},	  {"nexthop_add", st->nh_add},
		{"nexthop_del", st->nh_del},	  {"shadowed", st->shadowed},
		{"no_gateway", st->no_gateway},	  {"unknown_nexthop", st->unknown_nh},
		{"unreachable", st->unreachable}, {"apply_failed", st->apply_failed},
		{"delete_missing", st->del_missing}, {"swept", st->swept},
	};

	(void)a;
	for (pos = ctl_fib_next(ctl, 0, &r); pos >= 0; pos = ctl_fib_next(ctl, pos, &r))
		routes += r->source == ROUTE_FPM;
	ctl_fib_nhg_usage(ctl, &groups, &pending);
	if (fpm_server_peer(&addr, &port) == 0)
		snprintf(peer, sizeof(peer), "%s:%u", cli_ip(addr, ip), rte_be_to_cpu_16(port));
	if (flags & CLI_F_JSON) {
		cli_printf(s, "{\"state\":\"%s\",\"listen\":\"%s:%u\",\"peer\":",
			   fpm_state_name(fpm_server_state()), cli_ip(ctl->cfg->fpm_listen, ip),
			   ctl->cfg->fpm_port);
		cli_json_str(s, peer[0] ? peer : NULL);
		cli_printf(s, ",\"routes\":%u,\"nexthop_objects\":%u,\"ecmp_groups\":%u", routes,
			   fpm_server_nexthops(), groups);
		for (i = 0; i < RTE_DIM(c); i++)
			cli_printf(s, ",\"%s\":%" PRIu64, c[i].name, c[i].v);
		cli_printf(s, ",\"ignored\":{");
		for (i = 1; i < FPM_IGN_MAX; i++)
			cli_printf(s, "%s\"%s\":%" PRIu64, i > 1 ? "," : "", fpm_ign_name(i),
				   st->ignored[i]);
		cli_printf(s, "},\"malformed\":{");
		for (i = 1; i < FPM_ERR_MAX; i++)
			cli_printf(s, "%s\"%s\":%" PRIu64, i > 1 ? "," : "", fpm_err_name(i),
				   st->errors[i]);
		cli_printf(s, "}}\n");
		return;
	}
	cli_printf(s, "FPM server: %s, listening on %s:%u%s%s\n",
		   fpm_server_state() == FPM_DISABLED ? "disabled" : fpm_state_name(fpm_server_state()),
		   cli_ip(ctl->cfg->fpm_listen, ip), ctl->cfg->fpm_port,
		   peer[0] ? ", zebra at " : "", peer);
	cli_printf(s, "Routes from FPM: %u, next-hop objects: %u, ECMP groups: %u (%u releasing)\n\n",
		   routes, fpm_server_nexthops(), groups, pending);
	for (i = 0; i < RTE_DIM(c); i++)
		cli_printf(s, "  %-20s %" PRIu64 "\n", c[i].name, c[i].v);
	for (i = 1; i < FPM_IGN_MAX; i++)
		if (st->ignored[i] != 0)
			cli_printf(s, "  ignored %-12s %" PRIu64 "\n", fpm_ign_name(i), st->ignored[i]);
	for (i = 1; i < FPM_ERR_MAX; i++)
		if (st->errors[i] != 0)
			cli_printf(s, "  malformed %-10s %" PRIu64 "\n", fpm_err_name(i), st->errors[i]);
}

/* --- show exception -------------------------------------------------------------------- */

static void cmd_show_exception(struct cli_sess *s, const struct cli_args *a, uint32_t flags)
{
	struct hub_ctl *ctl = cli_ctl(s);
	struct ctl_exc_stats xs;
	struct ctl_local_stats ls;
	const struct ctl_exc_stats *x = &xs;
	const struct ctl_local_stats *l = &ls;
	unsigned int t, n = 0;

	(void)a;
	cli_exc_stats(s, &xs, &ls);
	if (flags & CLI_F_JSON) {
		cli_printf(s, "{\"interfaces\":[");
		for (t = 0; t < ctl->cfg->n_tunnels; t++) {
			if (ctl_exc_port(t) < 0)
				continue;
			cli_printf(s, "%s{\"tunnel\":\"%s\",\"interface\":\"%s\",\"port\":%d}",
				   n++ ? "," : "", ctl->cfg->tunnels[t].name,
				   ctl->cfg->tunnels[t].exception_if, ctl_exc_port(t));
		}
		cli_printf(s, "],\"to_kernel\":%" PRIu64 ",\"from_kernel\":%" PRIu64
			      ",\"unicast\":%" PRIu64 ",\"multicast\":%" PRIu64
			      ",\"arp_replied\":%" PRIu64 ",\"dropped\":%" PRIu64
			      ",\"local_unhandled\":%" PRIu64 "}\n",
			   x->to_kernel, x->from_kernel, x->unicast, x->multicast, x->arp_replied,
			   x->dropped, l->unhandled);
		return;
	}
	for (t = 0; t < ctl->cfg->n_tunnels; t++)
		if (ctl_exc_port(t) >= 0)
			cli_printf(s, "%s: exception interface %s (DPDK port %d)\n",
				   ctl->cfg->tunnels[t].name, ctl->cfg->tunnels[t].exception_if,
				   ctl_exc_port(t));
	cli_printf(s, "  to kernel %" PRIu64 ", from kernel %" PRIu64 " (unicast %" PRIu64
		      ", multicast %" PRIu64 ", ARP replies %" PRIu64 ", dropped %" PRIu64 ")\n"
		      "  local packets nobody served: %" PRIu64 "\n",
		   x->to_kernel, x->from_kernel, x->unicast, x->multicast, x->arp_replied,
		   x->dropped, l->unhandled);
}

/* --- ip route ------------------------------------------------------------------------- */

static const struct ctl_route *route_find(struct hub_ctl *ctl, uint32_t prefix, uint8_t len)
{
	const struct ctl_route *r;
	int pos;

	for (pos = ctl_fib_next(ctl, 0, &r); pos >= 0; pos = ctl_fib_next(ctl, pos, &r))
		if (r->prefix == prefix && r->len == len)
			return r;
	return NULL;
}

#define ROUTE_F_VIA (CLI_F_USER << 0) /* "no ip route P/L via A.B.C.D" */

static bool prefix_ok(struct cli_sess *s, uint32_t addr, uint8_t len)
{
	if ((addr & ~mask_of(len)) != 0) {
		cli_error(s, "Inconsistent address and mask");
		return false;
	}
	return true;
}

static void cmd_ip_route(struct cli_sess *s, const struct cli_args *a, uint32_t flags)
{
	struct hub_ctl *ctl = cli_ctl(s);
	uint32_t prefix = a->v[0].prefix.addr, via = a->v[1].addr;
	uint8_t len = a->v[0].prefix.len;
	const struct ctl_route *old;
	char p[CLI_IP_LEN], v[CLI_IP_LEN];
	int rc;

	(void)flags;
	if (!prefix_ok(s, prefix, len))
		return;
	old = route_find(ctl, prefix, len);
	if (old != NULL && old->source != ROUTE_STATIC) {
		cli_error(s, "%s/%u is a %s route; only static routes are changed here",
			  cli_ip(prefix, p), len, ctl_route_source_name(old->source));
		return;
	}
	rc = ctl_fib_route_add_via(ctl, prefix, len, via, ROUTE_STATIC);
	if (rc == -ENETUNREACH) {
		cli_error(s, "Next hop %s is neither in a tunnel subnet nor on a LAN port",
			  cli_ip(via, v));
		return;
	}
	if (rc < 0) {
		cli_error(s, "Cannot add %s/%u: %s", cli_ip(prefix, p), len,
			  rc == -ENOSPC ? "the routing table is full" : strerror(-rc));
		return;
	}
	cli_runcfg_route(cli_sess_server(s), prefix, len, via, false);
}

static void cmd_no_ip_route(struct cli_sess *s, const struct cli_args *a, uint32_t flags)
{
	struct hub_ctl *ctl = cli_ctl(s);
	uint32_t prefix = a->v[0].prefix.addr;
	uint8_t len = a->v[0].prefix.len;
	const struct ctl_route *r;
	char p[CLI_IP_LEN], v[CLI_IP_LEN];
	int rc;

	if (!prefix_ok(s, prefix, len))
		return;
	r = route_find(ctl, prefix, len);
	if (r != NULL && r->source != ROUTE_STATIC) {
		cli_error(s, "%s/%u is a %s route, not a static one", cli_ip(prefix, p), len,
			  ctl_route_source_name(r->source));
		return;
	}
	if (r == NULL ||
	    ((flags & ROUTE_F_VIA) && r->via != a->v[1].addr)) {
		if (flags & ROUTE_F_VIA)
			cli_error(s, "No static route %s/%u via %s", cli_ip(prefix, p), len,
				  cli_ip(a->v[1].addr, v));
		else
			cli_error(s, "No static route %s/%u", cli_ip(prefix, p), len);
		return;
	}
	rc = ctl_fib_route_del(ctl, prefix, len);
	if (rc < 0) {
		cli_error(s, "Cannot remove %s/%u: %s", cli_ip(prefix, p), len, strerror(-rc));
		return;
	}
	cli_runcfg_route(cli_sess_server(s), prefix, len, 0, true);
}

const struct cli_cmd cli_route_cmds[] = {
	{"show ip route", "The routing table (RIB)", cmd_show_ip_route, CLI_C_JSON},
	{"show ip route A.B.C.D", "The route used for an address", cmd_show_ip_route_addr,
	 CLI_C_JSON},
	{"show ip cef A.B.C.D", "How the dataplane forwards to an address, and its adjacency",
	 cmd_show_ip_cef, CLI_C_JSON},
	{"show arp", "The underlay and LAN neighbour (ARP) table", cmd_show_arp, CLI_C_JSON},
	{"ip route A.B.C.D/LEN A.B.C.D", "Add a static route via a next hop", cmd_ip_route, 0},
	{"ip route A.B.C.D/LEN via A.B.C.D", "Add a static route via a next hop", cmd_ip_route, 0},
	{"no ip route A.B.C.D/LEN", "Remove a static route", cmd_no_ip_route, CLI_F_NO},
	{"no ip route A.B.C.D/LEN A.B.C.D", "Remove a static route via that next hop",
	 cmd_no_ip_route, CLI_F_NO | ROUTE_F_VIA},
	{"no ip route A.B.C.D/LEN via A.B.C.D", "Remove a static route via that next hop",
	 cmd_no_ip_route, CLI_F_NO | ROUTE_F_VIA},
	{"show fpm", "Routes from FRR over FPM: the connection and its counters", cmd_show_fpm,
	 CLI_C_JSON},
	{"show exception", "The exception interfaces to the kernel (FRR) and their counters",
	 cmd_show_exception, CLI_C_JSON},
	{NULL, NULL, NULL, 0},
};

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NHRP views and changes: show dmvpn, show ip nhrp, ip nhrp map, clear ip nhrp.
 *
 * The views walk the master peer table by slot (creation order, roughly) in steps, so a
 * table of a million spokes is shown without holding the control lcore: the first step
 * counts the entries per tunnel for the header, later steps print rows. The table may
 * change between steps; a row shows the entry as it is when printed.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>

#include "control/cli_priv.h"
#include "control/ctl_peer.h"
#include "control/nhrp_server.h"
#include "lib/nhrp_codec.h"

#define SCAN_PER_STEP 16384 /* slots looked at per walk step: ~0.1 ms */

static uint32_t mask_of(uint8_t len)
{
	return len == 0 ? 0 : rte_cpu_to_be_32(~0u << (32 - len));
}

static const char *peer_type_name(const struct ctl_peer *p)
{
	switch (p->type) {
	case CTL_PEER_STATIC: return "static";
	case CTL_PEER_DYNAMIC: return "dynamic";
	default: return "incomplete";
	}
}

/* Cisco's Attrb column: S static, D dynamic, I incomplete, N NATed. */
static void peer_attrs(const struct ctl_peer *p, char *buf)
{
	size_t n = 0;

	buf[n++] = p->type == CTL_PEER_STATIC ? 'S' : p->type == CTL_PEER_DYNAMIC ? 'D' : 'I';
	if (p->flags & CTL_PEER_F_NAT)
		buf[n++] = 'N';
	buf[n] = '\0';
}

/* The address packets go to: the one the spoke sends from (NAT), else its claim. */
static uint32_t peer_nbma(const struct ctl_peer *p)
{
	return p->nbma_seen != 0 ? p->nbma_seen : p->nbma_addr;
}

/* Seconds left before a dynamic entry expires; -1 = never. */
static int64_t peer_expires_s(const struct ctl_peer *p)
{
	uint64_t now = rte_rdtsc();

	if (p->expires == 0)
		return -1;
	return p->expires > now ? (int64_t)((p->expires - now) / rte_get_tsc_hz()) : 0;
}

static unsigned int peer_flags(const struct ctl_peer *p, const char **names)
{
	unsigned int n = 0;

	if (p->flags & CTL_PEER_F_UNIQUE)
		names[n++] = "unique";
	if (p->type == CTL_PEER_DYNAMIC)
		names[n++] = "registered";
	if (p->flags & CTL_PEER_F_USED)
		names[n++] = "used";
	if (p->flags & CTL_PEER_F_NAT)
		names[n++] = "nat";
	if (p->flags & CTL_PEER_F_ROUTER)
		names[n++] = "router";
	if (p->flags & CTL_PEER_F_MULTICAST)
		names[n++] = "multicast";
	return n;
}

static const char *tunnel_name(const struct hub_ctl *ctl, unsigned int t)
{
	return t < ctl->cfg->n_tunnels ? ctl->cfg->tunnels[t].name : "?";
}

/* --- show dmvpn ----------------------------------------------------------------------- */

enum { DMVPN_COUNT = 0, DMVPN_HEAD, DMVPN_ROWS, DMVPN_END };

bool cli_peer_count_step(struct hub_ctl *ctl, struct cli_walk *w, struct cli_peer_counts *c)
{
	uint32_t slots = ctl_peer_slots(ctl), scanned = 0;

	for (; w->pos < slots && scanned < SCAN_PER_STEP; w->pos++, scanned++) {
		const struct ctl_peer *p = ctl_peer_at(ctl, (uint32_t)w->pos);

		if (p != NULL && p->tunnel_idx < CFG_MAX_TUNNELS && p->type < 3) {
			c->n[p->tunnel_idx][p->type]++;
			c->total[p->tunnel_idx]++;
		}
	}
	return w->pos < slots;
}

static void dmvpn_tunnel_head(struct cli_sess *s, struct cli_walk *w, const uint32_t *count)
{
	struct hub_ctl *ctl = cli_ctl(s);
	const struct cfg_tunnel *tc = &ctl->cfg->tunnels[w->sub];
	bool json = w->flags & CLI_F_JSON, detail = w->flags & CLI_F_DETAIL;
	int src = cfg_port_index(ctl->cfg, tc->source);
	uint32_t src_addr = src >= 0 ? ctl->cfg->ports[src].address.addr : 0;
	struct rte_eth_link link;
	char a[CLI_IP_LEN], b[CLI_IP_LEN];
	bool up = false;

	memset(&link, 0, sizeof(link));
	if (src >= 0 && (unsigned int)src < ctl->n_ports &&
	    rte_eth_link_get_nowait(ctl->ports[src].port_id, &link) == 0)
		up = link.link_status == RTE_ETH_LINK_UP;
	if (json) {
		cli_printf(s, "%s{\"name\":", w->sub > 0 ? "," : "");
		cli_json_str(s, tc->name);
		cli_printf(s, ",\"type\":\"hub\",\"address\":\"%s\",\"prefix_len\":%u,"
			   "\"source\":", cli_ip(tc->address.addr, a), tc->address.len);
		cli_json_str(s, tc->source);
		cli_printf(s, ",\"source_address\":\"%s\",\"line_protocol\":\"%s\",\"key\":",
			   cli_ip(src_addr, b), up ? "up" : "down");
		if (tc->has_key)
			cli_printf(s, "%" PRIu32, tc->key);
		else
			cli_printf(s, "null");
		cli_printf(s, ",\"mtu\":%u,\"nhrp_peers\":%" PRIu32 ",\"peers\":[", tc->mtu,
			   count[w->sub]);
		return;
	}
	if (w->sub > 0)
		cli_printf(s, "\n");
	if (detail) {
		cli_printf(s, "Interface %s is up/%s, Addr. is %s, VRF \"\"\n", tc->name,
			   up ? "up" : "down", cli_ip(tc->address.addr, a));
		cli_printf(s, "   Tunnel Src./Dest. addr: %s/MGRE, Tunnel VRF \"\"\n",
			   cli_ip(src_addr, b));
		cli_printf(s, "   Protocol/Transport: \"multi-GRE/IP\", Protect \"\"\n");
		if (tc->has_key)
			cli_printf(s, "   GRE key %" PRIu32 ", ", tc->key);
		else
			cli_printf(s, "   No GRE key, ");
		cli_printf(s, "MTU %u, NHRP network-id %" PRIu32 ", holdtime %" PRIu32 " s\n",
			   tc->mtu, tc->nhrp.network_id, tc->nhrp.holdtime);
		cli_printf(s, "Type:Hub, Total NBMA Peers (v4/v6): %" PRIu32 "/0\n\n", count[w->sub]);
		cli_printf(s, "# Ent  Peer NBMA Addr Peer Tunnel Add State  UpDn Tm Attrb    "
			      "Target Network\n");
		cli_printf(s, "----- --------------- --------------- ----- -------- ----- "
			      "-----------------\n");
		return;
	}
	cli_printf(s, "%s, Type:Hub, NHRP Peers:%" PRIu32 ",\n", tc->name, count[w->sub]);
	cli_printf(s, " # Ent  Peer NBMA Addr Peer Tunnel Add State  UpDn Tm Attrb\n");
	cli_printf(s, " ----- --------------- --------------- ----- -------- -----\n");
}

static void dmvpn_row(struct cli_sess *s, struct cli_walk *w, const struct ctl_peer *p)
{
	bool bound = p->type != CTL_PEER_INCOMPLETE;
	char nbma[CLI_IP_LEN], tun[CLI_IP_LEN], updn[16], attrs[4], target[24];
	uint64_t age = cli_tsc_age_s(p->created);

	peer_attrs(p, attrs);
	cli_ip(p->tunnel_addr, tun);
	if (bound)
		cli_ip(peer_nbma(p), nbma);
	else
		snprintf(nbma, sizeof(nbma), "UNKNOWN");
	if (w->flags & CLI_F_JSON) {
		int64_t exp = peer_expires_s(p);

		cli_printf(s, "%s{\"entries\":1,\"nbma\":", w->n > 0 ? "," : "");
		cli_json_str(s, bound ? nbma : NULL);
		cli_printf(s, ",\"tunnel\":\"%s\",\"state\":\"%s\",\"updn_s\":", tun,
			   bound ? "up" : "nhrp");
		if (bound)
			cli_printf(s, "%" PRIu64, age);
		else
			cli_printf(s, "null");
		cli_printf(s, ",\"attributes\":\"%s\",\"type\":\"%s\",\"nat\":%s,\"expires_s\":",
			   attrs, peer_type_name(p), p->flags & CTL_PEER_F_NAT ? "true" : "false");
		if (exp >= 0)
			cli_printf(s, "%" PRId64, exp);
		else
			cli_printf(s, "null");
		cli_printf(s, ",\"target\":\"%s/32\"}", tun);
		return;
	}
	if (bound)
		cli_fmt_duration(updn, sizeof(updn), age);
	else
		snprintf(updn, sizeof(updn), "never");
	if (w->flags & CLI_F_DETAIL) {
		snprintf(target, sizeof(target), "%s/32", tun);
		cli_printf(s, "%5u %-15s %15s %5s %8s %5s %17s\n", 1u, nbma, tun,
			   bound ? "UP" : "NHRP", updn, attrs, target);
	} else {
		cli_printf(s, "%6u %15s %15s %5s %8s %s\n", 1u, nbma, tun, bound ? "UP" : "NHRP",
			   updn, attrs);
	}
}

static bool dmvpn_step(struct cli_sess *s, struct cli_walk *w)
{
	struct hub_ctl *ctl = cli_ctl(s);
	uint32_t slots = ctl_peer_slots(ctl), scanned = 0;
	struct cli_peer_counts *counts = w->buf;
	const uint32_t *count = counts->total;
	bool json = w->flags & CLI_F_JSON;

	for (;;) {
		switch (w->phase) {
		case DMVPN_COUNT:
			if (cli_peer_count_step(ctl, w, counts))
				return true;
			if (json)
				cli_printf(s, "{\"tunnels\":[");
			w->phase = DMVPN_HEAD;
			w->sub = 0;
			break;
		case DMVPN_HEAD:
			if (w->sub >= ctl->cfg->n_tunnels) {
				if (json)
					cli_printf(s, "]}\n");
				else if (ctl->cfg->n_tunnels == 0)
					cli_printf(s, "No tunnels configured.\n");
				return false;
			}
			dmvpn_tunnel_head(s, w, count);
			w->phase = DMVPN_ROWS;
			w->pos = 0;
			w->n = 0;
			break;
		case DMVPN_ROWS:
			for (; w->pos < slots && scanned < SCAN_PER_STEP; w->pos++, scanned++) {
				const struct ctl_peer *p = ctl_peer_at(ctl, (uint32_t)w->pos);

				if (p == NULL || p->tunnel_idx != w->sub)
					continue;
				dmvpn_row(s, w, p);
				w->n++;
				if (cli_walk_yield(s)) {
					w->pos++;
					return true;
				}
			}
			if (w->pos < slots)
				return true;
			if (json)
				cli_printf(s, "]}");
			w->phase = DMVPN_HEAD;
			w->sub++;
			break;
		default:
			return false;
		}
	}
}

void cli_walk_start_counting(struct cli_sess *s, cli_walk_fn fn, uint32_t flags)
{
	struct cli_walk w = {.fn = fn, .flags = flags};

	w.buf = calloc(1, sizeof(struct cli_peer_counts));
	if (w.buf == NULL) {
		cli_error(s, "Out of memory");
		return;
	}
	cli_walk_start(s, &w);
}

static void cmd_show_dmvpn(struct cli_sess *s, const struct cli_args *a, uint32_t flags)
{
	(void)a;
	cli_walk_start_counting(s, dmvpn_step, flags);
}

/* --- show ip nhrp --------------------------------------------------------------------- */

static void nhrp_entry(struct cli_sess *s, uint32_t flags, uint64_t n, uint32_t slot,
		       const struct ctl_peer *p)
{
	struct hub_ctl *ctl = cli_ctl(s);
	bool bound = p->type != CTL_PEER_INCOMPLETE;
	const char *fl[8];
	unsigned int nf = peer_flags(p, fl), i;
	char tun[CLI_IP_LEN], nbma[CLI_IP_LEN], claimed[CLI_IP_LEN], created[16], exp[16];
	int64_t ex = peer_expires_s(p);

	cli_ip(p->tunnel_addr, tun);
	cli_ip(peer_nbma(p), nbma);
	cli_ip(p->nbma_addr, claimed);
	if (flags & CLI_F_JSON) {
		cli_printf(s, "%s{\"address\":\"%s\",\"prefix_len\":32,\"interface\":", n > 0 ? "," : "",
			   tun);
		cli_json_str(s, tunnel_name(ctl, p->tunnel_idx));
		cli_printf(s, ",\"type\":\"%s\",\"created_s\":%" PRIu64 ",\"expires_s\":",
			   peer_type_name(p), cli_tsc_age_s(p->created));
		if (ex >= 0)
			cli_printf(s, "%" PRId64, ex);
		else
			cli_printf(s, "null");
		cli_printf(s, ",\"flags\":[");
		for (i = 0; i < nf; i++)
			cli_printf(s, "%s\"%s\"", i > 0 ? "," : "", fl[i]);
		cli_printf(s, "],\"nbma\":");
		cli_json_str(s, bound ? nbma : NULL);
		cli_printf(s, ",\"nbma_claimed\":");
		cli_json_str(s, bound ? claimed : NULL);
		cli_printf(s, ",\"nat_port\":%u,\"slot\":%" PRIu32 ",\"route_refs\":%" PRIu32
			   ",\"holdtime\":%" PRIu32 ",\"mtu\":%u,\"nhrp_rx\":%" PRIu32
			   ",\"nhrp_tx\":%" PRIu32 "}",
			   rte_be_to_cpu_16(p->nat_port), slot, p->route_refs, p->holdtime, p->mtu,
			   p->nhrp_rx, p->nhrp_tx);
		return;
	}
	cli_fmt_duration(created, sizeof(created), cli_tsc_age_s(p->created));
	if (ex >= 0)
		cli_fmt_duration(exp, sizeof(exp), (uint64_t)ex);
	cli_printf(s, "%s/32 via %s, %s created %s, %s%s\n", tun, tun,
		   tunnel_name(ctl, p->tunnel_idx), created, ex >= 0 ? "expire " : "never expire",
		   ex >= 0 ? exp : "");
	cli_printf(s, "  Type: %s, Flags:", peer_type_name(p));
	for (i = 0; i < nf; i++)
		cli_printf(s, " %s", fl[i]);
	cli_printf(s, "%s\n", nf == 0 ? " none" : "");
	if (!bound)
		cli_printf(s, "  NBMA address: (unresolved)\n");
	else if (p->nbma_seen != 0)
		cli_printf(s, "  NBMA address: %s\n    (Claimed NBMA address: %s)\n", nbma, claimed);
	else
		cli_printf(s, "  NBMA address: %s\n", nbma);
	if (flags & CLI_F_DETAIL) {
		cli_printf(s, "  Slot %" PRIu32 ", route references %" PRIu32, slot, p->route_refs);
		if (p->holdtime != 0)
			cli_printf(s, ", holdtime %" PRIu32 " s", p->holdtime);
		if (p->mtu != 0)
			cli_printf(s, ", MTU %u", p->mtu);
		if (p->nat_port != 0)
			cli_printf(s, ", NAT-T port %u", rte_be_to_cpu_16(p->nat_port));
		cli_printf(s, "\n  NHRP packets: %" PRIu32 " received, %" PRIu32 " sent\n",
			   p->nhrp_rx, p->nhrp_tx);
	}
}

#define NHRP_F_ADDR (CLI_F_USER << 0) /* the command names one address (w->arg) */

static bool nhrp_step(struct cli_sess *s, struct cli_walk *w)
{
	struct hub_ctl *ctl = cli_ctl(s);
	uint32_t slots = ctl_peer_slots(ctl), scanned = 0;
	bool one = w->flags & NHRP_F_ADDR;

	if (w->phase == 0) {
		if (w->flags & CLI_F_JSON)
			cli_printf(s, "{\"entries\":[");
		w->phase = 1;
	}
	for (; w->pos < slots && scanned < SCAN_PER_STEP; w->pos++, scanned++) {
		const struct ctl_peer *p = ctl_peer_at(ctl, (uint32_t)w->pos);

		if (p == NULL || (one && p->tunnel_addr != w->arg))
			continue;
		nhrp_entry(s, w->flags, w->n++, (uint32_t)w->pos, p);
		if (one)
			w->pos = slots; /* addresses are unique */
		if (cli_walk_yield(s)) {
			w->pos++;
			return true;
		}
	}
	if (w->pos < slots)
		return true;
	if (w->flags & CLI_F_JSON)
		cli_printf(s, "]}\n");
	return false;
}

static void cmd_show_ip_nhrp(struct cli_sess *s, const struct cli_args *a, uint32_t flags)
{
	struct cli_walk w = {.fn = nhrp_step, .flags = flags, .arg = a->v[0].addr};

	cli_walk_start(s, &w);
}

/* --- show ip nhrp traffic ------------------------------------------------------------- */

/* IOS's names and layout: three op codes per line. */
static const char *const op_title[NHRP_OP_MAX + 1] = {
	[NHRP_OP_RESOLUTION_REQUEST] = "Resolution Request",
	[NHRP_OP_RESOLUTION_REPLY] = "Resolution Reply",
	[NHRP_OP_REGISTRATION_REQUEST] = "Registration Request",
	[NHRP_OP_REGISTRATION_REPLY] = "Registration Reply",
	[NHRP_OP_PURGE_REQUEST] = "Purge Request",
	[NHRP_OP_PURGE_REPLY] = "Purge Reply",
	[NHRP_OP_ERROR_INDICATION] = "Error Indication",
	[NHRP_OP_TRAFFIC_INDICATION] = "Traffic Indication",
};

static void traffic_item(struct cli_sess *s, unsigned int *n, uint64_t v, const char *title)
{
	cli_printf(s, "%s%" PRIu64 " %s", *n == 0 ? "         " : *n % 3 == 0 ? "\n         " : "  ",
		   v, title);
	(*n)++;
}

static void traffic_block(struct cli_sess *s, const char *what, const uint64_t *c, bool unparsed)
{
	uint64_t total = 0;
	unsigned int op, n = 0;

	for (op = 0; op <= NHRP_OP_MAX; op++)
		total += c[op];
	cli_printf(s, "   %s: Total %" PRIu64 "\n", what, total);
	for (op = NHRP_OP_MIN; op <= NHRP_OP_MAX; op++)
		traffic_item(s, &n, c[op], op_title[op]);
	if (unparsed)
		traffic_item(s, &n, c[0], "Unparsed");
	cli_printf(s, "\n");
}

static void traffic_json(struct cli_sess *s, const char *key, const uint64_t *c, bool unparsed)
{
	uint64_t total = 0;
	unsigned int op;

	cli_printf(s, "\"%s\":{", key);
	for (op = NHRP_OP_MIN; op <= NHRP_OP_MAX; op++) {
		cli_printf(s, "\"%s\":%" PRIu64 ",", nhrp_op_name(op), c[op]);
		total += c[op];
	}
	if (unparsed)
		cli_printf(s, "\"unparsed\":%" PRIu64 ",", c[0]);
	cli_printf(s, "\"total\":%" PRIu64 "}", total + c[0]);
}

static void cmd_show_ip_nhrp_traffic(struct cli_sess *s, const struct cli_args *a,
				     uint32_t flags)
{
	struct nhrp_stats st;
	unsigned int r, shown = 0;

	(void)a;
	if (cli_nhrp_stats(s, &st) < 0) {
		cli_error(s, "The NHRP server is not running");
		return;
	}
	if (flags & CLI_F_JSON) {
		cli_printf(s, "{");
		traffic_json(s, "sent", st.tx, false);
		cli_printf(s, ",");
		traffic_json(s, "received", st.rx, true);
		cli_printf(s, ",");
		traffic_json(s, "dropped", st.rx_drop, true);
		cli_printf(s, ",\"reasons\":{");
		for (r = 0; r < NHRP_STAT_MAX; r++)
			cli_printf(s, "%s\"%s\":%" PRIu64, r > 0 ? "," : "", nhrp_stat_reason_name(r),
				   st.reason[r]);
		cli_printf(s, "},\"bindings\":{\"registered\":%" PRIu64 ",\"refreshed\":%" PRIu64
			   ",\"expired\":%" PRIu64 ",\"purged\":%" PRIu64 "}",
			   st.registered, st.refreshed, st.expired, st.purged);
		cli_printf(s, ",\"resolution\":{\"answered\":%" PRIu64 ",\"forwarded\":%" PRIu64
			   ",\"negative\":%" PRIu64 ",\"replies_relayed\":%" PRIu64
			   "},\"purges\":{\"sent\":%" PRIu64 ",\"replies\":%" PRIu64 "}}\n",
			   st.res_answered, st.res_forwarded, st.res_negative, st.res_relayed,
			   st.purges_sent, st.purge_replies);
		return;
	}
	cli_printf(s, "All tunnels (counted since the last clear counters):\n");
	traffic_block(s, "Sent", st.tx, false);
	traffic_block(s, "Rcvd", st.rx, true);
	traffic_block(s, "Dropped or refused", st.rx_drop, true);
	cli_printf(s, "   Reasons:");
	for (r = 0; r < NHRP_STAT_MAX; r++) {
		if (st.reason[r] == 0)
			continue;
		cli_printf(s, "%s %s %" PRIu64, shown++ > 0 ? "," : "", nhrp_stat_reason_name(r),
			   st.reason[r]);
	}
	cli_printf(s, "%s\n", shown == 0 ? " none" : "");
	cli_printf(s, "   Bindings: %" PRIu64 " registered, %" PRIu64 " refreshed, %" PRIu64
		   " expired, %" PRIu64 " purged\n", st.registered, st.refreshed, st.expired,
		   st.purged);
	cli_printf(s, "   Resolution: %" PRIu64 " answered, %" PRIu64 " forwarded, %" PRIu64
		   " negative, %" PRIu64 " replies relayed\n", st.res_answered, st.res_forwarded,
		   st.res_negative, st.res_relayed);
	cli_printf(s, "   Purges: %" PRIu64 " sent, %" PRIu64 " replies\n", st.purges_sent,
		   st.purge_replies);
}

/* --- changes -------------------------------------------------------------------------- */

#define MAP_F_NBMA (CLI_F_USER << 1) /* "no ip nhrp map A B": B must match */

/* The tunnel whose subnet holds addr, or -1. */
static int tunnel_of(const struct hub_ctl *ctl, uint32_t addr)
{
	unsigned int t;

	for (t = 0; t < ctl->cfg->n_tunnels; t++) {
		const struct cfg_prefix *tp = &ctl->cfg->tunnels[t].address;

		if ((addr & mask_of(tp->len)) == (tp->addr & mask_of(tp->len)))
			return (int)t;
	}
	return -1;
}

static bool nbma_valid(uint32_t a)
{
	uint32_t h = rte_be_to_cpu_32(a);

	return h != 0 && h != 0xffffffff && (h >> 28) != 0xe && (h >> 24) != 127 &&
	       (h >> 24) != 0;
}

static void cmd_ip_nhrp_map(struct cli_sess *s, const struct cli_args *a, uint32_t flags)
{
	struct hub_ctl *ctl = cli_ctl(s);
	uint32_t tun = a->v[0].addr, nbma = a->v[1].addr;
	int t = tunnel_of(ctl, tun), rc;
	char x[CLI_IP_LEN];

	(void)flags;
	if (t < 0) {
		cli_error(s, "%s is not in the subnet of any tunnel", cli_ip(tun, x));
		return;
	}
	if (tun == ctl->cfg->tunnels[t].address.addr) {
		cli_error(s, "%s is the hub's own address on %s", cli_ip(tun, x),
			  ctl->cfg->tunnels[t].name);
		return;
	}
	if (!nbma_valid(nbma)) {
		cli_error(s, "%s cannot be an NBMA address", cli_ip(nbma, x));
		return;
	}
	rc = ctl_peer_set(ctl, (unsigned int)t, tun, nbma, 0, 0, CTL_PEER_STATIC, 0, 0);
	if (rc < 0) {
		cli_error(s, "Cannot map %s: %s", cli_ip(tun, x),
			  rc == -ENOSPC ? "the peer table is full" : strerror(-rc));
		return;
	}
	cli_runcfg_map(cli_sess_server(s), (unsigned int)t, tun, nbma, false);
}

static void cmd_no_ip_nhrp_map(struct cli_sess *s, const struct cli_args *a, uint32_t flags)
{
	struct hub_ctl *ctl = cli_ctl(s);
	uint32_t tun = a->v[0].addr;
	const struct ctl_peer *p = ctl_peer_find(ctl, tun);
	char x[CLI_IP_LEN], y[CLI_IP_LEN];
	unsigned int t;

	if (p == NULL || p->type == CTL_PEER_INCOMPLETE) {
		cli_error(s, "No static NHRP mapping for %s", cli_ip(tun, x));
		return;
	}
	if (p->type != CTL_PEER_STATIC) {
		cli_error(s, "%s is a dynamic entry: use clear ip nhrp %s", cli_ip(tun, x),
			  cli_ip(tun, y));
		return;
	}
	if ((flags & MAP_F_NBMA) && p->nbma_addr != a->v[1].addr) {
		cli_error(s, "%s is mapped to %s, not %s", cli_ip(tun, x), cli_ip(p->nbma_addr, y),
			  cli_ip(a->v[1].addr, x));
		return;
	}
	t = p->tunnel_idx;
	ctl_peer_del(ctl, tun);
	cli_runcfg_map(cli_sess_server(s), t, tun, 0, true);
}

static void cmd_clear_ip_nhrp_addr(struct cli_sess *s, const struct cli_args *a, uint32_t flags)
{
	struct hub_ctl *ctl = cli_ctl(s);
	const struct ctl_peer *p = ctl_peer_find(ctl, a->v[0].addr);
	char x[CLI_IP_LEN], y[CLI_IP_LEN];

	(void)flags;
	if (p == NULL || p->type == CTL_PEER_INCOMPLETE)
		return; /* nothing to clear: IOS is silent too */
	if (p->type == CTL_PEER_STATIC) {
		cli_error(s, "%s is a static mapping: use no ip nhrp map %s",
			  cli_ip(a->v[0].addr, x), cli_ip(a->v[0].addr, y));
		return;
	}
	if (nhrp_binding_clear(ctl, a->v[0].addr) < 0)
		ctl_peer_del(ctl, a->v[0].addr);
}

/* Deleting many entries pushes as many messages to every worker: pace it by steps so the
 * workers drain their rings in between (a full ring would force a resync). */
#define CLEAR_PER_STEP 1024

static bool clear_step(struct cli_sess *s, struct cli_walk *w)
{
	struct hub_ctl *ctl = cli_ctl(s);
	uint32_t slots = ctl_peer_slots(ctl), scanned = 0, cleared = 0;

	for (; w->pos < slots && scanned < SCAN_PER_STEP && cleared < CLEAR_PER_STEP;
	     w->pos++, scanned++) {
		const struct ctl_peer *p = ctl_peer_at(ctl, (uint32_t)w->pos);

		if (p == NULL || p->type != CTL_PEER_DYNAMIC)
			continue;
		if (nhrp_binding_clear(ctl, p->tunnel_addr) < 0)
			ctl_peer_del(ctl, p->tunnel_addr);
		cleared++;
	}
	return w->pos < slots;
}

static void cmd_clear_ip_nhrp(struct cli_sess *s, const struct cli_args *a, uint32_t flags)
{
	struct cli_walk w = {.fn = clear_step, .flags = flags};

	(void)a;
	cli_walk_start(s, &w);
}

const struct cli_cmd cli_nhrp_cmds[] = {
	{"show dmvpn", "DMVPN peers, one line each (Cisco view)", cmd_show_dmvpn, CLI_C_JSON},
	{"show dmvpn detail", "DMVPN peers with tunnel details and target networks",
	 cmd_show_dmvpn, CLI_F_DETAIL | CLI_C_JSON},
	{"show ip nhrp", "The NHRP cache", cmd_show_ip_nhrp, CLI_C_JSON},
	{"show ip nhrp detail", "The NHRP cache with slots, references and holdtimes",
	 cmd_show_ip_nhrp, CLI_F_DETAIL | CLI_C_JSON},
	{"show ip nhrp A.B.C.D", "The NHRP cache entry of one tunnel address",
	 cmd_show_ip_nhrp, NHRP_F_ADDR | CLI_C_JSON},
	{"show ip nhrp A.B.C.D detail", "The NHRP cache entry of one tunnel address, in detail",
	 cmd_show_ip_nhrp, NHRP_F_ADDR | CLI_F_DETAIL | CLI_C_JSON},
	{"show ip nhrp traffic", "NHRP messages sent, received and dropped, by op code",
	 cmd_show_ip_nhrp_traffic, CLI_C_JSON},
	{"ip nhrp map A.B.C.D A.B.C.D", "Map a tunnel address to an NBMA address (static)",
	 cmd_ip_nhrp_map, 0},
	{"no ip nhrp map A.B.C.D", "Remove a static NHRP mapping", cmd_no_ip_nhrp_map, CLI_F_NO},
	{"no ip nhrp map A.B.C.D A.B.C.D", "Remove a static NHRP mapping", cmd_no_ip_nhrp_map,
	 CLI_F_NO | MAP_F_NBMA},
	{"clear ip nhrp", "Remove every dynamic (registered) NHRP entry", cmd_clear_ip_nhrp, 0},
	{"clear ip nhrp A.B.C.D", "Remove one dynamic NHRP entry", cmd_clear_ip_nhrp_addr, 0},
	{NULL, NULL, NULL, 0},
};

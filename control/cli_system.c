/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * System views: interfaces, port statistics, lcores, drops, version, running-config, and
 * clear counters.
 *
 * clear counters: the counters belong to their writers (each worker its own stats, the
 * PMDs their device counters) and zeroing them from the control lcore would race with
 * those writers. So nothing is zeroed: clear counters takes a snapshot (the baseline)
 * and every counter view shows the difference from it, as IOS's "Last clearing of
 * counters" does. The logs at shutdown keep the totals since start.
 */
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_version.h>

#include "control/cli_priv.h"
#include "control/ctl_exc.h"
#include "control/ctl_fib.h"
#include "control/ctl_local.h"
#include "control/ctl_peer.h"
#include "control/ctl_stats.h"
#include "control/fpm_server.h"
#include "control/nhrp_server.h"

/* Counters of one port, as the hub and the PMD count them. */
struct port_ctr {
	uint64_t rx, rx_bytes, tx, tx_bytes;	     /* by the workers */
	uint64_t ctl_tx, ctl_tx_drop;		     /* by control */
	uint64_t ipackets, opackets, ibytes, obytes; /* by the PMD */
	uint64_t imissed, ierrors, oerrors, rx_nombuf;
};

struct worker_ctr {
	uint64_t rx, tx, drops, punted, loops, busy_loops, busy_cycles;
};

struct cli_baseline {
	uint64_t tsc;				/* when cleared; 0 = never */
	struct port_ctr port[CFG_MAX_PORTS];
	struct worker_ctr worker[CTL_MAX_WORKERS];
	uint64_t drops_w[HUB_DROP_MAX], drops_c[HUB_DROP_MAX];
	struct nhrp_stats nhrp;
	struct fpm_stats fpm;			/* show fpm */
	struct ctl_exc_stats exc;		/* show exception */
	struct ctl_local_stats local;		/* show exception: local packets */
	/* show port stats rates: the previous sample */
	uint64_t rate_tsc[CFG_MAX_PORTS];
	uint64_t rate_rx[CFG_MAX_PORTS], rate_tx[CFG_MAX_PORTS];
	uint64_t rate_rxb[CFG_MAX_PORTS], rate_txb[CFG_MAX_PORTS];
};

static struct cli_baseline *baseline(struct cli_sess *s)
{
	struct cli_server *srv = cli_sess_server(s);

	if (srv->baseline == NULL)
		srv->baseline = calloc(1, sizeof(*srv->baseline));
	return srv->baseline;
}

static uint64_t sub(uint64_t now, uint64_t base)
{
	return now >= base ? now - base : 0;
}

static void port_now(const struct hub_ctl *ctl, unsigned int i, struct port_ctr *c)
{
	const struct ctl_port *p = &ctl->ports[i];
	struct rte_eth_stats es;
	unsigned int w;

	memset(c, 0, sizeof(*c));
	for (w = 0; w < ctl->n_workers; w++) {
		const struct dp_worker_stats *st = &ctl->workers[w]->stats;

		c->rx += st->port_rx[p->port_id];
		c->rx_bytes += st->port_rx_bytes[p->port_id];
		c->tx += st->port_tx[p->port_id];
		c->tx_bytes += st->port_tx_bytes[p->port_id];
	}
	c->ctl_tx = p->ctl_tx;
	c->ctl_tx_drop = p->ctl_tx_drop;
	memset(&es, 0, sizeof(es));
	if (rte_eth_stats_get(p->port_id, &es) == 0) {
		c->ipackets = es.ipackets;
		c->opackets = es.opackets;
		c->ibytes = es.ibytes;
		c->obytes = es.obytes;
		c->imissed = es.imissed;
		c->ierrors = es.ierrors;
		c->oerrors = es.oerrors;
		c->rx_nombuf = es.rx_nombuf;
	}
}

/* Counters of port i since the last clear. */
static void port_delta(struct cli_sess *s, unsigned int i, struct port_ctr *c)
{
	const struct cli_baseline *b = baseline(s);
	uint64_t *v = (uint64_t *)c;
	const uint64_t *base;
	size_t k;

	port_now(cli_ctl(s), i, c);
	if (b == NULL || b->tsc == 0)
		return;
	base = (const uint64_t *)&b->port[i];
	for (k = 0; k < sizeof(*c) / sizeof(uint64_t); k++)
		v[k] = sub(v[k], base[k]);
}

static void worker_now(const struct hub_ctl *ctl, unsigned int w, struct worker_ctr *c)
{
	const struct dp_worker_stats *st = &ctl->workers[w]->stats;
	unsigned int p, r;

	memset(c, 0, sizeof(*c));
	for (p = 0; p < ctl->n_ports; p++) {
		c->rx += st->port_rx[ctl->ports[p].port_id];
		c->tx += st->port_tx[ctl->ports[p].port_id];
	}
	for (r = 0; r < HUB_DROP_MAX; r++)
		c->drops += st->drops[r];
	c->punted = st->punted;
	c->loops = st->loops;
	c->busy_loops = st->busy_loops;
	c->busy_cycles = st->busy_cycles;
}

static void worker_delta(struct cli_sess *s, unsigned int w, struct worker_ctr *c)
{
	const struct cli_baseline *b = baseline(s);
	uint64_t *v = (uint64_t *)c;
	const uint64_t *base;
	size_t k;

	worker_now(cli_ctl(s), w, c);
	if (b == NULL || b->tsc == 0)
		return;
	base = (const uint64_t *)&b->worker[w];
	for (k = 0; k < sizeof(*c) / sizeof(uint64_t); k++)
		v[k] = sub(v[k], base[k]);
}

static void drops_now(const struct hub_ctl *ctl, uint64_t *dw, uint64_t *dc)
{
	unsigned int w, r;

	memset(dw, 0, sizeof(uint64_t) * HUB_DROP_MAX);
	for (w = 0; w < ctl->n_workers; w++)
		for (r = 0; r < HUB_DROP_MAX; r++)
			dw[r] += ctl->workers[w]->stats.drops[r];
	for (r = 0; r < HUB_DROP_MAX; r++)
		dc[r] = ctl->drops[r];
}

/* The TSC the counters run from: the last clear, else the start. */
static uint64_t since_tsc(struct cli_sess *s)
{
	const struct cli_baseline *b = baseline(s);

	return b != NULL && b->tsc != 0 ? b->tsc : cli_ctl(s)->start_tsc;
}

static void last_clearing(struct cli_sess *s, char *buf, size_t len)
{
	const struct cli_baseline *b = baseline(s);

	if (b == NULL || b->tsc == 0)
		snprintf(buf, len, "never");
	else
		cli_fmt_duration(buf, len, cli_tsc_age_s(b->tsc));
}

static void cmd_clear_counters(struct cli_sess *s, const struct cli_args *a, uint32_t flags)
{
	struct hub_ctl *ctl = cli_ctl(s);
	struct cli_baseline *b = baseline(s);
	unsigned int i;

	(void)a;
	(void)flags;
	if (b == NULL) {
		cli_error(s, "Out of memory");
		return;
	}
	for (i = 0; i < ctl->n_ports; i++)
		port_now(ctl, i, &b->port[i]);
	for (i = 0; i < ctl->n_workers; i++)
		worker_now(ctl, i, &b->worker[i]);
	drops_now(ctl, b->drops_w, b->drops_c);
	if (nhrp_server_stats(ctl) != NULL)
		b->nhrp = *nhrp_server_stats(ctl);
	b->fpm = *fpm_server_stats();
	b->exc = *ctl_exc_stats();
	b->local = *ctl_local_stats();
	b->tsc = rte_rdtsc();
}

/* The views below read these structs as arrays of uint64_t counters. */
static_assert(sizeof(struct fpm_stats) % sizeof(uint64_t) == 0, "fpm_stats: only uint64_t");
static_assert(sizeof(struct ctl_exc_stats) % sizeof(uint64_t) == 0, "ctl_exc_stats: uint64_t");
static_assert(sizeof(struct ctl_local_stats) % sizeof(uint64_t) == 0, "ctl_local_stats: uint64_t");

/* n counters of now minus base, into out (all three arrays of uint64_t). */
static void delta_u64(uint64_t *out, const uint64_t *now, const uint64_t *base, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++)
		out[k] = base != NULL ? sub(now[k], base[k]) : now[k];
}

const struct fpm_stats *cli_fpm_stats(struct cli_sess *s, struct fpm_stats *out)
{
	const struct cli_baseline *b = baseline(s);
	bool cleared = b != NULL && b->tsc != 0;

	delta_u64((uint64_t *)out, (const uint64_t *)fpm_server_stats(),
		  cleared ? (const uint64_t *)&b->fpm : NULL, sizeof(*out) / sizeof(uint64_t));
	return out;
}

void cli_exc_stats(struct cli_sess *s, struct ctl_exc_stats *exc, struct ctl_local_stats *local)
{
	const struct cli_baseline *b = baseline(s);
	bool cleared = b != NULL && b->tsc != 0;

	delta_u64((uint64_t *)exc, (const uint64_t *)ctl_exc_stats(),
		  cleared ? (const uint64_t *)&b->exc : NULL, sizeof(*exc) / sizeof(uint64_t));
	delta_u64((uint64_t *)local, (const uint64_t *)ctl_local_stats(),
		  cleared ? (const uint64_t *)&b->local : NULL, sizeof(*local) / sizeof(uint64_t));
}

int cli_nhrp_stats(struct cli_sess *s, struct nhrp_stats *out)
{
	const struct nhrp_stats *now = nhrp_server_stats(cli_ctl(s));
	const struct cli_baseline *b = baseline(s);
	uint64_t *v = (uint64_t *)out;
	const uint64_t *base;
	size_t k;

	if (now == NULL)
		return -ENOENT;
	*out = *now;
	if (b == NULL || b->tsc == 0)
		return 0;
	base = (const uint64_t *)&b->nhrp;
	for (k = 0; k < sizeof(*out) / sizeof(uint64_t); k++)
		v[k] = sub(v[k], base[k]);
	return 0;
}

/* --- show interfaces ------------------------------------------------------------------ */

static void fmt_mac_cisco(const struct rte_ether_addr *m, char *buf, size_t len)
{
	const uint8_t *b = m->addr_bytes;

	snprintf(buf, len, "%02x%02x.%02x%02x.%02x%02x", b[0], b[1], b[2], b[3], b[4], b[5]);
}

static void fmt_mac(const struct rte_ether_addr *m, char *buf, size_t len)
{
	const uint8_t *b = m->addr_bytes;

	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3], b[4], b[5]);
}

static const char *role_name(enum cfg_port_role r)
{
	return r == CFG_PORT_LAN ? "lan" : "underlay";
}

static void port_iface(struct cli_sess *s, unsigned int i, bool json)
{
	struct hub_ctl *ctl = cli_ctl(s);
	const struct ctl_port *p = &ctl->ports[i];
	const struct cfg_port *cp = p->cfg;
	struct rte_eth_dev_info info;
	struct rte_eth_link link;
	struct rte_ether_addr mac;
	struct port_ctr c;
	char dev[RTE_ETH_NAME_MAX_LEN] = "?", m[20], a[CLI_IP_LEN], g[CLI_IP_LEN], clr[16];
	const char *driver = "?";
	bool up;

	memset(&link, 0, sizeof(link));
	memset(&mac, 0, sizeof(mac));
	rte_eth_link_get_nowait(p->port_id, &link);
	rte_eth_macaddr_get(p->port_id, &mac);
	rte_eth_dev_get_name_by_port(p->port_id, dev);
	if (rte_eth_dev_info_get(p->port_id, &info) == 0 && info.driver_name != NULL)
		driver = info.driver_name;
	up = link.link_status == RTE_ETH_LINK_UP;
	port_delta(s, i, &c);
	cli_ip(cp->address.addr, a);
	cli_ip(cp->gateway, g);
	if (json) {
		fmt_mac(&mac, m, sizeof(m));
		cli_printf(s, "%s{\"name\":", i > 0 ? "," : "");
		cli_json_str(s, cp->name);
		cli_printf(s, ",\"device\":");
		cli_json_str(s, dev);
		cli_printf(s, ",\"driver\":");
		cli_json_str(s, driver);
		cli_printf(s, ",\"port_id\":%u,\"role\":\"%s\",\"address\":\"%s/%u\",\"gateway\":",
			   p->port_id, role_name(cp->role), a, cp->address.len);
		cli_json_str(s, cp->gateway != 0 ? g : NULL);
		cli_printf(s, ",\"mac\":\"%s\",\"mtu\":%u,\"link\":\"%s\",\"speed_mbps\":%" PRIu32
			   ",\"duplex\":\"%s\",\"autoneg\":%s,\"rx_queues\":%u,\"tx_queues\":%u,"
			   "\"control_txq\":%u,\"rx_ring\":%u,\"tx_ring\":%u,"
			   "\"counters\":{\"rx\":%" PRIu64 ",\"rx_bytes\":%" PRIu64 ",\"tx\":%" PRIu64
			   ",\"tx_bytes\":%" PRIu64 ",\"control_tx\":%" PRIu64
			   ",\"control_tx_drop\":%" PRIu64 ",\"ipackets\":%" PRIu64
			   ",\"opackets\":%" PRIu64 ",\"imissed\":%" PRIu64 ",\"ierrors\":%" PRIu64
			   ",\"oerrors\":%" PRIu64 "}}",
			   m, cp->mtu, up ? "up" : "down", link.link_speed,
			   link.link_duplex == RTE_ETH_LINK_FULL_DUPLEX ? "full" : "half",
			   link.link_autoneg ? "true" : "false", p->nb_rxq, p->nb_txq, p->ctl_txq,
			   cp->rx_ring, cp->tx_ring, c.rx, c.rx_bytes, c.tx, c.tx_bytes, c.ctl_tx,
			   c.ctl_tx_drop, c.ipackets, c.opackets, c.imissed, c.ierrors, c.oerrors);
		return;
	}
	fmt_mac_cisco(&mac, m, sizeof(m));
	last_clearing(s, clr, sizeof(clr));
	cli_printf(s, "%s is %s, line protocol is %s\n", cp->name, up ? "up" : "down",
		   up ? "up" : "down");
	cli_printf(s, "  Hardware is %s (driver %s), address is %s\n", dev, driver, m);
	cli_printf(s, "  Internet address is %s/%u, role %s", a, cp->address.len,
		   role_name(cp->role));
	if (cp->gateway != 0)
		cli_printf(s, ", default gateway %s", g);
	cli_printf(s, "\n  MTU %u bytes, link %s, %s-duplex, %s\n", cp->mtu,
		   rte_eth_link_speed_to_str(link.link_speed),
		   link.link_duplex == RTE_ETH_LINK_FULL_DUPLEX ? "full" : "half",
		   link.link_autoneg ? "autoneg" : "fixed");
	cli_printf(s, "  DPDK port %u, %u rx queues, %u tx queues (control uses %u), "
		      "rings %u/%u\n", p->port_id, p->nb_rxq, p->nb_txq, p->ctl_txq, cp->rx_ring,
		   cp->tx_ring);
	cli_printf(s, "  Last clearing of counters %s\n", clr);
	cli_printf(s, "     %" PRIu64 " packets input, %" PRIu64 " bytes, %" PRIu64 " missed, %" PRIu64
		   " errors, %" PRIu64 " no buffer\n", c.ipackets, c.ibytes, c.imissed, c.ierrors,
		   c.rx_nombuf);
	cli_printf(s, "     %" PRIu64 " packets output, %" PRIu64 " bytes, %" PRIu64 " errors\n",
		   c.opackets, c.obytes, c.oerrors);
	cli_printf(s, "     hub: %" PRIu64 " received, %" PRIu64 " sent by workers, %" PRIu64
		   " sent by control, %" PRIu64 " control sends dropped\n", c.rx, c.tx, c.ctl_tx,
		   c.ctl_tx_drop);
}

static void tunnel_iface(struct cli_sess *s, unsigned int t, bool json,
			 const struct cli_peer_counts *cnt)
{
	struct hub_ctl *ctl = cli_ctl(s);
	const struct cfg_tunnel *tc = &ctl->cfg->tunnels[t];
	int src = cfg_port_index(ctl->cfg, tc->source);
	uint32_t src_addr = src >= 0 ? ctl->cfg->ports[src].address.addr : 0;
	uint32_t n_static = cnt->n[t][CTL_PEER_STATIC], n_dyn = cnt->n[t][CTL_PEER_DYNAMIC];
	uint32_t n_inc = cnt->n[t][CTL_PEER_INCOMPLETE];
	char a[CLI_IP_LEN], b[CLI_IP_LEN];
	cli_ip(tc->address.addr, a);
	cli_ip(src_addr, b);
	if (json) {
		cli_printf(s, "%s{\"name\":", t > 0 ? "," : "");
		cli_json_str(s, tc->name);
		cli_printf(s, ",\"address\":\"%s/%u\",\"source\":", a, tc->address.len);
		cli_json_str(s, tc->source);
		cli_printf(s, ",\"source_address\":\"%s\",\"key\":", b);
		if (tc->has_key)
			cli_printf(s, "%" PRIu32, tc->key);
		else
			cli_printf(s, "null");
		cli_printf(s, ",\"mtu\":%u,\"tcp_mss\":%u,\"network_id\":%" PRIu32
			   ",\"holdtime\":%" PRIu32 ",\"redirect\":%s,\"peers\":{\"static\":%" PRIu32
			   ",\"dynamic\":%" PRIu32 ",\"incomplete\":%" PRIu32 "}}",
			   tc->mtu, tc->tcp_mss, tc->nhrp.network_id, tc->nhrp.holdtime,
			   tc->nhrp.redirect ? "true" : "false", n_static, n_dyn, n_inc);
		return;
	}
	cli_printf(s, "%s is up, line protocol is up\n", tc->name);
	cli_printf(s, "  Hardware is Tunnel\n");
	cli_printf(s, "  Internet address is %s/%u\n", a, tc->address.len);
	cli_printf(s, "  MTU %u bytes, TCP MSS adjust %s", tc->mtu, tc->tcp_mss ? "" : "off");
	if (tc->tcp_mss)
		cli_printf(s, "%u", tc->tcp_mss);
	cli_printf(s, "\n  Tunnel source %s (%s), destination multipoint", b, tc->source);
	if (tc->has_key)
		cli_printf(s, ", key %" PRIu32, tc->key);
	cli_printf(s, "\n  Tunnel protocol/transport multi-GRE/IP\n");
	cli_printf(s, "  NHRP network-id %" PRIu32 ", holdtime %" PRIu32 " s, redirect %s, "
		      "peers: %" PRIu32 " static, %" PRIu32 " dynamic, %" PRIu32 " incomplete\n",
		   tc->nhrp.network_id, tc->nhrp.holdtime, tc->nhrp.redirect ? "on" : "off",
		   n_static, n_dyn, n_inc);
}

/* The peer counts of the tunnels take a scan of the peer table: in steps. */
static bool interfaces_step(struct cli_sess *s, struct cli_walk *w)
{
	struct hub_ctl *ctl = cli_ctl(s);
	bool json = w->flags & CLI_F_JSON;
	unsigned int i;

	if (cli_peer_count_step(ctl, w, w->buf))
		return true;
	if (json)
		cli_printf(s, "{\"ports\":[");
	for (i = 0; i < ctl->n_ports; i++)
		port_iface(s, i, json);
	if (json)
		cli_printf(s, "],\"tunnels\":[");
	for (i = 0; i < ctl->cfg->n_tunnels; i++)
		tunnel_iface(s, i, json, w->buf);
	if (json)
		cli_printf(s, "]}\n");
	return false;
}

static void cmd_show_interfaces(struct cli_sess *s, const struct cli_args *a, uint32_t flags)
{
	(void)a;
	cli_walk_start_counting(s, interfaces_step, flags);
}

/* --- show port stats ------------------------------------------------------------------ */

static void port_stats(struct cli_sess *s, unsigned int i, bool json, bool first)
{
	struct hub_ctl *ctl = cli_ctl(s);
	struct cli_baseline *b = baseline(s);
	const struct ctl_port *p = &ctl->ports[i];
	uint64_t now = rte_rdtsc(), hz = rte_get_tsc_hz();
	uint64_t rx_pps = 0, tx_pps = 0, rx_bps = 0, tx_bps = 0;
	struct port_ctr c, raw;

	port_delta(s, i, &c);
	/* Rates since the previous show port stats, as testpmd computes them. */
	port_now(ctl, i, &raw);
	if (b != NULL) {
		if (b->rate_tsc[i] != 0 && now > b->rate_tsc[i]) {
			uint64_t dt = now - b->rate_tsc[i];

			rx_pps = sub(raw.ipackets, b->rate_rx[i]) * hz / dt;
			tx_pps = sub(raw.opackets, b->rate_tx[i]) * hz / dt;
			rx_bps = sub(raw.ibytes, b->rate_rxb[i]) * 8 * hz / dt;
			tx_bps = sub(raw.obytes, b->rate_txb[i]) * 8 * hz / dt;
		}
		b->rate_tsc[i] = now;
		b->rate_rx[i] = raw.ipackets;
		b->rate_tx[i] = raw.opackets;
		b->rate_rxb[i] = raw.ibytes;
		b->rate_txb[i] = raw.obytes;
	}
	if (json) {
		cli_printf(s, "%s{\"port_id\":%u,\"name\":", first ? "" : ",", p->port_id);
		cli_json_str(s, p->cfg->name);
		cli_printf(s, ",\"rx_packets\":%" PRIu64 ",\"rx_missed\":%" PRIu64 ",\"rx_bytes\":%" PRIu64
			   ",\"rx_errors\":%" PRIu64 ",\"rx_nombuf\":%" PRIu64 ",\"tx_packets\":%" PRIu64
			   ",\"tx_errors\":%" PRIu64 ",\"tx_bytes\":%" PRIu64 ",\"rx_pps\":%" PRIu64
			   ",\"tx_pps\":%" PRIu64 ",\"rx_bps\":%" PRIu64 ",\"tx_bps\":%" PRIu64
			   ",\"hub_rx\":%" PRIu64 ",\"hub_rx_bytes\":%" PRIu64 ",\"hub_tx\":%" PRIu64
			   ",\"hub_tx_bytes\":%" PRIu64 ",\"control_tx\":%" PRIu64
			   ",\"control_tx_drop\":%" PRIu64 "}",
			   c.ipackets, c.imissed, c.ibytes, c.ierrors, c.rx_nombuf, c.opackets,
			   c.oerrors, c.obytes, rx_pps, tx_pps, rx_bps, tx_bps, c.rx, c.rx_bytes, c.tx,
			   c.tx_bytes, c.ctl_tx, c.ctl_tx_drop);
		return;
	}
	cli_printf(s, "\n  ######################## NIC statistics for port %u (%s) "
		      "########################\n", p->port_id, p->cfg->name);
	cli_printf(s, "  RX-packets: %-10" PRIu64 " RX-missed: %-10" PRIu64 " RX-bytes:  %" PRIu64
		   "\n", c.ipackets, c.imissed, c.ibytes);
	cli_printf(s, "  RX-errors: %" PRIu64 "\n", c.ierrors);
	cli_printf(s, "  RX-nombuf:  %" PRIu64 "\n", c.rx_nombuf);
	cli_printf(s, "  TX-packets: %-10" PRIu64 " TX-errors: %-10" PRIu64 " TX-bytes:  %" PRIu64
		   "\n", c.opackets, c.oerrors, c.obytes);
	cli_printf(s, "\n  Throughput (since last show)\n");
	cli_printf(s, "  Rx-pps: %12" PRIu64 "          Rx-bps: %12" PRIu64 "\n", rx_pps, rx_bps);
	cli_printf(s, "  Tx-pps: %12" PRIu64 "          Tx-bps: %12" PRIu64 "\n", tx_pps, tx_bps);
	cli_printf(s, "\n  Hub: rx %" PRIu64 " (%" PRIu64 " bytes), tx by workers %" PRIu64
		   " (%" PRIu64 " bytes), tx by control %" PRIu64 ", control tx dropped %" PRIu64 "\n",
		   c.rx, c.rx_bytes, c.tx, c.tx_bytes, c.ctl_tx, c.ctl_tx_drop);
	cli_printf(s, "  ###########################################################"
		      "#########################\n");
}

#define PORT_F_ID (CLI_F_USER << 0)

static void cmd_show_port_stats(struct cli_sess *s, const struct cli_args *a, uint32_t flags)
{
	struct hub_ctl *ctl = cli_ctl(s);
	bool json = flags & CLI_F_JSON;
	unsigned int i;

	if (flags & PORT_F_ID) {
		uint32_t id = a->v[0].num;

		if (id >= DP_MAX_PORTS || ctl->port_by_id[id] < 0) {
			cli_error(s, "No such port: %" PRIu32 " (a DPDK port id of the hub)", id);
			return;
		}
		if (json)
			cli_printf(s, "{\"ports\":[");
		port_stats(s, (unsigned int)ctl->port_by_id[id], json, true);
		if (json)
			cli_printf(s, "]}\n");
		return;
	}
	if (json)
		cli_printf(s, "{\"ports\":[");
	for (i = 0; i < ctl->n_ports; i++)
		port_stats(s, i, json, i == 0);
	if (json)
		cli_printf(s, "]}\n");
}

/* --- show lcores ---------------------------------------------------------------------- */

static void cmd_show_lcores(struct cli_sess *s, const struct cli_args *a, uint32_t flags)
{
	struct hub_ctl *ctl = cli_ctl(s);
	bool json = flags & CLI_F_JSON;
	uint64_t elapsed = sub(rte_rdtsc(), since_tsc(s));
	uint64_t ctl_tx = 0, ctl_drops = 0, dw[HUB_DROP_MAX], dc[HUB_DROP_MAX];
	const struct cli_baseline *b = baseline(s);
	unsigned int w, i;

	(void)a;
	drops_now(ctl, dw, dc);
	for (i = 0; i < ctl->n_ports; i++) {
		struct port_ctr c;

		port_delta(s, i, &c);
		ctl_tx += c.ctl_tx;
	}
	for (i = 0; i < HUB_DROP_MAX; i++)
		ctl_drops += sub(dc[i], b != NULL && b->tsc != 0 ? b->drops_c[i] : 0);
	if (json)
		cli_printf(s, "{\"control\":{\"lcore\":%u,\"tx\":%" PRIu64 ",\"drops\":%" PRIu64
			   "},\"workers\":[", rte_get_main_lcore(), ctl_tx, ctl_drops);
	else
		cli_printf(s, "%5s  %-10s %11s  %11s  %11s  %11s  %6s  %s\n"
			      "%5u  %-10s %11s  %11" PRIu64 "  %11" PRIu64 "  %11s  %6s  %s\n",
			   "Lcore", "Role", "Rx packets", "Tx packets", "Drops", "Punted", "Busy",
			   "Max loop (cycles)", rte_get_main_lcore(), "control", "-", ctl_tx,
			   ctl_drops, "-", "-", "-");
	for (w = 0; w < ctl->n_workers; w++) {
		const struct dp_worker_stats *st = &ctl->workers[w]->stats;
		struct worker_ctr c;
		double busy, busy_loops;
		char role[24];

		worker_delta(s, w, &c);
		busy = elapsed ? 100.0 * (double)c.busy_cycles / (double)elapsed : 0.0;
		if (busy > 100.0)
			busy = 100.0;
		busy_loops = c.loops ? 100.0 * (double)c.busy_loops / (double)c.loops : 0.0;
		if (json) {
			cli_printf(s, "%s{\"index\":%u,\"lcore\":%u,\"rx\":%" PRIu64 ",\"tx\":%" PRIu64
				   ",\"drops\":%" PRIu64 ",\"punted\":%" PRIu64 ",\"loops\":%" PRIu64
				   ",\"busy_loops\":%" PRIu64 ",\"busy_cycles\":%" PRIu64
				   ",\"busy_pct\":%.2f,\"busy_loops_pct\":%.2f,\"max_loop_cycles\":%" PRIu64
				   ",\"max_apply_cycles\":%" PRIu64 "}",
				   w > 0 ? "," : "", w, ctl->workers[w]->lcore_id, c.rx, c.tx, c.drops,
				   c.punted, c.loops, c.busy_loops, c.busy_cycles, busy, busy_loops,
				   st->max_loop_cycles, st->max_apply_cycles);
			continue;
		}
		snprintf(role, sizeof(role), "worker %u", w);
		cli_printf(s, "%5u  %-10s %11" PRIu64 "  %11" PRIu64 "  %11" PRIu64 "  %11" PRIu64
			   "  %5.1f%%  %" PRIu64 "\n", ctl->workers[w]->lcore_id, role, c.rx, c.tx,
			   c.drops, c.punted, busy, st->max_loop_cycles);
	}
	if (json)
		cli_printf(s, "]}\n");
	else
		cli_printf(s, "Busy: share of TSC cycles spent in loop iterations that had work, "
			      "since the last clear.\n");
}

/* --- show drops ----------------------------------------------------------------------- */

static void cmd_show_drops(struct cli_sess *s, const struct cli_args *a, uint32_t flags)
{
	struct hub_ctl *ctl = cli_ctl(s);
	const struct cli_baseline *b = baseline(s);
	bool json = flags & CLI_F_JSON, based = b != NULL && b->tsc != 0;
	uint64_t dw[HUB_DROP_MAX], dc[HUB_DROP_MAX], tw = 0, tc = 0;
	unsigned int r, shown = 0;

	(void)a;
	drops_now(ctl, dw, dc);
	for (r = 0; r < HUB_DROP_MAX; r++) {
		dw[r] = sub(dw[r], based ? b->drops_w[r] : 0);
		dc[r] = sub(dc[r], based ? b->drops_c[r] : 0);
		tw += dw[r];
		tc += dc[r];
	}
	if (json) {
		cli_printf(s, "{\"reasons\":{");
		for (r = 0; r < HUB_DROP_MAX; r++)
			cli_printf(s, "%s\"%s\":{\"workers\":%" PRIu64 ",\"control\":%" PRIu64
				   ",\"total\":%" PRIu64 "}", r > 0 ? "," : "", hub_drop_name(r), dw[r],
				   dc[r], dw[r] + dc[r]);
		cli_printf(s, "},\"workers\":%" PRIu64 ",\"control\":%" PRIu64 ",\"total\":%" PRIu64
			   "}\n", tw, tc, tw + tc);
		return;
	}
	cli_printf(s, "%-26s %12s %12s %12s\n", "Reason", "Workers", "Control", "Total");
	for (r = 0; r < HUB_DROP_MAX; r++) {
		if (dw[r] + dc[r] == 0)
			continue;
		cli_printf(s, "%-26s %12" PRIu64 " %12" PRIu64 " %12" PRIu64 "\n", hub_drop_name(r),
			   dw[r], dc[r], dw[r] + dc[r]);
		shown++;
	}
	if (shown == 0)
		cli_printf(s, "(no packet dropped)\n");
	cli_printf(s, "%-26s %12" PRIu64 " %12" PRIu64 " %12" PRIu64 "\n", "Total", tw, tc, tw + tc);
}

/* --- show version --------------------------------------------------------------------- */

static void cmd_show_version(struct cli_sess *s, const struct cli_args *a, uint32_t flags)
{
	struct hub_ctl *ctl = cli_ctl(s);
	const struct cli_server *srv = cli_sess_server(s);
	uint64_t up = cli_tsc_age_s(ctl->start_tsc);
	const struct ctl_route *r;
	unsigned int n_routes = 0, w;
	char t[16];
	int pos;

	(void)a;
	for (pos = ctl_fib_next(ctl, 0, &r); pos >= 0; pos = ctl_fib_next(ctl, pos, &r))
		n_routes++;
	if (flags & CLI_F_JSON) {
		cli_printf(s, "{\"version\":\"%s\",\"dpdk\":", HUB_VERSION);
		cli_json_str(s, rte_version());
		cli_printf(s, ",\"uptime_s\":%" PRIu64 ",\"config\":", up);
		cli_json_str(s, ctl->cfg->source);
		cli_printf(s, ",\"control_lcore\":%u,\"worker_lcores\":[", rte_get_main_lcore());
		for (w = 0; w < ctl->n_workers; w++)
			cli_printf(s, "%s%u", w > 0 ? "," : "", ctl->workers[w]->lcore_id);
		cli_printf(s, "],\"ports\":%u,\"tunnels\":%u,\"nhrp_peers\":%" PRIu32
			   ",\"peer_slots\":%" PRIu32 ",\"routes\":%u,\"cli_sessions\":%u,"
			   "\"cli_sessions_max\":%u,\"tsc_hz\":%" PRIu64 "}\n",
			   ctl->n_ports, ctl->cfg->n_tunnels, ctl_peer_count(ctl), ctl_peer_slots(ctl),
			   n_routes, srv->n_sess, CLI_MAX_SESSIONS, rte_get_tsc_hz());
		return;
	}
	cli_fmt_duration(t, sizeof(t), up % 86400);
	cli_printf(s, "dmvpn-hub %s, %s\n", HUB_VERSION, rte_version());
	cli_printf(s, "Uptime is %" PRIu64 " days, %s\n", up / 86400, t);
	cli_printf(s, "Configuration file \"%s\"\n", ctl->cfg->source);
	cli_printf(s, "Control on lcore %u, %u worker lcore(s):", rte_get_main_lcore(),
		   ctl->n_workers);
	for (w = 0; w < ctl->n_workers; w++)
		cli_printf(s, " %u", ctl->workers[w]->lcore_id);
	cli_printf(s, "\n%u port(s), %u tunnel(s), %" PRIu32 " NHRP peer(s) in %" PRIu32
		   " slots, %u route(s)\n", ctl->n_ports, ctl->cfg->n_tunnels, ctl_peer_count(ctl),
		   ctl_peer_slots(ctl), n_routes);
	cli_printf(s, "%u CLI session(s) of %u\n", srv->n_sess, CLI_MAX_SESSIONS);
}

/* --- show running-config -------------------------------------------------------------- */

#define RUNCFG_CHUNK 16384

static bool runcfg_step(struct cli_sess *s, struct cli_walk *w)
{
	const char *text = w->buf;
	bool json = w->flags & CLI_F_JSON;

	if (w->phase == 0) {
		if (json)
			cli_printf(s, "{\"text\":\"");
		w->phase = 1;
	}
	while (w->pos < w->len) {
		size_t n = RTE_MIN((size_t)RUNCFG_CHUNK, w->len - w->pos);

		if (json)
			cli_json_esc(s, text + w->pos, n);
		else
			cli_write(s, text + w->pos, n);
		w->pos += n;
		if (w->pos < w->len && cli_walk_yield(s))
			return true;
	}
	if (json)
		cli_printf(s, "\"}\n");
	return false;
}

static void cmd_show_running_config(struct cli_sess *s, const struct cli_args *a,
				    uint32_t flags)
{
	struct cli_walk w = {.fn = runcfg_step, .flags = flags};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int rc;

	(void)a;
	if (f == NULL) {
		cli_error(s, "Out of memory");
		return;
	}
	rc = cli_runcfg_print(cli_sess_server(s), f);
	fclose(f);
	if (rc < 0) {
		free(buf);
		cli_error(s, "Cannot print the configuration: %s", strerror(-rc));
		return;
	}
	w.buf = buf;
	w.len = len;
	cli_walk_start(s, &w);
}

const struct cli_cmd cli_system_cmds[] = {
	{"show interfaces", "Ports and tunnels: addresses, link, counters", cmd_show_interfaces,
	 CLI_C_JSON},
	{"show port stats", "Port statistics (testpmd style), every port", cmd_show_port_stats,
	 CLI_C_JSON},
	{"show port stats all", "Port statistics, every port", cmd_show_port_stats,
	 CLI_F_ALL | CLI_C_JSON},
	{"show port stats ID", "Port statistics of one DPDK port", cmd_show_port_stats,
	 PORT_F_ID | CLI_C_JSON},
	{"show lcores", "Per-lcore packets, drops and busy share", cmd_show_lcores, CLI_C_JSON},
	{"show drops", "Dropped packets by named reason", cmd_show_drops, CLI_C_JSON},
	{"show version", "Versions, uptime, sizes", cmd_show_version, CLI_C_JSON},
	{"show running-config", "The configuration in use, runtime changes included",
	 cmd_show_running_config, CLI_C_JSON},
	{"clear counters", "Count from zero again in every view (the writers' counters are "
			   "not touched)", cmd_clear_counters, 0},
	{NULL, NULL, NULL, 0},
};

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ports: probe the configured devices (any PMD: PCI NICs, net_af_packet, net_tap,
 * net_pcap, net_null, net_ring), give every worker an rx and a tx queue on each, give
 * control a tx queue of its own, and publish the port facts the workers read.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_bus.h>
#include <rte_dev.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "control/ctl_ports.h"
#include "lib/hub_log.h"

/* The device's name: what precedes the first comma of its device string. */
static void device_name(const char *device, char *name, size_t len)
{
	size_t n = strcspn(device, ",");

	if (n >= len)
		n = len - 1;
	memcpy(name, device, n);
	name[n] = '\0';
}

/*
 * net_af_packet opens one socket per queue pair at probe time and spreads received
 * frames over all of them (PACKET_FANOUT_HASH), so every one must be polled: it gets as
 * many queue pairs as we need tx queues, and all of them become rx queues too. Its
 * default of 512 frames per ring also loses packets silently under load (DESIGN.md §5).
 */
static void af_packet_devargs(const char *device, unsigned int qpairs, char *out, size_t len)
{
	int n = snprintf(out, len, "%s", device);

	if (strstr(device, "qpairs=") == NULL && n > 0 && (size_t)n < len)
		n += snprintf(out + n, len - n, ",qpairs=%u", qpairs);
	if (strstr(device, "framecnt=") == NULL && n > 0 && (size_t)n < len)
		snprintf(out + n, len - n, ",framecnt=4096");
}

static int port_probe(const struct cfg_port *cp, unsigned int n_workers, uint16_t *port_id)
{
	char name[CFG_DEVICE_MAX], devargs[CFG_DEVICE_MAX + 64];
	int rc;

	device_name(cp->device, name, sizeof(name));
	if (rte_eth_dev_get_port_by_name(name, port_id) == 0)
		return 0; /* already probed by EAL (-a / --vdev) */

	if (strncmp(name, "net_af_packet", strlen("net_af_packet")) == 0)
		af_packet_devargs(cp->device, n_workers + 1, devargs, sizeof(devargs));
	else
		snprintf(devargs, sizeof(devargs), "%s", cp->device);

	rc = rte_dev_probe(devargs);
	if (rc < 0) {
		HUB_LOG(ERR, port, "port %s: cannot probe device \"%s\": %s", cp->name, devargs,
			rte_strerror(-rc));
		return rc;
	}
	if (rte_eth_dev_get_port_by_name(name, port_id) != 0) {
		HUB_LOG(ERR, port, "port %s: device \"%s\" probed but no ethdev named %s", cp->name,
			devargs, name);
		return -ENODEV;
	}
	return 0;
}

static int port_configure(struct hub_ctl *ctl, struct ctl_port *p, unsigned int n_workers)
{
	const struct cfg_port *cp = p->cfg;
	struct rte_eth_dev_info info;
	struct rte_eth_conf conf;
	uint16_t nb_rxd = cp->rx_ring, nb_txd = cp->tx_ring, q;
	int socket, rc;
	bool af_packet;

	rc = rte_eth_dev_info_get(p->port_id, &info);
	if (rc != 0)
		return rc;
	af_packet = strcmp(info.driver_name, "net_af_packet") == 0;

	/* One tx queue per worker plus control's own; rx queues as many as workers. */
	p->nb_txq = n_workers + 1;
	p->nb_rxq = af_packet ? info.max_rx_queues : n_workers;
	if (p->nb_rxq > info.max_rx_queues)
		p->nb_rxq = info.max_rx_queues;
	if (p->nb_txq > info.max_tx_queues) {
		HUB_LOG(ERR, port,
			"port %s (%s): the device offers %u tx queues; the hub needs %u (one per "
			"worker and one for control)",
			cp->name, info.driver_name, info.max_tx_queues, p->nb_txq);
		return -EINVAL;
	}
	if (p->nb_rxq == 0) {
		HUB_LOG(ERR, port, "port %s (%s): the device offers no rx queue", cp->name,
			info.driver_name);
		return -EINVAL;
	}
	p->ctl_txq = n_workers;

	memset(&conf, 0, sizeof(conf));
	if (p->nb_rxq > 1 && (info.flow_type_rss_offloads & RTE_ETH_RSS_IP)) {
		/* Outer source address hashing keeps one spoke on one worker (anti-replay). */
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf = RTE_ETH_RSS_IPV4 & info.flow_type_rss_offloads;
	}
	if (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_IPV4_CKSUM)
		conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_IPV4_CKSUM;
	/* Multicast copies are a header mbuf chained to the shared payload. */
	if (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS)
		conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_MULTI_SEGS;

	rc = rte_eth_dev_configure(p->port_id, p->nb_rxq, p->nb_txq, &conf);
	if (rc < 0) {
		HUB_LOG(ERR, port, "port %s: configure %u rx / %u tx queues: %s", cp->name,
			p->nb_rxq, p->nb_txq, rte_strerror(-rc));
		return rc;
	}
	rc = rte_eth_dev_adjust_nb_rx_tx_desc(p->port_id, &nb_rxd, &nb_txd);
	if (rc < 0)
		return rc;

	socket = rte_eth_dev_socket_id(p->port_id);
	if (socket < 0)
		socket = (int)rte_socket_id();
	for (q = 0; q < p->nb_rxq; q++) {
		rc = rte_eth_rx_queue_setup(p->port_id, q, nb_rxd, socket, NULL, ctl->pool);
		if (rc < 0) {
			HUB_LOG(ERR, port, "port %s: rx queue %u: %s", cp->name, q,
				rte_strerror(-rc));
			return rc;
		}
	}
	for (q = 0; q < p->nb_txq; q++) {
		rc = rte_eth_tx_queue_setup(p->port_id, q, nb_txd, socket, NULL);
		if (rc < 0) {
			HUB_LOG(ERR, port, "port %s: tx queue %u: %s", cp->name, q,
				rte_strerror(-rc));
			return rc;
		}
	}

	/* af_packet sets the kernel interface's MTU, which the lab sets itself with
	 * `ip link` (DESIGN.md §5); other PMDs take it here. */
	if (!af_packet) {
		rc = rte_eth_dev_set_mtu(p->port_id, cp->mtu);
		if (rc < 0 && rc != -ENOTSUP)
			HUB_LOG(WARNING, port, "port %s: cannot set MTU %u: %s", cp->name, cp->mtu,
				rte_strerror(-rc));
	}
	return 0;
}

int ctl_ports_init(struct hub_ctl *ctl)
{
	unsigned int i;
	int rc;

	for (i = 0; i < DP_MAX_PORTS; i++)
		ctl->port_by_id[i] = -1;

	for (i = 0; i < ctl->cfg->n_ports; i++) {
		struct ctl_port *p = &ctl->ports[i];
		struct dp_port *dp;

		p->cfg = &ctl->cfg->ports[i];
		rc = port_probe(p->cfg, ctl->n_workers, &p->port_id);
		if (rc < 0)
			return rc;
		if (p->port_id >= DP_MAX_PORTS || ctl->port_by_id[p->port_id] >= 0) {
			HUB_LOG(ERR, port, "port %s: device is already used by another port",
				p->cfg->name);
			return -EEXIST;
		}
		rc = port_configure(ctl, p, ctl->n_workers);
		if (rc < 0)
			return rc;
		ctl->port_by_id[p->port_id] = (int)i;
		ctl->n_ports = i + 1;

		dp = &ctl->shared->ports[p->port_id];
		dp->enabled = true;
		dp->role = p->cfg->role == CFG_PORT_LAN ? DP_PORT_LAN : DP_PORT_UNDERLAY;
		dp->mtu = p->cfg->mtu;
		dp->addr = p->cfg->address.addr;
		dp->mask = p->cfg->address.len ? rte_cpu_to_be_32(~0u << (32 - p->cfg->address.len))
					       : 0;
		rc = rte_eth_macaddr_get(p->port_id, &dp->mac);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int ctl_ports_start(struct hub_ctl *ctl)
{
	unsigned int i;

	for (i = 0; i < ctl->n_ports; i++) {
		struct ctl_port *p = &ctl->ports[i];
		const struct dp_port *dp = &ctl->shared->ports[p->port_id];
		char mac[RTE_ETHER_ADDR_FMT_SIZE];
		int rc = rte_eth_dev_start(p->port_id);

		if (rc < 0) {
			HUB_LOG(ERR, port, "port %s: start: %s", p->cfg->name, rte_strerror(-rc));
			return rc;
		}
		rte_ether_format_addr(mac, sizeof(mac), &dp->mac);
		HUB_LOG(INFO, port, "port %s: id %u, %s, %u rx / %u tx queues, mac %s, %s",
			p->cfg->name, p->port_id, p->cfg->device, p->nb_rxq, p->nb_txq, mac,
			p->cfg->role == CFG_PORT_LAN ? "lan" : "underlay");
	}
	return 0;
}

void ctl_ports_stop(struct hub_ctl *ctl)
{
	unsigned int i;

	for (i = 0; i < ctl->n_ports; i++) {
		uint16_t id = ctl->ports[i].port_id;

		rte_eth_dev_stop(id);
		rte_eth_dev_close(id);
	}
}

/* Spread every rx queue of every port over the workers, round robin per port. */
int ctl_ports_assign_queues(struct hub_ctl *ctl)
{
	unsigned int i, q;

	for (i = 0; i < ctl->n_ports; i++) {
		struct ctl_port *p = &ctl->ports[i];

		for (q = 0; q < p->nb_rxq; q++) {
			struct dp_worker *w = ctl->workers[q % ctl->n_workers];

			if (w->n_rxq == DP_MAX_RXQ) {
				HUB_LOG(ERR, port, "worker %u would poll more than %u rx queues",
					w->index, DP_MAX_RXQ);
				return -ENOSPC;
			}
			w->rxq[w->n_rxq].port = p->port_id;
			w->rxq[w->n_rxq].queue = (uint16_t)q;
			w->n_rxq++;
		}
	}
	return 0;
}

int ctl_tx(struct hub_ctl *ctl, unsigned int port_idx, struct rte_mbuf *m)
{
	struct ctl_port *p = &ctl->ports[port_idx];

	if (rte_eth_tx_burst(p->port_id, p->ctl_txq, &m, 1) == 1) {
		p->ctl_tx++;
		return 0;
	}
	p->ctl_tx_drop++;
	ctl->drops[HUB_DROP_TX_FULL]++;
	rte_pktmbuf_free(m);
	return -1;
}

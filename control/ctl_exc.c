/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The exception path (control/ctl_exc.h): net_tap interfaces polled by the control lcore.
 *
 * The kernel sees an Ethernet interface with the hub's tunnel address and the tunnel
 * subnet on-link. It ARPs for spokes; every such request is answered with one made-up MAC
 * (the "dataplane side" of the link), since whatever the kernel sends out of the
 * interface is routed by the hub's own FIB anyway. Frames towards the kernel carry that
 * MAC as source and the interface's MAC as destination.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <rte_arp.h>
#include <rte_cycles.h>
#include <rte_dev.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_lpm.h>

#include "control/ctl_exc.h"
#include "control/ctl_fib.h"
#include "control/ctl_lan.h"
#include "control/ctl_mcast.h"
#include "control/ctl_peer.h"
#include "lib/dp_nhg.h"
#include "lib/hub_log.h"

#define EXC_BURST 32
#define EXC_RING 512
#define EXC_IDLE_POLL_US 100	/* an idle tap is read every 100 us, not every loop */

struct exc_if {
	int port_id;			/* -1 = none */
	char vdev[32];
	struct rte_ether_addr kmac;	/* the kernel interface's MAC */
};

/* Control-lcore only. */
static struct exc_if excs[CFG_MAX_TUNNELS];
static struct ctl_exc_stats stats;
static bool excs_ready;
static uint64_t next_poll_tsc;
/* Locally administered, fixed: the hub's side of every exception link. */
static const struct rte_ether_addr hub_mac = {{0x02, 0x00, 0x5e, 0x00, 0x00, 0x01}};

const struct ctl_exc_stats *ctl_exc_stats(void)
{
	return &stats;
}

int ctl_exc_port(unsigned int tunnel)
{
	return excs_ready && tunnel < CFG_MAX_TUNNELS ? excs[tunnel].port_id : -1;
}

static void drop(struct hub_ctl *ctl, struct rte_mbuf *m, unsigned int reason)
{
	ctl->drops[reason]++;
	stats.dropped++;
	rte_pktmbuf_free(m);
}

/* Address, mask, MTU and up on the kernel side; IPv6 off (nothing would carry it). */
static int kernel_if_setup(const char *ifname, const struct cfg_tunnel *t)
{
	struct ifreq ifr;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;
	char path[128];
	FILE *f;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int rc = 0;

	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = t->address.addr;
	if (ioctl(fd, SIOCSIFADDR, &ifr) < 0)
		rc = -errno;
	sin->sin_addr.s_addr = t->address.len == 0 ? 0 : htonl(~0u << (32 - t->address.len));
	if (rc == 0 && ioctl(fd, SIOCSIFNETMASK, &ifr) < 0)
		rc = -errno;
	ifr.ifr_mtu = t->mtu;
	if (rc == 0 && ioctl(fd, SIOCSIFMTU, &ifr) < 0)
		rc = -errno;
	if (rc == 0 && ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		rc = -errno;
	ifr.ifr_flags |= IFF_UP;
	if (rc == 0 && ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		rc = -errno;
	close(fd);
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", ifname);
	f = fopen(path, "w");
	if (f != NULL) {
		fputs("1\n", f);
		fclose(f);
	}
	return rc;
}

static int exc_open(struct hub_ctl *ctl, unsigned int t)
{
	const struct cfg_tunnel *tu = &ctl->cfg->tunnels[t];
	struct exc_if *x = &excs[t];
	struct rte_eth_conf conf = {0};
	char args[96];
	uint16_t port;
	int rc;

	snprintf(x->vdev, sizeof(x->vdev), "net_tap_exc%u", t);
	snprintf(args, sizeof(args), "%s,iface=%s", x->vdev, tu->exception_if);
	rc = rte_dev_probe(args);
	if (rc < 0) {
		HUB_LOG(ERR, port, "tunnel %s: cannot create exception interface %s: %s", tu->name,
			tu->exception_if, rte_strerror(-rc));
		return rc;
	}
	if (rte_eth_dev_get_port_by_name(x->vdev, &port) != 0)
		return -ENODEV;
	x->port_id = port;
	rc = rte_eth_dev_configure(port, 1, 1, &conf);
	if (rc == 0)
		rc = rte_eth_rx_queue_setup(port, 0, EXC_RING, (unsigned int)rte_socket_id(), NULL,
					    ctl->pool);
	if (rc == 0)
		rc = rte_eth_tx_queue_setup(port, 0, EXC_RING, (unsigned int)rte_socket_id(), NULL);
	if (rc == 0)
		rc = rte_eth_dev_start(port);
	if (rc == 0)
		rc = rte_eth_macaddr_get(port, &x->kmac);
	if (rc == 0)
		rc = kernel_if_setup(tu->exception_if, tu);
	if (rc < 0) {
		HUB_LOG(ERR, port, "tunnel %s: exception interface %s: %s", tu->name,
			tu->exception_if, strerror(-rc));
		return rc;
	}
	HUB_LOG(INFO, port, "tunnel %s: exception interface %s (port %u)", tu->name,
		tu->exception_if, port);
	return 0;
}

int ctl_exc_init(struct hub_ctl *ctl)
{
	unsigned int t;
	int rc;

	for (t = 0; t < CFG_MAX_TUNNELS; t++)
		excs[t].port_id = -1;
	excs_ready = true;
	for (t = 0; t < ctl->cfg->n_tunnels; t++) {
		if (ctl->cfg->tunnels[t].exception_if[0] == '\0')
			continue;
		rc = exc_open(ctl, t);
		/* Multicast from spokes (OSPF hellos, ...) is for the hub's routing daemons:
		 * the first tunnel with an interface gets it. */
		if (rc == 0 && ctl_fib_find(ctl, RTE_BE32(0xe0000000), 4) == NULL)
			rc = ctl_fib_route_add(ctl, RTE_BE32(0xe0000000), 4, DP_NH(DP_NH_LOCAL, t),
					       0, ROUTE_CONNECTED);
		if (rc < 0)
			return rc;
	}
	return 0;
}

void ctl_exc_free(struct hub_ctl *ctl)
{
	unsigned int t;

	(void)ctl;
	if (!excs_ready)
		return;
	for (t = 0; t < CFG_MAX_TUNNELS; t++) {
		if (excs[t].port_id < 0)
			continue;
		rte_eth_dev_stop((uint16_t)excs[t].port_id);
		/* closing a net_tap port removes its kernel interface */
		rte_eth_dev_close((uint16_t)excs[t].port_id);
		excs[t].port_id = -1;
	}
	excs_ready = false;
}

static void tap_tx(struct hub_ctl *ctl, unsigned int t, struct rte_mbuf *m)
{
	if (rte_eth_tx_burst((uint16_t)excs[t].port_id, 0, &m, 1) != 1)
		drop(ctl, m, HUB_DROP_EXC_TAP_FULL);
}

int ctl_exc_to_kernel(struct hub_ctl *ctl, struct rte_mbuf *m)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	struct rte_ether_hdr *eth;
	unsigned int t;

	if (!excs_ready || rte_pktmbuf_data_len(m) < sizeof(*ip))
		return -ENOENT;
	/* The tunnel whose address it is for; multicast goes to every exception interface
	 * (one tunnel's multicast is one tunnel's: the first with an interface). */
	for (t = 0; t < ctl->cfg->n_tunnels; t++)
		if (excs[t].port_id >= 0 &&
		    (ctl->cfg->tunnels[t].address.addr == ip->dst_addr ||
		     (rte_be_to_cpu_32(ip->dst_addr) >> 28) == 0xe))
			break;
	if (t == ctl->cfg->n_tunnels)
		return -ENOENT;
	eth = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, sizeof(*eth));
	if (eth == NULL) {
		drop(ctl, m, HUB_DROP_NO_HEADROOM);
		return -ENOBUFS;
	}
	rte_ether_addr_copy(&excs[t].kmac, &eth->dst_addr);
	rte_ether_addr_copy(&hub_mac, &eth->src_addr);
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	m->ol_flags = 0;
	stats.to_kernel++;
	tap_tx(ctl, t, m);
	return 0;
}

/* RFC 826: answer every request but for the hub's own address (the kernel owns it). */
static void arp_input(struct hub_ctl *ctl, unsigned int t, struct rte_mbuf *m)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_arp_hdr *arp = (struct rte_arp_hdr *)(eth + 1);
	uint32_t tip;

	if (rte_pktmbuf_data_len(m) < sizeof(*eth) + sizeof(*arp) ||
	    arp->arp_opcode != RTE_BE16(RTE_ARP_OP_REQUEST) ||
	    arp->arp_hardware != RTE_BE16(RTE_ARP_HRD_ETHER) ||
	    arp->arp_protocol != RTE_BE16(RTE_ETHER_TYPE_IPV4) ||
	    arp->arp_data.arp_tip == ctl->cfg->tunnels[t].address.addr) {
		rte_pktmbuf_free(m); /* replies, gratuitous ARP, probes: nothing to do */
		return;
	}
	tip = arp->arp_data.arp_tip;
	arp->arp_opcode = RTE_BE16(RTE_ARP_OP_REPLY);
	arp->arp_data.arp_tha = arp->arp_data.arp_sha;
	arp->arp_data.arp_tip = arp->arp_data.arp_sip;
	rte_ether_addr_copy(&hub_mac, &arp->arp_data.arp_sha);
	arp->arp_data.arp_sip = tip;
	rte_ether_addr_copy(&eth->src_addr, &eth->dst_addr);
	rte_ether_addr_copy(&hub_mac, &eth->src_addr);
	stats.arp_replied++;
	tap_tx(ctl, t, m);
}

/* IPv4 the kernel sent (data at the IPv4 header): through the FIB, like a worker would,
 * but from the control lcore's own tx queues. */
static void ipv4_input(struct hub_ctl *ctl, unsigned int t, struct rte_mbuf *m)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	uint32_t dst, nh;
	int slot;

	if (rte_pktmbuf_data_len(m) < sizeof(*ip) || (ip->version_ihl >> 4) != 4) {
		drop(ctl, m, HUB_DROP_EXC_NOT_IPV4);
		return;
	}
	dst = rte_be_to_cpu_32(ip->dst_addr);
	/* 224.0.0.0/4 by its top nibble (DPDK 22.11's RTE_IS_IPV4_MCAST shifts the int 224
	 * left by 24: undefined behaviour, see ctl_mcast.c). */
	if ((dst >> 28) == 0xe) {
		/* map multicast dynamic: the workers replicate it to every multicast peer. */
		if (ctl_mcast_send(ctl, t, m) == 0)
			stats.multicast++;
		else
			stats.dropped++;
		return;
	}
	if (dst == UINT32_MAX) {
		drop(ctl, m, HUB_DROP_EXC_BROADCAST);
		return;
	}
	if (rte_lpm_lookup(ctl->shared->fib, dst, &nh) != 0) {
		drop(ctl, m, HUB_DROP_EXC_NO_ROUTE);
		return;
	}
	if (DP_NH_TYPE(nh) == DP_NH_GROUP)
		nh = dp_nhg_pick(&ctl->shared->nhg[DP_NH_IDX(nh)], ip, rte_pktmbuf_data_len(m));
	switch (DP_NH_TYPE(nh)) {
	case DP_NH_PEER:
		stats.unicast++;
		ctl_peer_send(ctl, DP_NH_IDX(nh), m, RTE_ETHER_TYPE_IPV4);
		return;
	case DP_NH_TUNNEL:
		slot = ctl_peer_slot(ctl, ip->dst_addr);
		if (slot < 0) {
			drop(ctl, m, HUB_DROP_NO_BINDING);
			return;
		}
		stats.unicast++;
		ctl_peer_send(ctl, (uint32_t)slot, m, RTE_ETHER_TYPE_IPV4);
		return;
	case DP_NH_LAN:
		stats.unicast++;
		ctl_lan_nh_input(ctl, m, DP_NH_IDX(nh));
		return;
	case DP_NH_GLEAN:
		stats.unicast++;
		ctl_lan_glean_input(ctl, m, DP_NH_IDX(nh));
		return;
	case DP_NH_DROP:
		drop(ctl, m, HUB_DROP_BLACKHOLE);
		return;
	default: /* LOCAL: the kernel owns the hub's addresses; a subnet broadcast */
		drop(ctl, m, (dst & 0xff) == 0xff ? HUB_DROP_EXC_BROADCAST : HUB_DROP_EXC_NO_ROUTE);
		return;
	}
}

unsigned int ctl_exc_poll(struct hub_ctl *ctl)
{
	struct rte_mbuf *pkts[EXC_BURST];
	unsigned int t, i, n, total = 0;

	if (!excs_ready || rte_rdtsc() < next_poll_tsc)
		return 0;
	for (t = 0; t < ctl->cfg->n_tunnels; t++) {
		if (excs[t].port_id < 0)
			continue;
		n = rte_eth_rx_burst((uint16_t)excs[t].port_id, 0, pkts, EXC_BURST);
		total += n;
		for (i = 0; i < n; i++) {
			struct rte_mbuf *m = pkts[i];
			const struct rte_ether_hdr *eth =
				rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);

			stats.from_kernel++;
			if (rte_pktmbuf_data_len(m) < sizeof(*eth)) {
				drop(ctl, m, HUB_DROP_EXC_NOT_IPV4);
				continue;
			}
			if (eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_ARP)) {
				arp_input(ctl, t, m);
			} else if (eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_IPV4)) {
				rte_pktmbuf_adj(m, sizeof(*eth));
				ipv4_input(ctl, t, m);
			} else {
				drop(ctl, m, HUB_DROP_EXC_NOT_IPV4);
			}
		}
	}
	next_poll_tsc = total > 0 ? 0 : rte_rdtsc() + rte_get_tsc_hz() * EXC_IDLE_POLL_US / 1000000;
	return total;
}

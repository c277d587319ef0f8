/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Bringing the hub up and down: the list of init steps main() runs, kept apart from main()
 * so that in-process tests start exactly the same hub.
 */
#include <errno.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>

#include "control/cli_server.h"
#include "control/ctl_fib.h"
#include "control/ctl_exc.h"
#include "control/ctl_hub.h"
#include "control/ctl_lan.h"
#include "control/ctl_neigh.h"
#include "control/ctl_peer.h"
#include "control/ctl_ports.h"
#include "control/ctl_sa.h"
#include "control/ctl_stats.h"
#include "control/ctl_tunnel.h"
#include "control/ctl_underlay.h"
#include "control/ctl_workers.h"
#include "control/nhrp_server.h"
#include "control/fpm_server.h"
#include "lib/hub_log.h"

static int mempool_init(struct hub_ctl *ctl)
{
	uint16_t max_mtu = 1500;
	uint32_t room;
	unsigned int i;

	for (i = 0; i < ctl->cfg->n_ports; i++)
		max_mtu = RTE_MAX(max_mtu, ctl->cfg->ports[i].mtu);
	room = RTE_MAX((uint32_t)RTE_MBUF_DEFAULT_DATAROOM,
		       (uint32_t)max_mtu + RTE_ETHER_HDR_LEN + RTE_ETHER_CRC_LEN + 64) +
	       RTE_PKTMBUF_HEADROOM;
	ctl->shared->pool = ctl->pool = rte_pktmbuf_pool_create("mbufs", ctl->cfg->mbufs, ctl->cfg->mbuf_cache, 0,
					    (uint16_t)room, (int)rte_socket_id());
	if (ctl->pool == NULL) {
		HUB_LOG(ERR, main, "cannot create a pool of %u mbufs of %u bytes: %s",
			ctl->cfg->mbufs, room, rte_strerror(rte_errno));
		return -rte_errno;
	}
	return 0;
}

static int shared_init(struct hub_ctl *ctl, uint32_t idle_sleep_us)
{
	static const struct rte_mbuf_dynfield punt_desc = {
		.name = DP_PUNT_META_NAME,
		.size = sizeof(struct dp_punt_meta),
		.align = __alignof__(struct dp_punt_meta),
	};

	ctl->shared = rte_zmalloc("dp_shared", sizeof(*ctl->shared), RTE_CACHE_LINE_SIZE);
	if (ctl->shared == NULL)
		return -ENOMEM;
	ctl->shared->punt_meta_offset = rte_mbuf_dynfield_register(&punt_desc);
	if (ctl->shared->punt_meta_offset < 0)
		return -rte_errno;
	ctl->shared->idle_sleep_us = idle_sleep_us;
	/* Flush partial tx bursts after 100 us (l3fwd's BURST_TX_DRAIN_US). */
	ctl->shared->tx_drain_tsc = (rte_get_tsc_hz() + 9999) / 10000;
	/* About one redirect trigger per flow per second (DESIGN.md §2). */
	ctl->shared->redirect_interval_tsc = rte_get_tsc_hz();
	ctl->start_tsc = rte_rdtsc();
	return 0;
}

void ctl_hub_stop(struct hub_ctl *ctl)
{
	cli_server_stop(ctl);
	fpm_server_free(ctl);
	ctl_workers_stop(ctl);
	ctl_stats_log(ctl);
	ctl_sa_free(ctl);
	nhrp_server_stop(ctl);
	ctl_peer_free(ctl);
	ctl_fib_free(ctl);
	ctl_lan_free(ctl);
	ctl_neigh_free(ctl);
	ctl_underlay_free(ctl);
	ctl_ports_stop(ctl);
	ctl_exc_free(ctl);
	ctl_workers_free(ctl);
	rte_mempool_free(ctl->pool);
	rte_free(ctl->shared);
}

static int run_step(int rc, const char *what)
{
	if (rc < 0)
		HUB_LOG(ERR, main, "%s failed: %s", what, rte_strerror(-rc));
	return rc;
}

int ctl_hub_start(struct hub_ctl *ctl, uint32_t idle_sleep_us)
{
	if (run_step(ctl_workers_select(ctl), "worker selection") < 0 ||
	    run_step(shared_init(ctl, idle_sleep_us), "shared state") < 0 ||
	    run_step(mempool_init(ctl), "mempool") < 0 ||
	    run_step(ctl_ports_init(ctl), "ports") < 0 ||
	    run_step(ctl_workers_init(ctl), "workers") < 0 ||
	    run_step(ctl_ports_assign_queues(ctl), "queue assignment") < 0 ||
	    run_step(ctl_neigh_init(ctl, ctl->cfg->arp_table_size), "neighbour table") < 0 ||
	    run_step(ctl_ports_start(ctl), "port start") < 0 ||
	    run_step(ctl_underlay_init(ctl), "underlay routes") < 0 ||
	    run_step(ctl_tunnel_init(ctl), "tunnels") < 0 ||
	    run_step(ctl_fib_init(ctl), "FIB") < 0 ||
	    run_step(ctl_peer_init(ctl), "peer table") < 0 ||
	    run_step(ctl_lan_init(ctl), "LAN next hops") < 0 ||
	    run_step(ctl_sa_init(ctl), "ESP SAs") < 0 ||
	    run_step(ctl_peer_load_config(ctl), "static NHRP maps") < 0 ||
	    run_step(ctl_fib_load_config(ctl), "routes") < 0 ||
	    run_step(nhrp_server_init(ctl), "NHRP server") < 0 ||
	    run_step(cli_server_init(ctl), "CLI") < 0 ||
	    run_step(ctl_exc_init(ctl), "exception interfaces") < 0 ||
	    run_step(fpm_server_init(ctl), "FPM server") < 0 ||
	    run_step(ctl_workers_launch(ctl), "worker launch") < 0)
		return -1;
	return 0;
}

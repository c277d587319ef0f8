/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>

#include <rte_ip.h>

#include "control/ctl_mcast.h"

int ctl_mcast_send(struct hub_ctl *ctl, unsigned int tunnel, struct rte_mbuf *m)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	struct dp_worker *w;

	/* 224.0.0.0/4 by its top nibble: DPDK 22.11's RTE_IS_IPV4_MCAST shifts the int 224 left
	 * by 24, which is undefined behaviour (UBSan reports it). */
	if (tunnel >= ctl->shared->n_tunnels || rte_pktmbuf_data_len(m) < sizeof(*ip) ||
	    (rte_be_to_cpu_32(ip->dst_addr) >> 28) != 0xe) {
		rte_pktmbuf_free(m);
		return -EINVAL;
	}
	/* Spread the work: the next worker each time. */
	w = ctl->workers[ctl->mcast_next++ % ctl->n_workers];
	dp_punt_meta(m, ctl->shared->punt_meta_offset)->tunnel = (uint8_t)tunnel;
	if (rte_ring_sp_enqueue(w->inject_ring, m) != 0) {
		ctl->drops[HUB_DROP_PUNT_RING_FULL]++;
		rte_pktmbuf_free(m);
		return -ENOBUFS;
	}
	return 0;
}

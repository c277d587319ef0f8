/* SPDX-License-Identifier: BSD-3-Clause */
/* Inner packets addressed to the hub's own tunnel address. */
#ifndef HUB_CTL_LOCAL_H
#define HUB_CTL_LOCAL_H

#include <rte_mbuf.h>
#include "control/ctl.h"

struct ctl_local_stats {
	uint64_t rx;		 /* packets for a tunnel address of the hub */
	uint64_t echo_replied;	 /* ICMP echo requests answered */
	uint64_t unhandled;	 /* other protocols, no exception interface: dropped */
	uint64_t to_kernel;	 /* handed to the exception interface (control/ctl_exc.h) */
};

/* A DP_PUNT_LOCAL packet (data at the inner IPv4 header). Consumed. */
void ctl_local_input(struct hub_ctl *ctl, struct rte_mbuf *m, int32_t src_slot);
const struct ctl_local_stats *ctl_local_stats(void);

#endif

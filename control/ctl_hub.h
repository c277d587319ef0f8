/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef HUB_CTL_HUB_H
#define HUB_CTL_HUB_H

#include "control/ctl.h"

/*
 * Start the hub described by ctl->cfg (EAL already initialised): workers, mempool, ports,
 * tables from the configuration, then launch the workers. Returns 0, or -1 (logged); call
 * ctl_hub_stop() either way to release what was set up.
 */
int ctl_hub_start(struct hub_ctl *ctl, uint32_t idle_sleep_us);
/* Stop the workers, log the counters, release everything ctl_hub_start() set up. */
void ctl_hub_stop(struct hub_ctl *ctl);

#endif

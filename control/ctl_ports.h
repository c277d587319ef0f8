/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef HUB_CTL_PORTS_H
#define HUB_CTL_PORTS_H

#include "control/ctl.h"

/* Probe and configure every configured port (needs ctl->pool and ctl->n_workers). */
int ctl_ports_init(struct hub_ctl *ctl);
/* Give each worker its share of the rx queues (after ctl_workers_init). */
int ctl_ports_assign_queues(struct hub_ctl *ctl);
int ctl_ports_start(struct hub_ctl *ctl);
void ctl_ports_stop(struct hub_ctl *ctl);

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef HUB_CTL_WORKERS_H
#define HUB_CTL_WORKERS_H

#include "control/ctl.h"

/* Pick the worker lcores (configured list, or every EAL lcore but the main one). */
int ctl_workers_select(struct hub_ctl *ctl);
/* Allocate each worker's context and rings. */
int ctl_workers_init(struct hub_ctl *ctl);
int ctl_workers_launch(struct hub_ctl *ctl);
/* Ask every worker to stop and wait for it. */
void ctl_workers_stop(struct hub_ctl *ctl);
void ctl_workers_free(struct hub_ctl *ctl);

#endif

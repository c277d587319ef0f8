/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef HUB_CTL_LOOP_H
#define HUB_CTL_LOOP_H

#include <signal.h>
#include "control/ctl.h"

/*
 * The control lcore's event loop: drains the workers' punt rings, runs timers and serves
 * whatever is ready, never blocking. Returns when *quit becomes non-zero.
 */
int ctl_loop_run(struct hub_ctl *ctl, volatile sig_atomic_t *quit);

/* One iteration: whatever is ready now. Returns how much work it did (0 = idle). */
unsigned int ctl_loop_once(struct hub_ctl *ctl);

#endif

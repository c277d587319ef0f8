/* SPDX-License-Identifier: BSD-3-Clause */
/* The only entry point control uses in dataplane/: the worker lcore's loop. */
#ifndef HUB_DP_WORKER_H
#define HUB_DP_WORKER_H

/* lcore function; arg is a struct dp_worker * (lib/dp_shared.h). Returns 0 when stopped. */
int dp_worker_main(void *arg);

#endif

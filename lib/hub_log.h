/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One RTE log type per module, named hub.<module>, filterable at run time with
 * --log-level=hub.nhrp:debug. Workers never log per packet: they count.
 */
#ifndef HUB_LOG_H
#define HUB_LOG_H

#include <rte_log.h>

extern int hub_logtype_main;
extern int hub_logtype_cfg;
extern int hub_logtype_port;
extern int hub_logtype_dp;
extern int hub_logtype_neigh;
extern int hub_logtype_nhrp;
extern int hub_logtype_peer;
extern int hub_logtype_fib;
extern int hub_logtype_cli;

/* HUB_LOG(INFO, nhrp, "fmt", ...) logs to hub.nhrp with a trailing newline. */
#define HUB_LOG(level, module, fmt, ...)                                                        \
	rte_log(RTE_LOG_##level, hub_logtype_##module, "hub." #module ": " fmt "\n",          \
		##__VA_ARGS__)

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
#include "lib/hub_log.h"

RTE_LOG_REGISTER(hub_logtype_main, hub.main, INFO);
RTE_LOG_REGISTER(hub_logtype_cfg, hub.cfg, INFO);
RTE_LOG_REGISTER(hub_logtype_port, hub.port, INFO);
RTE_LOG_REGISTER(hub_logtype_dp, hub.dp, INFO);
RTE_LOG_REGISTER(hub_logtype_neigh, hub.neigh, INFO);
RTE_LOG_REGISTER(hub_logtype_nhrp, hub.nhrp, INFO);
RTE_LOG_REGISTER(hub_logtype_peer, hub.peer, INFO);
RTE_LOG_REGISTER(hub_logtype_fib, hub.fib, INFO);
RTE_LOG_REGISTER(hub_logtype_cli, hub.cli, INFO);

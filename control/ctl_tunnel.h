/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef HUB_CTL_TUNNEL_H
#define HUB_CTL_TUNNEL_H

#include "control/ctl.h"

/* Publish the configured tunnels to the workers (dp_shared.tunnels). */
int ctl_tunnel_init(struct hub_ctl *ctl);

#endif

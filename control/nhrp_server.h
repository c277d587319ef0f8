/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The NHRP server (NHS) on the control lcore (docs/nhrp-server.md): Registration
 * Requests create and refresh dynamic bindings, holdtime timers expire them, Purge
 * Requests remove them, protocol errors are answered with Error Indications.
 */
#ifndef HUB_NHRP_SERVER_H
#define HUB_NHRP_SERVER_H

#include <stdint.h>

#include <rte_mbuf.h>

#include "control/ctl.h"
#include "control/nhrp_stats.h"

/* Registrations per second (and burst) one outer source without a binding may send. */
#define NHRP_NEW_PER_SOURCE 50

/* After the peer table and the static maps. Returns 0 or -errno. */
int nhrp_server_init(struct hub_ctl *ctl);
/* Stops every timer and frees the state; safe after a failed or partial start. */
void nhrp_server_stop(struct hub_ctl *ctl);

/* One NHRP packet punted by a worker (data at the NHRP fixed header). Consumes m. */
void nhrp_input(struct hub_ctl *ctl, struct rte_mbuf *m, const struct dp_punt_meta *meta);

/* The server's counters, or NULL before init. */
const struct nhrp_stats *nhrp_server_stats(const struct hub_ctl *ctl);

/* The request ID of the registration that created or last refreshed the dynamic binding
 * in slot (for Purge Requests sent later), or 0 when none is known. */
uint32_t nhrp_server_request_id(const struct hub_ctl *ctl, uint32_t slot);

/* clear ip nhrp: remove the dynamic binding of tunnel_addr, with Purge Requests to the
 * spokes that resolved it and to its owner. 0, or -ENOENT when it has none. */
int nhrp_binding_clear(struct hub_ctl *ctl, uint32_t tunnel_addr);

/* A worker's redirect trigger: a Traffic Indication to the source spoke (Phase 3). */
struct dp_event;
void nhrp_redirect_event(struct hub_ctl *ctl, const struct dp_event *ev);

#endif

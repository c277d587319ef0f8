/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The FPM server: FRR's zebra (-M dplane_fpm_nl, `fpm address 127.0.0.1`) connects over
 * TCP and sends its selected routes as netlink messages (lib/fpm_parse.h); they go into the
 * RIB/FIB as source "fpm" through the same calls as static routes. Runs on the control
 * lcore, never blocks. docs/route-exchange.md has the whole story.
 *
 * Re-sync: when zebra (re)connects every fpm route is marked stale and keeps forwarding;
 * what zebra sends again is refreshed; once zebra has been quiet for FPM_SYNC_IDLE_MS the
 * routes still stale are swept. When zebra is gone for fpm.stale_time seconds its routes are
 * swept as well (like a graceful-restart timer).
 */
#ifndef HUB_FPM_SERVER_H
#define HUB_FPM_SERVER_H

#include <stdint.h>

#include "control/ctl.h"
#include "lib/fpm_parse.h"

#define FPM_SYNC_IDLE_MS 3000

enum fpm_state {
	FPM_DISABLED = 0,   /* fpm.enabled is false, or the listener could not open */
	FPM_LISTENING,	    /* no zebra connected; routes (if any) from before stay stale */
	FPM_SYNCING,	    /* zebra connected; waiting for its table to end */
	FPM_SYNCED,	    /* table complete; updates applied as they come */
};

struct fpm_stats {
	uint64_t connects;	/* connections accepted */
	uint64_t disconnects;	/* closed by zebra */
	uint64_t resets;	/* closed by us after a malformed frame */
	uint64_t frames;	/* frames parsed */
	uint64_t bytes;		/* bytes received */
	uint64_t messages;	/* netlink messages in good frames */
	uint64_t route_add;	/* RTM_NEWROUTE applied */
	uint64_t route_del;	/* RTM_DELROUTE applied */
	uint64_t nh_add;	/* RTM_NEWNEXTHOP stored */
	uint64_t nh_del;	/* RTM_DELNEXTHOP */
	uint64_t shadowed;	/* a connected or static route owns the prefix: left alone */
	uint64_t no_gateway;	/* no usable IPv4 gateway (interface routes, IPv6 next hops) */
	uint64_t unknown_nh;	/* RTA_NH_ID or group member zebra never sent */
	uint64_t unreachable;	/* gateway neither in a tunnel subnet nor on a LAN port */
	uint64_t apply_failed;	/* the FIB refused (full) */
	uint64_t del_missing;	/* RTM_DELROUTE for a prefix we do not have from fpm */
	uint64_t swept;		/* stale routes removed by a re-sync or the hold timer */
	uint64_t resyncs;	/* re-syncs completed */
	uint64_t ignored[FPM_IGN_MAX]; /* by reason */
	uint64_t errors[FPM_ERR_MAX];  /* malformed frames, by reason */
};

int fpm_server_init(struct hub_ctl *ctl);
void fpm_server_free(struct hub_ctl *ctl);
/* Accept, read and apply what is ready; the timers of the re-sync. Returns work done. */
unsigned int fpm_server_poll(struct hub_ctl *ctl);

const struct fpm_stats *fpm_server_stats(void);
enum fpm_state fpm_server_state(void);
const char *fpm_state_name(enum fpm_state st);
/* The connected zebra's address and port (network order), when connected; else -1. */
int fpm_server_peer(uint32_t *addr, uint16_t *port);
/* Routes in the RIB from fpm, and next-hop objects known. */
unsigned int fpm_server_nexthops(void);

#endif

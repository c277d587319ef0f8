/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Shared between the nhrp_*.c files of the control lcore; not for other modules.
 */
#ifndef HUB_NHRP_PRIV_H
#define HUB_NHRP_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_timer.h>

#include "control/ctl.h"
#include "control/nhrp_server.h"
#include "control/nhrp_stats.h"
#include "lib/nhrp_codec.h"

/*
 * A dynamic binding's holdtime timer, by peer slot. Kept here rather than in struct
 * ctl_peer because the peer table clears and reuses its entries on its own; the callback
 * checks that the slot still holds the same dynamic binding before removing it. Records
 * are allocated on a slot's first registration and reused until the server stops (a
 * timer's memory must outlive rte_timer_manage()'s last touch of it).
 */
struct nhrp_binding {
	struct rte_timer timer;
	struct hub_ctl *ctl;
	uint32_t slot;
	uint32_t tunnel_addr; /* network order */
	uint32_t request_id;  /* of the registration that last refreshed it */
	uint64_t deadline;    /* TSC */
	bool armed;
};

/* Registrations from an outer source the hub has no binding for (new spokes, or a flood
 * of spoofed ones): at most NHRP_NEW_PER_SOURCE per second per source address (a token
 * bucket of that depth), tracked in NHRP_NEW_BUCKETS buckets by address hash (sources
 * that share a bucket share its tokens). Known spokes are never limited. */
#define NHRP_NEW_BUCKETS 4096
struct nhrp_new_bucket {
	uint64_t last;	/* TSC of the last refill */
	uint32_t tokens;
};

/* Resolvers remembered per binding, for Purge Requests (nhrp_purge.c). */
#define NHRP_RESOLVERS 8
struct nhrp_resolvers;

/* Extensions of a message the hub passes on or answers, edited as a transit NHS must
 * (nhrp_resolve.c). */
struct nhrp_ext_edit {
	struct nhrp_build_ext exts[NHRP_MAX_EXTS];
	unsigned int n;
	struct nhrp_build_cie transit[NHRP_MAX_EXT_CIES + 1];
	struct nhrp_build_cie responder;
	struct nhrp_build_cie nat;
	uint16_t loop_offset; /* offset of the transit record that holds us; 0 = none */
};

struct nhrp_server {
	struct nhrp_stats stats;
	uint32_t n_slots;
	struct nhrp_binding **by_slot; /* [n_slots] */
	struct nhrp_resolvers **resolvers; /* [n_slots], allocated on first use */
	uint32_t purge_id_next;	       /* request IDs of our Purge Requests */
	uint64_t ti_window_start;      /* Traffic Indication limiter (TSC) */
	uint32_t ti_in_window;
	struct nhrp_build_store store; /* a message being forwarded */
	struct nhrp_ext_edit edit;
	struct nhrp_new_bucket new_src[NHRP_NEW_BUCKETS];
	bool timer_subsystem_ours;     /* we initialised rte_timer (tests without main) */
	struct nhrp_msg view;	       /* the packet being handled */
	struct nhrp_msg trace_view;    /* debug nhrp: a packet we send, parsed back */
};

/* What a tunnel looks like to NHRP. */
struct nhrp_tun {
	unsigned int idx;
	const struct cfg_tunnel *cfg;
	uint32_t hub_proto; /* the hub's tunnel address, network order */
	uint32_t hub_nbma;  /* the underlay port's address, network order */
	uint32_t mask;	    /* tunnel subnet mask, network order */
};

int nhrp_tun_get(const struct hub_ctl *ctl, unsigned int idx, struct nhrp_tun *t);
/* A host address inside the tunnel's subnet, not the hub's own. */
bool nhrp_tun_addr_ok(const struct nhrp_tun *t, uint32_t addr);

/* debug nhrp: one line about m (or parse error err) received from / sent to nbma. Call
 * only while ctl->nhrp_trace.users > 0. */
void nhrp_trace(struct hub_ctl *ctl, const struct nhrp_tun *t, bool tx, uint32_t nbma,
		const struct nhrp_msg *m, int err);

/* Build msg into a new mbuf and send it inside GRE on the tunnel: to peer slot when
 * slot >= 0 (ctl_peer_send), otherwise to the NBMA address dst. Counted. 0 or -errno. */
int nhrp_send(struct hub_ctl *ctl, const struct nhrp_tun *t, int slot, uint32_t dst,
	      const struct nhrp_build_msg *msg);

/* An Error Indication about the packet pkt/len (its view req, possibly partial) to the
 * NBMA address dst. Never sent about an Error Indication. */
void nhrp_send_error(struct hub_ctl *ctl, const struct nhrp_tun *t, uint32_t dst,
		     const uint8_t *pkt, size_t len, const struct nhrp_msg *req, uint16_t code,
		     uint16_t offset);

/* A parsed CIE as one to build (answers echo the request's CIEs). */
struct nhrp_build_cie nhrp_cie_copy(const struct nhrp_cie *c);

/* Authentication (RFC 2332 5.3.4, Cisco cleartext) against the tunnel's nhrp.auth: true
 * when none is configured or the password matches; *offset = where the extension is. */
bool nhrp_auth_ok(const struct nhrp_tun *t, const struct nhrp_msg *msg, uint16_t *offset);

/* The live (static or dynamic) binding's slot of addr, or -1; a peer's outer address. */
int nhrp_bound_slot(struct hub_ctl *ctl, uint32_t addr);
struct ctl_peer;
uint32_t nhrp_peer_outer(const struct ctl_peer *p);

/* nhrp_resolve.c */
void nhrp_resolution_input(struct hub_ctl *ctl, const struct nhrp_tun *t,
			   const struct dp_punt_meta *meta, const struct nhrp_msg *req);
void nhrp_resolution_reply_input(struct hub_ctl *ctl, const struct nhrp_tun *t,
				 const struct dp_punt_meta *meta, const struct nhrp_msg *rep);

/* nhrp_purge.c */
int nhrp_purge_init(struct hub_ctl *ctl);
void nhrp_purge_free(struct hub_ctl *ctl);
/* requester resolved prefix/plen to the binding in slot. */
void nhrp_resolver_note(struct hub_ctl *ctl, uint32_t slot, uint32_t requester, uint32_t prefix,
			uint8_t plen);
/* The binding in slot is being removed or moved: Purge Requests to its resolvers. */
void nhrp_binding_gone(struct hub_ctl *ctl, uint32_t slot, unsigned int tunnel_idx);
/* The binding in slot expired: its resolvers' entries expire too; forget them. */
void nhrp_binding_forget(struct hub_ctl *ctl, uint32_t slot);
void nhrp_purge_reply_input(struct hub_ctl *ctl, const struct nhrp_tun *t,
			    const struct dp_punt_meta *meta, const struct nhrp_msg *rep);

/* nhrp_register.c */
void nhrp_registration_input(struct hub_ctl *ctl, const struct nhrp_tun *t,
			     const struct dp_punt_meta *meta, const struct nhrp_msg *req);
void nhrp_purge_input(struct hub_ctl *ctl, const struct nhrp_tun *t,
		      const struct dp_punt_meta *meta, const struct nhrp_msg *req);

/* nhrp_expiry.c */
int nhrp_expiry_init(struct hub_ctl *ctl);
void nhrp_expiry_free(struct hub_ctl *ctl);
/* (Re)start the holdtime timer of the dynamic binding in slot. 0 or -ENOMEM. */
int nhrp_expiry_arm(struct hub_ctl *ctl, uint32_t slot, uint32_t tunnel_addr,
		    uint32_t holdtime, uint32_t request_id);
/* Stop it (the binding was removed another way). */
void nhrp_expiry_cancel(struct hub_ctl *ctl, uint32_t slot);

#endif

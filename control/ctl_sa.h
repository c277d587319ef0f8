/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The SA store (ESP, RFC 4303), owned by the control lcore: the master copy of every SA,
 * pushed to each worker's replica (lib/esp_table.h) as struct esp_sa_msg on its SA ring.
 * A message a full ring refused waits in a per-worker queue, in order, and goes first on
 * the next poll: never lost, never reordered.
 *
 * The install API (ctl_sa_install / ctl_sa_remove) is what the configuration, the CLI and an
 * IKE integration call; docs/esp.md describes it.
 */
#ifndef HUB_CTL_SA_H
#define HUB_CTL_SA_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include "control/ctl.h"
#include "lib/esp_sa.h"
#include "lib/esp_table.h"

extern int hub_logtype_esp;

enum ctl_sa_origin {
	CTL_SA_CONFIG = 1, /* crypto.sas */
	CTL_SA_CLI = 2,	   /* crypto ipsec sa add */
	CTL_SA_API = 3,	   /* ctl_sa_install() from another module (IKE) */
};

struct ctl_sa {
	bool in_use;
	uint8_t origin;		  /* enum ctl_sa_origin */
	struct esp_sa_params p;	  /* keys included */
	uint64_t created;	  /* rte_rdtsc() */
	struct esp_keys *keys;	  /* outbound: control's own expansion, for what it sends */
	uint64_t ctl_pkts;	  /* packets control itself protected with it */
	uint64_t ctl_bytes;
	uint32_t pair;		  /* index + 1 of the other direction's SA (configured pairs),
				   * 0 = not known: where a learned NAT-T port goes too */
	bool natt_learned;	  /* nat_port came from the first inbound ESP-in-UDP */
};

/* Start step: per-worker replicas and rings, the shared sequence counters, tunnels'
 * protection flags, then the configured SAs. Before the workers launch. */
int ctl_sa_init(struct hub_ctl *ctl);
void ctl_sa_free(struct hub_ctl *ctl);
/* Send queued messages; returns how many went. Called by the control loop. */
unsigned int ctl_sa_poll(struct hub_ctl *ctl);

/*
 * Install one SA. Inbound SPIs are unique. An outbound SA for a peer that already has one
 * replaces it without a gap (the new one is installed everywhere before the old one is
 * removed). Returns the SA index, or -EINVAL (esp_params_check refused; *why says what
 * when why is not NULL), -EEXIST (inbound SPI in use), -ENOSPC (table full), -ENOMEM.
 */
int ctl_sa_install(struct hub_ctl *ctl, const struct esp_sa_params *p, uint8_t origin,
		   const char **why);
/* Remove the SA of that direction and SPI; -ENOENT when there is none. */
int ctl_sa_remove(struct hub_ctl *ctl, uint8_t dir, uint32_t spi);
/* Remove every SA of a peer; returns how many. */
int ctl_sa_remove_peer(struct hub_ctl *ctl, uint32_t peer_addr);

/* Keys for a profile SA (docs/esp.md): each key is the start of
 * SHA-256("<secret>|<label>|<peer a.b.c.d>|<spi decimal>") for label enc, auth, salt. */
void ctl_sa_derive(struct hub_ctl *ctl, const char *secret, struct esp_sa_params *p);

/*
 * Control's own GRE (NHRP replies, held packets) toward dst: m is an Ethernet frame with
 * IPv4 at 14 and GRE after it. With an outbound SA for dst it is encrypted in place; a
 * tunnel with protection required and no SA drops it. Returns 0 (send m on), or -errno
 * with m freed and the drop counted.
 */
int ctl_sa_protect(struct hub_ctl *ctl, unsigned int tunnel_idx, uint32_t dst, uint16_t nat_port,
		   struct rte_mbuf *m);

/*
 * NAT-T (RFC 3948): a worker saw the first authenticated ESP-in-UDP of inbound SA idx from
 * (addr, port) (DP_EVENT_NATT_MAP). Binds that SA and its outbound partner (the configured
 * pair, else the only unbound NAT-T outbound SA of that address) to the port, in every
 * replica. Returns 0, -EALREADY (bound to another port already: the first binding stays),
 * -ENOENT (no such NAT-T SA at that address).
 */
int ctl_sa_natt_learn(struct hub_ctl *ctl, uint32_t idx, uint32_t addr, uint16_t port);
/* Mark two SAs as the two directions of one peer's pair (configuration, API). */
void ctl_sa_pair(struct hub_ctl *ctl, uint32_t in_idx, uint32_t out_idx);

/* Reading the store: slots 0..ctl_sa_max()-1, NULL for a free one. */
uint32_t ctl_sa_max(const struct hub_ctl *ctl);
const struct ctl_sa *ctl_sa_at(const struct hub_ctl *ctl, uint32_t idx);
/* The SA's counters summed over workers (and control's own sends). */
void ctl_sa_counters(const struct hub_ctl *ctl, uint32_t idx, struct dp_sa_counters *sum);
uint32_t ctl_sa_count(const struct hub_ctl *ctl);

#endif

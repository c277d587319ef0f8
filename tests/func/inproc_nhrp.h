/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NHRP on the wire for the in-process tests (inproc.h): frames as a spoke sends them
 * (Ethernet / IPv4 / GRE key 42 / NHRP) into the hub's port, and what the hub sends back,
 * captured from its tx ring.
 */
#ifndef HUB_TESTS_INPROC_NHRP_H
#define HUB_TESTS_INPROC_NHRP_H

#include <stddef.h>
#include <stdint.h>

#include <rte_byteorder.h>
#include <rte_mbuf.h>

#include "control/ctl.h"
#include "lib/nhrp_codec.h"

#define IP4(a, b, c, d) rte_cpu_to_be_32(((uint32_t)(a) << 24) | ((b) << 16) | ((c) << 8) | (d))
#define HUB_NBMA IP4(1, 1, 1, 1)
#define HUB_PROTO IP4(192, 168, 1, 1)
#define GRE_LEN 8 /* with the key */
#define NHRP_OFF (14 + 20 + GRE_LEN)

extern const uint8_t gw_mac[6];
/* Condition for inproc_run_until(): the underlay gateway 1.1.1.254 (gw_mac) resolved. */
int gw_resolved(struct hub_ctl *ctl);

/* What the hub sent: the last NHRP message (bytes kept), data packets by outer dst. */
struct sent {
	unsigned int nhrp, data;
	uint32_t nhrp_dst; /* outer destination of the last NHRP message */
	uint32_t data_dst, data_inner_dst;
	uint8_t buf[2048];
	size_t len;
};
extern struct sent g;

/* inproc_drain() callback filling g. */
void capture(struct rte_mbuf *m, void *arg);
/* Conditions for inproc_run_until(): an NHRP message / a data packet was sent. */
int got_nhrp(struct hub_ctl *ctl);
int got_data(struct hub_ctl *ctl);

/* Ethernet / IPv4 outer_src -> 1.1.1.1 / GRE key 42 proto / payload. */
struct rte_mbuf *gre_frame(uint32_t outer_src, uint16_t proto, const uint8_t *payload,
			   size_t len);
/* Inject an NHRP packet and run control until the hub answers (or ms pass). */
int exchange(struct hub_ctl *ctl, uint32_t outer_src, const uint8_t *pkt, size_t len,
	     unsigned int ms);

struct reg {
	uint32_t outer, claimed, proto;
	uint16_t flags;
	uint16_t holdtime;
	uint32_t request_id;
	const char *password; /* NULL: no authentication extension */
	uint8_t hopcnt;	      /* 0 means 1; 0xFF means 0 on the wire */
};
/* A Registration Request (or Purge Request, op 5) shaped like FRR 8.4's. */
size_t build_reg(const struct reg *r, uint8_t op, uint8_t *buf, size_t cap);
/* Register and parse the answer into rep. */
int reg_exchange(struct hub_ctl *ctl, const struct reg *r, struct nhrp_msg *rep);
/* The last CIE of the extension of the given type, or NULL. */
const struct nhrp_cie *ext_last_cie(const struct nhrp_msg *m, uint16_t type);

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NHRP server counters: messages received, sent and dropped per op code, drops and
 * refusals per named reason, binding events. Written by the control lcore only.
 */
#ifndef HUB_NHRP_STATS_H
#define HUB_NHRP_STATS_H

#include <stdint.h>
#include <stdio.h>

#include "lib/lat_hist.h"
#include "lib/nhrp_wire.h"

#define NHRP_STAT_REASONS(X)                                                                  \
	X(MALFORMED, "malformed")	      /* the codec refused the packet */                \
	X(BAD_TUNNEL, "bad-tunnel")	      /* punted with a tunnel index we do not have */   \
	X(AUTH_FAILURE, "auth-failure")	      /* authentication missing or wrong */             \
	X(SOURCE_INVALID, "source-invalid")   /* source protocol address outside the tunnel */ \
	X(REFUSED_UNIQUE, "refused-unique")   /* CIE code 14: unique binding held elsewhere */  \
	X(REFUSED_FULL, "refused-full")	      /* CIE code 5: max_peers reached */               \
	X(REFUSED_ADMIN, "refused-prohibited") /* CIE code 4: prefix or address not allowed */ \
	X(PURGE_NOT_OWN, "purge-not-own")     /* Purge for a binding the sender does not own */ \
	X(NOT_SERVED, "op-not-served")	      /* an op code this server does not handle yet */  \
	X(NO_MBUF, "no-mbuf")		      /* no mbuf for an answer */                       \
	X(BUILD_FAILED, "build-failed")	      /* the codec refused to build an answer */        \
	X(SEND_FAILED, "send-failed")	      /* the answer could not be sent */               \
	X(LOOP, "loop-detected")	      /* our own address in a Transit NHS Record */     \
	X(HOP_EXCEEDED, "hop-count-exceeded") /* no hop left to forward with */                \
	X(NO_REQUESTER, "no-requester")	      /* a reply for a requester we have no binding of */ \
	X(NOT_FOR_US, "not-for-us")	      /* a reply or indication that is not ours to take */ \
	X(INDICATION_LIMIT, "indication-limit") /* Traffic Indication held back by the limiter */ \
	X(RATE_LIMITED, "new-source-rate-limited") /* registration from an unknown source over \
						    * NHRP_NEW_PER_SOURCE per second */

enum nhrp_stat_reason {
#define NHRP_STAT_ENUM(sym, name) NHRP_STAT_##sym,
	NHRP_STAT_REASONS(NHRP_STAT_ENUM)
#undef NHRP_STAT_ENUM
	NHRP_STAT_MAX
};

struct nhrp_stats {
	uint64_t rx[NHRP_OP_MAX + 1];	   /* received, by op code (0: op not parsed) */
	uint64_t tx[NHRP_OP_MAX + 1];	   /* sent, by op code */
	uint64_t rx_drop[NHRP_OP_MAX + 1]; /* received and dropped or refused, by op code */
	uint64_t reason[NHRP_STAT_MAX];	   /* drops and refusals, by reason */
	uint64_t registered;		   /* new dynamic bindings */
	uint64_t refreshed;		   /* registrations of an existing binding */
	uint64_t expired;		   /* bindings removed by their holdtime */
	uint64_t purged;		   /* bindings removed by a Purge Request */
	uint64_t res_answered;		   /* Resolution Requests answered from our bindings */
	uint64_t res_forwarded;		   /* ... forwarded to the spoke that owns the target */
	uint64_t res_negative;		   /* ... answered "no binding" (CIE code 12) */
	uint64_t res_relayed;		   /* Resolution Replies relayed to their requester */
	uint64_t purges_sent;		   /* Purge Requests sent (binding cleared or moved) */
	uint64_t purge_replies;		   /* Purge Replies received for them */
	struct lat_hist reg_reply;	   /* Registration Request rx at a worker -> its
					    * reply handed to the port (ns) */
};

/* The reason's stable name ("auth-failure"), or "unknown". */
const char *nhrp_stat_reason_name(unsigned int reason);

/* Count one received message of op (any value) as dropped or refused for reason. */
void nhrp_stats_drop(struct nhrp_stats *st, unsigned int op, enum nhrp_stat_reason reason);
void nhrp_stats_rx(struct nhrp_stats *st, unsigned int op);
void nhrp_stats_tx(struct nhrp_stats *st, unsigned int op);

/* Non-zero counters as "name value" lines. */
void nhrp_stats_write(const struct nhrp_stats *st, FILE *out);

#endif

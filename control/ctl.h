/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control lcore's context: one instance, owned by main(), passed to every control
 * module. Control is the only writer of every table; workers see them through rings and
 * the read-only struct dp_shared.
 */
#ifndef HUB_CTL_H
#define HUB_CTL_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mempool.h>

#include "lib/cfg.h"
#include "lib/dp_shared.h"

#define CTL_MAX_WORKERS CFG_MAX_WORKERS

struct ctl_neigh_table;
struct ctl_underlay_table;
struct ctl_fib;
struct ctl_peer_table;
struct ctl_lan;
struct nhrp_server;
struct ctl_sa_store;

/*
 * `debug nhrp` (control/cli_debug.c): while users > 0 the NHRP server formats one line per
 * packet it receives or sends and hands it to fn. Nothing is formatted otherwise.
 */
struct ctl_nhrp_trace {
	void (*fn)(void *arg, const char *line);
	void *arg;
	unsigned int users;
};

/* One configured port, by configuration index. */
struct ctl_port {
	uint16_t port_id;	/* DPDK port id */
	uint16_t ctl_txq;	/* control's own tx queue on this port */
	uint16_t nb_rxq;
	uint16_t nb_txq;
	const struct cfg_port *cfg;
	uint64_t ctl_tx;	/* packets control sent on it */
	uint64_t ctl_tx_drop;	/* packets control could not send */
};

struct hub_ctl {
	struct hub_cfg *cfg;
	struct dp_shared *shared;		/* read-only for workers */
	struct dp_worker *workers[CTL_MAX_WORKERS];
	unsigned int worker_lcores[CTL_MAX_WORKERS];
	unsigned int n_workers;
	struct rte_mempool *pool;
	struct ctl_port ports[CFG_MAX_PORTS];	/* by configuration index */
	unsigned int n_ports;
	int port_by_id[DP_MAX_PORTS];		/* DPDK port id -> configuration index, -1 */
	struct ctl_neigh_table *neigh;
	struct ctl_underlay_table *underlay;
	struct ctl_fib *fib;			/* the RIB; the FIB itself is shared->fib */
	struct ctl_peer_table *peers;		/* the master peer table */
	struct ctl_lan *lan;			/* LAN next hops */
	struct nhrp_server *nhrp;		/* the NHRP server (control/nhrp_server.h) */
	struct cli_server *cli;			/* the telnet CLI and telemetry views */
	struct ctl_sa_store *sa;		/* the ESP SA store (control/ctl_sa.h) */
	uint64_t start_tsc;
	uint64_t next_tick;			/* next 100 ms control tick (TSC) */
	uint64_t nhrp_rx;			/* NHRP packets punted to control */
	uint64_t redirect_rx;			/* redirect triggers received from workers */
	struct ctl_nhrp_trace nhrp_trace;	/* debug nhrp */
	unsigned int mcast_next;		/* worker for the next multicast packet */
	/* Control-side drops, by the same named reasons as the workers'. */
	uint64_t drops[HUB_DROP_MAX];
	uint64_t punt_deq_tsc;			/* when the punt burst being served was dequeued */
};

/* Transmit one packet on a configured port from the control lcore's own queue. The mbuf
 * is consumed either way. Returns 0, or -1 when the port did not take it (counted). */
int ctl_tx(struct hub_ctl *ctl, unsigned int port_idx, struct rte_mbuf *m);

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The whole hub in the test's process: EAL (hugepages when reserved), a net_ring port
 * named "net_ring_inproc" whose rx and tx rings the test holds, and the control loop driven
 * step by step by the test on the main lcore while one worker lcore runs for real.
 */
#ifndef HUB_TEST_INPROC_H
#define HUB_TEST_INPROC_H

#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_ring.h>

#include "control/ctl.h"

/* The port's device string for configurations: device = "net_ring_inproc". */
#define INPROC_DEVICE "net_ring_inproc"

extern struct rte_mempool *inproc_pool; /* the test's own mbufs */
extern int inproc_hugepages;		/* the hub runs on hugepages (else --no-huge) */

/* EAL, rings, port, configuration, hub start. Returns 0 or -1 (reported). */
int inproc_start(struct hub_ctl *ctl, const char *argv0, const char *config);
void inproc_stop(struct hub_ctl *ctl);

/* Record one check ("ok   - ..." / "FAIL - ..."); inproc_done prints the closing line
 * and returns the exit code. */
void inproc_check(const char *what, int ok);
int inproc_done(void);

/* Queue m on the port's rx ring (consumed). Returns 0, or -1 when the ring is full. */
int inproc_rx(struct rte_mbuf *m);
/* An ARP packet on the port, broadcast from mac: opcode op (host order), sender sip, target
 * tip (network order), hardware length hlen (6 is right), target hardware address bytes
 * tha_fill. Returns inproc_rx()'s result, or -1 without an mbuf. */
int inproc_rx_arp(uint16_t op, uint32_t sip, const uint8_t mac[6], uint32_t tip, uint8_t hlen,
		  uint8_t tha_fill);
/* An ARP reply from ip/mac to the port's address to (all network order). */
void inproc_rx_arp_reply(uint32_t ip, const uint8_t mac[6], uint32_t to);
/* A CLI session on ctl's command set fed lines (login included, CR LF ended) until it has
 * nothing left to do; its output, NUL-terminated, in a static buffer (16 KiB at most). */
const char *inproc_cli(struct hub_ctl *ctl, const char *lines);
/* `show drops` through such a session (logging in with password): the total column of
 * reason's row, or -1 when it has none (the output then goes to stderr). */
long long inproc_show_drops_row(struct hub_ctl *ctl, const char *password, const char *reason);
/* Every mbuf the hub has sent so far (worker's and control's tx rings) goes to fn, which
 * must not free it; then it is freed. Returns how many. */
unsigned int inproc_drain(void (*fn)(struct rte_mbuf *m, void *arg), void *arg);
/* ms times HUB_TIME_SCALE (1 when unset; scripts/test sets it in the sanitizer step, where
 * everything runs 2-3x slower): every wall-clock bound of the in-process tests goes
 * through it. Lower bounds ("not before its holdtime") are never scaled. */
unsigned int inproc_ms(unsigned int ms);
/* Run the control loop until cond(ctl) holds or inproc_ms(ms) pass; returns cond's last
 * value. */
int inproc_run_until(struct hub_ctl *ctl, int (*cond)(struct hub_ctl *), unsigned int ms);
/* Let the worker take everything queued (at most 10 s), then 5 ms more. */
void inproc_settle(struct hub_ctl *ctl);
/* Condition: every worker has applied every update. */
int inproc_synced(struct hub_ctl *ctl);
/* The port's tx ring of queue q (0 or 1), for tests that fill it (tx-full). */
struct rte_ring *inproc_tx_ring(unsigned int q);

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Inside the CLI: the server, the sessions and the command set, shared by the cli_*.c
 * files and no one else.
 */
#ifndef HUB_CLI_PRIV_H
#define HUB_CLI_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include <cmdline.h>

#include "control/cli.h"

#define CLI_MAX_SESSIONS 256
#define CLI_OUT_MAX (256u * 1024)  /* a session's output buffer; full = session closed */
#define CLI_OUT_HIGH (64u * 1024)  /* above this, a session reads no input, runs no step */
#define CLI_IN_MAX 4096		   /* filtered input waiting to be processed */
#define CLI_LINE_MAX 480	   /* longest command line (rdline holds 512) */
#define CLI_LINES_PER_RUN 16	   /* command lines one session runs per poll */
#define CLI_BYTES_PER_RUN 256	   /* input bytes one session handles per poll */
#define CLI_WALK_BUDGET 1024	   /* entries written per walk step, at most */
#define CLI_STEP_OUT (16u * 1024) /* bytes written per walk step, about (~0.5 ms) */
#define CLI_LOGIN_TIMEOUT_S 60	   /* to type the password, whatever idle_timeout says */
#define CLI_PASSWORD_TRIES 3
#define CLI_QUIT_GRACE_S 10	   /* a quitting session's last output: then it is cut off */

struct cli_stats {
	uint64_t accepted;	   /* connections accepted */
	uint64_t refused_full;	   /* refused: CLI_MAX_SESSIONS open */
	uint64_t closed_idle;	   /* closed by the idle (or login) timeout */
	uint64_t closed_overflow;  /* closed: output buffer full (client not reading) */
	uint64_t closed_peer;	   /* the client closed or reset the connection */
	uint64_t auth_failed;	   /* wrong passwords */
	uint64_t commands;	   /* lines that ran a command */
	uint64_t errors;	   /* lines refused (unknown, incomplete, ambiguous, too long) */
	uint64_t max_run_cycles;   /* longest run of one session in one poll (TSC, wall clock:
				    * includes any time the OS gave the CPU to others) */
};

struct cli_cmdset;
struct cli_sess;
struct cli_baseline;
struct cli_runcfg;
struct cli_telemetry;

/* The socket side of a session slot. */
struct cli_conn {
	int fd;
	bool eof;			/* the client shut its side: finish, then close */
	bool out_blocked;		/* the last send hit EAGAIN: wait for EPOLLOUT */
	uint32_t events;		/* epoll interest registered */
};

struct cli_server {
	struct hub_ctl *ctl;
	int listen_fd;
	int ep_fd;
	struct cli_cmdset *cmds;
	struct cmdline *cl;		/* parse context shared by every session */
	struct cli_sess *sess[CLI_MAX_SESSIONS];
	struct cli_conn conn[CLI_MAX_SESSIONS];
	unsigned int n_sess;
	uint32_t next_id;		/* session numbers, for logs and show users */
	uint64_t next_poll;		/* TSC: next epoll_wait when nothing is queued */
	uint64_t next_timers;		/* TSC: next idle-timeout scan */
	bool busy;			/* a session has queued work: poll again at once */
	uint64_t accept_warn_tsc;	/* TSC before which accept() errors are not logged */
	struct cli_stats stats;
	struct cli_baseline *baseline;	/* clear counters (cli_system.c) */
	struct cli_runcfg *runcfg;	/* runtime configuration changes (cli_runcfg.c) */
	struct cli_telemetry *tel;	/* telemetry snapshots (cli_telemetry.c) */
};

/* The command set (cli_cmd.c). */
struct cli_cmdset *cli_cmdset_build(void);
void cli_cmdset_free(struct cli_cmdset *set);
cmdline_parse_ctx_t *cli_cmdset_ctx(struct cli_cmdset *set);
/* How many commands line matches in full (0 for a blank line). */
int cli_cmdset_match(struct cli_cmdset *set, const char *line);
/* A line cmdline_parse() refused: one Cisco-style error ("% Invalid input detected at
 * '^' marker." under the word, "% Incomplete command.", "% Ambiguous command: ..."). */
void cli_cmdset_diagnose(struct cli_cmdset *set, struct cli_sess *s, const char *line);
/* '?': the words that may follow line, with their help. */
void cli_cmdset_help(struct cli_cmdset *set, struct cli_sess *s, const char *line);
/* TAB, with rdline's completion protocol: 2 and the characters to add, or 1 per
 * candidate word to list (*state counts them), 0 when done. */
int cli_cmdset_complete(struct cli_cmdset *set, const char *line, char *dst, unsigned int size,
			int *state);
/* The function rte_cmdline calls for every instruction. */
void cli_cmd_dispatch(void *res, struct cmdline *cl, void *data);

/* Sessions (cli_session.c). */
struct cli_sess *cli_sess_new(struct cli_server *srv, uint32_t id, const char *peer);
void cli_sess_free(struct cli_sess *s);
struct cli_sess *cli_sess_current(void);
struct cli_server *cli_sess_server(const struct cli_sess *s);
/* Raw bytes from the socket: telnet-filtered into the input buffer, answers queued. */
void cli_sess_input(struct cli_sess *s, const uint8_t *buf, size_t n, uint64_t now);
/* Room for another read of up to n bytes. */
bool cli_sess_wants_input(const struct cli_sess *s, size_t n);
/* Run queued input and walk steps. Returns work done. */
unsigned int cli_sess_run(struct cli_sess *s);
/* Work is queued that the next run could do. */
bool cli_sess_pending(const struct cli_sess *s);
/* Output waiting to be sent, and the bytes the socket took. */
const char *cli_sess_out(const struct cli_sess *s, size_t *len);
void cli_sess_out_sent(struct cli_sess *s, size_t n);
/* Why the session must end now (NULL: it goes on). A quitting session ends once its
 * output is sent. */
const char *cli_sess_close_reason(const struct cli_sess *s);
bool cli_sess_quitting(const struct cli_sess *s);
/* Idle or login timeout at now: writes the notice and marks the session quitting. */
bool cli_sess_timed_out(struct cli_sess *s, uint64_t now);
/* debug nhrp: the session's switch (counted in ctl->nhrp_trace.users), and a line written
 * to it between commands (dropped and counted when its client is not reading). */
bool cli_sess_debug(const struct cli_sess *s);
void cli_sess_set_debug(struct cli_sess *s, bool on);
void cli_sess_async_line(struct cli_sess *s, const char *line);
/* The NHRP server's trace callback: the line to every session with debug on. */
void cli_debug_deliver(void *srv, const char *line);

/* For show users. */
struct cli_sess_info {
	uint32_t id;
	const char *peer;
	bool logged_in;
	uint64_t age_s, idle_s, commands;
	size_t out_pending;
};
void cli_sess_info(const struct cli_sess *s, struct cli_sess_info *info);

/* The NHRP server's counters since the last clear counters (cli_system.c); -ENOENT when
 * the server is not running. */
struct nhrp_stats;
int cli_nhrp_stats(struct cli_sess *s, struct nhrp_stats *out);
/* The FPM server's and the exception path's counters since the last clear counters
 * (cli_fpm_stats returns out). */
struct fpm_stats;
struct ctl_exc_stats;
struct ctl_local_stats;
const struct fpm_stats *cli_fpm_stats(struct cli_sess *s, struct fpm_stats *out);
void cli_exc_stats(struct cli_sess *s, struct ctl_exc_stats *exc, struct ctl_local_stats *local);

/* Peers per tunnel and type (enum ctl_peer_type), counted in walk steps (cli_nhrp.c):
 * call with w->pos at 0 until it returns false. */
struct cli_peer_counts {
	uint32_t n[CFG_MAX_TUNNELS][3];
	uint32_t total[CFG_MAX_TUNNELS];
};
bool cli_peer_count_step(struct hub_ctl *ctl, struct cli_walk *w, struct cli_peer_counts *c);
/* Start a walk whose buf is a zeroed struct cli_peer_counts (show dmvpn, show interfaces);
 * an error line instead when it cannot be allocated. */
void cli_walk_start_counting(struct cli_sess *s, cli_walk_fn fn, uint32_t flags);

/* rte_telemetry views (cli_telemetry.c): registered at init, fed a snapshot from the
 * poll, answering "not running" after stop. */
int cli_telemetry_init(struct cli_server *srv);
unsigned int cli_telemetry_poll(struct cli_server *srv, uint64_t now);
void cli_telemetry_stop(struct cli_server *srv);

/* Runtime configuration changes kept for show running-config (cli_runcfg.c). */
int cli_runcfg_map(struct cli_server *srv, unsigned int tunnel, uint32_t tunnel_addr,
		   uint32_t nbma_addr, bool del);
int cli_runcfg_route(struct cli_server *srv, uint32_t prefix, uint8_t len, uint32_t via,
		     bool del);
/* The running configuration: cfg with the changes applied (the CLI password hidden). */
int cli_runcfg_print(const struct cli_server *srv, FILE *out);
void cli_runcfg_free(struct cli_server *srv);

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What CLI commands see: the session they write to, their parsed arguments, and the
 * tables that declare them.
 *
 * A command is one line of a `struct cli_cmd` table ("show ip nhrp A.B.C.D", help, function,
 * flags); cli_cmd.c turns every table into rte_cmdline instructions at start-up, the way
 * testpmd merges its command files. Output goes to the session's bounded buffer through
 * cli_printf(), never to the process's stdout. A command whose output can be large
 * (a table of a million peers) writes it in steps through cli_walk_start(): the session
 * calls the step function again whenever the client has drained its buffer, so the
 * control lcore never formats more than a buffer's worth at a time.
 */
#ifndef HUB_CLI_H
#define HUB_CLI_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "control/ctl.h"

#define CLI_PROMPT "dmvpn-hub> "
#define CLI_MAX_ARGS 4

struct cli_sess;

/* Flags a command function receives (from its table line, plus CLI_F_JSON for the json
 * variant generated from CLI_C_JSON). */
#define CLI_F_JSON (1u << 0)	/* "... json": one JSON document */
#define CLI_F_DETAIL (1u << 1)	/* "... detail" */
#define CLI_F_ALL (1u << 2)	/* "... all" */
#define CLI_F_NO (1u << 3)	/* the "no ..." form of a configuration command */
#define CLI_F_USER (1u << 8)	/* bits from here on are the command's own */

/* Table-only flags: also register "<syntax> json" with CLI_F_JSON; accept the keywords
 * only when typed in full (quit, exit: garbage or a typo must not end a session). */
#define CLI_C_JSON (1u << 31)
#define CLI_C_EXACT (1u << 30)

/* One parsed argument, in the order the placeholders appear in the syntax. */
union cli_arg {
	uint32_t addr;		  /* A.B.C.D: network order */
	struct {
		uint32_t addr;	  /* network order, as typed (host bits are checked by the command) */
		uint8_t len;
	} prefix;		  /* A.B.C.D/LEN */
	uint32_t num;		  /* ID: 0..65535 */
};

struct cli_args {
	union cli_arg v[CLI_MAX_ARGS];
};

struct cli_cmd;
typedef void (*cli_cmd_fn)(struct cli_sess *s, const struct cli_args *a, uint32_t flags);

/*
 * Syntax: words separated by single spaces. Lower-case words are keywords, accepted as
 * any unambiguous prefix (Cisco's "sh ip nh"). Placeholders: A.B.C.D (IPv4 address),
 * A.B.C.D/LEN (IPv4 prefix), ID (a number 0..65535).
 */
struct cli_cmd {
	const char *syntax;
	const char *help;
	cli_cmd_fn fn;
	uint32_t flags;
};

/* The tables, one per command file; each ends with a {NULL} line. */
extern const struct cli_cmd cli_nhrp_cmds[];
extern const struct cli_cmd cli_route_cmds[];
extern const struct cli_cmd cli_system_cmds[];
extern const struct cli_cmd cli_session_cmds[];
extern const struct cli_cmd cli_debug_cmds[];

/* Output. Line ends are "\n"; the session turns them into CR LF for the terminal. */
void cli_printf(struct cli_sess *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cli_vprintf(struct cli_sess *s, const char *fmt, va_list ap);
void cli_write(struct cli_sess *s, const char *buf, size_t len);
/* A JSON string literal (quotes and escapes added); NULL writes null. */
void cli_json_str(struct cli_sess *s, const char *v);
/* len bytes escaped for the inside of a JSON string (no quotes). */
void cli_json_esc(struct cli_sess *s, const char *v, size_t len);
/* One error line, "% " + text: what every command prints when it refuses. */
void cli_error(struct cli_sess *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

struct hub_ctl *cli_ctl(const struct cli_sess *s);
/* End the session once its output has been sent (quit, exit). */
void cli_sess_quit(struct cli_sess *s);

/*
 * Output in steps. fn is called with w until it returns false (done); each call should
 * stop as soon as cli_walk_yield() says so. The prompt comes back after the last step.
 * Any memory in w->buf is free()d when the walk ends, finished or not.
 */
struct cli_walk;
typedef bool (*cli_walk_fn)(struct cli_sess *s, struct cli_walk *w);
struct cli_walk {
	cli_walk_fn fn;
	uint32_t flags;		/* the command's flags */
	uint32_t arg;		/* the command's own (an address filter, ...) */
	uint32_t phase;		/* the step function's own state */
	uint64_t pos;		/* cursor */
	uint64_t n;		/* items written so far (JSON commas) */
	uint32_t sub;		/* a second cursor (tunnel index, ...) */
	void *buf;		/* a snapshot the walk owns; free()d at the end */
	size_t len;		/* entries or bytes in buf */
};
void cli_walk_start(struct cli_sess *s, const struct cli_walk *w);
/* True when the step should return now and continue later (the client has a buffer's
 * worth to read, or the step has used its share of the control lcore). Counts one unit
 * of work per call. */
bool cli_walk_yield(struct cli_sess *s);

/* Seconds since a TSC stamp; "HH:MM:SS" below a day, "1d02h", "3w2d" above (Cisco). */
uint64_t cli_tsc_age_s(uint64_t tsc);
void cli_fmt_duration(char *buf, size_t len, uint64_t secs);
/* "a.b.c.d" from a network-order address. */
const char *cli_ip(uint32_t addr, char *buf);
#define CLI_IP_LEN 16

#endif

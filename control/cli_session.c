/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One CLI session: telnet filtering, login, the line editor, running commands, output.
 *
 * Line editing and history are rte_cmdline's rdline, one per session,
 * created with rdline_new() so that its output comes to our write_char callback rather
 * than to a file descriptor: everything a session prints, echo included, lands in the
 * session's own bounded buffer, which the server drains into the socket without ever
 * blocking. Lines are parsed by cmdline_parse() on the server's one struct cmdline (it
 * only holds the instruction list); the instruction's function finds the session it runs
 * for through cli_sess_current(), set for the duration of the call (the control lcore is
 * single-threaded).
 *
 * What we add in front of rdline, byte by byte: '?' lists the possible words and TAB
 * completes from our command set (IOS-style; rte_cmdline's own lists repeat a word for
 * every instruction that contains it); lines longer than
 * CLI_LINE_MAX are refused as a whole instead of silently truncated; a line end inside
 * an unfinished escape sequence (which rdline would swallow) ends the line with an
 * error; bytes above 0x7f and NULs are dropped; ^D on an empty line does nothing (IOS).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmdline.h>
#include <cmdline_rdline.h>
#include <rte_cycles.h>
#include <rte_ip.h>

#include "control/cli_priv.h"
#include "control/cli_telnet.h"
#include "lib/hub_log.h"

/* History we keep (see history_add()): about 50 commands. */
#define CLI_HIST_BYTES 2048

enum sess_state {
	SESS_LOGIN = 0, /* waiting for the password */
	SESS_CMD,	/* at the prompt or running a command */
};

enum esc_state {
	ESC_NONE = 0,
	ESC_ESC,	/* after ESC */
	ESC_CSI,	/* after ESC [ */
};

struct cli_sess {
	struct cli_server *srv;
	uint32_t id;
	char peer[32];			/* "a.b.c.d:port" */
	uint8_t state;			/* enum sess_state */
	bool quitting;			/* close once the output is sent */
	const char *close_reason;	/* close now; NULL while the session goes on */
	struct cli_telnet tn;
	struct rdline *rdl;

	/* Filtered input not processed yet. */
	uint8_t in[CLI_IN_MAX];
	uint32_t in_off, in_len;

	/* The line being typed, as far as we follow it. */
	uint32_t line_len;		/* printable bytes given to rdline (at least its length) */
	bool line_long;			/* a byte was refused: the line is over CLI_LINE_MAX */
	uint8_t esc;			/* enum esc_state: mirrors rdline's vt100 parser */
	uint8_t esc_len;
	char hist[CLI_HIST_BYTES];	/* our copy of the history: lines, NUL-ended, oldest first */
	uint32_t hist_len;
	bool navigated;			/* history keys used on this line: rdline saved it */

	/* Login. */
	char pw[CFG_PASSWORD_MAX];
	uint32_t pw_len;
	bool pw_long;
	unsigned int pw_fail;

	/* Output: bytes [out_off, out_len) of out are waiting for the socket. */
	char *out;
	size_t out_off, out_len, out_cap;
	char out_last;			/* last byte queued (CR LF conversion) */

	/* A command writing in steps. */
	bool walking;
	struct cli_walk walk;
	uint32_t walk_budget;		/* entries left in this step */
	size_t step_out;		/* output pending when this step began */

	/* debug nhrp: lines are written between commands, the line being typed redrawn. */
	bool debug_nhrp;
	uint64_t debug_dropped;		/* lines not written: the client was not reading */

	uint64_t created;		/* TSC */
	uint64_t last_active;		/* TSC: last input, or output the client took */
	uint64_t quit_tsc;		/* when quitting was set */
	uint64_t commands;
};

static struct cli_sess *sess_current;

struct cli_sess *cli_sess_current(void)
{
	return sess_current;
}

struct cli_server *cli_sess_server(const struct cli_sess *s)
{
	return s->srv;
}

struct hub_ctl *cli_ctl(const struct cli_sess *s)
{
	return s->srv->ctl;
}

/* --- output --------------------------------------------------------------------------- */

static size_t out_pending(const struct cli_sess *s)
{
	return s->out_len - s->out_off;
}

/* Room for extra more bytes; false (and the session condemned) when the cap is hit. */
static bool out_reserve(struct cli_sess *s, size_t extra)
{
	size_t need;
	char *p;

	if (s->close_reason != NULL)
		return false;
	if (out_pending(s) + extra > CLI_OUT_MAX) {
		s->close_reason = "output buffer full (client not reading)";
		s->srv->stats.closed_overflow++;
		return false;
	}
	if (s->out_len + extra <= s->out_cap)
		return true;
	if (s->out_off > 0) {
		memmove(s->out, s->out + s->out_off, out_pending(s));
		s->out_len -= s->out_off;
		s->out_off = 0;
		if (s->out_len + extra <= s->out_cap)
			return true;
	}
	need = s->out_cap ? s->out_cap : 4096;
	while (need < s->out_len + extra)
		need *= 2;
	p = realloc(s->out, need);
	if (p == NULL) {
		s->close_reason = "out of memory";
		return false;
	}
	s->out = p;
	s->out_cap = need;
	return true;
}

/* Bytes as they are (telnet negotiation). */
static void out_raw(struct cli_sess *s, const void *buf, size_t len)
{
	if (len == 0 || !out_reserve(s, len))
		return;
	memcpy(s->out + s->out_len, buf, len);
	s->out_len += len;
	s->out_last = ((const char *)buf)[len - 1];
}

/* Text: "\n" becomes CR LF (the terminal is raw), 0xff is doubled (telnet IAC). */
static void out_text(struct cli_sess *s, const char *buf, size_t len)
{
	size_t i;
	char *o;

	if (len == 0 || !out_reserve(s, 2 * len))
		return;
	o = s->out + s->out_len;
	for (i = 0; i < len; i++) {
		char c = buf[i];

		if (c == '\n' && s->out_last != '\r')
			*o++ = '\r';
		else if ((uint8_t)c == TN_IAC)
			*o++ = (char)TN_IAC;
		*o++ = c;
		s->out_last = c;
	}
	s->out_len = (size_t)(o - s->out);
}

void cli_write(struct cli_sess *s, const char *buf, size_t len)
{
	out_text(s, buf, len);
}

void cli_vprintf(struct cli_sess *s, const char *fmt, va_list ap)
{
	char small[1024], *big;
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	if (n < 0) {
		va_end(ap2);
		return;
	}
	if ((size_t)n < sizeof(small)) {
		out_text(s, small, (size_t)n);
	} else if ((size_t)n <= CLI_OUT_MAX && (big = malloc((size_t)n + 1)) != NULL) {
		vsnprintf(big, (size_t)n + 1, fmt, ap2);
		out_text(s, big, (size_t)n);
		free(big);
	} else {
		out_reserve(s, (size_t)n); /* condemns the session */
	}
	va_end(ap2);
}

void cli_printf(struct cli_sess *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cli_vprintf(s, fmt, ap);
	va_end(ap);
}

void cli_error(struct cli_sess *s, const char *fmt, ...)
{
	va_list ap;

	s->srv->stats.errors++;
	out_text(s, "% ", 2);
	va_start(ap, fmt);
	cli_vprintf(s, fmt, ap);
	va_end(ap);
	out_text(s, "\n", 1);
}

void cli_json_esc(struct cli_sess *s, const char *v, size_t len)
{
	char buf[512];
	size_t o = 0, i;

	for (i = 0; i < len; i++) {
		uint8_t c = (uint8_t)v[i];

		if (o + 8 >= sizeof(buf)) {
			out_text(s, buf, o);
			o = 0;
		}
		if (c == '"' || c == '\\') {
			buf[o++] = '\\';
			buf[o++] = (char)c;
		} else if (c == '\n') {
			buf[o++] = '\\';
			buf[o++] = 'n';
		} else if (c == '\t') {
			buf[o++] = '\\';
			buf[o++] = 't';
		} else if (c < 0x20 || c >= 0x7f) {
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, "\\u%04x", c);
		} else {
			buf[o++] = (char)c;
		}
	}
	out_text(s, buf, o);
}

void cli_json_str(struct cli_sess *s, const char *v)
{
	if (v == NULL) {
		out_text(s, "null", 4);
		return;
	}
	out_text(s, "\"", 1);
	cli_json_esc(s, v, strlen(v));
	out_text(s, "\"", 1);
}

const char *cli_sess_out(const struct cli_sess *s, size_t *len)
{
	*len = out_pending(s);
	return s->out + s->out_off;
}

void cli_sess_out_sent(struct cli_sess *s, size_t n)
{
	/* A client reading a long listing is not idle. */
	if (n > 0)
		s->last_active = rte_rdtsc();
	s->out_off += n;
	if (s->out_off == s->out_len)
		s->out_off = s->out_len = 0;
}

/* --- helpers for commands ------------------------------------------------------------- */

uint64_t cli_tsc_age_s(uint64_t tsc)
{
	uint64_t now = rte_rdtsc();

	return now > tsc ? (now - tsc) / rte_get_tsc_hz() : 0;
}

void cli_fmt_duration(char *buf, size_t len, uint64_t secs)
{
	if (secs < 86400)
		snprintf(buf, len, "%02u:%02u:%02u", (unsigned int)(secs / 3600),
			 (unsigned int)(secs / 60 % 60), (unsigned int)(secs % 60));
	else if (secs < 7 * 86400)
		snprintf(buf, len, "%ud%02uh", (unsigned int)(secs / 86400),
			 (unsigned int)(secs / 3600 % 24));
	else
		snprintf(buf, len, "%uw%ud", (unsigned int)(secs / (7 * 86400)),
			 (unsigned int)(secs / 86400 % 7));
}

const char *cli_ip(uint32_t addr, char *buf)
{
	uint32_t a = rte_be_to_cpu_32(addr);

	snprintf(buf, CLI_IP_LEN, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff,
		 a & 0xff);
	return buf;
}

bool cli_sess_debug(const struct cli_sess *s)
{
	return s->debug_nhrp;
}

void cli_sess_set_debug(struct cli_sess *s, bool on)
{
	struct hub_ctl *ctl = s->srv->ctl;

	if (on == s->debug_nhrp)
		return;
	s->debug_nhrp = on;
	if (on)
		ctl->nhrp_trace.users++;
	else if (ctl->nhrp_trace.users > 0)
		ctl->nhrp_trace.users--;
}

void cli_sess_async_line(struct cli_sess *s, const char *line)
{
	char note[80];

	if (s->state != SESS_CMD || s->quitting || s->close_reason != NULL)
		return;
	/* A client that does not read loses debug lines, not its session or our memory. */
	if (out_pending(s) >= CLI_OUT_HIGH) {
		s->debug_dropped++;
		return;
	}
	/* At the prompt: erase the line being typed, write ours, then redraw prompt and
	 * input. While a command's output is being written, ours goes between its lines. */
	if (!s->walking)
		out_text(s, "\r\033[K", 4);
	if (s->debug_dropped > 0) {
		int n = snprintf(note, sizeof(note), "%% %" PRIu64 " debug lines dropped\n",
				 s->debug_dropped);

		out_text(s, note, (size_t)n);
		s->debug_dropped = 0;
	}
	out_text(s, line, strlen(line));
	out_text(s, "\n", 1);
	if (!s->walking)
		rdline_redisplay(s->rdl);
}

void cli_sess_quit(struct cli_sess *s)
{
	if (!s->quitting) {
		s->quitting = true;
		s->quit_tsc = rte_rdtsc();
	}
}

void cli_walk_start(struct cli_sess *s, const struct cli_walk *w)
{
	free(s->walk.buf);
	s->walk = *w;
	s->walking = true;
	s->walk_budget = CLI_WALK_BUDGET;
}

bool cli_walk_yield(struct cli_sess *s)
{
	if (s->walk_budget > 0)
		s->walk_budget--;
	return s->walk_budget == 0 || out_pending(s) >= s->step_out + CLI_STEP_OUT ||
	       out_pending(s) >= CLI_OUT_HIGH || s->close_reason != NULL;
}

static void walk_end(struct cli_sess *s)
{
	free(s->walk.buf);
	memset(&s->walk, 0, sizeof(s->walk));
	s->walking = false;
}

/* --- rdline callbacks ----------------------------------------------------------------- */

static int rdl_write_char(struct rdline *rdl, char c)
{
	struct cli_sess *s = rdline_get_opaque(rdl);

	out_text(s, &c, 1);
	return 1;
}

static void rdl_validate(struct rdline *rdl, const char *buf, unsigned int size)
{
	struct cli_sess *s = rdline_get_opaque(rdl);
	int rc;

	(void)size;
	if (buf[strspn(buf, " \t")] == '\n' || buf[strspn(buf, " \t")] == '#')
		return;
	/* Our matcher runs the same token checks as rte_cmdline's: a line it finds no
	 * command for is diagnosed without cmdline_parse(), which clears an 8 KiB result
	 * buffer for every instruction it tries (~60 us a line, garbage included). */
	if (cli_cmdset_match(s->srv->cmds, buf) <= 0) {
		cli_cmdset_diagnose(s->srv->cmds, s, buf);
		return;
	}
	sess_current = s;
	rc = cmdline_parse(s->srv->cl, buf);
	sess_current = NULL;
	if (rc == CMDLINE_PARSE_AMBIGUOUS || rc == CMDLINE_PARSE_NOMATCH ||
	    rc == CMDLINE_PARSE_BAD_ARGS) {
		cli_cmdset_diagnose(s->srv->cmds, s, buf);
		return;
	}
	s->commands++;
	s->srv->stats.commands++;
}

static int rdl_complete(struct rdline *rdl, const char *buf, char *dst, unsigned int size,
			int *state)
{
	struct cli_sess *s = rdline_get_opaque(rdl);

	return cli_cmdset_complete(s->srv->cmds, buf, dst, size, state);
}

/* --- input ---------------------------------------------------------------------------- */

static void prompt(struct cli_sess *s)
{
	s->line_len = 0;
	s->line_long = false;
	s->esc = ESC_NONE;
	s->esc_len = 0;
	rdline_newline(s->rdl, CLI_PROMPT);
}

/* The length of the line rdline holds (it ignores bytes past its own buffer). */
static uint32_t rdline_len(struct cli_sess *s)
{
	const char *b = rdline_get_buffer(s->rdl);

	return (uint32_t)strcspn(b, "\n");
}

/* Mirror rdline's vt100 parser (cmdline_vt100.c) just enough to know whether a byte
 * belongs to an escape sequence. */
static void esc_track(struct cli_sess *s, uint8_t c)
{
	if (s->esc != ESC_NONE && ++s->esc_len >= 8) { /* CMDLINE_VT100_BUF_SIZE */
		s->esc = ESC_NONE;
		s->esc_len = 0;
	}
	switch (s->esc) {
	case ESC_NONE:
		if (c == 033) {
			s->esc = ESC_ESC;
			s->esc_len = 1;
		}
		break;
	case ESC_ESC:
		if (c == '[')
			s->esc = ESC_CSI;
		else if (c >= 060 && c <= 0177)
			s->esc = ESC_NONE;
		break;
	case ESC_CSI:
		if (c >= 0100 && c <= 0176)
			s->esc = ESC_NONE;
		break;
	default:
		s->esc = ESC_NONE;
		break;
	}
}

/*
 * rdline keeps the history in a ring (8 KiB) and realigns it with cirbuf_align_left(),
 * which shifts the whole ring one byte at a time: once the ring has wrapped, every history
 * lookup (up arrow, ^P) costs milliseconds of the control lcore. So the ring is never
 * allowed to wrap: we keep our own copy of the history (CLI_HIST_BYTES), and when it is
 * full we drop its older half and reload the ring from it, which puts the ring's start
 * back at 0, where realigning is free.
 *
 * When history navigation starts, rdline saves the line being edited as the newest item
 * and drops it on Enter, but not when the line is abandoned (^C, or a line we refuse
 * before rdline sees it): the next up arrow would show that leftover first. Those cases
 * reload the ring from our copy, which never had it.
 */
static void history_reload(struct cli_sess *s)
{
	uint32_t off = 0;

	rdline_clear_history(s->rdl);
	while (off < s->hist_len) {
		rdline_add_history(s->rdl, s->hist + off);
		off += (uint32_t)strlen(s->hist + off) + 1;
	}
	s->navigated = false;
}

static void history_abandon(struct cli_sess *s)
{
	if (s->navigated)
		history_reload(s);
}

/* A line enters the history unless it is blank or repeats the previous one. */
static void history_add(struct cli_sess *s, const char *line)
{
	size_t len = strcspn(line, "\n");
	uint32_t last = 0, off = 0;
	bool reload = false;

	if (len == 0 || len >= CLI_HIST_BYTES / 2 || line[strspn(line, " \t")] == '\n')
		return;
	while (off < s->hist_len) {
		last = off;
		off += (uint32_t)strlen(s->hist + off) + 1;
	}
	if (s->hist_len > 0 && strlen(s->hist + last) == len && strncmp(s->hist + last, line, len) == 0)
		return;
	if (s->hist_len + len + 1 > sizeof(s->hist)) {
		/* Drop the oldest lines down to half, then the ring is reloaded. */
		off = 0;
		while (s->hist_len - off + len + 1 > sizeof(s->hist) / 2)
			off += (uint32_t)strlen(s->hist + off) + 1;
		memmove(s->hist, s->hist + off, s->hist_len - off);
		s->hist_len -= off;
		reload = true;
	}
	memcpy(s->hist + s->hist_len, line, len);
	s->hist[s->hist_len + len] = '\0';
	s->hist_len += (uint32_t)len + 1;
	if (reload)
		history_reload(s);
	else
		rdline_add_history(s->rdl, line);
}

/* The end of a line at the prompt. Returns 1 when a line was run. */
static unsigned int cmd_line_end(struct cli_sess *s)
{
	char line[CLI_LINE_MAX + 2];
	int rc;

	if (s->line_long) {
		cli_printf(s, "\n");
		cli_error(s, "Line too long: at most %u characters", CLI_LINE_MAX);
		history_abandon(s);
		prompt(s);
		return 1;
	}
	if (s->esc != ESC_NONE) {
		cli_printf(s, "\n");
		cli_error(s, "Incomplete escape sequence: line ignored");
		history_abandon(s);
		prompt(s);
		return 1;
	}
	s->navigated = false; /* on Enter rdline drops its copy itself */
	snprintf(line, sizeof(line), "%s", rdline_get_buffer(s->rdl));
	rc = rdline_char_in(s->rdl, '\n');
	if (rc != RDLINE_RES_VALIDATED)
		return 0;
	history_add(s, line);
	if (!s->walking && !s->quitting)
		prompt(s);
	return 1;
}

/* One byte at the prompt. Returns 1 when a line was run. */
static unsigned int cmd_byte(struct cli_sess *s, uint8_t c)
{
	if (c == '\n')
		return cmd_line_end(s);
	if (c == 0 || c >= 0x80)
		return 0;
	if (s->esc == ESC_NONE && c == '?') {
		char line[CLI_LINE_MAX + 2];

		snprintf(line, sizeof(line), "%s", rdline_get_buffer(s->rdl));
		cli_cmdset_help(s->srv->cmds, s, line);
		rdline_redisplay(s->rdl);
		return 0;
	}
	if (s->esc == ESC_NONE && c == 0x03) { /* ^C: rdline clears the line */
		s->line_len = 0;
		s->line_long = false;
		rdline_char_in(s->rdl, (char)c);
		history_abandon(s);
		return 0;
	}
	if ((s->esc == ESC_NONE && (c == 0x10 || c == 0x0e)) ||
	    (s->esc == ESC_CSI && (c == 'A' || c == 'B'))) /* ^P ^N, up and down arrows */
		s->navigated = true;
	if (s->esc == ESC_NONE && c == 0x04 && rdline_len(s) == 0)
		return 0; /* ^D on an empty line: rdline would report EOF */
	if (s->esc == ESC_NONE && c >= 0x20 && c < 0x7f) {
		if (s->line_long)
			return 0;
		if (s->line_len >= CLI_LINE_MAX) {
			s->line_len = rdline_len(s); /* edits may have shortened it */
			if (s->line_len >= CLI_LINE_MAX) {
				s->line_long = true;
				return 0;
			}
		}
		s->line_len++;
	}
	esc_track(s, c);
	rdline_char_in(s->rdl, (char)c);
	return 0;
}

/* Compare without leaking the position of the first difference through timing. */
static bool password_ok(const char *want, const char *got, size_t got_len)
{
	size_t wl = strlen(want), i;
	unsigned int diff = (unsigned int)(wl ^ got_len);

	for (i = 0; i < got_len && i < wl; i++)
		diff |= (unsigned int)(uint8_t)(want[i] ^ got[i]);
	return diff == 0;
}

static unsigned int login_byte(struct cli_sess *s, uint8_t c)
{
	const char *want = s->srv->ctl->cfg->cli_password;

	if (c == '\n') {
		bool ok = !s->pw_long && password_ok(want, s->pw, s->pw_len);

		memset(s->pw, 0, sizeof(s->pw));
		s->pw_len = 0;
		s->pw_long = false;
		if (ok) {
			s->state = SESS_CMD;
			HUB_LOG(INFO, cli, "session %u from %s: logged in", s->id, s->peer);
			cli_printf(s, "\n");
			prompt(s);
			return 1;
		}
		s->srv->stats.auth_failed++;
		HUB_LOG(WARNING, cli, "session %u from %s: wrong password", s->id, s->peer);
		if (++s->pw_fail >= CLI_PASSWORD_TRIES) {
			cli_printf(s, "\n%% Bad passwords\n");
			cli_sess_quit(s);
		} else {
			cli_printf(s, "\nPassword: ");
		}
		return 1;
	}
	if (c == 0x03) {
		s->pw_len = 0;
		s->pw_long = false;
	} else if (c == 0x7f || c == 0x08) {
		if (s->pw_len > 0)
			s->pw_len--;
	} else if (c >= 0x20 && c < 0x7f) {
		if (s->pw_len < sizeof(s->pw) - 1)
			s->pw[s->pw_len++] = (char)c;
		else
			s->pw_long = true;
	}
	return 0;
}

void cli_sess_input(struct cli_sess *s, const uint8_t *buf, size_t n, uint64_t now)
{
	uint8_t reply[CLI_IN_MAX + 2];
	size_t reply_len, got;

	if (n == 0)
		return;
	s->last_active = now;
	if (s->in_off == s->in_len)
		s->in_off = s->in_len = 0;
	if (s->in_off > 0) {
		memmove(s->in, s->in + s->in_off, s->in_len - s->in_off);
		s->in_len -= s->in_off;
		s->in_off = 0;
	}
	/* The server reads only when cli_sess_wants_input(n) said there is room for n + 1. */
	if (s->in_len + n + 1 > sizeof(s->in) || n > CLI_IN_MAX)
		return;
	got = cli_telnet_input(&s->tn, buf, n, s->in + s->in_len, reply, sizeof(reply),
			       &reply_len);
	s->in_len += (uint32_t)got;
	out_raw(s, reply, reply_len);
}

bool cli_sess_wants_input(const struct cli_sess *s, size_t n)
{
	return s->close_reason == NULL && !s->quitting &&
	       (s->in_len - s->in_off) + n + 1 <= sizeof(s->in);
}

bool cli_sess_pending(const struct cli_sess *s)
{
	if (s->close_reason != NULL || s->quitting || out_pending(s) >= CLI_OUT_HIGH)
		return false;
	return s->walking || s->in_off < s->in_len;
}

unsigned int cli_sess_run(struct cli_sess *s)
{
	unsigned int work = 0, lines = 0, bytes = 0;

	if (s->walking && s->close_reason == NULL && out_pending(s) < CLI_OUT_HIGH) {
		bool more;

		s->walk_budget = CLI_WALK_BUDGET;
		s->step_out = out_pending(s);
		sess_current = s;
		more = s->walk.fn(s, &s->walk);
		sess_current = NULL;
		work++;
		if (!more) {
			walk_end(s);
			if (!s->quitting)
				prompt(s);
		}
	}
	while (!s->walking && !s->quitting && s->close_reason == NULL && s->in_off < s->in_len &&
	       out_pending(s) < CLI_OUT_HIGH && lines < CLI_LINES_PER_RUN &&
	       bytes < CLI_BYTES_PER_RUN) {
		uint8_t c = s->in[s->in_off++];

		work++;
		bytes++;
		if (s->state == SESS_LOGIN)
			lines += login_byte(s, c);
		else
			lines += cmd_byte(s, c);
	}
	return work;
}

/* --- life cycle ----------------------------------------------------------------------- */

struct cli_sess *cli_sess_new(struct cli_server *srv, uint32_t id, const char *peer)
{
	struct cli_sess *s = calloc(1, sizeof(*s));
	uint8_t greeting[TN_GREETING_LEN];
	size_t n;

	if (s == NULL)
		return NULL;
	s->srv = srv;
	s->id = id;
	snprintf(s->peer, sizeof(s->peer), "%s", peer);
	s->created = s->last_active = rte_rdtsc();
	s->rdl = rdline_new(rdl_write_char, rdl_validate, rdl_complete, s);
	if (s->rdl == NULL) {
		free(s);
		return NULL;
	}
	n = cli_telnet_init(&s->tn, greeting);
	out_raw(s, greeting, n);
	if (srv->ctl->cfg->cli_password[0] != '\0') {
		s->state = SESS_LOGIN;
		cli_printf(s, "\nUser Access Verification\n\nPassword: ");
	} else {
		s->state = SESS_CMD;
		prompt(s);
	}
	return s;
}

void cli_sess_free(struct cli_sess *s)
{
	if (s == NULL)
		return;
	walk_end(s);
	cli_sess_set_debug(s, false);
	rdline_free(s->rdl);
	memset(s->pw, 0, sizeof(s->pw));
	free(s->out);
	free(s);
}

const char *cli_sess_close_reason(const struct cli_sess *s)
{
	return s->close_reason;
}

bool cli_sess_quitting(const struct cli_sess *s)
{
	return s->quitting;
}

bool cli_sess_timed_out(struct cli_sess *s, uint64_t now)
{
	uint64_t hz = rte_get_tsc_hz();
	uint32_t idle = s->srv->ctl->cfg->cli_idle_timeout;
	uint64_t limit;

	if (s->close_reason != NULL)
		return false;
	if (s->quitting) {
		/* Its last words are queued; a client that does not take them is cut off. */
		if (now > s->quit_tsc && now - s->quit_tsc > CLI_QUIT_GRACE_S * hz) {
			s->close_reason = "closing: last output not taken";
		}
		return false;
	}
	if (s->state == SESS_LOGIN)
		limit = (idle != 0 && idle < CLI_LOGIN_TIMEOUT_S ? idle : CLI_LOGIN_TIMEOUT_S) * hz;
	else if (idle != 0)
		limit = (uint64_t)idle * hz;
	else
		return false;
	if (now < s->last_active || now - s->last_active < limit)
		return false;
	cli_printf(s, "\n%% Session timed out after %u s without activity\n",
		   (unsigned int)(limit / hz));
	cli_sess_quit(s);
	return true;
}

void cli_sess_info(const struct cli_sess *s, struct cli_sess_info *info)
{
	uint64_t now = rte_rdtsc(), hz = rte_get_tsc_hz();

	info->id = s->id;
	info->peer = s->peer;
	info->logged_in = s->state == SESS_CMD;
	info->age_s = (now - s->created) / hz;
	info->idle_s = now > s->last_active ? (now - s->last_active) / hz : 0;
	info->commands = s->commands;
	info->out_pending = out_pending(s);
}

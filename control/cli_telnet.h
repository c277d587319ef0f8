/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The telnet side of a CLI session, as a pure function over bytes (no sockets, no DPDK),
 * so that it is unit-tested on its own.
 *
 * What a stock telnet client needs for character mode with server-side echo is the
 * server's WILL ECHO and WILL SUPPRESS-GO-AHEAD (RFC 857, RFC 858); everything else is
 * refused. Options are negotiated per RFC 1143's rule that a request confirming the
 * current state is not answered, so two agreeing ends never loop.
 *
 * Input: IAC sequences are removed and answered, subnegotiations (IAC SB ... IAC SE, e.g.
 * NAWS) are skipped, IAC IAC is a literal 0xff, and every line end the clients send
 * (CR LF, CR NUL, a lone CR or a lone LF) becomes one '\n'. `nc` with plain lines passes
 * through unchanged apart from the line ends.
 */
#ifndef HUB_CLI_TELNET_H
#define HUB_CLI_TELNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* RFC 854 commands and the options we name. */
#define TN_IAC 255
#define TN_DONT 254
#define TN_DO 253
#define TN_WONT 252
#define TN_WILL 251
#define TN_SB 250
#define TN_GA 249
#define TN_EL 248
#define TN_EC 247
#define TN_AYT 246
#define TN_AO 245
#define TN_IP 244
#define TN_BRK 243
#define TN_DM 242
#define TN_NOP 241
#define TN_SE 240

#define TN_OPT_ECHO 1	   /* RFC 857 */
#define TN_OPT_SGA 3	   /* RFC 858, suppress go-ahead */
#define TN_OPT_TTYPE 24	   /* RFC 1091 */
#define TN_OPT_NAWS 31	   /* RFC 1073, window size */
#define TN_OPT_LINEMODE 34 /* RFC 1184 */

/* Subnegotiation bytes skipped before a missing IAC SE is given up on (a real NAWS is 4
 * to 8 bytes; garbage that opened one must not swallow the session's input for ever). */
#define TN_SB_MAX 512

/* Bytes cli_telnet_init() writes. */
#define TN_GREETING_LEN 6

struct cli_telnet {
	uint8_t state;		/* parser state (enum in cli_telnet.c) */
	uint8_t verb;		/* WILL/WONT/DO/DONT whose option byte is awaited */
	uint16_t sb_len;	/* bytes skipped in the current subnegotiation */
	bool after_cr;		/* the last data byte was CR: swallow a following LF/NUL */
	uint8_t us[32];		/* options enabled on our side, a bitmap */
	uint8_t him[32];	/* options enabled on the client's side */
	uint64_t commands;	/* IAC sequences seen */
	uint64_t sb_aborted;	/* subnegotiations given up after TN_SB_MAX bytes */
};

/* Reset t and write the greeting (IAC WILL ECHO, IAC WILL SGA) into out[TN_GREETING_LEN].
 * Both options count as enabled from here on, so the client's DO is taken as the
 * acknowledgement it is and not answered. Returns TN_GREETING_LEN. */
size_t cli_telnet_init(struct cli_telnet *t, uint8_t *out);

/*
 * Filter n bytes from the client. Data goes to out (at most n bytes), answers to
 * negotiation go to reply (at most reply_cap bytes; an answer that does not fit is
 * dropped, which only leaves an option unnegotiated). Sequences split across calls are
 * handled. Returns the number of data bytes written to out; *reply_len gets the number of
 * reply bytes. A reply_cap of n + 2 always suffices.
 */
size_t cli_telnet_input(struct cli_telnet *t, const uint8_t *in, size_t n, uint8_t *out,
			uint8_t *reply, size_t reply_cap, size_t *reply_len);

/* Whether option opt is enabled on our side (e.g. TN_OPT_ECHO), or on the client's. */
bool cli_telnet_us(const struct cli_telnet *t, uint8_t opt);
bool cli_telnet_him(const struct cli_telnet *t, uint8_t opt);

#endif

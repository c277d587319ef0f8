/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include "control/cli_telnet.h"

enum tn_state {
	TN_S_DATA = 0,
	TN_S_IAC,	/* after IAC */
	TN_S_OPT,	/* after IAC WILL/WONT/DO/DONT: the option byte */
	TN_S_SB,	/* inside IAC SB ... */
	TN_S_SB_IAC,	/* IAC inside a subnegotiation */
};

static bool bit_get(const uint8_t *map, uint8_t opt)
{
	return (map[opt >> 3] >> (opt & 7)) & 1;
}

static void bit_set(uint8_t *map, uint8_t opt, bool on)
{
	if (on)
		map[opt >> 3] |= (uint8_t)(1u << (opt & 7));
	else
		map[opt >> 3] &= (uint8_t)~(1u << (opt & 7));
}

/* Options we perform ourselves, and options we let the client perform. */
static bool us_supported(uint8_t opt)
{
	return opt == TN_OPT_ECHO || opt == TN_OPT_SGA;
}

static bool him_supported(uint8_t opt)
{
	return opt == TN_OPT_SGA;
}

static void reply_add(uint8_t *reply, size_t cap, size_t *len, uint8_t verb, uint8_t opt)
{
	if (*len + 3 > cap)
		return;
	reply[(*len)++] = TN_IAC;
	reply[(*len)++] = verb;
	reply[(*len)++] = opt;
}

size_t cli_telnet_init(struct cli_telnet *t, uint8_t *out)
{
	static const uint8_t greeting[TN_GREETING_LEN] = {
		TN_IAC, TN_WILL, TN_OPT_ECHO, TN_IAC, TN_WILL, TN_OPT_SGA,
	};

	memset(t, 0, sizeof(*t));
	bit_set(t->us, TN_OPT_ECHO, true);
	bit_set(t->us, TN_OPT_SGA, true);
	memcpy(out, greeting, sizeof(greeting));
	return sizeof(greeting);
}

bool cli_telnet_us(const struct cli_telnet *t, uint8_t opt)
{
	return bit_get(t->us, opt);
}

bool cli_telnet_him(const struct cli_telnet *t, uint8_t opt)
{
	return bit_get(t->him, opt);
}

/* RFC 1143: answer only requests that change an option's state; refuse what we do not do. */
static void negotiate(struct cli_telnet *t, uint8_t verb, uint8_t opt, uint8_t *reply,
		      size_t cap, size_t *len)
{
	switch (verb) {
	case TN_WILL: /* the client offers to perform opt */
		if (bit_get(t->him, opt))
			break;
		if (him_supported(opt)) {
			bit_set(t->him, opt, true);
			reply_add(reply, cap, len, TN_DO, opt);
		} else {
			reply_add(reply, cap, len, TN_DONT, opt);
		}
		break;
	case TN_WONT:
		if (bit_get(t->him, opt)) {
			bit_set(t->him, opt, false);
			reply_add(reply, cap, len, TN_DONT, opt);
		}
		break;
	case TN_DO: /* the client asks us to perform opt */
		if (bit_get(t->us, opt))
			break;
		if (us_supported(opt)) {
			bit_set(t->us, opt, true);
			reply_add(reply, cap, len, TN_WILL, opt);
		} else {
			reply_add(reply, cap, len, TN_WONT, opt);
		}
		break;
	case TN_DONT:
		if (bit_get(t->us, opt)) {
			bit_set(t->us, opt, false);
			reply_add(reply, cap, len, TN_WONT, opt);
		}
		break;
	default:
		break;
	}
}

/* A data byte: line ends become one '\n'. Returns the number of bytes written (0 or 1). */
static size_t data_byte(struct cli_telnet *t, uint8_t c, uint8_t *out)
{
	if (t->after_cr) {
		t->after_cr = false;
		if (c == '\n' || c == '\0')
			return 0; /* the second half of CR LF / CR NUL */
	}
	if (c == '\r') {
		t->after_cr = true;
		*out = '\n';
		return 1;
	}
	*out = c;
	return 1;
}

static void sb_abort(struct cli_telnet *t)
{
	t->sb_aborted++;
	t->sb_len = 0; /* no subnegotiation any more: sb_len stays within TN_SB_MAX */
	t->state = TN_S_DATA;
}

/* The byte after an IAC. Returns the number of data bytes written to out (0 or 1). */
static size_t iac_command(struct cli_telnet *t, uint8_t c, uint8_t *out)
{
	t->state = TN_S_DATA;
	t->commands++;
	switch (c) {
	case TN_IAC: /* escaped 0xff data byte */
		return data_byte(t, c, out);
	case TN_WILL:
	case TN_WONT:
	case TN_DO:
	case TN_DONT:
		t->verb = c;
		t->state = TN_S_OPT;
		return 0;
	case TN_SB:
		t->sb_len = 0;
		t->state = TN_S_SB;
		return 0;
	case TN_IP: /* interrupt process, erase line: cancel the line, as ^C does */
	case TN_EL:
		return data_byte(t, 0x03, out);
	case TN_EC: /* erase character: DEL, which the line editor takes as backspace */
		return data_byte(t, 0x7f, out);
	default: /* NOP, DM, BRK, AO, AYT, GA, a stray SE, undefined codes: ignored */
		return 0;
	}
}

size_t cli_telnet_input(struct cli_telnet *t, const uint8_t *in, size_t n, uint8_t *out,
			uint8_t *reply, size_t reply_cap, size_t *reply_len)
{
	size_t i, o = 0;

	*reply_len = 0;
	for (i = 0; i < n; i++) {
		uint8_t c = in[i];

		switch (t->state) {
		case TN_S_DATA:
			if (c == TN_IAC)
				t->state = TN_S_IAC;
			else
				o += data_byte(t, c, out + o);
			break;
		case TN_S_IAC:
			o += iac_command(t, c, out + o);
			break;
		case TN_S_OPT:
			negotiate(t, t->verb, c, reply, reply_cap, reply_len);
			t->state = TN_S_DATA;
			break;
		case TN_S_SB:
			if (c == TN_IAC) {
				t->state = TN_S_SB_IAC;
			} else if (++t->sb_len > TN_SB_MAX) {
				sb_abort(t);
			}
			break;
		case TN_S_SB_IAC:
			if (c == TN_SE)
				t->state = TN_S_DATA;
			else if (c != TN_IAC)
				/* RFC 855 requires IAC SE; a client that sends another command here
				 * has ended the subnegotiation without it: take the command. */
				o += iac_command(t, c, out + o);
			else if (++t->sb_len > TN_SB_MAX)
				sb_abort(t);
			else
				t->state = TN_S_SB;
			break;
		default:
			t->state = TN_S_DATA;
			break;
		}
	}
	return o;
}

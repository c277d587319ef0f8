/* SPDX-License-Identifier: BSD-3-Clause */
/* The telnet filter of the CLI (control/cli_telnet.c): a pure function, no EAL. */
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "control/cli_telnet.h"
#include "tests/unit/cunit_run.h"

struct run {
	uint8_t out[4096];
	size_t out_len;
	uint8_t reply[4096];
	size_t reply_len;
};

/* Feed in as one call; the results land in r. */
static void feed(struct cli_telnet *t, const void *in, size_t n, struct run *r)
{
	size_t rl = 0;

	r->out_len = cli_telnet_input(t, in, n, r->out, r->reply, sizeof(r->reply), &rl);
	r->reply_len = rl;
}

/* Feed in one byte per call, concatenating the results. */
static void feed_bytewise(struct cli_telnet *t, const void *in, size_t n, struct run *r)
{
	const uint8_t *p = in;
	size_t i;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < n; i++) {
		size_t rl = 0;

		r->out_len += cli_telnet_input(t, p + i, 1, r->out + r->out_len,
					       r->reply + r->reply_len,
					       sizeof(r->reply) - r->reply_len, &rl);
		r->reply_len += rl;
	}
}

#define FEEDS(t, lit, r) feed((t), (lit), sizeof(lit) - 1, (r))

static struct cli_telnet fresh(void)
{
	struct cli_telnet t;
	uint8_t g[TN_GREETING_LEN];

	cli_telnet_init(&t, g);
	return t;
}

#define CHECK_BYTES(buf, len, lit)                                                        \
	do {                                                                              \
		CU_ASSERT_EQUAL((len), sizeof(lit) - 1);                                  \
		CU_ASSERT(memcmp((buf), (lit), sizeof(lit) - 1) == 0);                    \
	} while (0)

static void test_telnet_greeting_offers_echo_and_sga(void)
{
	struct cli_telnet t;
	uint8_t g[TN_GREETING_LEN];
	size_t n = cli_telnet_init(&t, g);

	CHECK_BYTES(g, n, "\xff\xfb\x01\xff\xfb\x03");
	CU_ASSERT(cli_telnet_us(&t, TN_OPT_ECHO));
	CU_ASSERT(cli_telnet_us(&t, TN_OPT_SGA));
	CU_ASSERT(!cli_telnet_him(&t, TN_OPT_SGA));
}

static void test_telnet_plain_text_passes_through(void)
{
	struct cli_telnet t = fresh();
	struct run r;

	FEEDS(&t, "show dmvpn", &r);
	CHECK_BYTES(r.out, r.out_len, "show dmvpn");
	CU_ASSERT_EQUAL(r.reply_len, 0);
}

static void test_telnet_line_ends_become_one_lf(void)
{
	struct cli_telnet t = fresh();
	struct run r;

	FEEDS(&t, "a\r\nb\r\0c\nd\re", &r);
	CHECK_BYTES(r.out, r.out_len, "a\nb\nc\nd\ne");
}

static void test_telnet_cr_lf_split_across_calls(void)
{
	struct cli_telnet t = fresh();
	struct run r;

	FEEDS(&t, "x\r", &r);
	CHECK_BYTES(r.out, r.out_len, "x\n");
	FEEDS(&t, "\ny", &r);
	CHECK_BYTES(r.out, r.out_len, "y");
	FEEDS(&t, "\r", &r);
	FEEDS(&t, "\0", &r);
	CU_ASSERT_EQUAL(r.out_len, 0);
}

static void test_telnet_cr_cr_is_two_lines(void)
{
	struct cli_telnet t = fresh();
	struct run r;

	FEEDS(&t, "\r\r\n", &r);
	CHECK_BYTES(r.out, r.out_len, "\n\n");
}

static void test_telnet_iac_iac_is_literal_ff(void)
{
	struct cli_telnet t = fresh();
	struct run r;

	FEEDS(&t, "a\xff\xff" "b", &r);
	CHECK_BYTES(r.out, r.out_len, "a\xff" "b");
	CU_ASSERT_EQUAL(r.reply_len, 0);
}

static void test_telnet_do_echo_acknowledges_without_reply(void)
{
	struct cli_telnet t = fresh();
	struct run r;

	FEEDS(&t, "\xff\xfd\x01\xff\xfd\x03", &r);
	CU_ASSERT_EQUAL(r.out_len, 0);
	CU_ASSERT_EQUAL(r.reply_len, 0);
	CU_ASSERT(cli_telnet_us(&t, TN_OPT_ECHO));
}

static void test_telnet_dont_echo_answers_wont_once(void)
{
	struct cli_telnet t = fresh();
	struct run r;

	FEEDS(&t, "\xff\xfe\x01", &r);
	CHECK_BYTES(r.reply, r.reply_len, "\xff\xfc\x01");
	CU_ASSERT(!cli_telnet_us(&t, TN_OPT_ECHO));
	FEEDS(&t, "\xff\xfe\x01", &r); /* already off: RFC 1143 says no answer */
	CU_ASSERT_EQUAL(r.reply_len, 0);
	FEEDS(&t, "\xff\xfd\x01", &r); /* asked again: we agree */
	CHECK_BYTES(r.reply, r.reply_len, "\xff\xfb\x01");
}

static void test_telnet_do_unknown_option_is_refused(void)
{
	struct cli_telnet t = fresh();
	struct run r;

	FEEDS(&t, "\xff\xfd\x18", &r); /* DO TERMINAL-TYPE */
	CHECK_BYTES(r.reply, r.reply_len, "\xff\xfc\x18");
	FEEDS(&t, "\xff\xfd\x22", &r); /* DO LINEMODE */
	CHECK_BYTES(r.reply, r.reply_len, "\xff\xfc\x22");
}

static void test_telnet_will_naws_is_refused(void)
{
	struct cli_telnet t = fresh();
	struct run r;

	FEEDS(&t, "\xff\xfb\x1f", &r);
	CHECK_BYTES(r.reply, r.reply_len, "\xff\xfe\x1f");
	CU_ASSERT(!cli_telnet_him(&t, TN_OPT_NAWS));
}

static void test_telnet_will_sga_is_accepted_once(void)
{
	struct cli_telnet t = fresh();
	struct run r;

	FEEDS(&t, "\xff\xfb\x03", &r);
	CHECK_BYTES(r.reply, r.reply_len, "\xff\xfd\x03");
	CU_ASSERT(cli_telnet_him(&t, TN_OPT_SGA));
	FEEDS(&t, "\xff\xfb\x03", &r);
	CU_ASSERT_EQUAL(r.reply_len, 0);
	FEEDS(&t, "\xff\xfc\x03", &r); /* WONT SGA */
	CHECK_BYTES(r.reply, r.reply_len, "\xff\xfe\x03");
	CU_ASSERT(!cli_telnet_him(&t, TN_OPT_SGA));
	FEEDS(&t, "\xff\xfc\x03", &r);
	CU_ASSERT_EQUAL(r.reply_len, 0);
}

static void test_telnet_subnegotiation_is_skipped(void)
{
	struct cli_telnet t = fresh();
	struct run r;

	/* NAWS 80x24 with a 0xff width byte escaped inside, then data. */
	FEEDS(&t, "ab\xff\xfa\x1f\x00\xff\xff\x00\x18\xff\xf0" "cd", &r);
	CHECK_BYTES(r.out, r.out_len, "abcd");
	CU_ASSERT_EQUAL(r.reply_len, 0);
}

static void test_telnet_sequences_split_byte_by_byte(void)
{
	static const char in[] = "sh\xff\xfd\x18x\xff\xfa\x1f\x00\x50\xff\xf0y\xff\xff\r\0z";
	struct cli_telnet t = fresh();
	struct run r;

	feed_bytewise(&t, in, sizeof(in) - 1, &r);
	CHECK_BYTES(r.out, r.out_len, "shxy\xff\nz");
	CHECK_BYTES(r.reply, r.reply_len, "\xff\xfc\x18");
}

static void test_telnet_unterminated_subnegotiation_is_abandoned(void)
{
	struct cli_telnet t = fresh();
	uint8_t in[TN_SB_MAX + 16];
	struct run r;

	in[0] = TN_IAC;
	in[1] = TN_SB;
	memset(in + 2, 'q', sizeof(in) - 2);
	feed(&t, in, sizeof(in), &r);
	CU_ASSERT_EQUAL(t.sb_aborted, 1);
	/* The bytes after the limit are data again: the session is not eaten for ever. */
	CU_ASSERT(r.out_len > 0 && r.out_len < 16);
	FEEDS(&t, "ok\n", &r);
	CHECK_BYTES(r.out, r.out_len, "ok\n");
}

static void test_telnet_command_inside_subnegotiation_ends_it(void)
{
	struct cli_telnet t = fresh();
	struct run r;

	/* IAC SB NAWS ... IAC DO TTYPE (no SE): the DO is taken as a command. */
	FEEDS(&t, "\xff\xfa\x1f\x00\xff\xfd\x18" "a", &r);
	CHECK_BYTES(r.out, r.out_len, "a");
	CHECK_BYTES(r.reply, r.reply_len, "\xff\xfc\x18");
}

static void test_telnet_interrupt_and_erase_map_to_keys(void)
{
	struct cli_telnet t = fresh();
	struct run r;

	FEEDS(&t, "a\xff\xf4" "b\xff\xf7" "c\xff\xf8\xff\xf1\xff\xf6", &r);
	CHECK_BYTES(r.out, r.out_len, "a\x03" "b\x7f" "c\x03");
	CU_ASSERT_EQUAL(r.reply_len, 0);
}

static void test_telnet_reply_buffer_bound_is_respected(void)
{
	struct cli_telnet t = fresh();
	uint8_t in[300], out[301], reply[4];
	size_t i, rl = 99, o;

	for (i = 0; i + 3 <= sizeof(in); i += 3) {
		in[i] = TN_IAC;
		in[i + 1] = TN_DO;
		in[i + 2] = (uint8_t)(100 + i / 3);
	}
	o = cli_telnet_input(&t, in, sizeof(in), out, reply, sizeof(reply), &rl);
	CU_ASSERT_EQUAL(o, 0);
	CU_ASSERT_EQUAL(rl, 3); /* one answer fits in 4 bytes, the others are dropped */
}

static void test_telnet_random_input_stays_in_bounds(void)
{
	struct cli_telnet t = fresh();
	uint8_t in[512], out[513], reply[514];
	unsigned int round, i;

	srand(42);
	for (round = 0; round < 2000; round++) {
		size_t n = (size_t)(rand() % (int)sizeof(in)), rl = 0, o;

		for (i = 0; i < n; i++)
			in[i] = (uint8_t)(rand() % 4 == 0 ? 0xff : rand());
		o = cli_telnet_input(&t, in, n, out, reply, n + 2, &rl);
		CU_ASSERT_FATAL(o <= n);
		CU_ASSERT_FATAL(rl <= n + 2);
		CU_ASSERT_FATAL(rl % 3 == 0);
	}
	/* Whatever state the garbage left, two IAC SE put the filter back to data (a
	 * pending option byte, subnegotiation or escaped IAC each take at most one). */
	{
		struct run r;

		FEEDS(&t, "\xff\xf0\xff\xf0\r\nshow version\r\n", &r);
		CU_ASSERT(r.out_len >= 13);
		CU_ASSERT(memcmp(r.out + r.out_len - 13, "show version\n", 13) == 0);
	}
}

int main(void)
{
	CU_pSuite s;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("cli_telnet", NULL, NULL);
	CU_add_test(s, "greeting offers echo and sga", test_telnet_greeting_offers_echo_and_sga);
	CU_add_test(s, "plain text passes through", test_telnet_plain_text_passes_through);
	CU_add_test(s, "line ends become one lf", test_telnet_line_ends_become_one_lf);
	CU_add_test(s, "cr lf split across calls", test_telnet_cr_lf_split_across_calls);
	CU_add_test(s, "cr cr is two lines", test_telnet_cr_cr_is_two_lines);
	CU_add_test(s, "iac iac is literal ff", test_telnet_iac_iac_is_literal_ff);
	CU_add_test(s, "do echo acknowledges without reply",
		    test_telnet_do_echo_acknowledges_without_reply);
	CU_add_test(s, "dont echo answers wont once", test_telnet_dont_echo_answers_wont_once);
	CU_add_test(s, "do unknown option is refused", test_telnet_do_unknown_option_is_refused);
	CU_add_test(s, "will naws is refused", test_telnet_will_naws_is_refused);
	CU_add_test(s, "will sga is accepted once", test_telnet_will_sga_is_accepted_once);
	CU_add_test(s, "subnegotiation is skipped", test_telnet_subnegotiation_is_skipped);
	CU_add_test(s, "sequences split byte by byte", test_telnet_sequences_split_byte_by_byte);
	CU_add_test(s, "unterminated subnegotiation is abandoned",
		    test_telnet_unterminated_subnegotiation_is_abandoned);
	CU_add_test(s, "command inside subnegotiation ends it",
		    test_telnet_command_inside_subnegotiation_ends_it);
	CU_add_test(s, "interrupt and erase map to keys",
		    test_telnet_interrupt_and_erase_map_to_keys);
	CU_add_test(s, "reply buffer bound is respected",
		    test_telnet_reply_buffer_bound_is_respected);
	CU_add_test(s, "random input stays in bounds", test_telnet_random_input_stays_in_bounds);
	return hub_cunit_run();
}

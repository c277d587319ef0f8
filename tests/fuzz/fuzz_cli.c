/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for what a CLI client's bytes go through (built by tests/fuzz/run.sh
 * with ASan and UBSan; control/cli_*.c compiled into the target with coverage, the rest of
 * the hub linked from the meson build's static libraries).
 *
 * Two things per input:
 *  1. the telnet filter alone (control/cli_telnet.c, pure): the input is cut into chunks at
 *     every byte whose value is 0x00, and fed to cli_telnet_input() chunk by chunk; its
 *     documented bounds must hold (data out <= bytes in, replies within reply_cap, which
 *     n + 2 always satisfies; no IAC reaches the data unless doubled);
 *  2. a whole session against a running hub (in this process: EAL with --no-huge, one
 *     worker lcore that sleeps when idle, a net_ring port, static peers and routes): a
 *     fresh session gets the input as if from its socket (telnet filter, login with the
 *     password when byte 0 is odd, line editor, '?' and TAB, command parsing, the command
 *     itself, walks over the tables, JSON), in pieces of at most 256 bytes. The session is
 *     run until it has nothing left to do, its output drained as a socket would. It must
 *     finish (bounded number of runs), never hold more than CLI_OUT_MAX bytes of output,
 *     and the control loop must keep running afterwards.
 * Commands that change state (ip nhrp map, ip route, clear) do so for the rest of the run,
 * as they would on a hub.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_eth_ring.h>
#include <rte_lcore.h>

#include "control/cli_priv.h"
#include "control/cli_telnet.h"
#include "control/ctl.h"
#include "control/ctl_hub.h"
#include "control/ctl_loop.h"
#include "lib/cfg.h"

#define FUZZ_ASSERT(c)                                                                          \
	do {                                                                                    \
		if (!(c)) {                                                                     \
			fprintf(stderr, "fuzz_cli: %s:%d: %s\n", __FILE__, __LINE__, #c);       \
			abort();                                                                \
		}                                                                               \
	} while (0)

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define RUNS_MAX 100000 /* cli_sess_run calls one input may take */

static struct hub_ctl ctl;
static uint32_t next_id = 1;

static const char config[] =
	"ports = ( { name = \"nbma0\"; address = \"1.1.1.1/24\"; device = \"net_ring_fuzzcli\"; } );\n"
	"tunnels = ( { name = \"Tunnel0\"; address = \"192.168.1.1/24\"; source = \"nbma0\";\n"
	"  key = 42; nhrp = { max_peers = 64; maps = (\n"
	"    { tunnel = \"192.168.1.6\"; nbma = \"1.1.1.6\"; },\n"
	"    { tunnel = \"192.168.1.8\"; nbma = \"1.1.1.8\"; } ); }; } );\n"
	"routes = ( { prefix = \"66.66.66.0/24\"; via = \"192.168.1.6\"; } );\n"
	"cli = { port = 0; password = \"pw\"; };\n";

static void die(const char *what)
{
	fprintf(stderr, "fuzz_cli: %s\n", what);
	exit(1);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char *eal[] = {(*argv)[0], "-l", "0-1", "--no-huge", "-m", "512", "--no-pci",
		       "--no-shconf", "--no-telemetry", "--log-level", "*:error", NULL};
	struct rte_ring *rx[2], *tx[2];
	char err[CFG_ERR_MAX];

	(void)argc;
	if (rte_eal_init((int)RTE_DIM(eal) - 1, eal) < 0)
		die("rte_eal_init");
	/* Two queue pairs: the worker's and control's. */
	for (unsigned int i = 0; i < 2; i++) {
		char name[32];

		snprintf(name, sizeof(name), "fuzzcli_rx%u", i);
		rx[i] = rte_ring_create(name, 1024, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "fuzzcli_tx%u", i);
		tx[i] = rte_ring_create(name, 1024, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (rx[i] == NULL || tx[i] == NULL)
			die("rings");
	}
	if (rte_eth_from_rings("fuzzcli", rx, 2, tx, 2, 0) < 0)
		die("net_ring port");
	/* The CLI's command set is built only with a telnet port: take one unlikely to be in
	 * use (if it is, the hub runs without the listener, which the target never uses). */
	{
		static char cfgtext[sizeof(config) + 16];

		snprintf(cfgtext, sizeof(cfgtext), "%.*sport = %u;%s",
			 (int)(strstr(config, "port = 0;") - config), config,
			 40000u + (unsigned int)(getpid() % 20000),
			 strstr(config, "port = 0;") + strlen("port = 0;"));
		ctl.cfg = cfg_load_string(cfgtext, "fuzz_cli.conf", err, sizeof(err));
	}
	if (ctl.cfg == NULL) {
		fprintf(stderr, "%s\n", err);
		die("configuration");
	}
	/* Workers sleep 10 ms when idle: nothing arrives on the port (at 1 ms the wake-ups took
	 * ~8% of the CPU; messages to the worker wait in its 4096-entry ring meanwhile). */
	if (ctl_hub_start(&ctl, 10000) < 0)
		die("hub start");
	FUZZ_ASSERT(ctl.cli != NULL && ctl.cli->cmds != NULL && ctl.cli->cl != NULL);
	return 0;
}

static void telnet_alone(const uint8_t *data, size_t size)
{
	static uint8_t out[65536 + 2], reply[65536 + 4];
	struct cli_telnet t;
	uint8_t greet[TN_GREETING_LEN];
	size_t start = 0;

	FUZZ_ASSERT(cli_telnet_init(&t, greet) == TN_GREETING_LEN);
	while (start < size) {
		size_t end = start, n, rl = 0, got;

		while (end < size && data[end] != 0)
			end++;
		if (end < size)
			end++; /* the NUL belongs to this chunk */
		n = end - start;
		memset(reply, 0xAA, n + 4);
		got = cli_telnet_input(&t, data + start, n, out, reply, n + 2, &rl);
		FUZZ_ASSERT(got <= n && rl <= n + 2);
		FUZZ_ASSERT(reply[n + 2] == 0xAA && reply[n + 3] == 0xAA);
		FUZZ_ASSERT(t.sb_len <= TN_SB_MAX);
		start = end;
	}
}

/* Take the session's output as a socket would, in pieces. */
static void drain(struct cli_sess *s)
{
	size_t len;
	const char *p = cli_sess_out(s, &len);

	FUZZ_ASSERT(len <= CLI_OUT_MAX);
	if (len > 0) {
		FUZZ_ASSERT(p != NULL);
		(void)p[len - 1];
		cli_sess_out_sent(s, len);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cli_sess *s;
	size_t off = 0;
	unsigned int runs = 0;

	if (size > 16384)
		return -1;
	telnet_alone(data, size);

	s = cli_sess_new(ctl.cli, next_id++, "fuzz");
	FUZZ_ASSERT(s != NULL);
	drain(s);
	if (size > 0 && (data[0] & 1)) {
		static const uint8_t login[] = "pw\r\n";

		cli_sess_input(s, login, sizeof(login) - 1, rte_rdtsc());
		while (cli_sess_pending(s) && runs++ < RUNS_MAX) {
			cli_sess_run(s);
			drain(s);
		}
	}
	/* A quitting session (quit, or a third bad password) takes no more input and ends once
	 * its output is sent, as the server does; feeding it more is not a stall. */
	while (off < size && cli_sess_close_reason(s) == NULL && !cli_sess_quitting(s)) {
		size_t n = RTE_MIN(size - off, (size_t)256);

		if (!cli_sess_wants_input(s, n)) {
			FUZZ_ASSERT(cli_sess_pending(s));
		} else {
			cli_sess_input(s, data + off, n, rte_rdtsc());
			off += n;
		}
		cli_sess_run(s);
		drain(s);
		FUZZ_ASSERT(runs++ < RUNS_MAX);
	}
	while (cli_sess_close_reason(s) == NULL && cli_sess_pending(s)) {
		cli_sess_run(s);
		drain(s);
		FUZZ_ASSERT(runs++ < RUNS_MAX);
	}
	cli_sess_free(s);
	/* Whatever the commands changed, the control loop goes on. */
	ctl_loop_once(&ctl);
	return 0;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * debug nhrp: a per-session stream of the NHRP packets the hub receives and sends, one
 * decoded line each (lib/nhrp_format.c), as IOS prints `debug nhrp` to a vty with
 * `terminal monitor`. The NHRP server formats nothing while no session asks
 * (ctl->nhrp_trace.users); a session whose client does not read loses lines, counted
 * and reported, never its output buffer (cli_sess_async_line()).
 */
#include "control/cli_priv.h"

void cli_debug_deliver(void *arg, const char *line)
{
	struct cli_server *srv = arg;
	unsigned int i;

	for (i = 0; i < CLI_MAX_SESSIONS; i++)
		if (srv->sess[i] != NULL && cli_sess_debug(srv->sess[i]))
			cli_sess_async_line(srv->sess[i], line);
	srv->busy = true;
}

#define DEBUG_OFF CLI_F_USER

static void cmd_debug_nhrp(struct cli_sess *s, const struct cli_args *a, uint32_t flags)
{
	bool on = !(flags & (CLI_F_NO | DEBUG_OFF));

	(void)a;
	cli_sess_set_debug(s, on);
	cli_printf(s, "NHRP protocol debugging is %s\n", on ? "on" : "off");
}

static void cmd_show_debugging(struct cli_sess *s, const struct cli_args *a, uint32_t flags)
{
	struct hub_ctl *ctl = cli_ctl(s);
	bool on = cli_sess_debug(s);

	(void)a;
	if (flags & CLI_F_JSON) {
		cli_printf(s, "{\"nhrp\":%s,\"sessions_debugging_nhrp\":%u}\n", on ? "true" : "false",
			   ctl->nhrp_trace.users);
		return;
	}
	cli_printf(s, "NHRP:\n  NHRP protocol debugging is %s\n", on ? "on" : "off");
	cli_printf(s, "  Sessions with NHRP debugging on: %u\n", ctl->nhrp_trace.users);
}

const struct cli_cmd cli_debug_cmds[] = {
	{"debug nhrp", "Decoded NHRP packets in and out, on this session", cmd_debug_nhrp, 0},
	{"debug nhrp on", "Decoded NHRP packets in and out, on this session", cmd_debug_nhrp, 0},
	{"debug nhrp off", "Stop NHRP debugging on this session", cmd_debug_nhrp, DEBUG_OFF},
	{"no debug nhrp", "Stop NHRP debugging on this session", cmd_debug_nhrp, CLI_F_NO},
	{"undebug all", "Stop all debugging on this session", cmd_debug_nhrp, DEBUG_OFF},
	{"show debugging", "Debugging switched on for this session", cmd_show_debugging,
	 CLI_C_JSON},
	{NULL, NULL, NULL, 0},
};

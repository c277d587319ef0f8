/* SPDX-License-Identifier: BSD-3-Clause */
/* Session commands: quit, exit, help, show users. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>

#include "control/cli_priv.h"

static void cmd_quit(struct cli_sess *s, const struct cli_args *a, uint32_t flags)
{
	(void)a;
	(void)flags;
	cli_sess_quit(s);
}

static void help_table(struct cli_sess *s, const struct cli_cmd *t)
{
	unsigned int i;

	for (i = 0; t[i].syntax != NULL; i++) {
		char syn[96];

		snprintf(syn, sizeof(syn), "%s%s", t[i].syntax, t[i].flags & CLI_C_JSON ? " [json]" : "");
		cli_printf(s, "  %-42s %s\n", syn, t[i].help);
	}
}

static void cmd_help(struct cli_sess *s, const struct cli_args *a, uint32_t flags)
{
	(void)a;
	(void)flags;
	cli_printf(s, "Commands (any unambiguous prefix of a keyword works: \"sh ip nh\"; '?' lists "
		      "what may come next, TAB completes):\n");
	help_table(s, cli_nhrp_cmds);
	help_table(s, cli_route_cmds);
	help_table(s, cli_system_cmds);
	help_table(s, cli_debug_cmds);
	help_table(s, cli_session_cmds);
}

static void cmd_show_users(struct cli_sess *s, const struct cli_args *a, uint32_t flags)
{
	const struct cli_server *srv = cli_sess_server(s);
	uint64_t max_us = srv->stats.max_run_cycles * 1000000 / rte_get_tsc_hz();
	bool json = flags & CLI_F_JSON;
	unsigned int i, n = 0;

	(void)a;
	if (json)
		cli_printf(s, "{\"sessions\":[");
	else
		cli_printf(s, "  %4s  %-21s  %-5s  %8s  %8s  %9s\n", "Id", "From", "State", "Age",
			   "Idle", "Commands");
	for (i = 0; i < CLI_MAX_SESSIONS; i++) {
		struct cli_sess_info in;
		char age[16], idle[16];

		if (srv->sess[i] == NULL)
			continue;
		cli_sess_info(srv->sess[i], &in);
		if (json) {
			cli_printf(s, "%s{\"id\":%" PRIu32 ",\"from\":", n++ > 0 ? "," : "", in.id);
			cli_json_str(s, in.peer);
			cli_printf(s, ",\"logged_in\":%s,\"self\":%s,\"age_s\":%" PRIu64
				   ",\"idle_s\":%" PRIu64 ",\"commands\":%" PRIu64 ",\"output_queued\":%zu}",
				   in.logged_in ? "true" : "false", srv->sess[i] == s ? "true" : "false",
				   in.age_s, in.idle_s, in.commands, in.out_pending);
			continue;
		}
		cli_fmt_duration(age, sizeof(age), in.age_s);
		cli_fmt_duration(idle, sizeof(idle), in.idle_s);
		cli_printf(s, "%c %4" PRIu32 "  %-21s  %-5s  %8s  %8s  %9" PRIu64 "\n",
			   srv->sess[i] == s ? '*' : ' ', in.id, in.peer,
			   in.logged_in ? "cli" : "login", age, idle, in.commands);
	}
	if (json) {
		cli_printf(s, "],\"accepted\":%" PRIu64 ",\"refused_full\":%" PRIu64
			   ",\"closed_idle\":%" PRIu64 ",\"closed_overflow\":%" PRIu64
			   ",\"closed_peer\":%" PRIu64 ",\"auth_failed\":%" PRIu64 ",\"commands\":%" PRIu64
			   ",\"errors\":%" PRIu64 ",\"max_run_us\":%" PRIu64 "}\n",
			   srv->stats.accepted, srv->stats.refused_full, srv->stats.closed_idle,
			   srv->stats.closed_overflow, srv->stats.closed_peer, srv->stats.auth_failed,
			   srv->stats.commands, srv->stats.errors, max_us);
		return;
	}
	cli_printf(s, "Sessions: %" PRIu64 " accepted, %" PRIu64 " refused (full), %" PRIu64
		   " idle timeouts, %" PRIu64 " closed for not reading, %" PRIu64
		   " closed by the client, %" PRIu64 " bad passwords\n",
		   srv->stats.accepted, srv->stats.refused_full, srv->stats.closed_idle,
		   srv->stats.closed_overflow, srv->stats.closed_peer, srv->stats.auth_failed);
	cli_printf(s, "Lines: %" PRIu64 " commands, %" PRIu64 " refused\n", srv->stats.commands,
		   srv->stats.errors);
	cli_printf(s, "Longest run of one session in one poll: %" PRIu64 " us (wall clock)\n", max_us);
}

const struct cli_cmd cli_session_cmds[] = {
	{"quit", "End this session (the word in full)", cmd_quit, CLI_C_EXACT},
	{"exit", "End this session (the word in full)", cmd_quit, CLI_C_EXACT},
	{"help", "Every command with its help", cmd_help, 0},
	{"show users", "CLI sessions and their counters", cmd_show_users, CLI_C_JSON},
	{NULL, NULL, NULL, 0},
};

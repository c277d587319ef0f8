/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dmvpn-hub: EAL arguments, then "--", then the hub's own options.
 *
 * main() reads as the list of start-up steps, the launch, then the control loop.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_eal.h>
#include <rte_lcore.h>
#include <rte_pdump.h>
#include <rte_timer.h>
#include <rte_version.h>

#include "control/ctl.h"
#include "control/ctl_hub.h"
#include "control/ctl_loop.h"
#include "lib/cfg.h"
#include "lib/hub_log.h"

#define EXIT_CONFIG 2
#define DEFAULT_CONFIG "configs/hub.conf"

static volatile sig_atomic_t quit;

struct hub_opts {
	const char *config;
	bool check_config;
	uint32_t idle_sleep_us;
	bool stage_cycles;
};

static void on_signal(int sig)
{
	(void)sig;
	quit = 1;
}

static void usage(FILE *out, const char *prog)
{
	fprintf(out,
		"Usage: %s [EAL options] -- [options]\n"
		"  -c, --config FILE     configuration (default %s)\n"
		"      --check-config    validate the configuration, print it in canonical form,\n"
		"                        exit 0 (or 2 with file:line: what is wrong)\n"
		"      --idle-sleep US   workers with nothing to do sleep US microseconds\n"
		"                        (shared-core labs; 0 = pure polling, the default)\n"
		"      --stage-cycles    count workers' TSC cycles per stage of the packet path\n"
		"                        (/dmvpn/stats stage_cycles_*; scripts/bench; costs a TSC\n"
		"                        read per stage switch)\n"
		"  -V, --version         print the version\n"
		"  -h, --help            this text\n"
		"EAL options come before \"--\" (e.g. -l 0-1 --in-memory --no-pci); see the DPDK\n"
		"EAL documentation. Without \"--\", every argument is the hub's own.\n",
		prog, DEFAULT_CONFIG);
}

/* Returns -1 to continue, else an exit code. */
static int opts_parse(int argc, char **argv, const char *prog, struct hub_opts *o)
{
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'},
		{"check-config", no_argument, NULL, 'C'},
		{"idle-sleep", required_argument, NULL, 'I'},
		{"stage-cycles", no_argument, NULL, 'S'},
		{"version", no_argument, NULL, 'V'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;
	char *end;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "c:Vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o->config = optarg;
			break;
		case 'C':
			o->check_config = true;
			break;
		case 'I':
			errno = 0;
			unsigned long v = strtoul(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || v > 1000000) {
				fprintf(stderr, "%s: --idle-sleep takes 0..1000000 microseconds\n", prog);
				return EXIT_CONFIG;
			}
			o->idle_sleep_us = (uint32_t)v;
			break;
		case 'S':
			o->stage_cycles = true;
			break;
		case 'V':
			printf("dmvpn-hub %s (%s)\n", HUB_VERSION, rte_version());
			return 0;
		case 'h':
			usage(stdout, prog);
			return 0;
		default:
			fprintf(stderr, "%s: unknown or incomplete option \"%s\" (EAL options go before \"--\")\n",
				prog, argv[optind - 1]);
			usage(stderr, prog);
			return EXIT_CONFIG;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument \"%s\"\n", prog, argv[optind]);
		return EXIT_CONFIG;
	}
	return -1;
}

/* Configured log levels; EAL's --log-level, parsed later, overrides them. */
static void log_levels_apply(const struct hub_cfg *cfg)
{
	unsigned int i;

	rte_log_set_level_pattern("hub.*", (uint32_t)cfg->log_level);
	for (i = 0; i < cfg->n_log_types; i++)
		rte_log_set_level_pattern(cfg->log_types[i].name, (uint32_t)cfg->log_types[i].level);
}

/*
 * Live capture: dpdk-dumpcap (or dpdk-pdump) runs as a DPDK secondary process and asks
 * us, over EAL's multi-process channel, to copy a port's packets to it. That channel
 * exists only with a shared runtime (hugepages in a mounted hugetlbfs, no --in-memory or
 * --no-shconf); without it the hub runs the same, with capture off.
 */
static void live_capture_init(void)
{
	if (rte_pdump_init() == 0)
		HUB_LOG(INFO, main, "live capture ready: dpdk-dumpcap --file-prefix=%s -i PORT",
			rte_eal_get_runtime_dir() ? strrchr(rte_eal_get_runtime_dir(), '/') + 1
						  : "rte");
	else
		HUB_LOG(INFO, main,
			"live capture off: EAL has no multi-process channel (--in-memory, "
			"--no-shconf or --no-huge): %s",
			rte_strerror(rte_errno));
}

int main(int argc, char **argv)
{
	struct hub_opts opts = {.config = DEFAULT_CONFIG};
	struct hub_ctl ctl;
	char err[CFG_ERR_MAX];
	int sep, eal_argc, rc;

	/* Split argv at "--": EAL's arguments before it, ours after it. */
	for (sep = 1; sep < argc && strcmp(argv[sep], "--") != 0; sep++)
		;
	eal_argc = sep < argc ? sep : 1;
	{
		int own_argc = sep < argc ? argc - sep : argc;
		char **own_argv = sep < argc ? &argv[sep] : argv;

		rc = opts_parse(own_argc, own_argv, argv[0], &opts);
		if (rc >= 0)
			return rc;
	}

	memset(&ctl, 0, sizeof(ctl));
	ctl.cfg = cfg_load(opts.config, err, sizeof(err));
	if (ctl.cfg == NULL) {
		fprintf(stderr, "%s\n", err);
		return EXIT_CONFIG;
	}
	if (opts.check_config) {
		cfg_print(ctl.cfg, stdout);
		cfg_free(ctl.cfg);
		return 0;
	}
	log_levels_apply(ctl.cfg);

	rc = rte_eal_init(eal_argc, argv);
	if (rc < 0) {
		fprintf(stderr, "%s: EAL initialisation failed: %s\n", argv[0],
			rte_strerror(rte_errno));
		cfg_free(ctl.cfg);
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	rte_timer_subsystem_init();
	HUB_LOG(INFO, main, "dmvpn-hub %s starting with %s", HUB_VERSION, opts.config);
	live_capture_init();

	if (ctl_hub_start(&ctl, opts.idle_sleep_us) < 0) {
		ctl_hub_stop(&ctl);
		cfg_free(ctl.cfg);
		rte_eal_cleanup();
		return 1;
	}
	ctl.shared->stage_cycles = opts.stage_cycles;
	HUB_LOG(INFO, main, "running: %u worker(s), %u port(s)%s; SIGINT or SIGTERM stops",
		ctl.n_workers, ctl.n_ports, opts.stage_cycles ? ", cycles timed by stage" : "");

	rc = ctl_loop_run(&ctl, &quit);

	HUB_LOG(INFO, main, "stopping");
	ctl_hub_stop(&ctl);
	cfg_free(ctl.cfg);
	rte_pdump_uninit();
	rte_timer_subsystem_finalize();
	rte_eal_cleanup();
	return rc < 0 ? 1 : 0;
}

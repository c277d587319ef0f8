/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The configuration loader: shipped configs load, the canonical form round-trips, and every
 * rule rejects what it should with a message "file:line: path: reason". No EAL.
 * Run from the repository root (meson sets the working directory).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include <CUnit/CUnit.h>

#include "lib/cfg.h"
#include "tests/unit/cunit_run.h"

#define CONFIG_DIR "configs"
#define GOLDEN_IN "tests/data/cfg/full.conf"
#define GOLDEN_OUT "tests/data/cfg/full.canonical"
#define MAX_CONFIGS 64

/* ---------------------------------------------------------------------------------------- */
/* Helpers */

static uint32_t ip(const char *s)
{
	uint32_t a = 0;

	CU_ASSERT_EQUAL_FATAL(cfg_parse_ipv4(s, &a), 0);
	return a;
}

/* cfg_print into a malloc'ed string. */
static char *print_to_string(const struct hub_cfg *cfg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(cfg_print(cfg, f), 0);
	fclose(f);
	return buf;
}

static char *read_all(const char *file)
{
	FILE *f = fopen(file, "r");
	char *buf;
	long len;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = calloc(1, (size_t)len + 1);
	if (buf != NULL && fread(buf, 1, (size_t)len, f) != (size_t)len) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Paths of the .conf files in configs/, sorted; returns how many. */
static unsigned int shipped_configs(char *paths[MAX_CONFIGS])
{
	DIR *d = opendir(CONFIG_DIR);
	struct dirent *de;
	unsigned int n = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	while ((de = readdir(d)) != NULL && n < MAX_CONFIGS) {
		size_t len = strlen(de->d_name);

		if (len < 6 || strcmp(de->d_name + len - 5, ".conf") != 0)
			continue;
		paths[n] = malloc(sizeof(CONFIG_DIR) + len + 1);
		CU_ASSERT_PTR_NOT_NULL_FATAL(paths[n]);
		sprintf(paths[n], "%s/%s", CONFIG_DIR, de->d_name);
		n++;
	}
	closedir(d);
	qsort(paths, n, sizeof(paths[0]), cmp_str);
	return n;
}

static struct hub_cfg *load_ok(const char *text)
{
	char err[CFG_ERR_MAX];
	struct hub_cfg *cfg = cfg_load_string(text, "ok.conf", err, sizeof(err));

	if (cfg == NULL)
		fprintf(stderr, "\n    unexpected error: %s\n", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	return cfg;
}

/* ---------------------------------------------------------------------------------------- */
/* Shipped configurations */

static void test_cfg_loads_every_shipped_config(void)
{
	char *paths[MAX_CONFIGS], err[CFG_ERR_MAX];
	unsigned int n = shipped_configs(paths);

	/* hub, lab-hub, pci-example, bench-gre at least */
	CU_ASSERT(n >= 4);
	for (unsigned int i = 0; i < n; i++) {
		struct hub_cfg *cfg = cfg_load(paths[i], err, sizeof(err));

		if (cfg == NULL)
			fprintf(stderr, "\n    %s\n", err);
		CU_ASSERT_PTR_NOT_NULL(cfg);
		if (cfg != NULL)
			CU_ASSERT_STRING_EQUAL(cfg->source, paths[i]);
		cfg_free(cfg);
		free(paths[i]);
	}
}

static void test_cfg_print_then_reload_gives_equal_config(void)
{
	char *paths[MAX_CONFIGS + 1], err[CFG_ERR_MAX];
	unsigned int n = shipped_configs(paths);

	paths[n++] = strdup(GOLDEN_IN);
	for (unsigned int i = 0; i < n; i++) {
		struct hub_cfg *a = cfg_load(paths[i], err, sizeof(err)), *b;
		char *text, *again;

		CU_ASSERT_PTR_NOT_NULL_FATAL(a);
		text = print_to_string(a);
		b = cfg_load_string(text, "printed.conf", err, sizeof(err));
		if (b == NULL)
			fprintf(stderr, "\n    %s: canonical form rejected: %s\n", paths[i], err);
		CU_ASSERT_PTR_NOT_NULL_FATAL(b);
		if (!cfg_equal(a, b))
			fprintf(stderr, "\n    %s: reloaded config differs\n", paths[i]);
		CU_ASSERT(cfg_equal(a, b));
		/* canonical means a fixed point: printing the reloaded config changes nothing */
		again = print_to_string(b);
		CU_ASSERT_STRING_EQUAL(text, again);
		free(again);
		free(text);
		cfg_free(a);
		cfg_free(b);
		free(paths[i]);
	}
}

static void test_cfg_print_matches_golden_file(void)
{
	char err[CFG_ERR_MAX];
	struct hub_cfg *cfg = cfg_load(GOLDEN_IN, err, sizeof(err));
	char *text, *golden = read_all(GOLDEN_OUT);

	if (cfg == NULL)
		fprintf(stderr, "\n    %s\n", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(golden);
	text = print_to_string(cfg);
	if (strcmp(text, golden) != 0)
		fprintf(stderr, "\n    cfg_print differs from %s; it printed:\n%s\n", GOLDEN_OUT,
			text);
	CU_ASSERT_STRING_EQUAL(text, golden);
	free(text);
	free(golden);
	cfg_free(cfg);
}

static void test_cfg_lab_hub_has_onlink_default_route_and_spoke_routes(void)
{
	char err[CFG_ERR_MAX];
	struct hub_cfg *cfg = cfg_load(CONFIG_DIR "/lab-hub.conf", err, sizeof(err));

	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	CU_ASSERT_EQUAL(cfg->n_ports, 1);
	CU_ASSERT_EQUAL(cfg->ports[0].address.addr, ip("1.1.1.1"));
	CU_ASSERT_EQUAL(cfg->ports[0].address.len, 32);
	CU_ASSERT_EQUAL(cfg->ports[0].gateway, 0);
	CU_ASSERT_STRING_EQUAL(cfg->ports[0].device, "net_af_packet0,iface=nbma0,framecnt=4096");
	CU_ASSERT_EQUAL(cfg->n_underlay_routes, 1);
	CU_ASSERT_EQUAL(cfg->underlay_routes[0].prefix.len, 0);
	CU_ASSERT_EQUAL(cfg->underlay_routes[0].via, 0);
	CU_ASSERT_STRING_EQUAL(cfg->underlay_routes[0].port, "nbma0");
	CU_ASSERT_EQUAL(cfg->n_tunnels, 1);
	CU_ASSERT(cfg->tunnels[0].has_key);
	CU_ASSERT_EQUAL(cfg->tunnels[0].key, 42);
	CU_ASSERT_EQUAL(cfg->tunnels[0].nhrp.holdtime, 600);
	CU_ASSERT_EQUAL(cfg->n_routes, 2);
	CU_ASSERT_EQUAL(cfg->routes[0].prefix.addr, ip("66.66.66.0"));
	CU_ASSERT_EQUAL(cfg->routes[0].via, ip("192.168.1.6"));
	CU_ASSERT_EQUAL(cfg->routes[1].prefix.addr, ip("88.88.88.0"));
	CU_ASSERT_EQUAL(cfg->routes[1].via, ip("192.168.1.8"));
	CU_ASSERT_EQUAL(cfg->cli_listen, ip("127.0.0.1"));
	CU_ASSERT_EQUAL(cfg->cli_port, 2323);
	cfg_free(cfg);
}

/* ---------------------------------------------------------------------------------------- */
/* What a valid file gives */

#define PORT0 "ports = ( { name = \"nbma0\"; device = \"net_null0\"; address = \"1.1.1.1/24\"; } );\n"
#define TUN(extra)                                                                              \
	"tunnels = ( { name = \"Tunnel0\"; address = \"192.168.1.1/24\"; source = \"nbma0\"; "    \
	extra " } );\n"
#define LAN1                                                                                    \
	"ports = ( { name = \"nbma0\"; device = \"net_null0\"; address = \"1.1.1.1/24\"; },\n"    \
	"          { name = \"lan0\"; device = \"net_null1\"; address = \"10.0.0.1/24\"; "         \
	"role = \"lan\"; } );\n"

static void test_cfg_fills_defaults(void)
{
	struct hub_cfg *cfg = load_ok(PORT0 TUN(""));
	const struct cfg_tunnel *t = &cfg->tunnels[0];

	CU_ASSERT_STRING_EQUAL(cfg->source, "ok.conf");
	CU_ASSERT_EQUAL(cfg->ports[0].role, CFG_PORT_UNDERLAY);
	CU_ASSERT_EQUAL(cfg->ports[0].mtu, 1500);
	CU_ASSERT_EQUAL(cfg->ports[0].rx_ring, 1024);
	CU_ASSERT_EQUAL(cfg->ports[0].tx_ring, 1024);
	CU_ASSERT_EQUAL(cfg->ports[0].gateway, 0);
	CU_ASSERT_EQUAL(cfg->ports[0].line, 1);
	CU_ASSERT_FALSE(t->has_key);
	CU_ASSERT_EQUAL(t->mtu, 1400);
	CU_ASSERT_EQUAL(t->tcp_mss, 0);
	CU_ASSERT_EQUAL(t->nhrp.network_id, 1);
	CU_ASSERT_EQUAL(t->nhrp.holdtime, 7200);
	CU_ASSERT_STRING_EQUAL(t->nhrp.auth, "");
	CU_ASSERT(t->nhrp.redirect);
	CU_ASSERT(t->nhrp.map_multicast_dynamic);
	CU_ASSERT(t->nhrp.resolution_forward);
	CU_ASSERT_EQUAL(t->nhrp.max_peers, 1048576);
	CU_ASSERT_EQUAL(t->nhrp.n_maps, 0);
	CU_ASSERT_EQUAL(t->line, 2);
	CU_ASSERT_EQUAL(cfg->n_underlay_routes, 0);
	CU_ASSERT_EQUAL(cfg->n_routes, 0);
	CU_ASSERT_EQUAL(cfg->n_workers, 0);
	CU_ASSERT_EQUAL(cfg->mbufs, 16383);
	CU_ASSERT_EQUAL(cfg->mbuf_cache, 256);
	CU_ASSERT_EQUAL(cfg->ring_size, 4096);
	CU_ASSERT_EQUAL(cfg->cli_listen, ip("127.0.0.1"));
	CU_ASSERT_EQUAL(cfg->cli_port, 2323);
	CU_ASSERT_STRING_EQUAL(cfg->cli_password, "");
	CU_ASSERT_EQUAL(cfg->cli_idle_timeout, 600);
	CU_ASSERT_EQUAL(cfg->log_level, 7);
	CU_ASSERT_EQUAL(cfg->n_log_types, 0);
	CU_ASSERT_EQUAL(cfg->control_idle_sleep_us, 50);
	CU_ASSERT_EQUAL(cfg->arp_table_size, 65536);
	cfg_free(cfg);
}

/* libconfig 1.5 alone would read 4294967295 as -1 and 0xFFFFFFFF as -1. */
static void test_cfg_reads_full_32_bit_values(void)
{
	struct hub_cfg *cfg = load_ok(PORT0 TUN("key = 4294967295; nhrp = { network_id = 0xFFFFFFFF; };"));

	CU_ASSERT(cfg->tunnels[0].has_key);
	CU_ASSERT_EQUAL(cfg->tunnels[0].key, 4294967295u);
	CU_ASSERT_EQUAL(cfg->tunnels[0].nhrp.network_id, 4294967295u);
	cfg_free(cfg);

	cfg = load_ok(PORT0 TUN("key = 0;"));
	CU_ASSERT(cfg->tunnels[0].has_key);
	CU_ASSERT_EQUAL(cfg->tunnels[0].key, 0);
	cfg_free(cfg);
}

static void test_cfg_derives_underlay_route_port_from_via(void)
{
	struct hub_cfg *cfg =
		load_ok(PORT0 "underlay_routes = ( { prefix = \"0.0.0.0/0\"; via = \"1.1.1.254\"; } );\n");

	CU_ASSERT_EQUAL(cfg->n_underlay_routes, 1);
	CU_ASSERT_EQUAL(cfg->underlay_routes[0].via, ip("1.1.1.254"));
	CU_ASSERT_STRING_EQUAL(cfg->underlay_routes[0].port, "nbma0");
	cfg_free(cfg);
}

static void test_cfg_accepts_route_via_lan_gateway(void)
{
	struct hub_cfg *cfg = load_ok(LAN1 "routes = ( { prefix = \"10.9.0.0/16\"; via = \"10.0.0.254\"; } );\n");

	CU_ASSERT_EQUAL(cfg->n_routes, 1);
	CU_ASSERT_EQUAL(cfg->routes[0].via, ip("10.0.0.254"));
	CU_ASSERT_EQUAL(cfg->ports[1].role, CFG_PORT_LAN);
	CU_ASSERT_PTR_EQUAL(cfg_port_by_name(cfg, "lan0"), &cfg->ports[1]);
	CU_ASSERT_PTR_NULL(cfg_port_by_name(cfg, "lan1"));
	CU_ASSERT_EQUAL(cfg_port_index(cfg, "nbma0"), 0);
	CU_ASSERT_EQUAL(cfg_port_index(cfg, "nope"), -1);
	cfg_free(cfg);
}

static void test_cfg_equal_sees_every_difference(void)
{
	struct hub_cfg *a = load_ok(PORT0 TUN("key = 1;"));
	struct hub_cfg *b = load_ok(PORT0 TUN("key = 1;"));

	CU_ASSERT(cfg_equal(a, b));
	b->tunnels[0].nhrp.holdtime++;
	CU_ASSERT_FALSE(cfg_equal(a, b));
	b->tunnels[0].nhrp.holdtime--;
	b->tunnels[0].has_key = false;
	CU_ASSERT_FALSE(cfg_equal(a, b));
	b->tunnels[0].has_key = true;
	b->cli_idle_timeout = 1;
	CU_ASSERT_FALSE(cfg_equal(a, b));
	b->cli_idle_timeout = a->cli_idle_timeout;
	b->control_idle_sleep_us = 0;
	CU_ASSERT_FALSE(cfg_equal(a, b));
	b->control_idle_sleep_us = a->control_idle_sleep_us;
	b->ports[0].line = 99; /* lines are not configuration */
	CU_ASSERT(cfg_equal(a, b));
	cfg_free(a);
	cfg_free(b);
}

static void test_cfg_parse_ipv4_is_strict(void)
{
	uint32_t a;
	struct cfg_prefix p;

	CU_ASSERT_EQUAL(cfg_parse_ipv4("192.168.1.255", &a), 0);
	CU_ASSERT_EQUAL(a, htonl(0xc0a801ff));
	CU_ASSERT_EQUAL(cfg_parse_ipv4("0.0.0.0", &a), 0);
	CU_ASSERT_EQUAL(cfg_parse_ipv4("1.2.3", &a), -1);
	CU_ASSERT_EQUAL(cfg_parse_ipv4("1.2.3.4.5", &a), -1);
	CU_ASSERT_EQUAL(cfg_parse_ipv4("300.1.1.1", &a), -1);
	CU_ASSERT_EQUAL(cfg_parse_ipv4(" 1.1.1.1", &a), -1);
	CU_ASSERT_EQUAL(cfg_parse_ipv4("1.1.1.1 ", &a), -1);
	CU_ASSERT_EQUAL(cfg_parse_ipv4("01.1.1.1", &a), -1);
	CU_ASSERT_EQUAL(cfg_parse_ipv4("1..1.1", &a), -1);
	CU_ASSERT_EQUAL(cfg_parse_ipv4("1.1.1.-1", &a), -1);
	CU_ASSERT_EQUAL(cfg_parse_ipv4("", &a), -1);
	CU_ASSERT_EQUAL(cfg_parse_prefix("10.0.0.0/8", &p), 0);
	CU_ASSERT_EQUAL(p.addr, htonl(0x0a000000));
	CU_ASSERT_EQUAL(p.len, 8);
	CU_ASSERT_EQUAL(cfg_parse_prefix("0.0.0.0/0", &p), 0);
	CU_ASSERT_EQUAL(p.len, 0);
	CU_ASSERT_EQUAL(cfg_parse_prefix("1.2.3.4/32", &p), 0);
	CU_ASSERT_EQUAL(cfg_parse_prefix("1.2.3.4/33", &p), -1);
	CU_ASSERT_EQUAL(cfg_parse_prefix("1.2.3.4", &p), -1);
	CU_ASSERT_EQUAL(cfg_parse_prefix("1.2.3.4/", &p), -1);
	CU_ASSERT_EQUAL(cfg_parse_prefix("1.2.3.4/08", &p), -1);
	CU_ASSERT_EQUAL(cfg_parse_prefix("1.2.3.4/8x", &p), -1);
	CU_ASSERT_EQUAL(cfg_parse_prefix("1.2.3/8", &p), -1);
}

static void test_cfg_load_reports_missing_file(void)
{
	char err[CFG_ERR_MAX];

	CU_ASSERT_PTR_NULL(cfg_load("tests/data/cfg/no-such-file.conf", err, sizeof(err)));
	CU_ASSERT_EQUAL(errno, ENOENT);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "tests/data/cfg/no-such-file.conf: cannot open"));
}

static void test_cfg_error_fits_small_buffer(void)
{
	char err[24];

	memset(err, 'x', sizeof(err));
	CU_ASSERT_PTR_NULL(cfg_load_string("ports = 5;\n", "a-rather-long-name.conf", err, sizeof(err)));
	CU_ASSERT_EQUAL(err[sizeof(err) - 1], '\0');
	CU_ASSERT_EQUAL(strncmp(err, "a-rather-long-name.conf", strlen(err)), 0);
	/* no buffer at all is fine too */
	CU_ASSERT_PTR_NULL(cfg_load_string("ports = 5;\n", "x.conf", NULL, 0));
}

/* Of several errors the earliest in the file is reported, whatever the order of the checks. */
static void test_cfg_reports_first_error_in_file_order(void)
{
	char err[CFG_ERR_MAX];

	CU_ASSERT_PTR_NULL(cfg_load_string("ports = (\n"
					   "  { name = \"nbma0\";\n"
					   "    address = \"1.1.1.1/24\"; mtu = 1;\n"
					   "  }\n);\n",
					   "two.conf", err, sizeof(err)));
	/* the missing device is blamed on the entry's line 2, before the mtu on line 3 */
	CU_ASSERT_STRING_EQUAL(err, "two.conf:2: ports[0].device: missing required setting");
}

/* ---------------------------------------------------------------------------------------- */
/* Rejected configurations: X(behaviour, text, "file:line: path: ", reason substring) */

#define BAD_CASES(X)                                                                              \
	X(libconfig_syntax_error, PORT0 "cli = { port = = 1; };\n", "bad.conf:2: ", "syntax error") \
	X(duplicate_setting_in_group, PORT0 "cli = { port = 1;\n port = 2; };\n", "bad.conf:3: ", \
	  "duplicate setting name")                                                                \
	X(unknown_top_level_key, PORT0 "hostname = \"hub\";\n", "bad.conf:2: hostname: ",          \
	  "unknown setting")                                                                       \
	X(unknown_key_in_nhrp, PORT0 TUN("nhrp = {\n holdtim = 10; };"),                          \
	  "bad.conf:3: tunnels[0].nhrp.holdtim: ", "unknown setting (did you mean \"holdtime\"?)")  \
	X(unknown_key_in_port,                                                                     \
	  "ports = ( { name = \"a\"; device = \"net_null0\"; address = \"1.1.1.1/24\";\n"          \
	  " mtuu = 1500; } );\n",                                                                  \
	  "bad.conf:2: ports[0].mtuu: ", "unknown setting")                                        \
	X(unknown_key_in_map,                                                                      \
	  PORT0 TUN("nhrp = { maps = ( { tunnel = \"192.168.1.6\"; nbma = \"6.6.6.6\"; },\n"        \
		    "{ tunnel = \"192.168.1.7\"; nmba = \"7.7.7.7\"; } ); };"),                     \
	  "bad.conf:3: tunnels[0].nhrp.maps[1].nmba: ", "unknown setting")                         \
	X(top_level_scalar_for_list, "ports = 5;\n", "bad.conf:1: ports: ",                        \
	  "expected a list of groups ( { ... }, ... ), got an integer")                            \
	X(list_for_group, PORT0 "mempool = ( );\n", "bad.conf:2: mempool: ",                       \
	  "expected a group { ... }, got a list")                                                  \
	X(array_for_list, PORT0 "routes = [ ];\n", "bad.conf:2: routes: ",                         \
	  "expected a list of groups ( { ... }, ... ), got an array")                              \
	X(list_entry_not_a_group, "ports = ( \"nbma0\" );\n", "bad.conf:1: ports[0]: ",            \
	  "expected a group { ... }, got a string \"nbma0\"")                                      \
	X(key_as_string, PORT0 TUN("key = \"42\";"), "bad.conf:2: tunnels[0].key: ",              \
	  "expected an integer, got a string \"42\"")                                              \
	X(float_for_integer, PORT0 "cli = { idle_timeout = 1.5; };\n",                             \
	  "bad.conf:2: cli.idle_timeout: ", "expected an integer, got a floating-point number")    \
	X(integer_for_boolean, PORT0 TUN("nhrp = { redirect = 1; };"),                            \
	  "bad.conf:2: tunnels[0].nhrp.redirect: ", "expected a boolean (true or false)")          \
	X(boolean_for_string, PORT0 TUN("nhrp = { resolution = true; };"),                        \
	  "bad.conf:2: tunnels[0].nhrp.resolution: ", "expected a string, got a boolean")          \
	X(holdtime_zero, PORT0 TUN("nhrp = { holdtime = 0; };"),                                  \
	  "bad.conf:2: tunnels[0].nhrp.holdtime: ", "0 is out of range 1..65535")                 \
	X(holdtime_65536, PORT0 TUN("nhrp = { holdtime = 65536; };"),                             \
	  "bad.conf:2: tunnels[0].nhrp.holdtime: ", "65536 is out of range 1..65535")             \
	X(port_mtu_575,                                                                            \
	  "ports = ( { name = \"a\"; device = \"net_null0\"; address = \"1.1.1.1/24\"; mtu = 575; } );\n", \
	  "bad.conf:1: ports[0].mtu: ", "575 is out of range 576..9000")                          \
	X(ring_not_power_of_two,                                                                   \
	  "ports = ( { name = \"a\"; device = \"net_null0\"; address = \"1.1.1.1/24\";\n"          \
	  " rx_ring = 1000; } );\n",                                                               \
	  "bad.conf:2: ports[0].rx_ring: ", "1000 is not a power of two")                          \
	X(arp_table_too_small, PORT0 "arp = { table_size = 63; };\n",                           \
	  "bad.conf:2: arp.table_size: ", "63 is out of range 64..1048576")                       \
	X(mempool_ring_not_power_of_two, PORT0 "mempool = { ring_size = 3000; };\n",               \
	  "bad.conf:2: mempool.ring_size: ", "3000 is not a power of two")                         \
	X(mbufs_too_few, PORT0 "mempool = { mbufs = 1000; };\n", "bad.conf:2: mempool.mbufs: ",   \
	  "1000 is out of range 1023..16777215")                                                   \
	X(network_id_beyond_32_bits, PORT0 TUN("nhrp = { network_id = 4294967296; };"),           \
	  "bad.conf:2: tunnels[0].nhrp.network_id: ", "4294967296 is out of range 1..4294967295") \
	X(key_beyond_64_bits, PORT0 TUN("key = 99999999999999999999;"),                           \
	  "bad.conf:2: tunnels[0].key: ", "99999999999999999999 is out of range 0..4294967295")   \
	X(negative_key, PORT0 TUN("key = -1;"), "bad.conf:2: tunnels[0].key: ",                   \
	  "-1 is out of range 0..4294967295")                                                      \
	X(tcp_mss_below_536, PORT0 TUN("tcp_mss = 100;"), "bad.conf:2: tunnels[0].tcp_mss: ",     \
	  "100 is out of range (0 = off, or 536..8960)")                                           \
	X(prefix_length_33,                                                                        \
	  "ports = ( { name = \"a\"; device = \"net_null0\"; address = \"1.2.3.4/33\"; } );\n",   \
	  "bad.conf:1: ports[0].address: ", "\"1.2.3.4/33\" is not an IPv4 prefix: length 33")    \
	X(address_with_three_octets,                                                               \
	  "ports = ( { name = \"a\"; device = \"net_null0\";\n address = \"1.2.3\"; } );\n",       \
	  "bad.conf:2: ports[0].address: ", "\"1.2.3\" is not an IPv4 prefix (a.b.c.d/len)")     \
	X(octet_above_255,                                                                         \
	  "ports = ( { name = \"a\"; device = \"net_null0\"; address = \"300.1.1.1/24\"; } );\n", \
	  "bad.conf:1: ports[0].address: ", "\"300.1.1.1/24\" is not an IPv4 prefix")             \
	X(address_with_leading_space,                                                              \
	  "ports = ( { name = \"a\"; device = \"net_null0\"; address = \" 1.1.1.1/24\"; } );\n",  \
	  "bad.conf:1: ports[0].address: ", "\" 1.1.1.1/24\" is not an IPv4 prefix")              \
	X(port_address_is_network,                                                                 \
	  "ports = ( { name = \"a\"; device = \"net_null0\"; address = \"1.1.1.0/24\"; } );\n",   \
	  "bad.conf:1: ports[0].address: ", "is the network address of 1.1.1.0/24")               \
	X(port_address_is_broadcast,                                                               \
	  "ports = ( { name = \"a\"; device = \"net_null0\"; address = \"1.1.1.255/24\"; } );\n", \
	  "bad.conf:1: ports[0].address: ", "is the broadcast address of 1.1.1.0/24")             \
	X(port_address_multicast,                                                                  \
	  "ports = ( { name = \"a\"; device = \"net_null0\"; address = \"224.0.0.5/24\"; } );\n", \
	  "bad.conf:1: ports[0].address: ", "is not a unicast host address")                      \
	X(map_nbma_not_an_address, PORT0 TUN("nhrp = { maps = ( { tunnel = \"192.168.1.6\"; nbma = \"6.6.6\"; } ); };"), \
	  "bad.conf:2: tunnels[0].nhrp.maps[0].nbma: ", "\"6.6.6\" is not an IPv4 address (a.b.c.d)") \
	X(route_prefix_with_host_bits,                                                             \
	  PORT0 TUN("") "routes = ( { prefix = \"66.66.66.1/24\"; via = \"192.168.1.6\"; } );\n",  \
	  "bad.conf:3: routes[0].prefix: ", "has host bits set (the network is 66.66.66.0/24)")   \
	X(port_name_with_space,                                                                    \
	  "ports = ( { name = \"nbma 0\"; device = \"net_null0\"; address = \"1.1.1.1/24\"; } );\n", \
	  "bad.conf:1: ports[0].name: ", "is not a name")                                          \
	X(port_name_too_long,                                                                      \
	  "ports = ( { name = \"abcdefghijklmnopqrstuvwxyz012345\"; device = \"net_null0\"; "      \
	  "address = \"1.1.1.1/24\"; } );\n",                                                      \
	  "bad.conf:1: ports[0].name: ", "is 32 bytes long, at most 31 allowed")                  \
	X(empty_port_name,                                                                         \
	  "ports = ( { name = \"\"; device = \"net_null0\"; address = \"1.1.1.1/24\"; } );\n",     \
	  "bad.conf:1: ports[0].name: ", "must not be empty")                                      \
	X(device_with_space,                                                                       \
	  "ports = ( { name = \"a\"; device = \"net_pcap0, rx_pcap=x\"; address = \"1.1.1.1/24\"; } );\n", \
	  "bad.conf:1: ports[0].device: ", "is not a PCI address (0000:03:00.0) or a vdev")       \
	X(unknown_port_role,                                                                       \
	  "ports = ( { name = \"a\"; device = \"net_null0\"; address = \"1.1.1.1/24\"; role = \"wan\"; } );\n", \
	  "bad.conf:1: ports[0].role: ", "\"wan\" is not one of \"underlay\", \"lan\"")           \
	X(unknown_resolution_mode, PORT0 TUN("nhrp = { resolution = \"reply\"; };"),              \
	  "bad.conf:2: tunnels[0].nhrp.resolution: ", "\"reply\" is not one of \"forward\", \"answer\"") \
	X(unknown_log_level, PORT0 "log = { level = \"verbose\"; };\n", "bad.conf:2: log.level: ", \
	  "\"verbose\" is not one of \"emergency\"")                                              \
	X(log_type_outside_hub, PORT0 "log = { types = ( { name = \"nhrp\"; level = \"debug\"; } ); };\n", \
	  "bad.conf:2: log.types[0].name: ", "is not a hub log type")                              \
	X(log_type_without_level, PORT0 "log = { types = ( { name = \"hub.nhrp\"; } ); };\n",     \
	  "bad.conf:2: log.types[0].level: ", "missing required setting")                         \
	X(duplicate_log_type,                                                                      \
	  PORT0 "log = { types = ( { name = \"hub.nhrp\"; level = \"debug\"; },\n"                 \
	  " { name = \"hub.nhrp\"; level = \"info\"; } ); };\n",                                   \
	  "bad.conf:3: log.types[1].name: ", "log type \"hub.nhrp\" is listed twice")             \
	X(auth_longer_than_8_bytes, PORT0 TUN("nhrp = { authentication = \"123456789\"; };"),     \
	  "bad.conf:2: tunnels[0].nhrp.authentication: ", "is 9 bytes long, at most 8 allowed")   \
	X(password_of_64_chars,                                                                    \
	  PORT0 "cli = { password = \"0123456789012345678901234567890123456789012345678901234567890123\"; };\n", \
	  "bad.conf:2: cli.password: ", "is 64 bytes long, at most 63 allowed")                   \
	X(password_with_control_char, PORT0 "cli = { password = \"a\\tb\"; };\n",                 \
	  "bad.conf:2: cli.password: ", "only printable ASCII")                                    \
	X(non_loopback_cli_without_password, PORT0 "cli = {\n listen = \"0.0.0.0\"; };\n",        \
	  "bad.conf:3: cli.password: ", "a CLI listening on 0.0.0.0 (not loopback) needs a password") \
	X(cli_listen_not_an_address, PORT0 "cli = { listen = \"localhost\"; };\n",                \
	  "bad.conf:2: cli.listen: ", "\"localhost\" is not an IPv4 address")                     \
	X(cli_port_beyond_65535, PORT0 "cli = { port = 65536; };\n", "bad.conf:2: cli.port: ",    \
	  "65536 is out of range 0..65535")                                                        \
	X(duplicate_workers, PORT0 "lcores = { workers = [ 1, 2,\n 1 ]; };\n",                    \
	  "bad.conf:3: lcores.workers[2]: ", "lcore 1 is listed twice (also lcores.workers[0])")  \
	X(worker_id_beyond_127, PORT0 "lcores = { workers = [ 128 ]; };\n",                       \
	  "bad.conf:2: lcores.workers[0]: ", "128 is out of range 0..127")                        \
	X(control_nap_beyond_10ms, PORT0 "control = { idle_sleep_us = 10001; };\n",              \
	  "bad.conf:2: control.idle_sleep_us: ", "10001 is out of range 0..10000")                \
	X(workers_as_strings, PORT0 "lcores = { workers = [ \"1\" ]; };\n",                       \
	  "bad.conf:2: lcores.workers[0]: ", "expected an integer, got a string \"1\"")           \
	X(missing_ports, "cli = { port = 0; };\n", "bad.conf:1: ports: ", "missing required setting") \
	X(empty_ports_list, "ports = ( );\n", "bad.conf:1: ports: ", "needs at least 1 entry, has 0") \
	X(too_many_ports,                                                                          \
	  "ports = ( {name=\"p0\";device=\"net_null0\";address=\"10.0.0.1/24\";},"                 \
	  "{name=\"p1\";device=\"net_null1\";address=\"10.0.1.1/24\";},"                           \
	  "{name=\"p2\";device=\"net_null2\";address=\"10.0.2.1/24\";},"                           \
	  "{name=\"p3\";device=\"net_null3\";address=\"10.0.3.1/24\";},"                           \
	  "{name=\"p4\";device=\"net_null4\";address=\"10.0.4.1/24\";},"                           \
	  "{name=\"p5\";device=\"net_null5\";address=\"10.0.5.1/24\";},"                           \
	  "{name=\"p6\";device=\"net_null6\";address=\"10.0.6.1/24\";},"                           \
	  "{name=\"p7\";device=\"net_null7\";address=\"10.0.7.1/24\";},"                           \
	  "{name=\"p8\";device=\"net_null8\";address=\"10.0.8.1/24\";},"                           \
	  "{name=\"p9\";device=\"net_null9\";address=\"10.0.9.1/24\";},"                           \
	  "{name=\"pa\";device=\"net_null10\";address=\"10.0.10.1/24\";},"                         \
	  "{name=\"pb\";device=\"net_null11\";address=\"10.0.11.1/24\";},"                         \
	  "{name=\"pc\";device=\"net_null12\";address=\"10.0.12.1/24\";},"                         \
	  "{name=\"pd\";device=\"net_null13\";address=\"10.0.13.1/24\";},"                         \
	  "{name=\"pe\";device=\"net_null14\";address=\"10.0.14.1/24\";},"                         \
	  "{name=\"pf\";device=\"net_null15\";address=\"10.0.15.1/24\";},"                         \
	  "{name=\"pg\";device=\"net_null16\";address=\"10.0.16.1/24\";} );\n",                    \
	  "bad.conf:1: ports: ", "too many entries: 17, at most 16")                              \
	X(too_many_tunnels,                                                                        \
	  PORT0 "tunnels = ( {name=\"t0\";address=\"10.0.0.1/24\";source=\"nbma0\";},"             \
	  "{name=\"t1\";address=\"10.0.1.1/24\";source=\"nbma0\";},"                               \
	  "{name=\"t2\";address=\"10.0.2.1/24\";source=\"nbma0\";},"                               \
	  "{name=\"t3\";address=\"10.0.3.1/24\";source=\"nbma0\";},"                               \
	  "{name=\"t4\";address=\"10.0.4.1/24\";source=\"nbma0\";},"                               \
	  "{name=\"t5\";address=\"10.0.5.1/24\";source=\"nbma0\";},"                               \
	  "{name=\"t6\";address=\"10.0.6.1/24\";source=\"nbma0\";},"                               \
	  "{name=\"t7\";address=\"10.0.7.1/24\";source=\"nbma0\";},"                               \
	  "{name=\"t8\";address=\"10.0.8.1/24\";source=\"nbma0\";} );\n",                          \
	  "bad.conf:2: tunnels: ", "too many entries: 9, at most 8")                              \
	X(too_many_log_types,                                                                      \
	  PORT0 "log = { types = ( "                                                               \
	  "{name=\"hub.a0\";level=\"info\";},{name=\"hub.a1\";level=\"info\";},"                   \
	  "{name=\"hub.a2\";level=\"info\";},{name=\"hub.a3\";level=\"info\";},"                   \
	  "{name=\"hub.a4\";level=\"info\";},{name=\"hub.a5\";level=\"info\";},"                   \
	  "{name=\"hub.a6\";level=\"info\";},{name=\"hub.a7\";level=\"info\";},"                   \
	  "{name=\"hub.a8\";level=\"info\";},{name=\"hub.a9\";level=\"info\";},"                   \
	  "{name=\"hub.b0\";level=\"info\";},{name=\"hub.b1\";level=\"info\";},"                   \
	  "{name=\"hub.b2\";level=\"info\";},{name=\"hub.b3\";level=\"info\";},"                   \
	  "{name=\"hub.b4\";level=\"info\";},{name=\"hub.b5\";level=\"info\";},"                   \
	  "{name=\"hub.b6\";level=\"info\";},{name=\"hub.b7\";level=\"info\";},"                   \
	  "{name=\"hub.b8\";level=\"info\";},{name=\"hub.b9\";level=\"info\";},"                   \
	  "{name=\"hub.c0\";level=\"info\";},{name=\"hub.c1\";level=\"info\";},"                   \
	  "{name=\"hub.c2\";level=\"info\";},{name=\"hub.c3\";level=\"info\";},"                   \
	  "{name=\"hub.c4\";level=\"info\";},{name=\"hub.c5\";level=\"info\";},"                   \
	  "{name=\"hub.c6\";level=\"info\";},{name=\"hub.c7\";level=\"info\";},"                   \
	  "{name=\"hub.c8\";level=\"info\";},{name=\"hub.c9\";level=\"info\";},"                   \
	  "{name=\"hub.d0\";level=\"info\";},{name=\"hub.d1\";level=\"info\";},"                   \
	  "{name=\"hub.d2\";level=\"info\";} ); };\n",                                             \
	  "bad.conf:2: log.types: ", "too many entries: 33, at most 32")                          \
	X(port_without_name,                                                                       \
	  "ports = (\n { device = \"net_null0\";\n address = \"1.1.1.1/24\"; } );\n",              \
	  "bad.conf:2: ports[0].name: ", "missing required setting")                              \
	X(no_underlay_port,                                                                        \
	  "ports = (\n { name = \"lan0\"; device = \"net_null0\"; address = \"1.1.1.1/24\"; role = \"lan\"; } );\n", \
	  "bad.conf:1: ports: ", "no port has role \"underlay\"")                                 \
	X(duplicate_port_names,                                                                    \
	  "ports = (\n { name = \"a\"; device = \"net_null0\"; address = \"1.1.1.1/24\"; },\n"    \
	  " { name = \"a\"; device = \"net_null1\"; address = \"2.2.2.2/24\"; }\n);\n",            \
	  "bad.conf:3: ports[1].name: ", "duplicate port name \"a\" (also ports[0], line 2)")    \
	X(two_ports_on_one_device,                                                                 \
	  "ports = (\n { name = \"a\"; device = \"0000:03:00.0\"; address = \"1.1.1.1/24\"; },\n" \
	  " { name = \"b\"; device = \"03:00.0,rx_vec_en=0\"; address = \"2.2.2.2/24\"; }\n);\n",  \
	  "bad.conf:3: ports[1].device: ", "device 0000:03:00.0 is already used by port \"a\"")   \
	X(overlapping_ports,                                                                       \
	  "ports = (\n { name = \"a\"; device = \"net_null0\"; address = \"1.1.1.1/24\"; },\n"    \
	  " { name = \"b\"; device = \"net_null1\"; address = \"1.1.1.2/16\"; }\n);\n",            \
	  "bad.conf:3: ports[1].address: ", "1.1.1.2/16 overlaps port \"a\" (1.1.1.1/24)")        \
	X(gateway_outside_port_prefix,                                                             \
	  "ports = ( { name = \"a\"; device = \"net_null0\"; address = \"1.1.1.1/24\";\n"          \
	  " gateway = \"1.1.2.1\"; } );\n",                                                        \
	  "bad.conf:2: ports[0].gateway: ", "1.1.2.1 is not inside the port's prefix 1.1.1.0/24") \
	X(gateway_on_32_bit_port,                                                                  \
	  "ports = ( { name = \"a\"; device = \"net_null0\"; address = \"1.1.1.1/32\"; gateway = \"1.1.1.2\"; } );\n", \
	  "bad.conf:1: ports[0].gateway: ", "a /32 port has no gateway")                          \
	X(gateway_is_port_address,                                                                 \
	  "ports = ( { name = \"a\"; device = \"net_null0\"; address = \"1.1.1.1/24\"; gateway = \"1.1.1.1\"; } );\n", \
	  "bad.conf:1: ports[0].gateway: ", "1.1.1.1 is the port's own address")                  \
	X(gateway_is_broadcast,                                                                    \
	  "ports = ( { name = \"a\"; device = \"net_null0\"; address = \"1.1.1.1/24\"; gateway = \"1.1.1.255\"; } );\n", \
	  "bad.conf:1: ports[0].gateway: ", "1.1.1.255 is the broadcast address of 1.1.1.0/24")   \
	X(onlink_underlay_route_without_port,                                                      \
	  PORT0 "underlay_routes = (\n { prefix = \"6.6.6.0/24\"; } );\n",                         \
	  "bad.conf:3: underlay_routes[0].port: ", "an on-link route (no via) needs a port")    \
	X(underlay_route_via_not_onlink,                                                           \
	  PORT0 "underlay_routes = ( { prefix = \"0.0.0.0/0\"; via = \"9.9.9.9\"; } );\n",         \
	  "bad.conf:2: underlay_routes[0].via: ", "9.9.9.9 is not on-link on any underlay port") \
	X(underlay_route_via_off_its_port,                                                         \
	  LAN1 "underlay_routes = ( { prefix = \"0.0.0.0/0\";\n via = \"10.0.0.254\"; port = \"nbma0\"; } );\n", \
	  "bad.conf:4: underlay_routes[0].via: ", "10.0.0.254 is not on-link on port \"nbma0\"")  \
	X(underlay_route_on_lan_port,                                                              \
	  LAN1 "underlay_routes = ( { prefix = \"0.0.0.0/0\"; port = \"lan0\"; } );\n",            \
	  "bad.conf:3: underlay_routes[0].port: ", "port \"lan0\" is a lan port")                 \
	X(underlay_route_to_unknown_port,                                                          \
	  PORT0 "underlay_routes = ( { prefix = \"0.0.0.0/0\"; port = \"nbma9\"; } );\n",          \
	  "bad.conf:2: underlay_routes[0].port: ", "no port named \"nbma9\"")                     \
	X(duplicate_underlay_routes,                                                               \
	  PORT0 "underlay_routes = ( { prefix = \"0.0.0.0/0\"; port = \"nbma0\"; },\n"             \
	  " { prefix = \"0.0.0.0/0\"; via = \"1.1.1.254\"; } );\n",                                \
	  "bad.conf:3: underlay_routes[1].prefix: ", "duplicate route 0.0.0.0/0 (also underlay_routes[0], line 2)") \
	X(duplicate_tunnel_names,                                                                  \
	  PORT0 "tunnels = ( { name = \"T\"; address = \"10.0.0.1/24\"; source = \"nbma0\"; },\n"  \
	  " { name = \"T\"; address = \"10.0.1.1/24\"; source = \"nbma0\"; } );\n",                \
	  "bad.conf:3: tunnels[1].name: ", "duplicate tunnel name \"T\"")                         \
	X(tunnel_named_like_a_port,                                                                \
	  PORT0 "tunnels = ( { name = \"nbma0\"; address = \"10.0.0.1/24\"; source = \"nbma0\"; } );\n", \
	  "bad.conf:2: tunnels[0].name: ", "\"nbma0\" is already the name of a port")             \
	X(overlapping_tunnels,                                                                     \
	  PORT0 "tunnels = ( { name = \"T0\"; address = \"10.0.0.1/16\"; source = \"nbma0\"; },\n" \
	  " { name = \"T1\";\n address = \"10.0.5.1/24\"; source = \"nbma0\"; } );\n",             \
	  "bad.conf:4: tunnels[1].address: ", "subnet 10.0.5.0/24 overlaps tunnel \"T0\" (10.0.0.0/16)") \
	X(tunnel_overlapping_port_subnet,                                                          \
	  PORT0 "tunnels = ( { name = \"T0\"; address = \"1.1.0.1/16\"; source = \"nbma0\"; } );\n", \
	  "bad.conf:2: tunnels[0].address: ", "subnet 1.1.0.0/16 overlaps port \"nbma0\" (1.1.1.1/24)") \
	X(tunnel_source_not_a_port, PORT0 "tunnels = ( { name = \"T0\"; address = \"10.0.0.1/24\"; source = \"eth0\"; } );\n", \
	  "bad.conf:2: tunnels[0].source: ", "no port named \"eth0\"")                            \
	X(tunnel_source_is_lan_port,                                                               \
	  LAN1 "tunnels = ( { name = \"T0\"; address = \"10.1.0.1/24\"; source = \"lan0\"; } );\n", \
	  "bad.conf:3: tunnels[0].source: ", "port \"lan0\" is a lan port; a tunnel rides on an underlay port") \
	X(tunnel_without_source, PORT0 "tunnels = ( { name = \"T0\"; address = \"10.0.0.1/24\"; } );\n", \
	  "bad.conf:2: tunnels[0].source: ", "missing required setting")                          \
	X(tunnel_mtu_above_port_mtu_minus_gre_with_key, PORT0 TUN("key = 42; mtu = 1476;"),      \
	  "bad.conf:2: tunnels[0].mtu: ",                                                          \
	  "1476 is more than port \"nbma0\" mtu 1500 minus 28 bytes of IPv4 and GRE with key headers (1472)") \
	X(tcp_mss_above_mtu_minus_40, PORT0 TUN("mtu = 1400; tcp_mss = 1361;"),                   \
	  "bad.conf:2: tunnels[0].tcp_mss: ", "1361 is more than the tunnel mtu 1400 minus 40 (1360)") \
	X(map_outside_tunnel_subnet,                                                               \
	  PORT0 TUN("nhrp = { maps = ( { tunnel = \"192.168.2.6\"; nbma = \"6.6.6.6\"; } ); };"),  \
	  "bad.conf:2: tunnels[0].nhrp.maps[0].tunnel: ", "192.168.2.6 is outside the tunnel subnet 192.168.1.0/24") \
	X(map_of_hub_tunnel_address,                                                               \
	  PORT0 TUN("nhrp = { maps = ( { tunnel = \"192.168.1.1\"; nbma = \"6.6.6.6\"; } ); };"),  \
	  "bad.conf:2: tunnels[0].nhrp.maps[0].tunnel: ", "192.168.1.1 is the hub's own tunnel address") \
	X(duplicate_map,                                                                           \
	  PORT0 TUN("nhrp = { maps = ( { tunnel = \"192.168.1.6\"; nbma = \"6.6.6.6\"; },\n"        \
		    "{ tunnel = \"192.168.1.6\"; nbma = \"7.7.7.7\"; } ); };"),                     \
	  "bad.conf:3: tunnels[0].nhrp.maps[1].tunnel: ", "duplicate map for 192.168.1.6 (also maps[0], line 2)") \
	X(map_to_hub_nbma_address,                                                                 \
	  PORT0 TUN("nhrp = { maps = ( { tunnel = \"192.168.1.6\"; nbma = \"1.1.1.1\"; } ); };"),  \
	  "bad.conf:2: tunnels[0].nhrp.maps[0].nbma: ", "1.1.1.1 is the hub's own address (port \"nbma0\")") \
	X(more_maps_than_max_peers,                                                                \
	  PORT0 TUN("nhrp = { max_peers = 1; maps = ( { tunnel = \"192.168.1.6\"; nbma = \"6.6.6.6\"; },\n" \
		    "{ tunnel = \"192.168.1.7\"; nbma = \"7.7.7.7\"; } ); };"),                     \
	  "bad.conf:2: tunnels[0].nhrp.max_peers: ", "1 is less than the 2 static maps")          \
	X(route_via_unknown_address,                                                               \
	  PORT0 TUN("") "routes = ( { prefix = \"66.66.66.0/24\"; via = \"10.9.9.9\"; } );\n",     \
	  "bad.conf:3: routes[0].via: ", "10.9.9.9 is not inside any tunnel subnet or lan port subnet") \
	X(route_via_hub_tunnel_address,                                                            \
	  PORT0 TUN("") "routes = ( { prefix = \"66.66.66.0/24\"; via = \"192.168.1.1\"; } );\n",  \
	  "bad.conf:3: routes[0].via: ", "192.168.1.1 is the hub's own address on tunnel \"Tunnel0\"") \
	X(route_via_underlay_neighbour,                                                            \
	  PORT0 TUN("") "routes = ( { prefix = \"66.66.66.0/24\"; via = \"1.1.1.6\"; } );\n",      \
	  "bad.conf:3: routes[0].via: ", "1.1.1.6 is on underlay port \"nbma0\"")                 \
	X(duplicate_routes,                                                                        \
	  PORT0 TUN("") "routes = ( { prefix = \"66.66.66.0/24\"; via = \"192.168.1.6\"; },\n"     \
	  "{ prefix = \"66.66.66.0/24\"; via = \"192.168.1.7\"; } );\n",                           \
	  "bad.conf:4: routes[1].prefix: ", "duplicate route 66.66.66.0/24 (also routes[0], line 3)") \
	X(include_directive, PORT0 "@include \"/dev/null\"\n", "bad.conf:2: ",                   \
	  "@include is not supported")

static void expect_rejected(const char *text, const char *prefix, const char *reason)
{
	char err[CFG_ERR_MAX];
	struct hub_cfg *cfg;
	size_t plen = strlen(prefix);

	memset(err, 0, sizeof(err));
	cfg = cfg_load_string(text, "bad.conf", err, sizeof(err));
	CU_ASSERT_PTR_NULL(cfg);
	cfg_free(cfg);
	if (strncmp(err, prefix, plen) != 0 || strstr(err + plen, reason) == NULL) {
		fprintf(stderr, "\n    got:      %s\n    expected: %s...%s...\n", err, prefix,
			reason);
		CU_FAIL("wrong error message");
	}
}

#define BAD_TEST(name, text, prefix, reason)                                                     \
	static void test_cfg_rejects_##name(void)                                                \
	{                                                                                        \
		expect_rejected(text, prefix, reason);                                           \
	}
BAD_CASES(BAD_TEST)

#define BAD_ENTRY(name, text, prefix, reason) {"test_cfg_rejects_" #name, test_cfg_rejects_##name},
static const struct {
	const char *name;
	CU_TestFunc fn;
} bad_tests[] = {BAD_CASES(BAD_ENTRY)};

/* ---------------------------------------------------------------------------------------- */

static const struct {
	const char *name;
	CU_TestFunc fn;
} tests[] = {
	{"test_cfg_loads_every_shipped_config", test_cfg_loads_every_shipped_config},
	{"test_cfg_print_then_reload_gives_equal_config",
	 test_cfg_print_then_reload_gives_equal_config},
	{"test_cfg_print_matches_golden_file", test_cfg_print_matches_golden_file},
	{"test_cfg_lab_hub_has_onlink_default_route_and_spoke_routes",
	 test_cfg_lab_hub_has_onlink_default_route_and_spoke_routes},
	{"test_cfg_fills_defaults", test_cfg_fills_defaults},
	{"test_cfg_reads_full_32_bit_values", test_cfg_reads_full_32_bit_values},
	{"test_cfg_derives_underlay_route_port_from_via",
	 test_cfg_derives_underlay_route_port_from_via},
	{"test_cfg_accepts_route_via_lan_gateway", test_cfg_accepts_route_via_lan_gateway},
	{"test_cfg_equal_sees_every_difference", test_cfg_equal_sees_every_difference},
	{"test_cfg_parse_ipv4_is_strict", test_cfg_parse_ipv4_is_strict},
	{"test_cfg_load_reports_missing_file", test_cfg_load_reports_missing_file},
	{"test_cfg_error_fits_small_buffer", test_cfg_error_fits_small_buffer},
	{"test_cfg_reports_first_error_in_file_order", test_cfg_reports_first_error_in_file_order},
};

int main(void)
{
	CU_pSuite suite;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	suite = CU_add_suite("cfg", NULL, NULL);
	if (suite == NULL)
		return 1;
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		if (CU_add_test(suite, tests[i].name, tests[i].fn) == NULL)
			return 1;
	for (size_t i = 0; i < sizeof(bad_tests) / sizeof(bad_tests[0]); i++)
		if (CU_add_test(suite, bad_tests[i].name, bad_tests[i].fn) == NULL)
			return 1;
	return hub_cunit_run();
}

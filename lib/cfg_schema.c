/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The schema tables and the walk that checks a parsed libconfig tree against them and fills
 * struct hub_cfg. Everything about a single setting is decided here (is it known, has it the
 * right type, is it in range, is the string well formed); rules that tie settings together
 * are in cfg_parse.c.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include "lib/cfg.h"
#include "lib/cfg_schema.h"
#include "lib/esp_sa.h"

/* Longest setting path we print; deeper or longer names are cut, never overflowed. */
#define CFG_PATH_MAX 256

/* ---------------------------------------------------------------------------------------- */
/* Tables */

static const struct cfg_word role_words[] = {
	{"underlay", CFG_PORT_UNDERLAY},
	{"lan", CFG_PORT_LAN},
	{NULL, 0},
};

/* cfg_nhrp.resolution_forward */
static const struct cfg_word resolution_words[] = {
	{"forward", 1},
	{"answer", 0},
	{NULL, 0},
};

/* RTE_LOG_EMERG (1) .. RTE_LOG_DEBUG (8); spelt out so that this file needs no DPDK. */
static const struct cfg_word level_words[] = {
	{"emergency", 1}, {"alert", 2},	 {"critical", 3}, {"error", 4},
	{"warning", 5},	  {"notice", 6}, {"info", 7},	  {"debug", 8},
	{NULL, 0},
};

#define NKEYS(a) (sizeof(a) / sizeof((a)[0]))

/* Key constructors; ST is the struct the section maps onto. */
#define K_INT(nm, st, fld, ct, lo, hi, dflt, fl)                                                \
	{                                                                                       \
		.name = nm, .ltype = CFG_LT_INT, .ctype = ct, .flags = fl, .min = lo,           \
		.max = hi, .def = dflt, .off = offsetof(st, fld)                                \
	}
#define K_BOOL(nm, st, fld, dflt)                                                               \
	{                                                                                       \
		.name = nm, .ltype = CFG_LT_BOOL, .ctype = CFG_CT_BOOL, .def = dflt,            \
		.off = offsetof(st, fld)                                                        \
	}
#define K_STR(nm, st, fld, fm, lo, hi, dflt, fl)                                                \
	{                                                                                       \
		.name = nm, .ltype = CFG_LT_STRING, .ctype = CFG_CT_STR, .fmt = fm, .flags = fl, \
		.min = lo, .max = hi, .def_str = dflt, .off = offsetof(st, fld),                \
		.size = sizeof(((st *)0)->fld)                                                  \
	}
#define K_ADDR(nm, st, fld, ct, fm, fl)                                                         \
	{                                                                                       \
		.name = nm, .ltype = CFG_LT_STRING, .ctype = ct, .fmt = fm, .flags = fl,        \
		.off = offsetof(st, fld)                                                        \
	}
#define K_WORDS(nm, st, fld, ct, w, dflt)                                                       \
	{                                                                                       \
		.name = nm, .ltype = CFG_LT_STRING, .ctype = ct, .fmt = CFG_FMT_WORDS,          \
		.words = w, .def = dflt, .off = offsetof(st, fld)                               \
	}
#define K_GROUP(nm, st, fld, s)                                                                 \
	{                                                                                       \
		.name = nm, .ltype = CFG_LT_GROUP, .off = offsetof(st, fld), .sub = &s          \
	}
/* A group whose keys are fields of the parent struct itself (mempool, cli, ...). */
#define K_FLAT(nm, s)                                                                           \
	{                                                                                       \
		.name = nm, .ltype = CFG_LT_GROUP, .off = 0, .sub = &s                          \
	}
#define K_LIST(nm, st, fld, cnt, et, lo, hi, s, fl)                                             \
	{                                                                                       \
		.name = nm, .ltype = CFG_LT_LIST, .flags = fl, .min_n = lo, .max_n = hi,        \
		.off = offsetof(st, fld), .size = sizeof(et), .cnt_off = offsetof(st, cnt),    \
		.sub = &s                                                                       \
	}
#define SECTION(keys, st)                                                                       \
	{                                                                                       \
		keys, NKEYS(keys), true, offsetof(st, line)                                     \
	}
#define SECTION_NOLINE(keys)                                                                    \
	{                                                                                       \
		keys, NKEYS(keys), false, 0                                                     \
	}

static const struct cfg_key port_keys[] = {
	K_STR("name", struct cfg_port, name, CFG_FMT_NAME, 1, CFG_NAME_MAX - 1, NULL,
	      CFG_KEY_REQUIRED),
	K_STR("device", struct cfg_port, device, CFG_FMT_DEVICE, 1, CFG_DEVICE_MAX - 1, NULL,
	      CFG_KEY_REQUIRED),
	K_WORDS("role", struct cfg_port, role, CFG_CT_INT, role_words, CFG_PORT_UNDERLAY),
	K_ADDR("address", struct cfg_port, address, CFG_CT_PREFIX, CFG_FMT_IFADDR,
	       CFG_KEY_REQUIRED),
	K_ADDR("gateway", struct cfg_port, gateway, CFG_CT_IPV4, CFG_FMT_HOST, CFG_KEY_OPTIONAL),
	K_INT("mtu", struct cfg_port, mtu, CFG_CT_U16, 576, 9000, 1500, 0),
	K_INT("rx_ring", struct cfg_port, rx_ring, CFG_CT_U16, 64, 4096, 1024, CFG_KEY_POW2),
	K_INT("tx_ring", struct cfg_port, tx_ring, CFG_CT_U16, 64, 4096, 1024, CFG_KEY_POW2),
};
static const struct cfg_section port_section = SECTION(port_keys, struct cfg_port);

static const struct cfg_key uroute_keys[] = {
	K_ADDR("prefix", struct cfg_underlay_route, prefix, CFG_CT_PREFIX, CFG_FMT_NETWORK,
	       CFG_KEY_REQUIRED),
	K_ADDR("via", struct cfg_underlay_route, via, CFG_CT_IPV4, CFG_FMT_HOST, CFG_KEY_OPTIONAL),
	K_STR("port", struct cfg_underlay_route, port, CFG_FMT_NAME, 1, CFG_NAME_MAX - 1, NULL,
	      CFG_KEY_OPTIONAL),
};
static const struct cfg_section uroute_section = SECTION(uroute_keys, struct cfg_underlay_route);

static const struct cfg_key map_keys[] = {
	K_ADDR("tunnel", struct cfg_nhrp_map, tunnel_addr, CFG_CT_IPV4, CFG_FMT_HOST,
	       CFG_KEY_REQUIRED),
	K_ADDR("nbma", struct cfg_nhrp_map, nbma_addr, CFG_CT_IPV4, CFG_FMT_HOST,
	       CFG_KEY_REQUIRED),
	K_BOOL("multicast", struct cfg_nhrp_map, multicast, false),
};
static const struct cfg_section map_section = SECTION(map_keys, struct cfg_nhrp_map);

/* Static maps per tunnel: far more than anyone writes by hand, few enough to check fast. */
#define CFG_MAX_MAPS 65536

static const struct cfg_key nhrp_keys[] = {
	K_INT("network_id", struct cfg_nhrp, network_id, CFG_CT_U32, 1, UINT32_MAX, 1, 0),
	K_INT("holdtime", struct cfg_nhrp, holdtime, CFG_CT_U32, 1, 65535, 7200, 0),
	K_STR("authentication", struct cfg_nhrp, auth, CFG_FMT_TEXT, 0, CFG_AUTH_MAX, NULL, 0),
	K_BOOL("redirect", struct cfg_nhrp, redirect, true),
	K_BOOL("map_multicast_dynamic", struct cfg_nhrp, map_multicast_dynamic, true),
	K_WORDS("resolution", struct cfg_nhrp, resolution_forward, CFG_CT_BOOL, resolution_words,
		1),
	K_INT("max_peers", struct cfg_nhrp, max_peers, CFG_CT_U32, 1, 4194304, 1048576, 0),
	K_LIST("maps", struct cfg_nhrp, maps, n_maps, struct cfg_nhrp_map, 0, CFG_MAX_MAPS,
	       map_section, CFG_KEY_DYNAMIC),
	K_INT("new_source_rate", struct cfg_nhrp, new_source_rate, CFG_CT_U32, 1, 10000000, 50, 0),
};
static const struct cfg_section nhrp_section = SECTION_NOLINE(nhrp_keys);

static const struct cfg_word protection_words[] = {
	{"optional", CFG_PROTECT_OPTIONAL},
	{"required", CFG_PROTECT_REQUIRED},
	{NULL, 0},
};

static const struct cfg_key tunnel_keys[] = {
	K_STR("name", struct cfg_tunnel, name, CFG_FMT_NAME, 1, CFG_NAME_MAX - 1, NULL,
	      CFG_KEY_REQUIRED),
	K_ADDR("address", struct cfg_tunnel, address, CFG_CT_PREFIX, CFG_FMT_IFADDR,
	       CFG_KEY_REQUIRED),
	K_STR("source", struct cfg_tunnel, source, CFG_FMT_NAME, 1, CFG_NAME_MAX - 1, NULL,
	      CFG_KEY_REQUIRED),
	{
		.name = "key",
		.ltype = CFG_LT_INT,
		.ctype = CFG_CT_U32,
		.flags = CFG_KEY_OPTIONAL | CFG_KEY_HAS_FLAG,
		.min = 0,
		.max = UINT32_MAX,
		.off = offsetof(struct cfg_tunnel, key),
		.has_off = offsetof(struct cfg_tunnel, has_key),
	},
	K_INT("mtu", struct cfg_tunnel, mtu, CFG_CT_U16, 576, 9000, 1400, 0),
	K_INT("tcp_mss", struct cfg_tunnel, tcp_mss, CFG_CT_U16, 536, 8960, 0, CFG_KEY_ZERO_OK),
	K_GROUP("nhrp", struct cfg_tunnel, nhrp, nhrp_section),
	K_STR("exception_interface", struct cfg_tunnel, exception_if, CFG_FMT_NAME, 0,
	      CFG_IFNAME_MAX - 1, NULL, CFG_KEY_OPTIONAL),
	/* optional (the default) is not printed, so configurations without ESP read as before */
	{
		.name = "protection",
		.ltype = CFG_LT_STRING,
		.ctype = CFG_CT_INT,
		.fmt = CFG_FMT_WORDS,
		.flags = CFG_KEY_OPTIONAL,
		.words = protection_words,
		.off = offsetof(struct cfg_tunnel, protection),
	},
};
static const struct cfg_section tunnel_section = SECTION(tunnel_keys, struct cfg_tunnel);

static const struct cfg_key route_keys[] = {
	K_ADDR("prefix", struct cfg_route, prefix, CFG_CT_PREFIX, CFG_FMT_NETWORK,
	       CFG_KEY_REQUIRED),
	K_ADDR("via", struct cfg_route, via, CFG_CT_IPV4, CFG_FMT_HOST, CFG_KEY_REQUIRED),
};
static const struct cfg_section route_section = SECTION(route_keys, struct cfg_route);

/* RTE_MAX_LCORE is 128 in Debian's DPDK 22.11; the runtime checks ids against the EAL. */
#define CFG_MAX_LCORE_ID 127

static const struct cfg_key lcores_keys[] = {
	{
		.name = "workers",
		.ltype = CFG_LT_ARRAY,
		.ctype = CFG_CT_UINT,
		.min = 0,
		.max = CFG_MAX_LCORE_ID,
		.max_n = CFG_MAX_WORKERS,
		.off = offsetof(struct hub_cfg, workers),
		.cnt_off = offsetof(struct hub_cfg, n_workers),
	},
};
static const struct cfg_section lcores_section = SECTION_NOLINE(lcores_keys);

/*
 * DPDK refuses a mempool whose per-lcore cache exceeds 512 (RTE_MEMPOOL_CACHE_MAX_SIZE) or
 * whose cache * 1.5 exceeds its size: with these ranges the second can never happen.
 */
#define CFG_MBUFS_MIN 1023
#define CFG_CACHE_MAX 512
_Static_assert(CFG_CACHE_MAX * 3 / 2 <= CFG_MBUFS_MIN, "mempool cache range must fit any pool");

static const struct cfg_key mempool_keys[] = {
	K_INT("mbufs", struct hub_cfg, mbufs, CFG_CT_U32, CFG_MBUFS_MIN, 16777215, 16383, 0),
	K_INT("cache", struct hub_cfg, mbuf_cache, CFG_CT_U32, 0, CFG_CACHE_MAX, 256, 0),
	K_INT("ring_size", struct hub_cfg, ring_size, CFG_CT_U32, 64, 65536, 4096, CFG_KEY_POW2),
};
static const struct cfg_section mempool_section = SECTION_NOLINE(mempool_keys);

static const struct cfg_key cli_keys[] = {
	{
		.name = "listen",
		.ltype = CFG_LT_STRING,
		.ctype = CFG_CT_IPV4,
		.fmt = CFG_FMT_LISTEN,
		.def_str = "127.0.0.1",
		.off = offsetof(struct hub_cfg, cli_listen),
	},
	K_INT("port", struct hub_cfg, cli_port, CFG_CT_U16, 0, 65535, 2323, 0),
	K_STR("password", struct hub_cfg, cli_password, CFG_FMT_TEXT, 0, CFG_PASSWORD_MAX - 1,
	      NULL, 0),
	K_INT("idle_timeout", struct hub_cfg, cli_idle_timeout, CFG_CT_U32, 0, 86400, 600, 0),
};
static const struct cfg_section cli_section = SECTION_NOLINE(cli_keys);

static const struct cfg_key logtype_keys[] = {
	K_STR("name", struct cfg_log_type, name, CFG_FMT_LOGTYPE, 1, CFG_NAME_MAX - 1, NULL,
	      CFG_KEY_REQUIRED),
	{
		.name = "level",
		.ltype = CFG_LT_STRING,
		.ctype = CFG_CT_INT,
		.fmt = CFG_FMT_WORDS,
		.flags = CFG_KEY_REQUIRED,
		.words = level_words,
		.off = offsetof(struct cfg_log_type, level),
	},
};
static const struct cfg_section logtype_section = SECTION_NOLINE(logtype_keys);

static const struct cfg_key log_keys[] = {
	K_WORDS("level", struct hub_cfg, log_level, CFG_CT_INT, level_words, 7),
	K_LIST("types", struct hub_cfg, log_types, n_log_types, struct cfg_log_type, 0,
	       CFG_MAX_LOG_TYPES, logtype_section, 0),
};
static const struct cfg_section log_section = SECTION_NOLINE(log_keys);

static const struct cfg_key fpm_keys[] = {
	K_BOOL("enabled", struct hub_cfg, fpm_enabled, false),
	{
		.name = "listen",
		.ltype = CFG_LT_STRING,
		.ctype = CFG_CT_IPV4,
		.fmt = CFG_FMT_LISTEN,
		.def_str = "127.0.0.1",
		.off = offsetof(struct hub_cfg, fpm_listen),
	},
	K_INT("port", struct hub_cfg, fpm_port, CFG_CT_U16, 1, 65535, 2620, 0),
	K_INT("stale_time", struct hub_cfg, fpm_stale_time, CFG_CT_U32, 1, 3600, 30, 0),
};
static const struct cfg_section fpm_section = SECTION_NOLINE(fpm_keys);

/* The control lcore's nap when it has been idle (control/ctl_loop.c): 0 = it never
 * sleeps (a core of its own); at most 10 ms, beyond which NHRP and ARP answers lag. */
static const struct cfg_key control_keys[] = {
	K_INT("idle_sleep_us", struct hub_cfg, control_idle_sleep_us, CFG_CT_U32, 0, 10000, 50, 0),
};
static const struct cfg_section control_section = SECTION_NOLINE(control_keys);
/* The neighbour (ARP) table, shared by every port: what an on-link host can fill. */
static const struct cfg_key arp_keys[] = {
	K_INT("table_size", struct hub_cfg, arp_table_size, CFG_CT_U32, 64, 1048576, 65536, 0),
};
static const struct cfg_section arp_section = SECTION_NOLINE(arp_keys);

static const struct cfg_word cipher_words[] = {
	{"aes-gcm-128", ESP_CIPHER_AES_GCM_128},
	{"aes-gcm-256", ESP_CIPHER_AES_GCM_256},
	{"aes-cbc-128", ESP_CIPHER_AES_CBC_128},
	{"aes-cbc-256", ESP_CIPHER_AES_CBC_256},
	{NULL, 0},
};

static const struct cfg_word esp_mode_words[] = {
	{"transport", CFG_ESP_MODE_TRANSPORT},
	{"tunnel", CFG_ESP_MODE_TUNNEL},
	{NULL, 0},
};

static const struct cfg_word integ_words[] = {
	{"none", ESP_INTEG_NONE},
	{"hmac-sha1-96", ESP_INTEG_HMAC_SHA1_96},
	{"hmac-sha256-128", ESP_INTEG_HMAC_SHA256_128},
	{NULL, 0},
};

static const struct cfg_key profile_keys[] = {
	K_STR("name", struct cfg_ipsec_profile, name, CFG_FMT_NAME, 1, CFG_NAME_MAX - 1, NULL,
	      CFG_KEY_REQUIRED),
	K_WORDS("cipher", struct cfg_ipsec_profile, cipher, CFG_CT_INT, cipher_words,
		ESP_CIPHER_AES_GCM_128),
	K_WORDS("integrity", struct cfg_ipsec_profile, integrity, CFG_CT_INT, integ_words,
		ESP_INTEG_NONE),
	K_STR("secret", struct cfg_ipsec_profile, secret, CFG_FMT_TEXT, 8, CFG_PASSWORD_MAX - 1,
	      NULL, CFG_KEY_REQUIRED),
	K_INT("replay_window", struct cfg_ipsec_profile, replay_window, CFG_CT_U32, 0,
	      ESP_REPLAY_WINDOW_MAX, 64, 0),
	K_BOOL("esn", struct cfg_ipsec_profile, esn, false),
	K_WORDS("mode", struct cfg_ipsec_profile, mode, CFG_CT_INT, esp_mode_words,
		CFG_ESP_MODE_TRANSPORT),
};
static const struct cfg_section profile_section = SECTION(profile_keys, struct cfg_ipsec_profile);

static const struct cfg_key ipsec_sa_keys[] = {
	K_ADDR("peer", struct cfg_ipsec_sa, peer, CFG_CT_IPV4, CFG_FMT_HOST, CFG_KEY_REQUIRED),
	K_INT("spi_in", struct cfg_ipsec_sa, spi_in, CFG_CT_U32, 256, UINT32_MAX, 0,
	      CFG_KEY_REQUIRED),
	K_INT("spi_out", struct cfg_ipsec_sa, spi_out, CFG_CT_U32, 256, UINT32_MAX, 0,
	      CFG_KEY_REQUIRED),
	K_STR("profile", struct cfg_ipsec_sa, profile, CFG_FMT_NAME, 1, CFG_NAME_MAX - 1, NULL,
	      CFG_KEY_OPTIONAL),
	/* without a profile; "none" (0) is left out of the canonical form */
	{
		.name = "cipher",
		.ltype = CFG_LT_STRING,
		.ctype = CFG_CT_INT,
		.fmt = CFG_FMT_WORDS,
		.flags = CFG_KEY_OPTIONAL,
		.words = cipher_words,
		.off = offsetof(struct cfg_ipsec_sa, cipher),
	},
	{
		.name = "integrity",
		.ltype = CFG_LT_STRING,
		.ctype = CFG_CT_INT,
		.fmt = CFG_FMT_WORDS,
		.flags = CFG_KEY_OPTIONAL,
		.words = integ_words,
		.off = offsetof(struct cfg_ipsec_sa, integrity),
	},
	K_STR("key_in", struct cfg_ipsec_sa, key_in, CFG_FMT_TEXT, 0, CFG_HEXKEY_MAX - 1, NULL,
	      CFG_KEY_OPTIONAL),
	K_STR("key_out", struct cfg_ipsec_sa, key_out, CFG_FMT_TEXT, 0, CFG_HEXKEY_MAX - 1, NULL,
	      CFG_KEY_OPTIONAL),
	K_STR("auth_in", struct cfg_ipsec_sa, auth_in, CFG_FMT_TEXT, 0, CFG_HEXKEY_MAX - 1, NULL,
	      CFG_KEY_OPTIONAL),
	K_STR("auth_out", struct cfg_ipsec_sa, auth_out, CFG_FMT_TEXT, 0, CFG_HEXKEY_MAX - 1,
	      NULL, CFG_KEY_OPTIONAL),
	K_INT("replay_window", struct cfg_ipsec_sa, replay_window, CFG_CT_U32, 0,
	      ESP_REPLAY_WINDOW_MAX, 64, 0),
	K_BOOL("esn", struct cfg_ipsec_sa, esn, false),
	K_BOOL("natt", struct cfg_ipsec_sa, natt, false),
	K_INT("natt_port", struct cfg_ipsec_sa, natt_port, CFG_CT_U32, 0, 65535, 0, 0),
};
static const struct cfg_section ipsec_sa_section = SECTION(ipsec_sa_keys, struct cfg_ipsec_sa);

static const struct cfg_key crypto_keys[] = {
	K_INT("max_sas", struct cfg_crypto, max_sas, CFG_CT_U32, 16, 1048576, 4096, 0),
	K_LIST("profiles", struct cfg_crypto, profiles, n_profiles, struct cfg_ipsec_profile, 0,
	       CFG_MAX_IPSEC_PROFILES, profile_section, 0),
	K_LIST("sas", struct cfg_crypto, sas, n_sas, struct cfg_ipsec_sa, 0, CFG_MAX_IPSEC_SAS,
	       ipsec_sa_section, CFG_KEY_DYNAMIC),
};
static const struct cfg_section crypto_section = SECTION_NOLINE(crypto_keys);

/* Routes: a full Internet table is not configured by hand; FPM brings large tables. */
#define CFG_MAX_UNDERLAY_ROUTES 1024
#define CFG_MAX_ROUTES 65536

static const struct cfg_key root_keys[] = {
	K_LIST("ports", struct hub_cfg, ports, n_ports, struct cfg_port, 1, CFG_MAX_PORTS,
	       port_section, CFG_KEY_REQUIRED),
	K_LIST("underlay_routes", struct hub_cfg, underlay_routes, n_underlay_routes,
	       struct cfg_underlay_route, 0, CFG_MAX_UNDERLAY_ROUTES, uroute_section,
	       CFG_KEY_DYNAMIC),
	K_LIST("tunnels", struct hub_cfg, tunnels, n_tunnels, struct cfg_tunnel, 0,
	       CFG_MAX_TUNNELS, tunnel_section, 0),
	K_LIST("routes", struct hub_cfg, routes, n_routes, struct cfg_route, 0, CFG_MAX_ROUTES,
	       route_section, CFG_KEY_DYNAMIC),
	K_FLAT("lcores", lcores_section),
	K_FLAT("mempool", mempool_section),
	K_FLAT("cli", cli_section),
	K_FLAT("log", log_section),
	K_FLAT("fpm", fpm_section),
	K_GROUP("crypto", struct hub_cfg, crypto, crypto_section),
	K_FLAT("control", control_section),
	K_FLAT("arp", arp_section),
};
const struct cfg_section cfg_schema_root = SECTION_NOLINE(root_keys);

/* ---------------------------------------------------------------------------------------- */
/* Errors */

void cfg_err_add(struct cfg_errbuf *e, unsigned int line, const char *path, const char *fmt, ...)
{
	va_list ap;
	int n;

	/* Report the earliest problem in the file; on a tie, the first one found. */
	if (e->set && line >= e->line)
		return;
	e->set = true;
	e->line = line;
	if (e->buf == NULL || e->len == 0)
		return;
	if (path != NULL && path[0] != '\0')
		n = snprintf(e->buf, e->len, "%s:%u: %s: ", e->file, line, path);
	else
		n = snprintf(e->buf, e->len, "%s:%u: ", e->file, line);
	if (n < 0 || (size_t)n >= e->len)
		return;
	va_start(ap, fmt);
	vsnprintf(e->buf + n, e->len - (size_t)n, fmt, ap);
	va_end(ap);
}

/* ---------------------------------------------------------------------------------------- */
/* Small helpers */

const char *cfg_word_name(const struct cfg_word *words, int value)
{
	for (; words->name != NULL; words++)
		if (words->value == value)
			return words->name;
	return NULL;
}

const char *cfg_ipv4_str(uint32_t addr, char *buf, size_t len)
{
	uint32_t h = ntohl(addr);

	snprintf(buf, len, "%u.%u.%u.%u", h >> 24, (h >> 16) & 0xff, (h >> 8) & 0xff, h & 0xff);
	return buf;
}

static const char *type_name(int type)
{
	switch (type) {
	case CONFIG_TYPE_GROUP:
		return "a group { ... }";
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		return "an integer";
	case CONFIG_TYPE_FLOAT:
		return "a floating-point number";
	case CONFIG_TYPE_STRING:
		return "a string";
	case CONFIG_TYPE_BOOL:
		return "a boolean";
	case CONFIG_TYPE_ARRAY:
		return "an array [ ... ]";
	case CONFIG_TYPE_LIST:
		return "a list ( ... )";
	default:
		return "an unknown kind of setting";
	}
}

static const char *ltype_name(enum cfg_ltype t)
{
	switch (t) {
	case CFG_LT_INT:
		return "an integer";
	case CFG_LT_BOOL:
		return "a boolean (true or false)";
	case CFG_LT_STRING:
		return "a string";
	case CFG_LT_GROUP:
		return "a group { ... }";
	case CFG_LT_LIST:
		return "a list of groups ( { ... }, ... )";
	case CFG_LT_ARRAY:
		return "an array of integers [ ... ]";
	}
	return "?";
}

static bool ltype_matches(enum cfg_ltype t, int type)
{
	switch (t) {
	case CFG_LT_INT:
		return type == CONFIG_TYPE_INT || type == CONFIG_TYPE_INT64;
	case CFG_LT_BOOL:
		return type == CONFIG_TYPE_BOOL;
	case CFG_LT_STRING:
		return type == CONFIG_TYPE_STRING;
	case CFG_LT_GROUP:
		return type == CONFIG_TYPE_GROUP;
	case CFG_LT_LIST:
		return type == CONFIG_TYPE_LIST;
	case CFG_LT_ARRAY:
		return type == CONFIG_TYPE_ARRAY;
	}
	return false;
}

/* A string quoted for a message: escapes kept short, long strings cut with "...". */
static const char *quote(const char *s, char *buf, size_t len)
{
	size_t o = 0;

	if (len < 8)
		return "";
	buf[o++] = '"';
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (o + 8 >= len) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		if (c == '"' || c == '\\') {
			buf[o++] = '\\';
			buf[o++] = (char)c;
		} else if (c < 0x20 || c >= 0x7f) {
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", c);
		} else {
			buf[o++] = (char)c;
		}
	}
	buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}

/* A path too long for the buffer ends in "...". */
static void path_cut(char *out, int n)
{
	if (n < 0 || n >= CFG_PATH_MAX)
		memcpy(out + CFG_PATH_MAX - 4, "...", 4);
}

static void path_join(char *out, const char *path, const char *name)
{
	if (path[0] == '\0')
		path_cut(out, snprintf(out, CFG_PATH_MAX, "%s", name));
	else
		path_cut(out, snprintf(out, CFG_PATH_MAX, "%s.%s", path, name));
}

static void path_index(char *out, const char *path, unsigned int i)
{
	path_cut(out, snprintf(out, CFG_PATH_MAX, "%s[%u]", path, i));
}

/* Edit distance, capped: only used to suggest a key for a misspelt one. */
static unsigned int distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned int row[40], prev, tmp;

	if (la >= NKEYS(row) || lb >= NKEYS(row))
		return 99;
	for (size_t j = 0; j <= lb; j++)
		row[j] = (unsigned int)j;
	for (size_t i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = (unsigned int)i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned int best = prev + (a[i - 1] != b[j - 1]);

			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			tmp = row[j];
			row[j] = best;
			prev = tmp;
		}
	}
	return row[lb];
}

static const struct cfg_key *find_key(const struct cfg_section *sec, const char *name)
{
	for (unsigned int i = 0; i < sec->n_keys; i++)
		if (strcmp(sec->keys[i].name, name) == 0)
			return &sec->keys[i];
	return NULL;
}

static const struct cfg_key *closest_key(const struct cfg_section *sec, const char *name)
{
	const struct cfg_key *best = NULL;
	unsigned int best_d = 3; /* suggest only near misses */

	for (unsigned int i = 0; i < sec->n_keys; i++) {
		unsigned int d = distance(sec->keys[i].name, name);

		if (d < best_d) {
			best_d = d;
			best = &sec->keys[i];
		}
	}
	return best;
}

/* The value of an integer setting, as written in the text. */
static int int_value(const config_setting_t *s, int64_t *v, const char **text, int *len)
{
	const struct cfg_literal *lit = config_setting_get_hook(s);

	if (lit == NULL) {
		*v = config_setting_get_int64(s);
		*text = NULL;
		*len = 0;
		return 0;
	}
	*v = lit->value;
	*text = lit->text;
	*len = lit->len;
	return lit->overflow ? -ERANGE : 0;
}

/* Enums (the port role) are stored and read through int. */
_Static_assert(sizeof(enum cfg_port_role) == sizeof(int), "enum cfg_port_role is not int-sized");

static void store_int(void *p, enum cfg_ctype ct, int64_t v)
{
	switch (ct) {
	case CFG_CT_BOOL:
		*(bool *)p = v != 0;
		break;
	case CFG_CT_U16:
		*(uint16_t *)p = (uint16_t)v;
		break;
	case CFG_CT_U32:
	case CFG_CT_IPV4:
		*(uint32_t *)p = (uint32_t)v;
		break;
	case CFG_CT_UINT:
		*(unsigned int *)p = (unsigned int)v;
		break;
	case CFG_CT_INT:
		*(int *)p = (int)v;
		break;
	case CFG_CT_NONE:
	case CFG_CT_STR:
	case CFG_CT_PREFIX:
		break;
	}
}

static bool is_pow2(int64_t v)
{
	return v > 0 && (v & (v - 1)) == 0;
}

/* ---------------------------------------------------------------------------------------- */
/* String formats */

static bool is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.' || c == '-';
}

static bool check_name(const char *s)
{
	for (; *s != '\0'; s++)
		if (!is_name_char(*s))
			return false;
	return true;
}

static bool check_printable(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			return false;
	return true;
}

static bool hex_run(const char **p, size_t n)
{
	for (size_t i = 0; i < n; i++, (*p)++)
		if (!isxdigit((unsigned char)**p))
			return false;
	return true;
}

/* [DDDD:]BB:DD.F, as the EAL takes it in -a. */
static bool is_pci_addr(const char *s, size_t len)
{
	const char *p = s;

	if (len == 12) {
		if (!hex_run(&p, 4) || *p++ != ':')
			return false;
	} else if (len != 7) {
		return false;
	}
	if (!hex_run(&p, 2) || *p++ != ':' || !hex_run(&p, 2) || *p++ != '.')
		return false;
	return *p >= '0' && *p <= '7';
}

/* A device string: PCI address or vdev driver instance name, then optional devargs. */
static bool check_device(const char *s)
{
	size_t name_len = strcspn(s, ",");

	for (const char *p = s; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return false;
	if (name_len == 0)
		return false;
	if (is_pci_addr(s, name_len))
		return true;
	if (!isalpha((unsigned char)s[0]))
		return false;
	for (size_t i = 0; i < name_len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return false;
	return true;
}

/* hub.<seg>[.<seg>...], each segment [a-z0-9_]+ */
static bool check_logtype(const char *s)
{
	bool empty_seg = true;

	if (strncmp(s, "hub.", 4) != 0)
		return false;
	for (s += 4; *s != '\0'; s++) {
		if (*s == '.') {
			if (empty_seg)
				return false;
			empty_seg = true;
		} else if (islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '_') {
			empty_seg = false;
		} else {
			return false;
		}
	}
	return !empty_seg;
}

/* 0.0.0.0/8, 127.0.0.0/8, 224.0.0.0/3 (multicast, reserved, broadcast) are no hosts. */
static bool is_unicast(uint32_t addr)
{
	uint32_t h = ntohl(addr);

	return (h >> 24) != 0 && (h >> 24) != 127 && (h >> 29) != 7;
}

/* For "a.b.c.d/NN" with a good address and NN > 32, NN; else 0. */
static unsigned long prefix_len_beyond_32(const char *str)
{
	const char *slash = strchr(str, '/');
	char head[16];
	unsigned long len;
	size_t hl, dl;
	uint32_t a;

	if (slash == NULL)
		return 0;
	hl = (size_t)(slash - str);
	dl = strlen(slash + 1);
	if (hl >= sizeof(head) || dl == 0 || dl > 9 || strspn(slash + 1, "0123456789") != dl)
		return 0;
	memcpy(head, str, hl);
	head[hl] = '\0';
	if (cfg_parse_ipv4(head, &a) < 0)
		return 0;
	len = strtoul(slash + 1, NULL, 10);
	return len > 32 ? len : 0;
}

static void fill_address(struct cfg_errbuf *e, const config_setting_t *s, const struct cfg_key *k,
			 void *field, const char *path)
{
	const char *str = config_setting_get_string(s);
	unsigned int line = config_setting_source_line(s);
	char q[96], net[20];
	struct cfg_prefix p;
	uint32_t a, host;

	quote(str, q, sizeof(q));
	switch (k->fmt) {
	case CFG_FMT_IFADDR:
	case CFG_FMT_NETWORK:
		if (cfg_parse_prefix(str, &p) < 0) {
			unsigned long plen = prefix_len_beyond_32(str);

			if (plen != 0)
				cfg_err_add(e, line, path,
					    "%s is not an IPv4 prefix: length %lu is more than 32", q,
					    plen);
			else
				cfg_err_add(e, line, path, "%s is not an IPv4 prefix (a.b.c.d/len)",
					    q);
			return;
		}
		host = ntohl(p.addr) & ~cfg_mask(p.len);
		cfg_ipv4_str(htonl(ntohl(p.addr) & cfg_mask(p.len)), net, sizeof(net));
		if (k->fmt == CFG_FMT_NETWORK) {
			if (host != 0) {
				cfg_err_add(e, line, path,
					    "%s has host bits set (the network is %s/%u)", q, net,
					    p.len);
				return;
			}
		} else {
			if (p.len == 0) {
				cfg_err_add(e, line, path,
					    "%s: an interface prefix length is 1..32", q);
				return;
			}
			if (!is_unicast(p.addr)) {
				cfg_err_add(e, line, path, "%s is not a unicast host address", q);
				return;
			}
			if (p.len < 31 && host == 0) {
				cfg_err_add(e, line, path,
					    "%s is the network address of %s/%u, not a host", q,
					    net, p.len);
				return;
			}
			if (p.len < 31 && host == ~cfg_mask(p.len)) {
				cfg_err_add(e, line, path,
					    "%s is the broadcast address of %s/%u, not a host", q,
					    net, p.len);
				return;
			}
		}
		*(struct cfg_prefix *)field = p;
		return;
	case CFG_FMT_HOST:
	case CFG_FMT_LISTEN:
		if (cfg_parse_ipv4(str, &a) < 0) {
			cfg_err_add(e, line, path, "%s is not an IPv4 address (a.b.c.d)", q);
			return;
		}
		if (k->fmt == CFG_FMT_HOST && !is_unicast(a)) {
			cfg_err_add(e, line, path, "%s is not a unicast host address", q);
			return;
		}
		if (k->fmt == CFG_FMT_LISTEN && (ntohl(a) >> 28) >= 14) {
			cfg_err_add(e, line, path, "%s cannot be a local address to listen on", q);
			return;
		}
		*(uint32_t *)field = a;
		return;
	default:
		return;
	}
}

static void fill_string(struct cfg_errbuf *e, const config_setting_t *s, const struct cfg_key *k,
			void *base, const char *path)
{
	const char *str = config_setting_get_string(s);
	unsigned int line = config_setting_source_line(s);
	void *field = (char *)base + k->off;
	size_t len = strlen(str);
	char q[96];

	quote(str, q, sizeof(q));
	switch (k->fmt) {
	case CFG_FMT_IFADDR:
	case CFG_FMT_NETWORK:
	case CFG_FMT_HOST:
	case CFG_FMT_LISTEN:
		fill_address(e, s, k, field, path);
		break;
	case CFG_FMT_WORDS:
		for (const struct cfg_word *w = k->words; w->name != NULL; w++) {
			if (strcmp(w->name, str) == 0) {
				store_int(field, k->ctype, w->value);
				return;
			}
		}
		{
			char list[160];
			size_t o = 0;

			list[0] = '\0';
			for (const struct cfg_word *w = k->words; w->name != NULL; w++) {
				int m = snprintf(list + o, sizeof(list) - o, "%s\"%s\"",
						 o ? ", " : "", w->name);

				if (m < 0 || (size_t)m >= sizeof(list) - o)
					break;
				o += (size_t)m;
			}
			cfg_err_add(e, line, path, "%s is not one of %s", q, list);
		}
		break;
	case CFG_FMT_NAME:
	case CFG_FMT_DEVICE:
	case CFG_FMT_TEXT:
	case CFG_FMT_LOGTYPE:
	case CFG_FMT_NONE:
		if ((int64_t)len < k->min) {
			cfg_err_add(e, line, path, "must not be empty");
			return;
		}
		if ((int64_t)len > k->max) {
			cfg_err_add(e, line, path, "%s is %zu bytes long, at most %" PRId64 " allowed",
				    q, len, k->max);
			return;
		}
		if (k->fmt == CFG_FMT_NAME && !check_name(str)) {
			cfg_err_add(e, line, path,
				    "%s is not a name (letters, digits, '_', '.', '-')", q);
			return;
		}
		if (k->fmt == CFG_FMT_DEVICE && !check_device(str)) {
			cfg_err_add(e, line, path,
				    "%s is not a PCI address (0000:03:00.0) or a vdev "
				    "(net_xxx0,key=value,...)",
				    q);
			return;
		}
		if (k->fmt == CFG_FMT_TEXT && !check_printable(str)) {
			cfg_err_add(e, line, path, "%s: only printable ASCII characters are allowed",
				    q);
			return;
		}
		if (k->fmt == CFG_FMT_LOGTYPE && !check_logtype(str)) {
			cfg_err_add(e, line, path,
				    "%s is not a hub log type (hub.<name>, lower case)", q);
			return;
		}
		memcpy(field, str, len + 1);
		break;
	}
}

/* ---------------------------------------------------------------------------------------- */
/* The walk */

static void fill_group(struct cfg_errbuf *e, const config_setting_t *grp,
		       const struct cfg_section *sec, void *base, const char *path);

static bool int_in_range(struct cfg_errbuf *e, const config_setting_t *s, const struct cfg_key *k,
			 const char *path, int64_t *out)
{
	unsigned int line = config_setting_source_line(s);
	const char *text;
	int64_t v;
	int len;

	if (int_value(s, &v, &text, &len) < 0) {
		cfg_err_add(e, line, path, "%.*s is out of range %" PRId64 "..%" PRId64, len, text,
			    k->min, k->max);
		return false;
	}
	if ((k->flags & CFG_KEY_ZERO_OK) && v == 0) {
		*out = v;
		return true;
	}
	if (v < k->min || v > k->max) {
		if (k->flags & CFG_KEY_ZERO_OK)
			cfg_err_add(e, line, path,
				    "%" PRId64 " is out of range (0 = off, or %" PRId64 "..%" PRId64
				    ")",
				    v, k->min, k->max);
		else
			cfg_err_add(e, line, path, "%" PRId64 " is out of range %" PRId64 "..%" PRId64,
				    v, k->min, k->max);
		return false;
	}
	if ((k->flags & CFG_KEY_POW2) && !is_pow2(v)) {
		cfg_err_add(e, line, path, "%" PRId64 " is not a power of two", v);
		return false;
	}
	*out = v;
	return true;
}

static void type_error(struct cfg_errbuf *e, const config_setting_t *s, const char *path,
		       const char *expected)
{
	char q[96];

	if (config_setting_type(s) == CONFIG_TYPE_STRING)
		cfg_err_add(e, config_setting_source_line(s), path, "expected %s, got a string %s",
			    expected, quote(config_setting_get_string(s), q, sizeof(q)));
	else
		cfg_err_add(e, config_setting_source_line(s), path, "expected %s, got %s", expected,
			    type_name(config_setting_type(s)));
}

static void fill_list(struct cfg_errbuf *e, const config_setting_t *s, const struct cfg_key *k,
		      void *base, const char *path)
{
	unsigned int n = (unsigned int)config_setting_length(s);
	unsigned int line = config_setting_source_line(s);
	unsigned int *cnt = (unsigned int *)((char *)base + k->cnt_off);
	char epath[CFG_PATH_MAX];
	char *arr;

	if (n < k->min_n) {
		cfg_err_add(e, line, path, "needs at least %u entr%s, has %u", k->min_n,
			    k->min_n == 1 ? "y" : "ies", n);
		return;
	}
	if (n > k->max_n) {
		cfg_err_add(e, line, path, "too many entries: %u, at most %u", n, k->max_n);
		return;
	}
	if (n == 0)
		return;
	if (k->flags & CFG_KEY_DYNAMIC) {
		arr = calloc(n, k->size);
		if (arr == NULL) {
			cfg_err_add(e, line, path, "out of memory for %u entries", n);
			return;
		}
		*(void **)((char *)base + k->off) = arr;
	} else {
		arr = (char *)base + k->off;
	}
	*cnt = n;
	for (unsigned int i = 0; i < n; i++) {
		const config_setting_t *el = config_setting_get_elem(s, i);
		void *obj = arr + (size_t)i * k->size;

		path_index(epath, path, i);
		if (config_setting_type(el) != CONFIG_TYPE_GROUP) {
			type_error(e, el, epath, "a group { ... }");
			continue;
		}
		if (k->sub->has_line)
			*(int *)((char *)obj + k->sub->line_off) =
				(int)config_setting_source_line(el);
		fill_group(e, el, k->sub, obj, epath);
	}
}

static void fill_array(struct cfg_errbuf *e, const config_setting_t *s, const struct cfg_key *k,
		       void *base, const char *path)
{
	unsigned int n = (unsigned int)config_setting_length(s);
	unsigned int *cnt = (unsigned int *)((char *)base + k->cnt_off);
	char epath[CFG_PATH_MAX];
	int64_t v;

	if (n > k->max_n) {
		cfg_err_add(e, config_setting_source_line(s), path, "too many entries: %u, at most %u",
			    n, k->max_n);
		return;
	}
	for (unsigned int i = 0; i < n; i++) {
		const config_setting_t *el = config_setting_get_elem(s, i);

		path_index(epath, path, i);
		if (!ltype_matches(CFG_LT_INT, config_setting_type(el))) {
			type_error(e, el, epath, "an integer");
			continue;
		}
		if (!int_in_range(e, el, k, epath, &v))
			continue;
		store_int((char *)base + k->off + (size_t)i * sizeof(unsigned int), k->ctype, v);
	}
	*cnt = n;
}

static void fill_value(struct cfg_errbuf *e, const config_setting_t *s, const struct cfg_key *k,
		       void *base, const char *path)
{
	int64_t v;

	if (!ltype_matches(k->ltype, config_setting_type(s))) {
		type_error(e, s, path, ltype_name(k->ltype));
		return;
	}
	switch (k->ltype) {
	case CFG_LT_INT:
		if (!int_in_range(e, s, k, path, &v))
			return;
		store_int((char *)base + k->off, k->ctype, v);
		if (k->flags & CFG_KEY_HAS_FLAG)
			*(bool *)((char *)base + k->has_off) = true;
		break;
	case CFG_LT_BOOL:
		*(bool *)((char *)base + k->off) = config_setting_get_bool(s) != 0;
		break;
	case CFG_LT_STRING:
		fill_string(e, s, k, base, path);
		break;
	case CFG_LT_GROUP:
		fill_group(e, s, k->sub, (char *)base + k->off, path);
		break;
	case CFG_LT_LIST:
		fill_list(e, s, k, base, path);
		break;
	case CFG_LT_ARRAY:
		fill_array(e, s, k, base, path);
		break;
	}
}

static void set_defaults(const struct cfg_section *sec, void *base)
{
	uint32_t a;

	for (unsigned int i = 0; i < sec->n_keys; i++) {
		const struct cfg_key *k = &sec->keys[i];
		void *field = (char *)base + k->off;

		if (k->flags & (CFG_KEY_REQUIRED | CFG_KEY_OPTIONAL))
			continue;
		switch (k->ltype) {
		case CFG_LT_INT:
		case CFG_LT_BOOL:
			store_int(field, k->ctype, k->def);
			break;
		case CFG_LT_STRING:
			if (k->fmt == CFG_FMT_WORDS)
				store_int(field, k->ctype, k->def);
			else if (k->ctype == CFG_CT_IPV4 && k->def_str != NULL &&
				 cfg_parse_ipv4(k->def_str, &a) == 0)
				*(uint32_t *)field = a;
			else if (k->ctype == CFG_CT_STR)
				snprintf(field, k->size, "%s", k->def_str ? k->def_str : "");
			break;
		case CFG_LT_GROUP:
			/* an absent group still gets its defaults */
			set_defaults(k->sub, field);
			break;
		case CFG_LT_LIST:
		case CFG_LT_ARRAY:
			break;
		}
	}
}

static void fill_group(struct cfg_errbuf *e, const config_setting_t *grp,
		       const struct cfg_section *sec, void *base, const char *path)
{
	unsigned int n = (unsigned int)config_setting_length(grp);
	char cpath[CFG_PATH_MAX];

	set_defaults(sec, base);
	for (unsigned int i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(grp, i);
		const char *name = config_setting_name(s);
		const struct cfg_key *k = find_key(sec, name);

		path_join(cpath, path, name);
		if (k == NULL) {
			const struct cfg_key *near = closest_key(sec, name);

			if (near != NULL)
				cfg_err_add(e, config_setting_source_line(s), cpath,
					    "unknown setting (did you mean \"%s\"?)", near->name);
			else
				cfg_err_add(e, config_setting_source_line(s), cpath,
					    "unknown setting");
			continue;
		}
		fill_value(e, s, k, base, cpath);
	}
	for (unsigned int i = 0; i < sec->n_keys; i++) {
		const struct cfg_key *k = &sec->keys[i];
		unsigned int line = config_setting_source_line(grp);

		if (!(k->flags & CFG_KEY_REQUIRED) || config_setting_get_member(grp, k->name))
			continue;
		path_join(cpath, path, k->name);
		/* the root group has no line of its own: blame the top of the file */
		cfg_err_add(e, line ? line : 1, cpath, "missing required setting");
	}
}

void cfg_schema_fill(struct cfg_errbuf *e, const config_setting_t *root, struct hub_cfg *cfg)
{
	fill_group(e, root, &cfg_schema_root, cfg, "");
}

/* ---------------------------------------------------------------------------------------- */
/* Release */

static void release_group(const struct cfg_section *sec, void *base)
{
	for (unsigned int i = 0; i < sec->n_keys; i++) {
		const struct cfg_key *k = &sec->keys[i];
		unsigned int *cnt;
		char *arr;

		if (k->ltype == CFG_LT_GROUP) {
			release_group(k->sub, (char *)base + k->off);
			continue;
		}
		if (k->ltype != CFG_LT_LIST)
			continue;
		cnt = (unsigned int *)((char *)base + k->cnt_off);
		arr = (k->flags & CFG_KEY_DYNAMIC) ? *(char **)((char *)base + k->off)
						   : (char *)base + k->off;
		if (arr != NULL)
			for (unsigned int j = 0; j < *cnt; j++)
				release_group(k->sub, arr + (size_t)j * k->size);
		if (k->flags & CFG_KEY_DYNAMIC) {
			free(arr);
			*(void **)((char *)base + k->off) = NULL;
		}
		*cnt = 0;
	}
}

void cfg_schema_release(struct hub_cfg *cfg)
{
	release_group(&cfg_schema_root, cfg);
}

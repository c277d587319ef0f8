/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The hub's configuration as plain structs.
 *
 * cfg_load() reads a libconfig file, validates all of it, and only then returns a
 * struct hub_cfg; nothing is applied anywhere until the whole file validates. Every
 * error reads "file:line: setting.path: what is wrong". cfg_print() writes the canonical
 * form (every key, defaults filled in), which cfg_load() reads back to an equal struct.
 *
 * Addresses are IPv4 in network byte order. This header uses no DPDK types so that the
 * parser builds and fuzzes without DPDK.
 */
#ifndef HUB_CFG_H
#define HUB_CFG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define CFG_NAME_MAX 32	      /* port and tunnel names, incl. NUL */
#define CFG_DEVICE_MAX 256    /* DPDK device string, incl. NUL */
#define CFG_AUTH_MAX 8	      /* Cisco cleartext NHRP authentication: at most 8 bytes */
#define CFG_PASSWORD_MAX 64   /* CLI password, incl. NUL */
#define CFG_MAX_PORTS 16
#define CFG_MAX_TUNNELS 8
#define CFG_MAX_WORKERS 64
#define CFG_MAX_LOG_TYPES 32
#define CFG_ERR_MAX 512
#define CFG_IFNAME_MAX 16     /* a Linux interface name, incl. NUL */

enum cfg_port_role {
	CFG_PORT_UNDERLAY = 0, /* NBMA side: carries GRE/ESP to the spokes */
	CFG_PORT_LAN = 1,      /* plain IPv4 towards networks behind the hub */
};

struct cfg_prefix {
	uint32_t addr; /* network byte order; for an interface address, the host part is kept */
	uint8_t len;   /* 0..32 */
};

struct cfg_port {
	char name[CFG_NAME_MAX];
	char device[CFG_DEVICE_MAX]; /* PCI address ("0000:03:00.0") or vdev ("net_pcap0,...") */
	enum cfg_port_role role;
	struct cfg_prefix address;   /* the port's own address and on-link prefix */
	uint32_t gateway;	     /* default next hop on this port, 0 = none */
	uint16_t mtu;		     /* 576..9000, default 1500 */
	uint16_t rx_ring;	     /* rx descriptors per queue, default 1024, power of two */
	uint16_t tx_ring;	     /* tx descriptors per queue, default 1024, power of two */
	int line;		     /* line of the entry in the file, for later messages */
};

/* Underlay (outer) route: how to reach NBMA addresses. */
struct cfg_underlay_route {
	struct cfg_prefix prefix;
	uint32_t via;		   /* gateway; 0 = on-link: ARP for the destination itself */
	char port[CFG_NAME_MAX];   /* egress port; required when on-link, else derived from via */
	int line;
};

/* Static NHRP mapping: tunnel address -> NBMA address. */
struct cfg_nhrp_map {
	uint32_t tunnel_addr;
	uint32_t nbma_addr;
	bool multicast; /* also a destination of multicast replication */
	int line;
};

struct cfg_nhrp {
	uint32_t network_id;		 /* 1..2^32-1, default 1 */
	uint32_t holdtime;		 /* seconds 1..65535, default 7200; used when a CIE says 0 */
	char auth[CFG_AUTH_MAX + 1];	 /* "" = no authentication */
	bool redirect;			 /* send Traffic Indications on hairpin (Phase 3), default true */
	bool map_multicast_dynamic;	 /* replicate multicast to every registered spoke */
	bool resolution_forward;	 /* true: forward Resolution Requests to the owner
					  * (Cisco hub default); false: answer from the cache */
	uint32_t max_peers;		 /* 1..4194304, default 1048576 */
	uint32_t new_source_rate;	 /* registrations per second and outer source without a
					  * binding (a token bucket per address hash), default 50 */
	struct cfg_nhrp_map *maps;
	unsigned int n_maps;
};

enum cfg_protection {
	CFG_PROTECT_OPTIONAL = 0, /* ESP to and from peers that have an SA, GRE with the rest */
	CFG_PROTECT_REQUIRED = 1, /* GRE/NHRP outside ESP dropped; peers without an SA unreachable */
};

struct cfg_tunnel {
	char name[CFG_NAME_MAX];	 /* e.g. "Tunnel0" */
	struct cfg_prefix address;	 /* the hub's tunnel address and the tunnel subnet */
	char source[CFG_NAME_MAX];	 /* underlay port the tunnel rides on */
	bool has_key;
	uint32_t key;			 /* GRE key, RFC 2890 */
	uint16_t mtu;			 /* inner MTU 576..9000, default 1400 */
	uint16_t tcp_mss;		 /* 0 = no clamping; else 536..8960 */
	struct cfg_nhrp nhrp;
	int line;
	char exception_if[CFG_IFNAME_MAX]; /* kernel interface (net_tap) carrying the hub's
					  * tunnel address for FRR; "" = none */
	int protection;			 /* enum cfg_protection (docs/esp.md) */
};

/* Inner (overlay) static route. */
struct cfg_route {
	struct cfg_prefix prefix;
	uint32_t via; /* a tunnel peer's tunnel address, or a gateway on a LAN port */
	int line;
};

/* ESP (docs/esp.md). Keys are hex strings: AES-GCM keys carry the 4-byte salt at the end,
 * as Linux XFRM's rfc4106(gcm(aes)) takes them. */
#define CFG_MAX_IPSEC_PROFILES 8
#define CFG_MAX_IPSEC_SAS 65536
#define CFG_HEXKEY_MAX 75 /* "0x" + 72 digits (AES-256 + salt) + NUL */

struct cfg_ipsec_profile {
	char name[CFG_NAME_MAX];
	int cipher;			/* enum esp_cipher (lib/esp_sa.h) */
	int integrity;			/* enum esp_integ */
	char secret[CFG_PASSWORD_MAX];	/* per-peer keys are derived from it: labs and tests */
	uint32_t replay_window;		/* packets, 0 = off, at most 4096 */
	bool esn;
	int line;
	int mode;			/* CFG_ESP_MODE_TRANSPORT (default) or _TUNNEL */
};
enum cfg_esp_mode { CFG_ESP_MODE_TRANSPORT = 0, CFG_ESP_MODE_TUNNEL = 1 };

/* One spoke's pair of SAs: spi_in for what the hub receives, spi_out for what it sends. */
struct cfg_ipsec_sa {
	uint32_t peer;			/* the spoke's NBMA address */
	uint32_t spi_in, spi_out;
	char profile[CFG_NAME_MAX];	/* "" = the algorithms and keys below */
	int cipher;
	int integrity;
	char key_in[CFG_HEXKEY_MAX], key_out[CFG_HEXKEY_MAX];
	char auth_in[CFG_HEXKEY_MAX], auth_out[CFG_HEXKEY_MAX];
	uint32_t replay_window;
	bool esn;
	int line;
	bool natt;			/* ESP-in-UDP 4500 (RFC 3948); the spoke's port is learned */
	uint32_t natt_port;		/* 1..65535 pins the spoke's port (implies natt); 0 = learn */
};

struct cfg_crypto {
	uint32_t max_sas;		/* SA slots in every worker's table, default 4096 */
	struct cfg_ipsec_profile profiles[CFG_MAX_IPSEC_PROFILES];
	unsigned int n_profiles;
	struct cfg_ipsec_sa *sas;
	unsigned int n_sas;
};

struct cfg_log_type {
	char name[CFG_NAME_MAX]; /* e.g. "hub.nhrp" */
	int level;		 /* 1 (emergency) .. 8 (debug), RTE_LOG_* values */
};

struct hub_cfg {
	char source[256]; /* file the configuration came from */

	struct cfg_port ports[CFG_MAX_PORTS];
	unsigned int n_ports;

	struct cfg_underlay_route *underlay_routes;
	unsigned int n_underlay_routes;

	struct cfg_tunnel tunnels[CFG_MAX_TUNNELS];
	unsigned int n_tunnels;

	struct cfg_route *routes;
	unsigned int n_routes;

	/* Worker lcores; n_workers == 0 means "every EAL lcore but the main one". */
	unsigned int workers[CFG_MAX_WORKERS];
	unsigned int n_workers;

	uint32_t mbufs;	     /* mbufs per socket, default 16383 */
	uint32_t mbuf_cache; /* per-lcore cache, default 256, <= mbufs / 1.5 and <= 512 */
	uint32_t ring_size;  /* control<->worker ring entries, power of two, default 4096 */

	uint32_t cli_listen;		       /* default 127.0.0.1 */
	uint16_t cli_port;		       /* default 2323; 0 disables the CLI */
	char cli_password[CFG_PASSWORD_MAX];   /* "" = none; required for a non-loopback listen */
	uint32_t cli_idle_timeout;	       /* seconds, 0 = never, default 600 */

	int log_level;			       /* default RTE_LOG_INFO (7) */
	struct cfg_log_type log_types[CFG_MAX_LOG_TYPES];
	unsigned int n_log_types;

	bool fpm_enabled;		       /* FPM server for FRR zebra, default false */
	uint32_t fpm_listen;		       /* default 127.0.0.1 */
	uint16_t fpm_port;		       /* default 2620 */
	uint32_t fpm_stale_time;	       /* seconds zebra's routes outlive it, default 30 */
	struct cfg_crypto crypto;
	uint32_t control_idle_sleep_us;	       /* control's nap when idle, default 50; 0 = poll */
	uint32_t arp_table_size;	       /* neighbour entries over all ports, default 65536 */
};

/*
 * Load, parse and validate FILE. On success returns a new configuration (free it with
 * cfg_free). On failure returns NULL and writes one message "file:line: path: what" into
 * err (at most errlen bytes, NUL-terminated).
 */
struct hub_cfg *cfg_load(const char *file, char *err, size_t errlen);

/* The same from a string; name is used as the file name in messages. */
struct hub_cfg *cfg_load_string(const char *text, const char *name, char *err, size_t errlen);

void cfg_free(struct hub_cfg *cfg);

/* Write the canonical configuration (libconfig syntax, every key, defaults filled in). */
int cfg_print(const struct hub_cfg *cfg, FILE *out);

/* 1 when A and B configure the same thing (source and line numbers aside), else 0. */
int cfg_equal(const struct hub_cfg *a, const struct hub_cfg *b);

/* Helpers shared with the CLI and tests. */
const struct cfg_port *cfg_port_by_name(const struct hub_cfg *cfg, const char *name);
int cfg_port_index(const struct hub_cfg *cfg, const char *name); /* -1 when absent */

/* "a.b.c.d" -> network order; 0 on success, -1 on bad syntax. */
int cfg_parse_ipv4(const char *s, uint32_t *addr);
/* "a.b.c.d/len" -> prefix; 0 on success, -1 on bad syntax or len > 32. */
int cfg_parse_prefix(const char *s, struct cfg_prefix *p);

#endif /* HUB_CFG_H */

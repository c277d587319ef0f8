/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Loading a configuration: libconfig syntax, then the schema (cfg_schema.c), then the rules
 * that relate settings to one another. The first error in file order is reported and
 * nothing partly filled is ever returned.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include "lib/cfg.h"
#include "lib/cfg_schema.h"
#include "lib/esp_sa.h"

/* A configuration is written by hand; anything this large is a mistake. */
#define CFG_FILE_MAX (16u << 20)

/* ---------------------------------------------------------------------------------------- */
/* Address helpers */

int cfg_parse_ipv4(const char *s, uint32_t *addr)
{
	uint32_t v = 0;

	if (s == NULL)
		return -1;
	for (int i = 0; i < 4; i++) {
		unsigned int octet = 0, digits = 0;

		if (i > 0 && *s++ != '.')
			return -1;
		if (!isdigit((unsigned char)*s))
			return -1;
		/* "010" is octal to inet_aton and decimal to people: accept neither reading */
		if (s[0] == '0' && isdigit((unsigned char)s[1]))
			return -1;
		while (isdigit((unsigned char)*s)) {
			if (++digits > 3)
				return -1;
			octet = octet * 10 + (unsigned int)(*s++ - '0');
		}
		if (octet > 255)
			return -1;
		v = v << 8 | octet;
	}
	if (*s != '\0')
		return -1;
	*addr = htonl(v);
	return 0;
}

int cfg_parse_prefix(const char *s, struct cfg_prefix *p)
{
	const char *slash;
	char head[16];
	unsigned int len = 0;
	size_t hl;
	uint32_t a;

	if (s == NULL || (slash = strchr(s, '/')) == NULL)
		return -1;
	hl = (size_t)(slash - s);
	if (hl >= sizeof(head))
		return -1;
	memcpy(head, s, hl);
	head[hl] = '\0';
	if (cfg_parse_ipv4(head, &a) < 0)
		return -1;
	s = slash + 1;
	if (!isdigit((unsigned char)s[0]) || (s[0] == '0' && s[1] != '\0'))
		return -1;
	for (; isdigit((unsigned char)*s); s++) {
		len = len * 10 + (unsigned int)(*s - '0');
		if (len > 32)
			return -1;
	}
	if (*s != '\0')
		return -1;
	p->addr = a;
	p->len = (uint8_t)len;
	return 0;
}

const struct cfg_port *cfg_port_by_name(const struct hub_cfg *cfg, const char *name)
{
	int i = cfg_port_index(cfg, name);

	return i < 0 ? NULL : &cfg->ports[i];
}

int cfg_port_index(const struct hub_cfg *cfg, const char *name)
{
	for (unsigned int i = 0; i < cfg->n_ports; i++)
		if (strcmp(cfg->ports[i].name, name) == 0)
			return (int)i;
	return -1;
}

static bool in_prefix(uint32_t addr, const struct cfg_prefix *p)
{
	uint32_t m = cfg_mask(p->len);

	return (ntohl(addr) & m) == (ntohl(p->addr) & m);
}

static bool prefixes_overlap(const struct cfg_prefix *a, const struct cfg_prefix *b)
{
	uint32_t m = cfg_mask(a->len < b->len ? a->len : b->len);

	return (ntohl(a->addr) & m) == (ntohl(b->addr) & m);
}

/* "network" / "broadcast" when ADDR is one of those of P (never for /31 and /32). */
static const char *special_addr(uint32_t addr, const struct cfg_prefix *p)
{
	uint32_t host_mask = ~cfg_mask(p->len), host = ntohl(addr) & host_mask;

	if (p->len >= 31)
		return NULL;
	if (host == 0)
		return "network";
	if (host == host_mask)
		return "broadcast";
	return NULL;
}

/* "a.b.c.d/len" with the host part cleared when NET, kept otherwise. */
static const char *prefix_str(const struct cfg_prefix *p, bool net, char *buf, size_t len)
{
	char a[16];
	uint32_t addr = net ? htonl(ntohl(p->addr) & cfg_mask(p->len)) : p->addr;

	snprintf(buf, len, "%s/%u", cfg_ipv4_str(addr, a, sizeof(a)), p->len);
	return buf;
}

/* ---------------------------------------------------------------------------------------- */
/* Integer literals (see struct cfg_literal) */

struct literals {
	struct cfg_literal *v;
	size_t n, cap, next;
};

/* Exponent of a float at P ("e-5"): its end, or NULL. */
static const char *exponent_end(const char *p)
{
	if (*p != 'e' && *p != 'E')
		return NULL;
	p++;
	if (*p == '+' || *p == '-')
		p++;
	if (!isdigit((unsigned char)*p))
		return NULL;
	while (isdigit((unsigned char)*p))
		p++;
	return p;
}

/*
 * Length of the number token at P, with the longest-match rule of libconfig's scanner
 * (hex, integer with optional L/LL, float); *is_int tells an integer from a float.
 */
static size_t number_len(const char *p, bool *is_int)
{
	const char *s = p, *d, *f, *x;
	size_t int_len = 0, float_len = 0;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && isxdigit((unsigned char)p[2])) {
		for (x = p + 2; isxdigit((unsigned char)*x); x++)
			;
		if (*x == 'L' && *++x == 'L')
			x++;
		*is_int = true;
		return (size_t)(x - p);
	}
	if (*s == '+' || *s == '-')
		s++;
	for (d = s; isdigit((unsigned char)*d); d++)
		;
	if (d > s) {
		x = d;
		if (*x == 'L' && *++x == 'L')
			x++;
		int_len = (size_t)(x - p);
	}
	if (*d == '.') {
		for (f = d + 1; isdigit((unsigned char)*f); f++)
			;
		x = exponent_end(f);
		float_len = (size_t)((x ? x : f) - p);
	} else if (d > s && (x = exponent_end(d)) != NULL) {
		float_len = (size_t)(x - p);
	}
	if (float_len > int_len) {
		*is_int = false;
		return float_len;
	}
	*is_int = int_len > 0;
	return int_len > 0 ? int_len : 1;
}

/* Value of an integer token; false when it does not fit in 64 bits. */
static bool number_value(const char *p, size_t len, int64_t *out)
{
	const char *end = p + len;
	uint64_t v = 0, limit = (uint64_t)INT64_MAX;
	bool neg = false;

	while (end > p && end[-1] == 'L')
		end--;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		for (p += 2; p < end; p++) {
			unsigned int d = isdigit((unsigned char)*p)
						 ? (unsigned int)(*p - '0')
						 : (unsigned int)(tolower((unsigned char)*p) - 'a' + 10);

			if (v > (limit - d) / 16)
				return false;
			v = v * 16 + d;
		}
		*out = (int64_t)v;
		return true;
	}
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if (neg)
		limit++;
	for (; p < end; p++) {
		unsigned int d = (unsigned int)(*p - '0');

		if (v > (limit - d) / 10)
			return false;
		v = v * 10 + d;
	}
	if (neg)
		*out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	else
		*out = (int64_t)v;
	return true;
}

static int literal_push(struct literals *L, const char *p, size_t len, unsigned int line)
{
	struct cfg_literal *lit;

	if (L->n == L->cap) {
		size_t cap = L->cap ? L->cap * 2 : 64;
		struct cfg_literal *v = realloc(L->v, cap * sizeof(*v));

		if (v == NULL)
			return -ENOMEM;
		L->v = v;
		L->cap = cap;
	}
	lit = &L->v[L->n++];
	lit->overflow = !number_value(p, len, &lit->value);
	lit->text = p;
	lit->len = len > INT_MAX ? INT_MAX : (int)len;
	lit->line = line;
	return 0;
}

/*
 * Collect every integer literal of TEXT in order, skipping strings and comments as
 * libconfig's scanner does, and refuse @include. On text libconfig rejects the literals are
 * meaningless, but the scan is safe on any input.
 */
static int scan_literals(struct cfg_errbuf *e, const char *text, struct literals *L)
{
	unsigned int line = 1;
	const char *p = text;
	bool is_int;
	size_t len;

	while (*p != '\0') {
		char c = *p;

		if (c == '\n') {
			line++;
			p++;
		} else if (c == '#' || (c == '/' && p[1] == '/')) {
			while (*p != '\0' && *p != '\n')
				p++;
		} else if (c == '/' && p[1] == '*') {
			for (p += 2; *p != '\0' && !(p[0] == '*' && p[1] == '/'); p++)
				if (*p == '\n')
					line++;
			if (*p != '\0')
				p += 2;
		} else if (c == '"') {
			for (p++; *p != '\0' && *p != '"'; p++) {
				if (*p == '\\' && (p[1] == '\\' || p[1] == '"'))
					p++;
				else if (*p == '\n')
					line++;
			}
			if (*p != '\0')
				p++;
		} else if (c == '@') {
			/* the only '@' libconfig accepts starts an @include line */
			cfg_err_add(e, line, NULL,
				    "@include is not supported: keep the configuration in one file");
			return -EINVAL;
		} else if (isalpha((unsigned char)c) || c == '*') {
			while (isalnum((unsigned char)*p) || *p == '_' || *p == '-' || *p == '*')
				p++;
		} else if (isdigit((unsigned char)c) || c == '-' || c == '+' || c == '.') {
			len = number_len(p, &is_int);
			if (is_int && literal_push(L, p, len, line) < 0) {
				cfg_err_add(e, line, NULL, "out of memory");
				return -ENOMEM;
			}
			p += len;
		} else {
			p++;
		}
	}
	return 0;
}

/* Hang literal N on the N-th integer setting of the tree, in file order. */
static int literals_attach(config_setting_t *s, struct literals *L)
{
	int type = config_setting_type(s);

	if (type == CONFIG_TYPE_INT || type == CONFIG_TYPE_INT64) {
		struct cfg_literal *lit;

		if (L->next >= L->n)
			return -1;
		lit = &L->v[L->next++];
		/* a setting's line is its name's; the value may follow on a later line */
		if (lit->line < config_setting_source_line(s))
			return -1;
		config_setting_set_hook(s, lit);
		return 0;
	}
	if (type == CONFIG_TYPE_GROUP || type == CONFIG_TYPE_LIST || type == CONFIG_TYPE_ARRAY) {
		int n = config_setting_length(s);

		for (int i = 0; i < n; i++)
			if (literals_attach(config_setting_get_elem(s, i), L) < 0)
				return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* Rules across settings */

struct check {
	struct cfg_errbuf *e;
	const config_setting_t *root;
	struct hub_cfg *cfg;
};

static const config_setting_t *member(const config_setting_t *g, const char *name)
{
	return g != NULL && config_setting_type(g) == CONFIG_TYPE_GROUP
		       ? config_setting_get_member(g, name)
		       : NULL;
}

static const config_setting_t *elem(const config_setting_t *l, unsigned int i)
{
	return l != NULL ? config_setting_get_elem(l, i) : NULL;
}

/* Line of KEY in group G, or of G when KEY is absent (or NULL). */
static unsigned int line_of(const config_setting_t *g, const char *key)
{
	const config_setting_t *s = key != NULL ? member(g, key) : NULL;
	unsigned int line;

	if (s == NULL)
		s = g;
	line = s != NULL ? config_setting_source_line(s) : 0;
	return line ? line : 1;
}

/* The name part of a device string, with a PCI domain filled in, for comparisons. */
static void device_key(const char *dev, char *out, size_t len)
{
	size_t n = strcspn(dev, ",");

	if (n == 7 && dev[2] == ':' && dev[5] == '.')
		snprintf(out, len, "0000:%.*s", (int)n, dev);
	else
		snprintf(out, len, "%.*s", (int)n, dev);
	for (char *p = out; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
}

static void check_ports(struct check *c)
{
	const config_setting_t *list = member(c->root, "ports");
	const struct hub_cfg *cfg = c->cfg;
	char path[64], a[24], b[24], ka[CFG_DEVICE_MAX], kb[CFG_DEVICE_MAX];
	bool underlay = false;

	for (unsigned int i = 0; i < cfg->n_ports; i++) {
		const struct cfg_port *p = &cfg->ports[i];
		const config_setting_t *ent = elem(list, i);
		const char *what;

		if (p->role == CFG_PORT_UNDERLAY)
			underlay = true;
		for (unsigned int j = 0; j < i; j++) {
			const struct cfg_port *q = &cfg->ports[j];

			if (strcmp(p->name, q->name) == 0) {
				snprintf(path, sizeof(path), "ports[%u].name", i);
				cfg_err_add(c->e, line_of(ent, "name"), path,
					    "duplicate port name \"%s\" (also ports[%u], line %d)",
					    p->name, j, q->line);
			}
			device_key(p->device, ka, sizeof(ka));
			device_key(q->device, kb, sizeof(kb));
			if (strcmp(ka, kb) == 0) {
				snprintf(path, sizeof(path), "ports[%u].device", i);
				cfg_err_add(c->e, line_of(ent, "device"), path,
					    "device %s is already used by port \"%s\" (ports[%u])",
					    ka, q->name, j);
			}
			if (prefixes_overlap(&p->address, &q->address)) {
				snprintf(path, sizeof(path), "ports[%u].address", i);
				cfg_err_add(c->e, line_of(ent, "address"), path,
					    "%s overlaps port \"%s\" (%s)",
					    prefix_str(&p->address, false, a, sizeof(a)), q->name,
					    prefix_str(&q->address, false, b, sizeof(b)));
			}
		}
		if (p->gateway == 0)
			continue;
		snprintf(path, sizeof(path), "ports[%u].gateway", i);
		if (p->gateway == p->address.addr)
			cfg_err_add(c->e, line_of(ent, "gateway"), path,
				    "%s is the port's own address", cfg_ipv4_str(p->gateway, a, sizeof(a)));
		else if (!in_prefix(p->gateway, &p->address))
			cfg_err_add(c->e, line_of(ent, "gateway"), path,
				    "%s is not inside the port's prefix %s%s",
				    cfg_ipv4_str(p->gateway, a, sizeof(a)),
				    prefix_str(&p->address, true, b, sizeof(b)),
				    p->address.len == 32 ? " (a /32 port has no gateway: use an "
							   "on-link underlay route)"
							 : "");
		else if ((what = special_addr(p->gateway, &p->address)) != NULL)
			cfg_err_add(c->e, line_of(ent, "gateway"), path,
				    "%s is the %s address of %s", cfg_ipv4_str(p->gateway, a, sizeof(a)),
				    what, prefix_str(&p->address, true, b, sizeof(b)));
	}
	if (cfg->n_ports > 0 && !underlay)
		cfg_err_add(c->e, line_of(list, NULL), "ports",
			    "no port has role \"underlay\": at least one is needed");
}

/* Index of the port whose address is ADDR, or -1. */
static int own_port_addr(const struct hub_cfg *cfg, uint32_t addr)
{
	for (unsigned int i = 0; i < cfg->n_ports; i++)
		if (cfg->ports[i].address.addr == addr)
			return (int)i;
	return -1;
}

static void check_underlay_routes(struct check *c)
{
	const config_setting_t *list = member(c->root, "underlay_routes");
	struct hub_cfg *cfg = c->cfg;
	char path[64], a[24], b[24];

	for (unsigned int i = 0; i < cfg->n_underlay_routes; i++) {
		struct cfg_underlay_route *r = &cfg->underlay_routes[i];
		const config_setting_t *ent = elem(list, i);
		int port = -1, own;
		const char *what;

		for (unsigned int j = 0; j < i; j++) {
			const struct cfg_underlay_route *q = &cfg->underlay_routes[j];

			if (q->prefix.addr == r->prefix.addr && q->prefix.len == r->prefix.len) {
				snprintf(path, sizeof(path), "underlay_routes[%u].prefix", i);
				cfg_err_add(c->e, line_of(ent, "prefix"), path,
					    "duplicate route %s (also underlay_routes[%u], line %d)",
					    prefix_str(&r->prefix, false, a, sizeof(a)), j, q->line);
			}
		}
		snprintf(path, sizeof(path), "underlay_routes[%u].port", i);
		if (r->port[0] != '\0') {
			port = cfg_port_index(cfg, r->port);
			if (port < 0) {
				cfg_err_add(c->e, line_of(ent, "port"), path, "no port named \"%s\"",
					    r->port);
				continue;
			}
			if (cfg->ports[port].role != CFG_PORT_UNDERLAY) {
				cfg_err_add(c->e, line_of(ent, "port"), path,
					    "port \"%s\" is a lan port; underlay routes leave through "
					    "an underlay port",
					    r->port);
				continue;
			}
		} else if (r->via == 0) {
			cfg_err_add(c->e, line_of(ent, NULL), path,
				    "missing: an on-link route (no via) needs a port");
			continue;
		}
		if (r->via == 0)
			continue;
		snprintf(path, sizeof(path), "underlay_routes[%u].via", i);
		own = own_port_addr(cfg, r->via);
		if (own >= 0) {
			cfg_err_add(c->e, line_of(ent, "via"), path,
				    "%s is the hub's own address (port \"%s\")",
				    cfg_ipv4_str(r->via, a, sizeof(a)), cfg->ports[own].name);
			continue;
		}
		if (port < 0) {
			for (unsigned int k = 0; k < cfg->n_ports; k++)
				if (cfg->ports[k].role == CFG_PORT_UNDERLAY &&
				    in_prefix(r->via, &cfg->ports[k].address))
					port = (int)k;
			if (port < 0) {
				cfg_err_add(c->e, line_of(ent, "via"), path,
					    "%s is not on-link on any underlay port",
					    cfg_ipv4_str(r->via, a, sizeof(a)));
				continue;
			}
		} else if (!in_prefix(r->via, &cfg->ports[port].address)) {
			cfg_err_add(c->e, line_of(ent, "via"), path,
				    "%s is not on-link on port \"%s\" (%s)",
				    cfg_ipv4_str(r->via, a, sizeof(a)), cfg->ports[port].name,
				    prefix_str(&cfg->ports[port].address, false, b, sizeof(b)));
			continue;
		}
		what = special_addr(r->via, &cfg->ports[port].address);
		if (what != NULL) {
			cfg_err_add(c->e, line_of(ent, "via"), path, "%s is the %s address of %s",
				    cfg_ipv4_str(r->via, a, sizeof(a)), what,
				    prefix_str(&cfg->ports[port].address, true, b, sizeof(b)));
			continue;
		}
		/* the egress port follows from the gateway when not given */
		snprintf(r->port, sizeof(r->port), "%s", cfg->ports[port].name);
	}
}

static void check_maps(struct check *c, unsigned int t, const config_setting_t *tun_ent)
{
	const struct cfg_tunnel *tun = &c->cfg->tunnels[t];
	const config_setting_t *nhrp = member(tun_ent, "nhrp");
	const config_setting_t *list = member(nhrp, "maps");
	char path[96], a[24], b[24];
	const char *what;
	int own;

	if (tun->nhrp.n_maps > tun->nhrp.max_peers) {
		snprintf(path, sizeof(path), "tunnels[%u].nhrp.max_peers", t);
		cfg_err_add(c->e, line_of(nhrp, "max_peers"), path,
			    "%u is less than the %u static maps", tun->nhrp.max_peers,
			    tun->nhrp.n_maps);
	}
	for (unsigned int i = 0; i < tun->nhrp.n_maps; i++) {
		const struct cfg_nhrp_map *m = &tun->nhrp.maps[i];
		const config_setting_t *ent = elem(list, i);

		snprintf(path, sizeof(path), "tunnels[%u].nhrp.maps[%u].tunnel", t, i);
		if (!in_prefix(m->tunnel_addr, &tun->address))
			cfg_err_add(c->e, line_of(ent, "tunnel"), path,
				    "%s is outside the tunnel subnet %s",
				    cfg_ipv4_str(m->tunnel_addr, a, sizeof(a)),
				    prefix_str(&tun->address, true, b, sizeof(b)));
		else if (m->tunnel_addr == tun->address.addr)
			cfg_err_add(c->e, line_of(ent, "tunnel"), path,
				    "%s is the hub's own tunnel address",
				    cfg_ipv4_str(m->tunnel_addr, a, sizeof(a)));
		else if ((what = special_addr(m->tunnel_addr, &tun->address)) != NULL)
			cfg_err_add(c->e, line_of(ent, "tunnel"), path, "%s is the %s address of %s",
				    cfg_ipv4_str(m->tunnel_addr, a, sizeof(a)), what,
				    prefix_str(&tun->address, true, b, sizeof(b)));
		for (unsigned int j = 0; j < i; j++) {
			if (tun->nhrp.maps[j].tunnel_addr == m->tunnel_addr)
				cfg_err_add(c->e, line_of(ent, "tunnel"), path,
					    "duplicate map for %s (also maps[%u], line %d)",
					    cfg_ipv4_str(m->tunnel_addr, a, sizeof(a)), j,
					    tun->nhrp.maps[j].line);
		}
		own = own_port_addr(c->cfg, m->nbma_addr);
		if (own >= 0) {
			snprintf(path, sizeof(path), "tunnels[%u].nhrp.maps[%u].nbma", t, i);
			cfg_err_add(c->e, line_of(ent, "nbma"), path,
				    "%s is the hub's own address (port \"%s\")",
				    cfg_ipv4_str(m->nbma_addr, a, sizeof(a)), c->cfg->ports[own].name);
		}
	}
}

static void check_tunnels(struct check *c)
{
	const config_setting_t *list = member(c->root, "tunnels");
	const struct hub_cfg *cfg = c->cfg;
	char path[64], a[24], b[24];

	for (unsigned int i = 0; i < cfg->n_tunnels; i++) {
		const struct cfg_tunnel *t = &cfg->tunnels[i];
		const config_setting_t *ent = elem(list, i);
		const struct cfg_port *src;
		int port;

		snprintf(path, sizeof(path), "tunnels[%u].name", i);
		for (unsigned int j = 0; j < i; j++)
			if (strcmp(t->name, cfg->tunnels[j].name) == 0)
				cfg_err_add(c->e, line_of(ent, "name"), path,
					    "duplicate tunnel name \"%s\" (also tunnels[%u], line %d)",
					    t->name, j, cfg->tunnels[j].line);
		port = cfg_port_index(cfg, t->name);
		if (port >= 0)
			cfg_err_add(c->e, line_of(ent, "name"), path,
				    "\"%s\" is already the name of a port (ports[%d])", t->name, port);

		snprintf(path, sizeof(path), "tunnels[%u].address", i);
		for (unsigned int j = 0; j < i; j++)
			if (prefixes_overlap(&t->address, &cfg->tunnels[j].address))
				cfg_err_add(c->e, line_of(ent, "address"), path,
					    "subnet %s overlaps tunnel \"%s\" (%s)",
					    prefix_str(&t->address, true, a, sizeof(a)),
					    cfg->tunnels[j].name,
					    prefix_str(&cfg->tunnels[j].address, true, b, sizeof(b)));
		for (unsigned int j = 0; j < cfg->n_ports; j++)
			if (prefixes_overlap(&t->address, &cfg->ports[j].address))
				cfg_err_add(c->e, line_of(ent, "address"), path,
					    "subnet %s overlaps port \"%s\" (%s)",
					    prefix_str(&t->address, true, a, sizeof(a)),
					    cfg->ports[j].name,
					    prefix_str(&cfg->ports[j].address, false, b, sizeof(b)));

		snprintf(path, sizeof(path), "tunnels[%u].source", i);
		src = cfg_port_by_name(cfg, t->source);
		if (src == NULL) {
			cfg_err_add(c->e, line_of(ent, "source"), path, "no port named \"%s\"",
				    t->source);
		} else if (src->role != CFG_PORT_UNDERLAY) {
			cfg_err_add(c->e, line_of(ent, "source"), path,
				    "port \"%s\" is a lan port; a tunnel rides on an underlay port",
				    t->source);
		} else {
			/* outer IPv4 header 20 + GRE 4, + 4 for the key (RFC 2890) */
			unsigned int overhead = 24 + (t->has_key ? 4 : 0);

			if (t->mtu + overhead > src->mtu) {
				snprintf(path, sizeof(path), "tunnels[%u].mtu", i);
				cfg_err_add(c->e, line_of(ent, "mtu"), path,
					    "%u is more than port \"%s\" mtu %u minus %u bytes of "
					    "IPv4 and GRE%s headers (%u)",
					    t->mtu, src->name, src->mtu, overhead,
					    t->has_key ? " with key" : "", src->mtu - overhead);
			}
		}
		/* IPv4 20 + TCP 20 */
		if (t->tcp_mss != 0 && t->tcp_mss + 40 > t->mtu) {
			snprintf(path, sizeof(path), "tunnels[%u].tcp_mss", i);
			cfg_err_add(c->e, line_of(ent, "tcp_mss"), path,
				    "%u is more than the tunnel mtu %u minus 40 (%u)", t->tcp_mss,
				    t->mtu, t->mtu - 40);
		}
		check_maps(c, i, ent);
	}
}

static void check_routes(struct check *c)
{
	const config_setting_t *list = member(c->root, "routes");
	const struct hub_cfg *cfg = c->cfg;
	char path[64], a[24], b[24];

	for (unsigned int i = 0; i < cfg->n_routes; i++) {
		const struct cfg_route *r = &cfg->routes[i];
		const config_setting_t *ent = elem(list, i);
		const char *problem = NULL, *what;
		bool reachable = false;

		for (unsigned int j = 0; j < i; j++) {
			const struct cfg_route *q = &cfg->routes[j];

			if (q->prefix.addr == r->prefix.addr && q->prefix.len == r->prefix.len) {
				snprintf(path, sizeof(path), "routes[%u].prefix", i);
				cfg_err_add(c->e, line_of(ent, "prefix"), path,
					    "duplicate route %s (also routes[%u], line %d)",
					    prefix_str(&r->prefix, false, a, sizeof(a)), j, q->line);
			}
		}
		snprintf(path, sizeof(path), "routes[%u].via", i);
		cfg_ipv4_str(r->via, a, sizeof(a));
		for (unsigned int j = 0; j < cfg->n_tunnels && !reachable && !problem; j++) {
			const struct cfg_tunnel *t = &cfg->tunnels[j];

			if (!in_prefix(r->via, &t->address))
				continue;
			if (r->via == t->address.addr)
				problem = "is the hub's own address on tunnel";
			else if ((what = special_addr(r->via, &t->address)) != NULL)
				problem = what[0] == 'n' ? "is the network address of tunnel"
							 : "is the broadcast address of tunnel";
			else
				reachable = true;
			if (problem)
				cfg_err_add(c->e, line_of(ent, "via"), path, "%s %s \"%s\" (%s)", a,
					    problem, t->name,
					    prefix_str(&t->address, true, b, sizeof(b)));
		}
		for (unsigned int j = 0; j < cfg->n_ports && !reachable && !problem; j++) {
			const struct cfg_port *p = &cfg->ports[j];

			if (!in_prefix(r->via, &p->address))
				continue;
			if (p->role != CFG_PORT_LAN)
				problem = "is on underlay port";
			else if (r->via == p->address.addr)
				problem = "is the hub's own address on port";
			else if ((what = special_addr(r->via, &p->address)) != NULL)
				problem = what[0] == 'n' ? "is the network address of port"
							 : "is the broadcast address of port";
			else
				reachable = true;
			if (problem)
				cfg_err_add(c->e, line_of(ent, "via"), path, "%s %s \"%s\" (%s)%s", a,
					    problem, p->name,
					    prefix_str(&p->address, true, b, sizeof(b)),
					    p->role != CFG_PORT_LAN
						    ? ": inner routes go via a tunnel peer or a lan "
						      "gateway"
						    : "");
		}
		if (!reachable && !problem)
			cfg_err_add(c->e, line_of(ent, "via"), path,
				    "%s is not inside any tunnel subnet or lan port subnet", a);
	}
}

static void check_workers(struct check *c)
{
	const config_setting_t *arr = member(member(c->root, "lcores"), "workers");
	const struct hub_cfg *cfg = c->cfg;
	char path[64];

	for (unsigned int i = 0; i < cfg->n_workers; i++)
		for (unsigned int j = 0; j < i; j++)
			if (cfg->workers[i] == cfg->workers[j]) {
				snprintf(path, sizeof(path), "lcores.workers[%u]", i);
				cfg_err_add(c->e, line_of(elem(arr, i), NULL), path,
					    "lcore %u is listed twice (also lcores.workers[%u])",
					    cfg->workers[i], j);
			}
}

static void check_cli(struct check *c)
{
	const config_setting_t *cli = member(c->root, "cli");
	const struct hub_cfg *cfg = c->cfg;
	char a[24];

	/* anyone who reaches a non-loopback address could otherwise drive the hub */
	if (cfg->cli_port != 0 && (ntohl(cfg->cli_listen) >> 24) != 127 &&
	    cfg->cli_password[0] == '\0')
		cfg_err_add(c->e, line_of(cli, member(cli, "password") ? "password" : "listen"),
			    "cli.password",
			    "a CLI listening on %s (not loopback) needs a password",
			    cfg_ipv4_str(cfg->cli_listen, a, sizeof(a)));
}

static void check_log(struct check *c)
{
	const config_setting_t *list = member(member(c->root, "log"), "types");
	const struct hub_cfg *cfg = c->cfg;
	char path[64];

	for (unsigned int i = 0; i < cfg->n_log_types; i++)
		for (unsigned int j = 0; j < i; j++)
			if (strcmp(cfg->log_types[i].name, cfg->log_types[j].name) == 0) {
				snprintf(path, sizeof(path), "log.types[%u].name", i);
				cfg_err_add(c->e, line_of(elem(list, i), "name"), path,
					    "log type \"%s\" is listed twice (also log.types[%u])",
					    cfg->log_types[i].name, j);
			}
}

/* One hex key of an SA: present, hex, and as long as the algorithm takes. */
static void check_hexkey(struct check *c, const config_setting_t *ent, const char *key,
			 const char *val, unsigned int want, const char *what, unsigned int i)
{
	uint8_t buf[ESP_KEY_MAX + ESP_SALT_LEN];
	char path[64];
	int n;

	snprintf(path, sizeof(path), "crypto.sas[%u].%s", i, key);
	if (val[0] == '\0') {
		cfg_err_add(c->e, line_of(ent, NULL), path, "missing: %s takes a %u-byte key", what,
			    want);
		return;
	}
	n = esp_hex_parse(val, buf, sizeof(buf));
	if (n < 0)
		cfg_err_add(c->e, line_of(ent, key), path, "not a hex key (\"0x\" and pairs of digits)");
	else if ((unsigned int)n != want)
		cfg_err_add(c->e, line_of(ent, key), path, "%d bytes; %s takes %u", n, what, want);
}

static void check_crypto(struct check *c)
{
	const config_setting_t *cr = member(c->root, "crypto");
	const config_setting_t *plist = member(cr, "profiles"), *slist = member(cr, "sas");
	const struct cfg_crypto *k = &c->cfg->crypto;
	char path[64], a[16];

	for (unsigned int i = 0; i < k->n_profiles; i++) {
		const struct cfg_ipsec_profile *p = &k->profiles[i];
		const config_setting_t *ent = elem(plist, i);

		for (unsigned int j = 0; j < i; j++)
			if (strcmp(p->name, k->profiles[j].name) == 0) {
				snprintf(path, sizeof(path), "crypto.profiles[%u].name", i);
				cfg_err_add(c->e, line_of(ent, "name"), path,
					    "duplicate profile name \"%s\"", p->name);
			}
		snprintf(path, sizeof(path), "crypto.profiles[%u]", i);
		if (esp_cipher_is_aead((unsigned int)p->cipher) != (p->integrity == ESP_INTEG_NONE))
			cfg_err_add(c->e, line_of(ent, "integrity"), path,
				    "%s", esp_cipher_is_aead((unsigned int)p->cipher)
						  ? "AES-GCM carries its own integrity: integrity must be none"
						  : "AES-CBC needs an integrity algorithm");
		if (p->esn && p->replay_window == 0)
			cfg_err_add(c->e, line_of(ent, "esn"), path, "ESN needs a replay window");
	}
	if ((uint64_t)k->n_sas * 2 > k->max_sas)
		cfg_err_add(c->e, line_of(cr, "max_sas"), "crypto.max_sas",
			    "%u SAs configured (two per entry) but max_sas is %u", k->n_sas * 2,
			    k->max_sas);
	for (unsigned int i = 0; i < k->n_sas; i++) {
		const struct cfg_ipsec_sa *s = &k->sas[i];
		const config_setting_t *ent = elem(slist, i);
		unsigned int klen;

		snprintf(path, sizeof(path), "crypto.sas[%u]", i);
		for (unsigned int j = 0; j < i; j++) {
			/* Spokes behind one NAT share its address: their NAT-T SAs are told
			 * apart by the port (learned, or pinned to different ones). */
			if (s->peer == k->sas[j].peer &&
			    (!(s->natt || s->natt_port) || !(k->sas[j].natt || k->sas[j].natt_port) ||
			     (s->natt_port != 0 && s->natt_port == k->sas[j].natt_port)))
				cfg_err_add(c->e, line_of(ent, "peer"), path,
					    "peer %s already has SAs (crypto.sas[%u])%s",
					    cfg_ipv4_str(s->peer, a, sizeof(a)), j,
					    s->natt || s->natt_port
						    ? ": spokes behind one NAT need natt on both and "
						      "different natt_port values, or learned ones"
						    : "");
			if (s->spi_in == k->sas[j].spi_in)
				cfg_err_add(c->e, line_of(ent, "spi_in"), path,
					    "inbound SPI 0x%x is already crypto.sas[%u]'s", s->spi_in,
					    j);
		}
		if (s->profile[0] != '\0') {
			unsigned int j;

			for (j = 0; j < k->n_profiles; j++)
				if (strcmp(s->profile, k->profiles[j].name) == 0)
					break;
			if (j == k->n_profiles)
				cfg_err_add(c->e, line_of(ent, "profile"), path,
					    "no profile named \"%s\"", s->profile);
			if (s->key_in[0] || s->key_out[0] || s->auth_in[0] || s->auth_out[0] ||
			    s->cipher != ESP_CIPHER_NONE || s->integrity != ESP_INTEG_NONE)
				cfg_err_add(c->e, line_of(ent, "profile"), path,
					    "algorithms and keys come from the profile: give either a "
					    "profile or a cipher and keys");
			continue;
		}
		if (s->cipher == ESP_CIPHER_NONE) {
			cfg_err_add(c->e, line_of(ent, NULL), path, "needs a profile or a cipher");
			continue;
		}
		if (esp_cipher_is_aead((unsigned int)s->cipher) != (s->integrity == ESP_INTEG_NONE))
			cfg_err_add(c->e, line_of(ent, "integrity"), path,
				    "%s", esp_cipher_is_aead((unsigned int)s->cipher)
						  ? "AES-GCM carries its own integrity: integrity must be none"
						  : "AES-CBC needs an integrity algorithm");
		if (s->esn && s->replay_window == 0)
			cfg_err_add(c->e, line_of(ent, "esn"), path, "ESN needs a replay window");
		klen = esp_cipher_key_len((unsigned int)s->cipher) +
		       (esp_cipher_is_aead((unsigned int)s->cipher) ? ESP_SALT_LEN : 0);
		check_hexkey(c, ent, "key_in", s->key_in, klen, esp_cipher_name((unsigned int)s->cipher), i);
		check_hexkey(c, ent, "key_out", s->key_out, klen, esp_cipher_name((unsigned int)s->cipher), i);
		klen = esp_integ_key_len((unsigned int)s->integrity);
		if (klen > 0) {
			check_hexkey(c, ent, "auth_in", s->auth_in, klen,
				     esp_integ_name((unsigned int)s->integrity), i);
			check_hexkey(c, ent, "auth_out", s->auth_out, klen,
				     esp_integ_name((unsigned int)s->integrity), i);
		} else if (s->auth_in[0] || s->auth_out[0]) {
			cfg_err_add(c->e, line_of(ent, s->auth_in[0] ? "auth_in" : "auth_out"), path,
				    "integrity is none: no auth keys");
		}
	}
}

static void cfg_check(struct cfg_errbuf *e, const config_setting_t *root, struct hub_cfg *cfg)
{
	struct check c = {.e = e, .root = root, .cfg = cfg};

	check_ports(&c);
	check_underlay_routes(&c);
	check_tunnels(&c);
	check_routes(&c);
	check_workers(&c);
	check_cli(&c);
	check_log(&c);
	check_crypto(&c);
}

/* ---------------------------------------------------------------------------------------- */
/* Loading */

struct hub_cfg *cfg_load_string(const char *text, const char *name, char *err, size_t errlen)
{
	struct cfg_errbuf e = {.file = name != NULL ? name : "<string>", .buf = err, .len = errlen};
	struct literals lits = {0};
	struct hub_cfg *cfg = NULL;
	config_t lc;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (text == NULL) {
		cfg_err_add(&e, 1, NULL, "no configuration text");
		errno = EINVAL;
		return NULL;
	}
	/*
	 * Before libconfig sees the text: it must never open an @include'd file (libconfig 1.5's
	 * scanner calls exit() when reading one fails, e.g. for a directory).
	 */
	if (scan_literals(&e, text, &lits) < 0) {
		free(lits.v);
		errno = EINVAL;
		return NULL;
	}
	config_init(&lc);
	if (config_read_string(&lc, text) != CONFIG_TRUE) {
		const char *why = config_error_text(&lc) ? config_error_text(&lc) : "syntax error";

		cfg_err_add(&e, (unsigned int)config_error_line(&lc), NULL, "%s", why);
		errno = EINVAL;
		goto out;
	}
	if (literals_attach(config_root_setting(&lc), &lits) < 0 || lits.next != lits.n) {
		cfg_err_add(&e, 1, NULL, "cannot match the integers of the file to its settings");
		errno = EINVAL;
		goto out;
	}
	cfg = calloc(1, sizeof(*cfg));
	if (cfg == NULL) {
		cfg_err_add(&e, 1, NULL, "out of memory");
		errno = ENOMEM;
		goto out;
	}
	cfg_schema_fill(&e, config_root_setting(&lc), cfg);
	/* the cross-setting rules assume every single setting is sound */
	if (!e.set)
		cfg_check(&e, config_root_setting(&lc), cfg);
	if (e.set) {
		cfg_free(cfg);
		cfg = NULL;
		errno = EINVAL;
		goto out;
	}
	snprintf(cfg->source, sizeof(cfg->source), "%s", e.file);
out:
	config_destroy(&lc);
	free(lits.v);
	return cfg;
}

static void load_error(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void load_error(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* The whole of FILE, NUL-terminated; NULL with errno and a message on failure. */
static char *read_file(const char *file, char *err, size_t errlen)
{
	size_t len = 0, cap = 0, n;
	char *text = NULL, *t;
	FILE *f;
	int e;

	f = fopen(file, "rb");
	if (f == NULL) {
		e = errno;
		load_error(err, errlen, "%s: cannot open: %s", file, strerror(e));
		errno = e;
		return NULL;
	}
	for (;;) {
		if (len == cap) {
			if (cap > CFG_FILE_MAX) {
				load_error(err, errlen, "%s: larger than %u MiB: not a configuration",
					   file, CFG_FILE_MAX >> 20);
				e = EFBIG;
				goto fail;
			}
			cap = cap ? cap * 2 : 16384;
			if (cap > CFG_FILE_MAX + 1)
				cap = CFG_FILE_MAX + 1;
			t = realloc(text, cap + 1);
			if (t == NULL) {
				load_error(err, errlen, "%s: out of memory", file);
				e = ENOMEM;
				goto fail;
			}
			text = t;
		}
		n = fread(text + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		load_error(err, errlen, "%s: read error", file);
		e = EIO;
		goto fail;
	}
	fclose(f);
	if (text == NULL) /* an empty file */
		text = calloc(1, 1);
	else
		text[len] = '\0';
	if (text == NULL) {
		load_error(err, errlen, "%s: out of memory", file);
		errno = ENOMEM;
		return NULL;
	}
	/* libconfig would stop at a NUL and read a truncated file as a whole one */
	if (memchr(text, '\0', len) != NULL) {
		unsigned int line = 1;

		for (const char *p = text; *p != '\0'; p++)
			line += *p == '\n';
		load_error(err, errlen, "%s:%u: NUL byte: not a text file", file, line);
		free(text);
		errno = EINVAL;
		return NULL;
	}
	return text;
fail:
	fclose(f);
	free(text);
	errno = e;
	return NULL;
}

struct hub_cfg *cfg_load(const char *file, char *err, size_t errlen)
{
	struct hub_cfg *cfg;
	char *text;
	int e;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	text = read_file(file, err, errlen);
	if (text == NULL)
		return NULL;
	cfg = cfg_load_string(text, file, err, errlen);
	e = errno;
	free(text);
	errno = e;
	return cfg;
}

void cfg_free(struct hub_cfg *cfg)
{
	if (cfg == NULL)
		return;
	cfg_schema_release(cfg);
	free(cfg);
}

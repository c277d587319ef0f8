/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The canonical form of a configuration: every key in schema order, defaults written out,
 * no comments. cfg_load_string() reads it back to a struct that cfg_equal() finds equal.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "lib/cfg.h"
#include "lib/cfg_schema.h"

static void indent(FILE *out, int depth)
{
	for (int i = 0; i < depth; i++)
		fputc('\t', out);
}

/* A libconfig string literal. */
static void print_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '"':
			fputs("\\\"", out);
			break;
		case '\\':
			fputs("\\\\", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		case '\r':
			fputs("\\r", out);
			break;
		case '\f':
			fputs("\\f", out);
			break;
		default:
			if (c < 0x20 || c >= 0x7f)
				fprintf(out, "\\x%02x", c);
			else
				fputc(c, out);
		}
	}
	fputc('"', out);
}

static int64_t load_int(const void *p, enum cfg_ctype ct)
{
	switch (ct) {
	case CFG_CT_BOOL:
		return *(const bool *)p;
	case CFG_CT_U16:
		return *(const uint16_t *)p;
	case CFG_CT_U32:
	case CFG_CT_IPV4:
		return *(const uint32_t *)p;
	case CFG_CT_UINT:
		return *(const unsigned int *)p;
	case CFG_CT_INT:
		return *(const int *)p;
	case CFG_CT_NONE:
	case CFG_CT_STR:
	case CFG_CT_PREFIX:
		break;
	}
	return 0;
}

/* An optional key with nothing configured is left out. */
static bool key_absent(const struct cfg_key *k, const void *base)
{
	const char *field = (const char *)base + k->off;

	if (!(k->flags & CFG_KEY_OPTIONAL))
		return false;
	if (k->flags & CFG_KEY_HAS_FLAG)
		return !*(const bool *)((const char *)base + k->has_off);
	if (k->ctype == CFG_CT_STR)
		return field[0] == '\0';
	return load_int(field, k->ctype) == 0;
}

static void print_group(FILE *out, const struct cfg_section *sec, const void *base, int depth);

static void print_value(FILE *out, const struct cfg_key *k, const void *base, int depth)
{
	const char *field = (const char *)base + k->off;
	char a[16];

	switch (k->ltype) {
	case CFG_LT_INT:
		fprintf(out, "%" PRId64 ";\n", load_int(field, k->ctype));
		return;
	case CFG_LT_BOOL:
		fprintf(out, "%s;\n", *(const bool *)field ? "true" : "false");
		return;
	case CFG_LT_STRING:
		if (k->fmt == CFG_FMT_WORDS) {
			const char *w = cfg_word_name(k->words, (int)load_int(field, k->ctype));

			/* a value no keyword stands for cannot be written as one: the number
			 * makes the reader fail loudly instead of picking a wrong keyword */
			if (w != NULL)
				fprintf(out, "\"%s\";\n", w);
			else
				fprintf(out, "%" PRId64 ";\n", load_int(field, k->ctype));
		} else if (k->ctype == CFG_CT_PREFIX) {
			const struct cfg_prefix *p = (const struct cfg_prefix *)field;

			fprintf(out, "\"%s/%u\";\n", cfg_ipv4_str(p->addr, a, sizeof(a)), p->len);
		} else if (k->ctype == CFG_CT_IPV4) {
			fprintf(out, "\"%s\";\n",
				cfg_ipv4_str(*(const uint32_t *)field, a, sizeof(a)));
		} else {
			print_string(out, field);
			fputs(";\n", out);
		}
		return;
	case CFG_LT_GROUP:
		fputs("{\n", out);
		print_group(out, k->sub, field, depth + 1);
		indent(out, depth);
		fputs("};\n", out);
		return;
	case CFG_LT_LIST: {
		unsigned int n = *(const unsigned int *)((const char *)base + k->cnt_off);
		const char *arr = (k->flags & CFG_KEY_DYNAMIC) ? *(char *const *)field : field;

		if (n == 0 || arr == NULL) {
			fputs("( );\n", out);
			return;
		}
		fputs("(\n", out);
		for (unsigned int i = 0; i < n; i++) {
			indent(out, depth + 1);
			fputs("{\n", out);
			print_group(out, k->sub, arr + (size_t)i * k->size, depth + 2);
			indent(out, depth + 1);
			fputs(i + 1 < n ? "},\n" : "}\n", out);
		}
		indent(out, depth);
		fputs(");\n", out);
		return;
	}
	case CFG_LT_ARRAY: {
		unsigned int n = *(const unsigned int *)((const char *)base + k->cnt_off);
		const unsigned int *v = (const unsigned int *)field;

		fputs("[", out);
		for (unsigned int i = 0; i < n; i++)
			fprintf(out, "%s %u", i ? "," : "", v[i]);
		fputs(" ];\n", out);
		return;
	}
	}
}

static void print_group(FILE *out, const struct cfg_section *sec, const void *base, int depth)
{
	for (unsigned int i = 0; i < sec->n_keys; i++) {
		const struct cfg_key *k = &sec->keys[i];

		if (key_absent(k, base))
			continue;
		/* a blank line between the top-level sections */
		if (depth == 0 && i > 0)
			fputc('\n', out);
		indent(out, depth);
		fprintf(out, "%s = ", k->name);
		print_value(out, k, base, depth);
	}
}

int cfg_print(const struct hub_cfg *cfg, FILE *out)
{
	print_group(out, &cfg_schema_root, cfg, 0);
	if (fflush(out) != 0 || ferror(out))
		return -EIO;
	return 0;
}

/*
 * Field by field, written out rather than driven by the schema, so that a field the schema
 * forgets shows up as a round-trip failure in the tests.
 */
static bool prefix_eq(const struct cfg_prefix *a, const struct cfg_prefix *b)
{
	return a->addr == b->addr && a->len == b->len;
}

static bool nhrp_eq(const struct cfg_nhrp *a, const struct cfg_nhrp *b)
{
	if (a->network_id != b->network_id || a->holdtime != b->holdtime ||
	    strcmp(a->auth, b->auth) != 0 || a->redirect != b->redirect ||
	    a->map_multicast_dynamic != b->map_multicast_dynamic ||
	    a->resolution_forward != b->resolution_forward || a->max_peers != b->max_peers ||
	    a->n_maps != b->n_maps)
		return false;
	for (unsigned int i = 0; i < a->n_maps; i++)
		if (a->maps[i].tunnel_addr != b->maps[i].tunnel_addr ||
		    a->maps[i].nbma_addr != b->maps[i].nbma_addr ||
		    a->maps[i].multicast != b->maps[i].multicast)
			return false;
	return true;
}

int cfg_equal(const struct hub_cfg *a, const struct hub_cfg *b)
{
	if (a->n_ports != b->n_ports || a->n_underlay_routes != b->n_underlay_routes ||
	    a->n_tunnels != b->n_tunnels || a->n_routes != b->n_routes ||
	    a->n_workers != b->n_workers || a->n_log_types != b->n_log_types)
		return 0;
	for (unsigned int i = 0; i < a->n_ports; i++) {
		const struct cfg_port *p = &a->ports[i], *q = &b->ports[i];

		if (strcmp(p->name, q->name) != 0 || strcmp(p->device, q->device) != 0 ||
		    p->role != q->role || !prefix_eq(&p->address, &q->address) ||
		    p->gateway != q->gateway || p->mtu != q->mtu || p->rx_ring != q->rx_ring ||
		    p->tx_ring != q->tx_ring)
			return 0;
	}
	for (unsigned int i = 0; i < a->n_underlay_routes; i++) {
		const struct cfg_underlay_route *p = &a->underlay_routes[i];
		const struct cfg_underlay_route *q = &b->underlay_routes[i];

		if (!prefix_eq(&p->prefix, &q->prefix) || p->via != q->via ||
		    strcmp(p->port, q->port) != 0)
			return 0;
	}
	for (unsigned int i = 0; i < a->n_tunnels; i++) {
		const struct cfg_tunnel *p = &a->tunnels[i], *q = &b->tunnels[i];

		if (strcmp(p->name, q->name) != 0 || !prefix_eq(&p->address, &q->address) ||
		    strcmp(p->source, q->source) != 0 || p->has_key != q->has_key ||
		    (p->has_key && p->key != q->key) || p->mtu != q->mtu ||
		    p->tcp_mss != q->tcp_mss || !nhrp_eq(&p->nhrp, &q->nhrp) ||
		    strcmp(p->exception_if, q->exception_if) != 0)
			return 0;
	}
	for (unsigned int i = 0; i < a->n_routes; i++)
		if (!prefix_eq(&a->routes[i].prefix, &b->routes[i].prefix) ||
		    a->routes[i].via != b->routes[i].via)
			return 0;
	for (unsigned int i = 0; i < a->n_workers; i++)
		if (a->workers[i] != b->workers[i])
			return 0;
	if (a->mbufs != b->mbufs || a->mbuf_cache != b->mbuf_cache || a->ring_size != b->ring_size)
		return 0;
	if (a->cli_listen != b->cli_listen || a->cli_port != b->cli_port ||
	    strcmp(a->cli_password, b->cli_password) != 0 ||
	    a->cli_idle_timeout != b->cli_idle_timeout)
		return 0;
	if (a->log_level != b->log_level)
		return 0;
	if (a->arp_table_size != b->arp_table_size)
		return 0;
	if (a->fpm_enabled != b->fpm_enabled || a->fpm_listen != b->fpm_listen ||
	    a->fpm_port != b->fpm_port || a->fpm_stale_time != b->fpm_stale_time)
		return 0;
	if (a->control_idle_sleep_us != b->control_idle_sleep_us)
		return 0;
	for (unsigned int i = 0; i < a->n_log_types; i++)
		if (strcmp(a->log_types[i].name, b->log_types[i].name) != 0 ||
		    a->log_types[i].level != b->log_types[i].level)
			return 0;
	return 1;
}

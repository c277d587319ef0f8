/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The running configuration: the file the hub started with, plus the changes made since
 * with `ip nhrp map` and `ip route` (and their `no` forms).
 *
 * The loaded struct hub_cfg is never modified (other modules keep pointers into it);
 * the CLI records each change here, and show running-config prints a copy of the
 * configuration with the changes applied through the canonical printer, so what it shows
 * is a file the hub would load. The CLI password is printed as "<hidden>".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "control/cli_priv.h"

struct rc_map {
	uint32_t tunnel_addr;
	uint32_t nbma_addr;
	uint8_t tunnel;
	bool del;
};

struct rc_route {
	uint32_t prefix;
	uint32_t via;
	uint8_t len;
	bool del;
};

struct cli_runcfg {
	struct rc_map *maps;
	size_t n_maps, cap_maps;
	struct rc_route *routes;
	size_t n_routes, cap_routes;
};

static struct cli_runcfg *runcfg(struct cli_server *srv)
{
	if (srv->runcfg == NULL)
		srv->runcfg = calloc(1, sizeof(*srv->runcfg));
	return srv->runcfg;
}

static int grow(void **arr, size_t *cap, size_t n, size_t elt)
{
	void *p;
	size_t c;

	if (n < *cap)
		return 0;
	c = *cap ? *cap * 2 : 16;
	p = realloc(*arr, c * elt);
	if (p == NULL)
		return -ENOMEM;
	*arr = p;
	*cap = c;
	return 0;
}

int cli_runcfg_map(struct cli_server *srv, unsigned int tunnel, uint32_t tunnel_addr,
		   uint32_t nbma_addr, bool del)
{
	struct cli_runcfg *rc = runcfg(srv);
	size_t i;

	if (rc == NULL)
		return -ENOMEM;
	for (i = 0; i < rc->n_maps && rc->maps[i].tunnel_addr != tunnel_addr; i++)
		;
	if (i == rc->n_maps) {
		if (grow((void **)&rc->maps, &rc->cap_maps, rc->n_maps, sizeof(*rc->maps)) < 0)
			return -ENOMEM;
		rc->n_maps++;
	}
	rc->maps[i] = (struct rc_map){.tunnel_addr = tunnel_addr, .nbma_addr = nbma_addr,
				      .tunnel = (uint8_t)tunnel, .del = del};
	return 0;
}

int cli_runcfg_route(struct cli_server *srv, uint32_t prefix, uint8_t len, uint32_t via,
		     bool del)
{
	struct cli_runcfg *rc = runcfg(srv);
	size_t i;

	if (rc == NULL)
		return -ENOMEM;
	for (i = 0; i < rc->n_routes &&
		    (rc->routes[i].prefix != prefix || rc->routes[i].len != len); i++)
		;
	if (i == rc->n_routes) {
		if (grow((void **)&rc->routes, &rc->cap_routes, rc->n_routes, sizeof(*rc->routes)) < 0)
			return -ENOMEM;
		rc->n_routes++;
	}
	rc->routes[i] = (struct rc_route){.prefix = prefix, .len = len, .via = via, .del = del};
	return 0;
}

void cli_runcfg_free(struct cli_server *srv)
{
	if (srv->runcfg == NULL)
		return;
	free(srv->runcfg->maps);
	free(srv->runcfg->routes);
	free(srv->runcfg);
	srv->runcfg = NULL;
}

static const struct rc_map *map_change(const struct cli_runcfg *rc, uint32_t tunnel_addr)
{
	size_t i;

	for (i = 0; rc != NULL && i < rc->n_maps; i++)
		if (rc->maps[i].tunnel_addr == tunnel_addr)
			return &rc->maps[i];
	return NULL;
}

static const struct rc_route *route_change(const struct cli_runcfg *rc, uint32_t prefix,
					   uint8_t len)
{
	size_t i;

	for (i = 0; rc != NULL && i < rc->n_routes; i++)
		if (rc->routes[i].prefix == prefix && rc->routes[i].len == len)
			return &rc->routes[i];
	return NULL;
}

int cli_runcfg_print(const struct cli_server *srv, FILE *out)
{
	const struct hub_cfg *cfg = srv->ctl->cfg;
	const struct cli_runcfg *rc = srv->runcfg;
	size_t extra_maps = rc != NULL ? rc->n_maps : 0, extra_routes = rc != NULL ? rc->n_routes : 0;
	struct cfg_nhrp_map *maps[CFG_MAX_TUNNELS] = {NULL};
	struct cfg_route *routes = NULL;
	struct cfg_ipsec_sa *sas = NULL;
	struct hub_cfg *copy = malloc(sizeof(*copy));
	unsigned int t, i, n;
	size_t k;
	int ret = -ENOMEM;

	if (copy == NULL)
		return -ENOMEM;
	memcpy(copy, cfg, sizeof(*copy));
	if (copy->cli_password[0] != '\0')
		snprintf(copy->cli_password, sizeof(copy->cli_password), "<hidden>");
	/* ESP keys and profile secrets are not shown either (docs/esp.md). */
	sas = calloc(cfg->crypto.n_sas + 1, sizeof(*sas));
	if (sas == NULL)
		goto out;
	for (i = 0; i < cfg->crypto.n_sas; i++) {
		sas[i] = cfg->crypto.sas[i];
		if (sas[i].key_in[0] != '\0')
			strcpy(sas[i].key_in, "<hidden>");
		if (sas[i].key_out[0] != '\0')
			strcpy(sas[i].key_out, "<hidden>");
		if (sas[i].auth_in[0] != '\0')
			strcpy(sas[i].auth_in, "<hidden>");
		if (sas[i].auth_out[0] != '\0')
			strcpy(sas[i].auth_out, "<hidden>");
	}
	copy->crypto.sas = sas;
	for (i = 0; i < copy->crypto.n_profiles; i++)
		strcpy(copy->crypto.profiles[i].secret, "<hidden>");
	for (t = 0; t < cfg->n_tunnels; t++) {
		const struct cfg_nhrp *nh = &cfg->tunnels[t].nhrp;

		maps[t] = calloc(nh->n_maps + extra_maps + 1, sizeof(*maps[t]));
		if (maps[t] == NULL)
			goto out;
		n = 0;
		/* Configured maps keep their place unless changed or removed at run time. */
		for (i = 0; i < nh->n_maps; i++) {
			const struct rc_map *c = map_change(rc, nh->maps[i].tunnel_addr);

			if (c == NULL)
				maps[t][n++] = nh->maps[i];
		}
		for (k = 0; k < extra_maps; k++) {
			const struct rc_map *c = &rc->maps[k];

			if (!c->del && c->tunnel == t)
				maps[t][n++] = (struct cfg_nhrp_map){.tunnel_addr = c->tunnel_addr,
								     .nbma_addr = c->nbma_addr};
		}
		copy->tunnels[t].nhrp.maps = maps[t];
		copy->tunnels[t].nhrp.n_maps = n;
	}
	routes = calloc(cfg->n_routes + extra_routes + 1, sizeof(*routes));
	if (routes == NULL)
		goto out;
	n = 0;
	for (i = 0; i < cfg->n_routes; i++)
		if (route_change(rc, cfg->routes[i].prefix.addr, cfg->routes[i].prefix.len) == NULL)
			routes[n++] = cfg->routes[i];
	for (k = 0; k < extra_routes; k++) {
		const struct rc_route *c = &rc->routes[k];

		if (!c->del)
			routes[n++] = (struct cfg_route){.prefix = {.addr = c->prefix, .len = c->len},
							 .via = c->via};
	}
	copy->routes = routes;
	copy->n_routes = n;
	ret = cfg_print(copy, out) < 0 ? -EIO : 0;
out:
	for (t = 0; t < CFG_MAX_TUNNELS; t++)
		free(maps[t]);
	free(routes);
	free(sas);
	free(copy);
	return ret;
}

/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>

#include "control/ctl_tunnel.h"
#include "lib/hub_log.h"

int ctl_tunnel_init(struct hub_ctl *ctl)
{
	const struct hub_cfg *cfg = ctl->cfg;
	unsigned int i;

	if (cfg->n_tunnels > DP_MAX_TUNNELS)
		return -E2BIG;
	for (i = 0; i < cfg->n_tunnels; i++) {
		const struct cfg_tunnel *tc = &cfg->tunnels[i];
		struct dp_tunnel *t = &ctl->shared->tunnels[i];
		int port = cfg_port_index(cfg, tc->source);

		if (port < 0 || (unsigned int)port >= ctl->n_ports)
			return -EINVAL;
		t->enabled = true;
		t->port_id = ctl->ports[port].port_id;
		t->has_key = tc->has_key;
		t->key = tc->key;
		t->addr = tc->address.addr;
		t->mtu = tc->mtu;
		t->tcp_mss = tc->tcp_mss;
		t->redirect = tc->nhrp.redirect;
		HUB_LOG(INFO, main, "tunnel %s: %u.%u.%u.%u/%u on port %s, key %s%u, mtu %u",
			tc->name, ((const uint8_t *)&t->addr)[0], ((const uint8_t *)&t->addr)[1],
			((const uint8_t *)&t->addr)[2], ((const uint8_t *)&t->addr)[3],
			tc->address.len, tc->source, tc->has_key ? "" : "none ",
			tc->has_key ? tc->key : 0, tc->mtu);
	}
	ctl->shared->n_tunnels = cfg->n_tunnels;
	return 0;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/* The SA store and its push to the workers (control/ctl_sa.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_jhash.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "control/ctl_sa.h"
#include "lib/esp_mbuf.h"
#include "lib/hub_log.h"

RTE_LOG_REGISTER(hub_logtype_esp, hub.esp, INFO);

/* Messages a full ring refused, oldest first. */
struct sa_backlog {
	struct esp_sa_msg *q;
	uint32_t head, n, cap;
};

struct ctl_sa_store {
	uint32_t max;
	uint32_t n;			/* SAs in use */
	uint32_t hint;			/* where the next free slot search starts */
	struct ctl_sa *sa;		/* [max] */
	struct rte_hash *in_by_spi;	/* inbound SPI -> index */
	struct rte_hash *out_by_peer;	/* struct dp_sa_peer_key -> outbound index */
	IMB_MGR *mgr;			/* control's own: key expansion, derivation, its sends */
	struct sa_backlog backlog[CTL_MAX_WORKERS];
	uint64_t deferred;		/* messages that waited in a backlog */
};

static const char *ip_str(uint32_t addr, char *buf, size_t len)
{
	const uint8_t *b = (const uint8_t *)&addr;

	snprintf(buf, len, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
	return buf;
}

static struct ctl_sa_store *store(const struct hub_ctl *ctl)
{
	return ctl->sa;
}

/* ---- pushing to workers ---- */

static int backlog_push(struct sa_backlog *b, const struct esp_sa_msg *m)
{
	if (b->n == b->cap) {
		uint32_t cap = b->cap ? b->cap * 2 : 64, i;
		struct esp_sa_msg *q = malloc(sizeof(*q) * cap);

		if (q == NULL)
			return -ENOMEM;
		for (i = 0; i < b->n; i++)
			q[i] = b->q[(b->head + i) % b->cap];
		free(b->q);
		b->q = q;
		b->head = 0;
		b->cap = cap;
	}
	b->q[(b->head + b->n) % b->cap] = *m;
	b->n++;
	return 0;
}

static unsigned int backlog_drain(struct hub_ctl *ctl, unsigned int w)
{
	struct sa_backlog *b = &store(ctl)->backlog[w];
	unsigned int sent = 0;

	while (b->n > 0 && rte_ring_sp_enqueue_elem(ctl->workers[w]->sa_ring, &b->q[b->head],
						    sizeof(b->q[0])) == 0) {
		b->head = (b->head + 1) % b->cap;
		b->n--;
		sent++;
	}
	return sent;
}

static void broadcast(struct hub_ctl *ctl, const struct esp_sa_msg *m)
{
	struct ctl_sa_store *st = store(ctl);
	unsigned int w;

	for (w = 0; w < ctl->n_workers; w++) {
		/* Behind a backlog a message waits its turn: order is what keeps DEL/SET of one
		 * index right. */
		if (st->backlog[w].n == 0 &&
		    rte_ring_sp_enqueue_elem(ctl->workers[w]->sa_ring, (void *)(uintptr_t)m,
					     sizeof(*m)) == 0)
			continue;
		st->deferred++;
		if (backlog_push(&st->backlog[w], m) < 0)
			HUB_LOG(ERR, esp, "worker %u: no memory to queue an SA update", w);
	}
}

unsigned int ctl_sa_poll(struct hub_ctl *ctl)
{
	unsigned int w, sent = 0;

	if (store(ctl) == NULL)
		return 0;
	for (w = 0; w < ctl->n_workers; w++)
		if (store(ctl)->backlog[w].n > 0)
			sent += backlog_drain(ctl, w);
	return sent;
}

/* ---- the store ---- */

/* An outbound NAT-T SA whose peer port is not learned yet stays out of the outbound index:
 * (address, 0) means plain ESP, and two spokes behind one NAT would collide there. */
static inline bool out_indexed(const struct esp_sa_params *p)
{
	return !(p->flags & ESP_SA_F_NATT) || p->nat_port != 0;
}

static int slot_alloc(struct ctl_sa_store *st)
{
	uint32_t i;

	for (i = 0; i < st->max; i++) {
		uint32_t idx = (st->hint + i) % st->max;

		if (!st->sa[idx].in_use) {
			st->hint = (idx + 1) % st->max;
			return (int)idx;
		}
	}
	return -ENOSPC;
}

static void slot_release(struct hub_ctl *ctl, uint32_t idx)
{
	struct ctl_sa_store *st = store(ctl);
	struct ctl_sa *s = &st->sa[idx];
	struct esp_sa_msg m = {.type = ESP_SA_MSG_DEL, .idx = idx};
	void *data;

	broadcast(ctl, &m);
	if (s->p.dir == ESP_DIR_IN) {
		if (rte_hash_lookup_data(st->in_by_spi, &s->p.spi, &data) >= 0 &&
		    (uintptr_t)data == idx)
			rte_hash_del_key(st->in_by_spi, &s->p.spi);
	} else {
		struct dp_sa_peer_key k = {.addr = s->p.peer_addr, .port = s->p.nat_port};

		if (out_indexed(&s->p) && rte_hash_lookup_data(st->out_by_peer, &k, &data) >= 0 &&
		    (uintptr_t)data == idx)
			rte_hash_del_key(st->out_by_peer, &k);
	}
	if (s->keys != NULL) {
		memset(s->keys, 0, sizeof(*s->keys));
		rte_free(s->keys);
	}
	if (s->pair != 0 && st->sa[s->pair - 1].pair == idx + 1)
		st->sa[s->pair - 1].pair = 0;
	memset(s, 0, sizeof(*s));
	st->n--;
}

int ctl_sa_install(struct hub_ctl *ctl, const struct esp_sa_params *p, uint8_t origin,
		   const char **why)
{
	struct ctl_sa_store *st = store(ctl);
	struct esp_sa_msg m = {.type = ESP_SA_MSG_SET};
	struct dp_sa_peer_key pk = {.addr = p->peer_addr, .port = p->nat_port};
	const char *bad = esp_params_check(p);
	int32_t old = -1;
	struct ctl_sa *s;
	void *data;
	int idx;

	if (why != NULL)
		*why = bad;
	if (bad != NULL)
		return -EINVAL;
	if (p->dir == ESP_DIR_IN && rte_hash_lookup(st->in_by_spi, &p->spi) >= 0) {
		if (why != NULL)
			*why = "an inbound SA with that SPI exists";
		return -EEXIST;
	}
	if (p->dir == ESP_DIR_OUT && out_indexed(p) &&
	    rte_hash_lookup_data(st->out_by_peer, &pk, &data) >= 0)
		old = (int32_t)(uintptr_t)data;
	idx = slot_alloc(st);
	if (idx < 0) {
		if (why != NULL)
			*why = "the SA table is full (crypto.max_sas)";
		return idx;
	}
	s = &st->sa[idx];
	memset(s, 0, sizeof(*s));
	s->p = *p;
	s->origin = origin;
	s->created = rte_rdtsc();
	if (p->dir == ESP_DIR_OUT) {
		/* The new SA's numbers start at 1 from wherever the index's counter stands. */
		s->p.seq_base = __atomic_load_n(&ctl->shared->esp_seq[idx].next, __ATOMIC_RELAXED);
		s->keys = rte_zmalloc("ctl_sa_keys", sizeof(*s->keys), RTE_CACHE_LINE_SIZE);
		if (s->keys == NULL || esp_keys_expand(st->mgr, s->keys, &s->p) < 0) {
			rte_free(s->keys);
			memset(s, 0, sizeof(*s));
			return -ENOMEM;
		}
		if (out_indexed(p) &&
		    rte_hash_add_key_data(st->out_by_peer, &pk, (void *)(uintptr_t)idx) < 0)
			goto nospace;
	} else if (rte_hash_add_key_data(st->in_by_spi, &p->spi, (void *)(uintptr_t)idx) < 0) {
		goto nospace;
	}
	s->in_use = true;
	st->n++;
	m.idx = (uint32_t)idx;
	m.p = s->p;
	broadcast(ctl, &m);
	memset(&m, 0, sizeof(m));
	if (old >= 0)
		slot_release(ctl, (uint32_t)old); /* make before break */
	{
		char a[16];

		HUB_LOG(INFO, esp, "SA %d installed: %s spi 0x%08x peer %s%s %s/%s", idx,
			p->dir == ESP_DIR_IN ? "in" : "out", p->spi,
			ip_str(p->peer_addr, a, sizeof(a)),
			!(p->flags & ESP_SA_F_NATT) ? ""
			: p->nat_port != 0	    ? " (NAT-T, port pinned)"
						    : " (NAT-T, port learned)",
			esp_cipher_name(p->cipher), esp_integ_name(p->integ));
	}
	return idx;
nospace:
	if (s->keys != NULL)
		rte_free(s->keys);
	memset(s, 0, sizeof(*s));
	if (why != NULL)
		*why = "no room in the SA index";
	return -ENOSPC;
}

int ctl_sa_remove(struct hub_ctl *ctl, uint8_t dir, uint32_t spi)
{
	struct ctl_sa_store *st = store(ctl);
	uint32_t i;

	for (i = 0; i < st->max; i++) {
		const struct ctl_sa *s = &st->sa[i];

		if (s->in_use && s->p.dir == dir && s->p.spi == spi) {
			slot_release(ctl, i);
			return 0;
		}
	}
	return -ENOENT;
}

int ctl_sa_remove_peer(struct hub_ctl *ctl, uint32_t peer_addr)
{
	struct ctl_sa_store *st = store(ctl);
	uint32_t i;
	int n = 0;

	for (i = 0; i < st->max; i++)
		if (st->sa[i].in_use && st->sa[i].p.peer_addr == peer_addr) {
			slot_release(ctl, i);
			n++;
		}
	return n;
}

static void derive_one(IMB_MGR *mgr, const char *secret, const char *label, uint32_t peer,
		       uint32_t spi, uint8_t *out, unsigned int len)
{
	uint8_t digest[32];
	char a[16], buf[160];
	int n;

	n = snprintf(buf, sizeof(buf), "%s|%s|%s|%u", secret, label,
		     ip_str(peer, a, sizeof(a)), spi);
	IMB_SHA256(mgr, buf, (uint64_t)(n > 0 ? n : 0), digest);
	memcpy(out, digest, len);
	memset(digest, 0, sizeof(digest));
	memset(buf, 0, sizeof(buf));
}

void ctl_sa_derive(struct hub_ctl *ctl, const char *secret, struct esp_sa_params *p)
{
	IMB_MGR *mgr = store(ctl)->mgr;

	derive_one(mgr, secret, "enc", p->peer_addr, p->spi, p->enc_key,
		   esp_cipher_key_len(p->cipher));
	if (esp_cipher_is_aead(p->cipher))
		derive_one(mgr, secret, "salt", p->peer_addr, p->spi, p->salt, ESP_SALT_LEN);
	else
		derive_one(mgr, secret, "auth", p->peer_addr, p->spi, p->auth_key,
			   esp_integ_key_len(p->integ));
}

/* ---- the configuration ---- */

static const struct cfg_ipsec_profile *profile_find(const struct hub_cfg *cfg, const char *name)
{
	unsigned int i;

	for (i = 0; i < cfg->crypto.n_profiles; i++)
		if (strcmp(cfg->crypto.profiles[i].name, name) == 0)
			return &cfg->crypto.profiles[i];
	return NULL;
}

/* The params of one direction of a configured SA pair (validated by cfg already). */
static void params_from_cfg(struct hub_ctl *ctl, const struct cfg_ipsec_sa *c, uint8_t dir,
			    struct esp_sa_params *p)
{
	const struct cfg_ipsec_profile *pr = c->profile[0] ? profile_find(ctl->cfg, c->profile)
							   : NULL;
	uint8_t key[ESP_KEY_MAX + ESP_SALT_LEN];
	unsigned int klen;

	memset(p, 0, sizeof(*p));
	p->dir = dir;
	p->spi = dir == ESP_DIR_IN ? c->spi_in : c->spi_out;
	p->peer_addr = c->peer;
	if (pr != NULL) {
		p->cipher = (uint8_t)pr->cipher;
		p->integ = (uint8_t)pr->integrity;
		p->flags = (pr->esn ? ESP_SA_F_ESN : 0) |
			   (pr->mode == CFG_ESP_MODE_TUNNEL ? ESP_SA_F_TUNNEL : 0);
		p->replay_window = dir == ESP_DIR_IN ? (uint16_t)pr->replay_window : 0;
		ctl_sa_derive(ctl, pr->secret, p);
		goto natt;
	}
	p->cipher = (uint8_t)c->cipher;
	p->integ = (uint8_t)c->integrity;
	p->flags = c->esn ? ESP_SA_F_ESN : 0;
	p->replay_window = dir == ESP_DIR_IN ? (uint16_t)c->replay_window : 0;
	klen = esp_cipher_key_len(p->cipher);
	esp_hex_parse(dir == ESP_DIR_IN ? c->key_in : c->key_out, key, sizeof(key));
	memcpy(p->enc_key, key, klen);
	if (esp_cipher_is_aead(p->cipher))
		memcpy(p->salt, key + klen, ESP_SALT_LEN); /* RFC 4106 8.1: key then salt */
	else
		esp_hex_parse(dir == ESP_DIR_IN ? c->auth_in : c->auth_out, p->auth_key,
			      ESP_KEY_MAX);
	memset(key, 0, sizeof(key));
natt:
	if (c->natt || c->natt_port != 0) {
		p->flags |= ESP_SA_F_NATT;
		p->nat_port = rte_cpu_to_be_16((uint16_t)c->natt_port);
	}
}

static int load_config(struct hub_ctl *ctl)
{
	const struct cfg_crypto *cr = &ctl->cfg->crypto;
	struct esp_sa_params p;
	const char *why;
	unsigned int i;
	int rc;

	for (i = 0; i < cr->n_sas; i++) {
		int idx[ESP_DIR_OUT + 1] = {0};
		uint8_t dir;

		for (dir = ESP_DIR_IN; dir <= ESP_DIR_OUT; dir++) {
			params_from_cfg(ctl, &cr->sas[i], dir, &p);
			rc = ctl_sa_install(ctl, &p, CTL_SA_CONFIG, &why);
			memset(&p, 0, sizeof(p));
			if (rc < 0) {
				HUB_LOG(ERR, esp, "%s:%d: crypto.sas[%u]: %s", ctl->cfg->source,
					cr->sas[i].line, i, why != NULL ? why : rte_strerror(-rc));
				return rc;
			}
			idx[dir] = rc;
		}
		ctl_sa_pair(ctl, (uint32_t)idx[ESP_DIR_IN], (uint32_t)idx[ESP_DIR_OUT]);
	}
	return 0;
}

void ctl_sa_pair(struct hub_ctl *ctl, uint32_t in_idx, uint32_t out_idx)
{
	struct ctl_sa_store *st = store(ctl);

	if (in_idx >= st->max || out_idx >= st->max)
		return;
	st->sa[in_idx].pair = out_idx + 1;
	st->sa[out_idx].pair = in_idx + 1;
}

/* Bind SA idx to the learned port, in the store and (one NATT message) in every replica. */
static int natt_bind(struct hub_ctl *ctl, uint32_t idx, uint16_t port)
{
	struct ctl_sa_store *st = store(ctl);
	struct ctl_sa *s = &st->sa[idx];
	struct esp_sa_msg m = {.type = ESP_SA_MSG_NATT, .idx = idx};
	int32_t old = -1;
	void *data;

	if (s->p.dir == ESP_DIR_OUT) {
		struct dp_sa_peer_key k = {.addr = s->p.peer_addr, .port = port};

		if (rte_hash_lookup_data(st->out_by_peer, &k, &data) >= 0 &&
		    (uintptr_t)data != idx)
			old = (int32_t)(uintptr_t)data; /* an SA bound there before: replaced */
		if (rte_hash_add_key_data(st->out_by_peer, &k, (void *)(uintptr_t)idx) < 0)
			return -ENOSPC;
	}
	s->p.nat_port = port;
	s->natt_learned = true;
	m.p.nat_port = port;
	broadcast(ctl, &m);
	if (old >= 0)
		slot_release(ctl, (uint32_t)old);
	return 0;
}

int ctl_sa_natt_learn(struct hub_ctl *ctl, uint32_t idx, uint32_t addr, uint16_t port)
{
	struct ctl_sa_store *st = store(ctl);
	struct ctl_sa *s, *o = NULL;
	char a[16];
	uint32_t i;
	int rc;

	if (st == NULL || idx >= st->max || port == 0)
		return -ENOENT;
	s = &st->sa[idx];
	if (!s->in_use || s->p.dir != ESP_DIR_IN || !(s->p.flags & ESP_SA_F_NATT) ||
	    s->p.peer_addr != addr)
		return -ENOENT;
	if (s->p.nat_port == port)
		return 0; /* another worker's report of the same mapping */
	if (s->p.nat_port != 0) {
		/* First binding wins; the workers refuse the other port (esp-natt-mismatch). */
		HUB_LOG(WARNING, esp, "SA %u: NAT-T port %u seen, but bound to %u", idx,
			rte_be_to_cpu_16(port), rte_be_to_cpu_16(s->p.nat_port));
		return -EALREADY;
	}
	rc = natt_bind(ctl, idx, port);
	if (rc < 0)
		return rc;
	/* The outbound partner: the configured pair, else the only unbound NAT-T outbound SA
	 * of this address (an ambiguous choice is not made). */
	if (s->pair != 0 && st->sa[s->pair - 1].in_use && st->sa[s->pair - 1].p.dir == ESP_DIR_OUT)
		o = &st->sa[s->pair - 1];
	if (o == NULL) {
		struct ctl_sa *found = NULL;
		unsigned int n = 0;

		for (i = 0; i < st->max; i++) {
			struct ctl_sa *c = &st->sa[i];

			if (c->in_use && c->p.dir == ESP_DIR_OUT && c->p.peer_addr == addr &&
			    (c->p.flags & ESP_SA_F_NATT) && c->p.nat_port == 0 && c->pair == 0) {
				found = c;
				n++;
			}
		}
		if (n == 1)
			o = found;
	}
	if (o != NULL && (o->p.flags & ESP_SA_F_NATT) && o->p.nat_port == 0)
		rc = natt_bind(ctl, (uint32_t)(o - st->sa), port);
	HUB_LOG(INFO, esp, "SA %u (spi 0x%08x): NAT-T peer %s port %u learned%s", idx, s->p.spi,
		ip_str(addr, a, sizeof(a)), rte_be_to_cpu_16(port),
		o == NULL ? "; no outbound SA to bind" : "");
	return rc;
}

/* ---- start and stop ---- */

int ctl_sa_init(struct hub_ctl *ctl)
{
	struct rte_hash_parameters hp = {.hash_func = rte_jhash, .socket_id = (int)rte_socket_id()};
	uint32_t max = ctl->cfg->crypto.max_sas;
	struct ctl_sa_store *st;
	char name[RTE_RING_NAMESIZE];
	unsigned int w, t;

	if (max == 0)
		max = 4096; /* a configuration struct built in code, not by cfg_load */
	st = rte_zmalloc("ctl_sa_store", sizeof(*st), RTE_CACHE_LINE_SIZE);
	if (st == NULL)
		return -ENOMEM;
	ctl->sa = st;
	st->max = max;
	st->sa = rte_zmalloc("ctl_sa", sizeof(st->sa[0]) * max, RTE_CACHE_LINE_SIZE);
	ctl->shared->esp_seq = rte_zmalloc("esp_seq", sizeof(struct esp_seq) * max,
					   RTE_CACHE_LINE_SIZE);
	hp.entries = RTE_MAX(max, 8u);
	hp.name = "ctl_sa_spi";
	hp.key_len = sizeof(uint32_t);
	st->in_by_spi = rte_hash_create(&hp);
	hp.name = "ctl_sa_out";
	hp.key_len = sizeof(struct dp_sa_peer_key);
	st->out_by_peer = rte_hash_create(&hp);
	st->mgr = esp_mgr_create();
	if (st->sa == NULL || ctl->shared->esp_seq == NULL || st->in_by_spi == NULL ||
	    st->out_by_peer == NULL || st->mgr == NULL)
		return -ENOMEM;
	for (w = 0; w < ctl->n_workers; w++) {
		struct dp_worker *wk = ctl->workers[w];
		int socket = (int)rte_lcore_to_socket_id(wk->lcore_id);

		snprintf(name, sizeof(name), "w%u_sa", w);
		wk->sa = esp_table_create(name, max, socket);
		snprintf(name, sizeof(name), "sa_w%u", w);
		wk->sa_ring = rte_ring_create_elem(name, sizeof(struct esp_sa_msg),
						   ctl->cfg->ring_size, socket,
						   RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (wk->sa == NULL || wk->sa_ring == NULL)
			return -ENOMEM;
	}
	for (t = 0; t < ctl->cfg->n_tunnels && t < DP_MAX_TUNNELS; t++)
		ctl->shared->tunnels[t].protect_required =
			ctl->cfg->tunnels[t].protection == CFG_PROTECT_REQUIRED;
	HUB_LOG(INFO, esp, "SA table: %u slots per worker, %zu bytes each", max,
		sizeof(struct dp_sa));
	return load_config(ctl);
}

void ctl_sa_free(struct hub_ctl *ctl)
{
	struct ctl_sa_store *st = store(ctl);
	unsigned int w;
	uint32_t i;

	if (st == NULL)
		return;
	for (w = 0; w < ctl->n_workers; w++) {
		esp_table_free(ctl->workers[w]->sa);
		rte_ring_free(ctl->workers[w]->sa_ring);
		ctl->workers[w]->sa = NULL;
		ctl->workers[w]->sa_ring = NULL;
		free(st->backlog[w].q);
	}
	if (st->sa != NULL)
		for (i = 0; i < st->max; i++)
			if (st->sa[i].keys != NULL) {
				memset(st->sa[i].keys, 0, sizeof(*st->sa[i].keys));
				rte_free(st->sa[i].keys);
			}
	rte_hash_free(st->in_by_spi);
	rte_hash_free(st->out_by_peer);
	esp_mgr_free(st->mgr);
	rte_free(st->sa);
	rte_free(ctl->shared->esp_seq);
	ctl->shared->esp_seq = NULL;
	rte_free(st);
	ctl->sa = NULL;
}

/* ---- control's own sends ---- */

int ctl_sa_protect(struct hub_ctl *ctl, unsigned int tunnel_idx, uint32_t dst, uint16_t nat_port,
		   struct rte_mbuf *m)
{
	struct ctl_sa_store *st = store(ctl);
	struct dp_sa_peer_key pk = {.addr = dst, .port = nat_port};
	struct esp_op op;
	struct ctl_sa *s;
	uint64_t v, seq;
	void *data;
	uint32_t idx;
	int rc;

	if (st == NULL || rte_hash_lookup_data(st->out_by_peer, &pk, &data) < 0) {
		/* A peer behind a NAT-T mapping is reachable only by ESP-in-UDP. */
		if (st != NULL && (nat_port != 0 || (tunnel_idx < ctl->cfg->n_tunnels &&
		    ctl->cfg->tunnels[tunnel_idx].protection == CFG_PROTECT_REQUIRED))) {
			ctl->drops[HUB_DROP_ESP_NO_SA]++;
			rte_pktmbuf_free(m);
			return -ENOENT;
		}
		return 0;
	}
	idx = (uint32_t)(uintptr_t)data;
	s = &st->sa[idx];
	v = __atomic_add_fetch(&ctl->shared->esp_seq[idx].next, 1, __ATOMIC_RELAXED);
	seq = v - s->p.seq_base;
	if (!(s->p.flags & ESP_SA_F_ESN) && seq > UINT32_MAX) {
		ctl->drops[HUB_DROP_ESP_SEQ_OVERFLOW]++;
		rte_pktmbuf_free(m);
		return -ERANGE;
	}
	/* Control's packets are built fresh, but a chained one is made flat first. */
	if (m->nb_segs > 1 && rte_pktmbuf_linearize(m) < 0)
		rc = -EINVAL;
	else
		rc = esp_mbuf_encap(m, s->keys, s->p.spi, seq, v, &op);
	if (rc == 0 && (s->p.flags & ESP_SA_F_NATT))
		rc = esp_mbuf_udp_wrap(m, s->p.nat_port); /* RFC 3948 2.1 */
	if (rc == 0 && esp_crypto_burst(st->mgr, &op, 1, ESP_DIR_OUT) != 1)
		rc = -EIO;
	if (rc < 0) {
		ctl->drops[rc == -ENOSPC ? HUB_DROP_NO_HEADROOM : HUB_DROP_ESP_CRYPTO]++;
		rte_pktmbuf_free(m);
		return rc;
	}
	s->ctl_pkts++;
	s->ctl_bytes += op.len;
	return 0;
}

/* ---- reading ---- */

uint32_t ctl_sa_max(const struct hub_ctl *ctl)
{
	return store(ctl) != NULL ? store(ctl)->max : 0;
}

uint32_t ctl_sa_count(const struct hub_ctl *ctl)
{
	return store(ctl) != NULL ? store(ctl)->n : 0;
}

const struct ctl_sa *ctl_sa_at(const struct hub_ctl *ctl, uint32_t idx)
{
	const struct ctl_sa_store *st = store(ctl);

	if (st == NULL || idx >= st->max || !st->sa[idx].in_use)
		return NULL;
	return &st->sa[idx];
}

void ctl_sa_counters(const struct hub_ctl *ctl, uint32_t idx, struct dp_sa_counters *sum)
{
	const struct ctl_sa *s = ctl_sa_at(ctl, idx);
	unsigned int w;

	memset(sum, 0, sizeof(*sum));
	if (s == NULL)
		return;
	for (w = 0; w < ctl->n_workers; w++) {
		const struct dp_sa_table *t = ctl->workers[w]->sa;
		const struct dp_sa_counters *c;

		if (t == NULL || t->sa[idx].spi != s->p.spi || t->sa[idx].dir != s->p.dir)
			continue; /* this worker has not applied the SA yet */
		c = &t->sa[idx].c;
		sum->pkts += c->pkts;
		sum->bytes += c->bytes;
		sum->replay += c->replay;
		sum->integrity += c->integrity;
		sum->padding += c->padding;
		sum->truncated += c->truncated;
		sum->other += c->other;
	}
	sum->pkts += s->ctl_pkts;
	sum->bytes += s->ctl_bytes;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ESP commands (docs/cli.md, docs/esp.md): show crypto ipsec sa [peer A.B.C.D] [json];
 * crypto ipsec sa add A.B.C.D in|out SPI <cipher> HEX [<integrity> HEX];
 * crypto ipsec sa del in|out SPI; crypto ipsec sa del peer A.B.C.D.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>

#include "control/cli_priv.h"
#include "control/ctl_sa.h"

#define F_PEER CLI_F_USER /* arg holds the peer to show */
/* add/del: direction, cipher and integrity ride in the command's flags. */
#define F_OUT (CLI_F_USER << 1)
#define F_CIPHER_SHIFT 12
#define F_INTEG_SHIFT 16
#define F_ALG(c, i) (((uint32_t)(c) << F_CIPHER_SHIFT) | ((uint32_t)(i) << F_INTEG_SHIFT))

static const char *origin_name(uint8_t o)
{
	switch (o) {
	case CTL_SA_CONFIG:
		return "config";
	case CTL_SA_CLI:
		return "cli";
	case CTL_SA_API:
		return "api";
	default:
		return "?";
	}
}

static void sa_text(struct cli_sess *s, struct hub_ctl *ctl, uint32_t idx, const struct ctl_sa *sa,
		    const struct dp_sa_counters *c)
{
	const struct esp_sa_params *p = &sa->p;
	char a[CLI_IP_LEN], up[24], nat[24] = "none";

	if ((p->flags & ESP_SA_F_NATT) && p->nat_port == 0)
		snprintf(nat, sizeof(nat), "learning");
	else if (p->nat_port != 0)
		snprintf(nat, sizeof(nat), "%u%s", rte_be_to_cpu_16(p->nat_port),
			 sa->natt_learned ? " (learned)" : "");
	cli_fmt_duration(up, sizeof(up), cli_tsc_age_s(sa->created));
	cli_printf(s, "SA %" PRIu32 ": %s, peer %s, NAT-T port %s, spi 0x%08" PRIx32 " (%" PRIu32
		      ")\n", idx, p->dir == ESP_DIR_IN ? "inbound" : "outbound",
		   cli_ip(p->peer_addr, a), nat, p->spi, p->spi);
	cli_printf(s, "  %s, integrity %s, %s mode, esn %s, replay window %u, from %s, up %s\n",
		   esp_cipher_name(p->cipher), esp_integ_name(p->integ),
		   p->flags & ESP_SA_F_TUNNEL ? "tunnel" : "transport",
		   p->flags & ESP_SA_F_ESN ? "yes" : "no", p->replay_window,
		   origin_name(sa->origin), up);
	if (p->dir == ESP_DIR_IN)
		cli_printf(s, "  packets %" PRIu64 ", bytes %" PRIu64 ", errors: replay %" PRIu64
			      ", integrity %" PRIu64 ", padding %" PRIu64 ", truncated %" PRIu64
			      ", other %" PRIu64 "\n",
			   c->pkts, c->bytes, c->replay, c->integrity, c->padding, c->truncated,
			   c->other);
	else
		cli_printf(s, "  packets %" PRIu64 ", bytes %" PRIu64 ", sequence %" PRIu64
			      ", errors: other %" PRIu64 "\n",
			   c->pkts, c->bytes,
			   __atomic_load_n(&ctl->shared->esp_seq[idx].next, __ATOMIC_RELAXED) -
				   p->seq_base,
			   c->other);
}

static void sa_json(struct cli_sess *s, struct hub_ctl *ctl, uint32_t idx, const struct ctl_sa *sa,
		    const struct dp_sa_counters *c, bool first)
{
	const struct esp_sa_params *p = &sa->p;
	char a[CLI_IP_LEN];

	cli_printf(s, "%s{\"index\":%" PRIu32 ",\"direction\":\"%s\",\"peer\":\"%s\","
		      "\"nat_t_port\":%u,\"spi\":%" PRIu32 ",\"cipher\":\"%s\",\"integrity\":\"%s\","
		      "\"esn\":%s,\"replay_window\":%u,\"origin\":\"%s\",\"up_s\":%" PRIu64 ","
		      "\"packets\":%" PRIu64 ",\"bytes\":%" PRIu64 ",\"replay_errors\":%" PRIu64
		      ",\"integrity_errors\":%" PRIu64 ",\"padding_errors\":%" PRIu64
		      ",\"truncated\":%" PRIu64 ",\"other_errors\":%" PRIu64,
		   first ? "" : ",", idx, p->dir == ESP_DIR_IN ? "in" : "out",
		   cli_ip(p->peer_addr, a), rte_be_to_cpu_16(p->nat_port), p->spi,
		   esp_cipher_name(p->cipher), esp_integ_name(p->integ),
		   p->flags & ESP_SA_F_ESN ? "true" : "false", p->replay_window,
		   origin_name(sa->origin), cli_tsc_age_s(sa->created), c->pkts, c->bytes,
		   c->replay, c->integrity, c->padding, c->truncated, c->other);
	cli_printf(s, ",\"mode\":\"%s\"", p->flags & ESP_SA_F_TUNNEL ? "tunnel" : "transport");
	cli_printf(s, ",\"nat_t\":\"%s\"",
		   !(p->flags & ESP_SA_F_NATT) ? "none"
		   : p->nat_port == 0	       ? "learning"
		   : sa->natt_learned	       ? "learned"
					       : "pinned");
	if (p->dir == ESP_DIR_OUT)
		cli_printf(s, ",\"sequence\":%" PRIu64,
			   __atomic_load_n(&ctl->shared->esp_seq[idx].next, __ATOMIC_RELAXED) -
				   p->seq_base);
	cli_printf(s, "}");
}

static bool sa_walk(struct cli_sess *s, struct cli_walk *w)
{
	struct hub_ctl *ctl = cli_ctl(s);
	bool json = w->flags & CLI_F_JSON;
	uint32_t max = ctl_sa_max(ctl);

	if (w->phase == 0) {
		uint64_t ka = 0;
		unsigned int i;

		for (i = 0; i < ctl->n_workers; i++)
			ka += ctl->workers[i]->stats.natt_keepalives;
		if (json)
			cli_printf(s, "{\"natt_keepalives\":%" PRIu64 ",\"sas\":[", ka);
		else if (!(w->flags & F_PEER))
			cli_printf(s, "%" PRIu32 " SAs (of %" PRIu32 " slots), NAT-T keepalives %"
				      PRIu64 "\n", ctl_sa_count(ctl), max, ka);
		w->phase = 1;
	}
	for (; w->pos < max; w->pos++) {
		const struct ctl_sa *sa = ctl_sa_at(ctl, (uint32_t)w->pos);
		struct dp_sa_counters c;

		if (cli_walk_yield(s))
			return true;
		if (sa == NULL || ((w->flags & F_PEER) && sa->p.peer_addr != w->arg))
			continue;
		ctl_sa_counters(ctl, (uint32_t)w->pos, &c);
		if (json)
			sa_json(s, ctl, (uint32_t)w->pos, sa, &c, w->n == 0);
		else
			sa_text(s, ctl, (uint32_t)w->pos, sa, &c);
		w->n++;
	}
	if (json)
		cli_printf(s, "]}\n");
	else if ((w->flags & F_PEER) && w->n == 0)
		cli_printf(s, "no SA for that peer\n");
	return false;
}

static void cmd_show_sa(struct cli_sess *s, const struct cli_args *a, uint32_t flags)
{
	struct cli_walk w = {.fn = sa_walk, .flags = flags};

	if (flags & F_PEER)
		w.arg = a->v[0].addr;
	cli_walk_start(s, &w);
}

static void cmd_sa_add(struct cli_sess *s, const struct cli_args *a, uint32_t flags)
{
	struct esp_sa_params p = {
		.dir = flags & F_OUT ? ESP_DIR_OUT : ESP_DIR_IN,
		.cipher = (uint8_t)(flags >> F_CIPHER_SHIFT & 0xf),
		.integ = (uint8_t)(flags >> F_INTEG_SHIFT & 0xf),
		.peer_addr = a->v[0].addr,
		.spi = a->v[1].num,
	};
	unsigned int klen = esp_cipher_key_len(p.cipher), want;
	const char *why = NULL;
	int rc;

	p.replay_window = p.dir == ESP_DIR_IN ? 64 : 0;
	want = klen + (esp_cipher_is_aead(p.cipher) ? ESP_SALT_LEN : 0);
	if (a->v[2].hex.len != want) {
		cli_error(s, "%s takes a %u-byte key%s; %u given", esp_cipher_name(p.cipher), want,
			  esp_cipher_is_aead(p.cipher) ? " (key, then the 4-byte salt)" : "",
			  a->v[2].hex.len);
		return;
	}
	memcpy(p.enc_key, a->v[2].hex.b, klen);
	if (esp_cipher_is_aead(p.cipher)) {
		memcpy(p.salt, a->v[2].hex.b + klen, ESP_SALT_LEN);
	} else {
		want = esp_integ_key_len(p.integ);
		if (a->v[3].hex.len != want) {
			cli_error(s, "%s takes a %u-byte key; %u given", esp_integ_name(p.integ),
				  want, a->v[3].hex.len);
			return;
		}
		memcpy(p.auth_key, a->v[3].hex.b, want);
	}
	rc = ctl_sa_install(cli_ctl(s), &p, CTL_SA_CLI, &why);
	memset(&p, 0, sizeof(p));
	if (rc < 0)
		cli_error(s, "SA not installed: %s", why != NULL ? why : strerror(-rc));
}

static void cmd_sa_del(struct cli_sess *s, const struct cli_args *a, uint32_t flags)
{
	int rc;

	if (flags & F_PEER) {
		if (ctl_sa_remove_peer(cli_ctl(s), a->v[0].addr) == 0)
			cli_error(s, "no SA for that peer");
		return;
	}
	rc = ctl_sa_remove(cli_ctl(s), flags & F_OUT ? ESP_DIR_OUT : ESP_DIR_IN, a->v[0].num);
	if (rc < 0)
		cli_error(s, "no %s SA with SPI 0x%x", flags & F_OUT ? "outbound" : "inbound",
			  a->v[0].num);
}

#define ADD_GCM(dir, f, name, c)                                                                \
	{"crypto ipsec sa add A.B.C.D " dir " SPI " name " HEX",                                \
	 "install an ESP SA: peer, SPI, key with its salt", cmd_sa_add, (f) | F_ALG(c, 0)}
#define ADD_CBC(dir, f, name, c, iname, i)                                                      \
	{"crypto ipsec sa add A.B.C.D " dir " SPI " name " HEX " iname " HEX",                  \
	 "install an ESP SA: peer, SPI, cipher key, HMAC key", cmd_sa_add, (f) | F_ALG(c, i)}

const struct cli_cmd cli_crypto_cmds[] = {
	{"show crypto ipsec sa", "ESP security associations, counters and errors", cmd_show_sa,
	 CLI_C_JSON},
	{"show crypto ipsec sa peer A.B.C.D", "the SAs of one spoke (NBMA address)", cmd_show_sa,
	 CLI_C_JSON | F_PEER},
	ADD_GCM("in", 0, "aes-gcm-128", ESP_CIPHER_AES_GCM_128),
	ADD_GCM("in", 0, "aes-gcm-256", ESP_CIPHER_AES_GCM_256),
	ADD_GCM("out", F_OUT, "aes-gcm-128", ESP_CIPHER_AES_GCM_128),
	ADD_GCM("out", F_OUT, "aes-gcm-256", ESP_CIPHER_AES_GCM_256),
	ADD_CBC("in", 0, "aes-cbc-128", ESP_CIPHER_AES_CBC_128, "hmac-sha1-96", ESP_INTEG_HMAC_SHA1_96),
	ADD_CBC("in", 0, "aes-cbc-128", ESP_CIPHER_AES_CBC_128, "hmac-sha256-128",
		ESP_INTEG_HMAC_SHA256_128),
	ADD_CBC("in", 0, "aes-cbc-256", ESP_CIPHER_AES_CBC_256, "hmac-sha1-96", ESP_INTEG_HMAC_SHA1_96),
	ADD_CBC("in", 0, "aes-cbc-256", ESP_CIPHER_AES_CBC_256, "hmac-sha256-128",
		ESP_INTEG_HMAC_SHA256_128),
	ADD_CBC("out", F_OUT, "aes-cbc-128", ESP_CIPHER_AES_CBC_128, "hmac-sha1-96",
		ESP_INTEG_HMAC_SHA1_96),
	ADD_CBC("out", F_OUT, "aes-cbc-128", ESP_CIPHER_AES_CBC_128, "hmac-sha256-128",
		ESP_INTEG_HMAC_SHA256_128),
	ADD_CBC("out", F_OUT, "aes-cbc-256", ESP_CIPHER_AES_CBC_256, "hmac-sha1-96",
		ESP_INTEG_HMAC_SHA1_96),
	ADD_CBC("out", F_OUT, "aes-cbc-256", ESP_CIPHER_AES_CBC_256, "hmac-sha256-128",
		ESP_INTEG_HMAC_SHA256_128),
	{"crypto ipsec sa del in SPI", "remove the inbound SA with that SPI", cmd_sa_del, 0},
	{"crypto ipsec sa del out SPI", "remove the outbound SA with that SPI", cmd_sa_del, F_OUT},
	{"crypto ipsec sa del peer A.B.C.D", "remove every SA of a spoke", cmd_sa_del, F_PEER},
	{NULL, NULL, NULL, 0},
};

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for ESP inbound (dataplane/dp_esp.c, RFC 4303) with fixed SAs, through the
 * worker's own burst function: the world of fuzz_dp.c (included whole, without its input
 * format) plus an SA replica on the worker, filled through dp_sa_apply() as control would:
 *
 *   idx 0  in   SPI 0x1001  AES-GCM-128                   from 1.1.1.6  window 64
 *   idx 1  in   SPI 0x1002  AES-CBC-128 + HMAC-SHA1-96    from 1.1.1.8  window 64
 *   idx 2  in   SPI 0x1003  AES-CBC-256 + HMAC-SHA256-128 from 1.1.1.6  window 256, ESN
 *   idx 3  in   SPI 0x1004  AES-GCM-256                   from 1.1.1.7  no replay check
 *   idx 4  out  SPI 0x2001  AES-GCM-128                   to 1.1.1.6
 *   idx 5  out  SPI 0x2002  AES-CBC-128 + HMAC-SHA1-96    to 1.1.1.8
 *
 * Tunnel 0 (key 42) requires protection (clear GRE on it is dropped, its peers without an
 * outbound SA are unreachable); tunnel 1 (1.1.1.7) does not. The keys are in sa_defs[] below
 * and in tests/fuzz/seeds_esp.py, which makes the seeds.
 *
 * Input: up to 8 records, one frame each, all handed to the worker as one burst (so a
 * duplicate inside a burst is exercised): [mode][length, 2 bytes big-endian][body]. The
 * harness builds Ethernet and the outer IPv4 header (protocol 50, to the hub, right length
 * and checksum) so that every frame reaches the ESP stage; the body is the ESP part.
 *   mode bits 0-1  the SA (0-3): its peer is the outer source, its keys seal (bit 2)
 *   bit 2  seal: body = sequence number (4 bytes), ESN high half (4 bytes), then plaintext
 *          that the harness encrypts and authenticates with the SA's keys, so that the ICV
 *          is right and mutations of the plaintext reach the trailer checks, GRE decap and
 *          the inner stages. Without it the body is the ESP packet as sent (SPI to ICV).
 *   bit 3  (seal) add the RFC 4303 2.4 padding and trailer (next header 47); without it the
 *          plaintext is cut to the cipher's block and carries its own trailer
 *   bit 4  send from 1.1.1.9 (no SA bound to it) instead of the SA's peer
 *   bit 5  (seal) write the SPI of the next SA: the wrong keys for that SPI
 *   bit 6  add 4 bytes of Ethernet padding in a second, chained segment (the classifier needs
 *          the whole IPv4 packet in the first segment, so this is the one chained shape that
 *          reaches ESP: refused there, in-place crypto needs one flat buffer)
 *   bit 7  (seal) fix the inner IPv4 header checksum (and the GRE checksum) in the plaintext
 *
 * Beyond "no crash, no over-read, no UB" and fuzz_dp's checks of every punt and tx frame:
 *  - every frame ends once in the ESP stage: an ESP drop reason moved or the SA's count of
 *    authenticated packets did (sum over the burst);
 *  - nothing reaches the stages behind ESP unless it was authenticated: with no
 *    authenticated packet, nothing was punted or sent and no other drop reason moved;
 *  - a frame the harness sealed right (its SA, its peer, one segment, trailer added, a fresh
 *    sequence number) is accepted;
 *  - everything sent to 1.1.1.6 or 1.1.1.8 is ESP under their outbound SA: it decrypts with
 *    the harness's copy of the keys, has a valid trailer and carries GRE with a sane inner
 *    IPv4 header; clear GRE goes only to 1.1.1.7;
 *  - afterwards every mbuf is back in the pool.
 * Each input starts from the same replay windows and sequence counters (restored).
 * FUZZ_ESP_VERBOSE=1 prints each input's outcome (to check seeds: `fuzz_esp -runs=0 DIR`).
 */
#define FUZZ_DP_WORLD_ONLY
#define FUZZ_DP_WORLD_HOOK esp_world_init
static void esp_world_init(void);
#include "tests/fuzz/fuzz_dp.c"

#include <inttypes.h>

#include "dataplane/dp_esp.h"
#include "dataplane/dp_sa.h"
#include "lib/esp_crypto.h"
#include "lib/esp_table.h"

#define N_IN 4
#define N_SA 6
#define RECS_MAX 8
#define BODY_MAX 1800

struct sa_def {
	uint32_t spi;
	uint8_t dir, cipher, integ, flags;
	uint32_t peer; /* network order */
	uint16_t window;
	uint8_t key0;	/* enc key bytes key0, key0+1, ...; auth key follows it */
	uint8_t salt[ESP_SALT_LEN];
};

static struct sa_def sa_defs[N_SA];
static struct esp_keys sa_keys[N_SA]; /* the harness's own expansion, to seal and to open */
static struct esp_replay replay0[N_IN];
static IMB_MGR *mgr;
/* The replica's own manager, malloc'ed but held only in DPDK memory, which LeakSanitizer
 * does not scan: kept here too, so it is not reported as leaked at exit. */
static IMB_MGR *table_mgr;
static bool verbose;

static void sa_params(const struct sa_def *d, struct esp_sa_params *p)
{
	unsigned int kl = esp_cipher_key_len(d->cipher), al = esp_integ_key_len(d->integ);

	memset(p, 0, sizeof(*p));
	p->spi = d->spi;
	p->dir = d->dir;
	p->cipher = d->cipher;
	p->integ = d->integ;
	p->flags = d->flags;
	p->peer_addr = d->peer;
	p->replay_window = d->window;
	for (unsigned int i = 0; i < kl; i++)
		p->enc_key[i] = (uint8_t)(d->key0 + i);
	for (unsigned int i = 0; i < al; i++)
		p->auth_key[i] = (uint8_t)(d->key0 + kl + i);
	memcpy(p->salt, d->salt, ESP_SALT_LEN);
}

static void esp_world_init(void)
{
	const struct sa_def defs[N_SA] = {
		{0x1001, ESP_DIR_IN, ESP_CIPHER_AES_GCM_128, ESP_INTEG_NONE, 0, ADDR(1, 1, 1, 6),
		 64, 0x00, {0xca, 0xfe, 0xba, 0xbe}},
		{0x1002, ESP_DIR_IN, ESP_CIPHER_AES_CBC_128, ESP_INTEG_HMAC_SHA1_96, 0,
		 ADDR(1, 1, 1, 8), 64, 0x10, {0}},
		{0x1003, ESP_DIR_IN, ESP_CIPHER_AES_CBC_256, ESP_INTEG_HMAC_SHA256_128,
		 ESP_SA_F_ESN, ADDR(1, 1, 1, 6), 256, 0x40, {0}},
		{0x1004, ESP_DIR_IN, ESP_CIPHER_AES_GCM_256, ESP_INTEG_NONE, 0, ADDR(1, 1, 1, 7), 0,
		 0x80, {1, 2, 3, 4}},
		{0x2001, ESP_DIR_OUT, ESP_CIPHER_AES_GCM_128, ESP_INTEG_NONE, 0, ADDR(1, 1, 1, 6),
		 0, 0xa0, {0x11, 0x22, 0x33, 0x44}},
		{0x2002, ESP_DIR_OUT, ESP_CIPHER_AES_CBC_128, ESP_INTEG_HMAC_SHA1_96, 0,
		 ADDR(1, 1, 1, 8), 0, 0xb0, {0}},
	};
	struct esp_sa_msg msg;

	memcpy(sa_defs, defs, sizeof(defs));
	w->sa = esp_table_create("fuzz_sa", 8, SOCKET_ID_ANY);
	sh->esp_seq = rte_zmalloc("fuzz_esp_seq", sizeof(struct esp_seq) * 8, 64);
	mgr = esp_mgr_create();
	if (w->sa == NULL || sh->esp_seq == NULL || mgr == NULL ||
	    dp_esp_scratch_init(w->sa, SOCKET_ID_ANY) < 0)
		die("SA table");
	table_mgr = w->sa->mgr;
	verbose = getenv("FUZZ_ESP_VERBOSE") != NULL;
	for (uint32_t i = 0; i < N_SA; i++) {
		memset(&msg, 0, sizeof(msg));
		msg.type = ESP_SA_MSG_SET;
		msg.idx = i;
		sa_params(&sa_defs[i], &msg.p);
		FUZZ_ASSERT(dp_sa_apply(w->sa, &msg) == 0);
		FUZZ_ASSERT(esp_keys_expand(mgr, &sa_keys[i], &msg.p) == 0);
		if (i < N_IN)
			replay0[i] = w->sa->sa[i].replay;
	}
	sh->tunnels[0].protect_required = true;
}

static const uint8_t esp_in_reasons[] = {
	HUB_DROP_ESP_UNKNOWN_SPI, HUB_DROP_ESP_INTEGRITY, HUB_DROP_ESP_REPLAY,
	HUB_DROP_ESP_BAD_PADDING, HUB_DROP_ESP_TRUNCATED, HUB_DROP_ESP_PEER_MISMATCH,
	HUB_DROP_ESP_CRYPTO,
};

static uint64_t esp_in_drops(void)
{
	uint64_t n = 0;

	for (unsigned int i = 0; i < sizeof(esp_in_reasons); i++)
		n += w->stats.drops[esp_in_reasons[i]];
	return n;
}

static uint64_t sa_in_pkts(void)
{
	uint64_t n = 0;

	for (unsigned int i = 0; i < N_IN; i++)
		n += w->sa->sa[i].c.pkts;
	return n;
}

static uint32_t rd_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void wr_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Bit 7: the inner IPv4 checksum (and the GRE checksum) right in a GRE plaintext. */
static void fix_inner(uint8_t *g, size_t len)
{
	uint16_t flags;
	size_t off, ihl;

	if (len < 4)
		return;
	flags = (uint16_t)(g[0] << 8 | g[1]);
	off = 4 + ((flags & DP_GRE_F_CSUM) ? 4 : 0) + ((flags & DP_GRE_F_KEY) ? 4 : 0) +
	      ((flags & DP_GRE_F_SEQ) ? 4 : 0);
	if (off + sizeof(struct rte_ipv4_hdr) <= len && (g[off] >> 4) == 4) {
		ihl = (size_t)(g[off] & 0x0f) * 4;
		if (ihl >= sizeof(struct rte_ipv4_hdr) && off + ihl <= len) {
			put_csum(g + off + 10, 0);
			put_csum(g + off + 10, (uint16_t)~rte_raw_cksum(g + off, ihl));
		}
	}
	if ((flags & DP_GRE_F_CSUM) && len >= 8) {
		put_csum(g + 4, 0);
		put_csum(g + 4, (uint16_t)~rte_raw_cksum(g, len));
	}
}

/*
 * The ESP part of a sealed record into esp (room for BODY_MAX + 64). Returns its length, or
 * 0 when the plaintext cannot be sealed (then the record is sent as it is, unsealed).
 * *good says whether the hub must accept it (given a fresh window).
 */
static size_t seal(uint8_t mode, const uint8_t *body, size_t len, uint8_t *esp, bool *good)
{
	const unsigned int sel = mode & 3;
	const struct esp_keys *k = &sa_keys[sel];
	const uint32_t front = ESP_HDR_LEN + k->iv_len;
	uint8_t hdr[8] = {0};
	size_t pt;
	struct esp_op op;

	memcpy(hdr, body, len < 8 ? len : 8);
	body += len < 8 ? len : 8;
	len -= len < 8 ? len : 8;
	memcpy(esp + front, body, len);
	if (mode & 0x80)
		fix_inner(esp + front, len);
	pt = len;
	if (mode & 0x08) {
		uint32_t pad = esp_pad_len(k, (uint32_t)len);

		for (uint32_t i = 0; i < pad; i++)
			esp[front + pt++] = (uint8_t)(i + 1);
		esp[front + pt++] = (uint8_t)pad;
		esp[front + pt++] = ESP_NEXT_GRE;
	} else {
		pt -= pt % k->block;
		if (pt < ESP_TRAILER_LEN)
			return 0;
	}
	wr_be32(esp, sa_defs[(mode & 0x20) ? (sel + 1) % N_IN : sel].spi);
	memcpy(esp + 4, hdr, 4);
	memset(&op, 0, sizeof(op));
	op.esp = esp;
	op.len = (uint32_t)(front + pt + k->icv_len);
	op.seq_hi = k->esn ? rd_be32(hdr + 4) : 0;
	op.iv_seed = rd_be32(hdr) ^ 0x5a5a5a5a5a5aull;
	op.k = k;
	FUZZ_ASSERT(esp_crypto_burst(mgr, &op, 1, ESP_DIR_OUT) == 1);
	*good = (mode & 0x78) == 0x08 && !k->esn && rd_be32(hdr) != 0;
	return op.len;
}

static struct rte_mbuf *record_frame(uint8_t mode, const uint8_t *body, size_t len, bool *good)
{
	static uint8_t f[RTE_ETHER_HDR_LEN + sizeof(struct rte_ipv4_hdr) + BODY_MAX + 64 + 4];
	uint8_t *ip = f + RTE_ETHER_HDR_LEN, *esp = ip + sizeof(struct rte_ipv4_hdr);
	const unsigned int sel = mode & 3;
	uint32_t src = (mode & 0x10) ? ADDR(1, 1, 1, 9) : sa_defs[sel].peer;
	size_t elen = 0;
	uint16_t total;

	*good = false;
	if (mode & 0x04)
		elen = seal(mode, body, len, esp, good);
	if (elen == 0) {
		memcpy(esp, body, len);
		elen = len;
	}
	memcpy(f, &hub_mac, 6);
	memcpy(f + 6, &spoke_mac, 6);
	f[12] = 0x08, f[13] = 0x00;
	total = (uint16_t)(sizeof(struct rte_ipv4_hdr) + elen);
	memset(ip, 0, sizeof(struct rte_ipv4_hdr));
	ip[0] = 0x45;
	ip[2] = (uint8_t)(total >> 8), ip[3] = (uint8_t)total;
	ip[6] = 0x40; /* DF */
	ip[8] = 64;
	ip[9] = ESP_PROTO;
	memcpy(ip + 12, &src, 4);
	memcpy(ip + 16, &sh->ports[PORT_NBMA].addr, 4);
	put_csum(ip + 10, (uint16_t)~rte_raw_cksum(ip, sizeof(struct rte_ipv4_hdr)));
	if (!(mode & 0x40))
		return frame_mbuf(f, RTE_ETHER_HDR_LEN + total, false, 0);
	memset(f + RTE_ETHER_HDR_LEN + total, 0, 4);
	return frame_mbuf(f, RTE_ETHER_HDR_LEN + total + 4, true, RTE_ETHER_HDR_LEN + total);
}

/* A frame sent on the underlay: ESP only to the peers with an outbound SA, and it opens. */
static void check_esp_tx(struct rte_mbuf *m)
{
	static uint8_t buf[16384];
	const uint32_t len = rte_pktmbuf_pkt_len(m);
	const uint8_t *ip, *p;
	uint8_t *esp;
	uint32_t dst, ihl, total, front, body, pad;
	int out = -1;
	struct esp_op op;
	struct dp_gre_info g;

	FUZZ_ASSERT(len >= RTE_ETHER_HDR_LEN + sizeof(struct rte_ipv4_hdr) && len <= sizeof(buf));
	p = rte_pktmbuf_read(m, 0, len, buf);
	FUZZ_ASSERT(p != NULL);
	if (p != buf)
		memcpy(buf, p, len); /* a copy: opening it decrypts in place */
	ip = buf + RTE_ETHER_HDR_LEN;
	memcpy(&dst, ip + 16, 4);
	for (int i = N_IN; i < N_SA; i++)
		if (sa_defs[i].peer == dst)
			out = i;
	if (ip[9] == IPPROTO_GRE) {
		FUZZ_ASSERT(out < 0 && dst == ADDR(1, 1, 1, 7));
		return;
	}
	if (ip[9] != ESP_PROTO)
		return;
	FUZZ_ASSERT(out >= 0);
	ihl = (uint32_t)(ip[0] & 0x0f) * 4;
	total = (uint32_t)(ip[2] << 8 | ip[3]);
	FUZZ_ASSERT(total == len - RTE_ETHER_HDR_LEN && total > ihl);
	esp = buf + RTE_ETHER_HDR_LEN + ihl;
	FUZZ_ASSERT(rd_be32(esp) == sa_defs[out].spi && rd_be32(esp + 4) != 0);
	memset(&op, 0, sizeof(op));
	op.esp = esp;
	op.len = total - ihl;
	op.k = &sa_keys[out];
	FUZZ_ASSERT(esp_crypto_burst(mgr, &op, 1, ESP_DIR_IN) == 1);
	front = ESP_HDR_LEN + op.k->iv_len;
	body = op.len - front - op.k->icv_len;
	pad = esp[front + body - 2];
	FUZZ_ASSERT(esp[front + body - 1] == ESP_NEXT_GRE && pad + ESP_TRAILER_LEN <= body);
	for (uint32_t i = 0; i < pad; i++)
		FUZZ_ASSERT(esp[front + body - 2 - pad + i] == i + 1);
	body -= pad + ESP_TRAILER_LEN;
	FUZZ_ASSERT(dp_gre_parse(esp + front, (uint16_t)body, &g) == 0);
	FUZZ_ASSERT(g.proto == DP_GRE_PROTO_IPV4 && g.hdr_len < body);
	FUZZ_ASSERT(ipv4_sane(esp + front + g.hdr_len, body - g.hdr_len));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rte_mbuf *pkts[RECS_MAX];
	uint64_t drops0, esp0, auth0, first0, punted = 0, queued = 0, auth, esp_drops, other;
	size_t pos = 0;
	uint16_t n = 0;
	bool good = false, g;

	while (pos + 3 <= size && n < RECS_MAX) {
		uint8_t mode = data[pos];
		size_t len = (size_t)(data[pos + 1] << 8 | data[pos + 2]);

		pos += 3;
		len = RTE_MIN(RTE_MIN(len, size - pos), (size_t)BODY_MAX);
		pkts[n] = record_frame(mode, data + pos, len, &g);
		if (n == 0)
			good = g;
		pos += len;
		n++;
	}
	if (n == 0)
		return -1;

	/* The same starting state for every input. */
	for (unsigned int i = 0; i < N_IN; i++)
		w->sa->sa[i].replay = replay0[i];
	for (unsigned int i = 0; i < N_SA; i++)
		sh->esp_seq[i].next = 0;

	drops0 = drops_total();
	esp0 = esp_in_drops();
	auth0 = sa_in_pkts();
	first0 = w->sa->sa[data[0] & 3].c.pkts;
	rx_burst_process(w, loc, PORT_NBMA, pkts, n);
	auth = sa_in_pkts() - auth0;
	esp_drops = esp_in_drops() - esp0;
	other = drops_total() - drops0 - esp_drops;

	if (verbose)
		fprintf(stderr, "fuzz_esp: %u frames: %" PRIu64 " authenticated, %" PRIu64
			" ESP drops, %" PRIu64 " other drops\n", n, auth, esp_drops, other);
	FUZZ_ASSERT(auth + esp_drops == n);
	if (good)
		FUZZ_ASSERT(w->sa->sa[data[0] & 3].c.pkts > first0);

	for (unsigned int i = 0; i < loc->n_punt; i++) {
		const struct dp_punt_meta *meta = dp_punt_meta(loc->punt[i], sh->punt_meta_offset);

		FUZZ_ASSERT(meta->type >= DP_PUNT_ARP && meta->type <= DP_PUNT_LAN_NH);
		FUZZ_ASSERT(rte_mbuf_check(loc->punt[i], 1, NULL) == 0);
		rte_pktmbuf_free(loc->punt[i]);
		punted++;
	}
	loc->n_punt = 0;
	for (unsigned int i = 0; i < loc->n_punt_low; i++) {
		const struct dp_punt_meta *meta =
			dp_punt_meta(loc->punt_low[i], sh->punt_meta_offset);

		FUZZ_ASSERT(meta->type == DP_PUNT_NHRP && meta->src_slot < 0);
		rte_pktmbuf_free(loc->punt_low[i]);
		punted++;
	}
	loc->n_punt_low = 0;
	for (uint16_t p = 0; p < 2; p++) {
		for (unsigned int i = 0; i < loc->tx[p].n; i++) {
			if (p == PORT_NBMA)
				check_esp_tx(loc->tx[p].pkts[i]);
			check_tx(loc->tx[p].pkts[i], p);
			queued++;
		}
		loc->tx[p].n = 0;
	}
	{
		struct dp_event ev;

		while (rte_ring_sc_dequeue_elem(w->event_ring, &ev, sizeof(ev)) == 0)
			FUZZ_ASSERT(ev.type == DP_EVENT_REDIRECT &&
				    ev.head_len <= DP_EVENT_HEAD_MAX);
	}
	if (auth == 0)
		FUZZ_ASSERT(punted == 0 && queued == 0 && other == 0);
	else
		FUZZ_ASSERT(punted + queued + other >= auth);
	FUZZ_ASSERT(rte_mempool_in_use_count(pool) == 0);
	return 0;
}

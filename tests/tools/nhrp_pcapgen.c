/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nhrp_pcapgen OUT.pcap EXPECT.jsonl [CORPUS_DIR]
 *
 * Builds every message the NHRP codec can build (all op codes, with and without each
 * extension) and writes each one twice into OUT.pcap as Ethernet / IPv4 / GRE 0x2001 /
 * NHRP, without and with a GRE key. EXPECT.jsonl gets one JSON object per frame saying
 * what was built, for tests/func/nhrp_tshark.sh to compare with tshark's decoding.
 * CORPUS_DIR, when given, gets each NHRP message as a libFuzzer seed.
 *
 * Every message is built twice, into a buffer (nhrp_build) and into an mbuf
 * (nhrp_build_mbuf), and the two must be identical; the mbuf variants' limits (tailroom,
 * chained mbufs) are checked too. Exits non-zero on any disagreement.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <rte_mbuf.h>

#include "lib/nhrp_codec.h"
#include "lib/nhrp_mbuf.h"

#define A4(o1, o2, o3, o4) ((struct nhrp_addr){.len = 4, .b = {o1, o2, o3, o4}})
#define GRE_KEY 42
#define FRAME_MAX 4096

static int failures;

#define CHECK(cond, ...)                                                                        \
	do {                                                                                    \
		if (!(cond)) {                                                                  \
			fprintf(stderr, "nhrp_pcapgen: " __VA_ARGS__);                          \
			fputc('\n', stderr);                                                    \
			failures++;                                                             \
		}                                                                               \
	} while (0)

/* An ICMP echo request 10.0.101.2 -> 10.0.103.2, the packet a hub redirects in Phase 3. */
static uint8_t icmp_pkt[84];

static uint16_t ip_csum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void make_icmp(void)
{
	static const uint8_t hdr[20] = {0x45, 0, 0, 84, 0x28, 0x15, 0x40, 0, 63, 1, 0, 0,
					10, 0, 101, 2, 10, 0, 103, 2};
	uint16_t c;

	memcpy(icmp_pkt, hdr, sizeof(hdr));
	icmp_pkt[20] = 8; /* echo request */
	icmp_pkt[24] = 0x15;
	icmp_pkt[25] = 0x28;
	icmp_pkt[27] = 1;
	for (int i = 28; i < 84; i++)
		icmp_pkt[i] = (uint8_t)i;
	c = ip_csum(icmp_pkt + 20, 64);
	icmp_pkt[22] = (uint8_t)(c >> 8);
	icmp_pkt[23] = (uint8_t)c;
	c = ip_csum(icmp_pkt, 20);
	icmp_pkt[10] = (uint8_t)(c >> 8);
	icmp_pkt[11] = (uint8_t)c;
}

static const uint8_t password8[] = "dmvpn-42";
static const uint8_t password3[] = "abc";
static const uint8_t vendor_data[] = {0xde, 0xad, 0xbe, 0xef};
static const uint8_t opaque[] = {1, 2, 3, 4, 5};

static const struct nhrp_build_cie hub_cie = {
	.prefix_len = 32, .mtu = 1400, .holdtime = 7200, .nbma = A4(1, 1, 1, 1),
	.proto = A4(192, 168, 1, 1),
};
static const struct nhrp_build_cie transit_cies[2] = {
	{.prefix_len = 32, .holdtime = 7200, .nbma = A4(1, 1, 1, 1), .proto = A4(192, 168, 1, 1)},
	{.prefix_len = 32, .holdtime = 600, .pref = 7, .nbma = A4(2, 2, 2, 2),
	 .proto = A4(192, 168, 1, 2)},
};
static const struct nhrp_build_cie nat_cie = {
	.prefix_len = 32, .mtu = 1400, .nbma = A4(1, 1, 1, 1), .proto = A4(192, 168, 1, 1),
};

enum variant {
	V_NONE,
	V_RESPONDER_EMPTY,
	V_RESPONDER,
	V_FWD,
	V_REV,
	V_AUTH,
	V_AUTH_SHORT,
	V_VENDOR,
	V_NAT,
	V_UNKNOWN,
	V_FRR,
	V_ALL,
	V_MAX
};

static const char *const variant_names[V_MAX] = {
	"plain", "responder-empty", "responder", "fwd-transit", "rev-transit", "auth",
	"auth-short", "vendor", "nat", "unknown", "frr", "all",
};

static unsigned int variant_exts(enum variant v, struct nhrp_build_ext *e)
{
	unsigned int n = 0;

	if (v == V_FRR) {
		/* What an FRR 8.4 spoke sends (DESIGN.md section 3). */
		e[n++] = nhrp_bext_cies(NHRP_EXT_FWD_TRANSIT, true, NULL, 0);
		e[n++] = nhrp_bext_cies(NHRP_EXT_REV_TRANSIT, true, NULL, 0);
		e[n++] = nhrp_bext_cies(NHRP_EXT_RESPONDER, true, NULL, 0);
		e[n++] = nhrp_bext_cies(NHRP_EXT_NAT, false, &nat_cie, 1);
		return n;
	}
	if (v == V_RESPONDER_EMPTY)
		e[n++] = nhrp_bext_cies(NHRP_EXT_RESPONDER, true, NULL, 0);
	if (v == V_RESPONDER || v == V_ALL)
		e[n++] = nhrp_bext_cies(NHRP_EXT_RESPONDER, true, &hub_cie, 1);
	if (v == V_FWD || v == V_ALL)
		e[n++] = nhrp_bext_cies(NHRP_EXT_FWD_TRANSIT, true, transit_cies, 2);
	if (v == V_REV || v == V_ALL)
		e[n++] = nhrp_bext_cies(NHRP_EXT_REV_TRANSIT, true, transit_cies, 1);
	if (v == V_AUTH || v == V_ALL)
		e[n++] = nhrp_bext_auth_cisco(password8, 8);
	if (v == V_AUTH_SHORT)
		e[n++] = nhrp_bext_auth_cisco(password3, 3);
	if (v == V_VENDOR || v == V_ALL)
		e[n++] = nhrp_bext_vendor(0x00000c, vendor_data, sizeof(vendor_data));
	if (v == V_NAT || v == V_ALL)
		e[n++] = nhrp_bext_cies(NHRP_EXT_NAT, false, &nat_cie, 1);
	if (v == V_UNKNOWN || v == V_ALL)
		e[n++] = (struct nhrp_build_ext){.type = 42, .value = opaque,
						 .value_len = sizeof(opaque)};
	return n;
}

/* A representative message per op code; the CIE codes cover every RFC value. */
static void base_msg(uint8_t op, struct nhrp_build_msg *m, uint8_t *in_error, size_t cap)
{
	static const struct nhrp_build_cie req_cie = {
		.prefix_len = 0xff, .mtu = 1400, .holdtime = 7200,
	};
	static const struct nhrp_build_cie res_reply[3] = {
		{.prefix_len = 24, .mtu = 1400, .holdtime = 7200, .pref = 255,
		 .nbma = A4(8, 8, 8, 8), .proto = A4(10, 0, 103, 0)},
		{.code = NHRP_CIE_NO_BINDING, .prefix_len = 32},
		{.code = NHRP_CIE_NOT_UNIQUE, .prefix_len = 32},
	};
	static const struct nhrp_build_cie reg_reply[4] = {
		{.prefix_len = 0xff, .mtu = 1400, .holdtime = 7200},
		{.code = NHRP_CIE_ADMIN_PROHIBITED, .prefix_len = 32},
		{.code = NHRP_CIE_INSUFFICIENT_RESOURCES, .prefix_len = 32},
		{.code = NHRP_CIE_ALREADY_REGISTERED, .prefix_len = 32},
	};
	static const struct nhrp_build_cie purge_cie = {
		.prefix_len = 32, .proto = A4(192, 168, 1, 6),
	};

	*m = (struct nhrp_build_msg){
		.op = op, .hopcnt = 64, .request_id = 0x1000 + op,
		.src_nbma = A4(6, 6, 6, 6), .src_proto = A4(192, 168, 1, 6),
		.dst_proto = A4(192, 168, 1, 8),
	};
	switch (op) {
	case NHRP_OP_RESOLUTION_REQUEST:
		m->flags = NHRP_FLAG_RES_Q | NHRP_FLAG_RES_U | NHRP_FLAG_RES_S | NHRP_FLAG_NAT;
		m->cies = &req_cie;
		m->n_cies = 1;
		break;
	case NHRP_OP_RESOLUTION_REPLY:
		m->flags = NHRP_FLAG_RES_Q | NHRP_FLAG_RES_A | NHRP_FLAG_RES_D | NHRP_FLAG_RES_S |
			   NHRP_FLAG_NAT;
		m->cies = res_reply;
		m->n_cies = 3;
		break;
	case NHRP_OP_REGISTRATION_REQUEST:
		m->hopcnt = 1;
		m->flags = NHRP_FLAG_REG_U | NHRP_FLAG_NAT;
		m->dst_proto = A4(192, 168, 1, 1);
		m->cies = &req_cie;
		m->n_cies = 1;
		break;
	case NHRP_OP_REGISTRATION_REPLY:
		m->flags = NHRP_FLAG_REG_U | NHRP_FLAG_NAT;
		m->dst_proto = A4(192, 168, 1, 1);
		m->cies = reg_reply;
		m->n_cies = 4;
		break;
	case NHRP_OP_PURGE_REQUEST:
		m->flags = NHRP_FLAG_PURGE_N;
		m->src_nbma = A4(1, 1, 1, 1);
		m->src_proto = A4(192, 168, 1, 1);
		m->cies = &purge_cie;
		m->n_cies = 1;
		break;
	case NHRP_OP_PURGE_REPLY:
		m->cies = &purge_cie;
		m->n_cies = 1;
		break;
	case NHRP_OP_ERROR_INDICATION: {
		struct nhrp_build_msg req;
		struct nhrp_build_ext e[4];
		size_t len = 0;

		base_msg(NHRP_OP_REGISTRATION_REQUEST, &req, NULL, 0);
		req.exts = e;
		req.n_exts = variant_exts(V_FRR, e);
		CHECK(nhrp_build(&req, in_error, cap, &len) == 0, "packet in error");
		m->src_nbma = A4(1, 1, 1, 1);
		m->src_proto = A4(192, 168, 1, 1);
		m->dst_proto = A4(192, 168, 1, 6);
		m->code = NHRP_EI_UNRECOGNIZED_EXTENSION;
		m->ei_offset = 52;
		m->payload = in_error;
		m->payload_len = len;
		break;
	}
	case NHRP_OP_TRAFFIC_INDICATION:
		/* As FRR's hub sends it: hop count 1, destination = the packet's source. */
		m->hopcnt = 1;
		m->src_nbma = A4(1, 1, 1, 1);
		m->src_proto = A4(192, 168, 1, 1);
		m->dst_proto = A4(10, 0, 101, 2);
		m->code = NHRP_TRAFFIC_REDIRECT;
		m->payload = icmp_pkt;
		m->payload_len = sizeof(icmp_pkt);
		break;
	default:
		break;
	}
}

/* A fake single-segment mbuf over static memory: the mbuf builder needs no EAL. */
static struct rte_mbuf *fake_mbuf(void *mem, size_t size, uint16_t headroom)
{
	struct rte_mbuf *mb = mem;

	memset(mb, 0, sizeof(*mb));
	mb->buf_addr = (char *)mem + sizeof(*mb);
	mb->buf_len = (uint16_t)(size - sizeof(*mb));
	mb->data_off = headroom;
	mb->nb_segs = 1;
	mb->refcnt = 1;
	return mb;
}

static _Alignas(64) uint8_t mbuf_mem[2][sizeof(struct rte_mbuf) + FRAME_MAX];

/* Build into an mbuf and compare with the buffer build; check the mbuf parse too. */
static void check_mbuf(const struct nhrp_build_msg *m, const uint8_t *pkt, size_t len,
		       const char *name)
{
	struct rte_mbuf *mb = fake_mbuf(mbuf_mem[0], sizeof(mbuf_mem[0]), RTE_PKTMBUF_HEADROOM);
	struct rte_mbuf *small;
	struct nhrp_msg v;
	int rc;

	rc = nhrp_build_mbuf(m, mb);
	CHECK(rc == 0, "%s: nhrp_build_mbuf: %d", name, rc);
	if (rc)
		return;
	CHECK(rte_pktmbuf_pkt_len(mb) == len && !memcmp(rte_pktmbuf_mtod(mb, void *), pkt, len),
	      "%s: the mbuf and buffer builders disagree", name);
	rc = nhrp_parse_mbuf(mb, 0, NULL, &v);
	CHECK(rc == 0 && v.pkt == rte_pktmbuf_mtod(mb, const uint8_t *),
	      "%s: nhrp_parse_mbuf: %s", name, nhrp_err_name(rc));

	/* One byte of tailroom short: refused, mbuf unchanged. */
	small = fake_mbuf(mbuf_mem[1], sizeof(struct rte_mbuf) + 128 + len - 1, 128);
	CHECK(nhrp_build_mbuf(m, small) == -ENOSPC && rte_pktmbuf_pkt_len(small) == 0,
	      "%s: nhrp_build_mbuf without room", name);

	/* Split over two segments: the parser sees only the contiguous part. */
	if (len > 30) {
		small = fake_mbuf(mbuf_mem[1], sizeof(mbuf_mem[1]), 0);
		memcpy(rte_pktmbuf_mtod(small, void *), pkt, 30);
		small->data_len = 30;
		small->pkt_len = (uint32_t)len;
		small->nb_segs = 2;
		small->next = mb;
		rc = nhrp_parse_mbuf(small, 0, NULL, &v);
		CHECK(rc == -NHRP_ERR_PKTSZ_OVERRUN, "%s: chained mbuf parsed: %s", name,
		      nhrp_err_name(rc));
	}
}

static void json_addr(FILE *f, const char *key, const struct nhrp_addr *a)
{
	if (a->len == 4)
		fprintf(f, "\"%s\": \"%u.%u.%u.%u\"", key, a->b[0], a->b[1], a->b[2], a->b[3]);
	else
		fprintf(f, "\"%s\": null", key);
}

static void json_cies(FILE *f, const struct nhrp_build_cie *c, unsigned int n)
{
	fputc('[', f);
	for (unsigned int i = 0; i < n; i++) {
		fprintf(f, "%s{\"code\": %u, \"prefix\": %u, \"mtu\": %u, \"hold\": %u, ",
			i ? ", " : "", c[i].code, c[i].prefix_len, c[i].mtu, c[i].holdtime);
		json_addr(f, "nbma", &c[i].nbma);
		fputs(", ", f);
		json_addr(f, "proto", &c[i].proto);
		fputc('}', f);
	}
	fputc(']', f);
}

static void json_expect(FILE *f, unsigned int frame, const char *name, bool key,
			const struct nhrp_build_msg *m, size_t len)
{
	fprintf(f, "{\"frame\": %u, \"name\": \"%s\", \"key\": %s, \"op\": %u, \"hop\": %u, "
		   "\"pktsz\": %zu, ",
		frame, name, key ? "42" : "null", m->op, m->hopcnt, len);
	if (m->op <= NHRP_OP_PURGE_REPLY)
		fprintf(f, "\"flags\": %u, \"reqid\": %u, ", m->flags, m->request_id);
	else
		fprintf(f, "\"code\": %u, \"ei_offset\": %u, \"payload_len\": %zu, ", m->code,
			m->ei_offset, m->payload_len);
	json_addr(f, "src_nbma", &m->src_nbma);
	fputs(", \"src_sub\": ", f);
	if (m->src_nbma_sub.len) {
		fputc('"', f);
		for (unsigned int i = 0; i < m->src_nbma_sub.len; i++)
			fprintf(f, "%s%02x", i ? ":" : "", m->src_nbma_sub.b[i]);
		fputc('"', f);
	} else {
		fputs("null", f);
	}
	fputs(", ", f);
	json_addr(f, "src_proto", &m->src_proto);
	fputs(", ", f);
	json_addr(f, "dst_proto", &m->dst_proto);
	fputs(", \"cies\": ", f);
	json_cies(f, m->cies, m->op <= NHRP_OP_PURGE_REPLY ? m->n_cies : 0);
	fputs(", \"exts\": [", f);
	for (unsigned int i = 0; i < m->n_exts; i++) {
		const struct nhrp_build_ext *e = &m->exts[i];

		fprintf(f, "%s{\"type\": %u, \"c\": %s, \"cies\": ", i ? ", " : "", e->type,
			e->compulsory ? "true" : "false");
		json_cies(f, e->cies, e->n_cies);
		fputc('}', f);
	}
	if (m->n_exts)
		fprintf(f, "%s{\"type\": 0, \"c\": true, \"cies\": []}", m->n_exts ? ", " : "");
	fputs("]}\n", f);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Ethernet / IPv4 / GRE [key] / NHRP around pkt. Returns the frame length. */
static size_t frame(uint8_t *f, const uint8_t *pkt, size_t len, const struct nhrp_build_msg *m,
		    bool key, unsigned int id)
{
	static const uint8_t eth[14] = {0x02, 0, 0, 0, 0, 0x01, 0x02, 0, 0, 0, 0, 0x06, 0x08, 0};
	size_t gre_len = key ? 8 : 4;
	uint8_t *ip = f + 14, *gre = ip + 20;
	uint16_t c;

	memcpy(f, eth, sizeof(eth));
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(20 + gre_len + len));
	put16(ip + 4, (uint16_t)id);
	put16(ip + 6, 0x4000); /* DF */
	ip[8] = 64;
	ip[9] = 47; /* GRE */
	memcpy(ip + 12, m->src_nbma.b, 4);
	memcpy(ip + 16, m->src_nbma.b[0] == 6 ? (const uint8_t[]){1, 1, 1, 1}
					       : (const uint8_t[]){6, 6, 6, 6}, 4);
	c = ip_csum(ip, 20);
	put16(ip + 10, c);
	put16(gre, key ? 0x2000 : 0); /* K bit */
	put16(gre + 2, NHRP_GRE_PROTO);
	if (key) {
		put16(gre + 4, 0);
		put16(gre + 6, GRE_KEY);
	}
	memcpy(gre + gre_len, pkt, len);
	return 14 + 20 + gre_len + len;
}

static void pcap_header(FILE *f)
{
	struct {
		uint32_t magic;
		uint16_t major, minor;
		int32_t zone;
		uint32_t sigfigs, snaplen, linktype;
	} h = {0xa1b2c3d4, 2, 4, 0, 0, 65535, 1 /* Ethernet */};

	fwrite(&h, sizeof(h), 1, f);
}

static void pcap_record(FILE *f, const uint8_t *data, size_t len, unsigned int n)
{
	uint32_t rec[4] = {1700000000 + n, 0, (uint32_t)len, (uint32_t)len};

	fwrite(rec, sizeof(rec), 1, f);
	fwrite(data, len, 1, f);
}

static void write_seed(const char *dir, const char *name, const uint8_t *pkt, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	CHECK(f != NULL, "%s: %s", path, strerror(errno));
	if (!f)
		return;
	fwrite(pkt, len, 1, f);
	fclose(f);
}

int main(int argc, char **argv)
{
	static uint8_t in_error[512], pkt[FRAME_MAX], fr[FRAME_MAX];
	unsigned int frames = 0, messages = 0;
	FILE *pcap, *expect;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: %s OUT.pcap EXPECT.jsonl [CORPUS_DIR]\n", argv[0]);
		return 2;
	}
	pcap = fopen(argv[1], "wb");
	expect = fopen(argv[2], "w");
	if (!pcap || !expect) {
		perror("nhrp_pcapgen");
		return 2;
	}
	make_icmp();
	pcap_header(pcap);

	for (uint8_t op = NHRP_OP_MIN; op <= NHRP_OP_MAX; op++) {
		for (int v = 0; v < V_MAX; v++) {
			struct nhrp_build_ext exts[8];
			struct nhrp_build_msg m;
			struct nhrp_msg view;
			char name[64], line[512];
			size_t len;
			int rc;

			base_msg(op, &m, in_error, sizeof(in_error));
			m.exts = exts;
			m.n_exts = variant_exts(v, exts);
			if (op == NHRP_OP_ERROR_INDICATION && m.n_exts) {
				CHECK(nhrp_build_len(&m) == -EINVAL, "EI with extensions built");
				continue;
			}
			snprintf(name, sizeof(name), "%s-%s", nhrp_op_name(op), variant_names[v]);
			rc = nhrp_build(&m, pkt, sizeof(pkt), &len);
			CHECK(rc == 0, "%s: nhrp_build: %d", name, rc);
			if (rc)
				continue;
			rc = nhrp_parse(pkt, len, NULL, &view);
			CHECK(rc == 0, "%s: does not parse back: %s", name, nhrp_err_name(rc));
			nhrp_format(&view, line, sizeof(line));
			printf("%-34s %s\n", name, line);
			check_mbuf(&m, pkt, len, name);
			messages++;
			if (argc == 4)
				write_seed(argv[3], name, pkt, len);

			for (int key = 0; key < 2; key++) {
				size_t flen = frame(fr, pkt, len, &m, key, frames + 1);

				pcap_record(pcap, fr, flen, frames);
				json_expect(expect, ++frames, name, key, &m, len);
			}
		}
	}
	/* Two more: a Traffic Indication with only the head of the triggering packet (what a
	 * hub that truncates sends), and a source NBMA subaddress in the header. */
	for (int extra = 0; extra < 2; extra++) {
		static const char *const names[2] = {"traffic-indication-head",
						     "resolution-request-subaddress"};
		struct nhrp_build_msg m;
		size_t len;

		if (extra == 0) {
			base_msg(NHRP_OP_TRAFFIC_INDICATION, &m, NULL, 0);
			m.payload_len = 28;
		} else {
			base_msg(NHRP_OP_RESOLUTION_REQUEST, &m, NULL, 0);
			m.src_nbma_sub = (struct nhrp_addr){.len = 3, .b = {0x01, 0x02, 0x03}};
		}
		CHECK(nhrp_build(&m, pkt, sizeof(pkt), &len) == 0, "%s", names[extra]);
		check_mbuf(&m, pkt, len, names[extra]);
		messages++;
		if (argc == 4)
			write_seed(argv[3], names[extra], pkt, len);
		for (int key = 0; key < 2; key++) {
			size_t flen = frame(fr, pkt, len, &m, key, frames + 1);

			pcap_record(pcap, fr, flen, frames);
			json_expect(expect, ++frames, names[extra], key, &m, len);
		}
	}
	fclose(pcap);
	fclose(expect);
	printf("%u messages, %u frames, %d failures\n", messages, frames, failures);
	return failures ? 1 : 0;
}

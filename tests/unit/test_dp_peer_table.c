/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Applying control's update messages to a worker's peer replica (dataplane/dp_peer_table.c):
 * upsert semantics, indexes, multicast list, deletion, flush, refused messages.
 */
#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <rte_eal.h>
#include <rte_hash.h>
#include <rte_jhash.h>
#include <rte_malloc.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "dataplane/dp_peer_table.h"
#include "tests/unit/cunit_run.h"

#define MAX 1024

static struct dp_peer_table *t;

static uint32_t ip(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	return rte_cpu_to_be_32((uint32_t)a << 24 | (uint32_t)b << 16 | (uint32_t)c << 8 | d);
}

static struct dp_peer_table *table_new(void)
{
	static unsigned int n;
	char name[32];
	struct rte_hash_parameters hp = {.entries = MAX, .hash_func = rte_jhash, .socket_id = 0};
	struct dp_peer_table *x = rte_zmalloc("t", sizeof(*x), 0);

	x->max = MAX;
	x->peers = rte_zmalloc("p", sizeof(struct dp_peer) * MAX, 0);
	x->mcast_slots = rte_zmalloc("m", sizeof(uint32_t) * MAX, 0);
	x->mcast_pos = rte_zmalloc("mp", sizeof(uint32_t) * MAX, 0);
	snprintf(name, sizeof(name), "bt%u", n);
	hp.name = name;
	hp.key_len = sizeof(uint32_t);
	x->by_tunnel = rte_hash_create(&hp);
	n++;
	x->nbma_mask = dp_peer_nbma_cells(MAX) - 1;
	x->nbma_shift = 32 - (uint32_t)rte_log2_u32(x->nbma_mask + 1);
	x->by_nbma = rte_zmalloc("n", sizeof(struct dp_nbma_ent) * (x->nbma_mask + 1), 0);
	return x;
}

static void table_free(struct dp_peer_table *x)
{
	rte_hash_free(x->by_tunnel);
	rte_free(x->by_nbma);
	rte_free(x->peers);
	rte_free(x->mcast_slots);
	rte_free(x->mcast_pos);
	rte_free(x);
}

static unsigned int nbma_cells_used(const struct dp_peer_table *x)
{
	unsigned int i, n = 0;

	for (i = 0; i <= x->nbma_mask; i++)
		n += x->by_nbma[i].used != 0;
	return n;
}

static int setup(void)
{
	t = table_new();
	return t == NULL || t->by_tunnel == NULL || t->by_nbma == NULL;
}

static int teardown(void)
{
	table_free(t);
	return 0;
}

static struct dp_msg set_msg(uint32_t slot, uint32_t tun, uint32_t nbma, uint8_t state,
			     uint8_t flags)
{
	struct dp_msg m = {.type = DP_MSG_PEER_SET, .slot = slot, .gen = slot + 1};

	m.u.peer.tunnel_addr = tun;
	m.u.peer.nbma_addr = nbma;
	m.u.peer.state = state;
	m.u.peer.flags = flags;
	m.u.peer.hdr_len = 38;
	return m;
}

static int apply(struct dp_msg m)
{
	return dp_peer_apply(t, &m);
}

static void test_peer_set_indexes_tunnel_and_outer_address(void)
{
	CU_ASSERT_EQUAL(apply(set_msg(5, ip(192, 168, 1, 6), ip(6, 6, 6, 6), DP_PEER_UP, 0)), 0);
	CU_ASSERT_EQUAL(dp_peer_by_tunnel(t, ip(192, 168, 1, 6)), 5);
	CU_ASSERT_EQUAL(dp_peer_by_nbma(t, ip(6, 6, 6, 6), 0), 5);
	CU_ASSERT_EQUAL(t->peers[5].d.hdr_len, 38);
	CU_ASSERT_EQUAL(t->applied_gen, 6);
}

static void test_incomplete_peer_has_no_outer_index(void)
{
	CU_ASSERT_EQUAL(apply(set_msg(7, ip(192, 168, 1, 7), ip(7, 7, 7, 7), DP_PEER_INCOMPLETE, 0)),
			0);
	CU_ASSERT_EQUAL(dp_peer_by_tunnel(t, ip(192, 168, 1, 7)), 7);
	CU_ASSERT_EQUAL(dp_peer_by_nbma(t, ip(7, 7, 7, 7), 0), -1);
}

static void test_upsert_of_same_peer_keeps_counters(void)
{
	t->peers[5].pkts_out = 42;
	CU_ASSERT_EQUAL(apply(set_msg(5, ip(192, 168, 1, 6), ip(6, 6, 6, 60), DP_PEER_UP, 0)), 0);
	CU_ASSERT_EQUAL(t->peers[5].pkts_out, 42);
	CU_ASSERT_EQUAL(dp_peer_by_nbma(t, ip(6, 6, 6, 60), 0), 5);
	CU_ASSERT_EQUAL(dp_peer_by_nbma(t, ip(6, 6, 6, 6), 0), -1); /* old address gone */
}

static void test_slot_reused_by_another_peer_resets_counters(void)
{
	CU_ASSERT_EQUAL(apply(set_msg(5, ip(192, 168, 1, 99), ip(9, 9, 9, 9), DP_PEER_UP, 0)), 0);
	CU_ASSERT_EQUAL(t->peers[5].pkts_out, 0);
	CU_ASSERT_EQUAL(dp_peer_by_tunnel(t, ip(192, 168, 1, 6)), -1);
	CU_ASSERT_EQUAL(dp_peer_by_tunnel(t, ip(192, 168, 1, 99)), 5);
	CU_ASSERT_EQUAL(dp_peer_by_nbma(t, ip(6, 6, 6, 60), 0), -1);
}

static void test_outer_address_taken_over_keeps_new_owner_on_old_delete(void)
{
	/* Two slots claim 8.8.8.8 in turn (a spoke re-registered from a new slot): deleting
	 * the old one must not remove the new owner's index entry. */
	apply(set_msg(10, ip(192, 168, 1, 10), ip(8, 8, 8, 8), DP_PEER_UP, 0));
	apply(set_msg(11, ip(192, 168, 1, 11), ip(8, 8, 8, 8), DP_PEER_UP, 0));
	CU_ASSERT_EQUAL(dp_peer_by_nbma(t, ip(8, 8, 8, 8), 0), 11);
	CU_ASSERT_EQUAL(apply((struct dp_msg){.type = DP_MSG_PEER_DEL, .slot = 10}), 0);
	CU_ASSERT_EQUAL(dp_peer_by_nbma(t, ip(8, 8, 8, 8), 0), 11);
	CU_ASSERT_EQUAL(t->peers[10].d.state, DP_PEER_FREE);
}

static void test_nat_port_is_part_of_the_outer_key(void)
{
	struct dp_msg a = set_msg(20, ip(192, 168, 1, 20), ip(5, 5, 5, 5), DP_PEER_UP, 0);
	struct dp_msg b = set_msg(21, ip(192, 168, 1, 21), ip(5, 5, 5, 5), DP_PEER_UP, 0);

	a.u.peer.nat_port = rte_cpu_to_be_16(4500);
	b.u.peer.nat_port = rte_cpu_to_be_16(4501);
	apply(a);
	apply(b);
	CU_ASSERT_EQUAL(dp_peer_by_nbma(t, ip(5, 5, 5, 5), rte_cpu_to_be_16(4500)), 20);
	CU_ASSERT_EQUAL(dp_peer_by_nbma(t, ip(5, 5, 5, 5), rte_cpu_to_be_16(4501)), 21);
	CU_ASSERT_EQUAL(dp_peer_by_nbma(t, ip(5, 5, 5, 5), 0), -1);
}

static void test_multicast_list_follows_flag_and_state(void)
{
	uint32_t before = t->n_mcast;

	apply(set_msg(30, ip(192, 168, 1, 30), ip(3, 0, 0, 30), DP_PEER_UP, DP_PEER_F_MULTICAST));
	apply(set_msg(31, ip(192, 168, 1, 31), ip(3, 0, 0, 31), DP_PEER_UP, DP_PEER_F_MULTICAST));
	apply(set_msg(32, ip(192, 168, 1, 32), ip(3, 0, 0, 32), DP_PEER_INCOMPLETE,
		      DP_PEER_F_MULTICAST));
	CU_ASSERT_EQUAL(t->n_mcast, before + 2);
	/* Flag cleared on an upsert: out of the list. */
	apply(set_msg(30, ip(192, 168, 1, 30), ip(3, 0, 0, 30), DP_PEER_UP, 0));
	CU_ASSERT_EQUAL(t->n_mcast, before + 1);
	CU_ASSERT_EQUAL(t->mcast_slots[t->mcast_pos[31] - 1], 31);
	apply((struct dp_msg){.type = DP_MSG_PEER_DEL, .slot = 31});
	CU_ASSERT_EQUAL(t->n_mcast, before);
	CU_ASSERT_EQUAL(t->mcast_pos[31], 0);
}

static void test_refused_messages_are_counted_and_change_nothing(void)
{
	uint64_t bad = t->bad_msgs;
	struct dp_msg m = set_msg(MAX, ip(192, 168, 1, 40), ip(4, 0, 0, 40), DP_PEER_UP, 0);

	CU_ASSERT_NOT_EQUAL(apply(m), 0); /* slot out of range */
	m = set_msg(40, ip(192, 168, 1, 40), ip(4, 0, 0, 40), 9, 0);
	CU_ASSERT_NOT_EQUAL(apply(m), 0); /* bad state */
	CU_ASSERT_NOT_EQUAL(apply((struct dp_msg){.type = 77, .slot = 1}), 0);
	CU_ASSERT_NOT_EQUAL(apply((struct dp_msg){.type = DP_MSG_LAN_NH_SET, .slot = DP_LAN_NH_MAX}),
			    0);
	CU_ASSERT_EQUAL(t->bad_msgs, bad + 4);
	CU_ASSERT_EQUAL(dp_peer_by_tunnel(t, ip(192, 168, 1, 40)), -1);
}

static void test_lan_next_hop_set(void)
{
	struct dp_msg m = {.type = DP_MSG_LAN_NH_SET, .slot = 3};

	m.u.lan_nh.port_id = 2;
	m.u.lan_nh.valid = 1;
	memcpy(m.u.lan_nh.dst_mac, "\x02\x00\x00\x00\x0a\xfe", 6);
	CU_ASSERT_EQUAL(apply(m), 0);
	CU_ASSERT_EQUAL(t->lan_nh[3].port_id, 2);
	CU_ASSERT_TRUE(t->lan_nh[3].valid);
	CU_ASSERT_EQUAL(t->lan_nh[3].dst.addr_bytes[5], 0xfe);
}

static void test_flush_empties_everything(void)
{
	CU_ASSERT_EQUAL(apply((struct dp_msg){.type = DP_MSG_FLUSH}), 0);
	CU_ASSERT_EQUAL(rte_hash_count(t->by_tunnel), 0);
	CU_ASSERT_EQUAL(nbma_cells_used(t), 0);
	CU_ASSERT_EQUAL(t->n_mcast, 0);
	CU_ASSERT_EQUAL(t->peers[11].d.state, DP_PEER_FREE);
	CU_ASSERT_EQUAL(t->mcast_pos[30], 0);
	CU_ASSERT_FALSE(t->lan_nh[3].valid);
	/* and works again afterwards */
	CU_ASSERT_EQUAL(apply(set_msg(5, ip(192, 168, 1, 6), ip(6, 6, 6, 6), DP_PEER_UP,
				      DP_PEER_F_MULTICAST)), 0);
	CU_ASSERT_EQUAL(dp_peer_by_nbma(t, ip(6, 6, 6, 6), 0), 5);
	CU_ASSERT_EQUAL(t->n_mcast, 1);
}

static void test_apply_ring_is_bounded_per_call(void)
{
	struct rte_ring *r = rte_ring_create_elem("msgs", sizeof(struct dp_msg), 1024, 0,
						  RING_F_SP_ENQ | RING_F_SC_DEQ);
	uint32_t i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	for (i = 0; i < 600; i++) {
		struct dp_msg m = set_msg(100 + i, ip(10, 0, (uint8_t)(i >> 8), (uint8_t)i),
					  ip(11, 0, (uint8_t)(i >> 8), (uint8_t)i), DP_PEER_UP, 0);

		CU_ASSERT_EQUAL(rte_ring_sp_enqueue_elem(r, &m, sizeof(m)), 0);
	}
	CU_ASSERT_EQUAL(dp_peer_apply_ring(t, r, DP_MSG_APPLY_MAX), DP_MSG_APPLY_MAX);
	CU_ASSERT_EQUAL(rte_ring_count(r), 600 - DP_MSG_APPLY_MAX);
	CU_ASSERT_EQUAL(dp_peer_apply_ring(t, r, 1000), 600 - DP_MSG_APPLY_MAX);
	CU_ASSERT_EQUAL(dp_peer_by_tunnel(t, ip(10, 0, 2, 87)), 100 + 599);
	rte_ring_free(r);
}

/* The burst path's bulk lookup answers exactly what one-at-a-time lookups answer: hits,
 * misses, an INCOMPLETE peer (no outer index), a NAT port, a full burst of DP_BURST. */
static void test_bulk_outer_lookup_matches_single_lookups(void)
{
	struct dp_peer_nbma_key keys[DP_BURST];
	int32_t slots[DP_BURST];
	unsigned int i;

	CU_ASSERT_EQUAL(apply((struct dp_msg){.type = DP_MSG_FLUSH}), 0);
	for (i = 0; i < 20; i++)
		CU_ASSERT_EQUAL(apply(set_msg(100 + i, ip(192, 168, 2, (uint8_t)i),
					      ip(9, 9, 9, (uint8_t)i),
					      i == 7 ? DP_PEER_INCOMPLETE : DP_PEER_UP, 0)), 0);
	for (i = 0; i < DP_BURST; i++)
		keys[i] = (struct dp_peer_nbma_key){.addr = ip(9, 9, 9, (uint8_t)(i * 3 % 40)),
						    .port = i == 4 ? 4500 : 0};
	memset(slots, 0x55, sizeof(slots));
	dp_peer_by_nbma_bulk(t, keys, DP_BURST, slots);
	for (i = 0; i < DP_BURST; i++) {
		CU_ASSERT_EQUAL(slots[i], dp_peer_by_nbma(t, keys[i].addr, keys[i].port));
	}
	CU_ASSERT_EQUAL(slots[1], 103);  /* 9.9.9.3 */
	CU_ASSERT_EQUAL(slots[4], -1);   /* 9.9.9.12 exists, but not from NAT port 4500 */
	CU_ASSERT_EQUAL(slots[7], -1);   /* 9.9.9.21: no such peer */
	CU_ASSERT_EQUAL(slots[9], -1);   /* 9.9.9.27: none either */
	keys[0] = (struct dp_peer_nbma_key){.addr = ip(9, 9, 9, 7)};
	dp_peer_by_nbma_bulk(t, keys, 1, slots);
	CU_ASSERT_EQUAL(slots[0], -1);   /* INCOMPLETE: no outer index */
	slots[0] = 42;
	dp_peer_by_nbma_bulk(t, keys, 0, slots);
	CU_ASSERT_EQUAL(slots[0], 42);   /* n = 0 touches nothing */
}

static uint32_t xorshift32(uint32_t x)
{
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return x;
}

/* The open-addressing outer index under churn: the table nearly full (1000 UP peers in
 * 1024 slots, 2048 cells, so clusters form), random deletions (backward shift) and re-adds
 * with new addresses and NAT ports; after every step each slot's current key finds the
 * slot and each retired key finds nothing. */
static void test_outer_index_survives_random_churn(void)
{
	static uint32_t cur[MAX], old[MAX];
	static uint16_t cur_port[MAX], old_port[MAX];
	uint32_t seed = 12345, i, step, bad = 0;

	CU_ASSERT_EQUAL(apply((struct dp_msg){.type = DP_MSG_FLUSH}), 0);
	memset(cur, 0, sizeof(cur));
	memset(old, 0, sizeof(old));
	for (step = 0; step < 6000; step++) {
		uint32_t slot, nbma;
		struct dp_msg m;

		seed = xorshift32(seed);
		slot = seed % 1000;
		seed = xorshift32(seed);
		nbma = rte_cpu_to_be_32(0x0a000000 | ((seed >> 4) & 0xffffff));
		if (cur[slot] != 0 && (seed >> 31)) {
			m = (struct dp_msg){.type = DP_MSG_PEER_DEL, .slot = slot};
			CU_ASSERT_EQUAL(apply(m), 0);
			old[slot] = cur[slot];
			old_port[slot] = cur_port[slot];
			cur[slot] = 0;
		} else {
			m = set_msg(slot, ip(172, 20, (uint8_t)(slot >> 8), (uint8_t)slot), nbma,
				    DP_PEER_UP, 0);
			m.u.peer.nat_port = (seed >> 30) & 1 ? rte_cpu_to_be_16(4500) : 0;
			CU_ASSERT_EQUAL(apply(m), 0);
			old[slot] = cur[slot];
			old_port[slot] = cur_port[slot];
			cur[slot] = nbma;
			cur_port[slot] = m.u.peer.nat_port;
		}
		if (step % 97 != 0 && step < 5990)
			continue;
		for (i = 0; i < 1000; i++) {
			if (cur[i] != 0 && dp_peer_by_nbma(t, cur[i], cur_port[i]) != (int32_t)i)
				bad++;
			if (old[i] != 0 && (old[i] != cur[i] || old_port[i] != cur_port[i]) &&
			    dp_peer_by_nbma(t, old[i], old_port[i]) == (int32_t)i)
				bad++;
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
	for (i = 0, step = 0; i < 1000; i++)
		step += cur[i] != 0;
	CU_ASSERT_EQUAL(nbma_cells_used(t), step);
	CU_ASSERT_EQUAL(apply((struct dp_msg){.type = DP_MSG_FLUSH}), 0);
	CU_ASSERT_EQUAL(nbma_cells_used(t), 0);
}

int main(int argc, char **argv)
{
	char *eal[] = {argv[0], "--no-huge", "-m", "256", "--no-shconf", "--no-telemetry",
		       "--no-pci", "-l", "0", "--log-level=6", NULL};
	static const struct {
		const char *name;
		CU_TestFunc fn;
	} tests[] = {
		{"test_peer_set_indexes_tunnel_and_outer_address",
		 test_peer_set_indexes_tunnel_and_outer_address},
		{"test_incomplete_peer_has_no_outer_index", test_incomplete_peer_has_no_outer_index},
		{"test_upsert_of_same_peer_keeps_counters", test_upsert_of_same_peer_keeps_counters},
		{"test_slot_reused_by_another_peer_resets_counters",
		 test_slot_reused_by_another_peer_resets_counters},
		{"test_outer_address_taken_over_keeps_new_owner_on_old_delete",
		 test_outer_address_taken_over_keeps_new_owner_on_old_delete},
		{"test_nat_port_is_part_of_the_outer_key", test_nat_port_is_part_of_the_outer_key},
		{"test_multicast_list_follows_flag_and_state",
		 test_multicast_list_follows_flag_and_state},
		{"test_refused_messages_are_counted_and_change_nothing",
		 test_refused_messages_are_counted_and_change_nothing},
		{"test_lan_next_hop_set", test_lan_next_hop_set},
		{"test_flush_empties_everything", test_flush_empties_everything},
		{"test_apply_ring_is_bounded_per_call", test_apply_ring_is_bounded_per_call},
		{"test_bulk_outer_lookup_matches_single_lookups",
		 test_bulk_outer_lookup_matches_single_lookups},
		{"test_outer_index_survives_random_churn", test_outer_index_survives_random_churn},
	};
	CU_pSuite s;
	unsigned int i;

	(void)argc;
	if (rte_eal_init((int)RTE_DIM(eal) - 1, eal) < 0 || CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("dp_peer_table", setup, teardown);
	for (i = 0; i < RTE_DIM(tests); i++)
		CU_add_test(s, tests[i].name, tests[i].fn);
	return hub_cunit_run();
}

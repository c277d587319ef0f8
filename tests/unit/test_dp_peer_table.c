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
	snprintf(name, sizeof(name), "bn%u", n++);
	hp.name = name;
	hp.key_len = sizeof(struct dp_peer_nbma_key);
	x->by_nbma = rte_hash_create(&hp);
	return x;
}

static void table_free(struct dp_peer_table *x)
{
	rte_hash_free(x->by_tunnel);
	rte_hash_free(x->by_nbma);
	rte_free(x->peers);
	rte_free(x->mcast_slots);
	rte_free(x->mcast_pos);
	rte_free(x);
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
	CU_ASSERT_EQUAL(rte_hash_count(t->by_nbma), 0);
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

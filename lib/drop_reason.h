/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Every packet the hub does not forward or consume is counted under one named reason.
 * This single list generates the enum and the names shown by the CLI and logs.
 */
#ifndef HUB_DROP_REASON_H
#define HUB_DROP_REASON_H

#define HUB_DROP_REASONS(X)                                                                     \
	X(ETH_TRUNCATED, "eth-truncated")       /* shorter than an Ethernet header */           \
	X(ETH_NOT_FOR_US, "eth-not-for-us")     /* unicast to another MAC */                   \
	X(ETHERTYPE, "ethertype-unsupported")   /* not IPv4 or ARP (VLAN, IPv6, ...) */       \
	X(ARP_MALFORMED, "arp-malformed")       /* not Ethernet/IPv4 ARP, or truncated */      \
	X(ARP_NOT_FOR_US, "arp-not-for-us")     /* request for another address */              \
	X(IP_TRUNCATED, "ipv4-truncated")       /* buffer shorter than IHL or total length */ \
	X(IP_BAD_HEADER, "ipv4-bad-header")     /* version, IHL or total length wrong */       \
	X(IP_BAD_CSUM, "ipv4-bad-checksum")                                                     \
	X(IP_FRAGMENT, "ipv4-fragment")         /* outer fragments are not reassembled */      \
	X(IP_NOT_FOR_US, "ipv4-not-for-us")     /* underlay packet to another address */       \
	X(IP_PROTO, "ipv4-protocol")            /* to us, but not GRE, ESP, UDP 4500 or ICMP */ \
	X(ICMP_UNHANDLED, "icmp-unhandled")     /* ICMP to us other than echo request */      \
	X(ICMP_MALFORMED, "icmp-malformed")                                                     \
	X(PUNT_RING_FULL, "punt-ring-full")     /* control is behind; packet not punted */     \
	X(PUNT_LOW_RING_FULL, "nhrp-new-ring-full") /* NHRP from unknown sources backs up */ \
	X(TX_FULL, "tx-full")                   /* the port did not take the packet */         \
	X(NO_NEIGHBOUR, "no-neighbour")         /* next hop MAC unresolved */                  \
	X(NO_ROUTE, "no-underlay-route")        /* no underlay route to the destination */     \
	X(CONTROL, "control-consumed-error")    /* control could not handle a punted packet; \
						 * defensive: no input reaches it (below) */ \
	X(GRE_TRUNCATED, "gre-truncated")       /* shorter than its flags say */               \
	X(GRE_VERSION, "gre-version")           /* version not 0 (RFC 2784 2.3.1) */           \
	X(GRE_FLAGS, "gre-flags")               /* routing, strict route or bit 5 set */       \
	X(GRE_BAD_CSUM, "gre-bad-checksum")     /* C bit set, checksum wrong */                \
	X(INNER_TRUNCATED, "inner-truncated")   /* inner IPv4 shorter than IHL or length */    \
	X(INNER_BAD_HEADER, "inner-bad-header") /* inner version, IHL or length wrong */       \
	X(INNER_BAD_CSUM, "inner-bad-checksum") \
	X(GRE_KEY, "gre-wrong-key")             /* key missing, unexpected or wrong (RFC 2890) */ \
	X(GRE_PROTO, "gre-protocol")            /* GRE payload neither IPv4 nor NHRP */        \
	X(GRE_UNKNOWN_PEER, "gre-unknown-peer") /* data from an outer source with no binding */ \
	X(INNER_NO_ROUTE, "inner-no-route")     /* FIB miss for the inner destination */       \
	X(BLACKHOLE, "inner-blackhole")         /* route to null */                            \
	X(NO_BINDING, "no-nhrp-binding")        /* tunnel address with no registered spoke */  \
	X(PEER_INCOMPLETE, "peer-incomplete")   /* route via a spoke that is not registered */ \
	X(TTL_EXCEEDED, "ttl-exceeded")         /* inner TTL ran out (ICMP sent back) */       \
	X(MTU_EXCEEDED, "mtu-exceeded")         /* DF set and too big (ICMP sent back) */      \
	X(FRAG_FAILED, "fragmentation-failed")  /* no mbufs to fragment into, or an option \
						 * too long for the header (RFC 791 3.1) */ \
	X(NO_HEADROOM, "no-headroom")           /* no room to prepend the outer header */      \
	X(LOCAL_UNHANDLED, "local-unhandled")   /* for the hub's tunnel address, not served */ \
	X(NHRP_NOT_SERVED, "nhrp-not-served")   /* NHRP reached control; no server yet */ \
	X(MCAST_NO_MBUF, "multicast-no-mbuf")   /* a replica could not be built */         \
	X(NHRP_MALFORMED, "nhrp-malformed")     /* the NHRP codec refused the packet */        \
	X(NHRP_AUTH, "nhrp-auth-failure")       /* NHRP authentication missing or wrong */ \
	X(EXC_NOT_IPV4, "exception-not-ipv4")   /* from the exception interface: not IPv4/ARP */ \
	X(EXC_NO_ROUTE, "exception-no-route")   /* from the exception interface: no usable route */ \
	X(EXC_BROADCAST, "exception-broadcast") /* broadcast from the kernel: not replicated */ \
	X(EXC_TAP_FULL, "exception-tap-full")   /* the exception interface did not take it */ \
	X(ESP_UNKNOWN_SPI, "esp-unknown-spi")   /* no inbound SA with that SPI */             \
	X(ESP_INTEGRITY, "esp-integrity-failure") /* ICV mismatch (RFC 4303 3.4.4) */        \
	X(ESP_REPLAY, "esp-replay")             /* seen already or left of the window */       \
	X(ESP_BAD_PADDING, "esp-bad-padding")   /* pad length/bytes or next header wrong */    \
	X(ESP_TRUNCATED, "esp-truncated")       /* shorter than header + trailer + ICV, or not \
						 * a whole number of cipher blocks */        \
	X(ESP_PEER_MISMATCH, "esp-peer-mismatch") /* SA used from an address not bound to it */ \
	X(ESP_CRYPTO, "esp-crypto-error")       /* IPsec-MB job failed, or no flat buffer */ \
	X(ESP_SEQ_OVERFLOW, "esp-seq-overflow") /* 32-bit sequence used up: rekey (3.3.3) */ \
	X(ESP_NO_SA, "esp-no-sa")               /* protection required, peer has no SA */      \
	X(UNPROTECTED, "unprotected")           /* clear GRE/NHRP on a protected tunnel */    \
	X(NATT_TRUNCATED, "natt-truncated")     /* UDP 4500: UDP length wrong, or a payload \
						 * too short for ESP (RFC 3948 2) */          \
	X(NATT_IKE, "natt-ike")                 /* UDP 4500 with the non-ESP marker: IKE, \
						 * which the hub does not speak (yet) */      \
	X(UDP_PORT, "udp-port")                 /* UDP to the hub on a port other than 4500 */ \
	X(ESP_NATT_MISMATCH, "esp-natt-mismatch") /* ESP-in-UDP on a plain SA, plain ESP on \
						 * a NAT-T SA, or from another UDP port */ \
	X(ESP_TUNNEL_INNER, "esp-tunnel-inner") /* tunnel mode: the packet inside is not \
						 * IPv4 GRE to the address it arrived on */ \
	X(ARP_MERGED, "arp-merged")             /* for another address, from a known neighbour: \
						 * its entry refreshed (RFC 826), nothing else */ \
	X(ARP_OWN_ADDRESS, "arp-own-address")   /* sender claims the port's own address */     \
	X(ARP_TABLE_FULL, "arp-table-full")     /* reply to us, no room to learn the sender */ \
	X(ARP_OFF_LINK, "arp-off-link")         /* reply to us from a sender not on the port's link */

enum hub_drop {
#define HUB_DROP_ENUM(sym, name) HUB_DROP_##sym,
	HUB_DROP_REASONS(HUB_DROP_ENUM)
#undef HUB_DROP_ENUM
	HUB_DROP_MAX
};

/* The reason's stable name ("ipv4-bad-checksum"), or "unknown". */
const char *hub_drop_name(unsigned int reason);

/*
 * control-consumed-error is defensive, reached by no input: its sites are an ARP punt from
 * a port control did not configure and a punt of an unknown type (control/ctl_loop.c), a
 * glean for an unconfigured port (control/ctl_lan.c) and NHRP punted for a tunnel that does
 * not exist (control/nhrp_server.c). A worker takes port, punt type, next hop and tunnel
 * from tables control built from the same configuration, so each needs a worker bug.
 * Of the 13 reasons no other test reached, tests/func/test_drop_reasons.c provokes the
 * other 12 through real input.
 */

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The configuration schema: one table per section naming every known key, the libconfig
 * type it must have, its range, its default and where it lands in struct hub_cfg. The same
 * tables drive the checks on a parsed file (unknown keys, types, ranges, address syntax),
 * filling the structs, printing the canonical form, comparing and freeing; the rules that
 * relate one setting to another live in cfg_parse.c.
 *
 * Internal to the cfg_ module: the rest of the hub uses lib/cfg.h only.
 */
#ifndef HUB_CFG_SCHEMA_H
#define HUB_CFG_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libconfig.h>

#include "lib/cfg.h"

/* What the setting must be in the file. */
enum cfg_ltype {
	CFG_LT_INT,    /* integer, decimal or hex, any width */
	CFG_LT_BOOL,   /* true / false */
	CFG_LT_STRING, /* "..." */
	CFG_LT_GROUP,  /* { key = value; ... } */
	CFG_LT_LIST,   /* ( { ... }, { ... } ): a list of groups */
	CFG_LT_ARRAY,  /* [ 1, 2 ]: an array of integers */
};

/* How the value is stored in the struct. */
enum cfg_ctype {
	CFG_CT_NONE,   /* GROUP, LIST: no value of its own */
	CFG_CT_BOOL,   /* bool */
	CFG_CT_U16,    /* uint16_t */
	CFG_CT_U32,    /* uint32_t */
	CFG_CT_UINT,   /* unsigned int */
	CFG_CT_INT,    /* int, and enums */
	CFG_CT_STR,    /* char[size] */
	CFG_CT_PREFIX, /* struct cfg_prefix */
	CFG_CT_IPV4,   /* uint32_t, network byte order */
};

/* What a string must look like. */
enum cfg_fmt {
	CFG_FMT_NONE,	  /* not a string */
	CFG_FMT_NAME,	  /* [A-Za-z0-9_.-]+ */
	CFG_FMT_DEVICE,	  /* PCI address or vdev name, then optional ",devargs" */
	CFG_FMT_TEXT,	  /* printable ASCII (passwords) */
	CFG_FMT_IFADDR,	  /* unicast host address with its prefix, a.b.c.d/1..32 */
	CFG_FMT_NETWORK,  /* route destination, a.b.c.d/0..32 with no host bits set */
	CFG_FMT_HOST,	  /* unicast host address a.b.c.d */
	CFG_FMT_LISTEN,	  /* local address to bind, a.b.c.d, 0.0.0.0 = any */
	CFG_FMT_WORDS,	  /* one of key->words */
	CFG_FMT_LOGTYPE,  /* hub.<name>[.<name>...] */
};

#define CFG_KEY_REQUIRED 0x01 /* absent is an error */
#define CFG_KEY_POW2 0x02     /* integer must be a power of two */
#define CFG_KEY_ZERO_OK 0x04  /* 0 is accepted besides min..max (0 = off) */
#define CFG_KEY_OPTIONAL 0x08 /* no default: absent stays absent and is not printed */
#define CFG_KEY_HAS_FLAG 0x10 /* OPTIONAL with a bool at has_off saying it is present */
#define CFG_KEY_DYNAMIC 0x20  /* LIST stored behind a pointer at off, else inline array */

/* A keyword and the value it stands for. */
struct cfg_word {
	const char *name;
	int value;
};

struct cfg_section;

struct cfg_key {
	const char *name;
	enum cfg_ltype ltype;
	enum cfg_ctype ctype;
	enum cfg_fmt fmt;
	unsigned int flags;	 /* CFG_KEY_* */
	int64_t min, max;	 /* INT and ARRAY elements: value; STRING: length in bytes */
	unsigned int max_n;	 /* LIST, ARRAY: most entries */
	unsigned int min_n;	 /* LIST: fewest entries */
	int64_t def;		 /* default of INT, BOOL and WORDS keys */
	const char *def_str;	 /* default of a STR key; NULL = "" */
	const struct cfg_word *words; /* WORDS: NULL-terminated */
	size_t off;		 /* field (or sub-object, or array) offset in the parent object */
	size_t size;		 /* STR: buffer size; LIST: element size */
	size_t has_off;		 /* CFG_KEY_HAS_FLAG: offset of the presence bool */
	size_t cnt_off;		 /* LIST, ARRAY: offset of the unsigned int entry count */
	const struct cfg_section *sub; /* GROUP, LIST: schema of the group / of each entry */
};

struct cfg_section {
	const struct cfg_key *keys;
	unsigned int n_keys;
	bool has_line;	 /* the object has an int "line" field at line_off */
	size_t line_off;
};

/* The whole file: the root group maps onto struct hub_cfg. */
extern const struct cfg_section cfg_schema_root;

/* Where errors go: the first one in file order wins. */
struct cfg_errbuf {
	const char *file; /* name printed in messages */
	char *buf;
	size_t len;
	unsigned int line;
	bool set;
};

void cfg_err_add(struct cfg_errbuf *e, unsigned int line, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/*
 * An integer literal as written in the text. libconfig 1.5 truncates decimal literals
 * beyond 32 bits and hex ones beyond 0x7fffffff, so cfg_parse.c reads every integer literal
 * itself and hangs it on the setting's hook; the schema reads values from there.
 */
struct cfg_literal {
	int64_t value;
	bool overflow;	  /* beyond 64 bits */
	const char *text; /* points into the parsed text */
	int len;
	unsigned int line;
};

/*
 * Check the tree under ROOT against the schema and fill CFG (defaults first). Reports
 * unknown keys, wrong types, missing required keys, out-of-range values and malformed
 * strings into E. CFG must be zeroed; on error it may be partly filled (cfg_schema_release
 * frees it).
 */
void cfg_schema_fill(struct cfg_errbuf *e, const config_setting_t *root, struct hub_cfg *cfg);

/* Free what cfg_schema_fill allocated inside CFG (not CFG itself). */
void cfg_schema_release(struct hub_cfg *cfg);

/* Name of WORDS' value, NULL if none. */
const char *cfg_word_name(const struct cfg_word *words, int value);

/* "a.b.c.d" into buf (at least 16 bytes); returns buf. */
const char *cfg_ipv4_str(uint32_t addr, char *buf, size_t len);

/* Host mask of a prefix length, host byte order. */
static inline uint32_t cfg_mask(uint8_t len)
{
	return len == 0 ? 0 : (uint32_t)(0xffffffffu << (32 - len));
}

#endif /* HUB_CFG_SCHEMA_H */

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The command set: every `struct cli_cmd` table turned into rte_cmdline instructions at
 * start-up, plus what rte_cmdline does not do the Cisco way (prefixes, errors, '?').
 *
 * Keywords: rte_cmdline's fixed-string token accepts only the whole word, so keywords use
 * a token type of our own that accepts any prefix no other keyword at the same place
 * shares ("sh ip nh" is "show ip nhrp"; "sh i" is ambiguous between "interfaces" and
 * "ip"). Each instruction has its own token objects; at build time each keyword learns
 * its rivals: the other keywords at the same position of commands whose earlier words
 * are the same. An exact word always wins, even when it is a prefix of a rival.
 *
 * Errors: when cmdline_parse() refuses a line, the line is matched again here word by
 * word to say which word is wrong, as IOS does, rather than rte_cmdline's "Bad arguments".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmdline_parse.h>
#include <rte_errno.h>

#include "control/cli_priv.h"
#include "lib/cfg.h"
#include "lib/esp_sa.h"

#define CLI_MAX_TOKENS 12
#define WORD_MAX 84 /* a HEX key: "0x" + 78 digits */

enum cli_tok_kind {
	CLI_TOK_KW = 0,
	CLI_TOK_IPV4,	/* A.B.C.D */
	CLI_TOK_PREFIX, /* A.B.C.D/LEN */
	CLI_TOK_NUM,	/* ID */
	CLI_TOK_SPI,	/* SPI */
	CLI_TOK_HEX,	/* HEX */
};

struct cli_token {
	struct cmdline_token_hdr hdr; /* first: rte_cmdline sees only this */
	uint8_t kind;		      /* enum cli_tok_kind */
	char *word;		      /* the keyword, or the placeholder as written */
	const char **rivals;	      /* KW: other keywords at this place, NULL-terminated */
	bool exact;		      /* KW: no abbreviation */
};

/* One instruction and what we know about it. */
struct cli_entry {
	const struct cli_cmd *cmd;
	uint32_t flags;		      /* cmd->flags without table-only bits, + CLI_F_JSON */
	unsigned int ntok;
	struct cli_token *tok[CLI_MAX_TOKENS];
	cmdline_parse_inst_t *inst;
};

struct help_item {
	const char *word;
	const char *help;
};

/* Longest line rdline hands us (its buffer is RDLINE_BUF_SIZE, 512 bytes). */
#define CAND_LINE_MAX 512

struct cli_cmdset {
	struct cli_entry *e;
	unsigned int n;
	cmdline_parse_ctx_t *ctx;     /* NULL-terminated, for cmdline_new() */
	/* Work space for the matchers, made once with the set (the control thread is the only
	 * user): no allocation per line, per '?' or per TAB. */
	unsigned int *matched;	      /* diagnose: words each entry accepts */
	struct help_item *items;      /* '?': n + 1 */
	const char **cand;	      /* TAB: n + 1 candidates of cand_line, sorted */
	unsigned int ncand;
	unsigned int cand_plen;	      /* length of cand_line's last word when still typed */
	bool cand_valid;
	char cand_line[CAND_LINE_MAX + 1];
};

/* Help for words that are not the last of any command ('?'). */
static const struct {
	const char *word, *help;
} word_help[] = {
	{"show", "Show running system information"},
	{"clear", "Reset functions"},
	{"no", "Negate a command"},
	{"ip", "IP information or configuration"},
	{"nhrp", "NHRP information or configuration"},
	{"map", "Static NHRP mapping"},
	{"route", "IP routing table or static route"},
	{"via", "Next hop"},
	{"cef", "Forwarding (CEF) decision"},
	{"debug", "Debugging functions"},
	{"undebug", "Disable debugging functions"},
	{"port", "DPDK port information"},
	{"stats", "Port statistics"},
	{"detail", "Detailed output"},
	{"json", "Output as one JSON document"},
	{"all", "Every port"},
	{"A.B.C.D", "IPv4 address"},
	{"A.B.C.D/LEN", "IPv4 prefix"},
	{"ID", "DPDK port id"},
	{"crypto", "ESP security associations"},
	{"SPI", "Security parameter index (decimal or 0x hex)"},
	{"HEX", "Key in hex digits"},
};

static const char *help_of_word(const char *w)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(word_help); i++)
		if (strcmp(word_help[i].word, w) == 0)
			return word_help[i].help;
	return "";
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Length of the token at buf, as rte_cmdline delimits it. */
static unsigned int tok_len(const char *buf)
{
	unsigned int n = 0;

	while (!cmdline_isendoftoken(buf[n]))
		n++;
	return n;
}

/* Match the n characters at buf against t; returns 0 when they fit, -1 otherwise. When
 * res is not NULL the value is stored there. */
static int tok_match(const struct cli_token *t, const char *buf, unsigned int n, void *res,
		     unsigned int ressize)
{
	char word[WORD_MAX];
	union cli_arg v;
	struct cfg_prefix p;
	unsigned int i;

	if (n == 0)
		return -1;
	if (t->kind == CLI_TOK_KW) {
		size_t wl;

		/* Most keywords fail on their first letter: no strlen()/strncmp() for those
		 * (every line, '?' and TAB tries the whole command set). */
		if (buf[0] != t->word[0])
			return -1;
		wl = strlen(t->word);
		if (n > wl || strncmp(buf, t->word, n) != 0)
			return -1;
		if (n == wl)
			return 0;
		if (t->exact)
			return -1;
		for (i = 0; t->rivals != NULL && t->rivals[i] != NULL; i++)
			if (strncmp(t->rivals[i], buf, n) == 0)
				return -1; /* ambiguous prefix */
		return 0;
	}
	if (n >= sizeof(word))
		return -1;
	memcpy(word, buf, n);
	word[n] = '\0';
	memset(&v, 0, sizeof(v));
	switch (t->kind) {
	case CLI_TOK_IPV4:
		if (cfg_parse_ipv4(word, &v.addr) < 0)
			return -1;
		break;
	case CLI_TOK_PREFIX:
		if (strchr(word, '/') == NULL || cfg_parse_prefix(word, &p) < 0)
			return -1;
		v.prefix.addr = p.addr;
		v.prefix.len = p.len;
		break;
	case CLI_TOK_NUM: {
		unsigned long x = 0;

		for (i = 0; i < n; i++) {
			if (word[i] < '0' || word[i] > '9')
				return -1;
			x = x * 10 + (unsigned long)(word[i] - '0');
			if (x > 65535)
				return -1;
		}
		v.num = (uint32_t)x;
		break;
	}
	case CLI_TOK_SPI: {
		unsigned long long x;
		char *end;

		if (word[0] < '0' || word[0] > '9')
			return -1;
		errno = 0;
		x = strtoull(word, &end, 0);
		if (errno != 0 || *end != '\0' || x > UINT32_MAX)
			return -1;
		v.num = (uint32_t)x;
		break;
	}
	case CLI_TOK_HEX: {
		int len = esp_hex_parse(word, v.hex.b, sizeof(v.hex.b));

		if (len < 0)
			return -1;
		v.hex.len = (uint8_t)len;
		break;
	}
	default:
		return -1;
	}
	if (res != NULL) {
		if (ressize < sizeof(v))
			return -1;
		memcpy(res, &v, sizeof(v));
	}
	return 0;
}

/* rte_cmdline token operations. */
static int tok_parse(cmdline_parse_token_hdr_t *hdr, const char *buf, void *res,
		     unsigned int ressize)
{
	const struct cli_token *t = (const struct cli_token *)hdr;
	unsigned int n;

	if (buf == NULL)
		return -1;
	n = tok_len(buf);
	return tok_match(t, buf, n, t->kind == CLI_TOK_KW ? NULL : res, ressize) < 0 ? -1
										  : (int)n;
}

static int tok_complete_get_nb(cmdline_parse_token_hdr_t *hdr)
{
	return ((const struct cli_token *)hdr)->kind == CLI_TOK_KW ? 1 : 0;
}

static int tok_complete_get_elt(cmdline_parse_token_hdr_t *hdr, int idx, char *dst,
				unsigned int size)
{
	const struct cli_token *t = (const struct cli_token *)hdr;

	if (t->kind != CLI_TOK_KW || idx != 0 || size == 0 || strlen(t->word) >= size)
		return -1;
	strcpy(dst, t->word);
	return 0;
}

static int tok_get_help(cmdline_parse_token_hdr_t *hdr, char *dst, unsigned int size)
{
	const struct cli_token *t = (const struct cli_token *)hdr;

	if (size == 0)
		return -1;
	snprintf(dst, size, "%s", t->word);
	return 0;
}

static struct cmdline_token_ops cli_token_ops = {
	.parse = tok_parse,
	.complete_get_nb = tok_complete_get_nb,
	.complete_get_elt = tok_complete_get_elt,
	.get_help = tok_get_help,
};

static const struct cli_cmd *const cli_tables[] = {
	cli_session_cmds,
	cli_nhrp_cmds,
	cli_route_cmds,
	cli_system_cmds,
	cli_debug_cmds,
	cli_crypto_cmds,
};

static struct cli_token *token_new(const char *word, size_t len, unsigned int argn)
{
	struct cli_token *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	t->word = strndup(word, len);
	if (t->word == NULL) {
		free(t);
		return NULL;
	}
	t->hdr.ops = &cli_token_ops;
	if (strcmp(t->word, "A.B.C.D") == 0)
		t->kind = CLI_TOK_IPV4;
	else if (strcmp(t->word, "A.B.C.D/LEN") == 0)
		t->kind = CLI_TOK_PREFIX;
	else if (strcmp(t->word, "ID") == 0)
		t->kind = CLI_TOK_NUM;
	else if (strcmp(t->word, "SPI") == 0)
		t->kind = CLI_TOK_SPI;
	else if (strcmp(t->word, "HEX") == 0)
		t->kind = CLI_TOK_HEX;
	else
		t->kind = CLI_TOK_KW;
	if (t->kind != CLI_TOK_KW)
		t->hdr.offset = (unsigned int)(offsetof(struct cli_args, v) +
					       argn * sizeof(union cli_arg));
	return t;
}

static int entry_build(struct cli_entry *e, const struct cli_cmd *cmd, bool json)
{
	const char *p = cmd->syntax;
	unsigned int argn = 0, i;

	e->cmd = cmd;
	e->flags = (cmd->flags & ~(CLI_C_JSON | CLI_C_EXACT)) | (json ? CLI_F_JSON : 0);
	while (*p != '\0') {
		size_t len = strcspn(p, " ");

		if (len == 0) {
			p++;
			continue;
		}
		if (e->ntok + (json ? 1 : 0) >= CLI_MAX_TOKENS)
			return -E2BIG;
		e->tok[e->ntok] = token_new(p, len, argn);
		if (e->tok[e->ntok] == NULL)
			return -ENOMEM;
		if (e->tok[e->ntok]->kind != CLI_TOK_KW && ++argn > CLI_MAX_ARGS)
			return -E2BIG;
		e->tok[e->ntok]->exact = (cmd->flags & CLI_C_EXACT) != 0;
		e->ntok++;
		p += len;
	}
	if (json) {
		e->tok[e->ntok] = token_new("json", 4, argn);
		if (e->tok[e->ntok] == NULL)
			return -ENOMEM;
		e->ntok++;
	}
	e->inst = calloc(1, sizeof(*e->inst) + (e->ntok + 1) * sizeof(e->inst->tokens[0]));
	if (e->inst == NULL)
		return -ENOMEM;
	e->inst->f = cli_cmd_dispatch;
	e->inst->data = e;
	e->inst->help_str = cmd->help;
	for (i = 0; i < e->ntok; i++)
		e->inst->tokens[i] = &e->tok[i]->hdr;
	e->inst->tokens[e->ntok] = NULL;
	return 0;
}

/* Same words (keywords equal, placeholders of the same kind) at positions 0..k-1. */
static bool same_path(const struct cli_entry *a, const struct cli_entry *b, unsigned int k)
{
	unsigned int i;

	if (a->ntok < k || b->ntok < k)
		return false;
	for (i = 0; i < k; i++)
		if (a->tok[i]->kind != b->tok[i]->kind ||
		    (a->tok[i]->kind == CLI_TOK_KW && strcmp(a->tok[i]->word, b->tok[i]->word) != 0))
			return false;
	return true;
}

static int rivals_build(struct cli_cmdset *set)
{
	unsigned int i, j, k, m, n;

	for (i = 0; i < set->n; i++) {
		struct cli_entry *a = &set->e[i];

		for (k = 0; k < a->ntok; k++) {
			struct cli_token *t = a->tok[k];
			const char **r;

			if (t->kind != CLI_TOK_KW)
				continue;
			r = calloc(set->n + 1, sizeof(*r));
			if (r == NULL)
				return -ENOMEM;
			n = 0;
			for (j = 0; j < set->n; j++) {
				const struct cli_entry *b = &set->e[j];
				const char *w;

				if (b->ntok <= k || b->tok[k]->kind != CLI_TOK_KW || !same_path(a, b, k))
					continue;
				w = b->tok[k]->word;
				if (strcmp(w, t->word) == 0)
					continue;
				for (m = 0; m < n && strcmp(r[m], w) != 0; m++)
					;
				if (m == n)
					r[n++] = w;
			}
			t->rivals = r;
		}
	}
	return 0;
}

void cli_cmdset_free(struct cli_cmdset *set)
{
	unsigned int i, k;

	if (set == NULL)
		return;
	for (i = 0; i < set->n; i++) {
		for (k = 0; k < set->e[i].ntok; k++) {
			free(set->e[i].tok[k]->rivals);
			free(set->e[i].tok[k]->word);
			free(set->e[i].tok[k]);
		}
		free(set->e[i].inst);
	}
	free(set->e);
	free(set->ctx);
	free(set->matched);
	free(set->items);
	free(set->cand);
	free(set);
}

struct cli_cmdset *cli_cmdset_build(void)
{
	struct cli_cmdset *set = calloc(1, sizeof(*set));
	unsigned int t, i, n = 0;
	int rc = 0;

	if (set == NULL)
		goto nomem;
	for (t = 0; t < RTE_DIM(cli_tables); t++)
		for (i = 0; cli_tables[t][i].syntax != NULL; i++)
			n += cli_tables[t][i].flags & CLI_C_JSON ? 2 : 1;
	set->e = calloc(n, sizeof(*set->e));
	set->ctx = calloc(n + 1, sizeof(*set->ctx));
	set->matched = calloc(n + 1, sizeof(*set->matched));
	set->items = calloc(n + 1, sizeof(*set->items));
	set->cand = calloc(n + 1, sizeof(*set->cand));
	if (set->e == NULL || set->ctx == NULL || set->matched == NULL || set->items == NULL ||
	    set->cand == NULL)
		goto nomem;
	for (t = 0; t < RTE_DIM(cli_tables) && rc == 0; t++) {
		for (i = 0; cli_tables[t][i].syntax != NULL && rc == 0; i++) {
			const struct cli_cmd *c = &cli_tables[t][i];

			rc = entry_build(&set->e[set->n++], c, false);
			if (rc == 0 && (c->flags & CLI_C_JSON))
				rc = entry_build(&set->e[set->n++], c, true);
		}
	}
	if (rc == 0)
		rc = rivals_build(set);
	if (rc < 0) {
		cli_cmdset_free(set);
		rte_errno = -rc;
		return NULL;
	}
	for (i = 0; i < set->n; i++)
		set->ctx[i] = set->e[i].inst;
	set->ctx[set->n] = NULL;
	return set;
nomem:
	cli_cmdset_free(set);
	rte_errno = ENOMEM;
	return NULL;
}

cmdline_parse_ctx_t *cli_cmdset_ctx(struct cli_cmdset *set)
{
	return set->ctx;
}

void cli_cmd_dispatch(void *res, struct cmdline *cl, void *data)
{
	const struct cli_entry *e = data;
	struct cli_sess *s = cli_sess_current();
	struct cli_args args;

	(void)cl;
	if (s == NULL)
		return;
	memcpy(&args, res, sizeof(args));
	e->cmd->fn(s, &args, e->flags);
}

/* The words of a line as rte_cmdline sees them: blanks separate, '#' or the end of line
 * ends. */
struct words {
	unsigned int n;
	unsigned int off[CLI_LINE_MAX / 2 + 1];
	unsigned int len[CLI_LINE_MAX / 2 + 1];
};

static void words_split(const char *line, struct words *w)
{
	unsigned int i = 0;

	w->n = 0;
	for (;;) {
		while (is_blank(line[i]))
			i++;
		if (line[i] == '\0' || line[i] == '\n' || line[i] == '\r' || line[i] == '#' ||
		    w->n == RTE_DIM(w->off))
			return;
		w->off[w->n] = i;
		w->len[w->n] = tok_len(line + i);
		i += w->len[w->n];
		w->n++;
	}
}

/* How many leading words of line entry e accepts. */
static unsigned int entry_matched(const struct cli_entry *e, const char *line,
				  const struct words *w)
{
	unsigned int m = 0;

	while (m < w->n && m < e->ntok &&
	       tok_match(e->tok[m], line + w->off[m], w->len[m], NULL, 0) == 0)
		m++;
	return m;
}

static bool is_prefix_of(const char *s, unsigned int n, const char *word)
{
	return strlen(word) >= n && strncmp(s, word, n) == 0;
}

/* Whether the n characters at s could be keyword t (typed in part or in full). */
static bool kw_could_be(const struct cli_token *t, const char *s, unsigned int n)
{
	return t->kind == CLI_TOK_KW && is_prefix_of(s, n, t->word) && (!t->exact || n == strlen(t->word));
}

int cli_cmdset_match(struct cli_cmdset *set, const char *line)
{
	struct words w;
	unsigned int i;
	int n = 0;

	words_split(line, &w);
	for (i = 0; i < set->n && w.n > 0; i++)
		if (set->e[i].ntok == w.n && entry_matched(&set->e[i], line, &w) == w.n)
			n++;
	return n;
}

void cli_cmdset_diagnose(struct cli_cmdset *set, struct cli_sess *s, const char *line)
{
	struct words words, *w = &words;
	unsigned int i, best = 0, f, col, n_kw = 0;
	const char *kw[2] = {NULL, NULL};
	size_t line_len = strcspn(line, "\r\n");

	words_split(line, w);
	for (i = 0; i < set->n; i++) {
		unsigned int m = entry_matched(&set->e[i], line, w);

		set->matched[i] = m;
		if (m > best)
			best = m;
	}
	if (w->n > 0 && best == w->n) {
		cli_error(s, "Incomplete command.");
		return;
	}
	f = best;
	if (f >= w->n) { /* nothing to point at (cannot happen for a refused line) */
		cli_error(s, "Invalid input.");
		return;
	}
	/* Several keywords start with the word that failed: ambiguous rather than invalid. */
	for (i = 0; i < set->n; i++) {
		const struct cli_entry *e = &set->e[i];

		if (e->ntok <= f || e->tok[f]->kind != CLI_TOK_KW || set->matched[i] < f ||
		    !kw_could_be(e->tok[f], line + w->off[f], w->len[f]))
			continue;
		if (kw[0] == NULL || strcmp(kw[0], e->tok[f]->word) == 0)
			kw[0] = e->tok[f]->word;
		else
			kw[1] = e->tok[f]->word;
		n_kw = kw[1] != NULL ? 2 : 1;
	}
	if (n_kw == 2) {
		cli_error(s, "Ambiguous command:  \"%.*s\"", (int)line_len, line);
		return;
	}
	/* IOS puts a caret under the first character of the offending word. */
	col = (unsigned int)strlen(CLI_PROMPT) + w->off[f];
	cli_printf(s, "%*s^\n", (int)col, "");
	cli_error(s, "Invalid input detected at '^' marker.");
}

static int help_cmp(const void *a, const void *b)
{
	const struct help_item *x = a, *y = b;

	/* "<cr>" last, as IOS lists it. */
	if ((x->word[0] == '<') != (y->word[0] == '<'))
		return x->word[0] == '<' ? 1 : -1;
	return strcmp(x->word, y->word);
}

void cli_cmdset_help(struct cli_cmdset *set, struct cli_sess *s, const char *line)
{
	struct words words, *w = &words;
	struct help_item *items = set->items;
	size_t ll = strcspn(line, "\r\n");
	unsigned int i, j, n = 0, nc, width = 0;
	bool partial;

	words_split(line, w);
	/* A line that does not end in a blank has its last word still being typed. */
	partial = w->n > 0 && ll > 0 && !is_blank(line[ll - 1]);
	nc = partial ? w->n - 1 : w->n;
	for (i = 0; i < set->n; i++) {
		const struct cli_entry *e = &set->e[i];
		struct help_item it;

		if (entry_matched(e, line, w) < nc)
			continue;
		if (e->ntok == nc) {
			if (partial)
				continue;
			it.word = "<cr>";
			it.help = "";
		} else {
			const struct cli_token *t = e->tok[nc];

			if (partial && (t->kind != CLI_TOK_KW ||
					!is_prefix_of(line + w->off[nc], w->len[nc], t->word)))
				continue;
			it.word = t->word;
			it.help = e->ntok == nc + 1 ? e->cmd->help : help_of_word(t->word);
			if (e->ntok == nc + 1 && (e->flags & CLI_F_JSON))
				it.help = help_of_word("json");
		}
		for (j = 0; j < n && strcmp(items[j].word, it.word) != 0; j++)
			;
		if (j == n)
			items[n++] = it;
		else if (items[j].help[0] == '\0' || e->ntok == nc + 1)
			items[j].help = it.help; /* prefer the help of the command it ends */
	}
	cli_printf(s, "?\n");
	if (n == 0) {
		cli_error(s, "Unrecognized command");
		return;
	}
	qsort(items, n, sizeof(*items), help_cmp);
	for (i = 0; i < n; i++)
		if (strlen(items[i].word) > width)
			width = (unsigned int)strlen(items[i].word);
	for (i = 0; i < n; i++) {
		if (partial)
			cli_printf(s, "%s  ", items[i].word);
		else if (items[i].help[0] != '\0')
			cli_printf(s, "  %-*s  %s\n", (int)width, items[i].word, items[i].help);
		else
			cli_printf(s, "  %s\n", items[i].word);
	}
	if (partial)
		cli_printf(s, "\n");
}

/* The keywords that may complete the word being typed at the end of line. Returns how
 * many (up to max), distinct, in words[]. */
static unsigned int complete_words(struct cli_cmdset *set, const char *line, const char **out,
				   unsigned int max, unsigned int *partial_len)
{
	struct words words, *w = &words;
	size_t ll = strlen(line);
	unsigned int i, j, n = 0, nc;
	bool partial;

	*partial_len = 0;
	words_split(line, w);
	partial = w->n > 0 && ll > 0 && !is_blank(line[ll - 1]);
	nc = partial ? w->n - 1 : w->n;
	if (partial)
		*partial_len = w->len[nc];
	for (i = 0; i < set->n && n < max; i++) {
		const struct cli_entry *e = &set->e[i];
		const struct cli_token *t;

		if (e->ntok <= nc || entry_matched(e, line, w) < nc)
			continue;
		t = e->tok[nc];
		if (t->kind != CLI_TOK_KW ||
		    (partial && !is_prefix_of(line + w->off[nc], w->len[nc], t->word)))
			continue;
		/* Most candidates differ in their first letter: strcmp() only when they don't. */
		for (j = 0; j < n && (out[j][0] != t->word[0] || strcmp(out[j], t->word) != 0); j++)
			;
		if (j == n)
			out[n++] = t->word;
	}
	return n;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* rdline calls this once per TAB and, when it lists, once more per candidate with the same
 * line: the candidates of the last line are kept in set->cand (they depend only on the line
 * and the command set), so listing n of them walks the command set once, not n + 1 times. */
int cli_cmdset_complete(struct cli_cmdset *set, const char *line, char *dst, unsigned int size,
			int *state)
{
	const char **cand = set->cand;
	unsigned int n, plen, common, i;
	size_t ll = strlen(line);

	if (size == 0)
		return 0;
	if (!set->cand_valid || ll > CAND_LINE_MAX || strcmp(set->cand_line, line) != 0) {
		set->cand_valid = false;
		set->ncand = complete_words(set, line, cand, set->n, &set->cand_plen);
		qsort(cand, set->ncand, sizeof(*cand), str_cmp);
		if (ll <= CAND_LINE_MAX) {
			memcpy(set->cand_line, line, ll + 1);
			set->cand_valid = true;
		}
	}
	n = set->ncand;
	plen = set->cand_plen;
	if (n == 0)
		return 0;
	/* First call: add what every candidate shares beyond what was typed. */
	if (*state == 0) {
		common = (unsigned int)strlen(cand[0]);
		for (i = 1; i < n; i++) {
			unsigned int k = 0;

			while (k < common && cand[i][k] == cand[0][k])
				k++;
			common = k;
		}
		if (common > plen || n == 1) {
			snprintf(dst, size, "%.*s%s", (int)(common - plen), cand[0] + plen,
				 n == 1 ? " " : "");
			return 2; /* RDLINE_RES_COMPLETE: rdline appends dst */
		}
	}
	/* Then list the candidates, one per call, sorted. */
	if (*state < 0)
		*state = 0;
	if ((unsigned int)*state < n) {
		snprintf(dst, size, "%s", cand[*state]);
		(*state)++;
		return 1;
	}
	return 0;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * The rule table of the lookalike model (see rules_internal.h): look-alike
 * characters, keyboard layouts, prefixes, combo keywords, restricted
 * registries, curated TLD pairs and the scores of the classes.  Change the
 * model here; index.c, score.c and enumerate.c hold no copy of any of it.
 */
#include "tg_config.h"

#include <pthread.h>
#include <string.h>

#include "rules_internal.h"
#include "typoguard.h"

/* ----------------------------------------------------------- classes */

const struct tg_rule_class tg_rule_classes[TG_C_COUNT] = {
    {"tld-swap",
     "the top-level domain is a known confusion of the "
     "protected one",
     "army.ml"},
    {"dot-shift", "the dot moved into the top-level domain", "armym.il"},
    {"embedding", "the protected name is embedded in another domain",
     "army.mil.ml"},
    {"missing-dot", "a dot is missing", "armymil.com"},
    {"hyphen-dot", "a hyphen replaces a dot", "army-mil.com"},
    {"addition", "a character was appended", "gmailx.com"},
    {"omission", "a character was dropped", "gmal.com"},
    {"insertion", "a character was inserted", "gmaiol.com"},
    {"repetition", "a character was doubled", "gmaill.com"},
    {"replacement", "a character was replaced", "gmsil.com"},
    {"transposition", "two adjacent characters were swapped", "gmial.com"},
    {"vowel-swap", "a vowel was swapped", "gmeil.com"},
    {"bitflip", "one bit of a character flipped", "gmahl.com"},
    {"homoglyph", "look-alike ASCII characters (rn/m, 0/o, 1/l)", "grnail.com"},
    {"idn-homoglyph", "look-alike Unicode characters", "gmaıl.com"},
    {"cyrillic", "Cyrillic letters imitate Latin ones", "аrmy.mil"},
    {"hyphenation", "a hyphen was inserted", "g-mail.com"},
    {"prefix", "a subdomain was glued on as a prefix", "mailgmail.com"},
    {"other-suffix",
     "one edit of a distinctive label under another public "
     "suffix",
     "dicsord.co.uk"},
    {"two-edits", "two edits of a long label", "steamcomunnity.com"},
    {"combo", "the protected label combined with a word", "discord-gift.com"},
    {"plural", "a final s added or dropped", "gmails.com"},
};

/* The index of a single bit among the first \p n, or \p n. */
static unsigned rule_bit(unsigned bit, unsigned n)
{
	unsigned i = 0;
	while (i < n && bit != (1u << i))
		i++;
	return i;
}

const char *tg_class_name(unsigned class_bit)
{
	unsigned i = rule_bit(class_bit, TG_C_COUNT);
	return i < TG_C_COUNT ? tg_rule_classes[i].name : "unknown";
}

const char *tg_rule_class_prose(unsigned class_bit)
{
	unsigned i = rule_bit(class_bit, TG_C_COUNT);
	return i < TG_C_COUNT ? tg_rule_classes[i].prose : "unknown";
}

#define TG_RULE_STR(x)	#x
#define TG_RULE_XSTR(x) TG_RULE_STR(x)

/* The rules that hold a would-block match below block (tg_result.held),
 * in TG_HELD_* bit order. */
static const struct {
	const char *name;
	const char *prose;
} tg_rule_held[TG_HELD_COUNT] = {
    {"short-brand", "a brand label shorter than " TG_RULE_XSTR(
			TG_RULE_BRAND_BLOCK_MIN) " characters (its "
						 "neighbours are often "
						 "legitimate)"},
    {"brand-embedding",
     "a brand embedded in another name (how CDNs name their customers' "
     "hosts)"},
    {"other-suffix-edit",
     "one edit under another suffix that is not a slip of the hand (a "
     "neighbour in another language or the brand's own site more often)"},
    {"namesake",
     "the name's own label is protected (a namesake of a protected name)"},
    {"brand-own",
     "a brand's TLD swap or its ccTLD's missing dot (brands own such "
     "names)"},
    {"sibling", "a final s or a digit added or dropped (a sibling name "
		"more often than a typo)"},
    {"short-label", "a label of four characters or fewer"},
};

const char *tg_held_name(unsigned held_bit)
{
	unsigned i = rule_bit(held_bit, TG_HELD_COUNT);
	return i < TG_HELD_COUNT ? tg_rule_held[i].name : "unknown";
}

const char *tg_held_prose(unsigned held_bit)
{
	unsigned i = rule_bit(held_bit, TG_HELD_COUNT);
	return i < TG_HELD_COUNT ? tg_rule_held[i].prose : "unknown";
}

/* ------------------------------------------------------------ glyphs */

/*
 * Look-alike characters.  The near-identical ones (0/o, 1/i/l, rn/m, vv/w,
 * cl/d) block in any number and mix (g00g1e); the weaker ones dnstwist
 * also uses (c/e, b/d, g/q, m/n/r, u/v, 3/8, 6/9 ...) fold in the weak
 * skeleton only.  Multi-character pairs are folded by the passes of
 * tg_glyph_canon() (index.c), which name them; here they are listed for
 * the enumerator and the documentation.
 */
const struct tg_rule_glyph tg_rule_glyphs[] = {
    {"0", "o", TG_G_STRONG | TG_G_WEAK},
    {"1", "l", TG_G_STRONG | TG_G_WEAK},
    {"i", "l", TG_G_STRONG | TG_G_WEAK},
    {"1", "i", TG_G_STRONG | TG_G_NOFOLD},
    {"rn", "m", TG_G_STRONG | TG_G_NOFOLD},
    {"vv", "w", TG_G_STRONG | TG_G_NOFOLD},
    {"cl", "d", TG_G_STRONG | TG_G_NOFOLD},
    {"d", "b", TG_G_WEAK},
    {"e", "c", TG_G_WEAK},
    {"q", "g", TG_G_WEAK},
    {"n", "m", TG_G_WEAK},
    {"r", "m", TG_G_WEAK | TG_G_NOPAIR},
    {"n", "r", TG_G_NOFOLD},
    {"v", "u", TG_G_WEAK},
    {"8", "3", TG_G_WEAK},
    {"9", "6", TG_G_WEAK},
    {"5", "s", TG_G_NOFOLD},
    {"o", "q", TG_G_NOFOLD},
    {"j", "i", TG_G_NOFOLD},
    {"lc", "k", TG_G_NOFOLD},
};
const size_t tg_rule_nglyphs =
    sizeof(tg_rule_glyphs) / sizeof(tg_rule_glyphs[0]);

char tg_rule_fold_strong[128];
unsigned char tg_rule_fold_weak[256];
/* bit per single-character pair: rule_pairbits[a] has bit b-32 */
static uint64_t rule_pairbits[128][2];

static pthread_once_t rules_once = PTHREAD_ONCE_INIT;
static void rule_kbd_build(void);

static void rules_build(void)
{
	rule_kbd_build();
	for (size_t i = 0; i < tg_rule_nglyphs; i++) {
		const struct tg_rule_glyph *g = &tg_rule_glyphs[i];
		if (g->from[1] || g->to[1])
			continue;
		unsigned char a = (unsigned char)g->from[0];
		unsigned char b = (unsigned char)g->to[0];
		if (a >= 128 || b >= 128)
			continue;
		if (!(g->use & TG_G_NOFOLD)) {
			if (g->use & TG_G_STRONG)
				tg_rule_fold_strong[a] = (char)b;
			if (g->use & (TG_G_STRONG | TG_G_WEAK))
				tg_rule_fold_weak[a] = b;
		}
		if (g->use & TG_G_NOPAIR)
			continue;
		rule_pairbits[a][b >> 6] |= 1ull << (b & 63);
		rule_pairbits[b][a >> 6] |= 1ull << (a & 63);
	}
	/* every other byte (non-ASCII included) folds to itself */
	for (unsigned u = 0; u < 256; u++)
		if (!tg_rule_fold_weak[u])
			tg_rule_fold_weak[u] = (unsigned char)u;
}

void tg_rules_init(void)
{
	(void)pthread_once(&rules_once, rules_build);
}

/* The derived tables exist before main() (or before dlopen() returns for
 * the module), so the hot paths need no check; tg_rules_init() stays for
 * callers that must not rely on constructors. */
__attribute__((constructor)) static void tg_rules_ctor(void)
{
	tg_rules_init();
}

int tg_rule_glyph_pair(char a, char b)
{
	unsigned char x = (unsigned char)a, y = (unsigned char)b;
	if (x >= 128 || y >= 128)
		return 0;
	return (int)(rule_pairbits[x][y >> 6] >> (y & 63) & 1);
}

/* ---------------------------------------------------------- keyboards */

/*
 * Rows of keys, each with its horizontal offset in quarter keys (the
 * usual stagger: q half a key right of 1, a a quarter right of q, z half
 * a key right of a).  Keys touch when they are next to each other in a
 * row, or in adjacent rows less than a key apart.
 */
static const struct {
	unsigned layout;
	const char *row[4];
} tg_rule_layouts[] = {
    {TG_KBD_QWERTY, {"1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"}},
    {TG_KBD_QWERTZ, {"1234567890", "qwertzuiop", "asdfghjkl", "yxcvbnm"}},
    {TG_KBD_AZERTY, {"1234567890", "azertyuiop", "qsdfghjklm", "wxcvbn"}},
};
static const int rule_row_off[4] = {0, 2, 3, 5};

static int rule_key_at(const char *const *rows, char c, int *row, int *x)
{
	for (int r = 0; r < 4; r++) {
		const char *p = strchr(rows[r], c);
		if (c && p) {
			*row = r;
			*x = rule_row_off[r] + 4 * (int)(p - rows[r]);
			return 1;
		}
	}
	return 0;
}

/* Bit i of rule_kbd_bits[l][a]: a touches the i-th character of
 * rule_kbd_chars on layout l (built by rules_build()). */
static const char rule_kbd_chars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
static uint64_t rule_kbd_bits[3][128];
static int8_t rule_kbd_idx[128];

static void rule_kbd_build(void)
{
	memset(rule_kbd_idx, -1, sizeof(rule_kbd_idx));
	for (int i = 0; rule_kbd_chars[i]; i++)
		rule_kbd_idx[(unsigned char)rule_kbd_chars[i]] = (int8_t)i;
	for (size_t l = 0; l < 3; l++)
		for (const char *a = rule_kbd_chars; *a; a++)
			for (const char *b = rule_kbd_chars; *b; b++) {
				int ra, xa, rb, xb;
				if (*a == *b ||
				    !rule_key_at(tg_rule_layouts[l].row, *a,
						 &ra, &xa) ||
				    !rule_key_at(tg_rule_layouts[l].row, *b,
						 &rb, &xb))
					continue;
				int dx = xa > xb ? xa - xb : xb - xa;
				if ((ra == rb && dx == 4) ||
				    ((ra == rb + 1 || rb == ra + 1) && dx < 4))
					rule_kbd_bits[l][(unsigned char)*a] |=
					    1ull
					    << rule_kbd_idx[(unsigned char)*b];
			}
}

unsigned tg_rule_kbd(char a, char b)
{
	unsigned char x = (unsigned char)a, y = (unsigned char)b;
	if (x >= 128 || y >= 128 || rule_kbd_idx[y] < 0)
		return 0;
	unsigned out = 0;
	for (unsigned l = 0; l < 3; l++)
		out |= (unsigned)(rule_kbd_bits[l][x] >> rule_kbd_idx[y] & 1)
		       << l;
	return out;
}

/* ----------------------------------------------------------- prefixes */

const struct tg_rule_prefix tg_rule_prefixes[] = {
    {"www", 3, TG_C_MISSING_DOT, 85}, {"ww", 2, TG_C_MISSING_DOT, 80},
    {"mail", 4, TG_C_PREFIX, 75},     {"email", 5, TG_C_PREFIX, 75},
    {"webmail", 7, TG_C_PREFIX, 75},  {"smtp", 4, TG_C_PREFIX, 75},
    {"mx", 2, TG_C_PREFIX, 70},	      {"login", 5, TG_C_PREFIX, 75},
    {"secure", 6, TG_C_PREFIX, 70},   {"owa", 3, TG_C_PREFIX, 75},
    {"portal", 6, TG_C_PREFIX, 70},   {"vpn", 3, TG_C_PREFIX, 70},
};
const size_t tg_rule_nprefixes =
    sizeof(tg_rule_prefixes) / sizeof(tg_rule_prefixes[0]);
const uint32_t tg_rule_prefix_first = 1u << ('w' - 'a') | 1u << ('m' - 'a') |
				      1u << ('e' - 'a') | 1u << ('s' - 'a') |
				      1u << ('l' - 'a') | 1u << ('o' - 'a') |
				      1u << ('p' - 'a') | 1u << ('v' - 'a');

/* ----------------------------------------------------------- keywords */

/*
 * Words glued to a brand in combosquatting (army-login.com).  Source:
 * dnstwist's dictionaries/english.dict (Debian dnstwist 0~20221213,
 * Apache-2.0: "the most common words used in targeted phishing
 * campaigns"), plus the words issue 19 names from phishing feeds (gift,
 * app, api, help, wallet) and the scorer's own doppelganger prefixes.
 * Sorted for bsearch.
 */
const char *const tg_rule_keywords[] = {
    "access",	    "account",	"admin",    "agree",	    "api",
    "app",	    "auth",	"blue",	    "business",	    "cdn",
    "choose",	    "cl",	"claim",    "click",	    "confirm",
    "confirmation", "connect",	"download", "email",	    "enroll",
    "find",	    "gift",	"group",    "help",	    "http",
    "https",	    "install",	"login",    "mail",	    "mobile",
    "mx",	    "my",	"online",   "owa",	    "pay",
    "payment",	    "payments", "portal",   "recovery",	    "register",
    "safe",	    "secure",	"security", "service",	    "services",
    "signin",	    "signup",	"smtp",	    "ssl",	    "summary",
    "support",	    "update",	"user",	    "verification", "verify",
    "view",	    "vpn",	"wallet",   "web",	    "webmail",
    "ww",	    "www",
};
const size_t tg_rule_nkeywords =
    sizeof(tg_rule_keywords) / sizeof(tg_rule_keywords[0]);

int tg_rule_keyword(const char *w, size_t len)
{
	size_t lo = 0, hi = tg_rule_nkeywords;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *k = tg_rule_keywords[mid];
		size_t kl = strlen(k);
		int c = memcmp(w, k, len < kl ? len : kl);
		if (c == 0)
			c = len < kl ? -1 : len > kl ? 1 : 0;
		if (c == 0)
			return 1;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}

/* ------------------------------------------------------ registries */

const char *const tg_rule_restricted[] = {"mil", "gov", "edu", "int"};
const size_t tg_rule_nrestricted =
    sizeof(tg_rule_restricted) / sizeof(tg_rule_restricted[0]);

/* The curated TLD confusion table (detection notes): strong pairs are
 * real, delegated TLDs one omission or dot shift away; weak ones are
 * substitutions that are worth a log line, not a block. */
const struct tg_rule_pair tg_rule_pairs[] = {
    {"mil", "ml", 1},  {"mil", "il", 1},  {"com", "co", 1},  {"com", "cm", 1},
    {"com", "om", 1},  {"net", "ne", 1},  {"net", "et", 1},  {"edu", "eu", 1},
    {"int", "in", 1},  {"int", "it", 1},  {"org", "or", 0},  {"mil", "mit", 0},
    {"mil", "ril", 0}, {"com", "cam", 0}, {"com", "bom", 0}, {"com", "mom", 0},
    {"gov", "goo", 0}, {"gov", "gop", 0}, {"gov", "got", 0}, {"gov", "mov", 0},
};
const size_t tg_rule_npairs = sizeof(tg_rule_pairs) / sizeof(tg_rule_pairs[0]);

/* ------------------------------------------------------------- scores */

/*
 * FairWinds (2008): extra letter 29 %, wrong letter 23 %, missing letter
 * 20 % of typo traffic; swapped and look-alike characters fool readers
 * most; keyboard neighbours are the likely wrong letters.
 */
const struct tg_rule_scores tg_rules = {
    .addition = 80,
    .hyphenation = 82,
    .repetition = 85,
    .insertion_kbd = 80,
    .insertion_other = 65,
    .insertion_glyph = 85,
    .omission = 80,
    .transposition = 85,
    .homoglyph_edit = 90,
    .vowel_swap = 70,
    .replacement_kbd = 75,
    .replacement_kbd2 = 70,
    .replacement_other = 55,
    .bitflip = 65,
    .idn_insert = 75,
    .idn_edit = 80,
    .digit_cap = 45,
    .digit_edit_cap = 70,
    .hack_cap = 70,
    .brand_swap_cap = 75,
    .first_letter = 10,
    .plural_cap = 70,
    .len5 = 5,
    .len8 = 5,
    .brand_long = 10,
    .short_cap = 60,
    .restricted_cap = 30,
    .suffix_edit_cap = 75,
    .suffix_slip_min = 85,
    .two_edits = 60,
    .combo = 55,
    .combo_keyword = 65,
    .combo_long = 2,
    .combo_cap = 75,
};

/* parse/guard.c — keeps libxml2's HTML parser linear (internal.h).
 *
 * libxml2 2.9.14's HTML parser has three quadratic paths: an end tag that
 * matches no open element is looked for through the whole open-element
 * stack (100k nested <div> then 100k </span>: minutes); every attribute of
 * a tag is compared with all earlier ones (and appended by walking the
 * list); a <body>/<html>/<head> start tag scans the stack.  A cheap tokenizer
 * estimates that work; past a budget the input is rewritten without the
 * constructs libxml2 would only report as errors anyway: unmatched end
 * tags, attributes past the 64th, repeated html/head/body start tags.
 * Ordinary pages stay untouched (a real page costs a few thousand units). */
#include "internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../core/buf.h"
#include "../core/util.h"

#define GUARD_BUDGET 50000000ULL
#define GUARD_MAX_ATTRS 64

struct gname {
    char key[24];
    uint32_t open;   /* elements of this name on the simulated stack */
};

struct guard {
    struct gname *tab;
    size_t cap, used;
    uint32_t *stack;
    size_t depth, capstack;
    uint64_t cost;
    struct ow_buf *out;   /* rewriting when not NULL */
    ow_err err;
};

/* Elements libxml2 closes by itself or that never open (void): they are
 * left out of the simulated stack. */
static int guard_untracked(const char *n)
{
    static const char *const names[] = {
        "area", "base", "basefont", "br", "caption", "col", "colgroup", "dd", "dt", "embed", "frame", "hr",
        "img", "input", "isindex", "keygen", "li", "link", "meta", "optgroup", "option", "p", "param", "rb",
        "rp", "rt", "source", "tbody", "td", "tfoot", "th", "thead", "tr", "track", "wbr",
    };
    size_t lo = 0, hi = sizeof names / sizeof names[0];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(n, names[mid]);
        if (c == 0)
            return 1;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return 0;
}

static uint32_t guard_id(struct guard *g, const char *key)
{
    if (2 * (g->used + 1) > g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 256;
        struct gname *nt = calloc(cap, sizeof *nt);
        if (!nt) {
            g->err = OW_NOMEM;
            return 0;
        }
        for (size_t i = 0; i < g->cap; i++) {
            if (!g->tab[i].key[0])
                continue;
            size_t j = ow_fnv32(OW_FNV32_INIT, g->tab[i].key) & (cap - 1);
            while (nt[j].key[0])
                j = (j + 1) & (cap - 1);
            nt[j] = g->tab[i];
        }
        /* ids are slots: remap the stack */
        for (size_t k = 0; k < g->depth; k++) {
            const char *name = g->tab[g->stack[k]].key;
            size_t j = ow_fnv32(OW_FNV32_INIT, name) & (cap - 1);
            while (strcmp(nt[j].key, name))
                j = (j + 1) & (cap - 1);
            g->stack[k] = (uint32_t)j;
        }
        free(g->tab);
        g->tab = nt;
        g->cap = cap;
    }
    size_t j = ow_fnv32(OW_FNV32_INIT, key) & (g->cap - 1);
    while (g->tab[j].key[0] && strcmp(g->tab[j].key, key))
        j = (j + 1) & (g->cap - 1);
    if (!g->tab[j].key[0]) {
        memcpy(g->tab[j].key, key, strlen(key) + 1);
        g->used++;
    }
    return (uint32_t)j;
}

static void guard_emit(struct guard *g, const char *p, size_t n)
{
    if (g->out && !g->err)
        g->err = ow_buf_append(g->out, p, n);
}

/* Reads a tag name at s[i..): lower-cased into key (truncated). */
static size_t guard_name(const char *s, size_t n, size_t i, char key[24])
{
    size_t k = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '>' || c == '/')
            break;
        if (k < 23)
            key[k++] = (char)((c >= 'A' && c <= 'Z') ? c | 0x20 : c);
        i++;
    }
    key[k] = '\0';
    return i;
}

static const char *find_ci(const char *s, size_t n, const char *p)
{
    size_t k = strlen(p);
    for (size_t i = 0; i + k <= n; i++)
        if (s[i] == '<' && strncasecmp(s + i, p, k) == 0)
            return s + i;
    return NULL;
}

static void guard_scan(struct guard *g, const char *s, size_t n)
{
    size_t i = 0, copied = 0;   /* s[copied..i) is pending output */
    while (i < n && !g->err) {
        const char *lt = memchr(s + i, '<', n - i);
        if (!lt)
            break;
        i = (size_t)(lt - s);
        if (i + 1 >= n)
            break;
        unsigned char c = (unsigned char)s[i + 1];
        int letter = ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
        if (c == '!' && i + 3 < n && s[i + 2] == '-' && s[i + 3] == '-') {
            const char *end = memmem(s + i + 4, n - i - 4, "-->", 3);
            i = end ? (size_t)(end - s) + 3 : n;
            continue;
        }
        if (c == '!' || c == '?') {
            const char *gt = memchr(s + i, '>', n - i);
            i = gt ? (size_t)(gt - s) + 1 : n;
            continue;
        }
        if (c == '/' && i + 2 < n && (((unsigned char)s[i + 2] | 0x20) >= 'a' && ((unsigned char)s[i + 2] | 0x20) <= 'z')) {
            char key[24];
            size_t start = i;
            guard_name(s, n, i + 2, key);
            const char *gt = memchr(s + i, '>', n - i);
            i = gt ? (size_t)(gt - s) + 1 : n;
            uint32_t id = guard_id(g, key);
            if (g->err)
                return;
            if (!guard_untracked(key) && g->tab[id].open) {
                while (g->depth) {
                    uint32_t top = g->stack[--g->depth];
                    g->tab[top].open--;
                    g->cost++;
                    if (top == id)
                        break;
                }
            } else {
                g->cost += g->depth + 1;
                /* libxml2 would only report it: leave it out */
                guard_emit(g, s + copied, start - copied);
                copied = i;
            }
            continue;
        }
        if (!letter) {
            i++;
            continue;
        }
        /* a start tag: name, then attributes up to '>' (quotes respected) */
        char key[24];
        size_t j = guard_name(s, n, i + 1, key);
        uint32_t id = guard_id(g, key);
        if (g->err)
            return;
        if (!strcmp(key, "html") || !strcmp(key, "body") || !strcmp(key, "head")) {
            g->cost += g->depth + 1;
            if (g->tab[id].open || (strcmp(key, "html") && g->depth > 2)) {
                /* a second body/html/head: libxml2 drops it (merging
                 * attributes), so drop the tag, keep what follows */
                const char *gt = memchr(s + j, '>', n - j);
                guard_emit(g, s + copied, i - copied);
                i = copied = gt ? (size_t)(gt - s) + 1 : n;
                continue;
            }
        }
        uint64_t natts = 0;
        size_t cut = 0;   /* where attributes past the limit start */
        while (j < n && s[j] != '>') {
            unsigned char a = (unsigned char)s[j];
            if (a == ' ' || a == '\t' || a == '\n' || a == '\r' || a == '\f' || a == '/') {
                j++;
                continue;
            }
            natts++;
            if (natts == GUARD_MAX_ATTRS + 1)
                cut = j;
            while (j < n && s[j] != '=' && s[j] != '>' && s[j] != ' ' && s[j] != '\t' && s[j] != '\n' &&
                   s[j] != '\r' && s[j] != '\f')
                j++;
            while (j < n && (s[j] == ' ' || s[j] == '\t' || s[j] == '\n' || s[j] == '\r' || s[j] == '\f'))
                j++;
            if (j < n && s[j] == '=') {
                j++;
                while (j < n && (s[j] == ' ' || s[j] == '\t' || s[j] == '\n' || s[j] == '\r' || s[j] == '\f'))
                    j++;
                if (j < n && (s[j] == '"' || s[j] == '\'')) {
                    const char *q = memchr(s + j + 1, s[j], n - j - 1);
                    j = q ? (size_t)(q - s) + 1 : n;
                } else {
                    while (j < n && s[j] != '>' && s[j] != ' ' && s[j] != '\t' && s[j] != '\n' && s[j] != '\r' &&
                           s[j] != '\f')
                        j++;
                }
            }
        }
        g->cost += natts * natts;
        if (cut) {
            guard_emit(g, s + copied, cut - copied);
            copied = j;   /* resume at the '>' */
        }
        i = j < n ? j + 1 : n;
        if (!guard_untracked(key)) {
            if (ow_array_grow((void **)&g->stack, &g->capstack, g->depth, sizeof *g->stack)) {
                g->err = OW_NOMEM;
                return;
            }
            g->stack[g->depth++] = id;
            g->tab[id].open++;
        }
        /* script and style hold text, not tags */
        if (!strcmp(key, "script") || !strcmp(key, "style")) {
            char endtag[32];
            snprintf(endtag, sizeof endtag, "</%s", key);
            const char *end = find_ci(s + i, n - i, endtag);
            i = end ? (size_t)(end - s) : n;
        }
    }
    guard_emit(g, s + copied, n - copied);
}

static void guard_reset(struct guard *g)
{
    for (size_t i = 0; i < g->cap; i++)
        g->tab[i].open = 0;
    g->depth = 0;
    g->cost = 0;
}

ow_err parse_guard_input(const char *src, size_t len, char **copy, size_t *clen)
{
    struct guard g;
    memset(&g, 0, sizeof g);
    *copy = NULL;
    guard_scan(&g, src, len);
    if (!g.err && g.cost > GUARD_BUDGET) {
        struct ow_buf b;
        ow_buf_init(&b, 0);
        guard_reset(&g);
        g.out = &b;
        guard_scan(&g, src, len);
        if (!g.err && !(*copy = ow_buf_take(&b, clen)))
            g.err = OW_NOMEM;
        ow_buf_free(&b);
    }
    free(g.tab);
    free(g.stack);
    return g.err;
}

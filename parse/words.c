/* parse/words.c — parse/'s word lists (parse/vocab/words.tsv, embedded at
 * build time), read once by whichever thread asks first and only read
 * after (internal.h: struct parse_words). */
#include "internal.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "../core/util.h"
#include "../core/vocab.h"

#define WORDS_PATH "parse/vocab/words.tsv"

static struct parse_words words;
static char pool[12288];            /* the words, NUL-terminated */
static pthread_once_t once = PTHREAD_ONCE_INIT;
static struct ow_diag load_diag;   /* code OW_OK once loaded */

/* Adds a notice (org 0) or organization (org 1) word to the index, kept
 * sorted by its first three bytes. */
static void index_word(struct parse_words *w, const char *s, int org)
{
    const unsigned char *u = (const unsigned char *)s;
    uint32_t key = (uint32_t)u[0] << 16 | (uint32_t)u[1] << 8 | u[2];
    w->first[parse_cp3(u) >> 3] |= (uint8_t)(1u << (parse_cp3(u) & 7));
    size_t i = w->n++;
    while (i > 0 && w->key[i - 1] > key) {
        w->key[i] = w->key[i - 1];
        w->word[i] = w->word[i - 1];
        w->len[i] = w->len[i - 1];
        w->org[i] = w->org[i - 1];
        i--;
    }
    w->key[i] = key;
    w->word[i] = s;
    w->len[i] = (uint8_t)strlen(s);
    w->org[i] = (uint8_t)org;
}

static const struct {
    const char *label;
    unsigned what;
} class_labels[] = {
    {"chromeclass", PARSE_CLASS_CHROME}, {"frameclass", PARSE_CLASS_FRAME},
    {"mainclass", PARSE_CLASS_MAIN}, {"listclass", PARSE_CLASS_LIST},
};

/* Adds a class token, keeping the list sorted; a token under two labels
 * says both. */
static void index_class(struct parse_words *w, const char *t, unsigned what)
{
    size_t i = w->ncls;
    for (size_t k = 0; k < w->ncls; k++)
        if (!strcmp(w->cls[k], t)) {
            w->clswhat[k] |= (uint8_t)what;
            return;
        }
    w->ncls++;
    while (i > 0 && strcmp(w->cls[i - 1], t) > 0) {
        w->cls[i] = w->cls[i - 1];
        w->clswhat[i] = w->clswhat[i - 1];
        i--;
    }
    w->cls[i] = t;
    w->clswhat[i] = (uint8_t)what;
}

unsigned parse_class_token(const struct parse_words *w, const char *tok)
{
    size_t lo = 0, hi = w->ncls;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(tok, w->cls[mid]);
        if (!c)
            return w->clswhat[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return 0;
}

ow_err parse_words_read(const char *text, size_t len, const char *path, struct parse_words *w,
                        char *store, size_t cap, struct ow_diag *d)
{
    memset(w, 0, sizeof *w);
    size_t used = 0;
    struct ow_row row = {0};
    int rc;
    for (const char *p = text, *end = text + len; (rc = ow_tsv_row(&p, end, path, &row, d)) != 0;) {
        if (rc < 0)
            return OW_DATA;
        const char *line = row.label, *word = row.word;
        size_t ll = row.llen, wl = row.wlen;
        int lineno = row.lineno;
        int org = ll == 3 && !memcmp(line, "org", 3);
        int chrome = ll == 6 && !memcmp(line, "chrome", 6);
        unsigned cls = 0;
        for (size_t k = 0; k < sizeof class_labels / sizeof class_labels[0]; k++)
            if (ll == strlen(class_labels[k].label) && !memcmp(line, class_labels[k].label, ll))
                cls = class_labels[k].what;
        if (!org && !chrome && !cls && !(ll == 6 && !memcmp(line, "notice", 6)))
            return ow_diagf(d, OW_DATA, "%s:%d: unknown label \"%.*s\" (notice, org, chrome, chromeclass, "
                            "frameclass, mainclass or listclass)", path, lineno, (int)(ll < 40 ? ll : 40), line);
        if (cls) {
            for (size_t k = 0; k < wl; k++)
                if (!((word[k] >= 'a' && word[k] <= 'z') || (word[k] >= '0' && word[k] <= '9')))
                    return ow_diagf(d, OW_DATA, "%s:%d: a class token is lower-case ASCII letters and digits",
                                    path, lineno);
            if (wl > 47 || used + wl + 1 > cap || w->ncls >= PARSE_WORDS_MAX)
                return ow_diagf(d, OW_DATA, "%s:%d: too many words", path, lineno);
            char *t = store + used;
            memcpy(t, word, wl);
            t[wl] = '\0';
            used += wl + 1;
            index_class(w, t, cls);
            continue;
        }
        const unsigned char *u = (const unsigned char *)word;
        if (!chrome && (wl < 3 || (u[0] & 0xf0) != 0xe0))
            return ow_diagf(d, OW_DATA, "%s:%d: a notice or org word starts with a three-byte character",
                            path, lineno);
        if (wl > 255 || used + wl + 1 > cap ||
            (chrome ? w->nchrome : w->n) >= PARSE_WORDS_MAX)
            return ow_diagf(d, OW_DATA, "%s:%d: too many words", path, lineno);
        char *s = store + used;
        memcpy(s, word, wl);
        s[wl] = '\0';
        used += wl + 1;
        if (chrome)
            w->chrome[w->nchrome++] = s;
        else
            index_word(w, s, org);
    }
    return OW_OK;
}

static void load(void)
{
    for (const struct ow_vocab_file *f = ow_vocab; f->name; f++)
        if (!strcmp(f->path, WORDS_PATH)) {
            if (parse_words_read(f->text, f->len, f->path, &words, pool, sizeof pool, &load_diag) == OW_OK)
                load_diag.code = OW_OK;
            return;
        }
    ow_diagf(&load_diag, OW_DATA, "the word lists (%s) are not built in", WORDS_PATH);
}

const struct parse_words *parse_words(struct ow_diag *d)
{
    pthread_once(&once, load);
    if (load_diag.code != OW_OK) {
        if (d)
            *d = load_diag;
        return NULL;
    }
    return &words;
}

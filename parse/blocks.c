/* parse/blocks.c — a main text's block list, built a block at a time
 * (parse.h: struct parse_builder). */
#include "parse.h"

#include <stdlib.h>
#include <string.h>

#include "../core/util.h"

void parse_builder_init(struct parse_builder *b)
{
    memset(b, 0, sizeof *b);
    ow_buf_init(&b->text, 0);
}

ow_err parse_builder_open(struct parse_builder *b)
{
    ow_err e;
    if ((e = ow_array_grow((void **)&b->blocks, &b->cap, b->n, sizeof *b->blocks)))
        return e;
    if (b->n && (e = ow_buf_addc(&b->text, '\n')))
        return e;
    b->open = b->text.len;
    return OW_OK;
}

ow_err parse_builder_append(struct parse_builder *b, const char *s, size_t len)
{
    return ow_buf_append(&b->text, s, len);
}

static int ascii_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int ascii_alnum(char c) { return ascii_alpha(c) || (c >= '0' && c <= '9'); }

ow_err parse_builder_join(struct parse_builder *b, const char *s, size_t len)
{
    if (!len)
        return OW_OK;
    /* Latin words wrapped at a line's end keep a space between them
     * ("personal⏎information", "ID,⏎password"); Japanese has none */
    if (b->text.len > b->open) {
        char last = b->text.data[b->text.len - 1], first = s[0];
        if ((ascii_alpha(last) && ascii_alnum(first)) || (ascii_alnum(last) && ascii_alpha(first)) ||
            (strchr(",;:", last) && ascii_alpha(first))) {
            ow_err e = ow_buf_addc(&b->text, ' ');
            if (e)
                return e;
        }
    }
    return ow_buf_append(&b->text, s, len);
}

int parse_opens_item(const char *s, size_t n)
{
    static const char *const marks[] = {"・", "●", "○", "◆", "◇", "■", "□", "※", "★", "☆",
                                        "▼", "▶", "►", "◎", "（", "(", "【", "［", "[", "〔",
                                        "〈", "《", "-", "*", "＊", "第"};
    for (size_t k = 0; k < sizeof marks / sizeof marks[0]; k++) {
        size_t m = strlen(marks[k]);
        if (n >= m && !memcmp(s, marks[k], m))
            return 1;
    }
    /* ①..⑳ */
    if (n >= 3 && (unsigned char)s[0] == 0xe2 && (unsigned char)s[1] == 0x91 &&
        (unsigned char)s[2] >= 0xa0 && (unsigned char)s[2] <= 0xb3)
        return 1;
    size_t i = 0;
    while (i < n && ((s[i] >= '0' && s[i] <= '9') ||
                     (i + 3 <= n && (unsigned char)s[i] == 0xef && (unsigned char)s[i + 1] == 0xbc &&
                      (unsigned char)s[i + 2] >= 0x90 && (unsigned char)s[i + 2] <= 0x99)))
        i += (s[i] >= '0' && s[i] <= '9') ? 1 : 3;
    if (i == 0 || i >= n)
        return 0;
    static const char *const after[] = {".", "．", ")", "）", "、", " ", "　"};
    for (size_t k = 0; k < sizeof after / sizeof after[0]; k++) {
        size_t m = strlen(after[k]);
        if (n - i >= m && !memcmp(s + i, after[k], m))
            return 1;
    }
    return 0;
}

ow_err parse_builder_close(struct parse_builder *b, enum parse_kind kind)
{
    /* parse_builder_open made room for it */
    b->blocks[b->n].kind = kind;
    b->blocks[b->n].off = b->open;
    b->blocks[b->n].len = b->text.len - b->open;
    b->n++;
    return OW_OK;
}

ow_err parse_builder_add(struct parse_builder *b, enum parse_kind kind, const char *s, size_t len)
{
    ow_err e;
    if ((e = parse_builder_open(b)) || (e = parse_builder_append(b, s, len)))
        return e;
    return parse_builder_close(b, kind);
}

ow_err parse_builder_finish(struct parse_builder *b, struct parse_doc *out)
{
    size_t len;
    char *t = ow_buf_take(&b->text, &len);
    if (!t)
        return OW_NOMEM;
    out->text = t;
    out->len = len;
    out->blocks = b->blocks;
    out->nblocks = b->n;
    b->blocks = NULL;
    b->n = b->cap = 0;
    return OW_OK;
}

void parse_builder_free(struct parse_builder *b)
{
    ow_buf_free(&b->text);
    free(b->blocks);
    memset(b, 0, sizeof *b);
}

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

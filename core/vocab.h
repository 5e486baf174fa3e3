/* core/vocab.h — the word lists of every stage (the .tsv files of extract/vocab/,
 * ingest/vocab/, parse/vocab/ and normalize/vocab/), embedded at build time by tools/embed.py, so that an
 * analyst edits plain text next to the code that reads it, not C.  A stage
 * reads its own files (by path) and no other stage's. */
#ifndef OW_VOCAB_H
#define OW_VOCAB_H

#include <stddef.h>

struct ow_vocab_file {
    const char *name;   /* base name without extension: "methods" */
    const char *path;   /* source path ("extract/vocab/methods.tsv"): whose it is,
                           and for error messages */
    const char *text;   /* the file's bytes, NUL-terminated */
    size_t len;
};

/* Terminated by an entry whose name is NULL. */
extern const struct ow_vocab_file ow_vocab[];

#endif

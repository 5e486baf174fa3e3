/* extract/vocab.h — the vocabulary files of extract/vocab/, embedded at build
 * time by tools/embed.py (so an analyst edits plain text, not C). */
#ifndef OW_VOCAB_H
#define OW_VOCAB_H

#include <stddef.h>

struct ow_vocab_file {
    const char *name;   /* base name without extension: "methods" */
    const char *path;   /* source path, for error messages */
    const char *text;   /* the file's bytes, NUL-terminated */
    size_t len;
};

/* Terminated by an entry whose name is NULL. */
extern const struct ow_vocab_file ow_vocab[];

#endif

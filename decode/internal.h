/* decode/internal.h — shared between decode.c and mail.c; not part of the
 * public API (nothing outside decode/ includes it). */
#ifndef OW_DECODE_INTERNAL_H
#define OW_DECODE_INTERNAL_H

#include <stddef.h>

#include "../core/buf.h"
#include "../core/err.h"
#include "decode.h"

/* A charset resolved from a label: the name ICU opens and the name reported. */
struct dec_cs {
    char icu[64];
    char canon[40];
    int sbcs;   /* 1: single-byte charset (latin-1 etc.): never "invalid", so
                 * a wrong declaration of one must be caught another way */
};

/* Resolves a label (case-insensitive, surrounding blanks and quotes ignored).
 * Returns 1 and fills *cs when the label names a charset ICU can open, 0 if
 * not.  Shift_JIS labels resolve to windows-31j. */
int dec_lookup(const char *label, size_t n, struct dec_cs *cs);

/* Converts in[0..len) from ICU charset `icu` to UTF-8 appended to out (NULL:
 * only count).  Each invalid or unmappable sequence and each U+0000 becomes
 * U+FFFD and adds 1 to *errors.  strip_bom drops a U+FEFF that would come
 * first.  OW_CHARSET if ICU cannot open the charset, OW_NOMEM/OW_DECODE
 * otherwise; out may then hold part of the text. */
ow_err dec_convert(const char *icu, const char *in, size_t len, int strip_bom,
                   struct ow_buf *out, size_t *errors, struct ow_diag *d);

/* The full choice for one run of bytes (a page, or an e-mail body):
 * override > BOM > declared (with source dsrc) > <meta> prescan (when
 * prescan) > detector > UTF-8, with verification of declarations.  Appends
 * the UTF-8 text to out and fills r's charset, source, declared, fallback
 * and adds to r->invalid.  OW_CHARSET for an unknown override. */
ow_err dec_text(const char *in, size_t len, const char *override,
                const char *declared, enum decode_source dsrc, int prescan,
                struct ow_buf *out, struct decode_result *r, struct ow_diag *d);

/* Best guess for a short fragment with no declaration (raw 8-bit e-mail
 * header text): UTF-8 when valid, else the detector's pick. */
void dec_guess(const char *in, size_t len, struct dec_cs *cs);

/* 1 if in[0..len) starts with an RFC 5322 header block (see mail.c). */
int mail_detect(const char *in, size_t len);
/* Decodes a message: "Subject: …\nFrom: …\nDate: …\n\n<body>".  Fills *out
 * like decode_bytes (is_mail = 1). */
ow_err mail_decode(const char *in, size_t len, const char *override,
                   struct decode_result *out, struct ow_diag *d);

#endif

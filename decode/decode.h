/* decode/decode.h — bytes in any Japanese web encoding to UTF-8 (ICU).
 *
 * Input:  raw bytes of a page, a plain-text notice or an RFC 5322 message,
 *         plus optional charset hints (a caller's override, an HTTP header).
 * Output: NUL-terminated UTF-8 text (owned by the result, or with
 *         share_input the input itself) and how the charset was chosen.  The text is always valid UTF-8, never starts with a
 *         BOM and holds no NUL: each invalid or unmappable sequence, each
 *         NUL byte (U+0000) and each lone surrogate becomes U+FFFD and is
 *         counted in `invalid` (one per sequence, as ICU delimits them).
 *         Line ends are kept as they are, except in e-mail (CR LF → LF).
 * Errors: OW_NOMEM; OW_CHARSET when an override names a charset ICU does not
 *         know; OW_BINARY when the bytes are not text at all (a PDF, image,
 *         archive or executable signature, or more than 1 in 20 of the first
 *         KB being control bytes other than TAB, LF, FF, CR and ESC — UTF-16
 *         is recognised first); OW_EMPTY when the input is empty or holds
 *         only a BOM.  Any other oddity (wrong declaration, stray bytes) is
 *         reported in the result, never as an error.
 * Deterministic: same bytes and hints, same result.  Linear time; memory is
 *         the output plus a few KB (20 MB decodes in well under a second).
 *
 * Order of charset sources: override > BOM > HTTP header > <meta> prescan
 * (a <meta charset> or http-equiv Content-Type starting in the first 1024
 * bytes, WHATWG-style; comments skipped; an XML declaration's encoding if
 * the document starts with one) > detector (uchardet, checked against the
 * Japanese charsets) > UTF-8.  A BOM beats the HTTP header, as in the
 * WHATWG standard and every browser: a BOM is never there by accident.
 * A declared charset (HTTP, meta or e-mail) is verified: when the bytes are
 * invalid in it (or a single-byte label meets 8-bit bytes, or an ASCII-
 * compatible label meets ISO-2022-JP escapes) and another charset reads
 * them with fewer errors, that one is used: source = DECODE_SRC_DETECTOR,
 * fallback = 1, declared keeps the label.  A label ICU does not know is
 * skipped the same way (fallback = 1); from an override it is OW_CHARSET.
 *
 * Canonical charset names: every Shift_JIS label (shift_jis, sjis, x-sjis,
 * ms_kanji, cp932, windows-31j, csshiftjis, …) decodes with the Windows
 * mapping (①, ㈱, 髙, 0x8160 → U+FF5E, 0x5C → '\') and is reported as
 * "windows-31j".  Others: "UTF-8", "EUC-JP", "ISO-2022-JP", "UTF-16LE",
 * "UTF-16BE", else ICU's MIME (or IANA) name for the label.
 *
 * E-mail: input whose first line is a header and whose header block (up to
 * the first blank line) has at least two well-known header names (From,
 * Subject, Date, MIME-Version, Content-Type, Received, Return-Path, …) is
 * read as a message.  text = "Subject: …\nFrom: …\nDate: …\n\n<body>" (only
 * the headers present; RFC 2047 encoded-words decoded, Date as written),
 * the body being the first text/plain part (else the first text/html part,
 * left as HTML) with its transfer encoding undone.  charset, source
 * (DECODE_SRC_MAIL for the part's charset parameter) and declared describe
 * the body; is_mail = 1.  An HTTP charset hint does not apply to a
 * message (its own Content-Type is more specific); an override does. */
#ifndef OW_DECODE_H
#define OW_DECODE_H

#include <stddef.h>

#include "../core/err.h"

enum decode_source {
    DECODE_SRC_OVERRIDE,   /* --charset */
    DECODE_SRC_HTTP,       /* Content-Type header of a fetch */
    DECODE_SRC_BOM,
    DECODE_SRC_META,       /* <meta charset> or http-equiv */
    DECODE_SRC_MAIL,       /* Content-Type of an e-mail message */
    DECODE_SRC_DETECTOR,
    DECODE_SRC_DEFAULT     /* nothing said anything: UTF-8 */
};

struct decode_result {
    const char *text;        /* UTF-8, no BOM; NUL-terminated unless shared */
    size_t len;
    char *own;               /* the copy text points to; NULL when text is the input */
    char charset[40];        /* canonical name used (see above): "UTF-8", "windows-31j", ... */
    enum decode_source source;
    char declared[40];       /* the label declared (HTTP, else meta, else mail part), as
                              * written (printable ASCII only, truncated); "" if none */
    int fallback;            /* 1: the declared charset was wrong for these bytes */
    size_t invalid;          /* count of U+FFFD substitutions made (incl. NULs) */
    int is_mail;             /* 1: input was an e-mail message; text = decoded headers + body */
    size_t body_off;         /* mail: where the body starts in text (after the blank line) */
    int body_html;           /* mail: 1 when the body is a text/html part */
};

struct decode_hints {
    const char *override;      /* NULL or a charset label from the user */
    const char *http_charset;  /* NULL or the charset parameter of Content-Type */
    /* 1: the caller keeps the input until decode_result_free.  When the text
     * is the input itself (valid UTF-8 read as UTF-8, less a BOM), it points
     * into the input, which may not be NUL-terminated there, instead of a
     * second copy of the page being kept. */
    int share_input;
};

/* Decodes in[0..len).  hints may be NULL.  On success *out owns text or
 * shares it with the input (release with decode_result_free).  On failure *out is all zero (text
 * NULL) and d, when not NULL, says why. */
ow_err decode_bytes(const char *in, size_t len, const struct decode_hints *hints,
                    struct decode_result *out, struct ow_diag *d);
/* Frees the text; r may be NULL or already freed. */
void decode_result_free(struct decode_result *r);
/* "override", "http", "bom", "meta", "mail", "detector", "default". */
const char *decode_source_name(enum decode_source s);

#endif

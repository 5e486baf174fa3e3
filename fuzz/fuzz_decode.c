/* fuzz/fuzz_decode.c — decode_bytes on any bytes with any charset hint.
 *
 * A first byte below 0x20 selects a charset label (low 4 bits) and whether
 * it comes as the user's override or as an HTTP Content-Type charset
 * (bit 4), and is not part of the document; any other first byte means no
 * hint and the whole input is the document, so seed pages decode as found.
 * Checks: the output is NUL-terminated valid UTF-8 with the length it says
 * (it may start with U+FEFF: after the one BOM that decode strips, a second
 * one is a character of the text, as in WHATWG decoding);
 * only an override may give OW_CHARSET; the result is deterministic. */
#include "fuzz.h"

#include "../decode/decode.h"

static const char *const labels[16] = {
    "UTF-8", "Shift_JIS", "x-sjis", "windows-31j", "EUC-JP", "ISO-2022-JP", "UTF-16LE",
    "UTF-16BE", "ISO-8859-1", "windows-1252", "us-ascii", "GB18030",
    "x-no-such-charset", "", " utf-8 ", "\"UTF-8\"",
};

static void check_result(const struct decode_result *r)
{
    FUZZ_CHECK(r->text != NULL, "text is NULL on success");
    FUZZ_CHECK(r->text[r->len] == '\0', "text not NUL-terminated at len %zu", r->len);
    FUZZ_CHECK(ow_utf8_valid(r->text, r->len), "text is not valid UTF-8 (len %zu)", r->len);
    FUZZ_CHECK(fuzz_terminated(r->charset, sizeof r->charset) && r->charset[0], "charset empty or unterminated");
    FUZZ_CHECK(fuzz_terminated(r->declared, sizeof r->declared), "declared unterminated");
    FUZZ_CHECK(r->source <= DECODE_SRC_DEFAULT, "source %d out of range", (int)r->source);
    FUZZ_CHECK(decode_source_name(r->source) != NULL, "no name for source");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct decode_hints h = {NULL, NULL, 0};
    if (size && data[0] < 0x20) {
        const char *label = labels[data[0] & 15];
        if (data[0] & 16)
            h.http_charset = label;
        else
            h.override = label;
        data++, size--;
    }
    /* A heap copy of exactly the document bytes, so ASan sees any over-read. */
    size_t n = size;
    char *in = malloc(n ? n : 1);
    if (!in)
        return 0;
    memcpy(in, data, n);

    struct decode_result a = {0}, b = {0};
    struct ow_diag da = {0}, db = {0};
    ow_err ea = decode_bytes(in, n, &h, &a, &da);
    /* The second run may read the text in place: it must say the same. */
    struct decode_hints hs = h;
    hs.share_input = 1;
    ow_err eb = decode_bytes(in, n, &hs, &b, &db);
    FUZZ_CHECK(ea == eb, "not deterministic: %s then %s", ow_errname(ea), ow_errname(eb));
    FUZZ_CHECK(fuzz_terminated(da.msg, sizeof da.msg), "diag unterminated");
    if (ea == OW_OK) {
        check_result(&a);
        FUZZ_CHECK(a.len == b.len && !memcmp(a.text, b.text, a.len) &&
                       !strcmp(a.charset, b.charset) && a.source == b.source &&
                       a.invalid == b.invalid,
                   "not deterministic: two decodes differ");
    } else {
        FUZZ_CHECK(ea == OW_NOMEM || ea == OW_CHARSET || ea == OW_BINARY || ea == OW_EMPTY,
                   "error %s is not in decode.h's contract", ow_errname(ea));
        FUZZ_CHECK(ea != OW_CHARSET || h.override, "OW_CHARSET without an override (http label '%s')",
                   h.http_charset ? h.http_charset : "(none)");
        FUZZ_CHECK(da.msg[0], "error %s with an empty diag", ow_errname(ea));
    }
    decode_result_free(&a);
    decode_result_free(&b);
    free(in);
    return 0;
}

/* fuzz/fuzz_normalize.c — norm_text and its offset map.
 *
 * Valid UTF-8 must normalize; invalid UTF-8 must give OW_DECODE.  Checks the
 * map contract (len + 1 entries, non-decreasing, within the input,
 * map[len] == input length), valid UTF-8 output, and norm_span_to_input on
 * spans chosen from the input bytes. */
#include "fuzz.h"

#include "../normalize/norm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *in = fuzz_strndup(data, size);
    struct norm_text t = {0};
    struct ow_diag d = {0};
    ow_err e = norm_text(in, size, &t, &d);
    if (!ow_utf8_valid(in, size)) {
        FUZZ_CHECK(e == OW_DECODE, "invalid UTF-8 gave %s, not DECODE", ow_errname(e));
        goto out;
    }
    if (e == OW_NOMEM)
        goto out;
    FUZZ_CHECK(e == OW_OK, "valid UTF-8 gave %s: %s", ow_errname(e), d.msg);
    FUZZ_CHECK(t.s && t.map, "NULL s or map on success");
    FUZZ_CHECK(t.s[t.len] == '\0', "output not NUL-terminated at len %zu", t.len);
    FUZZ_CHECK(ow_utf8_valid(t.s, t.len), "output is not valid UTF-8");
    FUZZ_CHECK(t.map[t.len] == size, "map[len] = %zu, input length %zu", (size_t)t.map[t.len], size);
    for (size_t i = 0; i < t.len; i++) {
        FUZZ_CHECK(t.map[i] <= t.map[i + 1], "map decreases at %zu: %zu > %zu", i, (size_t)t.map[i], (size_t)t.map[i + 1]);
        FUZZ_CHECK(t.map[i] < size || (size == 0 && t.map[i] == 0),
                   "map[%zu] = %zu past the input (%zu)", i, (size_t)t.map[i], size);
    }
    /* Newlines are kept, so block boundaries survive: same count out as in. */
    size_t nl_in = 0, nl_out = 0;
    for (size_t i = 0; i < size; i++)
        nl_in += in[i] == '\n';
    for (size_t i = 0; i < t.len; i++)
        nl_out += t.s[i] == '\n';
    FUZZ_CHECK(nl_in == nl_out, "%zu newlines in, %zu out", nl_in, nl_out);

    /* Spans from the first bytes: every [a, b) of the output maps inside the input. */
    for (size_t k = 0; k + 1 < size && k < 8; k += 2) {
        size_t a = t.len ? (unsigned char)in[k] % (t.len + 1) : 0;
        size_t b = t.len ? (unsigned char)in[k + 1] % (t.len + 1) : 0;
        if (a > b) { size_t x = a; a = b; b = x; }
        size_t s = (size_t)-1, en = (size_t)-1;
        norm_span_to_input(&t, a, b, &s, &en);
        FUZZ_CHECK(s <= en && en <= size, "span [%zu,%zu) maps to [%zu,%zu) of %zu", a, b, s, en, size);
    }
out:
    norm_text_free(&t);
    free(in);
    return 0;
}

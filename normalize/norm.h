/* normalize/norm.h — one canonical form of Japanese notice text (ICU).
 *
 * Input:  UTF-8 text (parse_doc.text: blocks joined by '\n').
 * Output: normalized UTF-8 text and a map from every byte of it back to a
 *         byte offset in the input, so that evidence can quote the original.
 * What it does, in order (one pass each; normalize/pass.h):
 *   - circled numbers (①..⑳, ⑴..⒇, ⒈..⒛, ㉑..㊿, ❶.., ➀.., ⓫.., ㈠.., ㊀..)
 *     become "(1)" list markers before NFKC, so that "①263件" does not turn
 *     into "1263件";
 *   - NFKC (full-width digits and letters, half-width katakana, ㈱ → (株),
 *     ㍻ → 平成, U+3000 → space);
 *   - the wave-dash / tilde family (〜 ～ ~ ∼ ∾ 〰 ⁓) becomes "~"; the hyphen
 *     and dash family between ASCII digits (‐ ‑ ‒ – — ― − ⁃) becomes "-";
 *     the long vowel mark ー is never touched;
 *   - digit-group commas inside numbers are removed ("1,842" → "1842",
 *     "1,234,567" → "1234567"), but not list commas ("1,2,3") nor a comma
 *     after more than three digits ("2024,123");
 *   - kanji numerals that are numbers become digits ("二百六十三件" → "263件",
 *     "1万2千件" → "12000件", "12万3456件" → "123456件", "1.5万" → "15000",
 *     "二〇二四年" → "2024年", "令和六年五月十日" → "令和6年5月10日"); words
 *     that merely contain numeral kanji stay (一部, 一時, 十分, 第三者, 数千,
 *     五月雨, 二次被害, 千葉; rules in numerals.c);
 *   - era years become Gregorian years ("平成23年" → "2011年", "令和元年" →
 *     "2019年"); compact dates become full ones ("H23.5.14" → "2011年5月14日",
 *     "R05/03/01" → "2023年3月1日", "R5年度" → "2023年度") unless the letter
 *     follows an ASCII letter, digit or URL character; "平成の時代" stays.
 *   Newlines are kept, so block boundaries survive.
 * Map: an output byte maps to the input offset of the character it came
 *   from, or of the first byte of the token it belongs to (a converted number
 *   or era date, an NFKC chunk such as ｶﾞ → ガ).
 * Errors: OW_NOMEM; OW_DECODE if the input is not valid UTF-8 (or ICU's NFKC
 *   fails); OW_TOOBIG for inputs of 4 GiB or more.  d (may be NULL) says why.
 *   On failure out->s and out->map are NULL.
 * Cost: linear; about 0.5 s for 20 MB of ordinary text; memory about 6 bytes
 *   per output byte at the peak (text, map of 4 bytes a byte, the pass buffers).
 * Ownership: norm_text owns s and map; release with norm_text_free.
 * Deterministic; no global state (ICU's NFKC instance is ICU's own). */
#ifndef OW_NORM_H
#define OW_NORM_H

#include <stddef.h>
#include <stdint.h>

#include "../core/err.h"

struct norm_text {
    char *s;        /* normalized UTF-8, NUL-terminated */
    size_t len;
    uint32_t *map;  /* len + 1 entries (inputs are below 4 GiB): map[i] = input offset of the character
                       that produced byte i of s; map[len] = input length.
                       Non-decreasing. */
};

ow_err norm_text(const char *in, size_t len, struct norm_text *out, struct ow_diag *d);
/* Frees s and map and clears t; a no-op on NULL or a cleared/failed result. */
void norm_text_free(struct norm_text *t);

/* Maps the normalized range [start, end) of t->s to the smallest input range
 * that covers it: *in_start is the input offset of the character (or token:
 * a converted kanji number, an era date, an NFKC chunk) that produced byte
 * start, *in_end the input end of the one that produced byte end - 1.  An
 * empty range maps to an empty range.  Offsets past t->len are clamped. */
void norm_span_to_input(const struct norm_text *t, size_t start, size_t end,
                        size_t *in_start, size_t *in_end);

/* Parses all of s[0..n) — ASCII digits, kanji digits 〇一…九, units 十百千
 * 万億兆, '.' only between ASCII digits — as one number: "二百六十三" → 263,
 * "一万二千三百四十五" → 12345, "二〇二四" → 2024, "1万2千" → 12000,
 * "12万3456" → 123456, "1.5万" → 15000, "263" → 263.  Returns 1 and sets
 * *out (if out is not NULL) when the whole string is one well-formed number
 * below 1e16; 0 otherwise ("二六十", "万", "1.25", "1万12345", "" or NULL).
 * It does not judge context: norm_text converts only tokens that stand for
 * numbers there (not 一時 or 数千), this function converts whatever it is
 * given. */
int norm_kanji_number(const char *s, size_t n, long long *out);

#endif

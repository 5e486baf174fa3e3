/* Unit tests for parse/: HTML to main-text blocks, plain text lines, the
 * HTML sniff.  Every snippet is invented for the test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "parse/internal.h"

static void html(const char *s, struct parse_doc *d)
{
    struct ow_diag dg = {0};
    assert_int_equal(parse_html(s, strlen(s), d, &dg), OW_OK);
}

/* Index of the block whose text is exactly s, or -1. */
static long find(const struct parse_doc *d, const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < d->nblocks; i++)
        if (d->blocks[i].len == n && memcmp(d->text + d->blocks[i].off, s, n) == 0)
            return (long)i;
    return -1;
}

static void assert_block(const struct parse_doc *d, enum parse_kind kind, const char *s)
{
    long i = find(d, s);
    if (i < 0)
        fail_msg("no block \"%s\" in:\n%s", s, d->text);
    assert_int_equal(d->blocks[i].kind, kind);
}

static void assert_absent(const struct parse_doc *d, const char *s)
{
    if (strstr(d->text, s))
        fail_msg("\"%s\" should be gone from:\n%s", s, d->text);
}

/* The text is the blocks joined by '\n', none inside a block. */
static void assert_well_formed(const struct parse_doc *d)
{
    size_t pos = 0;
    for (size_t i = 0; i < d->nblocks; i++) {
        assert_int_equal(d->blocks[i].off, pos);
        assert_null(memchr(d->text + pos, '\n', d->blocks[i].len));
        assert_true(d->blocks[i].len > 0);
        pos += d->blocks[i].len;
        assert_int_equal(d->text[pos], i + 1 < d->nblocks ? '\n' : '\0');
        pos++;
    }
    assert_int_equal(d->len, d->nblocks ? pos - 1 : 0);
}

static void main_by_markup(void **state)
{
    (void)state;
    struct parse_doc d;
    html("<html><head><title>  蒼葉電機 &amp; お知らせ </title></head><body>"
         "<header class=\"site-header\"><p>蒼葉電機ロゴ</p><nav><a href=\"/\">製品</a><a href=\"/c\">会社</a></nav></header>"
         "<main><article><header class=\"post-header\"><h1>不正アクセスに関するお詫び</h1>"
         "<p class=\"date\">2031年2月3日</p></header>"
         "<p>弊社サーバーが不正アクセスを受け、お客様の個人情報 512件 が漏えいした可能性があります。</p>"
         "<p>株式会社蒼葉電機<br>代表取締役 青葉 一郎</p></article></main>"
         "<aside class=\"widget\"><h2>新着</h2><ul><li><a href=\"/a\">春のセール開始</a></li></ul></aside>"
         "<footer><p>蒼葉電機 本社所在地 青葉県青葉市1-1</p></footer></body></html>",
         &d);
    assert_well_formed(&d);
    assert_int_equal(d.main_by_markup, 1);
    assert_int_equal(d.is_html, 1);
    assert_string_equal(d.title, "蒼葉電機 & お知らせ");
    assert_int_equal(d.blocks[0].kind, PARSE_TITLE);
    assert_int_equal(find(&d, "蒼葉電機 & お知らせ"), 0);
    assert_block(&d, PARSE_HEADING, "不正アクセスに関するお詫び");
    assert_block(&d, PARSE_PARA, "2031年2月3日");   /* the article's own header stays */
    assert_block(&d, PARSE_PARA, "弊社サーバーが不正アクセスを受け、お客様の個人情報 512件 が漏えいした可能性があります。");
    assert_block(&d, PARSE_PARA, "株式会社蒼葉電機");
    assert_block(&d, PARSE_PARA, "代表取締役 青葉 一郎");
    assert_absent(&d, "ロゴ");
    assert_absent(&d, "製品");
    assert_absent(&d, "春のセール");
    assert_absent(&d, "本社所在地");
    assert_int_equal(d.nblocks, 6);
    parse_doc_free(&d);
}

static void main_by_score_in_table_layout(void **state)
{
    (void)state;
    struct parse_doc d;
    html("<html><body><table width=\"780\">"
         "<tr><td colspan=\"2\"><a href=\"/\">トップ</a> | <a href=\"/shop\">商品</a> | <a href=\"/q\">質問</a></td></tr>"
         "<tr><td width=\"150\"><a href=\"/1\">羊羹</a><br><a href=\"/2\">饅頭</a><br><a href=\"/3\">煎餅</a><br>"
         "<font size=\"1\">老舗の味</font></td>"
         "<td><table>"
         "<tr><td align=\"right\">平成30年1月9日</td></tr>"
         "<tr><td>有限会社こはく堂</td></tr>"
         "<tr><td>このたび弊社の通販サイトが不正アクセスを受け、お客様のクレジットカード情報 77件 が流出したことが判明いたしました。<br>"
         "深くお詫び申し上げます。<br>"
         "対象のお客様には調査の結果をご報告いたします。</td></tr>"
         "</table></td></tr>"
         "<tr><td colspan=\"2\">Copyright (C) KOHAKUDO</td></tr>"
         "</table></body></html>",
         &d);
    assert_well_formed(&d);
    assert_int_equal(d.main_by_markup, 0);
    assert_null(d.title);
    assert_block(&d, PARSE_PARA, "平成30年1月9日");
    assert_block(&d, PARSE_PARA, "有限会社こはく堂");
    assert_block(&d, PARSE_PARA, "このたび弊社の通販サイトが不正アクセスを受け、お客様のクレジットカード情報 77件 が流出したことが判明いたしました。");
    assert_block(&d, PARSE_PARA, "深くお詫び申し上げます。");
    assert_block(&d, PARSE_PARA, "対象のお客様には調査の結果をご報告いたします。");
    assert_absent(&d, "トップ");
    assert_absent(&d, "羊羹");
    assert_absent(&d, "老舗の味");
    assert_absent(&d, "Copyright");
    assert_int_equal(d.nblocks, 5);
    parse_doc_free(&d);

    /* A copyright mark starts a junk line only before a year or a Latin name. */
    html("<body><p>漏えいした情報</p><p>(A) 氏名</p><p>(C) 電話番号</p><p>© 2030 Kohakudo</p></body>", &d);
    assert_block(&d, PARSE_PARA, "(C) 電話番号");
    assert_absent(&d, "Kohakudo");
    parse_doc_free(&d);
}

static void sidebar_with_prices_dropped(void **state)
{
    (void)state;
    struct parse_doc d;
    html("<body><div id=\"wrap\"><div id=\"main\"><h2>ウイルス感染のお詫び</h2>"
         "<p>当社の端末がマルウェアに感染し、取引先 30名 のメールアドレスが流出した可能性があります。</p></div>"
         "<div class=\"side-block\"><p>おすすめ</p><p>特選ほうじ茶 1,980円（税込）</p></div>"
         "<div id=\"sidebar\"><p>季節の詰め合わせ 3,240円</p></div>"
         "<div class=\"ad-box\"><p>今だけ送料無料 5,000円以上</p></div></div></body>",
         &d);
    assert_well_formed(&d);
    assert_block(&d, PARSE_HEADING, "ウイルス感染のお詫び");
    assert_block(&d, PARSE_PARA, "当社の端末がマルウェアに感染し、取引先 30名 のメールアドレスが流出した可能性があります。");
    assert_absent(&d, "円");
    assert_absent(&d, "おすすめ");
    assert_int_equal(d.nblocks, 2);
    parse_doc_free(&d);
}

static void script_style_comment_dropped(void **state)
{
    (void)state;
    struct parse_doc d;
    html("<html><head><style>p { color: red }</style><script>var leaked = 999;</script></head><body>"
         "<!-- 旧版では 123件 と記載 --><p>本文の一行目</p><script>document.write('広告')</script>"
         "<noscript>JavaScriptを有効に</noscript><template><p>雛形</p></template>"
         "<svg><text>図の文字</text></svg><p>本文の二行目</p>"
         "<form><input value=\"入力値\"><select><option>選択肢</option></select><button>送信する</button>"
         "<textarea>書きかけ</textarea></form></body></html>",
         &d);
    assert_well_formed(&d);
    assert_block(&d, PARSE_PARA, "本文の一行目");
    assert_block(&d, PARSE_PARA, "本文の二行目");
    assert_int_equal(d.nblocks, 2);
    assert_absent(&d, "color");
    assert_absent(&d, "999");
    assert_absent(&d, "123件");
    assert_absent(&d, "広告");
    parse_doc_free(&d);
}

static void br_lines_split(void **state)
{
    (void)state;
    struct parse_doc d;
    html("<body><p>  一行目　です <br>二行目<br/><br>\n  三行目 <b>太字</b>  </p></body>", &d);
    assert_well_formed(&d);
    assert_int_equal(d.nblocks, 3);
    assert_int_equal(find(&d, "一行目　です"), 0);   /* U+3000 kept, ASCII spaces trimmed */
    assert_int_equal(find(&d, "二行目"), 1);
    assert_int_equal(find(&d, "三行目 太字"), 2);
    assert_int_equal(d.blocks[2].kind, PARSE_PARA);
    parse_doc_free(&d);
}

static void table_row_joined(void **state)
{
    (void)state;
    struct parse_doc d;
    html("<body><table>\n<tr>\n<th>区分</th>\n<th>件数</th>\n</tr>\n"
         "<tr><td>会員情報<br>（氏名・住所）</td><td align=\"right\">約1,200件</td></tr>\n"
         "<tr><td>カード情報</td><td>&nbsp;</td></tr></table></body>",
         &d);
    assert_well_formed(&d);
    assert_int_equal(d.nblocks, 3);
    assert_block(&d, PARSE_ROW, "区分 件数");
    assert_block(&d, PARSE_ROW, "会員情報 （氏名・住所） 約1,200件");
    assert_block(&d, PARSE_ROW, "カード情報");
    parse_doc_free(&d);
}

static void dl_dt_dd(void **state)
{
    (void)state;
    struct parse_doc d;
    html("<body><dl><dt>判明日</dt><dd>令和9年4月1日</dd><dt>対象</dt><dd><ul><li>氏名</li><li>住所</li></ul></dd></dl></body>",
         &d);
    assert_well_formed(&d);
    assert_int_equal(d.nblocks, 5);
    assert_int_equal(find(&d, "判明日"), 0);
    assert_int_equal(d.blocks[0].kind, PARSE_HEADING);
    assert_int_equal(find(&d, "令和9年4月1日"), 1);
    assert_int_equal(d.blocks[1].kind, PARSE_PARA);
    assert_block(&d, PARSE_HEADING, "対象");
    assert_block(&d, PARSE_ITEM, "氏名");
    assert_block(&d, PARSE_ITEM, "住所");
    parse_doc_free(&d);
}

static void pre_lines(void **state)
{
    (void)state;
    struct parse_doc d;
    html("<body><pre>\n                 令和9年6月1日\n\n１．概要\n　　書類を紛失しました。\r\n   対象　\t 12名\n</pre></body>", &d);
    assert_well_formed(&d);
    assert_int_equal(d.nblocks, 4);
    assert_int_equal(find(&d, "令和9年6月1日"), 0);
    assert_int_equal(find(&d, "１．概要"), 1);
    assert_int_equal(find(&d, "　　書類を紛失しました。"), 2);
    assert_int_equal(find(&d, "対象　 12名"), 3);
    for (size_t i = 0; i < d.nblocks; i++)
        assert_int_equal(d.blocks[i].kind, PARSE_PRE);
    parse_doc_free(&d);
}

static void nested_100k_divs(void **state)
{
    (void)state;
    const size_t depth = 100000;
    size_t cap = depth * 11 + 200, n = 0;
    char *s = malloc(cap);
    assert_non_null(s);
    n += (size_t)sprintf(s + n, "<html><body>");
    for (size_t i = 0; i < depth; i++) {
        memcpy(s + n, "<div>", 5);
        n += 5;
    }
    n += (size_t)sprintf(s + n, "深い所の文");
    for (size_t i = 0; i < depth; i++) {
        memcpy(s + n, "</div>", 6);
        n += 6;
    }
    n += (size_t)sprintf(s + n, "<p>後ろの文</p></body></html>");
    struct parse_doc d;
    struct ow_diag dg = {0};
    assert_int_equal(parse_html(s, n, &d, &dg), OW_OK);
    assert_well_formed(&d);
    assert_int_equal(d.nblocks, 2);
    assert_int_equal(find(&d, "深い所の文"), 0);
    assert_int_equal(find(&d, "後ろの文"), 1);
    parse_doc_free(&d);
    /* The same without closing tags. */
    n = 0;
    for (size_t i = 0; i < depth; i++) {
        memcpy(s + n, "<span><div>", 11);
        n += 11;
    }
    assert_int_equal(parse_html(s, n, &d, &dg), OW_OK);
    assert_int_equal(d.nblocks, 0);
    parse_doc_free(&d);
    free(s);
}

/* Markup that drives libxml2 2.9.14 quadratic: 100k unmatched end tags
 * under 100k open elements; one tag with 60k attributes. */
static void pathological_markup_is_linear(void **state)
{
    (void)state;
    const size_t depth = 100000;
    struct ow_buf b;
    ow_buf_init(&b, 0);
    assert_int_equal(ow_buf_adds(&b, "<html><body><p>前置きの文</p>"), OW_OK);
    for (size_t i = 0; i < depth; i++)
        assert_int_equal(ow_buf_adds(&b, "<div>"), OW_OK);
    assert_int_equal(ow_buf_adds(&b, "奥の文"), OW_OK);
    for (size_t i = 0; i < depth; i++)
        assert_int_equal(ow_buf_adds(&b, "</span>"), OW_OK);
    assert_int_equal(ow_buf_adds(&b, "<p class=\"a\""), OW_OK);
    for (size_t i = 0; i < 60000; i++)
        assert_int_equal(ow_buf_printf(&b, " x%zu=1", i), OW_OK);
    assert_int_equal(ow_buf_adds(&b, ">属性の多い段落</p>"), OW_OK);
    struct parse_doc d;
    struct ow_diag dg = {0};
    assert_int_equal(parse_html(b.data, b.len, &d, &dg), OW_OK);
    assert_well_formed(&d);
    assert_int_not_equal(find(&d, "前置きの文"), -1);
    assert_int_not_equal(find(&d, "奥の文"), -1);
    assert_int_not_equal(find(&d, "属性の多い段落"), -1);
    parse_doc_free(&d);
    ow_buf_free(&b);
}

static void mislabelled_wrapper_kept(void **state)
{
    (void)state;
    struct parse_doc d;
    html("<body><div class=\"l-wrap has-sidebar\"><div class=\"txt\">"
         "<p>弊社の委託先で書類を紛失し、お客様 40名 の氏名と住所が漏えいした可能性があることが判明しました。</p>"
         "<p>関係者の皆様に深くお詫び申し上げます。</p></div>"
         "<div class=\"sidebar\"><p>営業日カレンダー</p></div></div></body>",
         &d);
    assert_well_formed(&d);
    assert_block(&d, PARSE_PARA, "弊社の委託先で書類を紛失し、お客様 40名 の氏名と住所が漏えいした可能性があることが判明しました。");
    assert_block(&d, PARSE_PARA, "関係者の皆様に深くお詫び申し上げます。");
    assert_absent(&d, "カレンダー");
    parse_doc_free(&d);
}

static void unclosed_tags(void **state)
{
    (void)state;
    struct parse_doc d;
    html("<html><body><p>一つ目<p>二つ目<div>三つ目<ul><li>項目A<li>項目B</ul><table><tr><td>甲<td>乙", &d);
    assert_well_formed(&d);
    assert_int_equal(d.nblocks, 6);
    assert_int_equal(find(&d, "一つ目"), 0);
    assert_int_equal(find(&d, "二つ目"), 1);
    assert_int_equal(find(&d, "三つ目"), 2);
    assert_block(&d, PARSE_ITEM, "項目A");
    assert_block(&d, PARSE_ITEM, "項目B");
    assert_block(&d, PARSE_ROW, "甲 乙");
    parse_doc_free(&d);
}

static void empty_inputs(void **state)
{
    (void)state;
    struct parse_doc d;
    const char *cases[] = {"", "   \n\t ", "<html><body></body></html>", "<!-- 注釈だけ -->",
                           "<body>&nbsp; \xe3\x80\x80 <p> </p></body>"};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        html(cases[i], &d);
        assert_int_equal(d.nblocks, 0);
        assert_int_equal(d.len, 0);
        assert_non_null(d.text);
        assert_string_equal(d.text, "");
        assert_null(d.title);
        parse_doc_free(&d);
    }
}

static void only_script(void **state)
{
    (void)state;
    struct parse_doc d;
    html("<script>location.href='/next';</script>", &d);
    assert_int_equal(d.nblocks, 0);
    parse_doc_free(&d);
    html("<html><head><title>移動中</title><script>var a = '<p>偽</p>';</script></head></html>", &d);
    assert_well_formed(&d);
    assert_int_equal(d.nblocks, 1);
    assert_int_equal(d.blocks[0].kind, PARSE_TITLE);
    assert_string_equal(d.text, "移動中");
    assert_string_equal(d.title, "移動中");
    parse_doc_free(&d);
}

static void blog_ads_and_comments_dropped(void **state)
{
    (void)state;
    struct parse_doc d;
    html("<body><div id=\"main\"><div class=\"entry\"><h2>【転載】ある店の情報流出</h2><div class=\"entry_body\">"
         "<span class=\"pr\">[PR]</span> 格安ドメイン取得<br>"
         "転載元の店舗がカード情報 88件 の流出を公表しました。<br>"
         "お客様には多大なご迷惑をおかけし、お詫び申し上げます。</div>"
         "<div class=\"entry_footer\">カテゴリ：<a href=\"/c\">流出</a> | コメント(2) | トラックバック(0)</div></div>"
         "<p>この記事にコメントする</p>"
         "<div id=\"comments\"><p>うちにも請求が来ました 5件</p></div></div></body>",
         &d);
    assert_well_formed(&d);
    assert_block(&d, PARSE_HEADING, "【転載】ある店の情報流出");
    assert_block(&d, PARSE_PARA, "転載元の店舗がカード情報 88件 の流出を公表しました。");
    assert_absent(&d, "格安");
    assert_absent(&d, "トラックバック");
    assert_absent(&d, "コメント");
    assert_absent(&d, "請求");
    parse_doc_free(&d);
}

static void news_related_and_ranking_dropped(void **state)
{
    (void)state;
    struct parse_doc d;
    html("<body><main class=\"article-main\"><article><h1>通販サイトに不正アクセス、顧客情報流出か</h1>"
         "<div class=\"article-body\"><p>雑貨店を営む株式会社ほたる屋は、顧客 2,345人分 の個人情報が流出した可能性があると発表した。</p></div>"
         "</article><section><h2>関連ニュース</h2><ul><li><a href=\"/x\">別の会社で 9,999件 流出</a> <time>2030/01/02</time></li>"
         "<li><a href=\"/y\">病院でランサムウェア被害</a> <time>2030/01/01</time></li></ul></section></main>"
         "<aside class=\"ranking\"><ol><li><a href=\"/z\">1位 大規模流出 50万件</a></li></ol></aside></body>",
         &d);
    assert_well_formed(&d);
    assert_block(&d, PARSE_TITLE, "通販サイトに不正アクセス、顧客情報流出か");
    assert_block(&d, PARSE_PARA, "雑貨店を営む株式会社ほたる屋は、顧客 2,345人分 の個人情報が流出した可能性があると発表した。");
    assert_absent(&d, "9,999");
    assert_absent(&d, "関連");
    assert_absent(&d, "50万");
    assert_int_equal(d.nblocks, 2);
    /* No <title>: the first h1 is the title, in place. */
    assert_string_equal(d.title, "通販サイトに不正アクセス、顧客情報流出か");
    assert_int_equal(d.blocks[0].kind, PARSE_TITLE);
    parse_doc_free(&d);
}

/* A notice beside a news archive twenty times its size: the archive holds
 * most of the text but little of the notice vocabulary, so it is dropped
 * and the notice is the main text. */
static void sparse_archive_dropped(void **state)
{
    (void)state;
    struct ow_buf b;
    ow_buf_init(&b, 0);
    assert_int_equal(ow_buf_adds(&b, "<html><head><title>不正アクセスに関するお詫び</title></head><body>"
                                     "<div class=\"notice\"><h1>不正アクセスによる個人情報漏えいに関するお詫び</h1>"
                                     "<p>弊社サイトが不正アクセスを受け、お客様の個人情報が流出した可能性があることが判明しました。</p>"
                                     "<p>対象は会員 1,200名 の氏名、住所、電話番号、メールアドレスです。</p>"
                                     "<p>調査の結果、被害の発生を確認しました。再発防止に努めます。</p></div>"
                                     "<div class=\"archive\"><h2>これまでの記事</h2>"),
                     OW_OK);
    for (int i = 0; i < 200; i++)
        assert_int_equal(ow_buf_adds(&b, "<div class=\"item\"><p>2030年4月1日</p><p>春の新作ノートを発売しました。"
                                         "店頭とオンラインストアでお求めいただけます。</p></div>"),
                         OW_OK);
    assert_int_equal(ow_buf_adds(&b, "</div></body></html>"), OW_OK);
    struct parse_doc d;
    struct ow_diag dg = {0};
    assert_int_equal(parse_html(b.data, b.len, &d, &dg), OW_OK);
    assert_well_formed(&d);
    assert_block(&d, PARSE_HEADING, "不正アクセスによる個人情報漏えいに関するお詫び");
    assert_block(&d, PARSE_PARA, "対象は会員 1,200名 の氏名、住所、電話番号、メールアドレスです。");
    assert_block(&d, PARSE_PARA, "調査の結果、被害の発生を確認しました。再発防止に努めます。");
    assert_absent(&d, "春の新作");
    assert_absent(&d, "これまでの記事");
    parse_doc_free(&d);
    ow_buf_free(&b);
}

/* A dense table inside a notice is not the notice: the paragraphs around it
 * have the vocabulary too, so nothing is dropped. */
static void dense_table_keeps_notice(void **state)
{
    (void)state;
    struct parse_doc d;
    html("<body><div id=\"main\"><h1>会員情報流出についてのお詫び</h1>"
         "<p>このたび、弊社の会員サイトに第三者による不正アクセスがあり、会員の皆様の個人情報が外部に流出した"
         "可能性があることが判明いたしました。皆様に多大なご迷惑とご心配をおかけしますことを深くお詫び申し上げます。</p>"
         "<table><tr><th>情報</th><th>件数</th><th>項目</th></tr>"
         "<tr><td>会員情報</td><td>3,400件</td><td>氏名、住所、電話番号、メールアドレス</td></tr>"
         "<tr><td>カード情報</td><td>210件</td><td>カード番号、有効期限</td></tr></table>"
         "<p>経緯：2030年5月10日、サーバーの異常を検知し、調査を開始しました。同日、サイトを停止しました。"
         "外部の専門機関による調査により、不正アクセスの事実を確認しました。今後は監視体制を強化してまいります。</p>"
         "</div></body>",
         &d);
    assert_well_formed(&d);
    assert_block(&d, PARSE_ROW, "会員情報 3,400件 氏名、住所、電話番号、メールアドレス");
    assert_true(strstr(d.text, "可能性があることが判明いたしました") != NULL);
    assert_true(strstr(d.text, "監視体制を強化") != NULL);
    parse_doc_free(&d);
}

static void whitespace_and_line_wraps(void **state)
{
    (void)state;
    struct parse_doc d;
    html("<body><p>個人情報が\n    流出した</p><p>one\n two\t\tthree</p><p>全角　スペース &nbsp; と&lt;記号&gt;</p></body>", &d);
    assert_well_formed(&d);
    assert_block(&d, PARSE_PARA, "個人情報が流出した");   /* a source line wrap between kanji is no space */
    assert_block(&d, PARSE_PARA, "one two three");
    assert_block(&d, PARSE_PARA, "全角　スペース と<記号>");
    parse_doc_free(&d);
}

static void invalid_utf8_not_truncated(void **state)
{
    (void)state;
    struct parse_doc d;
    const char s[] = "<body><p>前半\xff\xfe後半</p><p>次の段落</p></body>";
    struct ow_diag dg = {0};
    assert_int_equal(parse_html(s, sizeof s - 1, &d, &dg), OW_OK);
    assert_well_formed(&d);
    assert_block(&d, PARSE_PARA, "前半\xef\xbf\xbd\xef\xbf\xbd後半");
    assert_block(&d, PARSE_PARA, "次の段落");
    parse_doc_free(&d);
}

static void plain_text_blocks(void **state)
{
    (void)state;
    struct parse_doc d;
    struct ow_diag dg = {0};
    const char s[] = "\xef\xbb\xbf\n  書類紛失のお詫び  \r\n\r\n令和9年\t5月1日\rお客様各位\n　\n[PR] 広告の行\n最後の行";
    assert_int_equal(parse_plain(s, sizeof s - 1, &d, &dg), OW_OK);
    assert_well_formed(&d);
    assert_int_equal(d.is_html, 0);
    assert_int_equal(d.main_by_markup, 0);
    assert_int_equal(d.nblocks, 4);
    assert_int_equal(find(&d, "書類紛失のお詫び"), 0);
    assert_int_equal(find(&d, "令和9年 5月1日"), 1);
    assert_int_equal(find(&d, "お客様各位"), 2);
    assert_int_equal(find(&d, "最後の行"), 3);
    for (size_t i = 0; i < d.nblocks; i++)
        assert_int_equal(d.blocks[i].kind, PARSE_PARA);
    assert_string_equal(d.title, "書類紛失のお詫び");
    parse_doc_free(&d);

    assert_int_equal(parse_plain("", 0, &d, &dg), OW_OK);
    assert_int_equal(d.nblocks, 0);
    assert_null(d.title);
    assert_string_equal(d.text, "");
    parse_doc_free(&d);

    const char bad[] = "a\0b\xff" "c";
    assert_int_equal(parse_plain(bad, sizeof bad - 1, &d, &dg), OW_OK);
    assert_string_equal(d.text, "a b\xef\xbf\xbd" "c");
    parse_doc_free(&d);
}

/* Text wrapped at a fixed width (a PDF's text copied out, a mail): the
 * lines that reach the margin run on into the next, so that words broken
 * at the margin (不⏎正アクセス) are whole again; a sentence's end, an item,
 * a blank line and lines typed one paragraph each stay lines of their own. */
static void plain_wrapped_lines(void **state)
{
    (void)state;
    struct parse_doc d;
    struct ow_diag dg = {0};
    const char *s = "弊社が運営する通販サイトに対する第三者の不\n"   /* 42 columns */
                    "正アクセスにより、お客様のクレジットカード\n"
                    "情報が流出した可能性があることが判明した。\n"    /* ends a sentence at the margin */
                    "調査の結果、流出した情報は次のとおりです。\n"
                    "・氏名、住所\n"
                    "・カード番号\n"
                    "\n"
                    "Member IDs and e-mail addresses of the shop\n"
                    "were read from the database by an outsider\n"
                    "on 3 June.\n"
                    "\n"
                    "北浜市立図書館で利用者カードの控えの綴りを紛失したため、\n"   /* one paragraph a line */
                    "経緯と今後の対応についてご報告いたします\n"
                    "再発防止に努めてまいります。\n"
                    "\n"
                    "氏名、住所、電話番号\n"                          /* narrow: a list */
                    "生年月日、性別、職業\n";
    assert_int_equal(parse_plain(s, strlen(s), &d, &dg), OW_OK);
    assert_well_formed(&d);
    assert_int_equal(find(&d, "弊社が運営する通販サイトに対する第三者の不正アクセスにより、お客様のクレジットカード"
                              "情報が流出した可能性があることが判明した。"), 0);
    assert_int_equal(find(&d, "調査の結果、流出した情報は次のとおりです。"), 1);
    assert_int_equal(find(&d, "・氏名、住所"), 2);
    assert_int_equal(find(&d, "・カード番号"), 3);
    assert_int_equal(find(&d, "Member IDs and e-mail addresses of the shop were read from the database by an "
                              "outsider on 3 June."), 4);
    assert_int_equal(find(&d, "北浜市立図書館で利用者カードの控えの綴りを紛失したため、"), 5);
    assert_int_equal(find(&d, "経緯と今後の対応についてご報告いたします"), 6);
    assert_int_equal(find(&d, "再発防止に努めてまいります。"), 7);
    assert_int_equal(find(&d, "氏名、住所、電話番号"), 8);
    assert_int_equal(find(&d, "生年月日、性別、職業"), 9);
    assert_int_equal(d.nblocks, 10);
    /* the title is the first block, whole */
    const char *head = "弊社が運営する通販サイトに対する第三者の不正アクセス";
    assert_true(!strncmp(d.title, head, strlen(head)));
    parse_doc_free(&d);
}

/* Text wrapped at a count of characters: narrow digits make the lines'
 * widths in columns differ, their lengths in characters do not; a rule
 * and a URL under the signature set no margin. */
static void plain_wrapped_by_characters(void **state)
{
    (void)state;
    struct parse_doc d;
    struct ow_diag dg = {0};
    const char *s = "北浜精工株式会社は2026年03月09日、管理番号1234の\n"   /* 30 characters, 48 columns */
                    "顧客管理用のサーバーが第三者による不正アクセスを受け顧客の氏\n" /* 30 characters, 60 columns */
                    "名と住所が流出した可能性があると発表した。\n"
                    "\n"
                    "--------------------------------\n"
                    "https://kitahama-seiko.example/news\n"
                    "--------------------------------\n";
    assert_int_equal(parse_plain(s, strlen(s), &d, &dg), OW_OK);
    assert_well_formed(&d);
    assert_int_equal(find(&d, "北浜精工株式会社は2026年03月09日、管理番号1234の顧客管理用のサーバーが第三者による"
                              "不正アクセスを受け顧客の氏名と住所が流出した可能性があると発表した。"), 0);
    assert_int_equal(find(&d, "--------------------------------"), 1);
    assert_int_equal(find(&d, "https://kitahama-seiko.example/news"), 2);
    assert_int_equal(d.nblocks, 4);
    parse_doc_free(&d);
}

/* A message with an HTML body: header lines, then the body's blocks; no
 * markup reaches the text. */
static void mail_with_html_body(void **state)
{
    (void)state;
    struct parse_doc d;
    struct ow_diag dg = {0};
    const char head[] = "Subject: 会員情報流出のお詫び\nFrom: info@example.jp\n\n";
    const char s[] = "Subject: 会員情報流出のお詫び\nFrom: info@example.jp\n\n"
                     "<html><head><title>お詫び</title><style>p{color:red}</style></head><body>"
                     "<ul class=\"gnav\"><li><a href=\"/\">ホーム</a></li><li><a href=\"/shop\">ショップ</a></li></ul>"
                     "<p>会員様各位</p><table><tr><td>流出件数</td><td>約1,200件</td></tr></table>"
                     "</body></html>\n";
    assert_int_equal(parse_mail(s, sizeof s - 1, sizeof head - 1, 1, &d, &dg), OW_OK);
    assert_well_formed(&d);
    assert_string_equal(d.title, "Subject: 会員情報流出のお詫び");
    assert_int_equal(find(&d, "Subject: 会員情報流出のお詫び"), 0);
    assert_int_equal(find(&d, "From: info@example.jp"), 1);
    assert_block(&d, PARSE_HEADING, "お詫び");   /* the body's <title>: not a second title */
    assert_block(&d, PARSE_PARA, "会員様各位");
    assert_block(&d, PARSE_ROW, "流出件数 約1,200件");
    assert_absent(&d, "<");
    assert_absent(&d, "color");
    assert_absent(&d, "ショップ");
    assert_int_equal(d.is_html, 1);
    parse_doc_free(&d);

    /* a plain body is split into lines as before, markup-looking text and all */
    assert_int_equal(parse_mail(s, sizeof s - 1, sizeof head - 1, 0, &d, &dg), OW_OK);
    assert_int_equal(d.is_html, 0);
    assert_true(strstr(d.text, "<p>会員様各位</p>") != NULL);
    parse_doc_free(&d);
}

static void looks_html(void **state)
{
    (void)state;
    const char *yes[] = {"<!DOCTYPE html><html>", "\xef\xbb\xbf  \n<html lang=\"ja\">", "<p>短い", "<?xml version=\"1.0\"?>",
                         "お知らせ\n<br>二行目", "Subject: x\n\n<div>本文</div>"};
    const char *no[] = {"", "お知らせ本文です。", "差出人 <info@example.jp>\n本文", "<お知らせ>\n本文", "1 < 2 and 3 > 2"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        assert_true(parse_looks_html(yes[i], strlen(yes[i])));
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        assert_false(parse_looks_html(no[i], strlen(no[i])));
}

static void free_twice_is_safe(void **state)
{
    (void)state;
    struct parse_doc d;
    html("<p>x</p>", &d);
    parse_doc_free(&d);
    parse_doc_free(&d);
    parse_doc_free(NULL);
}

/* C1 controls (CSI U+009B, OSC U+009D) and bidi overrides and isolates
 * (U+202E, U+2066), raw or as character references, are dropped from the
 * title and the text: they reorder or take over whatever shows them. */
static void controls_are_dropped(void **state)
{
    (void)state;
    struct parse_doc d;
    html("<html><head><title>不正アクセス\xe2\x80\xaeによる\xc2\x9b" "31m漏えい\xc2\x9dお詫び</title>"
         "</head><body><h1>&#x202E;お詫び&#155;</h1>"
         "<p>株式会社\xe2\x80\xaeひばり\xe2\x81\xa6運輸</p><p>\xe2\x80\xae</p></body></html>", &d);
    assert_well_formed(&d);
    assert_string_equal(d.title, "不正アクセスによる31m漏えいお詫び");
    assert_block(&d, PARSE_TITLE, "不正アクセスによる31m漏えいお詫び");
    assert_block(&d, PARSE_HEADING, "お詫び");
    assert_block(&d, PARSE_PARA, "株式会社ひばり運輸");
    assert_int_equal(d.nblocks, 3);   /* the paragraph of nothing but U+202E is gone */
    parse_doc_free(&d);
    struct ow_diag dg = {0};
    const char *txt = "お詫び\xe2\x80\xae\xc2\x9b\n株式会社\xe2\x81\xa9テスト\n";
    assert_int_equal(parse_plain(txt, strlen(txt), &d, &dg), OW_OK);
    assert_string_equal(d.title, "お詫び");
    assert_string_equal(d.text, "お詫び\n株式会社テスト");
    parse_doc_free(&d);
}

/* parse/vocab/words.tsv: the built-in lists load, and a file with an
 * unknown label or a word the index cannot key is refused by line. */
static void word_lists(void **state)
{
    (void)state;
    struct ow_diag d = {0};
    const struct parse_words *w = parse_words(&d);
    assert_non_null(w);
    int related = 0, kabu = 0;
    for (size_t i = 0; i < w->nchrome; i++)
        related |= !strcmp(w->chrome[i], "関連記事");
    for (size_t i = 0; i < w->n; i++)
        kabu |= !strcmp(w->word[i], "株式会社") && w->org[i];
    assert_true(related && kabu);

    static struct parse_words t;
    char store[256];
    static const char good[] = "# a comment\nnotice\t漏えい\norg\t株式会社\nchrome\t関連記事\nchrome\tRelated\n";
    assert_int_equal(parse_words_read(good, sizeof good - 1, "x.tsv", &t, store, sizeof store, &d), OW_OK);
    assert_int_equal(t.n, 2);
    assert_int_equal(t.nchrome, 2);
    assert_string_equal(t.chrome[1], "Related");
    static const char label[] = "notice\t漏えい\nnotise\t流出\n";
    assert_int_equal(parse_words_read(label, sizeof label - 1, "x.tsv", &t, store, sizeof store, &d), OW_DATA);
    assert_non_null(strstr(d.msg, "x.tsv:2: unknown label \"notise\""));
    /* the index keys a word by its first three bytes */
    static const char ascii[] = "org\tInc.\n";
    assert_int_equal(parse_words_read(ascii, sizeof ascii - 1, "x.tsv", &t, store, sizeof store, &d), OW_DATA);
    assert_non_null(strstr(d.msg, "x.tsv:1:"));
    static const char notab[] = "notice 漏えい\n";
    assert_int_equal(parse_words_read(notab, sizeof notab - 1, "x.tsv", &t, store, sizeof store, &d), OW_DATA);

    /* class tokens: found by bsearch whatever their order in the file; a
     * token under two labels says both; lower-case ASCII only */
    assert_true(parse_class_token(w, "sidebar") & PARSE_CLASS_CHROME);
    assert_true(parse_class_token(w, "honbun") & PARSE_CLASS_MAIN);
    assert_int_equal(parse_class_token(w, "notice"), 0);
    static const char cls[] = "mainclass\tentry\nchromeclass\tad\nlistclass\tentry\nframeclass\tfooter\n";
    assert_int_equal(parse_words_read(cls, sizeof cls - 1, "x.tsv", &t, store, sizeof store, &d), OW_OK);
    assert_int_equal(t.ncls, 3);
    assert_string_equal(t.cls[0], "ad");
    assert_int_equal(parse_class_token(&t, "entry"), PARSE_CLASS_MAIN | PARSE_CLASS_LIST);
    assert_int_equal(parse_class_token(&t, "footer"), PARSE_CLASS_FRAME);
    assert_int_equal(parse_class_token(&t, "foot"), 0);
    static const char upper[] = "chromeclass\tSideBar\n";
    assert_int_equal(parse_words_read(upper, sizeof upper - 1, "x.tsv", &t, store, sizeof store, &d), OW_DATA);
    assert_non_null(strstr(d.msg, "lower-case"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(main_by_markup),
        cmocka_unit_test(main_by_score_in_table_layout),
        cmocka_unit_test(sidebar_with_prices_dropped),
        cmocka_unit_test(script_style_comment_dropped),
        cmocka_unit_test(br_lines_split),
        cmocka_unit_test(table_row_joined),
        cmocka_unit_test(dl_dt_dd),
        cmocka_unit_test(pre_lines),
        cmocka_unit_test(nested_100k_divs),
        cmocka_unit_test(pathological_markup_is_linear),
        cmocka_unit_test(mislabelled_wrapper_kept),
        cmocka_unit_test(unclosed_tags),
        cmocka_unit_test(empty_inputs),
        cmocka_unit_test(only_script),
        cmocka_unit_test(blog_ads_and_comments_dropped),
        cmocka_unit_test(news_related_and_ranking_dropped),
        cmocka_unit_test(sparse_archive_dropped),
        cmocka_unit_test(dense_table_keeps_notice),
        cmocka_unit_test(whitespace_and_line_wraps),
        cmocka_unit_test(invalid_utf8_not_truncated),
        cmocka_unit_test(plain_text_blocks),
        cmocka_unit_test(plain_wrapped_lines),
        cmocka_unit_test(plain_wrapped_by_characters),
        cmocka_unit_test(mail_with_html_body),
        cmocka_unit_test(looks_html),
        cmocka_unit_test(free_twice_is_safe),
        cmocka_unit_test(controls_are_dropped),
        cmocka_unit_test(word_lists),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

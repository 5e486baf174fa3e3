#!/usr/bin/env python3
"""Benchmark corpus for `make bench`: python3 bench/gen.py [--out DIR] [TEMPLATE.html...]

Makes realistic notice pages from the templates (default: fixtures/*.html;
when there are none, a built-in invented notice): each page is a template
notice with the rest of a corporate site around it, the way real notices are
published -- a news archive of dated items, product tables, link lists --
added before </body> until the page reaches its size.  The filler is written
in the template's own encoding (Shift_JIS pages stay CP932, EUC-JP pages stay
EUC-JP), so the decoder does the same work it does on the real thing.

Writes DIR/size-<N>.html for 10 KB, 64 KB, 256 KB, 1 MB, 4 MB and 16 MB,
DIR/batch/page-NNN.html (200 pages of about 12 KB, every template in turn)
and DIR/manifest.json (file, bytes, group).  Deterministic: same templates,
same bytes.  Standard library only."""
import argparse
import glob
import json
import os
import random
import re
import sys

SIZES = [("10k", 10 << 10), ("64k", 64 << 10), ("256k", 256 << 10),
         ("1m", 1 << 20), ("4m", 4 << 20), ("16m", 16 << 20)]
BATCH = 200
BATCH_SIZE = 12 << 10

# An invented notice (no real company, person or event), used when there are
# no templates.
BUILTIN = """<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="utf-8">
<title>弊社オンラインショップへの不正アクセスによる個人情報漏えいに関するお詫び | 株式会社あおば文具</title>
</head>
<body>
<header><nav><a href="/">ホーム</a> | <a href="/products/">商品一覧</a> | <a href="/company/">会社概要</a></nav></header>
<main>
<h1>弊社オンラインショップへの不正アクセスによる個人情報漏えいに関するお詫びとお知らせ</h1>
<p class="date">令和5年9月12日</p>
<p>このたび、弊社が運営する「あおば文具オンラインショップ」におきまして、第三者による不正アクセスを受け、お客様のクレジットカード情報（最大1,284件）および個人情報（約3,600名分）が漏えいした可能性があることが判明いたしました。</p>
<p>お客様には多大なるご迷惑とご心配をおかけいたしますことを、深くお詫び申し上げます。</p>
<h2>1．経緯</h2>
<p>令和5年5月22日、一部のクレジットカード会社から、弊社サイトを利用したお客様のクレジットカード情報の漏えい懸念について連絡を受け、同日、クレジットカード決済を停止いたしました。第三者調査機関による調査の結果、弊社サイトのシステムの一部の脆弱性をついたことによる第三者の不正アクセスにより、ペイメントアプリケーションの改ざんが行われたことが原因であると判明いたしました。</p>
<h2>2．個人情報漏えい状況</h2>
<table border="1">
<tr><th>対象</th><th>件数</th><th>項目</th></tr>
<tr><td>2022年11月1日～2023年5月22日にクレジットカード決済をされたお客様</td><td>1,284件</td><td>カード名義人名、カード番号、有効期限、セキュリティコード</td></tr>
<tr><td>同期間に会員登録をされたお客様</td><td>3,600名</td><td>氏名、住所、電話番号、メールアドレス</td></tr>
</table>
<h2>3．お客様へのお願い</h2>
<p>クレジットカードのご利用明細書に身に覚えのない請求項目がないか、今一度ご確認をお願いいたします。</p>
<h2>4．再発防止策</h2>
<p>弊社はこのたびの事態を厳粛に受け止め、調査結果を踏まえてシステムのセキュリティ対策および監視体制の強化を行い、再発防止を図ってまいります。なお、個人情報保護委員会には令和5年6月1日に報告済みであり、所轄警察署にも被害申告しております。</p>
<h2>5．お問い合わせ窓口</h2>
<p>株式会社あおば文具 お客様相談窓口<br>電話番号：0120-000-000（受付時間 10:00～17:00 土日祝日を除く）</p>
<p>以上</p>
</main>
<footer><p>Copyright &copy; AOBA BUNGU Co., Ltd. All Rights Reserved.</p></footer>
</body>
</html>
"""

# Python codec for a declared label; CP932 for every Shift_JIS spelling, as
# browsers do.
CODECS = {"utf-8": "utf-8", "utf8": "utf-8", "shift_jis": "cp932", "shift-jis": "cp932",
          "sjis": "cp932", "x-sjis": "cp932", "windows-31j": "cp932", "cp932": "cp932",
          "ms_kanji": "cp932", "euc-jp": "euc_jp", "x-euc-jp": "euc_jp",
          "iso-2022-jp": "iso2022_jp"}


def encoding_of(data):
    """The codec that reads the template without error: BOM, then the
    declared charset, then the usual Japanese candidates."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    cands = []
    m = re.search(rb"charset\s*=\s*[\"']?([A-Za-z0-9_\-]+)", data[:2048], re.I)
    if m:
        c = CODECS.get(m.group(1).decode("ascii").lower())
        if c:
            cands.append(c)
    if b"\x1b$B" in data:
        cands.append("iso2022_jp")
    cands += ["utf-8", "euc_jp", "cp932"]
    for c in cands:
        try:
            data.decode(c)
            return c
        except UnicodeDecodeError:
            pass
    return "utf-8"


# ---- filler: the rest of a company site, in plain business Japanese ------

SUBJECTS = ["新商品", "限定セット", "季節のギフト", "定番シリーズ", "オリジナル手帳", "詰め替え用インク",
            "木製ペンケース", "再生紙ノート", "カタログ", "ポイントサービス", "会員プログラム", "配送サービス",
            "店舗営業時間", "年末年始の営業", "夏季休業", "展示会出展", "ワークショップ", "アプリ"]
EVENTS = ["発売のお知らせ", "販売開始のご案内", "リニューアルのお知らせ", "出展のお知らせ", "開催のご案内",
          "価格改定のお知らせ", "取扱終了のお知らせ", "キャンペーン実施のお知らせ", "営業日のご案内",
          "仕様変更のお知らせ"]
SENTENCES = [
    "平素より格別のお引き立てを賜り、厚く御礼申し上げます。",
    "このたび、{s}をより多くのお客様にお楽しみいただけるよう、内容を一部見直しました。",
    "{s}は全国の取扱店舗および公式オンラインストアにてお求めいただけます。",
    "{n}月{d}日より、一部商品の価格を改定させていただきます。",
    "原材料費および物流費の上昇により、誠に不本意ながら価格を改定することとなりました。",
    "今後とも変わらぬご愛顧を賜りますよう、よろしくお願い申し上げます。",
    "会場では新作の{s}を実際にお手に取ってご覧いただけます。",
    "ご来場を心よりお待ちしております。",
    "期間中は配送までにお時間をいただく場合がございます。あらかじめご了承ください。",
    "詳細につきましては、各商品ページをご確認ください。",
    "{s}の売上の一部は、地域の森林保全活動に寄付いたします。",
    "お客様からいただいたご意見をもとに、使いやすさを追求しました。",
    "ご不明な点がございましたら、お気軽にお問い合わせください。",
    "数量限定のため、なくなり次第終了とさせていただきます。",
    "店舗により取扱状況が異なります。",
]
ITEMS = ["A5ノート 方眼", "B6手帳 ウィークリー", "ゲルインクボールペン 0.5mm", "万年筆用インク 青墨",
         "木製定規 15cm", "クリアファイル 10枚組", "付箋 75mm角", "メモパッド 無地", "鉛筆 HB 12本入",
         "消しゴム 大", "ペンケース 帆布", "レターセット 和紙"]


def filler(rng, size_hint):
    """One chunk of site content: a dated news item, sometimes a product
    table or a list of links, as a corporate site's archive shows them."""
    y, mo, d = rng.randint(2015, 2024), rng.randint(1, 12), rng.randint(1, 28)
    s = rng.choice(SUBJECTS)
    out = ['<div class="news-item">\n<p class="news-date">%d年%d月%d日</p>\n' % (y, mo, d),
           "<h3>%s%s</h3>\n" % (s, rng.choice(EVENTS))]
    for _ in range(rng.randint(1, 3)):
        sent = "".join(rng.choice(SENTENCES).format(s=rng.choice(SUBJECTS), n=rng.randint(1, 12),
                                                    d=rng.randint(1, 28))
                       for _ in range(rng.randint(2, 5)))
        out.append("<p>%s</p>\n" % sent)
    r = rng.random()
    if r < 0.25:
        out.append('<table class="spec">\n<tr><th>品名</th><th>価格（税込）</th><th>発売日</th></tr>\n')
        for _ in range(rng.randint(3, 8)):
            out.append("<tr><td>%s</td><td>%d円</td><td>%d年%d月%d日</td></tr>\n"
                       % (rng.choice(ITEMS), rng.randint(1, 60) * 55, y, mo, rng.randint(1, 28)))
        out.append("</table>\n")
    elif r < 0.4:
        out.append('<ul class="related">\n')
        for _ in range(rng.randint(3, 6)):
            out.append('<li><a href="/news/%d%02d%02d-%d.html">%s%s</a></li>\n'
                       % (y, mo, d, rng.randint(1, 99), rng.choice(SUBJECTS), rng.choice(EVENTS)))
        out.append("</ul>\n")
    out.append("</div>\n")
    return "".join(out)


def build(template, codec, target, rng):
    """The template with archive filler before </body>, about `target`
    bytes once encoded (never less than the template itself)."""
    text = template.decode(codec, errors="replace")
    m = re.search(r"</body\s*>", text, re.I)
    cut = m.start() if m else len(text)
    head, tail = text[:cut], text[cut:]
    enc = "utf-8" if codec == "utf-8-sig" else codec
    size = len(template)
    parts = []
    opened = False
    while True:
        chunk = filler(rng, target - size)
        if not opened:
            chunk = '<div class="news-archive">\n<h2>お知らせ一覧</h2>\n' + chunk
            opened = True
        n = len(chunk.encode(enc, errors="xmlcharrefreplace"))
        if size + n + 8 > target and parts:
            break
        if size + n > target and not parts:
            break
        parts.append(chunk)
        size += n
    if parts:
        parts.append("</div>\n")
    page = head + "".join(parts) + tail
    bom = b"\xef\xbb\xbf" if codec == "utf-8-sig" else b""
    return bom + page.encode(enc, errors="xmlcharrefreplace")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default="bench/out")
    ap.add_argument("templates", nargs="*")
    a = ap.parse_args()
    paths = a.templates or sorted(glob.glob("fixtures/*.html"))
    templates = []
    for p in paths:
        with open(p, "rb") as f:
            data = f.read()
        templates.append((os.path.basename(p), data, encoding_of(data)))
    if not templates:
        templates = [("builtin", BUILTIN.encode("utf-8"), "utf-8")]
    os.makedirs(os.path.join(a.out, "batch"), exist_ok=True)
    for old in glob.glob(os.path.join(a.out, "batch", "page-*.html")):
        os.remove(old)

    manifest = []
    # Size series from a UTF-8 template when there is one (the common case on
    # today's sites); the batch takes every template in turn.
    utf8 = sorted((t for t in templates if t[2].startswith("utf-8")), key=lambda t: -len(t[1])) or templates
    for name, target in SIZES:
        rng = random.Random("size-" + name)
        tname, data, codec = utf8[0]
        page = build(data, codec, target, rng)
        path = os.path.join(a.out, "size-%s.html" % name)
        with open(path, "wb") as f:
            f.write(page)
        manifest.append({"file": path, "bytes": len(page), "group": "size", "size": name,
                         "template": tname})
    for i in range(BATCH):
        rng = random.Random("batch-%d" % i)
        tname, data, codec = templates[i % len(templates)]
        target = BATCH_SIZE + rng.randint(-2048, 2048)
        page = build(data, codec, target, rng)
        path = os.path.join(a.out, "batch", "page-%03d.html" % i)
        with open(path, "wb") as f:
            f.write(page)
        manifest.append({"file": path, "bytes": len(page), "group": "batch", "template": tname})
    with open(os.path.join(a.out, "manifest.json"), "w") as f:
        json.dump({"templates": [t[0] for t in templates], "files": manifest}, f, indent=1)
    total = sum(m["bytes"] for m in manifest)
    print("bench/gen.py: %d files, %.1f MB in %s from %d template(s)"
          % (len(manifest), total / 2**20, a.out, len(templates)), file=sys.stderr)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Writes the PDF fixtures of tests/pdf/ into a directory (Debian's
python3-cairo, a Noto CJK or IPA Gothic font, and qpdf for the encrypted ones).

    /usr/bin/python3 tests/pdf/make_pdfs.py OUTDIR

Every notice is invented (no real company, person or incident).  Files:
  ir-release.pdf    IR-release layout, 2 pages: date top right, 各位, the
                    会社名/代表者名/問合せ先 block at the top right, a centred
                    title in a larger font, numbered sections; section 2 (the
                    data items and the count) is on page 2.  Paragraphs wrap
                    at the column width wherever a character falls, numbers
                    included, as a word processor's PDF does.
  two-column.pdf    a title across the page, then two columns: the left one
                    tells the course of events, the right one the data and
                    the count.  Read row by row, the columns would interleave.
  image-only.pdf    page 1 of the IR release rendered to a raster and placed
                    as an image: a scan, no text at all.
  encrypted.pdf     the IR release, AES-256 with a user password: unreadable
                    without it.
  owner-locked.pdf  the IR release with only an owner password (copy and
                    print restricted, opens without a password), as many
                    listed companies publish.
  truncated.pdf     the first half of ir-release.pdf's bytes.
  garbage.pdf       a %PDF- header followed by junk and %%EOF.
"""
import os
import subprocess
import sys

import cairo

FONT = "Noto Sans CJK JP"
A4 = (595.0, 842.0)
MARGIN = 62.0

IR_HEAD = {
    "date": "2025年6月20日",
    "right": [
        "会社名　株式会社ハルカゼ精機",
        "代表者名　代表取締役社長　桜井 直人",
        "（コード番号：9999　東証スタンダード）",
        "問合せ先　取締役管理本部長　森田 葵",
        "（TEL．03-0000-0000）",
    ],
    "title": "当社サーバーへの不正アクセスに関するお知らせ",
}

# (kind, text): "p" a paragraph (wrapped, first line indented by its own
# U+3000), "h" a section heading, "r" a right-aligned line, "break" a new page.
IR_BODY = [
    ("p", "　当社は、2025年6月12日、当社が運営する通販サイト「ハルカゼオンライン」のサーバーが"
          "第三者による不正アクセスを受け、お客様の個人情報が外部に流出した可能性があることを"
          "確認いたしました。お客様ならびに関係者の皆様に多大なるご迷惑とご心配をおかけいたします"
          "ことを、深くお詫び申し上げます。"),
    ("h", "1．経緯"),
    ("p", "　2025年6月12日、サーバーの監視システムが不審な通信を検知しました。調査の結果、"
          "2025年5月8日から2025年6月12日までの期間に、ウェブアプリケーションの脆弱性を突いた"
          "不正アクセスが行われていたことが判明しました。"),
    ("break", ""),
    ("h", "2．流出した可能性のある情報"),
    ("p", "　通販サイトにご登録いただいたお客様 3,482名の氏名、住所、電話番号、メールアドレス。"
          "なお、クレジットカード情報は当社では保持しておりません。"),
    ("h", "3．今後の対応"),
    ("p", "　外部の専門機関によるフォレンジック調査を実施しております。また、所轄の警察署に"
          "相談しております。対象のお客様には、順次メールにてご連絡いたします。"),
    ("r", "以上"),
]

TWO_COL_TITLE = "個人情報流出のおそれに関するお詫び"
TWO_COL_HEAD = ["2024年11月5日", "株式会社ミズナラ観光"]
TWO_COL_LEFT = [
    ("h", "■ 経緯"),
    ("p", "　2024年10月21日、当社予約システムの管理画面に対して、外部から大量のログイン"
          "試行があったことを確認しました。調べたところ、2024年10月3日から2024年10月21日"
          "にかけて、リスト型攻撃による不正ログインが行われていたことが判明しました。"),
    ("h", "■ 当社の対応"),
    ("p", "　判明後ただちに管理画面への外部からの接続を遮断し、全アカウントのパスワードを"
          "変更しました。"),
]
TWO_COL_RIGHT = [
    ("h", "■ 対象となる情報"),
    ("p", "　宿泊予約をご利用いただいたお客様 約1,650名分の氏名、生年月日、電話番号、"
          "予約内容。"),
    ("h", "■ お問い合わせ窓口"),
    ("p", "　株式会社ミズナラ観光 お客様相談室　電話 0120-000-000（平日10時～17時）"),
]


def font(ctx, size):
    ctx.select_font_face(FONT, cairo.FONT_SLANT_NORMAL, cairo.FONT_WEIGHT_NORMAL)
    ctx.set_font_size(size)


def width(ctx, s):
    return ctx.text_extents(s).x_advance


def wrap(ctx, text, maxw):
    """Greedy character wrap, as Japanese word processors do (no word
    boundaries: a line may end inside a number)."""
    lines, cur = [], ""
    for ch in text:
        if cur and width(ctx, cur + ch) > maxw:
            lines.append(cur)
            cur = ch
        else:
            cur += ch
    if cur:
        lines.append(cur)
    return lines


def show(ctx, x, y, s):
    ctx.move_to(x, y)
    ctx.show_text(s)


def flow(ctx, items, x, y, w, size, newpage):
    """Lays out (kind, text) items in a column of width w from baseline y."""
    lead = size * 1.7
    for kind, text in items:
        if kind == "break":
            newpage()
            y = MARGIN + size
            continue
        font(ctx, size)
        if kind == "h":
            y += size * 0.6
            show(ctx, x, y, text)
            y += lead
        elif kind == "r":
            show(ctx, x + w - width(ctx, text), y, text)
            y += lead
        else:
            for line in wrap(ctx, text, w):
                show(ctx, x, y, line)
                y += lead
    return y


def metadata(surf, creator, created, modified):
    surf.set_metadata(cairo.PDFMetadata.CREATOR, creator)
    surf.set_metadata(cairo.PDFMetadata.CREATE_DATE, created)
    surf.set_metadata(cairo.PDFMetadata.MOD_DATE, modified)


def ir_page1(ctx):
    """The head of the IR release; returns the baseline where the body starts."""
    w, _ = A4
    font(ctx, 10.5)
    d = IR_HEAD["date"]
    show(ctx, w - MARGIN - width(ctx, d), MARGIN + 10, d)
    show(ctx, MARGIN, MARGIN + 40, "各位")
    y = MARGIN + 66
    right = max(width(ctx, s) for s in IR_HEAD["right"])
    for s in IR_HEAD["right"]:
        show(ctx, w - MARGIN - right, y, s)
        y += 17
    font(ctx, 14)
    t = IR_HEAD["title"]
    y += 28
    show(ctx, (w - width(ctx, t)) / 2, y, t)
    return y + 40


def ir_release(path):
    surf = cairo.PDFSurface(path, *A4)
    metadata(surf, "owabi test generator (Writer)", "2025-06-20T09:30:00+09:00",
             "2025-06-20T10:15:00+09:00")
    ctx = cairo.Context(surf)
    ctx.set_source_rgb(0, 0, 0)
    y = ir_page1(ctx)
    flow(ctx, IR_BODY, MARGIN, y, A4[0] - 2 * MARGIN, 10.5, ctx.show_page)
    ctx.show_page()
    surf.finish()


def two_column(path):
    surf = cairo.PDFSurface(path, *A4)
    metadata(surf, "owabi test generator (DTP)", "2024-11-05T08:00:00+09:00",
             "2024-11-05T08:00:00+09:00")
    ctx = cairo.Context(surf)
    w, _ = A4
    font(ctx, 10)
    for i, s in enumerate(TWO_COL_HEAD):
        show(ctx, w - MARGIN - width(ctx, s), MARGIN + 10 + 16 * i, s)
    font(ctx, 15)
    show(ctx, (w - width(ctx, TWO_COL_TITLE)) / 2, MARGIN + 70, TWO_COL_TITLE)
    gap = 28.0
    colw = (w - 2 * MARGIN - gap) / 2
    top = MARGIN + 110
    flow(ctx, TWO_COL_LEFT, MARGIN, top, colw, 10, ctx.show_page)
    flow(ctx, TWO_COL_RIGHT, MARGIN + colw + gap, top, colw, 10, ctx.show_page)
    ctx.show_page()
    surf.finish()


def image_only(path):
    """Page 1 of the IR release as pixels only (a scanner's output)."""
    scale = 100 / 72.0
    img = cairo.ImageSurface(cairo.FORMAT_RGB24, int(A4[0] * scale), int(A4[1] * scale))
    ictx = cairo.Context(img)
    ictx.set_source_rgb(1, 1, 1)
    ictx.paint()
    ictx.scale(scale, scale)
    ictx.set_source_rgb(0, 0, 0)
    y = ir_page1(ictx)
    flow(ictx, IR_BODY[:3], MARGIN, y, A4[0] - 2 * MARGIN, 10.5, lambda: None)
    img.flush()
    surf = cairo.PDFSurface(path, *A4)
    metadata(surf, "owabi test generator (Scanner)", "2025-06-21T11:00:00+09:00",
             "2025-06-21T11:00:00+09:00")
    ctx = cairo.Context(surf)
    ctx.scale(1 / scale, 1 / scale)
    ctx.set_source_surface(img, 0, 0)
    ctx.paint()
    ctx.show_page()
    surf.finish()


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_pdfs.py OUTDIR")
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    p = lambda name: os.path.join(out, name)  # noqa: E731
    ir_release(p("ir-release.pdf"))
    two_column(p("two-column.pdf"))
    image_only(p("image-only.pdf"))
    subprocess.run(["qpdf", "--encrypt", "harukaze-secret", "harukaze-owner", "256", "--",
                    p("ir-release.pdf"), p("encrypted.pdf")], check=True)
    subprocess.run(["qpdf", "--encrypt", "", "harukaze-owner", "256", "--print=none",
                    "--extract=n", "--modify=none", "--",
                    p("ir-release.pdf"), p("owner-locked.pdf")], check=True)
    data = open(p("ir-release.pdf"), "rb").read()
    with open(p("truncated.pdf"), "wb") as f:
        f.write(data[:len(data) // 2])
    with open(p("garbage.pdf"), "wb") as f:
        f.write(b"%PDF-1.7\n" + bytes(range(256)) * 8 + b"\nthis is not a PDF body\n%%EOF\n")


if __name__ == "__main__":
    main()

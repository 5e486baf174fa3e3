// tests/browser/test_browser.js DIR — owabi's HTML pages in a real browser
// (Debian's chromium, headless, driven by playwright-core).
//
// DIR is made by test_browser.sh: views/NAME.html with views/NAME.json (the
// same input's JSON record), report.html over a store of the fixtures,
// hostile-view.html and hostile-report.html.  Expected values come from
// marks.json and fixtures/expected.jsonl, both written by hand from the
// inputs; the records are used only to check that the page shows them.
'use strict';
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

const dir = process.argv[2];
const here = __dirname;
const marks = JSON.parse(fs.readFileSync(path.join(here, 'marks.json'), 'utf8'));
const expected = fs.readFileSync(path.join(here, '..', '..', 'fixtures', 'expected.jsonl'), 'utf8')
  .split('\n').filter(Boolean).map(JSON.parse);

let passed = 0, failed = 0;
function check(ok, what) {
  if (ok) passed++;
  else { failed++; console.log('FAIL ' + what); }
}

const CORE = {
  'organization.name': r => r.organization.name,
  'notice.published': r => r.notice.published,
  'incident.discovered': r => r.incident.discovered,
  'incident.attack_period': r => r.incident.attack_period,
  'incident.exposure_period': r => r.incident.exposure_period,
  'affected.total': r => r.affected.total,
  'attack.methods': r => (r.attack.methods.length ? r.attack.methods : null),
  'data.types': r => (r.data.types.length ? r.data.types : null),
};

// A page opened with every outside request, console error, uncaught error
// and dialog recorded.
async function open(browser, file, viewport) {
  const page = await browser.newPage({ viewport });
  const trouble = [];
  page.on('request', q => {
    const u = q.url();
    if (!u.startsWith('file://') && !u.startsWith('data:') && u !== 'about:blank') trouble.push('request ' + u);
  });
  page.on('console', m => { if (m.type() === 'error' || m.type() === 'warning') trouble.push('console ' + m.type() + ': ' + m.text()); });
  page.on('pageerror', e => trouble.push('page error ' + e.message));
  page.on('dialog', d => { trouble.push('dialog ' + d.message()); d.dismiss().catch(() => {}); });
  await page.goto('file://' + path.resolve(file));
  return { page, trouble };
}

async function inView(page, sel) {
  return page.$eval(sel, el => {
    const r = el.getBoundingClientRect();
    return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight && el.matches(':target');
  });
}

async function noOverflow(page) {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
}

async function views(browser) {
  const names = fs.readdirSync(path.join(dir, 'views')).filter(f => f.endsWith('.html')).sort();
  check(names.length >= 8, 'views: at least 8 pages made (got ' + names.length + ')');
  for (const name of names) {
    const base = name.replace(/\.html$/, '');
    const rec = JSON.parse(fs.readFileSync(path.join(dir, 'views', base + '.json'), 'utf8'));
    const { page, trouble } = await open(browser, path.join(dir, 'views', name), { width: 1280, height: 800 });
    // every evidence item: its pieces read as its quote
    const pieces = await page.$$eval('mark[data-ev]', ms => {
      const o = {};
      for (const m of ms) {
        // a nested mark's text is in its parent's too: count each piece once
        o[m.dataset.ev] = (o[m.dataset.ev] || '') + m.textContent;
      }
      return o;
    });
    let bad = [];
    rec.evidence.forEach((ev, i) => { if (pieces[i] !== ev.quote) bad.push(ev.field + ' ' + JSON.stringify(pieces[i]) + ' != ' + JSON.stringify(ev.quote)); });
    check(bad.length === 0, base + ': every evidence quote is marked with its text' + (bad.length ? ': ' + bad.join('; ') : ''));
    // every found core field is marked, every missing one says so
    for (const [field, get] of Object.entries(CORE)) {
      const v = get(rec);
      if (v === null || v === undefined) {
        const missing = await page.$$eval('dl.fields dt', (dts, f) => dts.some(dt =>
          dt.textContent.includes(f) && dt.nextElementSibling && dt.nextElementSibling.dataset.missing === '1'), field);
        check(missing, base + ': ' + field + ' is listed as not found');
      } else {
        const n = await page.$$eval('mark[data-field="' + field + '"]', ms => ms.length);
        check(n > 0, base + ': ' + field + ' has a mark');
      }
    }
    const key = Object.keys(marks).find(k => k.replace(/\.[a-z]+$/, '') === base);
    for (const [field, value, text] of key ? marks[key] : []) {
      const texts = await page.$$eval('mark[data-field="' + field + '"]' + (value ? '[data-value="' + value + '"]' : '') + '[id]',
        (ms) => ms.map(m => { const ev = m.dataset.ev; return Array.from(document.querySelectorAll('mark[data-ev="' + ev + '"]')).map(x => x.textContent).join(''); }));
      check(texts.some(t => t.includes(text)), base + ': ' + field + (value ? '=' + value : '') + ' marked on "' + text + '" (marks: ' + JSON.stringify(texts) + ')');
    }
    check(await noOverflow(page), base + ': no sideways scrolling at 1280x800');
    check(trouble.length === 0, base + ': no outside request, console error or dialog: ' + trouble.join('; '));
    await page.close();
  }
}

// Clicking a field's link brings its mark into view, on a laptop and a phone.
async function clicks(browser) {
  for (const base of ['loss-usb', 'cp932-sqli']) {
    for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
      const { page, trouble } = await open(browser, path.join(dir, 'views', base + '.html'), viewport);
      const links = await page.$$eval('dd[data-value] a[href^="#ev-"]', as => as.map(a => a.getAttribute('href')));
      check(links.length >= 8, base + ' ' + viewport.width + ': field links (' + links.length + ')');
      for (const href of links) {
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.click('dd[data-value] a[href="' + href + '"]');
        await page.waitForFunction(h => location.hash === h, href);
        check(await inView(page, href), base + ' ' + viewport.width + ': clicking ' + href + ' shows its mark');
      }
      check(await noOverflow(page), base + ': no sideways scrolling at ' + viewport.width);
      check(trouble.length === 0, base + ' ' + viewport.width + ': clean console: ' + trouble.join('; '));
      await page.close();
    }
  }
}

async function report(browser) {
  const want = JSON.parse(fs.readFileSync(path.join(dir, 'report-orgs.json'), 'utf8'));
  const gold = expected.filter(e => want.includes(e.organization));
  for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
    const { page, trouble } = await open(browser, path.join(dir, 'report.html'), viewport);
    const visible = () => page.$$eval('#notices tbody tr', rs => rs.filter(r => !r.hidden).map(r => r.cells[0].textContent));
    const all = await visible();
    check(all.length === want.length && want.every(o => all.includes(o)),
      'report: one row per stored notice (' + all.length + ' rows, ' + want.length + ' notices)');
    // filtering by each method leaves exactly the notices with that method
    const methods = [...new Set(gold.flatMap(e => e.attack_methods))].sort();
    for (const m of methods) {
      await page.selectOption('#f-method', m);
      const rows = (await visible()).sort();
      const exp = gold.filter(e => e.attack_methods.includes(m)).map(e => e.organization).sort();
      check(JSON.stringify(rows) === JSON.stringify(exp), 'report ' + viewport.width + ': filter ' + m + ' -> ' + JSON.stringify(rows) + ' (want ' + JSON.stringify(exp) + ')');
      const shown = await page.$eval('#shown', o => o.textContent);
      check(shown === String(exp.length), 'report: the count shown follows the filter (' + shown + ')');
    }
    await page.selectOption('#f-method', '');
    await page.selectOption('#f-type', 'card_number');
    const cards = (await visible()).sort();
    const expCards = gold.filter(e => e.data_types.includes('card_number')).map(e => e.organization).sort();
    check(JSON.stringify(cards) === JSON.stringify(expCards), 'report: filter by data type card_number');
    await page.selectOption('#f-type', '');
    await page.fill('#f-q', 'ひまわり');
    check(JSON.stringify(await visible()) === JSON.stringify(['学校法人ひまわり学園']), 'report: text search');
    await page.fill('#f-q', '');
    // sorting by affected total, both ways
    const totals = () => page.$$eval('#notices tbody tr', rs => rs.map(r => +r.cells[2].dataset.key));
    await page.click('#notices thead th:nth-child(3) button');
    let t = await totals();
    check(t.every((x, i) => i === 0 || t[i - 1] <= x), 'report: sorted by total, ascending: ' + t.join(','));
    await page.click('#notices thead th:nth-child(3) button');
    t = await totals();
    check(t.every((x, i) => i === 0 || t[i - 1] >= x), 'report: sorted by total, descending: ' + t.join(','));
    const gt = gold.map(e => e.affected_total === null ? -1 : e.affected_total).sort((a, b) => b - a);
    check(JSON.stringify(t) === JSON.stringify(gt), 'report: the totals are the notices\' (' + t.join(',') + ' vs ' + gt.join(',') + ')');
    // a row's evidence link opens its view
    const href = await page.$eval('#notices tbody tr td:last-child a', a => a.getAttribute('href'));
    check(!(await page.$eval(href, s => s.offsetHeight > 0)), 'report: views are hidden until asked for');
    await page.click('#notices tbody tr td:last-child a');
    check(await page.$eval(href, s => s.offsetHeight > 0 && s.getBoundingClientRect().top < window.innerHeight),
      'report ' + viewport.width + ': the evidence link shows the notice\'s view');
    const charts = await page.$$eval('figure svg', s => s.length);
    check(charts === 3, 'report: three charts (' + charts + ')');
    check(await noOverflow(page), 'report: no sideways scrolling at ' + viewport.width);
    check(trouble.length === 0, 'report ' + viewport.width + ': clean console: ' + trouble.join('; '));
    await page.close();
  }
}

// Strings made to run script or mislead stay text.
async function hostile(browser) {
  for (const [file, scripts] of [['hostile-view.html', 0], ['hostile-report.html', 1]]) {
    const { page, trouble } = await open(browser, path.join(dir, file), { width: 1280, height: 800 });
    await page.evaluate(() => { for (const a of document.querySelectorAll('a[href^="#n"]')) a.click(); });
    const s = await page.evaluate(() => ({
      scripts: document.querySelectorAll('script').length,
      imgs: document.querySelectorAll('img, iframe, object, embed').length,
      handlers: Array.from(document.querySelectorAll('*')).filter(e => Array.from(e.attributes).some(a => /^on/i.test(a.name))).length,
      jslinks: Array.from(document.querySelectorAll('a[href]')).filter(a => !/^(https?:|#)/i.test(a.getAttribute('href'))).length,
      text: document.body.textContent,
      title: document.title,
    }));
    check(s.scripts === scripts, file + ': only owabi\'s own script (' + s.scripts + ')');
    check(s.imgs === 0, file + ': no element from the page\'s strings (' + s.imgs + ')');
    check(s.handlers === 0, file + ': no event-handler attributes (' + s.handlers + ')');
    check(s.jslinks === 0, file + ': links are http(s) or in-page only (' + s.jslinks + ')');
    check(!/[\u202a-\u202e\u2066-\u2069]/.test(s.text + s.title), file + ': no bidi control reaches the page');
    if (file === 'hostile-report.html')
      check(s.text.includes('U+202E'), file + ': a bidi control in a stored name is shown as U+202E');
    check(trouble.length === 0, file + ': no dialog, request or console error: ' + trouble.join('; '));
    if (file === 'hostile-view.html') {
      check(s.text.includes('<script>alert("text")</script>') && s.text.includes('<img src=x onerror=alert("img")>'),
        file + ': markup in the text is shown as text');
      check(s.text.includes('<script>alert("title")</script>'), file + ': markup in the notice\'s title is shown as text');
      check(s.text.includes("javascript:alert('link')"), file + ': a javascript: link in the text is shown as text');
    } else {
      check(s.text.includes('<script>alert("org")</script>'), file + ': markup in a record\'s name is shown as text');
      check(s.text.includes("javascript:alert('url')"), file + ': a javascript: URL is shown as text');
    }
    await page.close();
  }
}

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  try {
    await views(browser);
    await clicks(browser);
    await report(browser);
    await hostile(browser);
  } finally {
    await browser.close();
  }
  console.log(passed + ' passed, ' + failed + ' failed');
  process.exit(failed ? 1 : 0);
})().catch(e => { console.log('FAIL ' + (e && e.stack || e)); console.log(passed + ' passed, ' + (failed + 1) + ' failed'); process.exit(1); });

// tests/browser/shots.js DIR OUT — PNGs of the pages make_pages.sh made in
// DIR, for a person to look at (`make screenshots`): the evidence view of
// the seed (or of a fixture without ../shared) and the report, each at
// 1280x800 and 390x844, whole pages.
'use strict';
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

const [dir, out] = process.argv.slice(2);
fs.mkdirSync(out, { recursive: true });
const view = fs.existsSync(path.join(dir, 'views', 'tennis-gear-2011.html')) ? 'tennis-gear-2011' : 'cp932-sqli';
const shots = [
  ['view-' + view, path.join(dir, 'views', view + '.html'), ''],
  ['report', path.join(dir, 'report.html'), ''],
  ['report-evidence', path.join(dir, 'report.html'), '#n1'],
];
(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  for (const [name, file, hash] of shots) {
    for (const [w, h] of [[1280, 800], [390, 844]]) {
      const page = await browser.newPage({ viewport: { width: w, height: h } });
      await page.goto('file://' + path.resolve(file) + hash);
      const png = path.join(out, name + '-' + w + 'x' + h + '.png');
      await page.screenshot({ path: png, fullPage: !hash });
      console.log(png);
      await page.close();
    }
  }
  await browser.close();
})().catch(e => { console.error(e); process.exit(1); });

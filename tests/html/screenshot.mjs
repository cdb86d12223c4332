// The screenshot of the bundled examples' HTML report in the README (docs/html-report.png):
// `scripts/html-screenshot` runs it. The page is 1280 pixels wide, as on a laptop; the image
// is its top, down to the first findings.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { root, run, launch } from './browser.mjs';

const out = process.argv[2] ?? join(root, 'docs/html-report.png');
const dir = mkdtempSync(join(tmpdir(), 'tenet-screenshot-'));
const file = join(dir, 'report.html');
run([
  'eval', '--today', '2026-11-28', '--fail-on', 'none', '--policy', 'examples/policies', 'examples/documents',
  '--format', 'html', '--output', `html=${file}`, '--quiet',
]);
const browser = await launch();
try {
  const page = await browser.context.newPage();
  await page.goto(pathToFileURL(file).href);
  await page.screenshot({ path: out, fullPage: true, clip: { x: 0, y: 0, width: 1280, height: 1500 } });
} finally {
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
}
console.log(`wrote ${out}`);

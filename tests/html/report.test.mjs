// The HTML report as a person sees it in a real browser: the summary's numbers, a violated
// finding with its explanation and quoted evidence, the filters, and hostile document text
// shown as text (never run), with nothing loaded from anywhere.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { run, launch } from './browser.mjs';

let dir;
let browser;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tenet-html-'));
  browser = await launch();
});

after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Opens a report, failing on any request but the page itself and on any dialog or error. */
async function open(file) {
  const page = await browser.context.newPage();
  const problems = [];
  const url = pathToFileURL(file).href;
  page.on('request', (r) => { if (r.url() !== url) problems.push(`request ${r.url()}`); });
  page.on('dialog', (d) => { problems.push(`dialog ${d.message()}`); d.dismiss(); });
  page.on('pageerror', (e) => problems.push(`error ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console ${m.text()}`); });
  await page.goto(url);
  return { page, problems };
}

test('the examples report shows the summary, a violated finding, and filters', async () => {
  const file = join(dir, 'examples.html');
  const json = JSON.parse(run([
    'eval', '--today', '2026-11-28', '--fail-on', 'none', '--explain', 'all', '--policy', 'examples/policies',
    'examples/documents', '--format', 'json', '--output', `html=${file}`,
  ]));
  const { page, problems } = await open(file);

  // The summary's tiles say what the JSON summary says.
  const summary = json.summary;
  assert.equal(await page.locator('#count-documents').innerText(), String(summary.documents));
  for (const outcome of ['violated', 'undetermined', 'waived', 'satisfied', 'not_applicable']) {
    const expected = summary.by_status[outcome] ?? 0;
    assert.equal(await page.locator(`#count-${outcome}`).innerText(), String(expected), outcome);
  }
  assert.ok(summary.by_status.violated > 0 && summary.by_status.satisfied > 0, 'the examples have both');
  assert.ok(await page.locator('#summary svg rect').count() > 0, 'the charts have bars');
  const rows = await page.locator('table.matrix tbody tr').count();
  assert.equal(rows, json.documents.length);

  // A violated finding: its message, its citation and the quoted document line are visible.
  const doc = json.documents.find((d) => d.findings.some((f) => f.status === 'violated'));
  const violated = doc.findings.find((f) => f.status === 'violated');
  const article = page.locator('article.finding[data-outcome="violated"]', { hasText: violated.message }).first();
  assert.ok(await article.isVisible(), `the finding "${violated.message}" is shown`);
  const text = await article.innerText();
  assert.ok(text.includes(violated.obligation), text);
  assert.ok(text.includes(violated.cite[0]), text);
  const evidence = violated.evidence.find((e) => !e.absent && e.line);
  if (evidence) {
    assert.ok(text.includes(`${evidence.path} =`), text);
    const quote = article.locator('pre.quote .ln', { hasText: String(evidence.line) });
    assert.ok(await quote.count() > 0, `line ${evidence.line} is quoted`);
  }

  // Unticking "satisfied" hides every satisfied finding and keeps the violated ones.
  const satisfied = page.locator('article.finding[data-outcome="satisfied"]');
  assert.ok(await satisfied.first().isVisible());
  await page.getByRole('checkbox', { name: 'satisfied' }).click();
  for (const f of await satisfied.all()) {
    assert.equal(await f.isVisible(), false);
  }
  assert.ok(await article.isVisible());
  const shown = await page.locator('#shown-count').innerText();
  const total = json.documents.reduce((n, d) => n + d.findings.length, 0);
  const left = total - summary.by_status.satisfied;
  assert.equal(shown, `${left} of ${total} findings shown`);

  // Choosing a document leaves only its section.
  await page.locator('#doc-filter').selectOption({ index: 1 });
  assert.equal(await page.locator('section.document:visible').count(), 1);

  // Unticking an area hides its findings.
  await page.locator('#doc-filter').selectOption({ index: 0 });
  await page.getByRole('checkbox', { name: violated.area, exact: true }).click();
  assert.equal(await page.locator(`article.finding[data-area="${violated.area}"]:visible`).count(), 0);
  assert.deepEqual(problems, []);
});

test('document text is shown as text, never run, and the page loads nothing', async () => {
  const hostile = '<img src=x onerror=alert(1)><script>alert(2)</script>"\'&';
  const input = join(dir, 'hostile.json');
  writeFileSync(input, JSON.stringify({
    kind: 'Contract', id: hostile,
    vendor: { name: hostile, role: 'processor' },
    unknown_field: hostile,
  }));
  const file = join(dir, 'hostile.html');
  run(['eval', '--today', '2026-11-28', '--fail-on', 'none', '--explain', 'all', input, '--format', 'html', '--output', `html=${file}`]);
  const { page, problems } = await open(file);
  assert.ok((await page.locator('section.document h3').first().innerText()).includes(hostile));
  assert.equal(await page.locator('section.document img').count(), 0);
  assert.equal(await page.locator('section.document script, #matrix script').count(), 0);
  assert.deepEqual(problems, []);
});

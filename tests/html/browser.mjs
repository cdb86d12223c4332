// Runs `tenet` and opens what it writes in Debian's headless Chromium, with nothing from the
// network: no sync, no component updates, a fresh profile that is removed afterwards.
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The `tenet` binary: `TENET` when set, else the workspace's debug build. */
export const tenet = process.env.TENET ?? join(root, 'target/debug/tenet');

/** Runs `tenet` in the repository root and returns its standard output (any exit status). */
export function run(args) {
  try {
    return execFileSync(tenet, args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 });
  } catch (e) {
    if (typeof e.status === 'number' && e.stdout !== undefined) {
      return e.stdout;
    }
    throw e;
  }
}

/** A browser on a profile of its own; `close()` ends it and removes the profile. */
export async function launch() {
  const profile = mkdtempSync(join(tmpdir(), 'tenet-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
    viewport: { width: 1280, height: 900 },
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

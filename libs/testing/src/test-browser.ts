import { accessSync, chmodSync, constants, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type Browser } from 'playwright-core';

/**
 * A headless Chromium for browser tests, from the first of:
 *   1. `CHROMIUM_PATH` (an executable you choose),
 *   2. a system `chromium` (or `chromium-browser`) on `PATH`,
 *   3. the `@sparticuz/chromium` npm package (dev dependency): the browser binary ships inside the
 *      package, so `npm install` is all a machine with Node needs.
 * playwright-core drives it (it downloads no browser of its own).
 */
const execFileAsync = promisify(execFile);

export type BrowserSource = 'CHROMIUM_PATH' | 'PATH' | '@sparticuz/chromium';

export type BrowserPick = { source: 'CHROMIUM_PATH' | 'PATH'; executablePath: string } | { source: '@sparticuz/chromium' };

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Which browser `launchTestBrowser` uses, given an environment (no side effects). */
export function pickBrowser(env: NodeJS.ProcessEnv = process.env): BrowserPick {
  if (env.CHROMIUM_PATH) {
    if (!isExecutableFile(env.CHROMIUM_PATH)) throw new Error(`CHROMIUM_PATH=${env.CHROMIUM_PATH} is not an executable file`);
    return { source: 'CHROMIUM_PATH', executablePath: env.CHROMIUM_PATH };
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    for (const name of ['chromium', 'chromium-browser']) {
      const file = path.join(dir, name);
      if (isExecutableFile(file)) return { source: 'PATH', executablePath: file };
    }
  }
  return { source: '@sparticuz/chromium' };
}

/**
 * Flags for every source. Not @sparticuz/chromium's own list: that is made for AWS Lambda
 * (--single-process, in-process GPU...) and also turns off same-origin checks; with it,
 * browser.close() hung after a Swagger UI session here. These two are enough on a Linux machine
 * (root has no sandbox; /dev/shm may be small in containers).
 */
const BROWSER_ARGS = ['--no-sandbox', '--disable-dev-shm-usage'];

/**
 * The packaged browser, unpacked once per package version into the temp folder. The package
 * unpacks into `os.tmpdir()` itself and trusts any `/tmp/chromium` it finds there, so a run that
 * was killed halfway, or two test processes unpacking at once, would leave a broken binary for
 * every later run. Hence (hand-written, the package has no option for it): unpack into a private
 * staging folder, then rename it into place in one step; the loser of a race drops its copy.
 */
async function packagedChromium(): Promise<string> {
  const pkgDir = path.resolve(createRequire(import.meta.url).resolve('@sparticuz/chromium'), '../../..');
  const version = (JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { version: string }).version;
  const target = path.join(os.tmpdir(), `sparticuz-chromium-${version}`);
  if (existsSync(path.join(target, 'chromium'))) return path.join(target, 'chromium');

  const staging = mkdtempSync(`${target}-staging-`);
  // In a child process: the package unpacks into os.tmpdir(), which follows TMPDIR, and jest gives a
  // test its own copy of process.env, so setting TMPDIR here would not reach node:os.
  const entry = pathToFileURL(path.join(pkgDir, 'build', 'esm', 'index.js')).href;
  try {
    await execFileAsync(
      process.execPath,
      ['--input-type=module', '-e', `const { default: c } = await import(${JSON.stringify(entry)}); await c.executablePath();`],
      { env: { ...process.env, TMPDIR: staging }, timeout: 120_000 },
    );
    if (!existsSync(path.join(staging, 'chromium'))) throw new Error(`@sparticuz/chromium did not unpack into ${staging}`);
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  chmodSync(staging, 0o755); // mkdtemp makes it owner-only
  try {
    renameSync(staging, target);
  } catch {
    // Another process put its copy in place first: use that one.
    rmSync(staging, { recursive: true, force: true });
  }
  return path.join(target, 'chromium');
}

/** Headless Chromium through playwright-core, from CHROMIUM_PATH, the PATH, or the npm package (see pickBrowser). */
export async function launchTestBrowser(env: NodeJS.ProcessEnv = process.env): Promise<{ browser: Browser; source: BrowserSource }> {
  const pick = pickBrowser(env);
  const executablePath = pick.source === '@sparticuz/chromium' ? await packagedChromium() : pick.executablePath;
  const browser = await chromium.launch({ executablePath, args: BROWSER_ARGS, headless: true });
  return { browser, source: pick.source };
}

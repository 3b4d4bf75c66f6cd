import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { pickBrowser } from './test-browser.js';

/** A folder holding executables (or plain files) with the given names. */
function binDir(files: Record<string, boolean>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'browser-pick-'));
  for (const [name, executable] of Object.entries(files)) {
    writeFileSync(path.join(dir, name), '#!/bin/sh\n');
    chmodSync(path.join(dir, name), executable ? 0o755 : 0o644);
  }
  return dir;
}

describe('pickBrowser: CHROMIUM_PATH, else chromium on PATH, else @sparticuz/chromium', () => {
  it('takes CHROMIUM_PATH first, even with a chromium on PATH', () => {
    const chosen = path.join(binDir({ 'my-chrome': true }), 'my-chrome');
    const onPath = binDir({ chromium: true });
    expect(pickBrowser({ CHROMIUM_PATH: chosen, PATH: onPath })).toEqual({ source: 'CHROMIUM_PATH', executablePath: chosen });
  });

  it('refuses a CHROMIUM_PATH that is missing or not executable, naming it', () => {
    const plain = path.join(binDir({ 'not-exec': false }), 'not-exec');
    expect(() => pickBrowser({ CHROMIUM_PATH: plain })).toThrow(`CHROMIUM_PATH=${plain} is not an executable file`);
    expect(() => pickBrowser({ CHROMIUM_PATH: '/nonexistent/chromium' })).toThrow('CHROMIUM_PATH=/nonexistent/chromium');
  });

  it('finds chromium or chromium-browser on PATH, in PATH order, executables only', () => {
    const notExec = binDir({ chromium: false });
    const browserOnly = binDir({ 'chromium-browser': true });
    const both = binDir({ chromium: true });
    const PATH = [notExec, browserOnly, both].join(path.delimiter);
    expect(pickBrowser({ PATH })).toEqual({ source: 'PATH', executablePath: path.join(browserOnly, 'chromium-browser') });
    expect(pickBrowser({ PATH: both })).toEqual({ source: 'PATH', executablePath: path.join(both, 'chromium') });
  });

  it('falls back to the npm package when neither is there', () => {
    expect(pickBrowser({ PATH: binDir({ chromium: false, 'google-chrome': true }) })).toEqual({ source: '@sparticuz/chromium' });
    expect(pickBrowser({})).toEqual({ source: '@sparticuz/chromium' });
  });
});

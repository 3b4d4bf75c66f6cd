import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchTestBrowser } from '../../../libs/testing/src/test-browser.js';
import { signup, type SignedUp } from '../../auth-svc/test/support/auth-test-kit.js';
import { startPlatformStack, type PlatformStack } from './support/platform-stack.js';

/**
 * The admin's path, in a real browser: the gateway's one Swagger UI, log in, Authorize once, then
 * call notify-svc with the same authorization.
 */
describe('Swagger UI at the gateway /docs', () => {
  let stack: PlatformStack;
  let browser: Browser;
  let page: Page;
  let admin: SignedUp;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    stack = await startPlatformStack();
    admin = await signup(stack.direct.auth);
    // CHROMIUM_PATH, else a system chromium, else the one inside the @sparticuz/chromium npm package.
    ({ browser } = await launchTestBrowser());
    // Swagger UI renders the tag sections as they come into view: a page as tall as the whole
    // document lets the test find any operation without scrolling to it first.
    page = await browser.newPage({ viewport: { width: 1280, height: 20_000 } });
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  const operation = (method: string, path: string): Locator =>
    page.locator(`.opblock-${method}`).filter({ has: page.locator(`.opblock-summary-path[data-path="${path}"]`) });

  /** Expand, Try it out, optionally fill the JSON body, Execute; returns the status and body shown. */
  async function call(method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
    const op = operation(method, path);
    await op.locator('.opblock-summary').first().click();
    await op.locator('.try-out__btn').click();
    if (body !== undefined) await op.locator('textarea.body-param__text').fill(JSON.stringify(body));
    await op.locator('.execute').click();
    const status = op.locator('.live-responses-table tbody .response-col_status').first();
    await status.waitFor({ timeout: 15_000 });
    const text = await op.locator('.live-responses-table tbody .response-col_description pre').first().innerText();
    return { status: Number((await status.innerText()).trim()), text };
  }

  it('logs in, authorizes once and sends and lists a notification through the gateway', async () => {
    await page.goto(`${stack.gatewayUrl}/docs`);
    await operation('post', '/auth/v1/login').waitFor({ timeout: 30_000 });
    expect(await operation('get', '/notify/v1/deliveries').count()).toBe(1);

    const login = await call('post', '/auth/v1/login', { email: admin.email, password: admin.password });
    expect(login.status).toBe(200);
    const accessToken = JSON.parse(login.text).data.accessToken as string;
    expect(accessToken.split('.')).toHaveLength(3);

    await page.locator('.auth-wrapper .authorize').click();
    const bearer = page.locator('.auth-container').filter({ hasText: 'bearer' });
    await bearer.locator('input').fill(accessToken);
    await bearer.locator('button.authorize').click();
    await page.locator('.auth-btn-wrapper .btn-done').first().click();

    const sent = await call('post', '/notify/v1/deliveries', {
      channel: 'email',
      to: { email: 'grace@example.com' },
      subject: 'From Swagger UI',
      body: 'Sent through the gateway',
    });
    expect(sent.status).toBe(202);
    const deliveryId = JSON.parse(sent.text).data.id as string;

    const listed = await call('get', '/notify/v1/deliveries');
    expect(listed.status).toBe(200);
    expect(JSON.parse(listed.text).data.map((d: { id: string }) => d.id)).toContain(deliveryId);
    // The CSP lets Swagger UI run: nothing it needed was refused.
    expect(consoleErrors.filter((e) => /Content Security Policy/i.test(e))).toEqual([]);
  }, 90_000);
});

// Drives the Fleetban console in Debian's headless Chromium, the way an operator would: sign in,
// find the ban a report created, read its evidence, unban it, fix a jail, allowlist a range that
// lifts a ban, check the audit trail, then the same at phone width. Screenshots go to $SCREENSHOTS.
//
// Run by io.fleetban.controller.dashboard.DashboardIT, which starts the controller and creates the
// bans first. Exit 0: passed; 1: a step failed; 3: Chromium cannot run here (the test is skipped).
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const URL = need('FLEETBAN_URL');
const TOKEN = need('FLEETBAN_TOKEN');
const BANNED = need('BANNED_IP');        // banned by a report: we unban it in the console
const COVERED = need('COVERED_IP');      // banned by a report: the allowlist entry lifts it
const ALLOW = need('ALLOW_CIDR');        // covers COVERED_IP
const NODE = need('NODE_NAME');
const SILENT = need('SILENT_NODE');      // registered, never reported: marked silent
const SHOTS = need('SCREENSHOTS');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const T = 15000;

function need(name) {
  const v = process.env[name];
  if (!v) { console.error(`missing environment variable ${name}`); process.exit(2); }
  return v;
}

let step = 'start';
const started = Date.now();
function log(what) {
  step = what;
  console.log(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${what}`);
}

async function until(what, fn, timeout = T) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    try { last = await fn(); if (last) return last; } catch (e) { last = e; }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what} (last: ${last})`);
}

/** Every form control on the page has an accessible name (a label, aria-label or aria-labelledby). */
async function assertLabelled(page, where) {
  const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input, select, textarea, button')]
    .filter((el) => !el.closest('[hidden]') && el.type !== 'hidden')
    .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
      && !el.getAttribute('aria-labelledby') && !(el.tagName === 'BUTTON' && el.textContent.trim()))
    .map((el) => el.outerHTML.slice(0, 120)));
  assert.deepEqual(unlabelled, [], `controls without a label on ${where}`);
}

async function assertNoHorizontalScroll(page, where) {
  const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
  assert.ok(scroll <= width + 1, `${where}: the page is ${scroll}px wide in a ${width}px window`);
}

async function signIn(page) {
  await page.goto(URL);
  await page.getByLabel('Admin token').waitFor({ timeout: T });
  await page.getByLabel('Admin token').fill(TOKEN);
  await page.keyboard.press('Enter');  // keyboard only
  await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor({ timeout: T });
}

async function apiCall(method, path, body) {
  const res = await fetch(URL + path, {
    method,
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: await res.json() };
}

let browser;
try {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
} catch (e) {
  console.error(`Chromium (${CHROMIUM}) cannot run here: ${e.message.split('\n')[0]}`);
  process.exit(3);
}
mkdirSync(SHOTS, { recursive: true });
const shot = (page, name) => page.screenshot({ path: join(SHOTS, name), fullPage: true });

try {
  const desktop = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' });
  const page = await desktop.newPage();
  const consoleErrors = [];
  // The browser logs every 4xx as "Failed to load resource"; this test provokes some on purpose.
  page.on('console', (m) => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(e.message));

  log('a wrong token is refused');
  await page.goto(URL);
  await page.getByLabel('Admin token').fill('not-a-token');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').filter({ hasText: 'not accepted' }).waitFor({ timeout: T });
  await assertLabelled(page, 'the sign-in form');

  log('sign in with the admin token, by keyboard');
  await signIn(page);
  assert.ok(!page.url().includes(TOKEN), 'the token must never be in the URL');
  const stored = await page.evaluate(() => ({ session: sessionStorage.getItem('fleetban.token'), local: localStorage.length, cookies: document.cookie }));
  assert.equal(stored.session, TOKEN, 'the token is kept in sessionStorage');
  assert.equal(stored.local, 0, 'nothing in localStorage');
  assert.equal(stored.cookies, '', 'no cookies');

  log('overview: bans per jail, failures per minute, offenders, nodes');
  await until('the bans of the reports', async () => Number((await page.locator('#active-total').textContent()).replace(/\D/g, '')) >= 5);
  await until('the failures of the reports in the chart',
    async () => Number(await page.locator('.chart-figure .summary').getAttribute('data-total')) >= 100, 40000);
  await page.getByRole('rowheader', { name: BANNED }).first().waitFor({ timeout: T });
  await page.getByRole('rowheader', { name: '198.18.7.0/24' }).waitFor({ timeout: T });
  await page.locator(`[data-node="${NODE}"]`).filter({ hasText: 'ok' }).waitFor({ timeout: T });
  await page.locator(`[data-node="${SILENT}"].bad`).filter({ hasText: 'never seen' }).waitFor({ timeout: T });
  await page.getByText('Live', { exact: true }).waitFor({ timeout: T });
  await assertLabelled(page, 'the overview');
  await assertNoHorizontalScroll(page, 'overview at 1280 px');
  await shot(page, 'dashboard.png');

  log('live: a ban made elsewhere shows up without a reload');
  const before = Number((await page.locator('#active-total').textContent()).replace(/\D/g, ''));
  const liveIp = `192.0.2.${100 + (Date.now() % 100)}`;
  const live = await apiCall('POST', '/api/v1/bans', { ip: liveIp, duration: '10m', reason: 'live update check' });
  assert.equal(live.status, 201);
  await until('the active-ban count to grow', async () =>
    Number((await page.locator('#active-total').textContent()).replace(/\D/g, '')) === before + 1, 8000);

  log('bans: search, evidence');
  await page.getByRole('link', { name: 'Bans' }).click();
  await page.getByRole('heading', { level: 1, name: 'Bans' }).waitFor();
  await page.getByLabel('Search IP').fill(BANNED);
  await until('one matching ban', async () => (await page.locator('#ban-count').textContent()).includes('of 1 active'));
  const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: BANNED }) });
  await row.getByText('freeswitch', { exact: true }).waitFor();
  await row.getByText(NODE).waitFor();
  await row.locator('summary').click();
  await row.getByText(`SIP auth failure (REGISTER) on sofia profile 'internal' for [1001@pbx.example] from ip ${BANNED}`).first().waitFor();
  await assertLabelled(page, 'the bans page');
  await shot(page, 'bans.png');

  log('bans: unban');
  await page.getByRole('button', { name: `Unban ${BANNED}` }).click();
  const unbanDialog = page.getByRole('dialog', { name: `Unban ${BANNED}?` });
  await unbanDialog.getByRole('button', { name: 'Unban' }).click();
  await page.getByText(`Unbanned ${BANNED}.`).waitFor({ timeout: T });
  await until('the ban to be gone', async () => (await page.locator('#ban-count').textContent()).includes('No active bans match'));

  log('bans: a bad manual ban names its field');
  await page.getByLabel('IP or range').fill('10.0.0.0/8');
  await page.getByRole('button', { name: 'Ban', exact: true }).click();
  await page.locator('#manual-ban .error').filter({ hasText: '/16' }).waitFor({ timeout: T });
  assert.equal(await page.getByLabel('IP or range').getAttribute('aria-invalid'), 'true');

  log('jails: validation, then save');
  await page.getByRole('link', { name: 'Jails' }).click();
  const jail = page.locator('#jail-freeswitch');
  await jail.getByLabel('maxretry').waitFor();
  await jail.getByLabel('maxretry').fill('0');
  await jail.getByRole('button', { name: 'Save freeswitch' }).click();
  await jail.locator('.error').filter({ hasText: 'maxretry' }).waitFor({ timeout: T });
  assert.equal(await jail.getByLabel('maxretry').getAttribute('aria-invalid'), 'true');
  await jail.getByLabel('maxretry').fill('8');
  await jail.getByLabel('findtime').fill('15m');
  await jail.getByRole('button', { name: 'Save freeswitch' }).click();
  await page.getByText('Saved jail freeswitch.').waitFor({ timeout: T });
  const saved = await apiCall('GET', '/api/v1/jails/freeswitch');
  assert.equal(saved.body.maxretry, 8);
  assert.equal(saved.body.findtime, 900);
  await assertLabelled(page, 'the jails page');
  await shot(page, 'jails.png');

  log('allowlist: a range that lifts a ban warns first');
  await page.getByRole('link', { name: 'Allowlist' }).click();
  await page.getByLabel('IP, CIDR or DNS name').fill(ALLOW);
  await page.getByLabel('Note').fill('office');
  await page.locator('#allow-preview').getByText('lifts 1 active ban').waitFor({ timeout: T });
  await shot(page, 'allowlist-warning.png');
  await page.getByRole('button', { name: 'Add to allowlist' }).click();
  const liftDialog = page.getByRole('dialog', { name: 'Lift 1 active ban?' });
  await liftDialog.getByText(COVERED).waitFor();
  await liftDialog.getByRole('button', { name: 'Add and lift 1 ban' }).click();
  await page.getByText(`Added ${ALLOW}; lifted 1 ban.`).waitFor({ timeout: T });
  await page.getByRole('rowheader', { name: ALLOW }).waitFor({ timeout: T });
  await assertLabelled(page, 'the allowlist page');
  await shot(page, 'allowlist.png');

  log('audit: who did what');
  await page.getByRole('link', { name: 'Audit' }).click();
  await page.getByRole('heading', { level: 1, name: 'Audit trail' }).waitFor();
  const audit = page.getByRole('table', { name: 'Audit trail, newest first' });
  await audit.getByRole('row').filter({ hasText: 'allowlist.add' }).filter({ hasText: ALLOW }).first().waitFor({ timeout: T });
  await audit.getByRole('row').filter({ hasText: 'unban' }).filter({ hasText: BANNED }).filter({ hasText: 'admin' }).first().waitFor();
  await audit.getByRole('row').filter({ hasText: 'jail.update' }).first().waitFor();
  await shot(page, 'audit.png');

  log('sign out');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('Admin token').waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.getItem('fleetban.token')), null, 'signing out forgets the token');
  assert.deepEqual(consoleErrors, [], 'the console logged errors');

  log('phone width');
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const small = await phone.newPage();
  await signIn(small);
  await small.locator('.chart-figure').waitFor({ timeout: T });
  await assertNoHorizontalScroll(small, 'overview at 390 px');
  await shot(small, 'overview-phone.png');
  await small.getByRole('link', { name: 'Bans' }).click();
  await small.getByRole('heading', { level: 1, name: 'Bans' }).waitFor();
  await small.locator('#ban-count').waitFor();
  await assertNoHorizontalScroll(small, 'bans at 390 px');
  await shot(small, 'bans-phone.png');

  console.log(`console e2e passed in ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in ${SHOTS}`);
  await browser.close();
  process.exit(0);
} catch (e) {
  console.error(`FAILED at "${step}": ${e.stack || e}`);
  try {
    for (const ctx of browser.contexts()) {
      for (const p of ctx.pages()) await p.screenshot({ path: join(SHOTS, 'failure.png'), fullPage: true });
    }
  } catch { /* best effort */ }
  await browser.close();
  process.exit(1);
}

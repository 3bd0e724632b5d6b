import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningInbox, startInbox } from '../src/inbox/index.js';

const log = pino({ level: 'silent' });
let dir: string;
let inbox: RunningInbox;

const start = () => startInbox({ host: '127.0.0.1', smtpPort: 0, webPort: 0, dir, log });
const send = (to: string, subject: string, html: string) =>
  nodemailer
    .createTransport({ host: '127.0.0.1', port: inbox.smtpPort, secure: false })
    .sendMail({ from: { name: 'Admin', address: 'admin@email.com' }, to, subject, html });
const api = (path: string, init?: RequestInit) => fetch(`${inbox.url}/api/v1${path}`, init);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'harmony-inbox-'));
  inbox = await start();
});
afterAll(async () => {
  await inbox.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('local inbox', () => {
  it('shows a mail sent over SMTP in the JSON API, by address or local part', async () => {
    await send('Alice@Example.com', 'Hello Alice', '<p>First <b>mail</b></p>');
    await send('alice@example.com', 'Second', '<p>Second mail</p>');
    await send('bob@example.com', 'For Bob', '<p>Bob</p>');

    const list = (await (await api('/mailbox/alice@example.com')).json()) as Array<Record<string, unknown>>;
    expect(list.map((m) => m.subject)).toEqual(['Hello Alice', 'Second']);
    expect(list[0]).toMatchObject({
      mailbox: 'alice@example.com',
      from: '"Admin" <admin@email.com>',
      seen: false,
    });
    expect(list[0]?.to).toEqual(['<Alice@example.com>']);
    expect(typeof list[0]?.['posix-millis']).toBe('number');
    expect(await (await api('/mailbox/alice')).json()).toHaveLength(2);

    const latest = (await (await api('/mailbox/alice/latest')).json()) as {
      subject: string;
      body: { html: string; text: string };
      header: Record<string, string[]>;
    };
    expect(latest.subject).toBe('Second');
    expect(latest.body.html).toContain('<p>Second mail</p>');
    expect(latest.body.text).toContain('Second mail');
    expect(latest.header.subject).toEqual(['Second']);

    const one = await api(`/mailbox/alice/${list[0]?.id}`);
    expect(((await one.json()) as { subject: string }).subject).toBe('Hello Alice');
    expect((await api(`/mailbox/bob/${list[0]?.id}`)).status).toBe(404);
    expect(await (await api(`/mailbox/alice/${list[0]?.id}/source`)).text()).toContain(
      'Subject: Hello Alice',
    );
  });

  it('keeps mail across a restart, and clears a mailbox or everything', async () => {
    await inbox.stop();
    inbox = await start();
    expect(await (await api('/mailbox/alice')).json()).toHaveLength(2);

    expect(await (await api('/mailbox/alice', { method: 'DELETE' })).json()).toBe('OK');
    expect(await (await api('/mailbox/alice')).json()).toEqual([]);
    expect(await (await api('/mailbox/bob')).json()).toHaveLength(1);
    await api('/messages', { method: 'DELETE' });
    expect(await (await api('/mailbox/bob')).json()).toEqual([]);

    await inbox.stop();
    inbox = await start();
    expect(await (await api('/mailbox/bob')).json()).toEqual([]);
  });

  it('shows mail HTML only inside a sandbox and escapes it in the list', async () => {
    await send('eve@example.com', '<img src=x onerror=alert(1)>', '<script>alert(1)</script><p>hi</p>');
    const [mail] = (await (await api('/mailbox/eve')).json()) as Array<{ id: string }>;
    const listPage = await (await fetch(`${inbox.url}/?mailbox=eve`)).text();
    expect(listPage).not.toContain('<img src=x');
    expect(listPage).toContain('&lt;img src=x');
    const view = await (await fetch(`${inbox.url}/m/${mail?.id}`)).text();
    expect(view).toMatch(/<iframe[^>]+sandbox="allow-popups allow-popups-to-escape-sandbox"/);
    const body = await fetch(`${inbox.url}/m/${mail?.id}/html`);
    expect(body.headers.get('content-security-policy')).toMatch(/^sandbox allow-popups/);
    expect(body.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('refuses requests for another host name and cross-site form posts', async () => {
    // A page on evil.example whose name now resolves to 127.0.0.1 (DNS rebinding).
    const rebound = await new Promise<number | undefined>((resolve, reject) =>
      request(`${inbox.url}/api/v1/mailbox/eve`, { headers: { host: 'evil.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode);
      })
        .on('error', reject)
        .end(),
    );
    expect(rebound).toBe(421);
    const crossSite = await fetch(`${inbox.url}/clear`, {
      method: 'POST',
      headers: { 'sec-fetch-site': 'cross-site', 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    expect(crossSite.status).toBe(403);
    expect(await (await api('/mailbox/eve')).json()).toHaveLength(1);
  });
});

import { Hono } from 'hono';
import { html, raw } from 'hono/html';
import type { MailStore, StoredMail } from './store.js';

/** Inbucket's v1 JSON for a message header (list entries). */
const summary = (mail: StoredMail, mailbox: string) => ({
  mailbox,
  id: mail.id,
  from: mail.from,
  to: mail.to,
  subject: mail.subject,
  date: mail.date,
  'posix-millis': Date.parse(mail.date),
  size: mail.size,
  seen: mail.seen,
});

/** Inbucket's v1 JSON for a whole message. */
const detail = (mail: StoredMail, mailbox: string) => ({
  ...summary(mail, mailbox),
  header: mail.headers,
  body: { text: mail.text, html: mail.html },
  attachments: [],
});

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/i;

/**
 * The inbox over HTTP: Inbucket's v1 JSON API (which scripts written against the CLI's inbox
 * use) and a small web UI. Mail bodies are shown in a sandboxed frame, never in the UI's page.
 */
export function createInboxApp(store: MailStore, host: string): Hono {
  const app = new Hono();

  // Mail holds sign-in links: answer only requests addressed to this machine (no DNS rebinding),
  // and take form posts only from the inbox's own pages.
  app.use('*', async (c, next) => {
    const requested = c.req.header('host') ?? '';
    if (!LOOPBACK.test(requested) && requested.split(':')[0] !== host) return c.text('Unknown host', 421);
    const site = c.req.header('sec-fetch-site');
    if (c.req.method === 'POST' && site && site !== 'same-origin') return c.text('Cross-site request', 403);
    await next();
  });

  const found = (mailbox: string, id: string) => {
    const mail = id === 'latest' ? store.list(mailbox).at(-1) : store.get(id);
    return mail && (id === 'latest' || store.list(mailbox).includes(mail)) ? mail : undefined;
  };

  app.get('/api/v1/mailbox/:name', (c) => {
    const name = c.req.param('name');
    return c.json(store.list(name).map((m) => summary(m, name)));
  });
  app.delete('/api/v1/mailbox/:name', (c) => {
    store.clear(c.req.param('name'));
    return c.json('OK');
  });
  app.get('/api/v1/mailbox/:name/:id', (c) => {
    const name = c.req.param('name');
    const mail = found(name, c.req.param('id'));
    if (!mail) return c.text('Message not found', 404);
    return c.json(detail(mail, name));
  });
  app.patch('/api/v1/mailbox/:name/:id', async (c) => {
    const mail = found(c.req.param('name'), c.req.param('id'));
    if (!mail) return c.text('Message not found', 404);
    const body = (await c.req.json().catch(() => ({}))) as { seen?: unknown };
    if (body.seen === true) store.markSeen(mail);
    return c.json('OK');
  });
  app.delete('/api/v1/mailbox/:name/:id', (c) => {
    const mail = found(c.req.param('name'), c.req.param('id'));
    if (!mail) return c.text('Message not found', 404);
    store.delete(mail.id);
    return c.json('OK');
  });
  app.get('/api/v1/mailbox/:name/:id/source', (c) => {
    const mail = found(c.req.param('name'), c.req.param('id'));
    const source = mail && store.source(mail.id);
    if (!source) return c.text('Message not found', 404);
    return c.body(new Uint8Array(source), 200, { 'Content-Type': 'text/plain; charset=utf-8' });
  });
  // Every mailbox at once (Mailpit's name for it).
  app.delete('/api/v1/messages', (c) => {
    store.clear();
    return c.json('OK');
  });

  app.get('/', (c) => {
    const mailbox = c.req.query('mailbox') || undefined;
    const mails = store.list(mailbox).reverse();
    return c.html(
      page(
        mailbox ? `Inbox: ${mailbox}` : 'Inbox',
        html`<form class="bar" method="get" action="/">
            <input name="mailbox" placeholder="Mailbox (address or name)" value="${mailbox ?? ''}" />
            <button>Show</button>
            ${mailbox ? html`<a href="/">All mail</a>` : ''}
          </form>
          <form class="bar" method="post" action="/clear">
            <input type="hidden" name="mailbox" value="${mailbox ?? ''}" />
            <button ${mails.length ? '' : 'disabled'}>Delete ${mailbox ? 'this mailbox' : 'all mail'}</button>
          </form>
          ${
            mails.length
              ? html`<table>
                  <thead><tr><th>Received</th><th>To</th><th>From</th><th>Subject</th></tr></thead>
                  <tbody>
                    ${mails.map(
                      (m) => html`<tr class="${m.seen ? '' : 'unseen'}">
                        <td>${new Date(m.date).toLocaleString()}</td>
                        <td>${m.recipients.join(', ')}</td>
                        <td>${m.from}</td>
                        <td><a href="/m/${m.id}">${m.subject || '(no subject)'}</a></td>
                      </tr>`,
                    )}
                  </tbody>
                </table>`
              : html`<p>No mail yet. Auth sends here what it would send to real addresses.</p>`
          }`,
      ),
    );
  });

  app.get('/m/:id', (c) => {
    const mail = store.get(c.req.param('id'));
    if (!mail)
      return c.html(page('Not found', html`<p>No such mail. <a href="/">Back to the inbox</a></p>`), 404);
    store.markSeen(mail);
    return c.html(
      page(
        mail.subject || '(no subject)',
        html`<p><a href="/">← Inbox</a></p>
          <dl>
            <dt>From</dt><dd>${mail.from}</dd>
            <dt>To</dt><dd>${mail.to.join(', ')}</dd>
            <dt>Date</dt><dd>${new Date(mail.date).toLocaleString()}</dd>
          </dl>
          <form class="bar" method="post" action="/m/${mail.id}/delete"><button>Delete</button>
            <a href="/api/v1/mailbox/${mail.recipients[0] ?? '_'}/${mail.id}/source">Source</a></form>
          ${mail.html ? html`<h2>HTML</h2><iframe title="Mail body" sandbox="allow-popups allow-popups-to-escape-sandbox" src="/m/${mail.id}/html"></iframe>` : ''}
          <h2>Text</h2><pre>${mail.text}</pre>`,
      ),
    );
  });

  // The mail's own HTML, sandboxed by its CSP too (no scripts, no same-origin); links open outside.
  app.get('/m/:id/html', (c) => {
    const mail = store.get(c.req.param('id'));
    if (!mail) return c.text('Message not found', 404);
    c.header(
      'Content-Security-Policy',
      "sandbox allow-popups allow-popups-to-escape-sandbox; default-src 'none'; img-src data: http: https:; style-src 'unsafe-inline'",
    );
    return c.html(`<!doctype html><base target="_blank">${mail.html}`);
  });

  app.post('/m/:id/delete', (c) => {
    store.delete(c.req.param('id'));
    return c.redirect('/', 303);
  });
  app.post('/clear', async (c) => {
    const mailbox = String((await c.req.parseBody()).mailbox ?? '') || undefined;
    store.clear(mailbox);
    return c.redirect(mailbox ? `/?mailbox=${encodeURIComponent(mailbox)}` : '/', 303);
  });
  return app;
}

const STYLE = `body{font:14px system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse;width:100%}
td,th{text-align:left;padding:.4rem .6rem;border-bottom:1px solid #ddd}tr.unseen td{font-weight:600}
.bar{display:inline-flex;gap:.5rem;margin:0 1rem 1rem 0;align-items:center}
iframe{width:100%;height:28rem;border:1px solid #ccc}pre{white-space:pre-wrap;background:#f6f6f6;padding:1rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dd{margin:0}`;

const page = (title: string, body: unknown) =>
  html`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>
    <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; frame-src 'self'; form-action 'self'">
    <style>${raw(STYLE)}</style></head><body><h1>${title}</h1>${body}</body></html>`;

import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { freePort } from '@harmony/db';

const require = createRequire(import.meta.url);
// web-push-testing: a Web Push protocol server that checks the VAPID JWT and decrypts
// (aes128gcm) what is pushed to the subscriptions it creates. Run in this process.
const WebPushTestingServer = require('web-push-testing/src/server.js');
const { PushApiModel } = require('web-push-testing/src/PushApiModel.js');

export interface TestSubscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
  clientHash: string;
}

type Behaviour = 'deliver' | 'hold' | { status: number };

/**
 * web-push-testing behind a small gate the test steers per subscription: deliver (forward),
 * hold (keep the request open, as a stuck push service would), or answer a fixed status.
 */
export class LocalPushService {
  private readonly behaviours = new Map<string, Behaviour>();
  readonly received = new Map<string, number>();
  private readonly held: http.ServerResponse[] = [];

  private constructor(
    private readonly upstream: { _server: http.Server },
    private readonly upstreamUrl: string,
    private readonly gate: http.Server,
    readonly url: string,
  ) {}

  static async start(): Promise<LocalPushService> {
    const port = await freePort();
    const upstream = new WebPushTestingServer(new PushApiModel(), port);
    const log = console.log;
    console.log = () => {};
    upstream.startServer();
    await new Promise((resolve) => upstream._server.once('listening', resolve));
    console.log = log;
    let service: LocalPushService | undefined;
    const gate = http.createServer((req, res) => service?.handle(req, res));
    await new Promise<void>((resolve) => gate.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(gate.address() as AddressInfo).port}`;
    service = new LocalPushService(upstream, `http://127.0.0.1:${port}`, gate, url);
    return service;
  }

  async subscribe(applicationServerKey: string): Promise<TestSubscription> {
    const response = await fetch(`${this.upstreamUrl}/subscribe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userVisibleOnly: 'true', applicationServerKey }),
    });
    const { data } = (await response.json()) as {
      data: { endpoint: string; keys: TestSubscription['keys']; clientHash: string };
    };
    return { ...data, endpoint: `${this.url}/notify/${data.clientHash}` };
  }

  /** The decrypted payloads delivered to a subscription, oldest first. */
  async messages(subscription: TestSubscription): Promise<unknown[]> {
    const response = await fetch(`${this.upstreamUrl}/get-notifications`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientHash: subscription.clientHash }),
    });
    if (response.status === 400) return [];
    const { data } = (await response.json()) as { data: { messages: string[] } };
    return data.messages.map((message) => JSON.parse(message));
  }

  behave(subscription: TestSubscription, behaviour: Behaviour): void {
    this.behaviours.set(subscription.clientHash, behaviour);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const hash = req.url?.split('/').pop() ?? '';
    this.received.set(hash, (this.received.get(hash) ?? 0) + 1);
    const behaviour = this.behaviours.get(hash) ?? 'deliver';
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      if (behaviour === 'hold') return void this.held.push(res);
      if (typeof behaviour === 'object') return void res.writeHead(behaviour.status).end();
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(
          ([name]) => !['host', 'connection', 'content-length'].includes(name),
        ),
      ) as Record<string, string>;
      const upstream = await fetch(`${this.upstreamUrl}${req.url}`, {
        method: 'POST',
        headers,
        body: Buffer.concat(chunks),
      });
      res.writeHead(upstream.status).end(await upstream.text());
    });
  }

  async stop(): Promise<void> {
    for (const res of this.held) res.destroy();
    await new Promise((resolve) => this.gate.close(resolve));
    await new Promise((resolve) => this.upstream._server.close(resolve));
  }
}

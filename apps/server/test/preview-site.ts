import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';

/** A solid-colour PNG of the given size (a real image: browsers and image-size read it). */
export function solidPng(width: number, height: number, rgb: [number, number, number]): Buffer {
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3).map((_, i) => rgb[i % 3] ?? 0)]);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(Buffer.concat(Array.from({ length: height }, () => row)))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

let bomb: Buffer | undefined;
/** 64 MB of spaces in about 64 KB of gzip (made once, when first asked for). */
export function gzipBomb(): Buffer {
  bomb ??= zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20), { level: 9 });
  return bomb;
}

export interface SiteRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
}

/**
 * A local web site for link-preview tests: an article page with Open Graph tags and an image,
 * and the pages an attacker would serve (redirects anywhere, gzip bombs, endless streams,
 * non-HTML). Every request it gets is recorded.
 */
export class PreviewSite {
  readonly requests: SiteRequest[] = [];
  private constructor(
    private readonly server: http.Server,
    readonly origin: string,
  ) {}

  static async start(host = '127.0.0.1', port = 0): Promise<PreviewSite> {
    const png = solidPng(120, 63, [88, 101, 242]);
    const routes: Record<string, (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => void> = {
      '/article': (_req, res) => html(res, ARTICLE),
      '/plain': (_req, res) =>
        html(res, '<html><head><title>Only a title</title></head><body>x</body></html>'),
      '/oembed-page': (_req, res) =>
        html(
          res,
          '<html><head><link rel="alternate" type="application/json+oembed" href="/oembed.json"></head></html>',
        ),
      '/oembed.json': (_req, res) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            type: 'video',
            version: '1.0',
            title: 'A video by oEmbed',
            provider_name: 'Tube',
          }),
        ),
      '/image.png': (_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(png),
      '/redirect': (_req, res, url) =>
        res.writeHead(302, { location: url.searchParams.get('to') ?? '/' }).end(),
      '/loop': (_req, res, url) => {
        const n = Number(url.searchParams.get('n') ?? 0);
        res.writeHead(302, { location: `/loop?n=${n + 1}` }).end();
      },
      '/cookie': (_req, res) =>
        res.writeHead(302, { location: '/article', 'set-cookie': 'session=secret; Path=/' }).end(),
      '/bomb': (_req, res) =>
        res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' }).end(gzipBomb()),
      '/image-bomb': (_req, res) =>
        res.writeHead(200, { 'content-type': 'image/png', 'content-encoding': 'gzip' }).end(gzipBomb()),
      '/endless': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        const block = Buffer.alloc(64 * 1024, 0x61);
        const pump = () => {
          while (!res.destroyed && res.write(block)) {}
          if (!res.destroyed) res.once('drain', pump);
        };
        pump();
      },
      '/slow': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        const timer = setInterval(() => res.write('<'), 50);
        res.on('close', () => clearInterval(timer));
      },
      '/latin1': (_req, res) =>
        res
          .writeHead(200, { 'content-type': 'text/html; charset=ISO-8859-1' })
          .end(
            Buffer.from(
              '<html><head><meta property="og:title" content="Caf\u00e9 cr\u00e8me"></head></html>',
              'latin1',
            ),
          ),
      '/data.json': (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"a":1}'),
      '/svg': (_req, res) =>
        html(
          res,
          '<html><head><meta property="og:image" content="/evil.svg"><title>SVG</title></head></html>',
        ),
      '/evil.svg': (_req, res) =>
        res.writeHead(200, { 'content-type': 'image/svg+xml' }).end('<svg><script>alert(1)</script></svg>'),
    };
    const server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://site.test');
      site.requests.push({ path: url.pathname + url.search, headers: req.headers });
      const route = routes[url.pathname];
      if (route) route(req, res, url);
      else res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, resolve);
    });
    const address = server.address() as AddressInfo;
    const site: PreviewSite = new PreviewSite(server, `http://${host}:${address.port}`);
    return site;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** "address:port", as OUTBOUND_ALLOWED_HOSTS lists it. */
  get hostPort(): string {
    return new URL(this.origin).host;
  }

  hits(path: string): number {
    return this.requests.filter((request) => request.path === path).length;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function html(res: http.ServerResponse, body: string) {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
}

const ARTICLE = `<!doctype html><html><head>
<title>Fallback title</title>
<meta property="og:type" content="article">
<meta property="og:title" content="Harmony ships link previews">
<meta property="og:description" content="Pages linked in chat now show a card with their title, summary and picture.">
<meta property="og:site_name" content="Harmony News">
<meta property="og:image" content="/image.png">
<meta name="theme-color" content="#5865F2">
</head><body><p>Article text.</p></body></html>`;

import { describe, expect, it } from 'vitest';
import { imagePath, imageProblem, qrImageSrc } from '../src/lib/images.js';
import { cleanTotpCode } from '../src/stores/account.js';
import { isLiveInvite } from '../src/stores/server-settings.js';

describe('image uploads', () => {
  it('accept the bucket types up to 5 MB', () => {
    expect(imageProblem({ type: 'image/png', size: 1000 })).toBeNull();
    expect(imageProblem({ type: 'image/svg+xml', size: 1000 })).toMatch(/PNG/);
    expect(imageProblem({ type: 'image/webp', size: 6 * 1024 * 1024 })).toMatch(/5 MB/);
  });

  it('name files inside the owner folder with a timestamp', () => {
    expect(imagePath('user-1', 'avatar', { type: 'image/jpeg' }, 1700)).toBe('user-1/avatar-1700.jpg');
    expect(imagePath('server-1', 'icon', { type: 'image/webp' }, 5)).toBe('server-1/icon-5.webp');
  });
});

describe('TOTP enrolment', () => {
  it('re-encodes the SVG QR code auth-js returns', () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"><path fill="#000" d="M0 0h1v1H0z"/></svg>';
    const src = qrImageSrc(`data:image/svg+xml;utf-8,${svg}`);
    expect(src).toBe(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`);
    expect(src).not.toContain('#');
    expect(qrImageSrc(svg)).toBe(src);
  });

  it('passes image data URIs through and refuses anything else', () => {
    expect(qrImageSrc('data:image/png;base64,AAAA')).toBe('data:image/png;base64,AAAA');
    expect(qrImageSrc('javascript:alert(1)')).toBeNull();
    expect(qrImageSrc('https://example.com/qr.png')).toBeNull();
    expect(qrImageSrc('')).toBeNull();
  });

  it('accepts six digits with spaces', () => {
    expect(cleanTotpCode('123 456')).toBe('123456');
    expect(cleanTotpCode('12345')).toBeNull();
    expect(cleanTotpCode('abcdef')).toBeNull();
  });
});

describe('invites', () => {
  const invite = {
    code: 'AbC123xy',
    server_id: 's',
    channel_id: null,
    inviter_id: null,
    created_at: '2026-01-01T00:00:00Z',
    expires_at: null,
    max_uses: null,
    uses: 0,
    revoked_at: null,
    temporary: false,
  };
  it('are live until revoked, expired or used up', () => {
    const now = Date.parse('2026-01-02T00:00:00Z');
    expect(isLiveInvite(invite, now)).toBe(true);
    expect(isLiveInvite({ ...invite, revoked_at: '2026-01-01T01:00:00Z' }, now)).toBe(false);
    expect(isLiveInvite({ ...invite, expires_at: '2026-01-01T12:00:00Z' }, now)).toBe(false);
    expect(isLiveInvite({ ...invite, max_uses: 3, uses: 3 }, now)).toBe(false);
    expect(isLiveInvite({ ...invite, max_uses: 3, uses: 2 }, now)).toBe(true);
  });
});

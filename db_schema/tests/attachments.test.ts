import { randomUUID } from 'node:crypto';
import { createTestDatabase, type Session, type TestDatabase } from '@harmony/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, createUser, pgError, seedServer, sendMessage } from './fixtures.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.close());

/** A member of a server with two text channels, sending as supabase-js does (a plain INSERT). */
async function world(tx: Session) {
  const owner = await createUser(tx, 'owner_user');
  const member = await createUser(tx, 'member');
  const server = await seedServer(tx, owner);
  await addMember(tx, server.serverId, member);
  const other = (
    await tx.query<{ id: string }>(
      `insert into public.channels (server_id, name, position) values ($1, 'other', 2) returning id`,
      [server.serverId],
    )
  ).rows[0]?.id as string;
  return { member, channel: server.textChannelId, other };
}

const fileIn = (channelId: string, extra: Record<string, unknown> = {}) => ({
  path: `${channelId}/${randomUUID()}/clip.webm`,
  name: 'clip.webm',
  size: 2048,
  content_type: 'audio/webm;codecs=opus',
  ...extra,
});

describe('attachment metadata', () => {
  it('accepts files with the known keys: image size, spoiler, a voice message duration and waveform', async () => {
    await db.rollback(async (tx) => {
      const w = await world(tx);
      const files = [
        fileIn(w.channel, { content_type: 'image/png', width: 640, height: 480, spoiler: true }),
        fileIn(w.channel, { duration: 3.25, waveform: Array.from({ length: 256 }, (_, i) => i % 256) }),
        fileIn(w.channel, { name: 'page.html', content_type: 'text/html' }),
      ];
      const sent = await sendMessage(w.member, w.channel, '', { attachments: files });
      const { rows } = await w.member.api.query<{ attachments: unknown }>(
        'select attachments from public.messages where id = $1',
        [sent.id],
      );
      expect(rows[0]?.attachments).toEqual(files);
    });
  });

  // What an attacker may try to store for everyone else's client to render.
  const junk: [string, (w: { channel: string; other: string }) => unknown[]][] = [
    ['a string instead of an object', () => ['evil']],
    ['an unknown key', (w) => [fileIn(w.channel, { onclick: 'alert(1)' })]],
    ['no name', (w) => [{ ...fileIn(w.channel), name: undefined }]],
    ['an empty name', (w) => [fileIn(w.channel, { name: '' })]],
    ['a 256-character name', (w) => [fileIn(w.channel, { name: 'a'.repeat(256) })]],
    ['a size given as text', (w) => [fileIn(w.channel, { size: '2048' })]],
    ['a negative size', (w) => [fileIn(w.channel, { size: -1 })]],
    ['a fractional size', (w) => [fileIn(w.channel, { size: 1.5 })]],
    ['a path in another channel', (w) => [fileIn(w.other)]],
    ['a path outside any upload folder', (w) => [fileIn(w.channel, { path: `${w.channel}/../x/clip.webm` })]],
    ['a URL as path', () => [fileIn(randomUUID(), { path: 'https://evil.example/x.png' })]],
    ['two media types', (w) => [fileIn(w.channel, { content_type: 'image/png, text/html' })]],
    ['a header in the type', (w) => [fileIn(w.channel, { content_type: 'image/png\r\nx-evil: 1' })]],
    ['a zero width', (w) => [fileIn(w.channel, { width: 0, height: 10 })]],
    ['a fractional height', (w) => [fileIn(w.channel, { width: 10, height: 10.5 })]],
    ['a width as text', (w) => [fileIn(w.channel, { width: '100' })]],
    ['a huge width', (w) => [fileIn(w.channel, { width: 70000 })]],
    ['a negative duration', (w) => [fileIn(w.channel, { duration: -1 })]],
    ['a duration over a day', (w) => [fileIn(w.channel, { duration: 86401 })]],
    ['a spoiler flag as text', (w) => [fileIn(w.channel, { spoiler: 'yes' })]],
    ['a waveform of 257 samples', (w) => [fileIn(w.channel, { waveform: Array(257).fill(1) })]],
    ['an empty waveform', (w) => [fileIn(w.channel, { waveform: [] })]],
    ['a waveform sample of 256', (w) => [fileIn(w.channel, { waveform: [1, 256] })]],
    ['a waveform sample as text', (w) => [fileIn(w.channel, { waveform: [1, '2'] })]],
    ['a waveform object', (w) => [fileIn(w.channel, { waveform: { 0: 1 } })]],
    ['eleven files', (w) => Array.from({ length: 11 }, () => fileIn(w.channel))],
  ];

  it.each(junk)('refuses %s (check violation, nothing stored)', async (_, attachments) => {
    await db.rollback(async (tx) => {
      const w = await world(tx);
      const error = await pgError(sendMessage(w.member, w.channel, 'look', { attachments: attachments(w) }));
      expect(error).toMatchObject({ code: '23514' });
      expect(error.message).toContain('messages_attachments_valid');
      const { rows } = await tx.query('select 1 from public.messages where channel_id = $1', [w.channel]);
      expect(rows).toHaveLength(0);
    });
  });

  it('an author edits the text of a message with files; the files themselves cannot be changed', async () => {
    await db.rollback(async (tx) => {
      const w = await world(tx);
      const sent = await sendMessage(w.member, w.channel, 'v1', { attachments: [fileIn(w.channel)] });
      await w.member.api.query('update public.messages set content = $2 where id = $1', [sent.id, 'v2']);
      const error = await pgError(
        w.member.api.query('update public.messages set attachments = $2 where id = $1', [
          sent.id,
          JSON.stringify([fileIn(w.channel, { name: 'swapped.exe' })]),
        ]),
      );
      expect(error).toMatchObject({ code: '42501' });
    });
  });
});

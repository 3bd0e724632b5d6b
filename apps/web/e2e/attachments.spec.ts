import { readFile } from 'node:fs/promises';
import AxeBuilder from '@axe-core/playwright';
import { expect, type Locator, type Page, test } from '@playwright/test';
import { createGuild, openChannel, rest, shot, signUp } from './helpers.js';
import { mediaLaunchOptions } from './media-browser.js';

// Fake microphone (a beep), so a voice message can really be recorded.
test.use({ launchOptions: mediaLaunchOptions });

interface FileSpec {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

const file = (name: string, mimeType: string, content: string | Buffer): FileSpec => ({
  name,
  mimeType,
  buffer: typeof content === 'string' ? Buffer.from(content) : content,
});

/** A mono 8-bit WAV of `seconds` of a 440 Hz tone (8 kHz): a real, tiny audio file. */
function wav(seconds: number): Buffer {
  const rate = 8000;
  const samples = Math.round(rate * seconds);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + samples, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate, 28);
  header.writeUInt16LE(1, 32);
  header.writeUInt16LE(8, 34);
  header.write('data', 36);
  header.writeUInt32LE(samples, 40);
  const data = Buffer.alloc(samples);
  for (let i = 0; i < samples; i++) data[i] = 128 + Math.round(60 * Math.sin((2 * Math.PI * 440 * i) / rate));
  return Buffer.concat([header, data]);
}

/** PNGs and a short WebM video made by the browser (canvas, MediaRecorder): no binary fixtures. */
async function browserMedia(page: Page) {
  const made = await page.evaluate(async () => {
    const png = async (width: number, height: number, colour: string) => {
      const canvas = new OffscreenCanvas(width, height);
      const context = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D;
      context.fillStyle = colour;
      context.fillRect(0, 0, width, height);
      context.fillStyle = '#fff';
      context.fillRect(width / 4, height / 4, width / 2, height / 2);
      return canvas.convertToBlob({ type: 'image/png' });
    };
    const video = async () => {
      const canvas = document.createElement('canvas');
      canvas.width = 160;
      canvas.height = 120;
      const context = canvas.getContext('2d') as CanvasRenderingContext2D;
      const recorder = new MediaRecorder(canvas.captureStream(15), { mimeType: 'video/webm' });
      const chunks: Blob[] = [];
      recorder.ondataavailable = (e) => chunks.push(e.data);
      const stopped = new Promise((resolve) => {
        recorder.onstop = resolve;
      });
      recorder.start(100);
      for (let frame = 0; frame < 24; frame++) {
        context.fillStyle = `hsl(${frame * 15}, 70%, 50%)`;
        context.fillRect(0, 0, 160, 120);
        await new Promise((resolve) => setTimeout(resolve, 66));
      }
      recorder.stop();
      await stopped;
      return new Blob(chunks, { type: 'video/webm' });
    };
    const base64 = async (blob: Blob) => {
      const bytes = new Uint8Array(await blob.arrayBuffer());
      let text = '';
      for (const byte of bytes) text += String.fromCharCode(byte);
      return btoa(text);
    };
    return {
      wide: await base64(await png(320, 200, '#c0392b')),
      tall: await base64(await png(120, 180, '#2e86c1')),
      secret: await base64(await png(200, 120, '#27ae60')),
      clip: await base64(await video()),
    };
  });
  const buffer = (b64: string) => Buffer.from(b64, 'base64');
  return {
    wide: file('wide.png', 'image/png', buffer(made.wide)),
    tall: file('tall.png', 'image/png', buffer(made.tall)),
    secret: file('secret.png', 'image/png', buffer(made.secret)),
    clip: file('clip.webm', 'video/webm', buffer(made.clip)),
  };
}

const attach = (page: Page, files: FileSpec[]) => page.getByLabel('Attach files').setInputFiles(files);
const tray = (page: Page) => page.getByRole('list', { name: 'Attachments' });
const message = (page: Page, text: string) =>
  page.getByRole('log', { name: 'Messages' }).getByRole('article').filter({ hasText: text });

/** Playing a media element advances its time (muted, so the browser's autoplay rule allows it). */
async function playsThrough(media: Locator) {
  await media.evaluate(async (element: HTMLMediaElement) => {
    element.muted = true;
    await element.play();
  });
  await expect
    .poll(() => media.evaluate((element: HTMLMediaElement) => element.currentTime))
    .toBeGreaterThan(0.2);
  await media.evaluate((element: HTMLMediaElement) => element.pause());
}

/** Serious or critical accessibility problems in the message list (axe-core). */
async function auditMessages(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).include('[aria-label="Messages"]').analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

async function pair(browser: Parameters<typeof signUp>[0]) {
  const ada = await signUp(browser, 'ada');
  const bob = await signUp(browser, 'bob');
  const guild = await createGuild(ada, 'Media room', [bob]);
  await openChannel(ada, guild, 'general');
  await openChannel(bob, guild, 'general');
  return { ada, bob, guild };
}

test('files, players, gallery, spoilers and executable files: what Bob sees live', async ({ browser }) => {
  test.setTimeout(180_000);
  const { ada, bob, guild } = await pair(browser);
  const media = await browserMedia(ada.page);

  // Progress and cancel: a 2 MB file on a slow uplink.
  const cdp = await ada.page.context().newCDPSession(ada.page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 20,
    downloadThroughput: -1,
    uploadThroughput: 256 * 1024,
  });
  await attach(ada.page, [file('big.bin', 'application/octet-stream', Buffer.alloc(2 * 1024 * 1024, 7))]);
  const progress = ada.page.getByRole('progressbar', { name: 'Uploading big.bin' });
  await expect(progress).toBeVisible();
  await expect(tray(ada.page)).toContainText('2.0 MB');
  await expect.poll(() => progress.evaluate((p: HTMLProgressElement) => p.value)).toBeGreaterThan(0);
  await shot(ada.page, 'attachments-uploading');
  await ada.page.getByRole('button', { name: 'Cancel upload of big.bin' }).click();
  await expect(tray(ada.page)).toContainText('Upload cancelled');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: -1,
  });
  await ada.page.getByRole('button', { name: 'Retry big.bin' }).click();
  await expect(tray(ada.page).getByRole('listitem').filter({ hasText: 'big.bin' })).toContainText('Ready');
  await ada.page.getByRole('button', { name: 'Remove big.bin' }).click();
  await expect(tray(ada.page)).toHaveCount(0);

  // Files of every kind in one message.
  const pdf = file('report.pdf', 'application/pdf', '%PDF-1.4\n% tiny test file\n%%EOF\n');
  const zip = file(
    'archive.zip',
    'application/zip',
    Buffer.from('504b0506000000000000000000000000000000000000', 'hex'),
  );
  const html = file(
    'page.html',
    'text/html',
    '<!doctype html><script>document.title = "ran"</script><p>hi</p>',
  );
  const tone = file('tone.wav', 'audio/wav', wav(1.5));
  await attach(ada.page, [pdf, zip, html, tone, media.clip, media.wide, media.tall]);
  await expect(tray(ada.page).getByRole('listitem')).toHaveCount(7);
  await expect(tray(ada.page).getByText('Ready', { exact: true })).toHaveCount(7, { timeout: 20_000 });
  await shot(ada.page, 'attachments-tray');
  const composer = ada.page.getByRole('textbox', { name: /^Message/ });
  await composer.fill('files for you');
  await composer.press('Enter');

  // Bob, live: cards with name and size, players, images.
  const sent = message(bob.page, 'files for you');
  await expect(sent.getByRole('link', { name: 'report.pdf', exact: true })).toBeVisible();
  await expect(sent).toContainText('32 bytes');
  await expect(sent.getByRole('link', { name: 'archive.zip', exact: true })).toBeVisible();
  const download = bob.page.waitForEvent('download');
  await sent.getByRole('link', { name: 'Download report.pdf' }).click();
  const saved = await download;
  expect(saved.suggestedFilename()).toBe('report.pdf');
  expect(await readFile(await saved.path(), 'utf8')).toContain('%PDF-1.4');

  // page.html is a file card, never rendered; Storage answers its link with an attachment.
  await expect(sent.getByRole('link', { name: 'page.html', exact: true })).toBeVisible();
  await expect(sent.locator('iframe, object, embed')).toHaveCount(0);
  const htmlUrl = (await sent
    .getByRole('link', { name: 'page.html', exact: true })
    .getAttribute('href')) as string;
  const htmlResponse = await bob.page.request.get(htmlUrl);
  expect(htmlResponse.headers()['content-disposition']).toMatch(/^attachment/);
  expect(htmlResponse.headers()['content-type']).not.toContain('text/html');

  await playsThrough(sent.getByLabel('Video clip.webm'));
  await playsThrough(sent.getByLabel('Audio tone.wav'));

  // Stored width and height: the box has the image's shape before and after it loads.
  const rows = (await rest(bob, `messages?select=attachments&channel_id=eq.${guild.channels.general}`)) as {
    attachments: { name: string; width?: number; height?: number; duration?: number }[];
  }[];
  const stored = rows.flatMap((r) => r.attachments);
  expect(stored.find((a) => a.name === 'wide.png')).toMatchObject({ width: 320, height: 200 });
  expect(stored.find((a) => a.name === 'tone.wav')?.duration).toBeCloseTo(1.5, 1);
  const wideBox = await sent.getByRole('button', { name: 'Open image wide.png' }).boundingBox();
  expect((wideBox?.width ?? 0) / (wideBox?.height ?? 1)).toBeCloseTo(1.6, 1);

  // The lightbox: both images of the channel, keyboard to move and close.
  await sent.getByRole('button', { name: 'Open image wide.png' }).click();
  const lightbox = bob.page.getByRole('dialog');
  await expect(lightbox.getByRole('img', { name: 'wide.png' })).toBeVisible();
  await expect(lightbox).toContainText('1 / 2');
  await shot(bob.page, 'attachments-lightbox');
  await bob.page.keyboard.press('ArrowRight');
  await expect(lightbox).toContainText('2 / 2');
  await expect(lightbox.getByRole('img', { name: 'tall.png' })).toBeVisible();
  await bob.page.keyboard.press('Escape');
  await expect(lightbox).toHaveCount(0);

  // A spoiler: blurred for Bob until he clicks it.
  await attach(ada.page, [media.secret]);
  await ada.page.getByRole('button', { name: 'Mark secret.png as spoiler' }).click();
  await expect(tray(ada.page)).toContainText('Ready, as a spoiler');
  await composer.fill('do not look');
  await composer.press('Enter');
  const spoiler = message(bob.page, 'do not look');
  const secretImage = spoiler.getByRole('img', { name: 'secret.png' });
  await expect(secretImage).toHaveCSS('filter', /blur/);
  await shot(bob.page, 'attachments-bob');
  expect(await auditMessages(bob.page)).toEqual([]);
  await spoiler.getByRole('button', { name: 'Spoiler: show secret.png' }).click();
  await expect(secretImage).toHaveCSS('filter', 'none');

  // After a reload: the same files, the spoiler hidden again.
  await bob.page.reload();
  await expect(
    message(bob.page, 'files for you').getByRole('link', { name: 'report.pdf', exact: true }),
  ).toBeVisible();
  await expect(message(bob.page, 'files for you').getByLabel('Video clip.webm')).toBeVisible();
  await expect(message(bob.page, 'do not look').getByRole('img', { name: 'secret.png' })).toHaveCSS(
    'filter',
    /blur/,
  );
  expect(ada.failures).toEqual([]);
  expect(bob.failures).toEqual([]);
});

test('voice messages: Ada records one, Bob plays and seeks it; a refused microphone is explained', async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const { ada, bob, guild } = await pair(browser);

  await ada.page.getByRole('button', { name: 'Record a voice message' }).click();
  const recorder = ada.page.getByRole('region', { name: 'Voice message' });
  await expect(recorder.getByRole('timer')).toHaveText(/0:0[2-9]/, { timeout: 10_000 });
  await shot(ada.page, 'voice-recording');
  await recorder.getByRole('button', { name: 'Stop recording' }).click();
  await expect(recorder.getByRole('slider', { name: 'Voice message position' })).toBeVisible();
  await shot(ada.page, 'voice-preview');
  await recorder.getByRole('button', { name: 'Send voice message' }).click();
  await expect(recorder).toHaveCount(0);

  type VoiceRow = { attachments: { content_type: string; duration: number; waveform: number[] }[] };
  const stored = () =>
    rest(bob, `messages?select=attachments&channel_id=eq.${guild.channels.general}`) as Promise<VoiceRow[]>;
  const withFiles = async () => (await stored()).filter((row) => row.attachments.length > 0);
  await expect.poll(async () => (await withFiles()).length).toBe(1);
  const voice = (await withFiles())[0]?.attachments[0];
  expect(voice?.content_type).toMatch(/^audio\/webm/);
  expect(voice?.duration).toBeGreaterThan(1.5);
  expect(voice?.waveform.length).toBeGreaterThan(10);
  expect(Math.max(...(voice?.waveform ?? []))).toBe(255);

  // Bob, live: play, then seek by keyboard and by a click on the waveform.
  const player = bob.page.getByRole('log', { name: 'Messages' }).locator('.voice-player');
  const seekBar = player.getByRole('slider', { name: 'Voice message position' });
  await expect(seekBar).toBeVisible();
  const shownLength = `0:${String(Math.floor(voice?.duration ?? 0)).padStart(2, '0')}`;
  await expect(player).toContainText(shownLength);
  const audio = player.locator('audio');
  await player.getByRole('button', { name: 'Play voice message' }).click();
  await expect.poll(() => audio.evaluate((a: HTMLAudioElement) => a.currentTime)).toBeGreaterThan(0.2);
  await player.getByRole('button', { name: 'Pause voice message' }).click();
  await seekBar.focus();
  await bob.page.keyboard.press('Home');
  await expect.poll(() => audio.evaluate((a: HTMLAudioElement) => a.currentTime)).toBe(0);
  await bob.page.keyboard.press('ArrowRight');
  await expect.poll(() => audio.evaluate((a: HTMLAudioElement) => a.currentTime)).toBeCloseTo(1, 1);
  await expect(seekBar).toHaveAttribute('aria-valuenow', '1');
  const box = (await seekBar.boundingBox()) as { x: number; y: number; width: number; height: number };
  await bob.page.mouse.click(box.x + box.width * 0.75, box.y + box.height / 2);
  await expect
    .poll(() => audio.evaluate((a: HTMLAudioElement) => a.currentTime))
    .toBeCloseTo((voice?.duration ?? 0) * 0.75, 0);
  await shot(bob.page, 'voice-bob');
  expect(await auditMessages(bob.page)).toEqual([]);

  // After a reload the voice message is still there, with its length.
  await bob.page.reload();
  // Generous: after a reload the players' code may still be on its way on a busy machine.
  await expect(bob.page.getByRole('log', { name: 'Messages' }).locator('.voice-player')).toContainText(
    shownLength,
    { timeout: 30_000 },
  );

  // A microphone the browser refuses: a sentence, not a dead button.
  await ada.page.evaluate(() => {
    navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('denied', 'NotAllowedError'));
  });
  await ada.page.getByRole('button', { name: 'Record a voice message' }).click();
  await expect(ada.page.getByRole('alert')).toHaveText(/not allowed to use your microphone/);
  expect(ada.failures).toEqual([]);
  expect(bob.failures).toEqual([]);
});

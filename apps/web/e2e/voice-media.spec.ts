import { expect, type Page, test } from '@playwright/test';
import { mediaLaunchOptions } from './media-browser.js';

test.use({ launchOptions: mediaLaunchOptions });

type Harness = {
  media: import('../src/features/voice/room-media.js').RoomMedia;
  videos: import('../src/features/voice/room-media.js').VideoFeed[][];
  subscribe(): void;
  unsubscribe(): void;
};
declare global {
  interface Window {
    livekitHarness: Harness;
  }
}

/** How the page's remote audio elements are doing. */
const audioState = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll<HTMLAudioElement>('audio[data-participant]')].map((a) => ({
      participant: a.dataset.participant,
      source: a.dataset.source,
      paused: a.paused,
      time: a.currentTime,
      muted: a.muted,
      volume: a.volume,
      live: (a.srcObject as MediaStream | null)?.getAudioTracks()[0]?.readyState,
    })),
  );

test("LiveKit's remote tracks become playing elements and leave on unsubscribe", async ({ page }) => {
  await page.goto('/');
  // A click, as joining voice is: the page may then play sound (autoplay rules).
  await page.mouse.click(5, 5);
  await page.evaluate(async (url) => {
    const harness = (await import(/* @vite-ignore */ url)) as { start(): Promise<Harness> };
    window.livekitHarness = await harness.start();
    window.livekitHarness.subscribe();
  }, '/e2e/livekit-media.js');

  // One <audio> for Ada's microphone, playing the received track.
  await expect.poll(() => audioState(page)).toHaveLength(1);
  const [first] = await audioState(page);
  expect(first).toMatchObject({ participant: 'ada', source: 'microphone', paused: false, live: 'live' });
  await expect
    .poll(async () => (await audioState(page))[0]?.time ?? 0)
    .toBeGreaterThan((first?.time ?? 0) + 0.5);

  // Per-person volume, local mute, deafen and the output device reach the element.
  const controls = await page.evaluate(async () => {
    const { media } = window.livekitHarness;
    const element = () => document.querySelector<HTMLAudioElement>('audio[data-participant="ada"]');
    media.setVolume('ada', 0.4);
    const volume = element()?.volume;
    media.setLocallyMuted('ada', true);
    const mutedForMe = element()?.muted;
    media.setLocallyMuted('ada', false);
    media.setDeafened(true);
    const deafened = element()?.muted;
    media.setDeafened(false);
    await media.setOutputDevice('default');
    return {
      volume,
      mutedForMe,
      deafened,
      after: element()?.muted,
      sink: (element() as { sinkId?: string }).sinkId,
    };
  });
  expect(controls).toEqual({ volume: 0.4, mutedForMe: true, deafened: true, after: false, sink: 'default' });

  // The camera is a feed; attached as VideoTile does, it plays frames.
  const video = await page.evaluate(async () => {
    const feeds = window.livekitHarness.videos.at(-1) ?? [];
    const feed = feeds[0];
    if (!feed) return null;
    const element = document.createElement('video');
    element.muted = true;
    element.id = 'tile';
    document.body.append(element);
    feed.track.attach(element);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    return { key: feed.key, width: element.videoWidth, paused: element.paused, time: element.currentTime };
  });
  expect(video).toMatchObject({ key: 'ada:camera', width: 320, paused: false });
  expect(video?.time).toBeGreaterThan(0.3);

  // Unsubscribed: the audio element is detached and gone, the feed list is empty.
  await page.evaluate(() => window.livekitHarness.unsubscribe());
  await expect.poll(() => audioState(page)).toHaveLength(0);
  expect(await page.evaluate(() => window.livekitHarness.videos.at(-1)?.length)).toBe(0);
});

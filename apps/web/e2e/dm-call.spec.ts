import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import { type Person, rest, shot, signUp } from './helpers.js';
import { mediaLaunchOptions } from './media-browser.js';

// Fake microphones and WebRTC over loopback: the two browsers really send each other audio.
test.use({ launchOptions: mediaLaunchOptions });

declare global {
  interface Window {
    peerConnections: RTCPeerConnection[];
  }
}

/** Keeps every RTCPeerConnection the app makes, so the test can read getStats() as the app does not. */
async function watchPeerConnections(person: Person): Promise<void> {
  await person.page.context().addInitScript(() => {
    const Native = window.RTCPeerConnection;
    window.peerConnections = [];
    window.RTCPeerConnection = class extends Native {
      constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
        super(...args);
        window.peerConnections.push(this);
      }
    };
  });
  await person.page.reload();
  await expect(person.page.getByRole('navigation', { name: 'Servers' })).toBeVisible();
}

/** Bytes of one kind received so far on the page's open peer connections (inbound-rtp). */
const inboundBytes = (page: Page, kind: 'audio' | 'video') =>
  page.evaluate(async (kind) => {
    let bytes = 0;
    for (const connection of window.peerConnections) {
      if (connection.connectionState === 'closed') continue;
      for (const report of (await connection.getStats()).values())
        if (report.type === 'inbound-rtp' && report.kind === kind) bytes += report.bytesReceived ?? 0;
    }
    return bytes;
  }, kind);
const inboundAudioBytes = (page: Page) => inboundBytes(page, 'audio');

const remoteVideo = (page: Page) =>
  page.evaluate(() => {
    const video = document.querySelector<HTMLVideoElement>('video[data-call-remote-video]');
    return video ? { paused: video.paused, time: video.currentTime, width: video.videoWidth } : null;
  });

const remoteAudio = (page: Page) =>
  page.evaluate(() => {
    const audio = document.querySelector<HTMLAudioElement>('audio[data-call-remote]');
    return audio ? { paused: audio.paused, time: audio.currentTime, muted: audio.muted } : null;
  });

/** Connections in use (a failed LiveKit attempt, as on the e2e stack, leaves one that never started). */
const openPeers = (page: Page) =>
  page.evaluate(
    () =>
      window.peerConnections.filter((c) => c.connectionState !== 'closed' && c.connectionState !== 'new')
        .length,
  );

/** Serious or critical accessibility problems in the call bar (axe-core). */
async function auditCallBar(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).include('.call-bar').analyze();
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
}

async function expectAudioFlowing(page: Page): Promise<void> {
  const before = await inboundAudioBytes(page);
  await expect.poll(() => inboundAudioBytes(page), { timeout: 10_000 }).toBeGreaterThan(before + 2_000);
  console.log(`inbound audio bytes: ${before} → ${await inboundAudioBytes(page)}`);
  const first = await remoteAudio(page);
  expect(first).toMatchObject({ paused: false, muted: false });
  await expect.poll(async () => (await remoteAudio(page))?.time ?? 0).toBeGreaterThan((first?.time ?? 0) + 1);
}

test('a DM call rings, connects peer to peer with sound both ways and hangs up; declined and unanswered calls leave their lines', async ({
  browser,
}) => {
  test.setTimeout(150_000);
  const ada = await signUp(browser, 'calla');
  const bob = await signUp(browser, 'callb');
  await rest(ada, 'rpc/send_friend_request', { method: 'POST', body: { p_username: bob.username } });
  const [request] = (await rest(bob, 'friend_requests?select=id')) as { id: string }[];
  await rest(bob, 'rpc/accept_friend_request', { method: 'POST', body: { p_request_id: request?.id } });
  const [bobProfile] = (await rest(bob, `profiles?select=id&username=eq.${bob.username}`)) as {
    id: string;
  }[];
  const dm = (await rest(ada, 'rpc/open_dm', {
    method: 'POST',
    body: { p_profile_id: bobProfile?.id },
  })) as string;
  // The call updates Ada's socket receives (the reload below opens the socket watched).
  const adaCallUpdates: string[] = [];
  ada.page.on('websocket', (socket) =>
    socket.on('framereceived', ({ payload }) => {
      // Broadcasts come as realtime-js's binary frames, with the event's JSON inside.
      const frame = payload.toString();
      if (frame.includes('call_update')) adaCallUpdates.push(frame);
    }),
  );
  await watchPeerConnections(ada);
  await watchPeerConnections(bob);
  await ada.page.goto(`/#/channels/@me/${dm}`);
  const log = ada.page.getByRole('log', { name: 'Messages' });

  // Ada calls; Bob, on his friends list, is rung.
  await ada.page.getByRole('button', { name: 'Start a voice call' }).click();
  await expect(ada.page.getByRole('region', { name: 'Call', exact: true })).toContainText(
    `Calling ${bob.username}…`,
  );
  const ringing = bob.page.getByRole('alertdialog', { name: 'Incoming call' });
  await expect(ringing).toContainText(`${ada.username} is calling you`);
  await shot(bob.page, 'dm-call-ringing');
  expect(await auditCallBar(bob.page)).toEqual([]);
  await ringing.getByRole('button', { name: 'Accept' }).click();

  // Connected: each side receives the other's microphone and plays it.
  await expect(ada.page.getByRole('region', { name: 'Call', exact: true })).toContainText(
    `In a call with ${bob.username}`,
  );
  await expect(bob.page.getByRole('region', { name: 'Call', exact: true })).toContainText(
    `In a call with ${ada.username}`,
  );
  await expectAudioFlowing(ada.page);
  await expectAudioFlowing(bob.page);
  await shot(ada.page, 'dm-call-connected');
  expect(await auditCallBar(ada.page)).toEqual([]);

  // Ada turns her camera on: Bob receives video and his page plays it; off again, it goes.
  const videoBefore = await inboundBytes(bob.page, 'video');
  await ada.page
    .getByRole('region', { name: 'Call', exact: true })
    .getByRole('button', { name: 'Turn on camera' })
    .click();
  await expect
    .poll(() => inboundBytes(bob.page, 'video'), { timeout: 10_000 })
    .toBeGreaterThan(videoBefore + 20_000);
  console.log(`inbound video bytes: ${videoBefore} → ${await inboundBytes(bob.page, 'video')}`);
  await expect.poll(async () => (await remoteVideo(bob.page))?.width ?? 0).toBeGreaterThan(0);
  const frame = await remoteVideo(bob.page);
  expect(frame?.paused).toBe(false);
  await expect
    .poll(async () => (await remoteVideo(bob.page))?.time ?? 0)
    .toBeGreaterThan((frame?.time ?? 0) + 0.5);
  await shot(bob.page, 'dm-call-video');
  await ada.page
    .getByRole('region', { name: 'Call', exact: true })
    .getByRole('button', { name: 'Turn off camera' })
    .click();
  await expect.poll(() => remoteVideo(bob.page), { timeout: 15_000 }).toBeNull();

  // Muting stops Bob's microphone track for Ada (the bytes keep flowing as silence).
  await bob.page
    .getByRole('region', { name: 'Call', exact: true })
    .getByRole('button', { name: 'Mute' })
    .click();
  await expect(bob.page.getByRole('button', { name: 'Unmute' })).toHaveAttribute('aria-pressed', 'true');

  // Ada hangs up: both ends close their connection and the DM says a call happened.
  await ada.page
    .getByRole('region', { name: 'Call', exact: true })
    .getByRole('button', { name: 'Hang up' })
    .click();
  await expect(ada.page.getByRole('status').filter({ hasText: 'Call ended.' })).toBeVisible();
  await expect(bob.page.getByRole('status').filter({ hasText: 'Call ended.' })).toBeVisible();
  await expect.poll(() => openPeers(ada.page)).toBe(0);
  await expect.poll(() => openPeers(bob.page)).toBe(0);
  expect(await remoteAudio(bob.page)).toBeNull();
  await expect(log.getByRole('article', { name: `${ada.username} started a call.` })).toBeVisible();

  // Declined, and so fast that the decline reaches Ada before start_dm_call's own answer does
  // (held back here until Bob has declined; it happens by itself on a busy machine).
  let declined = () => {};
  const bobDeclined = new Promise<void>((resolve) => {
    declined = resolve;
  });
  await ada.page.route('**/rest/v1/rpc/start_dm_call', async (route) => {
    const response = await route.fetch();
    await bobDeclined;
    await route.fulfill({ response });
  });
  await ada.page.getByRole('button', { name: 'Start a voice call' }).click();
  await ringing.getByRole('button', { name: 'Decline' }).click();
  await expect(ringing).toBeHidden();
  await expect.poll(() => adaCallUpdates.some((frame) => /"status": ?"declined"/.test(frame))).toBe(true);
  declined();
  await expect(ada.page.getByRole('status').filter({ hasText: 'Call declined.' })).toBeVisible();
  await ada.page.unroute('**/rest/v1/rpc/start_dm_call');
  await expect(
    log.getByRole('article', { name: `${ada.username} called. The call was declined.` }),
  ).toBeVisible();

  // Unanswered: after 30 s both stop ringing and the DM shows a missed call, also after a reload.
  await ada.page.getByRole('button', { name: 'Start a voice call' }).click();
  await expect(ringing).toBeVisible();
  await expect(ada.page.getByRole('status').filter({ hasText: 'No answer.' })).toBeVisible({
    timeout: 40_000,
  });
  await expect(ringing).toBeHidden({ timeout: 5_000 });
  const missed = log.getByRole('article', { name: `${ada.username} called. Missed call.` });
  await expect(missed).toBeVisible();
  await shot(ada.page, 'dm-call-missed');
  await ada.page.reload();
  await expect(missed).toBeVisible();
  await expect(ada.page.getByRole('button', { name: 'Start a voice call' })).toBeEnabled();
  expect([...ada.failures, ...bob.failures]).toEqual([]);
});

import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import { type Person, rest, shot, signUp } from './helpers.js';
import { mediaLaunchOptions } from './media-browser.js';

// Fake microphones, cameras and screens, WebRTC over loopback: the browsers really send media.
test.use({ launchOptions: mediaLaunchOptions });

declare global {
  interface Window {
    peerConnections: RTCPeerConnection[];
    /** Oscillators the page started (the ring tones are made of them). */
    oscillators: number;
  }
}

/** Keeps every RTCPeerConnection the app makes, and counts the oscillators ring tones start. */
async function watchMedia(person: Person): Promise<void> {
  await person.page.context().addInitScript(() => {
    const Native = window.RTCPeerConnection;
    window.peerConnections = [];
    window.RTCPeerConnection = class extends Native {
      constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
        super(...args);
        window.peerConnections.push(this);
      }
    };
    window.oscillators = 0;
    const createOscillator = AudioContext.prototype.createOscillator;
    AudioContext.prototype.createOscillator = function (this: AudioContext) {
      window.oscillators += 1;
      return createOscillator.call(this);
    };
  });
  await person.page.reload();
  await expect(person.page.getByRole('navigation', { name: 'Servers' })).toBeVisible();
}

/** Inbound bytes of one kind on each connected connection (one per remote person), by connection. */
const inboundByPeer = (page: Page, kind: 'audio' | 'video') =>
  page.evaluate(async (kind) => {
    const totals: Record<number, number> = {};
    for (const [i, connection] of window.peerConnections.entries()) {
      if (connection.connectionState !== 'connected') continue;
      totals[i] = 0;
      for (const report of (await connection.getStats()).values())
        if (report.type === 'inbound-rtp' && report.kind === kind) totals[i] += report.bytesReceived ?? 0;
    }
    return totals;
  }, kind);

/** What a page's call looks like, printed when a wait fails: each connection's states and the call bar. */
const callReport = (page: Page) =>
  page.evaluate(() => ({
    connections: window.peerConnections.map(
      (c) => `${c.connectionState}/${c.iceConnectionState}/${c.signalingState}`,
    ),
    bar: document.querySelector('.call-bar')?.textContent ?? '(no call bar)',
    alerts: [...document.querySelectorAll('[role="alert"]')].map((a) => a.textContent),
  }));

/** Every connection of the page receives audio that keeps growing, from `peers` people. */
async function expectAudioFrom(page: Page, peers: number): Promise<void> {
  try {
    await expect
      .poll(async () => Object.keys(await inboundByPeer(page, 'audio')).length, { timeout: 30_000 })
      .toBe(peers);
  } catch (e) {
    // In creation order: Ada, Bob, Cy.
    const pages = (page.context().browser()?.contexts() ?? []).flatMap((c) => c.pages());
    for (const [i, p] of pages.entries())
      console.log(
        `call state of page ${i}${p === page ? ' (waiting)' : ''}: ${JSON.stringify(await callReport(p))}`,
      );
    throw e;
  }
  const before = await inboundByPeer(page, 'audio');
  await expect
    .poll(
      async () => {
        const now = await inboundByPeer(page, 'audio');
        return Object.keys(before).every((i) => (now[Number(i)] ?? 0) > (before[Number(i)] ?? 0) + 2_000);
      },
      { timeout: 20_000 },
    )
    .toBe(true);
  console.log(
    `inbound audio bytes per peer: ${Object.values(before)} → ${Object.values(await inboundByPeer(page, 'audio'))}`,
  );
  // One playing element per remote person.
  await expect
    .poll(() =>
      page.evaluate(
        () =>
          [...document.querySelectorAll<HTMLAudioElement>('audio[data-call-remote]')].filter((a) => !a.paused)
            .length,
      ),
    )
    .toBe(peers);
}

/** Oscillators started in the next few seconds: a ring tone starts new ones every 3–4 s. */
async function ringing(page: Page): Promise<boolean> {
  const before = await page.evaluate(() => window.oscillators);
  await page.waitForTimeout(4_500);
  return (await page.evaluate(() => window.oscillators)) > before;
}

const openPeers = (page: Page) =>
  page.evaluate(() => window.peerConnections.filter((c) => c.connectionState === 'connected').length);

async function befriend(a: Person, b: Person): Promise<string> {
  await rest(a, 'rpc/send_friend_request', { method: 'POST', body: { p_username: b.username } });
  const requests = (await rest(b, 'friend_requests?select=id')) as { id: string }[];
  for (const request of requests)
    await rest(b, 'rpc/accept_friend_request', { method: 'POST', body: { p_request_id: request.id } });
  const [profile] = (await rest(b, `profiles?select=id&username=eq.${b.username}`)) as { id: string }[];
  return profile?.id as string;
}

test('a group DM call rings everyone, connects three people peer to peer, shows who speaks and who is muted, shares a screen, and ends when the last one leaves', async ({
  browser,
}) => {
  // Three sign-ups and three browsers sending media on a shared machine.
  test.setTimeout(300_000);
  const ada = await signUp(browser, 'gca');
  const bob = await signUp(browser, 'gcb');
  const cy = await signUp(browser, 'gcc');
  const bobId = await befriend(ada, bob);
  const cyId = await befriend(ada, cy);
  const group = (await rest(ada, 'rpc/create_group_dm', {
    method: 'POST',
    body: { p_profile_ids: [bobId, cyId], p_name: 'Trio' },
  })) as string;
  // Cy is in her quiet hours (an hour either side of now): she is rung, silently.
  const hour = (offset: number) => new Date(Date.now() + offset * 3_600_000).toISOString().slice(11, 16);
  await rest(cy, `user_settings?profile_id=eq.${cyId}`, {
    method: 'PATCH',
    body: {
      quiet_hours_enabled: true,
      quiet_hours_start: hour(-1),
      quiet_hours_end: hour(1),
      quiet_hours_time_zone: 'UTC',
    },
  });
  for (const person of [ada, bob, cy]) await watchMedia(person);
  // The e2e stack has LiveKit configured at an address where nothing listens: the call tries it.
  const livekitSockets: string[] = [];
  ada.page.on('websocket', (socket) => {
    if (socket.url().includes('/rtc')) livekitSockets.push(socket.url());
  });

  // Ada calls the group: she hears the ringback; Bob and Cy are rung with a ring tone.
  await ada.page.goto(`/#/channels/@me/${group}`);
  await ada.page.getByRole('button', { name: 'Start a voice call' }).click();
  const adaCall = ada.page.getByRole('region', { name: 'Call', exact: true });
  await expect(adaCall).toContainText('Calling Trio…');
  for (const person of [bob, cy])
    await expect(person.page.getByRole('alertdialog', { name: 'Incoming call' })).toContainText(
      `${ada.username} is calling Trio`,
    );
  expect(await ringing(ada.page)).toBe(true);
  expect(await ringing(bob.page)).toBe(true);
  expect(await ringing(cy.page)).toBe(false);
  await shot(bob.page, 'group-call-ringing');

  // LiveKit was tried with the database's token for this call's room, then the call went peer to peer.
  const [call] = (await rest(ada, `dm_calls?select=id&channel_id=eq.${group}`)) as { id: string }[];
  await expect.poll(() => livekitSockets.length).toBeGreaterThan(0);
  const token = new URL(livekitSockets[0] as string).searchParams.get('access_token') as string;
  const claims = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString());
  expect(claims.video.room).toBe(`dm-call-${call?.id}`);
  expect(claims.sub).toBe((await rest(ada, `profiles?select=id&username=eq.${ada.username}`))[0].id);

  // Both join: the ringing stops, and everyone hears the two others.
  for (const person of [bob, cy])
    await person.page
      .getByRole('alertdialog', { name: 'Incoming call' })
      .getByRole('button', { name: 'Join' })
      .click();
  // Each first tries LiveKit (unreachable here), then connects peer to peer: slow on a busy machine.
  await expect(adaCall).toContainText('In a call with Trio', { timeout: 30_000 });
  await expect(adaCall).toHaveAttribute('data-transport', 'mesh');
  expect(await ringing(bob.page)).toBe(false);
  expect(await ringing(ada.page)).toBe(false);
  for (const person of [ada, bob, cy]) await expectAudioFrom(person.page, 2);

  // The participant list: all three; Bob mutes and the others see it; someone is seen speaking.
  const participants = (page: Page) => page.getByRole('list', { name: 'In the call' });
  await expect(participants(ada.page).getByRole('listitem')).toHaveCount(3);
  await bob.page
    .getByRole('region', { name: 'Call', exact: true })
    .getByRole('button', { name: 'Mute' })
    .click();
  for (const person of [ada, cy])
    await expect(
      participants(person.page).getByRole('listitem', { name: `${bob.username}: muted` }),
    ).toBeVisible();
  await expect(
    participants(bob.page).getByRole('listitem', { name: `${bob.username} (you): muted` }),
  ).toBeVisible();
  await expect(participants(bob.page).locator('[data-speaking="true"]').first()).toBeAttached({
    timeout: 15_000,
  });
  expect(
    (await new AxeBuilder({ page: ada.page }).include('.call-bar').analyze()).violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => v.id),
  ).toEqual([]);
  await shot(ada.page, 'group-call-connected');

  // Ada shares her screen: Bob and Cy receive it and play it.
  const videoBefore = await inboundByPeer(bob.page, 'video');
  await adaCall.getByRole('button', { name: 'Share your screen' }).click();
  await expect(adaCall.getByRole('button', { name: 'Stop sharing your screen' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  for (const person of [bob, cy]) {
    const screen = person.page.locator('video[data-call-remote-screen]');
    await expect(screen).toHaveAccessibleName(`${ada.username}'s screen`);
    await expect
      .poll(() => screen.evaluate((v: HTMLVideoElement) => v.videoWidth), { timeout: 30_000 })
      .toBeGreaterThan(0);
    const time = await screen.evaluate((v: HTMLVideoElement) => v.currentTime);
    await expect
      .poll(() => screen.evaluate((v: HTMLVideoElement) => v.currentTime))
      .toBeGreaterThan(time + 0.5);
    expect(await screen.evaluate((v: HTMLVideoElement) => v.paused)).toBe(false);
  }
  const videoAfter = Object.values(await inboundByPeer(bob.page, 'video'));
  console.log(`Bob's inbound video bytes: ${Object.values(videoBefore)} → ${videoAfter}`);
  expect(Math.max(...videoAfter)).toBeGreaterThan(Math.max(0, ...Object.values(videoBefore)) + 20_000);
  await shot(bob.page, 'group-call-screen');
  await adaCall.getByRole('button', { name: 'Stop sharing your screen' }).click();
  await expect(bob.page.locator('video[data-call-remote-screen]')).toHaveCount(0, { timeout: 15_000 });

  // Ada leaves: the call goes on for Bob and Cy, who still hear each other.
  await adaCall.getByRole('button', { name: 'Leave' }).click();
  await expect(ada.page.getByRole('status').filter({ hasText: 'You left the call.' })).toBeVisible();
  await expect.poll(() => openPeers(ada.page)).toBe(0);
  await expect(participants(bob.page).getByRole('listitem')).toHaveCount(2);
  await expect.poll(() => openPeers(bob.page)).toBe(1);
  await bob.page
    .getByRole('region', { name: 'Call', exact: true })
    .getByRole('button', { name: 'Unmute' })
    .click();
  await expectAudioFrom(cy.page, 1);

  // The last two leave: the call ends, and the group DM says a call happened (also after a reload).
  await bob.page
    .getByRole('region', { name: 'Call', exact: true })
    .getByRole('button', { name: 'Leave' })
    .click();
  await cy.page
    .getByRole('region', { name: 'Call', exact: true })
    .getByRole('button', { name: 'Leave' })
    .click();
  const line = ada.page
    .getByRole('log', { name: 'Messages' })
    .getByRole('article', { name: `${ada.username} started a call.` });
  await expect(line).toBeVisible();
  await ada.page.reload();
  await expect(line).toBeVisible();
  const [ended] = (await rest(bob, `dm_calls?select=status&id=eq.${call?.id}`)) as { status: string }[];
  expect(ended?.status).toBe('ended');
  for (const person of [bob, cy]) await expect.poll(() => openPeers(person.page)).toBe(0);
  expect([...ada.failures, ...bob.failures, ...cy.failures]).toEqual([]);
});

import { expect, type Page, test } from '@playwright/test';
import { createGuild, openChannel, post, signUp } from './helpers.js';

/** Pixels between the bottom of the last message and the bottom of the list's viewport. */
async function gapBelowLast(page: Page): Promise<number> {
  return page.evaluate(() => {
    const scroller = document.querySelector('.message-scroller') as HTMLElement;
    const articles = scroller.querySelectorAll('article');
    const last = articles[articles.length - 1] as HTMLElement;
    return scroller.getBoundingClientRect().bottom - last.getBoundingClientRect().bottom;
  });
}

/** A 400×300 PNG drawn by the browser. */
async function picture(page: Page): Promise<Buffer> {
  const dataUrl = await page.evaluate(() => {
    const canvas = document.createElement('canvas');
    canvas.width = 400;
    canvas.height = 300;
    const g = canvas.getContext('2d') as CanvasRenderingContext2D;
    g.fillStyle = '#5865f2';
    g.fillRect(0, 0, 400, 300);
    return canvas.toDataURL('image/png');
  });
  return Buffer.from(dataUrl.split(',')[1] as string, 'base64');
}

// Item 6: the list stays on the newest message (short channels, images arriving) unless the reader scrolled up.
test('the message list stays pinned to the newest message, images included, unless scrolled up', async ({
  browser,
}) => {
  const ada = await signUp(browser, 'scr');
  const bob = await signUp(browser, 'scrbob');
  const guild = await createGuild(ada, 'Scroll Guild', [bob]);
  await openChannel(ada, guild, 'general');
  await openChannel(bob, guild, 'general');

  // A short channel sits at the bottom, next to the composer.
  await post(ada, guild, 'general', 'first words');
  await expect(bob.page.getByRole('article', { name: /first words/ })).toBeVisible();
  expect(await gapBelowLast(bob.page)).toBeLessThan(40);

  // An image: its space is reserved from the stored size, and the last message stays in view.
  await ada.page
    .getByLabel('Attach files')
    .setInputFiles({ name: 'wide.png', mimeType: 'image/png', buffer: await picture(ada.page) });
  await expect(ada.page.getByRole('list', { name: 'Attachments' })).toContainText('Ready');
  await ada.page.getByLabel('Message #general').fill('look at this');
  await ada.page.getByLabel('Message #general').press('Enter');
  for (const page of [bob.page, ada.page]) {
    const image = page.getByRole('img', { name: 'wide.png' });
    await expect(image).toBeVisible();
    await expect(page.locator('.attachment-media').last()).toHaveAttribute(
      'style',
      /aspect-ratio: 400 \/ 300/,
    );
    await expect.poll(() => image.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(400);
    await expect.poll(() => gapBelowLast(page)).toBeGreaterThanOrEqual(-1);
    expect(await gapBelowLast(page)).toBeLessThan(40);
  }

  // Scrolled up to read: new messages do not pull the reader down; "Jump to latest" does.
  for (let i = 0; i < 30; i++) await post(ada, guild, 'general', `filler ${i}`);
  await expect(bob.page.getByRole('article', { name: /filler 29/ })).toBeVisible();
  const scroller = bob.page.getByRole('log', { name: 'Messages' });
  await scroller.evaluate((el) => {
    el.scrollTop = 0;
  });
  await expect(bob.page.getByRole('button', { name: 'Jump to latest' })).toBeVisible();
  const top = await scroller.evaluate((el) => el.scrollTop);
  await post(ada, guild, 'general', 'while you were reading');
  // (Off screen, the row is not rendered: the list is virtualized.) Give it time to arrive.
  await expect(ada.page.getByRole('article', { name: /while you were reading/ })).toBeVisible();
  await bob.page.waitForTimeout(500);
  expect(await scroller.evaluate((el) => el.scrollTop)).toBeLessThan(top + 200);
  await bob.page.getByRole('button', { name: 'Jump to latest' }).click();
  await expect(bob.page.getByRole('article', { name: /while you were reading/ })).toBeInViewport();
});

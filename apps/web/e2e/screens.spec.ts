import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import { createGuild, openChannel, type Person, post, rest, shot, signIn, signUp } from './helpers.js';

const SIZES = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 360, height: 740 },
] as const;

/** Serious and critical accessibility violations on the page as it is now (axe-core). */
async function audit(page: Page, screen: string): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${screen}: ${v.id} (${v.impact}) ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(', ')}`,
    );
}

/** Saves test-results/screenshots/<screen>-<size>.png and audits the screen. */
async function capture(page: Page, screen: string, size: string, problems: string[]) {
  await page.waitForTimeout(300); // images and fonts settle
  await shot(page, `${screen}-${size}`);
  problems.push(...(await audit(page, screen)));
}

// The main screens at 1280×800 and 360×740: screenshots for people to look at, and an axe audit.
test('main screens look finished and pass an accessibility audit at desktop and phone sizes', async ({
  browser,
}) => {
  test.setTimeout(150_000);
  const ada = await signUp(browser, 'look');
  const bob = await signUp(browser, 'lookbob');
  const guild = await createGuild(ada, 'Harmony Lounge', [bob]);
  const bobId = (await rest(bob, `profiles?select=id&username=eq.${bob.username}`))[0].id as string;
  await post(ada, guild, 'general', 'Welcome to the lounge! 🎉');
  await post(bob, guild, 'general', `thanks! **glad** to be here <@${bobId}>`);
  await post(ada, guild, 'general', 'see the `#rules` first, then say hi 👋');
  await rest(bob, 'rpc/send_friend_request', { method: 'POST', body: { p_username: ada.username } });

  const problems: string[] = [];
  for (const size of SIZES) {
    const person: Person = await signIn(browser, ada, { width: size.width, height: size.height });
    const page = person.page;
    await capture(page, 'home', size.name, problems);

    await openChannel(person, guild, 'general');
    await expect(page.getByRole('article', { name: /Welcome to the lounge/ })).toBeVisible();
    await capture(page, 'chat', size.name, problems);

    await page.getByRole('button', { name: 'Emoji', exact: true }).click();
    await expect(page.getByRole('dialog', { name: 'Emoji' }).getByRole('button').nth(20)).toBeVisible();
    await capture(page, 'emoji-picker', size.name, problems);
    await page.keyboard.press('Escape');

    // On a phone the header's less used actions sit in its "…" menu.
    const headerAction = async (name: string) => {
      if (size.name !== 'phone') return page.getByRole('button', { name }).click();
      await page.getByRole('button', { name: 'More channel actions' }).click();
      await page.getByRole('menu', { name: 'Channel actions' }).getByRole('menuitem', { name }).click();
    };

    if (size.name === 'phone') {
      await headerAction('Show member list');
      await expect(page.getByRole('complementary', { name: 'Members' })).toBeVisible();
      await capture(page, 'members', size.name, problems);
      await page.getByRole('button', { name: 'Close member list' }).click();
      await page.getByRole('button', { name: 'Channels' }).click();
      await capture(page, 'channels', size.name, problems);
      await page.getByRole('button', { name: 'general', exact: true }).click();
    }

    await headerAction('Pinned messages');
    await capture(page, 'pins', size.name, problems);
    await page
      .getByRole('dialog', { name: 'Pinned messages' })
      .getByRole('button', { name: 'Close' })
      .click();

    if (size.name === 'desktop') {
      await page.getByRole('button', { name: 'Server settings' }).click();
      await capture(page, 'server-settings', size.name, problems);
      await page
        .getByRole('dialog', { name: 'Server settings' })
        .getByRole('button', { name: 'Close' })
        .click();
    } else {
      await page.getByRole('button', { name: 'Channels' }).click();
    }

    await page.getByRole('button', { name: 'Direct messages' }).click();
    await page.getByRole('button', { name: 'Friends', exact: true }).click();
    await page.getByRole('tab', { name: 'Pending' }).click();
    await capture(page, 'friends', size.name, problems);
    await page.context().close();
  }

  // The sign-in screen.
  const context = await browser.newContext();
  const signInPage = await context.newPage();
  await signInPage.goto('/');
  await expect(signInPage.getByLabel('Email')).toBeVisible();
  await capture(signInPage, 'sign-in', 'desktop', problems);
  await context.close();

  expect(problems).toEqual([]);
});

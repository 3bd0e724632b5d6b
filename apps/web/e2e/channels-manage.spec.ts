import AxeBuilder from '@axe-core/playwright';
import { Permissions } from '@harmony/shared';
import { expect, type Locator, type Page, test } from '@playwright/test';
import {
  createGuild,
  openChannel,
  openServerMenuItem,
  type Person,
  rest,
  shot,
  signIn,
  signUp,
} from './helpers.js';

// Issue 15, "Channels and categories" and "Roles": an owner manages the channel list (create,
// edit, reorder by keyboard and pointer, delete) and a member sees every change live; a
// moderator reorders roles below their own and is told why the others are locked.

/** Live means within a second; the margin is for this shared 2-core machine. */
const LIVE = { timeout: 4000 };

const sidebar = (page: Page) => page.getByRole('complementary', { name: 'Channels' });

/** The channel list as shown: "[Category]" headers and channel names, top to bottom. */
async function listed(page: Page): Promise<string[]> {
  return sidebar(page)
    .locator('.channel-tree > li')
    .evaluateAll((rows) =>
      rows.map((row) =>
        row.classList.contains('category-row')
          ? `[${row.querySelector('.category-name')?.textContent ?? ''}]`
          : (row.querySelector('.channel-name')?.textContent ?? ''),
      ),
    );
}

async function axe(page: Page, what: string, include = 'dialog') {
  const { violations } = await new AxeBuilder({ page }).include(include).analyze();
  const serious = violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${what}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(serious).toEqual([]);
}

/**
 * Drags with the keyboard from a row's handle: Space, arrow presses, Space, each step waiting
 * for what a screen reader hears (dnd-kit listens for the arrows only once the pick-up is done).
 */
async function keyboardMove(handle: Locator, key: 'ArrowUp' | 'ArrowDown', presses: number) {
  const page = handle.page();
  const name = ((await handle.getAttribute('aria-label')) ?? '').replace(/^Move /, '');
  const region = page.getByRole('status').filter({ hasText: name });
  const heard = async () => ((await region.count()) ? await region.first().textContent() : '');
  await handle.focus();
  await page.keyboard.press('Space');
  await expect(region).toContainText(' is over ');
  for (let i = 0; i < presses; i++) {
    const before = await heard();
    await page.keyboard.press(key);
    await expect.poll(heard).not.toBe(before);
  }
  await page.keyboard.press('Space');
  await expect(region).toContainText(' was dropped');
}

test('an owner manages channels and categories; a member sees each change live', async ({ browser }) => {
  test.setTimeout(120_000);
  const ada = await signUp(browser, 'chman');
  const bob = await signUp(browser, 'chmanbob');
  const guild = await createGuild(ada, 'Layout Guild', [bob]);
  await openChannel(ada, guild, 'general');
  await openChannel(bob, guild, 'general');
  expect(await listed(bob.page)).toEqual(['[Text Channels]', 'general', '[Voice Channels]', 'General']);
  // A member without Manage Channels gets no management controls.
  await sidebar(bob.page).getByRole('heading', { level: 2 }).getByRole('button').click();
  await expect(bob.page.getByRole('menu', { name: 'Server menu' })).toBeVisible();
  await expect(bob.page.getByRole('menuitem', { name: /^Create / })).toHaveCount(0);
  await axe(bob.page, 'server menu', '.sidebar-header');
  await shot(bob.page, 'server-menu-member');
  await bob.page.keyboard.press('Escape');
  await expect(sidebar(bob.page).getByRole('button', { name: /^Move / })).toHaveCount(0);

  // A category, then a channel in it with its "+".
  await openServerMenuItem(ada.page, 'Create category');
  const categoryDialog = ada.page.getByRole('dialog', { name: 'Create a category' });
  await categoryDialog.getByLabel('Category name').fill('Projects');
  await axe(ada.page, 'create category');
  await categoryDialog.getByRole('button', { name: 'Create category' }).click();
  await expect(categoryDialog).toBeHidden();
  // Renamed at once (a typo fixed), seen live.
  await sidebar(ada.page).getByRole('button', { name: 'Edit category Projects' }).click();
  const rename = ada.page.getByRole('dialog', { name: 'Edit category' });
  await rename.getByLabel('Category name').fill('Projekts');
  await rename.getByRole('button', { name: 'Save' }).click();
  await expect(sidebar(bob.page).getByRole('button', { name: 'Projekts', exact: true })).toBeVisible(LIVE);
  await sidebar(ada.page).getByRole('button', { name: 'Edit category Projekts' }).click();
  await rename.getByLabel('Category name').fill('Projects');
  await rename.getByRole('button', { name: 'Save' }).click();
  await expect(rename).toBeHidden();
  await sidebar(ada.page).getByRole('button', { name: 'Create channel in Projects' }).click();
  const channelDialog = ada.page.getByRole('dialog', { name: 'Create a channel' });
  await channelDialog.getByLabel('Channel name').fill('plans');
  await channelDialog.getByRole('button', { name: 'Create' }).click();
  await expect
    .poll(() => listed(bob.page), LIVE)
    .toEqual(['[Text Channels]', 'general', '[Voice Channels]', 'General', '[Projects]', 'plans']);

  // Rename, topic, slowmode and NSFW in one save.
  await sidebar(ada.page).getByRole('button', { name: 'Edit channel plans' }).click();
  const edit = ada.page.getByRole('dialog', { name: 'Edit channel' });
  await edit.getByLabel('Channel name', { exact: true }).fill('Road Map');
  await edit.getByLabel('Topic').fill('Where we are going');
  await edit.getByLabel('Slowmode').selectOption({ label: '10 seconds' });
  await edit.getByLabel('Age-restricted channel (NSFW)').check();
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(edit.getByRole('status')).toHaveText('Saved');
  await axe(ada.page, 'edit channel');
  await shot(ada.page, 'channels-manage-edit-channel');
  await edit.getByRole('button', { name: 'Close' }).click();
  await expect(sidebar(bob.page).getByRole('button', { name: 'road-map', exact: true })).toBeVisible(LIVE);
  const [saved] = (await rest(
    ada,
    `channels?select=topic,slowmode_seconds,nsfw&name=eq.road-map`,
  )) as object[];
  expect(saved).toEqual({ topic: 'Where we are going', slowmode_seconds: 10, nsfw: true });

  // Keyboard drag: #road-map up four places, into Text Channels above #general.
  await keyboardMove(sidebar(ada.page).getByRole('button', { name: 'Move road-map' }), 'ArrowUp', 4);
  const afterKeyboard = [
    '[Text Channels]',
    'road-map',
    'general',
    '[Voice Channels]',
    'General',
    '[Projects]',
  ];
  await expect.poll(() => listed(ada.page), LIVE).toEqual(afterKeyboard);
  await expect.poll(() => listed(bob.page), LIVE).toEqual(afterKeyboard);

  // Pointer drag: the Projects category to the top (categories fold while one is dragged).
  const projects = sidebar(ada.page).getByRole('button', { name: 'Projects', exact: true });
  const from = await projects.boundingBox();
  if (!from) throw new Error('no Projects header');
  await ada.page.mouse.move(from.x + 20, from.y + from.height / 2);
  await ada.page.mouse.down();
  await ada.page.mouse.move(from.x + 20, from.y - 10, { steps: 3 });
  const target = await sidebar(ada.page)
    .getByRole('button', { name: 'Text Channels', exact: true })
    .boundingBox();
  if (!target) throw new Error('no Text Channels header');
  await ada.page.mouse.move(target.x + 20, target.y + 2, { steps: 8 });
  await ada.page.mouse.up();
  const afterPointer = [
    '[Projects]',
    '[Text Channels]',
    'road-map',
    'general',
    '[Voice Channels]',
    'General',
  ];
  await expect.poll(() => listed(bob.page), LIVE).toEqual(afterPointer);
  await shot(bob.page, 'channels-manage-member-sidebar');

  // Bob collapses Text Channels: the open channel stays, the others fold; kept after a reload and on another device.
  await sidebar(bob.page).getByRole('button', { name: 'Text Channels', exact: true }).click();
  const collapsed = ['[Projects]', '[Text Channels]', 'general', '[Voice Channels]', 'General'];
  await expect.poll(() => listed(bob.page)).toEqual(collapsed);
  await bob.page.reload();
  await expect(sidebar(bob.page).getByRole('button', { name: 'Text Channels', exact: true })).toHaveAttribute(
    'aria-expanded',
    'false',
  );
  await expect.poll(() => listed(bob.page)).toEqual(collapsed);
  const bobElsewhere = await signIn(browser, bob);
  await bobElsewhere.page.goto(`/#/channels/${guild.serverId}/${guild.channels.General}`);
  await expect
    .poll(() => listed(bobElsewhere.page))
    .toEqual(['[Projects]', '[Text Channels]', '[Voice Channels]', 'General']);
  await bobElsewhere.page.context().close();

  // Delete a channel: only once its name is typed.
  await sidebar(ada.page).getByRole('button', { name: 'Edit channel road-map' }).click();
  const del = ada.page.getByRole('dialog', { name: 'Edit channel' });
  const deleteButton = del.getByRole('button', { name: 'Delete channel' });
  await del.getByLabel('Type the channel name to confirm').fill('roadmap');
  await expect(deleteButton).toBeDisabled();
  await del.getByLabel('Type the channel name to confirm').fill('road-map');
  await deleteButton.click();
  await expect(del).toBeHidden();

  // Delete a category: its channel moves out, uncategorised, for everyone.
  await sidebar(ada.page).getByRole('button', { name: 'Edit category Voice Channels' }).click();
  const catEdit = ada.page.getByRole('dialog', { name: 'Edit category' });
  await expect(catEdit).toContainText('Its channel moves out of the category; no channel is deleted.');
  await axe(ada.page, 'edit category');
  await catEdit.getByRole('button', { name: 'Delete category' }).click();
  await catEdit.getByRole('button', { name: 'Delete Voice Channels' }).click();
  await expect(catEdit).toBeHidden();
  await expect
    .poll(() => listed(bob.page), LIVE)
    .toEqual(['General', '[Projects]', '[Text Channels]', 'general']);
  await shot(bob.page, 'channels-manage-after-deletes');
  expect([...ada.failures, ...bob.failures]).toEqual([]);
});

test('a moderator reorders roles below their own and sees why the others are locked', async ({ browser }) => {
  test.setTimeout(90_000);
  const ada = await signUp(browser, 'roleord');
  const bob = await signUp(browser, 'roleordbob');
  const guild = await createGuild(ada, 'Role Guild', [bob]);
  // The owner's new roles go on top: Senior, Mod, Helper, Junior.
  const role = async (name: string, permissions = 0n) =>
    (await rest(ada, 'rpc/create_role', {
      method: 'POST',
      body: { p_server_id: guild.serverId, p_name: name, p_permissions: Number(permissions), p_color: 0 },
    })) as string;
  await role('Junior');
  await role('Helper');
  const mod = await role('Mod', Permissions.MANAGE_ROLES);
  await role('Senior');
  const [bobProfile] = (await rest(bob, `profiles?select=id&username=eq.${bob.username}`)) as {
    id: string;
  }[];
  await rest(ada, 'rpc/assign_role', {
    method: 'POST',
    body: { p_server_id: guild.serverId, p_profile_id: bobProfile?.id, p_role_id: mod },
  });

  const openRoles = async (person: Person) => {
    await openChannel(person, guild, 'general');
    await person.page.getByRole('button', { name: 'Server settings' }).click();
    const dialog = person.page.getByRole('dialog', { name: 'Server settings' });
    await dialog.getByRole('tab', { name: 'Roles' }).click();
    return dialog;
  };
  const order = (dialog: Locator) =>
    dialog
      .getByRole('list', { name: 'Roles, highest first' })
      .getByRole('button', { name: /^(?!Move role)/ })
      .allTextContents();
  const adaRoles = await openRoles(ada);
  const bobRoles = await openRoles(bob);
  await expect
    .poll(() => order(bobRoles))
    .toEqual(['Senior (locked)', 'Mod (locked)', 'Helper', 'Junior', '@everyone']);

  // Why Bob cannot edit Senior and Mod; no handle to move them.
  await bobRoles.getByRole('button', { name: 'Senior (locked)' }).click();
  await expect(bobRoles).toContainText(
    'Senior is above your highest role, Mod. You can only edit roles below Mod.',
  );
  await bobRoles.getByRole('button', { name: 'Mod (locked)' }).click();
  await expect(bobRoles).toContainText('Mod is your highest role.');
  await expect(bobRoles.getByRole('button', { name: 'Move role Senior' })).toHaveCount(0);
  await shot(bob.page, 'channels-manage-roles-locked');

  // Junior above Helper with the keyboard: the owner's open editor follows live.
  await keyboardMove(bobRoles.getByRole('button', { name: 'Move role Junior' }), 'ArrowUp', 1);
  await expect.poll(() => order(adaRoles), LIVE).toEqual(['Senior', 'Mod', 'Junior', 'Helper', '@everyone']);
  // Above his own role: refused with a reason, nothing moves.
  await keyboardMove(bobRoles.getByRole('button', { name: 'Move role Junior' }), 'ArrowUp', 2);
  await expect(bobRoles.getByRole('alert')).toHaveText(
    'You can only move roles below your highest role, Mod.',
  );
  await expect
    .poll(() => order(bobRoles))
    .toEqual(['Senior (locked)', 'Mod (locked)', 'Junior', 'Helper', '@everyone']);
  // The owner moves anything: Helper to the top.
  await keyboardMove(adaRoles.getByRole('button', { name: 'Move role Helper' }), 'ArrowUp', 3);
  await expect
    .poll(() => order(bobRoles), LIVE)
    .toEqual(['Helper (locked)', 'Senior (locked)', 'Mod (locked)', 'Junior', '@everyone']);
  // Coming-later permissions sit apart.
  await expect(adaRoles.getByText('Coming later (18)')).toBeVisible();
  expect([...ada.failures, ...bob.failures]).toEqual([]);
});

import { MemberPopover } from './MemberCard.js';
import { ModerationDialogs } from './ModerationDialogs.js';

/** Member cards, their actions menu and the moderation dialogs, above the workspace. */
export function ModerationLayer() {
  return (
    <>
      <MemberPopover />
      <ModerationDialogs />
    </>
  );
}

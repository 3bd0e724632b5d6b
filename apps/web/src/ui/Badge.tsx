import { badgeText } from '../lib/notification-view.js';

/**
 * A red count. Drawn by CSS from a data attribute, so it is not text: the control it sits on
 * says the count in words (its description), and its name stays what it is labelled.
 */
export function Badge({ count }: { count: number }) {
  if (count <= 0) return null;
  return <span className="badge" aria-hidden="true" data-count={badgeText(count)} />;
}

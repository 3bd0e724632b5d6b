import { Bell } from 'lucide-react';
import { useEffect, useId, useRef, useState } from 'react';
import { stores, useNotifications, useProfiles } from '../app/stores.js';
import { describeError } from '../lib/errors.js';
import { describeNotification, notificationTarget, timeAgo, unreadCount } from '../lib/notification-view.js';
import { go } from '../lib/route.js';
import type { Notification } from '../lib/types.js';
import { profileName } from '../stores/social.js';
import { Badge } from '../ui/Badge.js';

function open(n: Notification) {
  if (!n.read_at)
    stores.notifications
      .getState()
      .markRead(n.id)
      .catch(() => undefined);
  const target = notificationTarget(n);
  if (!target) return;
  if (target.kind === 'friends') {
    stores.social.getState().setTab(target.tab);
    stores.social.getState().setFriendsOpen(true);
    go({ kind: 'dm', channelId: null });
  } else {
    go(target.route);
    if (n.channel_id && n.message_id) {
      stores.messages
        .getState()
        .jumpTo(n.channel_id, n.message_id)
        .catch(() => undefined);
    }
  }
}

/** The bell with the unread count; opens the notifications panel below it. */
export function NotificationsBell() {
  const unread = useNotifications((s) => unreadCount(s.items));
  const [expanded, setExpanded] = useState(false);
  const bell = useRef<HTMLButtonElement>(null);
  const wrapper = useRef<HTMLDivElement>(null);
  const panelId = useId();

  useEffect(() => {
    if (!expanded) return;
    const outside = (event: MouseEvent) => {
      if (!wrapper.current?.contains(event.target as Node)) setExpanded(false);
    };
    const onEscape = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && wrapper.current?.contains(document.activeElement)) {
        event.preventDefault();
        setExpanded(false);
        bell.current?.focus();
      }
    };
    document.addEventListener('mousedown', outside);
    document.addEventListener('keydown', onEscape);
    return () => {
      document.removeEventListener('mousedown', outside);
      document.removeEventListener('keydown', onEscape);
    };
  }, [expanded]);

  return (
    <div className="notifications-anchor" ref={wrapper}>
      <button
        ref={bell}
        type="button"
        className="bell icon-button"
        data-tooltip="Notifications"
        aria-expanded={expanded}
        aria-controls={expanded ? panelId : undefined}
        aria-label={unread > 0 ? `Notifications, ${unread} unread` : 'Notifications'}
        onClick={() => setExpanded((x) => !x)}
      >
        <Bell aria-hidden="true" size={18} />
        {unread > 0 && <Badge count={unread} />}
      </button>
      {expanded && <NotificationsPanel id={panelId} onNavigate={() => setExpanded(false)} />}
    </div>
  );
}

export function NotificationsPanel({ id, onNavigate }: { id?: string; onNavigate?(): void }) {
  const items = useNotifications((s) => s.items);
  const unread = unreadCount(items);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const actors = items.map((n) => n.actor_id).filter((a): a is string => Boolean(a));
    void stores.profiles.getState().ensure(actors);
  }, [items]);

  const markAll = async () => {
    setBusy(true);
    setError(null);
    try {
      await stores.notifications.getState().markAllRead();
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section id={id} className="notifications-panel" aria-label="Notifications">
      <header>
        <h3>Notifications</h3>
        <button type="button" disabled={busy || unread === 0} onClick={() => void markAll()}>
          Mark all read
        </button>
      </header>
      {error && (
        <p role="alert" className="form-error">
          {error}
        </p>
      )}
      {items.length === 0 ? (
        <p className="hint">You're all caught up.</p>
      ) : (
        <ul>
          {items.map((n) => (
            <NotificationRow
              key={n.id}
              notification={n}
              onOpen={() => {
                open(n);
                onNavigate?.();
              }}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

function NotificationRow({ notification: n, onOpen }: { notification: Notification; onOpen(): void }) {
  const actor = useProfiles((s) => (n.actor_id ? profileName(s.byId[n.actor_id]) : undefined));
  const text = describeNotification(n, actor ?? (n.actor_id ? 'Someone' : 'Harmony'));
  return (
    <li className={n.read_at ? 'read' : 'unread'}>
      <button type="button" className="notification-item" onClick={onOpen}>
        {!n.read_at && <span className="unread-dot" aria-hidden="true" />}
        <span className="notification-text">
          {text}
          {!n.read_at && <span className="sr-only"> (unread)</span>}
        </span>
        <time dateTime={n.created_at}>{timeAgo(n.created_at)}</time>
      </button>
    </li>
  );
}

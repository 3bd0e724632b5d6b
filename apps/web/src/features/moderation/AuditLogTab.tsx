import { useCallback, useEffect, useState } from 'react';
import { stores, useProfiles, useServers } from '../../app/stores.js';
import { ActionMessage, useAction } from '../../components/settings/action.js';
import type { MemberWithProfile } from '../../stores/servers.js';
import { profileName } from '../../stores/social.js';
import { AUDIT_ACTIONS, type AuditNames, auditChanges, describeAudit } from './audit-text.js';
import { memberName } from './MemberCard.js';
import { type AuditAction, type AuditEntry, moderation } from './moderation-api.js';
import './moderation.css';

const PAGE = 25;
const NO_MEMBERS: MemberWithProfile[] = [];

/** The server's audit log: newest first, filtered by action and by who acted, a page at a time. */
export function AuditLogTab({ serverId }: { serverId: string }) {
  const [action, setAction] = useState<AuditAction | ''>('');
  const [actorId, setActorId] = useState('');
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [more, setMore] = useState(false);
  const load = useAction();
  const members = useServers((s) => s.details[serverId]?.members) ?? NO_MEMBERS;

  const fetchPage = useCallback(
    async (beforeId: number | null) => {
      const page = await moderation.auditLog(
        serverId,
        { action: action || undefined, actorId: actorId || undefined, beforeId },
        PAGE,
      );
      const ids = page.flatMap((e) => {
        const changes = (e.changes ?? {}) as Record<string, unknown>;
        return [e.actor_id, e.target_id, typeof changes.author_id === 'string' ? changes.author_id : null];
      });
      await stores.profiles.getState().ensure(ids.filter((id): id is string => Boolean(id)));
      setEntries((previous) => (beforeId === null ? page : [...(previous ?? []), ...page]));
      setMore(page.length === PAGE);
    },
    [serverId, action, actorId],
  );

  useEffect(() => {
    setEntries(null);
    void load.run(() => fetchPage(null));
  }, [fetchPage, load.run]);

  const last = entries?.at(-1)?.id ?? null;

  return (
    <section aria-label="Audit log" className="settings-section">
      <div className="audit-filters">
        <label>
          Action
          <select value={action} onChange={(e) => setAction(e.target.value as AuditAction | '')}>
            <option value="">All actions</option>
            {AUDIT_ACTIONS.map((a) => (
              <option key={a.value} value={a.value}>
                {a.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          By
          <select value={actorId} onChange={(e) => setActorId(e.target.value)}>
            <option value="">Anyone</option>
            {[...members]
              .sort((a, b) => memberName(a).localeCompare(memberName(b)))
              .map((m) => (
                <option key={m.profile_id} value={m.profile_id}>
                  {memberName(m)}
                </option>
              ))}
          </select>
        </label>
      </div>
      <ActionMessage error={load.error} />
      {entries?.length === 0 && <p className="hint">Nothing matches.</p>}
      <ul className="audit-list" aria-busy={load.busy}>
        {entries?.map((entry) => (
          <AuditRow key={entry.id} serverId={serverId} entry={entry} />
        ))}
      </ul>
      {more && last !== null && (
        <button type="button" disabled={load.busy} onClick={() => void load.run(() => fetchPage(last))}>
          Load older entries
        </button>
      )}
    </section>
  );
}

function useAuditNames(serverId: string): AuditNames {
  const detail = useServers((s) => s.details[serverId]);
  const profiles = useProfiles((s) => s.byId);
  return {
    profile: (id) => {
      const member = detail?.members.find((m) => m.profile_id === id);
      return member ? memberName(member) : (profileName(profiles[id]) ?? undefined);
    },
    channel: (id) => detail?.channels.find((c) => c.id === id)?.name ?? undefined,
    role: (id) => detail?.roles.find((r) => r.id === id)?.name,
    category: (id) => detail?.categories.find((c) => c.id === id)?.name,
  };
}

function AuditRow({ serverId, entry }: { serverId: string; entry: AuditEntry }) {
  const names = useAuditNames(serverId);
  const changes = auditChanges(entry, names);
  const time = new Date(entry.created_at);
  return (
    <li className="audit-entry">
      <span>{describeAudit(entry, names)}</span>
      {entry.reason && <span className="hint">Reason: {entry.reason}</span>}
      {changes.length > 0 && (
        <ul className="audit-changes" aria-label="Changes">
          {changes.map((c) => (
            <li key={c.field}>
              {c.field}:{' '}
              {c.summary ?? (
                <>
                  <del>{c.before}</del> → <ins>{c.after}</ins>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      <time dateTime={entry.created_at}>{time.toLocaleString()}</time>
    </li>
  );
}

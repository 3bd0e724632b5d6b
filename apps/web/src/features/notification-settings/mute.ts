/** Mute lengths offered, as Discord offers them; null = until turned off. */
export const MUTE_CHOICES = [
  { label: 'For 15 minutes', ms: 15 * 60_000 },
  { label: 'For 1 hour', ms: 3_600_000 },
  { label: 'For 8 hours', ms: 8 * 3_600_000 },
  { label: 'For 24 hours', ms: 24 * 3_600_000 },
  { label: 'Until I turn it back on', ms: null },
] as const;

/** The muted_until value for a choice: 'infinity' (PostgreSQL's) when it has no end. */
export function muteUntil(ms: number | null, now = Date.now()): string {
  return ms === null ? 'infinity' : new Date(now + ms).toISOString();
}

/** "Muted until 14:30" / "… until you turn it back on". */
export function describeMute(mutedUntil: string): string {
  if (mutedUntil === 'infinity') return 'Muted until you turn it back on.';
  const until = new Date(mutedUntil);
  const sameDay = until.toDateString() === new Date().toDateString();
  const time = until.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return `Muted until ${sameDay ? time : `${until.toLocaleDateString()} ${time}`}.`;
}

export const LEVEL_LABELS = {
  all: 'All messages',
  mentions: 'Only @mentions',
  nothing: 'Nothing',
} as const;

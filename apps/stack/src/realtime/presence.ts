import { randomBytes } from 'node:crypto';

/** One tracked presence: the client's payload plus Phoenix's reference for it. */
export type PresenceMeta = Record<string, unknown> & { phx_ref: string; phx_ref_prev?: string };

export type PresenceGroup = Record<string, { metas: PresenceMeta[] }>;

export interface PresenceDiff {
  joins: PresenceGroup;
  leaves: PresenceGroup;
}

const newRef = () => randomBytes(9).toString('base64url');

/**
 * Phoenix Presence for one topic: every key (a user, usually) holds one meta per channel
 * that tracked it. Changes come back as the `presence_diff` Phoenix would broadcast.
 */
export class PresenceTopic {
  /** key -> tracking channel -> meta */
  private readonly entries = new Map<string, Map<object, PresenceMeta>>();

  get isEmpty(): boolean {
    return this.entries.size === 0;
  }

  state(): PresenceGroup {
    const out: PresenceGroup = {};
    for (const [key, metas] of this.entries) out[key] = { metas: [...metas.values()] };
    return out;
  }

  /** Tracks (or re-tracks, replacing the meta) `owner` under `key`. */
  track(owner: object, key: string, payload: Record<string, unknown>): PresenceDiff {
    let metas = this.entries.get(key);
    if (!metas) {
      metas = new Map();
      this.entries.set(key, metas);
    }
    const previous = metas.get(owner);
    const meta: PresenceMeta = { ...payload, phx_ref: newRef() };
    if (previous) meta.phx_ref_prev = previous.phx_ref;
    metas.set(owner, meta);
    return {
      joins: { [key]: { metas: [meta] } },
      leaves: previous ? { [key]: { metas: [previous] } } : {},
    };
  }

  untrack(owner: object, key: string): PresenceDiff | null {
    const metas = this.entries.get(key);
    const previous = metas?.get(owner);
    if (!metas || !previous) return null;
    metas.delete(owner);
    if (!metas.size) this.entries.delete(key);
    return { joins: {}, leaves: { [key]: { metas: [previous] } } };
  }
}

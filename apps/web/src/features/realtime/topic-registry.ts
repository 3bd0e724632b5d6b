import type { RealtimeChannel } from '@supabase/supabase-js';
import type { HarmonyClient } from '../../lib/supabase.js';

/**
 * The topics joined on one socket, by key. supabase-js hands out the existing channel of a topic
 * until its removal finishes, so a topic being closed is reopened only after that.
 */
export class TopicRegistry {
  private readonly channels = new Map<string, RealtimeChannel>();
  /** Topics the app wants live, and removals still under way. */
  private readonly wanted = new Set<string>();
  private readonly closing = new Map<string, Promise<unknown>>();

  constructor(private readonly client: HarmonyClient) {}

  get(key: string): RealtimeChannel | undefined {
    return this.channels.get(key);
  }

  /** The joined channels whose key starts with `prefix`. */
  withPrefix(prefix: string): RealtimeChannel[] {
    return [...this.channels.entries()].filter(([key]) => key.startsWith(prefix)).map(([, c]) => c);
  }

  /** Subscribes a topic unless it already is. */
  open(key: string, subscribe: () => RealtimeChannel): void {
    this.wanted.add(key);
    if (this.channels.has(key)) return;
    const closing = this.closing.get(key);
    if (closing) {
      void closing.then(() => {
        if (this.wanted.has(key)) this.open(key, subscribe);
      });
      return;
    }
    this.channels.set(key, subscribe());
  }

  remove(key: string): Promise<unknown> {
    this.wanted.delete(key);
    return this.close(key);
  }

  /** Closes a topic the app still wants (to join it again differently). */
  close(key: string): Promise<unknown> {
    const channel = this.channels.get(key);
    if (!channel) return this.closing.get(key) ?? Promise.resolve();
    this.channels.delete(key);
    const done = this.client.removeChannel(channel).finally(() => {
      if (this.closing.get(key) === done) this.closing.delete(key);
    });
    this.closing.set(key, done);
    return done;
  }

  /**
   * A topic the server closed (the user lost access to it) is forgotten, so that opening it
   * again joins anew.
   */
  closedByServer(key: string, channel: RealtimeChannel): void {
    if (this.channels.get(key) === channel) this.channels.delete(key);
  }

  /** Leaves every topic. */
  async clear(): Promise<void> {
    const all = [...this.channels.values()];
    this.channels.clear();
    this.wanted.clear();
    await Promise.all(all.map((c) => this.client.removeChannel(c)));
  }
}

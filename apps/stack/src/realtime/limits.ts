/**
 * Per-socket limits, with Supabase Realtime's tenant defaults. Mutable at runtime (tests
 * lower them through the running service).
 */
export interface RealtimeLimits {
  /** TENANT_MAX_CHANNELS_PER_CLIENT: channels one socket may have joined at once. */
  maxChannelsPerClient: number;
  /** TENANT_MAX_JOINS_PER_SECOND: joins one socket may make per second. */
  maxJoinsPerSecond: number;
  /** max_payload_size_in_kb: broadcast and presence payloads. */
  maxPayloadBytes: number;
  /** Messages one socket may send per second before they are refused. */
  maxEventsPerSecond: number;
  /** CLIENT_PRESENCE_MAX_CALLS per CLIENT_PRESENCE_WINDOW_MS, per channel. */
  maxPresenceCalls: number;
  presenceWindowMs: number;
  /** Largest WebSocket frame accepted at all. */
  maxFrameBytes: number;
  /** A socket that sends nothing (not even heartbeats) for this long is closed. */
  idleTimeoutMs: number;
  /** Malformed frames tolerated before the socket is closed. */
  maxBadFrames: number;
}

/** A positive number from the environment, or the fallback. */
export const int = (value: string | undefined, fallback: number) => {
  const n = Number(value);
  return value !== undefined && Number.isFinite(n) && n > 0 ? n : fallback;
};

export function loadLimits(env: NodeJS.ProcessEnv = process.env): RealtimeLimits {
  return {
    maxChannelsPerClient: int(env.TENANT_MAX_CHANNELS_PER_CLIENT, 100),
    maxJoinsPerSecond: int(env.TENANT_MAX_JOINS_PER_SECOND, 100),
    maxPayloadBytes: int(env.REALTIME_MAX_PAYLOAD_SIZE_IN_KB, 3000) * 1000 + 500,
    maxEventsPerSecond: int(env.TENANT_MAX_EVENTS_PER_SECOND, 1000),
    maxPresenceCalls: int(env.CLIENT_PRESENCE_MAX_CALLS, 5),
    presenceWindowMs: int(env.CLIENT_PRESENCE_WINDOW_MS, 30_000),
    maxFrameBytes: int(env.REALTIME_MAX_FRAME_BYTES, 8 * 1024 * 1024),
    idleTimeoutMs: int(env.REALTIME_IDLE_TIMEOUT_MS, 60_000),
    maxBadFrames: int(env.REALTIME_MAX_BAD_FRAMES, 100),
  };
}

/** Counts events in fixed windows; `take()` says whether one more fits. */
export class WindowCounter {
  private windowStart = 0;
  private count = 0;

  constructor(private readonly windowMs: number) {}

  take(limit: number, now = Date.now()): boolean {
    if (now - this.windowStart >= this.windowMs) {
      this.windowStart = now;
      this.count = 0;
    }
    if (this.count >= limit) return false;
    this.count++;
    return true;
  }
}

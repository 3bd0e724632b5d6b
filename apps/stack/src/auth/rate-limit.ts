import type { RateLimit } from './config.js';
import { AuthApiError } from './errors.js';

/**
 * In-memory token buckets keyed by IP or email: `limit` tokens, refilled evenly over
 * `windowSeconds`. Per process, like GoTrue's own limiter; a limit of 0 disables it.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly rate: RateLimit,
    private readonly now = () => Date.now(),
  ) {}

  /** Takes one token for `key`; false when the bucket is empty. */
  take(key: string): boolean {
    const { limit, windowSeconds } = this.rate;
    if (limit <= 0) return true;
    const now = this.now();
    const perMs = limit / (windowSeconds * 1000);
    const bucket = this.buckets.get(key) ?? { tokens: limit, at: now };
    bucket.tokens = Math.min(limit, bucket.tokens + (now - bucket.at) * perMs);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (this.buckets.size > 10_000) this.prune(now, perMs);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Throws 429 over_request_rate_limit when any of `keys` is exhausted. */
  check(...keys: string[]): void {
    // Every key is charged so one busy key cannot hide another.
    const ok = keys.map((key) => this.take(key)).every(Boolean);
    if (!ok) throw new AuthApiError(429, 'over_request_rate_limit', 'Request rate limit reached');
  }

  /** Forgets buckets that have refilled completely. */
  private prune(now: number, perMs: number) {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.at) * perMs >= this.rate.limit) this.buckets.delete(key);
    }
  }
}

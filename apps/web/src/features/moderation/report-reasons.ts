import type { ReportReason } from './moderation-api.js';

/** The reasons a report offers, in the order shown (report_reason in SQL). */
export const REPORT_REASONS: { value: ReportReason; label: string }[] = [
  { value: 'spam', label: 'Spam or scam' },
  { value: 'harassment', label: 'Harassment or bullying' },
  { value: 'hate', label: 'Hate speech' },
  { value: 'sexual_content', label: 'Sexual or explicit content' },
  { value: 'violence', label: 'Violence or threats' },
  { value: 'self_harm', label: 'Self-harm' },
  { value: 'impersonation', label: 'Impersonation' },
  { value: 'other', label: 'Something else' },
];

export const reasonLabel = (reason: ReportReason) =>
  REPORT_REASONS.find((r) => r.value === reason)?.label ?? reason;

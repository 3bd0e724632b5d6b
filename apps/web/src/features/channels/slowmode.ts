/** Discord's slowmode choices (the database allows 0 to 6 hours). */
export const SLOWMODE_CHOICES: { seconds: number; label: string }[] = [
  { seconds: 0, label: 'Off' },
  { seconds: 5, label: '5 seconds' },
  { seconds: 10, label: '10 seconds' },
  { seconds: 15, label: '15 seconds' },
  { seconds: 30, label: '30 seconds' },
  { seconds: 60, label: '1 minute' },
  { seconds: 120, label: '2 minutes' },
  { seconds: 300, label: '5 minutes' },
  { seconds: 600, label: '10 minutes' },
  { seconds: 900, label: '15 minutes' },
  { seconds: 1800, label: '30 minutes' },
  { seconds: 3600, label: '1 hour' },
  { seconds: 7200, label: '2 hours' },
  { seconds: 21600, label: '6 hours' },
];

/** "Off", "5 minutes", or "45 seconds" for a value set outside the choices. */
export function slowmodeLabel(seconds: number): string {
  return SLOWMODE_CHOICES.find((c) => c.seconds === seconds)?.label ?? `${seconds} seconds`;
}

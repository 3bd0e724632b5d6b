export type CaptureDevice = 'microphone' | 'camera' | 'screen';

const NAMES: Record<CaptureDevice, string> = {
  microphone: 'Microphone',
  camera: 'Camera',
  screen: 'Screen sharing',
};

/**
 * A getUserMedia/getDisplayMedia failure as a sentence that says how to fix it, or null when
 * the error is not about the device (the caller words those).
 */
export function captureErrorMessage(error: unknown, device: CaptureDevice): string | null {
  const name = (error as { name?: string } | null)?.name;
  const what = NAMES[device];
  if (device === 'screen' && name === 'NotAllowedError') return null; // Cancelled the picker: nothing to say.
  if (name === 'NotAllowedError' || name === 'SecurityError')
    return `${what} access is blocked. Click the icon at the left of the address bar, allow the ${device === 'screen' ? 'screen' : device} for this site, then try again.`;
  if (name === 'NotFoundError' || name === 'OverconstrainedError')
    return `No ${device} was found. Plug one in, or choose another in your browser or system settings, then try again.`;
  if (name === 'NotReadableError' || name === 'AbortError')
    return `The ${device} is in use by another application or could not start. Close the other app and try again.`;
  return null;
}

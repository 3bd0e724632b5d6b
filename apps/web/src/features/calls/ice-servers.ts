/**
 * STUN/TURN servers for peer-to-peer calls, from the build's VITE_ICE_SERVERS: a JSON array of
 * RTCIceServer, e.g. `[{"urls":"stun:stun.example.org:3478"},{"urls":"turn:turn.example.org:3478",
 * "username":"u","credential":"p"}]` (docs-source/voice.md). None by default: on one machine or
 * one LAN, host candidates connect; across NATs people need at least STUN, behind strict
 * firewalls TURN.
 */
export function iceServers(raw: string | undefined = import.meta.env.VITE_ICE_SERVERS): RTCIceServer[] {
  if (!raw) return [];
  try {
    const parsed = JSON.parse(raw) as unknown;
    return Array.isArray(parsed) ? (parsed as RTCIceServer[]).filter((s) => s && 'urls' in s) : [];
  } catch {
    console.warn('VITE_ICE_SERVERS is not a JSON array of ICE servers: calls use none');
    return [];
  }
}

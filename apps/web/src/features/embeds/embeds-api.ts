import { client } from '../../app/stores.js';

// suppress_message_embeds and user_settings.show_link_previews are newer than the generated
// database types (regenerated at release): typed here, at their one place of use.
type Result = PromiseLike<{ data: unknown; error: unknown }>;
type UntypedRpc = (fn: string, args: Record<string, unknown>) => Result;
interface UntypedUpdate {
  update(values: object): { eq(column: string, value: string): Result };
}

/** Removes the message's link previews for good (its author only; the database checks). */
export async function suppressEmbeds(messageId: string): Promise<void> {
  const { error } = await (client.rpc as unknown as UntypedRpc)('suppress_message_embeds', {
    p_message_id: messageId,
  });
  if (error) throw error;
}

export async function loadShowPreviews(profileId: string): Promise<boolean> {
  const { data, error } = await client
    .from('user_settings')
    .select('*')
    .eq('profile_id', profileId)
    .maybeSingle();
  if (error) throw error;
  return (data as { show_link_previews?: boolean } | null)?.show_link_previews ?? true;
}

export async function saveShowPreviews(profileId: string, show: boolean): Promise<void> {
  const settings = client.from('user_settings') as unknown as UntypedUpdate;
  const { error } = await settings.update({ show_link_previews: show }).eq('profile_id', profileId);
  if (error) throw error;
}

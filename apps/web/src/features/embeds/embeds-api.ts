import { client } from '../../app/stores.js';

/** Removes the message's link previews for good (its author only; the database checks). */
export async function suppressEmbeds(messageId: string): Promise<void> {
  const { error } = await client.rpc('suppress_message_embeds', { p_message_id: messageId });
  if (error) throw error;
}

export async function loadShowPreviews(profileId: string): Promise<boolean> {
  const { data, error } = await client
    .from('user_settings')
    .select('*')
    .eq('profile_id', profileId)
    .maybeSingle();
  if (error) throw error;
  return data?.show_link_previews ?? true;
}

export async function saveShowPreviews(profileId: string, show: boolean): Promise<void> {
  const { error } = await client
    .from('user_settings')
    .update({ show_link_previews: show })
    .eq('profile_id', profileId);
  if (error) throw error;
}

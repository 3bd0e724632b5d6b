import type { Federation, InboxContext } from '@fedify/fedify';
import {
  Accept,
  type Announce,
  Collection,
  Create,
  Delete,
  Follow,
  Note,
  Reject,
  type Undo,
  Update,
} from '@fedify/vocab';
import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { NOTES_PATH } from './actors.js';
import { noteHtmlToText, textToNoteHtml } from './content.js';
import { queueDelivery } from './delivery.js';
import { type InboxDeps, localUserOf, senderOf } from './inbox.js';
import type { CachedActor, RemoteActors } from './remote.js';

/**
 * Public servers across instances (see docs-source/federation.md). The owning instance serves
 * a federated server's Group with its public channels, takes Follows (membership) and Notes
 * addressed to the Group, and relays what happens in those channels with Announce. The joining
 * instance keeps a read-only mirror that the Group's relays fill.
 */

/** Our Follows of remote Groups: JOINS_PATH + the remote_server_joins row id. */
export const JOINS_PATH = '/ap/joins/';
/** A channel of a federated server, named in a Note's `context`: CHANNELS_PATH + channel id. */
export const CHANNELS_PATH = '/ap/channels/';
/** The Group's public channels: an OrderedCollection of Collections (id, name, summary = topic). */
export const SERVER_CHANNELS_PATH = '/ap/actors/{identifier}/channels';
const SERVER_CHANNELS = 'server-channels';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface MirrorChannel {
  uri: string;
  name: string;
  topic: string | null;
  position: number;
}

/** A channel as its Group lists it, with its latest Notes. */
interface GroupChannel extends MirrorChannel {
  notes: Note[];
}

/** Messages of each public channel a joining instance gets with the channel list. */
const HISTORY_PER_CHANNEL = 20;

export function registerServerChannels(federation: Federation<void>, db: Database): void {
  federation.setCollectionDispatcher(
    SERVER_CHANNELS,
    Collection,
    SERVER_CHANNELS_PATH,
    async (ctx, { identifier }) => {
      if (!UUID.test(identifier)) return null;
      const result = await db.execute<{ id: string; name: string; topic: string | null }>(
        sql`select id, name, topic from private.federated_server_channels(${identifier}::uuid)`,
      );
      if (result.rows.length === 0) return null;
      const group = ctx.getActorUri(identifier);
      const items = [];
      for (const row of result.rows) {
        const channel = new URL(`${CHANNELS_PATH}${row.id}`, ctx.origin);
        const history = await db.execute<{
          message_id: string;
          author_id: string;
          author_actor_uri: string | null;
          object_uri: string | null;
          content: string;
        }>(sql`select * from private.federated_channel_history(${row.id}::uuid, ${HISTORY_PER_CHANNEL})`);
        items.push(
          new Collection({
            id: channel,
            name: row.name,
            summary: row.topic,
            items: history.rows.map((message) =>
              channelNote({
                id: new URL(message.object_uri ?? `${NOTES_PATH}${message.message_id}`, ctx.origin),
                author: message.author_actor_uri
                  ? new URL(message.author_actor_uri)
                  : ctx.getActorUri(message.author_id),
                group,
                channel,
                content: message.content,
              }),
            ),
          }),
        );
      }
      return { items };
    },
  );
}

/** The Note a member's message in a server channel travels as. */
export function channelNote(options: {
  id: URL;
  author: URL;
  group: URL;
  channel: URL;
  content: string;
}): Note {
  return new Note({
    id: options.id,
    attribution: options.author,
    to: options.group,
    contexts: [options.channel],
    content: textToNoteHtml(options.content),
  });
}

/** A server of this instance an actor URI names, if any. */
async function localServerOf(ctx: InboxContext<void>, db: Database, uri: URL | null): Promise<string | null> {
  const id = localUserOf(ctx, uri);
  if (!id || !UUID.test(id)) return null;
  const result = await db.execute(sql`select 1 from public.servers where id = ${id}::uuid`);
  return result.rows.length > 0 ? id : null;
}

async function scalar<T>(db: Database, query: ReturnType<typeof sql>): Promise<T | null> {
  const result = await db.execute<{ value: T | null }>(query);
  return result.rows[0]?.value ?? null;
}

// == the owning instance ==

/** A Follow of a server's Group: membership, answered Accept or Reject by the Group. */
export async function groupFollow(
  ctx: InboxContext<void>,
  deps: InboxDeps,
  follow: Follow,
): Promise<boolean> {
  const serverId = await localServerOf(ctx, deps.db, follow.objectId);
  if (!serverId) return false;
  const sender = await senderOf(deps, follow);
  if (!sender || !follow.id) return true;
  const joined = await scalar<boolean>(
    deps.db,
    sql`select private.receive_group_follow(${serverId}::uuid, ${sender.profileId}::uuid) as value`,
  );
  const group = ctx.getActorUri(serverId);
  const Answer = joined ? Accept : Reject;
  await queueDelivery(
    deps.db,
    serverId,
    new Answer({
      id: new URL(`#${joined ? 'accept' : 'reject'}/${crypto.randomUUID()}`, group),
      actor: group,
      object: new Follow({ id: follow.id, actor: follow.actorId, object: group }),
      to: follow.actorId,
    }),
    [sender],
  );
  return true;
}

/** Undo(Follow) of a server's Group, by the follower: they leave the server. */
export async function groupUndo(ctx: InboxContext<void>, deps: InboxDeps, undo: Undo): Promise<boolean> {
  const object = await undo.getObject({ crossOrigin: 'ignore' }).catch(() => null);
  if (!(object instanceof Follow)) return false;
  const serverId = await localServerOf(ctx, deps.db, object.objectId);
  if (!serverId) return false;
  const sender = await senderOf(deps, undo);
  if (!sender || object.actorId?.href !== sender.actorUri) return true;
  await deps.db.execute(
    sql`select private.receive_group_unfollow(${serverId}::uuid, ${sender.profileId}::uuid)`,
  );
  return true;
}

/**
 * A member's Note to a Group, for one of its channels (the Note's context). Stored only when
 * the database finds that member may post there; written by the sender, on their instance.
 */
export async function groupCreate(
  ctx: InboxContext<void>,
  deps: InboxDeps,
  create: Create,
): Promise<boolean> {
  const note = await create.getObject({ crossOrigin: 'ignore' }).catch(() => null);
  if (!(note instanceof Note) || !note.id) return false;
  const channelId = localChannelOf(ctx, note.contextIds[0]);
  if (!channelId) return false;
  const sender = await senderOf(deps, create);
  if (
    !sender ||
    note.attributionId?.href !== sender.actorUri ||
    note.id.origin !== new URL(sender.actorUri).origin
  )
    return true;
  // A Note to a Group names it among its first few recipients.
  for (const uri of [...note.toIds, ...note.ccIds].slice(0, 5)) {
    const serverId = await localServerOf(ctx, deps.db, uri);
    if (!serverId) continue;
    const stored = await scalar<string>(
      deps.db,
      sql`select private.receive_group_note(${note.id.href}, ${serverId}::uuid, ${channelId}::uuid,
            ${sender.profileId}::uuid, ${noteHtmlToText(note.content?.toString() ?? '')}) as value`,
    );
    if (!stored && create.id) await refuseNote(ctx, deps, serverId, sender, create.id);
    break;
  }
  return true;
}

/** A member's edit of their Note in one of our channels: taken while they may still post there. */
export async function groupUpdate(
  ctx: InboxContext<void>,
  deps: InboxDeps,
  update: Update,
): Promise<boolean> {
  const note = await update.getObject({ crossOrigin: 'ignore' }).catch(() => null);
  if (!(note instanceof Note) || !note.id || !localChannelOf(ctx, note.contextIds[0])) return false;
  const sender = await senderOf(deps, update);
  if (!sender || note.attributionId?.href !== sender.actorUri) return true;
  await deps.db.execute(
    sql`select private.receive_group_note_update(${note.id.href}, ${sender.profileId}::uuid,
          ${noteHtmlToText(note.content?.toString() ?? '')})`,
  );
  return true;
}

/** A member's Note the server did not take (timed out, no SEND_MESSAGES): the Group says so. */
async function refuseNote(
  ctx: InboxContext<void>,
  deps: InboxDeps,
  serverId: string,
  sender: CachedActor,
  createId: URL,
): Promise<void> {
  const member = await scalar<boolean>(
    deps.db,
    sql`select private.is_group_member(${serverId}::uuid, ${sender.profileId}::uuid) as value`,
  );
  if (!member) return;
  const group = ctx.getActorUri(serverId);
  await queueDelivery(
    deps.db,
    serverId,
    new Reject({
      id: new URL(`#refused/${crypto.randomUUID()}`, group),
      actor: group,
      object: createId,
      to: new URL(sender.actorUri),
    }),
    [sender],
  );
}

function localChannelOf(ctx: InboxContext<void>, uri: URL | undefined): string | null {
  if (!uri || uri.origin !== new URL(ctx.origin).origin || !uri.pathname.startsWith(CHANNELS_PATH))
    return null;
  const id = uri.pathname.slice(CHANNELS_PATH.length);
  return UUID.test(id) ? id : null;
}

// == the joining instance ==

/**
 * A Group's answer to one of our users: Accept of a join makes them a member of the mirror;
 * Reject (refused, kicked, banned) takes them out. False when it is not about a mirror.
 */
export async function groupAnswer(
  ctx: InboxContext<void>,
  deps: InboxDeps,
  answer: Accept | Reject,
  accepted: boolean,
): Promise<boolean> {
  const sender = await senderOf(deps, answer);
  if (!sender) return false;
  const isJoin = answer.objectId?.href.startsWith(new URL(JOINS_PATH, ctx.origin).href) ?? false;
  if (accepted) {
    if (!isJoin) return false;
    await deps.db.execute(
      sql`select private.receive_group_accept(${answer.objectId?.href}, ${sender.profileId}::uuid)`,
    );
    return true;
  }
  // A Note of ours the Group refused: it leaves the mirror (the database checks the mirror).
  const refused = answer.objectId ? localMessageOf(ctx, answer.objectId) : null;
  if (refused) {
    await deps.db.execute(
      sql`select private.receive_group_relay_delete(${sender.profileId}::uuid, ${answer.objectId?.href}, ${refused}::uuid)`,
    );
    return true;
  }
  // The Group names the Follow it ends; it can only end its own (the database checks the mirror).
  const follow = await answer.getObject({ crossOrigin: 'trust' }).catch(() => null);
  if (!(follow instanceof Follow) || follow.objectId?.href !== sender.actorUri) return isJoin;
  const member = localUserOf(ctx, follow.actorId);
  if (!member || !UUID.test(member)) return isJoin;
  const removed = await scalar<boolean>(
    deps.db,
    sql`select private.receive_group_reject(${sender.profileId}::uuid, ${member}::uuid) as value`,
  );
  return isJoin || removed === true;
}

/**
 * What a Group relays (Announce of a member's Create, Update or Delete) into its mirror here.
 * Taken only from the Group the mirror belongs to: the database matches the sender's profile.
 */
export async function groupAnnounce(
  ctx: InboxContext<void>,
  deps: InboxDeps,
  announce: Announce,
): Promise<void> {
  const group = await senderOf(deps, announce);
  if (!group) return;
  // The Group is the authority on what was posted in its channels: its embedded activities
  // are taken as it sends them.
  const activity = await announce.getObject({ crossOrigin: 'trust' }).catch(() => null);
  if (activity instanceof Delete) {
    const objectId = activity.objectId;
    if (!objectId) return;
    await deps.db.execute(
      sql`select private.receive_group_relay_delete(${group.profileId}::uuid, ${objectId.href},
            ${localMessageOf(ctx, objectId)}::uuid)`,
    );
    return;
  }
  if (!(activity instanceof Create) && !(activity instanceof Update)) return;
  const note = await activity.getObject({ crossOrigin: 'trust' }).catch(() => null);
  if (!(note instanceof Note) || !note.id) return;
  const text = noteHtmlToText(note.content?.toString() ?? '');
  const localId = localMessageOf(ctx, note.id);
  if (activity instanceof Update) {
    await deps.db.execute(
      sql`select private.receive_group_relay_update(${group.profileId}::uuid, ${note.id.href}, ${localId}::uuid, ${text})`,
    );
    return;
  }
  const channel = note.contextIds[0];
  if (!channel) return;
  let authorId: string | null = null;
  if (!localId && note.attributionId && !isOurs(ctx, note.attributionId)) {
    const author = await deps.remote.get(note.attributionId.href).catch(() => null);
    authorId = author?.profileId ?? null;
  }
  const store = () =>
    scalar<string>(
      deps.db,
      sql`select private.receive_group_relay_note(${group.profileId}::uuid, ${channel.href}, ${note.id?.href},
            ${localId}::uuid, ${authorId}::uuid, ${text}) as value`,
    );
  if ((await store()) || localId || !authorId) return;
  // A channel made after the mirror was: fetch the Group's channels again, then store.
  const mirror = await scalar<string>(
    deps.db,
    sql`select server_id as value from private.remote_servers where group_profile_id = ${group.profileId}::uuid`,
  );
  if (!mirror) return;
  await syncMirror(ctx, deps, { groupUri: group.actorUri, groupProfileId: group.profileId });
  await store();
}

function isOurs(ctx: { origin: string }, uri: URL): boolean {
  return uri.origin === new URL(ctx.origin).origin;
}

/** Our own message a Note id names (NOTES_PATH on this origin), if it is one. */
function localMessageOf(ctx: { origin: string }, uri: URL): string | null {
  const notes = new URL(NOTES_PATH, ctx.origin);
  if (uri.origin !== notes.origin || !uri.pathname.startsWith(notes.pathname)) return null;
  const id = uri.pathname.slice(notes.pathname.length);
  return UUID.test(id) ? id : null;
}

/** A Group's public channels with their latest Notes, fetched from its instance (through the guard). */
async function fetchGroupChannels(
  ctx: { lookupObject(uri: string): Promise<unknown> },
  groupUri: string,
): Promise<GroupChannel[]> {
  const collection = await ctx.lookupObject(`${groupUri}/channels`);
  if (!(collection instanceof Collection)) return [];
  const channels: GroupChannel[] = [];
  for await (const item of collection.getItems({ crossOrigin: 'ignore' })) {
    if (!(item instanceof Collection) || !item.id) continue;
    const notes: Note[] = [];
    // The Group is the authority on its channels' messages, wherever their authors live.
    for await (const note of item.getItems({ crossOrigin: 'trust' }))
      if (note instanceof Note) notes.push(note);
    channels.push({
      uri: item.id.href,
      name: item.name?.toString() ?? 'channel',
      topic: item.summary?.toString() ?? null,
      position: channels.length,
      notes,
    });
  }
  return channels;
}

/**
 * Makes or refreshes the mirror of a Group (its name, icon and channels) and fills its channels
 * with their latest messages (stored once each). Returns the mirror.
 */
export async function syncMirror(
  ctx: { origin: string; lookupObject(uri: string): Promise<unknown> },
  deps: { db: Database; remote: RemoteActors },
  group: {
    groupUri: string;
    groupProfileId: string;
    name?: string | null;
    iconUrl?: string | null;
    joinId?: string;
    followUri?: string;
  },
): Promise<string | null> {
  const channels = await fetchGroupChannels(ctx, group.groupUri);
  const listed: MirrorChannel[] = channels.map(({ notes: _notes, ...channel }) => channel);
  const mirror = await scalar<string>(
    deps.db,
    sql`select private.sync_remote_server(${group.joinId ?? null}::uuid, ${group.groupUri},
          ${group.groupProfileId}::uuid, ${group.name ?? null}, ${group.iconUrl ?? null},
          ${JSON.stringify(listed)}::jsonb, ${group.followUri ?? null}) as value`,
  );
  if (!mirror) return null;
  const authors = new Map<string, string | null>();
  for (const channel of channels) {
    for (const note of channel.notes) {
      if (!note.id || !note.attributionId) continue;
      const localId = localMessageOf(ctx, note.id);
      const authorUri = note.attributionId.href;
      // Our users' messages are ours (by id); a Group cannot attribute others to them.
      if (!localId && isOurs(ctx, note.attributionId)) continue;
      if (!localId && !authors.has(authorUri)) {
        const author = await deps.remote.get(authorUri).catch(() => null);
        authors.set(authorUri, author?.profileId ?? null);
      }
      await deps.db.execute(
        sql`select private.receive_group_relay_note(${group.groupProfileId}::uuid, ${channel.uri}, ${note.id.href},
              ${localId}::uuid, ${localId ? null : (authors.get(authorUri) ?? null)}::uuid,
              ${noteHtmlToText(note.content?.toString() ?? '')})`,
      );
    }
  }
  return mirror;
}

import { Announce, Create, Delete, Follow, Group, Reject, Tombstone, Undo, Update } from '@fedify/vocab';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { findLocalActor, NOTES_PATH } from '../federation/actors.js';
import { queueDelivery } from '../federation/delivery.js';
import type { HarmonyFederation } from '../federation/index.js';
import { RemoteLookupError } from '../federation/remote.js';
import { CHANNELS_PATH, channelNote, JOINS_PATH, syncMirror } from '../federation/servers.js';
import type { JobContext } from './job.js';
import { defineJob } from './job.js';

function federationOf(context: JobContext): HarmonyFederation {
  if (!context.federation) throw new Error('federation is off (FEDERATION_ORIGIN is not set)');
  return context.federation;
}

const messageAction = z.object({
  message_id: z.string().uuid(),
  action: z.enum(['create', 'update', 'delete']),
  at: z.string(),
});

/** Create, Update or Delete of a channel Note, as its author sends it. */
function noteActivity(
  action: 'create' | 'update' | 'delete',
  at: string,
  author: URL,
  note: ReturnType<typeof channelNote>,
  to: URL | null = null,
) {
  const id = note.id as URL;
  if (action === 'create')
    return new Create({ id: new URL(`${id.href}#create`), actor: author, object: note, to });
  if (action === 'update')
    return new Update({
      id: new URL(`${id.href}#update/${Date.parse(at)}`),
      actor: author,
      object: note,
      to,
    });
  return new Delete({ id: new URL(`${id.href}#delete`), actor: author, object: new Tombstone({ id }), to });
}

// == the joining instance ==

/** join_remote_server: fetch the Group and its channels, make the mirror, send Follow. */
export const federationServerJoinJob = defineJob({
  name: 'federation-server-join',
  payload: z.object({ join_id: z.string().uuid() }),
  async run({ join_id }, context) {
    const federation = federationOf(context);
    const result = await context.db.execute<{ profile_id: string; address: string }>(
      sql`select profile_id, address from public.remote_server_joins where id = ${join_id}::uuid and state = 'pending'`,
    );
    const join = result.rows[0];
    if (!join) return;
    const fail = (error: string) =>
      context.db.execute(sql`select private.fail_remote_server_join(${join_id}::uuid, ${error})`);
    const isUrl = /^https?:\/\//i.test(join.address);
    if (
      isUrl &&
      URL.canParse(join.address) &&
      new URL(join.address).origin === new URL(federation.origin).origin
    ) {
      await fail('that server is on this instance: join it with an invite');
      return;
    }
    let group: Awaited<ReturnType<typeof federation.remote.get>>;
    let actor: Awaited<ReturnType<typeof federation.remote.fetchActor>>;
    try {
      group = isUrl
        ? await federation.remote.get(join.address, { refresh: true })
        : await federation.remote.lookup(join.address);
      actor = await federation.remote.fetchActor(group.actorUri);
    } catch (failure) {
      if (!(failure instanceof RemoteLookupError)) throw failure;
      await fail(failure.message);
      return;
    }
    if (!(actor instanceof Group)) {
      await fail(`${join.address} is not a server`);
      return;
    }
    const ctx = federation.federation.createContext(new URL(federation.origin));
    const followUri = new URL(`${JOINS_PATH}${join_id}`, federation.origin);
    const icon = await actor.getIcon().catch(() => null);
    await syncMirror(
      ctx,
      { db: context.db, remote: federation.remote },
      {
        groupUri: group.actorUri,
        groupProfileId: group.profileId,
        name: actor.name?.toString() ?? null,
        iconUrl: icon?.url instanceof URL ? icon.url.href : null,
        joinId: join_id,
        followUri: followUri.href,
      },
    );
    const groupUri = new URL(group.actorUri);
    await queueDelivery(
      context.db,
      join.profile_id,
      new Follow({ id: followUri, actor: ctx.getActorUri(join.profile_id), object: groupUri, to: groupUri }),
      [group],
    );
  },
});

/** A local member's message in a mirror, sent to the Group (which checks and relays it). */
export const federationServerNoteJob = defineJob({
  name: 'federation-server-note',
  payload: messageAction,
  async run({ message_id, action, at }, context) {
    const federation = federationOf(context);
    const result = await context.db.execute<{
      author_id: string;
      content: string;
      channel_uri: string;
      group_uri: string;
    }>(sql`select * from private.mirror_message_for_delivery(${message_id}::uuid)`);
    const row = result.rows[0];
    if (!row) return;
    const group = await federation.remote.get(row.group_uri);
    const ctx = federation.federation.createContext(new URL(federation.origin));
    const author = ctx.getActorUri(row.author_id);
    const note = channelNote({
      id: new URL(`${NOTES_PATH}${message_id}`, federation.origin),
      author,
      group: new URL(row.group_uri),
      channel: new URL(row.channel_uri),
      content: row.content,
    });
    const activity = noteActivity(action, at, author, note, new URL(row.group_uri));
    await queueDelivery(context.db, row.author_id, activity, [group]);
  },
});

/** A local user left a mirror: Undo(Follow) to the Group. */
export const federationServerLeaveJob = defineJob({
  name: 'federation-server-leave',
  payload: z.object({
    profile_id: z.string().uuid(),
    group_uri: z.string().url(),
    activity_uri: z.string().url().nullable(),
  }),
  async run({ profile_id, group_uri, activity_uri }, context) {
    const federation = federationOf(context);
    const group = await federation.remote.get(group_uri);
    const ctx = federation.federation.createContext(new URL(federation.origin));
    const actor = ctx.getActorUri(profile_id);
    const object = new URL(group_uri);
    const followId = activity_uri ? new URL(activity_uri) : null;
    await queueDelivery(
      context.db,
      profile_id,
      new Undo({
        id: new URL(`${JOINS_PATH}undo/${crypto.randomUUID()}`, federation.origin),
        actor,
        object: new Follow({ id: followId, actor, object }),
        to: object,
      }),
      [group],
    );
  },
});

// == the owning instance ==

/** A message, edit or deletion in a federated server's public channel, relayed by its Group. */
export const federationRelayJob = defineJob({
  name: 'federation-relay',
  payload: messageAction,
  async run({ message_id, action, at }, context) {
    const federation = federationOf(context);
    const result = await context.db.execute<{
      server_id: string;
      channel_id: string;
      author_id: string;
      author_actor_uri: string | null;
      object_uri: string | null;
      content: string;
    }>(sql`select * from private.group_message_for_relay(${message_id}::uuid)`);
    const row = result.rows[0];
    if (!row) return;
    const members = await context.db.execute<{ actor_uri: string }>(
      sql`select actor_uri from private.group_remote_members(${row.server_id}::uuid)`,
    );
    const recipients = [];
    for (const member of members.rows) {
      const cached = await federation.remote.cached(member.actor_uri);
      if (cached) recipients.push(cached);
    }
    if (recipients.length === 0) return;
    const ctx = federation.federation.createContext(new URL(federation.origin));
    const group = ctx.getActorUri(row.server_id);
    const author = row.author_actor_uri ? new URL(row.author_actor_uri) : ctx.getActorUri(row.author_id);
    const note = channelNote({
      id: new URL(row.object_uri ?? `${NOTES_PATH}${message_id}`, federation.origin),
      author,
      group,
      channel: new URL(`${CHANNELS_PATH}${row.channel_id}`, federation.origin),
      content: row.content,
    });
    const announce = new Announce({
      id: new URL(`#relay/${message_id}/${action}/${Date.parse(at)}`, group),
      actor: group,
      object: noteActivity(action, at, author, note),
      tos: recipients.map((member) => new URL(member.actorUri)),
    });
    await queueDelivery(context.db, row.server_id, announce, recipients);
  },
});

/** A remote member left the server here (kick, ban): the Group tells their instance. */
export const federationGroupRemoveJob = defineJob({
  name: 'federation-group-remove',
  payload: z.object({ server_id: z.string().uuid(), profile_id: z.string().uuid() }),
  async run({ server_id, profile_id }, context) {
    const federation = federationOf(context);
    // No Group any more (the server stopped federating): nothing can be signed for it.
    if ((await findLocalActor(context.db, server_id))?.kind !== 'server') return;
    const result = await context.db.execute<{ actor_uri: string }>(
      sql`select actor_uri from private.ap_actor_cache where profile_id = ${profile_id}::uuid`,
    );
    const actorUri = result.rows[0]?.actor_uri;
    if (!actorUri) return;
    const member = await federation.remote.get(actorUri);
    const group = federation.federation.createContext(new URL(federation.origin)).getActorUri(server_id);
    await queueDelivery(
      context.db,
      server_id,
      new Reject({
        id: new URL(`#remove/${crypto.randomUUID()}`, group),
        actor: group,
        object: new Follow({ actor: new URL(actorUri), object: group }),
        to: new URL(actorUri),
      }),
      [member],
    );
  },
});

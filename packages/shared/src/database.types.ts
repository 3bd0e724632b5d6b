export type Json =
  | string
  | number
  | boolean
  | null
  | { [key: string]: Json | undefined }
  | Json[]

export type Database = {
  public: {
    Tables: {
      application_commands: {
        Row: {
          bot_id: string
          created_at: string
          default_member_permissions: number | null
          description: string
          id: string
          name: string
          options: NonNullable<Json>
          server_id: string | null
        }
        Insert: {
          bot_id: string
          created_at?: string
          default_member_permissions?: number | null
          description: string
          id?: string
          name: string
          options?: NonNullable<Json>
          server_id?: string | null
        }
        Update: {
          bot_id?: string
          created_at?: string
          default_member_permissions?: number | null
          description?: string
          id?: string
          name?: string
          options?: NonNullable<Json>
          server_id?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "application_commands_bot_id_fkey"
            columns: ["bot_id"]
            isOneToOne: false
            referencedRelation: "bots"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "application_commands_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "public_server_directory"
            referencedColumns: ["server_id"]
          },
          {
            foreignKeyName: "application_commands_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "server_member_counts"
            referencedColumns: ["server_id"]
          },
          {
            foreignKeyName: "application_commands_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "servers"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "application_commands_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "trending_servers"
            referencedColumns: ["server_id"]
          },
        ]
      }
      audit_log: {
        Row: {
          action: Database["public"]["Enums"]["audit_action"]
          actor_id: string | null
          changes: NonNullable<Json>
          created_at: string
          id: number
          reason: string | null
          server_id: string
          target_id: string | null
        }
        Insert: {
          action: Database["public"]["Enums"]["audit_action"]
          actor_id?: string | null
          changes?: NonNullable<Json>
          created_at?: string
          id?: never
          reason?: string | null
          server_id: string
          target_id?: string | null
        }
        Update: {
          action?: Database["public"]["Enums"]["audit_action"]
          actor_id?: string | null
          changes?: NonNullable<Json>
          created_at?: string
          id?: never
          reason?: string | null
          server_id?: string
          target_id?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "audit_log_actor_id_fkey"
            columns: ["actor_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "audit_log_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "public_server_directory"
            referencedColumns: ["server_id"]
          },
          {
            foreignKeyName: "audit_log_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "server_member_counts"
            referencedColumns: ["server_id"]
          },
          {
            foreignKeyName: "audit_log_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "servers"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "audit_log_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "trending_servers"
            referencedColumns: ["server_id"]
          },
        ]
      }
      bot_server_installs: {
        Row: {
          bot_id: string
          installed_at: string
          installed_by: string | null
          permissions: number
          role_id: string | null
          server_id: string
        }
        Insert: {
          bot_id: string
          installed_at?: string
          installed_by?: string | null
          permissions?: number
          role_id?: string | null
          server_id: string
        }
        Update: {
          bot_id?: string
          installed_at?: string
          installed_by?: string | null
          permissions?: number
          role_id?: string | null
          server_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "bot_server_installs_bot_id_fkey"
            columns: ["bot_id"]
            isOneToOne: false
            referencedRelation: "bots"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "bot_server_installs_installed_by_fkey"
            columns: ["installed_by"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "bot_server_installs_role_id_fkey"
            columns: ["role_id"]
            isOneToOne: false
            referencedRelation: "roles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "bot_server_installs_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "public_server_directory"
            referencedColumns: ["server_id"]
          },
          {
            foreignKeyName: "bot_server_installs_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "server_member_counts"
            referencedColumns: ["server_id"]
          },
          {
            foreignKeyName: "bot_server_installs_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "servers"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "bot_server_installs_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "trending_servers"
            referencedColumns: ["server_id"]
          },
        ]
      }
      bot_tokens: {
        Row: {
          bot_id: string
          created_at: string
          id: string
          last_used_at: string | null
          revoked_at: string | null
          token_hash: string
          token_prefix: string
        }
        Insert: {
          bot_id: string
          created_at?: string
          id?: string
          last_used_at?: string | null
          revoked_at?: string | null
          token_hash: string
          token_prefix: string
        }
        Update: {
          bot_id?: string
          created_at?: string
          id?: string
          last_used_at?: string | null
          revoked_at?: string | null
          token_hash?: string
          token_prefix?: string
        }
        Relationships: [
          {
            foreignKeyName: "bot_tokens_bot_id_fkey"
            columns: ["bot_id"]
            isOneToOne: false
            referencedRelation: "bots"
            referencedColumns: ["id"]
          },
        ]
      }
      bots: {
        Row: {
          created_at: string
          description: string
          id: string
          is_public: boolean
          name: string
          owner_id: string
          profile_id: string
        }
        Insert: {
          created_at?: string
          description?: string
          id?: string
          is_public?: boolean
          name: string
          owner_id: string
          profile_id: string
        }
        Update: {
          created_at?: string
          description?: string
          id?: string
          is_public?: boolean
          name?: string
          owner_id?: string
          profile_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "bots_owner_id_fkey"
            columns: ["owner_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "bots_profile_id_fkey"
            columns: ["profile_id"]
            isOneToOne: true
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      channel_categories: {
        Row: {
          created_at: string
          id: string
          name: string
          position: number
          server_id: string
        }
        Insert: {
          created_at?: string
          id?: string
          name: string
          position?: number
          server_id: string
        }
        Update: {
          created_at?: string
          id?: string
          name?: string
          position?: number
          server_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "channel_categories_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "public_server_directory"
            referencedColumns: ["server_id"]
          },
          {
            foreignKeyName: "channel_categories_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "server_member_counts"
            referencedColumns: ["server_id"]
          },
          {
            foreignKeyName: "channel_categories_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "servers"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "channel_categories_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "trending_servers"
            referencedColumns: ["server_id"]
          },
        ]
      }
      channel_notification_settings: {
        Row: {
          channel_id: string
          level: Database["public"]["Enums"]["notification_level"] | null
          muted_until: string | null
          profile_id: string
        }
        Insert: {
          channel_id: string
          level?: Database["public"]["Enums"]["notification_level"] | null
          muted_until?: string | null
          profile_id: string
        }
        Update: {
          channel_id?: string
          level?: Database["public"]["Enums"]["notification_level"] | null
          muted_until?: string | null
          profile_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "channel_notification_settings_channel_id_fkey"
            columns: ["channel_id"]
            isOneToOne: false
            referencedRelation: "channels"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "channel_notification_settings_profile_id_fkey"
            columns: ["profile_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      channel_overwrites: {
        Row: {
          allow: number
          channel_id: string
          deny: number
          target_id: string
          target_type: Database["public"]["Enums"]["overwrite_target"]
        }
        Insert: {
          allow?: number
          channel_id: string
          deny?: number
          target_id: string
          target_type: Database["public"]["Enums"]["overwrite_target"]
        }
        Update: {
          allow?: number
          channel_id?: string
          deny?: number
          target_id?: string
          target_type?: Database["public"]["Enums"]["overwrite_target"]
        }
        Relationships: [
          {
            foreignKeyName: "channel_overwrites_channel_id_fkey"
            columns: ["channel_id"]
            isOneToOne: false
            referencedRelation: "channels"
            referencedColumns: ["id"]
          },
        ]
      }
      channel_recipients: {
        Row: {
          added_at: string
          channel_id: string
          closed: boolean
          profile_id: string
        }
        Insert: {
          added_at?: string
          channel_id: string
          closed?: boolean
          profile_id: string
        }
        Update: {
          added_at?: string
          channel_id?: string
          closed?: boolean
          profile_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "channel_recipients_channel_id_fkey"
            columns: ["channel_id"]
            isOneToOne: false
            referencedRelation: "channels"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "channel_recipients_profile_id_fkey"
            columns: ["profile_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      channel_sequences: {
        Row: {
          channel_id: string
          last_message_at: string | null
          last_seq: number
        }
        Insert: {
          channel_id: string
          last_message_at?: string | null
          last_seq?: number
        }
        Update: {
          channel_id?: string
          last_message_at?: string | null
          last_seq?: number
        }
        Relationships: [
          {
            foreignKeyName: "channel_sequences_channel_id_fkey"
            columns: ["channel_id"]
            isOneToOne: true
            referencedRelation: "channels"
            referencedColumns: ["id"]
          },
        ]
      }
      channel_slowmode: {
        Row: {
          channel_id: string
          last_message_at: string
          profile_id: string
        }
        Insert: {
          channel_id: string
          last_message_at: string
          profile_id: string
        }
        Update: {
          channel_id?: string
          last_message_at?: string
          profile_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "channel_slowmode_channel_id_fkey"
            columns: ["channel_id"]
            isOneToOne: false
            referencedRelation: "channels"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "channel_slowmode_profile_id_fkey"
            columns: ["profile_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      channels: {
        Row: {
          category_id: string | null
          created_at: string
          icon_url: string | null
          id: string
          is_encrypted: boolean
          name: string | null
          nsfw: boolean
          owner_id: string | null
          parent_id: string | null
          position: number
          server_id: string | null
          slowmode_seconds: number
          topic: string | null
          type: Database["public"]["Enums"]["channel_type"]
          updated_at: string
          user_limit: number
        }
        Insert: {
          category_id?: string | null
          created_at?: string
          icon_url?: string | null
          id?: string
          is_encrypted?: boolean
          name?: string | null
          nsfw?: boolean
          owner_id?: string | null
          parent_id?: string | null
          position?: number
          server_id?: string | null
          slowmode_seconds?: number
          topic?: string | null
          type?: Database["public"]["Enums"]["channel_type"]
          updated_at?: string
          user_limit?: number
        }
        Update: {
          category_id?: string | null
          created_at?: string
          icon_url?: string | null
          id?: string
          is_encrypted?: boolean
          name?: string | null
          nsfw?: boolean
          owner_id?: string | null
          parent_id?: string | null
          position?: number
          server_id?: string | null
          slowmode_seconds?: number
          topic?: string | null
          type?: Database["public"]["Enums"]["channel_type"]
          updated_at?: string
          user_limit?: number
        }
        Relationships: [
          {
            foreignKeyName: "channels_category_id_fkey"
            columns: ["category_id"]
            isOneToOne: false
            referencedRelation: "channel_categories"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "channels_owner_id_fkey"
            columns: ["owner_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "channels_parent_id_fkey"
            columns: ["parent_id"]
            isOneToOne: false
            referencedRelation: "channels"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "channels_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "public_server_directory"
            referencedColumns: ["server_id"]
          },
          {
            foreignKeyName: "channels_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "server_member_counts"
            referencedColumns: ["server_id"]
          },
          {
            foreignKeyName: "channels_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "servers"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "channels_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "trending_servers"
            referencedColumns: ["server_id"]
          },
        ]
      }
      collapsed_categories: {
        Row: {
          category_id: string
          created_at: string
          profile_id: string
        }
        Insert: {
          category_id: string
          created_at?: string
          profile_id?: string
        }
        Update: {
          category_id?: string
          created_at?: string
          profile_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "collapsed_categories_category_id_fkey"
            columns: ["category_id"]
            isOneToOne: false
            referencedRelation: "channel_categories"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "collapsed_categories_profile_id_fkey"
            columns: ["profile_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      custom_emojis: {
        Row: {
          animated: boolean
          created_at: string
          created_by: string | null
          id: string
          image_path: string
          name: string
          server_id: string
        }
        Insert: {
          animated?: boolean
          created_at?: string
          created_by?: string | null
          id?: string
          image_path: string
          name: string
          server_id: string
        }
        Update: {
          animated?: boolean
          created_at?: string
          created_by?: string | null
          id?: string
          image_path?: string
          name?: string
          server_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "custom_emojis_created_by_fkey"
            columns: ["created_by"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "custom_emojis_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "public_server_directory"
            referencedColumns: ["server_id"]
          },
          {
            foreignKeyName: "custom_emojis_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "server_member_counts"
            referencedColumns: ["server_id"]
          },
          {
            foreignKeyName: "custom_emojis_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "servers"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "custom_emojis_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "trending_servers"
            referencedColumns: ["server_id"]
          },
        ]
      }
      device_one_time_keys: {
        Row: {
          claimed_at: string | null
          claimed_by: string | null
          created_at: string
          device_id: string
          key_id: string
          public_key: string
        }
        Insert: {
          claimed_at?: string | null
          claimed_by?: string | null
          created_at?: string
          device_id: string
          key_id: string
          public_key: string
        }
        Update: {
          claimed_at?: string | null
          claimed_by?: string | null
          created_at?: string
          device_id?: string
          key_id?: string
          public_key?: string
        }
        Relationships: [
          {
            foreignKeyName: "device_one_time_keys_claimed_by_fkey"
            columns: ["claimed_by"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "device_one_time_keys_device_id_fkey"
            columns: ["device_id"]
            isOneToOne: false
            referencedRelation: "user_devices"
            referencedColumns: ["id"]
          },
        ]
      }
      dm_call_members: {
        Row: {
          call_id: string
          profile_id: string
          state: string
          updated_at: string
        }
        Insert: {
          call_id: string
          profile_id: string
          state: string
          updated_at?: string
        }
        Update: {
          call_id?: string
          profile_id?: string
          state?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "dm_call_members_call_id_fkey"
            columns: ["call_id"]
            isOneToOne: false
            referencedRelation: "dm_calls"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "dm_call_members_profile_id_fkey"
            columns: ["profile_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      dm_calls: {
        Row: {
          answered_at: string | null
          callee_id: string | null
          caller_id: string
          channel_id: string
          created_at: string
          ended_at: string | null
          id: string
          status: string
        }
        Insert: {
          answered_at?: string | null
          callee_id?: string | null
          caller_id: string
          channel_id: string
          created_at?: string
          ended_at?: string | null
          id?: string
          status?: string
        }
        Update: {
          answered_at?: string | null
          callee_id?: string | null
          caller_id?: string
          channel_id?: string
          created_at?: string
          ended_at?: string | null
          id?: string
          status?: string
        }
        Relationships: [
          {
            foreignKeyName: "dm_calls_callee_id_fkey"
            columns: ["callee_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "dm_calls_caller_id_fkey"
            columns: ["caller_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "dm_calls_channel_id_fkey"
            columns: ["channel_id"]
            isOneToOne: false
            referencedRelation: "channels"
            referencedColumns: ["id"]
          },
        ]
      }
      ephemeral_messages: {
        Row: {
          author_id: string | null
          channel_id: string
          content: string
          created_at: string
          embeds: NonNullable<Json>
          id: string
          interaction_id: string
          recipient_id: string
        }
        Insert: {
          author_id?: string | null
          channel_id: string
          content?: string
          created_at?: string
          embeds?: NonNullable<Json>
          id?: string
          interaction_id: string
          recipient_id: string
        }
        Update: {
          author_id?: string | null
          channel_id?: string
          content?: string
          created_at?: string
          embeds?: NonNullable<Json>
          id?: string
          interaction_id?: string
          recipient_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "ephemeral_messages_author_id_fkey"
            columns: ["author_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "ephemeral_messages_channel_id_fkey"
            columns: ["channel_id"]
            isOneToOne: false
            referencedRelation: "channels"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "ephemeral_messages_interaction_id_fkey"
            columns: ["interaction_id"]
            isOneToOne: false
            referencedRelation: "interactions"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "ephemeral_messages_recipient_id_fkey"
            columns: ["recipient_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      federated_instances: {
        Row: {
          created_at: string
          domain: string
          id: string
          last_seen_at: string | null
          shared_inbox_url: string | null
          software: string | null
          software_version: string | null
          status: string
          trusted: boolean
        }
        Insert: {
          created_at?: string
          domain: string
          id?: string
          last_seen_at?: string | null
          shared_inbox_url?: string | null
          software?: string | null
          software_version?: string | null
          status?: string
          trusted?: boolean
        }
        Update: {
          created_at?: string
          domain?: string
          id?: string
          last_seen_at?: string | null
          shared_inbox_url?: string | null
          software?: string | null
          software_version?: string | null
          status?: string
          trusted?: boolean
        }
        Relationships: []
      }
      friend_requests: {
        Row: {
          created_at: string
          id: string
          recipient_id: string
          sender_id: string
        }
        Insert: {
          created_at?: string
          id?: string
          recipient_id: string
          sender_id: string
        }
        Update: {
          created_at?: string
          id?: string
          recipient_id?: string
          sender_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "friend_requests_recipient_id_fkey"
            columns: ["recipient_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "friend_requests_sender_id_fkey"
            columns: ["sender_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      friendships: {
        Row: {
          created_at: string
          profile_a: string
          profile_b: string
        }
        Insert: {
          created_at?: string
          profile_a: string
          profile_b: string
        }
        Update: {
          created_at?: string
          profile_a?: string
          profile_b?: string
        }
        Relationships: [
          {
            foreignKeyName: "friendships_profile_a_fkey"
            columns: ["profile_a"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "friendships_profile_b_fkey"
            columns: ["profile_b"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      instance_admins: {
        Row: {
          created_at: string
          user_id: string
        }
        Insert: {
          created_at?: string
          user_id: string
        }
        Update: {
          created_at?: string
          user_id?: string
        }
        Relationships: []
      }
      interactions: {
        Row: {
          bot_id: string
          channel_id: string
          command_id: string | null
          command_name: string
          created_at: string
          id: string
          options: NonNullable<Json>
          responded_at: string | null
          server_id: string
          status: string
          user_id: string
        }
        Insert: {
          bot_id: string
          channel_id: string
          command_id?: string | null
          command_name: string
          created_at?: string
          id?: string
          options?: NonNullable<Json>
          responded_at?: string | null
          server_id: string
          status?: string
          user_id: string
        }
        Update: {
          bot_id?: string
          channel_id?: string
          command_id?: string | null
          command_name?: string
          created_at?: string
          id?: string
          options?: NonNullable<Json>
          responded_at?: string | null
          server_id?: string
          status?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "interactions_bot_id_fkey"
            columns: ["bot_id"]
            isOneToOne: false
            referencedRelation: "bots"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "interactions_channel_id_fkey"
            columns: ["channel_id"]
            isOneToOne: false
            referencedRelation: "channels"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "interactions_command_id_fkey"
            columns: ["command_id"]
            isOneToOne: false
            referencedRelation: "application_commands"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "interactions_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "public_server_directory"
            referencedColumns: ["server_id"]
          },
          {
            foreignKeyName: "interactions_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "server_member_counts"
            referencedColumns: ["server_id"]
          },
          {
            foreignKeyName: "interactions_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "servers"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "interactions_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "trending_servers"
            referencedColumns: ["server_id"]
          },
          {
            foreignKeyName: "interactions_user_id_fkey"
            columns: ["user_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      invites: {
        Row: {
          channel_id: string | null
          code: string
          created_at: string
          expires_at: string | null
          inviter_id: string | null
          max_uses: number | null
          revoked_at: string | null
          server_id: string
          temporary: boolean
          uses: number
        }
        Insert: {
          channel_id?: string | null
          code: string
          created_at?: string
          expires_at?: string | null
          inviter_id?: string | null
          max_uses?: number | null
          revoked_at?: string | null
          server_id: string
          temporary?: boolean
          uses?: number
        }
        Update: {
          channel_id?: string | null
          code?: string
          created_at?: string
          expires_at?: string | null
          inviter_id?: string | null
          max_uses?: number | null
          revoked_at?: string | null
          server_id?: string
          temporary?: boolean
          uses?: number
        }
        Relationships: [
          {
            foreignKeyName: "invites_channel_id_fkey"
            columns: ["channel_id"]
            isOneToOne: false
            referencedRelation: "channels"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "invites_inviter_id_fkey"
            columns: ["inviter_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "invites_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "public_server_directory"
            referencedColumns: ["server_id"]
          },
          {
            foreignKeyName: "invites_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "server_member_counts"
            referencedColumns: ["server_id"]
          },
          {
            foreignKeyName: "invites_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "servers"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "invites_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "trending_servers"
            referencedColumns: ["server_id"]
          },
        ]
      }
      megolm_session_shares: {
        Row: {
          channel_id: string
          created_at: string
          encrypted_session_key: string
          id: string
          recipient_device_id: string
          sender_device_id: string
          session_id: string
        }
        Insert: {
          channel_id: string
          created_at?: string
          encrypted_session_key: string
          id?: string
          recipient_device_id: string
          sender_device_id: string
          session_id: string
        }
        Update: {
          channel_id?: string
          created_at?: string
          encrypted_session_key?: string
          id?: string
          recipient_device_id?: string
          sender_device_id?: string
          session_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "megolm_session_shares_channel_id_fkey"
            columns: ["channel_id"]
            isOneToOne: false
            referencedRelation: "channels"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "megolm_session_shares_recipient_device_id_fkey"
            columns: ["recipient_device_id"]
            isOneToOne: false
            referencedRelation: "user_devices"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "megolm_session_shares_sender_device_id_fkey"
            columns: ["sender_device_id"]
            isOneToOne: false
            referencedRelation: "user_devices"
            referencedColumns: ["id"]
          },
        ]
      }
      member_roles: {
        Row: {
          profile_id: string
          role_id: string
          server_id: string
        }
        Insert: {
          profile_id: string
          role_id: string
          server_id: string
        }
        Update: {
          profile_id?: string
          role_id?: string
          server_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "member_roles_role_id_fkey"
            columns: ["role_id"]
            isOneToOne: false
            referencedRelation: "roles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "member_roles_server_id_profile_id_fkey"
            columns: ["server_id", "profile_id"]
            isOneToOne: false
            referencedRelation: "server_members"
            referencedColumns: ["server_id", "profile_id"]
          },
        ]
      }
      message_reactions: {
        Row: {
          created_at: string
          emoji: string
          message_id: string
          profile_id: string
        }
        Insert: {
          created_at?: string
          emoji: string
          message_id: string
          profile_id?: string
        }
        Update: {
          created_at?: string
          emoji?: string
          message_id?: string
          profile_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "message_reactions_message_id_fkey"
            columns: ["message_id"]
            isOneToOne: false
            referencedRelation: "messages"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "message_reactions_profile_id_fkey"
            columns: ["profile_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      messages: {
        Row: {
          attachments: NonNullable<Json>
          author_avatar_url: string | null
          author_id: string | null
          author_name: string | null
          channel_id: string
          content: string
          created_at: string
          deleted_at: string | null
          edited_at: string | null
          embeds: NonNullable<Json>
          id: string
          mention_everyone: boolean
          mention_profile_ids: string[]
          mention_role_ids: string[]
          nonce: string | null
          pinned_at: string | null
          pinned_by: string | null
          reply_to_id: string | null
          search_vector: unknown
          seq: number
          suppress_embeds: boolean
          type: Database["public"]["Enums"]["message_type"]
          webhook_id: string | null
        }
        Insert: {
          attachments?: NonNullable<Json>
          author_avatar_url?: string | null
          author_id?: string | null
          author_name?: string | null
          channel_id: string
          content?: string
          created_at?: string
          deleted_at?: string | null
          edited_at?: string | null
          embeds?: NonNullable<Json>
          id?: string
          mention_everyone?: boolean
          mention_profile_ids?: string[]
          mention_role_ids?: string[]
          nonce?: string | null
          pinned_at?: string | null
          pinned_by?: string | null
          reply_to_id?: string | null
          search_vector?: never
          seq?: number
          suppress_embeds?: boolean
          type?: Database["public"]["Enums"]["message_type"]
          webhook_id?: string | null
        }
        Update: {
          attachments?: NonNullable<Json>
          author_avatar_url?: string | null
          author_id?: string | null
          author_name?: string | null
          channel_id?: string
          content?: string
          created_at?: string
          deleted_at?: string | null
          edited_at?: string | null
          embeds?: NonNullable<Json>
          id?: string
          mention_everyone?: boolean
          mention_profile_ids?: string[]
          mention_role_ids?: string[]
          nonce?: string | null
          pinned_at?: string | null
          pinned_by?: string | null
          reply_to_id?: string | null
          search_vector?: never
          seq?: number
          suppress_embeds?: boolean
          type?: Database["public"]["Enums"]["message_type"]
          webhook_id?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "messages_author_id_fkey"
            columns: ["author_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "messages_channel_id_fkey"
            columns: ["channel_id"]
            isOneToOne: false
            referencedRelation: "channels"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "messages_pinned_by_fkey"
            columns: ["pinned_by"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "messages_reply_to_id_fkey"
            columns: ["reply_to_id"]
            isOneToOne: false
            referencedRelation: "messages"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "messages_webhook_id_fkey"
            columns: ["webhook_id"]
            isOneToOne: false
            referencedRelation: "webhooks"
            referencedColumns: ["id"]
          },
        ]
      }
      notifications: {
        Row: {
          actor_id: string | null
          channel_id: string | null
          created_at: string
          data: NonNullable<Json>
          id: string
          message_id: string | null
          read_at: string | null
          recipient_id: string
          server_id: string | null
          type: Database["public"]["Enums"]["notification_type"]
        }
        Insert: {
          actor_id?: string | null
          channel_id?: string | null
          created_at?: string
          data?: NonNullable<Json>
          id?: string
          message_id?: string | null
          read_at?: string | null
          recipient_id: string
          server_id?: string | null
          type: Database["public"]["Enums"]["notification_type"]
        }
        Update: {
          actor_id?: string | null
          channel_id?: string | null
          created_at?: string
          data?: NonNullable<Json>
          id?: string
          message_id?: string | null
          read_at?: string | null
          recipient_id?: string
          server_id?: string | null
          type?: Database["public"]["Enums"]["notification_type"]
        }
        Relationships: [
          {
            foreignKeyName: "notifications_actor_id_fkey"
            columns: ["actor_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "notifications_channel_id_fkey"
            columns: ["channel_id"]
            isOneToOne: false
            referencedRelation: "channels"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "notifications_message_id_fkey"
            columns: ["message_id"]
            isOneToOne: false
            referencedRelation: "messages"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "notifications_recipient_id_fkey"
            columns: ["recipient_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "notifications_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "public_server_directory"
            referencedColumns: ["server_id"]
          },
          {
            foreignKeyName: "notifications_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "server_member_counts"
            referencedColumns: ["server_id"]
          },
          {
            foreignKeyName: "notifications_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "servers"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "notifications_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "trending_servers"
            referencedColumns: ["server_id"]
          },
        ]
      }
      profiles: {
        Row: {
          avatar_url: string | null
          banner_url: string | null
          bio: string
          created_at: string
          custom_status: string | null
          custom_status_emoji: string | null
          custom_status_expires_at: string | null
          deleted_at: string | null
          display_name: string | null
          domain: string | null
          id: string
          is_bot: boolean
          last_seen_at: string | null
          pronouns: string | null
          status: Database["public"]["Enums"]["presence_status"]
          updated_at: string
          user_id: string | null
          username: string
        }
        Insert: {
          avatar_url?: string | null
          banner_url?: string | null
          bio?: string
          created_at?: string
          custom_status?: string | null
          custom_status_emoji?: string | null
          custom_status_expires_at?: string | null
          deleted_at?: string | null
          display_name?: string | null
          domain?: string | null
          id?: string
          is_bot?: boolean
          last_seen_at?: string | null
          pronouns?: string | null
          status?: Database["public"]["Enums"]["presence_status"]
          updated_at?: string
          user_id?: string | null
          username: string
        }
        Update: {
          avatar_url?: string | null
          banner_url?: string | null
          bio?: string
          created_at?: string
          custom_status?: string | null
          custom_status_emoji?: string | null
          custom_status_expires_at?: string | null
          deleted_at?: string | null
          display_name?: string | null
          domain?: string | null
          id?: string
          is_bot?: boolean
          last_seen_at?: string | null
          pronouns?: string | null
          status?: Database["public"]["Enums"]["presence_status"]
          updated_at?: string
          user_id?: string | null
          username?: string
        }
        Relationships: []
      }
      push_subscriptions: {
        Row: {
          auth_secret: string
          created_at: string
          device_name: string | null
          endpoint: string
          id: string
          last_active_at: string | null
          profile_id: string
          public_key: string
        }
        Insert: {
          auth_secret: string
          created_at?: string
          device_name?: string | null
          endpoint: string
          id?: string
          last_active_at?: string | null
          profile_id: string
          public_key: string
        }
        Update: {
          auth_secret?: string
          created_at?: string
          device_name?: string | null
          endpoint?: string
          id?: string
          last_active_at?: string | null
          profile_id?: string
          public_key?: string
        }
        Relationships: [
          {
            foreignKeyName: "push_subscriptions_profile_id_fkey"
            columns: ["profile_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      read_states: {
        Row: {
          channel_id: string
          last_read_seq: number
          profile_id: string
          updated_at: string
        }
        Insert: {
          channel_id: string
          last_read_seq?: number
          profile_id: string
          updated_at?: string
        }
        Update: {
          channel_id?: string
          last_read_seq?: number
          profile_id?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "read_states_channel_id_fkey"
            columns: ["channel_id"]
            isOneToOne: false
            referencedRelation: "channels"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "read_states_profile_id_fkey"
            columns: ["profile_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      remote_follows: {
        Row: {
          activity_uri: string | null
          created_at: string
          followee_id: string
          follower_id: string
          id: string
          state: string
          updated_at: string
        }
        Insert: {
          activity_uri?: string | null
          created_at?: string
          followee_id: string
          follower_id: string
          id?: string
          state?: string
          updated_at?: string
        }
        Update: {
          activity_uri?: string | null
          created_at?: string
          followee_id?: string
          follower_id?: string
          id?: string
          state?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "remote_follows_followee_id_fkey"
            columns: ["followee_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "remote_follows_follower_id_fkey"
            columns: ["follower_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      remote_server_joins: {
        Row: {
          activity_uri: string | null
          address: string
          created_at: string
          error: string | null
          id: string
          profile_id: string
          server_id: string | null
          state: string
        }
        Insert: {
          activity_uri?: string | null
          address: string
          created_at?: string
          error?: string | null
          id?: string
          profile_id: string
          server_id?: string | null
          state?: string
        }
        Update: {
          activity_uri?: string | null
          address?: string
          created_at?: string
          error?: string | null
          id?: string
          profile_id?: string
          server_id?: string | null
          state?: string
        }
        Relationships: [
          {
            foreignKeyName: "remote_server_joins_profile_id_fkey"
            columns: ["profile_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "remote_server_joins_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "public_server_directory"
            referencedColumns: ["server_id"]
          },
          {
            foreignKeyName: "remote_server_joins_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "server_member_counts"
            referencedColumns: ["server_id"]
          },
          {
            foreignKeyName: "remote_server_joins_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "servers"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "remote_server_joins_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "trending_servers"
            referencedColumns: ["server_id"]
          },
        ]
      }
      reports: {
        Row: {
          channel_id: string | null
          created_at: string
          details: string | null
          id: number
          message_content: string | null
          message_id: string | null
          reason: Database["public"]["Enums"]["report_reason"]
          reporter_id: string | null
          resolution: string | null
          resolution_note: string | null
          resolved_at: string | null
          resolved_by: string | null
          server_id: string
          status: Database["public"]["Enums"]["report_status"]
          target_id: string
        }
        Insert: {
          channel_id?: string | null
          created_at?: string
          details?: string | null
          id?: never
          message_content?: string | null
          message_id?: string | null
          reason: Database["public"]["Enums"]["report_reason"]
          reporter_id?: string | null
          resolution?: string | null
          resolution_note?: string | null
          resolved_at?: string | null
          resolved_by?: string | null
          server_id: string
          status?: Database["public"]["Enums"]["report_status"]
          target_id: string
        }
        Update: {
          channel_id?: string | null
          created_at?: string
          details?: string | null
          id?: never
          message_content?: string | null
          message_id?: string | null
          reason?: Database["public"]["Enums"]["report_reason"]
          reporter_id?: string | null
          resolution?: string | null
          resolution_note?: string | null
          resolved_at?: string | null
          resolved_by?: string | null
          server_id?: string
          status?: Database["public"]["Enums"]["report_status"]
          target_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "reports_channel_id_fkey"
            columns: ["channel_id"]
            isOneToOne: false
            referencedRelation: "channels"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "reports_message_id_fkey"
            columns: ["message_id"]
            isOneToOne: false
            referencedRelation: "messages"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "reports_reporter_id_fkey"
            columns: ["reporter_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "reports_resolved_by_fkey"
            columns: ["resolved_by"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "reports_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "public_server_directory"
            referencedColumns: ["server_id"]
          },
          {
            foreignKeyName: "reports_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "server_member_counts"
            referencedColumns: ["server_id"]
          },
          {
            foreignKeyName: "reports_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "servers"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "reports_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "trending_servers"
            referencedColumns: ["server_id"]
          },
          {
            foreignKeyName: "reports_target_id_fkey"
            columns: ["target_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      roles: {
        Row: {
          color: number
          created_at: string
          hoist: boolean
          id: string
          managed: boolean
          mentionable: boolean
          name: string
          permissions: number
          position: number
          server_id: string
        }
        Insert: {
          color?: number
          created_at?: string
          hoist?: boolean
          id?: string
          managed?: boolean
          mentionable?: boolean
          name: string
          permissions?: number
          position?: number
          server_id: string
        }
        Update: {
          color?: number
          created_at?: string
          hoist?: boolean
          id?: string
          managed?: boolean
          mentionable?: boolean
          name?: string
          permissions?: number
          position?: number
          server_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "roles_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "public_server_directory"
            referencedColumns: ["server_id"]
          },
          {
            foreignKeyName: "roles_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "server_member_counts"
            referencedColumns: ["server_id"]
          },
          {
            foreignKeyName: "roles_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "servers"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "roles_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "trending_servers"
            referencedColumns: ["server_id"]
          },
        ]
      }
      server_activity_daily: {
        Row: {
          active_members: number
          day: string
          message_count: number
          server_id: string
        }
        Insert: {
          active_members?: number
          day: string
          message_count?: number
          server_id: string
        }
        Update: {
          active_members?: number
          day?: string
          message_count?: number
          server_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "server_activity_daily_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "public_server_directory"
            referencedColumns: ["server_id"]
          },
          {
            foreignKeyName: "server_activity_daily_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "server_member_counts"
            referencedColumns: ["server_id"]
          },
          {
            foreignKeyName: "server_activity_daily_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "servers"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "server_activity_daily_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "trending_servers"
            referencedColumns: ["server_id"]
          },
        ]
      }
      server_bans: {
        Row: {
          banned_by: string | null
          created_at: string
          profile_id: string
          reason: string | null
          server_id: string
        }
        Insert: {
          banned_by?: string | null
          created_at?: string
          profile_id: string
          reason?: string | null
          server_id: string
        }
        Update: {
          banned_by?: string | null
          created_at?: string
          profile_id?: string
          reason?: string | null
          server_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "server_bans_banned_by_fkey"
            columns: ["banned_by"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "server_bans_profile_id_fkey"
            columns: ["profile_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "server_bans_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "public_server_directory"
            referencedColumns: ["server_id"]
          },
          {
            foreignKeyName: "server_bans_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "server_member_counts"
            referencedColumns: ["server_id"]
          },
          {
            foreignKeyName: "server_bans_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "servers"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "server_bans_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "trending_servers"
            referencedColumns: ["server_id"]
          },
        ]
      }
      server_members: {
        Row: {
          joined_at: string
          nickname: string | null
          profile_id: string
          server_id: string
          temporary: boolean
          timed_out_until: string | null
          voice_deafened: boolean
          voice_muted: boolean
        }
        Insert: {
          joined_at?: string
          nickname?: string | null
          profile_id: string
          server_id: string
          temporary?: boolean
          timed_out_until?: string | null
          voice_deafened?: boolean
          voice_muted?: boolean
        }
        Update: {
          joined_at?: string
          nickname?: string | null
          profile_id?: string
          server_id?: string
          temporary?: boolean
          timed_out_until?: string | null
          voice_deafened?: boolean
          voice_muted?: boolean
        }
        Relationships: [
          {
            foreignKeyName: "server_members_profile_id_fkey"
            columns: ["profile_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "server_members_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "public_server_directory"
            referencedColumns: ["server_id"]
          },
          {
            foreignKeyName: "server_members_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "server_member_counts"
            referencedColumns: ["server_id"]
          },
          {
            foreignKeyName: "server_members_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "servers"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "server_members_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "trending_servers"
            referencedColumns: ["server_id"]
          },
        ]
      }
      server_notification_settings: {
        Row: {
          level: Database["public"]["Enums"]["notification_level"] | null
          muted_until: string | null
          profile_id: string
          server_id: string
          suppress_everyone: boolean
        }
        Insert: {
          level?: Database["public"]["Enums"]["notification_level"] | null
          muted_until?: string | null
          profile_id: string
          server_id: string
          suppress_everyone?: boolean
        }
        Update: {
          level?: Database["public"]["Enums"]["notification_level"] | null
          muted_until?: string | null
          profile_id?: string
          server_id?: string
          suppress_everyone?: boolean
        }
        Relationships: [
          {
            foreignKeyName: "server_notification_settings_server_id_profile_id_fkey"
            columns: ["server_id", "profile_id"]
            isOneToOne: false
            referencedRelation: "server_members"
            referencedColumns: ["server_id", "profile_id"]
          },
        ]
      }
      servers: {
        Row: {
          banner_url: string | null
          created_at: string
          default_notification_level: Database["public"]["Enums"]["notification_level"]
          description: string | null
          encryption_mode: Database["public"]["Enums"]["encryption_mode"]
          icon_url: string | null
          id: string
          is_public: boolean
          name: string
          owner_id: string
          system_channel_id: string | null
          updated_at: string
        }
        Insert: {
          banner_url?: string | null
          created_at?: string
          default_notification_level?: Database["public"]["Enums"]["notification_level"]
          description?: string | null
          encryption_mode?: Database["public"]["Enums"]["encryption_mode"]
          icon_url?: string | null
          id?: string
          is_public?: boolean
          name: string
          owner_id: string
          system_channel_id?: string | null
          updated_at?: string
        }
        Update: {
          banner_url?: string | null
          created_at?: string
          default_notification_level?: Database["public"]["Enums"]["notification_level"]
          description?: string | null
          encryption_mode?: Database["public"]["Enums"]["encryption_mode"]
          icon_url?: string | null
          id?: string
          is_public?: boolean
          name?: string
          owner_id?: string
          system_channel_id?: string | null
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "servers_owner_id_fkey"
            columns: ["owner_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "servers_system_channel_id_fkey"
            columns: ["system_channel_id"]
            isOneToOne: false
            referencedRelation: "channels"
            referencedColumns: ["id"]
          },
        ]
      }
      thread_members: {
        Row: {
          joined_at: string
          profile_id: string
          thread_id: string
        }
        Insert: {
          joined_at?: string
          profile_id: string
          thread_id: string
        }
        Update: {
          joined_at?: string
          profile_id?: string
          thread_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "thread_members_profile_id_fkey"
            columns: ["profile_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "thread_members_thread_id_fkey"
            columns: ["thread_id"]
            isOneToOne: false
            referencedRelation: "threads"
            referencedColumns: ["channel_id"]
          },
        ]
      }
      threads: {
        Row: {
          archived_at: string | null
          auto_archive_minutes: number
          channel_id: string
          created_at: string
          last_activity_at: string
          last_author_id: string | null
          last_message_at: string | null
          locked: boolean
          message_count: number
          owner_id: string | null
          parent_id: string
          starter_message_id: string | null
        }
        Insert: {
          archived_at?: string | null
          auto_archive_minutes?: number
          channel_id: string
          created_at?: string
          last_activity_at?: string
          last_author_id?: string | null
          last_message_at?: string | null
          locked?: boolean
          message_count?: number
          owner_id?: string | null
          parent_id: string
          starter_message_id?: string | null
        }
        Update: {
          archived_at?: string | null
          auto_archive_minutes?: number
          channel_id?: string
          created_at?: string
          last_activity_at?: string
          last_author_id?: string | null
          last_message_at?: string | null
          locked?: boolean
          message_count?: number
          owner_id?: string | null
          parent_id?: string
          starter_message_id?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "threads_channel_id_fkey"
            columns: ["channel_id"]
            isOneToOne: true
            referencedRelation: "channels"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "threads_last_author_id_fkey"
            columns: ["last_author_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "threads_owner_id_fkey"
            columns: ["owner_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "threads_parent_id_fkey"
            columns: ["parent_id"]
            isOneToOne: false
            referencedRelation: "channels"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "threads_starter_message_id_fkey"
            columns: ["starter_message_id"]
            isOneToOne: true
            referencedRelation: "messages"
            referencedColumns: ["id"]
          },
        ]
      }
      user_blocks: {
        Row: {
          blocked_id: string
          blocker_id: string
          created_at: string
        }
        Insert: {
          blocked_id: string
          blocker_id: string
          created_at?: string
        }
        Update: {
          blocked_id?: string
          blocker_id?: string
          created_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "user_blocks_blocked_id_fkey"
            columns: ["blocked_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "user_blocks_blocker_id_fkey"
            columns: ["blocker_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      user_devices: {
        Row: {
          created_at: string
          device_name: string
          id: string
          identity_key: string
          last_seen_at: string | null
          profile_id: string
          revoked_at: string | null
          signing_key: string
        }
        Insert: {
          created_at?: string
          device_name: string
          id?: string
          identity_key: string
          last_seen_at?: string | null
          profile_id: string
          revoked_at?: string | null
          signing_key: string
        }
        Update: {
          created_at?: string
          device_name?: string
          id?: string
          identity_key?: string
          last_seen_at?: string | null
          profile_id?: string
          revoked_at?: string | null
          signing_key?: string
        }
        Relationships: [
          {
            foreignKeyName: "user_devices_profile_id_fkey"
            columns: ["profile_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      user_settings: {
        Row: {
          allow_dms_from_server_members: boolean
          friend_requests_from: string
          locale: string
          preferred_status: Database["public"]["Enums"]["presence_status"]
          profile_id: string
          quiet_hours_enabled: boolean
          quiet_hours_end: string
          quiet_hours_start: string
          quiet_hours_time_zone: string
          show_link_previews: boolean
          theme: string
          updated_at: string
        }
        Insert: {
          allow_dms_from_server_members?: boolean
          friend_requests_from?: string
          locale?: string
          preferred_status?: Database["public"]["Enums"]["presence_status"]
          profile_id: string
          quiet_hours_enabled?: boolean
          quiet_hours_end?: string
          quiet_hours_start?: string
          quiet_hours_time_zone?: string
          show_link_previews?: boolean
          theme?: string
          updated_at?: string
        }
        Update: {
          allow_dms_from_server_members?: boolean
          friend_requests_from?: string
          locale?: string
          preferred_status?: Database["public"]["Enums"]["presence_status"]
          profile_id?: string
          quiet_hours_enabled?: boolean
          quiet_hours_end?: string
          quiet_hours_start?: string
          quiet_hours_time_zone?: string
          show_link_previews?: boolean
          theme?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "user_settings_profile_id_fkey"
            columns: ["profile_id"]
            isOneToOne: true
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      webhooks: {
        Row: {
          avatar_url: string | null
          channel_id: string
          created_at: string
          created_by: string | null
          id: string
          mention_everyone: boolean
          name: string
          server_id: string
          token_hash: string
        }
        Insert: {
          avatar_url?: string | null
          channel_id: string
          created_at?: string
          created_by?: string | null
          id?: string
          mention_everyone?: boolean
          name: string
          server_id: string
          token_hash: string
        }
        Update: {
          avatar_url?: string | null
          channel_id?: string
          created_at?: string
          created_by?: string | null
          id?: string
          mention_everyone?: boolean
          name?: string
          server_id?: string
          token_hash?: string
        }
        Relationships: [
          {
            foreignKeyName: "webhooks_channel_id_fkey"
            columns: ["channel_id"]
            isOneToOne: false
            referencedRelation: "channels"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "webhooks_created_by_fkey"
            columns: ["created_by"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "webhooks_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "public_server_directory"
            referencedColumns: ["server_id"]
          },
          {
            foreignKeyName: "webhooks_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "server_member_counts"
            referencedColumns: ["server_id"]
          },
          {
            foreignKeyName: "webhooks_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "servers"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "webhooks_server_id_fkey"
            columns: ["server_id"]
            isOneToOne: false
            referencedRelation: "trending_servers"
            referencedColumns: ["server_id"]
          },
        ]
      }
    }
    Views: {
      public_server_directory: {
        Row: {
          banner_url: string | null
          created_at: string | null
          description: string | null
          icon_url: string | null
          member_count: number | null
          name: string | null
          online_count: number | null
          server_id: string | null
        }
        Insert: {
          banner_url?: string | null
          created_at?: string | null
          description?: string | null
          icon_url?: string | null
          member_count?: number | null
          name?: string | null
          online_count?: number | null
          server_id?: string | null
        }
        Update: {
          banner_url?: string | null
          created_at?: string | null
          description?: string | null
          icon_url?: string | null
          member_count?: number | null
          name?: string | null
          online_count?: number | null
          server_id?: string | null
        }
        Relationships: []
      }
      server_member_counts: {
        Row: {
          member_count: number | null
          online_count: number | null
          server_id: string | null
        }
        Insert: {
          member_count?: number | null
          online_count?: number | null
          server_id?: string | null
        }
        Update: {
          member_count?: number | null
          online_count?: number | null
          server_id?: string | null
        }
        Relationships: []
      }
      trending_servers: {
        Row: {
          active_member_days_7d: number | null
          description: string | null
          icon_url: string | null
          messages_7d: number | null
          name: string | null
          rank: number | null
          score: number | null
          server_id: string | null
        }
        Insert: {
          active_member_days_7d?: number | null
          description?: string | null
          icon_url?: string | null
          messages_7d?: number | null
          name?: string | null
          rank?: number | null
          score?: number | null
          server_id?: string | null
        }
        Update: {
          active_member_days_7d?: number | null
          description?: string | null
          icon_url?: string | null
          messages_7d?: number | null
          name?: string | null
          rank?: number | null
          score?: number | null
          server_id?: string | null
        }
        Relationships: []
      }
    }
    Functions: {
      accept_friend_request: {
        Args: { p_request_id: string }
        Returns: undefined
      }
      add_group_dm_recipient: {
        Args: { p_channel_id: string; p_profile_id: string }
        Returns: undefined
      }
      all_permissions: { Args: Record<PropertyKey, never>; Returns: number }
      answer_dm_call: {
        Args: { p_accept: boolean; p_call_id: string }
        Returns: {
          answered_at: string | null
          callee_id: string | null
          caller_id: string
          channel_id: string
          created_at: string
          ended_at: string | null
          id: string
          status: string
        }
        SetofOptions: {
          from: "*"
          to: "dm_calls"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      are_friends: { Args: { p_a: string; p_b: string }; Returns: boolean }
      assign_role: {
        Args: { p_profile_id: string; p_role_id: string; p_server_id: string }
        Returns: undefined
      }
      attachment_is_valid: {
        Args: { p_attachment: Json; p_channel_id: string }
        Returns: boolean
      }
      attachment_whole_number_is_valid: {
        Args: { p_high: number; p_low: number; p_value: Json }
        Returns: boolean
      }
      attachments_are_valid: {
        Args: { p_attachments: Json; p_channel_id: string }
        Returns: boolean
      }
      audit_changes: {
        Args: { p_after: Json; p_before: Json; p_ignore: string[] }
        Returns: Json
      }
      ban_member: {
        Args: {
          p_delete_message_seconds?: number
          p_profile_id: string
          p_reason?: string
          p_server_id: string
        }
        Returns: undefined
      }
      block_user: { Args: { p_profile_id: string }; Returns: undefined }
      bot_token_account: {
        Args: { p_token: string }
        Returns: {
          bot_id: string
          profile_id: string
          user_id: string
        }[]
      }
      can_react: {
        Args: { p_emoji: string; p_message_id: string }
        Returns: boolean
      }
      can_reply_to: {
        Args: { p_channel_id: string; p_message_id: string }
        Returns: boolean
      }
      channel_commands: {
        Args: { p_channel_id: string }
        Returns: {
          bot_id: string
          bot_name: string
          bot_profile_id: string
          description: string
          id: string
          name: string
          options: Json
        }[]
      }
      channel_ids_with: { Args: { p_required: number }; Returns: string[] }
      channel_name: {
        Args: {
          p_name: string
          p_type: Database["public"]["Enums"]["channel_type"]
        }
        Returns: string
      }
      channel_permissions: {
        Args: { p_channel_id: string; p_profile_id: string }
        Returns: number
      }
      check_category: {
        Args: { p_category_id: string; p_server_id: string }
        Returns: string
      }
      check_length: {
        Args: { p_label: string; p_max: number; p_value: string }
        Returns: string
      }
      check_permission_mask: {
        Args: { p_label: string; p_mask: number }
        Returns: number
      }
      claim_federation_jobs: {
        Args: { p_limit?: number; p_worker: string }
        Returns: unknown[]
        SetofOptions: {
          from: "*"
          to: "federation_jobs"
          isOneToOne: false
          isSetofReturn: true
        }
      }
      claim_one_time_key: {
        Args: { p_device_id: string }
        Returns: {
          key_id: string
          public_key: string
        }[]
      }
      clean_name: {
        Args: { p_label: string; p_max: number; p_value: string }
        Returns: string
      }
      close_dm: { Args: { p_channel_id: string }; Returns: undefined }
      complete_federation_job: {
        Args: { p_error?: string; p_id: number }
        Returns: Database["public"]["Enums"]["federation_job_status"]
      }
      compute_channel_permissions: {
        Args: {
          everyone: number
          everyone_allow: number
          everyone_deny: number
          is_owner: boolean
          member_allow: number
          member_deny: number
          role_permissions: number[]
          roles_allow: number
          roles_deny: number
          timed_out: boolean
        }
        Returns: number
      }
      create_bot: {
        Args: { p_description?: string; p_name: string }
        Returns: {
          bot_id: string
          token: string
        }[]
      }
      create_bot_token: { Args: { p_bot_id: string }; Returns: string }
      create_category: {
        Args: { p_name: string; p_server_id: string }
        Returns: string
      }
      create_channel: {
        Args: {
          p_category_id?: string
          p_name: string
          p_server_id: string
          p_topic?: string
          p_type: Database["public"]["Enums"]["channel_type"]
        }
        Returns: string
      }
      create_group_dm: {
        Args: { p_name?: string; p_profile_ids: string[] }
        Returns: string
      }
      create_invite: {
        Args: {
          p_channel_id?: string
          p_expires_in_seconds?: number
          p_max_uses?: number
          p_server_id: string
          p_temporary?: boolean
        }
        Returns: string
      }
      create_role: {
        Args: {
          p_color?: number
          p_name: string
          p_permissions: number
          p_server_id: string
        }
        Returns: string
      }
      create_server: {
        Args: { p_description?: string; p_icon_url?: string; p_name: string }
        Returns: string
      }
      create_thread: {
        Args: {
          p_auto_archive_minutes?: number
          p_channel_id: string
          p_message_id?: string
          p_name: string
        }
        Returns: string
      }
      create_webhook: {
        Args: {
          p_channel_id: string
          p_mention_everyone?: boolean
          p_name: string
        }
        Returns: {
          token: string
          webhook_id: string
        }[]
      }
      default_everyone_permissions: {
        Args: Record<PropertyKey, never>
        Returns: number
      }
      delete_category: { Args: { p_category_id: string }; Returns: undefined }
      delete_channel: { Args: { p_channel_id: string }; Returns: undefined }
      delete_channel_overwrite: {
        Args: {
          p_channel_id: string
          p_target_id: string
          p_target_type: Database["public"]["Enums"]["overwrite_target"]
        }
        Returns: undefined
      }
      delete_message: { Args: { p_message_id: string }; Returns: undefined }
      delete_my_account: {
        Args: {
          p_code?: string
          p_delete_messages?: boolean
          p_password?: string
        }
        Returns: Json
      }
      delete_role: { Args: { p_role_id: string }; Returns: undefined }
      delete_server: { Args: { p_server_id: string }; Returns: undefined }
      delete_webhook: { Args: { p_webhook_id: string }; Returns: undefined }
      device_can_read_channel: {
        Args: { p_channel_id: string; p_device_id: string }
        Returns: boolean
      }
      end_dm_call: {
        Args: { p_call_id: string }
        Returns: {
          answered_at: string | null
          callee_id: string | null
          caller_id: string
          channel_id: string
          created_at: string
          ended_at: string | null
          id: string
          status: string
        }
        SetofOptions: {
          from: "*"
          to: "dm_calls"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      end_temporary_memberships: {
        Args: Record<PropertyKey, never>
        Returns: string[]
      }
      execute_webhook: {
        Args: {
          p_avatar_url?: string
          p_content: string
          p_embeds?: Json
          p_token: string
          p_username?: string
          p_webhook_id: string
        }
        Returns: {
          message_id: string
          retry_after_ms: number
        }[]
      }
      export_my_data: { Args: Record<PropertyKey, never>; Returns: Json }
      federation_admin_settings: {
        Args: Record<PropertyKey, never>
        Returns: {
          blocked_domains: string[]
          paused: boolean
        }[]
      }
      follow_remote: {
        Args: { p_profile_id: string }
        Returns: {
          activity_uri: string | null
          created_at: string
          followee_id: string
          follower_id: string
          id: string
          state: string
          updated_at: string
        }
        SetofOptions: {
          from: "*"
          to: "remote_follows"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      get_current_profile_id: {
        Args: Record<PropertyKey, never>
        Returns: string
      }
      get_dm_call_token: { Args: { p_call_id: string }; Returns: Json }
      get_invite_preview: {
        Args: { p_code: string }
        Returns: {
          expired: boolean
          expires_at: string
          icon_url: string
          member_count: number
          name: string
          server_id: string
        }[]
      }
      get_livekit_token: { Args: { p_channel_id: string }; Returns: Json }
      get_messages: {
        Args: {
          p_after_seq?: number
          p_before_seq?: number
          p_channel_id: string
          p_limit?: number
        }
        Returns: {
          attachments: NonNullable<Json>
          author_avatar_url: string | null
          author_id: string | null
          author_name: string | null
          channel_id: string
          content: string
          created_at: string
          deleted_at: string | null
          edited_at: string | null
          embeds: NonNullable<Json>
          id: string
          mention_everyone: boolean
          mention_profile_ids: string[]
          mention_role_ids: string[]
          nonce: string | null
          pinned_at: string | null
          pinned_by: string | null
          reply_to_id: string | null
          search_vector: unknown
          seq: number
          suppress_embeds: boolean
          type: Database["public"]["Enums"]["message_type"]
          webhook_id: string | null
        }[]
        SetofOptions: {
          from: "*"
          to: "messages"
          isOneToOne: false
          isSetofReturn: true
        }
      }
      get_unread_state: {
        Args: Record<PropertyKey, never>
        Returns: {
          channel_id: string
          last_message_seq: number
          last_read_seq: number
          mention_count: number
          server_id: string
          unread_count: number
        }[]
      }
      has_channel_permission: {
        Args: { p_channel_id: string; p_permission: number }
        Returns: boolean
      }
      has_server_permission: {
        Args: { p_permission: number; p_server_id: string }
        Returns: boolean
      }
      install_bot: {
        Args: { p_bot_id: string; p_permissions?: number; p_server_id: string }
        Returns: string
      }
      invoke_command: {
        Args: { p_channel_id: string; p_command_id: string; p_options?: Json }
        Returns: string
      }
      is_instance_admin: { Args: Record<PropertyKey, never>; Returns: boolean }
      is_reserved_username: { Args: { p_username: string }; Returns: boolean }
      is_server_member: { Args: { p_server_id: string }; Returns: boolean }
      issue_bot_token: { Args: { p_bot_id: string }; Returns: string }
      join_remote_server: { Args: { p_address: string }; Returns: string }
      join_server_by_invite: { Args: { p_code: string }; Returns: string }
      join_thread: { Args: { p_thread_id: string }; Returns: undefined }
      kick_member: {
        Args: { p_profile_id: string; p_reason?: string; p_server_id: string }
        Returns: undefined
      }
      leave_group_dm: { Args: { p_channel_id: string }; Returns: undefined }
      leave_server: { Args: { p_server_id: string }; Returns: undefined }
      leave_thread: { Args: { p_thread_id: string }; Returns: undefined }
      list_reports: {
        Args: {
          p_before_id?: number
          p_limit?: number
          p_server_id: string
          p_status?: Database["public"]["Enums"]["report_status"]
        }
        Returns: {
          channel_id: string | null
          created_at: string
          details: string | null
          id: number
          message_content: string | null
          message_id: string | null
          reason: Database["public"]["Enums"]["report_reason"]
          reporter_id: string | null
          resolution: string | null
          resolution_note: string | null
          resolved_at: string | null
          resolved_by: string | null
          server_id: string
          status: Database["public"]["Enums"]["report_status"]
          target_id: string
        }[]
        SetofOptions: {
          from: "*"
          to: "reports"
          isOneToOne: false
          isSetofReturn: true
        }
      }
      list_threads: {
        Args: {
          p_archived?: boolean
          p_channel_id?: string
          p_limit?: number
          p_server_id?: string
        }
        Returns: Json
      }
      make_friends: { Args: { p_a: string; p_b: string }; Returns: undefined }
      mark_channel_read: {
        Args: { p_channel_id: string; p_seq?: number }
        Returns: number
      }
      mark_notifications_read: { Args: { p_ids?: string[] }; Returns: number }
      member_top_position: {
        Args: { p_profile_id: string; p_server_id: string }
        Returns: number
      }
      message_mentions: {
        Args: { p_author_id: string; p_channel_id: string; p_content: string }
        Returns: Record<string, unknown>
      }
      messaging_caller: { Args: Record<PropertyKey, never>; Returns: string }
      moderate_voice: {
        Args: {
          p_action: string
          p_channel_id: string
          p_profile_id: string
          p_to_channel_id?: string
        }
        Returns: undefined
      }
      my_bot_ids: { Args: Record<PropertyKey, never>; Returns: string[] }
      my_device_ids: { Args: Record<PropertyKey, never>; Returns: string[] }
      my_dm_channel_ids: { Args: Record<PropertyKey, never>; Returns: string[] }
      my_friend_ids: { Args: Record<PropertyKey, never>; Returns: string[] }
      my_group_dm_for_update: {
        Args: { p_channel_id: string }
        Returns: {
          category_id: string | null
          created_at: string
          icon_url: string | null
          id: string
          is_encrypted: boolean
          name: string | null
          nsfw: boolean
          owner_id: string | null
          parent_id: string | null
          position: number
          server_id: string | null
          slowmode_seconds: number
          topic: string | null
          type: Database["public"]["Enums"]["channel_type"]
          updated_at: string
          user_limit: number
        }
        SetofOptions: {
          from: "*"
          to: "channels"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      my_open_dm_call_ids: {
        Args: Record<PropertyKey, never>
        Returns: string[]
      }
      my_server_ids: { Args: Record<PropertyKey, never>; Returns: string[] }
      my_server_ids_with: { Args: { p_any_of: number }; Returns: string[] }
      notification_level_for: {
        Args: { p_channel_id: string; p_profile_id: string }
        Returns: Database["public"]["Enums"]["notification_level"]
      }
      notify_message: {
        Args: {
          p_everyone: boolean
          p_is_new: boolean
          p_message: Database["public"]["Tables"]["messages"]["Row"]
          p_profile_ids: string[]
          p_role_ids: string[]
        }
        Returns: undefined
      }
      open_dm: { Args: { p_profile_id: string }; Returns: string }
      open_remote_dm: { Args: { p_profile_id: string }; Returns: string }
      outranks: {
        Args: { p_actor: string; p_server_id: string; p_target: string }
        Returns: boolean
      }
      permission: { Args: { flag: string }; Returns: number }
      pin_message: { Args: { p_message_id: string }; Returns: undefined }
      private_channel_permissions: {
        Args: { p_channel_id: string; p_profile_id: string }
        Returns: number
      }
      queue_federation_job: {
        Args: { p_kind: string; p_payload: Json; p_target_domain?: string }
        Returns: number
      }
      random_invite_code: { Args: Record<PropertyKey, never>; Returns: string }
      readable_channel_ids: {
        Args: Record<PropertyKey, never>
        Returns: string[]
      }
      readable_message_for_update: {
        Args: { p_message_id: string }
        Returns: {
          attachments: NonNullable<Json>
          author_avatar_url: string | null
          author_id: string | null
          author_name: string | null
          channel_id: string
          content: string
          created_at: string
          deleted_at: string | null
          edited_at: string | null
          embeds: NonNullable<Json>
          id: string
          mention_everyone: boolean
          mention_profile_ids: string[]
          mention_role_ids: string[]
          nonce: string | null
          pinned_at: string | null
          pinned_by: string | null
          reply_to_id: string | null
          search_vector: unknown
          seq: number
          suppress_embeds: boolean
          type: Database["public"]["Enums"]["message_type"]
          webhook_id: string | null
        }
        SetofOptions: {
          from: "*"
          to: "messages"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      realtime_topic_id: { Args: { p_kind: string }; Returns: string }
      refresh_server_activity: { Args: { p_day: string }; Returns: number }
      regenerate_bot_token: { Args: { p_bot_id: string }; Returns: string }
      regenerate_webhook_token: {
        Args: { p_webhook_id: string }
        Returns: string
      }
      register_commands: {
        Args: { p_commands: Json; p_server_id: string }
        Returns: {
          bot_id: string
          created_at: string
          default_member_permissions: number | null
          description: string
          id: string
          name: string
          options: NonNullable<Json>
          server_id: string | null
        }[]
        SetofOptions: {
          from: "*"
          to: "application_commands"
          isOneToOne: false
          isSetofReturn: true
        }
      }
      register_push_subscription: {
        Args: {
          p_auth: string
          p_device_name?: string
          p_endpoint: string
          p_p256dh: string
        }
        Returns: string
      }
      remote_lookup_result: {
        Args: { p_lookup_id: string }
        Returns: {
          error: string
          profile_id: string
          status: string
        }[]
      }
      remove_reaction: {
        Args: { p_emoji: string; p_message_id: string; p_profile_id: string }
        Returns: undefined
      }
      remove_role: {
        Args: { p_profile_id: string; p_role_id: string; p_server_id: string }
        Returns: undefined
      }
      reorder_channels: {
        Args: { p_channel_ids: string[]; p_server_id: string }
        Returns: undefined
      }
      reorder_roles: {
        Args: { p_role_ids: string[]; p_server_id: string }
        Returns: undefined
      }
      report_details: { Args: { p_details: string }; Returns: string }
      report_member: {
        Args: {
          p_details?: string
          p_profile_id: string
          p_reason: Database["public"]["Enums"]["report_reason"]
          p_server_id: string
        }
        Returns: number
      }
      report_message: {
        Args: {
          p_details?: string
          p_message_id: string
          p_reason: Database["public"]["Enums"]["report_reason"]
        }
        Returns: number
      }
      report_reviewer_permissions: {
        Args: Record<PropertyKey, never>
        Returns: number
      }
      request_remote_lookup: { Args: { p_handle: string }; Returns: string }
      require_category: { Args: { p_category_id: string }; Returns: string }
      require_channel_permission: {
        Args: { p_channel_id: string; p_flag: string }
        Returns: string
      }
      require_grantable: {
        Args: { p_actor: string; p_bits: number; p_server_id: string }
        Returns: undefined
      }
      require_manageable_role: {
        Args: { p_role_id: string }
        Returns: {
          color: number
          created_at: string
          hoist: boolean
          id: string
          managed: boolean
          mentionable: boolean
          name: string
          permissions: number
          position: number
          server_id: string
        }
        SetofOptions: {
          from: "*"
          to: "roles"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      require_member: {
        Args: { p_profile_id: string; p_server_id: string }
        Returns: undefined
      }
      require_moderatable: {
        Args: { p_actor: string; p_server_id: string; p_target: string }
        Returns: undefined
      }
      require_overwrite_change: {
        Args: { p_changed: number; p_channel_id: string }
        Returns: undefined
      }
      require_report_reviewer: {
        Args: { p_server_id: string }
        Returns: string
      }
      require_role_change: {
        Args: { p_profile_id: string; p_role_id: string; p_server_id: string }
        Returns: undefined
      }
      require_server_member: { Args: { p_server_id: string }; Returns: string }
      require_server_permission: {
        Args: { p_flag: string; p_server_id: string }
        Returns: string
      }
      require_signed_in: { Args: Record<PropertyKey, never>; Returns: string }
      resolve_report: {
        Args: {
          p_action: string
          p_delete_message_seconds?: number
          p_note?: string
          p_report_id: number
          p_timeout_seconds?: number
        }
        Returns: undefined
      }
      respond_to_interaction: {
        Args: {
          p_content?: string
          p_embeds?: Json
          p_ephemeral?: boolean
          p_interaction_id: string
          p_kind: string
        }
        Returns: string
      }
      revoke_bot_token: { Args: { p_token_id: string }; Returns: undefined }
      revoke_invite: { Args: { p_code: string }; Returns: undefined }
      search_messages: {
        Args: {
          p_channel_id?: string
          p_limit?: number
          p_query: string
          p_server_id?: string
        }
        Returns: {
          attachments: NonNullable<Json>
          author_avatar_url: string | null
          author_id: string | null
          author_name: string | null
          channel_id: string
          content: string
          created_at: string
          deleted_at: string | null
          edited_at: string | null
          embeds: NonNullable<Json>
          id: string
          mention_everyone: boolean
          mention_profile_ids: string[]
          mention_role_ids: string[]
          nonce: string | null
          pinned_at: string | null
          pinned_by: string | null
          reply_to_id: string | null
          search_vector: unknown
          seq: number
          suppress_embeds: boolean
          type: Database["public"]["Enums"]["message_type"]
          webhook_id: string | null
        }[]
        SetofOptions: {
          from: "*"
          to: "messages"
          isOneToOne: false
          isSetofReturn: true
        }
      }
      send_friend_request: { Args: { p_username: string }; Returns: string }
      send_notification: {
        Args: {
          p_actor_id?: string
          p_channel_id?: string
          p_data?: Json
          p_message_id?: string
          p_recipient_id: string
          p_server_id?: string
          p_type: Database["public"]["Enums"]["notification_type"]
        }
        Returns: string
      }
      server_federation_state: {
        Args: { p_server_id: string }
        Returns: {
          federated: boolean
          remote_domain: string
        }[]
      }
      server_member_stats: {
        Args: { p_server_id: string }
        Returns: {
          member_count: number
          online_count: number
        }[]
      }
      server_permissions: {
        Args: { p_profile_id: string; p_server_id: string }
        Returns: number
      }
      set_audit_reason: { Args: { p_reason: string }; Returns: undefined }
      set_channel_layout: {
        Args: {
          p_category_ids: string[]
          p_channels: Json
          p_server_id: string
        }
        Returns: undefined
      }
      set_channel_overwrite: {
        Args: {
          p_allow: number
          p_channel_id: string
          p_deny: number
          p_target_id: string
          p_target_type: Database["public"]["Enums"]["overwrite_target"]
        }
        Returns: undefined
      }
      set_federation_paused: { Args: { p_paused: boolean }; Returns: boolean }
      set_instance_blocked: {
        Args: { p_blocked: boolean; p_domain: string }
        Returns: {
          created_at: string
          domain: string
          id: string
          last_seen_at: string | null
          shared_inbox_url: string | null
          software: string | null
          software_version: string | null
          status: string
          trusted: boolean
        }
        SetofOptions: {
          from: "*"
          to: "federated_instances"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      set_livekit_config: {
        Args: { p_api_key: string; p_api_secret: string; p_server_url: string }
        Returns: undefined
      }
      set_message_pinned: {
        Args: { p_message_id: string; p_pinned: boolean }
        Returns: undefined
      }
      set_nickname: {
        Args: { p_nickname: string; p_profile_id: string; p_server_id: string }
        Returns: undefined
      }
      set_presence: {
        Args: { p_status: Database["public"]["Enums"]["presence_status"] }
        Returns: Database["public"]["Enums"]["presence_status"]
      }
      set_server_federated: {
        Args: { p_federated: boolean; p_server_id: string }
        Returns: boolean
      }
      set_system_channel: {
        Args: { p_channel_id: string; p_server_id: string }
        Returns: undefined
      }
      shares_space_with: { Args: { p_profile_id: string }; Returns: boolean }
      start_dm_call: {
        Args: { p_channel_id: string }
        Returns: {
          answered_at: string | null
          callee_id: string | null
          caller_id: string
          channel_id: string
          created_at: string
          ended_at: string | null
          id: string
          status: string
        }
        SetofOptions: {
          from: "*"
          to: "dm_calls"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      suppress_message_embeds: {
        Args: { p_message_id: string; p_suppress?: boolean }
        Returns: undefined
      }
      sync_mention_notifications: {
        Args: Record<PropertyKey, never>
        Returns: number
      }
      thread_participants: {
        Args: { p_thread_id: string }
        Returns: {
          joined_at: string
          profile_id: string
        }[]
      }
      timeout_member: {
        Args: {
          p_profile_id: string
          p_reason?: string
          p_seconds: number
          p_server_id: string
        }
        Returns: undefined
      }
      touch_presence: { Args: { p_push_endpoint?: string }; Returns: undefined }
      transfer_server_ownership: {
        Args: { p_new_owner: string; p_server_id: string }
        Returns: undefined
      }
      try_uuid: { Args: { p_text: string }; Returns: string }
      unban_member: {
        Args: { p_profile_id: string; p_server_id: string }
        Returns: undefined
      }
      unfollow_remote: { Args: { p_profile_id: string }; Returns: boolean }
      unpin_message: { Args: { p_message_id: string }; Returns: undefined }
      update_category: {
        Args: { p_category_id: string; p_name?: string; p_position?: number }
        Returns: undefined
      }
      update_channel: {
        Args: {
          p_category_id?: string
          p_channel_id: string
          p_name?: string
          p_nsfw?: boolean
          p_slowmode_seconds?: number
          p_topic?: string
          p_user_limit?: number
        }
        Returns: undefined
      }
      update_role: {
        Args: {
          p_color?: number
          p_hoist?: boolean
          p_mentionable?: boolean
          p_name?: string
          p_permissions?: number
          p_role_id: string
        }
        Returns: undefined
      }
      update_server: {
        Args: {
          p_banner_url?: string
          p_default_notification_level?: Database["public"]["Enums"]["notification_level"]
          p_description?: string
          p_icon_url?: string
          p_is_public?: boolean
          p_name?: string
          p_server_id: string
        }
        Returns: undefined
      }
      update_thread: {
        Args: {
          p_archived?: boolean
          p_auto_archive_minutes?: number
          p_locked?: boolean
          p_name?: string
          p_thread_id: string
        }
        Returns: undefined
      }
      username_available: { Args: { p_username: string }; Returns: boolean }
      verify_bot_token: { Args: { p_token: string }; Returns: string }
      visible_channel_ids: {
        Args: Record<PropertyKey, never>
        Returns: string[]
      }
    }
    Enums: {
      audit_action:
        | "server_update"
        | "channel_create"
        | "channel_update"
        | "channel_delete"
        | "role_create"
        | "role_update"
        | "role_delete"
        | "member_role_update"
        | "overwrite_update"
        | "member_kick"
        | "member_ban"
        | "member_unban"
        | "member_timeout"
        | "invite_create"
        | "invite_revoke"
        | "message_delete"
        | "message_pin"
        | "message_unpin"
        | "emoji_create"
        | "emoji_delete"
        | "bot_add"
        | "bot_remove"
        | "category_create"
        | "category_update"
        | "category_delete"
        | "member_update"
        | "report_resolve"
        | "channel_reorder"
        | "role_reorder"
      channel_type: "text" | "voice" | "dm" | "group_dm" | "thread"
      encryption_mode: "disabled" | "optional" | "required"
      federation_job_status: "pending" | "processing" | "done" | "failed"
      message_type:
        | "default"
        | "reply"
        | "member_join"
        | "pin_notice"
        | "system"
      notification_level: "all" | "mentions" | "nothing"
      notification_type:
        | "mention"
        | "reply"
        | "direct_message"
        | "friend_request"
        | "friend_accept"
        | "server_invite"
        | "reaction"
        | "system"
      overwrite_target: "role" | "member"
      presence_status: "online" | "idle" | "dnd" | "invisible" | "offline"
      report_reason:
        | "spam"
        | "harassment"
        | "hate"
        | "sexual_content"
        | "violence"
        | "self_harm"
        | "impersonation"
        | "other"
      report_status: "open" | "resolved" | "dismissed"
    }
    CompositeTypes: {
      [_ in never]: never
    }
  }
}

type DatabaseWithoutInternals = Omit<Database, "__InternalSupabase">

type DefaultSchema = DatabaseWithoutInternals[Extract<keyof Database, "public">]

export type Tables<
  DefaultSchemaTableNameOrOptions extends
    | keyof (DefaultSchema["Tables"] & DefaultSchema["Views"])
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
        DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
      DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])[TableName] extends {
      Row: infer R
    }
    ? R
    : never
  : DefaultSchemaTableNameOrOptions extends keyof (DefaultSchema["Tables"] &
        DefaultSchema["Views"])
    ? (DefaultSchema["Tables"] &
        DefaultSchema["Views"])[DefaultSchemaTableNameOrOptions] extends {
        Row: infer R
      }
      ? R
      : never
    : never

export type TablesInsert<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Insert: infer I
    }
    ? I
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Insert: infer I
      }
      ? I
      : never
    : never

export type TablesUpdate<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Update: infer U
    }
    ? U
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Update: infer U
      }
      ? U
      : never
    : never

export type Enums<
  DefaultSchemaEnumNameOrOptions extends
    | keyof DefaultSchema["Enums"]
    | { schema: keyof DatabaseWithoutInternals },
  EnumName extends (DefaultSchemaEnumNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"]
    : never) = never,
> = DefaultSchemaEnumNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"][EnumName]
  : DefaultSchemaEnumNameOrOptions extends keyof DefaultSchema["Enums"]
    ? DefaultSchema["Enums"][DefaultSchemaEnumNameOrOptions]
    : never

export type CompositeTypes<
  PublicCompositeTypeNameOrOptions extends
    | keyof DefaultSchema["CompositeTypes"]
    | { schema: keyof DatabaseWithoutInternals },
  CompositeTypeName extends (PublicCompositeTypeNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"]
    : never) = never,
> = PublicCompositeTypeNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"][CompositeTypeName]
  : PublicCompositeTypeNameOrOptions extends keyof DefaultSchema["CompositeTypes"]
    ? DefaultSchema["CompositeTypes"][PublicCompositeTypeNameOrOptions]
    : never

export const Constants = {
  public: {
    Enums: {
      audit_action: [
        "server_update",
        "channel_create",
        "channel_update",
        "channel_delete",
        "role_create",
        "role_update",
        "role_delete",
        "member_role_update",
        "overwrite_update",
        "member_kick",
        "member_ban",
        "member_unban",
        "member_timeout",
        "invite_create",
        "invite_revoke",
        "message_delete",
        "message_pin",
        "message_unpin",
        "emoji_create",
        "emoji_delete",
        "bot_add",
        "bot_remove",
        "category_create",
        "category_update",
        "category_delete",
        "member_update",
        "report_resolve",
        "channel_reorder",
        "role_reorder",
      ],
      channel_type: ["text", "voice", "dm", "group_dm", "thread"],
      encryption_mode: ["disabled", "optional", "required"],
      federation_job_status: ["pending", "processing", "done", "failed"],
      message_type: ["default", "reply", "member_join", "pin_notice", "system"],
      notification_level: ["all", "mentions", "nothing"],
      notification_type: [
        "mention",
        "reply",
        "direct_message",
        "friend_request",
        "friend_accept",
        "server_invite",
        "reaction",
        "system",
      ],
      overwrite_target: ["role", "member"],
      presence_status: ["online", "idle", "dnd", "invisible", "offline"],
      report_reason: [
        "spam",
        "harassment",
        "hate",
        "sexual_content",
        "violence",
        "self_harm",
        "impersonation",
        "other",
      ],
      report_status: ["open", "resolved", "dismissed"],
    },
  },
} as const


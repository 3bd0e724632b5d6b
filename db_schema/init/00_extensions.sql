-- Extensions Harmony needs beyond the platform defaults. Supabase keeps them in schema
-- `extensions`; pgcrypto (hmac, digest, gen_random_bytes) is already there on every target.
create extension if not exists pg_trgm with schema extensions;
create extension if not exists pgcrypto with schema extensions;

-- The federation delivery queue's interface. Only the federation worker (service_role) and
-- other SECURITY DEFINER functions (which run as the owner) may execute these.

-- Enqueues a delivery. Nothing is queued for a blocked instance: the result is then null.
create function public.queue_federation_job(p_kind text, p_payload jsonb, p_target_domain text default null)
returns bigint
language plpgsql
security definer
set search_path = ''
as $$
declare
  target text := lower(btrim(p_target_domain));
  created bigint;
begin
  if p_kind is null or p_kind !~ '^[a-z][a-z0-9_.]{0,63}$' then
    raise exception 'job kind must be 1 to 64 characters of a-z, 0-9, _ and ., starting with a letter'
      using errcode = '22023';
  end if;
  if p_payload is null or jsonb_typeof(p_payload) <> 'object' then
    raise exception 'job payload must be a JSON object' using errcode = '22023';
  end if;
  if target = '' then
    raise exception 'target domain must not be empty' using errcode = '22023';
  end if;
  if exists (select 1 from public.federated_instances i where i.domain = target and i.status = 'blocked') then
    return null;
  end if;
  insert into public.federation_jobs (kind, payload, target_domain)
  values (p_kind, p_payload, target)
  returning id into created;
  return created;
end;
$$;

-- Hands up to p_limit due jobs to one worker and marks them processing. SKIP LOCKED lets
-- workers claim concurrently; a job whose worker vanished (locked for over 15 minutes) is
-- due again. Jobs for instances blocked since they were queued fail instead of going out.
create function public.claim_federation_jobs(p_worker text, p_limit integer default 10)
returns setof public.federation_jobs
language plpgsql
security definer
set search_path = ''
as $$
begin
  if p_worker is null or char_length(btrim(p_worker)) not between 1 and 128 then
    raise exception 'worker id must be 1 to 128 characters' using errcode = '22023';
  end if;
  if p_limit is null or p_limit not between 1 and 1000 then
    raise exception 'limit must be between 1 and 1000' using errcode = '22023';
  end if;

  update public.federation_jobs j
     set status = 'failed', locked_at = null, locked_by = null, last_error = 'target instance is blocked'
    from public.federated_instances i
   where i.domain = j.target_domain and i.status = 'blocked'
     and (j.status = 'pending' or (j.status = 'processing' and j.locked_at < now() - interval '15 minutes'));

  return query
    update public.federation_jobs j
       set status = 'processing', locked_at = now(), locked_by = p_worker, attempts = j.attempts + 1
     where j.id in (
       select d.id from public.federation_jobs d
        where (d.status = 'pending' and d.next_attempt_at <= now())
           or (d.status = 'processing' and d.locked_at < now() - interval '15 minutes')
        order by d.next_attempt_at, d.id
        limit p_limit
        for update skip locked)
    returning j.*;
end;
$$;

-- Reports a claimed job's outcome. A failure is retried with exponential backoff (30 s,
-- 1 min, 2 min, … capped at 6 h) until max_attempts, then the job stays failed.
create function public.complete_federation_job(p_id bigint, p_error text default null)
returns public.federation_job_status
language plpgsql
security definer
set search_path = ''
as $$
declare
  job public.federation_jobs;
begin
  select * into job from public.federation_jobs j where j.id = p_id for update;
  if not found or job.status <> 'processing' then
    raise exception 'federation job % is not being processed', p_id using errcode = 'P0002';
  end if;
  if p_error is null then
    update public.federation_jobs j
       set status = 'done', locked_at = null, locked_by = null, last_error = null
     where j.id = p_id;
    return 'done';
  end if;
  if job.attempts >= job.max_attempts then
    update public.federation_jobs j
       set status = 'failed', locked_at = null, locked_by = null, last_error = left(p_error, 2000)
     where j.id = p_id;
    return 'failed';
  end if;
  update public.federation_jobs j
     set status = 'pending', locked_at = null, locked_by = null, last_error = left(p_error, 2000),
         next_attempt_at = now() + least(interval '30 seconds' * power(2, job.attempts - 1), interval '6 hours')
   where j.id = p_id;
  return 'pending';
end;
$$;

grant execute on function public.queue_federation_job(text, jsonb, text),
  public.claim_federation_jobs(text, integer), public.complete_federation_job(bigint, text)
  to service_role;

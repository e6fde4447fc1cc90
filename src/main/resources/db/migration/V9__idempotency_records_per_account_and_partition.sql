-- Every decision depends on its own partition's order alone, so that every instance reaches the same
-- state whatever the interleaving of partitions. A record of another account or partition that
-- reuses an id (only a faulty or forged producer writes one) once decided another's fate, by
-- whichever partition was applied first.

-- A command id is its account's own. The id stays first: GET /commands/{id} looks it up alone.
alter table commands drop constraint commands_pkey, add primary key (command_id, account_id);

-- An applied follow-up id is its partition's own. Rows from before V5 kept no partition: -1 here,
-- and they count on every partition.
update applied_follow_ups set event_partition = -1 where event_partition is null;
alter table applied_follow_ups alter column event_partition set not null,
    drop constraint applied_follow_ups_pkey, add primary key (event_id, event_partition);

-- Where each outbox entry is applied: only a follow-up applied there is the entry's (null before V9:
-- any).
alter table pending_follow_ups add column target_partition int;

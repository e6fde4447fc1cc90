-- Whether an outbox entry was ever handed to the broker. One that was not (decided while catching up,
-- or past the publisher's window) keeps in published_at the time it was decided, and is due as soon
-- as every partition of the topic has been applied up to where it stood after that (a copy already
-- on the topic is then applied, and the entry deleted), or at the latest after the retry interval,
-- as a published one is. Entries written before this migration count as published.
alter table pending_follow_ups add column published boolean not null default true;

-- A claim takes the entries of some partitions that are due. Indexed by partition alone, each claim
-- of a catch-up's outbox walked every entry of its partitions, those claimed a moment ago included:
-- 0.5 s a claim at 200,000 entries.
create index pending_follow_ups_due on pending_follow_ups (source_partition, published_at);
drop index pending_follow_ups_by_partition;

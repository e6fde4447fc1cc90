-- A claim takes the outbox entries of some partitions that are due: never published (published_at
-- '-infinity', decided while catching up or past the publisher's window) or published longer ago
-- than the retry interval. Indexed by partition alone, each claim of a catch-up's outbox walked
-- every entry of its partitions, those claimed a moment ago included: 0.5 s a claim at 200,000 entries.
create index pending_follow_ups_due on pending_follow_ups (source_partition, published_at);
drop index pending_follow_ups_by_partition;

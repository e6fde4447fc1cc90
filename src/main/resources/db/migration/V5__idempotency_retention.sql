-- Idempotency records expire by event time (LEDGER_IDEMPOTENCY_RETENTION): each keeps the partition
-- and the event time (microseconds since the epoch) of the event that made it, and each partition
-- its newest event time. Every applying transaction deletes, per partition of its batch, the records
-- older than that partition's newest event time minus the retention: the index serves that delete.
-- Rows written before this migration have no event time and are never deleted.
alter table commands add column event_partition int, add column event_micros bigint;
create index commands_by_event_time on commands (event_partition, event_micros);

alter table applied_follow_ups add column event_partition int, add column event_micros bigint;
create index applied_follow_ups_by_event_time on applied_follow_ups (event_partition, event_micros);

alter table partition_offsets add column newest_event_micros bigint;

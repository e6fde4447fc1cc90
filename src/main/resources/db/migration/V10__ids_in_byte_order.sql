-- Ids compare byte by byte, as replay mode and the digest order them, whatever the database's
-- collation. Under a linguistic one (en_US.UTF-8, an ICU locale) group mode listed accounts, and
-- chose among commands sharing an id, in that collation's order; the digest, which asks for byte
-- order, sorted every account on each request; and under any collation but C itself each index
-- comparison went through the C library's strcoll. Ids are ASCII: their byte order is their order.
-- No column's type changes, so no table is rewritten; their indexes are rebuilt.
alter table accounts alter column account_id type text collate "C";
alter table transfers alter column transfer_id type text collate "C",
    alter column from_account type text collate "C",
    alter column to_account type text collate "C";
alter table commands alter column command_id type text collate "C",
    alter column account_id type text collate "C",
    alter column idempotency_key type text collate "C",
    alter column transfer_id type text collate "C",
    alter column transfer_to type text collate "C";
alter table applied_follow_ups alter column event_id type text collate "C";
alter table pending_follow_ups alter column event_id type text collate "C";
alter table partition_offsets alter column topic type text collate "C";
alter table stalled_partitions alter column topic type text collate "C";

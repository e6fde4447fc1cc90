-- Partitions a group instance holds back at a record the database refuses, so that every instance
-- answers a mutation for them with 503 at once, not only the one applying the partition.
create table stalled_partitions (
    topic       text        not null,
    partition   int         not null,
    next_offset bigint      not null,
    since       timestamptz not null default now(),
    primary key (topic, partition)
);

-- Group mode's state. Money is bigint minor units; ids are the API's ids (ASCII, at most 64).

create table accounts (
    account_id text   primary key,
    owner      text   not null,
    currency   text   not null,
    balance    bigint not null check (balance >= 0),
    version    bigint not null check (version >= 1)
);

-- Assembled from the events of two partitions: see dev.ledger.domain.Transfer.
create table transfers (
    transfer_id  text    primary key,
    from_account text    not null,
    to_account   text    not null,
    amount       bigint  not null check (amount > 0),
    currency     text,
    status       text    not null,
    reason       text,
    requested    boolean not null
);

-- Client commands as first applied: idempotent retries and GET /commands/{id} read them.
-- Snapshots are the account or transfer as the command left them, as JSON.
create table commands (
    command_id       text primary key,
    account_id       text not null,
    idempotency_key  text,
    request_hash     text,
    rejection        text,
    account_snapshot text,
    transfer_snapshot text,
    applied_at       timestamptz not null default now()
);
create index commands_by_idempotency_key on commands (idempotency_key) where idempotency_key is not null;

-- Follow-ups applied, so that one published twice is applied once.
create table applied_follow_ups (
    event_id text primary key
);

-- The outbox: follow-ups decided and not yet applied, published by the owner of source_partition.
create table pending_follow_ups (
    event_id         text        primary key,
    source_partition int         not null,
    event            text        not null,
    published_at     timestamptz not null default now()
);
create index pending_follow_ups_by_partition on pending_follow_ups (source_partition);

-- Per partition, the offset of the next record to apply; written in the transaction that applies.
create table partition_offsets (
    topic       text   not null,
    partition   int    not null,
    next_offset bigint not null,
    primary key (topic, partition)
);

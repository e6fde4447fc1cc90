-- Command results as columns instead of JSON text: a retry needs the balance and version the command
-- left (the account's id, owner and currency never change, and are read from accounts) and the
-- transfer as the command decided it (its sender is the command's account). Narrower rows, and no
-- JSON written for every command applied.
alter table commands
    add column balance            bigint,
    add column version            bigint,
    add column transfer_id        text,
    add column transfer_to        text,
    add column transfer_amount    bigint,
    add column transfer_currency  text,
    add column transfer_status    text,
    add column transfer_reason    text,
    add column transfer_requested boolean,
    add column transfer_reference text;

update commands set
    balance = (account_snapshot::jsonb ->> 'balance')::bigint,
    version = (account_snapshot::jsonb ->> 'version')::bigint
where account_snapshot is not null;

update commands set
    transfer_id        = transfer_snapshot::jsonb ->> 'transferId',
    transfer_to        = transfer_snapshot::jsonb ->> 'to',
    transfer_amount    = (transfer_snapshot::jsonb ->> 'amount')::bigint,
    transfer_currency  = transfer_snapshot::jsonb ->> 'currency',
    transfer_status    = transfer_snapshot::jsonb ->> 'status',
    transfer_reason    = transfer_snapshot::jsonb ->> 'reason',
    transfer_requested = (transfer_snapshot::jsonb ->> 'requested')::boolean,
    transfer_reference = transfer_snapshot::jsonb ->> 'reference'
where transfer_snapshot is not null;

alter table commands drop column account_snapshot, drop column transfer_snapshot;

-- The first statement of every applying transaction: advances the batch's partitions to the offset
-- after the batch, and records each one's newest event time. A partition another consumer already
-- recorded past this batch's first offset (a zombie after a rebalance) raises LG001, which aborts
-- the transaction: its statements are sent together with COMMIT, so the check must fail in SQL.
create function ledger_advance_offsets(batch_topic text, partitions int4[], next_offsets int8[], first_offsets int8[],
                                       newest_micros int8[]) returns void
language plpgsql as $$
declare
    stale int4[];
begin
    with advanced as (
        insert into partition_offsets (topic, partition, next_offset, newest_event_micros)
        select batch_topic, p, n, t from unnest(partitions, next_offsets, newest_micros) as batch(p, n, t)
        on conflict (topic, partition) do update set next_offset = excluded.next_offset,
            newest_event_micros = coalesce(excluded.newest_event_micros, partition_offsets.newest_event_micros)
        where partition_offsets.next_offset <=
            (select f from unnest(partitions, first_offsets) as starts(sp, f) where sp = excluded.partition)
        returning partition)
    select array_agg(p order by p) into stale from unnest(partitions) as p where p not in (select partition from advanced);
    if stale is not null then
        raise exception 'partitions % were applied past this batch by another consumer', stale using errcode = 'LG001';
    end if;
end
$$;

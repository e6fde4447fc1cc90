-- Transfer events carry the client's reference from event version 2 on; transfers applied from
-- version-1 events have none.
alter table transfers add column reference text;

-- A transfer id is decided on its sender's partition alone, so two senders may each use one id:
-- each sender's transfer under an id is a row of its own (see dev.ledger.domain.LedgerView#transfer).
alter table transfers drop constraint transfers_pkey;
alter table transfers add primary key (transfer_id, from_account);

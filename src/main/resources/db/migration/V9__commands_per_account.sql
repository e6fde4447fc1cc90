-- A command id is its account's own: the same id on another account (only a forged or faulty
-- record writes one) is another command. Keyed by the id alone, whichever of two partitions stored
-- it first decided the other's outcome, so two instances could disagree on balances. The id stays
-- first: GET /commands/{id} looks it up alone.
alter table commands drop constraint commands_pkey, add primary key (command_id, account_id);

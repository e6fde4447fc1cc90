package dev.ledger.group;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

@Entity
@Table(name = "commands")
public class CommandEntity extends PanacheEntityBase {

    @Id
    @Column(name = "command_id")
    public String commandId;
    @Column(name = "account_id")
    public String accountId;
    @Column(name = "idempotency_key")
    public String idempotencyKey;
    @Column(name = "request_hash")
    public String requestHash;
    public String rejection;
    @Column(name = "account_snapshot")
    public String accountSnapshot;
    @Column(name = "transfer_snapshot")
    public String transferSnapshot;
}

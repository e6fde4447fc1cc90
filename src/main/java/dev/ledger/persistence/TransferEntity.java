package dev.ledger.persistence;

import dev.ledger.domain.Rejection;
import dev.ledger.domain.Transfer;
import dev.ledger.domain.TransferStatus;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

@Entity
@Table(name = "transfers")
public class TransferEntity extends PanacheEntityBase {

    @Id
    @Column(name = "transfer_id")
    public String transferId;
    @Column(name = "from_account")
    public String from;
    @Column(name = "to_account")
    public String to;
    public long amount;
    public String currency;
    @Enumerated(EnumType.STRING)
    public TransferStatus status;
    @Enumerated(EnumType.STRING)
    public Rejection reason;
    public boolean requested;

    Transfer toTransfer() {
        return new Transfer(transferId, from, to, amount, currency, status, reason, requested);
    }
}

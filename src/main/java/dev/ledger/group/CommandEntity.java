package dev.ledger.group;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import org.hibernate.annotations.NotFound;
import org.hibernate.annotations.NotFoundAction;

/** A row of {@code commands}, read-only here: see {@link CommandRows}. */
@Entity
@Table(name = "commands")
public class CommandEntity extends PanacheEntityBase {

    @Id
    @Column(name = "command_id")
    public String commandId;
    @Column(name = "account_id")
    public String accountId;
    /** For the owner and currency of the account a command left; none for a command on an account that does not exist. */
    @ManyToOne(fetch = FetchType.EAGER)
    @JoinColumn(name = "account_id", insertable = false, updatable = false)
    @NotFound(action = NotFoundAction.IGNORE)
    public AccountEntity account;
    @Column(name = "idempotency_key")
    public String idempotencyKey;
    @Column(name = "request_hash")
    public String requestHash;
    public String rejection;
    public Long balance;
    public Long version;
    @Column(name = "transfer_id")
    public String transferId;
    @Column(name = "transfer_to")
    public String transferTo;
    @Column(name = "transfer_amount")
    public Long transferAmount;
    @Column(name = "transfer_currency")
    public String transferCurrency;
    @Column(name = "transfer_status")
    public String transferStatus;
    @Column(name = "transfer_reason")
    public String transferReason;
    @Column(name = "transfer_requested")
    public Boolean transferRequested;
    @Column(name = "transfer_reference")
    public String transferReference;
}

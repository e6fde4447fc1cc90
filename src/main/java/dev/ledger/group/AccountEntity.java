package dev.ledger.group;

import dev.ledger.domain.Account;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

@Entity
@Table(name = "accounts")
public class AccountEntity extends PanacheEntityBase {

    @Id
    @Column(name = "account_id")
    public String accountId;
    public String owner;
    public String currency;
    public long balance;
    public long version;

    Account toAccount() {
        return new Account(accountId, owner, currency, balance, version);
    }
}

package io.fleetban.controller.allowlist;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** An allowlist entry: an IP, a CIDR, or a DNS name with the addresses it last resolved to. */
@Entity
@Table(name = "allowlist")
public class AllowlistEntry extends PanacheEntityBase {

    @Id
    public String value;
    public String kind;
    public String note;
    @Column(columnDefinition = "text[]")
    public String[] resolved = new String[0];
    @Column(name = "resolved_at")
    public Instant resolvedAt;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "created_by")
    public String createdBy;
}

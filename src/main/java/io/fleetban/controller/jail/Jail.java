package io.fleetban.controller.jail;

import io.fleetban.core.failure.FailureKind;
import io.fleetban.core.jail.JailPolicy;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.stream.Collectors;

/** A jail as stored; {@link #policy()} is the domain view the ban engine works with. */
@Entity
@Table(name = "jails")
public class Jail extends PanacheEntityBase {

    @Id
    public String name;
    @Column(columnDefinition = "text[]")
    public String[] kinds;
    public int maxretry;
    @Column(name = "findtime_s")
    public int findtimeSeconds;
    @Column(name = "bantime_s")
    public long bantimeSeconds;
    public boolean increment;
    @Column(name = "increment_factor")
    public double incrementFactor;
    @Column(name = "increment_max_s")
    public long incrementMaxSeconds;
    public boolean enabled;
    @Column(name = "updated_at")
    public Instant updatedAt;

    public JailPolicy policy() {
        return new JailPolicy(name,
                Arrays.stream(kinds).map(FailureKind::fromWireName).collect(Collectors.toSet()),
                maxretry, Duration.ofSeconds(findtimeSeconds), Duration.ofSeconds(bantimeSeconds),
                increment, incrementFactor, Duration.ofSeconds(incrementMaxSeconds), enabled);
    }

    public void apply(JailPolicy p) {
        name = p.name();
        kinds = p.kinds().stream().map(FailureKind::wireName).sorted().toArray(String[]::new);
        maxretry = p.maxretry();
        findtimeSeconds = (int) p.findtime().getSeconds();
        bantimeSeconds = p.bantime().getSeconds();
        increment = p.increment();
        incrementFactor = p.incrementFactor();
        incrementMaxSeconds = p.incrementMax().getSeconds();
        enabled = p.enabled();
        updatedAt = Instant.now();
    }
}

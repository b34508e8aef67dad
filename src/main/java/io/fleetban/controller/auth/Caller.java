package io.fleetban.controller.auth;

import jakarta.ws.rs.container.ContainerRequestContext;

/**
 * Who sent a request: the token's name (a node name for agents), its role, and the hash that
 * identifies the token (for last-used time and the CrowdSec stream cursor).
 */
public record Caller(String name, Role role, String node, byte[] tokenHash) {

    static final String PROPERTY = "fleetban.caller";

    public static Caller of(ContainerRequestContext request) {
        return (Caller) request.getProperty(PROPERTY);
    }
}

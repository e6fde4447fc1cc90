package dev.ledger;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The test profile of group mode: {@code @TestProfile(GroupMode.class)}, with
 * {@code @WithTestResource(PostgresResource.class)} for its database.
 */
public class GroupMode implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("ledger.mode", "group");
    }
}

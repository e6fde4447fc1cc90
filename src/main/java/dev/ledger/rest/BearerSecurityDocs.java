package dev.ledger.rest;

import dev.ledger.config.LedgerConfig;
import io.quarkus.smallrye.openapi.OpenApiFilter;
import io.smallrye.config.SmallRyeConfig;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.security.SecurityScheme;

/**
 * With {@code LEDGER_AUTH=jwt}, {@code /q/openapi} declares the bearer scheme and, on each operation
 * that needs a token, the roles of which it needs one. Run when the application starts, since
 * {@code LEDGER_AUTH} is read then, not at build time.
 */
@OpenApiFilter(stages = OpenApiFilter.RunStage.RUNTIME_STARTUP)
public class BearerSecurityDocs implements OASFilter {

    static final String SCHEME = "bearer";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        var ledger = ConfigProvider.getConfig().unwrap(SmallRyeConfig.class).getConfigMapping(LedgerConfig.class);
        if (ledger.auth() != LedgerConfig.Auth.JWT || openAPI.getPaths() == null) {
            return;
        }
        if (openAPI.getComponents() == null) {
            openAPI.setComponents(OASFactory.createComponents());
        }
        openAPI.getComponents().addSecurityScheme(SCHEME, OASFactory.createSecurityScheme()
                .type(SecurityScheme.Type.HTTP).scheme("bearer").bearerFormat("JWT")
                .description("A JWT from the configured issuer (MP_JWT_VERIFY_ISSUER) whose groups claim holds "
                        + AccessControl.READ + " (GET), " + AccessControl.WRITE + " (POST and GET) or "
                        + AccessControl.ADMIN + " (/admin)."));
        openAPI.getPaths().getPathItems().forEach((path, item) -> item.getOperations().forEach((method, operation) -> {
            var roles = AccessControl.rolesFor(method.name(), path);
            if (!roles.isEmpty()) {
                operation.addSecurityRequirement(OASFactory.createSecurityRequirement().addScheme(SCHEME, roles));
            }
        }));
    }
}

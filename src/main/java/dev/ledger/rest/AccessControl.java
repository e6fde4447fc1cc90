package dev.ledger.rest;

import dev.ledger.config.LedgerConfig;
import io.quarkus.vertx.http.security.HttpSecurity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * Who may call what with {@code LEDGER_AUTH=jwt}: the roles come from the token's {@code groups}
 * claim, verified by SmallRye JWT. Everything outside these paths ({@code /q/health}, {@code /q/metrics},
 * {@code /q/openapi}, Swagger UI) stays open. With {@code LEDGER_AUTH=none} no permission is set, so
 * nothing asks for a token.
 *
 * <p>The checks run in RESTEasy, after the request is matched to a resource method and before it is
 * called (and before its body is read), so a refused request writes nothing and its 401 or 403 is a
 * problem answered by {@link Problems}. That needs {@code quarkus.http.auth.proactive=false}: a token
 * is verified only where a permission asks for it.
 */
@ApplicationScoped
public class AccessControl {

    public static final String READ = "ledger-read";
    public static final String WRITE = "ledger-write";
    public static final String ADMIN = "ledger-admin";

    /** The settings a token's signature can be verified with; one of them must be given. */
    static final String[] KEY_SETTINGS = {"mp.jwt.verify.publickey", "mp.jwt.verify.publickey.location",
            "smallrye.jwt.verify.key.location"};
    static final String ISSUER_SETTING = "mp.jwt.verify.issuer";

    private static final Logger LOG = Logger.getLogger(AccessControl.class);
    private static final String ADMIN_PATH = "/admin";
    private static final List<String> API_PATHS = List.of("/accounts", "/transfers", "/commands");
    private static final String[] READ_ROLES = {READ, WRITE};
    private static final String[] WRITE_ROLES = {WRITE};
    private static final String[] ADMIN_ROLES = {ADMIN};

    void secure(@Observes HttpSecurity http, LedgerConfig ledger, Config config) {
        if (ledger.auth() != LedgerConfig.Auth.JWT) {
            return;
        }
        requireKey(config);
        // "/x/*" covers /x itself too
        String[] api = API_PATHS.stream().map(path -> path + "/*").toArray(String[]::new);
        http.path(ADMIN_PATH + "/*").applyToJaxRs().roles(ADMIN_ROLES)
                .path(api).methods("GET", "HEAD").applyToJaxRs().roles(READ_ROLES)
                .path(api).methods("POST").applyToJaxRs().roles(WRITE_ROLES);
        LOG.infof("LEDGER_AUTH=jwt: bearer tokens required for /accounts, /transfers, /commands (%s, %s) and /admin (%s)",
                READ, WRITE, ADMIN);
    }

    /** The roles of which a token needs one for this request, as {@link #secure} sets them; none when it is open. */
    static List<String> rolesFor(String method, String path) {
        if (under(path, ADMIN_PATH)) {
            return List.of(ADMIN_ROLES);
        }
        if (API_PATHS.stream().noneMatch(api -> under(path, api))) {
            return List.of();
        }
        return List.of(method.equalsIgnoreCase("GET") || method.equalsIgnoreCase("HEAD") ? READ_ROLES : WRITE_ROLES);
    }

    private static boolean under(String path, String root) {
        return path.equals(root) || path.startsWith(root + "/");
    }

    /**
     * Without a key no token could ever be verified, and every request would be refused: an instance
     * that cannot serve anyone must not start and look healthy.
     */
    static void requireKey(Config config) {
        if (Stream.of(KEY_SETTINGS).noneMatch(name -> isSet(config, name))) {
            throw new IllegalStateException("LEDGER_AUTH=jwt needs the public key that verifies tokens: set "
                    + "MP_JWT_VERIFY_PUBLICKEY (the key itself: PEM or JWK) or MP_JWT_VERIFY_PUBLICKEY_LOCATION (a file "
                    + "path, classpath resource or URL, e.g. a JWKS endpoint), and MP_JWT_VERIFY_ISSUER; or set LEDGER_AUTH=none.");
        }
        if (!isSet(config, ISSUER_SETTING)) {
            LOG.warn("LEDGER_AUTH=jwt without MP_JWT_VERIFY_ISSUER: tokens of any issuer signed with the key are accepted");
        }
    }

    private static boolean isSet(Config config, String name) {
        return config.getOptionalValue(name, String.class).filter(value -> !value.isBlank()).isPresent();
    }
}

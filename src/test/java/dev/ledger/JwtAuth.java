package dev.ledger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The test profile of {@code LEDGER_AUTH=jwt}: {@code @TestProfile(JwtAuth.class)}. It generates an RSA
 * key pair, gives the service the public key as {@code mp.jwt.verify.publickey.location} and the
 * tests the private one as {@code smallrye.jwt.sign.key.location}, which {@code Jwt...sign()} reads.
 */
public class JwtAuth implements QuarkusTestProfile {

    public static final String ISSUER = "https://issuer.ledger.test";

    @Override
    public Map<String, String> getConfigOverrides() {
        KeyPair keys = newKeyPair();
        try {
            Path dir = Files.createTempDirectory("ledger-jwt");
            Path publicKey = Files.writeString(dir.resolve("public.pem"), pem("PUBLIC KEY", keys.getPublic()));
            Path privateKey = Files.writeString(dir.resolve("private.pem"), pem("PRIVATE KEY", keys.getPrivate()));
            dir.toFile().deleteOnExit();
            publicKey.toFile().deleteOnExit();
            privateKey.toFile().deleteOnExit();
            return Map.of(
                    "ledger.auth", "jwt",
                    "mp.jwt.verify.publickey.location", publicKey.toString(),
                    "mp.jwt.verify.issuer", ISSUER,
                    "smallrye.jwt.sign.key.location", privateKey.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String type, Key key) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(key.getEncoded())
                + "\n-----END " + type + "-----\n";
    }
}

package io.fleetban.controller.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SignatureTest {

    @Test
    void signsTimestampDotBodyLikeOpenssl() {
        // printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac key
        assertThat(Signature.sign("key", "1700000000", "{\"a\":1}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("sha256=a438e398bfafc57e4396bb7fc2304422f0f768e965d073ca313cb52e22e6ad03");
    }

    @Test
    void anyChangeChangesTheSignature() {
        byte[] body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        String s = Signature.sign("key", "1700000000", body);
        assertThat(Signature.sign("key", "1700000001", body)).isNotEqualTo(s);
        assertThat(Signature.sign("kex", "1700000000", body)).isNotEqualTo(s);
        assertThat(Signature.sign("key", "1700000000", "{\"a\":2}".getBytes(StandardCharsets.UTF_8))).isNotEqualTo(s);
    }
}

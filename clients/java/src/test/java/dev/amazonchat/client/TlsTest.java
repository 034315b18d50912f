package dev.amazonchat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java client over TLS and mTLS, with the certificates of {@code amazon-chat dev-certs}: a server
 * with {@code --tls-cert}/{@code --tls-key}, and one that also requires a client certificate ({@code
 * --tls-client-ca ca.pem}), started like {@link LiveTest}'s (see {@link LiveServer}).
 */
class TlsTest {
  private static final String MODEL = "anthropic.claude-3-haiku-20240307-v1:0";
  private static final String PROMPT = "hello there";
  private static final String ANSWER = "You said: hello there";
  private static final Duration REFUSAL_DEADLINE = Duration.ofSeconds(10);

  @TempDir static Path certs;
  private static Path ca;
  private static Path clientCert;
  private static Path clientKey;
  private static LiveServer tlsServer;
  private static LiveServer mtlsServer;

  @BeforeAll
  static void start() throws Exception {
    LiveServer.devCerts(certs);
    ca = certs.resolve("ca.pem");
    clientCert = certs.resolve("client.pem");
    clientKey = certs.resolve("client-key.pem");
    List<String> serverTls =
        List.of(
            "--tls-cert", certs.resolve("server.pem").toString(),
            "--tls-key", certs.resolve("server-key.pem").toString());
    tlsServer = LiveServer.start(serverTls, b -> b.trustCertificates(ca));
    List<String> mtls = new ArrayList<>(serverTls);
    mtls.addAll(List.of("--tls-client-ca", ca.toString()));
    mtlsServer =
        LiveServer.start(mtls, b -> b.trustCertificates(ca).clientCertificate(clientCert, clientKey));
  }

  @AfterAll
  static void stop() throws Exception {
    if (tlsServer != null) {
      tlsServer.close();
    }
    if (mtlsServer != null) {
      mtlsServer.close();
    }
  }

  private static AmazonChatClient.Builder builder(LiveServer server, Duration timeout) {
    return AmazonChatClient.builder(server.target).apiKey(server.apiKey).timeout(timeout);
  }

  private static void chatAndStream(AmazonChatClient client) {
    assertEquals(ANSWER, client.chat(MODEL, PROMPT));
    List<String> fragments = new ArrayList<>();
    for (Iterator<String> it = client.streamChat(MODEL, PROMPT); it.hasNext(); ) {
      fragments.add(it.next());
    }
    assertTrue(fragments.size() >= 2, "expected the answer in several chunks: " + fragments);
    assertEquals(ANSWER, String.join("", fragments));
  }

  /**
   * {@code e} and its causes as text, lower case, with '_' as ' ' (to match BoringSSL's and the JDK's
   * words for a TLS alert alike).
   */
  private static String causes(Throwable e) {
    StringBuilder out = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      out.append(t).append('\n');
    }
    return out.toString().toLowerCase(Locale.ROOT).replace('_', ' ');
  }

  @Test
  void tlsUnaryAndStreaming() {
    try (AmazonChatClient client =
        builder(tlsServer, Duration.ofSeconds(30)).trustCertificates(ca).build()) {
      chatAndStream(client);
    }
  }

  @Test
  void tlsWithTheCaAsPemBytes() throws Exception {
    try (AmazonChatClient client =
        builder(tlsServer, Duration.ofSeconds(30)).trustCertificates(Files.readAllBytes(ca)).build()) {
      assertEquals(ANSWER, client.chat(MODEL, PROMPT));
    }
  }

  @Test
  void tlsWithoutTrustingTheCaIsUnavailable() {
    // The JDK's roots do not know the dev-certs CA.
    try (AmazonChatClient client = builder(tlsServer, REFUSAL_DEADLINE).useTls().build()) {
      StatusRuntimeException e =
          assertThrows(StatusRuntimeException.class, () -> client.chat(MODEL, PROMPT));
      assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.toString());
    }
  }

  @Test
  void mtlsWithClientCertificate() throws Exception {
    try (AmazonChatClient client =
        builder(mtlsServer, Duration.ofSeconds(30))
            .trustCertificates(ca)
            .clientCertificate(Files.readAllBytes(clientCert), Files.readAllBytes(clientKey))
            .build()) {
      chatAndStream(client);
    }
  }

  @Test
  void mtlsWithoutClientCertificateFails() {
    long started = System.nanoTime();
    try (AmazonChatClient client =
        builder(mtlsServer, REFUSAL_DEADLINE).trustCertificates(ca).build()) {
      StatusRuntimeException e =
          assertThrows(StatusRuntimeException.class, () -> client.chat(MODEL, PROMPT));
      // Refused by the handshake, not left to time out.
      assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.toString());
      assertTrue(causes(e).contains("certificate required"), causes(e));
    }
    assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(REFUSAL_DEADLINE) < 0);
  }
}

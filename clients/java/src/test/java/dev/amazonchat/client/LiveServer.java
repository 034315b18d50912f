package dev.amazonchat.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Starts {@code amazon-chat serve --demo} (its embedded Bedrock emulator) for the live tests. The
 * binary comes from AMAZON_CHAT_BIN (default: {@code <repo>/target/debug/amazon-chat}); it listens on
 * loopback only, gets no AWS credentials or config (no AWS_* variables; HOME and the working directory,
 * where it would look for a .env file, are a fresh temporary folder), no AMAZON_CHAT_* or API_KEY*
 * variables but the API_KEY it is given, no proxy variables (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY,
 * NO_PROXY, in either case) and AWS_EC2_METADATA_DISABLED=true, and is killed by {@link #close()}.
 * For the TLS tests, {@link #devCerts} runs {@code amazon-chat dev-certs} and {@link #start(List,
 * UnaryOperator)} passes more flags and checks readiness over TLS.
 */
final class LiveServer implements AutoCloseable {
  private static final List<String> DROPPED_PREFIXES = List.of("AWS_", "AMAZON_CHAT_", "API_KEY");
  // Dropped in any case.
  private static final List<String> PROXY_VARIABLES =
      List.of("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY");

  final String target;
  final String apiKey;
  private final Process process;
  private final Path home;
  private final Path log;

  private LiveServer(String target, String apiKey, Process process, Path home, Path log) {
    this.target = target;
    this.apiKey = apiKey;
    this.process = process;
    this.home = home;
    this.log = log;
  }

  /** The variables the server must not inherit. */
  private static boolean dropped(String name) {
    return DROPPED_PREFIXES.stream().anyMatch(name::startsWith)
        || PROXY_VARIABLES.contains(name.toUpperCase(Locale.ROOT));
  }

  /** The amazon-chat executable: AMAZON_CHAT_BIN, or {@code <repo>/target/debug/amazon-chat}. */
  static String binary() {
    String bin = System.getenv("AMAZON_CHAT_BIN");
    if (bin == null || bin.isEmpty()) {
      // Maven runs the tests in clients/java.
      bin = Path.of("..", "..", "target", "debug", "amazon-chat").toAbsolutePath().normalize().toString();
    }
    bin = Path.of(bin).toAbsolutePath().toString();
    if (!Files.isRegularFile(Path.of(bin))) {
      throw new IllegalStateException("amazon-chat binary not found at " + bin + " (set AMAZON_CHAT_BIN)");
    }
    return bin;
  }

  /** The server's environment: this one's without the dropped variables, HOME={@code home}. */
  private static void isolate(Map<String, String> env, Path home) {
    env.keySet().removeIf(LiveServer::dropped);
    env.put("HOME", home.toString());
    env.put("AWS_EC2_METADATA_DISABLED", "true");
  }

  /**
   * Runs {@code amazon-chat dev-certs --out dir}: ca.pem, server.pem, server-key.pem, client.pem and
   * client-key.pem in {@code dir}.
   */
  static void devCerts(Path dir) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(binary(), "dev-certs", "--out", dir.toString());
    isolate(builder.environment(), dir);
    Path log = Files.createTempFile("amazon-chat-dev-certs-", ".log");
    try {
      builder.directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
      Process process = builder.start();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
        throw new IllegalStateException("amazon-chat dev-certs did not finish in 60 s");
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            "amazon-chat dev-certs exited with " + process.exitValue() + ": " + Files.readString(log));
      }
    } finally {
      Files.deleteIfExists(log);
    }
  }

  static LiveServer start() throws Exception {
    return start(List.of(), UnaryOperator.identity());
  }

  /**
   * Starts a server with more {@code serve} flags ({@code --tls-cert}, ...); {@code tls} configures
   * the client that checks it is up (e.g. {@code b -> b.trustCertificates(ca)}).
   */
  static LiveServer start(List<String> extraArgs, UnaryOperator<AmazonChatClient.Builder> tls)
      throws Exception {
    String bin = binary();
    byte[] random = new byte[8];
    new SecureRandom().nextBytes(random);
    String apiKey = "test-" + HexFormat.of().formatHex(random);
    int port;
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress("127.0.0.1", 0));
      port = socket.getLocalPort();
    }
    Path home = Files.createTempDirectory("amazon-chat-java-");
    Path log = home.resolve("server.log");
    List<String> command =
        new ArrayList<>(
            List.of(
                bin, "serve", "--demo", "--host", "127.0.0.1", "--port", String.valueOf(port),
                "--api-key", apiKey));
    command.addAll(extraArgs);
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> env = builder.environment();
    isolate(env, home);
    env.put("API_KEY", apiKey);
    builder.directory(home.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
    Process process = builder.start();
    LiveServer server = new LiveServer("127.0.0.1:" + port, apiKey, process, home, log);
    try {
      server.awaitReady(tls);
    } catch (Exception e) {
      server.close();
      throw e;
    }
    return server;
  }

  private void awaitReady(UnaryOperator<AmazonChatClient.Builder> tls) throws Exception {
    Instant deadline = Instant.now().plusSeconds(60);
    try (AmazonChatClient client =
        tls.apply(AmazonChatClient.builder(target).apiKey(apiKey).timeout(Duration.ofSeconds(2)))
            .build()) {
      while (true) {
        if (!process.isAlive()) {
          throw new IllegalStateException(
              "amazon-chat exited with " + process.exitValue() + ": " + tail());
        }
        try {
          client.listModels();
          return;
        } catch (io.grpc.StatusRuntimeException e) {
          if (Instant.now().isAfter(deadline)) {
            throw new IllegalStateException("amazon-chat not ready on " + target + " after 60 s: " + tail(), e);
          }
          Thread.sleep(100);
        }
      }
    }
  }

  private String tail() {
    try {
      String text = Files.readString(log);
      return text.length() > 2000 ? text.substring(text.length() - 2000) : text;
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
    try (var files = Files.walk(home)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}

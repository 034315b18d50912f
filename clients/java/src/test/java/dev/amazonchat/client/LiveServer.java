package dev.amazonchat.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starts {@code amazon-chat serve --demo} (its embedded Bedrock emulator) for the live tests. The
 * binary comes from AMAZON_CHAT_BIN (default: {@code <repo>/target/debug/amazon-chat}); it listens on
 * loopback only, gets no AWS credentials or config (no AWS_* variables; HOME and the working directory,
 * where it would look for a .env file, are a fresh temporary folder), no AMAZON_CHAT_* or API_KEY*
 * variables but the API_KEY it is given, no proxy variables (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY,
 * NO_PROXY, in either case) and AWS_EC2_METADATA_DISABLED=true, and is killed by {@link #close()}.
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

  static LiveServer start() throws Exception {
    String bin = System.getenv("AMAZON_CHAT_BIN");
    if (bin == null || bin.isEmpty()) {
      // Maven runs the tests in clients/java.
      bin = Path.of("..", "..", "target", "debug", "amazon-chat").toAbsolutePath().normalize().toString();
    }
    bin = Path.of(bin).toAbsolutePath().toString();
    if (!Files.isRegularFile(Path.of(bin))) {
      throw new IllegalStateException("amazon-chat binary not found at " + bin + " (set AMAZON_CHAT_BIN)");
    }
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
    ProcessBuilder builder =
        new ProcessBuilder(
            bin, "serve", "--demo", "--host", "127.0.0.1", "--port", String.valueOf(port),
            "--api-key", apiKey);
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(LiveServer::dropped);
    env.put("HOME", home.toString());
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    env.put("API_KEY", apiKey);
    builder.directory(home.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
    Process process = builder.start();
    LiveServer server = new LiveServer("127.0.0.1:" + port, apiKey, process, home, log);
    try {
      server.awaitReady();
    } catch (Exception e) {
      server.close();
      throw e;
    }
    return server;
  }

  private void awaitReady() throws Exception {
    Instant deadline = Instant.now().plusSeconds(60);
    try (AmazonChatClient client =
        AmazonChatClient.builder(target).apiKey(apiKey).timeout(Duration.ofSeconds(2)).build()) {
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

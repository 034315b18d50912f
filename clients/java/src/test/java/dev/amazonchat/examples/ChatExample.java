package dev.amazonchat.examples;

import dev.amazonchat.client.AmazonChatClient;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Iterator;

/**
 * Asks amazon-chat one question, then streams the answer to another.
 *
 * <pre>mvn -q test-compile exec:java [-Dexec.args=TARGET]   # default 127.0.0.1:8000; API key from API_KEY</pre>
 */
public final class ChatExample {
  private static final String MODEL = "anthropic.claude-3-haiku-20240307-v1:0";

  public static void main(String[] args) {
    String target = args.length > 0 ? args[0] : "127.0.0.1:8000";
    try (AmazonChatClient client =
        AmazonChatClient.builder(target)
            .apiKey(System.getenv("API_KEY"))
            .timeout(Duration.ofSeconds(30))
            .build()) {
      System.out.println(client.chat(MODEL, "Say hello in one sentence."));
      Iterator<String> fragments = client.streamChat(MODEL, "Now count to five.");
      fragments.forEachRemaining(System.out::print);
      System.out.println();
    } catch (StatusRuntimeException e) {
      System.err.println("error: " + e.getStatus().getCode() + ": " + e.getStatus().getDescription());
      System.exit(1);
    }
  }
}

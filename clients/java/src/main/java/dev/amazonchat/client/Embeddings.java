package dev.amazonchat.client;

import dev.amazonchat.v1.CreateEmbeddingsRequest;
import dev.amazonchat.v1.EmbeddingInput;
import java.util.Arrays;
import java.util.List;

/**
 * Builders for the inputs of an embeddings request.
 *
 * <p>Fields left unset on the request are the server's: the model's default size ({@code
 * setDimensions}), the server's input type ({@code setInputType}: "search_document", "search_query",
 * "classification" or "clustering"), the model's own vectors ({@code setNormalize}; Titan V2
 * normalises by default), floats ({@code setEncodingFormat("base64")} for base64, which {@link
 * AmazonChatClient#embeddingVectors} decodes).
 */
public final class Embeddings {
  private Embeddings() {}

  /** A text to embed. */
  public static EmbeddingInput text(String text) {
    return EmbeddingInput.newBuilder().setText(text).build();
  }

  /**
   * An image to embed, as a base64 data URL ({@code data:image/png;base64,...}), on the models that
   * take images (Cohere v3 and v4, Nova).
   */
  public static EmbeddingInput image(String imageUrl) {
    return EmbeddingInput.newBuilder().setImageUrl(imageUrl).build();
  }

  /** A request builder for {@code model} with the given texts, in order; set more fields on it. */
  public static CreateEmbeddingsRequest.Builder request(String model, List<String> texts) {
    CreateEmbeddingsRequest.Builder request = CreateEmbeddingsRequest.newBuilder().setModel(model);
    texts.forEach(text -> request.addInputs(text(text)));
    return request;
  }

  /** A request builder for {@code model} with the given inputs, in order; set more fields on it. */
  public static CreateEmbeddingsRequest.Builder request(String model, EmbeddingInput... inputs) {
    return CreateEmbeddingsRequest.newBuilder().setModel(model).addAllInputs(Arrays.asList(inputs));
  }
}

package amazonchat_test

// The Go client against a live `amazon-chat serve --demo` (its embedded Bedrock emulator). The binary
// comes from AMAZON_CHAT_BIN (default: <repo>/target/debug/amazon-chat); it listens on loopback only,
// gets no AWS credentials or config (no AWS_* variables; HOME and the working directory, where it
// would look for a .env file, are a fresh temporary folder), no AMAZON_CHAT_* or API_KEY* variables
// but the API_KEY it is given, no proxy variables (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY, NO_PROXY, in
// either case) and AWS_EC2_METADATA_DISABLED=true, and is killed when the tests end. tls_test.go
// starts its own TLS servers the same way (launch).

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/amazon-chat/amazon-chat/clients/go/amazonchat"
	amazonchatv1 "github.com/amazon-chat/amazon-chat/clients/go/gen/amazonchat/v1"
)

const (
	model      = "anthropic.claude-3-haiku-20240307-v1:0"
	prompt     = "hello there"
	slowPrompt = "[[emulator:delay=2000ms]] are you there?"
	// A model that can reason (the emulator thinks "Let me think about: <prompt>" first, and signs it).
	sonnet4 = "us.anthropic.claude-sonnet-4-20250514-v1:0"

	titanV2  = "amazon.titan-embed-text-v2:0"
	cohereV3 = "cohere.embed-english-v3"
	cohereV4 = "us.cohere.embed-v4:0"
	nova     = "amazon.nova-2-multimodal-embeddings-v1:0"
	// A 1x1 PNG.
	png = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)

var (
	target string
	apiKey string
)

func TestMain(m *testing.M) {
	stop, err := startServer()
	if err != nil {
		fmt.Fprintln(os.Stderr, "amazon-chat:", err)
		os.Exit(1)
	}
	code := m.Run()
	stop()
	os.Exit(code)
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.b.String()
	if len(out) > 2000 {
		out = out[len(out)-2000:]
	}
	return out
}

// dropped reports whether the server must not inherit the variable name: AWS_*, AMAZON_CHAT_*,
// API_KEY*, HOME (set to a fresh folder instead), and the proxy variables in any case.
func dropped(name string) bool {
	if name == "HOME" {
		return true
	}
	for _, prefix := range []string{"AWS_", "AMAZON_CHAT_", "API_KEY"} {
		if strings.HasPrefix(name, prefix) {
			return true
		}
	}
	switch strings.ToUpper(name) {
	case "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY":
		return true
	}
	return false
}

func startServer() (func(), error) {
	var (
		stop func()
		err  error
	)
	target, apiKey, stop, err = launch(nil)
	return stop, err
}

// binary is the amazon-chat executable: AMAZON_CHAT_BIN, or <repo>/target/debug/amazon-chat.
func binary() (string, error) {
	bin := os.Getenv("AMAZON_CHAT_BIN")
	if bin == "" {
		wd, err := os.Getwd() // <repo>/clients/go/amazonchat
		if err != nil {
			return "", err
		}
		bin = filepath.Join(wd, "..", "..", "..", "target", "debug", "amazon-chat")
	}
	bin, err := filepath.Abs(bin)
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(bin); err != nil {
		return "", fmt.Errorf("binary not found at %s (set AMAZON_CHAT_BIN): %w", bin, err)
	}
	return bin, nil
}

// serverEnv is this process's environment without the variables the server must not inherit, with
// HOME set to home and AWS_EC2_METADATA_DISABLED=true.
func serverEnv(home string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); !dropped(name) {
			env = append(env, kv)
		}
	}
	return append(env, "HOME="+home, "AWS_EC2_METADATA_DISABLED=true")
}

// launch starts `serve --demo` with extraArgs on a free loopback port and waits until ListModels
// answers through a client dialled with readyOpts (WithTLS for a TLS server).
func launch(extraArgs []string, readyOpts ...amazonchat.Option) (target, apiKey string, stop func(), err error) {
	bin, err := binary()
	if err != nil {
		return "", "", nil, err
	}
	key := make([]byte, 8)
	if _, err := rand.Read(key); err != nil {
		return "", "", nil, err
	}
	apiKey = "test-" + hex.EncodeToString(key)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", "", nil, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	target = fmt.Sprintf("127.0.0.1:%d", port)

	home, err := os.MkdirTemp("", "amazon-chat-go-")
	if err != nil {
		return "", "", nil, err
	}
	args := append([]string{"serve", "--demo", "--host", "127.0.0.1", "--port", fmt.Sprint(port), "--api-key", apiKey}, extraArgs...)
	cmd := exec.Command(bin, args...)
	cmd.Env = append(serverEnv(home), "API_KEY="+apiKey)
	cmd.Dir = home
	var log syncBuffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		os.RemoveAll(home)
		return "", "", nil, err
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	stop = func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
		os.RemoveAll(home)
	}

	opts := append([]amazonchat.Option{amazonchat.WithAPIKey(apiKey), amazonchat.WithTimeout(2 * time.Second)}, readyOpts...)
	client, err := amazonchat.Dial(target, opts...)
	if err != nil {
		stop()
		return "", "", nil, err
	}
	defer client.Close()
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case <-exited:
			stop()
			return "", "", nil, fmt.Errorf("exited (%v): %s", cmd.ProcessState, log.String())
		default:
		}
		if _, err := client.ListModels(context.Background()); err == nil {
			return target, apiKey, stop, nil
		}
		if time.Now().After(deadline) {
			stop()
			return "", "", nil, fmt.Errorf("not ready on %s after 60 s: %s", target, log.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func dial(t *testing.T, opts ...amazonchat.Option) *amazonchat.Client {
	t.Helper()
	client, err := amazonchat.Dial(target, append([]amazonchat.Option{amazonchat.WithAPIKey(apiKey), amazonchat.WithTimeout(30 * time.Second)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	return client
}

func wantCode(t *testing.T, err error, want codes.Code) {
	t.Helper()
	if err == nil {
		t.Fatalf("want %v, got success", want)
	}
	st, ok := status.FromError(err)
	if !ok {
		t.Fatalf("want a gRPC status error %v, got %T %v", want, err, err)
	}
	if st.Code() != want {
		t.Fatalf("want %v, got %v: %s", want, st.Code(), st.Message())
	}
}

func TestUnaryChat(t *testing.T) {
	client := dial(t)
	ctx := context.Background()
	answer, err := client.Chat(ctx, model, prompt)
	if err != nil {
		t.Fatal(err)
	}
	if answer != "You said: hello there" {
		t.Fatalf("answer = %q", answer)
	}
	resp, err := client.ChatCompletion(ctx, amazonchat.NewRequest(model, amazonchat.User(prompt)))
	if err != nil {
		t.Fatal(err)
	}
	if resp.GetObject() != "chat.completion" || resp.GetModel() != model || resp.GetId() == "" || len(resp.GetChoices()) != 1 {
		t.Fatalf("response = %v", resp)
	}
	choice := resp.GetChoices()[0]
	if choice.GetMessage().GetRole() != "assistant" || choice.GetFinishReason() != "stop" {
		t.Fatalf("choice = %v", choice)
	}
	u := resp.GetUsage()
	if u.GetTotalTokens() != u.GetPromptTokens()+u.GetCompletionTokens() {
		t.Fatalf("usage = %v", u)
	}
}

func TestStreamingEqualsUnary(t *testing.T) {
	client := dial(t)
	ctx := context.Background()
	unary, err := client.Chat(ctx, model, prompt)
	if err != nil {
		t.Fatal(err)
	}
	req := amazonchat.NewRequest(model, amazonchat.User(prompt))
	req.StreamOptions = &amazonchatv1.StreamOptions{IncludeUsage: true}
	var chunks, content []*amazonchatv1.StreamChatCompletionResponse
	for chunk, err := range client.StreamChatCompletion(ctx, req) {
		if err != nil {
			t.Fatal(err)
		}
		chunks = append(chunks, chunk)
		if len(chunk.GetChoices()) > 0 {
			content = append(content, chunk)
		}
	}
	if len(content) < 2 {
		t.Fatalf("want the answer in several chunks, got %d", len(content))
	}
	if content[0].GetChoices()[0].GetDelta().GetRole() != "assistant" {
		t.Fatalf("first chunk = %v", content[0])
	}
	if content[len(content)-1].GetChoices()[0].GetFinishReason() != "stop" {
		t.Fatalf("last content chunk = %v", content[len(content)-1])
	}
	var text strings.Builder
	for _, c := range content {
		text.WriteString(c.GetChoices()[0].GetDelta().GetContent())
		if c.GetId() != chunks[0].GetId() || c.GetObject() != "chat.completion.chunk" {
			t.Fatalf("chunk = %v", c)
		}
	}
	if text.String() != unary {
		t.Fatalf("streamed %q, unary %q", text.String(), unary)
	}
	last := chunks[len(chunks)-1]
	if len(last.GetChoices()) != 0 || last.GetUsage().GetTotalTokens() == 0 {
		t.Fatalf("want a final usage chunk, got %v", last)
	}
	var fragments strings.Builder
	for s, err := range client.StreamChat(ctx, model, prompt) {
		if err != nil {
			t.Fatal(err)
		}
		fragments.WriteString(s)
	}
	if fragments.String() != unary {
		t.Fatalf("StreamChat gave %q", fragments.String())
	}
}

func TestModels(t *testing.T) {
	client := dial(t)
	ctx := context.Background()
	models, err := client.ListModels(ctx)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, m := range models {
		found = found || m.GetId() == model
	}
	if !found {
		t.Fatalf("%s not in %v", model, models)
	}
	m, err := client.GetModel(ctx, model)
	if err != nil {
		t.Fatal(err)
	}
	if m.GetId() != model || m.GetObject() != "model" {
		t.Fatalf("model = %v", m)
	}
}

func TestToolCallRoundTrip(t *testing.T) {
	client := dial(t)
	ctx := context.Background()
	weather, err := amazonchat.FunctionTool("get_weather", "Current weather in a city", map[string]any{
		"type":       "object",
		"properties": map[string]any{"city": map[string]any{"type": "string"}},
		"required":   []any{"city"},
	})
	if err != nil {
		t.Fatal(err)
	}
	ask := amazonchat.User("What is the weather in Paris?")
	req := amazonchat.NewRequest(model, ask)
	req.Tools = []*amazonchatv1.Tool{weather}
	req.ToolChoice = &amazonchatv1.ToolChoice{Choice: &amazonchatv1.ToolChoice_Mode{Mode: "required"}}
	first, err := client.ChatCompletion(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	choice := first.GetChoices()[0]
	if choice.GetFinishReason() != "tool_calls" || len(choice.GetMessage().GetToolCalls()) == 0 {
		t.Fatalf("choice = %v", choice)
	}
	call := choice.GetMessage().GetToolCalls()[0]
	if call.GetId() == "" || call.GetType() != "function" || call.GetFunction().GetName() != "get_weather" {
		t.Fatalf("tool call = %v", call)
	}
	var args map[string]any
	if err := json.Unmarshal([]byte(call.GetFunction().GetArguments()), &args); err != nil {
		t.Fatalf("arguments %q: %v", call.GetFunction().GetArguments(), err)
	}
	if _, ok := args["city"]; !ok {
		t.Fatalf("arguments = %v", args)
	}

	req = amazonchat.NewRequest(model, ask, amazonchat.Assistant("", choice.GetMessage().GetToolCalls()...), amazonchat.ToolResult(call.GetId(), "sunny, 21C"))
	req.Tools = []*amazonchatv1.Tool{weather}
	second, err := client.ChatCompletion(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if second.GetChoices()[0].GetFinishReason() != "stop" || !strings.Contains(amazonchat.AnswerText(second), "sunny, 21C") {
		t.Fatalf("second answer = %v", second)
	}
}

func TestReasoning(t *testing.T) {
	client := dial(t)
	ctx := context.Background()
	answer, err := client.ChatAnswer(ctx, sonnet4, prompt, amazonchat.WithReasoningEffort("low"))
	if err != nil {
		t.Fatal(err)
	}
	if answer.Text != "You said: hello there" || answer.Reasoning != "Let me think about: hello there" || answer.FinishReason != "stop" {
		t.Fatalf("answer = %+v", answer)
	}
	if len(answer.ThinkingBlocks) != 1 {
		t.Fatalf("thinking blocks = %v", answer.ThinkingBlocks)
	}
	block := answer.ThinkingBlocks[0]
	if block.GetType() != "thinking" || block.GetThinking() != answer.Reasoning || block.GetSignature() == "" {
		t.Fatalf("thinking block = %v", block)
	}
	if got := amazonchat.ReasoningText(answer.Response); got != answer.Reasoning {
		t.Fatalf("ReasoningText = %q", got)
	}

	// The answer's message replays as it is (its signed block included).
	req := amazonchat.NewRequest(sonnet4, amazonchat.User(prompt), answer.Message, amazonchat.User("and again"))
	amazonchat.WithReasoningEffort("low")(req)
	again, err := client.ChatCompletion(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if a := amazonchat.AnswerOf(again); a.Text != "You said: and again" || a.Reasoning != "Let me think about: and again" {
		t.Fatalf("second answer = %+v", a)
	}
}

func TestWrongAPIKeyIsUnauthenticated(t *testing.T) {
	ctx := context.Background()
	for _, opts := range [][]amazonchat.Option{{amazonchat.WithAPIKey("wrong-key")}, nil} {
		client, err := amazonchat.Dial(target, opts...)
		if err != nil {
			t.Fatal(err)
		}
		_, err = client.Chat(ctx, model, prompt)
		wantCode(t, err, codes.Unauthenticated)
		_, err = client.ListModels(ctx)
		wantCode(t, err, codes.Unauthenticated)
		client.Close()
	}
}

func TestUnknownModelIsNotFound(t *testing.T) {
	client := dial(t)
	ctx := context.Background()
	_, err := client.Chat(ctx, "no-such-model", prompt)
	wantCode(t, err, codes.NotFound)
	if status.Convert(err).Message() == "" {
		t.Fatal("empty status message")
	}
	_, err = client.GetModel(ctx, "no-such-model")
	wantCode(t, err, codes.NotFound)
}

func TestDeadlineExceeded(t *testing.T) {
	client := dial(t)
	ctx, cancel := context.WithTimeout(context.Background(), 250*time.Millisecond)
	defer cancel()
	_, err := client.Chat(ctx, model, slowPrompt)
	wantCode(t, err, codes.DeadlineExceeded)

	// The client's default timeout applies when the context has no deadline.
	short := dial(t, amazonchat.WithTimeout(250*time.Millisecond))
	_, err = short.Chat(context.Background(), model, slowPrompt)
	wantCode(t, err, codes.DeadlineExceeded)
	var streamErr error
	for _, err := range short.StreamChat(context.Background(), model, slowPrompt) {
		streamErr = err
	}
	wantCode(t, streamErr, codes.DeadlineExceeded)
}

func norm(v []float32) float64 {
	var sum float64
	for _, x := range v {
		sum += float64(x) * float64(x)
	}
	return math.Sqrt(sum)
}

func unit(v []float32) bool { return math.Abs(norm(v)-1) < 1e-3 }

// embedOne embeds one text and returns its vector.
func embedOne(t *testing.T, client *amazonchat.Client, model, text string, opts ...amazonchat.EmbedOption) []float32 {
	t.Helper()
	vectors, err := client.Embed(context.Background(), model, []string{text}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	if len(vectors) != 1 {
		t.Fatalf("want one vector, got %d", len(vectors))
	}
	return vectors[0]
}

func TestEmbed(t *testing.T) {
	client := dial(t)
	vectors, err := client.Embed(context.Background(), titanV2, []string{"hello world", "the quick brown fox", "hello world"})
	if err != nil {
		t.Fatal(err)
	}
	if len(vectors) != 3 || len(vectors[0]) != 1024 || len(vectors[1]) != 1024 {
		t.Fatalf("want 3 vectors of 1024, got %d", len(vectors))
	}
	if !unit(vectors[0]) || !unit(vectors[1]) {
		t.Fatalf("norms %v, %v", norm(vectors[0]), norm(vectors[1]))
	}
	if !slices.Equal(vectors[0], vectors[2]) {
		t.Fatal("the same text gave another vector")
	}
	if slices.Equal(vectors[0], vectors[1]) {
		t.Fatal("two texts gave the same vector")
	}
	if !slices.Equal(embedOne(t, client, titanV2, "hello world"), vectors[0]) {
		t.Fatal("embedding alone changed the vector")
	}
	if small := embedOne(t, client, titanV2, "hello world", amazonchat.WithDimensions(256)); len(small) != 256 || !unit(small) {
		t.Fatalf("dimensions 256: %d, norm %v", len(small), norm(small))
	}
}

func TestCreateEmbeddingsResponse(t *testing.T) {
	client := dial(t)
	ctx := context.Background()
	texts := []string{"hello world", "the quick brown fox", "one"}
	resp, err := client.CreateEmbeddings(ctx, amazonchat.NewEmbeddingsRequest(titanV2, amazonchat.TextInputs(texts...)...))
	if err != nil {
		t.Fatal(err)
	}
	if resp.GetObject() != "list" || resp.GetModel() != titanV2 || len(resp.GetData()) != 3 {
		t.Fatalf("response = %v", resp)
	}
	for i, e := range resp.GetData() {
		if e.GetIndex() != uint32(i) || e.GetObject() != "embedding" || len(e.GetEmbedding()) != 1024 || e.EmbeddingBase64 != nil {
			t.Fatalf("data[%d] = index %d, object %q, %d floats", i, e.GetIndex(), e.GetObject(), len(e.GetEmbedding()))
		}
	}
	if u := resp.GetUsage(); u.GetPromptTokens() != 7 || u.GetTotalTokens() != 7 {
		t.Fatalf("usage = %v, want the 7 words", u)
	}
	vectors, err := amazonchat.EmbeddingVectors(resp)
	if err != nil {
		t.Fatal(err)
	}
	again, err := client.Embed(ctx, titanV2, texts)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(vectors, again, slices.Equal) {
		t.Fatal("EmbeddingVectors differs from Embed")
	}

	// The generated client carries the key and the default timeout too.
	raw, err := client.EmbeddingService.CreateEmbeddings(ctx, amazonchat.NewEmbeddingsRequest(titanV2, amazonchat.TextInput("one")))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(raw.GetData()[0].GetEmbedding(), vectors[2]) {
		t.Fatal("the raw stub gave another vector")
	}
}

func TestEmbeddingsBase64(t *testing.T) {
	client := dial(t)
	ctx := context.Background()
	texts := []string{"hello world", "one"}
	floats, err := client.Embed(ctx, titanV2, texts, amazonchat.WithDimensions(512))
	if err != nil {
		t.Fatal(err)
	}
	req := amazonchat.NewEmbeddingsRequest(titanV2, amazonchat.TextInputs(texts...)...)
	amazonchat.WithDimensions(512)(req)
	amazonchat.WithEncodingFormat("base64")(req)
	resp, err := client.CreateEmbeddings(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range resp.GetData() {
		raw, err := base64.StdEncoding.DecodeString(e.GetEmbeddingBase64())
		if e.EmbeddingBase64 == nil || len(e.GetEmbedding()) != 0 || err != nil || len(raw) != 4*512 {
			t.Fatalf("data[%d]: base64 %v (%d bytes, %v), %d floats", e.GetIndex(), e.EmbeddingBase64 != nil, len(raw), err, len(e.GetEmbedding()))
		}
	}
	decoded, err := amazonchat.EmbeddingVectors(resp)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(decoded, floats, slices.Equal) {
		t.Fatal("the base64 vectors differ from the floats")
	}
	// Embed decodes them too.
	viaEmbed, err := client.Embed(ctx, titanV2, texts, amazonchat.WithDimensions(512), amazonchat.WithEncodingFormat("base64"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(viaEmbed, floats, slices.Equal) {
		t.Fatal("Embed with base64 differs from the floats")
	}
}

func TestEmbeddingFamilies(t *testing.T) {
	client := dial(t)
	ctx := context.Background()

	// Cohere v3: 1024 dimensions, batches of 96 that keep the inputs' order.
	passages := make([]string, 100)
	for i := range passages {
		passages[i] = fmt.Sprintf("passage %d", i)
	}
	batch, err := client.CreateEmbeddings(ctx, amazonchat.NewEmbeddingsRequest(cohereV3, amazonchat.TextInputs(passages...)...))
	if err != nil {
		t.Fatal(err)
	}
	if len(batch.GetData()) != 100 || batch.GetUsage().GetPromptTokens() != 200 {
		t.Fatalf("%d vectors, usage %v", len(batch.GetData()), batch.GetUsage())
	}
	for i, e := range batch.GetData() {
		if e.GetIndex() != uint32(i) || len(e.GetEmbedding()) != 1024 {
			t.Fatalf("data[%d]: index %d, %d floats", i, e.GetIndex(), len(e.GetEmbedding()))
		}
	}
	if !slices.Equal(embedOne(t, client, cohereV3, "passage 99"), batch.GetData()[99].GetEmbedding()) {
		t.Fatal("passage 99 alone gave another vector")
	}
	// input_type: the default is search_document; another gives another vector.
	document := embedOne(t, client, cohereV3, "hello world", amazonchat.WithInputType("search_document"))
	query := embedOne(t, client, cohereV3, "hello world", amazonchat.WithInputType("search_query"))
	if !slices.Equal(embedOne(t, client, cohereV3, "hello world"), document) {
		t.Fatal("the default input type is not search_document")
	}
	if slices.Equal(query, document) {
		t.Fatal("search_query gave the search_document vector")
	}

	// Cohere v4: 1536 by default, or 256/512/1024; WithNormalize gives unit vectors.
	if v4 := embedOne(t, client, cohereV4, "hello world"); len(v4) != 1536 {
		t.Fatalf("Cohere v4: %d dimensions", len(v4))
	}
	if v4 := embedOne(t, client, cohereV4, "hello world", amazonchat.WithDimensions(512), amazonchat.WithNormalize(true)); len(v4) != 512 || !unit(v4) {
		t.Fatalf("Cohere v4 at 512: %d dimensions, norm %v", len(v4), norm(v4))
	}

	// Nova: 3072 by default, texts and images.
	for _, size := range []uint32{0, 384} {
		req := amazonchat.NewEmbeddingsRequest(nova, amazonchat.TextInput("a cat"), amazonchat.ImageInput(png))
		want := 3072
		if size != 0 {
			amazonchat.WithDimensions(size)(req)
			want = int(size)
		}
		resp, err := client.CreateEmbeddings(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		vectors, err := amazonchat.EmbeddingVectors(resp)
		if err != nil {
			t.Fatal(err)
		}
		if len(vectors) != 2 || len(vectors[0]) != want || len(vectors[1]) != want || slices.Equal(vectors[0], vectors[1]) {
			t.Fatalf("Nova (dimensions %d): %d vectors", size, len(vectors))
		}
		if size == 0 && slices.Equal(embedOne(t, client, nova, "a cat", amazonchat.WithInputType("search_query")), vectors[0]) {
			t.Fatal("Nova: search_query gave the search_document vector")
		}
	}
}

func TestEmbeddingsInvalidArgument(t *testing.T) {
	client := dial(t)
	ctx := context.Background()
	titan300 := amazonchat.NewEmbeddingsRequest(titanV2, amazonchat.TextInput("hi"))
	amazonchat.WithDimensions(300)(titan300)
	for _, c := range []struct {
		req  *amazonchatv1.CreateEmbeddingsRequest
		want string
	}{
		{amazonchat.NewEmbeddingsRequest(model, amazonchat.TextInput("hi")), "not an embedding model"},
		{titan300, "dimensions"},
		{amazonchat.NewEmbeddingsRequest(titanV2, amazonchat.ImageInput(png)), "inputs[0].image_url"},
	} {
		_, err := client.CreateEmbeddings(ctx, c.req)
		wantCode(t, err, codes.InvalidArgument)
		if msg := status.Convert(err).Message(); !strings.Contains(msg, c.want) {
			t.Fatalf("message %q does not say %q", msg, c.want)
		}
	}
	_, err := client.Embed(ctx, model, []string{"hi"})
	wantCode(t, err, codes.InvalidArgument)
}

func TestEmbeddingsUnauthenticatedAndDeadline(t *testing.T) {
	ctx := context.Background()
	for _, opts := range [][]amazonchat.Option{{amazonchat.WithAPIKey("wrong-key")}, nil} {
		client, err := amazonchat.Dial(target, opts...)
		if err != nil {
			t.Fatal(err)
		}
		_, err = client.Embed(ctx, titanV2, []string{"hi"})
		wantCode(t, err, codes.Unauthenticated)
		client.Close()
	}
	// The generated client without the layer's key: UNAUTHENTICATED; with it as metadata: served.
	bare, err := amazonchat.Dial(target)
	if err != nil {
		t.Fatal(err)
	}
	defer bare.Close()
	req := amazonchat.NewEmbeddingsRequest(titanV2, amazonchat.TextInput("hi"))
	_, err = bare.EmbeddingService.CreateEmbeddings(ctx, req)
	wantCode(t, err, codes.Unauthenticated)
	if _, err := bare.EmbeddingService.CreateEmbeddings(metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+apiKey), req); err != nil {
		t.Fatal(err)
	}

	deadline, cancel := context.WithTimeout(ctx, 250*time.Millisecond)
	defer cancel()
	_, err = dial(t).Embed(deadline, titanV2, []string{slowPrompt})
	wantCode(t, err, codes.DeadlineExceeded)
	// The client's default timeout applies when the context has no deadline.
	_, err = dial(t, amazonchat.WithTimeout(250*time.Millisecond)).Embed(ctx, titanV2, []string{slowPrompt})
	wantCode(t, err, codes.DeadlineExceeded)
}

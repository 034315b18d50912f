// Package amazonchat is amazon-chat's Go client: chat completions over Amazon Bedrock, through gRPC.
//
// It is a thin layer over the generated stubs in package amazonchatv1
// (github.com/amazon-chat/amazon-chat/clients/go/gen/amazonchat/v1): Dial with a target and an API key
// (sent as "authorization: Bearer <key>" metadata on every call), a deadline on every call (the ctx's,
// or else the client's default timeout), a one-call Chat, and streaming as a range-over-func iterator.
// Errors are gRPC status errors: status.Code(err), status.Convert(err).Message().
//
//	client, err := amazonchat.Dial("127.0.0.1:8000", amazonchat.WithAPIKey("KEY"))
//	defer client.Close()
//	answer, err := client.Chat(ctx, "anthropic.claude-3-haiku-20240307-v1:0", "Hello!")
//
// Reasoning: ChatAnswer with WithReasoningEffort("low") asks a model that can reason to think first,
// and returns an Answer with the reasoning text beside the answer's; ReasoningText reads it from a
// full response.
//
// Embeddings: Embed returns one vector per text, in order
// (client.Embed(ctx, "amazon.titan-embed-text-v2:0", texts, amazonchat.WithDimensions(256)));
// CreateEmbeddings returns the whole response (images too, through ImageInput), and
// EmbeddingVectors reads its vectors, base64 ones included.
//
// TLS: WithTLS(config) connects over TLS; LoadTLSConfig("ca.pem", "", "") makes a config that trusts
// that CA, and LoadTLSConfig("ca.pem", "client.pem", "client-key.pem") one that also presents a
// client certificate, for a server that requires one (mTLS). TLSConfig does the same from PEM bytes.
// The default stays plaintext HTTP/2.
package amazonchat

import (
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"iter"
	"math"
	"os"
	"slices"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/structpb"

	amazonchatv1 "github.com/amazon-chat/amazon-chat/clients/go/gen/amazonchat/v1"
)

// DefaultTimeout is the deadline of a call whose context has none, unless WithTimeout says otherwise.
const DefaultTimeout = 60 * time.Second

// Client is a connection to amazon-chat. It is safe for concurrent use.
type Client struct {
	// ChatService, ModelService and EmbeddingService are the generated stubs, for anything this layer
	// does not cover. Calls through them carry the API key and the default timeout too.
	ChatService      amazonchatv1.ChatServiceClient
	ModelService     amazonchatv1.ModelServiceClient
	EmbeddingService amazonchatv1.EmbeddingServiceClient

	conn *grpc.ClientConn
}

type options struct {
	apiKey      string
	timeout     time.Duration
	tls         *tls.Config
	dialOptions []grpc.DialOption
}

// Option configures Dial.
type Option func(*options)

// WithAPIKey sends key as "authorization: Bearer <key>" on every call.
func WithAPIKey(key string) Option { return func(o *options) { o.apiKey = key } }

// WithTimeout sets the deadline of calls whose context has none (default DefaultTimeout; 0: none).
func WithTimeout(d time.Duration) Option { return func(o *options) { o.timeout = d } }

// WithTLS connects over TLS; the default is plaintext HTTP/2 (h2c). TLSConfig and LoadTLSConfig make
// a config from PEM certificates; any *tls.Config works (nil: plaintext).
func WithTLS(config *tls.Config) Option { return func(o *options) { o.tls = config } }

// TLSConfig returns a TLS config that trusts the PEM CA certificates caPEM (nil or empty: the
// system's roots) and, when certPEM and keyPEM are given (both or neither), presents that client
// certificate, for a server that requires one (mTLS). The key may be PKCS#8, PKCS#1 or SEC1. The
// server's certificate must name the target's host (localhost, 127.0.0.1, ...). Pass it to WithTLS.
func TLSConfig(caPEM, certPEM, keyPEM []byte) (*tls.Config, error) {
	config := &tls.Config{MinVersion: tls.VersionTLS12}
	if len(caPEM) > 0 {
		roots := x509.NewCertPool()
		if !roots.AppendCertsFromPEM(caPEM) {
			return nil, errors.New("amazonchat: no PEM certificate in the CA")
		}
		config.RootCAs = roots
	}
	if (len(certPEM) == 0) != (len(keyPEM) == 0) {
		return nil, errors.New("amazonchat: give a client certificate and its key together, or neither")
	}
	if len(certPEM) > 0 {
		pair, err := tls.X509KeyPair(certPEM, keyPEM)
		if err != nil {
			return nil, fmt.Errorf("amazonchat: client certificate: %w", err)
		}
		config.Certificates = []tls.Certificate{pair}
	}
	return config, nil
}

// LoadTLSConfig is TLSConfig with the PEMs read from files: caFile ("" for the system's roots), and
// certFile with keyFile (both "" for no client certificate).
func LoadTLSConfig(caFile, certFile, keyFile string) (*tls.Config, error) {
	if (certFile == "") != (keyFile == "") {
		return nil, errors.New("amazonchat: give a client certificate and its key together, or neither")
	}
	read := func(path string) ([]byte, error) {
		if path == "" {
			return nil, nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("amazonchat: %w", err)
		}
		return data, nil
	}
	ca, err := read(caFile)
	if err != nil {
		return nil, err
	}
	cert, err := read(certFile)
	if err != nil {
		return nil, err
	}
	key, err := read(keyFile)
	if err != nil {
		return nil, err
	}
	if caFile != "" && len(ca) == 0 {
		return nil, fmt.Errorf("amazonchat: %s is empty", caFile)
	}
	return TLSConfig(ca, cert, key)
}

// WithDialOptions adds gRPC dial options (interceptors, keepalive, ...).
func WithDialOptions(opts ...grpc.DialOption) Option {
	return func(o *options) { o.dialOptions = append(o.dialOptions, opts...) }
}

// Dial returns a client for the server at target ("host:port"). It does not wait for the
// connection: the first call connects.
func Dial(target string, opts ...Option) (*Client, error) {
	o := options{timeout: DefaultTimeout}
	for _, opt := range opts {
		opt(&o)
	}
	transport := insecure.NewCredentials()
	if o.tls != nil {
		transport = credentials.NewTLS(o.tls)
	}
	dial := []grpc.DialOption{
		grpc.WithTransportCredentials(transport),
		grpc.WithChainUnaryInterceptor(unaryTimeout(o.timeout)),
		grpc.WithChainStreamInterceptor(streamTimeout(o.timeout)),
	}
	if o.apiKey != "" {
		dial = append(dial, grpc.WithPerRPCCredentials(bearer{key: o.apiKey, secure: o.tls != nil}))
	}
	conn, err := grpc.NewClient(target, append(dial, o.dialOptions...)...)
	if err != nil {
		return nil, err
	}
	return &Client{
		ChatService:      amazonchatv1.NewChatServiceClient(conn),
		ModelService:     amazonchatv1.NewModelServiceClient(conn),
		EmbeddingService: amazonchatv1.NewEmbeddingServiceClient(conn),
		conn:             conn,
	}, nil
}

// Close closes the connection.
func (c *Client) Close() error { return c.conn.Close() }

// Chat asks model and returns the answer's text. prompt is a user message's text; for a
// conversation or more request fields, use ChatCompletion.
func (c *Client) Chat(ctx context.Context, model, prompt string) (string, error) {
	resp, err := c.ChatCompletion(ctx, NewRequest(model, User(prompt)))
	if err != nil {
		return "", err
	}
	return AnswerText(resp), nil
}

// RequestOption sets a field of the request ChatAnswer sends.
type RequestOption func(*amazonchatv1.ChatCompletionRequest)

// WithReasoningEffort asks a model that can reason to think first: "none" (thinking off), "minimal",
// "low", "medium", "high", "xhigh" or "max" (OpenAI's reasoning efforts, mapped per model family). A
// model that cannot reason fails with InvalidArgument.
func WithReasoningEffort(effort string) RequestOption {
	return func(req *amazonchatv1.ChatCompletionRequest) { req.ReasoningEffort = &effort }
}

// Answer is an answer with what came with it: ChatAnswer's result (or AnswerOf a response).
type Answer struct {
	// Text is the answer's text ("" if the model only called tools).
	Text string
	// Reasoning is the model's reasoning, all its blocks' text joined ("" if it did not reason).
	Reasoning string
	// ThinkingBlocks are the signed reasoning blocks, to replay unchanged.
	ThinkingBlocks []*amazonchatv1.ThinkingBlock
	// ToolCalls are the tool calls the model made.
	ToolCalls []*amazonchatv1.ToolCall
	// FinishReason is "stop", "length", "tool_calls" or "content_filter" ("" without a choice).
	FinishReason string
	// Message is the assistant message as the server sent it: append it to the conversation to
	// continue (its thinking blocks and tool calls included).
	Message *amazonchatv1.Message
	// Response is the whole response.
	Response *amazonchatv1.ChatCompletionResponse
}

// AnswerOf returns the Answer of a response's first choice.
func AnswerOf(resp *amazonchatv1.ChatCompletionResponse) *Answer {
	var choice *amazonchatv1.Choice
	if len(resp.GetChoices()) > 0 {
		choice = resp.GetChoices()[0]
	}
	message := choice.GetMessage()
	return &Answer{
		Text:           message.GetText(),
		Reasoning:      message.GetReasoningContent(),
		ThinkingBlocks: message.GetThinkingBlocks(),
		ToolCalls:      message.GetToolCalls(),
		FinishReason:   choice.GetFinishReason(),
		Message:        message,
		Response:       resp,
	}
}

// ChatAnswer asks model and returns the Answer: its text, the model's reasoning (ask for it with
// WithReasoningEffort), the thinking blocks and the assistant message to replay. prompt is a user
// message's text.
func (c *Client) ChatAnswer(ctx context.Context, model, prompt string, opts ...RequestOption) (*Answer, error) {
	req := NewRequest(model, User(prompt))
	for _, opt := range opts {
		opt(req)
	}
	resp, err := c.ChatCompletion(ctx, req)
	if err != nil {
		return nil, err
	}
	return AnswerOf(resp), nil
}

// ChatCompletion calls ChatService.ChatCompletion: the complete answer.
func (c *Client) ChatCompletion(ctx context.Context, req *amazonchatv1.ChatCompletionRequest) (*amazonchatv1.ChatCompletionResponse, error) {
	return c.ChatService.ChatCompletion(ctx, req)
}

// StreamChatCompletion calls ChatService.StreamChatCompletion and yields the chunks as they arrive:
//
//	for chunk, err := range client.StreamChatCompletion(ctx, req) {
//		if err != nil { return err }
//		...
//	}
//
// A failure is yielded once, as the last element. Breaking out of the loop cancels the call. The
// deadline (ctx's, or the client's default) covers the whole stream.
func (c *Client) StreamChatCompletion(ctx context.Context, req *amazonchatv1.ChatCompletionRequest) iter.Seq2[*amazonchatv1.StreamChatCompletionResponse, error] {
	return func(yield func(*amazonchatv1.StreamChatCompletionResponse, error) bool) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		stream, err := c.ChatService.StreamChatCompletion(ctx, req)
		if err != nil {
			yield(nil, err)
			return
		}
		for {
			chunk, err := stream.Recv()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				yield(nil, err)
				return
			}
			if !yield(chunk, nil) {
				return
			}
		}
	}
}

// StreamChat streams the answer's text fragments; see StreamChatCompletion.
func (c *Client) StreamChat(ctx context.Context, model, prompt string) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		for chunk, err := range c.StreamChatCompletion(ctx, NewRequest(model, User(prompt))) {
			if err != nil {
				yield("", err)
				return
			}
			if text := DeltaText(chunk); text != "" && !yield(text, nil) {
				return
			}
		}
	}
}

// ListModels calls ModelService.ListModels: the models, sorted by id.
func (c *Client) ListModels(ctx context.Context) ([]*amazonchatv1.Model, error) {
	resp, err := c.ModelService.ListModels(ctx, &amazonchatv1.ListModelsRequest{})
	if err != nil {
		return nil, err
	}
	return resp.GetData(), nil
}

// GetModel calls ModelService.GetModel; a NotFound status if the model is not served.
func (c *Client) GetModel(ctx context.Context, id string) (*amazonchatv1.Model, error) {
	resp, err := c.ModelService.GetModel(ctx, &amazonchatv1.GetModelRequest{Id: id})
	if err != nil {
		return nil, err
	}
	return resp.GetModel(), nil
}

// EmbedOption sets a field of the request Embed sends (or of one from NewEmbeddingsRequest). Left
// unset, each is the server's: the model's default size, the server's input type, the model's own
// vectors (Titan V2 normalises by default), floats.
type EmbedOption func(*amazonchatv1.CreateEmbeddingsRequest)

// WithDimensions sets the vector size, where the model offers several: Titan V2 256, 512 or 1024;
// Cohere v4 256, 512, 1024 or 1536; Nova 256, 384, 1024 or 3072. Another size fails with
// InvalidArgument.
func WithDimensions(n uint32) EmbedOption {
	return func(req *amazonchatv1.CreateEmbeddingsRequest) { req.Dimensions = &n }
}

// WithInputType says what the vectors are for: "search_document" (the server's default, unless its
// --embedding-input-type says otherwise), "search_query", "classification" or "clustering"
// (Cohere's input_type, Nova's embedding purpose; Titan has none).
func WithInputType(inputType string) EmbedOption {
	return func(req *amazonchatv1.CreateEmbeddingsRequest) { req.InputType = &inputType }
}

// WithNormalize asks for unit-length vectors (true), or the model's own (false).
func WithNormalize(normalize bool) EmbedOption {
	return func(req *amazonchatv1.CreateEmbeddingsRequest) { req.Normalize = &normalize }
}

// WithEncodingFormat asks for "float" vectors (the default) or "base64" ones (little-endian 32-bit
// floats; EmbeddingVectors decodes them).
func WithEncodingFormat(format string) EmbedOption {
	return func(req *amazonchatv1.CreateEmbeddingsRequest) { req.EncodingFormat = &format }
}

// Embed embeds texts with model and returns one vector per text, in order. For images, use
// NewEmbeddingsRequest with ImageInput and CreateEmbeddings.
func (c *Client) Embed(ctx context.Context, model string, texts []string, opts ...EmbedOption) ([][]float32, error) {
	req := NewEmbeddingsRequest(model, TextInputs(texts...)...)
	for _, opt := range opts {
		opt(req)
	}
	resp, err := c.CreateEmbeddings(ctx, req)
	if err != nil {
		return nil, err
	}
	return EmbeddingVectors(resp)
}

// CreateEmbeddings calls EmbeddingService.CreateEmbeddings: the whole response (vectors, usage).
func (c *Client) CreateEmbeddings(ctx context.Context, req *amazonchatv1.CreateEmbeddingsRequest) (*amazonchatv1.CreateEmbeddingsResponse, error) {
	return c.EmbeddingService.CreateEmbeddings(ctx, req)
}

// NewEmbeddingsRequest returns a CreateEmbeddingsRequest for model with the given inputs (TextInput,
// ImageInput) and options.
func NewEmbeddingsRequest(model string, inputs ...*amazonchatv1.EmbeddingInput) *amazonchatv1.CreateEmbeddingsRequest {
	return &amazonchatv1.CreateEmbeddingsRequest{Model: model, Inputs: inputs}
}

// TextInput returns a text to embed.
func TextInput(text string) *amazonchatv1.EmbeddingInput {
	return &amazonchatv1.EmbeddingInput{Input: &amazonchatv1.EmbeddingInput_Text{Text: text}}
}

// TextInputs returns texts to embed, in order.
func TextInputs(texts ...string) []*amazonchatv1.EmbeddingInput {
	inputs := make([]*amazonchatv1.EmbeddingInput, len(texts))
	for i, text := range texts {
		inputs[i] = TextInput(text)
	}
	return inputs
}

// ImageInput returns an image to embed, as a base64 data URL ("data:image/png;base64,..."), for the
// models that take images (Cohere v3 and v4, Nova).
func ImageInput(imageURL string) *amazonchatv1.EmbeddingInput {
	return &amazonchatv1.EmbeddingInput{Input: &amazonchatv1.EmbeddingInput_ImageUrl{ImageUrl: imageURL}}
}

// EmbeddingVectors returns the vectors of a response, in the order of the inputs: the floats, or
// the base64 ones decoded (encoding format "base64").
func EmbeddingVectors(resp *amazonchatv1.CreateEmbeddingsResponse) ([][]float32, error) {
	data := slices.Clone(resp.GetData())
	slices.SortStableFunc(data, func(a, b *amazonchatv1.Embedding) int { return cmp.Compare(a.GetIndex(), b.GetIndex()) })
	vectors := make([][]float32, len(data))
	for i, item := range data {
		if item.EmbeddingBase64 == nil {
			vectors[i] = item.GetEmbedding()
			continue
		}
		raw, err := base64.StdEncoding.DecodeString(item.GetEmbeddingBase64())
		if err != nil {
			return nil, fmt.Errorf("embedding %d: %w", item.GetIndex(), err)
		}
		if len(raw)%4 != 0 {
			return nil, fmt.Errorf("embedding %d: %d bytes are not 32-bit floats", item.GetIndex(), len(raw))
		}
		vector := make([]float32, len(raw)/4)
		for j := range vector {
			vector[j] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*j:]))
		}
		vectors[i] = vector
	}
	return vectors, nil
}

// NewRequest returns a ChatCompletionRequest for model with the given conversation.
func NewRequest(model string, messages ...*amazonchatv1.Message) *amazonchatv1.ChatCompletionRequest {
	return &amazonchatv1.ChatCompletionRequest{Model: model, Messages: messages}
}

// System returns a system message.
func System(text string) *amazonchatv1.Message { return textMessage("system", text) }

// User returns a user message.
func User(text string) *amazonchatv1.Message { return textMessage("user", text) }

// Assistant returns an assistant message (to replay history): text (may be empty), tool calls, or both.
func Assistant(text string, toolCalls ...*amazonchatv1.ToolCall) *amazonchatv1.Message {
	m := &amazonchatv1.Message{Role: "assistant", ToolCalls: toolCalls}
	if text != "" {
		m.Content = &amazonchatv1.Message_Text{Text: text}
	}
	return m
}

// ToolResult returns a tool message answering the tool call toolCallID.
func ToolResult(toolCallID, text string) *amazonchatv1.Message {
	m := textMessage("tool", text)
	m.ToolCallId = &toolCallID
	return m
}

// FunctionTool returns a function tool; parameters is its arguments' JSON Schema (nil: none).
func FunctionTool(name, description string, parameters map[string]any) (*amazonchatv1.Tool, error) {
	fn := &amazonchatv1.FunctionDefinition{Name: name}
	if description != "" {
		fn.Description = &description
	}
	if parameters != nil {
		schema, err := structpb.NewStruct(parameters)
		if err != nil {
			return nil, err
		}
		fn.Parameters = schema
	}
	return &amazonchatv1.Tool{Type: "function", Function: fn}, nil
}

// AnswerText returns the text of a response's first choice ("" if none).
func AnswerText(resp *amazonchatv1.ChatCompletionResponse) string {
	if len(resp.GetChoices()) == 0 {
		return ""
	}
	return resp.GetChoices()[0].GetMessage().GetText()
}

// ReasoningText returns the model's reasoning in a response's first choice ("" if it did not reason).
func ReasoningText(resp *amazonchatv1.ChatCompletionResponse) string {
	if len(resp.GetChoices()) == 0 {
		return ""
	}
	return resp.GetChoices()[0].GetMessage().GetReasoningContent()
}

// DeltaText returns the text a chunk adds.
func DeltaText(chunk *amazonchatv1.StreamChatCompletionResponse) string {
	var b strings.Builder
	for _, choice := range chunk.GetChoices() {
		b.WriteString(choice.GetDelta().GetContent())
	}
	return b.String()
}

func textMessage(role, text string) *amazonchatv1.Message {
	return &amazonchatv1.Message{Role: role, Content: &amazonchatv1.Message_Text{Text: text}}
}

// bearer sends the API key on every call.
type bearer struct {
	key    string
	secure bool
}

func (b bearer) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	return map[string]string{"authorization": "Bearer " + b.key}, nil
}

func (b bearer) RequireTransportSecurity() bool { return b.secure }

func unaryTimeout(d time.Duration) grpc.UnaryClientInterceptor {
	return func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
		if _, ok := ctx.Deadline(); !ok && d > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, d)
			defer cancel()
		}
		return invoker(ctx, method, req, reply, cc, opts...)
	}
}

func streamTimeout(d time.Duration) grpc.StreamClientInterceptor {
	return func(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string, streamer grpc.Streamer, opts ...grpc.CallOption) (grpc.ClientStream, error) {
		if _, ok := ctx.Deadline(); ok || d <= 0 {
			return streamer(ctx, desc, cc, method, opts...)
		}
		ctx, cancel := context.WithTimeout(ctx, d)
		stream, err := streamer(ctx, desc, cc, method, opts...)
		if err != nil {
			cancel()
			return nil, err
		}
		return &cancelAtEnd{ClientStream: stream, cancel: cancel}, nil
	}
}

// cancelAtEnd releases the stream's timeout context once the stream has ended.
type cancelAtEnd struct {
	grpc.ClientStream
	cancel context.CancelFunc
}

func (s *cancelAtEnd) RecvMsg(m any) error {
	err := s.ClientStream.RecvMsg(m)
	if err != nil {
		s.cancel()
	}
	return err
}

// Command chat asks amazon-chat one question, then streams the answer to another.
//
//	go run ./examples/chat [TARGET]    # TARGET defaults to 127.0.0.1:8000; API key from API_KEY
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"google.golang.org/grpc/status"

	"github.com/amazon-chat/amazon-chat/clients/go/amazonchat"
)

const model = "anthropic.claude-3-haiku-20240307-v1:0"

func main() {
	target := "127.0.0.1:8000"
	if len(os.Args) > 1 {
		target = os.Args[1]
	}
	if err := run(target); err != nil {
		st := status.Convert(err)
		fmt.Fprintf(os.Stderr, "error: %v: %s\n", st.Code(), st.Message())
		os.Exit(1)
	}
}

func run(target string) error {
	client, err := amazonchat.Dial(target, amazonchat.WithAPIKey(os.Getenv("API_KEY")), amazonchat.WithTimeout(30*time.Second))
	if err != nil {
		return err
	}
	defer client.Close()
	ctx := context.Background()

	answer, err := client.Chat(ctx, model, "Say hello in one sentence.")
	if err != nil {
		return err
	}
	fmt.Println(answer)

	for text, err := range client.StreamChat(ctx, model, "Now count to five.") {
		if err != nil {
			return err
		}
		fmt.Print(text)
	}
	fmt.Println()
	return nil
}

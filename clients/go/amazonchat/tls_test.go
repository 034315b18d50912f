package amazonchat_test

// The Go client over TLS and mTLS, with the certificates of `amazon-chat dev-certs`: a server with
// --tls-cert/--tls-key, and one that also requires a client certificate (--tls-client-ca ca.pem),
// started like the suite's own (launch in live_test.go).

import (
	"context"
	"crypto/tls"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/amazon-chat/amazon-chat/clients/go/amazonchat"
)

type devCerts struct {
	ca, serverCert, serverKey, clientCert, clientKey string
}

// makeDevCerts runs `amazon-chat dev-certs --out <t.TempDir()>`.
func makeDevCerts(t *testing.T) devCerts {
	t.Helper()
	bin, err := binary()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cmd := exec.Command(bin, "dev-certs", "--out", dir)
	cmd.Env, cmd.Dir = serverEnv(dir), dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("amazon-chat dev-certs: %v: %s", err, out)
	}
	return devCerts{
		ca:         filepath.Join(dir, "ca.pem"),
		serverCert: filepath.Join(dir, "server.pem"),
		serverKey:  filepath.Join(dir, "server-key.pem"),
		clientCert: filepath.Join(dir, "client.pem"),
		clientKey:  filepath.Join(dir, "client-key.pem"),
	}
}

func loadTLS(t *testing.T, caFile, certFile, keyFile string) *tls.Config {
	t.Helper()
	config, err := amazonchat.LoadTLSConfig(caFile, certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	return config
}

// launchTLS starts a TLS server with extraArgs after the certificate flags; ready is the TLS config
// its readiness check connects with.
func launchTLS(t *testing.T, certs devCerts, ready *tls.Config, extraArgs ...string) (string, string) {
	t.Helper()
	args := append([]string{"--tls-cert", certs.serverCert, "--tls-key", certs.serverKey}, extraArgs...)
	target, key, stop, err := launch(args, amazonchat.WithTLS(ready))
	if err != nil {
		t.Fatal("amazon-chat:", err)
	}
	t.Cleanup(stop)
	return target, key
}

func dialTLS(t *testing.T, target, key string, config *tls.Config) *amazonchat.Client {
	t.Helper()
	client, err := amazonchat.Dial(target, amazonchat.WithAPIKey(key), amazonchat.WithTimeout(30*time.Second), amazonchat.WithTLS(config))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	return client
}

// chatAndStream makes one unary and one streaming call and checks both answers.
func chatAndStream(t *testing.T, client *amazonchat.Client) {
	t.Helper()
	ctx := context.Background()
	answer, err := client.Chat(ctx, model, prompt)
	if err != nil {
		t.Fatal(err)
	}
	if answer != "You said: hello there" {
		t.Fatalf("answer = %q", answer)
	}
	var fragments []string
	for s, err := range client.StreamChat(ctx, model, prompt) {
		if err != nil {
			t.Fatal(err)
		}
		fragments = append(fragments, s)
	}
	if len(fragments) < 2 || strings.Join(fragments, "") != answer {
		t.Fatalf("streamed %q, unary %q", fragments, answer)
	}
}

func TestTLS(t *testing.T) {
	certs := makeDevCerts(t)
	trustCA := loadTLS(t, certs.ca, "", "")
	target, key := launchTLS(t, certs, trustCA)

	t.Run("UnaryAndStreaming", func(t *testing.T) {
		chatAndStream(t, dialTLS(t, target, key, trustCA))
	})
	t.Run("CAFromPEMBytes", func(t *testing.T) {
		ca, err := os.ReadFile(certs.ca)
		if err != nil {
			t.Fatal(err)
		}
		config, err := amazonchat.TLSConfig(ca, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := dialTLS(t, target, key, config).Chat(context.Background(), model, prompt); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("UntrustedServerIsUnavailable", func(t *testing.T) {
		// The system's roots do not know the dev-certs CA.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, err := dialTLS(t, target, key, loadTLS(t, "", "", "")).Chat(ctx, model, prompt)
		wantCode(t, err, codes.Unavailable)
	})
}

func TestMTLS(t *testing.T) {
	certs := makeDevCerts(t)
	withClientCert := loadTLS(t, certs.ca, certs.clientCert, certs.clientKey)
	target, key := launchTLS(t, certs, withClientCert, "--tls-client-ca", certs.ca)

	t.Run("WithClientCertificate", func(t *testing.T) {
		chatAndStream(t, dialTLS(t, target, key, withClientCert))
	})
	t.Run("WithoutClientCertificateFails", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		started := time.Now()
		_, err := dialTLS(t, target, key, loadTLS(t, certs.ca, "", "")).Chat(ctx, model, prompt)
		// The server's TLS alert, not the deadline.
		wantCode(t, err, codes.Unavailable)
		if !strings.Contains(err.Error(), "certificate required") {
			t.Fatalf("want the handshake refused for want of a certificate, got %v", err)
		}
		if time.Since(started) >= 10*time.Second {
			t.Fatalf("took %v", time.Since(started))
		}
	})
}

func TestTLSConfigChecksItsInput(t *testing.T) {
	if _, err := amazonchat.TLSConfig([]byte("not a certificate"), nil, nil); err == nil {
		t.Fatal("want an error for a CA without a certificate")
	}
	if _, err := amazonchat.LoadTLSConfig("", "client.pem", ""); err == nil {
		t.Fatal("want an error for a certificate without its key")
	}
	if _, err := amazonchat.LoadTLSConfig(filepath.Join(t.TempDir(), "missing.pem"), "", ""); err == nil {
		t.Fatal("want an error for a missing CA file")
	}
}

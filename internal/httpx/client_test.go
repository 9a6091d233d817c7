package httpx

import (
	"context"
	"crypto/tls"
	"encoding/pem"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/net/http/httpproxy"
)

func newTestClient(t *testing.T, opts Options) *Client {
	t.Helper()
	if opts.MinBackoff == 0 {
		opts.MinBackoff = time.Millisecond
	}
	c, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestRetryTransient(t *testing.T) {
	for _, code := range []int{429, 500, 502, 503, 504} {
		var n atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if n.Add(1) < 3 {
				w.WriteHeader(code)
				return
			}
			io.WriteString(w, "ok")
		}))
		c := newTestClient(t, Options{})
		data, _, err := c.GetBytes(context.Background(), srv.URL, nil, 10)
		srv.Close()
		if err != nil || string(data) != "ok" || n.Load() != 3 {
			t.Errorf("status %d: data %q err %v after %d requests", code, data, err, n.Load())
		}
	}
}

func TestRetryGivesUp(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.WriteHeader(503)
	}))
	defer srv.Close()
	c := newTestClient(t, Options{Retries: 2})
	_, err := c.Get(context.Background(), srv.URL, nil)
	var se *StatusError
	if !errors.As(err, &se) || se.Code != 503 {
		t.Fatalf("err = %v, want 503 StatusError", err)
	}
	if n.Load() != 3 {
		t.Errorf("%d requests, want 3 (1 + 2 retries)", n.Load())
	}
}

func TestRetryConnectionReset(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			hj, _ := w.(http.Hijacker)
			conn, _, _ := hj.Hijack()
			conn.Close() // reset mid-request
			return
		}
		io.WriteString(w, "ok")
	}))
	defer srv.Close()
	c := newTestClient(t, Options{})
	data, _, err := c.GetBytes(context.Background(), srv.URL, nil, 10)
	if err != nil || string(data) != "ok" {
		t.Fatalf("data %q err %v", data, err)
	}
}

func TestNotFoundIsErrNotExist(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	c := newTestClient(t, Options{})
	_, err := c.Get(context.Background(), srv.URL+"/x", nil)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("err = %v, want fs.ErrNotExist", err)
	}
}

func TestCredentialsFromIndexURLAndRedaction(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, p, ok := r.BasicAuth()
		if !ok || u != "alice" || p != "s3cret" {
			w.WriteHeader(401)
			return
		}
		io.WriteString(w, "hello")
	}))
	defer srv.Close()
	c := newTestClient(t, Options{Retries: -1})
	withCreds := strings.Replace(srv.URL, "http://", "http://alice:s3cret@", 1)
	// Without credentials the server refuses, and the error shows no secret.
	_, err := c.Get(context.Background(), srv.URL+"/simple/", nil)
	if err == nil {
		t.Fatal("want 401 before credentials are known")
	}
	c.AddCredentials(withCreds + "/simple/")
	data, _, err := c.GetBytes(context.Background(), srv.URL+"/files/a.whl", nil, 100)
	if err != nil || string(data) != "hello" {
		t.Fatalf("with index credentials: %q %v", data, err)
	}
	if got := Redact(withCreds + "/simple/"); strings.Contains(got, "s3cret") || !strings.Contains(got, "alice:****@") {
		t.Errorf("Redact = %q", got)
	}
	if got := Redact("https://token@example.com/simple/"); strings.Contains(got, "token") {
		t.Errorf("Redact = %q", got)
	}
	// A failing request with credentials in its URL never shows them.
	srv404 := httptest.NewServer(http.NotFoundHandler())
	defer srv404.Close()
	_, err = c.Get(context.Background(), strings.Replace(srv404.URL, "http://", "http://bob:hunter2@", 1), nil)
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error leaks password: %v", err)
	}
}

func TestNetrc(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, p, _ := r.BasicAuth()
		io.WriteString(w, u+":"+p)
	}))
	defer srv.Close()
	dir := t.TempDir()
	netrc := filepath.Join(dir, ".netrc")
	os.WriteFile(netrc, []byte("# comment\nmachine 127.0.0.1 login carol password pw1\n\nmacdef init\ncd /\n\ndefault login anon password x\n"), 0o600)
	c := newTestClient(t, Options{Netrc: netrc})
	data, _, err := c.GetBytes(context.Background(), srv.URL, nil, 100)
	if err != nil || string(data) != "carol:pw1" {
		t.Fatalf("got %q %v", data, err)
	}
}

func TestParseNetrcErrors(t *testing.T) {
	for _, in := range []string{"login x", "machine", "machine a login", "bogus"} {
		if _, err := ParseNetrc([]byte(in)); err == nil {
			t.Errorf("ParseNetrc(%q): want error", in)
		}
	}
}

func TestPlainHTTPRefusedUnlessTrusted(t *testing.T) {
	c := newTestClient(t, Options{})
	_, err := c.Get(context.Background(), "http://pypi.example.com/simple/", nil)
	var ie *InsecureError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), "--trusted-host pypi.example.com") {
		t.Fatalf("err = %v", err)
	}
}

func TestTLSWithCertBundleAndHTTP2(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.Proto)
	}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	// Untrusted by default.
	c := newTestClient(t, Options{Retries: -1})
	if _, err := c.Get(context.Background(), srv.URL, nil); err == nil {
		t.Fatal("self-signed certificate accepted without a bundle")
	}
	bundle := filepath.Join(t.TempDir(), "ca.pem")
	pemData := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	os.WriteFile(bundle, pemData, 0o644)
	c = newTestClient(t, Options{CertFile: bundle})
	data, _, err := c.GetBytes(context.Background(), srv.URL, nil, 100)
	if err != nil || string(data) != "HTTP/2.0" {
		t.Fatalf("got %q %v", data, err)
	}
	// --trusted-host skips verification.
	host := strings.TrimPrefix(srv.URL, "https://")
	c = newTestClient(t, Options{TrustedHosts: []string{host}})
	if _, _, err := c.GetBytes(context.Background(), srv.URL, nil, 100); err != nil {
		t.Fatal(err)
	}
	_ = tls.VersionTLS12
}

func TestProxyFromConfig(t *testing.T) {
	var sawProxy atomic.Bool
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sawProxy.Store(true)
		io.WriteString(w, "via proxy "+r.URL.Host)
	}))
	defer proxy.Close()
	c := newTestClient(t, Options{Proxy: httpproxy.Config{HTTPProxy: proxy.URL}, TrustedHosts: []string{"files.example"}})
	data, _, err := c.GetBytes(context.Background(), "http://files.example/a", nil, 100)
	if err != nil || !sawProxy.Load() || string(data) != "via proxy files.example" {
		t.Fatalf("got %q %v", data, err)
	}
}

func TestGetRange(t *testing.T) {
	content := strings.Repeat("0123456789", 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.ServeContent(w, r, "f", time.Time{}, strings.NewReader(content))
	}))
	defer srv.Close()
	c := newTestClient(t, Options{})
	data, total, ok, err := c.GetRange(context.Background(), srv.URL, 10, 5)
	if err != nil || !ok || string(data) != "01234" || total != 100 {
		t.Fatalf("range: %q %d %v %v", data, total, ok, err)
	}
	data, total, ok, err = c.GetRange(context.Background(), srv.URL, -7, 0)
	if err != nil || !ok || string(data) != "3456789" || total != 100 {
		t.Fatalf("suffix range: %q %d %v %v", data, total, ok, err)
	}
	noRange := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, content)
	}))
	defer noRange.Close()
	if _, _, ok, err := c.GetRange(context.Background(), noRange.URL, 0, 5); ok || err != nil {
		t.Fatalf("server without ranges: ok=%v err=%v", ok, err)
	}
}

func TestGetBytesLimit(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, strings.Repeat("x", 1000))
	}))
	defer srv.Close()
	c := newTestClient(t, Options{})
	if _, _, err := c.GetBytes(context.Background(), srv.URL, nil, 999); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("err = %v", err)
	}
}

func TestContextCancelStopsRetries(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "20")
		w.WriteHeader(503)
	}))
	defer srv.Close()
	c := newTestClient(t, Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Get(ctx, srv.URL, nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatal("Retry-After not bounded by the context")
	}
}

func FuzzParseNetrc(f *testing.F) {
	f.Add([]byte("machine a login b password c\ndefault login d"))
	f.Add([]byte("macdef x\nfoo\n\nmachine y"))
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := ParseNetrc(data)
		if err == nil {
			n.Lookup("a")
		}
	})
}

// TestTrace checks the request log: one line per attempt, with the status,
// the range asked for, and the URL without its credentials.
func TestTrace(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.WriteHeader(503)
			return
		}
		io.WriteString(w, "ok")
	}))
	defer srv.Close()
	var lines []string
	c := newTestClient(t, Options{Trace: func(l string) { lines = append(lines, l) }})
	u := strings.Replace(srv.URL, "http://", "http://user:secret@", 1) + "/p"
	if _, _, err := c.GetBytes(context.Background(), u, http.Header{"Range": {"bytes=0-1"}}, 10); err != nil {
		t.Fatal(err)
	}
	if len(lines) != 2 {
		t.Fatalf("got %d trace lines, want 2: %q", len(lines), lines)
	}
	for i, want := range []string{": 503 HTTP/1.1 (bytes=0-1)", ": 200 HTTP/1.1 (bytes=0-1)"} {
		if !strings.Contains(lines[i], want) || !strings.Contains(lines[i], "GET http://") || strings.Contains(lines[i], "secret") {
			t.Errorf("line %d = %q, want it to hold %q and no password", i, lines[i], want)
		}
	}
}

package httpx

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/net/http/httpproxy"
)

// Options configures a Client. The zero value is usable: no proxy, system
// certificates, 5 retries, a 15 second connect/idle timeout.
type Options struct {
	// UserAgent is sent with every request.
	UserAgent string
	// Timeout bounds connecting and waiting for response headers (pip's
	// --timeout). Zero means 15 seconds. Bodies are bounded by the context.
	Timeout time.Duration
	// Retries is how many times a failed idempotent request is retried.
	// Negative means none; zero means the default of 5.
	Retries int
	// Proxy holds HTTP_PROXY, HTTPS_PROXY and NO_PROXY as the caller read them.
	Proxy httpproxy.Config
	// CertFile is a PEM bundle of extra trusted CAs (pip's --cert). When set,
	// it replaces the system store, as pip's does.
	CertFile string
	// ClientCert is a PEM file holding a client certificate and its key.
	ClientCert string
	// TrustedHosts are host or host:port values for which plain HTTP is
	// allowed and TLS certificates are not verified (pip's --trusted-host).
	TrustedHosts []string
	// Netrc is the path of a netrc file; empty means none.
	Netrc string
	// MinBackoff is the first retry delay; zero means 250ms. Tests shorten it.
	MinBackoff time.Duration
	// Trace, when set, receives one line per request answered or failed:
	// when it started (relative to New), the status, protocol, duration and
	// redacted URL. ferry prints these at -vv.
	Trace func(line string)
}

// Client is a retrying, credential-aware HTTP client. It is safe for
// concurrent use.
type Client struct {
	hc         *http.Client
	insecureHC *http.Client
	opts       Options
	netrc      *Netrc

	mu    sync.RWMutex
	creds map[string]*url.Userinfo // by host[:port]

	// warm holds, per scheme://host, a channel closed once the first
	// request to that host has its answer: later requests wait for it so
	// that they share its (HTTP/2) connection instead of each dialing and
	// shaking hands on its own.
	warmMu sync.Mutex
	warm   map[string]chan struct{}

	born time.Time // for Trace's offsets
}

// New builds a Client.
func New(opts Options) (*Client, error) {
	if opts.Timeout == 0 {
		opts.Timeout = 15 * time.Second
	}
	if opts.Retries == 0 {
		opts.Retries = 5
	}
	if opts.MinBackoff == 0 {
		opts.MinBackoff = 250 * time.Millisecond
	}
	tlsConf := &tls.Config{MinVersion: tls.VersionTLS12}
	if opts.CertFile != "" {
		pem, err := os.ReadFile(opts.CertFile)
		if err != nil {
			return nil, fmt.Errorf("reading CA bundle: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("reading CA bundle %s: no PEM certificates found", opts.CertFile)
		}
		tlsConf.RootCAs = pool
	}
	if opts.ClientCert != "" {
		cert, err := tls.LoadX509KeyPair(opts.ClientCert, opts.ClientCert)
		if err != nil {
			return nil, fmt.Errorf("reading client certificate %s: %w", opts.ClientCert, err)
		}
		tlsConf.Certificates = []tls.Certificate{cert}
	}
	c := &Client{opts: opts, creds: map[string]*url.Userinfo{}, warm: map[string]chan struct{}{}, born: time.Now()}
	if opts.Netrc != "" {
		data, err := os.ReadFile(opts.Netrc)
		switch {
		case err == nil:
			n, err := ParseNetrc(data)
			if err != nil {
				return nil, fmt.Errorf("reading %s: %w", opts.Netrc, err)
			}
			c.netrc = n
		case errors.Is(err, fs.ErrNotExist):
		default:
			return nil, fmt.Errorf("reading %s: %w", opts.Netrc, err)
		}
	}
	c.hc = &http.Client{Transport: newTransport(opts, tlsConf)}
	if len(opts.TrustedHosts) > 0 {
		insecure := tlsConf.Clone()
		insecure.InsecureSkipVerify = true
		c.insecureHC = &http.Client{Transport: newTransport(opts, insecure)}
	}
	return c, nil
}

func newTransport(opts Options, tlsConf *tls.Config) *http.Transport {
	proxy := opts.Proxy.ProxyFunc()
	dialer := &net.Dialer{Timeout: opts.Timeout, KeepAlive: 30 * time.Second}
	return &http.Transport{
		Proxy: func(r *http.Request) (*url.URL, error) {
			return proxy(r.URL)
		},
		DialContext:           dialer.DialContext,
		TLSClientConfig:       tlsConf,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   32,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   opts.Timeout,
		ResponseHeaderTimeout: opts.Timeout,
		ExpectContinueTimeout: time.Second,
	}
}

// AddCredentials remembers the user and password embedded in rawURL (an
// index or find-links URL) for every later request to the same host and
// port, as pip does. A URL without credentials is ignored.
func (c *Client) AddCredentials(rawURL string) {
	u, err := url.Parse(rawURL)
	if err != nil || u.User == nil || u.Host == "" {
		return
	}
	c.mu.Lock()
	c.creds[strings.ToLower(u.Host)] = u.User
	c.mu.Unlock()
}

// StatusError is an HTTP response that was not a success.
type StatusError struct {
	URL    string // redacted
	Code   int
	Status string
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("GET %s: %s", e.URL, e.Status)
}

// Is makes 404 and 410 satisfy fs.ErrNotExist.
func (e *StatusError) Is(target error) bool {
	return target == fs.ErrNotExist && (e.Code == http.StatusNotFound || e.Code == http.StatusGone)
}

// InsecureError reports a plain-HTTP URL for a host that is not trusted.
type InsecureError struct{ URL string }

func (e *InsecureError) Error() string {
	return fmt.Sprintf("refusing plain HTTP for %s: pass --trusted-host %s to allow it", e.URL, hostOf(e.URL))
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.Host
}

// Get fetches rawURL with the given extra headers, retrying transient
// failures. The caller closes the body. Responses with status 200-299 and
// 304 are returned; anything else is a *StatusError.
func (c *Client) Get(ctx context.Context, rawURL string, header http.Header) (*http.Response, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("invalid URL %s: %w", Redact(rawURL), err)
	}
	hc := c.hc
	if c.trusted(u.Host) {
		if c.insecureHC != nil {
			hc = c.insecureHC
		}
	} else if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return nil, &InsecureError{URL: Redact(rawURL)}
	}
	var lastErr error
	done, err := c.waitWarm(ctx, u)
	if err != nil {
		return nil, err
	}
	defer done()
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
		if err != nil {
			return nil, fmt.Errorf("GET %s: %w", Redact(rawURL), err)
		}
		for k, vs := range header {
			req.Header[k] = append([]string(nil), vs...)
		}
		if c.opts.UserAgent != "" {
			req.Header.Set("User-Agent", c.opts.UserAgent)
		}
		c.authorize(req)
		start := time.Now()
		resp, err := hc.Do(req)
		done()
		c.trace(req, resp, err, start)
		var retryAfter time.Duration
		if err == nil {
			if resp.StatusCode/100 == 2 || resp.StatusCode == http.StatusNotModified {
				return resp, nil
			}
			serr := &StatusError{URL: Redact(rawURL), Code: resp.StatusCode, Status: resp.Status}
			retryAfter = parseRetryAfter(resp.Header.Get("Retry-After"))
			io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			resp.Body.Close()
			if !retryableStatus(resp.StatusCode) {
				return nil, serr
			}
			lastErr = serr
		} else {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if !retryableErr(err) {
				return nil, fmt.Errorf("GET %s: %w", Redact(rawURL), redactErr(err))
			}
			lastErr = fmt.Errorf("GET %s: %w", Redact(rawURL), redactErr(err))
		}
		if attempt >= c.opts.Retries || c.opts.Retries < 0 {
			return nil, lastErr
		}
		if err := sleep(ctx, c.backoff(attempt, retryAfter)); err != nil {
			return nil, err
		}
	}
}

// GetBytes fetches rawURL and returns its body, refusing bodies larger than limit.
func (c *Client) GetBytes(ctx context.Context, rawURL string, header http.Header, limit int64) ([]byte, *http.Response, error) {
	resp, err := c.Get(ctx, rawURL, header)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, nil, fmt.Errorf("reading %s: %w", Redact(rawURL), err)
	}
	if int64(len(data)) > limit {
		return nil, nil, fmt.Errorf("reading %s: response larger than %d bytes", Redact(rawURL), limit)
	}
	return data, resp, nil
}

// GetRange fetches bytes [off, off+n) of rawURL with a Range request. When
// the server ignores the range (answers 200), ok is false and the caller
// should fall back to a whole download.
func (c *Client) GetRange(ctx context.Context, rawURL string, off, n int64) (data []byte, total int64, ok bool, err error) {
	h := http.Header{}
	if off < 0 {
		h.Set("Range", fmt.Sprintf("bytes=%d", off)) // suffix range: last -off bytes
	} else {
		h.Set("Range", fmt.Sprintf("bytes=%d-%d", off, off+n-1))
	}
	h.Set("Accept-Encoding", "identity")
	resp, err := c.Get(ctx, rawURL, h)
	if err != nil {
		var se *StatusError
		if errors.As(err, &se) && se.Code == http.StatusRequestedRangeNotSatisfiable {
			return nil, 0, false, nil
		}
		return nil, 0, false, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusPartialContent {
		return nil, 0, false, nil
	}
	total = -1
	if cr := resp.Header.Get("Content-Range"); cr != "" {
		if i := strings.LastIndexByte(cr, '/'); i >= 0 {
			if t, err := strconv.ParseInt(cr[i+1:], 10, 64); err == nil {
				total = t
			}
		}
	}
	limit := n
	if off < 0 {
		limit = -off
	}
	data, err = io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, 0, false, fmt.Errorf("reading %s: %w", Redact(rawURL), err)
	}
	if int64(len(data)) > limit {
		return nil, 0, false, fmt.Errorf("reading %s: range response larger than requested", Redact(rawURL))
	}
	return data, total, true, nil
}

// trace reports one request to opts.Trace.
func (c *Client) trace(req *http.Request, resp *http.Response, err error, start time.Time) {
	if c.opts.Trace == nil {
		return
	}
	at := start.Sub(c.born).Milliseconds()
	took := time.Since(start).Milliseconds()
	what := "error"
	if err == nil {
		what = fmt.Sprintf("%d %s", resp.StatusCode, resp.Proto)
	}
	extra := ""
	if r := req.Header.Get("Range"); r != "" {
		extra = " (" + r + ")"
	}
	c.opts.Trace(fmt.Sprintf("+%dms %s %s in %dms: %s%s", at, req.Method, Redact(req.URL.String()), took, what, extra))
}

func (c *Client) authorize(req *http.Request) {
	if req.URL.User != nil {
		return // net/http sends embedded credentials itself
	}
	c.mu.RLock()
	ui := c.creds[strings.ToLower(req.URL.Host)]
	c.mu.RUnlock()
	if ui != nil {
		p, _ := ui.Password()
		req.SetBasicAuth(ui.Username(), p)
		return
	}
	if c.netrc != nil {
		if m, ok := c.netrc.Lookup(req.URL.Hostname()); ok && m.Login != "" {
			req.SetBasicAuth(m.Login, m.Password)
		}
	}
}

func (c *Client) trusted(host string) bool {
	h := strings.ToLower(host)
	for _, t := range c.opts.TrustedHosts {
		t = strings.ToLower(t)
		if t == h || (!strings.Contains(t, ":") && hostOnly(h) == t) {
			return true
		}
	}
	return false
}

func hostOnly(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return hostport
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (c *Client) backoff(attempt int, retryAfter time.Duration) time.Duration {
	const maxDelay = 30 * time.Second
	if retryAfter > 0 {
		return min(retryAfter, maxDelay)
	}
	d := c.opts.MinBackoff << attempt
	if d <= 0 || d > maxDelay {
		d = maxDelay
	}
	// Full jitter in [d/2, d).
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func parseRetryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return time.Until(t)
	}
	return 0
}

func retryableStatus(code int) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

func retryableErr(err error) bool {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ECONNABORTED) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
}

// redactErr strips credentials from the URL inside a *url.Error.
func redactErr(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// Redact returns rawURL with any password replaced by "****" (and a bare
// token user replaced the same way), for display.
func Redact(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.User == nil {
		if err != nil {
			// Not parseable: drop anything that looks like userinfo.
			if i := strings.Index(rawURL, "@"); i >= 0 {
				if j := strings.Index(rawURL, "://"); j >= 0 && j < i {
					return rawURL[:j+3] + "****@" + rawURL[i+1:]
				}
			}
		}
		return rawURL
	}
	masked := "****"
	if _, has := u.User.Password(); has {
		masked = url.PathEscape(u.User.Username()) + ":****"
	}
	u.User = nil
	s := u.String()
	if i := strings.Index(s, "://"); i >= 0 {
		return s[:i+3] + masked + "@" + s[i+3:]
	}
	return s
}

// waitWarm lets the first request to a host through at once and makes the
// others wait until it has been answered (its connection is then open).
// The returned function marks the first request done; it is idempotent.
func (c *Client) waitWarm(ctx context.Context, u *url.URL) (func(), error) {
	if u.Scheme != "https" && u.Scheme != "http" {
		return func() {}, nil
	}
	key := u.Scheme + "://" + u.Host
	c.warmMu.Lock()
	ch, ok := c.warm[key]
	if !ok {
		ch = make(chan struct{})
		c.warm[key] = ch
		c.warmMu.Unlock()
		var once sync.Once
		return func() { once.Do(func() { close(ch) }) }, nil
	}
	c.warmMu.Unlock()
	select {
	case <-ch:
		return func() {}, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

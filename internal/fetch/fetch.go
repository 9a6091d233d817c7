package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"ferry/internal/cache"
	"ferry/internal/httpx"
)

// ErrOffline is wrapped by the error for a download attempted in offline
// mode that the cache cannot answer.
var ErrOffline = errors.New("not available offline")

// ErrTooLarge is wrapped by the error for a file larger than the limit.
var ErrTooLarge = errors.New("file too large")

// ErrTruncated is wrapped by the error for a download that ended before
// its announced length.
var ErrTruncated = errors.New("truncated download")

// Request is one file to download.
type Request struct {
	// URL is an http, https or file URL.
	URL string
	// Filename names the file in messages and results; empty means the
	// last segment of URL's path.
	Filename string
	// Hashes are the index's digests (hashlib name → hex): each one whose
	// algorithm is supported must match.
	Hashes map[string]string
	// Pins are --hash values: when present, at least one must match.
	Pins []Digest
	// Size is the size the index announced (PEP 700); zero or negative
	// means unknown (no distribution file is empty).
	Size int64
}

// Result is a verified file in the cache.
type Result struct {
	// Path is the file in the cache, named by its sha256; callers must not
	// modify it.
	Path string
	// Filename is the request's file name (the name to install it under).
	Filename string
	SHA256   string
	Size     int64
	// Cached reports that the cache already had the file.
	Cached bool
}

// Options configure a Fetcher.
type Options struct {
	// Client makes HTTP requests (required for http and https URLs).
	Client *httpx.Client
	// Cache receives the verified files in its archives bucket (required).
	Cache *cache.Cache
	// MaxSize bounds a file; zero means 8 GiB.
	MaxSize int64
	// Jobs bounds concurrent downloads in FetchAll; zero means 8.
	Jobs int
	// Offline answers only from the cache (and local file URLs).
	Offline bool
	// Attempts is how many times a download whose body fails (a reset, a
	// truncated body) is tried in all; zero means 3.
	Attempts int
}

// Fetcher downloads files into a Store. It is safe for concurrent use;
// concurrent requests for the same URL and expectations share one download.
type Fetcher struct {
	opts Options

	mu     sync.Mutex
	flight map[string]*call
}

type call struct {
	done chan struct{}
	res  Result
	err  error
}

// New returns a Fetcher.
func New(opts Options) *Fetcher {
	if opts.MaxSize == 0 {
		opts.MaxSize = 8 << 30
	}
	if opts.Jobs <= 0 {
		opts.Jobs = 8
	}
	if opts.Attempts <= 0 {
		opts.Attempts = 3
	}
	return &Fetcher{opts: opts, flight: map[string]*call{}}
}

// Fetch downloads req into the cache, or finds it there.
func (f *Fetcher) Fetch(ctx context.Context, req Request) (Result, error) {
	if req.Filename == "" {
		req.Filename = filenameOf(req.URL)
	}
	if req.Filename == "" || strings.ContainsAny(req.Filename, `/\`) || req.Filename == "." || req.Filename == ".." {
		return Result{}, fmt.Errorf("downloading %s: cannot tell the file name", httpx.Redact(req.URL))
	}
	if f.opts.Cache == nil {
		return Result{}, errors.New("fetch: no cache")
	}
	for _, sha := range candidates(req) {
		if p, ok := f.opts.Cache.Lookup(cache.Archives, cache.SHA256(sha)); ok {
			st, err := os.Stat(p)
			if err == nil {
				return Result{Path: p, Filename: req.Filename, SHA256: sha, Size: st.Size(), Cached: true}, nil
			}
		}
	}
	key := flightKey(req)
	f.mu.Lock()
	if c, ok := f.flight[key]; ok {
		f.mu.Unlock()
		select {
		case <-c.done:
			return c.res, c.err
		case <-ctx.Done():
			return Result{}, ctx.Err()
		}
	}
	c := &call{done: make(chan struct{})}
	f.flight[key] = c
	f.mu.Unlock()
	c.res, c.err = f.download(ctx, req)
	if c.err != nil {
		f.mu.Lock()
		delete(f.flight, key) // a later call may succeed
		f.mu.Unlock()
	}
	close(c.done)
	return c.res, c.err
}

// FetchAll downloads every request, at most Options.Jobs at once, and
// returns the results in request order. The first failure cancels the
// downloads still running and is returned.
func (f *Fetcher) FetchAll(ctx context.Context, reqs []Request) ([]Result, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	results := make([]Result, len(reqs))
	sem := make(chan struct{}, f.opts.Jobs)
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	for i, r := range reqs {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			res, err := f.Fetch(ctx, r)
			if err != nil {
				once.Do(func() { first = err; cancel() })
				return
			}
			results[i] = res
		}()
	}
	wg.Wait()
	if first != nil {
		return nil, first
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return results, nil
}

func (f *Fetcher) download(ctx context.Context, req Request) (Result, error) {
	res, _, err := f.retrying(ctx, req, func() sink { return &fileSink{f: f} })
	return res, err
}

// retrying downloads req into a fresh sink per attempt, retrying failures
// worth another attempt.
func (f *Fetcher) retrying(ctx context.Context, req Request, newSink func() sink) (Result, sink, error) {
	local := strings.HasPrefix(req.URL, "file:")
	if f.opts.Offline && !local {
		return Result{}, nil, fmt.Errorf("downloading %s: %w (not in the cache)", req.Filename, ErrOffline)
	}
	var err error
	for attempt := 1; attempt <= f.opts.Attempts; attempt++ {
		var res Result
		var retry bool
		snk := newSink()
		res, retry, err = f.try(ctx, req, snk)
		if err == nil {
			return res, snk, nil
		}
		if !retry || ctx.Err() != nil {
			break
		}
		t := time.NewTimer(time.Duration(attempt) * 100 * time.Millisecond)
		select {
		case <-ctx.Done():
			t.Stop()
			return Result{}, nil, ctx.Err()
		case <-t.C:
		}
	}
	return Result{}, nil, err
}

// FetchData is Fetch into memory: the verified bytes of the file, which
// is not stored in the cache (a file the cache already holds is read from
// there). Installing uses it: the wheel is unpacked into the cache from
// memory, so the archive is neither written nor read back. Files larger
// than maxMem (or of unknown size above it) go through Fetch instead and
// come back with data nil and Result.Path set.
func (f *Fetcher) FetchData(ctx context.Context, req Request, maxMem int64) ([]byte, Result, error) {
	if req.Filename == "" {
		req.Filename = filenameOf(req.URL)
	}
	for _, sha := range candidates(req) {
		if p, ok := f.opts.Cache.Lookup(cache.Archives, cache.SHA256(sha)); ok {
			if st, err := os.Stat(p); err == nil {
				return nil, Result{Path: p, Filename: req.Filename, SHA256: sha, Size: st.Size(), Cached: true}, nil
			}
		}
	}
	if req.Size > maxMem || req.Size <= 0 || strings.HasPrefix(req.URL, "file:") {
		res, err := f.Fetch(ctx, req)
		return nil, res, err
	}
	res, snk, err := f.retrying(ctx, req, func() sink { return &memSink{} })
	if err != nil {
		return nil, Result{}, err
	}
	return snk.(*memSink).buf.Bytes(), res, nil
}

// sink receives a download and keeps it once it is verified.
type sink interface {
	io.Writer
	// open prepares the sink for a body of (about) n bytes, -1 if unknown.
	open(n int64) error
	// keep is called once the content is verified; it returns the result.
	keep(ctx context.Context, req Request, sha string, n int64) (Result, error)
	close()
}

// fileSink stores a download in the cache's archives bucket.
type fileSink struct {
	f       *Fetcher
	tmpDir  string
	tmpName string
	tmp     *os.File
}

func (s *fileSink) open(int64) error {
	var err error
	if s.tmpDir, err = s.f.opts.Cache.TempDir(); err != nil {
		return err
	}
	s.tmpName = filepath.Join(s.tmpDir, "download")
	s.tmp, err = os.OpenFile(s.tmpName, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	return err
}

func (s *fileSink) Write(p []byte) (int, error) { return s.tmp.Write(p) }

func (s *fileSink) keep(ctx context.Context, req Request, sha string, n int64) (Result, error) {
	if err := s.tmp.Sync(); err != nil {
		return Result{}, err
	}
	if err := s.tmp.Close(); err != nil {
		return Result{}, err
	}
	p, _, err := s.f.opts.Cache.Ensure(ctx, cache.Archives, cache.SHA256(sha), func(ctx context.Context, dst string) error {
		return os.Rename(s.tmpName, dst)
	})
	if err != nil {
		return Result{}, err
	}
	return Result{Path: p, Filename: req.Filename, SHA256: sha, Size: n}, nil
}

func (s *fileSink) close() {
	if s.tmp != nil {
		s.tmp.Close()
	}
	if s.tmpDir != "" {
		os.RemoveAll(s.tmpDir)
	}
}

// memSink keeps a download in memory.
type memSink struct{ buf bytes.Buffer }

func (s *memSink) open(n int64) error {
	if n > 0 {
		s.buf.Grow(int(n))
	}
	return nil
}

func (s *memSink) Write(p []byte) (int, error) { return s.buf.Write(p) }

func (s *memSink) keep(_ context.Context, req Request, sha string, n int64) (Result, error) {
	return Result{Filename: req.Filename, SHA256: sha, Size: n}, nil
}

func (s *memSink) close() {}

// try downloads once into snk. retry reports a failure worth another
// attempt.
func (f *Fetcher) try(ctx context.Context, req Request, snk sink) (res Result, retry bool, err error) {
	defer snk.close()
	shown := httpx.Redact(req.URL)
	fail := func(retry bool, err error) (Result, bool, error) {
		return Result{}, retry, fmt.Errorf("downloading %s: %w", req.Filename, err)
	}
	var body io.ReadCloser
	announced := int64(-1)
	if strings.HasPrefix(req.URL, "file:") {
		p, err := localPath(req.URL)
		if err != nil {
			return fail(false, err)
		}
		fh, err := os.Open(p)
		if err != nil {
			return fail(false, err)
		}
		if st, err := fh.Stat(); err == nil {
			announced = st.Size()
		}
		body = fh
	} else {
		if f.opts.Client == nil {
			return fail(false, errors.New("no HTTP client"))
		}
		resp, err := f.opts.Client.Get(ctx, req.URL, http.Header{"Accept-Encoding": {"identity"}})
		if err != nil {
			return Result{}, false, fmt.Errorf("downloading %s: %w", req.Filename, err)
		}
		if resp.StatusCode != http.StatusOK {
			resp.Body.Close()
			return fail(false, fmt.Errorf("GET %s: unexpected %s", shown, resp.Status))
		}
		announced = resp.ContentLength
		body = resp.Body
	}
	defer body.Close()
	if announced > f.opts.MaxSize {
		return fail(false, fmt.Errorf("%w: %d bytes (limit %d)", ErrTooLarge, announced, f.opts.MaxSize))
	}
	if req.Size > 0 && announced >= 0 && announced != req.Size {
		return fail(false, fmt.Errorf("the server announces %d bytes, the index said %d", announced, req.Size))
	}
	limit := f.opts.MaxSize
	if req.Size > 0 {
		limit = min(limit, req.Size)
	}
	if err := snk.open(max(announced, req.Size)); err != nil {
		return fail(false, err)
	}
	algos := make([]string, 0, len(req.Hashes)+len(req.Pins))
	for a := range req.Hashes {
		algos = append(algos, a)
	}
	for _, p := range req.Pins {
		algos = append(algos, p.Algorithm)
	}
	h := NewHasher(algos...)
	n, err := io.Copy(io.MultiWriter(snk, h), io.LimitReader(body, limit+1))
	if err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) && announced >= 0 {
			return fail(true, fmt.Errorf("%w: got %d of %d bytes from %s", ErrTruncated, h.Size(), announced, shown))
		}
		return fail(true, fmt.Errorf("reading %s: %w", shown, err))
	}
	switch {
	case n > limit && req.Size > 0 && limit < f.opts.MaxSize:
		return fail(false, fmt.Errorf("more than the %d bytes the index announced", req.Size))
	case n > limit:
		return fail(false, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, f.opts.MaxSize))
	case announced >= 0 && n != announced:
		return fail(true, fmt.Errorf("%w: got %d of %d bytes from %s", ErrTruncated, n, announced, shown))
	case req.Size > 0 && n != req.Size:
		return fail(false, fmt.Errorf("got %d bytes, the index said %d", n, req.Size))
	}
	if err := h.Check(req.Filename, req.Hashes, req.Pins); err != nil {
		var me *HashMismatchError
		if errors.As(err, &me) {
			me.URL = shown
		}
		return Result{}, false, err
	}
	res, err = snk.keep(ctx, req, h.Sum("sha256"), n)
	if err != nil {
		return fail(false, err)
	}
	return res, false, nil
}

// candidates are the sha256 digests the file may have: the index's, or
// the sha256 pins.
func candidates(req Request) []string {
	if sha := strings.ToLower(req.Hashes["sha256"]); sha != "" {
		return []string{sha}
	}
	var out []string
	for _, p := range req.Pins {
		if p.Algorithm == "sha256" && (len(req.Hashes) == 0) {
			out = append(out, p.Hex)
		}
	}
	return out
}

func flightKey(req Request) string {
	var b strings.Builder
	b.WriteString(req.URL)
	b.WriteByte(0)
	b.WriteString(req.Filename)
	algos := make([]string, 0, len(req.Hashes))
	for a := range req.Hashes {
		algos = append(algos, a)
	}
	sort.Strings(algos)
	for _, a := range algos {
		fmt.Fprintf(&b, "\x00%s=%s", a, req.Hashes[a])
	}
	pins := make([]string, len(req.Pins))
	for i, p := range req.Pins {
		pins[i] = p.String()
	}
	sort.Strings(pins)
	fmt.Fprintf(&b, "\x00%s\x00%d", strings.Join(pins, ","), req.Size)
	return b.String()
}

func filenameOf(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return ""
	}
	name, err := url.PathUnescape(path.Base(u.Path))
	if err != nil || name == "/" {
		return ""
	}
	return name
}

func localPath(rawURL string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "file" || (u.Host != "" && u.Host != "localhost") {
		return "", fmt.Errorf("not a local file URL: %s", httpx.Redact(rawURL))
	}
	p := u.Path
	if len(p) >= 3 && p[0] == '/' && p[2] == ':' {
		p = p[1:]
	}
	return filepath.FromSlash(p), nil
}

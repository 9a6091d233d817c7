package fetch_test

import (
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"ferry/internal/cache"
	"ferry/internal/fetch"
	"ferry/internal/httpx"
)

var ctx = context.Background()

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func md5hex(b []byte) string {
	s := md5.Sum(b)
	return hex.EncodeToString(s[:])
}

// files serves fixed content per path and counts requests per path.
type files struct {
	mu      sync.Mutex
	content map[string][]byte
	hits    map[string]int
	// lie, when set for a path, is the Content-Length announced instead
	// of the real one (the connection is then cut short).
	lie map[string]int
	// chunked paths are sent without Content-Length.
	chunked map[string]bool
	// delay slows every answer (to observe concurrency).
	delay    time.Duration
	inFlight atomic.Int32
	maxSeen  atomic.Int32
}

func (f *files) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := f.inFlight.Add(1)
	defer f.inFlight.Add(-1)
	for {
		m := f.maxSeen.Load()
		if n <= m || f.maxSeen.CompareAndSwap(m, n) {
			break
		}
	}
	time.Sleep(f.delay)
	f.mu.Lock()
	f.hits[r.URL.Path]++
	data, ok := f.content[r.URL.Path]
	lie, lying := f.lie[r.URL.Path]
	chunked := f.chunked[r.URL.Path]
	f.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	switch {
	case lying:
		w.Header().Set("Content-Length", fmt.Sprint(lie))
	case chunked:
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush() // no Content-Length: the body is chunked
	default:
		w.Header().Set("Content-Length", fmt.Sprint(len(data)))
	}
	w.Write(data)
}

func (f *files) count(p string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.hits[p]
}

type env struct {
	srv   *httptest.Server
	files *files
	cache *cache.Cache
	f     *fetch.Fetcher
	opts  fetch.Options
}

func newEnv(t *testing.T, opts fetch.Options) *env {
	t.Helper()
	fs := &files{content: map[string][]byte{}, hits: map[string]int{}, lie: map[string]int{}, chunked: map[string]bool{}}
	srv := httptest.NewServer(fs)
	t.Cleanup(srv.Close)
	c, err := cache.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	hc, err := httpx.New(httpx.Options{Retries: -1, MinBackoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	opts.Client, opts.Cache = hc, c
	return &env{srv: srv, files: fs, cache: c, f: fetch.New(opts), opts: opts}
}

func (e *env) add(p string, data []byte) string {
	e.files.mu.Lock()
	e.files.content[p] = data
	e.files.mu.Unlock()
	return e.srv.URL + p
}

// archives lists what the cache's archives bucket and tmp directory hold.
func (e *env) archives(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, dir := range []string{e.cache.BucketDir(cache.Archives), filepath.Join(e.cache.Dir(), "tmp")} {
		filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				out = append(out, p)
			}
			return nil
		})
	}
	return out
}

func TestFetch(t *testing.T) {
	data := []byte("wheel bytes " + strings.Repeat("x", 1000))
	e := newEnv(t, fetch.Options{})
	u := e.add("/demo-1.0-py3-none-any.whl", data)
	res, err := e.f.Fetch(ctx, fetch.Request{URL: u, Hashes: map[string]string{"sha256": sha(data), "md5": md5hex(data)}, Size: int64(len(data))})
	if err != nil {
		t.Fatal(err)
	}
	if res.SHA256 != sha(data) || res.Size != int64(len(data)) || res.Cached || res.Filename != "demo-1.0-py3-none-any.whl" {
		t.Errorf("result %+v", res)
	}
	got, err := os.ReadFile(res.Path)
	if err != nil || string(got) != string(data) {
		t.Fatalf("stored file: %v", err)
	}
	// A second fetch of the same hash needs no network, even from another
	// Fetcher (another run) and another URL.
	f2 := fetch.New(e.opts)
	res2, err := f2.Fetch(ctx, fetch.Request{URL: e.srv.URL + "/mirror/demo-1.0-py3-none-any.whl", Hashes: map[string]string{"sha256": sha(data)}})
	if err != nil || !res2.Cached || res2.Path != res.Path {
		t.Fatalf("second fetch: %+v, %v", res2, err)
	}
	// Offline, a known hash is served from the cache too.
	off := e.opts
	off.Offline = true
	if _, err := fetch.New(off).Fetch(ctx, fetch.Request{URL: u, Pins: []fetch.Digest{{Algorithm: "sha256", Hex: sha(data)}}}); err != nil {
		t.Errorf("offline hit: %v", err)
	}
	if n := e.files.count("/demo-1.0-py3-none-any.whl"); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
	if _, err := fetch.New(off).Fetch(ctx, fetch.Request{URL: e.srv.URL + "/other-1.0.tar.gz"}); !errors.Is(err, fetch.ErrOffline) {
		t.Errorf("offline miss: err = %v", err)
	}
}

func TestFetchRefusals(t *testing.T) {
	good := []byte("the real file content")
	bad := []byte("a tampered file")
	tests := []struct {
		name    string
		opts    fetch.Options
		setup   func(e *env) fetch.Request
		err     []string
		is      error
		retries int // requests made
	}{
		{name: "hash mismatch", setup: func(e *env) fetch.Request {
			return fetch.Request{URL: e.add("/demo-1.0.tar.gz", bad), Hashes: map[string]string{"sha256": sha(good)}}
		}, err: []string{"hash mismatch for demo-1.0.tar.gz", "expected sha256:" + sha(good), "got sha256:" + sha(bad)}, retries: 1},
		{name: "md5 from an old index", setup: func(e *env) fetch.Request {
			return fetch.Request{URL: e.add("/demo-1.0.tar.gz", bad), Hashes: map[string]string{"md5": md5hex(good)}}
		}, err: []string{"expected md5:" + md5hex(good), "got md5:" + md5hex(bad)}, retries: 1},
		{name: "no pin matches", setup: func(e *env) fetch.Request {
			return fetch.Request{URL: e.add("/demo-1.0.tar.gz", bad), Pins: []fetch.Digest{{"sha256", sha(good)}, {"sha256", sha([]byte("x"))}}}
		}, err: []string{"expected one of sha256:" + sha(good) + ", sha256:" + sha([]byte("x")), "got sha256:" + sha(bad)}, retries: 1},
		{name: "index hash and pins both apply", setup: func(e *env) fetch.Request {
			return fetch.Request{URL: e.add("/demo-1.0.tar.gz", bad), Hashes: map[string]string{"sha256": sha(good)}, Pins: []fetch.Digest{{"sha256", sha(bad)}}}
		}, err: []string{"expected sha256:" + sha(good)}, retries: 1},
		{name: "truncated", setup: func(e *env) fetch.Request {
			u := e.add("/demo-1.0.tar.gz", good)
			e.files.lie["/demo-1.0.tar.gz"] = len(good) + 100
			return fetch.Request{URL: u}
		}, err: []string{"truncated download", fmt.Sprintf("got %d of %d bytes", len(good), len(good)+100)}, is: fetch.ErrTruncated, retries: 3},
		{name: "oversized (announced)", opts: fetch.Options{MaxSize: 10}, setup: func(e *env) fetch.Request {
			return fetch.Request{URL: e.add("/demo-1.0.tar.gz", good)}
		}, err: []string{"file too large", "limit 10"}, is: fetch.ErrTooLarge, retries: 1},
		{name: "oversized (streamed)", opts: fetch.Options{MaxSize: 10}, setup: func(e *env) fetch.Request {
			u := e.add("/demo-1.0.tar.gz", good)
			e.files.chunked["/demo-1.0.tar.gz"] = true
			return fetch.Request{URL: u}
		}, err: []string{"file too large"}, is: fetch.ErrTooLarge, retries: 1},
		{name: "larger than the index said", setup: func(e *env) fetch.Request {
			u := e.add("/demo-1.0.tar.gz", good)
			e.files.chunked["/demo-1.0.tar.gz"] = true
			return fetch.Request{URL: u, Size: 5}
		}, err: []string{"more than the 5 bytes the index announced"}, retries: 1},
		{name: "announced size differs from the index", setup: func(e *env) fetch.Request {
			return fetch.Request{URL: e.add("/demo-1.0.tar.gz", good), Size: 5}
		}, err: []string{fmt.Sprintf("announces %d bytes, the index said 5", len(good))}, retries: 1},
		{name: "not found", setup: func(e *env) fetch.Request {
			return fetch.Request{URL: e.srv.URL + "/missing-1.0.tar.gz"}
		}, err: []string{"404"}, is: fs.ErrNotExist, retries: 1},
		{name: "no file name", setup: func(e *env) fetch.Request {
			return fetch.Request{URL: e.srv.URL + "/"}
		}, err: []string{"cannot tell the file name"}, retries: 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, tc.opts)
			req := tc.setup(e)
			_, err := e.f.Fetch(ctx, req)
			if err == nil {
				t.Fatal("accepted")
			}
			for _, s := range tc.err {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q lacks %q", err, s)
				}
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v is not %v", err, tc.is)
			}
			if left := e.archives(t); len(left) != 0 {
				t.Errorf("the cache holds %v after a refusal", left)
			}
			if n := e.files.count("/demo-1.0.tar.gz") + e.files.count("/missing-1.0.tar.gz"); n != tc.retries {
				t.Errorf("%d requests, want %d", n, tc.retries)
			}
		})
	}
}

func TestHashMismatchError(t *testing.T) {
	e := newEnv(t, fetch.Options{})
	u := strings.Replace(e.add("/demo-1.0.tar.gz", []byte("x")), "http://", "http://user:hunter2@", 1)
	_, err := e.f.Fetch(ctx, fetch.Request{URL: u, Hashes: map[string]string{"sha256": sha([]byte("y"))}})
	var me *fetch.HashMismatchError
	if !errors.As(err, &me) {
		t.Fatalf("err = %v", err)
	}
	want := &fetch.HashMismatchError{Filename: "demo-1.0.tar.gz", URL: strings.Replace(u, "hunter2", "****", 1),
		Expected: []fetch.Digest{{"sha256", sha([]byte("y"))}}, Got: fetch.Digest{"sha256", sha([]byte("x"))}}
	if diff := cmp.Diff(want, me); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if strings.Contains(err.Error(), "hunter2") {
		t.Errorf("password shown: %v", err)
	}
}

func TestFetchLocal(t *testing.T) {
	e := newEnv(t, fetch.Options{Offline: true})
	dir := t.TempDir()
	data := []byte("local sdist")
	p := filepath.Join(dir, "local-1.0.tar.gz")
	os.WriteFile(p, data, 0o644)
	res, err := e.f.Fetch(ctx, fetch.Request{URL: "file://" + filepath.ToSlash(p)})
	if err != nil {
		t.Fatal(err)
	}
	if res.SHA256 != sha(data) || res.Filename != "local-1.0.tar.gz" {
		t.Errorf("result %+v", res)
	}
	if _, err := e.f.Fetch(ctx, fetch.Request{URL: "file://" + filepath.ToSlash(filepath.Join(dir, "gone-1.0.tar.gz"))}); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing local file: %v", err)
	}
}

func TestFetchAll(t *testing.T) {
	e := newEnv(t, fetch.Options{Jobs: 2})
	e.files.delay = 20 * time.Millisecond
	var reqs []fetch.Request
	var want []string
	for i := range 8 {
		data := []byte(fmt.Sprintf("file %d", i))
		u := e.add(fmt.Sprintf("/p%d-1.0.tar.gz", i), data)
		reqs = append(reqs, fetch.Request{URL: u, Hashes: map[string]string{"sha256": sha(data)}})
		want = append(want, sha(data))
	}
	// The same URL many times is downloaded once.
	shared := []byte("shared")
	su := e.add("/shared-1.0.tar.gz", shared)
	for range 6 {
		reqs = append(reqs, fetch.Request{URL: su})
		want = append(want, sha(shared))
	}
	res, err := e.f.FetchAll(ctx, reqs)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range res {
		got = append(got, r.SHA256)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("results out of order (-want +got):\n%s", diff)
	}
	if m := e.files.maxSeen.Load(); m > 2 {
		t.Errorf("%d downloads at once, limit 2", m)
	}
	if n := e.files.count("/shared-1.0.tar.gz"); n != 1 {
		t.Errorf("shared URL downloaded %d times", n)
	}

	t.Run("first failure is returned", func(t *testing.T) {
		bad := append([]fetch.Request{}, reqs[:2]...)
		bad = append(bad, fetch.Request{URL: e.srv.URL + "/missing-1.0.tar.gz"})
		if _, err := e.f.FetchAll(ctx, bad); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("err = %v", err)
		}
	})
}

func TestRedirectLoop(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Path, http.StatusFound)
	}))
	defer srv.Close()
	e := newEnv(t, fetch.Options{})
	_, err := e.f.Fetch(ctx, fetch.Request{URL: srv.URL + "/loop-1.0.tar.gz"})
	if err == nil || !strings.Contains(err.Error(), "stopped after 10 redirects") {
		t.Errorf("err = %v, want the redirect loop named", err)
	}
}

func TestParseDigest(t *testing.T) {
	h := sha([]byte("x"))
	for _, tc := range []struct {
		in   string
		want fetch.Digest
		ok   bool
	}{
		{"sha256:" + h, fetch.Digest{"sha256", h}, true},
		{"SHA256=" + strings.ToUpper(h), fetch.Digest{"sha256", h}, true},
		{"md5:" + md5hex([]byte("x")), fetch.Digest{"md5", md5hex([]byte("x"))}, true},
		{"sha256:abc", fetch.Digest{}, false},
		{"crc32:00000000", fetch.Digest{}, false},
		{"sha256" + h, fetch.Digest{}, false},
		{"sha256:" + strings.Repeat("z", 64), fetch.Digest{}, false},
	} {
		got, err := fetch.ParseDigest(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseDigest(%q) = %v, %v", tc.in, got, err)
		}
		if tc.ok {
			if back, err := fetch.ParseDigest(got.String()); err != nil || back != got {
				t.Errorf("round trip of %v: %v, %v", got, back, err)
			}
		}
	}
}

func FuzzParseDigest(f *testing.F) {
	f.Add("sha256:" + sha([]byte("x")))
	f.Add("md5=00")
	f.Fuzz(func(t *testing.T, s string) {
		d, err := fetch.ParseDigest(s)
		if err != nil {
			return
		}
		back, err := fetch.ParseDigest(d.String())
		if err != nil || back != d {
			t.Fatalf("round trip %q: %v, %v", d, back, err)
		}
	})
}

func TestFetchData(t *testing.T) {
	data := []byte("wheel bytes in memory " + strings.Repeat("y", 500))
	e := newEnv(t, fetch.Options{})
	u := e.add("/mem-1.0-py3-none-any.whl", data)
	req := fetch.Request{URL: u, Hashes: map[string]string{"sha256": sha(data)}, Size: int64(len(data))}
	got, res, err := e.f.FetchData(ctx, req, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(data) || res.SHA256 != sha(data) || res.Path != "" {
		t.Fatalf("FetchData = %d bytes, %+v", len(got), res)
	}
	if left := e.archives(t); len(left) != 0 {
		t.Errorf("an in-memory download left files in the cache: %v", left)
	}
	// A mismatch is refused, naming both hashes.
	bad := req
	bad.Hashes = map[string]string{"sha256": sha([]byte("other"))}
	if _, _, err := e.f.FetchData(ctx, bad, 1<<20); err == nil || !strings.Contains(err.Error(), sha(data)) {
		t.Errorf("mismatch: err = %v", err)
	}
	// Larger than the memory bound: stored in the cache instead.
	got, res, err = e.f.FetchData(ctx, req, 10)
	if err != nil || got != nil || res.Path == "" {
		t.Fatalf("large file: %d bytes, %+v, %v", len(got), res, err)
	}
	// Now in the cache, it is read from there.
	got, res, err = e.f.FetchData(ctx, req, 1<<20)
	if err != nil || got != nil || !res.Cached {
		t.Fatalf("cached: %+v, %v", res, err)
	}
}

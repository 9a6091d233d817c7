package index

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"ferry/internal/fsx"
	"ferry/internal/httpx"
	"ferry/internal/simpleapi"
)

// CacheMode says how index pages and metadata use the HTTP cache.
type CacheMode uint8

// Cache modes.
const (
	// CacheNormal uses a stored response while it is fresh (Cache-Control
	// max-age) and revalidates it (If-None-Match / If-Modified-Since)
	// afterwards; a 304 reuses the stored body.
	CacheNormal CacheMode = iota
	// CacheRefresh revalidates every stored response (--refresh).
	CacheRefresh
	// CacheOffline never touches the network (--offline): a stored response
	// is used whatever its age, and a miss is an error wrapping ErrOffline.
	CacheOffline
)

// HTTPCache stores index pages and metadata files fetched over HTTP,
// keyed by URL and Accept header, with the validators needed to revalidate
// them. A zero Dir stores nothing (--no-cache-dir). It is safe for
// concurrent use: entries are replaced atomically.
type HTTPCache struct {
	// Dir is the cache's directory (the "http" directory of ferry's cache).
	Dir  string
	Mode CacheMode
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

func (c *HTTPCache) now() time.Time {
	if c != nil && c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *HTTPCache) mode() CacheMode {
	if c == nil {
		return CacheNormal
	}
	return c.Mode
}

// response is an HTTP answer as the cache hands it out.
type response struct {
	// URL is the final URL after redirects (links resolve against it).
	URL         string
	ContentType string
	Body        []byte
}

// entryHeader is the first line of a cache entry file; the body follows.
type entryHeader struct {
	URL          string    `json:"url"`
	FinalURL     string    `json:"final_url"`
	Status       int       `json:"status"`
	ContentType  string    `json:"content_type,omitempty"`
	ETag         string    `json:"etag,omitempty"`
	LastModified string    `json:"last_modified,omitempty"`
	Stored       time.Time `json:"stored"`
	MaxAge       int64     `json:"max_age"` // seconds; -1 when the server gave none
	NoCache      bool      `json:"no_cache,omitempty"`
	// Size is the body's length: entries are written without a sync, so
	// one cut short by a crash must read as a miss.
	Size int `json:"size"`
}

func (h entryHeader) fresh(now time.Time) bool {
	return !h.NoCache && h.MaxAge > 0 && now.Before(h.Stored.Add(time.Duration(h.MaxAge)*time.Second))
}

func (c *HTTPCache) path(url, accept string) string {
	sum := sha256.Sum256([]byte(url + "\x00" + accept))
	key := hex.EncodeToString(sum[:])
	return filepath.Join(c.Dir, "pages", key[:2], key)
}

func (c *HTTPCache) load(url, accept string) (entryHeader, []byte, bool) {
	if c == nil || c.Dir == "" {
		return entryHeader{}, nil, false
	}
	data, err := os.ReadFile(c.path(url, accept))
	if err != nil {
		return entryHeader{}, nil, false
	}
	line, body, ok := bytes.Cut(data, []byte("\n"))
	if !ok {
		return entryHeader{}, nil, false
	}
	var h entryHeader
	if json.Unmarshal(line, &h) != nil || h.URL != url || h.Size != len(body) {
		return entryHeader{}, nil, false // corrupt, cut short or a hash collision: a miss
	}
	return h, body, true
}

func (c *HTTPCache) store(accept string, h entryHeader, body []byte) error {
	if c == nil || c.Dir == "" {
		return nil
	}
	h.Size = len(body)
	line, err := json.Marshal(h)
	if err != nil {
		return err
	}
	p := c.path(h.URL, accept)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("writing HTTP cache: %w", err)
	}
	data := make([]byte, 0, len(line)+1+len(body))
	data = append(append(append(data, line...), '\n'), body...)
	return fsx.WriteFileCache(p, data, 0o644)
}

// cacheControl reads max-age, no-cache and no-store.
func cacheControl(v string) (maxAge int64, noCache, noStore bool) {
	maxAge = -1
	for _, d := range strings.Split(v, ",") {
		k, val, _ := strings.Cut(strings.TrimSpace(d), "=")
		switch strings.ToLower(k) {
		case "max-age":
			if n, err := strconv.ParseInt(strings.Trim(val, `"`), 10, 64); err == nil && n >= 0 {
				maxAge = n
			}
		case "no-cache":
			noCache = true
		case "no-store":
			noStore = true
		}
	}
	return maxAge, noCache, noStore
}

// get fetches url through the cache. A 404 or 410 (fresh from the network
// or remembered) is an *httpx.StatusError satisfying fs.ErrNotExist.
// Bodies larger than limit are refused.
func get(ctx context.Context, client *httpx.Client, c *HTTPCache, url, accept string, limit int64) (*response, error) {
	if strings.HasPrefix(url, "file:") {
		return getLocal(url, limit)
	}
	h, body, ok := c.load(url, accept)
	now := c.now()
	switch mode := c.mode(); {
	case mode == CacheOffline:
		if !ok {
			return nil, fmt.Errorf("%s: %w (no cached copy)", httpx.Redact(url), ErrOffline)
		}
		return h.answer(body)
	case ok && mode == CacheNormal && h.fresh(now):
		return h.answer(body)
	}
	header := http.Header{}
	if accept != "" {
		header.Set("Accept", accept)
	}
	if ok {
		if h.ETag != "" {
			header.Set("If-None-Match", h.ETag)
		}
		if h.LastModified != "" {
			header.Set("If-Modified-Since", h.LastModified)
		}
	}
	data, resp, err := client.GetBytes(ctx, url, header, limit)
	var se *httpx.StatusError
	if err != nil && errors.As(err, &se) && errors.Is(err, fs.ErrNotExist) {
		// Remember that the page does not exist, for offline runs.
		_ = c.store(accept, entryHeader{URL: url, FinalURL: url, Status: se.Code, Stored: now, MaxAge: -1}, nil)
		return nil, err
	}
	if err != nil {
		return nil, err
	}
	maxAge, noCache, noStore := cacheControl(resp.Header.Get("Cache-Control"))
	if resp.StatusCode == http.StatusNotModified {
		if !ok {
			return nil, fmt.Errorf("GET %s: 304 Not Modified for a request that was not conditional", httpx.Redact(url))
		}
		prev := h
		h.Stored, h.MaxAge, h.NoCache = now, maxAge, noCache
		if et := resp.Header.Get("ETag"); et != "" {
			h.ETag = et
		}
		if lm := resp.Header.Get("Last-Modified"); lm != "" {
			h.LastModified = lm
		}
		if !noStore && !sameButDate(prev, h) {
			_ = c.store(accept, h, body)
		}
		return h.answer(body)
	}
	old := h
	h = entryHeader{
		URL:          url,
		FinalURL:     resp.Request.URL.String(),
		Status:       resp.StatusCode,
		ContentType:  resp.Header.Get("Content-Type"),
		ETag:         resp.Header.Get("ETag"),
		LastModified: resp.Header.Get("Last-Modified"),
		Stored:       now,
		MaxAge:       maxAge,
		NoCache:      noCache,
	}
	if resp.Request.URL.User != nil {
		h.FinalURL = stripUser(resp.Request.URL.String())
	}
	// An entry that would only get a new date is left as it is when the
	// date means nothing (no max-age): indexes that send neither
	// validators nor Cache-Control answer every run in full, and
	// rewriting megabytes of identical pages each time cost more than
	// reading them.
	if !noStore && !(ok && sameButDate(old, h) && bytes.Equal(body, data)) {
		// A cache that cannot be written is not fatal: the answer is good.
		_ = c.store(accept, h, data)
	}
	return h.answer(data)
}

// sameButDate reports whether a stored entry's header differs from a new
// one only by the date stored, and that date means nothing because
// neither has a max-age: the entry need not be written again.
func sameButDate(old, h entryHeader) bool {
	return old.MaxAge <= 0 && h.MaxAge <= 0 && old.FinalURL == h.FinalURL && old.Status == h.Status &&
		old.ContentType == h.ContentType && old.ETag == h.ETag && old.LastModified == h.LastModified &&
		old.NoCache == h.NoCache
}

// answer turns a stored entry into a response (or the remembered 404).
func (h entryHeader) answer(body []byte) (*response, error) {
	if h.Status == http.StatusNotFound || h.Status == http.StatusGone {
		return nil, &httpx.StatusError{URL: httpx.Redact(h.URL), Code: h.Status, Status: fmt.Sprintf("%d %s", h.Status, http.StatusText(h.Status))}
	}
	return &response{URL: h.FinalURL, ContentType: h.ContentType, Body: body}, nil
}

// getLocal reads a file URL as a web server would: a directory URL serves
// its index.html. Local pages are never cached.
func getLocal(rawURL string, limit int64) (*response, error) {
	p, err := FilePath(rawURL)
	if err != nil {
		return nil, err
	}
	if st, err := os.Stat(p); err == nil && st.IsDir() {
		p = filepath.Join(p, "index.html")
	}
	st, err := os.Stat(p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, &httpx.StatusError{URL: rawURL, Code: http.StatusNotFound, Status: "404 Not Found"}
		}
		return nil, err
	}
	if st.Size() > limit {
		return nil, fmt.Errorf("reading %s: larger than %d bytes", p, limit)
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	ct := "text/html"
	if strings.HasSuffix(p, ".json") {
		ct = simpleapi.ContentTypeJSON
	}
	return &response{URL: rawURL, ContentType: ct, Body: data}, nil
}

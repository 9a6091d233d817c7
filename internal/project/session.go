package project

import (
	"fmt"
	"path/filepath"

	"golang.org/x/net/http/httpproxy"

	"ferry/internal/cache"
	"ferry/internal/fetch"
	"ferry/internal/httpx"
	"ferry/internal/index"
)

// SessionConfig is what a session is built from.
type SessionConfig struct {
	// Cache is the open cache (required).
	Cache *cache.Cache
	// Settings are the merged index settings (flags, FERRY_*, PIP_*, pip.conf).
	Settings index.Settings
	// Offline answers from the cache only; Refresh revalidates every page.
	Offline, Refresh bool
	// NoHTTPCache keeps index pages out of the cache (--no-cache-dir).
	NoHTTPCache bool
	// Getenv reads proxy variables and NETRC; Dir resolves relative
	// find-links paths; Home locates ~/.netrc.
	Getenv func(string) string
	Dir    string
	Home   string
	// UserAgent identifies ferry to indexes.
	UserAgent string
	// Jobs bounds concurrent downloads; zero means 8.
	Jobs int
	// Warn receives warnings.
	Warn func(string)
	// Trace, when set, receives a line per HTTP request (see httpx.Options).
	Trace func(string)
}

// Session holds the network pieces of one run, shared by every step.
type Session struct {
	Cache    *cache.Cache
	Client   *httpx.Client
	Index    index.Index
	Fetcher  *fetch.Fetcher
	Metadata *index.MetadataReader
	Builder  Builder
	Warn     func(string)
	// WholeWheels makes providers read a wheel's metadata by downloading
	// the whole wheel (up to 32 MiB), which the install step then uses:
	// one request on the critical path instead of two or three range
	// requests followed by the download. For installs, not for dry runs
	// or hash-checking mode.
	WholeWheels bool

	whole wholeWheels
}

// OpenSession builds the HTTP client, the index, the downloader and the
// metadata reader the configuration describes.
func OpenSession(cfg SessionConfig) (*Session, error) {
	getenv := cfg.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	co := cfg.Settings.ClientOptions()
	co.UserAgent = cfg.UserAgent
	co.Trace = cfg.Trace
	co.Proxy = httpproxy.Config{
		HTTPProxy:  firstEnv(getenv, "HTTP_PROXY", "http_proxy"),
		HTTPSProxy: firstEnv(getenv, "HTTPS_PROXY", "https_proxy"),
		NoProxy:    firstEnv(getenv, "NO_PROXY", "no_proxy"),
	}
	switch {
	case getenv("NETRC") != "":
		co.Netrc = getenv("NETRC")
	case cfg.Home != "":
		co.Netrc = filepath.Join(cfg.Home, ".netrc")
	}
	client, err := httpx.New(co)
	if err != nil {
		return nil, err
	}
	mode := index.CacheNormal
	switch {
	case cfg.Offline:
		mode = index.CacheOffline
	case cfg.Refresh:
		mode = index.CacheRefresh
	}
	hc := &index.HTTPCache{Dir: cfg.Cache.BucketDir(cache.HTTP), Mode: mode}
	if cfg.NoHTTPCache {
		hc = &index.HTTPCache{Mode: mode}
	}
	opts := index.Options{Client: client, Cache: hc, Warn: cfg.Warn}
	idx, err := cfg.Settings.Open(cfg.Dir, opts)
	if err != nil {
		return nil, fmt.Errorf("opening the index: %w", err)
	}
	fe := fetch.New(fetch.Options{Client: client, Cache: cfg.Cache, Offline: cfg.Offline, Jobs: cfg.Jobs})
	return &Session{
		Cache:    cfg.Cache,
		Client:   client,
		Index:    idx,
		Fetcher:  fe,
		Metadata: index.NewMetadataReader(opts, fe),
		Warn:     cfg.Warn,
	}, nil
}

func firstEnv(getenv func(string) string, keys ...string) string {
	for _, k := range keys {
		if v := getenv(k); v != "" {
			return v
		}
	}
	return ""
}

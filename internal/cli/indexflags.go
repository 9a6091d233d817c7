package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"ferry/internal/cache"
	"ferry/internal/index"
	"ferry/internal/project"
)

// netOptions are pip's index and network flags, shared by every command
// that reads an index. Only flags the user set reach the settings, so
// pip.conf and PIP_* variables fill in the rest (index.LoadSettings).
type netOptions struct {
	IndexURL       string
	ExtraIndexURLs []string
	FindLinks      []string
	NoIndex        bool
	TrustedHosts   []string
	Cert           string
	ClientCert     string
	Timeout        float64
	Retries        int
	IndexStrategy  string
	ExcludeNewer   string
	Offline        bool
	Refresh        bool
	Isolated       bool
	CacheDir       string
	NoCacheDir     bool

	// changed records the flags given on the command line, by name.
	changed map[string][]string
	// traceHTTP prints a line per HTTP request on stderr (set by commands
	// at -vv, not a flag of its own).
	traceHTTP bool
}

func (o *netOptions) addFlags(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVarP(&o.IndexURL, "index-url", "i", "", "the package index (default https://pypi.org/simple/, or pip's configured one)")
	fl.StringArrayVar(&o.ExtraIndexURLs, "extra-index-url", nil, "another index to consult after --index-url")
	fl.StringArrayVarP(&o.FindLinks, "find-links", "f", nil, "a directory or HTML page of distribution files to consider too")
	fl.BoolVar(&o.NoIndex, "no-index", false, "consult no index (only --find-links)")
	fl.StringArrayVar(&o.TrustedHosts, "trusted-host", nil, "a host for which plain HTTP and unverified TLS are allowed")
	fl.StringVar(&o.Cert, "cert", "", "a PEM bundle of certificate authorities to trust instead of the system's")
	fl.StringVar(&o.ClientCert, "client-cert", "", "a PEM file with a client certificate and its key")
	fl.Float64Var(&o.Timeout, "timeout", 15, "seconds to wait for a connection or a response")
	fl.IntVar(&o.Retries, "retries", 5, "how many times to retry a failed request")
	fl.StringVar(&o.IndexStrategy, "index-strategy", "first-index", "first-index: take a project from the first index that has it (no dependency confusion); unsafe-best-match: from all indexes, as pip")
	fl.StringVar(&o.ExcludeNewer, "exclude-newer", "", "ignore files uploaded after this date or RFC 3339 time (PEP 700 upload times)")
	fl.BoolVar(&o.Offline, "offline", false, "use only the cache: never touch the network")
	fl.BoolVar(&o.Refresh, "refresh", false, "revalidate every cached index page")
	fl.BoolVar(&o.Isolated, "isolated", false, "ignore pip's configuration files and PIP_* variables")
	fl.StringVar(&o.CacheDir, "cache-dir", "", "the cache directory (default $FERRY_CACHE_DIR, $XDG_CACHE_HOME/ferry or ~/.cache/ferry)")
	fl.BoolVar(&o.NoCacheDir, "no-cache-dir", false, "use a temporary cache, removed afterwards")
}

// record remembers which index flags the user set; call it from RunE.
func (o *netOptions) record(cmd *cobra.Command) {
	o.changed = map[string][]string{}
	cmd.Flags().Visit(func(fl *pflag.Flag) {
		switch fl.Name {
		case index.KeyIndexURL, index.KeyNoIndex, index.KeyCert, index.KeyClientCert,
			index.KeyTimeout, index.KeyRetries, index.KeyIndexStrategy, index.KeyExcludeNewer:
			o.changed[fl.Name] = []string{fl.Value.String()}
		case index.KeyExtraIndexURL:
			o.changed[fl.Name] = o.ExtraIndexURLs
		case index.KeyFindLinks:
			o.changed[fl.Name] = o.FindLinks
		case index.KeyTrustedHost:
			o.changed[fl.Name] = o.TrustedHosts
		}
	})
}

// layer returns the command-line settings, with the index options of
// requirements files added (they count as given on the command line, as
// pip treats them).
func (o *netOptions) layer(dir string, extra index.Layer) index.Layer {
	l := index.Layer{}
	for k, v := range o.changed {
		if k == index.KeyFindLinks {
			for _, loc := range v {
				l.Set(k, absLocation(dir, loc))
			}
			continue
		}
		l.Set(k, v...)
	}
	for k, v := range extra {
		if _, set := o.changed[k]; set && !(k == index.KeyExtraIndexURL || k == index.KeyFindLinks || k == index.KeyTrustedHost) {
			continue // the command line wins for single values
		}
		l.Set(k, v...)
	}
	return l
}

// absLocation makes a relative find-links path absolute.
func absLocation(dir, loc string) string {
	if filepath.IsAbs(loc) || hasScheme(loc) {
		return loc
	}
	return filepath.Join(dir, loc)
}

func hasScheme(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ':':
			return i > 1 && i+2 < len(s) && s[i+1] == '/' && s[i+2] == '/'
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '+', c == '-', c == '.':
		default:
			return false
		}
	}
	return false
}

// openSession merges the settings (flags, requirements files, FERRY_*,
// PIP_*, pip.conf), opens the cache and builds the project session. done
// releases a temporary cache.
func openSession(f *Factory, o *netOptions, command, prefix string, extra index.Layer) (*project.Session, func(), error) {
	settings, err := index.LoadSettings(o.layer(f.Dir, extra), index.ConfigEnv{
		Getenv:   f.Getenv,
		Command:  command,
		Prefix:   prefix,
		Isolated: o.Isolated,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("reading index settings: %w", err)
	}
	c, done, err := openCache(f, o.CacheDir, o.NoCacheDir)
	if err != nil {
		return nil, nil, err
	}
	s, err := project.OpenSession(project.SessionConfig{
		Cache:       c,
		Settings:    settings,
		Offline:     o.Offline,
		Refresh:     o.Refresh,
		NoHTTPCache: o.NoCacheDir,
		Getenv:      f.Getenv,
		Dir:         f.Dir,
		Home:        f.Getenv("HOME"),
		UserAgent:   "ferry/" + Version,
		Warn: func(msg string) {
			fmt.Fprintf(f.IO.ErrOut, "warning: %s\n", msg)
		},
		Trace: traceFunc(f, o.traceHTTP),
	})
	if err != nil {
		done()
		return nil, nil, err
	}
	return s, done, nil
}

// openCache opens the cache the flags choose; done removes a temporary one.
func openCache(f *Factory, dir string, temporary bool) (c *cache.Cache, done func(), err error) {
	if temporary {
		d, err := os.MkdirTemp("", "ferry-cache-")
		if err != nil {
			return nil, nil, err
		}
		c, err := cache.Open(d)
		if err != nil {
			os.RemoveAll(d)
			return nil, nil, err
		}
		return c, func() { os.RemoveAll(d) }, nil
	}
	if dir == "" {
		if dir, err = cacheDir(f); err != nil {
			return nil, nil, err
		}
	} else if !filepath.IsAbs(dir) {
		dir = filepath.Join(f.Dir, dir)
	}
	c, err = cache.Open(dir)
	if err != nil {
		return nil, nil, err
	}
	return c, func() {}, nil
}

// traceFunc returns the HTTP trace printer when on, nil otherwise.
func traceFunc(f *Factory, on bool) func(string) {
	if !on {
		return nil
	}
	var mu sync.Mutex
	return func(line string) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(f.IO.ErrOut, "http: %s\n", line)
	}
}

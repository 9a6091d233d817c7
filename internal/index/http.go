package index

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"strings"
	"sync"

	"ferry/internal/httpx"
	"ferry/internal/pkgname"
	"ferry/internal/simpleapi"
)

// maxPageSize bounds an index page (PyPI's largest project pages are a few
// tens of MiB of JSON).
const maxPageSize = 256 << 20

// Options are what every index implementation shares.
type Options struct {
	// Client makes the HTTP requests. Required for HTTP indexes and
	// find-links pages.
	Client *httpx.Client
	// Cache stores pages; nil fetches every page from the network.
	Cache *HTTPCache
	// Warn receives warnings (an invalid requires-python, an unreadable
	// find-links entry). Nil discards them.
	Warn func(msg string)
}

func (o Options) warn(msg string) {
	if o.Warn != nil {
		o.Warn(msg)
	}
}

// HTTP is a simple repository index (PEP 503 / PEP 691) at a base URL such
// as https://pypi.org/simple/.
type HTTP struct {
	base  string // without credentials, ending in "/"
	label string // redacted, for messages
	opts  Options
	pages memo
}

// NewHTTP returns the index at base. Credentials embedded in base are
// handed to the client (which sends them to that host only) and never
// appear in a URL or message afterwards.
func NewHTTP(base string, opts Options) (*HTTP, error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "file") || (u.Scheme != "file" && u.Host == "") {
		return nil, fmt.Errorf("invalid index URL %s", httpx.Redact(base))
	}
	if opts.Client == nil && u.Scheme != "file" {
		return nil, errors.New("index: no HTTP client")
	}
	if opts.Client != nil {
		opts.Client.AddCredentials(base)
	}
	b := stripUser(base)
	if !strings.HasSuffix(b, "/") {
		b += "/"
	}
	return &HTTP{base: b, label: b, opts: opts}, nil
}

// String returns the index URL without credentials.
func (h *HTTP) String() string { return h.label }

// Project fetches the project's page, asking for JSON first.
func (h *HTTP) Project(ctx context.Context, name pkgname.Name) (*Page, error) {
	return h.pages.do(name, func() (*Page, error) { return h.fetch(ctx, name) })
}

func (h *HTTP) fetch(ctx context.Context, name pkgname.Name) (*Page, error) {
	pageURL := simpleapi.ProjectURL(h.base, string(name))
	resp, err := get(ctx, h.opts.Client, h.opts.Cache, pageURL, simpleapi.Accept, maxPageSize)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, &NotFoundError{Name: name, Sources: []string{h.label}}
		}
		return nil, fmt.Errorf("reading index page for %s: %w", name, err)
	}
	base, err := url.Parse(resp.URL)
	if err != nil {
		return nil, fmt.Errorf("reading index page %s: %w", httpx.Redact(resp.URL), err)
	}
	var p *simpleapi.Project
	switch simpleapi.KindOf(resp.ContentType) {
	case simpleapi.KindJSON:
		p, err = simpleapi.ParseJSON(resp.Body, base)
	default:
		p, err = simpleapi.ParseHTML(resp.Body, base)
	}
	if err != nil {
		return nil, fmt.Errorf("reading index page %s: %w", httpx.Redact(pageURL), err)
	}
	page := &Page{Name: name, Sources: []string{h.label}}
	warn := newInvalidWarnings(h.opts.Warn)
	specs := specMemo{}
	for _, sf := range p.Files {
		sf.URL = stripUser(sf.URL)
		if f, ok := fileFrom(sf, name, h.label, warn, specs); ok {
			page.Files = append(page.Files, f)
		}
	}
	warn.flush()
	if len(p.Files) > 0 && len(page.Files) == 0 {
		// Not an error (an index may list only files ferry cannot use),
		// but a login page or a portal answering for the index looks
		// like this too.
		h.opts.warn(fmt.Sprintf("%s links to no wheel or sdist of %s (links on the page: %d)", httpx.Redact(pageURL), name, len(p.Files)))
	}
	return page, nil
}

// stripUser removes userinfo from a URL (credentials travel through the
// client, never inside URLs that may be shown).
func stripUser(raw string) string {
	if !strings.Contains(raw, "@") {
		return raw // no userinfo without an '@'
	}
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	u.User = nil
	return u.String()
}

// memo remembers one answer per project, computing each once even when
// asked concurrently.
type memo struct {
	mu sync.Mutex
	m  map[pkgname.Name]*memoCall
}

type memoCall struct {
	done chan struct{}
	page *Page
	err  error
}

func (m *memo) do(name pkgname.Name, f func() (*Page, error)) (*Page, error) {
	m.mu.Lock()
	if m.m == nil {
		m.m = map[pkgname.Name]*memoCall{}
	}
	if c, ok := m.m[name]; ok {
		m.mu.Unlock()
		<-c.done
		return c.page, c.err
	}
	c := &memoCall{done: make(chan struct{})}
	m.m[name] = c
	m.mu.Unlock()
	c.page, c.err = f()
	if c.err != nil && !errors.Is(c.err, fs.ErrNotExist) {
		// Do not remember transient failures (a cancelled context, a
		// network error): a later call may succeed.
		m.mu.Lock()
		delete(m.m, name)
		m.mu.Unlock()
	}
	close(c.done)
	return c.page, c.err
}

package index

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"ferry/internal/distname"
	"ferry/internal/httpx"
	"ferry/internal/pkgname"
	"ferry/internal/simpleapi"
)

// FindLinks is a pip --find-links location: a local directory (its
// distribution files, not recursive), a local HTML file, an HTML page
// at an http(s) or file URL (every link on it, as the "dependency_links"
// pages of old projects), or a URL or path naming one distribution file.
// The location is read once, on first use; each Project call then picks
// the links whose file names belong to the project, accepting legacy
// sdist names ("Foo_Bar-1.0-1.tar.gz") as pip does.
type FindLinks struct {
	loc   string
	label string
	opts  Options

	mu    sync.Mutex
	links []simpleapi.File
	read  bool
}

// NewFindLinks returns the find-links location loc: an absolute path, a
// file URL or an http(s) URL. Relative paths must be made absolute by the
// caller (the library never consults the working directory).
func NewFindLinks(loc string, opts Options) (*FindLinks, error) {
	if opts.Client != nil {
		opts.Client.AddCredentials(loc)
	}
	if u, err := url.Parse(loc); err == nil && (u.Scheme == "http" || u.Scheme == "https" || u.Scheme == "file") {
		if u.Scheme != "file" && opts.Client == nil {
			return nil, errors.New("find-links: no HTTP client")
		}
		s := stripUser(loc)
		return &FindLinks{loc: s, label: s, opts: opts}, nil
	}
	if !filepath.IsAbs(loc) {
		return nil, fmt.Errorf("find-links location %s is neither a URL nor an absolute path", loc)
	}
	return &FindLinks{loc: loc, label: loc, opts: opts}, nil
}

// String returns the location (without credentials).
func (l *FindLinks) String() string { return l.label }

// Project returns the location's files of project name.
func (l *FindLinks) Project(ctx context.Context, name pkgname.Name) (*Page, error) {
	links, err := l.load(ctx)
	if err != nil {
		return nil, err
	}
	page := &Page{Name: name, Sources: []string{l.label}}
	warn := newInvalidWarnings(l.opts.Warn)
	specs := specMemo{}
	for _, sf := range links {
		if f, ok := fileFrom(sf, name, l.label, warn, specs); ok {
			page.Files = append(page.Files, f)
		}
	}
	warn.flush()
	if len(page.Files) == 0 {
		return nil, &NotFoundError{Name: name, Sources: page.Sources}
	}
	return page, nil
}

func (l *FindLinks) load(ctx context.Context) ([]simpleapi.File, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.read {
		return l.links, nil
	}
	links, err := l.readLinks(ctx)
	if errors.Is(err, fs.ErrNotExist) {
		// pip ignores a location that does not exist, with a warning.
		l.opts.warn(fmt.Sprintf("find-links location %s does not exist; ignored", l.label))
		links, err = nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading find-links %s: %w", l.label, err)
	}
	l.links, l.read = links, true
	return links, nil
}

func (l *FindLinks) readLinks(ctx context.Context) ([]simpleapi.File, error) {
	u, err := url.Parse(l.loc)
	if err == nil && u.Scheme == "file" {
		p, err := fileURLPath(u)
		if err != nil {
			return nil, err
		}
		return readLocalLinks(p)
	}
	if err == nil && (u.Scheme == "http" || u.Scheme == "https") {
		if isDistFilename(path.Base(u.Path)) {
			return []simpleapi.File{{Filename: path.Base(u.Path), URL: l.loc, Size: -1}}, nil
		}
		resp, err := get(ctx, l.opts.Client, l.opts.Cache, l.loc, "text/html", maxPageSize)
		if err != nil {
			return nil, err
		}
		base, err := url.Parse(resp.URL)
		if err != nil {
			return nil, err
		}
		p, err := simpleapi.ParseHTML(resp.Body, base)
		if err != nil {
			return nil, err
		}
		for i := range p.Files {
			p.Files[i].URL = stripUser(p.Files[i].URL)
		}
		return p.Files, nil
	}
	return readLocalLinks(l.loc)
}

// readLocalLinks lists a directory, or reads a local HTML page, or names
// one local distribution file.
func readLocalLinks(p string) ([]simpleapi.File, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		name := filepath.Base(p)
		if isDistFilename(name) {
			return []simpleapi.File{{Filename: name, URL: FileURL(p), Size: st.Size()}}, nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		base, _ := url.Parse(FileURL(p))
		page, err := simpleapi.ParseHTML(data, base)
		if err != nil {
			return nil, err
		}
		return page.Files, nil
	}
	entries, err := os.ReadDir(p)
	if err != nil {
		return nil, err
	}
	var out []simpleapi.File
	for _, e := range entries {
		if !e.Type().IsRegular() && e.Type()&fs.ModeSymlink == 0 {
			continue
		}
		full := filepath.Join(p, e.Name())
		st, err := os.Stat(full)
		if err != nil || !st.Mode().IsRegular() {
			continue
		}
		out = append(out, simpleapi.File{Filename: e.Name(), URL: FileURL(full), Size: st.Size()})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Filename < out[j].Filename })
	return out, nil
}

// isDistFilename reports whether name ends like a wheel or an sdist.
func isDistFilename(name string) bool {
	if strings.HasSuffix(name, ".whl") {
		return true
	}
	_, ok := distname.SdistExt(name)
	return ok
}

// FileURL returns the file URL of an absolute local path.
func FileURL(p string) string {
	p = filepath.ToSlash(p)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // a Windows drive path
	}
	return (&url.URL{Scheme: "file", Path: p}).String()
}

// FilePath returns the local path of a file URL.
func FilePath(fileURL string) (string, error) {
	u, err := url.Parse(fileURL)
	if err != nil || u.Scheme != "file" {
		return "", fmt.Errorf("not a file URL: %s", httpx.Redact(fileURL))
	}
	return fileURLPath(u)
}

func fileURLPath(u *url.URL) (string, error) {
	if u.Host != "" && u.Host != "localhost" {
		return "", fmt.Errorf("file URL %s names a remote host", u.String())
	}
	p := u.Path
	if len(p) >= 3 && p[0] == '/' && p[2] == ':' {
		p = p[1:] // /C:/x on Windows
	}
	return filepath.FromSlash(p), nil
}

package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"ferry/internal/pkgname"
	"ferry/internal/simpleapi"
)

// Server serves a directory of wheels and sdists as a simple repository:
//
//	/simple/              the project list
//	/simple/<name>/       a project page (PEP 503 HTML or PEP 691 JSON)
//	/<file>               a distribution file (Range requests honoured)
//	/<file>.metadata      a wheel's METADATA (PEP 658)
//
// The directory is read again on every request (hashes and metadata are
// remembered per file size and modification time), so tests may add,
// replace or yank files while it runs. It is safe for concurrent use.
type Server struct {
	dir  string
	opts Options
	sc   *scanner
}

// New returns a Server for dir.
func New(dir string, opts Options) *Server {
	return &Server{dir: dir, opts: opts, sc: &scanner{dir: dir, opts: opts}}
}

// The page formats a client can be answered with.
const (
	formatHTML = iota // text/html
	formatHTMLv1
	formatJSONv1
)

var formatTypes = [...]string{
	formatHTML:   "text/html; charset=utf-8",
	formatHTMLv1: simpleapi.ContentTypeHTML,
	formatJSONv1: simpleapi.ContentTypeJSON,
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	p := r.URL.Path
	switch {
	case p == "/" || p == "/simple":
		http.Redirect(w, r, "/simple/", http.StatusMovedPermanently)
	case p == "/simple/":
		s.serveRoot(w, r)
	case strings.HasPrefix(p, "/simple/"):
		s.serveProject(w, r, strings.TrimPrefix(p, "/simple/"))
	default:
		s.serveFile(w, r, strings.TrimPrefix(p, "/"))
	}
}

func (s *Server) serveRoot(w http.ResponseWriter, r *http.Request) {
	format, ok := negotiate(r)
	if !ok {
		notAcceptable(w)
		return
	}
	rp, err := s.sc.scan(r.Context())
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if format == formatJSONv1 {
		err = simpleapi.WriteRootJSON(&buf, rp.names())
	} else {
		err = simpleapi.WriteRootHTML(&buf, rp.names(), pkgname.Normalize)
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	s.servePage(w, r, format, buf.Bytes())
}

func (s *Server) serveProject(w http.ResponseWriter, r *http.Request, rest string) {
	name, tail, _ := strings.Cut(rest, "/")
	if tail != "" {
		http.NotFound(w, r)
		return
	}
	norm := pkgname.Normalize(name)
	if norm != name || !strings.HasSuffix(rest, "/") {
		target := "/simple/" + norm + "/"
		if r.URL.RawQuery != "" {
			target += "?" + r.URL.RawQuery
		}
		http.Redirect(w, r, target, http.StatusMovedPermanently)
		return
	}
	format, ok := negotiate(r)
	if !ok {
		notAcceptable(w)
		return
	}
	rp, err := s.sc.scan(r.Context())
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	proj := rp.byName[pkgname.Name(norm)]
	if proj == nil {
		http.NotFound(w, r)
		return
	}
	body, err := renderPage(rp.page(proj, "../../", s.opts), format)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	s.servePage(w, r, format, body)
}

func renderPage(p *simpleapi.Project, format int) ([]byte, error) {
	var buf bytes.Buffer
	var err error
	if format == formatJSONv1 {
		err = simpleapi.WriteJSON(&buf, p)
	} else {
		err = simpleapi.WriteHTML(&buf, p)
	}
	return buf.Bytes(), err
}

// servePage answers with a page, its ETag and Cache-Control; conditional
// requests (If-None-Match) get 304.
func (s *Server) servePage(w http.ResponseWriter, r *http.Request, format int, body []byte) {
	sum := sha256.Sum256(body)
	h := w.Header()
	h.Set("Content-Type", formatTypes[format])
	h.Set("Vary", "Accept")
	h.Set("ETag", `"`+hex.EncodeToString(sum[:16])+`"`)
	h.Set("Cache-Control", "max-age="+strconv.Itoa(int(s.opts.MaxAge/time.Second)))
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

func (s *Server) serveFile(w http.ResponseWriter, r *http.Request, name string) {
	if name == "" || strings.ContainsAny(name, `/\`) || strings.HasPrefix(name, ".") {
		http.NotFound(w, r)
		return
	}
	rp, err := s.sc.scan(r.Context())
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	if base, ok := strings.CutSuffix(name, MetadataSuffix); ok {
		d := rp.files[base]
		if d == nil || d.metadata == nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("ETag", `"`+d.metadataSHA256+`"`)
		http.ServeContent(w, r, "", d.mtime, bytes.NewReader(d.metadata))
		return
	}
	d := rp.files[name]
	if d == nil {
		http.NotFound(w, r)
		return
	}
	f, err := os.Open(filepath.Join(s.dir, name))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("ETag", `"`+d.sha256+`"`)
	http.ServeContent(w, r, "", d.mtime, f)
}

func notAcceptable(w http.ResponseWriter) {
	http.Error(w, "none of the accepted types is served: ask for "+simpleapi.ContentTypeJSON+", "+
		simpleapi.ContentTypeHTML+" or text/html", http.StatusNotAcceptable)
}

// negotiate picks the page format from the Accept header (PEP 691), or
// from a ?format= query parameter, which wins. No Accept header means
// text/html. Among equally weighted types the one listed first wins; a
// wildcard alone yields text/html.
func negotiate(r *http.Request) (int, bool) {
	accept := r.Header.Get("Accept")
	if f := r.URL.Query().Get("format"); f != "" {
		accept = f
	}
	if strings.TrimSpace(accept) == "" {
		return formatHTML, true
	}
	type choice struct {
		format   int
		q        float64
		pos      int
		wildcard bool
	}
	var best *choice
	better := func(c choice) bool {
		switch {
		case best == nil:
			return true
		case c.q != best.q:
			return c.q > best.q
		case c.pos != best.pos:
			return c.pos < best.pos
		case c.wildcard != best.wildcard:
			return !c.wildcard
		}
		return c.format < best.format
	}
	for pos, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if v, ok := params["q"]; ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		if q <= 0 {
			continue
		}
		for _, f := range matches(mt) {
			c := choice{format: f, q: q, pos: pos, wildcard: strings.Contains(mt, "*")}
			if better(c) {
				best = &c
			}
		}
	}
	if best == nil {
		return 0, false
	}
	return best.format, true
}

// matches lists the formats a media range covers.
func matches(mt string) []int {
	switch mt {
	case simpleapi.ContentTypeJSON, "application/vnd.pypi.simple.latest+json":
		return []int{formatJSONv1}
	case simpleapi.ContentTypeHTML, "application/vnd.pypi.simple.latest+html":
		return []int{formatHTMLv1}
	case "text/html":
		return []int{formatHTML}
	case "text/*":
		return []int{formatHTML}
	case "application/*":
		return []int{formatHTMLv1, formatJSONv1}
	case "*/*":
		return []int{formatHTML, formatHTMLv1, formatJSONv1}
	}
	return nil
}

// String describes the server for messages.
func (s *Server) String() string { return fmt.Sprintf("index of %s", s.dir) }

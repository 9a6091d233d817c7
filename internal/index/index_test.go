package index_test

import (
	"context"
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
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"ferry/internal/httpx"
	"ferry/internal/index"
	"ferry/internal/pep440"
	"ferry/internal/pkgname"
	"ferry/internal/server"
	"ferry/internal/server/servertest"
	"ferry/internal/simpleapi"
)

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func client(t testing.TB, opts httpx.Options) *httpx.Client {
	t.Helper()
	if opts.Retries == 0 {
		opts.Retries = -1
	}
	opts.MinBackoff = time.Millisecond
	c, err := httpx.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func newHTTP(t testing.TB, base string, opts index.Options) *index.HTTP {
	t.Helper()
	if opts.Client == nil {
		opts.Client = client(t, httpx.Options{})
	}
	h, err := index.NewHTTP(base, opts)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

var ctx = context.Background()

// fileSummary is what the tests compare of an index.File.
type fileSummary struct {
	Filename, Kind, Name, Version, Tags, SHA256, RequiresPython, Yanked string
	Metadata                                                            bool
	Size                                                                int64
	Uploaded                                                            string
}

func summarize(files []index.File) []fileSummary {
	var out []fileSummary
	for _, f := range files {
		s := fileSummary{Filename: f.Filename, Kind: f.Kind.String(), Name: string(f.Name), Version: f.Version.String(),
			SHA256: f.SHA256(), RequiresPython: f.RequiresPython.String(), Metadata: f.CoreMetadata.Available, Size: f.Size}
		for _, tg := range f.Tags {
			s.Tags += tg.String() + " "
		}
		if f.Yanked {
			s.Yanked = "yanked:" + f.YankedReason
		}
		if !f.UploadTime.IsZero() {
			s.Uploaded = f.UploadTime.Format(time.RFC3339)
		}
		out = append(out, s)
	}
	return out
}

type demo struct {
	dir        string
	w10, w20   servertest.Dist
	sd10       servertest.Dist
	srv        *httptest.Server
	counter    *servertest.Counter
	simpleBase string
}

func newDemo(t *testing.T, opts server.Options, wrap ...func(http.Handler) http.Handler) *demo {
	t.Helper()
	d := &demo{
		dir:  t.TempDir(),
		w10:  servertest.MustWheel(servertest.WheelSpec{Name: "demo", Version: "1.0", RequiresPython: ">=3.8"}),
		w20:  servertest.MustWheel(servertest.WheelSpec{Name: "demo", Version: "2.0", Tag: "cp312-cp312-manylinux_2_17_x86_64"}),
		sd10: servertest.Sdist("demo", "1.0", ""),
	}
	servertest.WriteDir(t, d.dir, d.w10, d.w20, d.sd10,
		servertest.MustWheel(servertest.WheelSpec{Name: "other", Version: "0.1"}))
	servertest.Yank(t, d.dir, d.w20.Filename, "bad")
	d.srv, d.counter = servertest.Serve(t, d.dir, opts, wrap...)
	d.simpleBase = d.srv.URL + "/simple/"
	return d
}

func TestHTTPIndexPages(t *testing.T) {
	htmlOnly := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.Header.Set("Accept", "text/html")
			h.ServeHTTP(w, r)
		})
	}
	for _, tc := range []struct {
		name string
		wrap []func(http.Handler) http.Handler
		json bool
	}{
		{name: "json", json: true},
		{name: "html", wrap: []func(http.Handler) http.Handler{htmlOnly}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newDemo(t, server.Options{}, tc.wrap...)
			h := newHTTP(t, d.simpleBase, index.Options{})
			p, err := h.Project(ctx, "demo")
			if err != nil {
				t.Fatal(err)
			}
			up := func(dd servertest.Dist) (string, int64) {
				if tc.json {
					return "2024-05-06T07:08:09Z", int64(len(dd.Data))
				}
				return "", -1 // HTML pages carry neither
			}
			u10, s10 := up(d.w10)
			usd, ssd := up(d.sd10)
			u20, s20 := up(d.w20)
			want := []fileSummary{
				{Filename: d.w10.Filename, Kind: "wheel", Name: "demo", Version: "1.0", Tags: "py3-none-any ", SHA256: sha(d.w10.Data),
					RequiresPython: ">=3.8", Metadata: true, Size: s10, Uploaded: u10},
				{Filename: d.sd10.Filename, Kind: "sdist", Name: "demo", Version: "1.0", SHA256: sha(d.sd10.Data), Size: ssd, Uploaded: usd},
				{Filename: d.w20.Filename, Kind: "wheel", Name: "demo", Version: "2.0", Tags: "cp312-cp312-manylinux_2_17_x86_64 ",
					SHA256: sha(d.w20.Data), Yanked: "yanked:bad", Metadata: true, Size: s20, Uploaded: u20},
			}
			if diff := cmp.Diff(want, summarize(p.Files)); diff != "" {
				t.Errorf("files (-want +got):\n%s", diff)
			}
			if p.Files[0].URL != d.srv.URL+"/"+d.w10.Filename || p.Files[0].Index != d.simpleBase {
				t.Errorf("URL %s, index %s", p.Files[0].URL, p.Files[0].Index)
			}
			// Memoized: a second call asks nothing.
			d.counter.Reset()
			if _, err := h.Project(ctx, "demo"); err != nil {
				t.Fatal(err)
			}
			if n := len(d.counter.Requests()); n != 0 {
				t.Errorf("second call made %d requests", n)
			}
		})
	}
}

func TestHTTPIndexNotFound(t *testing.T) {
	d := newDemo(t, server.Options{})
	_, err := newHTTP(t, d.simpleBase, index.Options{}).Project(ctx, "nope")
	var nf *index.NotFoundError
	if !errors.As(err, &nf) || !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("err = %v, want NotFoundError", err)
	}
	if want := "project nope not found in " + d.simpleBase; err.Error() != want {
		t.Errorf("message %q, want %q", err, want)
	}
}

// pageServer answers every project page with body and content type.
func pageServer(t *testing.T, contentType, body string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		fmt.Fprint(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestHTTPIndexLinks(t *testing.T) {
	page := `<html><body>
<a href="../../files/demo-1.0-py3-none-any.whl#sha256=AA" data-requires-python="&gt;=3.9">demo-1.0-py3-none-any.whl</a>
<a href="https://files.example/packages/Demo-1.1.tar.gz#md5=ff">Demo-1.1.tar.gz</a>
<a href="/abs/demo-1.2-1.tar.gz">legacy post release</a>
<a href="demo-1.3-py3-none-any.whl" data-requires-python="not a spec">bad requires-python</a>
<a href="other-1.0-py3-none-any.whl">another project</a>
<a href="demo-latest.tar.gz">no version</a>
<a href="demo.exe">not a distribution</a>
</body></html>`
	srv := pageServer(t, "text/html", page)
	var warnings []string
	var mu sync.Mutex
	h := newHTTP(t, srv.URL+"/simple", index.Options{Warn: func(m string) { mu.Lock(); warnings = append(warnings, m); mu.Unlock() }})
	p, err := h.Project(ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range p.Files {
		got = append(got, fmt.Sprintf("%s %s %s %v %q", f.URL, f.Version, f.Kind, f.Hashes, f.RequiresPython.String()))
	}
	want := []string{
		srv.URL + "/files/demo-1.0-py3-none-any.whl 1.0 wheel map[sha256:aa] \">=3.9\"",
		"https://files.example/packages/Demo-1.1.tar.gz 1.1 sdist map[md5:ff] \"\"",
		srv.URL + "/abs/demo-1.2-1.tar.gz 1.2.post1 sdist map[] \"\"",
		srv.URL + "/simple/demo/demo-1.3-py3-none-any.whl 1.3 wheel map[] \"\"",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("links (-want +got):\n%s", diff)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], `invalid requires-python "not a spec"`) {
		t.Errorf("warnings = %q", warnings)
	}
}

func TestHTTPIndexNoDistributions(t *testing.T) {
	srv := pageServer(t, "text/html", `<html><body>Please <a href="/login">log in</a> to continue.</body></html>`)
	var warnings []string
	p, err := newHTTP(t, srv.URL+"/simple/", index.Options{Warn: func(m string) { warnings = append(warnings, m) }}).Project(ctx, "demo")
	if err != nil || len(p.Files) != 0 {
		t.Fatalf("page %+v, err %v", p, err)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "links to no wheel or sdist of demo (links on the page: 1)") {
		t.Errorf("warnings %q", warnings)
	}
}

func TestHTTPIndexBadAnswers(t *testing.T) {
	loop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Path, http.StatusFound)
	}))
	t.Cleanup(loop.Close)
	tests := []struct {
		name string
		base string
		err  string
	}{
		{"binary", pageServer(t, "text/html", "PK\x03\x04\x00\x00\x00\x00\x01\x02binary\x00").URL, "not an HTML page"},
		{"json garbage", pageServer(t, simpleapi.ContentTypeJSON, "<html>this is not json</html>").URL, "parsing simple API JSON"},
		{"unsupported api version", pageServer(t, simpleapi.ContentTypeJSON, `{"meta":{"api-version":"2.0"},"name":"demo","files":[]}`).URL, "unsupported simple API version"},
		{"redirect loop", loop.URL, "redirects"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := newHTTP(t, tc.base+"/simple/", index.Options{}).Project(ctx, "demo")
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("err = %v, want %q", err, tc.err)
			}
			if errors.Is(err, fs.ErrNotExist) {
				t.Errorf("a broken index must not look like a missing project: %v", err)
			}
		})
	}
}

// authWrap requires HTTP basic credentials user:secret.
func authWrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != "user" || p != "s3cret" {
			w.Header().Set("WWW-Authenticate", `Basic realm="x"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}

func TestCredentials(t *testing.T) {
	d := newDemo(t, server.Options{}, authWrap)
	t.Run("in URL, never shown", func(t *testing.T) {
		withCreds := strings.Replace(d.simpleBase, "http://", "http://user:s3cret@", 1)
		h := newHTTP(t, withCreds, index.Options{})
		p, err := h.Project(ctx, "demo")
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(h.String(), "s3cret") || strings.Contains(fmt.Sprint(p.Sources), "s3cret") {
			t.Errorf("credentials shown: %s %v", h, p.Sources)
		}
		for _, f := range p.Files {
			if strings.Contains(f.URL, "s3cret") || strings.Contains(f.Index, "s3cret") {
				t.Errorf("credentials in file: %s %s", f.URL, f.Index)
			}
		}
		// A wrong password: the error names the index without the password.
		bad := strings.Replace(d.simpleBase, "http://", "http://user:wrong-pass@", 1)
		_, err = newHTTP(t, bad, index.Options{}).Project(ctx, "demo")
		if err == nil || strings.Contains(err.Error(), "wrong-pass") || !strings.Contains(err.Error(), "401") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("netrc", func(t *testing.T) {
		netrc := filepath.Join(t.TempDir(), "netrc")
		os.WriteFile(netrc, []byte("machine 127.0.0.1 login user password s3cret\n"), 0o600)
		h := newHTTP(t, d.simpleBase, index.Options{Client: client(t, httpx.Options{Netrc: netrc})})
		if _, err := h.Project(ctx, "demo"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("none", func(t *testing.T) {
		_, err := newHTTP(t, d.simpleBase, index.Options{}).Project(ctx, "demo")
		if err == nil || !strings.Contains(err.Error(), "401") {
			t.Errorf("err = %v, want 401", err)
		}
	})
}

func TestMultiStrategies(t *testing.T) {
	// "internal" is a private project; a public index also publishes a
	// higher version under the same name (dependency confusion).
	priv, pub, links := t.TempDir(), t.TempDir(), t.TempDir()
	servertest.WriteDir(t, priv, servertest.MustWheel(servertest.WheelSpec{Name: "internal", Version: "1.0"}))
	servertest.WriteDir(t, pub,
		servertest.MustWheel(servertest.WheelSpec{Name: "internal", Version: "99.0"}),
		servertest.MustWheel(servertest.WheelSpec{Name: "public", Version: "2.0"}))
	servertest.WriteDir(t, links,
		servertest.MustWheel(servertest.WheelSpec{Name: "internal", Version: "1.1"}),
		servertest.MustWheel(servertest.WheelSpec{Name: "local", Version: "0.1"}))
	privSrv, privCount := servertest.Serve(t, priv, server.Options{})
	pubSrv, pubCount := servertest.Serve(t, pub, server.Options{})
	fl, err := index.NewFindLinks(links, index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	versions := func(p *index.Page) string {
		var vs []string
		for _, f := range p.Files {
			vs = append(vs, f.Version.String())
		}
		return strings.Join(vs, " ")
	}
	tests := []struct {
		strategy             index.Strategy
		project              pkgname.Name
		want                 string
		wantErr              string
		publicAskedOfProject int
	}{
		{index.FirstIndex, "internal", "1.0 1.1", "", 0},
		{index.UnsafeBestMatch, "internal", "1.0 99.0 1.1", "", 1},
		{index.FirstIndex, "public", "2.0", "", 1},
		{index.UnsafeBestMatch, "public", "2.0", "", 1},
		{index.FirstIndex, "local", "0.1", "", 1},
		{index.FirstIndex, "nowhere", "", "project nowhere not found in " + privSrv.URL + "/simple/, " + pubSrv.URL + "/simple/, " + links, 1},
	}
	for _, tc := range tests {
		t.Run(tc.strategy.String()+"/"+string(tc.project), func(t *testing.T) {
			privCount.Reset()
			pubCount.Reset()
			m := index.NewMulti(tc.strategy, []index.Index{
				newHTTP(t, privSrv.URL+"/simple/", index.Options{}),
				newHTTP(t, pubSrv.URL+"/simple/", index.Options{}),
			}, []index.Index{fl})
			p, err := m.Project(ctx, tc.project)
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr || !errors.Is(err, fs.ErrNotExist) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				if got := versions(p); got != tc.want {
					t.Errorf("versions %q, want %q", got, tc.want)
				}
			}
			if n := pubCount.Count("/simple/"+string(tc.project)+"/", 0); n != tc.publicAskedOfProject {
				t.Errorf("public index asked %d times, want %d", n, tc.publicAskedOfProject)
			}
		})
	}
	t.Run("a failing first index is an error, not a fallback", func(t *testing.T) {
		broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "down", http.StatusServiceUnavailable)
		}))
		defer broken.Close()
		m := index.NewMulti(index.FirstIndex, []index.Index{
			newHTTP(t, broken.URL+"/simple/", index.Options{}),
			newHTTP(t, pubSrv.URL+"/simple/", index.Options{}),
		}, nil)
		if _, err := m.Project(ctx, "internal"); err == nil || !strings.Contains(err.Error(), "503") {
			t.Errorf("err = %v, want the 503", err)
		}
	})
}

func TestFindLinks(t *testing.T) {
	dir := t.TempDir()
	w := servertest.MustWheel(servertest.WheelSpec{Name: "Foo_Bar", Version: "1.0"})
	servertest.WriteDir(t, dir, w,
		servertest.Dist{Filename: "Foo_Bar-1.0-1.tar.gz", Data: []byte("legacy")},
		servertest.Dist{Filename: "foo-bar-2.0.zip", Data: []byte("zip sdist")},
		servertest.Dist{Filename: "foo_bar-notes.txt", Data: []byte("ignored")},
		servertest.Dist{Filename: "other-1.0.tar.gz", Data: []byte("other")})
	os.Mkdir(filepath.Join(dir, "foo_bar-3.0.tar.gz"), 0o755) // a directory, not a file
	page := `<html><body><a href="` + w.Filename + `#sha256=` + sha(w.Data) + `">wheel</a>
<a href="Foo_Bar-1.0-1.tar.gz">legacy</a><a href="https://elsewhere.example/foo_bar-0.9.tar.gz">remote</a></body></html>`
	servertest.WriteDir(t, dir, servertest.Dist{Filename: "links.html", Data: []byte(page)})
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	t.Cleanup(srv.Close)

	dirWant := []string{"Foo_Bar-1.0-1.tar.gz 1.0.post1", w.Filename + " 1.0", "foo-bar-2.0.zip 2.0"}
	pageWant := []string{w.Filename + " 1.0", "Foo_Bar-1.0-1.tar.gz 1.0.post1", "foo_bar-0.9.tar.gz 0.9"}
	tests := []struct {
		name, loc string
		want      []string
	}{
		{"directory", dir, dirWant},
		{"file URL of directory", index.FileURL(dir), dirWant},
		{"local HTML file", filepath.Join(dir, "links.html"), pageWant},
		{"HTML page URL", srv.URL + "/links.html", pageWant},
		{"single file", filepath.Join(dir, w.Filename), []string{w.Filename + " 1.0"}},
		{"single file URL", srv.URL + "/" + w.Filename, []string{w.Filename + " 1.0"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fl, err := index.NewFindLinks(tc.loc, index.Options{Client: client(t, httpx.Options{})})
			if err != nil {
				t.Fatal(err)
			}
			p, err := fl.Project(ctx, "foo-bar")
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range p.Files {
				got = append(got, f.Filename+" "+f.Version.String())
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("files (-want +got):\n%s", diff)
			}
			if _, err := fl.Project(ctx, "absent"); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("absent project: %v", err)
			}
		})
	}
	t.Run("page hash and local URL", func(t *testing.T) {
		fl, _ := index.NewFindLinks(filepath.Join(dir, "links.html"), index.Options{})
		p, err := fl.Project(ctx, "foo-bar")
		if err != nil {
			t.Fatal(err)
		}
		if p.Files[0].SHA256() != sha(w.Data) || p.Files[0].URL != index.FileURL(filepath.Join(dir, w.Filename)) {
			t.Errorf("file %+v", p.Files[0])
		}
	})
	t.Run("relative path refused", func(t *testing.T) {
		if _, err := index.NewFindLinks("some/dir", index.Options{}); err == nil {
			t.Error("relative path accepted")
		}
	})
	t.Run("missing location is ignored with a warning", func(t *testing.T) {
		var warnings []string
		warn := func(m string) { warnings = append(warnings, m) }
		for _, loc := range []string{filepath.Join(dir, "missing"), srv.URL + "/missing.html"} {
			fl, _ := index.NewFindLinks(loc, index.Options{Client: client(t, httpx.Options{}), Warn: warn})
			var nf *index.NotFoundError
			if _, err := fl.Project(ctx, "foo-bar"); !errors.As(err, &nf) {
				t.Errorf("%s: err = %v, want NotFoundError", loc, err)
			}
		}
		if len(warnings) != 2 || !strings.Contains(warnings[0], "does not exist; ignored") {
			t.Errorf("warnings %q", warnings)
		}
	})
	t.Run("unreadable page is an error", func(t *testing.T) {
		bin := pageServer(t, "text/html", "\x00\x01\x02binary")
		fl, _ := index.NewFindLinks(bin.URL+"/links.html", index.Options{Client: client(t, httpx.Options{})})
		if _, err := fl.Project(ctx, "foo-bar"); err == nil || errors.Is(err, fs.ErrNotExist) {
			t.Errorf("err = %v, want a read error", err)
		}
	})
}

func TestHTTPCache(t *testing.T) {
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	for _, tc := range []struct {
		name     string
		maxAge   time.Duration
		mode     index.CacheMode
		advance  time.Duration
		requests int // page requests on the second run
		status   int // their status
	}{
		{"max-age 0 revalidates", 0, index.CacheNormal, 0, 1, 304},
		{"fresh is used", time.Minute, index.CacheNormal, 30 * time.Second, 0, 0},
		{"stale revalidates", time.Minute, index.CacheNormal, 2 * time.Minute, 1, 304},
		{"refresh revalidates fresh", time.Minute, index.CacheRefresh, 0, 1, 304},
		{"offline uses stale", 0, index.CacheOffline, time.Hour, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newDemo(t, server.Options{MaxAge: tc.maxAge})
			dir := t.TempDir()
			first := newHTTP(t, d.simpleBase, index.Options{Cache: &index.HTTPCache{Dir: dir, Now: clock}})
			p1, err := first.Project(ctx, "demo")
			if err != nil {
				t.Fatal(err)
			}
			d.counter.Reset()
			later := now.Add(tc.advance)
			second := newHTTP(t, d.simpleBase, index.Options{Cache: &index.HTTPCache{Dir: dir, Mode: tc.mode, Now: func() time.Time { return later }}})
			p2, err := second.Project(ctx, "demo")
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(summarize(p1.Files), summarize(p2.Files)); diff != "" {
				t.Errorf("cached page differs:\n%s", diff)
			}
			if n := d.counter.Count("/simple/demo/", 0); n != tc.requests {
				t.Errorf("%d requests, want %d: %v", n, tc.requests, d.counter.Requests())
			}
			if tc.status != 0 && d.counter.Count("/simple/demo/", tc.status) != tc.requests {
				t.Errorf("requests %v, want status %d", d.counter.Requests(), tc.status)
			}
		})
	}
	t.Run("changed page is replaced", func(t *testing.T) {
		d := newDemo(t, server.Options{})
		dir := t.TempDir()
		if _, err := newHTTP(t, d.simpleBase, index.Options{Cache: &index.HTTPCache{Dir: dir}}).Project(ctx, "demo"); err != nil {
			t.Fatal(err)
		}
		servertest.WriteDir(t, d.dir, servertest.MustWheel(servertest.WheelSpec{Name: "demo", Version: "3.0"}))
		p, err := newHTTP(t, d.simpleBase, index.Options{Cache: &index.HTTPCache{Dir: dir}}).Project(ctx, "demo")
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Files) != 4 {
			t.Errorf("%d files after the index changed, want 4", len(p.Files))
		}
		if d.counter.Count("/simple/demo/", 200) != 2 {
			t.Errorf("requests %v", d.counter.Requests())
		}
		p, err = newHTTP(t, d.simpleBase, index.Options{Cache: &index.HTTPCache{Dir: dir, Mode: index.CacheOffline}}).Project(ctx, "demo")
		if err != nil || len(p.Files) != 4 {
			t.Errorf("offline after update: %v, %v", p, err)
		}
	})
	t.Run("offline", func(t *testing.T) {
		d := newDemo(t, server.Options{})
		dir := t.TempDir()
		if _, err := newHTTP(t, d.simpleBase, index.Options{Cache: &index.HTTPCache{Dir: dir}}).Project(ctx, "nope"); !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
		d.counter.Reset()
		off := newHTTP(t, d.simpleBase, index.Options{Cache: &index.HTTPCache{Dir: dir, Mode: index.CacheOffline}})
		_, err := off.Project(ctx, "demo")
		if !errors.Is(err, index.ErrOffline) || !strings.Contains(err.Error(), "/simple/demo/") {
			t.Errorf("miss: err = %v, want ErrOffline naming the page", err)
		}
		if _, err := off.Project(ctx, "nope"); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("remembered 404: err = %v", err)
		}
		if n := len(d.counter.Requests()); n != 0 {
			t.Errorf("offline made %d requests", n)
		}
	})
	t.Run("identical page is not rewritten", func(t *testing.T) {
		// The fixture server sends no max-age: a page fetched again with
		// the same body keeps its entry (same file), not a new copy.
		d := newDemo(t, server.Options{})
		dir := t.TempDir()
		entry := func() (string, fs.FileInfo) {
			var p string
			filepath.WalkDir(dir, func(q string, de fs.DirEntry, err error) error {
				if err == nil && de.Type().IsRegular() {
					p = q
				}
				return nil
			})
			st, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			return p, st
		}
		for i := 0; i < 2; i++ {
			if _, err := newHTTP(t, d.simpleBase, index.Options{Cache: &index.HTTPCache{Dir: dir}}).Project(ctx, "demo"); err != nil {
				t.Fatal(err)
			}
		}
		_, before := entry()
		if _, err := newHTTP(t, d.simpleBase, index.Options{Cache: &index.HTTPCache{Dir: dir}}).Project(ctx, "demo"); err != nil {
			t.Fatal(err)
		}
		_, after := entry()
		if !os.SameFile(before, after) {
			t.Error("an unchanged page was written to the cache again")
		}
		if n := d.counter.Count("/simple/demo/", 0); n != 3 {
			t.Errorf("%d page requests, want 3 (no max-age: every run asks)", n)
		}
	})
	t.Run("entry cut short is a miss", func(t *testing.T) {
		// Cache entries are written without a sync: after a crash one may
		// hold a prefix. It must read as a miss, never as a shorter page.
		d := newDemo(t, server.Options{})
		dir := t.TempDir()
		if _, err := newHTTP(t, d.simpleBase, index.Options{Cache: &index.HTTPCache{Dir: dir}}).Project(ctx, "demo"); err != nil {
			t.Fatal(err)
		}
		var entries []string
		filepath.WalkDir(dir, func(p string, de fs.DirEntry, err error) error {
			if err == nil && de.Type().IsRegular() {
				entries = append(entries, p)
			}
			return nil
		})
		if len(entries) != 1 {
			t.Fatalf("cache holds %v, want one entry", entries)
		}
		data, err := os.ReadFile(entries[0])
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(entries[0], data[:len(data)-10], 0o644); err != nil {
			t.Fatal(err)
		}
		_, err = newHTTP(t, d.simpleBase, index.Options{Cache: &index.HTTPCache{Dir: dir, Mode: index.CacheOffline}}).Project(ctx, "demo")
		if !errors.Is(err, index.ErrOffline) {
			t.Errorf("a cut-short entry was used: err = %v", err)
		}
	})
	t.Run("no-store", func(t *testing.T) {
		d := newDemo(t, server.Options{}, func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Cache-Control", "no-store")
				h.ServeHTTP(noCacheControl{w}, r)
			})
		})
		dir := t.TempDir()
		newHTTP(t, d.simpleBase, index.Options{Cache: &index.HTTPCache{Dir: dir}}).Project(ctx, "demo")
		_, err := newHTTP(t, d.simpleBase, index.Options{Cache: &index.HTTPCache{Dir: dir, Mode: index.CacheOffline}}).Project(ctx, "demo")
		if !errors.Is(err, index.ErrOffline) {
			t.Errorf("no-store page was cached: %v", err)
		}
	})
}

// noCacheControl keeps the wrapper's Cache-Control header.
type noCacheControl struct{ http.ResponseWriter }

func (w noCacheControl) WriteHeader(code int) {
	w.ResponseWriter.Header().Set("Cache-Control", "no-store")
	w.ResponseWriter.WriteHeader(code)
}

func (w noCacheControl) Write(b []byte) (int, error) {
	w.ResponseWriter.Header().Set("Cache-Control", "no-store")
	return w.ResponseWriter.Write(b)
}

func TestExcludeNewer(t *testing.T) {
	d := newDemo(t, server.Options{UploadTime: func(name string, _ time.Time) time.Time {
		switch {
		case strings.HasSuffix(name, ".tar.gz"):
			return time.Time{} // unknown
		case strings.Contains(name, "-2.0-"):
			return time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
		}
		return time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	}})
	for _, tc := range []struct {
		cutoff string
		want   []string
	}{
		{"2024-05-31", []string{"1.0"}},
		{"2024-06-01T12:00:00Z", []string{"1.0"}},
		{"2024-06-01", []string{"1.0", "2.0"}}, // a date means the end of that day
		{"2024-06-01T12:00:01Z", []string{"1.0", "2.0"}},
		{"2023-12-31", nil},
	} {
		t.Run(tc.cutoff, func(t *testing.T) {
			cut, err := index.ParseExcludeNewer(tc.cutoff)
			if err != nil {
				t.Fatal(err)
			}
			p, err := index.ExcludeNewer(newHTTP(t, d.simpleBase, index.Options{}), cut).Project(ctx, "demo")
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range p.Files {
				got = append(got, f.Version.String())
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	if _, err := index.ParseExcludeNewer("last tuesday"); err == nil {
		t.Error("bad date accepted")
	}
}

func TestFileURLs(t *testing.T) {
	p := filepath.Join(t.TempDir(), "a b#c.whl")
	u := index.FileURL(p)
	back, err := index.FilePath(u)
	if err != nil || back != p {
		t.Errorf("FilePath(FileURL(%q)) = %q, %v (url %s)", p, back, err, u)
	}
	if _, err := index.FilePath("file://remote.example/x"); err == nil {
		t.Error("remote file URL accepted")
	}
}

func TestFileIndexURL(t *testing.T) {
	// A static tree written by server.WriteTree works as a file:// index.
	d := newDemo(t, server.Options{})
	out := t.TempDir()
	if _, err := server.WriteTree(ctx, d.dir, out, server.Options{}); err != nil {
		t.Fatal(err)
	}
	h := newHTTP(t, index.FileURL(filepath.Join(out, "simple")), index.Options{})
	p, err := h.Project(ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Files) != 3 || p.Files[0].URL != index.FileURL(filepath.Join(out, d.w10.Filename)) {
		t.Errorf("files %+v", summarize(p.Files))
	}
	if _, err := h.Project(ctx, "nope"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("err = %v", err)
	}
}

func TestParseFilename(t *testing.T) {
	for _, tc := range []struct {
		in   string
		ok   bool
		kind index.Kind
		ver  string
	}{
		{"demo-1.0-py3-none-any.whl", true, index.KindWheel, "1.0"},
		{"demo-1.0.tar.gz", true, index.KindSdist, "1.0"},
		{"demo-1.0.zip", true, index.KindSdist, "1.0"},
		{"demo-1.0.exe", false, 0, ""},
		{"demo.whl", false, 0, ""},
	} {
		f, ok := index.ParseFilename(tc.in)
		if ok != tc.ok || (ok && (f.Kind != tc.kind || !f.Version.Equal(pep440.MustParse(tc.ver)))) {
			t.Errorf("ParseFilename(%q) = %+v, %v", tc.in, f, ok)
		}
	}
}

func FuzzParseExcludeNewer(f *testing.F) {
	f.Add("2024-01-02")
	f.Add("2024-01-02T03:04:05.123Z")
	f.Fuzz(func(t *testing.T, s string) {
		got, err := index.ParseExcludeNewer(s)
		if err != nil {
			return
		}
		// A timestamp's own RFC 3339 form means the same instant.
		back, err := index.ParseExcludeNewer(got.Format(time.RFC3339Nano))
		if err != nil || !back.Equal(got) {
			t.Fatalf("round trip of %q: %v, %v", s, back, err)
		}
	})
}

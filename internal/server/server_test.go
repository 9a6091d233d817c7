package server_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"ferry/internal/server"
	"ferry/internal/server/servertest"
	"ferry/internal/simpleapi"
)

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

type fixture struct {
	dir                  string
	w10, w20, sd10, junk servertest.Dist
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	fx := fixture{
		dir:  t.TempDir(),
		w10:  servertest.MustWheel(servertest.WheelSpec{Name: "Demo_Pkg", Version: "1.0", RequiresPython: ">=3.8"}),
		w20:  servertest.MustWheel(servertest.WheelSpec{Name: "demo_pkg", Version: "2.0"}),
		sd10: servertest.Sdist("demo_pkg", "1.0", ">=3.7"),
		junk: servertest.Dist{Filename: "other-0.1-py3-none-any.whl", Data: []byte("not a zip")},
	}
	servertest.WriteDir(t, fx.dir, fx.w10, fx.w20, fx.sd10, fx.junk,
		servertest.Dist{Filename: "README.txt", Data: []byte("hello")},
		servertest.Dist{Filename: "bad name-1.0.tar.gz", Data: []byte("x")})
	servertest.Yank(t, fx.dir, fx.w20.Filename, "broken build")
	return fx
}

func get(t *testing.T, rawURL, accept string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := http.DefaultTransport.RoundTrip(req) // no redirects followed
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

var uploaded = time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)

func wantProject(fx fixture, base string) *simpleapi.Project {
	return &simpleapi.Project{
		Name: "demo-pkg", APIVersion: "1.1", Versions: []string{"1.0", "2.0"},
		Files: []simpleapi.File{
			{Filename: fx.w10.Filename, URL: base + fx.w10.Filename, Hashes: map[string]string{"sha256": sha(fx.w10.Data)},
				RequiresPython: ">=3.8", Size: int64(len(fx.w10.Data)), UploadTime: uploaded,
				CoreMetadata: simpleapi.CoreMetadata{Available: true, Hashes: map[string]string{"sha256": sha([]byte(servertest.WheelSpec{Name: "Demo_Pkg", Version: "1.0", RequiresPython: ">=3.8"}.Metadata()))}}},
			{Filename: fx.sd10.Filename, URL: base + fx.sd10.Filename, Hashes: map[string]string{"sha256": sha(fx.sd10.Data)},
				RequiresPython: ">=3.7", Size: int64(len(fx.sd10.Data)), UploadTime: uploaded},
			{Filename: fx.w20.Filename, URL: base + fx.w20.Filename, Hashes: map[string]string{"sha256": sha(fx.w20.Data)},
				Yanked: true, YankedReason: "broken build", Size: int64(len(fx.w20.Data)), UploadTime: uploaded,
				CoreMetadata: simpleapi.CoreMetadata{Available: true, Hashes: map[string]string{"sha256": sha([]byte(servertest.WheelSpec{Name: "demo_pkg", Version: "2.0"}.Metadata()))}}},
		},
	}
}

func TestProjectPages(t *testing.T) {
	fx := newFixture(t)
	var warnings []string
	srv, _ := servertest.Serve(t, fx.dir, server.Options{Warn: func(m string) { warnings = append(warnings, m) }})
	pageURL := srv.URL + "/simple/demo-pkg/"
	base, _ := url.Parse(pageURL)
	want := wantProject(fx, srv.URL+"/")

	tests := []struct {
		name, accept, contentType string
		json                      bool
	}{
		{"json", simpleapi.Accept, simpleapi.ContentTypeJSON, true},
		{"html v1", simpleapi.ContentTypeHTML, simpleapi.ContentTypeHTML, false},
		{"legacy html", "text/html", "text/html; charset=utf-8", false},
		{"no accept", "", "text/html; charset=utf-8", false},
		{"wildcard", "*/*", "text/html; charset=utf-8", false},
		{"html preferred by q", "application/vnd.pypi.simple.v1+json;q=0.5, text/html", "text/html; charset=utf-8", false},
		{"latest json", "application/vnd.pypi.simple.latest+json", simpleapi.ContentTypeJSON, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := get(t, pageURL, tc.accept)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			if got := resp.Header.Get("Content-Type"); got != tc.contentType {
				t.Errorf("Content-Type = %q, want %q", got, tc.contentType)
			}
			var p *simpleapi.Project
			var err error
			w := *want
			if tc.json {
				p, err = simpleapi.ParseJSON(body, base)
			} else {
				p, err = simpleapi.ParseHTML(body, base)
				// HTML carries no name, versions, sizes or times.
				w.Name, w.Versions = "", nil
				w.Files = append([]simpleapi.File(nil), want.Files...)
				for i := range w.Files {
					w.Files[i].Size, w.Files[i].UploadTime = -1, time.Time{}
				}
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(&w, p); diff != "" {
				t.Errorf("page mismatch (-want +got):\n%s", diff)
			}
		})
	}
	joined := strings.Join(warnings, "\n")
	for _, w := range []string{"other-0.1-py3-none-any.whl: no metadata", "skipping bad name-1.0.tar.gz"} {
		if !strings.Contains(joined, w) {
			t.Errorf("warnings %q lack %q", joined, w)
		}
	}
}

func TestRoutes(t *testing.T) {
	fx := newFixture(t)
	srv, _ := servertest.Serve(t, fx.dir, server.Options{})
	tests := []struct {
		name, path, accept string
		status             int
		location           string
	}{
		{"root", "/simple/", "", 200, ""},
		{"unknown project", "/simple/nope/", "", 404, ""},
		{"non-normalized", "/simple/Demo_Pkg/", "", 301, "/simple/demo-pkg/"},
		{"no slash", "/simple/demo-pkg", "", 301, "/simple/demo-pkg/"},
		{"bare root", "/", "", 301, "/simple/"},
		{"not acceptable", "/simple/demo-pkg/", "application/xml", 406, ""},
		{"file", "/" + fx.w10.Filename, "", 200, ""},
		{"unknown file", "/nope-1.0.tar.gz", "", 404, ""},
		{"metadata", "/" + fx.w10.Filename + ".metadata", "", 200, ""},
		{"sdist has no metadata file", "/" + fx.sd10.Filename + ".metadata", "", 404, ""},
		{"sidecar not served", "/" + fx.w20.Filename + ".yanked", "", 404, ""},
		{"junk wheel served", "/" + fx.junk.Filename, "", 200, ""},
		{"traversal", "/..%2fetc%2fpasswd", "", 404, ""},
		{"deep path", "/simple/demo-pkg/x/", "", 404, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := get(t, srv.URL+tc.path, tc.accept)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, body)
			}
			if got := resp.Header.Get("Location"); got != tc.location {
				t.Errorf("Location = %q, want %q", got, tc.location)
			}
		})
	}
	t.Run("metadata content", func(t *testing.T) {
		_, body := get(t, srv.URL+"/"+fx.w10.Filename+".metadata", "")
		if want := (servertest.WheelSpec{Name: "Demo_Pkg", Version: "1.0", RequiresPython: ">=3.8"}).Metadata(); string(body) != want {
			t.Errorf("metadata = %q, want %q", body, want)
		}
	})
	t.Run("root lists projects", func(t *testing.T) {
		_, body := get(t, srv.URL+"/simple/", simpleapi.Accept)
		names, err := simpleapi.ParseRootJSON(body)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"demo-pkg", "other"}, names); diff != "" {
			t.Errorf("root (-want +got):\n%s", diff)
		}
	})
}

func TestRangeAndETag(t *testing.T) {
	fx := newFixture(t)
	srv, counter := servertest.Serve(t, fx.dir, server.Options{MaxAge: time.Minute})
	req, _ := http.NewRequest("GET", srv.URL+"/"+fx.w10.Filename, nil)
	req.Header.Set("Range", "bytes=-100")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusPartialContent || !bytes.Equal(body, fx.w10.Data[len(fx.w10.Data)-100:]) {
		t.Errorf("range: status %d, %d bytes", resp.StatusCode, len(body))
	}

	resp, _ = get(t, srv.URL+"/simple/demo-pkg/", simpleapi.Accept)
	etag := resp.Header.Get("ETag")
	if etag == "" || resp.Header.Get("Cache-Control") != "max-age=60" || resp.Header.Get("Vary") != "Accept" {
		t.Fatalf("page headers: %v", resp.Header)
	}
	req, _ = http.NewRequest("GET", srv.URL+"/simple/demo-pkg/", nil)
	req.Header.Set("Accept", simpleapi.Accept)
	req.Header.Set("If-None-Match", etag)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotModified {
		t.Errorf("conditional GET: status %d, want 304", resp.StatusCode)
	}
	if n := counter.Count("/simple/demo-pkg/", 304); n != 1 {
		t.Errorf("counter saw %d 304s, want 1 (%v)", n, counter.Requests())
	}
}

func TestLiveChanges(t *testing.T) {
	fx := newFixture(t)
	srv, _ := servertest.Serve(t, fx.dir, server.Options{})
	w30 := servertest.MustWheel(servertest.WheelSpec{Name: "demo_pkg", Version: "3.0"})
	servertest.WriteDir(t, fx.dir, w30)
	servertest.Yank(t, fx.dir, fx.w10.Filename, "")
	_, body := get(t, srv.URL+"/simple/demo-pkg/", simpleapi.Accept)
	p, err := simpleapi.ParseJSON(body, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Files) != 4 || p.Files[3].Filename != w30.Filename || !p.Files[0].Yanked {
		t.Errorf("after changes: %+v", p.Files)
	}
}

func readTree(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		out[filepath.ToSlash(rel)] = string(data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestWriteTree(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	out1, out2 := t.TempDir(), t.TempDir()
	sum, err := server.WriteTree(ctx, fx.dir, out1, server.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if want := (server.Summary{Projects: 2, Files: 4, Metadata: 2}); sum != want {
		t.Errorf("summary %+v, want %+v", sum, want)
	}
	if _, err := server.WriteTree(ctx, fx.dir, out2, server.Options{}); err != nil {
		t.Fatal(err)
	}
	tree1, tree2 := readTree(t, out1), readTree(t, out2)
	if diff := cmp.Diff(tree1, tree2); diff != "" {
		t.Errorf("WriteTree is not deterministic (-first +second):\n%s", diff)
	}
	var names []string
	for n := range tree1 {
		names = append(names, n)
	}
	sort.Strings(names)
	wantNames := []string{
		fx.w10.Filename, fx.w10.Filename + ".metadata", fx.sd10.Filename, fx.w20.Filename, fx.w20.Filename + ".metadata",
		fx.w20.Filename + ".yanked", "other-0.1-py3-none-any.whl",
		"simple/demo-pkg/index.html", "simple/demo-pkg/index.json", "simple/index.html", "simple/index.json",
		"simple/other/index.html", "simple/other/index.json",
	}
	sort.Strings(wantNames)
	if diff := cmp.Diff(wantNames, names); diff != "" {
		t.Errorf("tree (-want +got):\n%s", diff)
	}

	// The static pages are the server's pages, byte for byte.
	srv, _ := servertest.Serve(t, fx.dir, server.Options{})
	for _, tc := range []struct{ file, accept string }{
		{"simple/demo-pkg/index.json", simpleapi.ContentTypeJSON},
		{"simple/demo-pkg/index.html", "text/html"},
		{"simple/index.json", simpleapi.ContentTypeJSON},
		{"simple/index.html", "text/html"},
	} {
		_, body := get(t, srv.URL+"/"+strings.TrimSuffix(strings.TrimSuffix(tc.file, "index.json"), "index.html"), tc.accept)
		if string(body) != tree1[tc.file] {
			t.Errorf("%s differs from the server's page:\n%s\n---\n%s", tc.file, tree1[tc.file], body)
		}
	}

	// Indexing in place, then removing a project, removes its page and metadata.
	if _, err := server.WriteTree(ctx, fx.dir, fx.dir, server.Options{}); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(fx.dir, fx.w10.Filename)); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(fx.dir, "other-0.1-py3-none-any.whl")); err != nil {
		t.Fatal(err)
	}
	if _, err := server.WriteTree(ctx, fx.dir, fx.dir, server.Options{}); err != nil {
		t.Fatal(err)
	}
	tree := readTree(t, fx.dir)
	for _, gone := range []string{fx.w10.Filename + ".metadata", "simple/other/index.html"} {
		if _, ok := tree[gone]; ok {
			t.Errorf("%s survived re-indexing", gone)
		}
	}
	if _, ok := tree[fx.w20.Filename+".metadata"]; !ok {
		t.Errorf("metadata of a present wheel was removed")
	}
}

func TestUploadTimeOption(t *testing.T) {
	fx := newFixture(t)
	none := func(string, time.Time) time.Time { return time.Time{} }
	srv, _ := servertest.Serve(t, fx.dir, server.Options{UploadTime: none})
	_, body := get(t, srv.URL+"/simple/demo-pkg/", simpleapi.ContentTypeJSON)
	if bytes.Contains(body, []byte("upload-time")) {
		t.Errorf("upload-time present although disabled:\n%s", body)
	}
}

package index_test

import (
	"bytes"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"ferry/internal/cache"
	"ferry/internal/fetch"
	"ferry/internal/httpx"
	"ferry/internal/index"
	"ferry/internal/pkgname"
	"ferry/internal/server"
	"ferry/internal/server/servertest"
	"ferry/internal/simpleapi"
)

// rangeLog records, per request to a wheel, whether it asked for a range.
type rangeLog struct {
	mu  sync.Mutex
	log []string
}

func (l *rangeLog) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, ".whl") {
			kind := "full"
			if r.Header.Get("Range") != "" {
				kind = "range"
			}
			l.mu.Lock()
			l.log = append(l.log, kind)
			l.mu.Unlock()
		}
		h.ServeHTTP(w, r)
	})
}

func (l *rangeLog) get() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.log, " ")
}

// corruptMetadata serves altered .metadata files.
func corruptMetadata(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, ".metadata") {
			w.Write([]byte("Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nRequires-Dist: evil\n"))
			return
		}
		h.ServeHTTP(w, r)
	})
}

func newFetcher(t *testing.T, c *httpx.Client) *fetch.Fetcher {
	t.Helper()
	cc, err := cache.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return fetch.New(fetch.Options{Client: c, Cache: cc})
}

func TestMetadata(t *testing.T) {
	big := servertest.WheelSpec{Name: "big", Version: "1.0", ExtraFiles: 3000}
	liar := servertest.WheelSpec{Name: "liar", Version: "1.0", MetadataVersion: "9.9"}
	good := servertest.WheelSpec{Name: "demo", Version: "1.0", RequiresPython: ">=3.8"}
	tests := []struct {
		name        string
		spec        servertest.WheelSpec
		wrap        []func(http.Handler) http.Handler
		no658       bool // pretend the index announced no metadata file
		noRanges    bool
		want        string // the wheel requests, in order
		metaFetches int
		err         string
	}{
		{name: "PEP 658", spec: good, want: "", metaFetches: 1},
		{name: "range requests", spec: good, no658: true, want: "range"},
		{name: "range requests, large directory", spec: big, no658: true, want: "range range range"},
		{name: "no range support", spec: good, no658: true, noRanges: true, want: "range full"}, // the range is asked for and ignored,
		{name: "PEP 658 hash mismatch", spec: good, wrap: []func(http.Handler) http.Handler{corruptMetadata},
			err: "hash mismatch for demo-1.0-py3-none-any.whl.metadata", metaFetches: 1},
		{name: "metadata disagrees (658)", spec: liar, metaFetches: 1,
			err: "metadata of liar-1.0-py3-none-any.whl (from http://"},
		{name: "metadata disagrees (range)", spec: liar, no658: true, want: "range", err: "is for liar 9.9, but the file name says liar 1.0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			d := servertest.MustWheel(tc.spec)
			servertest.WriteDir(t, dir, d)
			log := &rangeLog{}
			wrap := append([]func(http.Handler) http.Handler{log.wrap}, tc.wrap...)
			if tc.noRanges {
				wrap = append(wrap, servertest.NoRanges)
			}
			srv, counter := servertest.Serve(t, dir, server.Options{}, wrap...)
			c := client(t, httpx.Options{})
			p, err := newHTTP(t, srv.URL+"/simple/", index.Options{Client: c}).Project(ctx, pkgname.Name(tc.spec.Name))
			if err != nil {
				t.Fatal(err)
			}
			f := p.Files[0]
			if tc.no658 {
				f.CoreMetadata = simpleapi.CoreMetadata{}
			}
			r := index.NewMetadataReader(index.Options{Client: c}, newFetcher(t, c))
			got, err := r.Metadata(ctx, f)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				if string(got) != tc.spec.Metadata() {
					t.Errorf("metadata %q, want %q", got, tc.spec.Metadata())
				}
			}
			if g := log.get(); g != tc.want {
				t.Errorf("wheel requests %q, want %q", g, tc.want)
			}
			if n := counter.Count("/"+d.Filename+".metadata", 0); n != tc.metaFetches {
				t.Errorf("%d metadata file requests, want %d", n, tc.metaFetches)
			}
		})
	}
}

func TestMetadataHashMismatchNamesBoth(t *testing.T) {
	dir := t.TempDir()
	spec := servertest.WheelSpec{Name: "demo", Version: "1.0"}
	servertest.WriteDir(t, dir, servertest.MustWheel(spec))
	srv, _ := servertest.Serve(t, dir, server.Options{}, corruptMetadata)
	c := client(t, httpx.Options{})
	p, err := newHTTP(t, srv.URL+"/simple/", index.Options{Client: c}).Project(ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	_, err = index.NewMetadataReader(index.Options{Client: c}, nil).Metadata(ctx, p.Files[0])
	var me *fetch.HashMismatchError
	if !errors.As(err, &me) {
		t.Fatalf("err = %v, want HashMismatchError", err)
	}
	want := "sha256:" + sha([]byte(spec.Metadata()))
	gotHash := "sha256:" + sha([]byte("Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nRequires-Dist: evil\n"))
	if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), gotHash) {
		t.Errorf("error %q does not name both %s and %s", err, want, gotHash)
	}
}

func TestMetadataCacheAndOffline(t *testing.T) {
	d := newDemo(t, server.Options{})
	c := client(t, httpx.Options{})
	cacheDir := t.TempDir()
	p, err := newHTTP(t, d.simpleBase, index.Options{Client: c}).Project(ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	w10 := p.Files[0]
	r := index.NewMetadataReader(index.Options{Client: c, Cache: &index.HTTPCache{Dir: cacheDir}}, nil)
	first, err := r.Metadata(ctx, w10)
	if err != nil {
		t.Fatal(err)
	}
	d.counter.Reset()
	off := index.NewMetadataReader(index.Options{Client: c, Cache: &index.HTTPCache{Dir: cacheDir, Mode: index.CacheOffline}}, nil)
	again, err := off.Metadata(ctx, w10)
	if err != nil || !bytes.Equal(first, again) {
		t.Fatalf("offline: %q, %v", again, err)
	}
	if n := len(d.counter.Requests()); n != 0 {
		t.Errorf("cached metadata made %d requests", n)
	}
	// Another wheel was never read: offline, it cannot be.
	_, err = off.Metadata(ctx, p.Files[2])
	if !errors.Is(err, index.ErrOffline) && !errors.Is(err, fetch.ErrOffline) {
		t.Errorf("err = %v, want an offline error", err)
	}
	// An sdist has no metadata without building.
	_, err = r.Metadata(ctx, p.Files[1])
	if !errors.Is(err, index.ErrNoMetadata) {
		t.Errorf("sdist: err = %v, want ErrNoMetadata", err)
	}
}

func TestMetadataLocal(t *testing.T) {
	dir := t.TempDir()
	spec := servertest.WheelSpec{Name: "local", Version: "0.1"}
	servertest.WriteDir(t, dir, servertest.MustWheel(spec), servertest.Sdist("local", "0.2", ""),
		servertest.MustWheel(servertest.WheelSpec{Name: "local", Version: "0.3", MetadataName: "someone-else"}))
	fl, err := index.NewFindLinks(dir, index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := fl.Project(ctx, "local")
	if err != nil {
		t.Fatal(err)
	}
	r := index.NewMetadataReader(index.Options{}, nil)
	for _, f := range p.Files {
		got, err := r.Metadata(ctx, f)
		switch f.Version.String() {
		case "0.1":
			if err != nil || string(got) != spec.Metadata() {
				t.Errorf("%s: %q, %v", f.Filename, got, err)
			}
		case "0.2":
			if !errors.Is(err, index.ErrNoMetadata) {
				t.Errorf("%s: err = %v, want ErrNoMetadata", f.Filename, err)
			}
		case "0.3":
			var mm *index.MetadataMismatchError
			if !errors.As(err, &mm) || mm.Source != filepath.Join(dir, f.Filename) {
				t.Errorf("%s: err = %v, want a mismatch naming the file", f.Filename, err)
			}
		}
	}
}

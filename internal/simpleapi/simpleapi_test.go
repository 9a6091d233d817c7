package simpleapi

import (
	"bytes"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func mustURL(t testing.TB, s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestParseHTML(t *testing.T) {
	page := `<!DOCTYPE html><html><head><meta name="pypi:repository-version" content="1.1"></head><body>
<a href="../../packages/ab/demo-1.0-py3-none-any.whl#sha256=ABCDEF" data-requires-python="&gt;=3.8" data-core-metadata="sha256=0123">demo-1.0-py3-none-any.whl</a><br/>
<a href="https://files.example/demo-0.9.tar.gz#md5=ff" data-yanked="">demo-0.9.tar.gz</a>
<a href="demo-0.8.tar.gz#egg=demo" data-yanked="broken build" data-dist-info-metadata="true">demo-0.8.tar.gz</a>
<a>no href</a>
<a href="/download?id=7">demo-0.7.zip</a>
</body></html>`
	p, err := ParseHTML([]byte(page), mustURL(t, "https://idx.example/simple/demo/"))
	if err != nil {
		t.Fatal(err)
	}
	want := &Project{APIVersion: "1.1", Files: []File{
		{Filename: "demo-1.0-py3-none-any.whl", URL: "https://idx.example/packages/ab/demo-1.0-py3-none-any.whl",
			Hashes: map[string]string{"sha256": "abcdef"}, RequiresPython: ">=3.8",
			CoreMetadata: CoreMetadata{Available: true, Hashes: map[string]string{"sha256": "0123"}}, Size: -1},
		{Filename: "demo-0.9.tar.gz", URL: "https://files.example/demo-0.9.tar.gz", Hashes: map[string]string{"md5": "ff"}, Yanked: true, Size: -1},
		{Filename: "demo-0.8.tar.gz", URL: "https://idx.example/simple/demo/demo-0.8.tar.gz", Yanked: true, YankedReason: "broken build",
			CoreMetadata: CoreMetadata{Available: true}, Size: -1},
		{Filename: "download", URL: "https://idx.example/download?id=7", Size: -1},
	}}
	if diff := cmp.Diff(want, p); diff != "" {
		t.Errorf("ParseHTML mismatch (-want +got):\n%s", diff)
	}
}

func TestParseHTMLBaseTag(t *testing.T) {
	page := `<html><head><base href="https://mirror.example/files/"></head><body><a href="x-1.0.tar.gz">x-1.0.tar.gz</a></body></html>`
	p, err := ParseHTML([]byte(page), mustURL(t, "https://idx.example/simple/x/"))
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Files[0].URL; got != "https://mirror.example/files/x-1.0.tar.gz" {
		t.Errorf("URL = %s", got)
	}
}

func TestParseRejectsGarbage(t *testing.T) {
	if _, err := ParseHTML([]byte("PK\x03\x04\x00\x00binary"), nil); err == nil {
		t.Error("binary body accepted as HTML")
	}
	if _, err := ParseHTML([]byte(`<meta name="pypi:repository-version" content="2.0">`), nil); err == nil {
		t.Error("API major version 2 accepted")
	}
	for _, in := range []string{`{`, `{"meta":{}}`, `{"meta":{"api-version":"1.0"},"files":[{"url":"x"}]}`,
		`{"meta":{"api-version":"1.0"},"files":[{"filename":"a","url":"b","yanked":3}]}`,
		`{"meta":{"api-version":"1.0"},"files":[{"filename":"a","url":"b","size":-1}]}`,
		`{"meta":{"api-version":"1.0"},"files":[{"filename":"a","url":"b","upload-time":"yesterday"}]}`,
		`{"meta":{"api-version":"1.0"},"files":[{"filename":"a","url":"b","core-metadata":"x"}]}`,
		`<html>`} {
		if _, err := ParseJSON([]byte(in), nil); err == nil {
			t.Errorf("ParseJSON(%q) accepted", in)
		}
	}
}

func TestParseJSON(t *testing.T) {
	doc := `{"meta":{"api-version":"1.1"},"name":"Demo","versions":["0.9","1.0"],"files":[
{"filename":"demo-1.0-py3-none-any.whl","url":"../../packages/demo-1.0-py3-none-any.whl","hashes":{"SHA256":"ABC"},
 "requires-python":">=3.8","core-metadata":{"sha256":"def"},"size":1234,"upload-time":"2024-01-02T03:04:05.123456Z"},
{"filename":"demo-0.9.tar.gz","url":"https://files.example/demo-0.9.tar.gz","hashes":{},"yanked":"bad","dist-info-metadata":true}]}`
	p, err := ParseJSON([]byte(doc), mustURL(t, "https://idx.example/simple/demo/"))
	if err != nil {
		t.Fatal(err)
	}
	want := &Project{Name: "Demo", APIVersion: "1.1", Versions: []string{"0.9", "1.0"}, Files: []File{
		{Filename: "demo-1.0-py3-none-any.whl", URL: "https://idx.example/packages/demo-1.0-py3-none-any.whl",
			Hashes: map[string]string{"sha256": "abc"}, RequiresPython: ">=3.8",
			CoreMetadata: CoreMetadata{Available: true, Hashes: map[string]string{"sha256": "def"}}, Size: 1234,
			UploadTime: time.Date(2024, 1, 2, 3, 4, 5, 123456000, time.UTC)},
		{Filename: "demo-0.9.tar.gz", URL: "https://files.example/demo-0.9.tar.gz", Yanked: true, YankedReason: "bad",
			CoreMetadata: CoreMetadata{Available: true}, Size: -1},
	}}
	if diff := cmp.Diff(want, p); diff != "" {
		t.Errorf("ParseJSON mismatch (-want +got):\n%s", diff)
	}
}

func sampleProject() *Project {
	return &Project{Name: "demo", Versions: []string{"1.0"}, Files: []File{
		{Filename: "demo-1.0-py3-none-any.whl", URL: "https://idx.example/files/demo-1.0-py3-none-any.whl",
			Hashes: map[string]string{"sha256": "abc123"}, RequiresPython: ">=3.8,<4",
			CoreMetadata: CoreMetadata{Available: true, Hashes: map[string]string{"sha256": "fed"}},
			Size:         10, UploadTime: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)},
		{Filename: "demo-1.0.tar.gz", URL: "https://idx.example/files/demo-1.0.tar.gz", Yanked: true, YankedReason: "oops <b>", Size: -1},
	}}
}

func TestRoundTrip(t *testing.T) {
	p := sampleProject()
	var js bytes.Buffer
	if err := WriteJSON(&js, p); err != nil {
		t.Fatal(err)
	}
	got, err := ParseJSON(js.Bytes(), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := *p
	want.APIVersion = APIVersion
	if diff := cmp.Diff(&want, got); diff != "" {
		t.Errorf("JSON round trip (-want +got):\n%s", diff)
	}

	var h bytes.Buffer
	if err := WriteHTML(&h, p); err != nil {
		t.Fatal(err)
	}
	got, err = ParseHTML(h.Bytes(), nil)
	if err != nil {
		t.Fatal(err)
	}
	// HTML carries neither versions, sizes nor upload times.
	want.Name, want.Versions = "", nil
	want.Files = append([]File(nil), p.Files...)
	for i := range want.Files {
		want.Files[i].Size = -1
		want.Files[i].UploadTime = time.Time{}
	}
	if diff := cmp.Diff(&want, got); diff != "" {
		t.Errorf("HTML round trip (-want +got):\n%s", diff)
	}

	// Deterministic bytes.
	var js2 bytes.Buffer
	WriteJSON(&js2, p)
	if !bytes.Equal(js.Bytes(), js2.Bytes()) {
		t.Error("WriteJSON is not deterministic")
	}
}

func TestRootPages(t *testing.T) {
	names := []string{"Demo_Pkg", "other"}
	var h, j bytes.Buffer
	WriteRootHTML(&h, names, func(s string) string { return strings.ToLower(strings.ReplaceAll(s, "_", "-")) })
	WriteRootJSON(&j, names)
	if !strings.Contains(h.String(), `href="demo-pkg/"`) {
		t.Errorf("root HTML: %s", h.String())
	}
	gotH, err := ParseRootHTML(h.Bytes())
	if err != nil || !cmp.Equal(gotH, names) {
		t.Errorf("ParseRootHTML = %v, %v", gotH, err)
	}
	gotJ, err := ParseRootJSON(j.Bytes())
	if err != nil || !cmp.Equal(gotJ, names) {
		t.Errorf("ParseRootJSON = %v, %v", gotJ, err)
	}
}

func TestKindOf(t *testing.T) {
	for ct, want := range map[string]Kind{
		"application/vnd.pypi.simple.v1+json":                KindJSON,
		"application/vnd.pypi.simple.v1+html; charset=utf-8": KindHTML,
		"text/html":        KindHTML,
		"":                 KindHTML,
		"application/json": KindJSON,
	} {
		if got := KindOf(ct); got != want {
			t.Errorf("KindOf(%q) = %v, want %v", ct, got, want)
		}
	}
}

func FuzzParseHTML(f *testing.F) {
	var buf bytes.Buffer
	WriteHTML(&buf, sampleProject())
	f.Add(buf.Bytes())
	f.Add([]byte(`<a href="x#sha256=zz" data-yanked data-core-metadata="sha256=">`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParseHTML(data, mustURL(t, "https://h.example/simple/p/"))
		if err != nil {
			return
		}
		// Whatever parsed must survive a write and re-parse unchanged.
		var out bytes.Buffer
		if err := WriteHTML(&out, p); err != nil {
			t.Fatal(err)
		}
		q, err := ParseHTML(out.Bytes(), nil)
		if err != nil {
			t.Fatalf("re-parse: %v", err)
		}
		if len(q.Files) != len(p.Files) {
			t.Fatalf("round trip lost files: %d -> %d", len(p.Files), len(q.Files))
		}
	})
}

func FuzzParseJSON(f *testing.F) {
	var buf bytes.Buffer
	WriteJSON(&buf, sampleProject())
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParseJSON(data, mustURL(t, "https://h.example/simple/p/"))
		if err != nil {
			return
		}
		var out bytes.Buffer
		if err := WriteJSON(&out, p); err != nil {
			t.Fatal(err)
		}
		q, err := ParseJSON(out.Bytes(), nil)
		if err != nil {
			t.Fatalf("re-parse: %v\n%s", err, out.Bytes())
		}
		if len(q.Files) != len(p.Files) {
			t.Fatalf("round trip lost files")
		}
	})
}

// FuzzResolveFastPath checks that the shortcut for plain absolute URLs
// answers exactly what parsing and resolving them would.
func FuzzResolveFastPath(f *testing.F) {
	for _, s := range []string{
		"https://files.example/packages/ab/cd/pkg-1.0-py3-none-any.whl",
		"http://127.0.0.1:8080/files/pkg-1.0.tar.gz",
		"https://h/a/./b", "https://h//x", "https://H/x", "https://h:x/y", "https://h/A~b_c-d.e",
	} {
		f.Add(s)
	}
	base := mustURL(f, "https://index.example/simple/pkg/")
	f.Fuzz(func(t *testing.T, href string) {
		if !plainAbsolute(href) {
			return
		}
		got, frag, err := resolveSlow(base, href)
		if err != nil || got != href || frag != "" {
			t.Fatalf("plainAbsolute(%q) but parsing gives %q, %q, %v", href, got, frag, err)
		}
	})
}

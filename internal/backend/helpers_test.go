package backend

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/txtar"
)

var update = flag.Bool("update", false, "rewrite the want/ sections of the fixture projects")

// testMtime is SOURCE_DATE_EPOCH for the tests.
var testMtime = time.Unix(1700000000, 0).UTC()

// fixture is a project from testdata/projects/NAME.txtar: the project's
// files, and want/ sections holding expected results (not extracted).
type fixture struct {
	name string
	file string
	ar   *txtar.Archive
}

func loadFixture(t testing.TB, name string) *fixture {
	t.Helper()
	file := filepath.Join("testdata", "projects", name+".txtar")
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{name: name, file: file, ar: ar}
}

func fixtureNames(t testing.TB) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join("testdata", "projects", "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range m {
		names = append(names, strings.TrimSuffix(filepath.Base(f), ".txtar"))
	}
	sort.Strings(names)
	return names
}

// extract writes the project's files under dir (a new temporary
// directory when dir is "") and returns it.
func (f *fixture) extract(t testing.TB, dir string) string {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	for _, file := range f.ar.Files {
		if strings.HasPrefix(file.Name, "want/") || strings.HasPrefix(file.Name, "check/") {
			continue
		}
		p := filepath.Join(dir, filepath.FromSlash(file.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		mode := os.FileMode(0o644)
		if strings.HasPrefix(file.Name, "bin/") {
			mode = 0o755
		}
		if err := os.WriteFile(p, file.Data, mode); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// want returns a want/ section, and whether it exists.
func (f *fixture) want(name string) (string, bool) { return f.section("want/" + name) }

// section returns a txtar section by its full name.
func (f *fixture) section(name string) (string, bool) {
	for _, file := range f.ar.Files {
		if file.Name == name {
			return string(file.Data), true
		}
	}
	return "", false
}

// check compares got with want/name, or records it with -update.
func (f *fixture) check(t *testing.T, name, got string) {
	t.Helper()
	if *update {
		for i, file := range f.ar.Files {
			if file.Name == "want/"+name {
				f.ar.Files[i].Data = []byte(got)
				return
			}
		}
		f.ar.Files = append(f.ar.Files, txtar.File{Name: "want/" + name, Data: []byte(got)})
		return
	}
	want, ok := f.want(name)
	if !ok {
		t.Errorf("%s: no want/%s section (run with -update)", f.name, name)
		return
	}
	if want != got {
		t.Errorf("%s: want/%s differs:\n--- want\n%s\n--- got\n%s", f.name, name, want, got)
	}
}

func (f *fixture) save(t testing.TB) {
	t.Helper()
	if !*update {
		return
	}
	if err := os.WriteFile(f.file, txtar.Format(f.ar), 0o644); err != nil {
		t.Fatal(err)
	}
}

func testOptions() Options {
	return Options{Mtime: testMtime, Date: testMtime, Generator: "ferry (test)"}
}

// nativeOpener opens every directory with the native backend.
func nativeOpener(o Options) Opener {
	return func(_ context.Context, dir string) (Hooks, error) {
		return &NativeHooks{Dir: dir, Options: o}, nil
	}
}

// zipFiles reads a zip file's members.
func zipFiles(t testing.TB, file string) (names []string, content map[string]string, modes map[string]os.FileMode) {
	t.Helper()
	zr, err := zip.OpenReader(file)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	content, modes = map[string]string{}, map[string]os.FileMode{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, f.Name)
		content[f.Name] = string(b)
		modes[f.Name] = f.Mode()
	}
	return names, content, modes
}

// tarNames lists a .tar.gz file's members.
func tarNames(t testing.TB, file string) []string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	gz, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	var names []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
	}
	return names
}

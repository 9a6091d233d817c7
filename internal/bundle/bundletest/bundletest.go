// Package bundletest builds the fixture wheels of the bundle and deploy
// tests: helloapp 1.0 (a small http.server application with a console
// script) and its dependency greetlib 2.1, from
// internal/bundle/testdata/helloapp.txtar, plus wheels of any shape a test
// describes. Everything is built in memory and deterministically.
package bundletest

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"ferry/internal/wheel"
)

// Wheel is a wheel file: its name and bytes.
type Wheel struct {
	Filename string
	Data     []byte
}

// Spec describes a wheel.
type Spec struct {
	// Name and Version as the file name spells them ("greetlib", "2.1").
	Name, Version string
	// Tag is the tag triple; "" means py3-none-any. A tag other than
	// "-any" makes Root-Is-Purelib false.
	Tag string
	// Metadata are extra METADATA lines ("Requires-Dist: x>=1"); a line
	// that is empty starts the description body.
	Metadata []string
	// Files are the members (archive path → content), dist-info files
	// other than METADATA, WHEEL and RECORD included.
	Files map[string]string
}

// Build builds the wheel a spec describes.
func Build(s Spec) (Wheel, error) {
	tag := s.Tag
	if tag == "" {
		tag = "py3-none-any"
	}
	info := s.Name + "-" + s.Version + ".dist-info"
	var buf bytes.Buffer
	w := wheel.NewWriter(&buf, wheel.WriterOptions{DistInfo: info})
	names := make([]string, 0, len(s.Files))
	for p := range s.Files {
		names = append(names, p)
	}
	sort.Strings(names)
	for _, p := range names {
		if err := w.Add(p, []byte(s.Files[p]), strings.HasSuffix(p, ".sh")); err != nil {
			return Wheel{}, err
		}
	}
	var md strings.Builder
	fmt.Fprintf(&md, "Metadata-Version: 2.1\nName: %s\nVersion: %s\n", s.Name, s.Version)
	for _, l := range s.Metadata {
		md.WriteString(l + "\n")
	}
	if err := w.Add(info+"/METADATA", []byte(md.String()), false); err != nil {
		return Wheel{}, err
	}
	purelib := strings.HasSuffix(tag, "-any")
	wf := fmt.Sprintf("Wheel-Version: 1.0\nGenerator: ferry-bundletest\nRoot-Is-Purelib: %t\nTag: %s\n", purelib, tag)
	if err := w.Add(info+"/WHEEL", []byte(wf), false); err != nil {
		return Wheel{}, err
	}
	if err := w.Close(); err != nil {
		return Wheel{}, err
	}
	return Wheel{Filename: s.Name + "-" + s.Version + "-" + tag + ".whl", Data: buf.Bytes()}, nil
}

// MustBuild is Build for a test.
func MustBuild(t testing.TB, s Spec) Wheel {
	t.Helper()
	w, err := Build(s)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// FixtureFiles returns the files of one wheel of helloapp.txtar ("helloapp"
// or "greetlib"), keyed by archive path.
func FixtureFiles(t testing.TB, wheelName string) map[string]string {
	t.Helper()
	_, self, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("bundletest: cannot locate the fixtures")
	}
	ar, err := txtar.ParseFile(filepath.Join(filepath.Dir(self), "..", "testdata", "helloapp.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, f := range ar.Files {
		if rest, ok := strings.CutPrefix(f.Name, wheelName+"/"); ok {
			files[rest] = string(f.Data)
		}
	}
	if len(files) == 0 {
		t.Fatalf("bundletest: no files for %s in helloapp.txtar", wheelName)
	}
	return files
}

// HelloApp returns the helloapp 1.0 wheel (it requires greetlib>=2).
func HelloApp(t testing.TB) Wheel {
	t.Helper()
	return MustBuild(t, Spec{
		Name: "helloapp", Version: "1.0",
		Metadata: []string{
			"Summary: A tiny HTTP application",
			"Home-page: https://example.com/helloapp",
			"Author: Hello Team",
			"Author-email: hello@example.com",
			"License: MIT",
			"Requires-Python: >=3.8",
			"Requires-Dist: greetlib>=2",
			"",
			"helloapp answers GET / with a greeting.",
			"",
			"It is the fixture of ferry's bundle tests.",
		},
		Files: FixtureFiles(t, "helloapp"),
	})
}

// GreetLib returns the greetlib wheel of the given version (the fixture's
// is 2.1); its __version__ says version.
func GreetLib(t testing.TB, version string) Wheel {
	t.Helper()
	files := FixtureFiles(t, "greetlib")
	files["greetlib/__init__.py"] = strings.Replace(files["greetlib/__init__.py"], `"2.1"`, fmt.Sprintf("%q", version), 1)
	return MustBuild(t, Spec{
		Name: "greetlib", Version: version,
		Metadata: []string{"Summary: Greetings", "Requires-Python: >=3.8"},
		Files:    files,
	})
}

// WriteDir writes the wheels into dir and returns their paths.
func WriteDir(t testing.TB, dir string, wheels ...Wheel) []string {
	t.Helper()
	var paths []string
	for _, w := range wheels {
		p := filepath.Join(dir, w.Filename)
		if err := os.WriteFile(p, w.Data, 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths
}

package wheel_test

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ferry/internal/archive"
	"ferry/internal/record"
	"ferry/internal/wheel"
	"ferry/internal/wheel/wheeltest"
)

var update = flag.Bool("update", false, "rewrite testdata/corpus from wheeltest.Corpus")

func demoSpec() wheeltest.Spec {
	return wheeltest.Spec{
		Name: "demo_pkg", Version: "1.0", Tag: "cp311-cp311-linux_x86_64", Platlib: true,
		Files: map[string]string{
			"demo/__init__.py":                       "def main():\n    return 0\n",
			"demo/_native.so":                        "\x7fELF not really",
			"demo_pkg-1.0.data/scripts/demo-tool":    "#!python\nimport demo\n",
			"demo_pkg-1.0.data/data/share/demo.txt":  "data\n",
			"demo_pkg-1.0.data/headers/demo.h":       "#define DEMO 1\n",
			"demo_pkg-1.0.data/purelib/demo_pure.py": "X = 1\n",
		},
		Executable:  []string{"demo_pkg-1.0.data/scripts/demo-tool"},
		EntryPoints: "[console_scripts]\ndemo = demo:main\n\n[gui_scripts]\ndemo-gui = demo:main\n",
	}
}

func open(t *testing.T, name string, data []byte, opts wheel.Options) (*wheel.Wheel, error) {
	t.Helper()
	return wheel.Open(bytes.NewReader(data), int64(len(data)), name, opts)
}

func TestOpenGood(t *testing.T) {
	name, data, err := wheeltest.Build(demoSpec())
	if err != nil {
		t.Fatal(err)
	}
	w, err := open(t, name, data, wheel.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if w.Name() != "demo-pkg" || w.Version().String() != "1.0" || w.DistInfo != "demo_pkg-1.0.dist-info" {
		t.Errorf("identity = %s %s %s", w.Name(), w.Version(), w.DistInfo)
	}
	if w.RootScheme() != wheel.Platlib {
		t.Errorf("RootScheme = %s, want platlib", w.RootScheme())
	}
	type placed struct {
		Name, Scheme, Path string
		Exec               bool
	}
	var got []placed
	for _, m := range w.Members {
		got = append(got, placed{m.Name, string(m.Scheme), m.Path, m.Executable})
	}
	want := []placed{
		{"demo/__init__.py", "platlib", "demo/__init__.py", false},
		{"demo/_native.so", "platlib", "demo/_native.so", false},
		{"demo_pkg-1.0.data/data/share/demo.txt", "data", "share/demo.txt", false},
		{"demo_pkg-1.0.data/headers/demo.h", "headers", "demo.h", false},
		{"demo_pkg-1.0.data/purelib/demo_pure.py", "purelib", "demo_pure.py", false},
		{"demo_pkg-1.0.data/scripts/demo-tool", "scripts", "demo-tool", true},
		{"demo_pkg-1.0.dist-info/METADATA", "platlib", "demo_pkg-1.0.dist-info/METADATA", false},
		{"demo_pkg-1.0.dist-info/WHEEL", "platlib", "demo_pkg-1.0.dist-info/WHEEL", false},
		{"demo_pkg-1.0.dist-info/entry_points.txt", "platlib", "demo_pkg-1.0.dist-info/entry_points.txt", false},
		{"demo_pkg-1.0.dist-info/RECORD", "platlib", "demo_pkg-1.0.dist-info/RECORD", false},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("members (-want +got):\n%s", diff)
	}
	if n := len(w.EntryPoints.ConsoleScripts()); n != 1 {
		t.Errorf("console scripts = %d, want 1", n)
	}
	spec := demoSpec()
	for i := range w.Members {
		m := &w.Members[i]
		b, err := w.ReadFile(m)
		if err != nil {
			t.Fatalf("reading %s: %v", m.Name, err)
		}
		if c, ok := spec.Files[m.Name]; ok && string(b) != c {
			t.Errorf("%s = %q, want %q", m.Name, b, c)
		}
	}
}

func TestWriterDeterministic(t *testing.T) {
	_, a, err := wheeltest.Build(demoSpec())
	if err != nil {
		t.Fatal(err)
	}
	_, b, _ := wheeltest.Build(demoSpec())
	if !bytes.Equal(a, b) {
		t.Fatal("building the same wheel twice gave different bytes")
	}
	w, err := open(t, "demo_pkg-1.0-cp311-cp311-linux_x86_64.whl", a, wheel.Options{})
	if err != nil {
		t.Fatal(err)
	}
	last := w.Members[len(w.Members)-1]
	if last.Name != "demo_pkg-1.0.dist-info/RECORD" {
		t.Errorf("last member = %s, want RECORD", last.Name)
	}
	inInfo := false
	for _, m := range w.Members {
		isInfo := strings.HasPrefix(m.Name, w.DistInfo+"/")
		if inInfo && !isInfo {
			t.Errorf("%s comes after the dist-info directory", m.Name)
		}
		inInfo = isInfo
	}
}

func TestWriterRefuses(t *testing.T) {
	tests := []struct {
		name   string
		member string
	}{
		{"record", "x-1.dist-info/RECORD"},
		{"unclean", "a//b"},
		{"dotdot", "../a"},
		{"absolute", "/a"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := wheel.NewWriter(io.Discard, wheel.WriterOptions{DistInfo: "x-1.dist-info"})
			if err := w.Add(tc.member, nil, false); err == nil {
				t.Errorf("Add(%q) succeeded", tc.member)
			}
		})
	}
	w := wheel.NewWriter(io.Discard, wheel.WriterOptions{DistInfo: "x-1.dist-info"})
	w.Add("a", nil, false)
	if err := w.Add("a", nil, false); err == nil {
		t.Error("duplicate Add succeeded")
	}
}

func TestNewerWheelVersion(t *testing.T) {
	s := demoSpec()
	name, data := wheeltest.MustBuild(s)
	// Rebuild with WHEEL claiming 1.9 by hand.
	var buf bytes.Buffer
	ww := wheel.NewWriter(&buf, wheel.WriterOptions{DistInfo: s.DistInfo()})
	ww.Add(s.DistInfo()+"/METADATA", []byte(s.Metadata()), false)
	ww.Add(s.DistInfo()+"/WHEEL", []byte(strings.Replace(s.WheelFile(), "1.0", "1.9", 1)), false)
	if err := ww.Close(); err != nil {
		t.Fatal(err)
	}
	_ = data
	w, err := open(t, name, buf.Bytes(), wheel.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(w.Warnings) != 1 || !strings.Contains(w.Warnings[0], "1.9") {
		t.Errorf("warnings = %q", w.Warnings)
	}
}

// checkRefused opens the wheel and reads every member; the wheel must be
// refused with an *wheel.Error naming the wheel, the member and the reason.
func checkRefused(t *testing.T, b wheeltest.Bad, data []byte) {
	t.Helper()
	err := readAll(b.FileName, data, wheel.Options{Limits: b.Limits})
	if err == nil {
		t.Fatalf("%s: accepted", b.ID)
	}
	var we *wheel.Error
	if !errors.As(err, &we) {
		t.Fatalf("%s: error %v (%T) is not a *wheel.Error", b.ID, err, err)
	}
	if we.Wheel != b.FileName {
		t.Errorf("%s: error names wheel %q, want %q", b.ID, we.Wheel, b.FileName)
	}
	if we.Member != b.Member {
		t.Errorf("%s: error names member %q, want %q (%v)", b.ID, we.Member, b.Member, err)
	}
	if !strings.Contains(err.Error(), b.Reason) {
		t.Errorf("%s: error %q does not say %q", b.ID, err, b.Reason)
	}
}

func readAll(name string, data []byte, opts wheel.Options) error {
	w, err := wheel.Open(bytes.NewReader(data), int64(len(data)), name, opts)
	if err != nil {
		return err
	}
	for i := range w.Members {
		rc, err := w.Open(&w.Members[i])
		if err != nil {
			return err
		}
		_, err = io.Copy(io.Discard, rc)
		rc.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

func TestCorpus(t *testing.T) {
	name, good := wheeltest.Good()
	if err := readAll(name, good, wheel.Options{}); err != nil {
		t.Fatalf("the corpus's good wheel is refused: %v", err)
	}
	for _, b := range wheeltest.Corpus() {
		t.Run(b.ID, func(t *testing.T) { checkRefused(t, b, b.Data) })
	}
}

// TestCorpusFiles keeps testdata/corpus equal to what wheeltest builds
// (run with -update to rewrite it) and checks the files on disk are
// refused too.
func TestCorpusFiles(t *testing.T) {
	for _, b := range wheeltest.Corpus() {
		path := filepath.Join("testdata", "corpus", b.ID, b.FileName)
		if *update {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, b.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		t.Run(b.ID, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if !bytes.Equal(data, b.Data) {
				t.Errorf("%s differs from what wheeltest builds (run go test -update)", path)
			}
			checkRefused(t, b, data)
		})
	}
}

func TestVerifyWhileStreaming(t *testing.T) {
	// A member whose content was changed after RECORD was written is
	// caught at the end of its stream, not before.
	for _, b := range wheeltest.Corpus() {
		if b.ID != "hash-mismatch" {
			continue
		}
		w, err := open(t, b.FileName, b.Data, wheel.Options{})
		if err != nil {
			t.Fatalf("Open refused early: %v", err)
		}
		m, _ := w.Member("victim/__init__.py")
		rc, err := w.Open(m)
		if err != nil {
			t.Fatal(err)
		}
		_, err = io.ReadAll(rc)
		var mm *record.MismatchError
		if !errors.As(err, &mm) {
			t.Fatalf("err = %v, want a *record.MismatchError", err)
		}
	}
}

func FuzzOpen(f *testing.F) {
	_, good := wheeltest.Good()
	f.Add(good)
	for _, b := range wheeltest.Corpus() {
		if len(b.Data) < 64<<10 {
			f.Add(b.Data)
		}
	}
	lim := archive.Limits{MaxEntries: 1000, MaxEntrySize: 1 << 20, MaxTotalSize: 4 << 20, MaxRatio: 100}
	f.Fuzz(func(t *testing.T, data []byte) {
		w, err := wheel.Open(bytes.NewReader(data), int64(len(data)), "victim-1.0-py3-none-any.whl", wheel.Options{Limits: lim})
		if err != nil {
			var we *wheel.Error
			if !errors.As(err, &we) {
				t.Fatalf("error %v is not a *wheel.Error", err)
			}
			return
		}
		for i := range w.Members {
			rc, err := w.Open(&w.Members[i])
			if err != nil {
				continue
			}
			io.Copy(io.Discard, rc)
			rc.Close()
		}
	})
}

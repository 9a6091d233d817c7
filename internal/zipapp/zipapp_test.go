package zipapp

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"ferry/internal/archive"

	"github.com/google/go-cmp/cmp"
)

const greetInit = `import sys

def main():
    print("hello from greet", sys.argv[1:])
    return 0

def fail():
    return 3

def probe():
    try:
        import pip
        print("pip visible:", True)
    except ImportError:
        print("pip visible:", False)
    print("site dirs:", [p for p in sys.path if "site-packages" in p.split("/") and ".pyz" not in p])

def meta():
    import importlib.metadata as md
    print("greet version:", md.version("greet"))
    print("native version:", md.version("nativepkg"))
    eps = md.entry_points()
    if hasattr(eps, "select"):
        plugins = eps.select(group="greet.plugins")
    else:
        plugins = eps.get("greet.plugins", [])
    print("plugins:", sorted(ep.name + "=" + ep.value for ep in plugins))
    print("plugin loads:", [ep.load()() for ep in plugins][0])
    dist = md.distribution("greet")
    print("files:", sorted(str(f) for f in dist.files))
    print("requires:", dist.requires)

def plugin():
    return "plugged"

def native():
    import nativepkg
    print("native says:", nativepkg.DATA)
    print("native file:", nativepkg.__file__)
`

const greetRecord = `greet/__init__.py,,
greet/__main__.py,,
greet-1.2.dist-info/METADATA,,
greet-1.2.dist-info/entry_points.txt,,
greet-1.2.dist-info/RECORD,,
`

func sampleEntries() []archive.Entry {
	return []archive.Entry{
		{Name: "site-packages/greet/__init__.py", Data: []byte(greetInit)},
		{Name: "site-packages/greet/__main__.py", Open: func() (io.ReadCloser, error) {
			return io.NopCloser(strings.NewReader("print('greet as a module')\n")), nil
		}},
		{Name: "site-packages/greet-1.2.dist-info/METADATA", Data: []byte("Metadata-Version: 2.1\nName: greet\nVersion: 1.2\nRequires-Dist: nativepkg\n")},
		{Name: "site-packages/greet-1.2.dist-info/RECORD", Data: []byte(greetRecord)},
		{Name: "site-packages/greet-1.2.dist-info/entry_points.txt", Open: func() (io.ReadCloser, error) {
			return io.NopCloser(strings.NewReader("[console_scripts]\ngreet = greet:main\ngreet-meta = greet:meta\n\n[greet.plugins]\nfirst = greet:plugin\n")), nil
		}},
		{Name: "extract/nativepkg/__init__.py", Data: []byte(
			"import os\nwith open(os.path.join(os.path.dirname(__file__), '_native.so')) as f:\n    DATA = f.read().strip()\n")},
		{Name: "extract/nativepkg/_native.so", Data: []byte("NATIVE-DATA\n"), Executable: true},
		{Name: "extract/nativepkg-0.1.dist-info/METADATA", Data: []byte("Metadata-Version: 2.1\nName: nativepkg\nVersion: 0.1\n")},
	}
}

func build(t *testing.T, m Manifest, interp string) ([]byte, Manifest) {
	t.Helper()
	var buf bytes.Buffer
	got, err := Write(&buf, Options{Interpreter: interp, Manifest: m, Entries: sampleEntries(), Mtime: time.Unix(1700000000, 0)})
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), got
}

func TestDeterministic(t *testing.T) {
	a, ma := build(t, Manifest{Script: "greet"}, "")
	b, mb := build(t, Manifest{Script: "greet"}, "")
	if !bytes.Equal(a, b) {
		t.Fatal("two builds of the same zipapp differ")
	}
	var c bytes.Buffer
	mc, err := Write(&c, Options{Manifest: Manifest{Script: "greet"}, Entries: sampleEntries(), Mtime: time.Unix(1800000000, 0)})
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a, c.Bytes()) {
		t.Error("the mtime is not written")
	}
	if ma.Hash != mb.Hash || ma.Hash != mc.Hash {
		t.Errorf("content hash depends on the mtime: %s %s %s", ma.Hash, mb.Hash, mc.Hash)
	}
	entries := sampleEntries()
	entries[0].Data = []byte(greetInit + "\n")
	md, err := Write(io.Discard, Options{Manifest: Manifest{Script: "greet"}, Entries: entries})
	if err != nil {
		t.Fatal(err)
	}
	if md.Hash == ma.Hash {
		t.Error("content hash ignores a content change")
	}
}

func TestLayout(t *testing.T) {
	data, m := build(t, Manifest{Script: "greet", RequiresPython: ">=3.8"}, "")
	if !bytes.HasPrefix(data, []byte("#!/usr/bin/env python3\nPK\x03\x04")) {
		t.Fatalf("unexpected start %q", data[:40])
	}
	want := Manifest{Format: 1, EntryPoint: "greet:main", Script: "greet", RequiresPython: ">=3.8", Hash: m.Hash, Extract: true}
	if diff := cmp.Diff(want, m); diff != "" {
		t.Errorf("manifest (-want +got):\n%s", diff)
	}
	read, err := ReadManifest(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(m, read); diff != "" {
		t.Errorf("ReadManifest (-want +got):\n%s", diff)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		if f.Modified.Unix() != 1700000000 {
			t.Errorf("%s: mtime %v", f.Name, f.Modified)
		}
	}
	wantNames := []string{
		".ferry/", "__main__.py", "extract/", "extract/nativepkg-0.1.dist-info/",
		"extract/nativepkg-0.1.dist-info/METADATA", "extract/nativepkg/", "extract/nativepkg/__init__.py",
		"extract/nativepkg/_native.so", "site-packages/", "site-packages/greet-1.2.dist-info/",
		"site-packages/greet-1.2.dist-info/METADATA", "site-packages/greet-1.2.dist-info/RECORD",
		"site-packages/greet-1.2.dist-info/entry_points.txt", "site-packages/greet/",
		"site-packages/greet/__init__.py", "site-packages/greet/__main__.py", ".ferry/bundle.json",
	}
	if diff := cmp.Diff(wantNames, names); diff != "" {
		t.Errorf("members (-want +got):\n%s", diff)
	}
	if _, err := ReadManifest(bytes.NewReader([]byte("PK\x05\x06"+strings.Repeat("\x00", 18))), 22); !errors.Is(err, ErrNotZipapp) {
		t.Errorf("empty zip: %v", err)
	}
}

func TestShebang(t *testing.T) {
	long := "/opt/" + strings.Repeat("x", 130) + "/python3"
	cases := []struct{ in, want string }{
		{"", "#!/usr/bin/env python3\n"},
		{"/usr/bin/env python3.11", "#!/usr/bin/env python3.11\n"},
		{"/usr/bin/python3", "#!/usr/bin/python3\n"},
		{"/opt/my python/bin/python3", "#!/bin/sh\nexec '/opt/my python/bin/python3' \"$0\" \"$@\"\n"},
		{"/opt/it's/python", "#!/opt/it's/python\n"},
		{"/opt/it's my/python", "#!/bin/sh\nexec '/opt/it'\\''s my/python' \"$0\" \"$@\"\n"},
		{long, "#!/bin/sh\nexec '" + long + "' \"$0\" \"$@\"\n"},
	}
	for _, tc := range cases {
		got, err := Shebang(tc.in)
		if err != nil {
			t.Errorf("Shebang(%q): %v", tc.in, err)
			continue
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("Shebang(%q) (-want +got):\n%s", tc.in, diff)
		}
	}
	for _, in := range []string{"python3", "/usr/bin/python3\n", "/usr/bin/env " + strings.Repeat("p", 130)} {
		if got, err := Shebang(in); err == nil {
			t.Errorf("Shebang(%q) = %q, want an error", in, got)
		}
	}
}

func TestWriteRejects(t *testing.T) {
	cases := []struct {
		name    string
		m       Manifest
		entries []archive.Entry
	}{
		{"no entry point", Manifest{}, nil},
		{"entry point and module", Manifest{EntryPoint: "a:b", Module: "a"}, nil},
		{"script and entry point", Manifest{EntryPoint: "a:b", Script: "greet"}, nil},
		{"entry point without function", Manifest{EntryPoint: "greet"}, nil},
		{"entry point with extras", Manifest{EntryPoint: "greet:main [x]"}, nil},
		{"bad module", Manifest{Module: "greet:main"}, nil},
		{"unknown script", Manifest{Script: "nope"}, nil},
		{"reserved main", Manifest{Script: "greet"}, []archive.Entry{{Name: "__main__.py"}}},
		{"reserved manifest", Manifest{Script: "greet"}, []archive.Entry{{Name: ".ferry/bundle.json"}}},
		{"symlink", Manifest{Script: "greet"}, []archive.Entry{{Name: "site-packages/l", Linkname: "greet"}}},
		{"duplicate", Manifest{Script: "greet"}, []archive.Entry{{Name: "./site-packages/greet/__init__.py"}}},
		{"escaping", Manifest{Script: "greet"}, []archive.Entry{{Name: "../x"}}},
		{"failing opener", Manifest{Script: "greet"}, []archive.Entry{{Name: "x", Open: func() (io.ReadCloser, error) { return nil, errors.New("boom") }}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Write(io.Discard, Options{Manifest: tc.m, Entries: append(sampleEntries(), tc.entries...)})
			if err == nil {
				t.Fatal("accepted")
			}
			t.Log(err)
		})
	}
}

func FuzzParseManifest(f *testing.F) {
	ok, _ := Manifest{Format: 1, EntryPoint: "a.b:c.d", Script: "x", InheritPath: true, RequiresPython: ">=3.8",
		Hash: strings.Repeat("ab", 32), Extract: true}.Marshal()
	f.Add(ok)
	f.Add([]byte(`{"format":1,"module":"m","hash":"` + strings.Repeat("0", 64) + `"}`))
	f.Add([]byte(`{"format":2}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseManifest(data)
		if err != nil {
			return
		}
		out, err := m.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseManifest(out)
		if err != nil {
			t.Fatalf("re-reading %s: %v", out, err)
		}
		if diff := cmp.Diff(m, back); diff != "" {
			t.Fatalf("round trip (-first +second):\n%s", diff)
		}
	})
}

// Running the zipapps.

// pythons returns the interpreters to run the zipapps with: python3 from
// PATH, plus those listed in FERRY_TEST_PYTHONS (separated by the path list
// separator), e.g. to cover 3.8 through 3.13.
func pythons(t *testing.T) []string {
	t.Helper()
	var out []string
	if p, err := exec.LookPath("python3"); err == nil {
		out = append(out, p)
	}
	for _, p := range filepath.SplitList(os.Getenv("FERRY_TEST_PYTHONS")) {
		if p != "" {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		t.Skip("no python3 on PATH: running zipapps is not tested")
	}
	return out
}

type runResult struct {
	stdout, stderr string
	code           int
}

// run runs argv in an empty directory with a private HOME and cache root.
func run(t *testing.T, env []string, argv ...string) runResult {
	t.Helper()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir(), "XDG_CACHE_HOME=", "PYTHONPATH=", "FERRY_ZIPAPP_INHERIT_PATH=", "FERRY_ZIPAPP_DEBUG=")
	cmd.Env = append(cmd.Env, env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res := runResult{stdout: stdout.String(), stderr: stderr.String()}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		res.code = exit.ExitCode()
	case err != nil:
		t.Fatalf("running %v: %v", argv, err)
	}
	return res
}

func writeApp(t *testing.T, data []byte) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "app.pyz")
	if err := os.WriteFile(file, data, 0o755); err != nil {
		t.Fatal(err)
	}
	return file
}

func TestRun(t *testing.T) {
	for i, py := range pythons(t) {
		out, err := exec.Command(py, "-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])").Output()
		if err != nil {
			t.Errorf("%s does not run: %v", py, err)
			continue
		}
		t.Run("python"+strings.TrimSpace(string(out)), func(t *testing.T) {
			t.Logf("interpreter %s", py)
			testRun(t, py, i == 0)
		})
	}
}

func testRun(t *testing.T, py string, onPath bool) {
	root := t.TempDir()
	cache := "FERRY_ZIPAPP_ROOT=" + root
	expect := func(t *testing.T, res runResult, code int, stdout ...string) {
		t.Helper()
		if res.code != code {
			t.Errorf("exit status %d, want %d\nstdout:\n%s\nstderr:\n%s", res.code, code, res.stdout, res.stderr)
		}
		for _, want := range stdout {
			if !strings.Contains(res.stdout, want) {
				t.Errorf("stdout lacks %q:\n%s\nstderr:\n%s", want, res.stdout, res.stderr)
			}
		}
	}

	greet, _ := build(t, Manifest{Script: "greet"}, "")
	app := writeApp(t, greet)
	t.Run("python app.pyz", func(t *testing.T) {
		expect(t, run(t, []string{cache}, py, app, "a", "b c"), 0, "hello from greet ['a', 'b c']\n")
	})
	t.Run("./app.pyz", func(t *testing.T) {
		if !onPath {
			t.Skip("the #! line runs python3 from PATH, tested once")
		}
		expect(t, run(t, []string{cache}, app, "x"), 0, "hello from greet ['x']\n")
	})
	t.Run("python -I app.pyz", func(t *testing.T) {
		expect(t, run(t, []string{cache}, py, "-I", app), 0, "hello from greet []\n")
	})
	t.Run("trampoline", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "my python")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		link := filepath.Join(dir, "python3")
		if err := os.Symlink(py, link); err != nil {
			t.Fatal(err)
		}
		data, _ := build(t, Manifest{Script: "greet"}, link)
		expect(t, run(t, []string{cache}, writeApp(t, data), "y"), 0, "hello from greet ['y']\n")
	})
	t.Run("exit status", func(t *testing.T) {
		data, _ := build(t, Manifest{EntryPoint: "greet:fail"}, "")
		expect(t, run(t, []string{cache}, py, writeApp(t, data)), 3)
	})
	t.Run("module", func(t *testing.T) {
		data, _ := build(t, Manifest{Module: "greet"}, "")
		expect(t, run(t, []string{cache}, py, writeApp(t, data)), 0, "greet as a module\n")
	})

	probe, _ := build(t, Manifest{EntryPoint: "greet:probe"}, "")
	probeApp := writeApp(t, probe)
	hostPip := exec.Command(py, "-c", "import pip").Run() == nil
	t.Run("isolated", func(t *testing.T) {
		expect(t, run(t, []string{cache}, py, probeApp), 0, "pip visible: False\n", "site dirs: []\n")
	})
	t.Run("inherit", func(t *testing.T) {
		if !hostPip {
			t.Skip("pip is not installed for " + py + ": nothing to inherit")
		}
		inherit, _ := build(t, Manifest{EntryPoint: "greet:probe", InheritPath: true}, "")
		expect(t, run(t, []string{cache}, py, writeApp(t, inherit)), 0, "pip visible: True\n")
		expect(t, run(t, []string{cache, "FERRY_ZIPAPP_INHERIT_PATH=1"}, py, probeApp), 0, "pip visible: True\n")
		expect(t, run(t, []string{cache, "FERRY_ZIPAPP_INHERIT_PATH=0"}, py, writeApp(t, inherit)), 0, "pip visible: False\n")
	})
	t.Run("PYTHONPATH", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "extra_mod.py"), []byte("X = 42\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "greet.py"), []byte("raise SystemExit('shadowed')\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		data, _ := build(t, Manifest{Module: "greet"}, "")
		expect(t, run(t, []string{cache, "PYTHONPATH=" + dir}, py, writeApp(t, data)), 0, "greet as a module\n")
	})

	t.Run("metadata", func(t *testing.T) {
		data, _ := build(t, Manifest{Script: "greet-meta"}, "")
		expect(t, run(t, []string{cache}, py, writeApp(t, data)), 0,
			"greet version: 1.2\n", "native version: 0.1\n",
			"plugins: ['first=greet:plugin']\n", "plugin loads: plugged\n",
			"files: ['greet-1.2.dist-info/METADATA', 'greet-1.2.dist-info/RECORD', 'greet-1.2.dist-info/entry_points.txt', 'greet/__init__.py', 'greet/__main__.py']\n",
			"requires: ['nativepkg']\n")
	})

	t.Run("native", func(t *testing.T) {
		data, m := build(t, Manifest{EntryPoint: "greet:native"}, "")
		res := run(t, []string{cache}, py, writeApp(t, data))
		expect(t, res, 0, "native says: NATIVE-DATA\n", "native file: "+filepath.Join(root, m.Hash, "nativepkg", "__init__.py")+"\n")
		st, err := os.Stat(filepath.Join(root, m.Hash, "nativepkg", "_native.so"))
		if err != nil || st.Mode().Perm()&0o111 == 0 {
			t.Errorf("extracted _native.so: %v, %v", st, err)
		}
	})

	t.Run("concurrent first runs", func(t *testing.T) {
		fresh := t.TempDir()
		data, m := build(t, Manifest{EntryPoint: "greet:native"}, "")
		app := writeApp(t, data)
		const n = 4
		results := make([]runResult, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i] = run(t, []string{"FERRY_ZIPAPP_ROOT=" + fresh, "FERRY_ZIPAPP_DEBUG=1"}, py, app)
			}()
		}
		wg.Wait()
		extracted := 0
		for _, res := range results {
			expect(t, res, 0, "native says: NATIVE-DATA\n")
			extracted += strings.Count(res.stderr, "ferry zipapp: extracted ")
		}
		if extracted != 1 {
			t.Errorf("extracted %d times, want once", extracted)
		}
		left, err := os.ReadDir(fresh)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range left {
			names = append(names, e.Name())
		}
		if diff := cmp.Diff([]string{m.Hash, m.Hash + ".lock"}, names); diff != "" {
			t.Errorf("cache root (-want +got):\n%s", diff)
		}
	})

	t.Run("unwritable root", func(t *testing.T) {
		// A root below a regular file cannot be created, even by root.
		file := filepath.Join(t.TempDir(), "file")
		if err := os.WriteFile(file, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		data, _ := build(t, Manifest{EntryPoint: "greet:native"}, "")
		res := run(t, []string{"FERRY_ZIPAPP_ROOT=" + file + "/root"}, py, writeApp(t, data))
		if res.code != 1 || !strings.Contains(res.stderr, "ferry bundle: cannot extract native code to "+file+"/root: ") {
			t.Errorf("status %d, stderr:\n%s", res.code, res.stderr)
		}
	})

	t.Run("missing entry point", func(t *testing.T) {
		data, _ := build(t, Manifest{EntryPoint: "missing_mod:main"}, "")
		res := run(t, []string{cache}, py, writeApp(t, data))
		want := "ferry bundle: entry point 'missing_mod:main' could not be imported: ModuleNotFoundError: No module named 'missing_mod'\n"
		if res.code != 1 || res.stderr != want {
			t.Errorf("status %d, stderr:\n%s\nwant:\n%s", res.code, res.stderr, want)
		}
		data, _ = build(t, Manifest{EntryPoint: "greet:nope"}, "")
		res = run(t, []string{cache}, py, writeApp(t, data))
		if res.code != 1 || !strings.HasPrefix(res.stderr, "ferry bundle: entry point 'greet:nope' could not be imported: AttributeError: ") {
			t.Errorf("status %d, stderr:\n%s", res.code, res.stderr)
		}
		data, _ = build(t, Manifest{Module: "nope.sub"}, "")
		res = run(t, []string{cache}, py, writeApp(t, data))
		if res.code != 1 || !strings.HasPrefix(res.stderr, "ferry bundle: module 'nope.sub' could not be imported: ModuleNotFoundError: ") {
			t.Errorf("status %d, stderr:\n%s", res.code, res.stderr)
		}
	})

	t.Run("requires python", func(t *testing.T) {
		data, _ := build(t, Manifest{Script: "greet", RequiresPython: ">=3.8, <99"}, "")
		expect(t, run(t, []string{cache}, py, writeApp(t, data)), 0, "hello from greet")
		data, _ = build(t, Manifest{Script: "greet", RequiresPython: ">=99"}, "")
		res := run(t, []string{cache}, py, writeApp(t, data))
		if res.code != 1 || !strings.Contains(res.stderr, "ferry bundle: this bundle requires Python >=99; ") {
			t.Errorf("status %d, stderr:\n%s", res.code, res.stderr)
		}
	})
}

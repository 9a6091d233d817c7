package bundle_test

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"ferry/internal/bundle"
	"ferry/internal/bundle/bundletest"
	"ferry/internal/cache"
	"ferry/internal/install"
	"ferry/internal/pkgname"
	"ferry/internal/zipapp"
)

var epoch = time.Unix(1700000000, 0).UTC()

// stage installs wheels into a fresh --target directory (requested: the
// first one) and scans it.
func stage(t *testing.T, wheels ...bundletest.Wheel) *bundle.Tree {
	t.Helper()
	ctx := context.Background()
	paths := bundletest.WriteDir(t, t.TempDir(), wheels...)
	c, err := cache.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	us, err := install.UnpackAll(ctx, c, paths, install.UnpackOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	l := install.TargetLayout(nil, dir)
	l.Python = bundle.SystemPython
	env, err := install.OpenEnv(ctx, l)
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	var txn install.Txn
	refs := map[pkgname.Name]bundle.WheelRef{}
	for i, u := range us {
		txn.Install = append(txn.Install, install.Item{Wheel: u, Requested: i == 0})
		refs[u.Name] = bundle.WheelRef{FileName: u.FileName, SHA256: u.SHA256}
	}
	if _, err := env.Apply(ctx, txn, install.Options{}); err != nil {
		t.Fatal(err)
	}
	tree, err := bundle.Scan(ctx, dir, refs)
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

// nativeLib is a wheel with an extension module (not loadable: only its
// name matters here).
func nativeLib(t *testing.T) bundletest.Wheel {
	return bundletest.MustBuild(t, bundletest.Spec{
		Name: "fastlib", Version: "0.3", Tag: "cp311-cp311-manylinux_2_17_x86_64",
		Files: map[string]string{
			"fastlib/__init__.py":                            "from fastlib._speed import *\n",
			"fastlib/_speed.cpython-311-x86_64-linux-gnu.so": "\x7fELF not really",
		},
	})
}

func python3(t *testing.T) string {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not on PATH: the run checks are skipped")
	}
	return py
}

func TestScan(t *testing.T) {
	tree := stage(t, bundletest.HelloApp(t), bundletest.GreetLib(t, "2.1"), nativeLib(t),
		bundletest.MustBuild(t, bundletest.Spec{Name: "datapkg", Version: "1", Files: map[string]string{
			"datapkg/__init__.py": "", "datapkg-1.dist-info/not-zip-safe": "\n",
		}}))
	type row struct {
		Name, Version string
		Native        bool
		Reason        string
		Wheel         string
	}
	var got []row
	for _, d := range tree.Dists {
		got = append(got, row{string(d.Name), d.Version, d.Native, d.NativeReason, d.Wheel.FileName})
	}
	want := []row{
		{"datapkg", "1", true, "is marked not zip-safe", "datapkg-1-py3-none-any.whl"},
		{"fastlib", "0.3", true, "holds native code (fastlib/_speed.cpython-311-x86_64-linux-gnu.so)", "fastlib-0.3-cp311-cp311-manylinux_2_17_x86_64.whl"},
		{"greetlib", "2.1", false, "", "greetlib-2.1-py3-none-any.whl"},
		{"helloapp", "1.0", false, "", "helloapp-1.0-py3-none-any.whl"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("dists (-want +got):\n%s", diff)
	}
	app := tree.Get("helloapp")
	var files []string
	for _, f := range app.Files {
		files = append(files, fmt.Sprintf("%s %v", f.Path, f.Executable))
	}
	wantFiles := []string{
		"bin/helloapp true",
		"helloapp-1.0.dist-info/INSTALLER false",
		"helloapp-1.0.dist-info/METADATA false",
		"helloapp-1.0.dist-info/RECORD false",
		"helloapp-1.0.dist-info/REQUESTED false",
		"helloapp-1.0.dist-info/WHEEL false",
		"helloapp-1.0.dist-info/entry_points.txt false",
		"helloapp/__init__.py false",
		"helloapp/__main__.py false",
	}
	if diff := cmp.Diff(wantFiles, files); diff != "" {
		t.Errorf("helloapp files (-want +got):\n%s", diff)
	}
	if app.Metadata.RequiresPython != ">=3.8" || len(app.EntryPoints.ConsoleScripts()) != 1 {
		t.Errorf("metadata/entry points: %+v %+v", app.Metadata, app.EntryPoints)
	}
	for _, tc := range []struct {
		module string
		want   bool
	}{
		{"helloapp", true}, {"greetlib", true}, {"fastlib._speed", true}, {"fastlib", true},
		{"helloapp.nope", false}, {"http.server", false}, {"greet", false},
	} {
		if got := tree.ProvidesModule(tc.module); got != tc.want {
			t.Errorf("ProvidesModule(%q) = %v", tc.module, got)
		}
	}
}

func TestIsNativeFile(t *testing.T) {
	for _, tc := range []struct {
		name string
		want bool
	}{
		{"a/_x.cpython-312-x86_64-linux-gnu.so", true}, {"a/x.pyd", true}, {"a/.libs/libz.so.1.2.13", true},
		{"a/libx.dylib", true}, {"a/X.DLL", true}, {"a/x.py", false}, {"a/so/x.txt", false}, {"a/x.sox", false},
	} {
		if got := bundle.IsNativeFile(tc.name); got != tc.want {
			t.Errorf("IsNativeFile(%q) = %v", tc.name, got)
		}
	}
}

func zipNames(t *testing.T, data []byte) []string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	return names
}

func TestZipapp(t *testing.T) {
	tree := stage(t, bundletest.HelloApp(t), bundletest.GreetLib(t, "2.1"), nativeLib(t))
	var buf bytes.Buffer
	res, err := tree.WriteZipapp(&buf, bundle.ZipappOptions{Script: "helloapp", RequiresPython: ">=3.8", Mtime: epoch})
	if err != nil {
		t.Fatal(err)
	}
	if res.Manifest.EntryPoint != "helloapp:main" || !res.Manifest.Extract || res.Manifest.RequiresPython != ">=3.8" {
		t.Errorf("manifest: %+v", res.Manifest)
	}
	if diff := cmp.Diff([]pkgname.Name{"fastlib"}, res.Extracted); diff != "" {
		t.Errorf("extracted: %s", diff)
	}
	if diff := cmp.Diff([]pkgname.Name{"greetlib", "helloapp"}, res.Zipped); diff != "" {
		t.Errorf("zipped: %s", diff)
	}
	names := zipNames(t, buf.Bytes())
	has := map[string]bool{}
	for _, n := range names {
		has[n] = true
	}
	for _, want := range []string{
		"__main__.py", ".ferry/bundle.json", "site-packages/helloapp/__init__.py", "site-packages/greetlib/__init__.py",
		"site-packages/helloapp-1.0.dist-info/entry_points.txt", "extract/fastlib/_speed.cpython-311-x86_64-linux-gnu.so",
		"extract/fastlib-0.3.dist-info/RECORD",
	} {
		if !has[want] {
			t.Errorf("zipapp lacks %s; has %q", want, names)
		}
	}
	for _, n := range names {
		if strings.Contains(n, "bin/") {
			t.Errorf("zipapp holds a script: %s", n)
		}
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("#!/usr/bin/env python3\n")) {
		t.Errorf("shebang: %q", buf.Bytes()[:30])
	}
	m, err := zipapp.ReadManifest(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil || m.Hash != res.Manifest.Hash {
		t.Errorf("manifest read back: %+v, %v", m, err)
	}

	t.Run("extract-flag", func(t *testing.T) {
		var b bytes.Buffer
		res, err := tree.WriteZipapp(&b, bundle.ZipappOptions{EntryPoint: "helloapp:main", Extract: []string{"Greet_Lib", "greetlib"}, Mtime: epoch})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]pkgname.Name{"fastlib", "greetlib"}, res.Extracted); diff != "" {
			t.Errorf("extracted: %s", diff)
		}
		res, err = tree.WriteZipapp(&b, bundle.ZipappOptions{EntryPoint: "helloapp:main", Extract: []string{":all:"}, Mtime: epoch})
		if err != nil || len(res.Zipped) != 0 {
			t.Errorf("--extract :all: zipped %v, %v", res.Zipped, err)
		}
	})

	t.Run("bad", func(t *testing.T) {
		for _, o := range []bundle.ZipappOptions{
			{},
			{EntryPoint: "a:b", Script: "c"},
			{EntryPoint: "not an entry point"},
			{EntryPoint: "helloapp"},
			{Script: "nosuch"},
		} {
			if _, err := tree.WriteZipapp(io.Discard, o); err == nil {
				t.Errorf("%+v accepted", o)
			}
		}
	})
}

// TestReproducible writes every format twice, from two staging trees in
// different directories, and compares the bytes.
func TestReproducible(t *testing.T) {
	wheels := []bundletest.Wheel{bundletest.HelloApp(t), bundletest.GreetLib(t, "2.1")}
	a, b := stage(t, wheels...), stage(t, wheels...)
	formats := []struct {
		name  string
		write func(*bundle.Tree, io.Writer) error
	}{
		{"zipapp", func(tr *bundle.Tree, w io.Writer) error {
			_, err := tr.WriteZipapp(w, bundle.ZipappOptions{Script: "helloapp", Mtime: epoch})
			return err
		}},
		{"tar.gz", func(tr *bundle.Tree, w io.Writer) error {
			r, err := tr.Release(context.Background(), bundle.ReleaseOptions{App: "helloapp"})
			if err != nil {
				return err
			}
			return r.WriteTarGz(w, epoch)
		}},
		{"deb", func(tr *bundle.Tree, w io.Writer) error {
			r, err := tr.Release(context.Background(), bundle.ReleaseOptions{App: "helloapp"})
			if err != nil {
				return err
			}
			_, err = r.WriteDeb(w, bundle.PackageOptions{Mtime: epoch})
			return err
		}},
		{"rpm", func(tr *bundle.Tree, w io.Writer) error {
			r, err := tr.Release(context.Background(), bundle.ReleaseOptions{App: "helloapp"})
			if err != nil {
				return err
			}
			_, err = r.WriteRPM(w, bundle.PackageOptions{Mtime: epoch})
			return err
		}},
	}
	for _, f := range formats {
		t.Run(f.name, func(t *testing.T) {
			var x, y bytes.Buffer
			if err := f.write(a, &x); err != nil {
				t.Fatal(err)
			}
			if err := f.write(b, &y); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(x.Bytes(), y.Bytes()) {
				t.Errorf("%s differs between two runs (%d and %d bytes)", f.name, x.Len(), y.Len())
			}
			var z bytes.Buffer
			later := stage(t, wheels...)
			if err := f.write(later, &z); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(x.Bytes(), z.Bytes()) {
				t.Errorf("%s differs for a third staging tree", f.name)
			}
		})
	}
	t.Run("dir", func(t *testing.T) {
		var trees [2]string
		for i, tr := range []*bundle.Tree{a, b} {
			r, err := tr.Release(context.Background(), bundle.ReleaseOptions{App: "helloapp"})
			if err != nil {
				t.Fatal(err)
			}
			dir := filepath.Join(t.TempDir(), "rel")
			if err := r.WriteDir(context.Background(), dir, epoch); err != nil {
				t.Fatal(err)
			}
			trees[i] = dirSnapshot(t, dir)
		}
		if diff := cmp.Diff(trees[0], trees[1]); diff != "" {
			t.Errorf("release directories differ (-first +second):\n%s", diff)
		}
		if !strings.Contains(trees[0], "bin/helloapp 755 1700000000 ") {
			t.Errorf("snapshot:\n%s", trees[0])
		}
	})
	t.Run("zipapp-bytecode", func(t *testing.T) {
		py := python3(t)
		var x, y bytes.Buffer
		for i, tr := range []*bundle.Tree{a, b} {
			bc, err := tr.Compile(context.Background(), py, t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			if bc.Len() != 3 {
				t.Errorf("compiled %d modules, want 3", bc.Len())
			}
			w := []*bytes.Buffer{&x, &y}[i]
			if _, err := tr.WriteZipapp(w, bundle.ZipappOptions{Script: "helloapp", Bytecode: bc, Mtime: epoch}); err != nil {
				t.Fatal(err)
			}
		}
		if !bytes.Equal(x.Bytes(), y.Bytes()) {
			t.Error("zipapps with bytecode differ between two runs")
		}
	})
	t.Run("mtime-matters", func(t *testing.T) {
		var x, y bytes.Buffer
		a.WriteZipapp(&x, bundle.ZipappOptions{Script: "helloapp", Mtime: epoch})
		a.WriteZipapp(&y, bundle.ZipappOptions{Script: "helloapp", Mtime: epoch.Add(24 * time.Hour)})
		if bytes.Equal(x.Bytes(), y.Bytes()) {
			t.Error("SOURCE_DATE_EPOCH does not reach the zip")
		}
	})
}

// tarMembers reads a .tar.gz into name → content ("->target" for links,
// "/" suffix for directories), with modes.
func tarMembers(t *testing.T, data []byte) (map[string]string, map[string]int64) {
	t.Helper()
	gz, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	out, modes := map[string]string{}, map[string]int64{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(tr)
		switch h.Typeflag {
		case tar.TypeSymlink:
			out[h.Name] = "->" + h.Linkname
		default:
			out[h.Name] = string(b)
		}
		modes[h.Name] = h.Mode
		if !h.ModTime.Equal(epoch) || h.Uid != 0 || h.Uname != "" {
			t.Errorf("%s: mtime %v uid %d uname %q", h.Name, h.ModTime, h.Uid, h.Uname)
		}
	}
	return out, modes
}

// contentHash recomputes a release's hash the way the package documents it.
func contentHash(members map[string]string, modes map[string]int64, prefix string) string {
	var names []string
	for n := range members {
		if strings.HasSuffix(n, "/") || n == prefix+bundle.ReleaseManifestName || !strings.HasPrefix(n, prefix) {
			continue
		}
		names = append(names, n)
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		kind, content := "f", members[n]
		if strings.HasPrefix(content, "->") {
			kind, content = "l", strings.TrimPrefix(content, "->")
		} else if modes[n]&0o111 != 0 {
			kind = "x"
		}
		sum := sha256.Sum256([]byte(content))
		fmt.Fprintf(h, "%s %s\x00%s\n", kind, strings.TrimPrefix(n, prefix), hex.EncodeToString(sum[:]))
	}
	return hex.EncodeToString(h.Sum(nil))
}

func TestRelease(t *testing.T) {
	greet := bundletest.GreetLib(t, "2.1")
	tree := stage(t, bundletest.HelloApp(t), greet)
	rel, err := tree.Release(context.Background(), bundle.ReleaseOptions{App: "helloapp"})
	if err != nil {
		t.Fatal(err)
	}
	want := bundle.ReleaseManifest{Format: 1, Name: "helloapp", Version: "1.0", RequiresPython: ">=3.8",
		EntryPoint: "helloapp:main", Script: "helloapp", Hash: rel.Manifest.Hash}
	if diff := cmp.Diff(want, rel.Manifest); diff != "" {
		t.Errorf("manifest (-want +got):\n%s", diff)
	}
	var buf bytes.Buffer
	if err := rel.WriteTarGz(&buf, epoch); err != nil {
		t.Fatal(err)
	}
	members, modes := tarMembers(t, buf.Bytes())
	p := "helloapp-1.0/"
	for _, name := range []string{
		p, p + "RELEASE.json", p + "app/", p + "app/helloapp/__init__.py", p + "app/helloapp-1.0.dist-info/RECORD",
		p + "vendor/greetlib/__init__.py", p + "vendor/greetlib-2.1.dist-info/METADATA", p + "bin/helloapp", p + "requirements.txt",
	} {
		if _, ok := members[name]; !ok {
			t.Errorf("release lacks %s", name)
		}
	}
	if _, ok := members[p+"vendor/helloapp/__init__.py"]; ok {
		t.Error("the application is vendored too")
	}
	if modes[p+"bin/helloapp"] != 0o755 || modes[p+"app/helloapp/__init__.py"] != 0o644 || modes[p+"app/"] != 0o755 {
		t.Errorf("modes: %o %o %o", modes[p+"bin/helloapp"], modes[p+"app/helloapp/__init__.py"], modes[p+"app/"])
	}
	var m bundle.ReleaseManifest
	if err := json.Unmarshal([]byte(members[p+"RELEASE.json"]), &m); err != nil || m != rel.Manifest {
		t.Errorf("RELEASE.json = %s (%v)", members[p+"RELEASE.json"], err)
	}
	if got := contentHash(members, modes, p); got != rel.Manifest.Hash {
		t.Errorf("content hash: manifest %s, recomputed %s", rel.Manifest.Hash, got)
	}
	sum := sha256.Sum256(greet.Data)
	wantReq := "greetlib==2.1 \\\n    --hash=sha256:" + hex.EncodeToString(sum[:]) + "\n"
	if req := members[p+"requirements.txt"]; !strings.HasSuffix(req, wantReq) || strings.Contains(req, "helloapp==") {
		t.Errorf("requirements.txt:\n%s", req)
	}

	t.Run("dir-and-run", func(t *testing.T) {
		py := python3(t)
		dir := filepath.Join(t.TempDir(), "rel")
		if err := rel.WriteDir(context.Background(), dir, epoch); err != nil {
			t.Fatal(err)
		}
		if err := rel.WriteDir(context.Background(), dir, epoch); err == nil {
			t.Error("WriteDir over a non-empty directory succeeded")
		}
		data, err := os.ReadFile(filepath.Join(dir, "RELEASE.json"))
		if err != nil || !strings.Contains(string(data), rel.Manifest.Hash) {
			t.Errorf("RELEASE.json: %s %v", data, err)
		}
		show, err := tree.Release(context.Background(), bundle.ReleaseOptions{App: "helloapp", EntryPoint: "helloapp:show", Name: "show"})
		if err != nil {
			t.Fatal(err)
		}
		sdir := filepath.Join(t.TempDir(), "show")
		if err := show.WriteDir(context.Background(), sdir, epoch); err != nil {
			t.Fatal(err)
		}
		// From an unrelated directory, through a symbolic link (as
		// current/bin/show is run), with no PYTHONPATH.
		link := filepath.Join(t.TempDir(), "current")
		os.Symlink(sdir, link)
		cmd := exec.Command(py, filepath.Join(link, "bin", "show"))
		cmd.Dir = t.TempDir()
		cmd.Env = append(os.Environ(), "PYTHONPATH=", "PYTHONNOUSERSITE=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("bin/show: %v\n%s", err, out)
		}
		real, _ := filepath.EvalSymlinks(sdir)
		for _, want := range []string{
			"hello, ferry (helloapp 1.0, greetlib 2.1)",
			"helloapp from " + filepath.Join(real, "app", "helloapp", "__init__.py"),
			"greetlib from " + filepath.Join(real, "vendor", "greetlib", "__init__.py"),
		} {
			if !strings.Contains(string(out), want) {
				t.Errorf("bin/show output lacks %q:\n%s", want, out)
			}
		}
		// A launcher whose entry point does not import says so, status 1.
		bad, err := tree.Release(context.Background(), bundle.ReleaseOptions{App: "helloapp", EntryPoint: "helloapp.nope:main"})
		if err != nil {
			t.Fatal(err)
		}
		bdir := filepath.Join(t.TempDir(), "bad")
		if err := bad.WriteDir(context.Background(), bdir, epoch); err != nil {
			t.Fatal(err)
		}
		out, err = exec.Command(py, filepath.Join(bdir, "bin", "helloapp")).CombinedOutput()
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(string(out), "entry point 'helloapp.nope:main' could not be imported: ModuleNotFoundError") {
			t.Errorf("bad entry point: %v\n%s", err, out)
		}
	})

	t.Run("entry-points", func(t *testing.T) {
		two := stage(t, bundletest.MustBuild(t, bundletest.Spec{Name: "two", Version: "1", Files: map[string]string{
			"two/__init__.py":                  "def a(): pass\ndef b(): pass\n",
			"two-1.dist-info/entry_points.txt": "[console_scripts]\na = two:a\nb = two:b\n",
		}}))
		for _, tc := range []struct {
			opts    bundle.ReleaseOptions
			wantEP  string
			wantErr string
		}{
			{bundle.ReleaseOptions{App: "two"}, "", "defines 2 console scripts (a, b)"},
			{bundle.ReleaseOptions{App: "two", Script: "b"}, "two:b", ""},
			{bundle.ReleaseOptions{App: "two", Script: "c"}, "", `no bundled distribution defines a script named "c"`},
			{bundle.ReleaseOptions{App: "two", EntryPoint: "two:a", Name: "run"}, "two:a", ""},
			{bundle.ReleaseOptions{App: "two", EntryPoint: "two"}, "", "not module:function"},
			{bundle.ReleaseOptions{App: "nosuch"}, "", "not among the installed"},
			{bundle.ReleaseOptions{App: "two", Script: "a", Interpreter: "python3"}, "", "launcher interpreter"},
		} {
			rel, err := two.Release(context.Background(), tc.opts)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("%+v: error %v, want %q", tc.opts, err, tc.wantErr)
				}
				continue
			}
			if err != nil || rel.Manifest.EntryPoint != tc.wantEP {
				t.Errorf("%+v: %+v, %v", tc.opts, rel, err)
			}
		}
	})
}

func TestRequiresPythonLowerBound(t *testing.T) {
	for _, tc := range []struct{ spec, want string }{
		{">=3.8", "3.8"}, {">=3.8, <4", "3.8"}, {"~=3.10", "3.10"}, {">3.7", "3.7"}, {">=3", "3.0"},
		{"==3.11.*", "3.11"}, {">=3.7,>=3.9", "3.9"}, {"<3.12", ""}, {"", ""}, {"garbage", ""}, {">=3.8.1", "3.8"},
	} {
		if got := bundle.RequiresPythonLowerBound(tc.spec); got != tc.want {
			t.Errorf("RequiresPythonLowerBound(%q) = %q, want %q", tc.spec, got, tc.want)
		}
	}
}

// TestZipappRuns runs zipapps of the fixture with the machine's python3,
// with and without bytecode, with greetlib zipped and extracted.
func TestZipappRuns(t *testing.T) {
	py := python3(t)
	tree := stage(t, bundletest.HelloApp(t), bundletest.GreetLib(t, "2.1"))
	bc, err := tree.Compile(context.Background(), py, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		bytecode *bundle.Bytecode
		extract  []string
		want     func(pyz, root string) []string
	}{
		{"source", nil, nil, func(pyz, root string) []string {
			return []string{"greetlib from " + pyz + "/site-packages/greetlib/__init__.py", "greetlib compiled as " + pyz + "/site-packages/greetlib/__init__.py"}
		}},
		{"bytecode", bc, nil, func(pyz, root string) []string {
			return []string{"greetlib from " + pyz + "/site-packages/greetlib/__init__.py", "greetlib compiled as site-packages/greetlib/__init__.py"}
		}},
		{"bytecode-extracted", bc, []string{"greetlib"}, func(pyz, root string) []string {
			return []string{"greetlib from " + root + "/", "/greetlib/__init__.py"}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pyz := filepath.Join(t.TempDir(), "show.pyz")
			var buf bytes.Buffer
			res, err := tree.WriteZipapp(&buf, bundle.ZipappOptions{EntryPoint: "helloapp:show", Bytecode: tc.bytecode, Extract: tc.extract, Mtime: epoch})
			if err != nil {
				t.Fatal(err)
			}
			os.WriteFile(pyz, buf.Bytes(), 0o755)
			names := strings.Join(zipNames(t, buf.Bytes()), "\n")
			if tc.bytecode != nil && len(tc.extract) == 0 && !strings.Contains(names, "site-packages/greetlib/__init__.pyc") {
				t.Errorf("no greetlib/__init__.pyc in the zip:\n%s", names)
			}
			if len(tc.extract) > 0 && !strings.Contains(names, "extract/greetlib/__pycache__/__init__."+tc.bytecode.CacheTag+".pyc") {
				t.Errorf("no __pycache__ bytecode for the extracted greetlib:\n%s", names)
			}
			root := t.TempDir()
			cmd := exec.Command(py, pyz)
			cmd.Dir = t.TempDir()
			cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "FERRY_ZIPAPP_ROOT=" + root}
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			contains(t, "show.pyz", string(out), append(tc.want(pyz, root), "hello, ferry (helloapp 1.0, greetlib 2.1)")...)
			if len(tc.extract) > 0 {
				if _, err := os.Stat(filepath.Join(root, res.Manifest.Hash, "greetlib", "__init__.py")); err != nil {
					t.Errorf("not extracted: %v", err)
				}
			}
		})
	}
}

func FuzzRequiresPythonLowerBound(f *testing.F) {
	for _, s := range []string{">=3.8", "~=3.10, !=3.11.*", "==3.*", ">3", "", "<4"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		got := bundle.RequiresPythonLowerBound(spec)
		if got == "" {
			return
		}
		major, minor, ok := strings.Cut(got, ".")
		if !ok || major == "" || minor == "" || strings.Trim(major+minor, "0123456789") != "" {
			t.Errorf("RequiresPythonLowerBound(%q) = %q, not MAJOR.MINOR", spec, got)
		}
	})
}

// dirSnapshot lists a tree: path, mode, mtime and content digest.
func dirSnapshot(t *testing.T, root string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		sum := ""
		if info.Mode().IsRegular() {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			h := sha256.Sum256(data)
			sum = hex.EncodeToString(h[:8])
		}
		fmt.Fprintf(&b, "%s %o %d %s\n", filepath.ToSlash(rel), info.Mode().Perm(), info.ModTime().Unix(), sum)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

package install

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"ferry/internal/cache"
	"ferry/internal/distinfo"
	"ferry/internal/fsx"
	"ferry/internal/record"
	"ferry/internal/wheel"
	"ferry/internal/wheel/wheeltest"
)

func TestInstallLayoutAndRecord(t *testing.T) {
	env := t.TempDir()
	l := fakeLayout(env)
	c := openCache(t, t.TempDir())
	wheels := t.TempDir()
	us := unpackAll(t, c, writeWheel(t, wheels, demoSpec("1.0")), writeWheel(t, wheels, platSpec()))
	du := &distinfo.DirectURL{URL: "file:///wheels/demo_pkg-1.0-py3-none-any.whl", ArchiveInfo: &distinfo.ArchiveInfo{Hashes: map[string]string{"sha256": us[0].SHA256}}}
	rep := apply(t, l, Txn{Install: []Item{{Wheel: us[0], Requested: true, DirectURL: du}, {Wheel: us[1]}}}, Options{LinkMode: fsx.LinkHardlink})
	if got := []string{rep.Installed[0].String(), rep.Installed[1].String()}; !cmp.Equal(got, []string{"demo-pkg==1.0", "plat-mod==0.3"}) {
		t.Errorf("installed = %v", got)
	}
	site := l.Scheme.Purelib
	read := func(p string) string {
		t.Helper()
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	tests := []struct {
		name, path, want string
		exec             bool
	}{
		{"root file", filepath.Join(site, "demo", "__init__.py"), "VERSION = \"1.0\"", false},
		{"purelib data", filepath.Join(site, "demo_extra.py"), "EXTRA = True", false},
		{"data", filepath.Join(env, "share", "demo", "demo.txt"), "data 1.0", false},
		{"headers", filepath.Join(l.Headers, "demo_pkg", "demo.h"), "#define DEMO 1", false},
		{"shebang rewritten", filepath.Join(env, "bin", "demo-shebang"), "#!" + fakePython + "\nimport demo\n", true},
		{"plain script", filepath.Join(env, "bin", "demo-sh"), "#!/bin/sh\necho plain shell", true},
		{"console launcher", filepath.Join(env, "bin", "demo"), "#!" + fakePython + "\n", true},
		{"launcher with extras", filepath.Join(env, "bin", "demo-cli"), "from demo.cli import run as _ferry_entry", true},
		{"gui launcher", filepath.Join(env, "bin", "demo-gui"), "from demo import main as _ferry_entry", true},
		{"INSTALLER", filepath.Join(site, "demo_pkg-1.0.dist-info", "INSTALLER"), "ferry\n", false},
		{"REQUESTED", filepath.Join(site, "demo_pkg-1.0.dist-info", "REQUESTED"), "", false},
		{"direct_url.json", filepath.Join(site, "demo_pkg-1.0.dist-info", "direct_url.json"), `"url": "file:///wheels/demo_pkg-1.0-py3-none-any.whl"`, false},
		{"platlib", filepath.Join(l.Scheme.Platlib, "plat_mod.py"), "PLAT = 1", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := read(tc.path); !strings.Contains(got, tc.want) {
				t.Errorf("%s = %q, want it to contain %q", tc.path, got, tc.want)
			}
			st, _ := os.Stat(tc.path)
			if exec := st.Mode()&0o111 != 0; exec != tc.exec {
				t.Errorf("%s executable = %v, want %v", tc.path, exec, tc.exec)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(site, "plat_mod-0.3.dist-info", "REQUESTED")); err == nil {
		t.Error("REQUESTED written for a dependency")
	}

	// RECORD lists exactly the installed files, with true hashes.
	f, err := os.Open(filepath.Join(site, "demo_pkg-1.0.dist-info", "RECORD"))
	if err != nil {
		t.Fatal(err)
	}
	rec, err := record.Parse(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, e := range rec {
		paths = append(paths, e.Path)
		p := filepath.Join(site, filepath.FromSlash(e.Path))
		if e.Hash.IsZero() {
			if !strings.HasSuffix(e.Path, "RECORD") {
				t.Errorf("%s has no hash", e.Path)
			}
			continue
		}
		h, _ := e.NewHasher()
		h.Write([]byte(read(p)))
		if err := h.Verify(e); err != nil {
			t.Error(err)
		}
	}
	want := []string{
		"../../../bin/demo", "../../../bin/demo-cli", "../../../bin/demo-gui", "../../../bin/demo-sh", "../../../bin/demo-shebang",
		"../../../include/site/python3.11/demo_pkg/demo.h", "../../../share/demo/demo.txt",
		"demo/__init__.py", "demo/cli.py", "demo/old_only.py",
		"demo_extra.py",
		"demo_pkg-1.0.dist-info/INSTALLER", "demo_pkg-1.0.dist-info/METADATA", "demo_pkg-1.0.dist-info/RECORD",
		"demo_pkg-1.0.dist-info/REQUESTED", "demo_pkg-1.0.dist-info/WHEEL", "demo_pkg-1.0.dist-info/direct_url.json",
		"demo_pkg-1.0.dist-info/entry_points.txt",
	}
	if diff := cmp.Diff(want, paths); diff != "" {
		t.Errorf("RECORD paths (-want +got):\n%s", diff)
	}

	// The inventory sees both, with their records.
	e, err := OpenEnv(context.Background(), l)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	d, ok := e.Inventory().Get("demo-pkg")
	if !ok || d.Version != "1.0" || d.Installer() != "ferry" || !d.Requested() {
		t.Fatalf("inventory: %+v %v", d, ok)
	}
	if u, err := d.DirectURL(); err != nil || u == nil || u.ArchiveInfo == nil {
		t.Errorf("direct_url = %+v, %v", u, err)
	}
	if eps, err := d.EntryPoints(); err != nil || len(eps.ConsoleScripts()) != 2 {
		t.Errorf("entry points = %+v, %v", eps, err)
	}
	if _, ok := e.Inventory().Get("plat-mod"); !ok {
		t.Error("plat-mod missing from the inventory")
	}
}

func TestUpgradeReinstallUninstall(t *testing.T) {
	env := t.TempDir()
	l := fakeLayout(env)
	c := openCache(t, t.TempDir())
	wheels := t.TempDir()
	empty := snapshot(t, env)
	v1 := unpackAll(t, c, writeWheel(t, wheels, demoSpec("1.0")))
	v2 := unpackAll(t, c, writeWheel(t, wheels, demoSpec("2.0")))

	apply(t, l, Txn{Install: items(v1)}, Options{})
	after1 := snapshot(t, env)
	// A stray file some other tool left in the package directory survives.
	stray := filepath.Join(l.Scheme.Purelib, "demo", "user_notes.txt")
	os.WriteFile(stray, []byte("mine"), 0o644)

	rep := apply(t, l, Txn{Install: items(v2)}, Options{})
	if len(rep.Removed) != 1 || rep.Removed[0].Version != "1.0" {
		t.Errorf("upgrade removed %v", rep.Removed)
	}
	site := l.Scheme.Purelib
	if exists(filepath.Join(site, "demo", "old_only.py")) || exists(filepath.Join(site, "demo_pkg-1.0.dist-info")) {
		t.Error("the old version's files survived the upgrade")
	}
	if !exists(filepath.Join(site, "demo", "new_only.py")) || !exists(stray) {
		t.Error("new file or stray file missing after the upgrade")
	}
	os.Remove(stray)

	// Reinstalling the same wheel gives the same tree.
	after2 := snapshot(t, env)
	apply(t, l, Txn{Install: items(v2)}, Options{LinkMode: fsx.LinkCopy})
	if diff := diffSnapshots(after2, snapshot(t, env)); diff != "" {
		t.Errorf("reinstall changed the tree:\n%s", diff)
	}

	// Downgrade back to 1.0: the tree is what installing 1.0 gave.
	apply(t, l, Txn{Install: items(v1)}, Options{})
	if diff := diffSnapshots(after1, snapshot(t, env)); diff != "" {
		t.Errorf("downgrade differs from a fresh install:\n%s", diff)
	}

	e, _ := OpenEnv(context.Background(), l)
	d, _ := e.Inventory().Get("demo-pkg")
	rep, err := e.Apply(context.Background(), Txn{Remove: []*Dist{d}}, Options{})
	e.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Removed) != 1 {
		t.Errorf("removed %v", rep.Removed)
	}
	if diff := diffSnapshots(withDirs(empty, snapshot(t, env)), snapshot(t, env)); diff != "" {
		t.Errorf("uninstall left files:\n%s", diff)
	}
}

// withDirs returns want plus the directories of got (an uninstall leaves
// the scheme directories it does not own).
func withDirs(want, got map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range want {
		out[k] = v
	}
	for k, v := range got {
		if strings.HasPrefix(v, "dir ") {
			out[k] = v
		}
	}
	return out
}

func TestUninstallRefusesOutside(t *testing.T) {
	root := t.TempDir()
	env := filepath.Join(root, "env")
	l := fakeLayout(env)
	site := l.Scheme.Purelib
	os.MkdirAll(filepath.Join(site, "evil-1.0.dist-info"), 0o755)
	outside := filepath.Join(root, "precious.txt")
	os.WriteFile(outside, []byte("keep me"), 0o644)
	outside2 := filepath.Join(root, "precious2.txt")
	os.WriteFile(outside2, []byte("keep me"), 0o644)
	inside := filepath.Join(site, "evil.py")
	os.WriteFile(inside, []byte("x"), 0o644)
	// "../../../bin/x" style paths inside the prefix are fine; this one
	// climbs out of it.
	os.WriteFile(filepath.Join(site, "evil-1.0.dist-info", "RECORD"),
		[]byte("evil.py,,\n../../../../precious.txt,,\n"+outside2+",,\nevil-1.0.dist-info/RECORD,,\n"), 0o644)
	os.WriteFile(filepath.Join(site, "evil-1.0.dist-info", "METADATA"), []byte("Metadata-Version: 2.1\nName: evil\nVersion: 1.0\n"), 0o644)

	e, err := OpenEnv(context.Background(), l)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	d, ok := e.Inventory().Get("evil")
	if !ok {
		t.Fatal("evil not in the inventory")
	}
	rep, err := e.Apply(context.Background(), Txn{Remove: []*Dist{d}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{outside, outside2} {
		if b, err := os.ReadFile(p); err != nil || string(b) != "keep me" {
			t.Errorf("the file outside the environment was touched: %q %v", b, err)
		}
	}
	if exists(inside) || exists(filepath.Join(site, "evil-1.0.dist-info")) {
		t.Error("the distribution's own files survived")
	}
	if len(rep.Warnings) != 2 {
		t.Errorf("warnings = %q, want two refusals", rep.Warnings)
	}
}

func TestUninstallLegacy(t *testing.T) {
	env := t.TempDir()
	l := fakeLayout(env)
	site := l.Scheme.Purelib
	write := func(p, s string) {
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	before := snapshot(t, env)
	write(filepath.Join(site, "easy-install.pth"), "/keep/this\n")
	before = snapshot(t, env)

	// An egg-info directory with installed-files.txt.
	egg := filepath.Join(site, "Old_Thing-0.9-py3.11.egg-info")
	write(filepath.Join(site, "oldthing", "__init__.py"), "")
	write(filepath.Join(site, "oldthing", "__pycache__", "__init__.cpython-311.pyc"), "bytecode")
	write(filepath.Join(env, "bin", "oldthing"), "#!/bin/sh\n")
	write(filepath.Join(egg, "PKG-INFO"), "Metadata-Version: 1.1\nName: Old-Thing\nVersion: 0.9\n")
	write(filepath.Join(egg, "installed-files.txt"), "../oldthing/__init__.py\n../../../../bin/oldthing\nPKG-INFO\n")
	// A develop install.
	proj := filepath.Join(t.TempDir(), "devproj")
	write(filepath.Join(proj, "devproj.egg-info", "PKG-INFO"), "Metadata-Version: 1.1\nName: devproj\nVersion: 0.1.dev0\n")
	write(filepath.Join(site, "devproj.egg-link"), proj+"\n.")
	write(filepath.Join(site, "easy-install.pth"), "/keep/this\n"+proj+"\n")

	e, err := OpenEnv(context.Background(), l)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	old, ok1 := e.Inventory().Get("old-thing")
	dev, ok2 := e.Inventory().Get("devproj")
	if !ok1 || !ok2 || old.Kind != EggInfo || dev.Kind != EggLink || dev.Version != "0.1.dev0" || old.Version != "0.9" {
		t.Fatalf("inventory: %+v %+v", old, dev)
	}
	if _, err := e.Apply(context.Background(), Txn{Remove: []*Dist{old, dev}}, Options{}); err != nil {
		t.Fatal(err)
	}
	if diff := diffSnapshots(withDirs(before, snapshot(t, env)), snapshot(t, env)); diff != "" {
		t.Errorf("legacy uninstall (-want +got):\n%s", diff)
	}
	if !exists(filepath.Join(proj, "devproj.egg-info", "PKG-INFO")) {
		t.Error("the develop install's project was touched")
	}
}

func TestCorpusRefused(t *testing.T) {
	env := t.TempDir()
	l := fakeLayout(env)
	c := openCache(t, t.TempDir())
	// The environment holds something already.
	apply(t, l, Txn{Install: items(unpackAll(t, c, writeWheel(t, t.TempDir(), platSpec())))}, Options{})
	before := snapshot(t, env)
	outsideDir := t.TempDir()
	for _, b := range wheeltest.Corpus() {
		t.Run(b.ID, func(t *testing.T) {
			dir := filepath.Join(outsideDir, b.ID)
			os.MkdirAll(dir, 0o755)
			p := filepath.Join(dir, b.FileName)
			os.WriteFile(p, b.Data, 0o644)
			_, err := Unpack(context.Background(), c, p, UnpackOptions{Wheel: wheel.Options{Limits: b.Limits}})
			var we *wheel.Error
			if !errors.As(err, &we) {
				t.Fatalf("err = %v, want a *wheel.Error", err)
			}
			if we.Member != b.Member || we.Wheel != b.FileName {
				t.Errorf("error names %q in %q, want %q in %q", we.Member, we.Wheel, b.Member, b.FileName)
			}
			digest, _, _ := HashFile(p)
			if _, ok := c.Lookup(cache.Unpacked, cache.SHA256(digest)); ok {
				t.Error("a refused wheel is in the cache")
			}
			if ents, _ := os.ReadDir(dir); len(ents) != 1 {
				t.Errorf("something was written next to the wheel: %d entries", len(ents))
			}
			if diff := diffSnapshots(before, snapshot(t, env)); diff != "" {
				t.Errorf("the environment changed:\n%s", diff)
			}
		})
	}
	if ents, _ := os.ReadDir(filepath.Join(c.Dir(), "tmp")); len(ents) != 0 {
		t.Errorf("the cache's tmp holds %d leftovers", len(ents))
	}
}

func TestShebang(t *testing.T) {
	long := "/" + strings.Repeat("x", 130) + "/python"
	tests := []struct {
		name, python, want string
	}{
		{"plain", "/usr/bin/python3", "#!/usr/bin/python3\n"},
		{"space", "/my env/bin/python", "#!/bin/sh\n'''exec' '/my env/bin/python' \"$0\" \"$@\"\n' '''\n"},
		{"long", long, "#!/bin/sh\n'''exec' '" + long + "' \"$0\" \"$@\"\n' '''\n"},
		{"quote", "/it's here/python", "#!/bin/sh\n'''exec' '/it'\\''s here/python' \"$0\" \"$@\"\n' '''\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Shebang(tc.python); got != tc.want {
				t.Errorf("Shebang(%q) = %q, want %q", tc.python, got, tc.want)
			}
		})
	}
	if got := string(rewriteShebang([]byte("#!pythonw -u\r\nprint(1)\n"), "/p")); got != "#!/p\nprint(1)\n" {
		t.Errorf("rewrite = %q", got)
	}
	if got := string(rewriteShebang([]byte("#!/bin/sh\n"), "/p")); got != "#!/bin/sh\n" {
		t.Errorf("non-placeholder rewritten: %q", got)
	}
}

func TestLauncherRefuses(t *testing.T) {
	for _, l := range []Launcher{
		{Name: "../evil", Value: "m:f"},
		{Name: "a/b", Value: "m:f"},
		{Name: "", Value: "m:f"},
		{Name: "ok", Value: "just.a.module"},
		{Name: "ok", Value: "not valid!"},
	} {
		if _, err := LauncherScript("/p", l); err == nil {
			t.Errorf("LauncherScript(%+v) succeeded", l)
		}
	}
}

func TestEnvLock(t *testing.T) {
	l := fakeLayout(t.TempDir())
	e, err := OpenEnv(context.Background(), l)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := OpenEnv(ctx, l); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second OpenEnv while locked: err = %v, want deadline exceeded", err)
	}
	e.Close()
	e2, err := OpenEnv(context.Background(), l)
	if err != nil {
		t.Fatalf("OpenEnv after Close: %v", err)
	}
	e2.Close()
	// The lock leaves nothing behind in the environment.
	if ents, _ := os.ReadDir(l.Scheme.Purelib); len(ents) != 0 {
		t.Errorf("site-packages holds %d entries after locking", len(ents))
	}
}

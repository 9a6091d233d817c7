package install

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ferry/internal/cache"
	"ferry/internal/interp"
	"ferry/internal/wheel/wheeltest"
)

// fakePython is written into shebangs of layouts that never run Python.
const fakePython = "/opt/python/bin/python3"

// fakeLayout is a venv-like layout under dir that needs no interpreter.
func fakeLayout(dir string) Layout {
	site := filepath.Join(dir, "lib", "python3.11", "site-packages")
	return Layout{
		Scheme: interp.Scheme{
			Purelib: site, Platlib: site,
			Scripts: filepath.Join(dir, "bin"), Data: dir,
			Include: filepath.Join(dir, "include"),
		},
		Headers:     filepath.Join(dir, "include", "site", "python3.11"),
		Python:      fakePython,
		CacheTag:    "cpython-311",
		Roots:       []string{dir},
		Description: "test environment " + dir,
	}
}

// demoSpec is a wheel using every part of the format.
func demoSpec(version string) wheeltest.Spec {
	data := "demo_pkg-" + version + ".data/"
	files := map[string]string{
		"demo/__init__.py":                "VERSION = " + fmt.Sprintf("%q", version) + "\n\ndef main():\n    print('demo ' + VERSION)\n    return 0\n",
		"demo/cli.py":                     "import sys\n\ndef run():\n    print('args', sys.argv[1:])\n    return 3\n",
		data + "scripts/demo-shebang":     "#!python\nimport demo\nprint('shebang ok', demo.VERSION)\n",
		data + "scripts/demo-sh":          "#!/bin/sh\necho plain shell\n",
		data + "data/share/demo/demo.txt": "data " + version + "\n",
		data + "headers/demo.h":           "#define DEMO 1\n",
		data + "purelib/demo_extra.py":    "EXTRA = True\n",
	}
	if version == "1.0" {
		files["demo/old_only.py"] = "GONE_IN_2 = True\n"
	} else {
		files["demo/new_only.py"] = "NEW_IN_2 = True\n"
	}
	return wheeltest.Spec{
		Name: "demo_pkg", Version: version, Files: files,
		Executable: []string{data + "scripts/demo-sh"},
		EntryPoints: "[console_scripts]\ndemo = demo:main\ndemo-cli = demo.cli:run [extra]\n\n" +
			"[gui_scripts]\ndemo-gui = demo:main\n",
	}
}

// platSpec is a Root-Is-Purelib: false wheel.
func platSpec() wheeltest.Spec {
	return wheeltest.Spec{
		Name: "plat_mod", Version: "0.3", Tag: "cp311-cp311-linux_x86_64", Platlib: true,
		Files: map[string]string{"plat_mod.py": "PLAT = 1\n"},
	}
}

// writeWheel builds spec into dir and returns the file's path.
func writeWheel(t testing.TB, dir string, spec wheeltest.Spec) string {
	t.Helper()
	name, data, err := wheeltest.Build(spec)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func openCache(t testing.TB, dir string) *cache.Cache {
	t.Helper()
	c, err := cache.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func unpackAll(t testing.TB, c *cache.Cache, paths ...string) []*Unpacked {
	t.Helper()
	us, err := UnpackAll(context.Background(), c, paths, UnpackOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return us
}

func items(us []*Unpacked) []Item {
	var out []Item
	for _, u := range us {
		out = append(out, Item{Wheel: u, Requested: true})
	}
	return out
}

// apply opens the environment, applies txn and closes it.
func apply(t testing.TB, l Layout, txn Txn, opts Options) *Report {
	t.Helper()
	e, err := OpenEnv(context.Background(), l)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	rep, err := e.Apply(context.Background(), txn, opts)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// snapshot describes every entry under root: type, permission bits and
// content digest (or link target), keyed by slash path.
func snapshot(t testing.TB, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		info, err := os.Lstat(p)
		if err != nil {
			return err
		}
		switch {
		case info.Mode()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			out[rel] = "link " + target
		case info.IsDir():
			out[rel] = fmt.Sprintf("dir %v", info.Mode().Perm())
		default:
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if strings.HasSuffix(rel, ".pyc") {
				// Bytecode embeds its source's path and time.
				b = nil
			}
			sum := sha256.Sum256(b)
			out[rel] = fmt.Sprintf("file %v %s", info.Mode().Perm(), hex.EncodeToString(sum[:8]))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func diffSnapshots(want, got map[string]string) string { return cmp.Diff(want, got) }

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

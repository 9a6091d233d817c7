package pyproject

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ferry/internal/pep508"
	"ferry/internal/pkgname"
)

func pyprojectSeeds(f *testing.F) {
	dirs, _ := filepath.Glob(filepath.Join("testdata", "projects", "*", "pyproject.toml"))
	for _, d := range dirs {
		if data, err := os.ReadFile(d); err == nil {
			f.Add(data)
		}
	}
	for _, s := range []string{
		"", "[project]", head, "[project]\nname = 1\n", "[[project]]\n", "project = 3\n",
		head + "dynamic = [\"version\", \"name\", \"x\"]\n",
		head + "[dependency-groups]\na = [{include-group = \"a\"}]\n",
		head + "[tool.ferry]\npackages = {find = {where = \"src\"}}\n",
		"[build-system]\nrequires = [\"x\"]\nbackend-path = [\"/\"]\n",
		"a = 1979-05-27T07:32:00Z\n[project]\nname = \"x\"\nversion = \"1\"\nkeywords = [1979-05-27]\n",
		"[tool]\nferry = 1\nsetuptools = \"x\"\n",
	} {
		f.Add([]byte(s))
	}
}

func FuzzParsePyproject(f *testing.F) {
	pyprojectSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = ReadBuildSystem(data)
		pp, err := ParsePyproject(data)
		if err != nil {
			if !strings.Contains(err.Error(), "pyproject.toml") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if pt := pp.Project; pt != nil {
			if pt.Normalized != pkgname.Name(pkgname.Normalize(pt.Name)) {
				t.Fatalf("normalized name %q for %q", pt.Normalized, pt.Name)
			}
			for _, r := range pt.Dependencies {
				if again, err := pep508.Parse(r.String()); err != nil || !again.Equal(r) {
					t.Fatalf("dependency %q does not round-trip: %v", r.String(), err)
				}
			}
			for _, f := range pt.Dynamic {
				if pt.Has(f) || f == "name" {
					t.Fatalf("dynamic field %q also static", f)
				}
			}
		}
		for _, g := range pp.DependencyGroups {
			if g.Normalized == "" {
				t.Fatalf("group %q without a normalized name", g.Name)
			}
		}
	})
}

// FuzzLoad loads a project whose pyproject.toml is the input, with a few
// files around it.
func FuzzLoad(f *testing.F) {
	pyprojectSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := files("pkg/__init__.py", "src/other/__init__.py", "LICENSE", "README.md")
		fsys = withFile(fsys, "pyproject.toml", string(data))
		fsys = withFile(fsys, "pkg/version.py", "__version__ = '1.0'\n")
		p, err := Load(fsys)
		if err != nil {
			return
		}
		for _, pkg := range p.Packages {
			if _, err := cleanRel(PackagePath(pkg, p.PackageDir)); err != nil {
				t.Fatalf("package %s escapes: %v", pkg, err)
			}
		}
		for _, r := range p.RequiresDist {
			if _, err := pep508.Parse(r.String()); err != nil {
				t.Fatalf("Requires-Dist %q does not parse: %v", r.String(), err)
			}
		}
		_ = p.Metadata()
		_ = p.ManifestProject()
	})
}

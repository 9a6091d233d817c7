package pyproject

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// cfgView is what setuptools' read_configuration reports for a setup.cfg,
// in a form both sides can produce.
type cfgView struct {
	Name            string              `json:"name"`
	Version         string              `json:"version"`
	Description     string              `json:"description"`
	LongDescription string              `json:"long_description"`
	Keywords        []string            `json:"keywords"`
	Classifiers     []string            `json:"classifiers"`
	ProjectURLs     map[string]string   `json:"project_urls"`
	Packages        []string            `json:"packages"`
	PackageDir      map[string]string   `json:"package_dir"`
	InstallRequires []string            `json:"install_requires"`
	ExtrasRequire   map[string][]string `json:"extras_require"`
	EntryPoints     map[string][]string `json:"entry_points"`
	PackageData     map[string][]string `json:"package_data"`
	DataFiles       map[string][]string `json:"data_files"`
	PythonRequires  string              `json:"python_requires"`
}

// TestSetupCfgAgainstSetuptools reads the setup.cfg testdata projects with
// the machine's setuptools (read_configuration) and compares, when it is
// available.
func TestSetupCfgAgainstSetuptools(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found")
	}
	if err := exec.Command(py, "-c", "from setuptools.config.setupcfg import read_configuration").Run(); err != nil {
		t.Skip("setuptools.config.setupcfg not importable")
	}
	const script = `
import json, sys, warnings
warnings.simplefilter("ignore")
from setuptools.config.setupcfg import read_configuration
c = read_configuration(sys.argv[1])
m, o = c["metadata"], c["options"]
def strs(v):
    return [str(x) for x in v]
out = {
    "name": m.get("name", ""),
    "version": str(m.get("version", "")),
    "description": m.get("description", ""),
    "long_description": m.get("long_description", ""),
    "keywords": m.get("keywords", []),
    "classifiers": m.get("classifiers", []),
    "project_urls": m.get("project_urls", {}),
    "packages": sorted(o.get("packages", [])),
    "package_dir": o.get("package_dir", {}),
    "install_requires": strs(o.get("install_requires", [])),
    "extras_require": {k: strs(v) for k, v in o.get("extras_require", {}).items()},
    "entry_points": {k: [e.replace(" ", "") for e in v] for k, v in o.get("entry_points", {}).items()},
    "package_data": o.get("package_data", {}),
    "data_files": {d: f for d, f in o.get("data_files", [])},
    "python_requires": str(o.get("python_requires", "")),
}
json.dump(out, sys.stdout)
`
	for _, dir := range []string{"namespace", "setupcfg_attr"} {
		t.Run(dir, func(t *testing.T) {
			root := filepath.Join("testdata", "projects", dir)
			abs, _ := filepath.Abs(filepath.Join(root, "setup.cfg"))
			out, err := exec.Command(py, "-c", script, abs).Output()
			if err != nil {
				t.Fatalf("python: %v", err)
			}
			var want cfgView
			if err := json.Unmarshal(out, &want); err != nil {
				t.Fatal(err)
			}
			p, err := Load(os.DirFS(root))
			if err != nil {
				t.Fatal(err)
			}
			got := cfgView{
				Name: p.Name, Version: p.Version.String(), Description: p.Summary, LongDescription: p.Description,
				Keywords: p.Keywords, Classifiers: p.Classifiers, ProjectURLs: map[string]string{},
				Packages: p.Packages, PackageDir: p.PackageDir,
				InstallRequires: reqStrings(p.Dependencies), ExtrasRequire: map[string][]string{},
				EntryPoints: map[string][]string{}, PackageData: p.PackageData, DataFiles: map[string][]string{},
				PythonRequires: p.RequiresPython.String(),
			}
			for _, u := range p.ProjectURLs {
				got.ProjectURLs[u.Label] = u.URL
			}
			for _, e := range p.OptionalDependencies {
				got.ExtrasRequire[e.Name] = reqStrings(e.Requirements)
			}
			for _, g := range p.EntryPoints {
				for _, e := range g.Entries {
					got.EntryPoints[g.Group] = append(got.EntryPoints[g.Group], strings.ReplaceAll(e.Name+"="+e.Value, " ", ""))
				}
			}
			for _, df := range p.DataFiles {
				got.DataFiles[df.Dir] = df.Files
			}
			sort.Strings(got.Packages)
			if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("differs from setuptools (-setuptools +ferry):\n%s", diff)
			}
		})
	}
}

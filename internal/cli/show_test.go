package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ferry/internal/install"
)

func TestShowArgs(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		want  showOptions
		usage bool
	}{
		{name: "names", args: []string{"a", "B"}, want: showOptions{Names: []string{"a", "B"}}},
		{name: "flags", args: []string{"-f", "-v", "--json", "-p", ".venv", "x"}, want: showOptions{inspectOptions: inspectOptions{targetOptions: targetOptions{Python: ".venv"}}, Names: []string{"x"}, Files: true, Verbose: 1, JSON: true}},
		{name: "long flags", args: []string{"--files", "--verbose", "--verbose", "--user", "x"}, want: showOptions{inspectOptions: inspectOptions{targetOptions: targetOptions{User: true}}, Names: []string{"x"}, Files: true, Verbose: 2}},
		{name: "no name", args: nil, usage: true},
		{name: "no --path", args: []string{"--path", "p", "x"}, usage: true},
		{name: "target and prefix", args: []string{"--target", "t", "--prefix", "p", "x"}, usage: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseArgs(t, showCmd, tc.args)
			if tc.usage {
				if !isUsageError(err) {
					t.Fatalf("err = %v, want a usage error", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(&tc.want, got, cmp.AllowUnexported(showOptions{}, inspectOptions{})); diff != "" {
				t.Errorf("options (-want +got):\n%s", diff)
			}
		})
	}
}

func TestShowPrint(t *testing.T) {
	fx := newCLIFixture(t)
	site := "ROOT/lib/python3.11/site-packages"
	demo := `Name: Demo-Pkg
Version: 1.0
Summary: the demo
Home-page: https://demo.example
Author: Ann
Author-email: ann@example.com
License:       MIT
second line
Location: ` + site + `
Requires: dep, Missing_One
Required-by: 
`
	tests := []struct {
		args     []string
		out, err string
		code     int
	}{
		{args: []string{"show", "demo_pkg"}, out: demo},
		{args: []string{"show", "DEP", "nosuch", "ed", "another"}, err: "WARNING: Package(s) not found: another, nosuch\n", out: `Name: dep
Version: 1.5
Summary: a dependency
Home-page: 
Author: 
Author-email: 
License: 
Location: ` + site + `
Requires: 
Required-by: Demo-Pkg, url_pkg
---
Name: ed
Version: 1.0
Summary: 
Home-page: 
Author: 
Author-email: 
License: 
Location: ` + site + `
Editable project location: ROOT/proj
Requires: 
Required-by: 
`},
		{args: []string{"show", "-f", "-v", "demo-pkg", "legacy-thing", "devproj"}, out: strings.TrimSuffix(demo, "") + `Metadata-Version: 2.1
Installer: pip
Classifiers:
  Topic :: A
Entry-points:
  [console_scripts]
  demo = demo:main
Project-URLs:
  Source, https://src.example
Files:
  Demo_Pkg-1.0.dist-info/METADATA
  Demo_Pkg-1.0.dist-info/RECORD
---
Name: Legacy_Thing
Version: 2.0
Summary: old
Home-page: 
Author: 
Author-email: 
License: 
Location: ` + site + `
Requires: 
Required-by: 
Metadata-Version: 1.1
Installer: 
Classifiers:
Entry-points:
Project-URLs:
Files:
  Legacy_Thing-2.0-py3.11.egg-info/PKG-INFO
  legacy.py
---
Name: devproj
Version: 0.1
Summary: 
Home-page: 
Author: 
Author-email: 
License: 
Location: ROOT/devproj
Editable project location: ROOT/devproj
Requires: 
Required-by: 
Metadata-Version: 2.1
Installer: 
Classifiers:
Entry-points:
Project-URLs:
Files:
Cannot locate RECORD or installed-files.txt
`},
		{args: []string{"show", "nosuch"}, err: "WARNING: Package(s) not found: nosuch\n", code: 1},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			out, errOut, code := fx.run(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tc.code, errOut)
			}
			if diff := cmp.Diff(tc.out, out); diff != "" {
				t.Errorf("stdout (-want +got):\n%s", diff)
			}
			if errOut != tc.err {
				t.Errorf("stderr %q, want %q", errOut, tc.err)
			}
		})
	}
}

func TestShowJSON(t *testing.T) {
	fx := newCLIFixture(t)
	out, _, code := fx.run(t, "show", "--json", "--files", "dep", "devproj", "nosuch")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	pkgs := got["packages"].([]any)
	dep, dev := pkgs[0].(map[string]any), pkgs[1].(map[string]any)
	if dep["name"] != "dep" || dep["editable_project_location"] != nil || !cmp.Equal(dep["required_by"], []any{"Demo-Pkg", "url_pkg"}) ||
		!cmp.Equal(dep["files"], []any{"dep-1.5.dist-info/METADATA", "dep-1.5.dist-info/RECORD"}) {
		t.Errorf("dep = %v", dep)
	}
	if files, ok := dev["files"]; !ok || files != nil || dev["editable_project_location"] != "ROOT/devproj" {
		t.Errorf("devproj = %v", dev)
	}
	if !cmp.Equal(got["not_found"], []any{"nosuch"}) {
		t.Errorf("not_found = %v", got["not_found"])
	}
	out, _, _ = fx.run(t, "show", "--json", "dep")
	if strings.Contains(out, `"files"`) {
		t.Errorf("files without --files:\n%s", out)
	}
	out, _, code = fx.run(t, "show", "--json", "nosuch")
	if code != 1 || strings.TrimSpace(out) != "{\n  \"packages\": [],\n  \"not_found\": [\n    \"nosuch\"\n  ]\n}" {
		t.Errorf("exit %d, output %s", code, out)
	}
}

func TestShowHelpers(t *testing.T) {
	for v, want := range map[string]bool{"2.4": true, "2.5": true, "3.0": true, "2.3": false, "1.0": false, "": false, "2": false, "2.4.1": true, "x": false} {
		if got := metadataVersionAtLeast24(v); got != want {
			t.Errorf("metadataVersionAtLeast24(%q) = %v", v, got)
		}
	}
	for in, want := range map[string]string{"Home Page": "homepage", "home-page": "homepage", "HOMEPAGE": "homepage", "Home_Page!": "homepage", "Source Code": "sourcecode"} {
		if got := projectURLLabel(in); got != want {
			t.Errorf("projectURLLabel(%q) = %q, want %q", in, got, want)
		}
	}
	fx := newCLIFixture(t)
	d := fx.in.env.Get("dep")
	d.Meta = append(d.Meta[:0:0], d.Meta...)
	d.Meta = append(d.Meta, install.Header{Name: "Project-URL", Value: "Home Page, https://home.example "}, install.Header{Name: "Metadata-Version", Value: "x"})
	d.Meta[0].Value = "2.4"
	d.Meta = append(d.Meta, install.Header{Name: "License-Expression", Value: "MIT OR Apache-2.0"})
	out, _, _ := fx.run(t, "show", "dep")
	for _, want := range []string{"Home-page: https://home.example\n", "License-Expression: MIT OR Apache-2.0\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

package coremeta

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestParseVersions(t *testing.T) {
	files := versionFiles(t)
	want := map[string]Metadata{
		"1.0": {
			MetadataVersion: "1.0", Name: "oldpkg", Version: "0.1", Summary: "An old package",
			HomePage: "http://example.com/oldpkg", Author: "A. Person", AuthorEmail: "a@example.com",
			License:     "UNKNOWN",
			Description: "First line\n\nIndented block:\n\n    code here\nlast line",
			Keywords:    "one two", Platforms: []string{"UNKNOWN", "POSIX"},
		},
		"1.1": {
			MetadataVersion: "1.1", Name: "Mid_Pkg", Version: "1.0", Summary: "Classifiers and requires",
			HomePage: "http://example.com", DownloadURL: "http://example.com/dl", Author: "B",
			AuthorEmail: "b@example.com", License: "BSD",
			Description:        "Uses the specification's folding\nwith pipes\n\n    and indentation",
			Platforms:          []string{"any"},
			SupportedPlatforms: []string{"RedHat 7.2"},
			Classifiers:        []string{"Programming Language :: Python", "License :: OSI Approved :: BSD License"},
			Requires:           []string{"re"}, Provides: []string{"midpkg"}, Obsoletes: []string{"oldpkg"},
		},
		"1.2": {
			MetadataVersion: "1.2", Name: "pkg12", Version: "2.0rc1", Summary: "Requires-Dist era",
			Maintainer: "M", MaintainerEmail: "m@example.com",
			License:          "Multi-line license text\nsecond line of it",
			RequiresDist:     []string{"foo (>=1.0)", `bar; python_version < "3"`},
			RequiresPython:   ">=2.7",
			RequiresExternal: []string{"libpng (>=1.5)"},
			ProjectURLs:      []string{"Bug Tracker, http://bitbucket.org/tarek/distribute/issues/"},
			ProvidesDist:     []string{"pkg12-virtual"},
			ObsoletesDist:    []string{"oldpkg (<2.0)"},
		},
		"2.1": {
			MetadataVersion: "2.1", Name: "sample", Version: "1.2.3", Summary: "Body description",
			HomePage: "https://example.com", Author: "C", AuthorEmail: "C <c@example.com>", License: "MIT",
			Keywords: "a,b,c", Classifiers: []string{"Development Status :: 5 - Production/Stable"},
			RequiresPython: ">=3.8", DescriptionContentType: "text/markdown",
			ProvidesExtra: []string{"test"}, RequiresDist: []string{"pytest ; extra == 'test'"},
			Unknown:     []Field{{"X-Custom-Field", "kept"}},
			Description: "# Sample\n\nA body with `code`.\n\n",
		},
		"2.2": {
			MetadataVersion: "2.2", Name: "dyn", Version: "3.0", Summary: "Dynamic fields",
			Dynamic: []string{"Classifier", "Requires-Dist"},
		},
		"2.3": {
			MetadataVersion: "2.3", Name: "hatchling-built", Version: "1.0.0.post1", Summary: "Written by hatchling",
			ProjectURLs: []string{"Homepage, https://example.com", "Source, https://example.com/src"},
			AuthorEmail: "D <d@example.com>", RequiresPython: ">=3.9", ProvidesExtra: []string{"dev-tools"},
			RequiresDist:           []string{"packaging>=24", `tomli; python_version < "3.11" and extra == "dev-tools"`},
			DescriptionContentType: "text/x-rst",
			Description:            "Title\n=====\n",
		},
		"2.4": {
			MetadataVersion: "2.4", Name: "licensed", Version: "4.0", Summary: "PEP 639 licenses",
			LicenseExpression: "MIT OR Apache-2.0", LicenseFiles: []string{"LICENSE-MIT", "licenses/LICENSE-APACHE"},
			Classifiers: []string{"Programming Language :: Python :: 3"},
		},
		"2.5": {
			MetadataVersion: "2.5", Name: "imports", Version: "1.0",
			ImportNames: []string{"imports", "imports._private; private"}, ImportNamespaces: []string{"ns"},
		},
	}
	if len(files) != len(want) {
		t.Fatalf("%d files in testdata/versions, %d expectations", len(files), len(want))
	}
	for _, f := range files {
		t.Run(f.name, func(t *testing.T) {
			got, err := Parse(f.data)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want[f.name], got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Parse (-want +got):\n%s", diff)
			}
			if err := got.Validate(); err != nil {
				t.Errorf("Validate: %v", err)
			}
			if nf := got.NewerFields(); len(nf) != 0 {
				t.Errorf("NewerFields = %v", nf)
			}
			checkRoundTrip(t, got, string(f.data))
		})
	}
}

type versionFile struct {
	name string
	data []byte
}

// versionFiles reads testdata/versions/*.txt, one hand-written metadata
// file per metadata version (see the README there).
func versionFiles(t testing.TB) []versionFile {
	paths, err := filepath.Glob("testdata/versions/*.txt")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no testdata/versions/*.txt: %v", err)
	}
	var out []versionFile
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, versionFile{strings.TrimSuffix(filepath.Base(p), ".txt"), data})
	}
	return out
}

// checkRoundTrip writes m, parses the output and compares.
func checkRoundTrip(t *testing.T, m Metadata, from string) {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, m); err != nil {
		t.Fatalf("Write (from %q): %v", from, err)
	}
	again, err := Parse(buf.Bytes())
	if err != nil {
		t.Fatalf("reparsing %q (from %q): %v", buf.String(), from, err)
	}
	if diff := cmp.Diff(m, again, cmpopts.EquateEmpty()); diff != "" {
		t.Fatalf("round trip of %q via %q (-first +second):\n%s", from, buf.String(), diff)
	}
}

func TestParseTolerance(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Metadata
	}{
		{
			name: "crlf-case-no-final-newline",
			in:   "metadata-version: 2.1\r\nNAME: x\r\nversion:1.0\r\nREQUIRES-DIST: a\r\nrequires-dist: b",
			want: Metadata{MetadataVersion: "2.1", Name: "x", Version: "1.0", RequiresDist: []string{"a", "b"}},
		},
		{
			name: "cr-line-ends-and-body",
			in:   "Metadata-Version: 2.1\rName: x\r\rbody\rline\r",
			want: Metadata{MetadataVersion: "2.1", Name: "x", Description: "body\nline\n"},
		},
		{
			name: "bom-and-trailing-space",
			in:   "\ufeffMetadata-Version: 2.1\nName: x  \nSummary:   spaced out  \n",
			want: Metadata{MetadataVersion: "2.1", Name: "x", Summary: "spaced out"},
		},
		{
			name: "folded-single-line-field",
			in:   "Name: x\nSummary: a long\n summary\n",
			want: Metadata{Name: "x", Summary: "a long\nsummary"},
		},
		{
			name: "tab-continuation",
			in:   "Name: x\nLicense: a\n\tb\n",
			want: Metadata{Name: "x", License: "a\n\tb"},
		},
		{
			name: "body-overrides-description-header",
			in:   "Name: x\nDescription: header text\nX-A: 1\n\nbody text\n",
			want: Metadata{Name: "x", Description: "body text\n", Unknown: []Field{{"Description", "header text"}, {"X-A", "1"}}},
		},
		{
			name: "repeated-single-field-kept-as-unknown",
			in:   "Name: x\nName: y\nSummary:\nSummary: s\nVersion: 1\nversion: 2\n",
			want: Metadata{Name: "x", Summary: "s", Version: "1", Unknown: []Field{{"Name", "y"}, {"version", "2"}}},
		},
		{
			name: "empty-body",
			in:   "Name: x\n\n",
			want: Metadata{Name: "x"},
		},
		{
			name: "newline-only-body",
			in:   "Name: x\n\n\n",
			want: Metadata{Name: "x", Description: "\n"},
		},
		{
			name: "header-like-lines-in-body",
			in:   "Name: x\n\nName: y\n",
			want: Metadata{Name: "x", Description: "Name: y\n"},
		},
		{
			name: "eight-space-description-with-deeper-lines",
			in:   "Metadata-Version: 1.0\nName: x\nDescription: a\n          two more\n        \n        b\n",
			want: Metadata{MetadataVersion: "1.0", Name: "x", Description: "a\n  two more\n\nb"},
		},
		{
			name: "shallow-indent",
			in:   "Name: x\nDescription: a\n  b\n   c\n",
			want: Metadata{Name: "x", Description: "a\nb\n c"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse([]byte(tc.in))
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.in, err)
			}
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Parse(%q) (-want +got):\n%s", tc.in, diff)
			}
			checkRoundTrip(t, got, tc.in)
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		err  string
	}{
		{"no-name", "Metadata-Version: 2.1\nVersion: 1\n", "no Name"},
		{"empty", "", "no Name"},
		{"no-colon", "Metadata-Version: 2.1\nName: x\nthis is not a header\n", "line 3: \"this is not a header\" is not a header"},
		{"space-in-name", "Name: x\nBad Name: y\n", "line 2: header name"},
		{"empty-name", "Name: x\n: y\n", "line 2: empty header name"},
		{"leading-continuation", " Name: x\n", "line 1: continuation"},
		{"bad-utf8-header", "Name: x\nSummary: \xff\n", "line 2: not valid UTF-8"},
		{"bad-utf8-body", "Name: x\n\nok\n\xfe\n", "line 4: not valid UTF-8"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse([]byte(tc.in))
			if err == nil {
				t.Fatalf("Parse(%q) = %+v, want error", tc.in, got)
			}
			if !strings.Contains(err.Error(), tc.err) {
				t.Errorf("Parse(%q) error %q, want it to contain %q", tc.in, err, tc.err)
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Errorf("error is not a *ParseError: %v", err)
			}
		})
	}
}

func TestWrite(t *testing.T) {
	m := Metadata{
		MetadataVersion: "2.4", Name: "ferry-demo", Version: "1.0",
		Unknown:       []Field{{"X-Extra", "multi\nline"}},
		RequiresDist:  []string{"a>=1", `b; extra == "x"`},
		ProvidesExtra: []string{"x"},
		Summary:       "Demo", Keywords: "k1,k2", License: "line one\n\n  line three",
		LicenseExpression: "MIT", LicenseFiles: []string{"LICENSE"},
		Description:            "# Demo\r\n\r\nText.\n",
		DescriptionContentType: "text/markdown",
		Dynamic:                []string{"Classifier"},
		HomePage:               "https://h", ProjectURLs: []string{"Source, https://s"},
	}
	const want = "Metadata-Version: 2.4\nName: ferry-demo\nVersion: 1.0\nDynamic: Classifier\nSummary: Demo\n" +
		"Description-Content-Type: text/markdown\nKeywords: k1,k2\nHome-page: https://h\n" +
		"License: line one\n        \n          line three\nLicense-Expression: MIT\nLicense-File: LICENSE\n" +
		"Requires-Dist: a>=1\nRequires-Dist: b; extra == \"x\"\nProject-URL: Source, https://s\nProvides-Extra: x\n" +
		"X-Extra: multi\n        line\n\n# Demo\n\nText.\n"
	var buf bytes.Buffer
	if err := Write(&buf, m); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Errorf("Write (-want +got):\n%s", diff)
	}

	old := Metadata{MetadataVersion: "1.0", Name: "old", Version: "1", Description: "a\n\n  b\n"}
	const wantOld = "Metadata-Version: 1.0\nName: old\nVersion: 1\nDescription: a\n       |\n       |  b\n       |\n"
	buf.Reset()
	if err := Write(&buf, old); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantOld, buf.String()); diff != "" {
		t.Errorf("Write 1.0 (-want +got):\n%s", diff)
	}
	checkRoundTrip(t, old, "1.0 description")

	// A description starting with white space does not survive the header
	// form, so it goes to the body even in 1.x.
	indented := Metadata{MetadataVersion: "1.1", Name: "x", Description: "  indented\n"}
	buf.Reset()
	if err := Write(&buf, indented); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(buf.String(), "\n\n  indented\n") {
		t.Errorf("indented description not in the body: %q", buf.String())
	}
	checkRoundTrip(t, indented, "indented description")

	for _, bad := range []Metadata{
		{Name: "x", Summary: "a\rb"},
		{Name: "x", Unknown: []Field{{"Bad Name", "v"}}},
		{Name: "x", Summary: "\xff"},
	} {
		if err := Write(&buf, bad); err == nil {
			t.Errorf("Write(%+v) succeeded", bad)
		}
	}
}

func TestValidate(t *testing.T) {
	base := Metadata{MetadataVersion: "2.1", Name: "ok", Version: "1.0"}
	tests := []struct {
		name   string
		modify func(*Metadata)
		err    string
	}{
		{"ok", func(*Metadata) {}, ""},
		{"legacy-2.0", func(m *Metadata) { m.MetadataVersion = "2.0" }, ""},
		{"future-2.x", func(m *Metadata) { m.MetadataVersion = "2.9" }, ""},
		{"legacy-version-in-1.1", func(m *Metadata) { m.MetadataVersion = "1.1"; m.Version = "1.0-SNAPSHOT-x" }, ""},
		{"no-metadata-version", func(m *Metadata) { m.MetadataVersion = "" }, "missing Metadata-Version"},
		{"major-3", func(m *Metadata) { m.MetadataVersion = "3.0" }, "unsupported Metadata-Version"},
		{"1.3", func(m *Metadata) { m.MetadataVersion = "1.3" }, "unsupported Metadata-Version"},
		{"garbage-version", func(m *Metadata) { m.MetadataVersion = "two" }, "unsupported Metadata-Version"},
		{"no-name", func(m *Metadata) { m.Name = "" }, "missing Name"},
		{"bad-name", func(m *Metadata) { m.Name = "-bad" }, "invalid project name"},
		{"no-version", func(m *Metadata) { m.Version = "" }, "missing Version"},
		{"bad-version", func(m *Metadata) { m.Version = "1.0-SNAPSHOT-x" }, "Version"},
		{"dynamic-name", func(m *Metadata) { m.Dynamic = []string{"name"} }, "Dynamic must not name Name"},
		{"dynamic-unknown", func(m *Metadata) { m.Dynamic = []string{"Colour"} }, "unknown field"},
		{"dynamic-ok", func(m *Metadata) { m.Dynamic = []string{"requires-dist", "License-File"} }, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := base
			tc.modify(&m)
			err := m.Validate()
			if tc.err == "" {
				if err != nil {
					t.Errorf("Validate: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("Validate = %v, want error containing %q", err, tc.err)
			}
		})
	}
}

func TestNewerFields(t *testing.T) {
	m := Metadata{MetadataVersion: "2.1", Name: "x", Version: "1", LicenseFiles: []string{"LICENSE"},
		Dynamic: []string{"Summary"}, ProvidesExtra: []string{"a"}}
	if diff := cmp.Diff([]string{"Dynamic", "License-File"}, m.NewerFields()); diff != "" {
		t.Errorf("NewerFields (-want +got):\n%s", diff)
	}
	if v, ok := FieldSince("license-expression"); !ok || v != "2.4" {
		t.Errorf("FieldSince = %q, %v", v, ok)
	}
	if _, ok := FieldSince("X-Nope"); ok {
		t.Error("FieldSince(X-Nope) ok")
	}
	for _, tc := range []struct {
		v, min string
		want   bool
	}{{"2.1", "1.2", true}, {"2.1", "2.1", true}, {"2.0", "2.1", false}, {"1.10", "1.2", true}, {"x", "1.0", false}, {"2", "2.0", true}} {
		if got := AtLeast(tc.v, tc.min); got != tc.want {
			t.Errorf("AtLeast(%q, %q) = %v", tc.v, tc.min, got)
		}
	}
}

// TestRealMetadata round-trips every METADATA file of the machine's
// site-packages.
func TestRealMetadata(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed: no site-packages to read")
	}
	out, err := exec.Command(python, "-c", "import site; print('\\n'.join(site.getsitepackages()))").Output()
	if err != nil {
		t.Skipf("python3 site: %v", err)
	}
	var files []string
	for _, dir := range strings.Fields(string(out)) {
		for _, pattern := range []string{"*.dist-info/METADATA", "*.egg-info/PKG-INFO"} {
			m, _ := filepath.Glob(filepath.Join(dir, pattern))
			files = append(files, m...)
		}
	}
	if len(files) == 0 {
		t.Skip("no installed METADATA files")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m, err := Parse(data)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if err := m.Validate(); err != nil {
			t.Errorf("%s: %v", f, err)
		}
		checkRoundTrip(t, m, f)
	}
	t.Logf("%d metadata files", len(files))
}

func FuzzParse(f *testing.F) {
	for _, file := range versionFiles(f) {
		f.Add(file.data)
	}
	f.Add([]byte("Name: x\nDescription: a\n       |b\nDescription: c\n        |d\n\nbody"))
	f.Add([]byte("Name: x\r\nSummary:\r\nSummary: s\r\n\r\n\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse(data)
		if err != nil {
			return
		}
		m.Validate()
		m.NewerFields()
		checkRoundTrip(t, m, string(data))
	})
}

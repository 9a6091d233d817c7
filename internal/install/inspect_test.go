package install

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ferry/internal/pep440"
	"ferry/internal/pep508"
	"ferry/internal/pkgname"
	"ferry/internal/tags"
)

func TestParseHeaders(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Headers
	}{
		{"simple", "Name: a\nVersion: 1.0\n", Headers{{"Name", "a"}, {"Version", "1.0"}}},
		{"no final newline", "Name: a", Headers{{"Name", "a"}}},
		{"leading blanks dropped, trailing kept", "Summary: \t x  \n", Headers{{"Summary", "x  "}}},
		{"empty value", "Summary:\nName: a\n", Headers{{"Summary", ""}, {"Name", "a"}}},
		{"folded value kept verbatim", "License: MIT\n        more\n\tand\nName: a\n", Headers{{"License", "MIT\n        more\n\tand"}, {"Name", "a"}}},
		{"crlf", "Name: a\r\nLicense: x\r\n  y\r\n", Headers{{"Name", "a"}, {"License", "x\r\n  y"}}},
		{"lone cr", "Name: a\rVersion: 2\r", Headers{{"Name", "a"}, {"Version", "2"}}},
		{"body after blank line", "Name: a\n\nVersion: 2\n", Headers{{"Name", "a"}}},
		{"line without colon starts the body", "Name: a\nnot a header\nVersion: 2\n", Headers{{"Name", "a"}}},
		{"space before colon starts the body", "Name : a\n", nil},
		{"continuation before any header is dropped", "  x\nName: a\n", Headers{{"Name", "a"}}},
		{"empty header name is skipped", ": x\nName: a\n", Headers{{"Name", "a"}}},
		{"mbox envelope", "From nobody\nName: a\n", Headers{{"Name", "a"}}},
		{"BOM is not a header", "\ufeffName: a\n", nil},
		{"colon in value", "Project-URL: Home, https://x:1/\n", Headers{{"Project-URL", "Home, https://x:1/"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ParseHeaders([]byte(tc.in))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ParseHeaders(%q) (-want +got):\n%s", tc.in, diff)
			}
		})
	}
	h := ParseHeaders([]byte("name: a\nClassifier: x\nCLASSIFIER: y\n"))
	if v, ok := h.Get("NAME"); !ok || v != "a" {
		t.Errorf("Get(NAME) = %q, %v", v, ok)
	}
	if got := h.All("classifier"); !cmp.Equal(got, []string{"x", "y"}) {
		t.Errorf("All(classifier) = %q", got)
	}
	if _, ok := h.Get("Version"); ok || h.Value("Version") != "" {
		t.Error("Get(Version) found a missing header")
	}
}

func FuzzParseHeaders(f *testing.F) {
	for _, s := range []string{"Name: a\n", "License: x\n  y\r\n\r\nbody", "From x\n: y\n\tz\n", "A:\rB:  \n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, h := range ParseHeaders(b) {
			if strings.HasSuffix(h.Value, "\n") || strings.HasSuffix(h.Value, "\r") {
				t.Errorf("value %q ends with a line break", h.Value)
			}
			if strings.ContainsAny(h.Name, ": \t\r\n") || h.Name == "" {
				t.Errorf("bad header name %q", h.Name)
			}
		}
		_ = Redent(string(b))
	})
}

func TestRedent(t *testing.T) {
	tests := []struct{ in, want string }{
		{"MIT", "MIT"},
		{"", ""},
		{"MIT\n  more license", "      MIT\nmore license"},
		{"MIT\n        more", "MIT\nmore"},
		{"MIT\n        more\n\n        again", "MIT\nmore\n\nagain"},
		{"a\n   \n  b", "      a\n\nb"},
		{"a\n\tb", "        a\n\tb"},
		{"a\n            deeper\n        b", "a\n    deeper\nb"},
	}
	for _, tc := range tests {
		if got := Redent(tc.in); got != tc.want {
			t.Errorf("Redent(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestRequiresTxt(t *testing.T) {
	in := "dep-a>=1\n# comment\n\n[Extra.One]\nfoo\n\n[:python_version < \"3\"]\nbar\n[x:sys_platform == \"win32\"]\nbaz[y]\n"
	want := []string{
		"dep-a>=1",
		`foo ; extra == "extra-one"`,
		`bar ; python_version < "3"`,
		`baz[y] ; (sys_platform == "win32") and extra == "x"`,
	}
	if diff := cmp.Diff(want, RequiresTxt([]byte(in))); diff != "" {
		t.Errorf("RequiresTxt (-want +got):\n%s", diff)
	}
}

func FuzzRequiresTxt(f *testing.F) {
	f.Add([]byte("a\n[x]\nb\n[:m]\nc\n"))
	f.Add([]byte("[\n]\r\n\x85"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, r := range RequiresTxt(b) {
			if r == "" || strings.ContainsAny(r, "\r\n") {
				t.Errorf("requirement %q", r)
			}
		}
	})
}

func TestPurePathAndSplitLines(t *testing.T) {
	for in, want := range map[string]string{
		"a/b": "a/b", "./a//b/": "a/b", "a/./b": "a/b", "../x": "../x", "": ".", ".": ".",
		"/a/b": "/a/b", "//a": "//a", "///a": "/a",
	} {
		if got := purePath(in); got != want {
			t.Errorf("purePath(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string][]string{
		"a\nb\n":         {"a", "b"},
		"a\r\nb\rc":      {"a", "b", "c"},
		"a\n\nb":         {"a", "", "b"},
		"a\u0085b\u2028": {"a", "b"},
		"":               nil,
	} {
		if got := pySplitLines(in); !cmp.Equal(got, want) {
			t.Errorf("pySplitLines(%q) = %q, want %q", in, got, want)
		}
	}
	if got := recordPaths([]byte("a/b.py,sha256=x,1\n\"c,d.py\",,\n\"e\"\"f\",,\n\nRECORD,,\n")); !cmp.Equal(got, []string{"a/b.py", "c,d.py", `e"f`, "RECORD"}) {
		t.Errorf("recordPaths = %q", got)
	}
}

// fixtureSite builds a site directory holding every kind of installed
// distribution pip knows, and the project directories they point at.
func fixtureSite(t *testing.T) (site, root string) {
	t.Helper()
	root = t.TempDir()
	site = filepath.Join(root, "lib", "site-packages")
	write := func(rel, content string) {
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sp := "lib/site-packages/"
	// A wheel install from an index.
	write(sp+"Plain_Pkg-1.0.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: Plain-Pkg\nVersion: 1.0.0\nSummary: plain\nRequires-Dist: dep (>=2)\nRequires-Dist: win-only; sys_platform == \"win32\"\nRequires-Dist: extra-dep; extra == \"x\"\n")
	write(sp+"Plain_Pkg-1.0.0.dist-info/RECORD", "plain/__init__.py,sha256=x,1\n./plain//mod.py,,\nPlain_Pkg-1.0.0.dist-info/RECORD,,\n")
	write(sp+"Plain_Pkg-1.0.0.dist-info/INSTALLER", "\n  pip  \n")
	// An install from an archive URL (direct_url.json).
	write(sp+"arch-2.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: arch\nVersion: 2.0\n")
	write(sp+"arch-2.0.dist-info/direct_url.json", `{"url": "https://x.example/arch-2.0.tar.gz", "archive_info": {"hash": "sha256=ab", "hashes": {"sha256": "ab"}}, "subdirectory": "py"}`)
	// From a VCS.
	write(sp+"vcs_pkg-0.1.dist-info/METADATA", "Metadata-Version: 2.1\nName: vcs_pkg\nVersion: 0.1\n")
	write(sp+"vcs_pkg-0.1.dist-info/direct_url.json", `{"url": "https://g.example/r.git", "vcs_info": {"vcs": "git", "commit_id": "abc123", "requested_revision": "main"}}`)
	// From a local directory, and a broken direct_url.json.
	write(sp+"dirpkg-3.dist-info/METADATA", "Metadata-Version: 2.1\nName: dirpkg\nVersion: 3\n")
	write(sp+"dirpkg-3.dist-info/direct_url.json", `{"url": "file:///src/dirpkg", "dir_info": {}}`)
	write(sp+"badurl-1.dist-info/METADATA", "Metadata-Version: 2.1\nName: badurl\nVersion: 1\n")
	write(sp+"badurl-1.dist-info/direct_url.json", `{"url": "x"}`)
	// A PEP 660 editable install.
	write(sp+"ed660-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: ed660\nVersion: 1.0\n")
	write(sp+"ed660-1.0.dist-info/direct_url.json", `{"url": "file://`+filepath.ToSlash(root)+`/proj%20660", "dir_info": {"editable": true}}`)
	// A legacy egg-info directory with installed-files.txt and requires.txt.
	write(sp+"Legacy_Thing-2.0-py3.11.egg-info/PKG-INFO", "Metadata-Version: 1.1\nName: Legacy_Thing\nVersion: 2.0\nLicense: MIT\n  more\n")
	write(sp+"Legacy_Thing-2.0-py3.11.egg-info/requires.txt", "plain-pkg>=2\n[opt]\nnope\n")
	write(sp+"Legacy_Thing-2.0-py3.11.egg-info/installed-files.txt", "../legacy.py\nPKG-INFO\n../../../bin/legacy\n")
	write(sp+"legacy.py", "")
	// A distutils .egg-info file, with a version pip cannot parse.
	write(sp+"oldie-0.9_beta-py3.11.egg-info", "Metadata-Version: 1.0\nName: oldie\nVersion: 0.9 beta\n")
	// A "setup.py develop" install: .egg-link and easy-install.pth.
	write("projdev/projdev.egg-info/PKG-INFO", "Metadata-Version: 2.1\nName: projdev\nVersion: 0.0.1\n")
	write(sp+"projdev.egg-link", filepath.Join(root, "projdev")+"\n.")
	write(sp+"easy-install.pth", filepath.Join(root, "projdev")+"\n")
	// Not distributions.
	write(sp+"~ip-1.0.dist-info/METADATA", "Name: ~ip\n")
	write(sp+"README.txt", "")
	return site, root
}

func TestScanEnvironment(t *testing.T) {
	site, root := fixtureSite(t)
	other := t.TempDir()
	// A second copy of plain-pkg later on the path loses.
	os.MkdirAll(filepath.Join(other, "plain_pkg-9.dist-info"), 0o755)
	os.WriteFile(filepath.Join(other, "plain_pkg-9.dist-info", "METADATA"), []byte("Name: plain-pkg\nVersion: 9\n"), 0o644)
	os.MkdirAll(filepath.Join(other, "only_here-1.dist-info"), 0o755)
	os.WriteFile(filepath.Join(other, "only_here-1.dist-info", "METADATA"), []byte("Name: only-here\nVersion: 1\n"), 0o644)
	zip := filepath.Join(root, "python311.zip")
	os.WriteFile(zip, []byte("PK"), 0o644)

	env, err := ScanEnvironment([]string{zip, site, other, filepath.Join(root, "missing")}, ScanOptions{EggLinkPath: []string{site}, Importlib: true})
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Name, RawName, RawVersion, Version string
		Valid                              bool
		Location, Editable                 string
	}
	var got []row
	for _, d := range env.Dists {
		got = append(got, row{string(d.Name), d.RawName, d.RawVersion, d.Version, d.VersionValid, d.Location, d.Editable})
	}
	want := []row{
		{"arch", "arch", "2.0", "2.0", true, site, ""},
		{"badurl", "badurl", "1", "1", true, site, ""},
		{"dirpkg", "dirpkg", "3", "3", true, site, ""},
		{"ed660", "ed660", "1.0", "1.0", true, site, filepath.Join(root, "proj 660")},
		{"legacy-thing", "Legacy_Thing", "2.0", "2.0", true, site, ""},
		{"oldie", "oldie", "0.9 beta", "0.9 beta", false, site, ""},
		{"plain-pkg", "Plain-Pkg", "1.0.0", "1.0.0", true, site, ""},
		{"vcs-pkg", "vcs_pkg", "0.1", "0.1", true, site, ""},
		{"projdev", "projdev", "0.0.1", "0.0.1", true, filepath.Join(root, "projdev"), filepath.Join(root, "projdev")},
		{"only-here", "only-here", "1", "1", true, other, ""},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("environment (-want +got):\n%s", diff)
	}
	if d := env.Get("badurl"); d == nil || len(d.Warnings) != 1 || !strings.Contains(d.Warnings[0], "direct_url.json") {
		t.Errorf("badurl warnings: %+v", d)
	}
	if d := env.Get("legacy-thing"); d.Meta.Value("License") != "      MIT\nmore" {
		t.Errorf("License = %q, want importlib's re-indented value", d.Meta.Value("License"))
	}
	if d := env.Get("plain-pkg"); d.InstallerName() != "pip" || d.Site != site {
		t.Errorf("plain-pkg: installer %q, site %q", d.InstallerName(), d.Site)
	}

	// Without importlib's re-indenting, values are as the email parser
	// gives them; without the egg-link path, the develop install is not
	// editable... but it is found all the same.
	env, err = ScanEnvironment([]string{site}, ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if d := env.Get("legacy-thing"); d.Meta.Value("License") != "MIT\n  more" {
		t.Errorf("License = %q", d.Meta.Value("License"))
	}
	if d := env.Get("projdev"); d == nil || d.Editable != "" {
		t.Errorf("projdev without egg-link path: %+v", d)
	}
}

func TestDeclaredFiles(t *testing.T) {
	site, _ := fixtureSite(t)
	env, err := ScanEnvironment([]string{site}, ScanOptions{EggLinkPath: []string{site}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		want []string
		ok   bool
	}{
		{"plain-pkg", []string{"Plain_Pkg-1.0.0.dist-info/RECORD", "plain/__init__.py", "plain/mod.py"}, true},
		{"legacy-thing", []string{"../../bin/legacy", "Legacy_Thing-2.0-py3.11.egg-info/PKG-INFO", "legacy.py"}, true},
		{"projdev", nil, false},
		{"oldie", nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := env.Get(pkgname.Name(tc.name)).DeclaredFiles()
			if ok != tc.ok || !cmp.Equal(got, tc.want) {
				t.Errorf("DeclaredFiles = %q, %v; want %q, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestFreeze(t *testing.T) {
	site, root := fixtureSite(t)
	env, err := ScanEnvironment([]string{site}, ScanOptions{EggLinkPath: []string{site}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		want []string
	}{
		{"plain-pkg", []string{"Plain-Pkg==1.0.0"}},
		{"arch", []string{"arch @ https://x.example/arch-2.0.tar.gz#sha256=ab&subdirectory=py"}},
		{"vcs-pkg", []string{"vcs_pkg @ git+https://g.example/r.git@abc123"}},
		{"dirpkg", []string{"dirpkg @ file:///src/dirpkg"}},
		{"badurl", []string{"badurl==1"}},
		{"oldie", []string{"oldie===0.9 beta"}},
		{"legacy-thing", []string{"Legacy_Thing==2.0"}},
		{"ed660", []string{"# Editable install with no version control (ed660==1.0)", "-e " + filepath.Join(root, "proj 660")}},
		{"projdev", []string{"# Editable install with no version control (projdev==0.0.1)", "-e " + filepath.Join(root, "projdev")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fr := Freeze(context.Background(), env.Get(pkgname.Name(tc.name)), os.Environ())
			if diff := cmp.Diff(tc.want, fr.Lines()); diff != "" {
				t.Errorf("freeze lines (-want +got):\n%s", diff)
			}
		})
	}
}

// TestFreezeGit checks editable installs in git checkouts against what
// pip writes for them.
func TestFreezeGit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	git := func(dir string, args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@x", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@x", "GIT_CONFIG_GLOBAL=/dev/null")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	repo := t.TempDir()
	proj := filepath.Join(repo, "sub", "proj")
	os.MkdirAll(proj, 0o755)
	os.WriteFile(filepath.Join(proj, "pyproject.toml"), []byte("[project]\n"), 0o644)
	git(repo, "init", "-q")
	git(repo, "add", ".")
	git(repo, "commit", "-q", "-m", "x")
	head, err := exec.Command("git", "-C", repo, "rev-parse", "HEAD").Output()
	if err != nil {
		t.Fatal(err)
	}
	rev := strings.TrimSpace(string(head))
	d := &Installed{Dist: &Dist{Name: "my-proj"}, RawName: "my-proj", Version: "1.0", VersionValid: true, Editable: proj}

	fr := Freeze(context.Background(), d, os.Environ())
	if diff := cmp.Diff([]string{"# Editable Git install with no remote (my-proj==1.0)", "-e " + proj}, fr.Lines()); diff != "" {
		t.Errorf("no remote (-want +got):\n%s", diff)
	}
	git(repo, "remote", "add", "upstream", "git@github.com:o/r.git")
	fr = Freeze(context.Background(), d, os.Environ())
	if diff := cmp.Diff([]string{"-e git+ssh://git@github.com/o/r.git@" + rev + "#egg=my_proj&subdirectory=sub/proj"}, fr.Lines()); diff != "" {
		t.Errorf("scp remote (-want +got):\n%s", diff)
	}
	git(repo, "remote", "add", "origin", "https://example.com/r.git")
	fr = Freeze(context.Background(), d, os.Environ())
	if diff := cmp.Diff([]string{"-e git+https://example.com/r.git@" + rev + "#egg=my_proj&subdirectory=sub/proj"}, fr.Lines()); diff != "" {
		t.Errorf("origin preferred (-want +got):\n%s", diff)
	}
	git(repo, "remote", "set-url", "origin", "not a url")
	fr = Freeze(context.Background(), d, os.Environ())
	if diff := cmp.Diff([]string{"# Editable Git install (my-proj==1.0) with either a deleted local remote or invalid URI:", "# 'not'", "-e " + proj}, fr.Lines()); diff != "" {
		t.Errorf("invalid remote (-want +got):\n%s", diff)
	}
}

func checkDist(t *testing.T, name, version string, requires ...string) *Installed {
	t.Helper()
	meta := "Name: " + name + "\nVersion: " + version + "\n"
	for _, r := range requires {
		meta += "Requires-Dist: " + r + "\n"
	}
	d := &Installed{Dist: &Dist{Name: pkgname.Name(pkgname.Normalize(name))}, Meta: ParseHeaders([]byte(meta)), RawName: name, RawVersion: version}
	d.Version = version
	if v, err := pep440.Parse(version); err == nil {
		d.Parsed, d.Version, d.VersionValid = v, v.String(), true
	}
	return d
}

func TestCheckDependencies(t *testing.T) {
	env, err := pep508.EnvFromMap(map[string]string{"python_version": "3.11", "python_full_version": "3.11.7", "sys_platform": "linux", "os_name": "posix", "platform_system": "Linux", "implementation_name": "cpython", "platform_python_implementation": "CPython"})
	if err != nil {
		t.Fatal(err)
	}
	dists := []*Installed{
		checkDist(t, "app", "1.0", "lib>=2", "zmissing", "amissing[x]>1", "amissing[x]>1", "winonly; sys_platform == 'win32'", "opt; extra == 'x'", "pre>=1.0"),
		checkDist(t, "lib", "1.5"),
		checkDist(t, "pre", "1.1rc1"),
		checkDist(t, "broken", "1", "not a requirement!"),
		checkDist(t, "needs-broken", "1", "broken"),
		checkDist(t, "Legacy", "weird", ""),
		checkDist(t, "wants-legacy", "1", "legacy>=1", "legacy"),
	}
	dists[5].Meta = ParseHeaders([]byte("Name: Legacy\nVersion: weird\n"))
	rep := CheckDependencies(dists, env)
	var missing, conflicts []string
	for _, m := range rep.Missing {
		missing = append(missing, string(m.Dist.Name)+" "+m.Dist.Version+" requires "+string(m.Name))
	}
	for _, c := range rep.Conflicts {
		conflicts = append(conflicts, string(c.Dist.Name)+" "+c.Req.String()+" vs "+c.Installed.Version)
	}
	wantMissing := []string{"app 1.0 requires amissing", "app 1.0 requires zmissing", "needs-broken 1 requires broken"}
	wantConflicts := []string{"app lib>=2 vs 1.5", "wants-legacy legacy>=1 vs weird"}
	if diff := cmp.Diff(wantMissing, missing); diff != "" {
		t.Errorf("missing (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantConflicts, conflicts); diff != "" {
		t.Errorf("conflicts (-want +got):\n%s", diff)
	}
	if len(rep.Errors) != 1 || !strings.Contains(rep.Errors[0].Error(), "not a requirement!") || rep.OK() {
		t.Errorf("errors %v", rep.Errors)
	}
	if rep := CheckDependencies(dists[1:3], env); !rep.OK() {
		t.Errorf("a consistent set is reported broken: %+v", rep)
	}
}

func TestCheckPlatform(t *testing.T) {
	site := t.TempDir()
	wheel := func(name, tagLines string) {
		dir := filepath.Join(site, name+"-1.0.dist-info")
		os.MkdirAll(dir, 0o755)
		os.WriteFile(filepath.Join(dir, "METADATA"), []byte("Name: "+name+"\nVersion: 1.0\n"), 0o644)
		if tagLines != "-" {
			os.WriteFile(filepath.Join(dir, "WHEEL"), []byte("Wheel-Version: 1.0\n"+tagLines), 0o644)
		}
	}
	wheel("pure", "Tag: py2-none-any\nTag: py3-none-any\n")
	wheel("compressed", "Tag: py2.py3-none-any\n")
	wheel("windows", "Tag: cp311-cp311-win_amd64\n")
	wheel("notags", "")
	wheel("nowheel", "-")
	wheel("badtag", "Tag: nonsense\n")
	env, err := ScanEnvironment([]string{site}, ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	supported := []tags.Tag{tags.NewTag("cp311", "cp311", "linux_x86_64"), tags.NewTag("py3", "none", "any")}
	var got []string
	for _, u := range CheckPlatform(env.Dists, supported) {
		got = append(got, string(u.Dist.Name))
	}
	if diff := cmp.Diff([]string{"badtag", "notags", "windows"}, got); diff != "" {
		t.Errorf("unsupported (-want +got):\n%s", diff)
	}
}

func TestFileURLPath(t *testing.T) {
	for in, want := range map[string]string{
		"file:///a/b%20c":        "/a/b c",
		"file://localhost/a":     "/a",
		"file:/a":                "/a",
		"file://host/a":          "",
		"https://x/a":            "",
		"file:///%E2%82%AC/proj": "/€/proj",
	} {
		got, err := FileURLPath(in)
		if (err != nil) != (want == "") || got != want {
			t.Errorf("FileURLPath(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

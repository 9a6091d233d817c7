package tags

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "regenerate testdata/supported_golden.json with python3 and packaging >= 26.3")

func TestParseTagSet(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		err  bool
	}{
		{in: "py3-none-any", want: []string{"py3-none-any"}},
		{in: "py2.py3-none-any", want: []string{"py2-none-any", "py3-none-any"}},
		{in: "py3.py2-none-any", want: []string{"py2-none-any", "py3-none-any"}},
		{in: "CP311-CP311-Win_AMD64", want: []string{"cp311-cp311-win_amd64"}},
		{in: "cp310-cp310-manylinux_2_17_x86_64.manylinux2014_x86_64", want: []string{
			"cp310-cp310-manylinux2014_x86_64", "cp310-cp310-manylinux_2_17_x86_64"}},
		{in: "py2.py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64", want: []string{
			"py2-none-manylinux2014_x86_64", "py2-none-manylinux_2_17_x86_64",
			"py3-none-manylinux2014_x86_64", "py3-none-manylinux_2_17_x86_64"}},
		{in: "py3.py3-none-any", want: []string{"py3-none-any"}},
		{in: "pp310-pypy310_pp73-manylinux_2_28_aarch64", want: []string{"pp310-pypy310_pp73-manylinux_2_28_aarch64"}},
		{in: "_custom-none-any", want: []string{"_custom-none-any"}},
		{in: "", err: true},
		{in: "py3-none", err: true},
		{in: "py3-none-any-extra", err: true},
		{in: "py3.-none-any", err: true},
		{in: ".py3-none-any", err: true},
		{in: "py3--any", err: true},
		{in: "py3-none-", err: true},
		{in: "2.7.6-none-any", err: true},
		{in: "py+3-none-any", err: true},
		{in: "py3-none-any x", err: true},
		{in: "py3-no ne-any", err: true},
		{in: "py3-none-a/b", err: true},
		{in: manyComponents("a", 20) + "-" + manyComponents("b", 20) + "-" + manyComponents("c", 20), err: true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseTagSet(tc.in)
			if tc.err {
				if err == nil {
					t.Fatalf("ParseTagSet(%q) = %v, want error", tc.in, got)
				}
				if !errors.Is(err, ErrInvalidTag) {
					t.Errorf("error %v does not match ErrInvalidTag", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseTagSet(%q): %v", tc.in, err)
			}
			if diff := cmp.Diff(tc.want, tagStrings(got)); diff != "" {
				t.Errorf("ParseTagSet(%q) (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

func TestParseTagSetLarge(t *testing.T) {
	s := manyComponents("a", 20) + "-" + manyComponents("b", 20) + "-c"
	got, err := ParseTagSet(s)
	if err != nil || len(got) != 400 {
		t.Fatalf("ParseTagSet(%q) = %d tags, %v; want 400", s, len(got), err)
	}
}

func TestParseTag(t *testing.T) {
	if got, err := ParseTag("Py3-None-Any"); err != nil || got != (Tag{"py3", "none", "any"}) {
		t.Errorf("ParseTag = %v, %v", got, err)
	}
	for _, in := range []string{"py2.py3-none-any", "py3.py3-none-any", "py3-none"} {
		if _, err := ParseTag(in); err == nil {
			t.Errorf("ParseTag(%q) succeeded, want error", in)
		}
	}
}

func TestFormatTagSet(t *testing.T) {
	tests := []struct {
		name    string
		tags    []Tag
		want    string
		product bool
	}{
		{"one", []Tag{{"py3", "none", "any"}}, "py3-none-any", true},
		{"product", []Tag{{"py3", "none", "b"}, {"py2", "none", "a"}, {"py2", "none", "b"}, {"py3", "none", "a"}}, "py2.py3-none-a.b", true},
		{"not-product", []Tag{{"py3", "none", "a"}, {"py2", "abi3", "b"}}, "py2.py3-abi3.none-a.b", false},
		{"duplicates", []Tag{{"py3", "none", "any"}, {"py3", "none", "any"}}, "py3-none-any", true},
		{"empty", nil, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := FormatTagSet(tc.tags); got != tc.want {
				t.Errorf("FormatTagSet = %q, want %q", got, tc.want)
			}
			if got := IsTagProduct(tc.tags); got != tc.product {
				t.Errorf("IsTagProduct = %v, want %v", got, tc.product)
			}
		})
	}
}

func TestCPythonABIs(t *testing.T) {
	tests := []struct {
		name                      string
		v                         MajorMinor
		debug, ft, pymalloc, wide bool
		want                      []string
	}{
		{"plain", MajorMinor{3, 11}, false, false, true, false, []string{"cp311"}},
		{"debug", MajorMinor{3, 11}, true, false, false, false, []string{"cp311d", "cp311"}},
		{"free-threaded", MajorMinor{3, 13}, false, true, false, false, []string{"cp313t"}},
		{"free-threaded-debug", MajorMinor{3, 14}, true, true, false, false, []string{"cp314td", "cp314t"}},
		{"free-threaded-before-3.13-ignored", MajorMinor{3, 12}, false, true, false, false, []string{"cp312"}},
		{"pymalloc", MajorMinor{3, 7}, false, false, true, false, []string{"cp37m"}},
		{"debug-pymalloc-3.7", MajorMinor{3, 7}, true, false, true, false, []string{"cp37dm"}},
		{"ucs4", MajorMinor{2, 7}, false, false, true, true, []string{"cp27mu"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := CPythonABIs(tc.v, tc.debug, tc.ft, tc.pymalloc, tc.wide)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestGenericABI(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{".cpython-311-x86_64-linux-gnu.so", "cp311", true},
		{".cpython-313t-darwin.so", "cp313t", true},
		{".cp311-win_amd64.pyd", "cp311", true},
		{".pypy39-pp73-x86_64-linux-gnu.so", "pypy39_pp73", true},
		{".graalpy-38-native-x86_64-darwin.dylib", "graalpy_38_native", true},
		{".pyston-23-x86_64-linux-gnu.so", "pyston_23_x86_64_linux_gnu", true},
		{".pyd", "", false},
		{".cpython.so", "", false},
		{"", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := GenericABI(tc.in)
			if got != tc.want || ok != tc.ok {
				t.Errorf("GenericABI(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
			}
		})
	}
}

type goldenCase struct {
	Name        string      `json:"name"`
	Interpreter Interpreter `json:"interpreter"`
	Tags        []string    `json:"tags"`
}

// TestSupportedGolden compares Supported with the lists packaging.tags
// (26.3) generates for the same interpreters; testdata/gen_golden.py
// documents each case.
func TestSupportedGolden(t *testing.T) {
	const golden = "testdata/supported_golden.json"
	if *update {
		cmd := exec.Command("python3", "testdata/gen_golden.py")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("regenerating %s: %v", golden, err)
		}
		if err := os.WriteFile(golden, out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	var cases []goldenCase
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) < 20 {
		t.Fatalf("only %d golden cases", len(cases))
	}
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			got := tagStrings(Supported(tc.Interpreter))
			if diff := cmp.Diff(tc.Tags, got); diff != "" {
				t.Errorf("Supported(%+v) (-packaging +ferry):\n%s", tc.Interpreter, diff)
			}
		})
	}
}

// factsScript prints the Facts of the interpreter running it.
const factsScript = `
import importlib.machinery, json, os, platform, struct, sys, sysconfig
def var(name):
    v = sysconfig.get_config_var(name)
    return None if v is None else int(v)
try:
    glibc = os.confstr("CS_GNU_LIBC_VERSION") or ""
except (AttributeError, OSError, ValueError):
    glibc = ""
print(json.dumps({
    "implementation_name": sys.implementation.name,
    "version": list(sys.version_info[:2]),
    "py_version_nodot": sysconfig.get_config_var("py_version_nodot") or "",
    "system": platform.system(),
    "platform": sysconfig.get_platform(),
    "machine": platform.mac_ver()[2] if platform.system() == "Darwin" else platform.machine(),
    "pointer_size": struct.calcsize("P"),
    "ext_suffix": sysconfig.get_config_var("EXT_SUFFIX") or "",
    "soabi": sysconfig.get_config_var("SOABI") or "",
    "py_debug": var("Py_DEBUG"),
    "py_gil_disabled": var("Py_GIL_DISABLED"),
    "with_pymalloc": var("WITH_PYMALLOC"),
    "unicode_size": var("Py_UNICODE_SIZE"),
    "maxunicode": sys.maxunicode,
    "has_totalrefcount": hasattr(sys, "gettotalrefcount"),
    "extension_suffixes": importlib.machinery.EXTENSION_SUFFIXES,
    "glibc_version": glibc,
    "mac_version": platform.mac_ver()[0],
}))
`

// machineScript prints, for the python3 running it, the tag lists pip
// knows: its vendored packaging's sys_tags(), pip's own get_supported()
// (what pip ranks wheels with), and the standalone packaging's sys_tags()
// when one is installed, with the versions of both packagings.
const machineScript = `
import json
from pip._vendor import packaging as vp
from pip._vendor.packaging import tags as vtags
out = {"vendored_version": vp.__version__, "vendored": [str(t) for t in vtags.sys_tags()]}
try:
    from pip._internal.utils.compatibility_tags import get_supported
    out["pip"] = [str(t) for t in get_supported()]
except Exception:
    pass
try:
    import packaging
    from packaging import tags
    out["standalone_version"] = packaging.__version__
    out["standalone"] = [str(t) for t in tags.sys_tags()]
except Exception:
    pass
print(json.dumps(out))
`

// TestSupportedMachine compares Supported for the machine's python3, fed
// with the facts that python3 reports about itself, with what pip's
// vendored packaging (and pip itself, and a standalone packaging when
// installed) say for it.
func TestSupportedMachine(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed: cannot compare with pip's packaging.tags")
	}
	out, err := exec.Command(python, "-c", machineScript).Output()
	if err != nil {
		t.Skipf("python3 has no usable pip (pip._vendor.packaging): %v", err)
	}
	var lists struct {
		VendoredVersion   string   `json:"vendored_version"`
		Vendored          []string `json:"vendored"`
		Pip               []string `json:"pip"`
		StandaloneVersion string   `json:"standalone_version"`
		Standalone        []string `json:"standalone"`
	}
	if err := json.Unmarshal(out, &lists); err != nil {
		t.Fatalf("decoding pip's tags: %v", err)
	}
	out, err = exec.Command(python, "-c", factsScript).Output()
	if err != nil {
		t.Fatalf("collecting interpreter facts: %v", err)
	}
	var facts Facts
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&facts); err != nil {
		t.Fatalf("decoding facts %s: %v", out, err)
	}
	if facts.System == "Darwin" || facts.MuslVersion != "" {
		// Neither is a case the facts script can describe fully (the macOS
		// 10.16 shim, musl detection); the golden tests cover them.
		t.Skipf("facts script does not describe %s", facts.System)
	}
	in, err := facts.Interpreter()
	if err != nil {
		t.Fatal(err)
	}
	got := tagStrings(Supported(in))
	t.Logf("%d tags for %s %d.%d on %s (%s)", len(got), facts.ImplementationName, facts.Version[0], facts.Version[1], facts.Platform, facts.GlibcVersion)

	t.Run("vendored-packaging-"+lists.VendoredVersion, func(t *testing.T) {
		want := got
		if major(lists.VendoredVersion) < 22 && in.Implementation == "cp" {
			// packaging 22 added "<interpreter>-none-any" (cp311-none-any)
			// to sys_tags (pypa/packaging#541); pip always had it, see the
			// next subtest.
			want = slicesDelete(got, "cp"+in.nodot()+"-none-any")
		}
		if diff := cmp.Diff(lists.Vendored, want); diff != "" {
			t.Errorf("Supported(%+v) (-pip's packaging +ferry):\n%s", in, diff)
		}
	})
	t.Run("pip-get-supported", func(t *testing.T) {
		if lists.Pip == nil || in.Implementation != "cp" {
			t.Skip("pip's get_supported is not importable, or names PyPy's tags differently (pp39-none-any, not pp3-none-any)")
		}
		if diff := cmp.Diff(lists.Pip, got); diff != "" {
			t.Errorf("Supported(%+v) (-pip +ferry):\n%s", in, diff)
		}
	})
	t.Run("standalone-packaging-"+lists.StandaloneVersion, func(t *testing.T) {
		if lists.Standalone == nil {
			t.Skip("no standalone packaging installed")
		}
		in := in
		v := lists.StandaloneVersion
		in.Platform.NativeLinuxFirst = major(v) > 26 || (major(v) == 26 && minor(v) >= 3)
		if diff := cmp.Diff(lists.Standalone, tagStrings(Supported(in))); diff != "" {
			t.Errorf("Supported(%+v) (-packaging %s +ferry):\n%s", in, v, diff)
		}
	})
}

func major(v string) int {
	n, _ := strconv.Atoi(strings.Split(v, ".")[0])
	return n
}

func minor(v string) int {
	p := strings.Split(v, ".")
	if len(p) < 2 {
		return 0
	}
	n, _ := strconv.Atoi(p[1])
	return n
}

func slicesDelete(s []string, v string) []string {
	var out []string
	for _, x := range s {
		if x != v {
			out = append(out, x)
		}
	}
	return out
}

func TestFactsInterpreter(t *testing.T) {
	one := 1
	zero := 0
	tests := []struct {
		name  string
		facts Facts
		want  Interpreter
	}{
		{
			name: "cpython-linux-32bit-on-aarch64",
			facts: Facts{ImplementationName: "cpython", Version: [2]int{3, 12}, PyVersionNodot: "312",
				System: "Linux", Platform: "linux-aarch64", PointerSize: 4, WithPymalloc: &one,
				PyDebug: &zero, GlibcVersion: "glibc 2.31"},
			want: Interpreter{Implementation: "cp", Python: MajorMinor{3, 12}, Nodot: "312", Pymalloc: true,
				Platform: Platform{OS: OSLinux, Arch: "armv8l", Glibc: MajorMinor{2, 31}}},
		},
		{
			name: "cpython-free-threaded-debug-musl",
			facts: Facts{ImplementationName: "cpython", Version: [2]int{3, 13}, System: "Linux",
				Platform: "linux-x86_64", PointerSize: 8, PyGILDisabled: &one, HasTotalRefcount: true,
				MuslVersion: "1.2.4"},
			want: Interpreter{Implementation: "cp", Python: MajorMinor{3, 13}, Debug: true, FreeThreaded: true, Pymalloc: true,
				Platform: Platform{OS: OSLinux, Arch: "x86_64", Musl: MajorMinor{1, 2}}},
		},
		{
			name: "pypy",
			facts: Facts{ImplementationName: "pypy", Version: [2]int{3, 10}, PyVersionNodot: "310",
				System: "Linux", Platform: "linux-x86_64", PointerSize: 8,
				ExtSuffix: ".pypy310-pp73-x86_64-linux-gnu.so", GlibcVersion: "glibc 2.20-2014.11"},
			want: Interpreter{Implementation: "pp", Python: MajorMinor{3, 10}, Nodot: "310", ABIs: []string{"pypy310_pp73"},
				Platform: Platform{OS: OSLinux, Arch: "x86_64", Glibc: MajorMinor{2, 20}}},
		},
		{
			name: "macos-universal2-build",
			facts: Facts{ImplementationName: "cpython", Version: [2]int{3, 12}, System: "Darwin",
				Platform: "macosx-10.9-universal2", Machine: "arm64", PointerSize: 8, MacVersion: "14.2.1", WithPymalloc: &one},
			want: Interpreter{Implementation: "cp", Python: MajorMinor{3, 12}, Pymalloc: true,
				Platform: Platform{OS: OSDarwin, Arch: "arm64", OSVersion: MajorMinor{14, 2}}},
		},
		{
			name: "windows-debug-extension",
			facts: Facts{ImplementationName: "cpython", Version: [2]int{3, 11}, System: "Windows",
				Platform: "win-amd64", PointerSize: 8, ExtensionSuffixes: []string{"_d.pyd", ".pyd"}},
			want: Interpreter{Implementation: "cp", Python: MajorMinor{3, 11}, Debug: true, Pymalloc: true,
				Platform: Platform{OS: OSWindows, Arch: "amd64"}},
		},
		{
			name: "graalpy-freebsd",
			facts: Facts{ImplementationName: "graalpy", Version: [2]int{3, 11}, System: "FreeBSD",
				Platform: "freebsd-14.0-RELEASE-amd64", ExtSuffix: ".graalpy242-311-native-x86_64-freebsd.so"},
			want: Interpreter{Implementation: "graalpy", Python: MajorMinor{3, 11}, ABIs: []string{"graalpy242_311_native"},
				Platform: Platform{OS: "other", Generic: "freebsd_14_0_release_amd64"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.facts.Interpreter()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	if _, err := (Facts{ImplementationName: "cpython", System: "Linux", Platform: "linux-x86_64", GlibcVersion: "glibc x"}).Interpreter(); err == nil {
		t.Error("bad glibc version accepted")
	}
}

func TestRanking(t *testing.T) {
	in := Interpreter{Implementation: "cp", Python: MajorMinor{3, 12},
		Platform: Platform{OS: OSLinux, Arch: "x86_64", Glibc: MajorMinor{2, 28}}}
	r := NewRanking(Supported(in))
	mustParse := func(s string) []Tag {
		ts, err := ParseTagSet(s)
		if err != nil {
			t.Fatal(err)
		}
		return ts
	}
	tests := []struct {
		name string
		set  string
		ok   bool
	}{
		{"native", "cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64", true},
		{"abi3", "cp38-abi3-manylinux_2_17_x86_64", true},
		{"pure", "py3-none-any", true},
		{"too-new-glibc", "cp312-cp312-manylinux_2_34_x86_64", false},
		{"other-arch", "cp312-cp312-manylinux_2_17_aarch64", false},
		{"other-python", "cp311-cp311-manylinux_2_17_x86_64", false},
	}
	prev := -1
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rank, ok := r.Best(mustParse(tc.set))
			if ok != tc.ok {
				t.Fatalf("Best(%s) ok = %v, want %v", tc.set, ok, tc.ok)
			}
			if ok && rank <= prev {
				t.Errorf("Best(%s) = %d, not worse than the previous case (%d)", tc.set, rank, prev)
			}
			if ok {
				prev = rank
			}
		})
	}
	if rank, ok := r.Rank(Tag{"cp312", "cp312", "manylinux_2_28_x86_64"}); !ok || rank != 0 {
		t.Errorf("Rank(best tag) = %d, %v", rank, ok)
	}
	if r.Len() != len(Supported(in)) {
		t.Errorf("Len = %d, want %d", r.Len(), len(Supported(in)))
	}
	dup := NewRanking([]Tag{{"a", "b", "c"}, {"x", "y", "z"}, {"a", "b", "c"}})
	if rank, _ := dup.Rank(Tag{"a", "b", "c"}); rank != 0 {
		t.Errorf("duplicate tag rank = %d, want the first (0)", rank)
	}
}

func manyComponents(prefix string, n int) string {
	var parts []string
	for i := range n {
		parts = append(parts, prefix+strconv.Itoa(i))
	}
	return strings.Join(parts, ".")
}

func tagStrings(ts []Tag) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.String()
	}
	return out
}

func FuzzParseTagSet(f *testing.F) {
	for _, s := range []string{"py3-none-any", "py2.py3-none-any", "cp310-cp310-manylinux_2_17_x86_64.manylinux2014_x86_64",
		"2.7.6-none-any", "py3.-none-any", "a.b.c-d.e-f.g", "CP39-ABI3-WIN32"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		set, err := ParseTagSet(s)
		if err != nil {
			return
		}
		if len(set) == 0 || len(set) > MaxTagSet {
			t.Fatalf("ParseTagSet(%q) gave %d tags", s, len(set))
		}
		again, err := ParseTagSet(FormatTagSet(set))
		if err != nil {
			t.Fatalf("reparsing %q (from %q): %v", FormatTagSet(set), s, err)
		}
		if diff := cmp.Diff(set, again); diff != "" {
			t.Fatalf("round trip of %q (-first +second):\n%s", s, diff)
		}
		for _, tag := range set {
			if one, err := ParseTag(tag.String()); err != nil || one != tag {
				t.Fatalf("ParseTag(%q) = %v, %v", tag, one, err)
			}
		}
	})
}

package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCheckArgs(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		want  checkOptions
		usage bool
	}{
		{name: "defaults"},
		{name: "json and python", args: []string{"--json", "--python", "3.11"}, want: checkOptions{inspectOptions: inspectOptions{targetOptions: targetOptions{Python: "3.11"}}, JSON: true}},
		{name: "target", args: []string{"-t", "vendor"}, want: checkOptions{inspectOptions: inspectOptions{targetOptions: targetOptions{Target: "vendor"}}}},
		{name: "argument", args: []string{"x"}, usage: true},
		{name: "no --local", args: []string{"-l"}, usage: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseArgs(t, checkCmd, tc.args)
			if tc.usage {
				if !isUsageError(err) {
					t.Fatalf("err = %v, want a usage error", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(&tc.want, got, cmp.AllowUnexported(checkOptions{}, inspectOptions{})); diff != "" {
				t.Errorf("options (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCheckPrint(t *testing.T) {
	fx := newCLIFixture(t)
	out, errOut, code := fx.run(t, "check")
	want := "demo-pkg 1.0 requires missing-one, which is not installed.\n" +
		"demo-pkg 1.0 has requirement dep>=2, but you have dep 1.5.\n" +
		"plat 1.0 is not supported on this platform\n"
	if code != 1 || out != want || errOut != "" {
		t.Errorf("exit %d, stdout (-want +got):\n%s\nstderr %q", code, cmp.Diff(want, out), errOut)
	}

	out, _, code = fx.run(t, "check", "--json")
	var got checkJSON
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	wantJSON := checkJSON{
		Missing:     []checkRequirement{{Name: "demo-pkg", Version: "1.0", Requirement: `Missing_One; python_version >= "3"`, Dependency: "missing-one"}},
		Conflicts:   []checkRequirement{{Name: "demo-pkg", Version: "1.0", Requirement: "dep>=2", Dependency: "dep", InstalledVersion: "1.5"}},
		Unsupported: []checkPlatform{{Name: "plat", Version: "1.0", Tags: []string{"cp311-cp311-win_amd64"}}},
		Errors:      []string{},
	}
	if code != 1 {
		t.Errorf("--json exit %d", code)
	}
	if diff := cmp.Diff(wantJSON, got); diff != "" {
		t.Errorf("--json (-want +got):\n%s", diff)
	}

	// Fix the environment: nothing is broken.
	for _, n := range []string{"demo-pkg", "plat"} {
		for i, d := range fx.in.env.Dists {
			if string(d.Name) == n {
				fx.in.env.Dists = append(fx.in.env.Dists[:i], fx.in.env.Dists[i+1:]...)
				break
			}
		}
	}
	out, _, code = fx.run(t, "check")
	if code != 0 || out != "No broken requirements found.\n" {
		t.Errorf("exit %d, stdout %q", code, out)
	}
	out, _, code = fx.run(t, "check", "--json")
	if code != 0 || !strings.Contains(out, `"ok": true`) {
		t.Errorf("exit %d, stdout %q", code, out)
	}
}

func TestCheckUnreadableRequirements(t *testing.T) {
	fx := newCLIFixture(t)
	d := fx.in.env.Get("dep")
	d.Meta = append(d.Meta[:len(d.Meta):len(d.Meta)], d.Meta[0])
	d.Meta[len(d.Meta)-1].Name, d.Meta[len(d.Meta)-1].Value = "Requires-Dist", "not valid!"
	out, errOut, code := fx.run(t, "check")
	// dep no longer counts as installed, as in pip.
	if code != 1 || !strings.Contains(errOut, "WARNING: Error parsing requirements for dep") ||
		!strings.Contains(out, "demo-pkg 1.0 requires dep, which is not installed.\n") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

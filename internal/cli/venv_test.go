package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ferry/internal/iostreams"
)

func TestVenvArgs(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		want     venvOptions
		wantCode int
	}{
		{name: "default path", args: nil, want: venvOptions{Path: ".venv"}},
		{name: "path", args: []string{"env"}, want: venvOptions{Path: "env"}},
		{name: "all flags", args: []string{"-p", "3.12", "--prompt", "x", "--system-site-packages", "--clear", "--seed", "--json", "e"},
			want: venvOptions{Path: "e", Python: "3.12", Prompt: "x", SystemSitePackages: true, Clear: true, Seed: true, JSON: true}},
		{name: "long python", args: []string{"--python=/usr/bin/python3"}, want: venvOptions{Path: ".venv", Python: "/usr/bin/python3"}},
		{name: "two paths", args: []string{"a", "b"}, wantCode: ExitUsage},
		{name: "empty path", args: []string{""}, wantCode: ExitUsage},
		{name: "unknown flag", args: []string{"--bogus"}, wantCode: ExitUsage},
		{name: "python without value", args: []string{"-p"}, wantCode: ExitUsage},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkParse(t, "venv", venvCmd, tc.args, tc.want, tc.wantCode == ExitUsage)
		})
	}
}

func TestCacheDir(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		want    string
		wantErr bool
	}{
		{"FERRY_CACHE_DIR", map[string]string{"FERRY_CACHE_DIR": "/c", "XDG_CACHE_HOME": "/x", "HOME": "/h"}, "/c", false},
		{"relative FERRY_CACHE_DIR", map[string]string{"FERRY_CACHE_DIR": "rel"}, "/work/dir/rel", false},
		{"XDG_CACHE_HOME", map[string]string{"XDG_CACHE_HOME": "/x", "HOME": "/h"}, "/x/ferry", false},
		{"relative XDG_CACHE_HOME is ignored", map[string]string{"XDG_CACHE_HOME": "x", "HOME": "/h"}, "/h/.cache/ferry", false},
		{"HOME", map[string]string{"HOME": "/h"}, "/h/.cache/ferry", false},
		{"LOCALAPPDATA", map[string]string{"LOCALAPPDATA": "/l"}, "/l/ferry/cache", false},
		{"nothing", nil, "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := &Factory{Getenv: func(k string) string { return tc.env[k] }, Dir: "/work/dir"}
			got, err := cacheDir(f)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v", err)
			}
			if got != filepath.FromSlash(tc.want) {
				t.Errorf("cacheDir = %q, want %q", got, tc.want)
			}
			if !tc.wantErr {
				ic, _ := interpreterCacheDir(f)
				if ic != filepath.Join(got, "interpreters") {
					t.Errorf("interpreterCacheDir = %q", ic)
				}
			}
		})
	}
}

// machineEnv passes the variables interpreter discovery needs from the
// real machine, with a private cache.
func machineEnv(t *testing.T) map[string]string {
	return map[string]string{
		"PATH":            os.Getenv("PATH"),
		"HOME":            os.Getenv("HOME"),
		"PYENV_ROOT":      os.Getenv("PYENV_ROOT"),
		"FERRY_CACHE_DIR": t.TempDir(),
	}
}

func TestVenvRun(t *testing.T) {
	env := machineEnv(t)
	ios, _, out, errOut := iostreams.Test()
	f := &Factory{IO: ios, Getenv: func(k string) string { return env[k] }, Dir: t.TempDir()}
	if code := Main(context.Background(), []string{"venv", "--json", "--prompt", ".", "env"}, f); code != ExitOK {
		if strings.Contains(errOut.String(), "no Python interpreter") {
			t.Skip("no Python on this machine")
		}
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got venvJSON
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("--json output: %v\n%s", err, out)
	}
	dir := filepath.Join(f.Dir, "env")
	if got.Path != dir || got.Python != filepath.Join(dir, "bin", "python") || got.Prompt != filepath.Base(f.Dir) {
		t.Errorf("facts %+v", got)
	}
	cfg, err := os.ReadFile(filepath.Join(dir, "pyvenv.cfg"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(cfg), "\nferry = "+Version+"\n") {
		t.Errorf("pyvenv.cfg does not name ferry:\n%s", cfg)
	}
	entries, _ := os.ReadDir(env["FERRY_CACHE_DIR"] + "/interpreters")
	if len(entries) == 0 {
		t.Error("nothing cached under $FERRY_CACHE_DIR/interpreters")
	}

	// The same again without --json: a message on stderr, nothing on stdout.
	out.Reset()
	errOut.Reset()
	if code := Main(context.Background(), []string{"venv", "env"}, f); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if out.Len() != 0 || !strings.Contains(errOut.String(), "Activate with: source env/bin/activate") {
		t.Errorf("stdout %q, stderr %q", out, errOut)
	}
}

func TestVenvFailures(t *testing.T) {
	env := machineEnv(t)
	tests := []struct {
		name string
		args []string
		prep func(dir string)
		code int
		msg  string
	}{
		{"bad python", []string{"venv", "-p", "3.99"}, nil, ExitFailure, `no Python interpreter for "3.99" found`},
		{"python path missing", []string{"venv", "-p", "/no/such/python"}, nil, ExitFailure, "/no/such/python"},
		{"invalid request", []string{"venv", "-p", "3.x"}, nil, ExitFailure, "invalid interpreter request"},
		{"occupied directory", []string{"venv", "d"}, func(dir string) {
			os.MkdirAll(filepath.Join(dir, "d"), 0o755)
			os.WriteFile(filepath.Join(dir, "d", "f"), nil, 0o644)
		}, ExitFailure, "use --clear"},
		{"too many args", []string{"venv", "a", "b"}, nil, ExitUsage, "usage: ferry venv"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ios, _, out, errOut := iostreams.Test()
			f := &Factory{IO: ios, Getenv: func(k string) string { return env[k] }, Dir: t.TempDir()}
			if tc.prep != nil {
				tc.prep(f.Dir)
			}
			code := Main(context.Background(), tc.args, f)
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr %s", code, tc.code, errOut)
			}
			if !strings.Contains(errOut.String(), tc.msg) {
				t.Errorf("stderr %q does not say %q", errOut, tc.msg)
			}
			if out.Len() != 0 {
				t.Errorf("stdout %q, want nothing", out)
			}
		})
	}
}

package venv

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// shellCase runs a shell that activates an environment, reports what
// activation changed, deactivates, and reports again. Every script prints
// the same lines, so one expectation serves all shells.
type shellCase struct {
	shell  string
	args   []string // before the script
	script string   // ACT is the activation script, BIN the bin directory
}

var posixScript = `
PS1='$ '
PYTHONHOME=/ph; export PYTHONHOME
OLDPATH="$PATH"
. "$ACT"
echo "venv=$VIRTUAL_ENV"
echo "prompt=$VIRTUAL_ENV_PROMPT"
echo "ps1=$PS1"
echo "python=$(command -v python)"
echo "home=${PYTHONHOME-unset}"
deactivate
echo "venv=${VIRTUAL_ENV-unset}"
echo "prompt=${VIRTUAL_ENV_PROMPT-unset}"
echo "ps1=$PS1"
echo "home=${PYTHONHOME-unset}"
[ "$PATH" = "$OLDPATH" ] && echo "path=restored"
command -v deactivate >/dev/null 2>&1 || echo "deactivate=gone"
`

func shellCases() []shellCase {
	return []shellCase{
		{"bash", []string{"--norc", "--noprofile", "-c"}, posixScript},
		{"zsh", []string{"-f", "-c"}, posixScript},
		{"dash", []string{"-c"}, posixScript},
		{"fish", []string{"--no-config", "-c"}, `
set -gx PYTHONHOME /ph
set -g OLDPATH $PATH
function fish_prompt; printf '$ '; end
source $ACT
echo "venv=$VIRTUAL_ENV"
echo "prompt=$VIRTUAL_ENV_PROMPT"
echo "ps1="(fish_prompt)
echo "python="(command -v python)
if set -q PYTHONHOME; echo "home=$PYTHONHOME"; else; echo "home=unset"; end
deactivate
if set -q VIRTUAL_ENV; echo "venv=$VIRTUAL_ENV"; else; echo "venv=unset"; end
if set -q VIRTUAL_ENV_PROMPT; echo "prompt=$VIRTUAL_ENV_PROMPT"; else; echo "prompt=unset"; end
echo "ps1="(fish_prompt)
if set -q PYTHONHOME; echo "home=$PYTHONHOME"; else; echo "home=unset"; end
test "$PATH" = "$OLDPATH"; and echo "path=restored"
functions -q deactivate; or echo "deactivate=gone"
`},
		{"tcsh", []string{"-f", "-c"}, `set prompt='$ '
setenv PYTHONHOME /ph
set oldpath="$PATH:q"
source "$ACT:q"
echo "venv=$VIRTUAL_ENV:q"
echo "prompt=$VIRTUAL_ENV_PROMPT:q"
echo "ps1=$prompt:q"
echo "python=` + "`which python`" + `"
if ($?PYTHONHOME) then
echo "home=$PYTHONHOME"
else
echo "home=unset"
endif
deactivate
if ($?VIRTUAL_ENV) then
echo "venv=$VIRTUAL_ENV:q"
else
echo "venv=unset"
endif
if ($?VIRTUAL_ENV_PROMPT) then
echo "prompt=$VIRTUAL_ENV_PROMPT:q"
else
echo "prompt=unset"
endif
echo "ps1=$prompt:q"
if ($?PYTHONHOME) then
echo "home=$PYTHONHOME"
else
echo "home=unset"
endif
if ("$PATH:q" == "$oldpath:q") echo "path=restored"
alias deactivate >& /dev/null
if ("` + "`alias deactivate`" + `" == "") echo "deactivate=gone"
`},
	}
}

func TestActivationScripts(t *testing.T) {
	info := findPython(t, "")
	// A directory name that needs quoting in every shell.
	dir := filepath.Join(t.TempDir(), `my 'env' $HOME x!y`)
	v, err := Create(context.Background(), dir, info, Options{Prompt: `it's "p"`})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"venv=" + dir,
		`prompt=it's "p"`,
		`ps1=(it's "p") $ `,
		"python=" + filepath.Join(dir, "bin", "python"),
		"home=unset",
		"venv=unset",
		"prompt=unset",
		"ps1=$ ",
		"home=/ph",
		"path=restored",
		"deactivate=gone",
	}
	scripts := map[string]string{"bash": "activate", "zsh": "activate", "dash": "activate", "fish": "activate.fish", "tcsh": "activate.csh"}
	for _, sc := range shellCases() {
		t.Run(sc.shell, func(t *testing.T) {
			sh, err := exec.LookPath(sc.shell)
			if err != nil {
				t.Skipf("%s is not installed", sc.shell)
			}
			cmd := exec.Command(sh, append(sc.args, sc.script)...)
			// A short PATH: some machines have a program called deactivate
			// (pyenv-virtualenv's shim), which would hide the function's
			// removal.
			cmd.Env = append(cleanEnviron(), "PATH=/usr/bin:/bin", "ACT="+filepath.Join(v.Scheme.Scripts, scripts[sc.shell]))
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%s: %v\n%s", sc.shell, err, out)
			}
			got := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s activation (-want +got):\n%s", sc.shell, diff)
			}
		})
	}
}

func TestActivationDisablePrompt(t *testing.T) {
	info := findPython(t, "")
	v, err := Create(context.Background(), filepath.Join(t.TempDir(), "env"), info, Options{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		disable string
		want    string
	}{
		{"enabled", "", "(env) $ |$ "},
		{"disabled", "1", "$ |$ "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command("bash", "--norc", "--noprofile", "-c", `PS1='$ '; . "$ACT"; a="$PS1"; deactivate; printf '%s|%s' "$a" "$PS1"`)
			cmd.Env = append(cleanEnviron(), "ACT="+filepath.Join(v.Scheme.Scripts, "activate"), "VIRTUAL_ENV_DISABLE_PROMPT="+tc.disable)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			if string(out) != tc.want {
				t.Errorf("prompt before|after deactivate = %q, want %q", out, tc.want)
			}
		})
	}
}

// TestActivationSwitch activates one environment, then another: the second
// activation leaves the first, and deactivating restores the original PATH.
func TestActivationSwitch(t *testing.T) {
	info := findPython(t, "")
	root := t.TempDir()
	a, err := Create(context.Background(), filepath.Join(root, "a"), info, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Create(context.Background(), filepath.Join(root, "b"), info, Options{})
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", "--norc", "--noprofile", "-c", `old="$PATH"; . "$A"; . "$B"; echo "$VIRTUAL_ENV"; case "$PATH" in *"$AB"*) echo "a still on PATH";; esac; deactivate; [ "$PATH" = "$old" ] && echo restored`)
	cmd.Env = append(cleanEnviron(), "A="+filepath.Join(a.Scheme.Scripts, "activate"), "B="+filepath.Join(b.Scheme.Scripts, "activate"), "AB="+a.Scheme.Scripts)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if want := b.Dir + "\nrestored\n"; string(out) != want {
		t.Errorf("output %q, want %q", out, want)
	}
}

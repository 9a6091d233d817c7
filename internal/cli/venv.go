package cli

import (
	"context"
	"fmt"
	"io"
	"path/filepath"

	"github.com/spf13/cobra"

	"ferry/internal/interp"
	"ferry/internal/venv"
)

type venvOptions struct {
	Path               string
	Python             string
	Prompt             string
	SystemSitePackages bool
	Clear              bool
	Seed               bool
	JSON               bool
	Quiet              bool
}

func newCmdVenv(f *Factory) *cobra.Command {
	return venvCmd(f, venvRun)
}

// venvCmd builds the command; tests pass their own run to check argv →
// options alone.
func venvCmd(f *Factory, run func(context.Context, *Factory, *venvOptions) error) *cobra.Command {
	opts := &venvOptions{}
	cmd := &cobra.Command{
		Use:   "venv [PATH]",
		Short: "Create a virtual environment",
		Long: `Create a PEP 405 virtual environment at PATH (default .venv).

The environment is made directly, without running python -m venv, and has
the layout python -m venv gives the same interpreter: pyvenv.cfg, python,
python3 and python3.X, site-packages, and activation scripts for bash/zsh
(activate), fish (activate.fish), csh (activate.csh) and PowerShell
(Activate.ps1).

--python takes a version (3.12, 3.12.1, python3.12, cpython@3.12), a path
to an interpreter, or a virtual environment's directory; without it the
first python3 or python on PATH is used. pyenv's interpreters are found
too, and pyenv shims are resolved as pyenv would.`,
		Example: `  $ ferry venv
  $ ferry venv -p 3.12 --prompt myproject .venv
  $ ferry venv --clear --system-site-packages env`,
		Args: maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Path = ".venv"
			if len(args) == 1 {
				if args[0] == "" {
					return FlagErrorf("PATH must not be empty")
				}
				opts.Path = args[0]
			}
			return run(cmd.Context(), f, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.Python, "python", "p", "", "interpreter to use: a version, a path or a virtual environment")
	fl.StringVar(&opts.Prompt, "prompt", "", `prompt prefix while active (default: the directory's name; "." for the current directory's name)`)
	fl.BoolVar(&opts.SystemSitePackages, "system-site-packages", false, "give the environment access to the interpreter's site-packages")
	fl.BoolVar(&opts.Clear, "clear", false, "delete the directory's contents first")
	fl.BoolVar(&opts.Seed, "seed", false, "install pip into the environment")
	fl.BoolVar(&opts.JSON, "json", false, "print the environment's facts as JSON on stdout")
	fl.BoolVarP(&opts.Quiet, "quiet", "q", false, "print nothing but errors")
	return cmd
}

// venvJSON is the stable shape of `ferry venv --json`.
type venvJSON struct {
	Path               string        `json:"path"`
	Python             string        `json:"python"`
	Prompt             string        `json:"prompt"`
	SystemSitePackages bool          `json:"system_site_packages"`
	Implementation     string        `json:"implementation"`
	Version            string        `json:"version"`
	BaseExecutable     string        `json:"base_executable"`
	Scheme             interp.Scheme `json:"scheme"`
	Activate           string        `json:"activate"`
}

func venvRun(ctx context.Context, f *Factory, opts *venvOptions) error {
	dir := opts.Path
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(f.Dir, dir)
	}
	prompt := opts.Prompt
	if prompt == "." {
		prompt = filepath.Base(f.Dir)
	}

	info, err := interp.Find(ctx, opts.Python, interpEnv(f))
	if err != nil {
		return err
	}
	errOut := f.IO.ErrOut
	if opts.Quiet {
		errOut = io.Discard
	}
	if !opts.JSON {
		fmt.Fprintf(errOut, "Using %s\n", info)
	}
	v, err := venv.Create(ctx, dir, info, venv.Options{
		Prompt:             prompt,
		SystemSitePackages: opts.SystemSitePackages,
		Clear:              opts.Clear,
		Extra:              []venv.KeyValue{{Key: "ferry", Value: Version}},
	})
	if err != nil {
		return err
	}
	if opts.Seed {
		if !opts.JSON {
			fmt.Fprintln(errOut, "Seeding pip from the interpreter's bundled wheels")
		}
		if err := seedVenv(ctx, f, info, v.Python, opts.JSON || opts.Quiet); err != nil {
			return fmt.Errorf("seeding %s: %w", v.Dir, err)
		}
	}
	activate := filepath.Join(v.Scheme.Scripts, "activate")
	if info.IsWindows() {
		activate = filepath.Join(v.Scheme.Scripts, "Activate.ps1")
	}
	if opts.JSON {
		return writeJSON(f.IO.Out, venvJSON{
			Path:               v.Dir,
			Python:             v.Python,
			Prompt:             v.Prompt,
			SystemSitePackages: v.Config.IncludeSystemSitePackages,
			Implementation:     info.Implementation.Name,
			Version:            info.Version.String(),
			BaseExecutable:     info.BaseExecutable,
			Scheme:             v.Scheme,
			Activate:           activate,
		})
	}
	shown := opts.Path
	fmt.Fprintf(errOut, "Created virtual environment at %s\n", shown)
	rel, err := filepath.Rel(f.Dir, activate)
	if err != nil || filepath.IsAbs(opts.Path) {
		rel = activate
	}
	if info.IsWindows() {
		fmt.Fprintf(errOut, "Activate with: %s\n", rel)
	} else {
		fmt.Fprintf(errOut, "Activate with: source %s\n", rel)
	}
	return nil
}

package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"ferry/internal/install"
	"ferry/internal/pep508"
	"ferry/internal/pkgname"
	"ferry/internal/reqfile"
)

type uninstallOptions struct {
	targetOptions
	Names        []string
	Requirements []string
	Yes          bool
	Quiet        int
	Verbose      int
	DryRun       bool
	JSON         bool
}

func newCmdUninstall(f *Factory) *cobra.Command {
	return uninstallCmd(f, uninstallRun)
}

func uninstallCmd(f *Factory, run func(context.Context, *Factory, *uninstallOptions) error) *cobra.Command {
	opts := &uninstallOptions{}
	cmd := &cobra.Command{
		Use:   "uninstall [flags] NAME...",
		Short: "Remove installed distributions from an environment",
		Long: `Remove installed distributions from a Python environment.

The environment is chosen as for ferry install (--python, $VIRTUAL_ENV,
./.venv, --system, --target, --prefix, --user, --root). Files are removed
as the distribution's RECORD lists them (installed-files.txt for legacy
.egg-info installs; the .egg-link file and its easy-install.pth line for
"setup.py develop" installs), with their bytecode. A recorded path outside
the environment is never removed. A name that is not installed is skipped
with a warning, as pip does. Removal is one transaction: if it fails or is
killed, the environment is as before.

There is no confirmation prompt; -y is accepted for pip compatibility.`,
		Example: `  $ ferry uninstall requests
  $ ferry uninstall -p .venv -r requirements.txt`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Names = args
			if len(args) == 0 && len(opts.Requirements) == 0 {
				return FlagErrorf("nothing to uninstall: give names or -r FILE")
			}
			if err := opts.check(); err != nil {
				return err
			}
			return run(cmd.Context(), f, opts)
		},
	}
	opts.addFlags(cmd)
	fl := cmd.Flags()
	fl.StringArrayVarP(&opts.Requirements, "requirement", "r", nil, "uninstall the projects a requirements file names")
	fl.BoolVarP(&opts.Yes, "yes", "y", false, "do not ask for confirmation (ferry never asks)")
	fl.CountVarP(&opts.Quiet, "quiet", "q", "print less")
	fl.CountVarP(&opts.Verbose, "verbose", "v", "print more")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "say what would be removed without removing it")
	fl.BoolVar(&opts.JSON, "json", false, "print what was removed as JSON on stdout")
	return cmd
}

// uninstallNames returns the normalized project names to remove, in order.
func uninstallNames(ctx context.Context, f *Factory, opts *uninstallOptions) ([]pkgname.Name, error) {
	var out []pkgname.Name
	seen := map[pkgname.Name]bool{}
	var errs []error
	add := func(s string) {
		r, err := pep508.Parse(s)
		if err != nil {
			errs = append(errs, fmt.Errorf("invalid requirement %q: %w", s, err))
			return
		}
		if !seen[r.Normalized] {
			seen[r.Normalized] = true
			out = append(out, r.Normalized)
		}
	}
	for _, n := range opts.Names {
		add(n)
	}
	for _, r := range opts.Requirements {
		name := r
		if !filepath.IsAbs(name) && !strings.Contains(name, "://") {
			name = filepath.Join(f.Dir, name)
		}
		rf, err := reqfile.Parse(ctx, name, reqfile.FSOpener{FS: os.DirFS("/")}, &reqfile.Options{Getenv: func(k string) (string, bool) {
			v := f.Getenv(k)
			return v, v != ""
		}})
		if err != nil {
			return nil, err
		}
		for _, req := range rf.Requirements {
			if req.Req.Normalized == "" {
				errs = append(errs, fmt.Errorf("%s: cannot tell which project %q names", req.Pos, req.Text))
				continue
			}
			if !seen[req.Req.Normalized] {
				seen[req.Req.Normalized] = true
				out = append(out, req.Req.Normalized)
			}
		}
	}
	return out, errors.Join(errs...)
}

// uninstallJSON is the stable shape of `ferry uninstall --json`.
type uninstallJSON struct {
	Target   string            `json:"target"`
	DryRun   bool              `json:"dry_run"`
	Removed  []install.DistRef `json:"removed"`
	Skipped  []string          `json:"skipped"`
	Warnings []string          `json:"warnings"`
}

func uninstallRun(ctx context.Context, f *Factory, opts *uninstallOptions) error {
	start := time.Now()
	names, err := uninstallNames(ctx, f, opts)
	if err != nil {
		return err
	}
	l, _, err := resolveLayout(ctx, f, &opts.targetOptions)
	if err != nil {
		return err
	}
	errOut := f.IO.ErrOut
	if opts.Quiet > 0 || opts.JSON {
		errOut = io.Discard
	}
	env, err := install.OpenEnv(ctx, l)
	if err != nil {
		return err
	}
	defer env.Close()
	for _, id := range env.Recovered {
		fmt.Fprintf(f.IO.ErrOut, "warning: repaired an interrupted transaction (%s) in %s\n", id, l.Description)
	}
	out := uninstallJSON{Target: l.Description, DryRun: opts.DryRun, Removed: []install.DistRef{}, Skipped: []string{}, Warnings: []string{}}
	var txn install.Txn
	for _, n := range names {
		ds := env.Inventory().Lookup(n)
		if len(ds) == 0 {
			out.Skipped = append(out.Skipped, string(n))
			fmt.Fprintf(f.IO.ErrOut, "warning: Skipping %s as it is not installed.\n", n)
			continue
		}
		txn.Remove = append(txn.Remove, ds...)
	}
	if len(txn.Remove) > 0 {
		var rep *install.Report
		if opts.DryRun {
			rep, err = env.Preview(txn, install.Options{})
		} else {
			rep, err = env.Apply(ctx, txn, install.Options{})
		}
		if err != nil {
			return err
		}
		out.Removed = rep.Removed
		out.Warnings = append(out.Warnings, rep.Warnings...)
		for _, w := range rep.Warnings {
			fmt.Fprintf(f.IO.ErrOut, "warning: %s\n", w)
		}
	}
	if opts.JSON {
		return writeJSON(f.IO.Out, out)
	}
	if len(out.Removed) == 0 {
		return nil
	}
	if opts.DryRun {
		fmt.Fprintf(errOut, "Would uninstall %d package%s\n", len(out.Removed), plural(len(out.Removed)))
	} else {
		fmt.Fprintf(errOut, "Uninstalled %d package%s in %s\n", len(out.Removed), plural(len(out.Removed)), ms(time.Since(start)))
	}
	printChanges(errOut, out.Removed, nil)
	return nil
}

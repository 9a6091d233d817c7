package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"ferry/internal/install"
)

type checkOptions struct {
	inspectOptions
	JSON bool
}

func newCmdCheck(f *Factory) *cobra.Command {
	return checkCmd(f, checkRun)
}

func checkCmd(f *Factory, run func(context.Context, *Factory, *checkOptions) error) *cobra.Command {
	opts := &checkOptions{}
	cmd := &cobra.Command{
		Use:   "check [flags]",
		Short: "Verify that installed distributions have compatible dependencies",
		Long: `Check that the requirements of every installed distribution are met, as
pip check does.

The environment is chosen as for ferry list. Each distribution's
requirements whose markers hold for the interpreter (with no extra) must
name an installed project whose version satisfies them, pre-releases
included. Problems are printed as pip prints them, missing requirements
first, then conflicts, then distributions whose WHEEL tags the
interpreter does not support (as pip 23.3 and later report):

  name version requires dep, which is not installed.
  name version has requirement dep>=2, but you have dep 1.0.
  name version is not supported on this platform

Within each kind, problems are grouped by distribution in the order
they are found on sys.path, by name within a directory (pip follows the
directory listing's order there).

Without problems it prints "No broken requirements found.". The exit
status is 1 when anything is broken, including a distribution whose
requirements cannot be read (reported on stderr), else 0.

--json prints {"ok": bool, "missing": [...], "conflicts": [...],
"unsupported": [...], "errors": [...]} instead, with the same exit
status: missing entries have "name", "version", "requirement" and
"dependency"; conflicts add "installed_version"; unsupported entries have
"name", "version" and "tags"; errors are messages.`,
		Example: `  $ ferry check
  $ ferry check -p .venv --json`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.check(); err != nil {
				return err
			}
			return run(cmd.Context(), f, opts)
		},
	}
	opts.addFlags(cmd, false)
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the problems as JSON on stdout")
	return cmd
}

// checkJSON is the stable shape of ferry check --json.
type checkJSON struct {
	OK          bool               `json:"ok"`
	Missing     []checkRequirement `json:"missing"`
	Conflicts   []checkRequirement `json:"conflicts"`
	Unsupported []checkPlatform    `json:"unsupported"`
	Errors      []string           `json:"errors"`
}

type checkRequirement struct {
	Name        string `json:"name"`
	Version     string `json:"version"`
	Requirement string `json:"requirement"`
	// Dependency is the required project, normalized.
	Dependency       string `json:"dependency"`
	InstalledVersion string `json:"installed_version,omitempty"`
}

type checkPlatform struct {
	Name    string   `json:"name"`
	Version string   `json:"version"`
	Tags    []string `json:"tags"`
}

func checkRun(ctx context.Context, f *Factory, opts *checkOptions) error {
	in, err := inspectEnv(ctx, f, &opts.inspectOptions)
	if err != nil {
		return err
	}
	return checkPrint(f, in, opts)
}

// checkPrint checks an environment read already.
func checkPrint(f *Factory, in *inspected, opts *checkOptions) error {
	all := in.dists(false, opts.User)
	rep := install.CheckDependencies(all, in.markers)
	var local []*install.Installed
	for _, d := range in.dists(true, opts.User) {
		if !isStdlibName(d.Name) {
			local = append(local, d)
		}
	}
	supported, err := in.supportedTags()
	if err != nil {
		return err
	}
	unsupported := install.CheckPlatform(local, supported)
	out := checkJSON{
		OK:      rep.OK() && len(unsupported) == 0,
		Missing: []checkRequirement{}, Conflicts: []checkRequirement{},
		Unsupported: []checkPlatform{}, Errors: []string{},
	}
	for _, e := range rep.Errors {
		out.Errors = append(out.Errors, e.Error())
		if !opts.JSON {
			fmt.Fprintf(f.IO.ErrOut, "WARNING: Error parsing requirements for %v\n", e)
		}
	}
	w := f.IO.Out
	for _, m := range rep.Missing {
		out.Missing = append(out.Missing, checkRequirement{Name: string(m.Dist.Name), Version: m.Dist.Version, Requirement: m.Req.String(), Dependency: string(m.Name)})
		if !opts.JSON {
			fmt.Fprintf(w, "%s %s requires %s, which is not installed.\n", m.Dist.Name, m.Dist.Version, m.Name)
		}
	}
	for _, c := range rep.Conflicts {
		out.Conflicts = append(out.Conflicts, checkRequirement{Name: string(c.Dist.Name), Version: c.Dist.Version, Requirement: c.Req.String(), Dependency: string(c.Name), InstalledVersion: c.Installed.Version})
		if !opts.JSON {
			fmt.Fprintf(w, "%s %s has requirement %s, but you have %s %s.\n", c.Dist.Name, c.Dist.Version, c.Req.String(), c.Name, c.Installed.Version)
		}
	}
	for _, u := range unsupported {
		p := checkPlatform{Name: u.Dist.RawName, Version: u.Dist.Version, Tags: []string{}}
		for _, t := range u.Tags {
			p.Tags = append(p.Tags, t.String())
		}
		out.Unsupported = append(out.Unsupported, p)
		if !opts.JSON {
			fmt.Fprintf(w, "%s %s is not supported on this platform\n", u.Dist.RawName, u.Dist.Version)
		}
	}
	if opts.JSON {
		if err := writeJSON(w, out); err != nil {
			return err
		}
	} else if out.OK {
		fmt.Fprintln(w, "No broken requirements found.")
	}
	if !out.OK {
		return errSilent
	}
	return nil
}

package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"ferry/internal/deploy"
)

type deployOptions struct {
	Artifact              string
	To                    string
	Keep                  int
	Hook                  string
	RollbackOnHookFailure bool
	Wait                  time.Duration
	Quiet                 int
	JSON                  bool
}

func newCmdDeploy(f *Factory) *cobra.Command {
	return deployCmd(f, deployRun)
}

// deployCmd builds the command; tests pass their own run to check argv →
// options alone.
func deployCmd(f *Factory, run func(context.Context, *Factory, *deployOptions) error) *cobra.Command {
	opts := &deployOptions{}
	cmd := &cobra.Command{
		Use:   "deploy ARTIFACT --to DIR [flags]",
		Short: "Install a release archive into a deploy directory and make it current",
		Long: `Install a release archive (ferry bundle --format tar.gz) into DIR and switch
DIR/current to it atomically.

The archive is checked completely before anything changes: every member
(no absolute paths, no "..", no links leaving the release), RELEASE.json,
and the content hash it states. A corrupt or tampered archive is refused
and DIR is left as it was. The release is unpacked into
DIR/releases/VERSION-HASH through a temporary directory, then DIR/current
is replaced by a new symbolic link in one rename: a program that resolves
DIR/current always finds a complete release.

--hook runs a command (through sh -c, in DIR) after the switch, with
FERRY_RELEASE, FERRY_RELEASE_DIR, FERRY_RELEASE_VERSION,
FERRY_PREVIOUS_RELEASE and FERRY_DEPLOY_DIR set: typically a service
restart. When it fails, its output is shown and ferry exits with status 1;
the new release stays current unless --rollback-on-hook-failure, which
switches back and runs the hook again for the previous release.

The newest --keep releases are kept (the current one and the one before
it always are). A lock in DIR makes concurrent deploys and rollbacks wait
(--wait) or fail. No network is used.`,
		Example: `  $ ferry deploy app-1.2.tar.gz --to /srv/app
  $ ferry deploy app-1.2.tar.gz --to /srv/app --keep 3 --hook "systemctl restart app"
  $ ferry rollback --to /srv/app`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Artifact = args[0]
			if opts.To == "" {
				return FlagErrorf("--to DIR is required: the deploy directory")
			}
			if opts.Keep < 0 {
				return FlagErrorf("--keep: want a positive number, not %d", opts.Keep)
			}
			if opts.RollbackOnHookFailure && opts.Hook == "" {
				return FlagErrorf("--rollback-on-hook-failure needs --hook")
			}
			return run(cmd.Context(), f, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.To, "to", "", "the deploy directory (created if needed)")
	fl.IntVar(&opts.Keep, "keep", deploy.DefaultKeep, "how many releases to keep")
	fl.StringVar(&opts.Hook, "hook", "", "a shell command to run after the switch")
	fl.BoolVar(&opts.RollbackOnHookFailure, "rollback-on-hook-failure", false, "switch back to the previous release when the hook fails")
	fl.DurationVar(&opts.Wait, "wait", 0, "how long to wait for another deploy or rollback in DIR to finish")
	fl.CountVarP(&opts.Quiet, "quiet", "q", "print less")
	fl.BoolVar(&opts.JSON, "json", false, "print what was done as JSON on stdout")
	return cmd
}

func deployRun(ctx context.Context, f *Factory, opts *deployOptions) error {
	artifact := opts.Artifact
	if !filepath.IsAbs(artifact) {
		artifact = filepath.Join(f.Dir, artifact)
	}
	dopts := deployEngineOptions(f, opts.Keep, opts.Hook, opts.RollbackOnHookFailure, opts.Wait, opts.Quiet > 0 || opts.JSON)
	res, err := deploy.Deploy(ctx, absPath(f, opts.To), artifact, dopts)
	return reportDeploy(f, "Deployed", res, err, opts.Quiet > 0, opts.JSON)
}

// deployEngineOptions are the engine's options; the hook's output goes to
// stderr as it runs unless quiet.
func deployEngineOptions(f *Factory, keep int, hook string, rollback bool, wait time.Duration, quiet bool) deploy.Options {
	var env []string
	if f.Environ != nil {
		env = f.Environ()
	}
	o := deploy.Options{
		Keep:                  keep,
		Hook:                  hook,
		RollbackOnHookFailure: rollback,
		Environ:               env,
		LockWait:              wait,
	}
	if !quiet {
		o.HookOutput = f.IO.ErrOut
	}
	return o
}

func absPath(f *Factory, p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(f.Dir, p)
}

// deployJSON is the stable shape of `ferry deploy --json` and `ferry
// rollback --json`.
type deployJSON struct {
	*deploy.Result
	Error string `json:"error,omitempty"`
}

// reportDeploy prints a deploy or rollback result; a hook failure is
// exit status 1 after the result.
func reportDeploy(f *Factory, verb string, res *deploy.Result, err error, quiet, asJSON bool) error {
	var hookErr *deploy.HookError
	if err != nil && !errors.As(err, &hookErr) || res == nil {
		return err
	}
	if asJSON {
		out := deployJSON{Result: res}
		if err != nil {
			out.Error = err.Error()
		}
		if werr := writeJSON(f.IO.Out, out); werr != nil {
			return werr
		}
		if err != nil {
			return &ExitError{Code: ExitFailure, Err: errSilent}
		}
		return nil
	}
	var w io.Writer = f.IO.ErrOut
	if quiet {
		w = io.Discard
	}
	switch {
	case res.RolledBack:
		fmt.Fprintf(w, "Switched back to %s in %s\n", res.Release, res.Dir)
	case res.Previous == res.Release:
		fmt.Fprintf(w, "%s is current already in %s\n", res.Release, res.Dir)
	default:
		from := ""
		if res.Previous != "" {
			from = " (was " + res.Previous + ")"
		}
		reused := ""
		if res.Reused {
			reused = ", already unpacked"
		}
		if verb == "Rolled back" {
			fmt.Fprintf(w, "Rolled back %s to %s%s\n", res.Dir, res.Release, from)
		} else {
			fmt.Fprintf(w, "%s %s to %s%s%s\n", verb, res.Release, res.Dir, reused, from)
		}
	}
	for _, r := range res.Removed {
		fmt.Fprintf(w, "Removed old release %s\n", r)
	}
	if hookErr != nil && quiet {
		// The output was not shown as the hook ran.
		if out := strings.TrimRight(hookErr.Run.Output, "\n"); out != "" {
			return fmt.Errorf("%w\n%s", err, out)
		}
	}
	return err
}

type rollbackOptions struct {
	To                    string
	Release               string
	Hook                  string
	RollbackOnHookFailure bool
	Wait                  time.Duration
	List                  bool
	Quiet                 int
	JSON                  bool
}

func newCmdRollback(f *Factory) *cobra.Command {
	return rollbackCmd(f, rollbackRun)
}

// rollbackCmd builds the command; tests pass their own run.
func rollbackCmd(f *Factory, run func(context.Context, *Factory, *rollbackOptions) error) *cobra.Command {
	opts := &rollbackOptions{}
	cmd := &cobra.Command{
		Use:   "rollback --to DIR [flags]",
		Short: "Switch a deploy directory back to the previous release",
		Long: `Switch DIR/current back to the release deployed before the current one
(or to the release --to-release names), atomically, as ferry deploy
switches. Nothing is removed. --list shows the releases in deploy order.

--hook and --rollback-on-hook-failure work as for ferry deploy.`,
		Example: `  $ ferry rollback --to /srv/app
  $ ferry rollback --to /srv/app --to-release 1.1-0123456789ab
  $ ferry rollback --to /srv/app --list`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.To == "" {
				return FlagErrorf("--to DIR is required: the deploy directory")
			}
			if opts.RollbackOnHookFailure && opts.Hook == "" {
				return FlagErrorf("--rollback-on-hook-failure needs --hook")
			}
			if opts.List && (opts.Release != "" || opts.Hook != "") {
				return FlagErrorf("--list changes nothing: it takes no --to-release or --hook")
			}
			return run(cmd.Context(), f, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.To, "to", "", "the deploy directory")
	fl.StringVar(&opts.Release, "to-release", "", "switch to this release (a directory name in DIR/releases)")
	fl.StringVar(&opts.Hook, "hook", "", "a shell command to run after the switch")
	fl.BoolVar(&opts.RollbackOnHookFailure, "rollback-on-hook-failure", false, "switch back when the hook fails")
	fl.DurationVar(&opts.Wait, "wait", 0, "how long to wait for another deploy or rollback in DIR to finish")
	fl.BoolVar(&opts.List, "list", false, "list the releases (the current one marked) and change nothing")
	fl.CountVarP(&opts.Quiet, "quiet", "q", "print less")
	fl.BoolVar(&opts.JSON, "json", false, "print what was done as JSON on stdout")
	return cmd
}

// releaseListJSON is `ferry rollback --list --json`.
type releaseListJSON struct {
	Dir      string                `json:"dir"`
	Current  string                `json:"current"`
	Releases []deploy.StateRelease `json:"releases"`
}

func rollbackRun(ctx context.Context, f *Factory, opts *rollbackOptions) error {
	dir := absPath(f, opts.To)
	if opts.List {
		st, err := deploy.ReadState(dir)
		if err != nil {
			return err
		}
		cur, err := deploy.Current(dir)
		if err != nil {
			return err
		}
		if opts.JSON {
			rels := st.Releases
			if rels == nil {
				rels = []deploy.StateRelease{}
			}
			return writeJSON(f.IO.Out, releaseListJSON{Dir: dir, Current: cur, Releases: rels})
		}
		for _, r := range st.Releases {
			mark := " "
			if r.Name == cur {
				mark = "*"
			}
			fmt.Fprintf(f.IO.Out, "%s %s  %s\n", mark, r.Name, r.Deployed.Format(time.RFC3339))
		}
		return nil
	}
	dopts := deployEngineOptions(f, 0, opts.Hook, opts.RollbackOnHookFailure, opts.Wait, opts.Quiet > 0 || opts.JSON)
	res, err := deploy.Rollback(ctx, dir, opts.Release, dopts)
	return reportDeploy(f, "Rolled back", res, err, opts.Quiet > 0, opts.JSON)
}

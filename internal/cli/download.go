package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"ferry/internal/fsx"
	"ferry/internal/interp"
	"ferry/internal/project"
)

// fetchOptions are the options of `ferry download` and `ferry wheel`:
// resolve like install, then put files in a directory instead of an
// environment.
type fetchOptions struct {
	net      netOptions
	resolve  resolveFlags
	override overrideFlags
	build    buildFlagOptions
	inputSources
	Python string
	Dest   string
	Quiet  int
	JSON   bool
	// wheels makes every file a wheel, building sources (ferry wheel).
	wheels bool
}

func newCmdDownload(f *Factory) *cobra.Command {
	return fetchCmd(f, false, fetchRun)
}

func newCmdWheel(f *Factory) *cobra.Command {
	return fetchCmd(f, true, fetchRun)
}

func fetchCmd(f *Factory, wheels bool, run func(context.Context, *Factory, *fetchOptions) error) *cobra.Command {
	opts := &fetchOptions{wheels: wheels}
	cmd := &cobra.Command{
		Use:   "download [flags] [REQUIREMENT | PATH | URL]...",
		Short: "Resolve requirements and download their files into a directory",
		Long: `Resolve requirements with their dependencies and save every chosen
distribution file (wheels, and sources where no wheel fits) into a
directory, as pip download does: the input of an offline install
(ferry install --no-index --find-links DIR) or of ferry index.

--python-version, --platform, --implementation and --abi resolve for
another machine; with them, only wheels are used (--only-binary :all:),
since sources cannot be checked for a platform they are not built on.`,
		Example: `  $ ferry download -d wheelhouse -r requirements.txt
  $ ferry download -d linux --python-version 3.12 --platform manylinux_2_17_x86_64 "numpy<2"`,
	}
	if wheels {
		cmd.Use = "wheel [flags] [REQUIREMENT | PATH | URL]..."
		cmd.Short = "Build a wheelhouse: a wheel of every requirement and dependency"
		cmd.Long = `Resolve requirements with their dependencies and put a wheel of every
one into a directory, as pip wheel does: wheels from the index are
downloaded, sources and local projects are built. The directory is a
wheelhouse for offline installs and for ferry index.`
		cmd.Example = `  $ ferry wheel -w wheelhouse -r requirements.txt
  $ ferry wheel -w dist --no-deps .`
	}
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		opts.Args = args
		opts.net.record(cmd)
		if len(args) == 0 && len(opts.Requirement) == 0 {
			return FlagErrorf("nothing to %s: give requirements, paths or -r FILE", map[bool]string{false: "download", true: "build"}[wheels])
		}
		return run(cmd.Context(), f, opts)
	}
	opts.net.addFlags(cmd)
	opts.resolve.addFlags(cmd, false)
	opts.override.addFlags(cmd)
	opts.build.addFlags(cmd)
	fl := cmd.Flags()
	fl.StringArrayVarP(&opts.Requirement, "requirement", "r", nil, "the requirements this file lists (a path or URL)")
	fl.StringArrayVarP(&opts.Constraint, "constraint", "c", nil, "constrain versions with this file's requirements")
	fl.StringVarP(&opts.Python, "python", "p", "", "resolve for this interpreter's environment markers and tags (default: the first python3 on PATH)")
	if wheels {
		fl.StringVarP(&opts.Dest, "wheel-dir", "w", ".", "the directory to put the wheels in")
	} else {
		fl.StringVarP(&opts.Dest, "dest", "d", ".", "the directory to save the files in")
	}
	fl.CountVarP(&opts.Quiet, "quiet", "q", "print less")
	fl.BoolVar(&opts.JSON, "json", false, "print the saved files as JSON on stdout")
	return cmd
}

// savedFile is one file in the --json output.
type savedFile struct {
	Name     string `json:"name"`
	Version  string `json:"version"`
	Filename string `json:"filename"`
	Path     string `json:"path"`
	SHA256   string `json:"sha256"`
	Built    bool   `json:"built,omitempty"`
}

func fetchRun(ctx context.Context, f *Factory, opts *fetchOptions) error {
	errOut := f.IO.ErrOut
	quiet := opts.Quiet > 0 || opts.JSON
	if quiet {
		errOut = io.Discard
	}
	set, err := readInputs(ctx, f, opts.inputSources)
	if err != nil {
		return err
	}
	ropts, err := opts.resolve.options(set)
	if err != nil {
		return err
	}
	ov := opts.override.override()
	if !ov.IsZero() && len(ropts.Formats.OnlyBinary) == 0 && !opts.wheels {
		ropts.Formats.OnlyBinary = []string{":all:"}
	}
	info, err := interp.Find(ctx, opts.Python, interpEnv(f))
	if err != nil {
		return err
	}
	target, err := project.NewTarget(info, ov)
	if err != nil {
		return err
	}
	command := "download"
	if opts.wheels {
		command = "wheel"
	}
	s, done, err := openSession(f, &opts.net, command, "", set.Layer)
	if err != nil {
		return err
	}
	defer done()
	s.Builder = newBuilderWith(ctx, f, s, info, opts.build)
	plan, err := s.Resolve(ctx, target, set.Request, nil, ropts)
	if err != nil {
		if expl, ok := project.IsNoSolution(err); ok {
			fmt.Fprintf(f.IO.ErrOut, "error: no solution: the requirements conflict.\n\n%s\n", indent(expl, "  "))
			return &ExitError{Code: ExitFailure, Err: errSilent}
		}
		return err
	}
	dest := opts.Dest
	if !filepath.IsAbs(dest) {
		dest = filepath.Join(f.Dir, dest)
	}
	if err := os.MkdirAll(dest, 0o755); err != nil {
		return err
	}
	var saved []savedFile
	if opts.wheels {
		wheels, err := s.Wheels(ctx, plan, 0)
		if err != nil {
			return err
		}
		for _, w := range wheels {
			p := filepath.Join(dest, w.Filename)
			if err := copyFile(w.Path, p); err != nil {
				return err
			}
			saved = append(saved, savedFile{Name: string(w.Item.Name), Version: w.Item.Version.String(), Filename: w.Filename, Path: p, SHA256: w.SHA256, Built: w.Built})
		}
	} else {
		res, err := s.FetchFiles(ctx, plan)
		if err != nil {
			return err
		}
		i := 0
		for _, it := range plan.Items {
			if it.Choice == nil || it.Choice.SourceDir != "" {
				fmt.Fprintf(f.IO.ErrOut, "warning: %s is a local project; nothing to download\n", it.Name)
				continue
			}
			r := res[i]
			i++
			p := filepath.Join(dest, r.Filename)
			if err := copyFile(r.Path, p); err != nil {
				return err
			}
			saved = append(saved, savedFile{Name: string(it.Name), Version: it.Version.String(), Filename: r.Filename, Path: p, SHA256: r.SHA256})
		}
	}
	if opts.JSON {
		if saved == nil {
			saved = []savedFile{}
		}
		return writeJSON(f.IO.Out, saved)
	}
	for _, sf := range saved {
		fmt.Fprintf(errOut, "Saved %s\n", relTo(f.Dir, sf.Path))
	}
	verb := "Downloaded"
	if opts.wheels {
		verb = "Collected"
	}
	fmt.Fprintf(errOut, "%s %d file%s into %s\n", verb, len(saved), plural(len(saved)), relTo(f.Dir, dest))
	return nil
}

// copyFile copies src to dst atomically (dst is replaced).
func copyFile(src, dst string) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return fsx.WriteFileAtomic(dst, data, 0o644)
}

func relTo(dir, p string) string {
	if r, err := filepath.Rel(dir, p); err == nil && !filepath.IsAbs(r) && len(r) < len(p) {
		return r
	}
	return p
}

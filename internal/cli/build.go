package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"ferry/internal/backend"
	"ferry/internal/build"
	"ferry/internal/sdist"
)

type buildOptions struct {
	Path           string
	Sdist          bool
	Wheel          bool
	OutDir         string
	ConfigSettings []string
	Backend        string
	// TagBuild, TagDate and UseGit are nil unless given.
	TagBuild    *string
	TagDate     *bool
	UseGit      *bool
	SdistFormat string
	JSON        bool
	// Editable builds only the PEP 660 editable wheel (hidden: the
	// build_editable hook of ferry's Python shim).
	Editable bool
	// Declared backends: the interpreter, isolation, the index of the
	// build requirements and -v (stream the backend's output).
	Python         string
	NoIsolation    bool
	Verbose        int
	Quiet          int
	IndexURL       string
	ExtraIndexURLs []string
	FindLinks      []string
	NoIndex        bool
}

func newCmdBuild(f *Factory) *cobra.Command {
	return buildCmd(f, buildRun)
}

// buildCmd builds the command; tests pass their own run to check argv →
// options alone.
func buildCmd(f *Factory, run func(context.Context, *Factory, *buildOptions) error) *cobra.Command {
	opts := &buildOptions{}
	var tagBuild string
	var tagDate, useGit bool
	cmd := &cobra.Command{
		Use:   "build [PATH]",
		Short: "Build an sdist and a wheel",
		Long: `Build the source distribution and the wheel of the project at PATH
(default: the current directory) into DIR (default: PATH/dist).

Without --sdist or --wheel, the sdist is built first and the wheel is built
from the unpacked sdist, so a file the sdist leaves out fails the build
instead of the user's install. --sdist or --wheel alone builds only that,
the wheel straight from the source tree; both build each from the tree.

ferry's native backend builds the project when pyproject.toml names it
(build-backend = "ferry.backend"), or when there is no [build-system]
table and setup.py is absent or only calls setup(); everything else needs
the project's declared PEP 517 backend. --backend native|declared
overrides the choice.

The build is reproducible: with SOURCE_DATE_EPOCH set, the same source
gives the same bytes (without it, archive times are 1980-01-01).

Config settings (-C key=value) are passed to the backend; the native
backend knows tag-build, tag-date, use-git and sdist-format.`,
		Example: `  $ ferry build
  $ ferry build --wheel -o wheelhouse
  $ ferry build --tag-build .dev --tag-date
  $ ferry build -C sdist-format=zip --sdist path/to/project`,
		Args: maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Path = "."
			if len(args) == 1 {
				if args[0] == "" {
					return FlagErrorf("PATH must not be empty")
				}
				opts.Path = args[0]
			}
			if _, _, err := backend.ParsePath(opts.Backend); err != nil {
				return &FlagError{Err: err}
			}
			if opts.SdistFormat != "" {
				if _, err := sdist.ParseFormat(opts.SdistFormat); err != nil {
					return &FlagError{Err: err}
				}
			}
			for _, kv := range opts.ConfigSettings {
				if k, _, _ := strings.Cut(kv, "="); k == "" {
					return FlagErrorf("--config-setting %q: want KEY=VALUE", kv)
				}
			}
			fl := cmd.Flags()
			if fl.Changed("tag-build") {
				opts.TagBuild = &tagBuild
			}
			if fl.Changed("tag-date") {
				opts.TagDate = &tagDate
			}
			if fl.Changed("use-git") {
				opts.UseGit = &useGit
			}
			if opts.Editable && (opts.Sdist || opts.Wheel) {
				return FlagErrorf("--editable excludes --sdist and --wheel")
			}
			return run(cmd.Context(), f, opts)
		},
	}
	fl := cmd.Flags()
	fl.BoolVarP(&opts.Sdist, "sdist", "s", false, "build the sdist")
	fl.BoolVarP(&opts.Wheel, "wheel", "w", false, "build the wheel (from the source tree)")
	fl.StringVarP(&opts.OutDir, "outdir", "o", "", "write the files to `DIR` (default: PATH/dist)")
	fl.StringArrayVarP(&opts.ConfigSettings, "config-setting", "C", nil, "pass `KEY=VALUE` to the backend (repeatable)")
	fl.StringVar(&opts.Backend, "backend", "", "build with the `native` backend or the project's `declared` one (default: chosen per project)")
	fl.StringVar(&tagBuild, "tag-build", "", "append `TAG` to the version (egg_info --tag-build: .dev, .post1 ...)")
	fl.BoolVar(&tagDate, "tag-date", false, "append the build date YYYYMMDD to the version (egg_info --tag-date)")
	fl.BoolVar(&useGit, "use-git", false, "add the files git tracks to the sdist")
	fl.StringVar(&opts.SdistFormat, "sdist-format", "", "sdist archive `FORMAT`: tar.gz (default) or zip")
	fl.BoolVar(&opts.JSON, "json", false, "list the built files as JSON on stdout")
	fl.BoolVar(&opts.Editable, "editable", false, "build only the PEP 660 editable wheel")
	_ = fl.MarkHidden("editable")
	fl.StringVarP(&opts.Python, "python", "p", "", "run a declared backend with this interpreter (default: the active or ./.venv environment's, else the first on PATH)")
	fl.BoolVar(&opts.NoIsolation, "no-build-isolation", false, "run a declared backend in that interpreter as it is, without an isolated build environment")
	fl.CountVarP(&opts.Verbose, "verbose", "v", "show a declared backend's output as it runs")
	fl.CountVarP(&opts.Quiet, "quiet", "q", "print only warnings and errors")
	fl.StringVarP(&opts.IndexURL, "index-url", "i", "", "the index of the build requirements (default https://pypi.org/simple/, or pip's configured one)")
	fl.StringArrayVar(&opts.ExtraIndexURLs, "extra-index-url", nil, "another index for the build requirements")
	fl.StringArrayVarP(&opts.FindLinks, "find-links", "f", nil, "a directory or HTML page of build requirement files to consider too")
	fl.BoolVar(&opts.NoIndex, "no-index", false, "consult no index for build requirements (only --find-links)")
	return cmd
}

// buildFileJSON is one entry of `ferry build --json`.
type buildFileJSON struct {
	Kind     string `json:"kind"`
	Path     string `json:"path"`
	Filename string `json:"filename"`
	Size     int64  `json:"size"`
	SHA256   string `json:"sha256"`
}

// buildJSON is the stable shape of `ferry build --json`.
type buildJSON struct {
	Backend string          `json:"backend"`
	Files   []buildFileJSON `json:"files"`
}

// sourceDateEpoch reads SOURCE_DATE_EPOCH: the archive time and the
// build date, or the zero time and now when it is unset.
func sourceDateEpoch(f *Factory) (mtime, date time.Time, err error) {
	s := strings.TrimSpace(f.Getenv("SOURCE_DATE_EPOCH"))
	if s == "" {
		return time.Time{}, time.Now().UTC(), nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return time.Time{}, time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH=%q is not a number of seconds", s)
	}
	t := time.Unix(n, 0).UTC()
	return t, t, nil
}

func parseConfigSettings(list []string) backend.ConfigSettings {
	cs := backend.ConfigSettings{}
	for _, kv := range list {
		k, v, _ := strings.Cut(kv, "=")
		cs[k] = append(cs[k], v)
	}
	return cs
}

// buildOpener returns the hooks for a directory: the native backend, or
// for a project that needs its declared backend a NeedsDeclaredError
// (buildOpenerWith runs it through the PEP 517 frontend). forced is the
// --backend choice.
func buildOpener(o backend.Options, path backend.Path, forced bool, chosen *backend.Path) backend.Opener {
	return buildOpenerWith(o, path, forced, chosen, nil)
}

// buildOpenerWith is buildOpener with the PEP 517 frontend that runs
// declared backends (opened on first use; nil: none).
func buildOpenerWith(o backend.Options, path backend.Path, forced bool, chosen *backend.Path, frontend func(context.Context) (*build.Frontend, error)) backend.Opener {
	return func(ctx context.Context, dir string) (backend.Hooks, error) {
		choice, err := backend.Choose(os.DirFS(dir))
		if err != nil && !(forced && path == backend.Native) {
			return nil, err
		}
		if forced {
			choice.Path = path
			choice.Reason = "--backend " + path.String()
		}
		*chosen = choice.Path
		if choice.Path == backend.Declared {
			if frontend == nil {
				return nil, &backend.NeedsDeclaredError{Backend: choice.BuildSystem.Backend, Reason: choice.Reason}
			}
			fe, err := frontend(ctx)
			if err != nil {
				return nil, err
			}
			return fe.Project(dir, choice.BuildSystem)
		}
		return &backend.NativeHooks{Dir: dir, Options: o}, nil
	}
}

func buildRun(ctx context.Context, f *Factory, opts *buildOptions) error {
	dir := opts.Path
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(f.Dir, dir)
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return fmt.Errorf("%s is not a project directory", opts.Path)
	}
	out := filepath.Join(dir, "dist")
	if opts.OutDir != "" {
		out = opts.OutDir
		if !filepath.IsAbs(out) {
			out = filepath.Join(f.Dir, out)
		}
	}
	mtime, date, err := sourceDateEpoch(f)
	if err != nil {
		return err
	}
	o := backend.Options{
		Mtime:     mtime,
		Date:      date,
		TagBuild:  opts.TagBuild,
		TagDate:   opts.TagDate,
		UseGit:    opts.UseGit,
		Generator: "ferry (" + Version + ")",
		Warnf: func(format string, args ...any) {
			fmt.Fprintf(f.IO.ErrOut, "warning: %s\n", fmt.Sprintf(format, args...))
		},
	}
	if opts.SdistFormat != "" {
		o.SdistFormat, _ = sdist.ParseFormat(opts.SdistFormat)
	}
	path, forced, _ := backend.ParsePath(opts.Backend)
	mode := backend.SdistThenWheel
	switch {
	case opts.Sdist && opts.Wheel:
		mode = backend.SdistAndWheel
	case opts.Sdist:
		mode = backend.SdistOnly
	case opts.Wheel:
		mode = backend.WheelOnly
	}
	var chosen backend.Path
	declared := &declaredFrontend{f: f, opts: opts}
	defer declared.close()
	open := buildOpenerWith(o, path, forced, &chosen, declared.get)
	var arts []backend.Artifact
	if opts.Editable {
		arts, err = buildEditable(ctx, open, dir, out, parseConfigSettings(opts.ConfigSettings))
	} else {
		arts, err = backend.Build(ctx, open, backend.Request{
			Dir:      dir,
			OutDir:   out,
			Mode:     mode,
			Settings: parseConfigSettings(opts.ConfigSettings),
		})
	}
	if err != nil {
		// The errors name their files (pyproject.toml:12: ...); several
		// configuration errors come one per line.
		return err
	}
	shown := make([]string, len(arts))
	for i, a := range arts {
		shown[i] = a.Path
		if rel, err := filepath.Rel(f.Dir, a.Path); err == nil && !strings.HasPrefix(rel, "..") {
			shown[i] = rel
		}
	}
	if opts.JSON {
		res := buildJSON{Backend: chosen.String(), Files: []buildFileJSON{}}
		for i, a := range arts {
			size, sum, err := fileDigest(a.Path)
			if err != nil {
				return err
			}
			res.Files = append(res.Files, buildFileJSON{Kind: a.Kind, Path: shown[i], Filename: filepath.Base(a.Path), Size: size, SHA256: sum})
		}
		return writeJSON(f.IO.Out, res)
	}
	if opts.Quiet == 0 {
		fmt.Fprintf(f.IO.ErrOut, "Successfully built %s\n", strings.Join(shown, " and "))
	}
	return nil
}

// buildEditable builds the editable wheel of the project at dir into out.
func buildEditable(ctx context.Context, open backend.Opener, dir, out string, settings backend.ConfigSettings) ([]backend.Artifact, error) {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, fmt.Errorf("creating %s: %w", out, err)
	}
	h, err := open(ctx, dir)
	if err != nil {
		return nil, err
	}
	name, err := h.BuildEditable(ctx, out, settings)
	if err != nil {
		return nil, err
	}
	return []backend.Artifact{{Kind: "editable", Path: filepath.Join(out, name)}}, nil
}

func fileDigest(p string) (int64, string, error) {
	fh, err := os.Open(p)
	if err != nil {
		return 0, "", err
	}
	defer fh.Close()
	h := sha256.New()
	n, err := io.Copy(h, fh)
	if err != nil {
		return 0, "", fmt.Errorf("reading %s: %w", p, err)
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

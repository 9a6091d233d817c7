package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"ferry/internal/backend"
	"ferry/internal/build"
	"ferry/internal/index"
	"ferry/internal/interp"
	"ferry/internal/project"
)

// newBuilder returns the builder installs use for sources: ferry's native
// backend where it applies, the project's declared PEP 517 backend in an
// isolated build environment otherwise (package project's SourceBuilder).
// The builder resolves and installs build requirements through s, so s's
// index serves them too. --no-build-isolation (or FERRY_NO_BUILD_ISOLATION=1,
// as PIP_NO_BUILD_ISOLATION for pip) runs declared backends in the target
// interpreter itself.
func newBuilder(ctx context.Context, f *Factory, s *project.Session, info *interp.Info) project.Builder {
	return newBuilderWith(ctx, f, s, info, buildFlagOptions{})
}

// newBuilderWith is newBuilder with the command's build flags.
func newBuilderWith(ctx context.Context, f *Factory, s *project.Session, info *interp.Info, bo buildFlagOptions) project.Builder {
	fl := builderFlags{
		NoIsolation: bo.NoBuildIsolation || envTrue(f.Getenv("FERRY_NO_BUILD_ISOLATION")),
		Settings:    parseConfigSettings(bo.ConfigSettings),
	}
	if bo.Verbose {
		fl.Output = f.IO.ErrOut
		fl.Log = func(msg string) { fmt.Fprintln(f.IO.ErrOut, msg) }
	}
	return newSourceBuilder(f, s, info, fl)
}

// buildFlagOptions are the build flags of install, download and wheel
// (pip's names).
type buildFlagOptions struct {
	NoBuildIsolation bool
	ConfigSettings   []string
	Verbose          bool
}

func (b *buildFlagOptions) addFlags(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.BoolVar(&b.NoBuildIsolation, "no-build-isolation", false, "build sources with the target interpreter's own packages instead of an isolated environment")
	fl.StringArrayVarP(&b.ConfigSettings, "config-settings", "C", nil, "KEY=VALUE passed to build backends (repeatable)")
}

// builderFlags are the command-line choices a builder depends on.
type builderFlags struct {
	NoIsolation bool
	Settings    map[string][]string
	// Output streams the backends' output (-v); nil captures it only.
	Output io.Writer
	// Log receives a line per environment made and wheel built.
	Log func(string)
	// Warnf receives the native backend's warnings.
	Warnf func(format string, args ...any)
}

// newSourceBuilder makes the session's builder (and sets s.Builder, so
// that build requirements that are sources can be built too).
func newSourceBuilder(f *Factory, s *project.Session, info *interp.Info, fl builderFlags) *project.SourceBuilder {
	mtime, _, _ := sourceDateEpoch(f)
	icache, _ := interpreterCacheDir(f)
	var environ []string
	if f.Environ != nil {
		environ = f.Environ()
	}
	b := project.NewBuilder(project.BuilderOptions{
		Session:        s,
		Python:         info,
		InterpCacheDir: icache,
		NoIsolation:    fl.NoIsolation,
		Settings:       fl.Settings,
		Native:         backend.Options{Mtime: mtime, Generator: "ferry (" + Version + ")", Warnf: fl.Warnf},
		Output:         fl.Output,
		Environ:        environ,
		Log:            fl.Log,
	})
	s.Builder = b
	return b
}

func envTrue(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}

// declaredFrontend opens, on first use, what `ferry build` needs to run a
// declared backend: an interpreter (--python, the active or ./.venv
// environment, else the first on PATH), a session for the build
// requirements (the index flags) and the builder's PEP 517 frontend.
type declaredFrontend struct {
	f    *Factory
	opts *buildOptions
	fe   *build.Frontend
	done func()
}

func (d *declaredFrontend) get(ctx context.Context) (*build.Frontend, error) {
	if d.fe != nil {
		return d.fe, nil
	}
	info, err := interp.SelectTarget(ctx, interp.TargetRequest{Python: d.opts.Python, Elsewhere: true}, interpEnv(d.f))
	if err != nil {
		return nil, fmt.Errorf("finding an interpreter to run the build backend: %w", err)
	}
	if err := info.CheckSupported(); err != nil {
		return nil, err
	}
	s, done, err := openSession(d.f, d.netOptions(), "wheel", info.Prefix, nil)
	if err != nil {
		return nil, err
	}
	d.done = done
	fl := builderFlags{NoIsolation: d.opts.NoIsolation, Settings: parseConfigSettings(d.opts.ConfigSettings)}
	if d.opts.Verbose > 0 {
		fl.Output = d.f.IO.ErrOut
		fl.Log = func(msg string) { fmt.Fprintln(d.f.IO.ErrOut, msg) }
	}
	d.fe = newSourceBuilder(d.f, s, info, fl).Frontend()
	return d.fe, nil
}

// netOptions are the index flags `ferry build` takes, as the other
// commands' netOptions (only the flags given count as set).
func (d *declaredFrontend) netOptions() *netOptions {
	o := d.opts
	n := &netOptions{IndexURL: o.IndexURL, ExtraIndexURLs: o.ExtraIndexURLs, FindLinks: o.FindLinks, NoIndex: o.NoIndex, changed: map[string][]string{}}
	if o.IndexURL != "" {
		n.changed[index.KeyIndexURL] = []string{o.IndexURL}
	}
	if len(o.ExtraIndexURLs) > 0 {
		n.changed[index.KeyExtraIndexURL] = o.ExtraIndexURLs
	}
	if len(o.FindLinks) > 0 {
		n.changed[index.KeyFindLinks] = o.FindLinks
	}
	if o.NoIndex {
		n.changed[index.KeyNoIndex] = []string{"true"}
	}
	return n
}

// close releases the session.
func (d *declaredFrontend) close() {
	if d.done != nil {
		d.done()
	}
}

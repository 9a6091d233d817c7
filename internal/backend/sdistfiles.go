package backend

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os/exec"
	"sort"
	"strings"

	"ferry/internal/coremeta"
	"ferry/internal/manifest"
	"ferry/internal/pep440"
	"ferry/internal/pep508"
	"ferry/internal/sdist"
)

// TemplateFile is the manifest template an sdist build reads.
const TemplateFile = "MANIFEST.in"

// ManifestError is a malformed MANIFEST.in line. setuptools only warns
// about such a line; ferry refuses to build, naming the line.
type ManifestError struct {
	Line int
	Text string
	Err  error
}

func (e *ManifestError) Error() string {
	return fmt.Sprintf("%s:%d: %v: %q", TemplateFile, e.Line, e.Err, e.Text)
}

// Unwrap returns manifest.ErrUnknownAction or manifest.ErrArguments.
func (e *ManifestError) Unwrap() error { return e.Err }

// SdistFiles computes the files of the project's sdist (without the
// PKG-INFO the build writes), sorted: setuptools' default file set,
// MANIFEST.in, the license and referenced files, the default pruning,
// then [tool.ferry.sdist] include and exclude. tracked are the files git
// tracks when the build adds them (nil otherwise). Template patterns that
// match nothing are reported through o.Warnf as setuptools prints them;
// malformed template lines are *ManifestError values (joined). For an
// unpacked sdist the file set is every file in it.
func (p *Project) SdistFiles(version pep440.Version, tracked []string, o Options) ([]string, error) {
	if p.FromSdist {
		var out []string
		for _, f := range p.files {
			if f != sdist.PkgInfoFile {
				out = append(out, f)
			}
		}
		return out, nil
	}
	mp := p.Config.ManifestProject()
	mp.Tracked = tracked
	mp.Prune.BaseDir = sdist.TopDir(p.Name(), version)
	var template string
	if data, err := fs.ReadFile(p.FS, TemplateFile); err == nil {
		template = string(data)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("reading %s: %w", TemplateFile, err)
	}
	m, err := manifest.Build(&mp, p.files, template)
	if err != nil && m == nil {
		return nil, fmt.Errorf("%s: %w", TemplateFile, err)
	}
	if err != nil {
		var errs []error
		for _, e := range unjoin(err) {
			var le *manifest.LineError
			if errors.As(e, &le) {
				errs = append(errs, &ManifestError{Line: le.Line, Text: le.Text, Err: le.Err})
			} else {
				errs = append(errs, e)
			}
		}
		return nil, errors.Join(errs...)
	}
	for _, w := range m.Warnings {
		if w.Line > 0 {
			o.warnf("%s:%d: warning: %s", TemplateFile, w.Line, w.Message)
		} else {
			o.warnf("%s: warning: %s", TemplateFile, w.Message)
		}
	}
	selected := map[string]bool{}
	for _, f := range m.Files {
		selected[f] = true
	}
	for _, g := range p.Config.Sdist.Include {
		pat := manifest.CompilePattern(g)
		n := 0
		for _, f := range p.files {
			if pat.Match(f) {
				selected[f] = true
				n++
			}
		}
		if n == 0 {
			o.warnf("[tool.ferry.sdist] include: no files found matching '%s'", g)
		}
	}
	for _, g := range p.Config.Sdist.Exclude {
		pat := manifest.CompilePattern(g)
		for f := range selected {
			if pat.Match(f) {
				delete(selected, f)
			}
		}
	}
	delete(selected, sdist.PkgInfoFile)
	out := make([]string, 0, len(selected))
	for f := range selected {
		out = append(out, f)
	}
	sort.Strings(out)
	return out, nil
}

func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// useGit reports whether the build adds git's tracked files.
func (p *Project) useGit(o Options) bool {
	if o.UseGit != nil {
		return *o.UseGit
	}
	return p.Config.Sdist.UseGit
}

// GitTracked returns the files git tracks under dir (relative to it), by
// running `git ls-files -z`. It is the only place the backend runs a
// program; SdistFiles takes its result as plain data.
func GitTracked(ctx context.Context, dir string) ([]string, error) {
	cmd := exec.CommandContext(ctx, "git", "-c", "core.quotepath=off", "ls-files", "-z", "--cached", "--recurse-submodules")
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return nil, fmt.Errorf("listing the files git tracks in %s: %s", dir, msg)
	}
	return ParseGitLsFiles(out), nil
}

// ParseGitLsFiles splits `git ls-files -z` output into paths.
func ParseGitLsFiles(out []byte) []string {
	var files []string
	for _, f := range strings.Split(string(out), "\x00") {
		if f != "" {
			files = append(files, f)
		}
	}
	return files
}

// tracked returns git's files when the build uses git, nil otherwise.
func (p *Project) tracked(ctx context.Context, o Options) ([]string, error) {
	if !p.useGit(o) || p.FromSdist {
		return nil, nil
	}
	if p.Dir == "" {
		return nil, errors.New("use-git needs the project on disk")
	}
	return GitTracked(ctx, p.Dir)
}

// metadata returns the core metadata for version: PKG-INFO when
// forSdist (Metadata-Version at least 2.4, as the core metadata
// specification asks of sdists that can), METADATA otherwise.
func (p *Project) metadata(version pep440.Version, forSdist bool) coremeta.Metadata {
	m := p.Config.Metadata()
	m.Version = version.String()
	m.RequiresDist = declaredOrder(m.RequiresDist, p.Config.Dependencies)
	if forSdist && !coremeta.AtLeast(m.MetadataVersion, "2.4") {
		m.MetadataVersion = "2.4"
	}
	return m
}

// WriteSdist writes the project's sdist to w and returns its file name.
func (p *Project) WriteSdist(ctx context.Context, w io.Writer, o Options) (string, error) {
	version, err := p.Version(o)
	if err != nil {
		return "", err
	}
	tracked, err := p.tracked(ctx, o)
	if err != nil {
		return "", err
	}
	files, err := p.SdistFiles(version, tracked, o)
	if err != nil {
		return "", err
	}
	sw, err := sdist.NewWriter(w, sdist.Options{Name: p.Name(), Version: version, Format: o.SdistFormat, Mtime: o.Mtime})
	if err != nil {
		return "", err
	}
	var pkgInfo bytes.Buffer
	if err := coremeta.Write(&pkgInfo, p.metadata(version, true)); err != nil {
		return "", err
	}
	if err := sw.Add(sdist.PkgInfoFile, pkgInfo.Bytes(), false); err != nil {
		return "", err
	}
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return "", err
		}
		name := f
		if err := sw.AddOpen(name, func() (io.ReadCloser, error) { return p.FS.Open(name) }, p.isExecutable(name)); err != nil {
			return "", err
		}
	}
	if err := sw.Close(); err != nil {
		return "", err
	}
	return sw.Filename(), nil
}

// declaredOrder puts the Requires-Dist entries of the dependencies first,
// in the order they are declared, then the rest (the extras' entries) in
// their order: what setuptools writes today. (pyproject's RequiresDist
// follows egg_info's requires.txt, which groups conditional dependencies
// after unconditional ones.)
func declaredOrder(entries []string, deps []pep508.Requirement) []string {
	used := make([]bool, len(entries))
	out := make([]string, 0, len(entries))
	for _, d := range deps {
		s := d.String()
		for i, e := range entries {
			if !used[i] && e == s {
				used[i] = true
				out = append(out, e)
				break
			}
		}
	}
	for i, e := range entries {
		if !used[i] {
			out = append(out, e)
		}
	}
	return out
}

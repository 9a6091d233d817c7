package backend

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"ferry/internal/archive"
	"ferry/internal/coremeta"
	"ferry/internal/pep440"
	"ferry/internal/pkgname"
	"ferry/internal/pyproject"
	"ferry/internal/sdist"
)

// ErrExtensions is wrapped by Open's error for a project that builds
// compiled extension modules, which only setuptools can build.
var ErrExtensions = errors.New("C extensions need the setuptools backend; use --backend declared")

// ErrNotNative is wrapped by Open's error for a project whose
// configuration the native backend cannot honour (a setup.py that does
// more than call setup(), custom commands, pkg_resources namespaces).
var ErrNotNative = errors.New("the native backend cannot build this project")

// Project is a project opened for building: its configuration, loaded
// and validated, and the files on disk.
type Project struct {
	// Config is the merged configuration (pyproject.toml, setup.cfg).
	Config *pyproject.Project
	// FS is the project directory; Dir its path on disk, "" when FS is
	// not a directory (then git cannot be asked for tracked files).
	FS  fs.FS
	Dir string
	// FromSdist is set when the tree is an unpacked sdist (PKG-INFO at
	// its root names the project): every file in it belongs to the sdist,
	// and PKG-INFO's version, already tagged, is the version.
	FromSdist bool

	files   []string
	pkgInfo *coremeta.Metadata
}

// Open loads the project rooted at fsys (dir is its path on disk, or "")
// and checks that the native backend can build it. Configuration errors
// come back as pyproject's errors, which name the file, line and key.
func Open(ctx context.Context, fsys fs.FS, dir string) (*Project, error) {
	cfg, err := pyproject.Load(fsys)
	if err != nil {
		return nil, err
	}
	if err := cfg.Native(); err != nil {
		for _, u := range cfg.Unsupported {
			if strings.Contains(u, "extension") || strings.Contains(u, "compiled") {
				return nil, fmt.Errorf("%s: %w", u, ErrExtensions)
			}
		}
		return nil, fmt.Errorf("%w: %v", ErrNotNative, err)
	}
	if cfg.Version.IsZero() {
		return nil, fmt.Errorf("%w: the project's version is not known without running setup.py", ErrNotNative)
	}
	files, err := listFiles(ctx, fsys)
	if err != nil {
		return nil, err
	}
	p := &Project{Config: cfg, FS: fsys, Dir: dir, files: files}
	if data, err := fs.ReadFile(fsys, sdist.PkgInfoFile); err == nil {
		m, err := coremeta.Parse(data)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", sdist.PkgInfoFile, err)
		}
		if pkgname.Normalize(m.Name) != string(cfg.Normalized) {
			return nil, fmt.Errorf("%s names %q but the configuration names %q", sdist.PkgInfoFile, m.Name, cfg.Name)
		}
		if _, err := pep440.Parse(m.Version); err != nil {
			return nil, fmt.Errorf("%s: Version %q: %w", sdist.PkgInfoFile, m.Version, err)
		}
		p.FromSdist, p.pkgInfo = true, &m
	}
	return p, nil
}

// Warnings returns the configuration warnings (setup.cfg keys setuptools
// ignores, deprecated settings ...), formatted "file:line: key: message".
func (p *Project) Warnings() []string {
	out := make([]string, 0, len(p.Config.Warnings))
	for _, w := range p.Config.Warnings {
		out = append(out, w.String())
	}
	return out
}

// Name returns the normalized project name.
func (p *Project) Name() pkgname.Name { return p.Config.Normalized }

// Version returns the version the distributions get: the configured one
// with the egg_info tags (tag-build, then tag-date) appended and
// normalized, as setuptools' egg_info tags it, or PKG-INFO's for an
// unpacked sdist (its tags are already applied).
func (p *Project) Version(o Options) (pep440.Version, error) {
	if p.FromSdist {
		return pep440.Parse(p.pkgInfo.Version)
	}
	cfg := *p.Config
	if o.TagBuild != nil {
		cfg.TagBuild = *o.TagBuild
	}
	if o.TagDate != nil {
		cfg.TagDate = *o.TagDate
	}
	date := o.Date
	if date.IsZero() {
		date = o.Mtime
	}
	if date.IsZero() {
		date = archive.DefaultTime()
	}
	v, err := cfg.TaggedVersion(date.UTC().Format("20060102"))
	if err != nil {
		return pep440.Version{}, fmt.Errorf("version tags: %w", err)
	}
	return v, nil
}

// Files returns every regular file of the project the build considers,
// sorted: the walk skips version-control, cache, build-output and virtual
// environment directories (see listFiles).
func (p *Project) Files() []string { return append([]string(nil), p.files...) }

// skipAnywhere are directory names never walked into: version control,
// bytecode caches and egg-info metadata (which the sdist's pruning would
// drop anyway).
func skipAnywhere(name string) bool {
	switch name {
	case "RCS", "CVS", ".svn", ".hg", ".git", ".bzr", "_darcs", "__pycache__":
		return true
	}
	return strings.HasSuffix(name, ".egg-info")
}

// skipAtRoot are root directories never walked into: tool environments
// and build outputs.
func skipAtRoot(name string) bool {
	switch name {
	case ".tox", ".nox", ".venv", "build", "dist", ".eggs":
		return true
	}
	return false
}

// listFiles walks fsys and returns its regular files (symbolic links to
// regular files included, linked directories not followed), skipping the
// directories skipAnywhere and skipAtRoot name and every directory that
// holds a pyvenv.cfg (a virtual environment).
func listFiles(ctx context.Context, fsys fs.FS) ([]string, error) {
	var files []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("listing project files: %w", err)
		}
		if d.IsDir() {
			if p == "." {
				return nil
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			name := d.Name()
			if skipAnywhere(name) || (!strings.Contains(p, "/") && skipAtRoot(name)) {
				return fs.SkipDir
			}
			if _, err := fs.Stat(fsys, path.Join(p, "pyvenv.cfg")); err == nil {
				return fs.SkipDir
			}
			return nil
		}
		switch {
		case d.Type().IsRegular():
		case d.Type()&fs.ModeSymlink != 0:
			fi, err := fs.Stat(fsys, p)
			if err != nil || !fi.Mode().IsRegular() {
				return nil
			}
		default:
			return nil
		}
		files = append(files, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	return files, nil
}

// isExecutable reports whether the file's owner-execute bit is set.
func (p *Project) isExecutable(name string) bool {
	fi, err := fs.Stat(p.FS, name)
	return err == nil && fi.Mode().Perm()&0o100 != 0
}

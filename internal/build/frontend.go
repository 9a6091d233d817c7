package build

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"ferry/internal/pep508"
	"ferry/internal/pyproject"
	"ferry/internal/wheel"
)

// EnvMaker makes isolated build environments. Package project implements
// it with ferry's own resolver and installer.
//
// Env returns the interpreter of an environment that holds requirements
// (PEP 508 strings, sorted and free of duplicates) and their dependencies,
// and nothing else of the machine's: neither the target environment's
// packages nor the user site. The same requirements may return the same
// environment again (it is cached); the frontend never installs into it.
// Env is called concurrently for different projects.
type EnvMaker interface {
	Env(ctx context.Context, requirements []string) (python string, err error)
}

// Frontend runs declared PEP 517 backends. Its zero value is not usable:
// set Envs (build isolation) or Python (no isolation).
type Frontend struct {
	// Envs makes the isolated build environments. When nil, Python runs
	// every backend directly (--no-build-isolation): the build
	// requirements must already be installed there, and
	// get_requires_for_build_* is not called.
	Envs EnvMaker
	// Python is the interpreter used without isolation.
	Python string
	// Environ is the backends' base environment (nil: this process's).
	Environ []string
	// Output, when not nil, receives the backends' output as they print
	// it (-v); it is captured for errors either way.
	Output io.Writer
	// TempDir is where private directories are made ("" for the
	// system's).
	TempDir string
}

// Kind is what a hook builds.
type Kind string

// The kinds of build.
const (
	Sdist    Kind = "sdist"
	Wheel    Kind = "wheel"
	Editable Kind = "editable"
)

// Project is one source tree and its declared backend. Its methods
// satisfy package backend's Hooks (the command line hands either to the
// same build flow). It is safe for concurrent use.
type Project struct {
	// Dir is the absolute source tree.
	Dir string
	// System is the effective [build-system].
	System pyproject.BuildSystem

	fe          *Frontend
	backendPath []string

	mu   sync.Mutex
	envs map[string]string // by kind and settings: the environment's python
}

// Open reads dir's [build-system] (setuptools' legacy backend and
// requires = ["setuptools>=40.8.0"] without one, as PEP 517 and 518 say)
// and returns the project.
func (f *Frontend) Open(dir string) (*Project, error) {
	bs := pyproject.DefaultBuildSystem()
	data, err := os.ReadFile(filepath.Join(dir, pyproject.PyprojectFile))
	switch {
	case err == nil:
		if bs, err = pyproject.ReadBuildSystem(data); err != nil {
			return nil, err
		}
	case !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("reading %s: %w", pyproject.PyprojectFile, err)
	}
	return f.Project(dir, bs)
}

// Project returns the project at dir built by the given [build-system]
// (its Backend must be set). backend-path entries must stay inside dir.
func (f *Frontend) Project(dir string, bs pyproject.BuildSystem) (*Project, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if bs.Backend == "" {
		bs.Backend = pyproject.DefaultBuildSystem().Backend
	}
	p := &Project{Dir: abs, System: bs, fe: f, envs: map[string]string{}}
	for _, bp := range bs.BackendPath {
		if filepath.IsAbs(bp) || !filepath.IsLocal(filepath.FromSlash(bp)) {
			return nil, fmt.Errorf("%s: backend-path %q is not inside the project", pyproject.PyprojectFile, bp)
		}
		p.backendPath = append(p.backendPath, filepath.Join(abs, filepath.FromSlash(bp)))
	}
	return p, nil
}

// requirementStrings returns sorted, de-duplicated requirement strings.
func requirementStrings(reqs []pep508.Requirement, extra []string) []string {
	out := make([]string, 0, len(reqs)+len(extra))
	for _, r := range reqs {
		out = append(out, r.String())
	}
	out = append(out, extra...)
	slices.Sort(out)
	return slices.Compact(out)
}

// settingsArg turns config settings into the hooks' config_settings: a
// key given once maps to a string, a repeated key to the list of its
// values (as pip and build pass them); no settings is None.
func settingsArg(settings map[string][]string) any {
	if len(settings) == 0 {
		return nil
	}
	out := make(map[string]any, len(settings))
	for k, vs := range settings {
		switch len(vs) {
		case 0:
			out[k] = ""
		case 1:
			out[k] = vs[0]
		default:
			out[k] = append([]string(nil), vs...)
		}
	}
	return out
}

func settingsKey(settings map[string][]string) string {
	b, _ := json.Marshal(settings) // map keys are sorted
	return string(b)
}

// environ returns the backend process's environment for python: the
// base with, for an isolated environment, its scripts directory first on
// PATH, no PYTHONPATH or PYTHONHOME, and no user site.
func (f *Frontend) environ(python string) []string {
	base := f.Environ
	if base == nil {
		base = os.Environ()
	}
	// Unbuffered, so that the backend's prints and tracebacks interleave
	// in the captured output as they happened.
	base = append(slices.Clone(base), "PYTHONUNBUFFERED=1")
	if f.Envs == nil {
		return base
	}
	out := make([]string, 0, len(base)+2)
	path := ""
	for _, kv := range base {
		k, v, _ := strings.Cut(kv, "=")
		switch strings.ToUpper(k) {
		case "PYTHONPATH", "PYTHONHOME", "PYTHONNOUSERSITE", "VIRTUAL_ENV", "__PYVENV_LAUNCHER__":
			continue
		case "PATH":
			path = v
			continue
		}
		out = append(out, kv)
	}
	bin := filepath.Dir(python)
	if path != "" {
		bin += string(os.PathListSeparator) + path
	}
	return append(out, "PATH="+bin, "PYTHONNOUSERSITE=1")
}

// call runs one hook in the environment python.
func (p *Project) call(ctx context.Context, python, hook string, args map[string]any) (json.RawMessage, error) {
	return Call{
		Python:      python,
		Dir:         p.Dir,
		Backend:     p.System.Backend,
		BackendPath: p.backendPath,
		Hook:        hook,
		Args:        args,
		Env:         p.fe.environ(python),
		Output:      p.fe.Output,
		TempDir:     p.fe.TempDir,
	}.Run(ctx)
}

// Requires returns what building kind needs: [build-system] requires
// plus what get_requires_for_build_<kind> adds, sorted. It is the set
// the environment for kind is made of.
func (p *Project) Requires(ctx context.Context, kind Kind, settings map[string][]string) ([]string, error) {
	base := requirementStrings(p.System.Requires, nil)
	if p.fe.Envs == nil {
		return base, nil
	}
	python, err := p.fe.Envs.Env(ctx, base)
	if err != nil {
		return nil, fmt.Errorf("making the build environment (%s): %w", strings.Join(base, ", "), err)
	}
	raw, err := p.call(ctx, python, "get_requires_for_build_"+string(kind), map[string]any{"config_settings": settingsArg(settings)})
	if errors.Is(err, ErrMissingHook) {
		return base, nil
	}
	if err != nil {
		return nil, err
	}
	var extra []string
	if err := json.Unmarshal(raw, &extra); err != nil {
		return nil, fmt.Errorf("build backend %s: get_requires_for_build_%s returned %s, not a list of strings", p.System.Backend, kind, raw)
	}
	for _, s := range extra {
		if _, err := pep508.Parse(s); err != nil {
			return nil, fmt.Errorf("build backend %s: get_requires_for_build_%s returned an invalid requirement %q: %w", p.System.Backend, kind, s, err)
		}
	}
	return requirementStrings(p.System.Requires, extra), nil
}

// env returns the interpreter that builds kind: Python without isolation,
// else an environment with Requires(kind), made once per project.
func (p *Project) env(ctx context.Context, kind Kind, settings map[string][]string) (string, error) {
	if p.fe.Envs == nil {
		if p.fe.Python == "" {
			return "", errors.New("no interpreter to run the build backend with")
		}
		return p.fe.Python, nil
	}
	key := string(kind) + "\x00" + settingsKey(settings)
	p.mu.Lock()
	python, ok := p.envs[key]
	p.mu.Unlock()
	if ok {
		return python, nil
	}
	reqs, err := p.Requires(ctx, kind, settings)
	if err != nil {
		return "", err
	}
	python, err = p.fe.Envs.Env(ctx, reqs)
	if err != nil {
		return "", fmt.Errorf("making the build environment (%s): %w", strings.Join(reqs, ", "), err)
	}
	p.mu.Lock()
	p.envs[key] = python
	p.mu.Unlock()
	return python, nil
}

// BuildSdist runs build_sdist and returns the sdist's base name in outDir.
func (p *Project) BuildSdist(ctx context.Context, outDir string, settings map[string][]string) (string, error) {
	return p.build(ctx, Sdist, outDir, settings)
}

// BuildWheel runs build_wheel and returns the wheel's base name in outDir.
func (p *Project) BuildWheel(ctx context.Context, outDir string, settings map[string][]string) (string, error) {
	return p.build(ctx, Wheel, outDir, settings)
}

// BuildEditable runs build_editable (PEP 660) and returns the editable
// wheel's base name in outDir. A backend without the hook gives an error
// wrapping ErrUnsupported.
func (p *Project) BuildEditable(ctx context.Context, outDir string, settings map[string][]string) (string, error) {
	return p.build(ctx, Editable, outDir, settings)
}

// build runs build_<kind> into a private directory inside outDir and
// moves the one file it names into outDir, so that a failed build leaves
// nothing behind.
func (p *Project) build(ctx context.Context, kind Kind, outDir string, settings map[string][]string) (string, error) {
	python, err := p.env(ctx, kind, settings)
	if err != nil {
		return "", err
	}
	outDir, err = filepath.Abs(outDir)
	if err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(outDir, ".ferry-build-")
	if err != nil {
		return "", fmt.Errorf("creating output directory: %w", err)
	}
	defer os.RemoveAll(tmp)
	dirArg := map[Kind]string{Sdist: "sdist_directory", Wheel: "wheel_directory", Editable: "wheel_directory"}[kind]
	args := map[string]any{dirArg: tmp, "config_settings": settingsArg(settings)}
	if kind != Sdist {
		args["metadata_directory"] = nil
	}
	hook := "build_" + string(kind)
	raw, err := p.call(ctx, python, hook, args)
	if errors.Is(err, ErrMissingHook) {
		if kind == Editable {
			return "", fmt.Errorf("build backend %s cannot make editable installs (no PEP 660 build_editable hook): %w", p.System.Backend, ErrUnsupported)
		}
		return "", fmt.Errorf("build backend %s has no %s hook: %w", p.System.Backend, hook, ErrUnsupported)
	}
	if err != nil {
		return "", err
	}
	name, err := builtName(p.System.Backend, hook, raw, tmp)
	if err != nil {
		return "", err
	}
	if err := os.Rename(filepath.Join(tmp, name), filepath.Join(outDir, name)); err != nil {
		return "", fmt.Errorf("build backend %s: %w", p.System.Backend, err)
	}
	return name, nil
}

// builtName checks a build hook's answer: the base name of a regular
// file it wrote into dir.
func builtName(backendRef, hook string, raw json.RawMessage, dir string) (string, error) {
	var name string
	if err := json.Unmarshal(raw, &name); err != nil {
		return "", fmt.Errorf("build backend %s: %s returned %s, not a file name", backendRef, hook, raw)
	}
	if name == "" || name != filepath.Base(name) || name == "." || name == ".." {
		return "", fmt.Errorf("build backend %s: %s returned %q, not a base name", backendRef, hook, name)
	}
	fi, err := os.Lstat(filepath.Join(dir, name))
	if err != nil || !fi.Mode().IsRegular() {
		return "", fmt.Errorf("build backend %s: %s returned %q but wrote no such file", backendRef, hook, name)
	}
	return name, nil
}

// Metadata is the core metadata of a wheel-to-be.
type Metadata struct {
	// Bytes is the METADATA file.
	Bytes []byte
	// Wheel is the path of the wheel built to learn the metadata, when
	// the backend has no prepare_metadata hook (the caller may reuse
	// it); "" otherwise.
	Wheel string
}

// PrepareMetadata returns the metadata of the wheel (kind Wheel) or
// editable wheel (kind Editable) the project would build:
// prepare_metadata_for_build_<kind>, or, for a backend without it, the
// METADATA of a wheel built into outDir (PEP 517's fallback).
func (p *Project) PrepareMetadata(ctx context.Context, kind Kind, outDir string, settings map[string][]string) (*Metadata, error) {
	if kind == Sdist {
		return nil, errors.New("sdists have no prepared metadata")
	}
	python, err := p.env(ctx, kind, settings)
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(p.fe.TempDir, "ferry-metadata-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	hook := "prepare_metadata_for_build_" + string(kind)
	raw, err := p.call(ctx, python, hook, map[string]any{"metadata_directory": tmp, "config_settings": settingsArg(settings)})
	if errors.Is(err, ErrMissingHook) {
		return p.metadataFromWheel(ctx, kind, outDir, settings)
	}
	if err != nil {
		return nil, err
	}
	var name string
	if err := json.Unmarshal(raw, &name); err != nil || name == "" || name != filepath.Base(name) || !strings.HasSuffix(name, ".dist-info") {
		return nil, fmt.Errorf("build backend %s: %s returned %s, not a .dist-info directory name", p.System.Backend, hook, raw)
	}
	data, err := os.ReadFile(filepath.Join(tmp, name, "METADATA"))
	if err != nil {
		return nil, fmt.Errorf("build backend %s: %s: %w", p.System.Backend, hook, err)
	}
	return &Metadata{Bytes: data}, nil
}

func (p *Project) metadataFromWheel(ctx context.Context, kind Kind, outDir string, settings map[string][]string) (*Metadata, error) {
	name, err := p.build(ctx, kind, outDir, settings)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(outDir, name)
	data, err := WheelMetadata(path)
	if err != nil {
		return nil, err
	}
	return &Metadata{Bytes: data, Wheel: path}, nil
}

// WheelMetadata reads the METADATA of the wheel file at path, after
// package wheel's checks.
func WheelMetadata(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	w, err := wheel.Open(f, fi.Size(), filepath.Base(path), wheel.Options{})
	if err != nil {
		return nil, err
	}
	return w.MetadataBytes, nil
}

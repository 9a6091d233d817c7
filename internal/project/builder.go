package project

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"ferry/internal/backend"
	"ferry/internal/build"
	"ferry/internal/cache"
	"ferry/internal/coremeta"
	"ferry/internal/install"
	"ferry/internal/interp"
	"ferry/internal/pep508"
	"ferry/internal/venv"
)

// BuilderOptions configure a SourceBuilder.
type BuilderOptions struct {
	// Session resolves and installs build requirements; its Cache holds
	// the build environments (cache.Envs) and the wheels built from
	// sdists (cache.Builds). Its Builder should be the SourceBuilder
	// itself, so that a build requirement that only has an sdist can be
	// built (once: see Env).
	Session *Session
	// Python is the interpreter builds are for; build environments are
	// virtual environments of its base interpreter.
	Python *interp.Info
	// InterpCacheDir caches interpreter queries ("" for none).
	InterpCacheDir string
	// NoIsolation runs declared backends in Python itself
	// (--no-build-isolation): the build requirements must be installed
	// there already.
	NoIsolation bool
	// Settings are the PEP 517 config settings of every build.
	Settings map[string][]string
	// Native are the native backend's options (Generator, Mtime, Warnf).
	Native backend.Options
	// Output, when not nil, receives the declared backends' output as
	// they print it; it is shown with a failure either way.
	Output io.Writer
	// Environ is the backends' base environment (nil: this process's).
	Environ []string
	// Log, when not nil, receives one line per environment made and per
	// wheel built.
	Log func(string)
}

// SourceBuilder turns sources into wheels and metadata for installs: it
// implements Builder and EditableBuilder with ferry's native backend
// where it applies (backend.Choose) and the PEP 517 frontend (package
// build) otherwise, and build.EnvMaker with virtual environments filled
// by the session's resolver and installer. It is safe for concurrent use.
//
// Caching:
//
//   - A build environment is a cache.Envs entry keyed by the sha256 of
//     the interpreter's identity and the sorted requirement list; the
//     entry records the environment's interpreter, and the environment
//     itself lives beside the entries (envs/venvs/), made in place so that
//     its launchers' paths are right. Concurrent ferry processes wait for
//     one another (cache.Ensure's lock) and reuse it afterwards.
//   - The wheel built from an sdist is a cache.Builds entry keyed by the
//     sdist's sha256 with the interpreter's identity, the config settings
//     and the isolation mode (a build may depend on each): a second
//     install of the same sdist builds nothing.
//   - Wheels built from project directories are kept in cache.Builds by
//     their own sha256 (a reproducible build of an unchanged project finds
//     its entry), and reused within the run by Metadata, Wheel and
//     Editable.
type SourceBuilder struct {
	opts BuilderOptions
	fe   *build.Frontend

	envsMade    atomic.Int64
	wheelsBuilt atomic.Int64

	mu   sync.Mutex
	dirs map[string]string // "wheel\x00dir" or "editable\x00dir" → wheel path
}

var (
	_ Builder         = (*SourceBuilder)(nil)
	_ EditableBuilder = (*SourceBuilder)(nil)
	_ build.EnvMaker  = (*SourceBuilder)(nil)
)

// NewBuilder returns a builder.
func NewBuilder(opts BuilderOptions) *SourceBuilder {
	b := &SourceBuilder{opts: opts, dirs: map[string]string{}}
	b.fe = &build.Frontend{Output: opts.Output, Environ: opts.Environ}
	if opts.NoIsolation {
		b.fe.Python = opts.Python.Executable
	} else {
		b.fe.Envs = b
	}
	return b
}

// Frontend returns the PEP 517 frontend the builder runs declared
// backends with (its environments are the builder's).
func (b *SourceBuilder) Frontend() *build.Frontend { return b.fe }

// BuildStats counts what a builder did.
type BuildStats struct {
	// Envs is the number of build environments made (not found in the
	// cache); Wheels the number of wheels built (not found in the cache).
	Envs, Wheels int
}

// Stats returns what the builder has done so far.
func (b *SourceBuilder) Stats() BuildStats {
	return BuildStats{Envs: int(b.envsMade.Load()), Wheels: int(b.wheelsBuilt.Load())}
}

func (b *SourceBuilder) log(format string, args ...any) {
	if b.opts.Log != nil {
		b.opts.Log(fmt.Sprintf(format, args...))
	}
}

// identity names the interpreter in cache keys.
func (b *SourceBuilder) identity() string {
	info := b.opts.Python
	if info == nil {
		return "no interpreter"
	}
	base := info.BaseExecutable
	if base == "" {
		base = info.Executable
	}
	if real, err := filepath.EvalSymlinks(base); err == nil {
		base = real // python3 and python3.11 are one interpreter
	}
	return strings.Join([]string{base, info.Markers["implementation_name"], info.Markers["python_full_version"], info.Markers["platform_machine"], info.CacheTag}, "|")
}

func digestKey(parts ...string) cache.Key {
	h := sha256.New()
	for _, p := range parts {
		io.WriteString(h, p)
		h.Write([]byte{0})
	}
	return cache.SHA256(hex.EncodeToString(h.Sum(nil)))
}

// MaxBuildDepth is how deep builds may nest: an install may build a
// source, whose build environment may need one build requirement built
// from source; a build requirement of that one that needs building too
// is an error.
const MaxBuildDepth = 2

type chainKey struct{}

// buildChain returns the build environments being made for ctx's build,
// outermost first.
func buildChain(ctx context.Context) []string {
	c, _ := ctx.Value(chainKey{}).([]string)
	return c
}

// BuildDepthError says a build needs builds nested too deeply or in a
// cycle.
type BuildDepthError struct {
	// Chain are the requirement sets of the environments being made,
	// outermost first, ending with the one that was refused.
	Chain []string
	Cycle bool
}

func (e *BuildDepthError) Error() string {
	what := fmt.Sprintf("building from source nests more than %d deep", MaxBuildDepth)
	if e.Cycle {
		what = "build requirements need themselves to be built"
	}
	return what + ": " + strings.Join(e.Chain, " -> ") + " (install wheels of these build requirements, or use --no-build-isolation)"
}

// envEntry is the content of a cache.Envs entry.
type envEntry struct {
	Python       string   `json:"python"`
	Dir          string   `json:"dir"`
	Requirements []string `json:"requirements"`
	Interpreter  string   `json:"interpreter"`
}

// Env implements build.EnvMaker: a virtual environment of the target's
// base interpreter holding requirements, resolved and installed by the
// session, cached in cache.Envs.
func (b *SourceBuilder) Env(ctx context.Context, requirements []string) (string, error) {
	reqs := slices.Clone(requirements)
	slices.Sort(reqs)
	reqs = slices.Compact(reqs)
	label := "[" + strings.Join(reqs, ", ") + "]"
	chain := buildChain(ctx)
	if slices.Contains(chain, label) {
		return "", &BuildDepthError{Chain: append(slices.Clone(chain), label), Cycle: true}
	}
	if len(chain) >= MaxBuildDepth {
		return "", &BuildDepthError{Chain: append(slices.Clone(chain), label)}
	}
	if b.opts.Python == nil {
		return "", errors.New("no interpreter to make build environments from")
	}
	id := b.identity()
	key := digestKey(append([]string{"build-env-v1", id}, reqs...)...)
	c := b.opts.Session.Cache
	venvDir := filepath.Join(c.BucketDir(cache.Envs), "venvs", key.Digest[:24])
	entry, built, err := c.EnsureFile(ctx, cache.Envs, key, func(w io.Writer) error {
		inner := context.WithValue(ctx, chainKey{}, append(slices.Clone(chain), label))
		python, err := b.makeEnv(inner, venvDir, reqs)
		if err != nil {
			return err
		}
		return json.NewEncoder(w).Encode(envEntry{Python: python, Dir: venvDir, Requirements: reqs, Interpreter: id})
	})
	if err != nil {
		return "", err
	}
	if built {
		b.envsMade.Add(1)
	}
	data, err := os.ReadFile(entry)
	if err != nil {
		return "", err
	}
	var e envEntry
	if err := json.Unmarshal(data, &e); err != nil || e.Python == "" {
		return "", fmt.Errorf("build environment entry %s is damaged", entry)
	}
	if _, err := os.Stat(e.Python); err != nil {
		// Removed behind the cache's back: make it again.
		if err := c.Remove(ctx, cache.Envs, key); err != nil {
			return "", err
		}
		return b.Env(ctx, requirements)
	}
	return e.Python, nil
}

// makeEnv creates the environment at dir (replacing leftovers of a
// crashed attempt; the caller holds the entry's lock) and installs reqs.
func (b *SourceBuilder) makeEnv(ctx context.Context, dir string, reqs []string) (string, error) {
	b.log("Creating build environment with %s", strings.Join(reqs, ", "))
	if err := os.RemoveAll(dir); err != nil {
		return "", err
	}
	v, err := venv.Create(ctx, dir, b.opts.Python, venv.Options{Prompt: "ferry-build", Extra: []venv.KeyValue{{Key: "ferry-build-env", Value: "true"}}})
	if err != nil {
		return "", err
	}
	fail := func(err error) (string, error) {
		os.RemoveAll(dir)
		return "", err
	}
	if len(reqs) == 0 {
		return v.Python, nil
	}
	info, err := interp.Query(ctx, v.Python, b.opts.InterpCacheDir)
	if err != nil {
		return fail(err)
	}
	target, err := NewTarget(info, TargetOverride{})
	if err != nil {
		return fail(err)
	}
	var req Request
	for _, s := range reqs {
		r, err := pep508.Parse(s)
		if err != nil {
			return fail(fmt.Errorf("build requirement %q: %w", s, err))
		}
		req.Inputs = append(req.Inputs, Input{Req: r, Origin: "build requirements"})
	}
	s := b.opts.Session
	plan, err := s.Resolve(ctx, target, req, nil, ResolveOptions{})
	if err != nil {
		if expl, ok := IsNoSolution(err); ok {
			return fail(fmt.Errorf("no solution for the build requirements:\n  %s", strings.ReplaceAll(strings.TrimRight(expl, "\n"), "\n", "\n  ")))
		}
		return fail(fmt.Errorf("resolving the build requirements: %w", err))
	}
	env, err := install.OpenEnv(ctx, install.EnvLayout(info))
	if err != nil {
		return fail(err)
	}
	_, err = s.Execute(ctx, plan, env, ExecOptions{})
	env.Close()
	if err != nil {
		return fail(fmt.Errorf("installing the build requirements: %w", err))
	}
	return v.Python, nil
}

// splitSource reads a Builder path: "file#filename" (a cache file named
// by digest) or a plain file or directory.
func splitSource(path string) (file, filename string, isDir bool) {
	if i := strings.LastIndex(path, "#"); i >= 0 {
		return path[:i], path[i+1:], false
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return path, "", true
	}
	return path, filepath.Base(path), false
}

// Metadata implements Builder. For an sdist: the wheel built from it
// before, if the cache has one; else its PKG-INFO when that is metadata
// 2.2 or later and marks none of Requires-Dist, Requires-Python and
// Provides-Extra dynamic (PEP 643: no build at all); else the wheel's
// metadata (native backend) or prepare_metadata_for_build_wheel (declared
// backend). For a project directory: the metadata of its wheel (native)
// or prepare_metadata_for_build_wheel.
func (b *SourceBuilder) Metadata(ctx context.Context, path string) ([]byte, error) {
	file, filename, isDir := splitSource(path)
	if isDir {
		return b.dirMetadata(ctx, file)
	}
	digest, _, err := install.HashFile(file)
	if err != nil {
		return nil, err
	}
	key := b.sdistKey(digest)
	if whl, ok := b.lookupBuild(key); ok {
		return build.WheelMetadata(whl)
	}
	tmp, err := b.tempDir()
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	top, err := unpackSdist(ctx, file, filename, filepath.Join(tmp, "src"))
	if err != nil {
		return nil, err
	}
	if data, ok := staticMetadata(top); ok {
		return data, nil
	}
	choice, err := backend.Choose(os.DirFS(top))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filename, err)
	}
	if choice.Path == backend.Declared {
		p, err := b.fe.Project(top, choice.BuildSystem)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", filename, err)
		}
		out := filepath.Join(tmp, "out")
		if err := os.Mkdir(out, 0o755); err != nil {
			return nil, err
		}
		md, err := p.PrepareMetadata(ctx, build.Wheel, out, b.opts.Settings)
		if err != nil {
			return nil, fmt.Errorf("preparing the metadata of %s: %w", filename, err)
		}
		if md.Wheel != "" { // built to learn the metadata: keep it
			b.wheelsBuilt.Add(1)
			if _, err := b.storeBuild(ctx, key, md.Wheel); err != nil {
				return nil, err
			}
		}
		return md.Bytes, nil
	}
	whl, err := b.sdistWheelFrom(ctx, key, filename, top, choice)
	if err != nil {
		return nil, err
	}
	return build.WheelMetadata(whl)
}

// staticMetadata returns an unpacked sdist's PKG-INFO when PEP 643 lets
// a frontend trust it for resolving.
func staticMetadata(top string) ([]byte, bool) {
	data, err := os.ReadFile(filepath.Join(top, "PKG-INFO"))
	if err != nil {
		return nil, false
	}
	md, err := coremeta.Parse(data)
	if err != nil || !coremeta.AtLeast(md.MetadataVersion, "2.2") {
		return nil, false
	}
	for _, d := range md.Dynamic {
		switch strings.ToLower(d) {
		case "requires-dist", "requires-python", "provides-extra":
			return nil, false
		}
	}
	return data, true
}

// Wheel implements Builder: the wheel of an sdist (cached by its
// digest) or of a project directory.
func (b *SourceBuilder) Wheel(ctx context.Context, path string) (string, error) {
	file, filename, isDir := splitSource(path)
	if isDir {
		return b.dirBuild(ctx, file, build.Wheel)
	}
	digest, _, err := install.HashFile(file)
	if err != nil {
		return "", err
	}
	key := b.sdistKey(digest)
	if whl, ok := b.lookupBuild(key); ok {
		return whl, nil
	}
	tmp, err := b.tempDir()
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	top, err := unpackSdist(ctx, file, filename, filepath.Join(tmp, "src"))
	if err != nil {
		return "", err
	}
	choice, err := backend.Choose(os.DirFS(top))
	if err != nil {
		return "", fmt.Errorf("%s: %w", filename, err)
	}
	return b.sdistWheelFrom(ctx, key, filename, top, choice)
}

// Editable implements EditableBuilder: the PEP 660 wheel of a project
// directory (native BuildEditable, or the backend's build_editable).
func (b *SourceBuilder) Editable(ctx context.Context, dir string) (string, error) {
	return b.dirBuild(ctx, dir, build.Editable)
}

func (b *SourceBuilder) sdistKey(digest string) cache.Key {
	iso := "isolated"
	if b.opts.NoIsolation {
		iso = "no-isolation"
	}
	settings, _ := json.Marshal(b.opts.Settings)
	return digestKey("sdist-wheel-v1", digest, b.identity(), iso, string(settings))
}

// lookupBuild returns the wheel of a complete cache.Builds entry.
func (b *SourceBuilder) lookupBuild(key cache.Key) (string, bool) {
	dir, ok := b.opts.Session.Cache.Lookup(cache.Builds, key)
	if !ok {
		return "", false
	}
	whl, err := entryWheel(dir)
	return whl, err == nil
}

func entryWheel(dir string) (string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".whl") {
			return filepath.Join(dir, e.Name()), nil
		}
	}
	return "", fmt.Errorf("build cache entry %s holds no wheel", dir)
}

// storeBuild moves the wheel file into the cache.Builds entry for key
// (unless one is there already) and returns the entry's wheel.
func (b *SourceBuilder) storeBuild(ctx context.Context, key cache.Key, wheelPath string) (string, error) {
	dir, _, err := b.opts.Session.Cache.Ensure(ctx, cache.Builds, key, func(ctx context.Context, tmp string) error {
		if err := os.Mkdir(tmp, 0o755); err != nil {
			return err
		}
		if err := os.Rename(wheelPath, filepath.Join(tmp, filepath.Base(wheelPath))); err != nil {
			return copyFile(wheelPath, filepath.Join(tmp, filepath.Base(wheelPath)))
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return entryWheel(dir)
}

// sdistWheelFrom builds the wheel of the sdist unpacked at top into the
// cache.Builds entry for key (once, across processes).
func (b *SourceBuilder) sdistWheelFrom(ctx context.Context, key cache.Key, filename, top string, choice backend.Choice) (string, error) {
	dir, built, err := b.opts.Session.Cache.Ensure(ctx, cache.Builds, key, func(ctx context.Context, tmp string) error {
		if err := os.Mkdir(tmp, 0o755); err != nil {
			return err
		}
		b.log("Building a wheel for %s (%s)", filename, backendLabel(choice))
		if _, err := b.hooksFor(top, choice).BuildWheel(ctx, tmp, b.opts.Settings); err != nil {
			return fmt.Errorf("building a wheel for %s: %w", filename, err)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	if built {
		b.wheelsBuilt.Add(1)
	}
	return entryWheel(dir)
}

func backendLabel(choice backend.Choice) string {
	if choice.Path == backend.Native {
		return "ferry's native backend"
	}
	return choice.BuildSystem.Backend
}

// hooksFor returns the hooks that build the tree at dir.
func (b *SourceBuilder) hooksFor(dir string, choice backend.Choice) backend.Hooks {
	if choice.Path == backend.Native {
		return &backend.NativeHooks{Dir: dir, Options: b.opts.Native}
	}
	p, err := b.fe.Project(dir, choice.BuildSystem)
	if err != nil {
		return failingHooks{err}
	}
	return p
}

// failingHooks reports an error from every hook.
type failingHooks struct{ err error }

func (f failingHooks) BuildSdist(context.Context, string, backend.ConfigSettings) (string, error) {
	return "", f.err
}
func (f failingHooks) BuildWheel(context.Context, string, backend.ConfigSettings) (string, error) {
	return "", f.err
}
func (f failingHooks) BuildEditable(context.Context, string, backend.ConfigSettings) (string, error) {
	return "", f.err
}

// dirMetadata returns a project directory's metadata: the wheel's, built
// natively (and kept for Wheel), or prepare_metadata_for_build_wheel.
func (b *SourceBuilder) dirMetadata(ctx context.Context, dir string) ([]byte, error) {
	choice, err := backend.Choose(os.DirFS(dir))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	if choice.Path == backend.Native {
		whl, err := b.dirBuild(ctx, dir, build.Wheel)
		if err != nil {
			return nil, err
		}
		return build.WheelMetadata(whl)
	}
	p, err := b.fe.Project(dir, choice.BuildSystem)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	tmp, err := b.tempDir()
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	md, err := p.PrepareMetadata(ctx, build.Wheel, tmp, b.opts.Settings)
	if err != nil {
		return nil, fmt.Errorf("preparing the metadata of %s: %w", dir, err)
	}
	if md.Wheel != "" {
		b.wheelsBuilt.Add(1)
		if _, err := b.keepDirBuild(ctx, dir, build.Wheel, md.Wheel); err != nil {
			return nil, err
		}
	}
	return md.Bytes, nil
}

// dirBuild builds a project directory's wheel or editable wheel, once
// per run, and keeps it in cache.Builds by its digest.
func (b *SourceBuilder) dirBuild(ctx context.Context, dir string, kind build.Kind) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	memo := string(kind) + "\x00" + dir
	b.mu.Lock()
	whl, ok := b.dirs[memo]
	b.mu.Unlock()
	if ok {
		return whl, nil
	}
	choice, err := backend.Choose(os.DirFS(dir))
	if err != nil {
		return "", fmt.Errorf("%s: %w", dir, err)
	}
	tmp, err := b.tempDir()
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	h := b.hooksFor(dir, choice)
	what := "a wheel"
	if kind == build.Editable {
		what = "an editable wheel"
	}
	b.log("Building %s for %s (%s)", what, dir, backendLabel(choice))
	var name string
	if kind == build.Editable {
		name, err = h.BuildEditable(ctx, tmp, b.opts.Settings)
	} else {
		name, err = h.BuildWheel(ctx, tmp, b.opts.Settings)
	}
	if err != nil {
		return "", fmt.Errorf("building %s for %s: %w", what, dir, err)
	}
	b.wheelsBuilt.Add(1)
	return b.keepDirBuild(ctx, dir, kind, filepath.Join(tmp, name))
}

// keepDirBuild stores a wheel built from a directory in cache.Builds
// under its own digest and remembers it for the run.
func (b *SourceBuilder) keepDirBuild(ctx context.Context, dir string, kind build.Kind, wheelPath string) (string, error) {
	digest, _, err := install.HashFile(wheelPath)
	if err != nil {
		return "", err
	}
	whl, err := b.storeBuild(ctx, digestKey("local-wheel-v1", filepath.Base(wheelPath), digest), wheelPath)
	if err != nil {
		return "", err
	}
	b.mu.Lock()
	b.dirs[string(kind)+"\x00"+dir] = whl
	b.mu.Unlock()
	return whl, nil
}

func (b *SourceBuilder) tempDir() (string, error) {
	return b.opts.Session.Cache.TempDir()
}

// unpackSdist extracts an sdist file (its name, for the format, is
// filename) into dir after package sdist's checks.
func unpackSdist(ctx context.Context, file, filename, dir string) (string, error) {
	if filename == "" || filename != filepath.Base(filename) {
		return "", fmt.Errorf("%q is not an sdist file name", filename)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	src := file
	if filepath.Base(file) != filename {
		// The archive format comes from the name: link the cache file
		// under it.
		src = filepath.Join(filepath.Dir(dir), filename)
		if err := os.Symlink(file, src); err != nil {
			if err := copyFile(file, src); err != nil {
				return "", err
			}
		}
	}
	top, err := backend.UnpackSdist(ctx, src, dir)
	if err != nil {
		return "", fmt.Errorf("unpacking %s: %w", filename, err)
	}
	return top, nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

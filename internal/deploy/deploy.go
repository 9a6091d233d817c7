package deploy

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"ferry/internal/archive"
	"ferry/internal/fsx"
)

// Names in a deploy directory.
const (
	ReleasesDir = "releases"
	CurrentLink = "current"
	StateFile   = ".ferry-deploy.json"
	LockFile    = ".ferry-deploy.lock"
	// DefaultKeep is how many releases are kept when Options.Keep is 0.
	DefaultKeep = 5
	// stateFormat is the state file's format.
	stateFormat = 1
	// tmpPrefix starts the names of temporary entries in releases/.
	tmpPrefix = ".tmp-"
	// maxHookOutput is how much of a hook's output a result keeps.
	maxHookOutput = 64 << 10
)

// State is .ferry-deploy.json: the releases in deploy order.
type State struct {
	Format int `json:"format"`
	// Releases are oldest first; a release deployed again moves last.
	Releases []StateRelease `json:"releases"`
}

// StateRelease is one deployed release.
type StateRelease struct {
	Name     string    `json:"name"`
	Version  string    `json:"version"`
	Hash     string    `json:"hash"`
	Deployed time.Time `json:"deployed"`
}

// Options tune Deploy and Rollback.
type Options struct {
	// Keep is how many releases to keep (0 means DefaultKeep); the current
	// release, the one before it and the one current before the run are
	// kept whatever Keep says.
	Keep int
	// Hook is a shell command run (sh -c) after the switch; "" for none.
	Hook string
	// RollbackOnHookFailure switches back when the hook fails.
	RollbackOnHookFailure bool
	// Environ is the hook's environment (FERRY_* variables are added).
	Environ []string
	// HookOutput receives the hook's output as it runs (nil: only kept in
	// the result).
	HookOutput io.Writer
	// LockWait is how long to wait for another deploy or rollback to
	// finish; 0 means not to wait.
	LockWait time.Duration
	// Limits bound what an archive may unpack to; zero means
	// archive.DefaultLimits.
	Limits archive.Limits
	// Now returns the time recorded in the state; nil means time.Now.
	Now func() time.Time
}

// Result says what a deploy or rollback did.
type Result struct {
	// Dir is the deploy directory.
	Dir string `json:"dir"`
	// Release is the release current at the end, ReleaseDir its directory.
	Release    string `json:"release"`
	ReleaseDir string `json:"release_dir"`
	Version    string `json:"version"`
	Hash       string `json:"hash"`
	// Previous is the release that was current before ("" for none).
	Previous string `json:"previous,omitempty"`
	// Reused is set when the deployed release was unpacked already.
	Reused bool `json:"reused,omitempty"`
	// Removed are the releases pruned.
	Removed []string `json:"removed"`
	// Hooks are the hook runs, in order.
	Hooks []HookRun `json:"hooks,omitempty"`
	// RolledBack is set when a failing hook made the run switch back.
	RolledBack bool `json:"rolled_back,omitempty"`
}

// HookRun is one run of the hook.
type HookRun struct {
	Command string `json:"command"`
	// Release is the release the hook ran for.
	Release  string `json:"release"`
	ExitCode int    `json:"exit_code"`
	// Output is the hook's combined output (its last 64 KiB).
	Output string `json:"output"`
}

// HookError reports a failing hook. The switch it followed stands unless
// the result says RolledBack.
type HookError struct {
	Run HookRun
	Err error
	// RolledBack tells whether current was switched back.
	RolledBack bool
}

// Error names the command and its status (the output is in Run).
func (e *HookError) Error() string {
	msg := fmt.Sprintf("hook %q failed for release %s: %v", e.Run.Command, e.Run.Release, e.Err)
	if e.RolledBack {
		msg += " (switched back to the previous release)"
	} else {
		msg += " (the new release stays current)"
	}
	return msg
}

// Unwrap returns the cause.
func (e *HookError) Unwrap() error { return e.Err }

// ErrLocked is wrapped by the error of a run that found another deploy or
// rollback holding the lock.
var ErrLocked = errors.New("another deploy or rollback is running")

// NoReleaseError reports a rollback with nowhere to go.
type NoReleaseError struct{ Reason string }

// Error returns the reason.
func (e *NoReleaseError) Error() string { return e.Reason }

// session is one locked run in a deploy directory.
type session struct {
	dir    string
	opts   Options
	state  State
	unlock func()
}

func open(ctx context.Context, dir string, opts Options) (*session, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(abs, ReleasesDir), 0o755); err != nil {
		return nil, fmt.Errorf("deploy directory %s is not usable: %w", abs, err)
	}
	wait := max(opts.LockWait, 200*time.Millisecond)
	lctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	unlock, err := fsx.Lock(lctx, filepath.Join(abs, LockFile))
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			return nil, fmt.Errorf("deploy directory %s: %w (it holds %s)", abs, ErrLocked, LockFile)
		}
		return nil, fmt.Errorf("deploy directory %s is not usable: %w", abs, err)
	}
	s := &session{dir: abs, opts: opts, unlock: unlock}
	if err := s.readState(); err != nil {
		unlock()
		return nil, err
	}
	s.cleanTemp()
	return s, nil
}

func (s *session) close() { s.unlock() }

func (s *session) now() time.Time {
	if s.opts.Now != nil {
		return s.opts.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *session) releasePath(name string) string {
	return filepath.Join(s.dir, ReleasesDir, name)
}

func (s *session) readState() error {
	s.state = State{Format: stateFormat}
	data, err := os.ReadFile(filepath.Join(s.dir, StateFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading %s: %w", filepath.Join(s.dir, StateFile), err)
	}
	if err := json.Unmarshal(data, &s.state); err != nil {
		return fmt.Errorf("reading %s: %w", filepath.Join(s.dir, StateFile), err)
	}
	if s.state.Format != stateFormat {
		return fmt.Errorf("reading %s: format %d is not format %d", filepath.Join(s.dir, StateFile), s.state.Format, stateFormat)
	}
	// Forget releases removed behind our back.
	kept := s.state.Releases[:0]
	for _, r := range s.state.Releases {
		if safeComponent(r.Name) && complete(s.releasePath(r.Name)) {
			kept = append(kept, r)
		}
	}
	s.state.Releases = kept
	return nil
}

func (s *session) writeState() error {
	data, err := json.MarshalIndent(s.state, "", "  ")
	if err != nil {
		return err
	}
	return fsx.WriteFileAtomic(filepath.Join(s.dir, StateFile), append(data, '\n'), 0o644)
}

// cleanTemp removes what interrupted runs left in releases/ and beside
// current.
func (s *session) cleanTemp() {
	for _, d := range []string{filepath.Join(s.dir, ReleasesDir), s.dir} {
		ents, _ := os.ReadDir(d)
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), tmpPrefix) || strings.HasPrefix(e.Name(), "."+CurrentLink+tmpPrefix) {
				os.RemoveAll(filepath.Join(d, e.Name()))
			}
		}
	}
}

// complete reports whether dir is a complete release.
func complete(dir string) bool {
	st, err := os.Stat(filepath.Join(dir, ManifestName))
	return err == nil && st.Mode().IsRegular()
}

// Current returns the name of the release current points at in dir ("" when
// there is none).
func Current(dir string) (string, error) {
	link := filepath.Join(dir, CurrentLink)
	st, err := os.Lstat(link)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if st.Mode()&fs.ModeSymlink == 0 {
		return "", fmt.Errorf("%s is not a symbolic link: move it away to deploy here", link)
	}
	target, err := os.Readlink(link)
	if err != nil {
		return "", err
	}
	if !filepath.IsAbs(target) {
		target = filepath.Join(dir, target)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(filepath.Join(abs, ReleasesDir), filepath.Clean(target))
	if err != nil || strings.ContainsRune(rel, filepath.Separator) || !safeComponent(rel) {
		return "", fmt.Errorf("%s points at %s, which is not a release in %s", link, target, filepath.Join(abs, ReleasesDir))
	}
	return rel, nil
}

// ReadState returns the deploy directory's state (empty when it has none).
func ReadState(dir string) (State, error) {
	s := &session{dir: dir}
	if err := s.readState(); err != nil {
		return State{}, err
	}
	return s.state, nil
}

// switchTo points current at the release name: a new link under a
// temporary name, renamed over current.
func (s *session) switchTo(name string) error {
	if !complete(s.releasePath(name)) {
		return fmt.Errorf("release %s in %s is not complete (no %s)", name, s.dir, ManifestName)
	}
	if _, err := Current(s.dir); err != nil {
		return err
	}
	tmp := filepath.Join(s.dir, "."+CurrentLink+tmpPrefix+randomSuffix())
	if err := os.Symlink(filepath.Join(ReleasesDir, name), tmp); err != nil {
		return fmt.Errorf("switching %s: %w", filepath.Join(s.dir, CurrentLink), err)
	}
	if err := os.Rename(tmp, filepath.Join(s.dir, CurrentLink)); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("switching %s: %w", filepath.Join(s.dir, CurrentLink), err)
	}
	return fsx.SyncDir(s.dir)
}

func randomSuffix() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func (s *session) indexOf(name string) int {
	for i, r := range s.state.Releases {
		if r.Name == name {
			return i
		}
	}
	return -1
}

// before returns the release deployed before name ("" for none).
func (s *session) before(name string) string {
	if i := s.indexOf(name); i > 0 {
		return s.state.Releases[i-1].Name
	}
	return ""
}

// Deploy unpacks and verifies the release archive at artifact and makes it
// current in dir (see the package documentation). With a failing hook the
// result is returned together with a *HookError.
func Deploy(ctx context.Context, dir, artifact string, opts Options) (*Result, error) {
	if st, err := os.Stat(artifact); err != nil {
		return nil, fmt.Errorf("release %s: %w", artifact, err)
	} else if st.IsDir() {
		return nil, &ArtifactError{Artifact: artifact, Reason: "is a directory: deploy takes a release archive (ferry bundle --format tar.gz)"}
	}
	s, err := open(ctx, dir, opts)
	if err != nil {
		return nil, err
	}
	defer s.close()
	prev, err := Current(s.dir)
	if err != nil {
		return nil, err
	}
	limits := opts.Limits
	if limits == (archive.Limits{}) {
		limits = archive.DefaultLimits()
	}
	tmp, err := os.MkdirTemp(filepath.Join(s.dir, ReleasesDir), tmpPrefix)
	if err != nil {
		return nil, fmt.Errorf("deploy directory %s is not writable: %w", s.dir, err)
	}
	defer os.RemoveAll(tmp)
	u, err := readArchive(ctx, artifact, tmp, limits)
	if err != nil {
		return nil, err
	}
	m := u.manifest
	name := m.ReleaseName()
	res := &Result{Dir: s.dir, Release: name, ReleaseDir: s.releasePath(name), Version: m.Version, Hash: m.Hash, Previous: prev, Removed: []string{}}
	root := tmp
	if u.top != "" {
		root = filepath.Join(tmp, u.top)
	}
	if complete(res.ReleaseDir) {
		data, err := os.ReadFile(filepath.Join(res.ReleaseDir, ManifestName))
		if err != nil {
			return nil, err
		}
		old, err := ParseManifest(data)
		if err != nil || old.Hash != m.Hash {
			return nil, fmt.Errorf("release %s exists in %s with other content", name, s.dir)
		}
		res.Reused = true
	} else {
		if _, err := os.Lstat(res.ReleaseDir); err == nil {
			// An incomplete directory of that name: set it aside.
			if err := os.Rename(res.ReleaseDir, filepath.Join(s.dir, ReleasesDir, tmpPrefix+"old-"+randomSuffix())); err != nil {
				return nil, fmt.Errorf("replacing the incomplete %s: %w", res.ReleaseDir, err)
			}
		}
		os.Chmod(root, 0o755)
		if err := os.Rename(root, res.ReleaseDir); err != nil {
			return nil, fmt.Errorf("placing release %s: %w", name, err)
		}
		if err := fsx.SyncDir(filepath.Join(s.dir, ReleasesDir)); err != nil {
			return nil, err
		}
	}
	if i := s.indexOf(name); i >= 0 {
		s.state.Releases = append(s.state.Releases[:i], s.state.Releases[i+1:]...)
	}
	s.state.Releases = append(s.state.Releases, StateRelease{Name: name, Version: m.Version, Hash: m.Hash, Deployed: s.now()})
	if err := s.writeState(); err != nil {
		return nil, err
	}
	if err := s.switchTo(name); err != nil {
		return nil, err
	}
	hookErr := s.afterSwitch(ctx, res, prev)
	if err := s.prune(res, prev); err != nil && hookErr == nil {
		return res, err
	}
	if hookErr != nil {
		return res, hookErr
	}
	return res, nil
}

// Rollback makes another release current in dir: to, or when to is "" the
// release deployed before the current one. With a failing hook the result
// is returned together with a *HookError.
func Rollback(ctx context.Context, dir, to string, opts Options) (*Result, error) {
	s, err := open(ctx, dir, opts)
	if err != nil {
		return nil, err
	}
	defer s.close()
	cur, err := Current(s.dir)
	if err != nil {
		return nil, err
	}
	if to == "" {
		if cur == "" {
			return nil, &NoReleaseError{Reason: fmt.Sprintf("nothing to roll back in %s: no current release", s.dir)}
		}
		if s.indexOf(cur) < 0 {
			return nil, &NoReleaseError{Reason: fmt.Sprintf("the current release %s is not in %s's history: name the release to switch to", cur, s.dir)}
		}
		if to = s.before(cur); to == "" {
			return nil, &NoReleaseError{Reason: fmt.Sprintf("no release in %s was deployed before %s", s.dir, cur)}
		}
	}
	if !safeComponent(to) || !complete(s.releasePath(to)) {
		return nil, &NoReleaseError{Reason: fmt.Sprintf("no complete release named %q in %s", to, filepath.Join(s.dir, ReleasesDir))}
	}
	data, err := os.ReadFile(filepath.Join(s.releasePath(to), ManifestName))
	if err != nil {
		return nil, err
	}
	m, err := ParseManifest(data)
	if err != nil {
		return nil, fmt.Errorf("release %s: %w", to, err)
	}
	res := &Result{Dir: s.dir, Release: to, ReleaseDir: s.releasePath(to), Version: m.Version, Hash: m.Hash, Previous: cur, Removed: []string{}}
	if to == cur {
		return res, nil
	}
	if err := s.switchTo(to); err != nil {
		return nil, err
	}
	return res, s.afterSwitch(ctx, res, cur)
}

// afterSwitch runs the hook and, when it fails and the options say so,
// switches back to prev.
func (s *session) afterSwitch(ctx context.Context, res *Result, prev string) error {
	if s.opts.Hook == "" {
		return nil
	}
	run, err := s.runHook(ctx, res.Release, prev)
	res.Hooks = append(res.Hooks, run)
	if err == nil {
		return nil
	}
	herr := &HookError{Run: run, Err: err}
	if !s.opts.RollbackOnHookFailure || prev == "" || prev == res.Release {
		return herr
	}
	if serr := s.switchTo(prev); serr != nil {
		return fmt.Errorf("%w; switching back to %s failed too: %v", herr, prev, serr)
	}
	herr.RolledBack, res.RolledBack = true, true
	failed := res.Release
	res.Release, res.ReleaseDir = prev, s.releasePath(prev)
	if data, err := os.ReadFile(filepath.Join(res.ReleaseDir, ManifestName)); err == nil {
		if m, err := ParseManifest(data); err == nil {
			res.Version, res.Hash = m.Version, m.Hash
		}
	}
	res.Previous = failed
	again, err := s.runHook(ctx, prev, failed)
	res.Hooks = append(res.Hooks, again)
	if err != nil {
		return fmt.Errorf("%w; the hook failed again for %s: %v", herr, prev, err)
	}
	return herr
}

// runHook runs the hook for release.
func (s *session) runHook(ctx context.Context, release, prev string) (HookRun, error) {
	run := HookRun{Command: s.opts.Hook, Release: release}
	cmd := exec.CommandContext(ctx, "sh", "-c", s.opts.Hook)
	cmd.Dir = s.dir
	cmd.Env = append(append([]string(nil), s.opts.Environ...),
		"FERRY_RELEASE="+release,
		"FERRY_RELEASE_DIR="+s.releasePath(release),
		"FERRY_RELEASE_VERSION="+s.versionOf(release),
		"FERRY_PREVIOUS_RELEASE="+prev,
		"FERRY_DEPLOY_DIR="+s.dir,
	)
	out := &tailBuffer{max: maxHookOutput}
	var w io.Writer = out
	if s.opts.HookOutput != nil {
		w = io.MultiWriter(out, s.opts.HookOutput)
	}
	cmd.Stdout, cmd.Stderr = w, w
	err := cmd.Run()
	run.Output = out.String()
	if err != nil {
		run.ExitCode = -1
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			run.ExitCode = ee.ExitCode()
		}
	}
	return run, err
}

func (s *session) versionOf(name string) string {
	if i := s.indexOf(name); i >= 0 {
		return s.state.Releases[i].Version
	}
	return ""
}

// prune removes the oldest releases beyond Keep.
func (s *session) prune(res *Result, prevCurrent string) error {
	keep := s.opts.Keep
	if keep <= 0 {
		keep = DefaultKeep
	}
	cur, err := Current(s.dir)
	if err != nil {
		return err
	}
	protected := map[string]bool{cur: true, s.before(cur): true, prevCurrent: true}
	var kept []StateRelease
	n := 0
	for i := len(s.state.Releases) - 1; i >= 0; i-- {
		r := s.state.Releases[i]
		n++
		if n <= keep || protected[r.Name] {
			kept = append(kept, r)
			continue
		}
		if err := s.remove(r.Name); err != nil {
			return err
		}
		res.Removed = append(res.Removed, r.Name)
	}
	for i, j := 0, len(kept)-1; i < j; i, j = i+1, j-1 {
		kept[i], kept[j] = kept[j], kept[i]
	}
	s.state.Releases = kept
	return s.writeState()
}

// remove deletes a release: renamed away first, so it never looks like a
// complete release while it is being deleted.
func (s *session) remove(name string) error {
	tmp := filepath.Join(s.dir, ReleasesDir, tmpPrefix+"rm-"+randomSuffix())
	if err := os.Rename(s.releasePath(name), tmp); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return fmt.Errorf("removing release %s: %w", name, err)
	}
	if err := os.RemoveAll(tmp); err != nil {
		return fmt.Errorf("removing release %s: %w", name, err)
	}
	return nil
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	max int
	buf []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.buf = append(t.buf, p...)
	if len(t.buf) > t.max {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-t.max:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string { return string(t.buf) }

package install

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"ferry/internal/fsx"
)

// journalFormat is the version of the journal file.
const journalFormat = 1

// Journal states.
const (
	statePrepared  = "prepared"
	stateCommitted = "committed"
)

// journalPrefix starts the name of every journal file in the anchor
// directory: ".ferry-txn-<id>.json".
const journalPrefix = ".ferry-txn-"

// opKind is what one step of a transaction does.
type opKind string

const (
	// opRemove moves Path to Backup.
	opRemove opKind = "remove"
	// opMkdir creates the directory Path, which did not exist.
	opMkdir opKind = "mkdir"
	// opPlace creates the file Path (moving what was there to Backup
	// first, when Backup is set).
	opPlace opKind = "place"
	// opCreated records a file some other step (bytecode compilation)
	// creates at Path; Backup is where the earlier file at Path was moved
	// by an opRemove, if there was one.
	opCreated opKind = "created"
	// opCompile runs the interpreter to compile bytecode.
	opCompile opKind = "compile"
)

// op is one step. The journaled fields say what to undo; the others say
// how to do it and are not needed to recover.
type op struct {
	Kind   opKind `json:"kind"`
	Path   string `json:"path,omitempty"`
	Backup string `json:"backup,omitempty"`

	src     string                 // place: file to link or copy
	content []byte                 // place: content to write (src == "")
	lazy    func() ([]byte, error) // place: content computed when the step runs
	perm    os.FileMode            // place: mode of written content
	compile []string               // compile: the files
}

// journal is the transaction's record on disk.
type journal struct {
	Format int    `json:"format"`
	ID     string `json:"id"`
	State  string `json:"state"`
	// Stops are directories empty-directory pruning never removes (the
	// scheme directories and roots).
	Stops []string `json:"stops"`
	Ops   []op     `json:"ops"`
}

func newTxnID() string {
	var b [6]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// backupName returns the sibling name p's content is moved to.
func backupName(p, id string, n int) string {
	return filepath.Join(filepath.Dir(p), ".~ferry-"+id+"-"+strconv.Itoa(n))
}

func journalPath(anchor, id string) string {
	return filepath.Join(anchor, journalPrefix+id+".json")
}

func (j *journal) write(path string) error {
	b, err := json.Marshal(j)
	if err != nil {
		return err
	}
	return fsx.WriteFileAtomic(path, b, 0o644)
}

// runner executes a journal.
type runner struct {
	j      *journal
	path   string
	mode   atomic.Uint32 // fsx.LinkMode in use (falls back once)
	failAt func(step int) error
	step   atomic.Int64
	// runCompile compiles bytecode (the interpreter is run here).
	runCompile func(files []string) error
	workers    int
}

// errInjected marks a failure injected by a test hook.
var errInjected = errors.New("injected failure")

func (r *runner) hook() error {
	n := int(r.step.Add(1) - 1)
	if r.failAt != nil {
		if err := r.failAt(n); err != nil {
			return err
		}
	}
	return nil
}

// run performs the transaction: journal, steps, commit, cleanup. On an
// error before the commit it rolls back; the error is returned either way.
func (r *runner) run(ctx context.Context) error {
	r.j.State = statePrepared
	if err := r.j.write(r.path); err != nil {
		return fmt.Errorf("writing transaction journal: %w", err)
	}
	if err := r.forward(ctx); err != nil {
		if rerr := rollback(r.j); rerr != nil {
			return fmt.Errorf("%w; rolling back: %v (the next ferry run retries)", err, rerr)
		}
		os.Remove(r.path)
		return err
	}
	// The commit point.
	if err := r.hook(); err != nil {
		if rerr := rollback(r.j); rerr != nil {
			return fmt.Errorf("%w; rolling back: %v (the next ferry run retries)", err, rerr)
		}
		os.Remove(r.path)
		return err
	}
	r.j.State = stateCommitted
	if err := r.j.write(r.path); err != nil {
		if rerr := rollback(r.j); rerr != nil {
			return fmt.Errorf("committing: %w; rolling back: %v", err, rerr)
		}
		os.Remove(r.path)
		return fmt.Errorf("committing: %w", err)
	}
	return finish(r.j, r.path, r.hook)
}

// forward performs every step in order; runs of consecutive opPlace steps
// go in parallel.
func (r *runner) forward(ctx context.Context) error {
	ops := r.j.Ops
	for i := 0; i < len(ops); {
		if err := ctx.Err(); err != nil {
			return err
		}
		if ops[i].Kind == opPlace || ops[i].Kind == opRemove {
			// Placements are independent of one another, and so are
			// removals; RECORD files (lazy) come after the bytecode.
			j := i
			for j < len(ops) && ops[j].Kind == ops[i].Kind && (ops[j].lazy == nil) == (ops[i].lazy == nil) {
				j++
			}
			if err := r.parallel(ctx, ops[i:j]); err != nil {
				return err
			}
			i = j
			continue
		}
		if ops[i].Kind == opMkdir {
			// Directories of the same depth in parallel, parents first.
			depth := func(p string) int { return strings.Count(p, string(filepath.Separator)) }
			j := i
			for j < len(ops) && ops[j].Kind == opMkdir && depth(ops[j].Path) == depth(ops[i].Path) {
				j++
			}
			if err := r.parallel(ctx, ops[i:j]); err != nil {
				return err
			}
			i = j
			continue
		}
		if err := r.hook(); err != nil {
			return err
		}
		if err := r.do(&ops[i]); err != nil {
			return err
		}
		i++
	}
	return nil
}

func (r *runner) parallel(ctx context.Context, ops []op) error {
	n := min(r.workers, len(ops))
	if n <= 1 {
		for i := range ops {
			if err := r.hook(); err != nil {
				return err
			}
			if err := r.do(&ops[i]); err != nil {
				return err
			}
		}
		return nil
	}
	var (
		next     atomic.Int64
		mu       sync.Mutex
		firstErr error
		failed   atomic.Bool
		wg       sync.WaitGroup
	)
	for range n {
		wg.Go(func() {
			for !failed.Load() {
				i := int(next.Add(1) - 1)
				if i >= len(ops) {
					return
				}
				err := r.hook()
				if err == nil {
					err = ctx.Err()
				}
				if err == nil {
					err = r.do(&ops[i])
				}
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					failed.Store(true)
					return
				}
			}
		})
	}
	wg.Wait()
	return firstErr
}

// do performs one step.
func (r *runner) do(o *op) error {
	switch o.Kind {
	case opRemove:
		if err := os.Rename(o.Path, o.Backup); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil // already gone
			}
			return fmt.Errorf("removing %s: %w", o.Path, err)
		}
	case opMkdir:
		if err := os.Mkdir(o.Path, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("creating %s: %w", o.Path, err)
		}
	case opPlace:
		if o.Backup != "" {
			if err := os.Rename(o.Path, o.Backup); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("replacing %s: %w", o.Path, err)
			}
		}
		return r.place(o)
	case opCreated:
		// Done by the compile step that follows.
	case opCompile:
		if r.runCompile != nil && len(o.compile) > 0 {
			if err := r.runCompile(o.compile); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("unknown step %q", o.Kind)
	}
	return nil
}

// place creates o.Path from its source or content.
func (r *runner) place(o *op) error {
	if o.src == "" {
		data := o.content
		if o.lazy != nil {
			var err error
			if data, err = o.lazy(); err != nil {
				return err
			}
		}
		f, err := os.OpenFile(o.Path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, o.perm)
		if err != nil {
			return fmt.Errorf("writing %s: %w", o.Path, err)
		}
		if _, err := f.Write(data); err != nil {
			f.Close()
			return fmt.Errorf("writing %s: %w", o.Path, err)
		}
		if err := f.Close(); err != nil {
			return fmt.Errorf("writing %s: %w", o.Path, err)
		}
		if o.perm&0o111 != 0 {
			return os.Chmod(o.Path, o.perm)
		}
		return nil
	}
	mode := fsx.LinkMode(r.mode.Load())
	if mode == fsx.LinkHardlink {
		err := os.Link(o.src, o.Path)
		if err == nil {
			return nil
		}
		var le *os.LinkError
		if !errors.As(err, &le) || errors.Is(err, fs.ErrExist) || errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("placing %s: %w", o.Path, err)
		}
		// Hard links are not possible here: copy from now on.
		mode = fsx.LinkCopy
	}
	used, err := fsx.Place(o.src, o.Path, mode)
	if err != nil {
		return err
	}
	if used != mode {
		r.mode.Store(uint32(used))
	} else if mode == fsx.LinkCopy {
		r.mode.Store(uint32(fsx.LinkCopy))
	}
	return nil
}

// rollback undoes whatever part of j's steps happened, newest first. Each
// undo checks the filesystem, so rolling back twice (a crash during
// recovery) is harmless.
func rollback(j *journal) error {
	var errs []error
	for i := len(j.Ops) - 1; i >= 0; i-- {
		o := &j.Ops[i]
		switch o.Kind {
		case opPlace, opCreated:
			if o.Backup != "" {
				if !exists(o.Backup) {
					// The earlier file was never moved: Path is untouched.
					continue
				}
				if err := removeIfExists(o.Path); err != nil {
					errs = append(errs, err)
					continue
				}
				if o.Kind == opCreated {
					continue // the opRemove that made Backup restores it
				}
				if err := os.Rename(o.Backup, o.Path); err != nil {
					errs = append(errs, err)
				}
				continue
			}
			if err := removeIfExists(o.Path); err != nil {
				errs = append(errs, err)
			}
		case opRemove:
			if !exists(o.Backup) {
				continue
			}
			if err := os.MkdirAll(filepath.Dir(o.Path), 0o755); err != nil {
				errs = append(errs, err)
				continue
			}
			if exists(o.Path) {
				// Something was created at Path after the move; it is ours.
				if err := removeIfExists(o.Path); err != nil {
					errs = append(errs, err)
					continue
				}
			}
			if err := os.Rename(o.Backup, o.Path); err != nil {
				errs = append(errs, err)
			}
		case opMkdir:
			if err := os.Remove(o.Path); err != nil && !errors.Is(err, fs.ErrNotExist) {
				// Not empty: leave it rather than lose anything.
				continue
			}
		}
	}
	return errors.Join(errs...)
}

func removeIfExists(p string) error {
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// finish completes a committed transaction: backups are deleted,
// directories emptied by removals are pruned, and the journal goes last.
func finish(j *journal, path string, hook func() error) error {
	if hook == nil {
		hook = func() error { return nil }
	}
	for _, o := range j.Ops {
		if o.Backup == "" || o.Kind == opCreated {
			continue
		}
		if err := hook(); err != nil {
			return err
		}
		if err := os.RemoveAll(o.Backup); err != nil {
			return fmt.Errorf("removing backup %s: %w", o.Backup, err)
		}
	}
	if err := hook(); err != nil {
		return err
	}
	pruneEmptyDirs(j)
	if err := hook(); err != nil {
		return err
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("removing transaction journal: %w", err)
	}
	return nil
}

// pruneEmptyDirs removes the directories left empty by removals, walking
// up from each removed path but never removing a stop directory or
// anything outside one.
func pruneEmptyDirs(j *journal) {
	stops := map[string]bool{}
	for _, s := range j.Stops {
		stops[s] = true
	}
	var dirs []string
	seen := map[string]bool{}
	for _, o := range j.Ops {
		if o.Kind != opRemove {
			continue
		}
		for d := filepath.Dir(o.Path); !stops[d] && inAny(j.Stops, d) && !seen[d]; d = filepath.Dir(d) {
			seen[d] = true
			dirs = append(dirs, d)
		}
	}
	// Deepest first.
	sort.Slice(dirs, func(a, b int) bool {
		ca, cb := strings.Count(dirs[a], string(filepath.Separator)), strings.Count(dirs[b], string(filepath.Separator))
		if ca != cb {
			return ca > cb
		}
		return dirs[a] > dirs[b]
	})
	for _, d := range dirs {
		os.Remove(d) // fails harmlessly when not empty
	}
}

// Recover finishes or undoes the transactions interrupted in the
// environment whose journals live in anchor (the purelib directory): a
// committed one is completed, any other rolled back, so the environment
// is as it was before or as it should be after. It returns the
// transaction IDs it handled. Callers hold the environment's lock.
func Recover(anchor string) ([]string, error) {
	ents, err := os.ReadDir(anchor)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, err
	}
	var done []string
	var errs []error
	for _, e := range ents {
		name := e.Name()
		if strings.HasPrefix(name, "."+journalPrefix) && strings.Contains(name, ".tmp-") {
			// A journal write that never completed: nothing was done.
			os.Remove(filepath.Join(anchor, name))
			continue
		}
		if !strings.HasPrefix(name, journalPrefix) || !strings.HasSuffix(name, ".json") {
			continue
		}
		p := filepath.Join(anchor, name)
		b, err := os.ReadFile(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		var j journal
		if err := json.Unmarshal(b, &j); err != nil || j.Format != journalFormat {
			errs = append(errs, fmt.Errorf("transaction journal %s is unreadable (format %d): %v", p, j.Format, err))
			continue
		}
		if j.State == stateCommitted {
			if err := finish(&j, p, nil); err != nil {
				errs = append(errs, err)
				continue
			}
		} else {
			if err := rollback(&j); err != nil {
				errs = append(errs, fmt.Errorf("rolling back transaction %s: %w", j.ID, err))
				continue
			}
			if err := os.Remove(p); err != nil {
				errs = append(errs, err)
				continue
			}
		}
		done = append(done, j.ID)
	}
	return done, errors.Join(errs...)
}

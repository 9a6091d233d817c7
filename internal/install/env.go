package install

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"time"

	"ferry/internal/distinfo"
	"ferry/internal/fsx"
	"ferry/internal/pkgname"
)

// Env is an installation target opened for changes: its lock is held
// from OpenEnv to Close, interrupted transactions have been recovered,
// and its inventory is read.
type Env struct {
	Layout Layout
	// Recovered lists the interrupted transactions OpenEnv finished or
	// rolled back.
	Recovered []string

	anchor string
	unlock func()
	inv    *Inventory
}

// OpenEnv locks the environment the layout describes (waiting for other
// ferry processes), repairs what an interrupted transaction left, and
// reads what is installed. Close releases the lock.
func OpenEnv(ctx context.Context, l Layout) (*Env, error) {
	if err := l.Validate(); err != nil {
		return nil, err
	}
	anchor := l.Scheme.Purelib
	if err := os.MkdirAll(anchor, 0o755); err != nil {
		return nil, fmt.Errorf("opening %s: %w", l.Description, err)
	}
	unlock, err := lockDir(ctx, anchor)
	if err != nil {
		return nil, fmt.Errorf("locking %s: %w", l.Description, err)
	}
	e := &Env{Layout: l, anchor: anchor, unlock: unlock}
	if e.Recovered, err = Recover(anchor); err != nil {
		unlock()
		return nil, fmt.Errorf("repairing an interrupted transaction in %s: %w", l.Description, err)
	}
	if err := e.refresh(); err != nil {
		unlock()
		return nil, err
	}
	return e, nil
}

func (e *Env) refresh() error {
	inv, err := ReadInventory(e.Layout.SiteDirs()...)
	if err != nil {
		return err
	}
	e.inv = inv
	return nil
}

// Close releases the environment's lock.
func (e *Env) Close() {
	if e.unlock != nil {
		e.unlock()
		e.unlock = nil
	}
}

// Inventory returns what is installed (refreshed after each Apply).
func (e *Env) Inventory() *Inventory { return e.inv }

// Item is one wheel to install.
type Item struct {
	Wheel *Unpacked
	// Requested marks a distribution the user asked for by name (REQUESTED
	// is written), as opposed to a dependency.
	Requested bool
	// DirectURL is written as direct_url.json when set (PEP 610: installs
	// from a path or URL rather than an index).
	DirectURL *distinfo.DirectURL
}

// Txn is one transaction: distributions to remove and wheels to install.
// Installing a project that is installed already replaces it (every
// installed copy of that name is removed in the same transaction).
type Txn struct {
	Remove  []*Dist
	Install []Item
}

// Options tune Apply.
type Options struct {
	// LinkMode is how files come from the cache: clone falls back to
	// hardlink, hardlink to copy (see fsx.Place).
	LinkMode fsx.LinkMode
	// Compile writes bytecode for the installed .py files with the
	// layout's interpreter.
	Compile bool
	// Workers bounds parallel file placement; 0 means a default.
	Workers int
	// Installer is written to INSTALLER; "" means "ferry".
	Installer string

	// failAt, when set, runs before every step of the transaction with
	// its number; an error fails the step (tests inject faults here).
	failAt func(step int) error
}

// DistRef names a distribution in a report.
type DistRef struct {
	Name    pkgname.Name `json:"name"`
	Version string       `json:"version"`
	// Path is the .dist-info directory (or legacy record) concerned.
	Path string `json:"path"`
}

// String returns "name==version".
func (d DistRef) String() string { return string(d.Name) + "==" + d.Version }

// Report says what a transaction did.
type Report struct {
	Installed []DistRef `json:"installed"`
	Removed   []DistRef `json:"removed"`
	// LinkMode is the mode files were placed with in the end.
	LinkMode fsx.LinkMode `json:"link_mode"`
	// Files is the number of files placed or written.
	Files int `json:"files"`
	// Compiled is the number of bytecode files written.
	Compiled int `json:"compiled"`
	// Warnings are things the user should know (paths outside the
	// environment that were left alone, newer wheel versions).
	Warnings []string      `json:"warnings,omitempty"`
	Elapsed  time.Duration `json:"-"`
}

func (o Options) workers() int {
	if o.Workers > 0 {
		return o.Workers
	}
	return min(runtime.GOMAXPROCS(0)*2, 16)
}

// Apply performs txn atomically: on success the environment holds
// exactly the new state; on failure (or if the process dies) it holds the
// old one, after Recover. The inventory is refreshed afterwards.
func (e *Env) Apply(ctx context.Context, txn Txn, opts Options) (*Report, error) {
	start := time.Now()
	p, err := e.plan(txn, opts)
	if err != nil {
		return nil, err
	}
	r := &runner{
		j:       p.journal,
		path:    journalPath(e.anchor, p.journal.ID),
		failAt:  opts.failAt,
		workers: opts.workers(),
	}
	r.mode.Store(uint32(opts.LinkMode))
	if opts.Compile {
		r.runCompile = func(files []string) error { return compileFiles(ctx, e.Layout.Python, files) }
	}
	err = r.run(ctx)
	if rerr := e.refresh(); err == nil {
		err = rerr
	}
	if err != nil {
		return nil, err
	}
	rep := p.report
	rep.LinkMode = fsx.LinkMode(r.mode.Load())
	if opts.Compile {
		for _, pyc := range p.pycs {
			if exists(pyc) {
				rep.Compiled++
			}
		}
	}
	rep.Elapsed = time.Since(start)
	return &rep, nil
}

// Preview returns the report Apply would give, without changing anything.
func (e *Env) Preview(txn Txn, opts Options) (*Report, error) {
	p, err := e.plan(txn, opts)
	if err != nil {
		return nil, err
	}
	rep := p.report
	rep.LinkMode = opts.LinkMode
	return &rep, nil
}

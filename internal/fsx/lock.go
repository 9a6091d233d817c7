package fsx

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/rogpeppe/go-internal/lockedfile"
)

// Lock takes an exclusive lock on the file at path, creating it (and its
// directory) if needed, and waits until the lock is free or ctx ends. The
// lock excludes every other Lock and RLock on the same path, in this
// process or another. Call unlock exactly once to release it.
func Lock(ctx context.Context, path string) (unlock func(), err error) {
	return lock(ctx, path, os.O_RDWR|os.O_CREATE)
}

// RLock takes a shared lock on the file at path, creating it (and its
// directory) if needed, and waits until no exclusive lock is held or ctx
// ends. Shared locks coexist with each other and exclude Lock.
func RLock(ctx context.Context, path string) (unlock func(), err error) {
	return lock(ctx, path, os.O_RDONLY|os.O_CREATE)
}

type lockResult struct {
	f   *lockedfile.File
	err error
}

func lock(ctx context.Context, path string, flag int) (func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("locking %s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o777); err != nil {
		return nil, fmt.Errorf("locking %s: %w", path, err)
	}
	// lockedfile blocks without a way to give up, so wait in a goroutine;
	// if ctx ends first, that goroutine releases the lock when it finally
	// gets it.
	done := make(chan lockResult, 1)
	go func() {
		f, err := lockedfile.OpenFile(path, flag, 0o666)
		done <- lockResult{f, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			return nil, fmt.Errorf("locking %s: %w", path, r.err)
		}
		return closer(r.f), nil
	case <-ctx.Done():
		go func() {
			if r := <-done; r.f != nil {
				r.f.Close()
			}
		}()
		return nil, fmt.Errorf("locking %s: %w", path, ctx.Err())
	}
}

// closer returns a function that closes f (releasing its lock) once, no
// matter how often it is called.
func closer(f *lockedfile.File) func() {
	done := false
	return func() {
		if !done {
			done = true
			f.Close()
		}
	}
}

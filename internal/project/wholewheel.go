package project

import (
	"context"
	"strings"
	"sync"

	"ferry/internal/fetch"
	"ferry/internal/index"
)

// maxWholeWheel is the largest wheel whose metadata an install reads by
// downloading the whole file (see Session.WholeWheels).
const maxWholeWheel = 32 << 20

// WheelSource hands a provider whole wheels, downloaded and verified into
// memory, to read metadata from; the install step then takes the same
// bytes instead of downloading again. ok is false when f is not one it
// downloads (too big, size unknown, a local file).
type WheelSource interface {
	WheelData(ctx context.Context, f index.File) (data []byte, ok bool, err error)
}

// wholeWheels remembers the wheels downloaded for their metadata, by URL,
// until the install step takes them.
type wholeWheels struct {
	mu sync.Mutex
	m  map[string]*wheelCall
}

type wheelCall struct {
	done chan struct{}
	data []byte
	res  fetch.Result
	err  error
}

// WheelData implements WheelSource.
func (s *Session) WheelData(ctx context.Context, f index.File) ([]byte, bool, error) {
	if f.Kind != index.KindWheel || f.Size <= 0 || f.Size > maxWholeWheel || strings.HasPrefix(f.URL, "file:") {
		return nil, false, nil
	}
	w := &s.whole
	w.mu.Lock()
	if w.m == nil {
		w.m = map[string]*wheelCall{}
	}
	c, ok := w.m[f.URL]
	if !ok {
		c = &wheelCall{done: make(chan struct{})}
		w.m[f.URL] = c
	}
	w.mu.Unlock()
	if !ok {
		// data stays nil when the archive cache already held the file:
		// then there is nothing to hand over in memory.
		c.data, c.res, c.err = s.Fetcher.FetchData(ctx, index.FetchRequest(f), maxWholeWheel)
		close(c.done)
	} else {
		select {
		case <-c.done:
		case <-ctx.Done():
			return nil, false, ctx.Err()
		}
	}
	if c.err != nil || c.data == nil {
		// The provider reads the metadata its usual way; a download that
		// failed fails again, with its message, when it is installed.
		return nil, false, nil
	}
	return c.data, true, nil
}

// takeWheel returns, and forgets, a wheel WheelData downloaded (waiting
// for it when it is still on its way).
func (s *Session) takeWheel(ctx context.Context, url string) ([]byte, fetch.Result, bool) {
	w := &s.whole
	w.mu.Lock()
	c, ok := w.m[url]
	delete(w.m, url)
	w.mu.Unlock()
	if !ok {
		return nil, fetch.Result{}, false
	}
	select {
	case <-c.done:
	case <-ctx.Done():
		return nil, fetch.Result{}, false
	}
	if c.err != nil || c.data == nil {
		return nil, fetch.Result{}, false
	}
	return c.data, c.res, true
}

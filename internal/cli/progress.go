package cli

import (
	"fmt"
	"sync"
	"time"
)

// spinner shows what a long step is doing, on stderr, only when stderr is
// a terminal (and never in quiet or JSON mode). It redraws every 100ms.
type spinner struct {
	f       *Factory
	enabled bool

	mu   sync.Mutex
	msg  string
	stop chan struct{}
	done chan struct{}
}

func newSpinner(f *Factory, quiet bool) *spinner {
	return &spinner{f: f, enabled: !quiet && f.IO.ProgressEnabled()}
}

// Set shows msg until Done.
func (s *spinner) Set(msg string) {
	if !s.enabled {
		return
	}
	s.mu.Lock()
	s.msg = msg
	running := s.stop != nil
	if !running {
		s.stop, s.done = make(chan struct{}), make(chan struct{})
	}
	s.mu.Unlock()
	if running {
		return
	}
	go func() {
		defer close(s.done)
		frames := []rune("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏")
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for i := 0; ; i++ {
			s.mu.Lock()
			fmt.Fprintf(s.f.IO.ErrOut, "\r\033[K%c %s", frames[i%len(frames)], s.msg)
			s.mu.Unlock()
			select {
			case <-s.stop:
				fmt.Fprint(s.f.IO.ErrOut, "\r\033[K")
				return
			case <-t.C:
			}
		}
	}()
}

// Done clears the line.
func (s *spinner) Done() {
	if !s.enabled {
		return
	}
	s.mu.Lock()
	stop, done := s.stop, s.done
	s.stop, s.done = nil, nil
	s.mu.Unlock()
	if stop != nil {
		close(stop)
		<-done
	}
}

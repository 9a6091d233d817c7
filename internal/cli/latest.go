package cli

import (
	"context"
	"sync"

	"ferry/internal/interp"
	"ferry/internal/pep440"
	"ferry/internal/pkgname"
	"ferry/internal/project"
)

// indexLatest answers list --outdated from the configured indexes. The
// session opens on first use, so a plain `ferry list` touches no network.
type indexLatest struct {
	f    *Factory
	net  *netOptions
	info *interp.Info

	once sync.Once
	prov *project.Provider
	done func()
	err  error
}

func (l *indexLatest) Latest(ctx context.Context, name pkgname.Name, pre bool) (pep440.Version, string, bool, error) {
	l.once.Do(func() {
		target, err := project.NewTarget(l.info, project.TargetOverride{})
		if err != nil {
			l.err = err
			return
		}
		s, done, err := openSession(l.f, l.net, "list", l.info.Prefix, nil)
		if err != nil {
			l.err = err
			return
		}
		l.done = done
		l.prov = s.NewProvider(target)
	})
	if l.err != nil {
		return pep440.Version{}, "", false, l.err
	}
	return l.prov.Latest(ctx, name, pre)
}

func (l *indexLatest) close() {
	if l.prov != nil {
		l.prov.Close()
	}
	if l.done != nil {
		l.done()
	}
}

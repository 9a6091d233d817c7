package cli

import (
	"errors"
	"path/filepath"

	"ferry/internal/interp"
)

// cacheDir returns ferry's cache directory: $FERRY_CACHE_DIR (relative to
// the working directory if relative), else $XDG_CACHE_HOME/ferry (an
// absolute XDG_CACHE_HOME only, as the XDG spec says), else
// ~/.cache/ferry, else %LOCALAPPDATA%\ferry\cache.
func cacheDir(f *Factory) (string, error) {
	if d := f.Getenv("FERRY_CACHE_DIR"); d != "" {
		if !filepath.IsAbs(d) {
			d = filepath.Join(f.Dir, d)
		}
		return filepath.Clean(d), nil
	}
	if d := f.Getenv("XDG_CACHE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "ferry"), nil
	}
	if h := f.Getenv("HOME"); h != "" {
		return filepath.Join(h, ".cache", "ferry"), nil
	}
	if d := f.Getenv("LOCALAPPDATA"); d != "" {
		return filepath.Join(d, "ferry", "cache"), nil
	}
	return "", errors.New("no cache directory: set FERRY_CACHE_DIR or HOME")
}

// interpreterCacheDir is where interpreter descriptions are cached.
func interpreterCacheDir(f *Factory) (string, error) {
	d, err := cacheDir(f)
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "interpreters"), nil
}

// interpEnv is the outside world as package interp sees it. Without a
// cache directory interpreters are simply queried every time.
func interpEnv(f *Factory) interp.Env {
	cache, _ := interpreterCacheDir(f)
	return interp.Env{Getenv: f.Getenv, Dir: f.Dir, CacheDir: cache}
}

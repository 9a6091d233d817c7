package interp

import (
	"bytes"
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"ferry/internal/fsx"
)

//go:embed query.py
var queryScript string

// cacheFormat changes whenever the cache file layout does; the script's
// digest is part of every key as well.
const cacheFormat = "ferry-interp-1"

// cacheEntry is the content of one cache file.
type cacheEntry struct {
	Key  string `json:"key"`
	Info *Info  `json:"info"`
}

// Query describes the interpreter at path (an executable; it is not
// resolved as a pyenv shim, see Find). The answer is cached in cacheDir
// (created if missing; "" disables caching) under a key made of path, the
// file it resolves to, that file's size and modification time, the
// pyvenv.cfg of the environment the interpreter belongs to, and the query
// script's digest: while none of those change, Query starts no process.
func Query(ctx context.Context, path, cacheDir string) (*Info, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("querying interpreter %s: %w", path, err)
	}
	key, err := cacheKey(abs)
	if err != nil {
		return nil, fmt.Errorf("querying interpreter %s: %w", path, err)
	}
	var cacheFile string
	if cacheDir != "" {
		sum := sha256.Sum256([]byte(key))
		cacheFile = filepath.Join(cacheDir, hex.EncodeToString(sum[:16])+".json")
		if info := readCache(cacheFile, key); info != nil {
			return info, nil
		}
		// A virtual environment's interpreter is described from its base
		// interpreter's answer without starting it.
		if info := queryVenv(ctx, abs, cacheDir); info != nil {
			return info, nil
		}
	}
	info, raw, err := run(ctx, abs)
	if err != nil {
		return nil, err
	}
	if cacheFile != "" {
		// A cache that cannot be written only costs the next run a query.
		if err := os.MkdirAll(cacheDir, 0o777); err == nil {
			entry, err := json.Marshal(struct {
				Key  string          `json:"key"`
				Info json.RawMessage `json:"info"`
			}{key, raw})
			if err == nil {
				_ = fsx.WriteFileAtomic(cacheFile, append(entry, '\n'), 0o644)
			}
		}
	}
	return info, nil
}

// cacheKey describes everything the answer for the interpreter at abs
// depends on.
func cacheKey(abs string) (string, error) {
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return "", err
	}
	st, err := os.Stat(real)
	if err != nil {
		return "", err
	}
	if !st.Mode().IsRegular() {
		return "", fmt.Errorf("not a regular file")
	}
	script := sha256.Sum256([]byte(queryScript))
	var b strings.Builder
	fmt.Fprintf(&b, "format=%s\nscript=%x\npath=%s\nreal=%s\nsize=%d\nmtime=%d\n",
		cacheFormat, script[:8], abs, real, st.Size(), st.ModTime().UnixNano())
	// The environment an interpreter belongs to is named by the pyvenv.cfg
	// next to it or one directory up (PEP 405); it changes sys.prefix,
	// sys.path and the user site.
	for _, cfg := range []string{
		filepath.Join(filepath.Dir(abs), "pyvenv.cfg"),
		filepath.Join(filepath.Dir(filepath.Dir(abs)), "pyvenv.cfg"),
	} {
		if cst, err := os.Stat(cfg); err == nil {
			fmt.Fprintf(&b, "cfg=%s %d %d\n", cfg, cst.Size(), cst.ModTime().UnixNano())
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
	}
	return b.String(), nil
}

// readCache returns the cached Info for key, or nil.
func readCache(file, key string) *Info {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil
	}
	var e cacheEntry
	if json.Unmarshal(b, &e) != nil || e.Key != key || e.Info == nil {
		return nil
	}
	return e.Info
}

// run executes the query script in the interpreter at exe.
func run(ctx context.Context, exe string) (*Info, []byte, error) {
	cmd := exec.CommandContext(ctx, exe, "-E", "-c", queryScript)
	// A neutral working directory: nothing there can shadow a module.
	cmd.Dir = filepath.Dir(exe)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		return nil, nil, &QueryError{Path: exe, Stderr: tail(stderr.String(), 2000), Err: err}
	}
	// The answer is the last line; anything a sitecustomize printed
	// before it is ignored.
	out := bytes.TrimRight(stdout.Bytes(), "\r\n")
	if i := bytes.LastIndexByte(out, '\n'); i >= 0 {
		out = out[i+1:]
	}
	out = bytes.TrimSpace(out)
	var info Info
	if err := json.Unmarshal(out, &info); err != nil {
		return nil, nil, &QueryError{Path: exe, Stderr: tail(stderr.String(), 2000), Err: fmt.Errorf("reading the answer: %w", err)}
	}
	if info.Schema == 0 || info.Executable == "" {
		return nil, nil, &QueryError{Path: exe, Err: fmt.Errorf("incomplete answer %.200q", out)}
	}
	return &info, out, nil
}

// tail returns at most the last n bytes of s.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}

package bundle

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"strings"

	"golang.org/x/sync/errgroup"
)

// compileScript reads jobs (JSON: [[source, destination, name], ...]) on
// stdin, writes an unchecked hash-based .pyc (PEP 552) of each source that
// compiles, and prints {"cache_tag": ..., "written": [...]} on stdout.
// Unchecked pycs carry no time stamp, so the bytes depend only on the
// source and the interpreter; one process compiles everything in the
// given order, so the output is the same from run to run.
const compileScript = `
import importlib.util, json, marshal, os, sys
jobs = json.load(sys.stdin)
written = []
flags = (1).to_bytes(4, "little")
for src, dst, name in jobs:
    try:
        with open(src, "rb") as f:
            source = f.read()
        code = compile(source, name, "exec", dont_inherit=True)
    except (SyntaxError, ValueError, UnicodeDecodeError, OSError):
        continue
    data = importlib.util.MAGIC_NUMBER + flags + importlib.util.source_hash(source) + marshal.dumps(code)
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    with open(dst, "wb") as f:
        f.write(data)
    written.append(src)
json.dump({"cache_tag": sys.implementation.cache_tag, "written": written}, sys.stdout)
`

// Bytecode is the compiled form of a tree's Python files, written by
// Compile for one interpreter.
type Bytecode struct {
	// CacheTag is the interpreter's sys.implementation.cache_tag
	// ("cpython-312"), which names __pycache__ files.
	CacheTag string
	// pycs maps a source's path in the tree to its .pyc file on disk.
	pycs map[string]string
}

// Compile compiles every Python module of the tree (scripts excepted) with
// python into files under dir. Sources that do not compile (Python 2 code
// some distributions carry) are left to be compiled at run time, as they
// would fail then too. Each distribution is compiled by one process, in
// file order, several distributions at a time: a module's bytecode depends
// only on its distribution's files, never on scheduling.
func (t *Tree) Compile(ctx context.Context, python, dir string) (*Bytecode, error) {
	groups := make([][][3]string, len(t.Dists))
	for i, d := range t.Dists {
		for _, f := range d.Files {
			if !strings.HasSuffix(f.Path, ".py") || f.Linkname != "" || strings.HasPrefix(f.Path, ScriptsDir+"/") {
				continue
			}
			src := filepath.Join(t.Root, filepath.FromSlash(f.Path))
			dst := filepath.Join(dir, filepath.FromSlash(f.Path)+"c")
			groups[i] = append(groups[i], [3]string{src, dst, path.Join("site-packages", f.Path)})
		}
	}
	results := make([]compileResult, len(groups))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(runtime.GOMAXPROCS(0), 1))
	for i, jobs := range groups {
		if len(jobs) == 0 {
			continue
		}
		g.Go(func() error {
			r, err := compileJobs(gctx, python, jobs)
			results[i] = r
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	bc := &Bytecode{pycs: map[string]string{}}
	for i, r := range results {
		if r.CacheTag == "" {
			continue
		}
		if bc.CacheTag == "" {
			bc.CacheTag = r.CacheTag
		}
		done := map[string]bool{}
		for _, w := range r.Written {
			done[w] = true
		}
		for _, j := range groups[i] {
			if done[j[0]] {
				rel, err := relPath(t.Root, j[0])
				if err != nil {
					return nil, err
				}
				bc.pycs[rel] = j[1]
			}
		}
	}
	return bc, nil
}

type compileResult struct {
	CacheTag string   `json:"cache_tag"`
	Written  []string `json:"written"`
}

// compileJobs runs one compiling process.
func compileJobs(ctx context.Context, python string, jobs [][3]string) (compileResult, error) {
	var res compileResult
	in, err := json.Marshal(jobs)
	if err != nil {
		return res, err
	}
	cmd := exec.CommandContext(ctx, python, "-I", "-S", "-c", compileScript)
	cmd.Stdin = bytes.NewReader(in)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return res, fmt.Errorf("compiling bytecode with %s: %w: %s", python, err, bytes.TrimSpace(stderr.Bytes()))
	}
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		return res, fmt.Errorf("compiling bytecode with %s: %w", python, err)
	}
	if res.CacheTag == "" || strings.ContainsAny(res.CacheTag, "/\\") {
		return res, fmt.Errorf("compiling bytecode with %s: the interpreter has no usable cache tag %q", python, res.CacheTag)
	}
	return res, nil
}

// Len returns the number of compiled modules.
func (b *Bytecode) Len() int { return len(b.pycs) }

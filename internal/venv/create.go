package venv

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"ferry/internal/fsx"
	"ferry/internal/interp"
)

//go:embed scripts
var scripts embed.FS

// Options says how to create an environment.
type Options struct {
	// Prompt is the name shown in the shell prompt while the environment
	// is active; "" uses the directory's name. A given prompt is recorded
	// in pyvenv.cfg.
	Prompt string
	// SystemSitePackages makes the base interpreter's site-packages
	// visible inside the environment.
	SystemSitePackages bool
	// Clear removes everything in the directory first. Without it Create
	// refuses a non-empty directory that is not a virtual environment, and
	// refreshes an existing environment in place (keeping what is
	// installed), as `python -m venv` does.
	Clear bool
	// Copies copies the interpreter instead of symlinking it (symlinks are
	// the default on POSIX, as with `python -m venv`; Windows always
	// copies).
	Copies bool
	// Extra are additional pyvenv.cfg keys, written after the standard
	// ones (for example the tool and version that made the environment).
	Extra []KeyValue
}

// Venv describes a created environment.
type Venv struct {
	// Dir is the environment's absolute directory.
	Dir string
	// Python is the environment's interpreter (bin/python).
	Python string
	// Scheme holds the environment's install paths (absolute).
	Scheme interp.Scheme
	// Prompt is the prompt activation shows.
	Prompt string
	// Config is what was written to pyvenv.cfg.
	Config Config
}

// ExistsError says Create found a non-empty directory that is not a
// virtual environment and Clear was not set.
type ExistsError struct{ Dir string }

// Error implements error.
func (e *ExistsError) Error() string {
	return fmt.Sprintf("%s exists and is not an empty directory or a virtual environment; use --clear to replace its contents", e.Dir)
}

// Create makes a virtual environment in dir for the interpreter info
// describes (info.BaseExecutable is the interpreter linked, so an
// interpreter that itself runs in an environment yields a sibling of that
// environment, as with `python -m venv`).
func Create(ctx context.Context, dir string, info *interp.Info, opts Options) (*Venv, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("creating virtual environment %s: %w", dir, err)
	}
	if strings.ContainsRune(dir, os.PathListSeparator) {
		return nil, fmt.Errorf("creating virtual environment %s: the path contains the PATH separator %q", dir, os.PathListSeparator)
	}
	if err := info.CheckSupported(); err != nil {
		return nil, err
	}
	if info.VenvScheme.Purelib == "" || info.VenvScheme.Scripts == "" || info.BaseExecutable == "" {
		return nil, fmt.Errorf("creating virtual environment %s: the interpreter description is incomplete (no venv scheme or base executable)", dir)
	}
	wrap := func(err error) error { return fmt.Errorf("creating virtual environment %s: %w", dir, err) }

	if err := prepareDir(dir, opts.Clear); err != nil {
		return nil, err
	}
	scheme := info.VenvScheme.Under(dir)
	for _, d := range []string{scheme.Scripts, scheme.Include, scheme.Purelib, scheme.Platlib} {
		if d == "" || !strings.HasPrefix(d, dir+string(filepath.Separator)) {
			continue // a scheme entry outside the environment is not ours to make
		}
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, wrap(err)
		}
	}
	if info.Platform.PointerSize == 8 && !info.IsWindows() && info.Markers["sys_platform"] != "darwin" {
		lib64 := filepath.Join(dir, "lib64")
		if _, err := os.Lstat(lib64); errors.Is(err, fs.ErrNotExist) {
			if err := os.Symlink("lib", lib64); err != nil {
				return nil, wrap(err)
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, wrap(err)
	}

	python, err := setupPython(scheme.Scripts, info, opts.Copies)
	if err != nil {
		return nil, wrap(err)
	}

	prompt := opts.Prompt
	if prompt == "" {
		prompt = filepath.Base(dir)
	}
	binName, err := filepath.Rel(dir, scheme.Scripts)
	if err != nil {
		return nil, wrap(err)
	}
	if err := writeActivation(scheme.Scripts, dir, filepath.ToSlash(binName), prompt, info.IsWindows()); err != nil {
		return nil, wrap(err)
	}

	cfg := newConfig(dir, info, opts)
	if err := ctx.Err(); err != nil {
		return nil, wrap(err)
	}
	if err := fsx.WriteFileAtomic(filepath.Join(dir, "pyvenv.cfg"), cfg.Bytes(), 0o644); err != nil {
		return nil, wrap(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".gitignore"), []byte("# This virtual environment was created by ferry; keep it out of git.\n*\n"), 0o644); err != nil {
		return nil, wrap(err)
	}
	return &Venv{Dir: dir, Python: python, Scheme: scheme, Prompt: prompt, Config: *cfg}, nil
}

// prepareDir makes sure dir exists and may be written: empty, an existing
// environment, or emptied because clear is set.
func prepareDir(dir string, clear bool) error {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("creating virtual environment %s: %w", dir, err)
		}
		return nil
	case err != nil:
		return fmt.Errorf("creating virtual environment %s: %w", dir, err)
	case !fi.IsDir():
		return fmt.Errorf("creating virtual environment %s: it exists and is not a directory", dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("creating virtual environment %s: %w", dir, err)
	}
	if len(entries) == 0 {
		return nil
	}
	if clear {
		// Empty the directory but keep it: it may be a mount point or
		// someone's working directory.
		for _, e := range entries {
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				return fmt.Errorf("clearing %s: %w", dir, err)
			}
		}
		return nil
	}
	if _, err := os.Stat(filepath.Join(dir, "pyvenv.cfg")); err == nil {
		return nil
	}
	return &ExistsError{Dir: dir}
}

// setupPython puts the interpreter into the scripts directory bin: the
// base executable under its own name, and python, python3 and python3.X
// pointing at it (relative links, or copies). It returns bin/python.
func setupPython(bin string, info *interp.Info, copies bool) (string, error) {
	base := info.BaseExecutable
	if info.IsWindows() {
		// Windows: copy python.exe and pythonw.exe (and the DLLs would be
		// needed for symlinks, which Windows venvs avoid).
		dirname := filepath.Dir(base)
		for _, n := range []string{"python.exe", "pythonw.exe"} {
			src := filepath.Join(dirname, n)
			if _, err := os.Stat(src); err != nil {
				continue
			}
			if _, err := fsx.Place(src, filepath.Join(bin, n), fsx.LinkCopy); err != nil {
				return "", err
			}
		}
		return filepath.Join(bin, "python.exe"), nil
	}
	primary := filepath.Base(base)
	if err := linkOrCopy(base, filepath.Join(bin, primary), copies); err != nil {
		return "", err
	}
	v := info.Version
	for _, n := range []string{"python", fmt.Sprintf("python%d", v.Major), fmt.Sprintf("python%d.%d", v.Major, v.Minor)} {
		if n == primary {
			continue
		}
		if copies {
			if err := linkOrCopy(base, filepath.Join(bin, n), true); err != nil {
				return "", err
			}
			continue
		}
		if err := linkOrCopy(primary, filepath.Join(bin, n), false); err != nil {
			return "", err
		}
	}
	return filepath.Join(bin, "python"), nil
}

// linkOrCopy makes dst a symbolic link to target, or with copies a copy of
// it (executable). An existing dst is replaced.
func linkOrCopy(target, dst string, copies bool) error {
	if err := os.Remove(dst); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if !copies {
		return os.Symlink(target, dst)
	}
	if _, err := fsx.Place(target, dst, fsx.LinkCopy); err != nil {
		return err
	}
	return os.Chmod(dst, 0o755)
}

// newConfig builds the pyvenv.cfg the interpreter's own venv module would
// write for the same request.
func newConfig(dir string, info *interp.Info, opts Options) *Config {
	cfg := &Config{
		Home:                      filepath.Dir(info.BaseExecutable),
		IncludeSystemSitePackages: opts.SystemSitePackages,
		Version:                   fmt.Sprintf("%d.%d.%d", info.Version.Major, info.Version.Minor, info.Version.Micro),
		Extra:                     opts.Extra,
	}
	// Python 3.8 added the prompt key.
	if info.Version.Major == 3 && info.Version.Minor >= 8 || info.Version.Major > 3 {
		cfg.Prompt = opts.Prompt
	}
	// Python 3.11 added the executable and command keys.
	if info.Version.Major == 3 && info.Version.Minor >= 11 || info.Version.Major > 3 {
		cfg.Executable = info.RealPath
		args := []string{info.Executable, "-m", "venv"}
		if opts.Copies && !info.IsWindows() {
			args = append(args, "--copies")
		}
		args = append(args, "--without-pip")
		if opts.SystemSitePackages {
			args = append(args, "--system-site-packages")
		}
		if opts.Clear {
			args = append(args, "--clear")
		}
		if opts.Prompt != "" {
			args = append(args, fmt.Sprintf("--prompt=%q", opts.Prompt))
		}
		args = append(args, dir)
		cfg.Command = strings.Join(args, " ")
	}
	return cfg
}

// writeActivation writes the activation scripts into bin.
func writeActivation(bin, dir, binName, prompt string, windows bool) error {
	files := []struct {
		name  string
		quote func(string) string
	}{
		{"activate", quoteSh},
		{"activate.fish", quoteFish},
		{"activate.csh", quoteCsh},
		{"Activate.ps1", quotePowerShell},
	}
	for _, f := range files {
		tmpl, err := scripts.ReadFile("scripts/" + f.name)
		if err != nil {
			return err
		}
		text := strings.NewReplacer(
			"__FERRY_DIR_COMMENT__", oneLine(dir),
			"__FERRY_BIN_COMMENT__", oneLine(filepath.Join(dir, binName)),
			"__FERRY_DIR__", f.quote(dir),
			"__FERRY_PROMPT__", f.quote(prompt),
			"__FERRY_BIN_NAME__", binName,
		).Replace(string(tmpl))
		if windows && f.name == "Activate.ps1" {
			text = strings.ReplaceAll(text, "\n", "\r\n")
		}
		if err := os.WriteFile(filepath.Join(bin, f.name), []byte(text), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// oneLine makes s safe inside a one-line comment.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, s)
}

// quoteSh quotes s for a POSIX shell: single quotes, with each single
// quote written as '\”.
func quoteSh(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// quoteFish quotes s for fish: inside single quotes only \ and ' are
// special.
func quoteFish(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// quoteCsh quotes s for csh: single quotes, '\” for a quote, and "!"
// escaped because history substitution happens even inside quotes.
func quoteCsh(s string) string {
	return "'" + strings.NewReplacer(`'`, `'\''`, `!`, `\!`).Replace(s) + "'"
}

// quotePowerShell quotes s for PowerShell: single quotes, each quote
// doubled inside (PowerShell also takes the typographic single quotes
// U+2018 to U+201B as quotes).
func quotePowerShell(s string) string {
	return "'" + strings.NewReplacer("'", "''", "\u2018", "\u2018\u2018", "\u2019", "\u2019\u2019",
		"\u201a", "\u201a\u201a", "\u201b", "\u201b\u201b").Replace(s) + "'"
}

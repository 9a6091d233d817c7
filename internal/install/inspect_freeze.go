package install

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
)

// Frozen is one distribution as pip freeze writes it: comment lines,
// then the requirement ("-e " before it when Editable).
type Frozen struct {
	Dist     *Installed
	Editable bool
	Comments []string
	Req      string
	// Warnings are what pip would log while working the line out (a VCS
	// that cannot be asked, a repository without a remote).
	Warnings []string
}

// Lines returns the lines pip freeze prints for f.
func (f Frozen) Lines() []string {
	out := append([]string(nil), f.Comments...)
	if f.Editable {
		return append(out, "-e "+f.Req)
	}
	return append(out, f.Req)
}

// NameVersion returns "Name==version" as pip freeze writes a distribution
// installed from an index ("Name===version" when the version is not
// valid PEP 440).
func (d *Installed) NameVersion() string {
	if d.VersionValid {
		return d.RawName + "==" + d.Version
	}
	return d.RawName + "===" + d.RawVersion
}

// Freeze works out d's pip freeze line: for an editable install its
// project location, or the VCS URL and commit of the git checkout it lies
// in (git is run in the project directory with environ, less GIT_DIR and
// GIT_WORK_TREE); for a distribution with direct_url.json its PEP 440
// direct reference ("name @ url"); else "name==version".
func Freeze(ctx context.Context, d *Installed, environ []string) Frozen {
	f := Frozen{Dist: d}
	switch {
	case d.Editable != "":
		f.Editable = true
		f.Req, f.Comments, f.Warnings = editableRequirement(ctx, d, environ)
	case d.DirectURL != nil:
		f.Req = directReference(d)
	default:
		f.Req = d.NameVersion()
	}
	return f
}

// directReference formats direct_url.json as pip does:
// "name @ vcs+url@commit", "name @ url#algo=hash" for archives (from the
// legacy "hash" key only), "name @ url" for directories, with
// "subdirectory=..." added to the fragment.
func directReference(d *Installed) string {
	u := d.DirectURL
	req := d.RawName + " @ "
	var frag []string
	switch {
	case u.VCSInfo != nil:
		req += u.VCSInfo.VCS + "+" + u.URL + "@" + u.VCSInfo.CommitID
	case u.ArchiveInfo != nil:
		req += u.URL
		if u.ArchiveInfo.Hash != "" {
			frag = append(frag, u.ArchiveInfo.Hash)
		}
	default:
		req += u.URL
	}
	if u.Subdirectory != "" {
		frag = append(frag, "subdirectory="+u.Subdirectory)
	}
	if len(frag) > 0 {
		req += "#" + strings.Join(frag, "&")
	}
	return req
}

// errNoGit says the git program is not installed.
var errNoGit = errors.New("git command not found in path")

// gitRunner runs git in one directory.
type gitRunner struct {
	dir     string
	environ []string
}

func (g gitRunner) run(ctx context.Context, okCodes []int, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = g.dir
	for _, kv := range g.environ {
		if strings.HasPrefix(kv, "GIT_DIR=") || strings.HasPrefix(kv, "GIT_WORK_TREE=") {
			continue
		}
		cmd.Env = append(cmd.Env, kv)
	}
	if cmd.Env == nil {
		cmd.Env = []string{}
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.Is(err, exec.ErrNotFound):
		return "", errNoGit
	case errors.As(err, &ee):
		for _, c := range okCodes {
			if ee.ExitCode() == c {
				return out.String(), nil
			}
		}
		return "", fmt.Errorf("git %s in %s: %v: %s", strings.Join(args, " "), g.dir, err, strings.TrimSpace(errb.String()))
	case err != nil:
		return "", fmt.Errorf("running git in %s: %w", g.dir, err)
	}
	return out.String(), nil
}

// editableRequirement is pip freeze's line for an editable install: the
// project path when it is not in a git checkout (with a comment saying
// so), else "git+URL@commit#egg=name[&subdirectory=...]".
func editableRequirement(ctx context.Context, d *Installed, environ []string) (req string, comments, warnings []string) {
	loc := d.Editable
	if !filepath.IsAbs(loc) {
		if wd, err := os.Getwd(); err == nil {
			loc = filepath.Join(wd, loc)
		}
	}
	loc = filepath.Clean(loc)
	display := d.NameVersion()
	git := gitRunner{dir: loc, environ: environ}
	if !isGitCheckout(ctx, git) {
		return loc, []string{"# Editable install with no version control (" + display + ")"}, nil
	}
	out, err := git.run(ctx, []int{1}, "config", "--get-regexp", `remote\..*\.url`)
	if errors.Is(err, errNoGit) {
		return loc, nil, []string{fmt.Sprintf("cannot determine version of editable source in %s (git command not found in path)", loc)}
	}
	if err != nil {
		return couldNotDetermine(loc, err)
	}
	remotes := pySplitLines(out)
	if len(remotes) == 0 {
		return loc, []string{"# Editable Git install with no remote (" + display + ")"}, nil
	}
	found := remotes[0]
	for _, r := range remotes {
		if strings.HasPrefix(r, "remote.origin.url ") {
			found = r
			break
		}
	}
	remote := ""
	if fields := strings.Split(found, " "); len(fields) > 1 {
		remote = strings.TrimSpace(fields[1])
	}
	repoURL, ok := gitRemoteToPipURL(remote)
	if !ok {
		return loc, []string{
			"# Editable Git install (" + display + ") with either a deleted local remote or invalid URI:",
			"# '" + remote + "'",
		}, nil
	}
	if !strings.HasPrefix(strings.ToLower(repoURL), "git:") {
		repoURL = "git+" + repoURL
	}
	rev, err := git.run(ctx, nil, "rev-parse", "HEAD")
	if err != nil {
		return couldNotDetermine(loc, err)
	}
	subdir, warn, err := gitSubdirectory(ctx, git, loc)
	if err != nil {
		return couldNotDetermine(loc, err)
	}
	if warn != "" {
		warnings = append(warnings, warn)
	}
	req = repoURL + "@" + strings.TrimSpace(rev) + "#egg=" + strings.ReplaceAll(d.RawName, "-", "_")
	if subdir != "" {
		req += "&subdirectory=" + subdir
	}
	return req, nil, warnings
}

func couldNotDetermine(loc string, err error) (string, []string, []string) {
	return loc, []string{"## !! Could not determine repository location"}, []string{
		fmt.Sprintf("Error when trying to get requirement for VCS system %v", err),
		"Could not determine repository location of " + loc,
	}
}

// isGitCheckout reports whether dir is in a git work tree: it has a .git
// entry, or git rev-parse --show-toplevel succeeds there.
func isGitCheckout(ctx context.Context, git gitRunner) bool {
	if _, err := os.Lstat(filepath.Join(git.dir, ".git")); err == nil {
		return true
	}
	_, err := git.run(ctx, nil, "rev-parse", "--show-toplevel")
	return err == nil
}

var (
	schemeRE = regexp.MustCompile(`^\w+://`)
	scpRE    = regexp.MustCompile(`^(\w+@)?([^/:]+):(\w[^:]*)$`)
)

// gitRemoteToPipURL turns a git remote into the URL pip freeze writes: a
// URL with a scheme as it is, an existing absolute local path as a file
// URL, "user@host:path" as "ssh://user@host/path"; ok is false for
// anything else.
func gitRemoteToPipURL(remote string) (string, bool) {
	if schemeRE.MatchString(remote) {
		return remote, true
	}
	if _, err := os.Stat(remote); err == nil && filepath.IsAbs(remote) {
		return (&url.URL{Scheme: "file", Path: filepath.ToSlash(remote)}).String(), true
	}
	if m := scpRE.FindStringSubmatch(remote); m != nil {
		return "ssh://" + m[1] + m[2] + "/" + m[3], true
	}
	return "", false
}

// gitSubdirectory returns the project's directory relative to the
// repository root ("" when the project is at the root): the project is
// the nearest directory from loc upwards holding pyproject.toml or
// setup.py.
func gitSubdirectory(ctx context.Context, git gitRunner, loc string) (subdir, warning string, err error) {
	gitDir, err := git.run(ctx, nil, "rev-parse", "--git-dir")
	if err != nil {
		return "", "", err
	}
	gitDir = strings.TrimSpace(gitDir)
	if !filepath.IsAbs(gitDir) {
		gitDir = filepath.Join(loc, gitDir)
	}
	root := filepath.Clean(filepath.Join(gitDir, ".."))
	project := loc
	for !isInstallableDir(project) {
		parent := filepath.Dir(project)
		if parent == project {
			return "", "Could not find a Python project for directory " + loc + " (tried all parent directories)", nil
		}
		project = parent
	}
	if sameFile(root, project) {
		return "", "", nil
	}
	rel, err := filepath.Rel(root, project)
	if err != nil {
		return "", "", err
	}
	return rel, "", nil
}

func isInstallableDir(dir string) bool {
	for _, f := range []string{"pyproject.toml", "setup.py"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err == nil && st.Mode().IsRegular() {
			return true
		}
	}
	return false
}

func sameFile(a, b string) bool {
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(sa, sb)
}

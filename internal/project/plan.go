package project

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"ferry/internal/distname"
	"ferry/internal/fetch"
	"ferry/internal/httpx"
	"ferry/internal/index"
	"ferry/internal/install"
	"ferry/internal/pep440"
	"ferry/internal/pep508"
	"ferry/internal/pkgname"
	"ferry/internal/resolve"
)

// Input is one thing the user asked for.
type Input struct {
	// Req is a named requirement (possibly a direct reference, name @ url).
	// It is zero when Path is set.
	Req pep508.Requirement
	// Path is a local file (wheel or sdist) or project directory given
	// without a name; its name is read from the file name or the
	// project's metadata.
	Path string
	// Extras apply to Path inputs ("./proj[test]").
	Extras []pkgname.Name
	// Marker applies to Path inputs.
	Marker pep508.Marker
	// Editable installs a project directory in development mode.
	Editable bool
	// Hashes are the --hash pins of the input.
	Hashes []fetch.Digest
	// Origin says where the input came from ("requirements.txt:3"), for
	// messages; empty means the command line.
	Origin string
}

// Request is what to resolve.
type Request struct {
	Inputs      []Input
	Constraints []pep508.Requirement
}

// ResolveOptions control resolution and what counts as already done.
type ResolveOptions struct {
	Upgrade         bool
	UpgradeStrategy resolve.UpgradeStrategy
	UpgradePackages []pkgname.Name
	// ForceReinstall reinstalls even what is installed at the chosen version.
	ForceReinstall bool
	// IgnoreInstalled resolves as if nothing were installed.
	IgnoreInstalled bool
	NoDeps          bool
	Prereleases     pep440.Prereleases
	Strategy        resolve.Strategy
	// RequireHashes is pip's hash-checking mode; it is also on when any
	// input carries a hash.
	RequireHashes bool
	Formats       FormatControl
	PreferBinary  bool
	// RequiresPython is the root project's Requires-Python, checked
	// against the target before resolving.
	RequiresPython pep440.Specifiers
}

// Action is what the plan does with a package.
type Action uint8

// Actions.
const (
	// Keep leaves the installed copy: it is already the chosen version.
	Keep Action = iota
	// Install installs a package that is not installed.
	Install
	// Upgrade replaces an installed copy with another version.
	Upgrade
	// Reinstall replaces an installed copy with the same version.
	Reinstall
)

func (a Action) String() string {
	return [...]string{"keep", "install", "upgrade", "reinstall"}[a]
}

// Item is one package of a plan.
type Item struct {
	Name      pkgname.Name
	Version   pep440.Version
	Choice    *Choice
	Requested bool
	Extras    []pkgname.Name
	Editable  bool
	Pins      []fetch.Digest
	Installed []*install.Dist
	Action    Action
	Via       []resolve.Edge
}

// Plan is a resolution compared with an environment.
type Plan struct {
	Target     *Target
	Resolution *resolve.Resolution
	// Items are every resolved package, sorted by name.
	Items []Item
}

// Changes returns the items the plan installs (not Keep).
func (p *Plan) Changes() []Item {
	var out []Item
	for _, it := range p.Items {
		if it.Action != Keep {
			out = append(out, it)
		}
	}
	return out
}

// HashError reports a requirement that hash-checking mode refuses.
type HashError struct{ Msg string }

func (e *HashError) Error() string { return e.Msg }

// Resolve resolves req for target against the session's index, starting
// from what inv holds (nil: nothing installed), and compares the result
// with inv.
func (s *Session) Resolve(ctx context.Context, target *Target, req Request, inv *install.Inventory, opts ResolveOptions) (*Plan, error) {
	requireHashes := opts.RequireHashes
	pins := map[pkgname.Name][]fetch.Digest{}
	editable := map[pkgname.Name]bool{}
	for _, in := range req.Inputs {
		if len(in.Hashes) > 0 {
			requireHashes = true
			if in.Path == "" {
				pins[in.Req.Normalized] = append(pins[in.Req.Normalized], in.Hashes...)
			}
		}
	}
	popts := ProviderOptions{
		Index: s.Index, Metadata: s.Metadata, Fetcher: s.Fetcher, Target: target, Pins: pins,
		Formats: opts.Formats, PreferBinary: opts.PreferBinary, Builder: s.Builder, Warn: s.Warn,
	}
	if s.WholeWheels && !requireHashes {
		// Hash-checking mode verifies every download against the pins
		// when it is installed; whole wheels skip that path.
		popts.Wheels = s
	}
	prov := NewProvider(popts)
	defer prov.Close()
	var roots []pep508.Requirement
	for _, in := range req.Inputs {
		r, err := s.rootRequirement(ctx, prov, in)
		if err != nil {
			return nil, err
		}
		if in.Editable {
			editable[r.Normalized] = true
		}
		if len(in.Hashes) > 0 && in.Path != "" {
			pins[r.Normalized] = append(pins[r.Normalized], in.Hashes...)
		}
		if requireHashes {
			if err := checkPinned(r, in); err != nil {
				return nil, err
			}
		}
		roots = append(roots, r)
	}

	ropts := resolve.Options{
		Env:             target.Env,
		Prereleases:     opts.Prereleases,
		Strategy:        opts.Strategy,
		Constraints:     req.Constraints,
		Upgrade:         opts.Upgrade,
		UpgradeStrategy: opts.UpgradeStrategy,
		UpgradePackages: opts.UpgradePackages,
		NoDeps:          opts.NoDeps,
		RequiresPython:  opts.RequiresPython,
	}
	if inv != nil && !opts.IgnoreInstalled {
		ropts.Preferences = map[pkgname.Name]pep440.Version{}
		for _, d := range inv.All() {
			if v, err := pep440.Parse(d.Version); err == nil {
				ropts.Preferences[d.Name] = v
			}
		}
	}
	res, err := resolve.Solve(ctx, prov, roots, ropts)
	if err != nil {
		return nil, err
	}
	plan := &Plan{Target: target, Resolution: res}
	var unpinned []string
	for _, pkg := range res.Packages {
		ch, _ := pkg.Candidate.Ref.(*Choice)
		it := Item{
			Name: pkg.Name, Version: pkg.Candidate.Version, Choice: ch, Requested: pkg.Direct,
			Extras: pkg.Extras, Editable: editable[pkg.Name], Pins: pins[pkg.Name], Via: pkg.Via,
		}
		if requireHashes && len(it.Pins) == 0 && !(ch != nil && ch.Direct && len(ch.File.Hashes) > 0) {
			unpinned = append(unpinned, describeUnpinned(pkg))
		}
		it.Action = Install
		if inv != nil && !opts.IgnoreInstalled {
			it.Installed = inv.Lookup(pkg.Name)
			if len(it.Installed) > 0 {
				it.Action = Upgrade
				if len(it.Installed) == 1 && sameVersion(it.Installed[0].Version, it.Version) && !needsReplace(it, it.Installed[0]) {
					it.Action = Keep
				} else if anySameVersion(it.Installed, it.Version) {
					it.Action = Reinstall
				}
				if opts.ForceReinstall && (it.Requested || it.Action != Keep) {
					it.Action = Reinstall
				}
			}
		}
		plan.Items = append(plan.Items, it)
	}
	if len(unpinned) > 0 {
		return nil, &HashError{Msg: "in --require-hashes mode every requirement needs a hash (--hash); these have none:\n    " + strings.Join(unpinned, "\n    ")}
	}
	return plan, nil
}

func describeUnpinned(pkg resolve.Package) string {
	s := string(pkg.Name) + "==" + pkg.Candidate.Version.String()
	for _, e := range pkg.Via {
		if e.From != "" {
			return s + " (a dependency of " + string(e.From) + ")"
		}
	}
	return s
}

// needsReplace reports an installed copy that must be replaced although
// its version matches, as pip decides: an editable install or a project
// directory asked for explicitly is always reinstalled; an archive named
// by URL replaces a copy installed from anywhere else.
func needsReplace(it Item, d *install.Dist) bool {
	ch := it.Choice
	if it.Editable || (ch != nil && ch.SourceDir != "" && it.Requested) {
		return true
	}
	if ch == nil || !ch.Direct || !it.Requested {
		return false
	}
	du, err := d.DirectURL()
	if err != nil || du == nil {
		return true
	}
	return du.URL != httpx.Redact(ch.File.URL)
}

func sameVersion(installed string, v pep440.Version) bool {
	iv, err := pep440.Parse(installed)
	return err == nil && iv.Compare(v) == 0
}

func anySameVersion(ds []*install.Dist, v pep440.Version) bool {
	for _, d := range ds {
		if sameVersion(d.Version, v) {
			return true
		}
	}
	return false
}

// checkPinned applies pip's hash-checking rules to one root input.
func checkPinned(r pep508.Requirement, in Input) error {
	where := in.Origin
	if where == "" {
		where = "the command line"
	}
	if r.URL != "" {
		return nil // the file itself is hashed when fetched
	}
	pinned := len(r.Specifiers) == 1 && (r.Specifiers[0].Operator() == pep440.OpEqual || r.Specifiers[0].Operator() == pep440.OpArbitrary) && !r.Specifiers[0].IsWildcard()
	if !pinned {
		return &HashError{Msg: fmt.Sprintf("in --require-hashes mode every requirement must be pinned with ==; %s (from %s) is not", r.String(), where)}
	}
	if len(in.Hashes) == 0 {
		return &HashError{Msg: fmt.Sprintf("in --require-hashes mode every requirement needs a hash (--hash); %s (from %s) has none", r.String(), where)}
	}
	return nil
}

// rootRequirement turns an input into a requirement the resolver takes:
// named requirements as they are, local paths as "name @ file://...".
func (s *Session) rootRequirement(ctx context.Context, prov *Provider, in Input) (pep508.Requirement, error) {
	if in.Path == "" {
		return in.Req, nil
	}
	abs := in.Path
	u := index.FileURL(abs)
	var name pkgname.Name
	switch {
	case isDir(abs):
		md, err := prov.Metadata(ctx, &Choice{SourceDir: abs, Direct: true, OriginalURL: u})
		if err != nil {
			return pep508.Requirement{}, fmt.Errorf("reading the project at %s: %w", abs, err)
		}
		n, err := pkgname.Parse(md.Name)
		if err != nil {
			return pep508.Requirement{}, fmt.Errorf("the project at %s: %w", abs, err)
		}
		name = n
	case strings.HasSuffix(strings.ToLower(abs), ".whl"):
		wn, err := distname.ParseWheel(pathBase(abs))
		if err != nil {
			return pep508.Requirement{}, err
		}
		name = wn.Name
	default:
		sn, err := distname.ParseSdist(pathBase(abs))
		if err != nil {
			return pep508.Requirement{}, fmt.Errorf("%s: not a wheel, a source distribution or a project directory: %w", in.Path, err)
		}
		name = sn.Name
	}
	text := string(name)
	if len(in.Extras) > 0 {
		ex := make([]string, len(in.Extras))
		for i, e := range in.Extras {
			ex[i] = string(e)
		}
		text += "[" + strings.Join(ex, ",") + "]"
	}
	text += " @ " + u
	r, err := pep508.Parse(text)
	if err != nil {
		return pep508.Requirement{}, fmt.Errorf("%s: %w", in.Path, err)
	}
	r.Marker = in.Marker
	return r, nil
}

func pathBase(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}

// IsNoSolution reports whether err is a resolution failure with an
// explanation, and returns the explanation.
func IsNoSolution(err error) (string, bool) {
	var ns *resolve.NoSolutionError
	if errors.As(err, &ns) {
		return ns.Explanation(), true
	}
	return "", false
}

// sortItems sorts by name.
func sortItems(items []Item) {
	slices.SortFunc(items, func(a, b Item) int { return strings.Compare(string(a.Name), string(b.Name)) })
}

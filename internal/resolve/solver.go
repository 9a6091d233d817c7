package resolve

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"slices"

	"ferry/internal/pep440"
	"ferry/internal/pep508"
	"ferry/internal/pkgname"
)

// pkgKey identifies a solver package: a project, or one extra of it.
type pkgKey struct {
	name  pkgname.Name
	extra pkgname.Name
}

// pkgInfo describes one solver package.
type pkgInfo struct {
	key  pkgKey
	base pkgID    // the project's own package (itself for a base package)
	proj *project // nil for the root
}

// project is what the session knows about one project: its candidates
// (loaded once) and the requirements of the candidates it looked at.
type project struct {
	name       pkgname.Name
	pkgs       []pkgID // the base package and its extras, in order of appearance
	loaded     bool
	usable     []Candidate // newest first
	unusable   []Candidate // newest first; Unavailable says why
	url        string      // direct reference, when one was required
	urlFrom    string      // who required url, for errors
	prefetched bool
	decisions  int                                     // times a version was decided
	reqs       map[pep440.Version][]pep508.Requirement // Provider.Requirements, memoized
	bad        map[pep440.Version]string               // UnusableError reasons
	hinted     map[pep440.Version]bool                 // PrefetchRequirements sent
}

// versionDeps are the dependency incompatibilities of one package version,
// made once.
type versionDeps struct {
	incompats []*incompat
	reqs      []pep508.Requirement // the requirements that apply, for Resolution
}

// session is one run of the solver. It memoizes everything it learns from
// the provider.
type session struct {
	ctx      context.Context
	provider Provider
	prefetch Prefetcher
	// rangePrefetch, when the provider has it, hears of a project the
	// first time a requirement names it, with the versions allowed.
	rangePrefetch RangePrefetcher
	opts          Options

	pkgs     []pkgInfo
	ids      map[pkgKey]pkgID
	projects map[pkgname.Name]*project
	envs     map[pkgname.Name]pep508.Env // per extra ("" for none)

	byPkg [][]*incompat
	deps  map[pkgVersion]*versionDeps
	sol   partial

	rootReqs    []pep508.Requirement
	direct      map[pkgname.Name]bool
	pins        map[pkgname.Name][]pep440.Specifiers // exact root pins: yanked allowed
	noPrefer    map[pkgname.Name]bool
	countCache  []countEntry
	specs       map[pkgID][]pep440.Specifiers // specifiers seen per package, to name ranges
	rootVersion pep440.Version
}

type pkgVersion struct {
	pkg pkgID
	v   pep440.Version
}

type countEntry struct {
	gen   uint64
	valid bool
	n     int
}

// Solve resolves reqs, the root requirements, with the candidates p
// offers, under opts. It returns a *NoSolutionError when no choice of
// versions satisfies them; a *ProviderError when the provider fails; a
// *ConflictingURLsError or *RequiresPythonError for those input errors;
// ctx's error when ctx ends first.
func Solve(ctx context.Context, p Provider, reqs []pep508.Requirement, opts Options) (*Resolution, error) {
	s := &session{
		ctx:         ctx,
		provider:    p,
		opts:        opts,
		ids:         map[pkgKey]pkgID{},
		projects:    map[pkgname.Name]*project{},
		envs:        map[pkgname.Name]pep508.Env{},
		deps:        map[pkgVersion]*versionDeps{},
		direct:      map[pkgname.Name]bool{},
		pins:        map[pkgname.Name][]pep440.Specifiers{},
		noPrefer:    map[pkgname.Name]bool{},
		specs:       map[pkgID][]pep440.Specifiers{},
		rootVersion: pep440.MustParse("0"),
	}
	s.prefetch, _ = p.(Prefetcher)
	s.rangePrefetch, _ = p.(RangePrefetcher)
	if err := s.checkRequiresPython(); err != nil {
		return nil, err
	}
	s.pkgs = append(s.pkgs, pkgInfo{base: rootID})
	s.byPkg = append(s.byPkg, nil)
	if err := s.setup(reqs); err != nil {
		return nil, err
	}
	s.addIncompat(&incompat{terms: []term{negTerm(rootID, pep440.Full())}, kind: causeRoot})
	next := rootID
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := s.propagate(next); err != nil {
			return nil, err
		}
		var done bool
		var err error
		next, done, err = s.decideNext()
		if err != nil {
			return nil, err
		}
		if done {
			return s.resolution(), nil
		}
	}
}

func (s *session) checkRequiresPython() error {
	if len(s.opts.RequiresPython) == 0 {
		return nil
	}
	vals := s.opts.Env.Values()
	py := vals.PythonFullVersion
	if py == "" {
		py = vals.PythonVersion
	}
	v, err := pep440.Parse(py)
	if err != nil {
		return fmt.Errorf("checking Requires-Python %s: the target Python version %q is not a version: %w", s.opts.RequiresPython, py, err)
	}
	if !s.opts.RequiresPython.Contains(v, pep440.PrereleasesAllow) {
		return &RequiresPythonError{Python: v, RequiresPython: s.opts.RequiresPython}
	}
	return nil
}

// setup records the root requirements, constraints, pins, URLs and
// preferences, and adds the constraint incompatibilities.
func (s *session) setup(reqs []pep508.Requirement) error {
	env := s.env("")
	for _, r := range reqs {
		if !r.Marker.Evaluate(env) {
			continue
		}
		s.rootReqs = append(s.rootReqs, r)
		s.direct[r.Normalized] = true
		if err := s.noteRootReq(r, "the root"); err != nil {
			return err
		}
	}
	for _, c := range s.opts.Constraints {
		if !c.Marker.Evaluate(env) {
			continue
		}
		if err := s.noteRootReq(c, "a constraint"); err != nil {
			return err
		}
		id := s.intern(c.Normalized, "")
		if c.URL != "" {
			continue
		}
		allowed := pep440.FromSpecifiers(c.Specifiers)
		in := newIncompat([]term{posTerm(id, allowed.Complement())}, causeConstraint)
		if in == nil {
			continue
		}
		rc := c
		in.req = &rc
		s.addIncompat(in)
		s.noteSpecifiers(id, c.Specifiers)
	}
	if s.opts.Upgrade {
		for n := range s.direct {
			s.noPrefer[n] = true
		}
	}
	for _, n := range s.opts.UpgradePackages {
		s.noPrefer[n] = true
	}
	return nil
}

// noteRootReq records the exact pins and the direct reference of a root
// requirement or constraint.
func (s *session) noteRootReq(r pep508.Requirement, from string) error {
	if r.URL != "" {
		if err := s.setURL(r.Normalized, r.URL, from); err != nil {
			return err
		}
	}
	for _, sp := range r.Specifiers {
		op := sp.Operator()
		if (op == pep440.OpEqual && !sp.IsWildcard()) || op == pep440.OpArbitrary {
			s.pins[r.Normalized] = append(s.pins[r.Normalized], r.Specifiers)
			break
		}
	}
	return nil
}

func (s *session) setURL(name pkgname.Name, url, from string) error {
	pr := s.project(name)
	switch {
	case pr.url == "":
		if pr.loaded {
			return fmt.Errorf("%s requires %s @ %s, but %s is already being resolved from the index", from, name, url, name)
		}
		pr.url, pr.urlFrom = url, from
	case pr.url != url:
		return &ConflictingURLsError{Name: name, URLs: [2]string{pr.url, url}}
	}
	return nil
}

// env returns the target environment with "extra" set to extra.
func (s *session) env(extra pkgname.Name) pep508.Env {
	if e, ok := s.envs[extra]; ok {
		return e
	}
	e := s.opts.Env.WithExtra(string(extra))
	if extra != "" {
		e = e.WithExtras(string(extra))
	}
	s.envs[extra] = e
	return e
}

func (s *session) project(name pkgname.Name) *project {
	pr := s.projects[name]
	if pr == nil {
		pr = &project{name: name}
		s.projects[name] = pr
	}
	return pr
}

// intern returns the package of name[extra], creating it (and hinting the
// provider) on first sight.
func (s *session) intern(name, extra pkgname.Name) pkgID {
	k := pkgKey{name, extra}
	if id, ok := s.ids[k]; ok {
		return id
	}
	id := pkgID(len(s.pkgs))
	s.ids[k] = id
	pr := s.project(name)
	base := id
	if extra != "" {
		base = s.intern(name, "")
	}
	s.pkgs = append(s.pkgs, pkgInfo{key: k, base: base, proj: pr})
	s.byPkg = append(s.byPkg, nil)
	pr.pkgs = append(pr.pkgs, id)
	if s.prefetch != nil && !pr.prefetched && pr.url == "" {
		pr.prefetched = true
		s.prefetch.Prefetch(s.ctx, name)
	}
	return id
}

func (s *session) addIncompat(in *incompat) {
	for _, t := range in.terms {
		s.byPkg[t.pkg] = append(s.byPkg[t.pkg], in)
	}
}

// load fetches the candidates of a project once.
func (s *session) load(pr *project) error {
	if pr.loaded {
		return nil
	}
	var cands []Candidate
	if pr.url != "" {
		ur, ok := s.provider.(URLResolver)
		if !ok {
			return &ProviderError{Name: pr.name, URL: pr.url, Err: errors.New("the provider does not resolve direct references")}
		}
		c, err := ur.URLCandidate(s.ctx, pr.name, pr.url)
		if err != nil {
			return &ProviderError{Name: pr.name, URL: pr.url, Err: err}
		}
		cands = []Candidate{c}
	} else {
		var err error
		cands, err = s.provider.Versions(s.ctx, pr.name)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return &ProviderError{Name: pr.name, Err: err}
		}
	}
	newestFirst := func(a, b Candidate) int { return b.Version.Compare(a.Version) }
	if !slices.IsSortedFunc(cands, newestFirst) {
		cands = slices.Clone(cands)
		slices.SortStableFunc(cands, newestFirst)
	}
	pr.loaded = true
	clean := true // every candidate usable, no version twice: share the slice
	for i, c := range cands {
		if (i > 0 && c.Version.Equal(cands[i-1].Version)) || s.unusableReason(pr.name, c) != "" {
			clean = false
			break
		}
	}
	if clean {
		pr.usable = cands
		return nil
	}
	for i, c := range cands {
		if i > 0 && c.Version.Equal(cands[i-1].Version) {
			continue
		}
		if why := s.unusableReason(pr.name, c); why != "" {
			c.Unavailable = why
			pr.unusable = append(pr.unusable, c)
			continue
		}
		pr.usable = append(pr.usable, c)
	}
	return nil
}

// unusableReason applies the yanked and pre-release policies.
func (s *session) unusableReason(name pkgname.Name, c Candidate) string {
	switch {
	case c.Unavailable != "":
		return c.Unavailable
	case c.Version.IsZero():
		return "has no valid version"
	case c.Yanked && !s.pinned(name, c.Version) && !s.preferred(name, c.Version):
		return "was yanked"
	case s.opts.Prereleases == pep440.PrereleasesDeny && c.Version.IsPrerelease():
		return "is a pre-release, and pre-releases are disabled"
	}
	return ""
}

// preferred reports whether v is the preferred version of name and the
// preference applies (no upgrade drops it).
func (s *session) preferred(name pkgname.Name, v pep440.Version) bool {
	pref, ok := s.opts.Preferences[name]
	return ok && pref.Equal(v) && !s.noPrefer[name] && !(s.opts.Upgrade && s.opts.UpgradeStrategy == Eager)
}

func (s *session) pinned(name pkgname.Name, v pep440.Version) bool {
	for _, specs := range s.pins[name] {
		if specs.Contains(v, pep440.PrereleasesAllow) {
			return true
		}
	}
	return false
}

// propagate is PubGrub's unit propagation, starting from the
// incompatibilities of start.
func (s *session) propagate(start pkgID) error {
	changed := []pkgID{start}
	queued := map[pkgID]bool{start: true}
	for len(changed) > 0 {
		pkg := changed[len(changed)-1]
		changed = changed[:len(changed)-1]
		delete(queued, pkg)
		list := s.byPkg[pkg]
		for i := len(list) - 1; i >= 0; i-- {
			in := list[i]
			res, p := s.propagateOne(in)
			if res == propConflict {
				cause, err := s.resolveConflict(in)
				if err != nil {
					return err
				}
				res, p = s.propagateOne(cause)
				if res != propDerived {
					return fmt.Errorf("internal error: the learned incompatibility does not propagate")
				}
				changed = changed[:0]
				clear(queued)
				changed = append(changed, p)
				queued[p] = true
				break
			}
			if res == propDerived && !queued[p] {
				changed = append(changed, p)
				queued[p] = true
			}
		}
	}
	return nil
}

// relation relates term i of in to the partial solution. A package with
// no assignment, or one decided at a version, is answered without set
// arithmetic; otherwise the answer is cached in in until the package's
// accumulated term changes.
func (s *session) relation(in *incompat, i int) relation {
	t := in.terms[i]
	st := s.sol.state(t.pkg)
	switch {
	case len(st.idx) == 0:
		// Nothing is known: only an empty range decides.
		switch {
		case !t.set.IsEmpty():
			return inconclusive
		case t.pos:
			return contradicted
		}
		return satisfied
	case st.decided:
		// The accumulated term is the decided version exactly.
		if t.set.Contains(st.cand.Version) == t.pos {
			return satisfied
		}
		return contradicted
	}
	if in.rel == nil {
		in.rel = make([]relCache, len(in.terms))
	}
	c := &in.rel[i]
	if c.gen != st.gen || !c.ok {
		*c = relCache{gen: st.gen, ok: true, r: relate(st.acc, t)}
	}
	return c.r
}

type propResult uint8

const (
	propNone propResult = iota
	propDerived
	propConflict
)

// propagateOne derives the negation of the one inconclusive term of in
// when all its other terms are satisfied; it reports a conflict when all
// of them are.
func (s *session) propagateOne(in *incompat) (propResult, pkgID) {
	unsatisfied := -1
	for i := range in.terms {
		switch s.relation(in, i) {
		case contradicted:
			return propNone, 0
		case inconclusive:
			if unsatisfied >= 0 {
				return propNone, 0
			}
			unsatisfied = i
		}
	}
	if unsatisfied < 0 {
		return propConflict, 0
	}
	t := in.terms[unsatisfied]
	s.sol.derive(t.negate(), in)
	return propDerived, t.pkg
}

// resolveConflict is PubGrub's conflict resolution: it derives new
// incompatibilities from in, which the partial solution satisfies, until
// one that is satisfied only up to an earlier decision level, backtracks
// there and returns it. It returns a *NoSolutionError when the root itself
// is ruled out.
func (s *session) resolveConflict(in *incompat) (*incompat, error) {
	created := false
	for !in.isFailure() {
		var (
			recentTerm  term
			recentIdx   = -1
			difference  term
			hasDiff     bool
			prevLevel   = 1
			recentFound bool
		)
		for _, t := range in.terms {
			idx := s.sol.satisfier(t)
			if idx < 0 {
				return nil, fmt.Errorf("internal error: no satisfier for a term of a conflicting incompatibility")
			}
			a := s.sol.assigns[idx]
			switch {
			case !recentFound:
				recentTerm, recentIdx, recentFound = t, idx, true
			case recentIdx < idx:
				prevLevel = max(prevLevel, s.sol.assigns[recentIdx].level)
				recentTerm, recentIdx = t, idx
				hasDiff = false
			default:
				prevLevel = max(prevLevel, a.level)
			}
			if recentTerm.pkg == t.pkg && recentIdx == idx {
				d := s.sol.assigns[recentIdx].t.difference(recentTerm)
				hasDiff = false
				if !d.isEmpty() && !(d.pos == false && d.set.IsEmpty()) {
					difference, hasDiff = d, true
					di := s.sol.satisfier(d.negate())
					if di >= 0 {
						prevLevel = max(prevLevel, s.sol.assigns[di].level)
					}
				}
			}
		}
		sat := s.sol.assigns[recentIdx]
		if prevLevel < sat.level || sat.cause == nil {
			s.sol.backtrack(prevLevel)
			if created {
				s.addIncompat(in)
			}
			return in, nil
		}
		var terms []term
		for _, t := range in.terms {
			if t.pkg != recentTerm.pkg {
				terms = append(terms, t)
			}
		}
		for _, t := range sat.cause.terms {
			if t.pkg != sat.t.pkg {
				terms = append(terms, t)
			}
		}
		if hasDiff {
			terms = append(terms, difference.negate())
		}
		next := newIncompat(terms, causeDerived)
		if next == nil {
			return nil, fmt.Errorf("internal error: conflict resolution derived an empty term")
		}
		next.c1, next.c2 = in, sat.cause
		in = next
		created = true
	}
	return nil, s.noSolution(in)
}

// decideNext picks the next package and version and adds the version's
// dependencies. It returns the package to propagate from, or done when
// every required package is decided.
func (s *session) decideNext() (pkgID, bool, error) {
	pkg, ok, err := s.pickPackage()
	if err != nil {
		return 0, false, err
	}
	if !ok {
		return 0, true, nil
	}
	acc := s.sol.term(pkg)
	if pkg == rootID {
		return s.decideVersion(pkg, Candidate{Version: s.rootVersion})
	}
	c, ok := s.chooseVersion(pkg, acc.set)
	if !ok {
		in := newIncompat([]term{posTerm(pkg, acc.set)}, causeNoVersions)
		in.reason = s.unusableIn(s.pkgs[pkg].proj, acc.set)
		s.addIncompat(in)
		return pkg, false, nil
	}
	return s.decideVersion(pkg, c)
}

// decideVersion adds the dependencies of pkg at c and, unless they
// conflict with the partial solution at once, decides it.
func (s *session) decideVersion(pkg pkgID, c Candidate) (pkgID, bool, error) {
	vd, err := s.dependencies(pkg, c)
	if err != nil {
		var ue *UnusableError
		if !errors.As(err, &ue) {
			return 0, false, err
		}
		in := newIncompat([]term{exactTerm(pkg, c.Version)}, causeUnusable)
		in.reason = ue.Reason
		in.version = c.Version
		s.addIncompat(in)
		return pkg, false, nil
	}
	conflict := false
	for _, in := range vd.incompats {
		allOthers := true
		for i, t := range in.terms {
			if t.pkg == pkg {
				continue
			}
			if s.relation(in, i) != satisfied {
				allOthers = false
				break
			}
		}
		if allOthers {
			conflict = true
			break
		}
	}
	if !conflict {
		t := posTerm(rootID, pep440.Full())
		if pkg != rootID {
			t = exactTerm(pkg, c.Version)
			s.hintNext(pkg, c)
		}
		s.sol.decide(pkg, c, t)
	}
	return pkg, false, nil
}

// hintNext tells the provider about the candidate after c when pkg has
// been decided before: a package the solver backtracks over tends to be
// backtracked over again.
func (s *session) hintNext(pkg pkgID, c Candidate) {
	pr := s.pkgs[pkg].proj
	pr.decisions++
	if s.prefetch == nil || pr.decisions < 2 {
		return
	}
	set := s.sol.term(pkg).set
	seen := false
	for i := range pr.usable {
		j := i
		if s.lowest(pr) {
			j = len(pr.usable) - 1 - i
		}
		n := pr.usable[j]
		if seen && set.Contains(n.Version) {
			s.hint(pr, n)
			return
		}
		seen = seen || n.Version.Equal(c.Version)
	}
}

func (s *session) lowest(pr *project) bool {
	return s.opts.Strategy == Lowest || (s.opts.Strategy == LowestDirect && s.direct[pr.name])
}

// pickPackage chooses the undecided required package with the fewest
// usable versions left (first named wins a tie); the root comes first.
func (s *session) pickPackage() (pkgID, bool, error) {
	best, bestN, found := pkgID(0), 0, false
	for id := range s.pkgs {
		p := pkgID(id)
		if int(p) >= len(s.sol.states) {
			break
		}
		st := &s.sol.states[p]
		if st.decided || !st.acc.pos || len(st.idx) == 0 {
			continue
		}
		if p == rootID {
			return p, true, nil
		}
		n, err := s.countInRange(p)
		if err != nil {
			return 0, false, err
		}
		if !found || n < bestN {
			best, bestN, found = p, n, true
		}
		if n == 0 {
			break
		}
	}
	return best, found, nil
}

// countInRange counts the usable candidates of p in its current range,
// cached until the range changes, and hints the provider about the best
// of them.
func (s *session) countInRange(p pkgID) (int, error) {
	for len(s.countCache) <= int(p) {
		s.countCache = append(s.countCache, countEntry{})
	}
	st := s.sol.state(p)
	ce := &s.countCache[p]
	if ce.valid && ce.gen == st.gen {
		return ce.n, nil
	}
	pr := s.pkgs[p].proj
	if err := s.load(pr); err != nil {
		return 0, err
	}
	n := 0
	for _, c := range pr.usable {
		if st.acc.set.Contains(c.Version) {
			n++
		}
	}
	*ce = countEntry{gen: st.gen, valid: true, n: n}
	if n > 0 && s.prefetch != nil {
		if c, ok := s.chooseVersion(p, st.acc.set); ok {
			s.hint(pr, c)
		}
	}
	return n, nil
}

func (s *session) hint(pr *project, c Candidate) {
	if s.prefetch == nil || s.opts.NoDeps {
		return
	}
	if pr.hinted == nil {
		pr.hinted = map[pep440.Version]bool{}
	}
	if pr.hinted[c.Version] || pr.reqs[c.Version] != nil {
		return
	}
	pr.hinted[c.Version] = true
	s.prefetch.PrefetchRequirements(s.ctx, pr.name, c)
}

// chooseVersion picks the candidate of p to try in set: the preferred
// version, the version another package of the same project is decided
// at, else the newest (or oldest) final release, else the newest (or
// oldest) pre-release.
func (s *session) chooseVersion(p pkgID, set pep440.Set) (Candidate, bool) {
	info := s.pkgs[p]
	pr := info.proj
	for _, q := range pr.pkgs {
		if q == p {
			continue
		}
		if st := s.sol.state(q); st.decided && set.Contains(st.cand.Version) {
			if c, ok := s.usableAt(pr, st.cand.Version); ok {
				return c, true
			}
		}
	}
	if pref, ok := s.opts.Preferences[pr.name]; ok && s.preferred(pr.name, pref) && set.Contains(pref) {
		if c, ok := s.usableAt(pr, pref); ok {
			return c, true
		}
	}
	lowest := s.lowest(pr)
	allowPre := s.opts.Prereleases == pep440.PrereleasesAllow
	var pre *Candidate
	n := len(pr.usable)
	for i := range n {
		j := i
		if lowest {
			j = n - 1 - i
		}
		c := &pr.usable[j]
		if !set.Contains(c.Version) {
			continue
		}
		if allowPre || !c.Version.IsPrerelease() {
			return *c, true
		}
		if pre == nil {
			pre = c
		}
	}
	if pre != nil {
		return *pre, true
	}
	return Candidate{}, false
}

func (s *session) usableAt(pr *project, v pep440.Version) (Candidate, bool) {
	for _, c := range pr.usable {
		if c.Version.Equal(v) {
			return c, true
		}
	}
	return Candidate{}, false
}

// unusableIn describes the unusable candidates in set, for explanations.
func (s *session) unusableIn(pr *project, set pep440.Set) string {
	if pr == nil {
		return ""
	}
	var b []byte
	n := 0
	for _, c := range pr.unusable {
		if !set.Contains(c.Version) {
			continue
		}
		if n == 3 {
			b = append(b, "; ..."...)
			break
		}
		if n > 0 {
			b = append(b, "; "...)
		}
		b = append(b, pr.name...)
		b = append(b, "=="...)
		b = append(b, c.Version.String()...)
		b = append(b, ' ')
		b = append(b, c.Unavailable...)
		n++
	}
	return string(b)
}

// dependencies returns the dependency incompatibilities of pkg at c,
// adding them to the incompatibility index the first time.
func (s *session) dependencies(pkg pkgID, c Candidate) (*versionDeps, error) {
	key := pkgVersion{pkg, c.Version}
	if vd := s.deps[key]; vd != nil {
		return vd, nil
	}
	info := s.pkgs[pkg]
	var reqs []pep508.Requirement
	var selfTerm term
	var extraLink *incompat
	switch {
	case pkg == rootID:
		reqs = s.rootReqs
		selfTerm = posTerm(rootID, pep440.Full())
	default:
		selfTerm = exactTerm(pkg, c.Version)
		if info.key.extra != "" {
			extraLink = newIncompat([]term{selfTerm, exactTerm(info.base, c.Version).negate()}, causeDependency)
			extraLink.version = c.Version
		}
		if !s.opts.NoDeps {
			all, err := s.requirements(info.proj, c)
			if err != nil {
				return nil, err
			}
			reqs = s.applicable(all, info.key.extra)
		}
	}
	vd := &versionDeps{reqs: reqs}
	if extraLink != nil {
		vd.incompats = append(vd.incompats, extraLink)
	}
	from := "the root"
	if pkg != rootID {
		from = fmt.Sprintf("%s==%s", info.key.name, c.Version)
	}
	for i := range reqs {
		r := &reqs[i]
		if r.URL != "" {
			if err := s.setURL(r.Normalized, r.URL, from); err != nil {
				return nil, err
			}
		}
		set := pep440.Full()
		if r.URL == "" {
			set = pep440.FromSpecifiers(r.Specifiers)
		}
		if _, seen := s.ids[pkgKey{r.Normalized, ""}]; !seen && s.rangePrefetch != nil && r.URL == "" && !s.opts.NoDeps {
			s.rangePrefetch.PrefetchIn(s.ctx, r.Normalized, set)
		}
		targets := []pkgID{s.intern(r.Normalized, "")}
		for _, x := range r.Extras {
			targets = append(targets, s.intern(r.Normalized, x))
		}
		for _, t := range targets {
			in := newIncompat([]term{selfTerm, negTerm(t, set)}, causeDependency)
			if in == nil {
				continue
			}
			in.req = r
			in.version = c.Version
			vd.incompats = append(vd.incompats, in)
			s.noteSpecifiers(t, r.Specifiers)
		}
	}
	for _, in := range vd.incompats {
		s.addIncompat(in)
	}
	s.deps[key] = vd
	return vd, nil
}

// noteSpecifiers remembers a specifier list seen on p, so that
// explanations can name a range the way a requirement wrote it.
func (s *session) noteSpecifiers(p pkgID, specs pep440.Specifiers) {
	if len(specs) == 0 || len(s.specs[p]) >= 32 {
		return
	}
	for _, o := range s.specs[p] {
		if o.String() == specs.String() {
			return
		}
	}
	s.specs[p] = append(s.specs[p], specs)
}

// requirements fetches (once) the requirements of one candidate.
func (s *session) requirements(pr *project, c Candidate) ([]pep508.Requirement, error) {
	if reqs, ok := pr.reqs[c.Version]; ok {
		return reqs, nil
	}
	if why, ok := pr.bad[c.Version]; ok {
		return nil, &UnusableError{Reason: why}
	}
	reqs, err := s.provider.Requirements(s.ctx, pr.name, c)
	if err != nil {
		var ue *UnusableError
		if errors.As(err, &ue) {
			if pr.bad == nil {
				pr.bad = map[pep440.Version]string{}
			}
			pr.bad[c.Version] = ue.Reason
			return nil, ue
		}
		return nil, &ProviderError{Name: pr.name, Version: c.Version, Err: err}
	}
	if reqs == nil {
		reqs = []pep508.Requirement{}
	}
	if pr.reqs == nil {
		pr.reqs = map[pep440.Version][]pep508.Requirement{}
	}
	pr.reqs[c.Version] = reqs
	return reqs, nil
}

// applicable keeps the requirements whose marker holds for the target:
// for a base package with no extra, for pkg[extra] those that hold only
// because the extra is requested.
func (s *session) applicable(all []pep508.Requirement, extra pkgname.Name) []pep508.Requirement {
	base := s.env("")
	var out []pep508.Requirement
	for _, r := range all {
		if extra == "" {
			if r.Marker.Evaluate(base) {
				out = append(out, r)
			}
			continue
		}
		if r.Marker.Evaluate(s.env(extra)) && !r.Marker.Evaluate(base) {
			out = append(out, r)
		}
	}
	return out
}

package resolve

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"ferry/internal/pep440"
	"ferry/internal/pep508"
)

// NoSolutionError reports root requirements that no choice of versions
// satisfies. Its text explains why, in sentences derived from PubGrub's
// derivation graph.
type NoSolutionError struct {
	explanation string
}

func (e *NoSolutionError) Error() string {
	return "no solution found:\n" + e.explanation
}

// Explanation returns the derivation of the failure as sentences, one step
// per line; steps referred to more than once are numbered "(1)".
func (e *NoSolutionError) Explanation() string { return e.explanation }

// noSolution renders the failure in.
func (s *session) noSolution(in *incompat) error {
	r := &reporter{s: s, uses: map[*incompat]int{}, numbers: map[*incompat]int{}, memo: map[*incompat]*incompat{}, referenced: map[int]bool{}}
	in = r.simplify(in)
	r.countUses(in, map[*incompat]bool{})
	if !derived(in) {
		r.write(in, "Because "+r.text(in)+", no solution is possible.", false)
	} else {
		r.visit(in, true, in)
	}
	return &NoSolutionError{explanation: r.render()}
}

type reportLine struct {
	text   string
	number int // 0 when unnumbered
}

type reporter struct {
	s          *session
	lines      []reportLine
	uses       map[*incompat]int // how many derived incompatibilities use each
	numbers    map[*incompat]int
	referenced map[int]bool
	memo       map[*incompat]*incompat
}

// simplify returns the derivation of in with trivial steps removed:
//   - a step that only adds "no versions of p in G", where G holds no
//     version of p that exists, while the step's conclusion still names
//     versions of p that exist: the conclusion says the same as the other
//     cause, which takes its place;
//   - a chain of dependencies of versions of p on the same requirement of
//     q becomes one statement "p ... depends on q".
func (r *reporter) simplify(in *incompat) *incompat {
	if !derived(in) {
		return in
	}
	if out, ok := r.memo[in]; ok {
		return out
	}
	c1, c2 := r.simplify(in.c1), r.simplify(in.c2)
	var out *incompat
	switch {
	case r.trivialGap(c1, in):
		out = c2
	case r.trivialGap(c2, in):
		out = c1
	default:
		out = mergeChain(&incompat{terms: in.terms, kind: causeDerived, c1: c1, c2: c2})
		if m := r.mergedDependency(out); m != nil {
			out = m
		}
	}
	r.memo[in] = out
	return out
}

// trivialGap reports whether c is a "no versions" fact about versions that
// do not exist, while parent still names some that do.
func (r *reporter) trivialGap(c, parent *incompat) bool {
	if c.kind != causeNoVersions || c.reason != "" {
		return false
	}
	t := c.terms[0]
	if r.s.knownIn(t.pkg, t.set) != 0 || r.s.knownIn(t.pkg, pep440.Full()) == 0 {
		return false
	}
	pt, ok := parent.termFor(t.pkg)
	return ok && r.s.knownIn(t.pkg, pt.set) > 0
}

// isDepLeaf reports whether in is a dependency of a range of a package
// (not the root) on another.
func isDepLeaf(in *incompat) bool {
	return in.kind == causeDependency && len(in.terms) == 2 && in.terms[0].pos && !in.terms[1].pos && in.terms[0].pkg != rootID
}

// sameDep reports whether a and b are dependencies of the same package on
// the same requirement of another.
func sameDep(a, b *incompat) bool {
	if !isDepLeaf(a) || !isDepLeaf(b) {
		return false
	}
	if a.terms[0].pkg != b.terms[0].pkg || a.terms[1].pkg != b.terms[1].pkg || !a.terms[1].set.Equal(b.terms[1].set) {
		return false
	}
	if (a.req == nil) != (b.req == nil) {
		return false
	}
	return a.req == nil || a.req.String() == b.req.String()
}

// mergeChain rewrites "Because (X and L1) and L2" into "Because X and M",
// where L1 and L2 are dependencies of versions of p on the same
// requirement of q and M is their union, "p in A∪B depends on q". M is
// equivalent to L1 and L2 taken together, so the conclusion still
// follows; the explanation loses one sentence per version.
func mergeChain(n *incompat) *incompat {
	for {
		leaf, der := n.c1, n.c2
		if !isDepLeaf(leaf) {
			leaf, der = n.c2, n.c1
		}
		if !isDepLeaf(leaf) || !derived(der) {
			return n
		}
		var inner, other *incompat
		switch {
		case sameDep(der.c1, leaf):
			inner, other = der.c1, der.c2
		case sameDep(der.c2, leaf):
			inner, other = der.c2, der.c1
		default:
			return n
		}
		m := &incompat{
			terms: []term{
				posTerm(leaf.terms[0].pkg, leaf.terms[0].set.Union(inner.terms[0].set)),
				leaf.terms[1],
			},
			kind:   causeDependency,
			req:    leaf.req,
			merged: true,
		}
		n = &incompat{terms: n.terms, kind: causeDerived, c1: other, c2: m}
	}
}

// mergedDependency turns a derivation whose every leaf is a dependency of
// a version of p on the same requirement of q into one dependency
// statement over the range of p it covers.
func (r *reporter) mergedDependency(in *incompat) *incompat {
	if len(in.terms) != 2 {
		return nil
	}
	from, to := in.terms[0], in.terms[1]
	if !from.pos {
		from, to = to, from
	}
	if !from.pos || to.pos || from.pkg == rootID {
		return nil
	}
	var req *pep508.Requirement
	first := true
	ok := true
	var walk func(n *incompat)
	walk = func(n *incompat) {
		if !ok {
			return
		}
		if derived(n) {
			walk(n.c1)
			walk(n.c2)
			return
		}
		if n.kind != causeDependency || len(n.terms) != 2 {
			ok = false
			return
		}
		f, t := n.terms[0], n.terms[1]
		if f.pkg != from.pkg || t.pkg != to.pkg || !f.pos || t.pos {
			ok = false
			return
		}
		switch {
		case first:
			req, first = n.req, false
		case (req == nil) != (n.req == nil) || (req != nil && req.String() != n.req.String()):
			ok = false
		}
	}
	walk(in)
	if !ok {
		return nil
	}
	return &incompat{terms: []term{from, to}, kind: causeDependency, req: req, merged: true}
}

func (r *reporter) countUses(in *incompat, seen map[*incompat]bool) {
	if !derived(in) || seen[in] {
		return
	}
	seen[in] = true
	for _, c := range []*incompat{in.c1, in.c2} {
		r.uses[c]++
		r.countUses(c, seen)
	}
}

func derived(in *incompat) bool { return in.kind == causeDerived }

// ref refers to the numbered line of in.
func (r *reporter) ref(in *incompat) string {
	n := r.numbers[in]
	r.referenced[n] = true
	return " (\x00" + strconv.Itoa(n) + "\x00)"
}

// visit writes the derivation of a derived incompatibility. A step is
// numbered when it is used more than once, so later steps can refer back
// to it instead of repeating it.
func (r *reporter) visit(in *incompat, conclusion bool, root *incompat) {
	numbered := conclusion || r.uses[in] > 1
	conj := "And because"
	if conclusion || in == root {
		conj = "So, because"
	}
	self := r.text(in)
	c1, c2 := in.c1, in.c2
	switch {
	case derived(c1) && derived(c2):
		_, ok1 := r.numbers[c1]
		_, ok2 := r.numbers[c2]
		switch {
		case ok1 && ok2:
			r.write(in, fmt.Sprintf("Because %s%s and %s%s, %s.", r.text(c1), r.ref(c1), r.text(c2), r.ref(c2), self), numbered)
		case ok1 || ok2:
			with, without := c1, c2
			if ok2 {
				with, without = c2, c1
			}
			r.visit(without, false, root)
			r.write(in, fmt.Sprintf("%s %s%s, %s.", conj, r.text(with), r.ref(with), self), numbered)
		case singleLine(c1) || singleLine(c2):
			// The one-sentence cause goes last, next to the conclusion.
			first, second := c1, c2
			if !singleLine(c2) {
				first, second = c2, c1
			}
			r.visit(first, false, root)
			r.visit(second, false, root)
			r.write(in, "Thus, "+self+".", numbered)
		default:
			r.visit(c1, true, root)
			r.lines = append(r.lines, reportLine{})
			r.visit(c2, false, root)
			r.write(in, fmt.Sprintf("%s %s%s, %s.", conj, r.text(c1), r.ref(c1), self), numbered)
		}
	case derived(c1) || derived(c2):
		der, ext := c1, c2
		if !derived(c1) {
			der, ext = c2, c1
		}
		if _, ok := r.numbers[der]; ok {
			r.write(in, fmt.Sprintf("Because %s and %s%s, %s.", r.text(ext), r.text(der), r.ref(der), self), numbered)
		} else if r.collapsible(der) {
			inner, innerExt := der.c1, der.c2
			if !derived(inner) {
				inner, innerExt = der.c2, der.c1
			}
			r.visit(inner, false, root)
			r.write(in, fmt.Sprintf("%s %s and %s, %s.", conj, r.text(innerExt), r.text(ext), self), numbered)
		} else {
			r.visit(der, false, root)
			r.write(in, fmt.Sprintf("%s %s, %s.", conj, r.text(ext), self), numbered)
		}
	default:
		r.write(in, fmt.Sprintf("Because %s and %s, %s.", r.text(c1), r.text(c2), self), numbered)
	}
}

// singleLine reports whether a derived incompatibility follows from two
// external facts, so it takes one sentence.
func singleLine(in *incompat) bool {
	return !derived(in.c1) && !derived(in.c2)
}

// collapsible reports whether a derived step used once, made of one
// derived and one external cause, can be folded into the next sentence.
func (r *reporter) collapsible(in *incompat) bool {
	if r.uses[in] > 1 || !derived(in) {
		return false
	}
	if derived(in.c1) == derived(in.c2) {
		return false
	}
	inner := in.c1
	if !derived(inner) {
		inner = in.c2
	}
	_, numbered := r.numbers[inner]
	return !numbered
}

func (r *reporter) write(in *incompat, text string, numbered bool) {
	line := reportLine{text: text}
	if numbered {
		line.number = len(r.numbers) + 1
		r.numbers[in] = line.number
	}
	r.lines = append(r.lines, line)
}

// render numbers the lines other lines refer to, 1, 2, ... in order, and
// joins the lines.
func (r *reporter) render() string {
	renumber := map[int]int{}
	for _, l := range r.lines {
		if l.number > 0 && r.referenced[l.number] {
			renumber[l.number] = len(renumber) + 1
		}
	}
	width := 0
	if len(renumber) > 0 {
		width = len("(" + strconv.Itoa(len(renumber)) + ") ")
	}
	var b strings.Builder
	for i, l := range r.lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		if l.text == "" {
			continue
		}
		if width > 0 {
			prefix := ""
			if n := renumber[l.number]; n > 0 {
				prefix = "(" + strconv.Itoa(n) + ") "
			}
			b.WriteString(prefix + strings.Repeat(" ", width-len(prefix)))
		}
		text := l.text
		for old, n := range renumber {
			text = strings.ReplaceAll(text, "\x00"+strconv.Itoa(old)+"\x00", strconv.Itoa(n))
		}
		b.WriteString(text)
	}
	return b.String()
}

// text describes one incompatibility as a clause.
func (r *reporter) text(in *incompat) string {
	s := r.s
	switch in.kind {
	case causeRoot:
		return s.rootName() + " must be selected"
	case causeDependency:
		return r.dependencyText(in)
	case causeNoVersions:
		return r.noVersionsText(in)
	case causeUnusable:
		t := in.terms[0]
		return s.pkgDisplay(t.pkg) + "==" + in.version.String() + " " + in.reason
	case causeConstraint:
		t := in.terms[0]
		return "a constraint limits " + s.pkgDisplay(t.pkg) + " to " + s.nameSet(t.pkg, t.set.Complement())
	}
	if in.isFailure() {
		return "no solution is possible"
	}
	var pos, neg []string
	for _, t := range in.terms {
		if t.pos {
			pos = append(pos, s.describe(t))
		} else {
			neg = append(neg, s.describe(t))
		}
	}
	switch {
	case len(neg) == 0 && len(pos) == 1:
		return pos[0] + " cannot be used"
	case len(pos) == 0 && len(neg) == 1:
		return neg[0] + " is required"
	case len(neg) == 0:
		return joinAnd(pos) + " are incompatible"
	case len(pos) == 0:
		return joinOr(neg) + " is required"
	case len(pos) == 1:
		return pos[0] + " requires " + joinOr(neg)
	}
	return joinAnd(pos) + " together require " + joinOr(neg)
}

func joinAnd(xs []string) string { return joinWith(xs, "and") }
func joinOr(xs []string) string  { return joinWith(xs, "or") }

func joinWith(xs []string, word string) string {
	if len(xs) == 1 {
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " " + word + " " + xs[len(xs)-1]
}

// dependencyText words a dependency: "you require c>=1",
// "a==1.0 depends on c>=1", "all versions of a depend on c>=1".
func (r *reporter) dependencyText(in *incompat) string {
	s := r.s
	var from, to term
	hasFrom, hasTo := false, false
	for _, t := range in.terms {
		if t.pos && !hasFrom {
			from, hasFrom = t, true
		} else {
			to, hasTo = t, true
		}
	}
	var target string
	switch {
	case in.req != nil:
		name := string(in.req.Normalized)
		if hasTo {
			name = s.pkgDisplay(to.pkg)
		}
		if in.req.URL != "" {
			target = name + " @ " + in.req.URL
		} else {
			target = name + in.req.Specifiers.String()
		}
	case hasTo:
		target = s.describe(to)
	}
	switch {
	case !hasFrom || from.pkg == rootID:
		return s.requireVerb() + " " + target
	case in.merged:
		if txt, ok := s.simplified(from.pkg, from.set); ok && txt == "" {
			return "all versions of " + s.pkgDisplay(from.pkg) + " depend on " + target
		}
		return s.describe(from) + " depends on " + target
	case !in.version.IsZero():
		return s.pkgDisplay(from.pkg) + "==" + in.version.String() + " depends on " + target
	}
	return s.describe(from) + " depends on " + target
}

func (r *reporter) noVersionsText(in *incompat) string {
	s := r.s
	t := in.terms[0]
	pr := s.pkgs[t.pkg].proj
	name := s.pkgDisplay(t.pkg)
	if s.knownIn(t.pkg, pep440.Full()) == 0 {
		if pr != nil && pr.url != "" {
			return "no candidate was found at " + pr.url
		}
		return "no versions of " + name + " exist"
	}
	if in.reason != "" {
		var bad []Candidate
		for _, c := range pr.unusable {
			if t.set.Contains(c.Version) {
				bad = append(bad, c)
			}
		}
		if len(bad) == 1 {
			return name + "==" + bad[0].Version.String() + " " + bad[0].Unavailable
		}
		return "no usable versions of " + s.describe(t) + " exist (" + in.reason + ")"
	}
	if t.set.IsFull() {
		return "no versions of " + name + " exist"
	}
	return "no versions of " + name + " match " + s.nameSet(t.pkg, t.set)
}

func (s *session) rootName() string {
	if s.opts.RootName == "" {
		return "you"
	}
	return s.opts.RootName
}

func (s *session) requireVerb() string {
	if s.opts.RootName == "" {
		return "you require"
	}
	return s.opts.RootName + " depends on"
}

// pkgDisplay names a package: "name" or "name[extra]".
func (s *session) pkgDisplay(p pkgID) string {
	if p == rootID {
		return s.rootName()
	}
	k := s.pkgs[p].key
	if k.extra != "" {
		return string(k.name) + "[" + string(k.extra) + "]"
	}
	return string(k.name)
}

// describe names a term's package and version range, stated in terms of
// the versions that exist where that is simpler. The range is the one a
// positive term names; the caller words negation.
func (s *session) describe(t term) string {
	name := s.pkgDisplay(t.pkg)
	if t.pkg == rootID {
		return name
	}
	if txt, ok := s.simplified(t.pkg, t.set); ok {
		if txt == "" || !strings.HasPrefix(txt, " (") {
			return name + txt
		}
		if spec, ok := s.specFor(t.pkg, t.set); ok {
			return name + spec
		}
		return name + txt
	}
	if t.set.IsFull() {
		return name
	}
	txt := s.nameSet(t.pkg, t.set)
	if strings.Contains(txt, " || ") {
		return name + " (" + txt + ")"
	}
	return name + txt
}

// nameSet writes a range of p: as a specifier some requirement on p used
// when one matches it exactly, else from the set's own description
// (">=1.0,<2.0").
func (s *session) nameSet(p pkgID, set pep440.Set) string {
	if spec, ok := s.specFor(p, set); ok {
		return spec
	}
	txt := set.String()
	txt = strings.ReplaceAll(txt, " (excl. local versions)", "")
	return strings.ReplaceAll(txt, ", ", ",")
}

// specFor returns a specifier some requirement on p used whose versions
// are exactly set.
func (s *session) specFor(p pkgID, set pep440.Set) (string, bool) {
	for _, specs := range s.specs[p] {
		if pep440.FromSpecifiers(specs).Equal(set) {
			return specs.String(), true
		}
	}
	return "", false
}

// known returns the versions the provider listed for p's project
// (usable or not), oldest first.
func (s *session) known(p pkgID) []pep440.Version {
	pr := s.pkgs[p].proj
	if pr == nil || !pr.loaded {
		return nil
	}
	all := make([]pep440.Version, 0, len(pr.usable)+len(pr.unusable))
	for _, c := range pr.usable {
		all = append(all, c.Version)
	}
	for _, c := range pr.unusable {
		all = append(all, c.Version)
	}
	slices.SortFunc(all, pep440.Compare)
	return all
}

// knownIn counts the known versions of p in set.
func (s *session) knownIn(p pkgID, set pep440.Set) int {
	n := 0
	for _, v := range s.known(p) {
		if set.Contains(v) {
			n++
		}
	}
	return n
}

// simplified states set in terms of the project's known versions: ""
// when it holds all of them, "==v" for one, ">=v" / "<=v" / ">=v,<=w" for
// a run of consecutive ones, "!=v" when it misses one or two, else the
// runs it holds. ok is false when the set holds none of them.
func (s *session) simplified(p pkgID, set pep440.Set) (string, bool) {
	all := s.known(p)
	var in, out []pep440.Version
	first, last := -1, -1
	for i, v := range all {
		if set.Contains(v) {
			if first < 0 {
				first = i
			}
			last = i
			in = append(in, v)
		} else {
			out = append(out, v)
		}
	}
	switch {
	case len(in) == 0:
		return "", false
	case len(out) == 0:
		return "", true
	case len(in) == 1:
		return "==" + in[0].String(), true
	case len(in) == last-first+1 && last == len(all)-1:
		return ">=" + all[first].String(), true
	case len(in) == last-first+1 && first == 0:
		return "<=" + all[last].String(), true
	case len(out) <= 2:
		parts := make([]string, len(out))
		for i, v := range out {
			parts[i] = "!=" + v.String()
		}
		return strings.Join(parts, ","), true
	case len(in) == last-first+1:
		return ">=" + all[first].String() + ",<=" + all[last].String(), true
	}
	// Runs of consecutive known versions.
	var runs []string
	for i := 0; i < len(all); {
		if !set.Contains(all[i]) {
			i++
			continue
		}
		j := i
		for j+1 < len(all) && set.Contains(all[j+1]) {
			j++
		}
		switch {
		case i == j:
			runs = append(runs, "=="+all[i].String())
		case i == 0:
			runs = append(runs, "<="+all[j].String())
		case j == len(all)-1:
			runs = append(runs, ">="+all[i].String())
		default:
			runs = append(runs, ">="+all[i].String()+",<="+all[j].String())
		}
		i = j + 1
	}
	return " (" + strings.Join(runs, " || ") + ")", true
}

package resolve_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"ferry/internal/pep440"
	"ferry/internal/pep508"
	"ferry/internal/pkgname"
	"ferry/internal/resolve"
)

// fuzzIndex is a small random index decoded from fuzz input.
type fuzzIndex struct {
	names    []pkgname.Name
	versions [][]pep440.Version       // per package, as offered
	reqs     [][][]pep508.Requirement // per package and version
	root     []pep508.Requirement     // root requirements
	byName   map[pkgname.Name]int     // package index
}

// byteReader hands out the fuzz input one small number at a time, zeros
// once it runs out.
type byteReader struct {
	b []byte
	i int
}

func (r *byteReader) next(n int) int {
	if r.i >= len(r.b) || n <= 0 {
		return 0
	}
	v := int(r.b[r.i]) % n
	r.i++
	return v
}

var (
	fuzzNames    = []string{"a", "b", "c", "d", "e", "nope"} // the last is never in the index
	fuzzVersions = []string{"1.0", "2.0", "2.1b1", "3.0", "4.0"}
	fuzzSpecs    = []string{"", ">=2", "<2", "==1.0", "!=2.0", ">=1,<3", ">3", "==2.*", "<=2.1b1"}
)

// decodeIndex builds an index of up to five packages, each with up to
// four versions and up to three requirements (some on an extra "x", some
// on a package that does not exist).
func decodeIndex(data []byte) (*fuzzIndex, error) {
	r := &byteReader{b: data}
	ix := &fuzzIndex{byName: map[pkgname.Name]int{}}
	n := 1 + r.next(len(fuzzNames)-1)
	req := func() (pep508.Requirement, error) {
		target := fuzzNames[r.next(n+1)] // n+1: sometimes a package that does not exist
		s := target
		if r.next(4) == 0 {
			s += "[x]"
		}
		s += fuzzSpecs[r.next(len(fuzzSpecs))]
		if r.next(5) == 0 {
			s += `; extra == "x"`
		}
		return pep508.Parse(s)
	}
	for i := range n {
		name := pkgname.Name(fuzzNames[i])
		ix.names = append(ix.names, name)
		ix.byName[name] = i
		nv := 1 + r.next(4)
		var vs []pep440.Version
		var rs [][]pep508.Requirement
		for j := range nv {
			v := pep440.MustParse(fuzzVersions[(j+r.next(2))%len(fuzzVersions)])
			if slices.ContainsFunc(vs, v.Equal) {
				continue
			}
			var reqs []pep508.Requirement
			for range r.next(4) {
				q, err := req()
				if err != nil {
					return nil, err
				}
				reqs = append(reqs, q)
			}
			vs = append(vs, v)
			rs = append(rs, reqs)
		}
		ix.versions = append(ix.versions, vs)
		ix.reqs = append(ix.reqs, rs)
	}
	for range 1 + r.next(2) {
		q, err := req()
		if err != nil {
			return nil, err
		}
		if !q.Marker.IsTrue() {
			q.Marker = pep508.True()
		}
		ix.root = append(ix.root, q)
	}
	return ix, nil
}

func (ix *fuzzIndex) provider() *resolve.MemoryProvider {
	m := resolve.NewMemoryProvider()
	for i, n := range ix.names {
		for j, v := range ix.versions[i] {
			m.AddCandidate(n, resolve.Candidate{Version: v}, ix.reqs[i][j])
		}
	}
	return m
}

func (ix *fuzzIndex) reqsOf(n pkgname.Name, v pep440.Version) []pep508.Requirement {
	i, ok := ix.byName[n]
	if !ok {
		return nil
	}
	for j, w := range ix.versions[i] {
		if w.Equal(v) {
			return ix.reqs[i][j]
		}
	}
	return nil
}

// bruteForce reports whether some choice of versions (each package absent
// or at one of its versions) satisfies the root requirements and every
// requirement of every chosen package, those of its requested extras
// included.
func (ix *fuzzIndex) bruteForce() bool {
	env := pep508.Env{}
	choice := make([]int, len(ix.names)) // -1: absent
	satisfied := func(q pep508.Requirement) bool {
		i, ok := ix.byName[q.Normalized]
		return ok && choice[i] >= 0 && pep440.FromSpecifiers(q.Specifiers).Contains(ix.versions[i][choice[i]])
	}
	valid := func() bool {
		active := map[pkgname.Name][]pkgname.Name{} // requested extras per package
		for changed := true; changed; {
			changed = false
			all := slices.Clone(ix.root)
			for i, c := range choice {
				if c < 0 {
					continue
				}
				for _, d := range ix.reqs[i][c] {
					if d.Marker.Evaluate(env) {
						all = append(all, d)
						continue
					}
					for _, x := range active[ix.names[i]] {
						if d.Marker.Evaluate(env.WithExtra(string(x))) {
							all = append(all, d)
							break
						}
					}
				}
			}
			for _, q := range all {
				if !satisfied(q) {
					return false
				}
				for _, x := range q.Extras {
					if !slices.Contains(active[q.Normalized], x) {
						active[q.Normalized] = append(active[q.Normalized], x)
						changed = true
					}
				}
			}
		}
		return true
	}
	var try func(k int) bool
	try = func(k int) bool {
		if k == len(choice) {
			return valid()
		}
		for c := -1; c < len(ix.versions[k]); c++ {
			choice[k] = c
			if try(k + 1) {
				return true
			}
		}
		return false
	}
	return try(0)
}

func FuzzSolve(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{2, 1, 2, 0, 1, 1, 3, 1, 2, 2, 0, 4, 1, 1, 0, 2, 3, 0})
	f.Add([]byte{4, 3, 1, 2, 1, 0, 2, 5, 1, 3, 0, 1, 2, 4, 3, 2, 1, 0, 3, 1, 2, 2, 1, 0, 1, 4, 2, 2, 0, 1})
	f.Add([]byte("resolve me if you can, pubgrub"))
	f.Add([]byte{1, 1, 0, 1, 1, 0, 3, 0, 1, 2, 0, 0, 1, 1, 0, 2, 0, 1, 1, 4, 0, 0, 0, 0, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		ix, err := decodeIndex(data)
		if err != nil {
			t.Fatalf("building the index: %v", err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		res, err := resolve.Solve(ctx, ix.provider(), ix.root, resolve.Options{Prereleases: pep440.PrereleasesAllow})
		want := ix.bruteForce()
		describe := func() string {
			s := fmt.Sprintf("root %v\n", ix.root)
			for i, n := range ix.names {
				for j, v := range ix.versions[i] {
					s += fmt.Sprintf("%s %s: %v\n", n, v, ix.reqs[i][j])
				}
			}
			return s
		}
		if err != nil {
			var ns *resolve.NoSolutionError
			if !errors.As(err, &ns) {
				t.Fatalf("Solve: %v\n%s", err, describe())
			}
			if ns.Explanation() == "" {
				t.Fatalf("empty explanation\n%s", describe())
			}
			if want {
				t.Fatalf("no solution found, but one exists\n%s\n%s", ns.Explanation(), describe())
			}
			return
		}
		if problems := checkSolution(pep508.Env{}, ix.root, res, ix.reqsOf); len(problems) > 0 {
			t.Fatalf("invalid solution %v: %v\n%s", res.Versions(), problems, describe())
		}
		if !want {
			t.Fatalf("solution %v found where brute force finds none\n%s", res.Versions(), describe())
		}
	})
}

package pep440

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"ferry/internal/testkit"
)

// specCase holds every field the specifier groups use; each group reads
// the ones its semantics name.
type specCase struct {
	Specifier       string  `json:"specifier"`
	Spec            string  `json:"spec"`
	SpecStr         string  `json:"spec_str"`
	Op              string  `json:"op"`
	Version         vval    `json:"version"`
	Expected        any     `json:"expected"`
	SpecPre         optBool `json:"spec_pre"`
	ContainsPre     optBool `json:"contains_pre"`
	SpecPrereleases optBool `json:"spec_prereleases"`
	ContainsPrerel  optBool `json:"contains_prereleases"`
	SpecifierPrerel optBool `json:"specifier_prereleases"`
	Prereleases     optBool `json:"prereleases"`
	Installed       optBool `json:"installed"`
	InitialPrerel   optBool `json:"initial_prereleases"`
	SetPrerel       optBool `json:"set_prereleases"`
	InitialContains bool    `json:"initial_contains"`
	FinalContains   bool    `json:"final_contains"`
	Input           []vval  `json:"input"`
	Versions        []vval  `json:"versions"`
	Left            string  `json:"left"`
	Right           string  `json:"right"`
}

// expectedBool returns the case's boolean expectation.
func (c *specCase) expectedBool() bool { b, _ := c.Expected.(bool); return b }

// expectedStrings returns the case's list expectation as compared text.
func (c *specCase) expectedStrings() []string {
	list, _ := c.Expected.([]any)
	out := []string{}
	for _, x := range list {
		switch x := x.(type) {
		case string:
			out = append(out, x)
		case map[string]any:
			args, _ := x["args"].([]any)
			out = append(out, MustParse(args[0].(string)).String())
		}
	}
	return out
}

func texts(vs []vval) []string {
	out := make([]string, 0, len(vs))
	for _, v := range vs {
		out = append(out, v.text())
	}
	return out
}

// containsVal is Contains for a typed value and ContainsString for a raw
// string, as the reference distinguishes them.
func containsVal(s Specifiers, v vval, pre Prereleases) bool {
	if v.typed {
		return s.Contains(MustParse(v.s), pre)
	}
	return s.ContainsString(v.s, pre)
}

func mustSpecs(t *testing.T, s string) Specifiers {
	t.Helper()
	specs, err := ParseSpecifiers(s)
	if err != nil {
		t.Fatalf("ParseSpecifiers(%q): %v", s, err)
	}
	return specs
}

func mustSpec(t *testing.T, s string) Specifiers {
	t.Helper()
	spec, err := ParseSpecifier(s)
	if err != nil {
		t.Fatalf("ParseSpecifier(%q): %v", s, err)
	}
	return Specifiers{spec}
}

func TestSpecifierVectors(t *testing.T) {
	var file vectorFile
	testkit.LoadJSON(t, "pep440_specifiers.json", &file)
	if len(file.SampleVersions) == 0 {
		t.Fatal("no SAMPLE_VERSIONS")
	}
	tally := testkit.NewTally(t, "pep440_specifiers.json")
	for _, name := range file.sortedGroups() {
		group := file.Groups[name]
		check, ok := specGroupChecks[name]
		if !ok {
			t.Errorf("no check for group %s: %s", name, group.Semantics)
			continue
		}
		t.Run(name, func(t *testing.T) {
			for _, raw := range group.Cases {
				var c specCase
				// Some groups are plain string lists.
				var plain string
				if err := json.Unmarshal(raw, &plain); err == nil {
					c.Spec, c.Version = plain, vval{s: plain}
				} else {
					decodeCase(t, raw, &c)
				}
				if msg := check(t, &c, file.SampleVersions); msg != "" {
					tally.Fail()
					t.Errorf("%s: %s", raw, msg)
				} else {
					tally.Pass()
				}
			}
		})
	}
}

func boolMismatch(what string, got, want bool) string {
	if got == want {
		return ""
	}
	return fmt.Sprintf("%s = %v, want %v", what, got, want)
}

func listMismatch(what string, got, want []string) string {
	if slices.Equal(got, want) {
		return ""
	}
	return fmt.Sprintf("%s = %q, want %q", what, got, want)
}

var specGroupChecks = map[string]func(t *testing.T, c *specCase, samples []string) string{
	"specifier_valid": func(t *testing.T, c *specCase, _ []string) string {
		if _, err := ParseSpecifier(c.Spec); err != nil {
			return err.Error()
		}
		return ""
	},
	"specifier_valid_versions_all_ops": func(t *testing.T, c *specCase, _ []string) string {
		ops := []string{"~=", "==", "!=", "<=", ">=", "<", ">"}
		if strings.Contains(c.Version.s, "+") {
			ops = []string{"==", "!="}
		}
		for _, op := range ops {
			if _, err := ParseSpecifier(op + c.Version.s); err != nil {
				return err.Error()
			}
		}
		return ""
	},
	"specifier_invalid": func(t *testing.T, c *specCase, _ []string) string {
		if s, err := ParseSpecifier(c.Specifier); err == nil {
			return fmt.Sprintf("parsed as %s", s)
		}
		return ""
	},
	"specifier_str": func(t *testing.T, c *specCase, _ []string) string {
		return listMismatch("String", []string{mustSpec(t, c.Specifier)[0].String()}, []string{c.Expected.(string)})
	},
	"specifier_operator_property": func(t *testing.T, c *specCase, _ []string) string {
		return listMismatch("Operator", []string{string(mustSpec(t, c.Spec)[0].Operator())}, []string{c.Op})
	},
	"specifier_version_property": func(t *testing.T, c *specCase, _ []string) string {
		return listMismatch("Version", []string{mustSpec(t, c.Spec)[0].Version()}, []string{c.Version.s})
	},
	"specifier_contains": func(t *testing.T, c *specCase, _ []string) string {
		return boolMismatch("Contains", containsVal(mustSpec(t, c.SpecStr), c.Version, PrereleasesAllow), c.expectedBool())
	},
	"specifier_contains_invalid_version": func(t *testing.T, c *specCase, _ []string) string {
		return boolMismatch("Contains", containsVal(mustSpec(t, c.SpecStr), c.Version, PrereleasesAllow), c.expectedBool())
	},
	"specifier_arbitrary_equality": func(t *testing.T, c *specCase, _ []string) string {
		return boolMismatch("Contains", containsVal(mustSpec(t, c.SpecStr), c.Version, PrereleasesDefault), c.expectedBool())
	},
	"specifier_arbitrary_equality_normalization": func(t *testing.T, c *specCase, _ []string) string {
		return boolMismatch("Contains", containsVal(mustSpec(t, c.SpecStr), c.Version, PrereleasesAllow), c.expectedBool())
	},
	"specifier_prereleases_detection": func(t *testing.T, c *specCase, _ []string) string {
		return boolMismatch("ImpliesPrereleases", mustSpec(t, c.Specifier)[0].ImpliesPrereleases(), c.expectedBool())
	},
	"specifier_contains_prereleases": func(t *testing.T, c *specCase, _ []string) string {
		pre := c.ContainsPre.policy().Or(c.SpecPre.policy())
		return boolMismatch("Contains", containsVal(mustSpec(t, c.Specifier), c.Version, pre), c.expectedBool())
	},
	"specifier_prereleases_set": func(t *testing.T, c *specCase, _ []string) string {
		s := mustSpec(t, c.Specifier)
		if m := boolMismatch("initial Contains", containsVal(s, c.Version, c.InitialPrerel.policy()), c.InitialContains); m != "" {
			return m
		}
		return boolMismatch("final Contains", containsVal(s, c.Version, c.SetPrerel.policy()), c.FinalContains)
	},
	"specifier_filter": func(t *testing.T, c *specCase, _ []string) string {
		pre := c.Prereleases.policy().Or(c.SpecifierPrerel.policy())
		return listMismatch("Filter", mustSpec(t, c.Specifier).FilterStrings(texts(c.Input), pre), c.expectedStrings())
	},
	"specifierset_empty_contains": func(t *testing.T, c *specCase, _ []string) string {
		return boolMismatch("Contains", Specifiers(nil).Contains(MustParse(c.Version.s), PrereleasesAllow), true)
	},
	"specifierset_empty_filter_arbitrary": func(t *testing.T, c *specCase, _ []string) string {
		var s Specifiers
		pre := c.Prereleases.policy()
		if !s.ContainsString("foobar", pre) {
			return "ContainsString(foobar) = false"
		}
		return listMismatch("Filter", s.FilterStrings(texts(c.Versions), pre), c.expectedStrings())
	},
	"specifierset_empty_filter_ordering": func(t *testing.T, c *specCase, _ []string) string {
		return listMismatch("Filter", Specifiers(nil).FilterStrings(texts(c.Versions), PrereleasesDefault), c.expectedStrings())
	},
	"specifierset_prereleases_set": func(t *testing.T, c *specCase, _ []string) string {
		s := mustSpecs(t, c.SpecStr)
		if m := boolMismatch("initial Contains", containsVal(s, c.Version, c.InitialPrerel.policy()), c.InitialContains); m != "" {
			return m
		}
		return boolMismatch("final Contains", containsVal(s, c.Version, c.SetPrerel.policy()), c.FinalContains)
	},
	"specifierset_contains_installed": func(t *testing.T, c *specCase, _ []string) string {
		pre := c.ContainsPrerel.policy().Or(c.SpecPrereleases.policy())
		if c.Installed.val {
			// installed=True: an installed pre-release is accepted as such.
			if v, err := Parse(c.Version.s); err == nil && v.IsPrerelease() {
				pre = PrereleasesAllow
			}
		}
		return boolMismatch("Contains", containsVal(mustSpecs(t, c.Specifier), c.Version, pre), c.expectedBool())
	},
	"specifierset_filter": func(t *testing.T, c *specCase, _ []string) string {
		pre := c.Prereleases.policy().Or(c.SpecifierPrerel.policy())
		return listMismatch("Filter", mustSpecs(t, c.Specifier).FilterStrings(texts(c.Input), pre), c.expectedStrings())
	},
	"specifierset_filter_exclusionary_bridges": func(t *testing.T, c *specCase, _ []string) string {
		return listMismatch("Filter", mustSpecs(t, c.Specifier).FilterStrings(texts(c.Input), c.Prereleases.policy()), c.expectedStrings())
	},
	"specifierset_contains_exclusionary_bridges": func(t *testing.T, c *specCase, _ []string) string {
		return boolMismatch("Contains", containsVal(mustSpecs(t, c.Specifier), c.Version, c.Prereleases.policy()), c.expectedBool())
	},
	"specifierset_contains_post_boundary": func(t *testing.T, c *specCase, _ []string) string {
		s := mustSpecs(t, c.SpecStr)
		got := containsVal(s, c.Version, PrereleasesAllow)
		all := true
		for _, spec := range s {
			all = all && containsVal(Specifiers{spec}, c.Version, PrereleasesAllow)
		}
		if got != all {
			return fmt.Sprintf("Contains = %v but the AND of the clauses is %v", got, all)
		}
		return boolMismatch("Contains", got, c.expectedBool())
	},
	"specifierset_arbitrary_equality": func(t *testing.T, c *specCase, _ []string) string {
		return boolMismatch("Contains", containsVal(mustSpecs(t, c.Specifier), c.Version, PrereleasesDefault), c.expectedBool())
	},
	"specifierset_arbitrary_equality_normalization": func(t *testing.T, c *specCase, _ []string) string {
		return boolMismatch("Contains", containsVal(mustSpecs(t, c.SpecStr), c.Version, PrereleasesAllow), c.expectedBool())
	},
	"specifierset_str": func(t *testing.T, c *specCase, _ []string) string {
		return listMismatch("String", []string{mustSpecs(t, c.Specifier).String()}, []string{c.Expected.(string)})
	},
	"specifierset_combine": func(t *testing.T, c *specCase, _ []string) string {
		got := mustSpecs(t, c.Left).Intersect(mustSpecs(t, c.Right))
		want := mustSpecs(t, c.Expected.(string))
		return boolMismatch(fmt.Sprintf("Intersect (%s) Equal %s", got, want), got.Equal(want), true)
	},
	"specifierset_local_ignored": func(t *testing.T, c *specCase, _ []string) string {
		return boolMismatch("Contains", mustSpecs(t, c.Specifier).Contains(MustParse(c.Version.s), PrereleasesDefault), c.expectedBool())
	},
	"specifierset_is_subset": func(t *testing.T, c *specCase, _ []string) string {
		l, r := FromSpecifiers(mustSpecs(t, c.Left)), FromSpecifiers(mustSpecs(t, c.Right))
		return boolMismatch("IsSubset", l.IsSubset(r), c.expectedBool())
	},
	"specifierset_is_superset": func(t *testing.T, c *specCase, _ []string) string {
		l, r := FromSpecifiers(mustSpecs(t, c.Left)), FromSpecifiers(mustSpecs(t, c.Right))
		return boolMismatch("superset (r.IsSubset(l))", r.IsSubset(l), c.expectedBool())
	},
	"specifierset_is_disjoint": func(t *testing.T, c *specCase, _ []string) string {
		l, r := FromSpecifiers(mustSpecs(t, c.Left)), FromSpecifiers(mustSpecs(t, c.Right))
		return boolMismatch("IsDisjoint", l.IsDisjoint(r), c.expectedBool())
	},
	"unsatisfiable":                   satisfiability(true, PrereleasesDefault),
	"satisfiable":                     satisfiability(false, PrereleasesDefault),
	"unsatisfiable_post_boundary":     satisfiability(true, PrereleasesDefault),
	"unsatisfiable_prereleases_false": satisfiability(true, PrereleasesDeny),
	"satisfiable_prereleases_false":   satisfiability(false, PrereleasesDeny),
}

// satisfiability checks IsUnsatisfiable under the set's configured policy,
// that filtering the sample versions agrees (with pre-releases allowed, or
// denied for the prereleases=False groups), and for sets without "===" that
// the Set is empty exactly when the set is unsatisfiable.
func satisfiability(unsat bool, pre Prereleases) func(t *testing.T, c *specCase, samples []string) string {
	return func(t *testing.T, c *specCase, samples []string) string {
		s := mustSpecs(t, c.SpecStr)
		if m := boolMismatch("IsUnsatisfiable", s.IsUnsatisfiable(pre), unsat); m != "" {
			return m
		}
		filterPre := PrereleasesAllow
		if pre == PrereleasesDeny {
			filterPre = PrereleasesDeny
		}
		if got := s.FilterStrings(samples, filterPre); (len(got) == 0) != unsat {
			return fmt.Sprintf("Filter(SAMPLE_VERSIONS) = %q", got)
		}
		if !s.hasArbitrary() {
			set := FromSpecifiers(s)
			empty := set.IsEmpty() || (pre == PrereleasesDeny && !set.HasFinal())
			if empty != unsat {
				return fmt.Sprintf("Set %s: empty (under %s) = %v", set, pre, empty)
			}
		}
		return ""
	}
}

// TestSetAgreesWithContains checks FromSpecifiers against Contains for
// every specifier list in the vectors and every sample version, and the
// set algebra (complement, union, intersection) on pairs of them.
func TestSetAgreesWithContains(t *testing.T) {
	var file vectorFile
	testkit.LoadJSON(t, "pep440_specifiers.json", &file)
	samples := make([]Version, 0, len(file.SampleVersions))
	for _, s := range file.SampleVersions {
		// The samples include a few strings that are not versions (for
		// the "===" cases); a Set holds versions only.
		if v, err := Parse(s); err == nil {
			samples = append(samples, v)
		}
	}
	specSet := map[string]bool{}
	for _, group := range file.Groups {
		for _, raw := range group.Cases {
			var m map[string]any
			if json.Unmarshal(raw, &m) != nil {
				var s string
				if json.Unmarshal(raw, &s) == nil {
					specSet[s] = true
				}
				continue
			}
			for _, k := range []string{"specifier", "spec", "spec_str", "left", "right", "expected"} {
				if s, ok := m[k].(string); ok {
					specSet[s] = true
				}
			}
		}
	}
	var lists []Specifiers
	for _, s := range slices.Sorted(maps.Keys(specSet)) {
		specs, err := ParseSpecifiers(s)
		if err != nil || specs.hasArbitrary() {
			continue
		}
		lists = append(lists, specs)
	}
	if len(lists) < 200 {
		t.Fatalf("only %d specifier lists collected", len(lists))
	}
	sets := make([]Set, len(lists))
	for i, specs := range lists {
		sets[i] = FromSpecifiers(specs)
		for _, v := range samples {
			if got, want := sets[i].Contains(v), specs.Contains(v, PrereleasesAllow); got != want {
				t.Errorf("%q: Set(%s).Contains(%s) = %v, Contains = %v", specs, sets[i], v, got, want)
			}
		}
		c := sets[i].Complement()
		if !c.Complement().Equal(sets[i]) {
			t.Errorf("%q: complement twice differs", specs)
		}
		for _, v := range samples {
			if c.Contains(v) == sets[i].Contains(v) {
				t.Errorf("%q: complement agrees with set on %s", specs, v)
			}
		}
	}
	// Pairs, with a stride to keep the test quick.
	for i := 0; i < len(sets); i += 3 {
		for j := 1; j < len(sets); j += 7 {
			a, b := sets[i], sets[j]
			u, x := a.Union(b), a.Intersect(b)
			for _, v := range samples {
				ia, ib := a.Contains(v), b.Contains(v)
				if u.Contains(v) != (ia || ib) || x.Contains(v) != (ia && ib) {
					t.Errorf("%q, %q: union/intersection wrong at %s", lists[i], lists[j], v)
				}
			}
			if x.IsEmpty() != a.IsDisjoint(b) {
				t.Errorf("%q, %q: IsDisjoint disagrees with Intersect", lists[i], lists[j])
			}
			if a.IsSubset(b) != x.Equal(a) {
				t.Errorf("%q, %q: IsSubset disagrees with Intersect", lists[i], lists[j])
			}
		}
	}
}

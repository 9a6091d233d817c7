// Package packse translates packse resolver scenarios
// (https://github.com/astral-sh/packse, as vendored by uv under
// test/scenarios and collected in ferry's shared vectors as
// resolver_scenarios_packse.json) into resolver input: a
// resolve.MemoryProvider holding the scenario's packages, the root
// requirements and resolve.Options.
//
// The translation applies packse's defaults (src/packse/scenario.py): a
// version without requires_python requires Python ">=3.12"; it has an sdist
// and one py3-none-any wheel unless sdist, wheel or wheel_tags say
// otherwise (wheel_tags lists exactly the wheels that exist); it is not
// yanked. Extras become requirements with an `extra == "name"` marker.
//
// The target is CPython at the scenario's Python version
// (resolver_options.python, else environment.python, else 3.12; "3.9" is
// read as 3.9.0) on x86_64 glibc Linux: manylinux_2_17 when
// resolver_options.python_platform is "x86_64-manylinux2014", glibc 2.35
// otherwise. A version is usable when its Requires-Python admits the target
// (the whole specifier, as pip checks it; uv only checks the lower bound)
// and it has a wheel whose tags the target supports (unless no_binary names
// the package) or an sdist (unless no_build names it). Other versions are
// offered as unavailable candidates with the reason, so explanations can
// name it.
//
// The package is pure: it reads the scenario values it is given.
package packse

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"ferry/internal/pep440"
	"ferry/internal/pep508"
	"ferry/internal/pkgname"
	"ferry/internal/resolve"
	"ferry/internal/tags"
)

// File is the vectors file: its format notes and the scenarios.
type File struct {
	Title     string            `json:"title"`
	Format    map[string]string `json:"format"`
	Scenarios []Scenario        `json:"scenarios"`
}

// Decode reads a vectors file.
func Decode(data []byte) (*File, error) {
	var f File
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("decoding packse scenarios: %w", err)
	}
	return &f, nil
}

// Scenario is one packse scenario.
type Scenario struct {
	Name            string             `json:"name"`
	Description     string             `json:"description"`
	Category        string             `json:"category"`
	Root            Root               `json:"root"`
	Packages        map[string]Package `json:"packages"`
	ResolverOptions ResolverOptions    `json:"resolver_options"`
	Environment     Environment        `json:"environment"`
	Expected        Expected           `json:"expected"`
}

// Root is the root project of a scenario.
type Root struct {
	Requires       []string `json:"requires"`
	RequiresPython string   `json:"requires_python"`
}

// Package is one project of a scenario.
type Package struct {
	Versions map[string]Version `json:"versions"`
}

// Version is one release of a project. Nil pointers take packse's
// defaults.
type Version struct {
	Requires       []string            `json:"requires"`
	RequiresPython *string             `json:"requires_python"`
	Extras         map[string][]string `json:"extras"`
	WheelTags      []string            `json:"wheel_tags"`
	Sdist          *bool               `json:"sdist"`
	Wheel          *bool               `json:"wheel"`
	Yanked         bool                `json:"yanked"`
}

// ResolverOptions are the options a scenario resolves with.
type ResolverOptions struct {
	Universal            bool     `json:"universal"`
	Python               string   `json:"python"`
	Prereleases          bool     `json:"prereleases"`
	NoBuild              []string `json:"no_build"`
	NoBinary             []string `json:"no_binary"`
	PythonPlatform       string   `json:"python_platform"`
	Resolution           string   `json:"resolution"`
	RequiredEnvironments []string `json:"required_environments"`
}

// Environment describes the interpreters present.
type Environment struct {
	Python           string   `json:"python"`
	AdditionalPython []string `json:"additional_python"`
}

// Expected is the scenario's expected outcome: whether it resolves and,
// when the scenario says, the exact set of packages and versions.
type Expected struct {
	Satisfiable bool              `json:"satisfiable"`
	Packages    map[string]string `json:"packages"`
	Explanation string            `json:"explanation"`
}

// Skip reports whether a pip-style resolver should leave the scenario out,
// and why: universal scenarios describe one lock for every platform (uv
// forks on markers to build it), and a few scenarios encode a uv behaviour
// that pip, and so ferry, deliberately does not share.
func (s *Scenario) Skip() (reason string, skip bool) {
	if s.ResolverOptions.Universal {
		return "universal (lock-style) resolution is not a pip-style install", true
	}
	if why, ok := divergent[s.Name]; ok {
		return why, true
	}
	return "", false
}

// divergent lists the scenarios whose expectation is uv's and not pip's.
var divergent = map[string]string{
	"python-less-than-current": "uv ignores the upper bound of a package's Requires-Python; pip, which ferry follows, rejects a==1.0.0 (Requires-Python <=3.8) on Python 3.9",
}

// DefaultRequiresPython is packse's default Requires-Python.
const DefaultRequiresPython = ">=3.12"

// DefaultPython is packse's default target Python.
const DefaultPython = "3.12"

// Dist says which file of a candidate an installer would use; it is the
// Candidate.Ref of the provider's candidates.
type Dist string

// The files a candidate can come from.
const (
	Wheel Dist = "wheel"
	Sdist Dist = "sdist"
)

// Target is the interpreter a scenario resolves for.
type Target struct {
	Python  pep440.Version // full version, e.g. 3.12.0
	Env     pep508.Env
	Ranking tags.Ranking
}

// Target returns the scenario's target interpreter.
func (s *Scenario) Target() (Target, error) {
	py := s.ResolverOptions.Python
	if py == "" {
		py = s.Environment.Python
	}
	if py == "" {
		py = DefaultPython
	}
	parts := strings.Split(py, ".")
	if len(parts) < 2 || len(parts) > 3 {
		return Target{}, fmt.Errorf("scenario %s: python %q is not major.minor[.patch]", s.Name, py)
	}
	nums := make([]int, 3)
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil {
			return Target{}, fmt.Errorf("scenario %s: python %q: %w", s.Name, py, err)
		}
		nums[i] = n
	}
	full := fmt.Sprintf("%d.%d.%d", nums[0], nums[1], nums[2])
	v, err := pep440.Parse(full)
	if err != nil {
		return Target{}, fmt.Errorf("scenario %s: %w", s.Name, err)
	}
	glibc := tags.MajorMinor{Major: 2, Minor: 35}
	switch s.ResolverOptions.PythonPlatform {
	case "":
	case "x86_64-manylinux2014":
		glibc = tags.MajorMinor{Major: 2, Minor: 17}
	default:
		return Target{}, fmt.Errorf("scenario %s: unsupported python_platform %q", s.Name, s.ResolverOptions.PythonPlatform)
	}
	in := tags.Interpreter{
		Implementation: "cp",
		Python:         tags.MajorMinor{Major: nums[0], Minor: nums[1]},
		Platform:       tags.Platform{OS: tags.OSLinux, Arch: "x86_64", Glibc: glibc},
	}
	env := pep508.NewEnv(pep508.Values{
		ImplementationName:           "cpython",
		ImplementationVersion:        full,
		OSName:                       "posix",
		PlatformMachine:              "x86_64",
		PlatformPythonImplementation: "CPython",
		PlatformRelease:              "6.0.0",
		PlatformSystem:               "Linux",
		PlatformVersion:              "#1 SMP",
		PythonFullVersion:            full,
		PythonVersion:                fmt.Sprintf("%d.%d", nums[0], nums[1]),
		SysPlatform:                  "linux",
	})
	return Target{Python: v, Env: env, Ranking: tags.NewRanking(tags.Supported(in))}, nil
}

// Requirements parses the root requirements.
func (s *Scenario) Requirements() ([]pep508.Requirement, error) {
	reqs, err := resolve.ParseRequirements(s.Root.Requires)
	if err != nil {
		return nil, fmt.Errorf("scenario %s: root: %w", s.Name, err)
	}
	return reqs, nil
}

// Options returns the resolver options of the scenario for target t.
func (s *Scenario) Options(t Target) (resolve.Options, error) {
	opts := resolve.Options{Env: t.Env}
	if s.ResolverOptions.Prereleases {
		opts.Prereleases = pep440.PrereleasesAllow
	}
	if r := s.ResolverOptions.Resolution; r != "" {
		st, ok := resolve.ParseStrategy(r)
		if !ok {
			return opts, fmt.Errorf("scenario %s: unknown resolution %q", s.Name, r)
		}
		opts.Strategy = st
	}
	if s.Root.RequiresPython != "" {
		specs, err := pep440.ParseSpecifiers(s.Root.RequiresPython)
		if err != nil {
			return opts, fmt.Errorf("scenario %s: root requires_python: %w", s.Name, err)
		}
		opts.RequiresPython = specs
	}
	return opts, nil
}

// Provider builds the in-memory index of the scenario for target t.
func (s *Scenario) Provider(t Target) (*resolve.MemoryProvider, error) {
	m := resolve.NewMemoryProvider()
	noBuild := nameSet(s.ResolverOptions.NoBuild)
	noBinary := nameSet(s.ResolverOptions.NoBinary)
	names := make([]string, 0, len(s.Packages))
	for n := range s.Packages {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		name, err := pkgname.Parse(n)
		if err != nil {
			return nil, fmt.Errorf("scenario %s: %w", s.Name, err)
		}
		for vs, rel := range s.Packages[n].Versions {
			v, err := pep440.Parse(vs)
			if err != nil {
				return nil, fmt.Errorf("scenario %s: %s: %w", s.Name, n, err)
			}
			reqs, err := rel.Requirements()
			if err != nil {
				return nil, fmt.Errorf("scenario %s: %s==%s: %w", s.Name, n, vs, err)
			}
			c, err := rel.candidate(v, t, noBuild[name], noBinary[name])
			if err != nil {
				return nil, fmt.Errorf("scenario %s: %s==%s: %w", s.Name, n, vs, err)
			}
			m.AddCandidate(name, c, reqs)
		}
	}
	return m, nil
}

func nameSet(names []string) map[pkgname.Name]bool {
	m := map[pkgname.Name]bool{}
	for _, n := range names {
		m[pkgname.Name(pkgname.Normalize(n))] = true
	}
	return m
}

// RequiresPythonOrDefault returns the release's Requires-Python, packse's
// default when it gives none ("" when it explicitly has none).
func (rel Version) RequiresPythonOrDefault() string {
	if rel.RequiresPython != nil {
		return *rel.RequiresPython
	}
	return DefaultRequiresPython
}

// HasSdist reports whether the release has a source distribution.
func (rel Version) HasSdist() bool { return rel.Sdist == nil || *rel.Sdist }

// WheelTagsOrDefault returns the compressed tag sets of the release's
// wheels, one per wheel: wheel_tags when given, else one py3-none-any
// wheel unless wheel is false.
func (rel Version) WheelTagsOrDefault() []string {
	if len(rel.WheelTags) > 0 {
		return rel.WheelTags
	}
	if rel.Wheel == nil || *rel.Wheel {
		return []string{"py3-none-any"}
	}
	return nil
}

// Requirements returns the release's Requires-Dist: its requirements, and
// those of each extra with an `extra == "name"` marker added.
func (rel Version) Requirements() ([]pep508.Requirement, error) {
	reqs, err := resolve.ParseRequirements(rel.Requires)
	if err != nil {
		return nil, err
	}
	extras := make([]string, 0, len(rel.Extras))
	for x := range rel.Extras {
		extras = append(extras, x)
	}
	slices.Sort(extras)
	for _, x := range extras {
		m, err := pep508.ParseMarker(`extra == "` + x + `"`)
		if err != nil {
			return nil, fmt.Errorf("extra %q: %w", x, err)
		}
		xr, err := resolve.ParseRequirements(rel.Extras[x])
		if err != nil {
			return nil, fmt.Errorf("extra %q: %w", x, err)
		}
		for _, r := range xr {
			r.Marker = pep508.And(r.Marker, m)
			reqs = append(reqs, r)
		}
	}
	return reqs, nil
}

// candidate decides whether the version is usable on t and from which file.
func (rel Version) candidate(v pep440.Version, t Target, noBuild, noBinary bool) (resolve.Candidate, error) {
	c := resolve.Candidate{Version: v, Yanked: rel.Yanked}
	if rp := rel.RequiresPythonOrDefault(); rp != "" {
		specs, err := pep440.ParseSpecifiers(rp)
		if err != nil {
			return c, fmt.Errorf("requires_python: %w", err)
		}
		if !specs.Contains(t.Python, pep440.PrereleasesAllow) {
			c.Unavailable = "requires Python " + specs.String()
			return c, nil
		}
	}
	hasSdist := rel.HasSdist()
	wheelTags := rel.WheelTagsOrDefault()
	compatible := false
	for _, w := range wheelTags {
		ts, err := tags.ParseTagSet(w)
		if err != nil {
			return c, fmt.Errorf("wheel tag %q: %w", w, err)
		}
		if _, ok := t.Ranking.Best(ts); ok {
			compatible = true
		}
	}
	switch {
	case compatible && !noBinary:
		c.Ref = Wheel
	case hasSdist && !noBuild:
		c.Ref = Sdist
	case compatible:
		c.Unavailable = "has only wheels (binaries are disabled for it)"
	case len(wheelTags) > 0 && hasSdist:
		c.Unavailable = "has no wheel for the target (building is disabled for it)"
	case len(wheelTags) > 0:
		c.Unavailable = "has no wheel for the target (and no source distribution)"
	case hasSdist:
		c.Unavailable = "has only a source distribution (building is disabled for it)"
	default:
		c.Unavailable = "has no files"
	}
	return c, nil
}

package pep508

import (
	"fmt"
	"slices"
	"strings"

	"ferry/internal/pep440"
)

// Values are the marker variables that describe one target environment,
// named as in PEP 508 (the keys of the reference's default_environment()).
type Values struct {
	ImplementationName           string // sys.implementation.name, e.g. "cpython"
	ImplementationVersion        string // e.g. "3.11.7"
	OSName                       string // os.name, e.g. "posix"
	PlatformMachine              string // platform.machine(), e.g. "x86_64"
	PlatformPythonImplementation string // platform.python_implementation(), e.g. "CPython"
	PlatformRelease              string // platform.release()
	PlatformSystem               string // platform.system(), e.g. "Linux"
	PlatformVersion              string // platform.version()
	PythonFullVersion            string // platform.python_version(), e.g. "3.11.7"
	PythonVersion                string // major.minor, e.g. "3.11"
	SysPlatform                  string // sys.platform, e.g. "linux"
}

// Env is a prepared evaluation environment: the Values, the current
// "extra" (PEP 685-normalized; "" when evaluating a project's own
// requirements) and the PEP 751 sets "extras" and "dependency_groups"
// (normalized). Versions are parsed once, when the Env is made, so that
// evaluating a marker does not allocate.
//
// An Env is immutable; the With methods return modified copies. The zero
// Env has every variable empty.
type Env struct {
	d *envData
}

type envData struct {
	vals  [numVars]string
	vers  [numVars]pep440.Version // for the version-like variables
	verOK [numVars]bool
	// specs[versionSlot(v)][op] is op+value of v as a version specifier,
	// for comparisons written with the literal on the left.
	specs  [numVersionVars][numSpecOps]envSpec
	extras []string // sorted, normalized
	groups []string // sorted, normalized
}

// NewEnv prepares v for evaluation, with no extra and empty sets. A
// python_full_version ending in "+" (an untagged CPython build) is read as
// "+local", as the reference does, so that it parses as a version.
func NewEnv(v Values) Env {
	d := &envData{}
	d.vals[varImplementationName] = v.ImplementationName
	d.vals[varImplementationVersion] = v.ImplementationVersion
	d.vals[varOSName] = v.OSName
	d.vals[varPlatformMachine] = v.PlatformMachine
	d.vals[varPlatformPythonImplementation] = v.PlatformPythonImplementation
	d.vals[varPlatformRelease] = v.PlatformRelease
	d.vals[varPlatformSystem] = v.PlatformSystem
	d.vals[varPlatformVersion] = v.PlatformVersion
	d.vals[varPythonFullVersion] = v.PythonFullVersion
	d.vals[varPythonVersion] = v.PythonVersion
	d.vals[varSysPlatform] = v.SysPlatform
	if strings.HasSuffix(v.PythonFullVersion, "+") {
		d.vals[varPythonFullVersion] += "local"
	}
	for k := varNone + 1; k < numVars; k++ {
		if !k.versionLike() {
			continue
		}
		d.vers[k], d.verOK[k] = parseEnvVersion(d.vals[k])
		for op := opNone + 1; op < numSpecOps; op++ {
			e := &d.specs[versionSlot(k)][op]
			e.sp, e.ok = parseVersionSpec(op.String() + d.vals[k])
		}
	}
	return Env{d}
}

// EnvFromMap prepares an environment from the reference's dictionary form
// (the JSON of packaging.markers.default_environment(), optionally with
// "extra"). Unknown keys are an error; missing ones are empty.
func EnvFromMap(m map[string]string) (Env, error) {
	var v Values
	fields := map[variable]*string{
		varImplementationName:           &v.ImplementationName,
		varImplementationVersion:        &v.ImplementationVersion,
		varOSName:                       &v.OSName,
		varPlatformMachine:              &v.PlatformMachine,
		varPlatformPythonImplementation: &v.PlatformPythonImplementation,
		varPlatformRelease:              &v.PlatformRelease,
		varPlatformSystem:               &v.PlatformSystem,
		varPlatformVersion:              &v.PlatformVersion,
		varPythonFullVersion:            &v.PythonFullVersion,
		varPythonVersion:                &v.PythonVersion,
		varSysPlatform:                  &v.SysPlatform,
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	extra := ""
	for _, k := range keys {
		if k == "extra" {
			extra = m[k]
			continue
		}
		f, ok := fields[variableByName(k)]
		if !ok {
			return Env{}, fmt.Errorf("unknown marker variable %q", k)
		}
		*f = m[k]
	}
	return NewEnv(v).WithExtra(extra), nil
}

// Values returns the environment's variables (python_full_version as
// repaired by NewEnv).
func (e Env) Values() Values {
	d := e.data()
	return Values{
		ImplementationName:           d.vals[varImplementationName],
		ImplementationVersion:        d.vals[varImplementationVersion],
		OSName:                       d.vals[varOSName],
		PlatformMachine:              d.vals[varPlatformMachine],
		PlatformPythonImplementation: d.vals[varPlatformPythonImplementation],
		PlatformRelease:              d.vals[varPlatformRelease],
		PlatformSystem:               d.vals[varPlatformSystem],
		PlatformVersion:              d.vals[varPlatformVersion],
		PythonFullVersion:            d.vals[varPythonFullVersion],
		PythonVersion:                d.vals[varPythonVersion],
		SysPlatform:                  d.vals[varSysPlatform],
	}
}

func (e Env) data() *envData {
	if e.d == nil {
		return &envData{}
	}
	return e.d
}

func (e Env) clone() *envData {
	c := *e.data()
	return &c
}

// Extra returns the current extra (normalized), "" when there is none.
func (e Env) Extra() string {
	if e.d == nil {
		return ""
	}
	return e.d.vals[varExtra]
}

// WithExtra returns a copy of e whose "extra" is name, normalized (PEP
// 685); "" means no extra.
func (e Env) WithExtra(name string) Env {
	d := e.clone()
	d.vals[varExtra] = ""
	if name != "" {
		d.vals[varExtra] = canonicalizeExtra(name)
	}
	return Env{d}
}

// WithExtras returns a copy of e whose set-valued "extras" (PEP 751) holds
// names, normalized.
func (e Env) WithExtras(names ...string) Env {
	d := e.clone()
	d.extras = normalizedSet(names)
	return Env{d}
}

// WithDependencyGroups returns a copy of e whose set-valued
// "dependency_groups" (PEP 751) holds names, normalized.
func (e Env) WithDependencyGroups(names ...string) Env {
	d := e.clone()
	d.groups = normalizedSet(names)
	return Env{d}
}

type envSpec struct {
	sp pep440.Specifier
	ok bool
}

func normalizedSet(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = canonicalizeExtra(n)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func (d *envData) set(v variable) []string {
	if d == nil {
		return nil
	}
	if v == varExtras {
		return d.extras
	}
	return d.groups
}

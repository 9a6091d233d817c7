package reqfile

import (
	"fmt"
	"slices"
	"strings"

	"ferry/internal/pkgname"
)

// optKind says what an option does with its value.
type optKind uint8

const (
	optFlag   optKind = iota // takes no value
	optString                // takes one value
)

// optSpec describes one option pip accepts in a requirements file.
type optSpec struct {
	long  string // "--index-url"
	short string // "-i", or ""
	kind  optKind
}

// fileOptions are the options pip's requirements-file parser knows, global
// and per-requirement alike (pip builds one parser with both sets).
var fileOptions = [...]optSpec{
	{"--index-url", "-i", optString},
	{"--extra-index-url", "", optString},
	{"--no-index", "", optFlag},
	{"--constraint", "-c", optString},
	{"--requirement", "-r", optString},
	{"--editable", "-e", optString},
	{"--find-links", "-f", optString},
	{"--no-binary", "", optString},
	{"--only-binary", "", optString},
	{"--prefer-binary", "", optFlag},
	{"--require-hashes", "", optFlag},
	{"--pre", "", optFlag},
	{"--trusted-host", "", optString},
	{"--use-feature", "", optString},
	{"--hash", "", optString},
	{"--config-settings", "-C", optString},
}

// removedOptions are options pip no longer accepts, with what to use
// instead; they get a clearer error than an unknown option.
var removedOptions = [...]struct{ long, instead string }{
	{"--global-option", "--config-settings"},
	{"--install-option", "--config-settings"},
	{"--build-option", "--config-settings"},
}

// features are the names --use-feature accepts (pip 25).
var features = [...]string{
	"build-constraint",
	"fast-deps",
	"inprocess-build-deps",
	"no-binary-enable-wheel-cache",
	"truststore",
}

// strongHashes are the algorithms --hash accepts, in pip's order.
var strongHashes = [...]string{"sha256", "sha384", "sha512"}

// matchLong finds the option a long option name refers to: an exact name,
// or a prefix of exactly one name (optparse's abbreviations).
func matchLong(name string) (*optSpec, error) {
	var cands []*optSpec
	for i := range fileOptions {
		o := &fileOptions[i]
		if o.long == name {
			return o, nil
		}
		if strings.HasPrefix(o.long, name) {
			cands = append(cands, o)
		}
	}
	switch len(cands) {
	case 1:
		return cands[0], nil
	case 0:
		for _, r := range removedOptions {
			if r.long == name {
				return nil, fmt.Errorf("%s is no longer supported by pip; use %s", name, r.instead)
			}
		}
		return nil, fmt.Errorf("no such option: %s", name)
	}
	names := make([]string, len(cands))
	for i, c := range cands {
		names[i] = c.long
	}
	slices.Sort(names)
	return nil, fmt.Errorf("ambiguous option: %s (%s?)", name, strings.Join(names, ", "))
}

func matchShort(name string) (*optSpec, error) {
	for i := range fileOptions {
		if fileOptions[i].short == name {
			return &fileOptions[i], nil
		}
	}
	return nil, fmt.Errorf("no such option: %s", name)
}

// optValue is one option occurrence: which option, the spelling used and
// its value.
type optValue struct {
	spec  *optSpec
	name  string // as written ("-i", "--index")
	value string
}

// parseOptionWords reads option words as optparse does: "--name=value",
// "--name value", "-xvalue", "-x value", abbreviated long names, and "--"
// ending the options. Words that are not options are returned as rest.
func parseOptionWords(words []string) (vals []optValue, rest []string, err error) {
	for i := 0; i < len(words); i++ {
		w := words[i]
		switch {
		case w == "--":
			return vals, append(rest, words[i+1:]...), nil
		case strings.HasPrefix(w, "--"):
			name, value, explicit := strings.Cut(w, "=")
			spec, err := matchLong(name)
			if err != nil {
				return nil, nil, err
			}
			v := optValue{spec: spec, name: spec.long}
			switch {
			case spec.kind == optFlag && explicit:
				return nil, nil, fmt.Errorf("%s option does not take a value", spec.long)
			case spec.kind == optFlag:
			case explicit:
				v.value = value
			case i+1 < len(words):
				i++
				v.value = words[i]
			default:
				return nil, nil, fmt.Errorf("%s option requires 1 argument", spec.long)
			}
			vals = append(vals, v)
		case strings.HasPrefix(w, "-") && len(w) > 1:
			// A cluster of short options; every short option here takes a
			// value, which is the rest of the word or the next word.
			for j := 1; j < len(w); j++ {
				spec, err := matchShort("-" + w[j:j+1])
				if err != nil {
					return nil, nil, err
				}
				v := optValue{spec: spec, name: spec.short}
				if spec.kind == optFlag {
					vals = append(vals, v)
					continue
				}
				if j+1 < len(w) {
					v.value = w[j+1:]
				} else if i+1 < len(words) {
					i++
					v.value = words[i]
				} else {
					return nil, nil, fmt.Errorf("%s option requires 1 argument", spec.short)
				}
				vals = append(vals, v)
				break
			}
		default:
			rest = append(rest, w)
		}
	}
	return vals, rest, nil
}

// lineOpts is what the options of one line say, before the line is known
// to be a requirement or an option line.
type lineOpts struct {
	indexURL       *string
	extraIndexURLs []string
	noIndex        bool
	constraints    []string
	requirements   []string
	editables      []string
	findLinks      []string
	preferBinary   bool
	requireHashes  bool
	pre            bool
	trustedHosts   []string
	features       []string
	hashes         []Hash
	configSettings []ConfigSetting
	rest           []string // words that are not options (pip ignores them)
}

// hashErrorFormat and friends are the messages pip gives for bad values.
const (
	hashFormatMsg   = "arguments to %s must be a hash name followed by a value, like --hash=sha256:abcde..."
	configFormatMsg = "arguments to %s must be of the form KEY=VAL"
)

// applyOptions interprets the option values of one line. Format control
// (--no-binary, --only-binary) is applied to fc at once, as pip's callback
// does, whether or not the line turns out to be a requirement.
func applyOptions(vals []optValue, fc *FormatControl) (*lineOpts, error) {
	lo := &lineOpts{}
	for _, v := range vals {
		switch v.spec.long {
		case "--index-url":
			s := v.value
			lo.indexURL = &s
		case "--extra-index-url":
			lo.extraIndexURLs = append(lo.extraIndexURLs, v.value)
		case "--no-index":
			lo.noIndex = true
		case "--constraint":
			lo.constraints = append(lo.constraints, v.value)
		case "--requirement":
			lo.requirements = append(lo.requirements, v.value)
		case "--editable":
			lo.editables = append(lo.editables, v.value)
		case "--find-links":
			lo.findLinks = append(lo.findLinks, v.value)
		case "--no-binary":
			if err := fc.update(v.value, &fc.NoBinary, &fc.OnlyBinary); err != nil {
				return nil, err
			}
		case "--only-binary":
			if err := fc.update(v.value, &fc.OnlyBinary, &fc.NoBinary); err != nil {
				return nil, err
			}
		case "--prefer-binary":
			lo.preferBinary = true
		case "--require-hashes":
			lo.requireHashes = true
		case "--pre":
			lo.pre = true
		case "--trusted-host":
			lo.trustedHosts = append(lo.trustedHosts, v.value)
		case "--use-feature":
			if !slices.Contains(features[:], v.value) {
				quoted := make([]string, len(features))
				for i, f := range features {
					quoted[i] = "'" + f + "'"
				}
				return nil, fmt.Errorf("option --use-feature: invalid choice: '%s' (choose from %s)", v.value, strings.Join(quoted, ", "))
			}
			if !slices.Contains(lo.features, v.value) {
				lo.features = append(lo.features, v.value)
			}
		case "--hash":
			alg, digest, ok := strings.Cut(v.value, ":")
			if !ok {
				return nil, fmt.Errorf(hashFormatMsg, v.name)
			}
			if !slices.Contains(strongHashes[:], alg) {
				return nil, fmt.Errorf("allowed hash algorithms for %s are %s", v.name, strings.Join(strongHashes[:], ", "))
			}
			lo.hashes = append(lo.hashes, Hash{Alg: alg, Digest: digest})
		case "--config-settings":
			key, val, ok := strings.Cut(v.value, "=")
			if !ok {
				return nil, fmt.Errorf(configFormatMsg, v.name)
			}
			lo.configSettings = append(lo.configSettings, ConfigSetting{Key: key, Value: val})
		}
	}
	return lo, nil
}

// FormatControl is the accumulated --no-binary / --only-binary state: the
// project names (normalized) for which wheels, respectively source
// distributions, must not be used. ":all:" stands for every project. A
// name is never in both sets.
type FormatControl struct {
	NoBinary   []string
	OnlyBinary []string
}

// update applies one --no-binary (target NoBinary) or --only-binary
// (target OnlyBinary) value as pip does: comma-separated names, ":all:"
// clearing both sets and selecting everything, ":none:" clearing the
// target, and a name moving out of the other set.
func (fc *FormatControl) update(value string, target, other *[]string) error {
	if strings.HasPrefix(value, "-") {
		return fmt.Errorf("--no-binary / --only-binary option requires 1 argument")
	}
	names := strings.Split(value, ",")
	for {
		i := slices.Index(names, ":all:")
		if i < 0 {
			break
		}
		*other = nil
		*target = []string{":all:"}
		names = names[i+1:]
		if !slices.Contains(names, ":none:") {
			return nil
		}
	}
	tset, oset := setOf(*target), setOf(*other)
	for _, n := range names {
		if n == ":none:" {
			clear(tset)
			continue
		}
		n = pkgname.Normalize(n)
		delete(oset, n)
		tset[n] = true
	}
	*target, *other = sortedKeys(tset), sortedKeys(oset)
	return nil
}

func setOf(l []string) map[string]bool {
	m := make(map[string]bool, len(l))
	for _, s := range l {
		m[s] = true
	}
	return m
}

// sortedKeys returns the keys of m sorted, nil when there are none.
func sortedKeys(m map[string]bool) []string {
	if len(m) == 0 {
		return nil
	}
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

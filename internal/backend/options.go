package backend

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"ferry/internal/sdist"
)

// Options adjust one build. The zero value builds with the project's own
// settings, archive times of 1980-01-01 and no tag date.
type Options struct {
	// Mtime is the modification time of every archive member: the
	// caller's SOURCE_DATE_EPOCH. The zero time means 1980-01-01, so that
	// builds are reproducible even without it.
	Mtime time.Time
	// Date is the build date that tag-date appends (as YYYYMMDD, in UTC):
	// SOURCE_DATE_EPOCH when set, else the current time. Only read when
	// tag-date is on.
	Date time.Time
	// TagBuild and TagDate override the project's egg_info tags
	// ([tool.ferry] tag-build / tag-date, setup.cfg [egg_info]) when not
	// nil.
	TagBuild *string
	TagDate  *bool
	// UseGit overrides [tool.ferry.sdist] use-git when not nil: add the
	// files git tracks to the sdist.
	UseGit *bool
	// SdistFormat is the sdist's archive format (tar.gz by default).
	SdistFormat sdist.Format
	// Generator is the WHEEL file's Generator ("ferry 0.1.0").
	Generator string
	// Warnf receives warnings (MANIFEST.in patterns matching nothing,
	// configuration problems setuptools tolerates, unknown config
	// settings). Nil discards them.
	Warnf func(format string, args ...any)
}

func (o *Options) warnf(format string, args ...any) {
	if o.Warnf != nil {
		o.Warnf(format, args...)
	}
}

// ConfigSettings are PEP 517 config settings (`ferry build -C key=value`):
// each key with its values in the order given.
type ConfigSettings = map[string][]string

// ConfigKeys are the config settings the native backend understands:
//
//	tag-build=STRING    append STRING to the version (egg_info --tag-build)
//	tag-date=true|false append the build date (egg_info --tag-date)
//	use-git=true|false  add the files git tracks to the sdist
//	sdist-format=tar.gz|zip
//
// A leading "--" is ignored ("--tag-build" works too). Other keys are
// reported through Warnf and ignored, as setuptools ignores settings it
// does not know.
var ConfigKeys = [...]string{"tag-build", "tag-date", "use-git", "sdist-format"}

// WithSettings returns a copy of o with PEP 517 config settings applied.
// A malformed value is an error naming the key.
func (o Options) WithSettings(cs ConfigSettings) (Options, error) {
	keys := make([]string, 0, len(cs))
	for k := range cs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		vals := cs[k]
		if len(vals) == 0 {
			continue
		}
		v := vals[len(vals)-1]
		switch strings.TrimPrefix(k, "--") {
		case "tag-build":
			s := v
			o.TagBuild = &s
		case "tag-date", "use-git":
			b, err := parseBool(v)
			if err != nil {
				return o, fmt.Errorf("config setting %s: %w", k, err)
			}
			if strings.TrimPrefix(k, "--") == "tag-date" {
				o.TagDate = &b
			} else {
				o.UseGit = &b
			}
		case "sdist-format":
			f, err := sdist.ParseFormat(v)
			if err != nil {
				return o, fmt.Errorf("config setting %s: %w", k, err)
			}
			o.SdistFormat = f
		default:
			o.warnf("config setting %q is not used by ferry's native backend (known: %s)", k, strings.Join(ConfigKeys[:], ", "))
		}
	}
	return o, nil
}

func parseBool(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "1", "true", "yes", "on":
		return true, nil
	case "0", "false", "no", "off":
		return false, nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, fmt.Errorf("%q is not a boolean", s)
	}
	return b, nil
}

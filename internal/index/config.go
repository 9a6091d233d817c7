package index

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"ferry/internal/httpx"
)

// Setting keys: pip's option names, which are also the keys of pip.conf
// and (upper-cased, "-" as "_", after PIP_ or FERRY_) of the environment.
const (
	KeyIndexURL      = "index-url"
	KeyExtraIndexURL = "extra-index-url"
	KeyFindLinks     = "find-links"
	KeyNoIndex       = "no-index"
	KeyTrustedHost   = "trusted-host"
	KeyCert          = "cert"
	KeyClientCert    = "client-cert"
	KeyTimeout       = "timeout"
	KeyRetries       = "retries"
	// KeyIndexStrategy and KeyExcludeNewer are ferry's own (uv's names).
	KeyIndexStrategy = "index-strategy"
	KeyExcludeNewer  = "exclude-newer"
)

// settingKeys are the keys a Layer may hold.
var settingKeys = [...]string{KeyIndexURL, KeyExtraIndexURL, KeyFindLinks, KeyNoIndex, KeyTrustedHost,
	KeyCert, KeyClientCert, KeyTimeout, KeyRetries, KeyIndexStrategy, KeyExcludeNewer}

// listKeys hold several values (whitespace-separated in files and the
// environment, repeated on the command line).
func listKey(k string) bool {
	return k == KeyExtraIndexURL || k == KeyFindLinks || k == KeyTrustedHost
}

// DefaultIndexURL is used when no index URL is configured.
const DefaultIndexURL = "https://pypi.org/simple/"

// Layer is one source of settings: key → values. A key that is absent is
// not set by this layer.
type Layer map[string][]string

// Set records values for key (a Key constant).
func (l Layer) Set(key string, values ...string) { l[key] = append(l[key], values...) }

// Settings are the index-related options after every source is merged.
type Settings struct {
	IndexURL       string
	ExtraIndexURLs []string
	FindLinks      []string
	NoIndex        bool
	TrustedHosts   []string
	Cert           string
	ClientCert     string
	// Timeout is zero when not set.
	Timeout time.Duration
	// Retries is -1 when not set.
	Retries      int
	Strategy     Strategy
	ExcludeNewer time.Time
	// Files lists the pip configuration files that were read, in order.
	Files []string
}

// ConfigEnv is the outside world the settings are read from.
type ConfigEnv struct {
	// Getenv reads the environment (required).
	Getenv func(string) string
	// ReadFile reads a configuration file; nil means os.ReadFile.
	ReadFile func(string) ([]byte, error)
	// Command selects the pip.conf section read after [global]: "install",
	// "download", "wheel", "index"... Empty reads [global] only.
	Command string
	// Prefix is the target environment's prefix, whose pip.conf is pip's
	// "site" file; empty means $VIRTUAL_ENV.
	Prefix string
	// Isolated ignores the environment and pip's files (pip's --isolated).
	Isolated bool
}

// LoadSettings merges the sources of index settings, lowest first:
//
//  1. pip's configuration files, in pip's order: the global files
//     ($XDG_CONFIG_DIRS/pip/pip.conf, default /etc/xdg, then
//     /etc/pip.conf), the user files (~/.pip/pip.conf, then
//     $XDG_CONFIG_HOME/pip/pip.conf, default ~/.config/pip/pip.conf,
//     both skipped when PIP_CONFIG_FILE names an existing file), the site
//     file ($VIRTUAL_ENV/pip.conf), then PIP_CONFIG_FILE. Across files a
//     later file wins for the same section and key; within the merged
//     result the command's section wins over [global], as in pip.
//  2. PIP_* environment variables (PIP_INDEX_URL, PIP_EXTRA_INDEX_URL
//     space-separated, PIP_FIND_LINKS, PIP_NO_INDEX, PIP_TRUSTED_HOST,
//     PIP_CERT, PIP_CLIENT_CERT, PIP_TIMEOUT, PIP_RETRIES).
//  3. FERRY_* environment variables with the same names.
//  4. flags: the values the user gave on the command line.
//
// A higher source replaces a lower one's value for a key, except that list
// flags (--extra-index-url, --find-links, --trusted-host) add to the
// values from lower sources, as pip's command line does.
func LoadSettings(flags Layer, env ConfigEnv) (Settings, error) {
	merged := Layer{}
	var files []string
	if !env.Isolated {
		pipFiles, err := readPipConfig(env)
		if err != nil {
			return Settings{}, err
		}
		files = pipFiles.files
		for _, section := range []string{"global", env.Command} {
			if section == "" {
				continue
			}
			for k, v := range pipFiles.values[section] {
				merged[k] = v
			}
		}
		for _, prefix := range []string{"PIP_", "FERRY_"} {
			for k, v := range envLayer(env.Getenv, prefix) {
				merged[k] = v
			}
		}
	}
	for k, v := range flags {
		if listKey(k) {
			merged[k] = append(slices.Clone(merged[k]), v...)
		} else {
			merged[k] = v
		}
	}
	s, err := merged.settings()
	s.Files = files
	return s, err
}

// envLayer reads prefix+KEY for every setting key.
func envLayer(getenv func(string) string, prefix string) Layer {
	l := Layer{}
	for _, k := range settingKeys {
		v := getenv(prefix + strings.ToUpper(strings.ReplaceAll(k, "-", "_")))
		if v == "" {
			continue
		}
		if listKey(k) {
			l[k] = strings.Fields(v)
		} else {
			l[k] = []string{v}
		}
	}
	return l
}

func (l Layer) last(k string) (string, bool) {
	v := l[k]
	if len(v) == 0 {
		return "", false
	}
	return strings.TrimSpace(v[len(v)-1]), true
}

func (l Layer) settings() (Settings, error) {
	s := Settings{Retries: -1}
	s.IndexURL, _ = l.last(KeyIndexURL)
	s.ExtraIndexURLs = dedupe(l[KeyExtraIndexURL])
	s.FindLinks = dedupe(l[KeyFindLinks])
	s.TrustedHosts = dedupe(l[KeyTrustedHost])
	s.Cert, _ = l.last(KeyCert)
	s.ClientCert, _ = l.last(KeyClientCert)
	if v, ok := l.last(KeyNoIndex); ok {
		b, err := parseBool(v)
		if err != nil {
			return s, fmt.Errorf("no-index: %w", err)
		}
		s.NoIndex = b
	}
	if v, ok := l.last(KeyTimeout); ok {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 {
			return s, fmt.Errorf("timeout: invalid number of seconds %q", v)
		}
		s.Timeout = time.Duration(f * float64(time.Second))
	}
	if v, ok := l.last(KeyRetries); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return s, fmt.Errorf("retries: invalid count %q", v)
		}
		s.Retries = n
	}
	if v, ok := l.last(KeyIndexStrategy); ok {
		st, err := ParseStrategy(v)
		if err != nil {
			return s, err
		}
		s.Strategy = st
	}
	if v, ok := l.last(KeyExcludeNewer); ok {
		t, err := ParseExcludeNewer(v)
		if err != nil {
			return s, err
		}
		s.ExcludeNewer = t
	}
	return s, nil
}

// parseBool reads a boolean as pip's strtobool does.
func parseBool(v string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "y", "yes", "t", "true", "on", "1":
		return true, nil
	case "n", "no", "f", "false", "off", "0":
		return false, nil
	}
	return false, fmt.Errorf("invalid truth value %q", v)
}

// ClientOptions are the HTTP client options the settings imply (the
// caller adds the proxy configuration, user agent and netrc path).
func (s Settings) ClientOptions() httpx.Options {
	o := httpx.Options{
		Timeout:      s.Timeout,
		CertFile:     s.Cert,
		ClientCert:   s.ClientCert,
		TrustedHosts: slices.Clone(s.TrustedHosts),
	}
	switch {
	case s.Retries == 0:
		o.Retries = -1 // httpx reads zero as "the default"
	case s.Retries > 0:
		o.Retries = s.Retries
	}
	return o
}

// IndexURLs returns the indexes to consult in order: the index URL (or
// DefaultIndexURL) and the extra index URLs; none with --no-index.
func (s Settings) IndexURLs() []string {
	if s.NoIndex {
		return nil
	}
	first := s.IndexURL
	if first == "" {
		first = DefaultIndexURL
	}
	return dedupe(append([]string{first}, s.ExtraIndexURLs...))
}

// Open builds the Index the settings describe: the HTTP indexes (each
// filtered by ExcludeNewer when set) combined under the strategy, plus the
// find-links locations. Relative find-links paths are resolved against dir.
func (s Settings) Open(dir string, opts Options) (Index, error) {
	var idxs, links []Index
	for _, u := range s.IndexURLs() {
		h, err := NewHTTP(u, opts)
		if err != nil {
			return nil, err
		}
		var idx Index = h
		if !s.ExcludeNewer.IsZero() {
			idx = ExcludeNewer(idx, s.ExcludeNewer)
		}
		idxs = append(idxs, idx)
	}
	for _, loc := range s.FindLinks {
		if !strings.Contains(loc, "://") && !filepath.IsAbs(loc) {
			loc = filepath.Join(dir, loc)
		}
		fl, err := NewFindLinks(loc, opts)
		if err != nil {
			return nil, err
		}
		links = append(links, fl)
	}
	return NewMulti(s.Strategy, idxs, links), nil
}

// pipConfig is the merged content of pip's files: section → key → values.
type pipConfig struct {
	values map[string]Layer
	files  []string
}

// pipConfigFiles lists pip's configuration files in loading order.
func pipConfigFiles(env ConfigEnv) []string {
	getenv := env.Getenv
	var files []string
	dirs := getenv("XDG_CONFIG_DIRS")
	if dirs == "" {
		dirs = "/etc/xdg"
	}
	for _, d := range filepath.SplitList(dirs) {
		if filepath.IsAbs(d) {
			files = append(files, filepath.Join(d, "pip", "pip.conf"))
		}
	}
	files = append(files, "/etc/pip.conf")
	envFile := getenv("PIP_CONFIG_FILE")
	envFileExists := false
	if envFile != "" {
		if _, err := env.readFile(envFile); err == nil {
			envFileExists = true
		}
	}
	if home := getenv("HOME"); home != "" && !envFileExists {
		files = append(files, filepath.Join(home, ".pip", "pip.conf"))
		xdg := getenv("XDG_CONFIG_HOME")
		if !filepath.IsAbs(xdg) {
			xdg = filepath.Join(home, ".config")
		}
		files = append(files, filepath.Join(xdg, "pip", "pip.conf"))
	}
	prefix := env.Prefix
	if prefix == "" {
		prefix = getenv("VIRTUAL_ENV")
	}
	if prefix != "" {
		files = append(files, filepath.Join(prefix, "pip.conf"))
	}
	if envFile != "" {
		files = append(files, envFile)
	}
	return files
}

func (env ConfigEnv) readFile(p string) ([]byte, error) {
	if env.ReadFile != nil {
		return env.ReadFile(p)
	}
	return os.ReadFile(p)
}

func readPipConfig(env ConfigEnv) (pipConfig, error) {
	cfg := pipConfig{values: map[string]Layer{}}
	for _, p := range pipConfigFiles(env) {
		data, err := env.readFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return cfg, fmt.Errorf("reading pip configuration %s: %w", p, err)
		}
		sections, err := ParsePipConf(data)
		if err != nil {
			return cfg, fmt.Errorf("reading pip configuration %s: %w", p, err)
		}
		cfg.files = append(cfg.files, p)
		for sec, kv := range sections {
			if cfg.values[sec] == nil {
				cfg.values[sec] = Layer{}
			}
			for k, v := range kv {
				if listKey(k) {
					cfg.values[sec][k] = strings.Fields(v)
				} else {
					cfg.values[sec][k] = []string{v}
				}
			}
		}
	}
	return cfg, nil
}

// ParsePipConf reads a pip.conf (an INI file as Python's configparser
// reads it: [sections], "key = value" or "key: value", indented
// continuation lines, "#" and ";" comment lines). Keys are normalized as
// pip does: lower case, "_" as "-", a leading "--" dropped. The result maps
// section → key → value.
func ParsePipConf(data []byte) (map[string]map[string]string, error) {
	out := map[string]map[string]string{}
	var section, key string
	sc := bufio.NewScanner(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff"))))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		raw := sc.Text()
		line := strings.TrimSpace(raw)
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		if (raw[0] == ' ' || raw[0] == '\t') && key != "" {
			out[section][key] += "\n" + line
			continue
		}
		if line[0] == '[' {
			end := strings.IndexByte(line, ']')
			if end < 0 {
				return nil, fmt.Errorf("line %d: unterminated section header", n)
			}
			section = strings.TrimSpace(line[1:end])
			if out[section] == nil {
				out[section] = map[string]string{}
			}
			key = ""
			continue
		}
		i := strings.IndexAny(line, "=:")
		if i <= 0 {
			return nil, fmt.Errorf("line %d: %q is not \"key = value\"", n, line)
		}
		if section == "" {
			return nil, fmt.Errorf("line %d: setting outside a [section]", n)
		}
		key = strings.ToLower(strings.ReplaceAll(strings.TrimSpace(line[:i]), "_", "-"))
		key = strings.TrimPrefix(key, "--")
		out[section][key] = strings.TrimSpace(line[i+1:])
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

package distinfo

import (
	"strings"

	"ferry/internal/pep440"
	"ferry/internal/pkgname"
)

// DefaultInstaller is the name ferry records in INSTALLER.
const DefaultInstaller = "ferry"

// InstallerContent returns the content of INSTALLER naming the tool that
// installed a distribution: the name and a newline, as pip writes "pip\n".
func InstallerContent(name string) []byte { return []byte(name + "\n") }

// ParseInstaller returns the installer named by INSTALLER content: its
// first line without surrounding white space ("" when empty).
func ParseInstaller(data []byte) string {
	s := string(data)
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}

// DirName returns the .dist-info directory name of a distribution:
// "{name}-{version}.dist-info" with the name normalized and "-" written
// as "_", and the normalized version (which has no "-").
func DirName(name pkgname.Name, version pep440.Version) string {
	return name.DistInfoName() + "-" + version.String() + ".dist-info"
}

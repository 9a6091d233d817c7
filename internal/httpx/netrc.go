package httpx

import (
	"fmt"
	"strings"
)

// Netrc is a parsed netrc file (the format ftp and curl read).
type Netrc struct {
	machines []NetrcMachine
	def      *NetrcMachine
}

// NetrcMachine is one machine entry.
type NetrcMachine struct {
	Name, Login, Password, Account string
}

// ParseNetrc parses netrc data: whitespace-separated tokens "machine NAME",
// "default", "login", "password", "account", and "macdef NAME" blocks
// (skipped up to the next blank line).
func ParseNetrc(data []byte) (*Netrc, error) {
	n := &Netrc{}
	var cur *NetrcMachine
	lines := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	var toks []string
	inMacro := false
	for _, line := range lines {
		if inMacro {
			if strings.TrimSpace(line) == "" {
				inMacro = false
			}
			continue
		}
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		fields := strings.Fields(line)
		for i := 0; i < len(fields); i++ {
			if fields[i] == "macdef" {
				inMacro = true
				toks = append(toks, fields[:i]...)
				fields = nil
				break
			}
		}
		toks = append(toks, fields...)
	}
	flush := func() {
		if cur == nil {
			return
		}
		if cur.Name == "" {
			m := *cur
			n.def = &m
		} else {
			n.machines = append(n.machines, *cur)
		}
		cur = nil
	}
	for i := 0; i < len(toks); i++ {
		next := func() (string, error) {
			if i+1 >= len(toks) {
				return "", fmt.Errorf("netrc: %q needs a value", toks[i])
			}
			i++
			return toks[i], nil
		}
		switch toks[i] {
		case "machine":
			flush()
			name, err := next()
			if err != nil {
				return nil, err
			}
			cur = &NetrcMachine{Name: strings.ToLower(name)}
		case "default":
			flush()
			cur = &NetrcMachine{}
		case "login", "password", "account":
			key := toks[i]
			v, err := next()
			if err != nil {
				return nil, err
			}
			if cur == nil {
				return nil, fmt.Errorf("netrc: %q before any machine", key)
			}
			switch key {
			case "login":
				cur.Login = v
			case "password":
				cur.Password = v
			default:
				cur.Account = v
			}
		default:
			return nil, fmt.Errorf("netrc: unexpected token %q", toks[i])
		}
	}
	flush()
	return n, nil
}

// Lookup returns the entry for host, or the default entry.
func (n *Netrc) Lookup(host string) (NetrcMachine, bool) {
	host = strings.ToLower(host)
	for _, m := range n.machines {
		if m.Name == host {
			return m, true
		}
	}
	if n.def != nil {
		return *n.def, true
	}
	return NetrcMachine{}, false
}

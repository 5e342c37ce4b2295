package main

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"
)

// interspersed moves a command's positional arguments after its flags.
// urfave/cli v2 stops reading flags at the first positional argument, but
// people type `platscan eval RUN --format json`; without this the flags
// would silently become arguments.
func interspersed(app *cli.App, args []string) []string {
	if len(args) < 2 {
		return args
	}
	out := []string{args[0]}
	rest := args[1:]
	cmds := app.Commands
	var cmd *cli.Command
	// Walk down the command path (global flags first, then names).
	for len(rest) > 0 {
		if strings.HasPrefix(rest[0], "-") {
			out = append(out, rest[0])
			rest = rest[1:]
			continue
		}
		next := find(cmds, rest[0])
		if next == nil {
			break
		}
		cmd = next
		out = append(out, rest[0])
		rest = rest[1:]
		cmds = cmd.Subcommands
		if len(cmds) == 0 {
			break
		}
	}
	if cmd == nil {
		return args
	}
	var flags, positional []string
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		if a == "--" {
			positional = append(positional, rest[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			positional = append(positional, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") || isBool(cmd, name) {
			continue
		}
		if i+1 < len(rest) {
			flags = append(flags, rest[i+1])
			i++
		}
	}
	out = append(out, flags...)
	return append(out, positional...)
}

func find(cmds []*cli.Command, name string) *cli.Command {
	for _, c := range cmds {
		if c.HasName(name) {
			return c
		}
	}
	return nil
}

func isBool(cmd *cli.Command, name string) bool {
	if name == "help" || name == "h" {
		return true
	}
	for _, f := range cmd.Flags {
		for _, n := range f.Names() {
			if n == name {
				_, ok := f.(*cli.BoolFlag)
				return ok
			}
		}
	}
	return false
}

// hoistGlobal moves the global flags (--quiet, --verbose, --version and
// their short forms) in front of the command, so they work wherever they
// are typed; urfave/cli only reads them before the command name.
func hoistGlobal(app *cli.App, args []string) []string {
	if len(args) < 2 {
		return args
	}
	global := map[string]bool{}
	for _, f := range app.Flags {
		for _, n := range f.Names() {
			global["-"+n], global["--"+n] = true, true
		}
	}
	var front, rest []string
	for i, a := range args[1:] {
		if a == "--" {
			rest = append(rest, args[1+i:]...)
			break
		}
		name, _, _ := strings.Cut(a, "=")
		if global[name] {
			front = append(front, a)
		} else {
			rest = append(rest, a)
		}
	}
	out := append([]string{args[0]}, front...)
	return append(out, rest...)
}

// A deprecation is an old flag spelling kept for one release.
type deprecation struct {
	cmd []string // command path, e.g. {"rules", "list"}
	old string   // flag name without dashes
	new []string // what it becomes; a bool flag's replacement carries its value
}

// deprecations are the spellings of before docs/cli.md settled one
// vocabulary: --out is a directory, a file is --output, and JSON is
// --format json everywhere.
var deprecations = []deprecation{
	{[]string{"complaint"}, "out", []string{"--output"}},
	{[]string{"keys", "generate"}, "out", []string{"--output"}},
	{[]string{"verify"}, "json", []string{"--format", "json"}},
	{[]string{"rules", "list"}, "json", []string{"--format", "json"}},
	{[]string{"rules", "show"}, "json", []string{"--format", "json"}},
}

// deprecate rewrites old spellings to the current ones and says so on
// stderr (even with --quiet: it is about the command line the user keeps
// in scripts, and the old spelling will stop working).
func deprecate(app *cli.App, args []string, stderr io.Writer) []string {
	path, at := commandPath(app, args)
	if len(path) == 0 {
		return args
	}
	out := append([]string{}, args[:at]...)
	for i := at; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			out = append(out, args[i:]...)
			break
		}
		d, value, ok := match(path, a)
		if !ok {
			out = append(out, a)
			continue
		}
		spelled := strings.Join(d.new, " ")
		fmt.Fprintf(stderr, "platscan: %s --%s is deprecated; use %s (the old spelling goes away in the next release)\n", strings.Join(d.cmd, " "), d.old, spelled)
		switch {
		case len(d.new) == 2 && value == "false": // --json=false: drop it
		case len(d.new) == 2:
			out = append(out, d.new...)
		case value != "":
			out = append(out, d.new[0]+"="+value)
		default:
			out = append(out, d.new[0])
		}
	}
	return out
}

func match(path []string, arg string) (deprecation, string, bool) {
	if !strings.HasPrefix(arg, "-") {
		return deprecation{}, "", false
	}
	name, value, _ := strings.Cut(strings.TrimLeft(arg, "-"), "=")
	for _, d := range deprecations {
		if d.old == name && slices.Equal(d.cmd, path) {
			return d, value, true
		}
	}
	return deprecation{}, "", false
}

// commandPath returns the names of the (sub)command args invoke and the
// index of the first argument after them.
func commandPath(app *cli.App, args []string) ([]string, int) {
	var path []string
	cmds := app.Commands
	i := 1
	for i < len(args) {
		a := args[i]
		if strings.HasPrefix(a, "-") {
			if len(path) > 0 {
				break
			}
			i++ // a global flag before the command
			continue
		}
		c := find(cmds, a)
		if c == nil {
			break
		}
		path = append(path, c.Name)
		cmds = c.Subcommands
		i++
		if len(cmds) == 0 {
			break
		}
	}
	return path, i
}

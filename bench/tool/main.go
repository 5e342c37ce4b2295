// Command tool is bench/run's helper: it measures platscan's fetch path
// against plain net/http, writes synthetic runs and exports of a chosen
// size for the eval and memory benchmarks, and runs a command reporting
// its wall time and peak memory. It is not part of platscan.
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: tool fetch|mkrun|export|measure|scanprofile ...")
		os.Exit(2)
	}
	cmds := map[string]func([]string) error{
		"fetch":    fetchBench,
		"mkrun":    mkrun,
		"measure":  measureCmd,
		"serve":    serve,
		"opainput": opaInput,
		"export":   export,
	}
	cmd, ok := cmds[os.Args[1]]
	if !ok {
		fmt.Fprintf(os.Stderr, "tool: unknown command %q\n", os.Args[1])
		os.Exit(2)
	}
	if err := cmd(os.Args[2:]); err != nil {
		fmt.Fprintf(os.Stderr, "tool %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
}
